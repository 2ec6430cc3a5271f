/* xpath.c - the XPath functions templates call to format plan data; see xpath.h.
 *
 * Every function is registered without a namespace prefix. The context's userData is
 * a struct xp that belongs to this file: the plan (its first member, so that a plan **
 * cast still finds it) and the lookup tables behind tasks-led(), tasks-supported() and
 * targets-for(). A letter template asks for its agency's tasks once per letter, and a
 * plan may have 1,000 agencies and 10,000 tasks: a scan per call would visit 10 million
 * tasks, so the tables are built on the first such call and kept for the context's life
 * (the plan does not change while a context over it exists).
 *
 * Absolute paths are indexed the same way. A plan's <commitments> holds a <targets> per
 * agency, its <appendix> every task: XPath's child step reads every child, so each
 * /plan/commitments/receiver/title in a letter walked 20,000 siblings at 100,000
 * agencies, and the letters' cost grew with the plan. The template compiler therefore
 * asks xpath_index_paths() to write each leading run of plain child steps of an
 * absolute path (/plan/commitments/receiver) as a variable ($vbgen_path.plan.commitments
 * .receiver), which this context's variable lookup evaluates once and then copies: the
 * same nodes in the same order, for the cost of the result instead of the plan.
 *
 * A bad value (a date that does not parse, an unknown id, a number out of range) gives
 * the empty string, NaN or an empty node-set and never stops the expansion: the plan
 * checker has already reported such plans. Only a wrong number of arguments is an XPath
 * error, as for XPath's own functions, because that is a mistake in the template. */
#include "xpath.h"

#include "date.h"
#include "i18n.h"
#include "num.h"
#include "text.h"

#include <libxml/xpathInternals.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Tells our userData from anything else a caller may have put there, so that a function
 * called through a foreign context reports an error instead of reading garbage. */
#define XP_MAGIC 0x76627870u /* "vbxp" */

/* spaces(n): a draft leaves a few blanks for the records office to fill in by hand (a
 * document number, a day); 40 no-break spaces are already most of a line. */
#define XP_SPACES_MAX 40

/* pad(n, w): document numbers have at most six digits; nine fit a long on every
 * platform, so a larger n is a template mistake and gives the empty string. */
#define XP_PAD_NUMBER_MAX 999999999L

/* The variables that stand for absolute paths (see the top of the file): the prefix, then
 * each step's element name after a '.'. */
#define XP_PATH_VAR "vbgen_path"

/* The XML white space that separates the ids of a support="..." or agency-names() list. */
#define XP_ID_SEPARATORS " \t\r\n"

/* What a context carries: see the comment at the top of the file. */
struct xp {
	plan *p; /* first member: see above */
	unsigned magic;
	int indexed;            /* the three tables below are built */
	GHashTable *led;        /* lead id -> GArray of guint indexes into p->tasks, ascending */
	GHashTable *supported;  /* support id -> the same */
	GHashTable *targets;    /* for id -> GPtrArray of <targets> elements, document order */
	GHashTable *paths;      /* XP_PATH_VAR variable name (owned) -> its node-set (owned) */
	xmlXPathContextPtr ctx; /* the context this belongs to (its variables) */
	xmlStructuredErrorFunc on_error; /* xpath_on_error(): ctx->error passes errors on */
	void *on_error_data;
};

static int is(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name);
}

/* Returns the context's struct xp, or NULL after raising an XPath error when the
 * function runs in a context that xpath_new() did not make. */
static struct xp *xp_of(xmlXPathParserContextPtr ctxt)
{
	struct xp *x = ctxt->context != NULL ? ctxt->context->userData : NULL;

	if (x == NULL || x->magic != XP_MAGIC || x->p == NULL) {
		xmlXPathErr(ctxt, XPATH_INVALID_CTXT);
		return NULL;
	}
	return x;
}

/* Pushes obj, or raises a memory error when creating it failed. */
static void push(xmlXPathParserContextPtr ctxt, xmlXPathObjectPtr obj)
{
	if (obj == NULL)
		xmlXPathErr(ctxt, XPATH_MEMORY_ERROR);
	else
		valuePush(ctxt, obj);
}

/* Pushes s as an XPath string and frees it; NULL (a bad value) pushes "". */
static void push_string(xmlXPathParserContextPtr ctxt, char *s)
{
	push(ctxt, xmlXPathNewString(BAD_CAST(s != NULL ? s : "")));
	free(s);
}

/* Pops a string argument (a node-set gives its first node's string value). Returns NULL
 * with an XPath error set when there is none; free the result with xmlFree(). */
static xmlChar *pop_string(xmlXPathParserContextPtr ctxt)
{
	xmlChar *s = xmlXPathPopString(ctxt);

	if (s == NULL && ctxt->error == XPATH_EXPRESSION_OK)
		xmlXPathErr(ctxt, XPATH_MEMORY_ERROR);
	return s;
}

/* Converts an XPath number to a whole number in lo..hi. Returns 0 on success, -1 when d
 * is NaN, not whole or out of range (bounds are checked before converting: converting an
 * out-of-range double is undefined behaviour). */
static int to_long(double d, long lo, long hi, long *out)
{
	if (!(d >= (double)lo && d <= (double)hi) || (double)(long)d != d)
		return -1;
	*out = (long)d;
	return 0;
}

/* Returns the <agency> or <group> element with this id, or NULL for an unknown id or
 * one that names something else (a task, a section). */
static xmlNodePtr find_agency(const plan *p, const char *id)
{
	xmlNodePtr n = id != NULL && id[0] != '\0' ? plan_find(p, id) : NULL;

	return is(n, "agency") || is(n, "group") ? n : NULL;
}

/* Returns the id of the group an agency belongs to when that group exists, else NULL
 * (groups themselves, and agencies of broken plans, belong to no group). */
