/* fuzz_template.c - fuzz target: the template compiler and expander (template.c, with
 * xpath.c's functions) on any bytes taken as a template, expanded against a sample plan
 * with the variables the kinds set: once from the plan's root, as the plan and the
 * appendix are made, and once from its first agency with $agency its id, as a letter is.
 * The template may include the bundled ones (templates/common.xml). Seeds: templates/. */
#include "check.h"
#include "diag.h"
#include "doc.h"
#include "fuzz.h"
#include "paths.h"
#include "plan.h"
#include "template.h"
#include "xpath.h"

#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The plan every template is expanded against, read once. */
static plan *sample;

static void setup(void)
{
	char *path;

	fuzz_setup();
	path = paths_find("samples/par-index-2023.xml");
	if (path == NULL || plan_read(fuzz_diag(), path, &sample) != EXIT_OK ||
	    check_plan(fuzz_diag(), sample) != 0) {
		fprintf(stderr, "fuzz_template: cannot read the sample plan\n");
		abort();
	}
	free(path);
	paths_set_templates(fuzz_dir());
	diag_reset(fuzz_diag());
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	template *t;

	if (sample == NULL)
		setup();
	fuzz_write("fuzz.xml", data, size);
	t = template_load(fuzz_diag(), "fuzz");
	if (t != NULL) {
		xmlXPathContextPtr ctx = xpath_new(sample);
		xmlNodePtr agency = sample->agencies->len > 0 ? sample->agencies->pdata[0] : NULL;
		xmlXPathRegisterVariable(ctx, BAD_CAST "with-appendix", xmlXPathNewBoolean(1));
		doc_free(template_expand(fuzz_diag(), t, ctx, NULL));
		if (agency != NULL) {
			xmlXPathRegisterVariable(
				ctx, BAD_CAST "agency",
				xmlXPathNewString(BAD_CAST plan_attr(agency, "id")));
			doc_free(template_expand(fuzz_diag(), t, ctx, agency));
		}
		xpath_free(ctx);
		template_free(t);
	}
	diag_reset(fuzz_diag());
	return 0;
}
