/* check.c - the meaning of a plan; see check.h.
 *
 * Works on whatever the reader could build, even when the schema found problems, so
 * that one run reports everything: every lookup here tolerates missing elements. */
#include "check.h"

#include "date.h"
#include "diag.h"
#include "i18n.h"
#include "kinds.h"
#include "msg.h"
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An unknown reference within this many letters of a declared id is taken for a typing
 * mistake and the id suggested ("phong-noi-v": did you mean "phong-noi-vu"?). */
#define CHECK_SUGGEST_DISTANCE 2

/* The same advice given for this many elements at most; the rest are counted in one
 * line, so that a plan of a thousand communes is not a thousand lines of warnings. */
#define CHECK_REPEAT_MAX 3

/* Declared ids listed at most when a reference names none of them. */
#define CHECK_LIST_MAX 6

/* The years vbgen accepts, as date.h documents them (date_valid). */
#define CHECK_YEAR_MIN 1900
#define CHECK_YEAR_MAX 2999

/* Elements whose text must not be blank, with what a clerk should write there. */
static const struct {
	const char *name;
	const char *what;
} required_text[] = {
	{"name", N_("the name")},
	{"short", N_("the short name, for example UBND huyện Cam Lộ")},
	{"place", N_("the place name printed before the date")},
	{"symbol", N_("the symbol, for example KH-UBND")},
	{"kind", N_("the document kind, for example Kế hoạch")},
	{"summary", N_("the summary (trích yếu)")},
	{"title", N_("the title")},
	{"text", N_("what the task is")},
	{"p", N_("the paragraph's text, or delete the element")},
	{"item", N_("the item's text, or delete the element")},
	{"basis", N_("the legal basis, or delete the element")},
	{"line", N_("the line of the name, or delete the element")},
	{"to", N_("the recipient")},
	{"archive", N_("who keeps the file copy, for example VT")},
	{"authority", N_("the authority, for example TM. Ủy ban nhân dân")},
	{"product", N_("the expected product, or delete the element")},
	{"note", N_("the note, or delete the element")},
	{"parent", N_("the parent body, or delete the element")},
};

static int is(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name);
}

struct ctx {
	struct diag *d; /* where the problems are said */
	const plan *p;
	int errors;
	GPtrArray *sections; /* <section>s with an id, in file order (for suggestions) */
	GHashTable *hints;   /* "kind:id" -> hint_for() text: a wrong id is often repeated */
	int own_group_notes; /* tasks whose lead also cooperates through its group */
	int early_deadlines; /* deadlines before the plan's date (last year's plan copied) */
	int dated;           /* the plan's <date> is a right date: */
	date plan_date;      /* it, read once for the deadlines and the commitments */
};

/* Reports message id about the element at; err() for an error, which counts, warn() for
 * a warning (the level is the table's). fmt is the id's text, for the compiler's checks
 * (msg.h). */