static const char *group_of(const plan *p, xmlNodePtr agency)
{
	const char *gid = is(agency, "agency") ? plan_attr(agency, "group") : NULL;
	const char *id = plan_attr(agency, "id");

	/* An agency whose group= repeats its own id (a duplicate id, already reported by the
	 * checker) must not be counted twice. */
	if (gid == NULL || !is(plan_find(p, gid), "group") || (id != NULL && strcmp(gid, id) == 0))
		return NULL;
	return gid;
}

/* The full name of an agency or group, malloc()ed, or NULL. */
static char *name_of(xmlNodePtr agency)
{
	return plan_text(plan_child(agency, "name"));
}

/* ---- the lookup tables ---- */

static void free_array(gpointer a)
{
	g_array_unref(a);
}

static void free_ptr_array(gpointer a)
{
	g_ptr_array_unref(a);
}

/* Appends task index i to key's list. Tasks are visited in file order, so the lists stay
 * ascending; a support list naming the same id twice (reported by the checker) adds the
 * task only once. */
static void add_task(GHashTable *table, const char *key, guint i)
{
	GArray *list = g_hash_table_lookup(table, key);

	if (list == NULL) {
		list = g_array_new(FALSE, FALSE, sizeof(guint));
		g_hash_table_insert(table, g_strdup(key), list);
	}
	if (list->len == 0 || g_array_index(list, guint, list->len - 1) != i)
		g_array_append_val(list, i);
}

static void build_index(struct xp *x)
{
	plan *p = x->p;
	xmlNodePtr com;

	x->led = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_array);
	x->supported = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_array);
	x->targets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_ptr_array);
	for (guint i = 0; i < p->tasks->len; i++) {
		xmlNodePtr t = g_ptr_array_index(p->tasks, i);
		const char *lead = plan_attr(t, "lead"), *sup = plan_attr(t, "support");

		if (lead != NULL && lead[0] != '\0')
			add_task(x->led, lead, i);
		if (sup == NULL)
			continue;
		gchar **ids = g_strsplit_set(sup, XP_ID_SEPARATORS, -1);
		for (int k = 0; ids[k] != NULL; k++)
			if (ids[k][0] != '\0')
				add_task(x->supported, ids[k], i);
		g_strfreev(ids);
	}
	com = plan_child(xmlDocGetRootElement(p->doc), "commitments");
	for (xmlNodePtr n = com != NULL ? com->children : NULL; n != NULL; n = n->next) {
		const char *f = is(n, "targets") ? plan_attr(n, "for") : NULL;
		GPtrArray *list;

		if (f == NULL || f[0] == '\0')
			continue;
		list = g_hash_table_lookup(x->targets, f);
		if (list == NULL) {
			list = g_ptr_array_new();
			g_hash_table_insert(x->targets, g_strdup(f), list);
		}
		g_ptr_array_add(list, n);
	}
	x->indexed = 1;
}

/* Finds the two ids a task or target function matches: the agency's own and its group's
 * (NULL when it has none, and always for a group, which matches only itself). Returns -1
 * when id names no agency or group. */
static int match_ids(struct xp *x, const char *id, const char **own, const char **group)
{
	xmlNodePtr a = find_agency(x->p, id);

	if (a == NULL)
		return -1;
	if (!x->indexed)
		build_index(x);
	*own = id;
	*group = group_of(x->p, a);
	return 0;
}

/* Walks the ascending index lists a and b (either may be NULL) as one list in document
 * order, each task once (a task may support both an agency and its group): returns the
 * next index, or G_MAXUINT at the end. Merging two sorted lists keeps this linear. */
struct merge {
	const GArray *a, *b;
	guint i, j;
};

static guint merge_next(struct merge *m)
{
	guint na = m->a != NULL ? m->a->len : 0, nb = m->b != NULL ? m->b->len : 0, k;

	if (m->i >= na && m->j >= nb)
		return G_MAXUINT;
	if (m->j >= nb ||
	    (m->i < na && g_array_index(m->a, guint, m->i) <= g_array_index(m->b, guint, m->j))) {
		k = g_array_index(m->a, guint, m->i++);
		if (m->j < nb && g_array_index(m->b, guint, m->j) == k)
			m->j++;
	} else {
		k = g_array_index(m->b, guint, m->j++);
	}
	return k;
}

/* Pushes the tasks of the lists a and b, leaving out those of the lists not_a and not_b
 * (the tasks an agency leads, when its tasks supported are asked for: a task appears in
 * a letter once, in its strongest role). */
static void push_tasks(xmlXPathParserContextPtr ctxt, const plan *p, const GArray *a,
		       const GArray *b, const GArray *not_a, const GArray *not_b)
{
	xmlXPathObjectPtr obj = xmlXPathNewNodeSet(NULL);
	struct merge want = {a, b, 0, 0}, skip = {not_a, not_b, 0, 0};
	guint k, next_skip = merge_next(&skip);

	if (obj == NULL || obj->nodesetval == NULL) {
		xmlXPathFreeObject(obj);
		XP_ERROR(XPATH_MEMORY_ERROR);
	}
	while ((k = merge_next(&want)) != G_MAXUINT) {
		while (next_skip < k)
			next_skip = merge_next(&skip);
		if (next_skip == k)
			continue;
		/* AddUnique: the merge already drops duplicates, and the checking add would
		 * make a 10,000-task result quadratic. */
		if (xmlXPathNodeSetAddUnique(obj->nodesetval, g_ptr_array_index(p->tasks, k)) < 0) {
			xmlXPathFreeObject(obj);
			XP_ERROR(XPATH_MEMORY_ERROR);
		}
	}
	valuePush(ctxt, obj);
}

/* tasks-led(id) and tasks-supported(id). */
static void tasks_of(xmlXPathParserContextPtr ctxt, int nargs, int led)
{
	const char *own = NULL, *group = NULL;
	struct xp *x;
	xmlChar *id;

	CHECK_ARITY(1);
	if ((x = xp_of(ctxt)) == NULL)
		return;
	if ((id = pop_string(ctxt)) == NULL)
		return;
	if (match_ids(x, (const char *)id, &own, &group) != 0) {
		xmlFree(id);
		push_tasks(ctxt, x->p, NULL, NULL, NULL, NULL);
		return;
	}
	const GArray *led_own = g_hash_table_lookup(x->led, own);
	const GArray *led_group = group != NULL ? g_hash_table_lookup(x->led, group) : NULL;
	if (led)
		push_tasks(ctxt, x->p, led_own, led_group, NULL, NULL);
	else
		push_tasks(ctxt, x->p, g_hash_table_lookup(x->supported, own),
			   group != NULL ? g_hash_table_lookup(x->supported, group) : NULL, led_own,
			   led_group);
	xmlFree(id);
}

