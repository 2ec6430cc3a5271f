/* xpath.h - the XPath functions templates use to format plan data the Vietnamese way.
 *
 * Templates select plan data with XPath 1.0 (libxml2). xpath_new() makes a context over
 * a plan with these extra functions (no namespace prefix needed):
 *
 *   upper(s)            Unicode upper case: "ủy ban" -> "ỦY BAN"
 *   lower(s)            Unicode lower case
 *   lower-first(s)      the first letter in lower case when the first word is an ordinary
 *                       word, as a phrase reads mid-sentence: "Các sở" -> "các sở"; a
 *                       proper name or an abbreviation ("Sở Nội vụ", "UBND") stays
 *   body-kind(node)     what the body an <issuer>, <agency> or <group> names is: its
 *                       kind= (or its group's: body, committee, position, village,
 *                       organisation), else "committee" for a People's Committee known
 *                       by its name ("UBND xã Cam An"), else "body"
 *   body-attr(node, a)  the attribute a of an agency, else of its group ("" if none)
 *   body-parent(node)   the body above an agency: its <parent>, else its group's
 *   has-letter(node)    whether an agency gets a commitment letter (no letter="no" on
 *                       it or its group)
 *   joined(node)        an element's text with its <line>s joined by spaces
 *   body-unit(node)     a People's Committee's unit: "UBND xã Cam An" -> "xã Cam An"
 *   body-place(node)    where the body is: its <place>, else a People's Committee's place
 *                       name ("Cam An"), else ""
 *   date-long(s)        "2023-08-04" -> "ngày 04 tháng 8 năm 2023"
 *   date-long(s, b)     the same with the day left blank when b is true (a draft)
 *   date-short(s)       "2023-08-04" -> "04/8/2023"
 *   date-short(s, b)    the same with the day left blank when b is true: "      /8/2023"
 *   date-year(s), date-month(s), date-day(s)   numbers of an ISO date
 *   roman(n)            4 -> "IV"
 *   alpha(n)            Vietnamese list letter: 1 -> "a", 5 -> "đ"
 *   pad(n, w)           zero-padded: pad(5, 2) -> "05"
 *   spaces(n)           n no-break spaces (blanks a draft leaves for the records office)
 *   agency-name(id)     an agency's full name, or a group's name, from its id
 *   agency-short(id)    an agency's short name (its name when it has none)
 *   agency-names(ids, sep [, except [, mode]])   the names of a space-separated list of
 *                       ids joined by sep, leaving out the id except ('' for none); mode
 *                       'sentence': a group's name reads as it does mid-sentence ("các
 *                       sở, ban, ngành"); 'list': so does every one after the first
 *   agency(id)          the <agency> or <group> element with that id (a node-set)
 *   tasks-led(id)       the <task> elements whose lead is the agency, or its group
 *   tasks-supported(id) the <task> elements it cooperates on, directly or as a group,
 *                       except those it leads (a task is listed once, in its strongest
 *                       role)
 *   targets-for(id)     the <targets> elements for the agency and for its group
 *
 * Functions given a node-set use its first node's string value, as XPath does. A bad
 * argument (a date that does not parse, an unknown id) gives the empty string and never
 * stops the expansion; the plan checker has already reported such plans.
 *
 * Ownership: the context borrows the plan; free it with xpath_free() before the plan. */
#ifndef VBGEN_XPATH_H
#define VBGEN_XPATH_H

#include "plan.h"

#include <libxml/xmlerror.h>
#include <libxml/xpath.h>

/* Returns expr with each leading run of two or more plain child steps of an absolute
 * path (/plan/commitments/receiver in /plan/commitments/receiver/title) written as a
 * variable that a context of xpath_new() evaluates once and keeps: the same expression
 * for those contexts, whose cost no longer grows with the plan. Anything it does not
 * recognise is left as it is. Returns a g_malloc()ed string. */
char *xpath_index_paths(const char *expr);

/* Sends the XPath errors raised in ctx, while compiling or evaluating, to fn(data, error)
 * instead of libxml2's process-wide handler; fn NULL stops it. It goes through the
 * context's own structured error fields (ctx->error, ctx->userData): for a context of
 * xpath_new(), whose userData is this file's, data is kept beside it; for any other
 * context (one made to compile expressions in), ctx->userData becomes data. The error
 * libxml2 passes carries a code (XML_XPATH_...) and, for XPath's own errors, no message:
 * xpath_error_words() says it. */
void xpath_on_error(xmlXPathContextPtr ctx, xmlStructuredErrorFunc fn, void *data);

/* What an XPath error (an xmlError of the code XML_XPATH_EXPRESSION_OK + n) says, in the
 * user's language, in the words libxml2 uses ("Unregistered function"), or its out of
 * memory (XML_ERR_NO_MEMORY); NULL for any other code. */
const char *xpath_error_words(const xmlError *e);

/* Returns a new context over p->doc with the functions above registered. */
xmlXPathContextPtr xpath_new(plan *p);
void xpath_free(xmlXPathContextPtr ctx);

/* Evaluates a compiled expression at node and returns its string value, malloc()ed
 * (never NULL on success; NULL when evaluation failed). */
char *xpath_string(xmlXPathContextPtr ctx, xmlXPathCompExprPtr expr, xmlNodePtr node);
/* The same, for printing (<value>): when the result is an element or an attribute, its
 * text without the XML white space at both ends, which is the file's layout (a text
 * node, a string made by a function, keeps its own spaces). */
char *xpath_text(xmlXPathContextPtr ctx, xmlXPathCompExprPtr expr, xmlNodePtr node);

/* Evaluates a compiled expression at node and returns its boolean value, or -1 when
 * evaluation failed. */
int xpath_bool(xmlXPathContextPtr ctx, xmlXPathCompExprPtr expr, xmlNodePtr node);

/* Evaluates a compiled expression at node and returns the node-set (caller frees with
 * xmlXPathFreeObject), or NULL when it failed or is not a node-set. */
xmlXPathObjectPtr xpath_nodes(xmlXPathContextPtr ctx, xmlXPathCompExprPtr expr, xmlNodePtr node);

#endif