static void say(struct ctx *c, xmlNodePtr at, enum msg_id id, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define err(c, at, id, ...) say(c, at, id, id##_FMT, ##__VA_ARGS__)
#define warn(c, at, id, ...) say(c, at, id, id##_FMT, ##__VA_ARGS__)

static void say(struct ctx *c, xmlNodePtr at, enum msg_id id, const char *fmt, ...)
{
	va_list ap;

	(void)fmt;
	va_start(ap, fmt);
	msg_v(c->d, c->p->path, plan_line(at), id, ap);
	va_end(ap);
	if (msg_table[id].level >= DIAG_ERROR)
		c->errors++;
}

static void collect_sections(struct ctx *c, xmlNodePtr n)
{
	for (; n != NULL; n = n->next) {
		if (is(n, "section") && plan_attr(n, "id") != NULL)
			g_ptr_array_add(c->sections, n);
		if (n->type == XML_ELEMENT_NODE)
			collect_sections(c, n->children);
	}
}

/* The declared elements a reference of these kinds may name, in file order. */
static void candidates(struct ctx *c, const char *k1, const char *k2, GPtrArray *out[2])
{
	out[0] = out[1] = NULL;
	if (strcmp(k1, "section") == 0) {
		if (c->sections == NULL) {
			c->sections = g_ptr_array_new();
			collect_sections(c, xmlDocGetRootElement(c->p->doc));
		}
		out[0] = c->sections;
		return;
	}
	if (strcmp(k1, "group") == 0 || (k2 != NULL && strcmp(k2, "group") == 0))
		out[0] = c->p->groups;
	if (strcmp(k1, "agency") == 0 || (k2 != NULL && strcmp(k2, "agency") == 0))
		out[1] = c->p->agencies;
}

/* Finds the declared id closest to a misspelt one; lists a few declared ids when none is
 * close. Writes "did you mean ...?" or "declared: ..." into buf. */
static void hint_search(struct ctx *c, const char *id, const char *k1, const char *k2, char *buf,
			size_t size)
{
	GPtrArray *lists[2];
	const char *best = NULL;
	int best_d = CHECK_SUGGEST_DISTANCE + 1, shown = 0, total = 0;
	size_t used;

	candidates(c, k1, k2, lists);
	for (int l = 0; l < 2; l++)
		for (guint i = 0; lists[l] != NULL && i < lists[l]->len; i++) {
			const char *cand = plan_attr(g_ptr_array_index(lists[l], i), "id");
			int d;
			if (cand == NULL || !text_is_id(cand))
				continue;
			d = text_distance(id, cand, CHECK_SUGGEST_DISTANCE);
			if (d < best_d) {
				best_d = d;
				best = cand;
			}
		}
	if (best != NULL) {
		snprintf(buf, size, _("did you mean \"%s\"?"), best);
		return;
	}
	used = (size_t)snprintf(buf, size, "%s",
				strcmp(k1, "section") == 0 ? _("section ids: ") : _("declared: "));
	for (int l = 0; l < 2; l++)
		for (guint i = 0; lists[l] != NULL && i < lists[l]->len; i++) {
			const char *cand = plan_attr(g_ptr_array_index(lists[l], i), "id");
			if (cand == NULL || !text_is_id(cand))
				continue;
			total++;
			if (shown >= CHECK_LIST_MAX || used + strlen(cand) + 8 >= size)
				continue;
			used += (size_t)snprintf(buf + used, size - used, "%s%s", shown ? ", " : "",
						 cand);
			shown++;
		}
	if (shown == 0)
		snprintf(buf, size, "%s",
			 strcmp(k1, "section") == 0 ? _("no section has an id yet")
						    : _("no agency or group has an id yet"));
	else if (total > shown && used + 8 < size)
		snprintf(buf + used, size - used, ", ...");
}

/* hint_search(), remembered: a wrong id is often repeated in many tasks. */
static void hint_for(struct ctx *c, const char *id, const char *k1, const char *k2, char *buf,
		     size_t size)
{
	char *key = g_strconcat(k1, "/", k2 != NULL ? k2 : "", ":", id, NULL);
	const char *cached;

	if (c->hints == NULL)
		c->hints = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	if ((cached = g_hash_table_lookup(c->hints, key)) != NULL) {
		snprintf(buf, size, "%s", cached);
		g_free(key);
		return;
	}
	hint_search(c, id, k1, k2, buf, size);
	g_hash_table_insert(c->hints, key, g_strdup(buf));
}

/* "an agency", "a group", ... for the element a reference names. */
static const char *kind_words(const char *name)
{
	if (strcmp(name, "agency") == 0)
		return _("an agency");
	if (strcmp(name, "appendix") == 0)
		return _("an appendix");
	if (strcmp(name, "group") == 0)
		return _("a group");
	if (strcmp(name, "section") == 0)
		return _("a section");
	if (strcmp(name, "task") == 0)
		return _("a task");
	return _("another element");
}

/* Whether id is a valid id with spaces around it (id=" t01"): the id quoted in the usual
 * message would look right, so the spaces are said; 1 after reporting. */
static int spaces_around_id(struct ctx *c, xmlNodePtr at, const char *attr, const char *id)
{
	char *bare = g_strstrip(g_strdup(id));
	int said = strcmp(bare, id) != 0 && text_is_id(bare);

	if (said)
		err(c, at, MSG_CHECK_ID_SPACES_AROUND, attr, attr, bare);
	g_free(bare);
	return said;
}

/* Checks one reference; kinds are element names ("agency", "group", "section"). Returns
 * the element referred to, or NULL after reporting. */
static xmlNodePtr ref(struct ctx *c, xmlNodePtr at, const char *attr, const char *id,
		      const char *k1, const char *k2)
{
	xmlNodePtr target = plan_find(c->p, id);
	const char *want = k2 != NULL ? _("an agency or a group") : kind_words(k1);
	char hint[400], q[TEXT_QUOTE_MAX + 4];

	if (target != NULL && (is(target, k1) || (k2 != NULL && is(target, k2))))
		return target;
	if (text_is_blank(id)) {
		err(c, at, MSG_CHECK_EMPTY_ID, attr, want);
		return NULL;
	}
	if (spaces_around_id(c, at, attr, id))
		return NULL;
	if (!text_is_id(id)) {
		err(c, at, MSG_CHECK_REF_NOT_AN_ID, attr, text_quote(q, id));
		return NULL;
	}
	if (target != NULL) {
		err(c, at, MSG_CHECK_REF_WRONG_KIND, attr, id,
		    kind_words((const char *)target->name), plan_line(target), want, want);
		return NULL;
	}
	hint_for(c, id, k1, k2, hint, sizeof hint);
	if (strcmp(k1, "section") == 0)
		err(c, at, MSG_CHECK_REF_NO_SECTION, attr, id, id, hint);
	else
		err(c, at, MSG_CHECK_REF_UNKNOWN, attr, id,
		    k2 != NULL                 ? _("agency or group")
		    : strcmp(k1, "group") == 0 ? _("group")
					       : k1,
		    hint);
	return NULL;
}

/* Whether n's id names files: it is the node of a kind made once per node (kinds.c: an
 * agency's letter is letters/ID.pdf), and, an agency, one that gets its letter. */
static int names_files(const plan *p, xmlNodePtr n)
{
	for (const kind *k = kinds; k->command != NULL; k++)
		if (k->each != NULL && k->node != NULL && strcmp(k->id, "id") == 0 &&
		    xmlStrcmp(n->name, (const xmlChar *)k->node) == 0)
			return xmlStrcmp(n->name, (const xmlChar *)"agency") != 0 ||
			       plan_has_letter(p, n);
	return 0;
}

/* Reports malformed and duplicate ids (the reader indexed the first of each, plan.c), and
 * an id that would name a file Windows refuses. */
static void check_ids(struct ctx *c, xmlNodePtr n)
{
	for (; n != NULL; n = n->next) {
		const char *id;
		xmlNodePtr first;
		char q[TEXT_QUOTE_MAX + 4];

		if (n->type != XML_ELEMENT_NODE)
			continue;
		id = plan_attr(n, "id");
		if (id != NULL) {
			if (spaces_around_id(c, n, "id", id))
				;
			else if (!text_is_id(id))
				err(c, n, MSG_CHECK_ID_INVALID, text_quote(q, id));
			else if ((first = plan_find(c->p, id)) != n)
				err(c, n, MSG_CHECK_ID_TWICE, id, plan_line(first));
			else if (names_files(c->p, n) && text_windows_reserved(id))
				warn(c, n, MSG_CHECK_ID_WINDOWS_DEVICE, id, id, id);
		}
		check_ids(c, n->children);
	}
}

/* Reads a date written the Vietnamese way, "28/8/2023" or "28.08.2023", into the ISO form
 * for a suggestion. Returns 0 when s is not such a date. */
static int vietnamese_date(const char *s, char *iso, size_t size)
{
	int d, m, y, len = 0;
	char s1, s2;

	if (sscanf(s, " %2d%c%2d%c%4d %n", &d, &s1, &m, &s2, &y, &len) != 5 || s[len] != '\0' ||
	    s1 != s2 || strchr("/.-", s1) == NULL || !date_valid(y, m, d))
		return 0;
	snprintf(iso, size, "%04d-%02d-%02d", y, m, d);
	return 1;
}

/* Says what is wrong with a date (element text or attribute value); what is "the date" or
 * "the deadline date", like is an example of the right form. */
static void check_date(struct ctx *c, xmlNodePtr at, const char *what, const char *s,
		       const char *like)
{
	char q[TEXT_QUOTE_MAX + 4], iso[16];
	int rc = date_parse(s, NULL), y = 0;

	if (rc == 0)
		return;
	text_quote(q, s);
	if (rc == -2 && sscanf(s, " %4d", &y) == 1 && (y < CHECK_YEAR_MIN || y > CHECK_YEAR_MAX))
		err(c, at, MSG_CHECK_DATE_YEAR_RANGE, what, q, CHECK_YEAR_MIN, CHECK_YEAR_MAX);
	else if (rc == -2)
		err(c, at, MSG_CHECK_DATE_NOT_IN_CALENDAR, what, q);
	else if (vietnamese_date(s, iso, sizeof iso))
		err(c, at, MSG_CHECK_DATE_FORM, what, q, iso);
	else
		err(c, at, MSG_CHECK_DATE_FORM_LIKE, what, q, like);
}

/* Is there anything but XML white space in the text of n (or an element in it)? */
static int has_content(xmlNodePtr n)
{
	for (xmlNodePtr k = n->children; k != NULL; k = k->next) {
		if (k->type == XML_ELEMENT_NODE)
			return 1;
		if (k->type == XML_TEXT_NODE && k->content != NULL &&
		    strspn((const char *)k->content, " \t\r\n") != strlen((const char *)k->content))
			return 1;
	}
	return 0;
}

/* A deadline due before the plan is dated (a year mistyped, 2022 for 2023): the last
 * day of its date, quarter or year against the plan's <date>, when both are right.
 * Said as a warning: the plan is made. */
static void deadline_before_plan(struct ctx *c, xmlNodePtr n, const char *ds, const char *q,
				 const char *y)
{
	date end = {0, 12, 31};

	if (!c->dated)
		return;
	if (ds != NULL) {
		if (q != NULL || y != NULL || date_parse(ds, &end) != 0)
			return;
	} else if (y != NULL && strlen(y) == 4 && strspn(y, "0123456789") == 4) {
		end.year = atoi(y);
		if (q != NULL && strlen(q) == 1 && q[0] >= '1' && q[0] <= '4')
			end.month = (q[0] - '0') * 3;
		else if (q != NULL)
			return;
		end.day = date_days_in_month(end.year, end.month);
		if (!date_valid(end.year, end.month, end.day))
			return;
	} else
		return;
	if (!date_before(&end, &c->plan_date))
		return;
	/* a plan copied from last year's with its deadlines left: a few said at their
	 * lines, the rest counted */
	if (c->early_deadlines++ >= CHECK_REPEAT_MAX)
		return;
	char *due = date_short(&end, 0), *dated = date_short(&c->plan_date, 0);
	warn(c, n, MSG_CHECK_DEADLINE_BEFORE_PLAN, due, dated);
	free(due);
	free(dated);
}

/* The commitment letters dated before the plan they carry out (a year or month
 * mistyped): the head of each agency would sign a commitment to a plan not yet issued. */
static void commitments_before_plan(struct ctx *c, xmlNodePtr n, const char *t)
{
	date signed_on;

	if (c->dated && t != NULL && date_parse(t, &signed_on) == 0 &&
	    date_before(&signed_on, &c->plan_date)) {
		char *a = date_short(&signed_on, 0), *b = date_short(&c->plan_date, 0);
		warn(c, n, MSG_CHECK_COMMITMENTS_BEFORE_PLAN, a, b);
		free(a);
		free(b);
	}
}

/* A deadline has exactly one of four forms: words, date=, quarter= with year=, year=.
 * These rules are the whole of the form (the schema's complaints about deadlines are left
 * to them, being clearer); attributes other than these three are the schema's. */
static void check_deadline(struct ctx *c, xmlNodePtr n)
{
	const char *ds = plan_attr(n, "date"), *q = plan_attr(n, "quarter");
	const char *y = plan_attr(n, "year");
	char qt[TEXT_QUOTE_MAX + 4];

	if (ds == NULL && q == NULL && y == NULL) {
		char *t = plan_text(n);
		if (text_is_blank(t))
			err(c, n, MSG_CHECK_DEADLINE_EMPTY);
		free(t);
		return;
	}
	if (has_content(n)) {
		char *t = plan_text(n);
		err(c, n, MSG_CHECK_DEADLINE_WORDS_AND_DATE, text_quote(qt, t));
		free(t);
	}
	if (ds != NULL && (q != NULL || y != NULL))
		err(c, n, MSG_CHECK_DEADLINE_DATE_AND_QUARTER);
	if (ds != NULL) {
		if (strlen(ds) != strspn(ds, "0123456789-") && date_parse(ds, NULL) == 0)
			err(c, n, MSG_CHECK_DATE_SPACES_AROUND, text_quote(qt, ds));
		else
			check_date(c, n, _("the deadline date"), ds, "2023-12-31");
	}
	if (q != NULL && (strlen(q) != 1 || q[0] < '1' || q[0] > '4'))
		err(c, n, MSG_CHECK_QUARTER_RANGE, text_quote(qt, q));
	if (y != NULL && (strlen(y) != 4 || strspn(y, "0123456789") != 4 ||
			  atoi(y) < CHECK_YEAR_MIN || atoi(y) > CHECK_YEAR_MAX))
		err(c, n, MSG_CHECK_YEAR_RANGE, text_quote(qt, y), CHECK_YEAR_MIN, CHECK_YEAR_MAX);
	if (q != NULL && y == NULL)
		err(c, n, MSG_CHECK_QUARTER_NEEDS_YEAR, text_quote(qt, q));
	deadline_before_plan(c, n, ds, q, y);
}

/* A table of the plan's text: as many cells in each row as <columns> has captions, and
 * widths=, when given, one share (> 0) per column. Without these the layout would drop
 * the extra cells, print empty ones or ignore widths=, and the table would say less
 * than the plan without a word. */
static void check_table(struct ctx *c, xmlNodePtr t)
{
	xmlNodePtr cols = plan_child(t, "columns");
	const char *widths = plan_attr(t, "widths");
	char qw[TEXT_QUOTE_MAX + 4], qv[TEXT_QUOTE_MAX + 4];
	int n = 0;

	if (cols == NULL)
		return; /* the schema's to report */
	for (xmlNodePtr k = cols->children; k != NULL; k = k->next)
		n += is(k, "cell");
	for (xmlNodePtr r = t->children; r != NULL; r = r->next) {
		int cells = 0;
		if (!is(r, "row"))
			continue;
		for (xmlNodePtr k = r->children; k != NULL; k = k->next)
			cells += is(k, "cell");
		if (cells != n)
			err(c, r, MSG_CHECK_TABLE_ROW_CELLS, cells, n);
	}
	if (widths == NULL)
		return;
	gchar **v = g_strsplit_set(widths, " \t\r\n", -1);
	int given = 0, bad = 0;
	text_quote(qw, widths);
	for (int k = 0; v[k] != NULL; k++) {
		char *end;
		if (v[k][0] == '\0')
			continue;
		given++;
		/* the schema makes each a decimal; zero and negative shares are this check's */
		if (!bad && !(g_ascii_strtod(v[k], &end) > 0)) {
			bad = 1;
			err(c, t, MSG_CHECK_TABLE_WIDTH_NOT_POSITIVE, qw, text_quote(qv, v[k]));
		}
	}
	g_strfreev(v);
	if (given > 0 && given != n)
		err(c, t, MSG_CHECK_TABLE_WIDTHS_COUNT, qw, given, n, n);
}

/* The bullets a text copied from Word may begin with: "-", "+", "•", "–". */
static const char *const bullets[] = {"-", "+", "\u2022", "\u2013"};

/* The bullet t begins with, or NULL. */
static const char *bullet_at(const char *t)
{
	for (size_t i = 0; i < G_N_ELEMENTS(bullets); i++)
		if (g_str_has_prefix(t, bullets[i]))
			return bullets[i];
	return NULL;
}

/* The marks vbgen writes itself around a recipient ("- " before, ";" after), the copy
 * kept ("- Lưu: " before, "." after), and the full stop a summary (trích yếu) has not,
 * typed into the plan as a Word "Nơi nhận" block has them: printed twice ("- - UBND
 * tỉnh;", "Sở Nội vụ; (b/c);", "Lưu: VT..") or where the decree has none. Warnings: the
 * plan is made. */
static void check_marks(struct ctx *c, xmlNodePtr n)
{
	char *t = plan_text(n);
	const char *first = t, *dash = NULL;
	size_t len;
	char last[2] = "";

	if (t == NULL || text_is_blank(t)) {
		free(t);
		return;
	}
	len = strlen(t);
	if (strchr(";.,", t[len - 1]) != NULL)
		last[0] = t[len - 1];
	if (is(n, "to")) {
		if ((dash = bullet_at(first)) != NULL)
			warn(c, n, MSG_CHECK_TO_BEGINS_DASH, dash);
		if (last[0] != '\0')
			warn(c, n, MSG_CHECK_TO_ENDS_MARK, last);
	} else if (is(n, "archive")) {
		/* "Lưu", in either case, with the word's end after it */
		if (g_ascii_strncasecmp(first, "L", 1) == 0 &&
		    (g_str_has_prefix(first + 1, "ưu") || g_str_has_prefix(first + 1, "ƯU")) &&
		    strchr(" :", first[1 + strlen("ưu")]) != NULL)
			warn(c, n, MSG_CHECK_ARCHIVE_LUU);
		if (last[0] != '\0')
			warn(c, n, MSG_CHECK_ARCHIVE_ENDS_MARK, last);
	} else if (last[0] == '.')
		warn(c, n, MSG_CHECK_SUMMARY_FULL_STOP);
	free(t);
}

/* The label a text begins with, typed as in the Word plan it was copied from: a bullet
 * ("- ", "+ ", "• ", "– ") or a number ("1. ", "2) "); its length in bytes with the
 * space after it, or 0. */
static size_t typed_label(const char *t, int *number)
{
	const char *bullet = bullet_at(t);
	size_t k = strspn(t, "0123456789");

	*number = 0;
	if (bullet != NULL && t[strlen(bullet)] == ' ')
		return strlen(bullet) + 1;
	if (k > 0 && k <= 3 && (t[k] == '.' || t[k] == ')') && t[k + 1] == ' ') {
		*number = 1;
		return k + 2;
	}
	return 0;
}

/* An <item> or a task's <text> that begins with the bullet or number vbgen writes itself
 * ("- - Giải quyết", "1. 1. Tỷ lệ"): the body's items get their bullets, the
 * commitments are numbered, the appendix numbers its tasks. A number in the body's
 * bullets ("- 1. ...") may be meant, and is left. */
static void check_label(struct ctx *c, xmlNodePtr n)
{
	char *t = plan_text(n);
	int number, commitment = 0;
	size_t len;

	for (xmlNodePtr a = n->parent; a != NULL; a = a->parent)
		commitment |= is(a, "commitments");
	if (t != NULL && (len = typed_label(t, &number)) > 0) {
		char q[TEXT_QUOTE_MAX + 4];
		snprintf(q, sizeof q, "%.*s", (int)(len - 1), t);
		if (is(n, "text"))
			warn(c, n, MSG_CHECK_TASK_BEGINS_LABEL, q);
		else if (commitment)
			warn(c, n, MSG_CHECK_COMMITMENT_BEGINS_LABEL, q);
		else if (!number)
			warn(c, n, MSG_CHECK_ITEM_BEGINS_BULLET, q);
	}
	free(t);
}

/* The academic titles and degrees written before a name, as abbreviations (with their
 * dot) and in words: Decree 30 prints the signer's name without them (box 7b). */
static const char *const academic_titles[] = {
	"GS.TS.",       "PGS.TS.",  "GS.",      "PGS.",   "TSKH.",   "TS.",
	"ThS.",         "Ths.",     "Th.S.",    "KS.",    "BS.",     "Giáo sư ",
	"Phó Giáo sư ", "Tiến sĩ ", "Thạc sĩ ", "Kỹ sư ", "Bác sĩ ",
};

/* A signer's name (the plan's, the receiver's, an agency head's) that begins with an
 * academic title: said, with the name as it should be. */
static void check_signer_name(struct ctx *c, xmlNodePtr n)
{
	char *t = plan_text(n);

	for (size_t i = 0; t != NULL && i < G_N_ELEMENTS(academic_titles); i++)
		if (g_str_has_prefix(t, academic_titles[i])) {
			const char *rest = t + strlen(academic_titles[i]);
			char qt[TEXT_QUOTE_MAX + 4], qn[TEXT_QUOTE_MAX + 4];
			while (*rest == ' ')
				rest++;
			if (*rest == '\0')
				break;
			g_strchomp(text_quote(qt, academic_titles[i]));
			warn(c, n, MSG_CHECK_SIGNER_ACADEMIC_TITLE, qt, text_quote(qn, rest));
			break;
		}
	free(t);
}

/* Required text, dates, deadlines and tables, everywhere in the file. */
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
				err(c, n, MSG_CHECK_ELEMENT_EMPTY, (const char *)n->name,
				    _(required_text[i].what));
			free(t);
		}
		if (is(n, "date")) {
			char *t = plan_text(n);
			check_date(c, n, _("the date"), t ? t : "", "2023-08-04");
			if (n->parent != NULL && is(n->parent, "commitments"))
				commitments_before_plan(c, n, t);
			free(t);
		}
		if (is(n, "deadline"))
			check_deadline(c, n);
		if (is(n, "table"))
			check_table(c, n);
		if (is(n, "to")) {
			const char *note = plan_attr(n, "note");
			if (note != NULL && text_is_blank(note))
				err(c, n, MSG_CHECK_NOTE_EMPTY);
		}
		if (is(n, "to") || is(n, "archive") || is(n, "summary"))
			check_marks(c, n);
		if (is(n, "item") || (is(n, "text") && n->parent != NULL && is(n->parent, "task")))
			check_label(c, n);
		if (is(n, "name") && n->parent != NULL &&
		    (is(n->parent, "signature") || is(n->parent, "receiver") ||
		     is(n->parent, "head")))
			check_signer_name(c, n);
		check_values(c, n->children);
	}
}

