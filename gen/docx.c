/* docx.c - the Word writer: the expanded document as an editable .docx; see docx.h.
 *
 * A .docx is a ZIP of XML parts (ECMA-376, Office Open XML). This writer makes the parts
 * Word needs to open a file without a repair prompt ([Content_Types].xml, the package and
 * document relationships, the document, its styles, settings, font table, page headers
 * and the document properties), each with libxml2's xmlTextWriter, and packs them with
 * libzip in memory before writing the file through out_open(x->diag, ). Elements are written in
 * the order the schema gives (Word rejects pPr, rPr, sectPr, tblPr children out of order).
 *
 * How the expanded document maps onto Word:
 *   doc_style        a named paragraph style (font, size, bold, italic, alignment, indents,
 *                    spacing, line spacing "auto" as a multiple of single); paragraphs
 *                    name their style and carry direct formatting only where the template
 *                    said something the style does not (keep with next, a page break)
 *   BLOCK_PARA       a paragraph; bold and italic runs on top of the style
 *   BLOCK_GRID       a borderless fixed table of one row that never splits, no cell margins
 *                    (a level grid: one row per block, so that the rows stand level)
 *   BLOCK_RULE       an empty paragraph with a top border, indented to the rule's place
 *   BLOCK_SPACE      an empty paragraph of exactly that height
 *   BLOCK_BREAK      a new section when the geometry or the numbering changes (landscape,
 *                    numbers from 1), else a page break before the next paragraph
 *   BLOCK_TABLE      a fixed table with its borders and padding, header rows repeated on
 *                    every page, rows that do not break across pages
 *   page numbers     a centred PAGE field in the header, none on a section's first page
 * Rule lengths, table column widths, rows cut across pages, where balanced paragraphs
 * break, the size a shrink-to paragraph was set at and each font's line gap are read from
 * the layout (the EL_TEXT elements point into the blocks' texts, which is how a block's
 * lines are found). */
#include "docx.h"

#include "diag.h"
#include "i18n.h"
#include "msg.h"
#include "out.h"

#include <errno.h>
#include <libxml/xmlwriter.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zip.h>

#ifndef VBGEN_VERSION
#define VBGEN_VERSION "0.0"
#endif

#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG_REL "http://schemas.openxmlformats.org/package/2006/relationships"
#define REL_DOC "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#define CT_WML "application/vnd.openxmlformats-officedocument.wordprocessingml."

/* An empty paragraph that only holds a rule, separates two tables or ends a section still
 * has a line box; this exact height (pt) keeps it as thin as Word and LibreOffice allow. */
#define DOCX_THIN_LINE 1.0
/* The ascent of Times New Roman and of Liberation Serif, in em: places the header when a
 * document has no numbered page to measure the page number's ascent on. */
#define DOCX_ASCENT 0.891
/* Kerning applies from this font size, in half-points: 1 pt, every size. */
#define DOCX_KERN_FROM 2
/* Word's single line spacing, in 240ths of a line: w:line for lineRule="auto". */
#define DOCX_LINE_UNIT 240
/* Word draws paragraph borders from 1/4 to 12 pt, in eighths of a point. */
#define DOCX_BORDER_MIN 2
#define DOCX_BORDER_MAX 96

/* zlib's fastest level: a letter's parts are small and written once; the default level
 * makes files about a tenth smaller at a tenth more of a batch's time. */
#define DOCX_DEFLATE_LEVEL 1

/* A part of the package: its name in the ZIP and its bytes. */
struct part {
	char *name;
	xmlBufferPtr buf;
};

/* Where a laid-out line is: page and element index. */
struct pos {
	guint page, idx;
};

/* A style as Word will know it. */
struct sty {
	const doc_style *s;
	char *id, *name;
	int outline; /* bookmark level of every paragraph in it, 0 none, -1 mixed, -2 unseen */
};

struct dx {
	struct diag *diag; /* where the writing's problems are said */
	const doc *d;
	const lay_doc *ld;
	const char *path;
	xmlTextWriterPtr w; /* the part being written */
	GPtrArray *parts;   /* struct part * */
	GHashTable *styles; /* const doc_style * -> struct sty * */
	GPtrArray *order;   /* struct sty *, in order of first use */
	GHashTable *ids;    /* style ids and names taken (char *, owned by the sty) */
	GPtrArray *headers; /* const doc_style * of each header part, NULL for an empty one */
	GTree *lines;       /* const char * (a line's text) -> index + 1 into positions */
	GHashTable *ratios; /* const doc_style * -> double *: see line_ratio() */
	GArray *positions;  /* struct pos */
	GString *scratch;
	const doc_page *g; /* the geometry of the section being written */
	int restart;       /* that section numbers its pages from 1 */
	int break_before;  /* a plain page break waits for the next paragraph */
	int after_table;   /* the last thing written in this flow is a table */
	int wrote;         /* something was written in the current cell */
	int warned_from;   /* number-from other than 1 or 2 was reported */
	int failed;
};

/* ------------------------------------------------------------------ XML helpers */

static void start(struct dx *x, const char *name)
{
	if (xmlTextWriterStartElement(x->w, BAD_CAST name) < 0)
		x->failed = 1;
}

static void end(struct dx *x)
{
	if (xmlTextWriterEndElement(x->w) < 0)
		x->failed = 1;
}

static void attr(struct dx *x, const char *name, const char *v)
{
	if (xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST v) < 0)
		x->failed = 1;
}

static void attrn(struct dx *x, const char *name, long v)
{
	char b[24];

	snprintf(b, sizeof b, "%ld", v);
	attr(x, name, b);
}

/* <name/> */
static void flag(struct dx *x, const char *name)
{
	start(x, name);
	end(x);
}

/* <name w:val="v"/> */
static void val(struct dx *x, const char *name, const char *v)
{
	start(x, name);
	attr(x, "w:val", v);
	end(x);
}

static void valn(struct dx *x, const char *name, long v)
{
	start(x, name);
	attrn(x, "w:val", v);
	end(x);
}

/* <name w:w="tw" w:type="dxa"/>: a width in twips */
static void width(struct dx *x, const char *name, long tw)
{
	start(x, name);
	attrn(x, "w:w", tw);
	attr(x, "w:type", "dxa");
	end(x);
}

static void text(struct dx *x, const char *s, int len)
{
	g_string_truncate(x->scratch, 0);
	g_string_append_len(x->scratch, s, len);
	if (xmlTextWriterWriteString(x->w, BAD_CAST x->scratch->str) < 0)
		x->failed = 1;
}

static void element_text(struct dx *x, const char *name, const char *s)
{
	start(x, name);
	text(x, s != NULL ? s : "", s != NULL ? (int)strlen(s) : 0);
	end(x);
}

/* Twips (1/20 pt), Word's unit of length. */
static long tw(double pt)
{
	return lround(pt * 20);
}

/* Starts a part: a writer into a new buffer, the XML declaration. */
static void part_open(struct dx *x)
{
	struct part *p = g_new0(struct part, 1);

	p->buf = xmlBufferCreate();
	g_ptr_array_add(x->parts, p);
	x->w = p->buf != NULL ? xmlNewTextWriterMemory(p->buf, 0) : NULL;
	if (x->w == NULL || xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", "yes") < 0)
		x->failed = 1;
}

/* Ends the part started last and names it. */
static void part_close(struct dx *x, const char *name)
{
	struct part *p = g_ptr_array_index(x->parts, x->parts->len - 1);

	p->name = g_strdup(name);
	if (x->w == NULL)
		return;
	if (xmlTextWriterEndDocument(x->w) < 0)
		x->failed = 1;
	xmlFreeTextWriter(x->w);
	x->w = NULL;
}

static void part_free(gpointer data)
{
	struct part *p = data;

	if (p->buf != NULL)
		xmlBufferFree(p->buf);
	g_free(p->name);
	g_free(p);
}

/* ------------------------------------------------------- what the layout knows */

static gint ptr_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
	(void)unused;
	return (uintptr_t)a < (uintptr_t)b ? -1 : (uintptr_t)a > (uintptr_t)b;
}

