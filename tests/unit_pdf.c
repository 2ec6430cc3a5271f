/* unit_pdf.c - unit tests of the PDF writer (gen/pdf.c): how it writes numbers and how
 * it nests bookmarks.
 *
 * Both are tested through the file pdf_write() writes, never through its static helpers:
 * a laid-out document is made by hand (pages of rules and boxes at chosen coordinates,
 * empty text lines that carry bookmarks of chosen levels), written, and read back. The
 * content stream must hold exactly the numbers expected (at most two decimals, rounded
 * half away from zero, no trailing zeros, never "-0"), and the outline must be the tree
 * the levels describe, with every /Parent, /Prev, /Next, /First, /Last and /Count right.
 * The one public function, test_pdf(), is called by tests/unit.c with its check()
 * reporter. */
#include "doc.h"
#include "lay.h"
#include "pdf.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

void test_pdf(void (*check)(int ok, const char *name, const char *detail));

typedef void (*reporter)(int ok, const char *name, const char *detail);

/* A rule or box and the operator line the writer must print for it on a page of height
 * 800 pt: "x (800-y-h/2) w h re f" for a rule, "stroke w x (800-y-h) w h re S" for a box.
 * The values are exact in binary, so that the expected rounding does not depend on the
 * last bit of a product. */
static const struct {
	enum lay_kind kind;
	double x, y, w, h, stroke;
	const char *want;
} shapes[] = {
	{EL_RULE, 0.125, 699.5, 12.5, 1, 0, "0.13 100 12.5 1 re f\n"}, /* half up, one decimal */
	{EL_RULE, -0.125, 0, 2.25, 0.5, 0, "-0.13 799.75 2.25 0.5 re f\n"}, /* half away from 0 */
	{EL_RULE, -0.00390625, 400, 100, 0, 0, "0 400 100 0 re f\n"},       /* no "-0" */
	{EL_RULE, 7.998046875, 0.25, 1234567.25, 0.0625, 0,
	 "8 799.72 1234567.25 0.06 re f\n"},                /* rounds up to a whole number */
	{EL_RULE, 10, 800, 0.5, 0, 0, "10 0 0.5 0 re f\n"}, /* no trailing zeros */
	{EL_BOX, 85.0390625, 56.6875, 439.375, 20.5, 0.5, "0.5 w 85.04 722.81 439.38 20.5 re S\n"},
	{EL_BOX, -1.5, 900, 3, 0, 0.75, "0.75 w -1.5 -100 3 0 re S\n"}, /* below the page */
};

/* The bookmarks of both pages, in order, with their levels, then the tree they must give
 * (children in parentheses). Level 9 is past the writer's limit of 8, so it nests as 8:
 * beside the level-8 entry, not under it. */
static const struct {
	int page, level;
	const char *title;
	double x, y;
	const char *xyz; /* the /XYZ numbers for a 14 pt line on an 800 pt page */
} marks[] = {
	{0, 1, "I. MỤC ĐÍCH", 85.0390625, 100, "85.04 714"},
	{0, 2, "1. Mục đích", 85.0390625, 150.125, "85.04 663.88"},
	{0, 3, "a) Nhỏ", 120, 200, "120 614"},
	{0, 2, "2. Yêu cầu", 85.0390625, 250, "85.04 564"},
	{0, 1, "II. NHIỆM VỤ", 85.0390625, 300, "85.04 514"},
	{0, 3, "a) ba cấp dưới", 0, 350, "0 464"},
	{0, 1, "III. TỔ CHỨC", 85.0390625, 400, "85.04 414"},
	{0, 2, "l2", 85.0390625, 410, "85.04 404"},
	{0, 3, "l3", 85.0390625, 420, "85.04 394"},
	{0, 4, "l4", 85.0390625, 430, "85.04 384"},
	{0, 5, "l5", 85.0390625, 440, "85.04 374"},
	{0, 6, "l6", 85.0390625, 450, "85.04 364"},
	{0, 7, "l7", 85.0390625, 460, "85.04 354"},
	{0, 8, "l8", 85.0390625, 470, "85.04 344"},
	{0, 9, "sâu", 85.0390625, 480, "85.04 334"},
	{1, 1, "Phụ lục", 85.0390625, 500, "85.04 314"},
	{1, 2, "PL.1", 85.0390625, 550, "85.04 264"},
};
static const char want_tree[] =
	"I. MỤC ĐÍCH(1. Mục đích(a) Nhỏ),2. Yêu cầu),"
	"II. NHIỆM VỤ(a) ba cấp dưới),III. TỔ CHỨC(l2(l3(l4(l5(l6(l7(l8,sâu))))))),"
	"Phụ lục(PL.1)";

