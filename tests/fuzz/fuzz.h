/* fuzz.h - what the fuzz targets (tests/fuzz/fuzz_NAME.c) share: a private folder for the files
 * vbgen's readers take by name, and a quiet setup.
 *
 * The readers (plan_read, template_load) read files, as vbgen does, so each input is
 * written to a file of the target's own folder first; the folder is removed at exit. */
#ifndef VBGEN_FUZZ_H
#define VBGEN_FUZZ_H
#include <stddef.h>
#include <stdint.h>

/* Silences vbgen's messages (still formatted and counted: their code runs) unless
 * VBGEN_FUZZ_VERBOSE is set, and makes the private folder. Call once, first. */
void fuzz_setup(void);
/* The diag the targets report to (set up by fuzz_setup()). */
struct diag *fuzz_diag(void);
/* Writes size bytes to the file name in the private folder. Returns its path (static,
 * until the next call), or aborts: a fuzz run that cannot write tests nothing. */
const char *fuzz_write(const char *name, const uint8_t *data, size_t size);
/* The private folder. */
const char *fuzz_dir(void);
#endif
