/* plan.h - reading a plan definition safely, and the plan as the later stages see it.
 *
 * Ownership: a plan owns its libxml2 document and everything in this struct; every
 * xmlNodePtr and string reachable from it lives until plan_free(). */
#ifndef VBGEN_PLAN_H
#define VBGEN_PLAN_H

#include "diag.h"

#include <glib.h>
#include <libxml/tree.h>

typedef struct plan {
	char *path;          /* the file name as the user gave it, for messages */
	xmlDocPtr doc;       /* the plan, NFC-normalised */
	GHashTable *ids;     /* id (owned by doc) -> the first element carrying it */
	GPtrArray *groups;   /* <group> elements in file order */
	GPtrArray *agencies; /* <agency> elements in file order */
	GPtrArray *tasks;    /* <task> elements in file order, all appendices */
	int schema_ok;       /* 1 when the file matched schema/plan.rng */
} plan;

/* Reads and schema-validates path. On success (EXIT_OK) *out is the plan, which the
 * caller frees with plan_free(). When the file is refused (EXIT_INVALID, EXIT_SYSTEM)
 * every problem has been reported (msg.h); *out is a plan when the XML could be
 * read at all (so meaning can still be checked) and NULL otherwise. The plan is complete
 * as returned: plan_find() and the lists work at once, before check_plan(). */
int plan_read(struct diag *d, const char *path, plan **out);

void plan_free(plan *p);

/* The line an element starts on. */
long plan_line(xmlNodePtr node);

/* Returns the first child element of node named name, or NULL. */
xmlNodePtr plan_child(xmlNodePtr node, const char *name);

/* Returns the text of node with white space squeezed (text_squeeze), malloc()ed;
 * NULL node gives NULL. */
char *plan_text(xmlNodePtr node);

/* Returns the attribute's value (owned by the doc, lives until plan_free), or NULL. */
const char *plan_attr(xmlNodePtr node, const char *name);

/* Returns the element with this id, or NULL. */
xmlNodePtr plan_find(const plan *p, const char *id);

/* The attribute name of an <agency>, else of its <group> (an agency takes its group's
 * kind, form, requested and letter), or NULL; lives as long as the plan. n may be a
 * <group> or the <issuer> (then only its own attribute counts). */
const char *plan_body_attr(const plan *p, xmlNodePtr n, const char *name);

/* What a body is: its kind= (or its group's), else "committee" for a People's Committee
 * known by its name (text_committee), else "body". n: <issuer>, <agency> or <group>;
 * returns a static string. */
const char *plan_body_kind(const plan *p, xmlNodePtr n);

/* 1 when an agency gets a commitment letter (not letter="no" on it or its group). */
int plan_has_letter(const plan *p, xmlNodePtr agency);

#endif