static void fn_tasks_led(xmlXPathParserContextPtr ctxt, int nargs)
{
	tasks_of(ctxt, nargs, 1);
}

static void fn_tasks_supported(xmlXPathParserContextPtr ctxt, int nargs)
{
	tasks_of(ctxt, nargs, 0);
}

/* targets-for(id): the group's targets, then the agency's own. Note that libxml2 sorts
 * the node-set an expression returns into document order, and so does every location
 * step applied to it; the order built here survives only inside an expression. */
static void fn_targets_for(xmlXPathParserContextPtr ctxt, int nargs)
{
	const char *own = NULL, *group = NULL;
	GPtrArray *lists[2] = {NULL, NULL};
	xmlXPathObjectPtr obj;
	struct xp *x;
	xmlChar *id;

	CHECK_ARITY(1);
	if ((x = xp_of(ctxt)) == NULL)
		return;
	if ((id = pop_string(ctxt)) == NULL)
		return;
	if (match_ids(x, (const char *)id, &own, &group) == 0) {
		lists[0] = group != NULL ? g_hash_table_lookup(x->targets, group) : NULL;
		lists[1] = g_hash_table_lookup(x->targets, own);
	}
	xmlFree(id);
	obj = xmlXPathNewNodeSet(NULL);
	if (obj == NULL || obj->nodesetval == NULL) {
		xmlXPathFreeObject(obj);
		XP_ERROR(XPATH_MEMORY_ERROR);
	}
	for (int l = 0; l < 2; l++) {
		for (guint i = 0; lists[l] != NULL && i < lists[l]->len; i++) {
			if (xmlXPathNodeSetAddUnique(obj->nodesetval,
						     g_ptr_array_index(lists[l], i)) < 0) {
				xmlXPathFreeObject(obj);
				XP_ERROR(XPATH_MEMORY_ERROR);
			}
		}
	}
	valuePush(ctxt, obj);
}

/* ---- agencies ---- */

/* agency(id) */
static void fn_agency(xmlXPathParserContextPtr ctxt, int nargs)
{
	struct xp *x;
	xmlChar *id;
	xmlNodePtr a;

	CHECK_ARITY(1);
	if ((x = xp_of(ctxt)) == NULL)
		return;
	if ((id = pop_string(ctxt)) == NULL)
		return;
	a = find_agency(x->p, (const char *)id);
	xmlFree(id);
	push(ctxt, xmlXPathNewNodeSet(a));
}

/* agency-name(id) and agency-short(id). */
static void name_fn(xmlXPathParserContextPtr ctxt, int nargs, int want_short)
{
	struct xp *x;
	xmlChar *id;
	xmlNodePtr a;
	char *s = NULL;

	CHECK_ARITY(1);
	if ((x = xp_of(ctxt)) == NULL)
		return;
	if ((id = pop_string(ctxt)) == NULL)
		return;
	a = find_agency(x->p, (const char *)id);
	xmlFree(id);
	if (want_short)
		s = plan_text(plan_child(a, "short"));
	/* A blank <short> is an error the checker reports; the full name still prints. */
	if (text_is_blank(s)) {
		free(s);
		s = name_of(a);
	}
	push_string(ctxt, s);
}

static void fn_agency_name(xmlXPathParserContextPtr ctxt, int nargs)
{
	name_fn(ctxt, nargs, 0);
}

static void fn_agency_short(xmlXPathParserContextPtr ctxt, int nargs)
{
	name_fn(ctxt, nargs, 1);
}

/* agency-names(ids, sep [, except [, mode]]): names in the order given, unknown ids and
 * the id except skipped; mode 'sentence' writes every group's name as it reads in the
 * middle of a sentence ("các sở, ban, ngành"), 'list' every one but the first (a list that
 * starts a table cell), anything else none. */
static void fn_agency_names(xmlXPathParserContextPtr ctxt, int nargs)
{
	struct xp *x;
	xmlChar *ids = NULL, *sep = NULL, *except = NULL;
	gchar **list;
	GString *out;
	int n = 0, mid = 0;
	char *s;

	if (nargs < 2 || nargs > 4)
		XP_ERROR(XPATH_INVALID_ARITY);
	if (ctxt->valueNr < ctxt->valueFrame + nargs)
		XP_ERROR(XPATH_STACK_ERROR);
	if ((x = xp_of(ctxt)) == NULL)
		return;
	if (nargs == 4) {
		xmlChar *mode = pop_string(ctxt);
		if (mode == NULL)
			return;
		mid = xmlStrEqual(mode, BAD_CAST "sentence") ? 2
		      : xmlStrEqual(mode, BAD_CAST "list")   ? 1
							     : 0;
		xmlFree(mode);
	}
	if (nargs >= 3 && (except = pop_string(ctxt)) == NULL)
		return;
	if ((sep = pop_string(ctxt)) == NULL || (ids = pop_string(ctxt)) == NULL) {
		xmlFree(except);
		xmlFree(sep);
		return;
	}
	out = g_string_new(NULL);
	list = g_strsplit_set((const char *)ids, XP_ID_SEPARATORS, -1);
	for (int k = 0; list[k] != NULL; k++) {
		xmlNodePtr a = find_agency(x->p, list[k]);
		char *name = name_of(a);

		if (name == NULL ||
		    (except != NULL && strcmp(list[k], (const char *)except) == 0)) {
			free(name);
			continue;
		}
		if ((mid == 2 || (mid == 1 && n > 0)) && is(a, "group")) {
			char *lowered = text_lower_group(name);
			free(name);
			name = lowered;
		}
		if (n++ > 0)
			g_string_append(out, (const char *)sep);
		g_string_append(out, name != NULL ? name : "");
		free(name);
	}
	g_strfreev(list);
	xmlFree(ids);
	xmlFree(sep);
	xmlFree(except);
	/* The names are NFC, but sep comes from the template, which may not be, and joining
	 * two NFC strings is not always NFC. */
	if (text_is_nfc(out->str))
		s = strdup(out->str);
	else
		s = text_nfc(out->str);
	g_string_free(out, TRUE);
	push_string(ctxt, s);
}

