/* check.c - the meaning of a plan; see check.h.
 *
 * Works on whatever the reader could build, even when the schema found problems, so
 * that one run reports everything: every lookup here tolerates missing elements. */
#include "check.h"

#include "date.h"
#include "diag.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

/* Elements whose text must not be blank, with what a clerk should write there. */
static const struct {
	const char *name;
	const char *what;
} required_text[] = {
	{"name", "the name"},
	{"short", "the short name, or delete the element"},
	{"place", "the place name printed before the date"},
	{"symbol", "the symbol, for example KH-UBND"},
	{"kind", "the document kind, for example Kế hoạch"},
	{"summary", "the summary (trích yếu)"},
	{"title", "the title"},
	{"text", "what the task is"},
	{"p", "the paragraph's text, or delete the element"},
	{"item", "the item's text, or delete the element"},
	{"basis", "the legal basis, or delete the element"},
	{"line", "the line of the name, or delete the element"},
	{"to", "the recipient"},
	{"archive", "who keeps the file copy, for example VT"},
	{"authority", "the authority, for example TM. Ủy ban nhân dân"},
	{"product", "the expected product, or delete the element"},
	{"note", "the note, or delete the element"},
	{"parent", "the parent body, or delete the element"},
};

static int is(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name);
}

struct ctx {
	plan *p;
	int errors;
};

