/* out.h - output files written whole or not at all.
 *
 * Every file is written under a temporary name in the same folder and renamed over its
 * final name only when it is complete, so that no half-written file ever carries the
 * final name, even when vbgen is killed. */
#ifndef VBGEN_OUT_H
#define VBGEN_OUT_H

#include <stdio.h>

/* Opens a temporary file beside path for writing; returns the FILE and sets *tmp (to
 * free) or returns NULL after reporting. Finish with out_commit() or out_abort(). */
FILE *out_open(const char *path, char **tmp);
/* Closes f and renames tmp to path; returns EXIT_OK or EXIT_SYSTEM after reporting. */
int out_commit(FILE *f, char *tmp, const char *path);
/* Closes f and removes tmp. */
void out_abort(FILE *f, char *tmp);

/* Removes the temporary files still open when vbgen is interrupted (SIGINT, SIGTERM,
 * SIGHUP), so that a killed run leaves nothing but complete files behind. */
void out_install_signal_cleanup(void);

#endif