/* Word's single line is the font's ascent, descent and line gap; the layout's (Pango's)
 * is ascent and descent only. The ratio of the two, for the font a line in style s was
 * set in, scales the style's line spacing so that Word's lines fall where the PDF's do. */
static void measure_ratio(struct dx *x, const lay_elem *e)
{
	const lay_font *lf;
	double *r;

	if (e->style == NULL || e->line == NULL || e->line->nruns == 0 ||
	    g_hash_table_contains(x->ratios, e->style))
		return;
	lf = e->line->runs[0].font;
	if (lf->height <= 0 || lf->ascent + lf->descent <= 0)
		return;
	r = g_new(double, 1);
	*r = (double)(lf->ascent + lf->descent) / lf->height;
	g_hash_table_insert(x->ratios, (gpointer)e->style, r);
}

/* See measure_ratio(); measured on the style or on one of its smaller sizes (shrink-to);
 * 1 for a style that was not laid out. */
static double line_ratio(struct dx *x, const doc_style *s)
{
	for (; s != NULL; s = s->smaller) {
		const double *r = g_hash_table_lookup(x->ratios, s);
		if (r != NULL)
			return *r;
	}
	return 1.0;
}

/* Indexes every laid-out line by the address of its text, which lies inside its block's
 * text; a line shown twice (a repeated table header) is indexed where it first appears.
 * Measures each style's line ratio on its first line. */
static void index_lines(struct dx *x)
{
	x->lines = g_tree_new_full(ptr_cmp, NULL, NULL, NULL);
	x->positions = g_array_new(FALSE, FALSE, sizeof(struct pos));
	x->ratios = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	for (guint p = 0; p < x->ld->pages->len; p++) {
		const lay_page *pg = g_ptr_array_index(x->ld->pages, p);
		for (guint i = 0; i < pg->elems->len; i++) {
			const lay_elem *e = &g_array_index(pg->elems, lay_elem, i);
			struct pos at = {p, i};
			if (e->kind != EL_TEXT)
				continue;
			measure_ratio(x, e);
			if (g_tree_lookup(x->lines, e->text) != NULL)
				continue;
			g_array_append_val(x->positions, at);
			g_tree_insert(x->lines, (gpointer)e->text,
				      GUINT_TO_POINTER(x->positions->len));
		}
	}
}

/* The first (last: the last) laid-out line of paragraph b; 0 when it was not laid out. */
static int find_line(struct dx *x, const doc_block *b, int last, struct pos *at)
{
	GTreeNode *n;
	gpointer v;

	if (b == NULL || b->text == NULL)
		return 0;
	if (!last)
		v = g_tree_lookup(x->lines, b->text);
	else {
		/* the line that starts last within the text: the greatest key up to its end */
		n = g_tree_upper_bound(x->lines, b->text + b->text_len);
		n = n != NULL ? g_tree_node_previous(n) : g_tree_node_last(x->lines);
		if (n == NULL || (uintptr_t)g_tree_node_key(n) < (uintptr_t)b->text)
			return 0;
		v = g_tree_node_value(n);
	}
	if (v == NULL)
		return 0;
	*at = g_array_index(x->positions, struct pos, GPOINTER_TO_UINT(v) - 1);
	return 1;
}

static const lay_elem *elem_at(struct dx *x, struct pos at)
{
	const lay_page *pg = g_ptr_array_index(x->ld->pages, at.page);

	return at.idx < pg->elems->len ? &g_array_index(pg->elems, lay_elem, at.idx) : NULL;
}

/* The rule drawn under paragraph above, in the column from col_x, col_w wide: the first
 * rule after its last line within the column (a level grid lays out its columns' blocks
 * row by row, so the next rule may be another column's). */
static const lay_elem *find_rule(struct dx *x, const doc_block *above, double col_x, double col_w)
{
	struct pos at;
	const lay_elem *e;

	if (!find_line(x, above, 1, &at))
		return NULL;
	for (at.idx++; (e = elem_at(x, at)) != NULL; at.idx++)
		if (e->kind == EL_RULE && e->x >= col_x - 0.5 && e->x + e->w <= col_x + col_w + 0.5)
			return e;
	return NULL;
}

/* The style paragraph b was laid out in: its own, or a smaller size of it (shrink-to). */
static const doc_style *laid_style(struct dx *x, const doc_block *b)
{
	struct pos at;
	const lay_elem *e;

	if (b->style == NULL || b->style->smaller == NULL || !find_line(x, b, 0, &at) ||
	    (e = elem_at(x, at)) == NULL || e->style == NULL)
		return b->style;
	return e->style;
}

/* Where the layout broke balanced paragraph b into lines (the fewest, even lines that a
 * word processor does not make by itself): the byte offsets of its lines after the
 * first, in *starts (g_free); returns how many. 0 for a paragraph of another style. */
static int balanced_breaks(struct dx *x, const doc_block *b, int **starts)
{
	GTreeNode *n;
	GArray *a;
	int count;

	*starts = NULL;
	if (b->style == NULL || !b->style->balance || b->text == NULL)
		return 0;
	a = g_array_new(FALSE, FALSE, sizeof(int));
	for (n = g_tree_lower_bound(x->lines, b->text + 1); n != NULL; n = g_tree_node_next(n)) {
		const char *key = g_tree_node_key(n);
		int off;
		if ((uintptr_t)key > (uintptr_t)(b->text + b->text_len))
			break;
		off = (int)(key - b->text);
		/* a line that starts after the text's own line break needs no break of ours */
		if (off > 0 && off < b->text_len && b->text[off - 1] != '\n')
			g_array_append_val(a, off);
	}
	count = (int)a->len;
	*starts = (int *)g_array_free(a, count == 0);
	return count;
}

/* The column widths of table b as laid out: the borders of its first row's cells, drawn
 * right after each cell's lines. Falls back on the template's widths (measured columns
 * sharing like the others) when the table was not found. */
static void table_widths(struct dx *x, const doc_block *b, double total, double *w)
{
	const doc_row *head = b->nrows > 0 ? &b->rows[0] : NULL;
	struct pos at;
	const lay_elem *e;
	int k = 0;
	double fixed = 0, shares = 0;

	if (head != NULL && !head->group && find_line(x, head->cells[0], 0, &at))
		for (; k < b->tcols && (e = elem_at(x, at)) != NULL; at.idx++)
			if (e->kind == EL_BOX)
				w[k++] = e->w;
	if (k == b->tcols)
		return;
	for (k = 0; k < b->tcols; k++) {
		double cw = b->columns[k].width;
		if (cw > 1)
			fixed += cw;
		else
			shares += cw > 0 ? cw : 1.0 / b->tcols;
	}
	for (k = 0; k < b->tcols; k++) {
		double cw = b->columns[k].width;
		w[k] = cw > 1 ? cw : (total - fixed) * (cw > 0 ? cw : 1.0 / b->tcols) / shares;
	}
}

/* Whether the PDF cut row r between pages (a row taller than a page): then Word may break
 * it too, where a row that must not break would be clipped at the foot of the page. */