/* ---- the names of bodies ---- */

/* Pops a node-set argument and returns its first node (an issuer, agency or group), or
 * NULL; sets an XPath error when the argument is not a node-set. */
static xmlNodePtr pop_body(xmlXPathParserContextPtr ctxt)
{
	xmlNodeSetPtr set;
	xmlNodePtr node = NULL;

	if (ctxt->value == NULL || ctxt->value->type != XPATH_NODESET) {
		xmlXPathErr(ctxt, XPATH_INVALID_TYPE);
		return NULL;
	}
	set = xmlXPathPopNodeSet(ctxt);
	if (set != NULL && set->nodeNr > 0)
		node = set->nodeTab[0];
	xmlXPathFreeNodeSet(set);
	return node;
}

/* body-kind(node), body-unit(node), body-place(node), body-parent(node): see xpath.h.
 * what: 0 kind, 1 unit, 2 place, 3 parent. */
static void body_fn(xmlXPathParserContextPtr ctxt, int nargs, int what)
{
	struct xp *x;
	xmlNodePtr node;
	const char *unit = NULL, *place = NULL;
	char *name, *s = NULL, *own;
	int committee;

	CHECK_ARITY(1);
	if ((x = xp_of(ctxt)) == NULL)
		return;
	node = pop_body(ctxt);
	if (ctxt->error != XPATH_EXPRESSION_OK)
		return;
	name = plan_text(plan_child(node, "name"));
	committee = text_committee(name, &unit, &place);
	if (what == 0)
		s = node != NULL ? strdup(plan_body_kind(x->p, node)) : NULL;
	else if (what == 1 && committee)
		s = strdup(unit);
	else if (what == 3) {
		/* its own <parent>, else its group's */
		xmlNodePtr par = plan_child(node, "parent");
		if (par == NULL && node != NULL && xmlStrEqual(node->name, BAD_CAST "agency")) {
			xmlNodePtr g = plan_find(x->p, plan_attr(node, "group"));
			par = g != NULL && xmlStrEqual(g->name, BAD_CAST "group")
				      ? plan_child(g, "parent")
				      : NULL;
		}
		s = plan_text(par);
	} else if (what == 2) {
		/* its own <place>, else a committee's place name */
		own = plan_text(plan_child(node, "place"));
		if (!text_is_blank(own))
			s = own;
		else {
			free(own);
			s = committee ? strdup(place) : NULL;
		}
	}
	free(name);
	push_string(ctxt, s);
}

static void fn_body_kind(xmlXPathParserContextPtr ctxt, int nargs)
{
	body_fn(ctxt, nargs, 0);
}

static void fn_body_unit(xmlXPathParserContextPtr ctxt, int nargs)
{
	body_fn(ctxt, nargs, 1);
}

static void fn_body_place(xmlXPathParserContextPtr ctxt, int nargs)
{
	body_fn(ctxt, nargs, 2);
}

static void fn_body_parent(xmlXPathParserContextPtr ctxt, int nargs)
{
	body_fn(ctxt, nargs, 3);
}

/* body-attr(node, name): the attribute of an agency, else of its group. */
static void fn_body_attr(xmlXPathParserContextPtr ctxt, int nargs)
{
	struct xp *x;
	xmlChar *name;
	xmlNodePtr node;
	const char *v;

	CHECK_ARITY(2);
	if ((x = xp_of(ctxt)) == NULL)
		return;
	if ((name = pop_string(ctxt)) == NULL)
		return;
	node = pop_body(ctxt);
	v = ctxt->error == XPATH_EXPRESSION_OK && node != NULL
		    ? plan_body_attr(x->p, node, (const char *)name)
		    : NULL;
	xmlFree(name);
	if (ctxt->error == XPATH_EXPRESSION_OK)
		push_string(ctxt, v != NULL ? strdup(v) : NULL);
}

/* has-letter(node): whether an agency gets a commitment letter (not letter="no" on it
 * or on its group). */
static void fn_has_letter(xmlXPathParserContextPtr ctxt, int nargs)
{
	struct xp *x;
	xmlNodePtr node;

	CHECK_ARITY(1);
	if ((x = xp_of(ctxt)) == NULL)
		return;
	node = pop_body(ctxt);
	if (ctxt->error == XPATH_EXPRESSION_OK)
		xmlXPathReturnBoolean(ctxt, node != NULL && plan_has_letter(x->p, node));
}

/* joined(node): the text of an element whose children are lines (<line>), the lines
 * joined by spaces; the string value of anything else. */
static void fn_joined(xmlXPathParserContextPtr ctxt, int nargs)
{
	xmlNodePtr node;
	GString *g;
	char *s;

	CHECK_ARITY(1);
	node = pop_body(ctxt);
	if (ctxt->error != XPATH_EXPRESSION_OK)
		return;
	g = g_string_new(NULL);
	for (xmlNodePtr c = node != NULL ? node->children : NULL; c != NULL; c = c->next) {
		xmlChar *t = xmlNodeGetContent(c);
		if (c->type == XML_ELEMENT_NODE && g->len > 0)
			g_string_append_c(g, ' ');
		if (t != NULL)
			g_string_append(g, (const char *)t);
		xmlFree(t);
	}
	s = text_squeeze(g->str);
	g_string_free(g, TRUE);
	push_string(ctxt, s);
}

/* ---- text and numbers ---- */

