/* plan.c - reading a plan definition: the XML (xmlread.c), the schema, the plan.
 *
 * The bytes and the XML are read by xmlread.c, with the same safety rules as templates;
 * this file checks the plan's form against schema/plan.rng, says in plain words what the
 * schema refuses, and builds the plan the later stages read (the id index and the lists
 * of groups, agencies and tasks). */
#include "plan.h"

#include "date.h"
#include "diag.h"
#include "i18n.h"
#include "msg.h"
#include "paths.h"
#include "text.h"
#include "xmlread.h"

#include <libxml/relaxng.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A misspelt name is recognised when at most this many letters differ ("sumary",
 * "laed"). */
#define PLAN_SUGGEST_DISTANCE 2

/* A text kept for a message (libxml2's words), before the file and line are added. */
#define PLAN_MSG_MAX 1024

/* The form of every element, as schema/plan.rng defines it, for saying in plain words what
 * is missing, misplaced or misspelt when the schema refuses a file: libxml2's own findings
 * are terse ("Expecting an element , got nothing") and stop at the first problem of an
 * element. make writes the tables from the schema (tools/schema_tables.py, which says
 * what they hold): contents[] (the children of each element, in their order; a mark after
 * a name: ? optional, * any number, + one or more; a|b|c* is any number of a, b and c in
 * any order), running_text[] (words mixed with <b> and <i>) and attributes[] ("!" marks a
 * required one). When they explain nothing, the schema's own finding is reported. */
#include "plan-schema.h"

static int is_structural(const xmlChar *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(contents); i++)
		if (xmlStrEqual(name, BAD_CAST contents[i].element))
			return 1;
	return 0;
}

/* What to write when a required attribute is missing. */
static const struct {
	const char *name;
	const char *hint;
} attribute_hints[] = {
	{"version", N_("write <plan version=\"1\">")},
	{"id", N_("add id=\"...\" (lower-case letters, digits and hyphens, unique in the file)")},
	{"group", N_("add group=\"...\" with the id of the group it belongs to")},
	{"section",
	 N_("add section=\"...\" with the id of the section of the plan it carries out")},
	{"lead", N_("add lead=\"...\" with the id of the agency or group in charge")},
	{"for", N_("add for=\"...\" with the id of a group or of one agency")},
};

/* Attributes whose values check.c checks, with clearer messages than the schema's (ids,
 * references, deadlines, the recipient's note): the schema's complaint about them is left
 * to check.c. */
static const char *const checked_later[] = {"id",  "group", "section", "lead", "support",
					    "for", "date",  "quarter", "year", "note"};

#define PLAN_MODEL_MAX 16 /* tokens in one entry of contents[] */

struct token {
	char names[64]; /* "title", or "p|item|section" */
	int min, max;   /* max 0: any number */
};

/* One schema validation: what has been said already, so that echoes are dropped. */
struct vctx {
	struct diag *d; /* where the schema's findings are said */
	plan *p;
	GHashTable *content_done;   /* elements whose children were explained */
	GHashTable *attrs_done;     /* elements whose attributes were explained */
	int seen;                   /* problems found so far, here or left to check.c */
	int ns_done;                /* the namespace problem was reported */
	GHashTable *names_done;     /* element names whose every element's attributes were
				     * explained (see explain_all_attributes) */
	char pending[PLAN_MSG_MAX]; /* a finding about no element, reported at the end only if
				     * nothing else explains the failure */
};

/* Reports message id about the element at (fmt: the id's text, for the compiler's
 * checks: call report(), msg.h). */