static void err(struct ctx *c, xmlNodePtr at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void err(struct ctx *c, xmlNodePtr at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_v(c->p->path, plan_line(at), DIAG_ERROR, fmt, ap);
	va_end(ap);
	c->errors++;
}

/* Lists up to a few declared ids of the wanted kinds, to help with a misspelt one. */
static void declared(struct ctx *c, const char *k1, const char *k2, char *buf, size_t size)
{
	GPtrArray *lists[2] = {NULL, NULL};
	size_t used = 0;
	int shown = 0, total = 0;

	if (strcmp(k1, "agency") == 0 || (k2 && strcmp(k2, "agency") == 0))
		lists[0] = c->p->agencies;
	if (strcmp(k1, "group") == 0 || (k2 && strcmp(k2, "group") == 0))
		lists[1] = c->p->groups;
	buf[0] = '\0';
	for (int l = 1; l >= 0; l--) {
		if (lists[l] == NULL)
			continue;
		for (guint i = 0; i < lists[l]->len; i++) {
			const char *id = plan_attr(g_ptr_array_index(lists[l], i), "id");
			total++;
			if (id == NULL || shown >= 6 || used + strlen(id) + 8 >= size)
				continue;
			used += (size_t)snprintf(buf + used, size - used, "%s%s", shown ? ", " : "", id);
			shown++;
		}
	}
	if (total > shown && used + 8 < size)
		snprintf(buf + used, size - used, ", ...");
}

/* Checks one reference; kinds are element names ("agency", "group", "section"). Returns
 * the element referred to, or NULL after reporting. */
static xmlNodePtr ref(struct ctx *c, xmlNodePtr at, const char *attr, const char *id,
		      const char *k1, const char *k2)
{
	xmlNodePtr target = plan_find(c->p, id);
	char list[400];

	if (target != NULL && (is(target, k1) || (k2 != NULL && is(target, k2))))
		return target;
	if (target != NULL) {
		err(c, at, "%s=\"%s\" names a <%s> (line %ld), but it must name %s%s%s", attr, id,
		    (const char *)target->name, plan_line(target),
		    strcmp(k1, "agency") == 0 ? "an agency" : k1[0] == 'g' ? "a group" : "a section",
		    k2 ? " or a " : "", k2 ? k2 : "");
		return NULL;
	}
	if (strcmp(k1, "section") == 0) {
		err(c, at,
		    "%s=\"%s\" names a section that does not exist: give that section id=\"%s\" or "
		    "correct the name",
		    attr, id, id);
		return NULL;
	}
	declared(c, k1, k2, list, sizeof list);
	err(c, at, "%s=\"%s\" names %s that is not declared in <agencies> (declared: %s)", attr, id,
	    k2 ? "an agency or group" : strcmp(k1, "group") == 0 ? "a group" : "an agency", list);
	return NULL;
}

/* Indexes every id; reports duplicates and malformed ids. */
static void index_ids(struct ctx *c, xmlNodePtr n)
{
	for (; n != NULL; n = n->next) {
		const char *id;
		xmlNodePtr first;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		id = plan_attr(n, "id");
		if (id != NULL) {
			if (!text_is_id(id))
				err(c, n,
				    "id=\"%s\" is not a valid id: use lower-case ASCII letters, digits "
				    "and hyphens, for example \"phong-noi-vu\"",
				    id);
			else if ((first = g_hash_table_lookup(c->p->ids, id)) != NULL)
				err(c, n,
				    "id \"%s\" is used twice: here and on line %ld; give each its own "
				    "id",
				    id, plan_line(first));
			else
				g_hash_table_insert(c->p->ids, (gpointer)id, n);
		}
		index_ids(c, n->children);
	}
}

/* Required text, dates and deadlines, everywhere in the file. */
static void check_values(struct ctx *c, xmlNodePtr n)
{
	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (size_t i = 0; i < sizeof required_text / sizeof required_text[0]; i++) {
			if (!is(n, required_text[i].name))
				continue;
			char *t = plan_text(n);
			if (text_is_blank(t))
				err(c, n, "<%s> is empty: write %s", (const char *)n->name,
				    required_text[i].what);
			free(t);
		}
		if (is(n, "date")) {
			char *t = plan_text(n);
			date d;
			int rc = date_parse(t, &d);
			if (rc == -1)
				err(c, n,
				    "the date \"%s\" is not written as year-month-day: write it like "
				    "2023-08-04",
				    t ? t : "");
			else if (rc == -2)
				err(c, n,
				    "the date %s does not exist in the calendar: check the day and the "
				    "month",
				    t);
			free(t);
		}
		if (is(n, "deadline")) {
			const char *ds = plan_attr(n, "date"), *q = plan_attr(n, "quarter");
			const char *y = plan_attr(n, "year");
			date d;
			int rc;
			if (ds != NULL && (rc = date_parse(ds, &d)) != 0)
				err(c, n,
				    rc == -2 ? "the deadline date %s does not exist in the calendar: "
					       "check the day and the month"
					     : "the deadline date \"%s\" is not written as "
					       "year-month-day: write it like 2023-12-31",
				    ds);
			if (q != NULL && (strlen(q) != 1 || q[0] < '1' || q[0] > '4'))
				err(c, n, "quarter=\"%s\" must be 1, 2, 3 or 4", q);
			if (y != NULL && !date_valid(atoi(y), 1, 1))
				err(c, n, "year=\"%s\" is not a year between 1900 and 2999", y);
			if (q != NULL && y == NULL)
				err(c, n, "a quarter needs its year: write quarter=\"%s\" year=\"2023\"",
				    q);
			if (ds == NULL && q == NULL && y == NULL) {
				char *t = plan_text(n);
				if (text_is_blank(t))
					err(c, n,
					    "<deadline> is empty: write a date=\"2023-12-31\", a "
					    "quarter=\"4\" year=\"2023\", a year=\"2024\" or words such "
					    "as Thường xuyên");
				free(t);
			}
		}
		check_values(c, n->children);
	}
}

