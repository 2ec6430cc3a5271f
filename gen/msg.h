/* msg.h - every diagnostic by its id, with one table of their texts (msg.def), as
 * mandoc's mandoc_msg.c: a call site names what it says, msg(d, file, line, MSG_X, ...),
 * to the diagnostics d it was given (a struct diag, diag.h: the run's, from main(), or
 * one of a stage's own work, as cover.c's muted one), and the table gives the words and the level; the words are translated (po/) and the
 * level decides the exit status (diag.h).
 *
 * The arguments of a call are checked against the text at compile time: msg() passes
 * the literal text of its id (MSG_X_FMT, written into build/msg-fmt.h from msg.def by
 * tools/msg_fmt.py) to a function with printf's format attribute, so a wrong argument
 * fails the build as with printf. A text is never given at a call site: the case
 * msg-table fails on a free-form one.
 *
 * Numbers in a message follow its language (i18n_vformat): see msg.def. The table and the texts are
 * static; what msg_text() returns lives until the next call. */
#ifndef VBGEN_MSG_H
#define VBGEN_MSG_H

#include "diag.h"
#include "i18n.h"
#include "msg-fmt.h"

#include <stdarg.h>
#include <stdio.h>

enum msg_id {
#define MSG(id, level, text) MSG_##id,
#define MSGN(id, level, texts) MSG_##id,
#include "msg.def"
#undef MSG
#undef MSGN
	MSG_COUNT
};

/* One row of the table: the id's name ("CHECK_EMPTY_ID"), its level, its English text
 * (for MSGN the form for one, and plural the form for many; NULL otherwise). */
struct msg_info {
	const char *name;
	enum diag_level level;
	const char *text;
	const char *plural;
};

extern const struct msg_info msg_table[MSG_COUNT];

/* Reports message id to d at file and line (file NULL: no file; line <= 0: no line) with
 * the arguments its text asks for. fmt is the id's text, for the compiler's checks only:
 * call msg(), which passes it. */
void msg_at(struct diag *d, const char *file, long line, enum msg_id id, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
#define msg(d, file, line, id, ...) msg_at(d, file, line, id, id##_FMT, ##__VA_ARGS__)

/* The same for an MSGN message, in the form that n calls for. */
void msgn_at(struct diag *d, const char *file, long line, enum msg_id id, unsigned long n,
	     const char *fmt, ...) __attribute__((format(printf, 6, 7)));
#define msgn(d, file, line, id, n, ...) msgn_at(d, file, line, id, n, id##_FMT, ##__VA_ARGS__)

/* msg_at() with the arguments in ap: for a stage's own reporting function (check.c's
 * err(), template.c's terr()), which is declared with the format attribute and called
 * through a macro passing id##_FMT as msg() does. */
void msg_v(struct diag *d, const char *file, long line, enum msg_id id, va_list ap);

/* A message formatted ahead of being reported (compared with the one before, kept until
 * the end of a pass, or completed with words of libxml2's), with its id. */
struct msg_text {
	enum msg_id id;
	char text[MSG_TEXT_MAX];
};

void msg_format_at(struct msg_text *t, enum msg_id id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define msg_format(t, id, ...) msg_format_at(t, id, id##_FMT, ##__VA_ARGS__)

/* msg_format() with the arguments in ap, for t->id, set by the caller. */
void msg_v_format(struct msg_text *t, va_list ap);

/* Reports t to d at file and line, at the level of its id. */
void msg_put(struct diag *d, const char *file, long line, const struct msg_text *t);

/* Prints the table, a line per message: id, level and English text, separated by tabs,
 * and with another language than English the translation too (--list-messages). */
void msg_list(FILE *out);

#endif