static int row_was_cut(struct dx *x, const doc_row *r, int ncells)
{
	for (int k = 0; k < ncells; k++) {
		struct pos a, z;
		if (find_line(x, r->cells[k], 0, &a) && find_line(x, r->cells[k], 1, &z) &&
		    a.page != z.page)
			return 1;
	}
	return 0;
}

/* The ascent of the page number in style s, pt, as laid out. */
static double number_ascent(struct dx *x, const doc_style *s)
{
	for (guint p = 0; p < x->ld->pages->len; p++) {
		const lay_page *pg = g_ptr_array_index(x->ld->pages, p);
		for (guint i = 0; pg->number > 0 && i < pg->elems->len; i++) {
			const lay_elem *e = &g_array_index(pg->elems, lay_elem, i);
			if (e->kind != EL_TEXT || e->style != s || e->line == NULL)
				continue;
			return (double)e->line->ascent / LAY_UNIT;
		}
	}
	return DOCX_ASCENT * s->size;
}

/* ------------------------------------------------------------------- styles */

/* s's Word identity: the template's name, letters and digits only for the id; a second
 * style of the same name (the appendix's "page-number" inside a plan) adds its template's
 * name, so that both keep their own look. */
static struct sty *style_of(struct dx *x, const doc_style *s)
{
	struct sty *st = g_hash_table_lookup(x->styles, s);
	char *base, *stem, *dot;
	GString *id;

	if (st != NULL || s == NULL)
		return st;
	st = g_new0(struct sty, 1);
	st->s = s;
	st->outline = -2;
	id = g_string_new(NULL);
	for (const char *p = s->name; *p; p++)
		if (g_ascii_isalnum(*p))
			g_string_append_c(id, *p);
	if (id->len == 0)
		g_string_append(id, "style");
	st->id = g_strdup(id->str);
	st->name = g_strdup(s->name);
	if (g_hash_table_contains(x->ids, st->id) || g_hash_table_contains(x->ids, st->name)) {
		stem = g_path_get_basename(s->file != NULL ? s->file : "template");
		dot = strrchr(stem, '.');
		if (dot != NULL)
			*dot = '\0';
		base = g_strdup(id->str);
		for (int n = 1; g_hash_table_contains(x->ids, st->id) ||
				g_hash_table_contains(x->ids, st->name);
		     n++) {
			g_free(st->id);
			g_free(st->name);
			g_string_assign(id, base);
			for (const char *p = stem; *p; p++)
				if (g_ascii_isalnum(*p))
					g_string_append_c(id, *p);
			if (n > 1)
				g_string_append_printf(id, "%d", n);
			st->id = g_strdup(id->str);
			st->name = n > 1 ? g_strdup_printf("%s (%s %d)", s->name, stem, n)
					 : g_strdup_printf("%s (%s)", s->name, stem);
		}
		g_free(base);
		g_free(stem);
	}
	g_string_free(id, TRUE);
	g_hash_table_add(x->ids, st->id);
	g_hash_table_add(x->ids, st->name);
	g_hash_table_insert(x->styles, (gpointer)s, st);
	g_ptr_array_add(x->order, st);
	return st;
}

static void sty_free(gpointer data)
{
	struct sty *st = data;

	g_free(st->id);
	g_free(st->name);
	g_free(st);
}

/* Registers the style of paragraph b and what its bookmarks say about the style. */
static void use_para(struct dx *x, const doc_block *b)
{
	struct sty *st = style_of(x, b->style);

	if (st == NULL)
		return;
	if (st->outline == -2)
		st->outline = b->bookmark;
	else if (st->outline != b->bookmark)
		st->outline = -1;
}

/* Every style the document uses, in order of first use. */
static void collect_styles(struct dx *x, const doc_block *b)
{
	for (; b != NULL; b = b->next)
		switch (b->kind) {
		case BLOCK_PARA:
			use_para(x, b);
			break;
		case BLOCK_GRID:
			for (int k = 0; k < b->ncols; k++)
				collect_styles(x, b->cols[k]);
			break;
		case BLOCK_TABLE:
			for (int k = 0; k < b->tcols; k++)
				style_of(x, b->columns[k].cell_style);
			for (int r = 0; r < b->nrows; r++)
				for (int k = 0; k < (b->rows[r].group ? 1 : b->tcols); k++)
					if (b->rows[r].cells[k] != NULL)
						use_para(x, b->rows[r].cells[k]);
			break;
		case BLOCK_BREAK:
			if (b->page != NULL)
				style_of(x, b->page->number_style);
			break;
		case BLOCK_RULE:
		case BLOCK_SPACE:
		case BLOCK_FIELD:
			break;
		}
}

static void fonts_of(struct dx *x, const char *family)
{
	start(x, "w:rFonts");
	attr(x, "w:ascii", family);
	attr(x, "w:hAnsi", family);
	attr(x, "w:eastAsia", family);
	attr(x, "w:cs", family);
	end(x);
}

static const char *jc_of(enum doc_align a)
{
	switch (a) {
	case ALIGN_CENTER:
		return "center";
	case ALIGN_RIGHT:
		return "right";
	case ALIGN_JUSTIFY:
		return "both";
	case ALIGN_LEFT:
		break;
	}
	return "left";
}

static void write_style(struct dx *x, const struct sty *st)
{
	const doc_style *s = st->s;
	long line;

	start(x, "w:style");
	attr(x, "w:type", "paragraph");
	attr(x, "w:customStyle", "1");
	attr(x, "w:styleId", st->id);
	val(x, "w:name", st->name);
	val(x, "w:basedOn", "Normal");
	flag(x, "w:qFormat");
	start(x, "w:pPr");
	if (s->keep_with_next)
		flag(x, "w:keepNext");
	start(x, "w:spacing");
	attrn(x, "w:before", tw(s->space_before));
	attrn(x, "w:after", tw(s->space_after));
	/* never below single: Word and LibreOffice take a smaller line's cut from above the
	 * text, where Vietnamese capitals carry their marks, and would move it up */
	line = lround(DOCX_LINE_UNIT * (s->line_spacing > 0 ? s->line_spacing : 1) *
		      line_ratio(x, s));
	attrn(x, "w:line", line > DOCX_LINE_UNIT ? line : DOCX_LINE_UNIT);
	attr(x, "w:lineRule", "auto");
	end(x);
	start(x, "w:ind");
	attrn(x, "w:left", tw(s->margin_left));
	attrn(x, "w:right", tw(s->margin_right));
	if (s->indent >= 0)
		attrn(x, "w:firstLine", tw(s->indent));
	else
		attrn(x, "w:hanging", tw(-s->indent));
	end(x);
	val(x, "w:jc", jc_of(s->align));
	if (st->outline > 0)
		valn(x, "w:outlineLvl", st->outline - 1);
	end(x);
	start(x, "w:rPr");
	fonts_of(x, s->family);
	if (s->bold) {
		flag(x, "w:b");
		flag(x, "w:bCs");
	}
	if (s->italic) {
		flag(x, "w:i");
		flag(x, "w:iCs");
	}
	/* kerning at every size, as the layout (HarfBuzz) kerns: Word kerns only when told */
	valn(x, "w:kern", DOCX_KERN_FROM);
	valn(x, "w:sz", lround(s->size * 2));
	valn(x, "w:szCs", lround(s->size * 2));
	end(x);
	end(x);
}

/* The font of the first style: the document's default, for text a clerk adds. */
static const doc_style *first_style(struct dx *x)
{
	return x->order->len > 0 ? ((struct sty *)g_ptr_array_index(x->order, 0))->s : NULL;
}