static void check_agencies(struct ctx *c)
{
	GHashTable *members = g_hash_table_new(g_direct_hash, g_direct_equal);
	int unsure = c->p->agencies->len == 0; /* then the schema says <agency> is missing */

	for (guint i = 0; i < c->p->agencies->len; i++) {
		xmlNodePtr a = g_ptr_array_index(c->p->agencies, i);
		const char *g = plan_attr(a, "group");
		xmlNodePtr gr;
		if (g == NULL) {
			unsure = 1; /* the schema reports the missing attribute */
			continue;
		}
		gr = ref(c, a, "group", g, "group", NULL);
		if (gr != NULL)
			g_hash_table_add(members, gr);
		else
			unsure = 1;
	}
	/* A group left empty by a misspelt or missing group= is that mistake again: say it
	 * once. */
	for (guint i = 0; i < c->p->groups->len && !unsure; i++) {
		xmlNodePtr g = g_ptr_array_index(c->p->groups, i);
		const char *id = plan_attr(g, "id");
		char q[TEXT_QUOTE_MAX + 4];
		if (!g_hash_table_contains(members, g))
			err(c, g, MSG_CHECK_GROUP_NO_MEMBERS, text_quote(q, id), q);
	}
	g_hash_table_destroy(members);
}

/* Does a title name its body ("Chủ tịch UBND huyện Cam Lộ", "Giám đốc Sở Nội vụ")? A body
 * is a proper name: some word after the first starts with a capital. */