static void report_at(struct vctx *v, xmlNodePtr at, enum msg_id id, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define report(v, at, id, ...) report_at(v, at, id, id##_FMT, ##__VA_ARGS__)

static void report_at(struct vctx *v, xmlNodePtr at, enum msg_id id, const char *fmt, ...)
{
	va_list ap;

	(void)fmt;
	va_start(ap, fmt);
	msg_v(v->d, v->p->path, plan_line(at), id, ap);
	va_end(ap);
	v->seen++;
}

static int is_named(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name);
}

static int in_list(const char *const *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return 1;
	return 0;
}

/* "<task id="t02">" when the element has an id, else "<task>". */
static const char *label(xmlNodePtr n, char *buf, size_t size)
{
	const char *id = plan_attr(n, "id");

	if (id != NULL && text_is_id(id))
		snprintf(buf, size, "<%s id=\"%s\">", (const char *)n->name, id);
	else
		snprintf(buf, size, "<%s>", (const char *)n->name);
	return buf;
}

static const char *content_of(const char *element)
{
	for (size_t i = 0; i < sizeof contents / sizeof contents[0]; i++)
		if (strcmp(contents[i].element, element) == 0)
			return contents[i].children;
	return NULL;
}

static const char *attributes_of(const char *element)
{
	for (size_t i = 0; i < sizeof attributes / sizeof attributes[0]; i++)
		if (strcmp(attributes[i].element, element) == 0)
			return attributes[i].names;
	return "";
}

/* Splits a contents[] entry into tokens; returns how many. */
static int parse_model(const char *model, struct token *t)
{
	int n = 0;

	for (const char *w = model; *w != '\0' && n < PLAN_MODEL_MAX;) {
		size_t len = strcspn(w, " ");
		size_t k = len;
		char mark = len > 0 ? w[len - 1] : '\0';
		if (strchr("?*+", mark) != NULL && mark != '\0')
			k--;
		if (k >= sizeof t[n].names)
			k = sizeof t[n].names - 1;
		memcpy(t[n].names, w, k);
		t[n].names[k] = '\0';
		t[n].min = mark == '?' || mark == '*' ? 0 : 1;
		t[n].max = mark == '*' || mark == '+' ? 0 : 1;
		n++;
		w += len;
		while (*w == ' ')
			w++;
	}
	return n;
}

/* "issuer, place, number, ..." for messages. */
static void model_words(const struct token *t, int n, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && used < size; i++) {
		int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", t[i].names);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	for (char *c = buf; *c != '\0'; c++)
		if (*c == '|')
			*c = '/';
}

static int token_matches(const struct token *t, const xmlChar *name)
{
	return text_words_has(t->names, (const char *)name, "|");
}

/* Compares the child elements of parent with its form in contents[] and reports each
 * child that is unknown, misspelt, repeated or out of order and each required child that
 * is missing. Returns the number of problems reported, -1 when parent was explained
 * before, 0 when the tables see nothing wrong. */
static int explain_content(struct vctx *v, xmlNodePtr parent)
{
	struct token t[PLAN_MODEL_MAX];
	int count[PLAN_MODEL_MAX] = {0};
	xmlNodePtr first[PLAN_MODEL_MAX] = {NULL};
	char order[PLAN_MSG_MAX / 2], what[160], suggested[PLAN_MODEL_MAX][64];
	const char *model, *pname;
	GHashTable *explained;
	xmlNodePtr last = NULL;
	int n, i = 0, found = 0, nsuggested = 0;

	if (parent == NULL || parent->type != XML_ELEMENT_NODE)
		return 0;
	if (g_hash_table_contains(v->content_done, parent))
		return -1;
	g_hash_table_add(v->content_done, parent);
	pname = (const char *)parent->name;
	if (in_list(running_text, sizeof running_text / sizeof running_text[0], pname)) {
		for (xmlNodePtr c = parent->children; c != NULL; c = c->next) {
			if (c->type != XML_ELEMENT_NODE || is_named(c, "b") || is_named(c, "i") ||
			    is_named(c, "appendix-ref") ||
			    (is_named(c, "item") && strcmp(pname, "item") == 0))
				continue;
			report(v, c, MSG_PLAN_ALLOWED_RUNNING_TEXT, (const char *)c->name,
			       (const char *)c->name);
			found++;
		}
		return found;
	}
	if ((model = content_of(pname)) == NULL)
		return 0;
	n = parse_model(model, t);
	model_words(t, n, order, sizeof order);
	explained = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (xmlNodePtr c = parent->children; c != NULL; c = c->next) {
		int j, k;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (g_hash_table_contains(explained, c)) {
			last = c;
			continue;
		}
		/* the next token, from the current one on, that takes this child */
		for (j = i; j < n; j++)
			if (token_matches(&t[j], c->name) &&
			    (j > i || t[j].max == 0 || count[j] < t[j].max))
				break;
		if (j < n) {
			/* tokens skipped on the way are required ones missing before c */
			for (k = i; k < j; k++) {
				if (count[k] >= t[k].min)
					continue;
				int was_suggested = 0;
				for (int s = 0; s < nsuggested; s++)
					was_suggested |=
						text_words_has(t[k].names, suggested[s], "|");
				if (was_suggested)
					continue;
				xmlNodePtr later = NULL;
				for (xmlNodePtr d = c->next; d != NULL && later == NULL;
				     d = d->next)
					if (d->type == XML_ELEMENT_NODE &&
					    token_matches(&t[k], d->name))
						later = d;
				if (later != NULL) {
					report(v, c, MSG_PLAN_LINE_COME_BEFORE,
					       (const char *)later->name, plan_line(later),
					       (const char *)c->name, pname, order);
					g_hash_table_add(explained, later);
				} else {
					report(v, c, MSG_PLAN_MISSING_LINE_BEFORE, t[k].names,
					       label(parent, what, sizeof what), plan_line(parent),
					       (const char *)c->name);
				}
				found++;
			}
			if (j > i)
				i = j;
			if (count[i]++ == 0)
				first[i] = c;
			last = c;
			continue;
		}
		/* no token from here on takes c: unknown, repeated or out of order */
		for (k = 0; k < i && !token_matches(&t[k], c->name); k++)
			;
		if (k < n && token_matches(&t[k], c->name) && t[k].max == 1 && count[k] > 0 &&
		    first[k] != NULL) {
			report(v, c, MSG_PLAN_GIVEN_TWICE_LINE, (const char *)c->name,
			       label(parent, what, sizeof what), plan_line(first[k]));
		} else if (k < i) {
			xmlNodePtr after = NULL;
			for (int m = k + 1; m < n && after == NULL; m++)
				after = first[m];
			if (after != NULL)
				report(v, c, MSG_PLAN_OUT_OF_ORDER_BEFORE, (const char *)c->name,
				       (const char *)after->name, plan_line(after), pname, order);
			else
				report(v, c, MSG_PLAN_OUT_OF_ORDER, (const char *)c->name, pname,
				       order);
		} else {
			char sug[64];
			char all[PLAN_MSG_MAX / 2];
			snprintf(all, sizeof all, "%s", model);
			for (char *a = all; *a != '\0'; a++)
				if (*a == '|')
					*a = ' ';
			if (text_words_nearest(all, " ", (const char *)c->name,
					       PLAN_SUGGEST_DISTANCE, sug, sizeof sug)) {
				report(v, c, MSG_PLAN_ELEMENT_MISSPELT, (const char *)c->name,
				       pname, sug);
				if (nsuggested < PLAN_MODEL_MAX)
					snprintf(suggested[nsuggested++], sizeof suggested[0], "%s",
						 sug);
			} else {
				report(v, c, MSG_PLAN_BELONG_HOLDS_DOCS, (const char *)c->name,
				       pname, pname, order);
			}
		}
		found++;
		last = c;
	}
	/* required tokens never reached */
	xmlNodePtr at = last != NULL ? last : parent;
	const char *after = last != NULL ? (const char *)last->name : NULL;
	int next_to_last = last != NULL; /* "after this <x>": x is on the line reported */
	for (int k = i; k < n; k++) {
		if (count[k] >= t[k].min)
			continue;
		int was_suggested = 0;
		for (int s = 0; s < nsuggested; s++)
			was_suggested |= text_words_has(t[k].names, suggested[s], "|");
		if (was_suggested)
			continue;
		if (after == NULL)
			report(v, at, MSG_PLAN_MISSING_INSIDE, t[k].names,
			       label(parent, what, sizeof what));
		else
			report(v, at, MSG_PLAN_MISSING_LINE_AFTER, t[k].names,
			       label(parent, what, sizeof what), plan_line(parent),
			       next_to_last ? _("this ") : "", after);
		after = t[k].names;
		next_to_last = 0;
		found++;
	}
	g_hash_table_destroy(explained);
	return found;
}

/* Explains what is wrong with the attributes of n: unknown or misspelt names, missing
 * required ones, the values check.c does not see (version, runin). Returns the number of
 * problems found (those left to check.c included), -1 when n was explained before. */
static int explain_attributes(struct vctx *v, xmlNodePtr n)
{
	const char *allowed, *ename;
	char what[160], q[TEXT_QUOTE_MAX + 4], sug[64], suggested[64] = "";
	int found = 0;

	if (n == NULL || n->type != XML_ELEMENT_NODE)
		return 0;
	if (g_hash_table_contains(v->attrs_done, n))
		return -1;
	g_hash_table_add(v->attrs_done, n);
	ename = (const char *)n->name;
	allowed = attributes_of(ename);
	for (xmlAttrPtr a = n->properties; a != NULL; a = a->next) {
		char name[128];
		const char *val = a->children != NULL && a->children->content != NULL
					  ? (const char *)a->children->content
					  : "";
		if (a->ns != NULL && a->ns->prefix != NULL)
			snprintf(name, sizeof name, "%s:%s", (const char *)a->ns->prefix,
				 (const char *)a->name);
		else
			snprintf(name, sizeof name, "%s", (const char *)a->name);
		text_quote(q, val);
		if (a->ns == NULL && text_words_has(allowed, name, " ")) {
			if (strcmp(name, "version") == 0 && strcmp(val, "1") != 0) {
				report(v, n, MSG_PLAN_VERSION_UNKNOWN, q);
				found++;
			} else if (strcmp(name, "runin") == 0 && strcmp(val, "yes") != 0 &&
				   strcmp(val, "no") != 0) {
				report(v, n, MSG_PLAN_RUNIN_VALUE, q);
				found++;
			} else if (in_list(checked_later,
					   sizeof checked_later / sizeof checked_later[0], name)) {
				v->seen++; /* check.c says what is wrong with the value */
				found++;
			}
			continue;
		}
		if (*allowed == '\0') {
			report(v, n, MSG_PLAN_TAKES_ATTRIBUTES_DELETE, label(n, what, sizeof what),
			       name, q);
		} else if (text_words_nearest(allowed, " ", name, PLAN_SUGGEST_DISTANCE, sug,
					      sizeof sug) &&
			   xmlHasProp(n, BAD_CAST sug) == NULL) {
			report(v, n, MSG_PLAN_ATTRIBUTE_MISSPELT, label(n, what, sizeof what), name,
			       sug);
			snprintf(suggested, sizeof suggested, "%s", sug);
		} else {
			report(v, n, MSG_PLAN_ATTRIBUTE_UNKNOWN, label(n, what, sizeof what), name,
			       ename);
		}
		found++;
	}
	for (const char *w = allowed; *w != '\0';) {
		size_t len = strcspn(w, " ");
		char name[64];
		if (len > 1 && len < sizeof name && w[len - 1] == '!') {
			memcpy(name, w, len - 1);
			name[len - 1] = '\0';
			if (xmlHasProp(n, BAD_CAST name) == NULL && strcmp(name, suggested) != 0) {
				const char *hint = _("add it");
				for (size_t h = 0;
				     h < sizeof attribute_hints / sizeof attribute_hints[0]; h++)
					if (strcmp(attribute_hints[h].name, name) == 0)
						hint = _(attribute_hints[h].hint);
				report(v, n, MSG_PLAN_ATTRIBUTE_MISSING,
				       label(n, what, sizeof what), name, hint);
				found++;
			}
		}
		w += len;
		while (*w == ' ')
			w++;
	}
	return found;
}

/* Explains the attributes of every element named name (libxml2 reports some attribute
 * findings with the element's name but not the element). Returns the problems found. */
static int explain_all_attributes(struct vctx *v, xmlNodePtr n, const char *name)
{
	int found = 0;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrEqual(n->name, BAD_CAST name)) {
			int r = explain_attributes(v, n);
			found += r > 0 ? r : 0;
		}
		found += explain_all_attributes(v, n->children, name);
	}
	return found;
}