/* ---- reading the file back ---------------------------------------------------------- */

struct pdf {
	char *data;
	gsize len;
	GHashTable *objs; /* object number -> its text from "N 0 obj" to "endobj" */
};

static void pdf_load(struct pdf *p, const char *path)
{
	p->objs = g_hash_table_new(g_direct_hash, g_direct_equal);
	if (!g_file_get_contents(path, &p->data, &p->len, NULL)) {
		p->data = NULL;
		return;
	}
	for (const char *s = p->data; s != NULL && s < p->data + p->len; s++) {
		int n, used = 0;
		if ((s == p->data || s[-1] == '\n') && sscanf(s, "%d 0 obj%n", &n, &used) == 1 &&
		    used > 0)
			g_hash_table_insert(p->objs, GINT_TO_POINTER(n), (gpointer)s);
	}
}

static void pdf_unload(struct pdf *p)
{
	g_hash_table_destroy(p->objs);
	g_free(p->data);
}

static const char *obj(const struct pdf *p, int n)
{
	return g_hash_table_lookup(p->objs, GINT_TO_POINTER(n));
}

/* The end of object text o: its "endobj". */
static const char *obj_end(const struct pdf *p, const char *o)
{
	const char *e = g_strstr_len(o, (gssize)(p->data + p->len - o), "endobj");
	return e != NULL ? e : p->data + p->len;
}

/* The reference "KEY N 0 R" in object n's dictionary (before any stream): N, or -1. */
static int ref(const struct pdf *p, int n, const char *key)
{
	const char *o = obj(p, n), *end, *k;
	char pat[32];
	int v;

	if (o == NULL)
		return -1;
	end = obj_end(p, o);
	snprintf(pat, sizeof pat, "%s ", key);
	for (k = o; (k = g_strstr_len(k, end - k, pat)) != NULL; k += strlen(pat))
		if (sscanf(k + strlen(pat), "%d 0 R", &v) == 1)
			return v;
	return -1;
}

/* The integer after KEY in object n, or def. */
static int integer(const struct pdf *p, int n, const char *key, int def)
{
	const char *o = obj(p, n), *k;
	int v;

	if (o == NULL || (k = g_strstr_len(o, obj_end(p, o) - o, key)) == NULL ||
	    sscanf(k + strlen(key), " %d", &v) != 1)
		return def;
	return v;
}

/* The outline entry's /Title <FEFF...> as UTF-8 (to free), or NULL. */
static char *title(const struct pdf *p, int n)
{
	const char *o = obj(p, n), *k;
	GArray *u;
	char *s;

	if (o == NULL || (k = g_strstr_len(o, obj_end(p, o) - o, "/Title <FEFF")) == NULL)
		return NULL;
	u = g_array_new(FALSE, FALSE, sizeof(gunichar2));
	for (k += 12; g_ascii_isxdigit(k[0]) && g_ascii_isxdigit(k[1]) && g_ascii_isxdigit(k[2]) &&
		      g_ascii_isxdigit(k[3]);
	     k += 4) {
		gunichar2 c =
			(gunichar2)(g_ascii_xdigit_value(k[0]) << 12 |
				    g_ascii_xdigit_value(k[1]) << 8 |
				    g_ascii_xdigit_value(k[2]) << 4 | g_ascii_xdigit_value(k[3]));
		g_array_append_val(u, c);
	}
	s = *k == '>' ? g_utf16_to_utf8((gunichar2 *)u->data, (glong)u->len, NULL, NULL, NULL)
		      : NULL;
	g_array_free(u, TRUE);
	return s;
}

/* The entry's /Dest as written, "[P 0 R /XYZ x y null]" (to free), or NULL. */
static char *dest(const struct pdf *p, int n)
{
	const char *o = obj(p, n), *k, *e;

	if (o == NULL || (k = g_strstr_len(o, obj_end(p, o) - o, "/Dest [")) == NULL ||
	    (e = strstr(k, " null]")) == NULL)
		return NULL;
	return g_strndup(k + 6, (gsize)(e - k));
}

