/* out.h - output files written whole or not at all.
 *
 * Every file is written under a temporary name in the same folder and renamed over its
 * final name only when it is complete, so that no half-written file ever carries the
 * final name, even when vbgen is killed. */
#ifndef VBGEN_OUT_H
#define VBGEN_OUT_H

#include "msg.h"

#include <stdio.h>

/* Opens a temporary file for writing beside where path goes (through a symbolic link,
 * the file it names: the link stays); returns the FILE and sets *tmp (to free), or
 * returns NULL after reporting to d, also when path is a folder, a device or anything else
 * that is not a regular file, or a file the run reads (diag_is_input: the plan or a
 * template, under another name). The path "-" is standard output (*tmp is then NULL).
 * Finish with out_commit() or out_abort(). */
FILE *out_open(struct diag *d, const char *path, char **tmp);
/* Closes f (standard output: flushes it) and renames tmp to its final name; returns
 * EXIT_OK or EXIT_SYSTEM after reporting (a full disk said as such). */
int out_commit(struct diag *d, FILE *f, char *tmp, const char *path);
/* Closes f (never standard output) and removes tmp. */
void out_abort(FILE *f, char *tmp);

/* Where a file named path really goes: path itself, or the file a symbolic link (or a
 * chain of them) names, as out_open() writes it. Returns a new string, or NULL when a
 * link leads nowhere or around in a loop. */
char *out_target(const char *path);
/* Whether the outputs (or folders) named a and b would be the same (after their links,
 * by inode when both exist, else the same name in the same folder, compared the same
 * way: b, ./b and b// are one): each would be renamed over the other. */
int out_same(const char *a, const char *b);
/* Whether path is "-", standard output. */
int out_is_stdout(const char *path);
/* Whether path cannot be an output file (it exists and is a folder, a device, ... or a
 * link to one): 1 with why (the caller's) set to the message OUT_NOT_A_FILE saying so; 0
 * when it can be ("-", a regular file, a link to one, or a new name). */
int out_unusable(const char *path, struct msg_text *why);
/* Reports that writing path failed with errno err: a full disk, a quota, a size limit
 * or another system error, each with what to do. */
void out_write_failed(struct diag *d, const char *path, int err);

/* Removes the temporary files still open when vbgen is interrupted (SIGINT, SIGTERM,
 * SIGHUP), so that a killed run leaves nothing but complete files behind. */
void out_install_signal_cleanup(void);
/* Removes the temporary files still open (async-signal-safe: no allocation), for a
 * process that must stop at once. */
void out_remove_temporaries(void);

#endif
