/* diag.h - the one way vbgen tells its user about a problem.
 *
 * Every message goes to stderr as "vbgen: FILE:LINE: level: message" (or without
 * ":LINE" when no line applies, or without "FILE:" for problems that concern no file),
 * in words an office clerk understands: what is wrong and what to do. The worst level
 * seen so far decides the exit status (see diag_status). */
#ifndef VBGEN_DIAG_H
#define VBGEN_DIAG_H

#include <stdarg.h>

enum diag_level {
	DIAG_NOTE,    /* information, e.g. which font family was used */
	DIAG_WARNING, /* the output is written, but the user should look */
	DIAG_ERROR,   /* the input is wrong: no output is written; exit status 1 */
	DIAG_SYSTEM,  /* the machine failed us (I/O, missing font): exit status 3 */
};

/* Exit statuses documented in --help and the README. */
#define EXIT_OK 0
#define EXIT_INVALID 1
#define EXIT_USAGE 2
#define EXIT_SYSTEM 3

/* The words for an allocation that failed, wherever it is found (GLib's handler in
 * main.c, libxml2's evaluation in template.c). */
#define DIAG_OUT_OF_MEMORY                                                                         \
	"the computer ran out of memory (or the work grew beyond what it allows): close "          \
	"other programs, or make letters for fewer agencies at once (--agency, -j 1), and "        \
	"run vbgen again"

/* Reports one problem. file may be NULL; line <= 0 means no line. */
void diag(const char *file, long line, enum diag_level level, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void diag_v(const char *file, long line, enum diag_level level, const char *fmt, va_list ap);

/* Number of messages of exactly this level reported so far. */
int diag_count(enum diag_level level);

/* The exit status that the worst message so far calls for (EXIT_OK, EXIT_INVALID,
 * EXIT_SYSTEM). */
int diag_status(void);

/* Forgets the counts (used between independent jobs, e.g. one letter after another). */
void diag_reset(void);

/* Silences notes (--quiet). */
void diag_set_quiet(int quiet);

/* Silences every message while still counting them (a second pass over work whose
 * problems were already reported). */
void diag_set_silent(int silent);

/* Drops every message, neither printed nor counted, while set: work done ahead of its
 * time (cover.c reads the templates and fonts before the documents are made), whose
 * problems the real work reports in its turn. */
void diag_set_muted(int muted);
/* Whether messages are dropped now (for what is said once per run). */
int diag_muted(void);

/* The text of the last error reported (without file and line), or "" when none since
 * diag_reset(); lives until the next message. */
const char *diag_last_error(void);

#endif