/* The decompressed content stream of object n (to free), or NULL. */
static char *content(const struct pdf *p, int n)
{
	const char *o = obj(p, n), *s;
	int len = integer(p, n, "/Length", -1);
	uLongf out_len = 1 << 20;
	char *out;

	if (o == NULL || len < 0 || (s = strstr(o, "stream\n")) == NULL ||
	    s + 7 + len > p->data + p->len)
		return NULL;
	out = g_malloc(out_len + 1);
	if (uncompress((Bytef *)out, &out_len, (const Bytef *)s + 7, (uLong)len) != Z_OK) {
		g_free(out);
		return NULL;
	}
	out[out_len] = '\0';
	return out;
}

/* Walks the children of outline node n (the root or an entry) into tree, checking every
 * link on the way (what is wrong goes into why) and appending the entries' object numbers
 * to order, depth first. Returns the number of children. */
static int walk(const struct pdf *p, int n, GString *tree, GString *why, GArray *order, int depth)
{
	int first = ref(p, n, "/First"), last = ref(p, n, "/Last"), prev = -1, count = 0;

	if (depth > 16) {
		g_string_append(why, "the outline nests deeper than 16; ");
		return 0;
	}
	for (int k = first; k > 0; prev = k, k = ref(p, k, "/Next")) {
		char *t = title(p, k);
		g_array_append_val(order, k);
		if (count++ > 0)
			g_string_append_c(tree, ',');
		g_string_append(tree, t != NULL ? t : "(no title)");
		if (ref(p, k, "/Parent") != n)
			g_string_append_printf(why, "'%s' has /Parent %d, not %d; ", t,
					       ref(p, k, "/Parent"), n);
		if (ref(p, k, "/Prev") != prev)
			g_string_append_printf(why, "'%s' has /Prev %d, not %d; ", t,
					       ref(p, k, "/Prev"), prev);
		if (ref(p, k, "/First") > 0) {
			g_string_append_c(tree, '(');
			int kids = walk(p, k, tree, why, order, depth + 1);
			g_string_append_c(tree, ')');
			/* closed entries: /Count is minus the number of children */
			if (integer(p, k, "/Count", 0) != -kids)
				g_string_append_printf(why, "'%s' has /Count %d for %d children; ",
						       t, integer(p, k, "/Count", 0), kids);
		} else if (ref(p, k, "/Last") > 0 || integer(p, k, "/Count", 0) != 0) {
			g_string_append_printf(why, "'%s' has /Last or /Count but no /First; ", t);
		}
		g_free(t);
		if (count > 64) {
			g_string_append(why, "a /Next loop; ");
			break;
		}
	}
	if (last != prev)
		g_string_append_printf(why, "node %d has /Last %d, its last child is %d; ", n, last,
				       prev);
	return count;
}

/* ---- the document ------------------------------------------------------------------- */