static void styles_part(struct dx *x)
{
	const doc_style *f = first_style(x);

	part_open(x);
	start(x, "w:styles");
	attr(x, "xmlns:w", NS_W);
	start(x, "w:docDefaults");
	start(x, "w:rPrDefault");
	start(x, "w:rPr");
	if (f != NULL)
		fonts_of(x, f->family);
	if (f != NULL) {
		valn(x, "w:sz", lround(f->size * 2));
		valn(x, "w:szCs", lround(f->size * 2));
	}
	start(x, "w:lang");
	attr(x, "w:val", "vi-VN");
	attr(x, "w:eastAsia", "vi-VN");
	attr(x, "w:bidi", "ar-SA");
	end(x);
	end(x);
	end(x);
	start(x, "w:pPrDefault");
	start(x, "w:pPr");
	flag(x, "w:widowControl");
	start(x, "w:spacing");
	attr(x, "w:after", "0");
	attrn(x, "w:line", DOCX_LINE_UNIT);
	attr(x, "w:lineRule", "auto");
	end(x);
	end(x);
	end(x);
	end(x);

	start(x, "w:style");
	attr(x, "w:type", "paragraph");
	attr(x, "w:default", "1");
	attr(x, "w:styleId", "Normal");
	val(x, "w:name", "Normal");
	flag(x, "w:qFormat");
	end(x);
	start(x, "w:style");
	attr(x, "w:type", "character");
	attr(x, "w:default", "1");
	attr(x, "w:styleId", "DefaultParagraphFont");
	val(x, "w:name", "Default Paragraph Font");
	valn(x, "w:uiPriority", 1);
	flag(x, "w:semiHidden");
	flag(x, "w:unhideWhenUsed");
	end(x);
	start(x, "w:style");
	attr(x, "w:type", "table");
	attr(x, "w:default", "1");
	attr(x, "w:styleId", "TableNormal");
	val(x, "w:name", "Normal Table");
	valn(x, "w:uiPriority", 99);
	flag(x, "w:semiHidden");
	flag(x, "w:unhideWhenUsed");
	start(x, "w:tblPr");
	width(x, "w:tblInd", 0);
	start(x, "w:tblCellMar");
	width(x, "w:top", 0);
	width(x, "w:left", 108);
	width(x, "w:bottom", 0);
	width(x, "w:right", 108);
	end(x);
	end(x);
	end(x);
	for (guint i = 0; i < x->order->len; i++)
		write_style(x, g_ptr_array_index(x->order, i));
	end(x);
	part_close(x, "word/styles.xml");
}

/* ------------------------------------------------------------------ paragraphs */

/* Whether the flow after b wants b kept on its page: a grid or paragraph marked
 * keep-with-previous (the closing block), looked for past vertical space. */
static int next_keeps(const doc_block *b)
{
	for (b = b->next; b != NULL && (b->kind == BLOCK_SPACE || b->kind == BLOCK_FIELD);
	     b = b->next)
		;
	return b != NULL && b->keep_with_prev;
}

/* Direct paragraph properties, each only where the style does not already say it. */
struct ppr {
	int keep_next, page_break, no_after, outline;
	double size; /* > 0: the paragraph was set smaller than its style (shrink-to) */
};

static void para_props(struct dx *x, const doc_block *b, const struct ppr *pp)
{
	const struct sty *st = style_of(x, b->style);
	const doc_style *s = b->style;

	start(x, "w:pPr");
	if (st != NULL)
		val(x, "w:pStyle", st->id);
	if (pp->keep_next && (s == NULL || !s->keep_with_next))
		flag(x, "w:keepNext");
	if (b->keep_together)
		flag(x, "w:keepLines");
	if (pp->page_break)
		flag(x, "w:pageBreakBefore");
	if (pp->no_after && s != NULL && s->space_after > 0) {
		start(x, "w:spacing");
		attr(x, "w:after", "0");
		end(x);
	}
	/* the outline level (Word's navigation pane) where the style's differs */
	if (st != NULL && (st->outline > 0 ? st->outline : 0) != b->bookmark)
		valn(x, "w:outlineLvl", b->bookmark > 0 ? b->bookmark - 1 : 9);
	if (pp->size > 0) {
		start(x, "w:rPr");
		valn(x, "w:sz", lround(pp->size * 2));
		valn(x, "w:szCs", lround(pp->size * 2));
		end(x);
	}
	end(x);
}

/* One run of text with the bold and italic the style does not already give; size > 0:
 * set at that size (a paragraph shrunk to fit, shrink-to); br: after a line break. */
static void run(struct dx *x, const doc_style *s, const char *t, int len, int bold, int italic,
		double size, int br)
{
	int b = bold && (s == NULL || !s->bold), i = italic && (s == NULL || !s->italic);
	int from = 0;

	if (len <= 0 && !br)
		return;
	start(x, "w:r");
	if (b || i || size > 0) {
		start(x, "w:rPr");
		if (b)
			flag(x, "w:b");
		if (i)
			flag(x, "w:i");
		if (size > 0) {
			valn(x, "w:sz", lround(size * 2));
			valn(x, "w:szCs", lround(size * 2));
		}
		end(x);
	}
	if (br)
		flag(x, "w:br");
	/* line breaks and tabs are elements of their own in a run */
	for (int k = 0; k <= len; k++) {
		if (k < len && t[k] != '\n' && t[k] != '\t')
			continue;
		if (k > from) {
			start(x, "w:t");
			attr(x, "xml:space", "preserve");
			text(x, t + from, k - from);
			end(x);
		}
		if (k < len)
			flag(x, t[k] == '\n' ? "w:br" : "w:tab");
		from = k + 1;
	}
	end(x);
}

static int is_break(const int *breaks, int nbreaks, int at)
{
	for (int i = 0; i < nbreaks; i++)
		if (breaks[i] == at)
			return 1;
	return 0;
}

/* The text of b cut where its bold or italic changes (runs may overlap or nest), set at
 * size (0: the style's); a line break at each of breaks (the space before it dropped). */
static void runs(struct dx *x, const doc_block *b, double size, const int *breaks, int nbreaks)
{
	int *cuts = g_new(int, 2 * (size_t)b->nruns + 2 + (size_t)nbreaks), n = 0;

	cuts[n++] = 0;
	cuts[n++] = b->text_len;
	for (int i = 0; i < b->nruns; i++) {
		cuts[n++] = b->runs[i].start;
		cuts[n++] = b->runs[i].end;
	}
	for (int i = 0; i < nbreaks; i++)
		cuts[n++] = breaks[i];
	for (int i = 1; i < n; i++) /* a few cuts: insertion sort */
		for (int k = i; k > 0 && cuts[k - 1] > cuts[k]; k--) {
			int t = cuts[k];
			cuts[k] = cuts[k - 1];
			cuts[k - 1] = t;
		}
	for (int i = 0; i + 1 < n; i++) {
		int a = cuts[i], z = cuts[i + 1], bold = 0, italic = 0;
		if (z <= a || a < 0 || z > b->text_len)
			continue;
		int br = a > 0 && is_break(breaks, nbreaks, a), len = z - a;
		for (int r = 0; r < b->nruns; r++)
			if (b->runs[r].start <= a && b->runs[r].end >= z) {
				bold |= b->runs[r].bold;
				italic |= b->runs[r].italic;
			}
		if (is_break(breaks, nbreaks, z))
			while (len > 0 && b->text[a + len - 1] == ' ')
				len--;
		run(x, b->style, b->text + a, len, bold, italic, size, br);
	}
	g_free(cuts);
}