/* The element a schema finding is about: e->node, or the element holding it when e->node
 * is a text node; NULL when libxml2 gives no node. */
static xmlNodePtr finding_element(const xmlError *e)
{
	xmlNodePtr n = e->node;

	while (n != NULL && n->type != XML_ELEMENT_NODE)
		n = n->parent;
	return n;
}

/* Is there white space anywhere in the text of el? */
static int has_space(xmlNodePtr el)
{
	xmlChar *raw = xmlNodeGetContent(el);
	int found = raw != NULL && strpbrk((const char *)raw, " \t\r\n") != NULL;

	xmlFree(raw);
	return found;
}

/* A schema finding about the text of an element (a datatype or a pattern). */
static void explain_value(struct vctx *v, xmlNodePtr el)
{
	const char *name = (const char *)el->name;
	char *text = plan_text(el);
	char q[TEXT_QUOTE_MAX + 4];

	text_quote(q, text);
	if (is_named(el, "deadline") || (is_named(el, "date") && date_parse(text, NULL) != 0) ||
	    text_is_blank(text)) {
		v->seen++; /* check.c: deadlines, dates and blank text, with what to write */
	} else if (is_named(el, "number") && has_space(el)) {
		report(v, el, MSG_PLAN_NUMBER_SPACES_DIGITS);
	} else if (is_named(el, "number")) {
		report(v, el, MSG_PLAN_NUMBER_FORM, q);
	} else if (is_named(el, "symbol")) {
		report(v, el, MSG_PLAN_SYMBOL_FORM, q);
	} else {
		report(v, el, MSG_PLAN_HOLD_VALUE_RIGHT, name, q, name);
	}
	free(text);
}