/* upper(s) and lower(s). */
static void case_fn(xmlXPathParserContextPtr ctxt, int nargs, char *(*convert)(const char *))
{
	xmlChar *s;

	CHECK_ARITY(1);
	if ((s = pop_string(ctxt)) == NULL)
		return;
	push_string(ctxt, convert((const char *)s));
	xmlFree(s);
}

static void fn_upper(xmlXPathParserContextPtr ctxt, int nargs)
{
	case_fn(ctxt, nargs, text_upper);
}

static void fn_lower(xmlXPathParserContextPtr ctxt, int nargs)
{
	case_fn(ctxt, nargs, text_lower);
}

/* lower-first(s) */
static void fn_lower_first(xmlXPathParserContextPtr ctxt, int nargs)
{
	case_fn(ctxt, nargs, text_lower_first);
}

/* A one-argument numbering function: a whole number from 1 to max, through fmt. */
static void numbering_fn(xmlXPathParserContextPtr ctxt, int nargs, long max, char *(*fmt)(int))
{
	long n;
	double d;

	CHECK_ARITY(1);
	d = xmlXPathPopNumber(ctxt);
	if (ctxt->error != XPATH_EXPRESSION_OK)
		return;
	push_string(ctxt, to_long(d, 1, max, &n) == 0 ? fmt((int)n) : NULL);
}

/* roman(n) */
static void fn_roman(xmlXPathParserContextPtr ctxt, int nargs)
{
	numbering_fn(ctxt, nargs, NUM_ROMAN_MAX, num_roman);
}

/* alpha(n) */
static void fn_alpha(xmlXPathParserContextPtr ctxt, int nargs)
{
	numbering_fn(ctxt, nargs, INT_MAX, num_alpha);
}

/* pad(n, w): a width below 1 means no padding, as for num_pad(). */
static void fn_pad(xmlXPathParserContextPtr ctxt, int nargs)
{
	long n, w;
	double dn, dw;

	CHECK_ARITY(2);
	dw = xmlXPathPopNumber(ctxt);
	dn = xmlXPathPopNumber(ctxt);
	if (ctxt->error != XPATH_EXPRESSION_OK)
		return;
	if (to_long(dn, 0, XP_PAD_NUMBER_MAX, &n) != 0 ||
	    to_long(dw, -NUM_PAD_WIDTH_MAX, NUM_PAD_WIDTH_MAX, &w) != 0) {
		push_string(ctxt, NULL);
		return;
	}
	push_string(ctxt, num_pad(n, w < 0 ? 0 : (int)w));
}

/* spaces(n): n is clamped to 0..XP_SPACES_MAX (NaN gives none) and its fraction dropped,
 * since a blank a little too long or short is better than none. */
static void fn_spaces(xmlXPathParserContextPtr ctxt, int nargs)
{
	static const char nbsp[] = "\xC2\xA0"; /* U+00A0 in UTF-8 */
	char buf[XP_SPACES_MAX * (sizeof nbsp - 1) + 1];
	double d;
	int n;

	CHECK_ARITY(1);
	d = xmlXPathPopNumber(ctxt);
	if (ctxt->error != XPATH_EXPRESSION_OK)
		return;
	n = !(d > 0) ? 0 : d >= XP_SPACES_MAX ? XP_SPACES_MAX : (int)d;
	for (int i = 0; i < n; i++)
		memcpy(buf + i * (sizeof nbsp - 1), nbsp, sizeof nbsp - 1);
	buf[n * (sizeof nbsp - 1)] = '\0';
	push(ctxt, xmlXPathNewString(BAD_CAST buf));
}

/* ---- dates ---- */

/* Pops an ISO date argument. Returns 0 and fills *d when it is a real date; -1 when it
 * is not (a bad value) or when popping failed (then ctxt->error is set). */
static int pop_date(xmlXPathParserContextPtr ctxt, date *d)
{
	xmlChar *s = pop_string(ctxt);
	int rc;

	if (s == NULL)
		return -1;
	rc = date_parse((const char *)s, d);
	xmlFree(s);
	return rc == 0 ? 0 : -1;
}

/* date-long(s) and date-long(s, b) */
static void fn_date_long(xmlXPathParserContextPtr ctxt, int nargs)
{
	int blank = 0;
	date d;

	/* Two fixed-arity checks rather than one by hand: CHECK_ARITY also checks the stack
	 * the way this libxml2 version needs. */
	if (nargs == 2) {
		CHECK_ARITY(2);
		blank = xmlXPathPopBoolean(ctxt);
		if (ctxt->error != XPATH_EXPRESSION_OK)
			return;
	} else {
		CHECK_ARITY(1);
	}
	if (pop_date(ctxt, &d) != 0) {
		if (ctxt->error == XPATH_EXPRESSION_OK)
			push_string(ctxt, NULL);
		return;
	}
	push_string(ctxt, date_long(&d, blank));
}

/* date-short(s) and date-short(s, b) */
static void fn_date_short(xmlXPathParserContextPtr ctxt, int nargs)
{
	int blank = 0;
	date d;

	if (nargs == 2) {
		CHECK_ARITY(2);
		blank = xmlXPathPopBoolean(ctxt);
		if (ctxt->error != XPATH_EXPRESSION_OK)
			return;
	} else {
		CHECK_ARITY(1);
	}
	if (pop_date(ctxt, &d) != 0) {
		if (ctxt->error == XPATH_EXPRESSION_OK)
			push_string(ctxt, NULL);
		return;
	}
	push_string(ctxt, date_short(&d, blank));
}

/* date-year(s), date-month(s), date-day(s): part 0, 1 or 2; NaN for a bad date. */
static void date_part(xmlXPathParserContextPtr ctxt, int nargs, int part)
{
	date d;
	double v = NAN;

	CHECK_ARITY(1);
	if (pop_date(ctxt, &d) == 0)
		v = part == 0 ? d.year : part == 1 ? d.month : d.day;
	if (ctxt->error != XPATH_EXPRESSION_OK)
		return;
	push(ctxt, xmlXPathNewFloat(v));
}

static void fn_date_year(xmlXPathParserContextPtr ctxt, int nargs)
{
	date_part(ctxt, nargs, 0);
}

