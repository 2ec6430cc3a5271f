/* fuzz_plan.c - fuzz target: the plan reader (plan.c: bytes, XML, schema) and the checker
 * (check.c) on any bytes, as `vbgen check` runs them. Seeds: samples/ and tests/check/. */
#include "check.h"
#include "diag.h"
#include "fuzz.h"
#include "plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	plan *p = NULL;

	fuzz_setup();
	plan_read(fuzz_diag(), fuzz_write("plan.xml", data, size), &p);
	if (p != NULL) {
		check_counts c;
		check_plan(fuzz_diag(), p);
		check_count(p, &c);
	}
	plan_free(p);
	diag_reset(fuzz_diag());
	return 0;
}
