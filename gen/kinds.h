/* kinds.h - the kinds of documents vbgen makes, as one table.
 *
 * A kind is a command (vbgen plan, appendix, letters), the template it expands, the plan
 * element it is made from, its default output name and its name in the folder of
 * `vbgen all`. A kind made once per node of the plan (a letter per agency) also names the
 * nodes, the attribute that names each file and the template variable that holds it.
 * main.c dispatches on this table, lists it in --help and `all` walks it in order; adding
 * a kind is a row here, its template and the plan element in schema/plan.rng. */
#ifndef VBGEN_KINDS_H
#define VBGEN_KINDS_H

typedef struct kind {
	const char *command;  /* vbgen COMMAND PLAN.xml */
	const char *help;     /* its line in --help, after the command */
	const char *template; /* templates/NAME.xml */
	const char *requires; /* the element of <plan> it is made from, or NULL */
	/* what follows "the plan has no <requires>" (messages KINDS_SOURCE_MISSING, ..._ALL):
	 * the error when the plan has none (the command), and the warning of `all` then (the
	 * other kinds are made) */
	const char *missing;
	const char *missing_all;
	const char *suffix; /* one document: the default output is the plan's name with this
			     * suffix; per node: the default folder */
	const char *in_all; /* its name in the folder of `all` (NULL: all leaves it out) */
	int csv;            /* its table may also be written as CSV (--csv) */
	/* a kind made once per node */
	const char *each;       /* XPath: the nodes, in document order, or NULL */
	const char *node;       /* their element, as the --agency ID names them */
	const char *id;         /* the attribute that names each one's file */
	const char *var;        /* the template variable that holds it */
	const char *label;      /* the child element whose text is its print file bookmark */
	const char *print_name; /* all: the print file of every document */
} kind;

/* The kinds, in the order --help lists them and `all` makes them; NULL-terminated. */
extern const kind kinds[];

/* The kind made by command, or NULL. */
const kind *kinds_find(const char *command);

#endif