static int names_a_body(const char *title)
{
	const char *sp = title != NULL ? strchr(title, ' ') : NULL;

	for (; sp != NULL; sp = strchr(sp + 1, ' ')) {
		gunichar ch = g_utf8_get_char_validated(sp + 1, -1);
		if (ch != (gunichar)-1 && ch != (gunichar)-2 && g_unichar_isupper(ch))
			return 1;
	}
	return 0;
}

/* What vbgen derives from the names of bodies, checked where a clerk's text would
 * contradict it: a People's Committee prints no parent line, and the titles that the
 * letters print after "Chức vụ:" and "Cam kết với" must say whose they are. */
static void check_bodies(struct ctx *c, xmlNodePtr root)
{
	xmlNodePtr doc = plan_child(root, "document");
	xmlNodePtr issuer = plan_child(doc, "issuer");
	xmlNodePtr receiver = plan_child(plan_child(root, "commitments"), "receiver");
	char *iname = plan_text(plan_child(issuer, "name"));
	char *ishort = plan_text(plan_child(issuer, "short"));
	char q[TEXT_QUOTE_MAX + 4];

	if (text_committee(iname, NULL, NULL) && plan_child(issuer, "parent") != NULL)
		warn(c, plan_child(issuer, "parent"), MSG_CHECK_COMMITTEE_PARENT);
	if (receiver != NULL) {
		char *t = plan_text(plan_child(receiver, "title"));
		if (!text_is_blank(t) && !names_a_body(t))
			warn(c, plan_child(receiver, "title"), MSG_CHECK_RECEIVER_TITLE,
			     text_quote(q, t), q, q, ishort != NULL ? ishort : "UBND huyện Cam Lộ");
		free(t);
	}
	int parents = 0, titles = 0;
	for (guint i = 0; i < c->p->agencies->len; i++) {
		xmlNodePtr a = g_ptr_array_index(c->p->agencies, i);
		char *name = plan_text(plan_child(a, "name"));
		const char *place = NULL;
		if (!text_committee(name, NULL, &place)) {
			free(name);
			continue;
		}
		text_quote(q, name);
		if (plan_child(a, "parent") != NULL && parents++ < CHECK_REPEAT_MAX)
			warn(c, plan_child(a, "parent"), MSG_CHECK_COMMITTEE_PARENT_NAMED, q);
		char *t = plan_text(plan_child(plan_child(a, "head"), "title"));
		if (!text_is_blank(t) && strstr(t, place) == NULL && titles++ < CHECK_REPEAT_MAX) {
			char qt[TEXT_QUOTE_MAX + 4];
			warn(c, plan_child(plan_child(a, "head"), "title"), MSG_CHECK_HEAD_TITLE,
			     text_quote(qt, t), qt, q);
		}
		free(t);
		free(name);
	}
	if (parents > CHECK_REPEAT_MAX)
		warn(c, NULL, MSG_CHECK_COMMITTEE_PARENT_MORE, parents - CHECK_REPEAT_MAX);
	if (titles > CHECK_REPEAT_MAX)
		warn(c, NULL, MSG_CHECK_HEAD_TITLE_MORE, titles - CHECK_REPEAT_MAX);
	free(iname);
	free(ishort);
}