void test_pdf(reporter check)
{
	doc *d = doc_new();
	doc_style style = {.name = "heading", .size = 14};
	static const lay_line empty = {.text = ""}; /* a line without glyphs */
	lay_doc *ld = g_new0(lay_doc, 1);
	lay_page *pg[2];
	char *path = NULL, *detail;
	int fd = g_file_open_tmp("vbgen-pdf-XXXXXX.pdf", &path, NULL);
	struct pdf p = {0};

	d->title = doc_str(d, "Kế hoạch thử");
	d->author = doc_str(d, "vbgen");
	d->create_date = doc_str(d, "2023-08-28");
	ld->pages = g_ptr_array_new();
	ld->d = d;
	for (int i = 0; i < 2; i++) {
		pg[i] = g_new0(lay_page, 1);
		pg[i]->width = i == 0 ? 595.2734375 : 841.890625;
		pg[i]->height = 800;
		pg[i]->elems = g_array_new(FALSE, TRUE, sizeof(lay_elem));
		g_ptr_array_add(ld->pages, pg[i]);
	}
	/* the bookmarks: page 1 up to "Phụ lục", which opens page 2 */
	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
		lay_elem e = {.kind = EL_TEXT,
			      .x = marks[i].x,
			      .y = marks[i].y,
			      .style = &style,
			      .line = &empty,
			      .text = "",
			      .len = 0,
			      .bookmark = marks[i].level,
			      .bookmark_title = marks[i].title};
		g_array_append_val(pg[marks[i].page]->elems, e);
	}
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		lay_elem e = {.kind = shapes[i].kind,
			      .x = shapes[i].x,
			      .y = shapes[i].y,
			      .w = shapes[i].w,
			      .h = shapes[i].h,
			      .stroke = shapes[i].stroke};
		g_array_append_val(pg[0]->elems, e);
	}

	if (fd >= 0)
		close(fd);
	struct diag dg;
	diag_init(&dg);
	int rc = path != NULL ? pdf_write(&dg, ld, path, 0) : -1;
	check(rc == 0, "pdf: pdf_write writes the hand-made document", "it failed");
	if (rc == 0)
		pdf_load(&p, path);

	/* numbers: the content stream of page 1, and both MediaBoxes */
	int pages = p.data ? ref(&p, 1, "/Pages") : -1, page1 = -1, page2 = -1;
	if (pages > 0) {
		const char *kids = strstr(obj(&p, pages), "/Kids [");
		if (kids == NULL || sscanf(kids, "/Kids [%d 0 R %d 0 R]", &page1, &page2) != 2)
			page1 = page2 = -1;
	}
	/* the text line stands in no paragraph, the rules and boxes are one run: artifacts
	 * (tagged PDF) */
	GString *want = g_string_new("BT\n/Artifact BMC\nEMC\nET\n/Artifact BMC\n");
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
		g_string_append(want, shapes[i].want);
	g_string_append(want, "EMC\n");
	char *got = page1 > 0 ? content(&p, ref(&p, page1, "/Contents")) : NULL;
	detail = g_strdup_printf("content stream\n%s\nexpected\n%s", got ? got : "(none)",
				 want->str);
	check(got != NULL && strcmp(got, want->str) == 0,
	      "pdf: numbers in a content stream: two decimals at most, rounded, no -0", detail);
	g_free(detail);
	g_free(got);
	g_string_free(want, TRUE);
	const char *o1 = page1 > 0 ? obj(&p, page1) : NULL, *o2 = page2 > 0 ? obj(&p, page2) : NULL;
	check(o1 != NULL && o2 != NULL && strstr(o1, "/MediaBox [0 0 595.27 800]") != NULL &&
		      strstr(o2, "/MediaBox [0 0 841.89 800]") != NULL,
	      "pdf: page sizes in /MediaBox", "expected [0 0 595.27 800] and [0 0 841.89 800]");

	/* the outline */
	int root = p.data ? ref(&p, 1, "/Outlines") : -1;
	GString *tree = g_string_new(NULL), *why = g_string_new(NULL);
	GArray *order = g_array_new(FALSE, FALSE, sizeof(int));
	int top = root > 0 ? walk(&p, root, tree, why, order, 0) : 0;
	detail = g_strdup_printf("got %s, want %s", tree->str, want_tree);
	check(root > 0 && strcmp(tree->str, want_tree) == 0,
	      "pdf: bookmarks nest by level (a skipped level, a level past the limit)", detail);
	g_free(detail);
	check(root > 0 && why->len == 0, "pdf: every outline link is right", why->str);
	detail = g_strdup_printf("/Count %d, %d entries at the top",
				 integer(&p, root, "/Count", -1), top);
	check(root > 0 && integer(&p, root, "/Count", -1) == top,
	      "pdf: the outline root counts its top level", detail);
	g_free(detail);

	/* depth first, the entries are the marks in order: each points at its page, at the
	 * line's x and at its baseline's height plus the 14 pt of its style */
	GString *dests = g_string_new(NULL);
	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
		char *got_dest = i < order->len ? dest(&p, g_array_index(order, int, i)) : NULL;
		char *want_dest = g_strdup_printf("[%d 0 R /XYZ %s null]",
						  marks[i].page == 0 ? page1 : page2, marks[i].xyz);
		if (got_dest == NULL || strcmp(got_dest, want_dest) != 0)
			g_string_append_printf(dests, "'%s': %s, want %s; ", marks[i].title,
					       got_dest ? got_dest : "none", want_dest);
		g_free(got_dest);
		g_free(want_dest);
	}
	check(order->len == sizeof marks / sizeof marks[0] && dests->len == 0,
	      "pdf: each bookmark's page and /XYZ position, as written", dests->str);
	g_string_free(dests, TRUE);
	g_array_free(order, TRUE);
	g_string_free(tree, TRUE);
	g_string_free(why, TRUE);

	if (p.objs != NULL)
		pdf_unload(&p);
	if (path != NULL)
		g_unlink(path);
	g_free(path);
	for (int i = 0; i < 2; i++) {
		g_array_free(pg[i]->elems, TRUE);
		g_free(pg[i]);
	}
	g_ptr_array_free(ld->pages, TRUE);
	g_free(ld);
	doc_free(d);
	pdf_shutdown();
}