static void check_agencies(struct ctx *c)
{
	GHashTable *members = g_hash_table_new(g_direct_hash, g_direct_equal);

	for (guint i = 0; i < c->p->agencies->len; i++) {
		xmlNodePtr a = g_ptr_array_index(c->p->agencies, i);
		const char *g = plan_attr(a, "group");
		xmlNodePtr gr;
		if (g == NULL)
			continue; /* the schema reports the missing attribute */
		gr = ref(c, a, "group", g, "group", NULL);
		if (gr != NULL)
			g_hash_table_add(members, gr);
	}
	for (guint i = 0; i < c->p->groups->len; i++) {
		xmlNodePtr g = g_ptr_array_index(c->p->groups, i);
		if (!g_hash_table_contains(members, g))
			err(c, g,
			    "group \"%s\" has no members: give some agencies group=\"%s\", or delete "
			    "the group",
			    plan_attr(g, "id") ? plan_attr(g, "id") : "", plan_attr(g, "id") ? plan_attr(g, "id") : "");
	}
	g_hash_table_destroy(members);
}

static void check_tasks(struct ctx *c)
{
	for (guint i = 0; i < c->p->tasks->len; i++) {
		xmlNodePtr t = g_ptr_array_index(c->p->tasks, i);
		const char *sec = plan_attr(t, "section"), *lead = plan_attr(t, "lead");
		const char *sup = plan_attr(t, "support");
		const char *tid = plan_attr(t, "id");
		xmlNodePtr leader = NULL;

		if (sec != NULL)
			ref(c, t, "section", sec, "section", NULL);
		if (lead == NULL || text_is_blank(lead))
			err(c, t,
			    "task \"%s\" has no lead agency: add lead=\"...\" with the id of the agency "
			    "or group in charge",
			    tid ? tid : "");
		else
			leader = ref(c, t, "lead", lead, "agency", "group");
		if (sup == NULL)
			continue;
		gchar **ids = g_strsplit_set(sup, " \t\r\n", -1);
		for (int k = 0; ids[k] != NULL; k++) {
			if (ids[k][0] == '\0')
				continue;
			xmlNodePtr s = ref(c, t, "support", ids[k], "agency", "group");
			if (s != NULL && s == leader)
				err(c, t,
				    "task \"%s\": \"%s\" is the lead agency and cannot also be a "
				    "cooperating agency: remove it from support=\"...\"",
				    tid ? tid : "", ids[k]);
			for (int j = 0; j < k; j++)
				if (strcmp(ids[j], ids[k]) == 0)
					err(c, t, "task \"%s\": support=\"...\" lists \"%s\" twice",
					    tid ? tid : "", ids[k]);
		}
		g_strfreev(ids);
	}
}

static void check_targets(struct ctx *c, xmlNodePtr root)
{
	xmlNodePtr com = plan_child(root, "commitments");

	if (com == NULL)
		return;
	for (xmlNodePtr n = com->children; n != NULL; n = n->next) {
		const char *f;
		if (!is(n, "targets") || (f = plan_attr(n, "for")) == NULL)
			continue;
		ref(c, n, "for", f, "agency", "group");
	}
}

int check_plan(plan *p)
{
	struct ctx c = {p, 0};
	xmlNodePtr root = xmlDocGetRootElement(p->doc);

	g_hash_table_remove_all(p->ids);
	index_ids(&c, root);
	check_values(&c, root);
	check_agencies(&c);
	check_tasks(&c);
	check_targets(&c, root);
	return c.errors;
}

static int count_sections(xmlNodePtr n, int *top, int level)
{
	int total = 0;

	for (; n != NULL; n = n->next) {
		if (!is(n, "section"))
			continue;
		total++;
		if (level == 1)
			(*top)++;
		total += count_sections(n->children, top, level + 1);
	}
	return total;
}

void check_count(const plan *p, check_counts *c)
{
	xmlNodePtr root = xmlDocGetRootElement(p->doc);

	memset(c, 0, sizeof *c);
	if (plan_child(root, "body") != NULL)
		c->sections = count_sections(plan_child(root, "body")->children, &c->top, 1);
	for (xmlNodePtr n = root->children; n != NULL; n = n->next)
		c->appendices += is(n, "appendix");
	c->tasks = (int)p->tasks->len;
	c->agencies = (int)p->agencies->len;
	c->groups = (int)p->groups->len;
	c->letters = c->agencies;
}
