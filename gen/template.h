/* template.h - layout templates: compiled once, expanded against a plan into a doc.
 *
 * A template (templates/plan.xml, appendix.xml, letter.xml; see templates/README.md) is
 * an XML file of page geometries, named styles, reusable definitions and a document
 * made of blocks (paragraphs, grids, rules, space, page breaks, tables) with loops,
 * conditions and values taken from the plan with XPath. template_load() reads and
 * compiles it, XPath expressions included; template_expand() runs it over one plan, as
 * often as needed (one letter per agency), without compiling anything again.
 *
 * Ownership: a template owns its styles, pages and compiled expressions; docs made from
 * it point at its styles and pages, so free the template after its docs. */
#ifndef VBGEN_TEMPLATE_H
#define VBGEN_TEMPLATE_H

#include "doc.h"
#include "plan.h"
#include "xmlread.h"

#include <libxml/xpath.h>

typedef struct template template;

/* Limits on a template, each enforced with an error naming the template's line. */
#define TEMPLATE_MAX_CALL_DEPTH 32  /* definitions call each other, a section its subsections */
#define TEMPLATE_MAX_BLOCKS 2000000 /* 10,000 tasks x 6 cells, with room: stops runaway loops */
/* The work of one expansion, so that a runaway loop (a <for> over //node() inside
 * another) stops in seconds rather than running for hours into the memory's end. The
 * appendix of 10,000 tasks (a 3 MB plan) takes 140,000 steps, 2 MB of text and 19
 * million XPath steps; the largest plan vbgen reads (XMLREAD_MAX_BYTES, 32 MB) about ten
 * times that: each limit leaves room above it. */
#define TEMPLATE_MAX_STEPS 20000000L               /* template elements run */
#define TEMPLATE_MAX_DOC_BYTES (64L * 1024 * 1024) /* text put into the document */
#define TEMPLATE_MAX_XPATH_OPS 1000000000UL        /* libxml2's count of XPath steps */
/* One paragraph a template makes: it joins a few of the plan's texts, each at most
 * XMLREAD_MAX_TEXT (xmlread.h, checked by vbgen check), so that a plan check accepted never
 * meets this; only a runaway loop inside a <p> does. */
#define TEMPLATE_MAX_PARA_BYTES (4 * XMLREAD_MAX_TEXT)

/* Reads and compiles a template: name is "plan", "appendix" or "letter", looked up as
 * templates/NAME.xml (see paths.h). Returns NULL after reporting every problem to d. */
template *template_load(struct diag *d, const char *name);
void template_free(template *t);

/* Calls fn for every style of t (and of the templates it includes), e.g. to resolve
 * fonts once before workers fork. */
void template_each_style(const template *t, void (*fn)(const doc_style *s, void *data), void *data);

/* The file the template was read from, for messages. */
const char *template_path(const template *t);

/* Expands t against the plan behind ctx, starting at node (NULL: the document root).
 * Variables already registered in ctx are visible to the template (e.g. $agency for one
 * letter). Returns the doc (free with doc_free), or NULL after reporting a problem to
 * diag (the expansion's own: not necessarily the one t was loaded with). */
doc *template_expand(struct diag *diag, template *t, xmlXPathContextPtr ctx, xmlNodePtr node);

#endif