/* "Sở Thông tin và Truyền thông chủ trì, phối hợp các sở, ban, ngành": the cooperating
 * group holds the lead, or the leading group holds a cooperating agency. That is how
 * plans are written, so it is no mistake; the note says how the letters read it. */
static void note_own_group(struct ctx *c, xmlNodePtr t, const char *task, xmlNodePtr leader,
			   xmlNodePtr supporter)
{
	const char *agency = NULL, *group = NULL;

	if (is(leader, "agency") && is(supporter, "group") &&
	    g_strcmp0(plan_attr(leader, "group"), plan_attr(supporter, "id")) == 0) {
		agency = plan_attr(leader, "id");
		group = plan_attr(supporter, "id");
	} else if (is(leader, "group") && is(supporter, "agency") &&
		   g_strcmp0(plan_attr(supporter, "group"), plan_attr(leader, "id")) == 0) {
		agency = plan_attr(supporter, "id");
		group = plan_attr(leader, "id");
	}
	if (agency == NULL || c->own_group_notes++ >= CHECK_REPEAT_MAX)
		return;
	if (is(leader, "agency"))
		msg(c->d, c->p->path, plan_line(t), MSG_CHECK_LEAD_SUPPORTS_THROUGH_GROUP, task,
		    agency, group);
	else
		msg(c->d, c->p->path, plan_line(t), MSG_CHECK_SUPPORT_LEADS_THROUGH_GROUP, task,
		    agency, group);
}