/* Rewrites a RelaxNG finding for a clerk. libxml2 reports one problem several times up
 * the tree ("failed to validate content"), and some with no names at all; the tables
 * above say what the problem is, and echoes are dropped. */
static void on_schema_error(void *ctx, xmlErrorPtr e)
{
	struct vctx *v = ctx;
	xmlNodePtr el = finding_element(e);
	const char *m = e->message != NULL ? e->message : "";
	char msg[PLAN_MSG_MAX], what[160];
	int r = 0;

	snprintf(msg, sizeof msg, "%s", m);
	msg[strcspn(msg, "\n")] = '\0';
	switch (e->code) {
	case XML_RELAXNG_ERR_CONTENTVALID:
	case XML_RELAXNG_ERR_EXTRACONTENT:
	case XML_RELAXNG_ERR_INTERSEQ:
	case XML_RELAXNG_ERR_INTEREXTRA:
		/* echoes of a finding inside the element, reported before */
		if (v->seen > 0)
			return;
		r = e->code == XML_RELAXNG_ERR_EXTRACONTENT && el != NULL
			    ? explain_content(v, el->parent)
			    : explain_content(v, el);
		break;
	case XML_RELAXNG_ERR_ELEMWRONG:
	case XML_RELAXNG_ERR_ELEMNAME:
		r = el != NULL ? explain_content(v, el->parent) : 0;
		break;
	case XML_RELAXNG_ERR_NOELEM:
		r = explain_content(v, el);
		if (r == 0)
			r = explain_attributes(v, el);
		break;
	case XML_RELAXNG_ERR_INVALIDATTR:
	case XML_RELAXNG_ERR_ATTRVALID:
	case XML_RELAXNG_ERR_ATTRNAME:
	case XML_RELAXNG_ERR_TYPECMP:
	case XML_RELAXNG_ERR_TYPEVAL:
	case XML_RELAXNG_ERR_VALUE:
	case XML_RELAXNG_ERR_LIST:
	case XML_RELAXNG_ERR_LISTEMPTY:
	case XML_RELAXNG_ERR_LISTEXTRA:
		if (el == NULL) {
			/* libxml2 names the element but not which one: look at them all */
			if (e->str1 != NULL && !g_hash_table_contains(v->names_done, e->str1)) {
				g_hash_table_add(v->names_done, g_strdup(e->str1));
				r = explain_all_attributes(v, xmlDocGetRootElement(v->p->doc),
							   e->str1);
			}
			if (r == 0 && v->seen > 0)
				return; /* an echo without a node: its finding came before */
			break;
		}
		r = explain_attributes(v, el);
		if (r == 0 && is_named(el, "deadline")) {
			v->seen++; /* check.c knows every form of a deadline */
			r = 1;
		}
		break;
	case XML_RELAXNG_ERR_DATATYPE:
		if (el == NULL)
			break;
		explain_value(v, el);
		r = 1;
		break;
	case XML_RELAXNG_ERR_DATAELEM:
	case XML_RELAXNG_ERR_VALELEM:
	case XML_RELAXNG_ERR_LISTELEM:
		if (el == NULL)
			break;
		if (e->str1 != NULL && !xmlStrEqual(el->name, BAD_CAST e->str1) &&
		    el->parent != NULL && xmlStrEqual(el->parent->name, BAD_CAST e->str1))
			el = el->parent; /* libxml2 names the child; the element is its parent */
		for (xmlNodePtr c = el->children; c != NULL; c = c->next)
			if (c->type == XML_ELEMENT_NODE) {
				report(v, c, MSG_PLAN_HOLDS_PLAIN_TEXT, (const char *)el->name,
				       (const char *)c->name, (const char *)c->name);
				r = 1;
				break;
			}
		break;
	case XML_RELAXNG_ERR_TEXTWRONG:
	case XML_RELAXNG_ERR_NOTELEM:
		if (el == NULL)
			break;
		for (xmlNodePtr c = el->children; c != NULL && r == 0; c = c->next) {
			/* XML white space only: a non-breaking space is text to the schema */
			if (c->type != XML_TEXT_NODE || c->content == NULL ||
			    strspn((const char *)c->content, " \t\r\n") ==
				    strlen((const char *)c->content))
				continue;
			char q[TEXT_QUOTE_MAX + 4];
			text_quote(q, (const char *)c->content);
			if (q[0] == '\0')
				report(v, c, MSG_PLAN_INVISIBLE_CHARACTER_NON,
				       label(el, what, sizeof what));
			else
				report(v, c, MSG_PLAN_TEXT_DIRECTLY_INSIDE,
				       label(el, what, sizeof what), q);
			r = 1;
		}
		break;
	case XML_RELAXNG_ERR_ELEMNONS:
	case XML_RELAXNG_ERR_ELEMWRONGNS:
	case XML_RELAXNG_ERR_ELEMEXTRANS:
	case XML_RELAXNG_ERR_ATTRNONS:
	case XML_RELAXNG_ERR_ATTRWRONGNS:
	case XML_RELAXNG_ERR_ATTREXTRANS:
		if (v->ns_done)
			return;
		v->ns_done = 1;
		if (el != NULL && el->ns != NULL && el->ns->href != NULL) {
			char q[TEXT_QUOTE_MAX + 4];
			text_quote(q, (const char *)el->ns->href);
			report(v, el, MSG_PLAN_XML_NAMESPACE_PLAN, (const char *)el->name, q);
			r = 1;
		}
		break;
	default:
		break;
	}
	if (r != 0)
		return;
	/* a text element that is blank (a <summary> that may also be given as lines, for which
	 * the schema asks for a <line>): check.c says what to write there */
	if (el != NULL && content_of((const char *)el->name) == NULL) {
		char *t = plan_text(el);
		int blank = text_is_blank(t);
		free(t);
		if (blank) {
			v->seen++;
			return;
		}
	}
	/* nothing above explains it: the schema's own words, as a last resort */
	if (el == NULL && v->pending[0] == '\0') {
		/* libxml2 reports some echoes before the finding they echo, and without an
		 * element: wait for the end of the validation */
		snprintf(v->pending, sizeof v->pending, "%s", msg);
		return;
	}
	/* bullets of a third level: the schema has <item> in <item> once, and says only
	 * that it did not expect an item */
	if (is_named(el, "item") && is_named(el->parent, "item")) {
		xmlNodePtr third = is_named(el->parent->parent, "item") ? el : NULL;
		/* or said of the second level's content: its first item */
		for (xmlNodePtr c = el->children; third == NULL && c != NULL; c = c->next)
			if (is_named(c, "item"))
				third = c;
		if (third != NULL) {
			if (!g_hash_table_contains(v->content_done, third)) {
				g_hash_table_add(v->content_done, third);
				report(v, third, MSG_PLAN_ITEM_THIRD_LEVEL);
			}
			return;
		}
	}
	if (el != NULL)
		report(v, el, MSG_PLAN_SCHEMA_SAYS, label(el, what, sizeof what), msg,
		       (const char *)el->name);
	else if (v->seen == 0)
		report(v, NULL, MSG_PLAN_SCHEMA_SAYS_FILE, msg);
}