static void para(struct dx *x, const doc_block *b, struct ppr *pp)
{
	const doc_style *laid = laid_style(x, b);
	double size = laid != NULL && laid != b->style ? laid->size : 0;
	int *breaks, nbreaks = balanced_breaks(x, b, &breaks);

	pp->page_break = x->break_before;
	pp->size = size;
	x->break_before = 0;
	start(x, "w:p");
	para_props(x, b, pp);
	if (b->text != NULL)
		runs(x, b, size, breaks, nbreaks);
	end(x);
	g_free(breaks);
	x->after_table = 0;
	x->wrote = 1;
}

/* An empty paragraph of exactly height pt: spacing, a rule's line, the glue between two
 * tables. With border > 0, a top border that thick, indented left and right. */
static void thin_para(struct dx *x, double height, double before, double after, int keep,
		      double border, double left, double right)
{
	start(x, "w:p");
	start(x, "w:pPr");
	if (keep)
		flag(x, "w:keepNext");
	if (x->break_before)
		flag(x, "w:pageBreakBefore");
	x->break_before = 0;
	if (border > 0) {
		long sz = lround(border * 8);
		start(x, "w:pBdr");
		start(x, "w:top");
		attr(x, "w:val", "single");
		attrn(x, "w:sz",
		      sz < DOCX_BORDER_MIN   ? DOCX_BORDER_MIN
		      : sz > DOCX_BORDER_MAX ? DOCX_BORDER_MAX
					     : sz);
		attr(x, "w:space", "0");
		attr(x, "w:color", "000000");
		end(x);
		end(x);
	}
	start(x, "w:spacing");
	attrn(x, "w:before", tw(before));
	attrn(x, "w:after", tw(after));
	attrn(x, "w:line", tw(height));
	attr(x, "w:lineRule", "exact");
	end(x);
	start(x, "w:ind");
	attrn(x, "w:left", tw(left));
	attrn(x, "w:right", tw(right));
	attr(x, "w:firstLine", "0");
	end(x);
	start(x, "w:rPr");
	valn(x, "w:sz", 2);
	valn(x, "w:szCs", 2);
	end(x);
	end(x);
	end(x);
	x->after_table = 0;
	x->wrote = 1;
}

/* Word merges two tables that touch, and a table may not end a cell or the document: a
 * thin paragraph goes between. A page break waiting for a paragraph is put on it too. */
static void before_table(struct dx *x)
{
	if (x->after_table || x->break_before)
		thin_para(x, DOCX_THIN_LINE, 0, 0, 0, 0, 0, 0);
}

/* The rule under paragraph above (as the PDF drew it), in a column whose left edge is at
 * col_x on the page and which is col_w wide. */
static void rule(struct dx *x, const doc_block *r, const doc_block *above, double col_x,
		 double col_w, int keep)
{
	const lay_elem *e = find_rule(x, above, col_x, col_w);
	double len = e != NULL ? e->w : col_w * r->fraction;
	double left = e != NULL ? e->x - col_x : (col_w - len) / 2;
	double right = col_w - left - len;

	thin_para(x, DOCX_THIN_LINE, r->offset, above->style->space_after, keep, r->thickness,
		  left > 0 ? left : 0, right > 0 ? right : 0);
}

/* ------------------------------------------------------------------- sections */

/* A new header part that shows page numbers in style s (NULL: an empty header). Each
 * section has parts of its own, as Word writes them, so that a header edited in one
 * section does not change another. */
static int header_for(struct dx *x, const doc_style *s)
{
	g_ptr_array_add(x->headers, (gpointer)s);
	return (int)x->headers->len;
}

static void header_ref(struct dx *x, const char *type, int n)
{
	char id[32];

	snprintf(id, sizeof id, "rIdHeader%d", n);
	start(x, "w:headerReference");
	attr(x, "w:type", type);
	attr(x, "r:id", id);
	end(x);
}

/* The properties of the section that ends here: paper, margins, header, numbering. */
static void sect_props(struct dx *x)
{
	const doc_page *g = x->g;
	const doc_style *ns = g->number_style;
	int titled = ns != NULL && g->number_from > 1;
	double ascent = ns != NULL ? number_ascent(x, ns) : 0;
	double header = ns != NULL ? g->number_y - ascent : g->top / 2;

	if (ns != NULL && g->number_from > 2 && !x->warned_from) {
		msg(x->diag, x->path, 0, MSG_DOCX_WORD_HIDE_PAGE, g->number_from);
		x->warned_from = 1;
	}
	start(x, "w:sectPr");
	header_ref(x, "default", header_for(x, ns));
	if (titled)
		header_ref(x, "first", header_for(x, NULL));
	start(x, "w:pgSz");
	attrn(x, "w:w", tw(g->width));
	attrn(x, "w:h", tw(g->height));
	if (g->width > g->height)
		attr(x, "w:orient", "landscape");
	end(x);
	start(x, "w:pgMar");
	attrn(x, "w:top", tw(g->top));
	attrn(x, "w:right", tw(g->right));
	attrn(x, "w:bottom", tw(g->bottom));
	attrn(x, "w:left", tw(g->left));
	attrn(x, "w:header", tw(header > 0 ? header : 0));
	attrn(x, "w:footer", tw(header > 0 ? header : 0));
	attr(x, "w:gutter", "0");
	end(x);
	if (x->restart) {
		start(x, "w:pgNumType");
		attr(x, "w:start", "1");
		end(x);
	}
	if (titled)
		flag(x, "w:titlePg");
	end(x);
}

/* A page break: a new section when the geometry or the numbering changes. */
static void page_break(struct dx *x, const doc_block *b)
{
	if (b->page == NULL && !b->restart_numbers) {
		x->break_before = 1;
		return;
	}
	/* the section that ends keeps its properties in its last paragraph */
	start(x, "w:p");
	start(x, "w:pPr");
	start(x, "w:spacing");
	attr(x, "w:before", "0");
	attr(x, "w:after", "0");
	attrn(x, "w:line", tw(DOCX_THIN_LINE));
	attr(x, "w:lineRule", "exact");
	end(x);
	start(x, "w:rPr");
	valn(x, "w:sz", 2);
	end(x);
	sect_props(x);
	end(x);
	end(x);
	x->after_table = 0;
	x->break_before = 0;
	if (b->page != NULL)
		x->g = b->page;
	x->restart = b->restart_numbers;
}

/* ------------------------------------------------------------------- the body */

static void flow(struct dx *x, const doc_block *b, double col_x, double col_w, int top, int keep);
static void block(struct dx *x, const doc_block *b, const doc_block **above, double *col_x,
		  double *col_w, int top, int keep);

/* The end of a cell: Word wants a paragraph last in every cell. */
static void cell_end(struct dx *x)
{
	if (!x->wrote || x->after_table)
		thin_para(x, DOCX_THIN_LINE, 0, 0, 0, 0, 0, 0);
	end(x);
}

static void no_borders(struct dx *x, const char *name)
{
	static const char *const sides[] = {"w:top",   "w:left",    "w:bottom",
					    "w:right", "w:insideH", "w:insideV"};

	start(x, name);
	for (size_t i = 0; i < G_N_ELEMENTS(sides); i++)
		val(x, sides[i], "nil");
	end(x);
}

static void cell_margins(struct dx *x, double pad)
{
	start(x, "w:tblCellMar");
	width(x, "w:top", tw(pad));
	width(x, "w:left", tw(pad));
	width(x, "w:bottom", tw(pad));
	width(x, "w:right", tw(pad));
	end(x);
}