static void check_tasks(struct ctx *c)
{
	for (guint i = 0; i < c->p->tasks->len; i++) {
		xmlNodePtr t = g_ptr_array_index(c->p->tasks, i);
		const char *sec = plan_attr(t, "section"), *lead = plan_attr(t, "lead");
		const char *sup = plan_attr(t, "support");
		const char *tid = plan_attr(t, "id");
		xmlNodePtr leader = NULL;
		char q[TEXT_QUOTE_MAX + 4];
		int listed = 0;

		if (sec != NULL)
			ref(c, t, "section", sec, "section", NULL);
		/* a missing lead= is the schema's to report */
		if (lead != NULL)
			leader = ref(c, t, "lead", lead, "agency", "group");
		if (sup == NULL)
			continue;
		text_quote(q, tid);
		gchar **ids = g_strsplit_set(sup, " \t\r\n", -1);
		for (int k = 0; ids[k] != NULL; k++) {
			int twice = 0;
			if (ids[k][0] == '\0')
				continue;
			listed++;
			for (int j = 0; j < k && !twice; j++)
				twice = strcmp(ids[j], ids[k]) == 0;
			if (twice) {
				err(c, t, MSG_CHECK_SUPPORT_TWICE, q, ids[k]);
				continue;
			}
			xmlNodePtr s = ref(c, t, "support", ids[k], "agency", "group");
			if (s != NULL && s == leader)
				err(c, t, MSG_CHECK_SUPPORT_IS_LEAD, q, ids[k]);
			else if (s != NULL && leader != NULL)
				note_own_group(c, t, q, leader, s);
		}
		g_strfreev(ids);
		if (listed == 0)
			err(c, t, MSG_CHECK_SUPPORT_EMPTY, q);
	}
}