/* Validates p->doc against schema/plan.rng. Returns 0 when it matches. */
/* Removes every <param name="pattern"> below n. */
static void drop_patterns(xmlNodePtr n)
{
	while (n != NULL) {
		xmlNodePtr next = n->next;
		if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST "param")) {
			xmlChar *name = xmlGetProp(n, BAD_CAST "name");
			if (xmlStrEqual(name, BAD_CAST "pattern")) {
				xmlUnlinkNode(n);
				xmlFreeNode(n);
			}
			xmlFree(name);
		} else if (n->type == XML_ELEMENT_NODE)
			drop_patterns(n->children);
		n = next;
	}
}

/* The schema's ids and references carry an XSD pattern, which documents their form for
 * xmllint; libxml2 compiles such a pattern anew for every value it checks, which made
 * validation most of the time of reading a large plan. check.c checks every id and
 * reference itself (with the words a clerk needs), so vbgen's copy of the schema leaves
 * those patterns out. */
static void drop_id_patterns(xmlNodePtr n)
{
	for (; n != NULL; n = n->next) {
		xmlChar *name;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		name = xmlGetProp(n, BAD_CAST "name");
		if (xmlStrEqual(n->name, BAD_CAST "define") && name != NULL &&
		    (xmlStrEqual(name, BAD_CAST "id.value") ||
		     xmlStrEqual(name, BAD_CAST "ref.value") ||
		     xmlStrEqual(name, BAD_CAST "refs.value"))) {
			drop_patterns(n->children);
		} else
			drop_id_patterns(n->children);
		xmlFree(name);
	}
}