static void fn_date_month(xmlXPathParserContextPtr ctxt, int nargs)
{
	date_part(ctxt, nargs, 1);
}

static void fn_date_day(xmlXPathParserContextPtr ctxt, int nargs)
{
	date_part(ctxt, nargs, 2);
}

/* ---- the context ---- */

static const struct {
	const char *name;
	xmlXPathFunction fn;
} functions[] = {
	{"upper", fn_upper},
	{"lower", fn_lower},
	{"lower-first", fn_lower_first},
	{"body-kind", fn_body_kind},
	{"body-unit", fn_body_unit},
	{"body-place", fn_body_place},
	{"body-attr", fn_body_attr},
	{"body-parent", fn_body_parent},
	{"has-letter", fn_has_letter},
	{"joined", fn_joined},
	{"date-long", fn_date_long},
	{"date-short", fn_date_short},
	{"date-year", fn_date_year},
	{"date-month", fn_date_month},
	{"date-day", fn_date_day},
	{"roman", fn_roman},
	{"alpha", fn_alpha},
	{"pad", fn_pad},
	{"spaces", fn_spaces},
	{"agency-name", fn_agency_name},
	{"agency-short", fn_agency_short},
	{"agency-names", fn_agency_names},
	{"agency", fn_agency},
	{"tasks-led", fn_tasks_led},
	{"tasks-supported", fn_tasks_supported},
	{"targets-for", fn_targets_for},
};

/* ---- indexed absolute paths ---- */

/* The nodes of the absolute path that variable name stands for (XP_PATH_VAR.a.b.c:
 * /a/b/c), in document order: the children of each node in turn, and the nodes of each
 * step are disjoint subtrees in document order, so the result needs no sort. Returns a
 * node-set, or NULL when out of memory. */
static xmlXPathObjectPtr path_nodes(xmlDocPtr doc, const char *name)
{
	xmlNodeSetPtr set = xmlXPathNodeSetCreate((xmlNodePtr)doc);
	char **steps = g_strsplit(name + strlen(XP_PATH_VAR "."), ".", -1);

	for (int i = 0; set != NULL && steps[i] != NULL; i++) {
		xmlNodeSetPtr next = xmlXPathNodeSetCreate(NULL);
		for (int k = 0; next != NULL && k < set->nodeNr; k++)
			for (xmlNodePtr c = set->nodeTab[k]->children; c != NULL; c = c->next)
				if (c->type == XML_ELEMENT_NODE && c->ns == NULL &&
				    xmlStrEqual(c->name, BAD_CAST steps[i]) &&
				    xmlXPathNodeSetAddUnique(next, c) < 0) {
					xmlXPathFreeNodeSet(next);
					next = NULL;
					break;
				}
		xmlXPathFreeNodeSet(set);
		set = next;
	}
	g_strfreev(steps);
	return set != NULL ? xmlXPathWrapNodeSet(set) : NULL;
}

/* The context's variable lookup (libxml2 asks it instead of its own table): a path
 * variable is evaluated once and copied; any other is the one the template bound. */
static xmlXPathObjectPtr lookup_variable(void *data, const xmlChar *name, const xmlChar *ns)
{
	struct xp *x = data;
	xmlXPathObjectPtr v;

	if (ns == NULL && g_str_has_prefix((const char *)name, XP_PATH_VAR ".")) {
		v = g_hash_table_lookup(x->paths, name);
		if (v == NULL) {
			v = path_nodes(x->p->doc, (const char *)name);
			if (v == NULL)
				return NULL;
			g_hash_table_insert(x->paths, g_strdup((const char *)name), v);
		}
		return xmlXPathObjectCopy(v);
	}
	if (x->ctx->varHash == NULL)
		return NULL;
	v = xmlHashLookup2(x->ctx->varHash, name, ns);
	return v != NULL ? xmlXPathObjectCopy(v) : NULL;
}

static void free_object(gpointer v)
{
	xmlXPathFreeObject(v);
}

static int name_start(char c)
{
	return g_ascii_isalpha(c) || c == '_' || (unsigned char)c >= 0x80;
}

static int name_char(char c)
{
	return name_start(c) || g_ascii_isdigit(c) || c == '.' || c == '-';
}

/* The length of the run of plain child steps at s ("/plan/commitments/receiver" in
 * "/plan/commitments/receiver/title" stops before a step that is anything else: with a
 * predicate, a namespace prefix, an axis, a node test, a wildcard, '//', white space or
 * a name that is not plain ASCII or holds a '.'), and the number of its steps. */
static size_t plain_steps(const char *s, int *nsteps)
{
	size_t end = 0, i = 0;

	*nsteps = 0;
	while (s[i] == '/' && name_start(s[i + 1]) && (unsigned char)s[i + 1] < 0x80) {
		size_t j = i + 1;
		int plain = 1;
		while (name_char(s[j])) {
			if (s[j] == '.' || (unsigned char)s[j] >= 0x80)
				plain = 0;
			j++;
		}
		/* what follows the name decides: another step, the end of the path, or a
		 * step that is more than a name */
		size_t k = j;
		while (s[k] == ' ' || s[k] == '\t' || s[k] == '\r' || s[k] == '\n')
			k++;
		if (!plain || s[k] == '[' || s[k] == '(' || s[k] == ':' || (k > j && s[k] == '/'))
			break;
		end = j;
		(*nsteps)++;
		i = j;
		if (s[i] == '/' && s[i + 1] == '/')
			break;
	}
	return end;
}