/* Targets print only in commitment letters: targets for an agency without one
 * (letter="no"), or for a group none of whose agencies has one, print nowhere, and the
 * clerk's text would be lost without a word. */
static void check_targets(struct ctx *c, xmlNodePtr root)
{
	xmlNodePtr com = plan_child(root, "commitments");
	/* the ids of the groups with members, and of those with a member that gets a letter;
	 * a group without members is said elsewhere, or follows from a mistake said there */
	GHashTable *members, *lettered;

	if (com == NULL)
		return;
	members = g_hash_table_new(g_str_hash, g_str_equal);
	lettered = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint i = 0; i < c->p->agencies->len; i++) {
		xmlNodePtr a = g_ptr_array_index(c->p->agencies, i);
		const char *g = plan_attr(a, "group");
		if (g != NULL)
			g_hash_table_add(members, (gpointer)g);
		if (g != NULL && plan_has_letter(c->p, a))
			g_hash_table_add(lettered, (gpointer)g);
	}
	for (xmlNodePtr n = com->children; n != NULL; n = n->next) {
		const char *f;
		xmlNodePtr to;
		if (!is(n, "targets") || (f = plan_attr(n, "for")) == NULL)
			continue;
		to = ref(c, n, "for", f, "agency", "group");
		if (to != NULL && is(to, "agency") && !plan_has_letter(c->p, to))
			warn(c, n, MSG_CHECK_TARGETS_AGENCY_NO_LETTER, f);
		else if (to != NULL && is(to, "group") && g_hash_table_contains(members, f) &&
			 !g_hash_table_contains(lettered, f))
			warn(c, n, MSG_CHECK_TARGETS_GROUP_NO_LETTER, f);
	}
	g_hash_table_destroy(members);
	g_hash_table_destroy(lettered);
}