static int validate(struct diag *d, plan *p)
{
	xmlDocPtr sdoc;
	xmlRelaxNGParserCtxtPtr pctxt;
	xmlRelaxNGPtr schema;
	xmlRelaxNGValidCtxtPtr vctxt;
	char *path = paths_find("schema/plan.rng");
	struct vctx v = {d, p, NULL, NULL, 0, 0, NULL, ""};
	int rc;

	if (path == NULL) {
		msg(d, NULL, 0, MSG_PLAN_FIND_SCHEMA_PLAN);
		return -1;
	}
	sdoc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
	if (sdoc != NULL)
		drop_id_patterns(xmlDocGetRootElement(sdoc));
	pctxt = sdoc != NULL ? xmlRelaxNGNewDocParserCtxt(sdoc) : NULL;
	schema = pctxt != NULL ? xmlRelaxNGParse(pctxt) : NULL;
	xmlRelaxNGFreeParserCtxt(pctxt);
	xmlFreeDoc(sdoc);
	if (schema == NULL) {
		msg(d, path, 0, MSG_PLAN_SCHEMA_READ_REINSTALL);
		free(path);
		return -1;
	}
	free(path);
	v.content_done = g_hash_table_new(g_direct_hash, g_direct_equal);
	v.attrs_done = g_hash_table_new(g_direct_hash, g_direct_equal);
	v.names_done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	vctxt = xmlRelaxNGNewValidCtxt(schema);
	xmlRelaxNGSetValidStructuredErrors(vctxt, on_schema_error, &v);
	rc = xmlRelaxNGValidateDoc(vctxt, p->doc);
	if (rc != 0 && v.seen == 0 && v.pending[0] != '\0')
		report(&v, NULL, MSG_PLAN_SCHEMA_SAYS_FILE, v.pending);
	xmlRelaxNGFreeValidCtxt(vctxt);
	xmlRelaxNGFree(schema);
	g_hash_table_destroy(v.content_done);
	g_hash_table_destroy(v.attrs_done);
	g_hash_table_destroy(v.names_done);
	return rc == 0 ? 0 : -1;
}