/* The rows of a level grid: row n holds the n-th block of every column, so that they
 * start level (captions, titles, signing spaces and names of two signature blocks); every
 * row but the last stays with the next. */
static void level_rows(struct dx *x, const doc_block *b, double col_x, double col_w, int keep)
{
	const doc_block *cur[DOC_GRID_MAX_COLS], *above[DOC_GRID_MAX_COLS];
	int more = 1;

	for (int k = 0; k < b->ncols; k++) {
		cur[k] = b->cols[k];
		above[k] = NULL;
	}
	while (more) {
		double cx = col_x;
		int last = 1;
		for (int k = 0; k < b->ncols; k++)
			if (cur[k] != NULL && cur[k]->next != NULL)
				last = 0;
		start(x, "w:tr");
		start(x, "w:trPr");
		flag(x, "w:cantSplit");
		end(x);
		more = 0;
		for (int k = 0; k < b->ncols; k++) {
			double cw = col_w * b->col_widths[k], bx = cx, bw = cw;
			start(x, "w:tc");
			start(x, "w:tcPr");
			width(x, "w:tcW", tw(cw));
			end(x);
			x->wrote = 0;
			x->after_table = 0;
			if (cur[k] != NULL) {
				block(x, cur[k], &above[k], &bx, &bw, 0, keep || !last);
				cur[k] = cur[k]->next;
			}
			cell_end(x);
			more |= cur[k] != NULL;
			cx += cw;
		}
		end(x);
	}
}

/* A grid: a borderless table that never splits, its columns the grid's shares of the
 * width, no cell margins, so that every column lays out as in the PDF: one row, or for a
 * level grid one row per block (level_rows). */
static void grid(struct dx *x, const doc_block *b, double col_x, double col_w, int keep)
{
	double cx = col_x;

	before_table(x);
	start(x, "w:tbl");
	start(x, "w:tblPr");
	width(x, "w:tblW", tw(col_w));
	width(x, "w:tblInd", 0);
	no_borders(x, "w:tblBorders");
	start(x, "w:tblLayout");
	attr(x, "w:type", "fixed");
	end(x);
	cell_margins(x, 0);
	end(x);
	start(x, "w:tblGrid");
	for (int k = 0; k < b->ncols; k++) {
		start(x, "w:gridCol");
		attrn(x, "w:w", tw(col_w * b->col_widths[k]));
		end(x);
	}
	end(x);
	if (b->level && b->ncols <= DOC_GRID_MAX_COLS) {
		level_rows(x, b, col_x, col_w, keep);
		end(x);
		x->after_table = 1;
		return;
	}
	start(x, "w:tr");
	start(x, "w:trPr");
	flag(x, "w:cantSplit");
	end(x);
	for (int k = 0; k < b->ncols; k++) {
		double cw = col_w * b->col_widths[k];
		start(x, "w:tc");
		start(x, "w:tcPr");
		width(x, "w:tcW", tw(cw));
		end(x);
		x->wrote = 0;
		x->after_table = 0;
		flow(x, b->cols[k], cx, cw, 0, keep);
		cell_end(x);
		cx += cw;
	}
	end(x);
	end(x);
	x->after_table = 1;
}

/* One cell of a table: its paragraph, or an empty one in its column's style. */
static void table_cell(struct dx *x, const doc_block *c, const doc_style *fallback, double w,
		       int span, int keep)
{
	doc_block empty = {0};
	struct ppr pp = {keep, 0, 0, 0, 0};

	start(x, "w:tc");
	start(x, "w:tcPr");
	width(x, "w:tcW", tw(w));
	if (span > 1)
		valn(x, "w:gridSpan", span);
	end(x);
	if (c == NULL || c->style == NULL) {
		empty.kind = BLOCK_PARA;
		empty.style = fallback;
		c = &empty;
	}
	para(x, c, &pp);
	end(x);
}

/* A table: borders and padding as the template says, its columns as laid out; header
 * rows repeat on every page; no row breaks across pages (except one the PDF had to cut,
 * taller than a page); a group row stays with the row after it. */
static void table(struct dx *x, const doc_block *b, double total)
{
	double *w = g_new0(double, b->tcols > 0 ? b->tcols : 1), sum = 0;
	long sz = lround(b->border * 8);
	static const char *const sides[] = {"w:top",   "w:left",    "w:bottom",
					    "w:right", "w:insideH", "w:insideV"};

	table_widths(x, b, total, w);
	for (int k = 0; k < b->tcols; k++)
		sum += w[k];
	before_table(x);
	start(x, "w:tbl");
	start(x, "w:tblPr");
	width(x, "w:tblW", tw(sum));
	width(x, "w:tblInd", 0);
	start(x, "w:tblBorders");
	for (size_t i = 0; i < G_N_ELEMENTS(sides); i++) {
		start(x, sides[i]);
		attr(x, "w:val", b->border > 0 ? "single" : "nil");
		if (b->border > 0) {
			attrn(x, "w:sz", sz < DOCX_BORDER_MIN ? DOCX_BORDER_MIN : sz);
			attr(x, "w:space", "0");
			attr(x, "w:color", "000000");
		}
		end(x);
	}
	end(x);
	start(x, "w:tblLayout");
	attr(x, "w:type", "fixed");
	end(x);
	cell_margins(x, b->padding);
	end(x);
	start(x, "w:tblGrid");
	for (int k = 0; k < b->tcols; k++) {
		start(x, "w:gridCol");
		attrn(x, "w:w", tw(w[k]));
		end(x);
	}
	end(x);
	for (int r = 0; r < b->nrows; r++) {
		const doc_row *row = &b->rows[r];
		int ncells = row->group ? 1 : b->tcols;
		start(x, "w:tr");
		start(x, "w:trPr");
		if (!row_was_cut(x, row, ncells))
			flag(x, "w:cantSplit");
		if (row->header)
			flag(x, "w:tblHeader");
		end(x);
		if (row->group)
			table_cell(x, row->cells[0], b->columns[0].cell_style, sum, b->tcols, 1);
		else
			for (int k = 0; k < b->tcols; k++)
				table_cell(x, row->cells[k],
					   row->header ? b->columns[k].head_style
						       : b->columns[k].cell_style,
					   w[k], 1, 0);
		end(x);
	}
	end(x);
	x->after_table = 1;
	g_free(w);
}

/* Writes block b of a flow: the body (top) or a grid column, col_w wide with its left
 * edge at col_x on the page. keep: the paragraphs stay with what follows (a grid kept
 * with the next block). *above is the paragraph a rule goes under, as the layout has it:
 * at the top, the paragraph right before the rule; in a column, the last paragraph
 * before it. A page break with a new geometry moves *col_x and *col_w. */
static void block(struct dx *x, const doc_block *b, const doc_block **above, double *col_x,
		  double *col_w, int top, int keep)
{
	const doc_block *n = b->next;
	int kept = keep || b->keep_with_next || next_keeps(b);

	switch (b->kind) {
	case BLOCK_PARA: {
		int ruled = n != NULL && n->kind == BLOCK_RULE;
		struct ppr pp = {kept || ruled, 0, ruled, 0, 0};
		para(x, b, &pp);
		*above = b;
		break;
	}
	case BLOCK_RULE:
		if (*above != NULL)
			rule(x, b, *above, *col_x, *col_w, kept || (*above)->keep_with_next);
		break;
	case BLOCK_SPACE:
		thin_para(x, b->height, 0, 0, kept, 0, 0, 0);
		if (top)
			*above = NULL;
		break;
	case BLOCK_GRID:
		grid(x, b, *col_x, *col_w, kept);
		*above = NULL;
		break;
	case BLOCK_TABLE:
		table(x, b, *col_w);
		*above = NULL;
		break;
	case BLOCK_FIELD: /* a signing place is for the signed PDF: the draft has none */
		break;
	case BLOCK_BREAK:
		page_break(x, b);
		if (b->page != NULL) {
			*col_x = b->page->left;
			*col_w = b->page->width - b->page->left - b->page->right;
		}
		*above = NULL;
		break;
	}
}