int check_plan(struct diag *d, const plan *p)
{
	struct ctx c = {d, p, 0, NULL, NULL, 0, 0, 0, {0, 0, 0}};
	xmlNodePtr root = xmlDocGetRootElement(p->doc);
	char *dated = plan_text(plan_child(plan_child(root, "document"), "date"));

	c.dated = dated != NULL && date_parse(dated, &c.plan_date) == 0;
	free(dated);

	check_ids(&c, root);
	check_values(&c, root);
	if (c.early_deadlines > CHECK_REPEAT_MAX)
		msg(d, p->path, 0, MSG_CHECK_DEADLINE_BEFORE_PLAN_MORE,
		    c.early_deadlines - CHECK_REPEAT_MAX);
	check_agencies(&c);
	check_tasks(&c);
	check_targets(&c, root);
	if (c.own_group_notes > CHECK_REPEAT_MAX)
		msg(d, p->path, 0, MSG_CHECK_OWN_GROUP_MORE, c.own_group_notes - CHECK_REPEAT_MAX);
	check_bodies(&c, root);
	if (c.sections != NULL)
		g_ptr_array_free(c.sections, TRUE);
	if (c.hints != NULL)
		g_hash_table_destroy(c.hints);
	/* plan.c leaves some schema findings to the checks above; should none of them have
	 * said anything, the file must still not pass in silence. */
	if (!p->schema_ok && c.errors == 0 && diag_count(d, DIAG_ERROR) == 0 &&
	    diag_count(d, DIAG_SYSTEM) == 0)
		err(&c, root, MSG_CHECK_SCHEMA_UNEXPLAINED);
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
	/* one letter per agency that gets one, made from the commitments */
	c->letters = 0;
	for (guint i = 0; plan_child(root, "commitments") != NULL && i < p->agencies->len; i++)
		c->letters += plan_has_letter(p, g_ptr_array_index(p->agencies, i));
}
