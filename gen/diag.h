/* diag.h - the one way vbgen tells its user about a problem.
 *
 * Every message goes to stderr as "vbgen: FILE:LINE: level: message" (or without
 * ":LINE" when no line applies, or without "FILE:" for problems that concern no file),
 * in words an office clerk understands: what is wrong and what to do. The worst level
 * seen so far in a struct diag decides the exit status (see diag_status). What is said, and at
 * which level, is the message table's (msg.h); this file prints and counts. */
#ifndef VBGEN_DIAG_H
#define VBGEN_DIAG_H

#include <sys/types.h>

enum diag_level {
	DIAG_NOTE,    /* information, e.g. which font family was used */
	DIAG_WARNING, /* the output is written, but the user should look */
	DIAG_ERROR,   /* the input is wrong: no output is written; exit status 1 */
	DIAG_SYSTEM,  /* the machine failed us (I/O, missing font): exit status 3 */
	DIAG_USAGE,   /* the command line is wrong: "vbgen: message", exit status 2 (main.c) */
};

/* Exit statuses documented in --help and the README. */
#define EXIT_OK 0
#define EXIT_INVALID 1
#define EXIT_USAGE 2
#define EXIT_SYSTEM 3

/* One message is at most this long once formatted; longer ones are cut, which only
 * happens with absurd input (a 75 MB attribute quoted back), and the cut is marked. */
#define MSG_TEXT_MAX 2048

/* What is said once per run (the font families named in "using font X") is remembered by
 * its key, at most this many keys of at most DIAG_ONCE_KEY bytes: a run names a handful
 * of families. Past either bound the note is said again, which costs a line, never a
 * message lost. */
#define DIAG_ONCE_MAX 32
#define DIAG_ONCE_KEY 128

/* The files a run reads (its plan, its templates and the templates these import) are
 * known by device and inode, so that no output replaces one, whatever name leads to it
 * (a symbolic or hard link in the output folder, ./plan.xml). A run reads the plan and a
 * handful of templates (the bundled ones are four); a file past this bound is refused
 * rather than read unguarded. */
#define DIAG_INPUTS_MAX 64

/* What is said once per run is also said once across the letters' workers (forked
 * processes, each with its copy of the run's diag): their keys, hashed, in a table they
 * share (letters.c maps it). A run says a handful of such things; past this many the
 * one-per-process rule above applies. */
#define DIAG_SHARED_ONCE 256
struct diag_shared {
	_Atomic unsigned long long keys[DIAG_SHARED_ONCE]; /* 0: free */
};
struct diag_input {
	dev_t dev;
	ino_t ino;
};

/* The state of a run's messages: what was said so far and how to say more. main.c owns
 * the run's (on its stack, diag_init) and passes it to each stage, which keeps it in its
 * own context; there is no other. Work whose messages must not count as the run's has
 * its own: cover.c reads ahead with a muted one, letters.c's second pass has a silent one,
 * a letter or signature job counts in its own one or resets it (diag_reset). */
struct diag {
	int counts[DIAG_USAGE + 1];              /* messages of each level said so far */
	int quiet;                               /* notes are not printed (--quiet) */
	int silent;                              /* nothing is printed, all is counted */
	int muted;                               /* nothing is printed nor counted */
	int show_ids;                            /* " [ID]" after each message (VBGEN_MSGID=1) */
	char last_error[MSG_TEXT_MAX];           /* the last error's text, "" when none */
	char once[DIAG_ONCE_MAX][DIAG_ONCE_KEY]; /* the keys diag_once() was given */
	int nonce;
	struct diag_input inputs[DIAG_INPUTS_MAX]; /* the files read (diag_note_input) */
	int ninputs;
	struct diag_shared *shared; /* once keys shared with forked workers, or NULL */
};

/* Sets d to say everything and to have said nothing. */
void diag_init(struct diag *d);

/* Reports one message already formatted and translated, text, of the given level; id is
 * its name in the message table (msg.def), shown after it when diag_set_ids() asked for
 * it. file may be NULL; line <= 0 means no line. text is made one line in place. Only
 * msg.c calls this: every message has its id and its text in msg.def (msg.h). */
void diag_say(struct diag *d, const char *file, long line, enum diag_level level, const char *id,
	      char *text);

/* The word for a level in the message table's listing: "note", "warning", "error" (the
 * input: exit status 1), "system" (the computer: exit status 3), "usage" (the command
 * line: exit status 2). */
const char *diag_level_name(enum diag_level level);

/* Shows each message's id at the end of its line, " [CHECK_EMPTY_ID]" (VBGEN_MSGID=1):
 * to look a message up in msg.def or `vbgen --list-messages`, whatever its language. */
void diag_set_ids(struct diag *d, int show);

/* Number of messages of exactly this level reported so far. */
int diag_count(const struct diag *d, enum diag_level level);

/* The exit status that the worst message so far calls for (EXIT_OK, EXIT_INVALID,
 * EXIT_SYSTEM). */
int diag_status(const struct diag *d);

/* Forgets the counts (used between independent jobs, e.g. one letter after another). */
void diag_reset(struct diag *d);

/* Silences notes (--quiet). */
void diag_set_quiet(struct diag *d, int quiet);

/* Silences every message while still counting them (a second pass over work whose
 * problems were already reported). */
void diag_set_silent(struct diag *d, int silent);

/* Drops every message, neither printed nor counted, while set: work done ahead of its
 * time (cover.c reads the templates and fonts before the documents are made), whose
 * problems the real work reports in its turn. */
void diag_set_muted(struct diag *d, int muted);
/* Whether messages are dropped now (for what is said once per run). */
int diag_muted(const struct diag *d);

/* For what is said once per run, whatever the documents: 1 the first time key is given
 * to d (and remembers it; diag_reset() does not forget), 0 after, and 0 while muted
 * (nothing is said, so nothing is remembered). */
int diag_once(struct diag *d, const char *key);

/* Shares diag_once()'s keys with the processes forked after this call, through shared
 * (memory mapped MAP_SHARED, zeroed), until it is called again with NULL. */
void diag_share_once(struct diag *d, struct diag_shared *shared);

/* Notes that the run reads the file dev/ino (xmlread.c, for every plan and template
 * read), whatever d's silence: 1 when noted (or known), 0 when DIAG_INPUTS_MAX files are
 * noted already. */
int diag_note_input(struct diag *d, dev_t dev, ino_t ino);
/* Whether dev/ino is a file the run reads, which no output may replace (out.c). */
int diag_is_input(const struct diag *d, dev_t dev, ino_t ino);
/* Notes in to the files from has noted (the templates cover.c reads ahead with a diag of
 * its own, before any document is written); those past the bound are left out, as the
 * real work notes them in its turn. */
void diag_add_inputs(struct diag *to, const struct diag *from);

/* The text of the last error reported (without file and line), or "" when none since
 * diag_reset(); lives until the next message. */
const char *diag_last_error(const struct diag *d);

#endif