/* Writes a list of blocks; see block(). */
static void flow(struct dx *x, const doc_block *b, double col_x, double col_w, int top, int keep)
{
	const doc_block *above = NULL;

	for (; b != NULL && !x->failed; b = b->next)
		block(x, b, &above, &col_x, &col_w, top, keep);
}

static void document_part(struct dx *x)
{
	const doc_page *g = x->d->page;

	part_open(x);
	start(x, "w:document");
	attr(x, "xmlns:w", NS_W);
	attr(x, "xmlns:r", NS_R);
	start(x, "w:body");
	x->g = g;
	flow(x, x->d->first, g->left, g->width - g->left - g->right, 1, 0);
	if (x->after_table || x->break_before)
		thin_para(x, DOCX_THIN_LINE, 0, 0, 0, 0, 0, 0);
	sect_props(x);
	end(x);
	end(x);
	part_close(x, "word/document.xml");
}

/* A page header: the page number as a PAGE field, centred in style s; or nothing. */
static void header_part(struct dx *x, int n, const doc_style *s)
{
	char name[32];

	part_open(x);
	start(x, "w:hdr");
	attr(x, "xmlns:w", NS_W);
	attr(x, "xmlns:r", NS_R);
	start(x, "w:p");
	if (s != NULL) {
		start(x, "w:pPr");
		val(x, "w:pStyle", style_of(x, s)->id);
		end(x);
		start(x, "w:r");
		start(x, "w:fldChar");
		attr(x, "w:fldCharType", "begin");
		end(x);
		end(x);
		start(x, "w:r");
		start(x, "w:instrText");
		attr(x, "xml:space", "preserve");
		text(x, " PAGE ", 6);
		end(x);
		end(x);
		start(x, "w:r");
		start(x, "w:fldChar");
		attr(x, "w:fldCharType", "separate");
		end(x);
		end(x);
		start(x, "w:r");
		element_text(x, "w:t", "2");
		end(x);
		start(x, "w:r");
		start(x, "w:fldChar");
		attr(x, "w:fldCharType", "end");
		end(x);
		end(x);
	}
	end(x);
	end(x);
	snprintf(name, sizeof name, "word/header%d.xml", n);
	part_close(x, name);
}

/* ------------------------------------------------------------- the package */

static void settings_part(struct dx *x)
{
	part_open(x);
	start(x, "w:settings");
	attr(x, "xmlns:w", NS_W);
	start(x, "w:zoom");
	attr(x, "w:percent", "100");
	end(x);
	valn(x, "w:defaultTabStop", 720);
	val(x, "w:characterSpacingControl", "doNotCompress");
	/* Word 2013 and later: tables are placed by their border, not by their text */
	start(x, "w:compat");
	start(x, "w:compatSetting");
	attr(x, "w:name", "compatibilityMode");
	attr(x, "w:uri", "http://schemas.microsoft.com/office/word");
	attr(x, "w:val", "15");
	end(x);
	end(x);
	val(x, "w:themeFontLang", "vi-VN");
	val(x, "w:decimalSymbol", ",");
	val(x, "w:listSeparator", ";");
	end(x);
	part_close(x, "word/settings.xml");
}

static void font_table_part(struct dx *x)
{
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);

	part_open(x);
	start(x, "w:fonts");
	attr(x, "xmlns:w", NS_W);
	for (guint i = 0; i < x->order->len; i++) {
		const doc_style *s = ((struct sty *)g_ptr_array_index(x->order, i))->s;
		if (s->family == NULL || !g_hash_table_add(seen, (gpointer)s->family))
			continue;
		start(x, "w:font");
		attr(x, "w:name", s->family);
		val(x, "w:charset", "00");
		val(x, "w:family", strcmp(s->family, "Times New Roman") == 0 ? "roman" : "auto");
		val(x, "w:pitch", "variable");
		end(x);
	}
	end(x);
	part_close(x, "word/fontTable.xml");
	g_hash_table_destroy(seen);
}

static void relationship(struct dx *x, const char *id, const char *type, const char *target)
{
	start(x, "Relationship");
	attr(x, "Id", id);
	attr(x, "Type", type);
	attr(x, "Target", target);
	end(x);
}

static void document_rels_part(struct dx *x)
{
	part_open(x);
	start(x, "Relationships");
	attr(x, "xmlns", NS_PKG_REL);
	relationship(x, "rIdStyles", REL_DOC "styles", "styles.xml");
	relationship(x, "rIdSettings", REL_DOC "settings", "settings.xml");
	relationship(x, "rIdFontTable", REL_DOC "fontTable", "fontTable.xml");
	for (guint i = 0; i < x->headers->len; i++) {
		char id[32], target[32];
		snprintf(id, sizeof id, "rIdHeader%u", i + 1);
		snprintf(target, sizeof target, "header%u.xml", i + 1);
		relationship(x, id, REL_DOC "header", target);
	}
	end(x);
	part_close(x, "word/_rels/document.xml.rels");
}

static void package_rels_part(struct dx *x)
{
	part_open(x);
	start(x, "Relationships");
	attr(x, "xmlns", NS_PKG_REL);
	relationship(x, "rId1", REL_DOC "officeDocument", "word/document.xml");
	relationship(x, "rId2",
		     "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
		     "core-properties",
		     "docProps/core.xml");
	relationship(x, "rId3", REL_DOC "extended-properties", "docProps/app.xml");
	end(x);
	part_close(x, "_rels/.rels");
}

static void override(struct dx *x, const char *part, const char *type)
{
	start(x, "Override");
	attr(x, "PartName", part);
	attr(x, "ContentType", type);
	end(x);
}

static void content_types_part(struct dx *x)
{
	part_open(x);
	start(x, "Types");
	attr(x, "xmlns", "http://schemas.openxmlformats.org/package/2006/content-types");
	start(x, "Default");
	attr(x, "Extension", "rels");
	attr(x, "ContentType", "application/vnd.openxmlformats-package.relationships+xml");
	end(x);
	start(x, "Default");
	attr(x, "Extension", "xml");
	attr(x, "ContentType", "application/xml");
	end(x);
	override(x, "/word/document.xml", CT_WML "document.main+xml");
	override(x, "/word/styles.xml", CT_WML "styles+xml");
	override(x, "/word/settings.xml", CT_WML "settings+xml");
	override(x, "/word/fontTable.xml", CT_WML "fontTable+xml");
	for (guint i = 0; i < x->headers->len; i++) {
		char part[32];
		snprintf(part, sizeof part, "/word/header%u.xml", i + 1);
		override(x, part, CT_WML "header+xml");
	}
	override(x, "/docProps/core.xml",
		 "application/vnd.openxmlformats-package.core-properties+xml");
	override(x, "/docProps/app.xml",
		 "application/vnd.openxmlformats-officedocument.extended-properties+xml");
	end(x);
	part_close(x, "[Content_Types].xml");
}