/* Lists the groups, agencies and tasks and indexes the ids, in file order. An id that is
 * malformed or given before is left out of the index: check_plan() says what is wrong
 * with it, and a reference always finds the first element that carries an id. */
static void collect(plan *p, xmlNodePtr node)
{
	for (; node != NULL; node = node->next) {
		const char *id;
		if (node->type != XML_ELEMENT_NODE)
			continue;
		id = plan_attr(node, "id");
		if (id != NULL && text_is_id(id) && !g_hash_table_contains(p->ids, id))
			g_hash_table_insert(p->ids, (gpointer)id, node);
		if (xmlStrEqual(node->name, BAD_CAST "group"))
			g_ptr_array_add(p->groups, node);
		else if (xmlStrEqual(node->name, BAD_CAST "agency"))
			g_ptr_array_add(p->agencies, node);
		else if (xmlStrEqual(node->name, BAD_CAST "task"))
			g_ptr_array_add(p->tasks, node);
		collect(p, node->children);
	}
}

int plan_read(struct diag *d, const char *path, plan **out)
{
	xmlDocPtr doc;
	xmlNodePtr root;
	int status;
	plan *p;

	*out = NULL;
	doc = xmlread_file(d, path, is_structural, &status);
	if (doc == NULL)
		return status;
	root = xmlDocGetRootElement(doc);
	if (!xmlStrEqual(root->name, BAD_CAST "plan")) {
		msg(d, path, plan_line(root), MSG_PLAN_MAIN_ELEMENT_PLAN, (const char *)root->name);
		xmlFreeDoc(doc);
		return EXIT_INVALID;
	}

	p = calloc(1, sizeof *p);
	p->path = strdup(path);
	p->doc = doc;
	p->ids = g_hash_table_new(g_str_hash, g_str_equal);
	p->groups = g_ptr_array_new();
	p->agencies = g_ptr_array_new();
	p->tasks = g_ptr_array_new();
	collect(p, root);
	*out = p;
	status = validate(d, p);
	p->schema_ok = status == 0;
	if (status != 0)
		return diag_status(d) == EXIT_SYSTEM ? EXIT_SYSTEM : EXIT_INVALID;
	return EXIT_OK;
}