char *xpath_index_paths(const char *expr)
{
	GString *out = g_string_new(NULL);
	/* whether the last token ends an operand (a name, ')', ']', '.', a literal, a number,
	 * a variable, '*' as a name test): then '/' continues a path, '*' multiplies and
	 * and/or/div/mod are operators; otherwise '/' starts an absolute path */
	int after_operand = 0;
	const char *s = expr;

	while (*s != '\0') {
		char c = *s;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			g_string_append_c(out, *s++);
			continue;
		}
		if (c == '"' || c == '\'') {
			const char *close = strchr(s + 1, c);
			size_t n = close != NULL ? (size_t)(close - s) + 1 : strlen(s);
			g_string_append_len(out, s, (gssize)n);
			s += n;
			after_operand = 1;
			continue;
		}
		if (c == '/' && !after_operand && s[1] != '/') {
			int nsteps;
			size_t n = plain_steps(s, &nsteps);
			if (nsteps >= 2) {
				g_string_append(out, "$" XP_PATH_VAR);
				for (size_t k = 0; k < n; k++)
					g_string_append_c(out, s[k] == '/' ? '.' : s[k]);
				s += n;
				after_operand = 1;
				continue;
			}
		}
		if (c == '$') {
			g_string_append_c(out, *s++);
			while (name_char(*s) || *s == ':')
				g_string_append_c(out, *s++);
			after_operand = 1;
			continue;
		}
		if (g_ascii_isdigit(c) || (c == '.' && g_ascii_isdigit(s[1]))) {
			while (g_ascii_isdigit(*s) || *s == '.')
				g_string_append_c(out, *s++);
			after_operand = 1;
			continue;
		}
		if (name_start(c)) {
			const char *start = s;
			while (name_char(*s))
				s++;
			size_t n = (size_t)(s - start);
			int op = after_operand && ((n == 3 && (strncmp(start, "and", 3) == 0 ||
							       strncmp(start, "div", 3) == 0 ||
							       strncmp(start, "mod", 3) == 0)) ||
						   (n == 2 && strncmp(start, "or", 2) == 0));
			g_string_append_len(out, start, (gssize)n);
			after_operand = !op;
			continue;
		}
		if (c == '.') {
			/* '.' or '..' */
			g_string_append_c(out, *s++);
			if (*s == '.')
				g_string_append_c(out, *s++);
			after_operand = 1;
			continue;
		}
		if (c == '*') {
			/* a name test after an operator, else the multiplication */
			after_operand = !after_operand;
			g_string_append_c(out, *s++);
			continue;
		}
		/* ')' and ']' end an operand; '(' '[' ',' '@' ':' '|' '+' '-' '=' '!' '<' '>'
		 * '/' and anything else do not */
		after_operand = c == ')' || c == ']';
		g_string_append_c(out, *s++);
	}
	return g_string_free(out, FALSE);
}

/* ctx->error of a context of xpath_new() with a handler: libxml2 calls it with the
 * context's userData, which is ours. */
static void forward_error(void *data, xmlErrorPtr e)
{
	struct xp *x = data;

	if (x != NULL && x->magic == XP_MAGIC && x->on_error != NULL)
		x->on_error(x->on_error_data, e);
}

void xpath_on_error(xmlXPathContextPtr ctx, xmlStructuredErrorFunc fn, void *data)
{
	struct xp *x;

	if (ctx == NULL)
		return;
	x = ctx->userData;
	if (x != NULL && x->magic == XP_MAGIC) {
		x->on_error = fn;
		x->on_error_data = data;
		ctx->error = fn != NULL ? forward_error : NULL;
	} else {
		ctx->userData = data;
		ctx->error = fn;
	}
}

/* libxml2's words for its XPath errors (xmlXPathErrorMessages in its xpath.c), by code,
 * so that they can be translated: an error raised in a context carries the code only. */
static const char *const error_words[] = {
	[XPATH_NUMBER_ERROR] = N_("Number encoding"),
	[XPATH_UNFINISHED_LITERAL_ERROR] = N_("Unfinished literal"),
	[XPATH_START_LITERAL_ERROR] = N_("Start of literal"),
	[XPATH_VARIABLE_REF_ERROR] = N_("Expected $ for variable reference"),
	[XPATH_UNDEF_VARIABLE_ERROR] = N_("Undefined variable"),
	[XPATH_INVALID_PREDICATE_ERROR] = N_("Invalid predicate"),
	[XPATH_EXPR_ERROR] = N_("Invalid expression"),
	[XPATH_UNCLOSED_ERROR] = N_("Missing closing curly brace"),
	[XPATH_UNKNOWN_FUNC_ERROR] = N_("Unregistered function"),
	[XPATH_INVALID_OPERAND] = N_("Invalid operand"),
	[XPATH_INVALID_TYPE] = N_("Invalid type"),
	[XPATH_INVALID_ARITY] = N_("Invalid number of arguments"),
	[XPATH_INVALID_CTXT_SIZE] = N_("Invalid context size"),
	[XPATH_INVALID_CTXT_POSITION] = N_("Invalid context position"),
	[XPATH_MEMORY_ERROR] = N_("Memory allocation failed"),
	[XPTR_SYNTAX_ERROR] = N_("Syntax error"),
	[XPTR_RESOURCE_ERROR] = N_("Resource error"),
	[XPTR_SUB_RESOURCE_ERROR] = N_("Sub resource error"),
	[XPATH_UNDEF_PREFIX_ERROR] = N_("Undefined namespace prefix"),
	[XPATH_ENCODING_ERROR] = N_("Encoding error"),
	[XPATH_INVALID_CHAR_ERROR] = N_("Char out of XML range"),
	[XPATH_INVALID_CTXT] = N_("Invalid or incomplete context"),
	[XPATH_STACK_ERROR] = N_("Stack usage error"),
	[XPATH_FORBID_VARIABLE_ERROR] = N_("Forbidden variable"),
	[XPATH_OP_LIMIT_EXCEEDED] = N_("Operation limit exceeded"),
	[XPATH_RECURSION_LIMIT_EXCEEDED] = N_("Recursion limit exceeded"),
};

const char *xpath_error_words(const xmlError *e)
{
	int n;

	if (e != NULL && e->code == XML_ERR_NO_MEMORY) /* raised by libxml2's allocations */
		return _(error_words[XPATH_MEMORY_ERROR]);
	if (e == NULL || e->domain != XML_FROM_XPATH)
		return NULL;
	n = e->code - XML_XPATH_EXPRESSION_OK;
	if (n <= 0 || n >= (int)G_N_ELEMENTS(error_words) || error_words[n] == NULL)
		return NULL;
	return _(error_words[n]);
}