/* The document's date, as the PDF has it: SOURCE_DATE_EPOCH when set (reproducible
 * builds), else the date the template gives (the plan's), else 2000-01-01; never the
 * clock, so that the same input gives the same bytes. */
static void doc_date(const doc *d, struct tm *tm)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	int y, m, day;

	memset(tm, 0, sizeof *tm);
	if (sde != NULL && *sde != '\0') {
		time_t t = (time_t)strtoll(sde, NULL, 10);
		gmtime_r(&t, tm);
		if (tm->tm_year >= 80)
			return;
		memset(tm, 0, sizeof *tm); /* ZIP dates start in 1980: 2000-01-01 */
	}
	if (d->create_date != NULL && sscanf(d->create_date, "%4d-%2d-%2d", &y, &m, &day) == 3 &&
	    y >= 1980 && m >= 1 && m <= 12 && day >= 1 && day <= 31) {
		tm->tm_year = y - 1900;
		tm->tm_mon = m - 1;
		tm->tm_mday = day;
		return;
	}
	tm->tm_year = 100;
	tm->tm_mday = 1;
}

static void core_part(struct dx *x, const struct tm *when)
{
	char iso[32];

	strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", when);
	part_open(x);
	start(x, "cp:coreProperties");
	attr(x, "xmlns:cp",
	     "http://schemas.openxmlformats.org/package/2006/metadata/core-properties");
	attr(x, "xmlns:dc", "http://purl.org/dc/elements/1.1/");
	attr(x, "xmlns:dcterms", "http://purl.org/dc/terms/");
	attr(x, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
	if (x->d->title != NULL)
		element_text(x, "dc:title", x->d->title);
	if (x->d->subject != NULL)
		element_text(x, "dc:subject", x->d->subject);
	if (x->d->author != NULL)
		element_text(x, "dc:creator", x->d->author);
	if (x->d->keywords != NULL)
		element_text(x, "cp:keywords", x->d->keywords);
	element_text(x, "dc:language", "vi-VN");
	start(x, "dcterms:created");
	attr(x, "xsi:type", "dcterms:W3CDTF");
	text(x, iso, (int)strlen(iso));
	end(x);
	start(x, "dcterms:modified");
	attr(x, "xsi:type", "dcterms:W3CDTF");
	text(x, iso, (int)strlen(iso));
	end(x);
	end(x);
	part_close(x, "docProps/core.xml");
}

static void app_part(struct dx *x)
{
	part_open(x);
	start(x, "Properties");
	attr(x, "xmlns",
	     "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties");
	element_text(x, "Application", "vbgen " VBGEN_VERSION);
	end(x);
	part_close(x, "docProps/app.xml");
}

/* Packs the parts into a ZIP in memory (libzip) and writes it through a temporary file.
 * Every entry carries the document's date; ZIP stores local time, so the date is given
 * to libzip as the local time that reads as that date, whatever the time zone. */
static int write_zip(struct dx *x, const struct tm *when)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;
	zip_stat_t st;
	struct tm local = *when;
	time_t mtime;
	unsigned char *data = NULL;
	char *tmp = NULL;
	FILE *f;
	int rc = EXIT_SYSTEM;

	local.tm_isdst = -1;
	mtime = mktime(&local);
	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	za = src != NULL ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
	if (za == NULL) {
		msg(x->diag, x->path, 0, MSG_DOCX_WORD_FILE, zip_error_strerror(&ze));
		zip_source_free(src);
		zip_error_fini(&ze);
		return EXIT_SYSTEM;
	}
	zip_source_keep(src);
	for (guint i = 0; i < x->parts->len; i++) {
		struct part *p = g_ptr_array_index(x->parts, i);
		zip_source_t *ps = zip_source_buffer(za, xmlBufferContent(p->buf),
						     (zip_uint64_t)xmlBufferLength(p->buf), 0);
		zip_int64_t k = ps != NULL ? zip_file_add(za, p->name, ps, ZIP_FL_ENC_UTF_8) : -1;
		if (k < 0) {
			zip_source_free(ps);
			x->failed = 1;
			break;
		}
		zip_set_file_compression(za, (zip_uint64_t)k, ZIP_CM_DEFLATE, DOCX_DEFLATE_LEVEL);
		zip_file_set_mtime(za, (zip_uint64_t)k, mtime, 0);
	}
	if (x->failed || zip_close(za) < 0) {
		msg(x->diag, x->path, 0, MSG_DOCX_WORD_FILE, zip_strerror(za));
		zip_discard(za);
		goto done;
	}
	if (zip_source_stat(src, &st) < 0 || zip_source_open(src) < 0) {
		msg(x->diag, x->path, 0, MSG_DOCX_WORD_FILE,
		    zip_error_strerror(zip_source_error(src)));
		goto done;
	}
	data = g_malloc(st.size > 0 ? st.size : 1);
	if (zip_source_read(src, data, st.size) != (zip_int64_t)st.size) {
		msg(x->diag, x->path, 0, MSG_DOCX_WORD_FILE,
		    zip_error_strerror(zip_source_error(src)));
		zip_source_close(src);
		goto done;
	}
	zip_source_close(src);
	f = out_open(x->diag, x->path, &tmp);
	if (f == NULL)
		goto done;
	if (fwrite(data, 1, st.size, f) != st.size) {
		out_write_failed(x->diag, x->path, errno);
		out_abort(f, tmp);
		goto done;
	}
	rc = out_commit(x->diag, f, tmp, x->path);
done:
	g_free(data);
	zip_source_free(src);
	zip_error_fini(&ze);
	return rc;
}

int docx_write(struct diag *diag, const doc *d, const lay_doc *ld, const char *path)
{
	struct dx x = {0};
	struct tm when;
	int rc;

	x.diag = diag;
	x.d = d;
	x.ld = ld;
	x.path = path;
	x.parts = g_ptr_array_new_with_free_func(part_free);
	x.styles = g_hash_table_new(g_direct_hash, g_direct_equal);
	x.order = g_ptr_array_new_with_free_func(sty_free);
	x.ids = g_hash_table_new(g_str_hash, g_str_equal);
	x.headers = g_ptr_array_new();
	x.scratch = g_string_new(NULL);
	doc_date(d, &when);
	index_lines(&x);

	style_of(&x, d->page->number_style);
	collect_styles(&x, d->first);
	package_rels_part(&x);
	document_part(&x);
	for (guint i = 0; i < x.headers->len; i++)
		header_part(&x, (int)i + 1, g_ptr_array_index(x.headers, i));
	styles_part(&x);
	settings_part(&x);
	font_table_part(&x);
	document_rels_part(&x);
	core_part(&x, &when);
	app_part(&x);
	/* the content types name the headers, known only now; they go first in the ZIP,
	 * where Word puts them */
	content_types_part(&x);
	g_ptr_array_insert(x.parts, 0, g_ptr_array_steal_index(x.parts, x.parts->len - 1));

	if (x.failed) {
		msg(diag, path, 0, MSG_DOCX_WORD_FILE_MEMORY);
		rc = EXIT_SYSTEM;
	} else
		rc = write_zip(&x, &when);

	g_ptr_array_free(x.parts, TRUE);
	g_hash_table_destroy(x.styles);
	g_hash_table_destroy(x.ids);
	g_ptr_array_free(x.order, TRUE);
	g_ptr_array_free(x.headers, TRUE);
	g_tree_destroy(x.lines);
	g_hash_table_destroy(x.ratios);
	g_array_free(x.positions, TRUE);
	g_string_free(x.scratch, TRUE);
	return rc;
}