void plan_free(plan *p)
{
	if (p == NULL)
		return;
	g_hash_table_destroy(p->ids);
	g_ptr_array_free(p->groups, TRUE);
	g_ptr_array_free(p->agencies, TRUE);
	g_ptr_array_free(p->tasks, TRUE);
	xmlFreeDoc(p->doc);
	free(p->path);
	free(p);
}

long plan_line(xmlNodePtr node)
{
	return xmlread_line(node);
}

xmlNodePtr plan_child(xmlNodePtr node, const char *name)
{
	if (node == NULL)
		return NULL;
	for (xmlNodePtr c = node->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST name))
			return c;
	return NULL;
}

char *plan_text(xmlNodePtr node)
{
	xmlChar *raw;
	char *s;

	if (node == NULL)
		return NULL;
	raw = xmlNodeGetContent(node);
	s = text_squeeze((const char *)raw);
	xmlFree(raw);
	return s;
}

const char *plan_attr(xmlNodePtr node, const char *name)
{
	xmlAttrPtr a = node != NULL ? xmlHasProp(node, BAD_CAST name) : NULL;

	if (a == NULL || a->children == NULL)
		return a != NULL ? "" : NULL;
	return (const char *)a->children->content;
}

xmlNodePtr plan_find(const plan *p, const char *id)
{
	return id != NULL ? g_hash_table_lookup(p->ids, id) : NULL;
}

const char *plan_body_attr(const plan *p, xmlNodePtr n, const char *name)
{
	const char *v = plan_attr(n, name), *gid;
	xmlNodePtr g;

	if (v != NULL || n == NULL || !xmlStrEqual(n->name, BAD_CAST "agency"))
		return v;
	gid = plan_attr(n, "group");
	g = gid != NULL ? plan_find(p, gid) : NULL;
	return g != NULL && g != n && xmlStrEqual(g->name, BAD_CAST "group") ? plan_attr(g, name)
									     : NULL;
}

const char *plan_body_kind(const plan *p, xmlNodePtr n)
{
	static const char *const kinds[] = {"body", "committee", "position", "village",
					    "organisation"};
	const char *k = plan_body_attr(p, n, "kind");
	char *name;
	int committee;

	for (size_t i = 0; k != NULL && i < G_N_ELEMENTS(kinds); i++)
		if (strcmp(k, kinds[i]) == 0)
			return kinds[i];
	name = plan_text(plan_child(n, "name"));
	committee = text_committee(name, NULL, NULL);
	free(name);
	return committee ? "committee" : "body";
}

int plan_has_letter(const plan *p, xmlNodePtr agency)
{
	const char *l = plan_body_attr(p, agency, "letter");

	return l == NULL || strcmp(l, "no") != 0;
}