xmlXPathContextPtr xpath_new(plan *p)
{
	xmlXPathContextPtr ctx;
	struct xp *x;

	if (p == NULL || p->doc == NULL)
		return NULL;
	x = calloc(1, sizeof *x);
	if (x == NULL)
		return NULL;
	ctx = xmlXPathNewContext(p->doc);
	if (ctx == NULL) {
		free(x);
		return NULL;
	}
	x->p = p;
	x->magic = XP_MAGIC;
	x->ctx = ctx;
	x->paths = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_object);
	ctx->userData = x;
	xmlXPathRegisterVariableLookup(ctx, lookup_variable, x);
	for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
		if (xmlXPathRegisterFunc(ctx, BAD_CAST functions[i].name, functions[i].fn) != 0) {
			xpath_free(ctx);
			return NULL;
		}
	}
	/* Numbers the elements so that libxml2 compares document order in constant time
	 * (it keeps the number in the unused content field of elements, as libxslt does):
	 * every node-set an expression returns is sorted, and //task sets are large. */
	xmlXPathOrderDocElems(p->doc);
	return ctx;
}

void xpath_free(xmlXPathContextPtr ctx)
{
	struct xp *x;

	if (ctx == NULL)
		return;
	x = ctx->userData;
	if (x != NULL && x->magic == XP_MAGIC) {
		if (x->indexed) {
			g_hash_table_destroy(x->led);
			g_hash_table_destroy(x->supported);
			g_hash_table_destroy(x->targets);
		}
		g_hash_table_destroy(x->paths);
		x->magic = 0;
		free(x);
		ctx->userData = NULL;
	}
	xmlXPathFreeContext(ctx);
}

/* Evaluates expr at node (the document when node is NULL), restoring the context node
 * afterwards so that an evaluation inside a loop over nodes does not disturb the loop. */
static xmlXPathObjectPtr eval(xmlXPathContextPtr ctx, xmlXPathCompExprPtr expr, xmlNodePtr node)
{
	xmlNodePtr saved;
	xmlXPathObjectPtr obj;

	if (ctx == NULL || expr == NULL)
		return NULL;
	saved = ctx->node;
	ctx->node = node != NULL ? node : (xmlNodePtr)ctx->doc;
	obj = xmlXPathCompiledEval(expr, ctx);
	ctx->node = saved;
	return obj;
}

/* A string that could not be made once the expression had its value: libxml2's cast and
 * strdup() fail silently when memory runs out, so this says it the way libxml2 says its
 * own allocation failures, to the context's error handler (xpath_on_error(): template.c
 * turns it into the out-of-memory message and exit 3, not "could not be evaluated"). */
static void report_no_memory(xmlXPathContextPtr ctx)
{
	xmlError e;

	memset(&e, 0, sizeof e);
	e.domain = XML_FROM_XPATH;
	e.code = XML_ERR_NO_MEMORY;
	e.level = XML_ERR_FATAL;
	if (ctx->error != NULL)
		ctx->error(ctx->userData, &e);
}

/* The string value of expr at node, malloc()ed; with whole, an element's or attribute's
 * text without the XML white space at its ends (xpath_text). */
static char *string_value(xmlXPathContextPtr ctx, xmlXPathCompExprPtr expr, xmlNodePtr node,
			  int whole)
{
	xmlXPathObjectPtr obj = eval(ctx, expr, node);
	const char *b, *e;
	xmlChar *s;
	char *out;

	if (obj == NULL)
		return NULL;
	whole = whole && obj->type == XPATH_NODESET && obj->nodesetval != NULL &&
		obj->nodesetval->nodeNr > 0 &&
		(obj->nodesetval->nodeTab[0]->type == XML_ELEMENT_NODE ||
		 obj->nodesetval->nodeTab[0]->type == XML_ATTRIBUTE_NODE);
	s = xmlXPathCastToString(obj);
	xmlXPathFreeObject(obj);
	if (s == NULL) {
		report_no_memory(ctx);
		return NULL;
	}
	b = (const char *)s;
	e = b + strlen(b);
	if (whole) {
		/* "<place> Cam Lộ </place>": the file's layout around the words, not text
		 * (it printed "Cam Lộ , ngày ...") */
		while (*b == ' ' || *b == '\t' || *b == '\r' || *b == '\n')
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
			e--;
	}
	/* Callers free() the result; libxml2's allocator need not be malloc(). */
	out = strndup(b, (size_t)(e - b));
	xmlFree(s);
	if (out == NULL)
		report_no_memory(ctx);
	return out;
}

char *xpath_string(xmlXPathContextPtr ctx, xmlXPathCompExprPtr expr, xmlNodePtr node)
{
	return string_value(ctx, expr, node, 0);
}

char *xpath_text(xmlXPathContextPtr ctx, xmlXPathCompExprPtr expr, xmlNodePtr node)
{
	return string_value(ctx, expr, node, 1);
}

int xpath_bool(xmlXPathContextPtr ctx, xmlXPathCompExprPtr expr, xmlNodePtr node)
{
	xmlXPathObjectPtr obj = eval(ctx, expr, node);
	int b;

	if (obj == NULL)
		return -1;
	b = xmlXPathCastToBoolean(obj);
	xmlXPathFreeObject(obj);
	return b != 0;
}

xmlXPathObjectPtr xpath_nodes(xmlXPathContextPtr ctx, xmlXPathCompExprPtr expr, xmlNodePtr node)
{
	xmlXPathObjectPtr obj = eval(ctx, expr, node);

	if (obj == NULL)
		return NULL;
	if (obj->type != XPATH_NODESET) {
		xmlXPathFreeObject(obj);
		return NULL;
	}
	/* libxml2 may represent an empty set by a NULL set: give callers a real one. */
	if (obj->nodesetval == NULL && (obj->nodesetval = xmlXPathNodeSetCreate(NULL)) == NULL) {
		xmlXPathFreeObject(obj);
		return NULL;
	}
	return obj;
}
