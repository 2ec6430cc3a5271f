/* table.c - tables laid out row by row; see table.h.
 *
 * A column is fixed (points), measured (as wide as its widest cell set on one line) or a
 * share of what the other two leave. Every cell is a paragraph laid out once, at its
 * column's width less the padding, by layout_para: Pango wraps it, and a word longer
 * than the column (a URL, a code) breaks between characters instead of crossing the
 * border. A row becomes one atom of elements (its cells' lines and closed borders) that
 * pagination places whole; it also keeps its cells' paragraphs, so that pagination can
 * cut a row taller than a page between lines (table_row_cut, table_row_part). Nothing is
 * laid out again per page, so the cost is linear in rows. */
#include "table.h"

#include "diag.h"
#include "i18n.h"
#include "msg.h"

#include <string.h>

#define MM (72.0 / 25.4)

/* When fixed and measured columns leave too little, a share column still gets this much:
 * a short word at cell sizes, so that its text wraps into a readable column instead of
 * one character per line. */
#define TABLE_MIN_SHARE (12 * MM)

/* The narrowest text a cell may hold. layout_para never sets a measure below 10 pt, so a
 * cell narrower than that plus its padding would push text over its border. */
#define TABLE_MIN_TEXT 10.0

/* Added to a measured width: Pango's measure is in 1/1024 pt and a width rounded down by
 * one unit would wrap the widest cell's last letter. */
#define TABLE_MEASURE_SLACK 0.5

/* The width of a cell's text set on one line, as layout_para sets it (font, bold and
 * italic runs, margins, a positive first-line indent). Returns -1 after reporting a font
 * problem. l is one scratch layout shared by every cell measured. */
static double natural_width(fonts *f, PangoLayout *l, const doc_block *b)
{
	const doc_style *s = b->style;
	const PangoFontDescription *fd = fonts_style(f, s);
	PangoRectangle logical;

	if (fd == NULL)
		return -1;
	layout_set_text(l, b, fd, 1);
	pango_layout_get_extents(l, NULL, &logical);
	return (double)logical.width / PANGO_SCALE + s->margin_left + s->margin_right +
	       (s->indent > 0 ? s->indent : 0);
}

/* The widest cell of column k (header included, group rows spanning all columns left
 * out), padding included; -1 after reporting. */
static double measure_column(fonts *f, PangoLayout *l, const doc_block *b, int k)
{
	double widest = 0;

	for (int r = 0; r < b->nrows; r++) {
		const doc_block *c = b->rows[r].group ? NULL : b->rows[r].cells[k];
		double nw;
		if (c == NULL || c->style == NULL)
			continue;
		nw = natural_width(f, l, c);
		if (nw < 0)
			return -1;
		if (nw > widest)
			widest = nw;
	}
	return widest + 2 * b->padding + TABLE_MEASURE_SLACK;
}

/* The widest word of each column's caption, padding included: no column is narrower,
 * or its caption would break inside a word ("ST" / "T"). */
static double caption_word_width(fonts *f, PangoLayout *l, const doc_block *b, int k)
{
	const doc_block *c = b->nrows > 0 && b->rows[0].header ? b->rows[0].cells[k] : NULL;
	const PangoFontDescription *fd;
	PangoRectangle logical;

	if (c == NULL || c->style == NULL || (fd = fonts_style(f, c->style)) == NULL)
		return 0;
	/* one word a line: the layout is as wide as its widest word */
	layout_set_text(l, c, fd, 0);
	pango_layout_set_width(l, 1);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD);
	pango_layout_get_extents(l, NULL, &logical);
	return (double)logical.width / PANGO_SCALE + 2 * b->padding + TABLE_MEASURE_SLACK;
}

/* Widens the columns (but fixed ones) narrower than their caption's widest word, taking
 * the room from the columns that have more than theirs, in proportion. */
static int widen_to_captions(fonts *f, const doc_block *b, double *w)
{
	double least[DOC_TABLE_MAX_COLS], need = 0, spare = 0;
	PangoLayout *l = pango_layout_new(fonts_context(f));

	for (int k = 0; k < b->tcols; k++) {
		least[k] = b->columns[k].width > 1 ? w[k] : caption_word_width(f, l, b, k);
		if (w[k] < least[k])
			need += least[k] - w[k];
		else
			spare += w[k] - least[k];
	}
	g_object_unref(l);
	if (need <= 0 || spare <= need)
		return 0; /* nothing to do, or no room to do it in: the text wraps as it can */
	for (int k = 0; k < b->tcols; k++)
		w[k] = w[k] < least[k] ? least[k] : w[k] - (w[k] - least[k]) * need / spare;
	return 0;
}

/* Column widths in points for a table width: fixed ones as given, measured ones as
 * measured (narrowed in proportion when they would leave the share columns less than
 * TABLE_MIN_SHARE each), share columns splitting the rest. Returns 0, or -1 after
 * reporting a table that cannot fit. */
static int column_widths(fonts *f, const doc_block *b, double width, double *w)
{
	double fixed = 0, shares = 0, measured = 0, room, rest;
	int nshares = 0;
	PangoLayout *l = NULL;

	for (int k = 0; k < b->tcols; k++) {
		double cw = b->columns[k].width;
		if (cw > 1) {
			w[k] = cw;
			fixed += cw;
		} else if (cw > 0) {
			shares += cw;
			nshares++;
		} else {
			if (l == NULL)
				l = pango_layout_new(fonts_context(f));
			w[k] = measure_column(f, l, b, k);
			if (w[k] < 0) {
				g_object_unref(l);
				return -1;
			}
			measured += w[k];
		}
	}
	if (l != NULL)
		g_object_unref(l);
	room = width - fixed - nshares * TABLE_MIN_SHARE;
	if (room < -LAY_FIT_SLACK) {
		msg(fonts_diag(f), b->file, b->line, MSG_TABLE_TABLE_FIXED_COLUMN, fixed / MM,
		    width / MM, nshares > 0 ? _(" including its share columns") : "");
		return -1;
	}
	if (measured > room && measured > 0) {
		for (int k = 0; k < b->tcols; k++)
			if (b->columns[k].width <= 0)
				w[k] *= room / measured;
		measured = room;
	}
	rest = width - fixed - measured;
	for (int k = 0; k < b->tcols; k++) {
		double cw = b->columns[k].width;
		if (cw > 0 && cw <= 1)
			w[k] = rest * cw / shares;
	}
	if (widen_to_captions(f, b, w) != 0)
		return -1;
	for (int k = 0; k < b->tcols; k++) {
		if (w[k] < 2 * b->padding + TABLE_MIN_TEXT) {
			msg(fonts_diag(f), b->file, b->line, MSG_TABLE_COLUMN_COMES_MM, k + 1,
			    b->columns[k].caption ? b->columns[k].caption : "", w[k] / MM);
			return -1;
		}
	}
	return 0;
}

static void add_box(GArray *elems, double x, double y, double w, double h, double stroke)
{
	lay_elem e = {0};

	e.kind = EL_BOX;
	e.x = x;
	e.y = y;
	e.w = w;
	e.h = h;
	e.stroke = stroke;
	g_array_append_val(elems, e);
}

/* Height of lines [a, z) of p. */
static double lines_height(const lay_para *p, int a, int z)
{
	double h = 0;

	for (int i = a; i < z; i++)
		h += p->h[i];
	return h;
}

double table_row_part(GArray *elems, const lay_row *r, const int *from, const int *to, double x,
		      double y)
{
	double tallest = 0, height;

	for (int k = 0; k < r->ncells; k++) {
		const lay_para *p = r->cells[k];
		double h;
		if (p == NULL)
			continue;
		h = lines_height(p, from ? from[k] : 0, to ? to[k] : p->n);
		if (h > tallest)
			tallest = h;
	}
	height = tallest + 2 * r->pad;
	for (int k = 0; k < r->ncells; k++) {
		const lay_para *p = r->cells[k];
		if (p != NULL) {
			guint first = elems->len;
			layout_emit_para(elems, p, x + r->x[k] + r->pad, y + r->pad,
					 from ? from[k] : 0, to ? to[k] : p->n);
			for (guint i = first; i < elems->len; i++) {
				g_array_index(elems, lay_elem, i).group = r->table;
				g_array_index(elems, lay_elem, i).row = r->src;
			}
		}
		add_box(elems, x + r->x[k], y, r->w[k], height, r->border);
	}
	return height;
}

double table_row_cut(const lay_row *r, const int *from, double room, int min_lines, int *to)
{
	double inner = room - 2 * r->pad, tallest = 0;
	int most = -1, most_left = 0, shown = 0;

	for (int k = 0; k < r->ncells; k++) {
		const lay_para *p = r->cells[k];
		double h = 0;
		int j;
		if (p == NULL) {
			to[k] = 0;
			continue;
		}
		for (j = from[k]; j < p->n && h + p->h[j] <= inner + LAY_FIT_SLACK; j++)
			h += p->h[j];
		to[k] = j;
		shown += j - from[k];
		if (p->n - from[k] > most_left) {
			most_left = p->n - from[k];
			most = k;
		}
	}
	if (most < 0)
		return 0; /* nothing left to place */
	if (min_lines > 0 && to[most] - from[most] < MIN(min_lines, most_left))
		return 0;
	if (shown == 0) /* not even one line fits: force one, pagination must advance */
		for (int k = 0; k < r->ncells; k++)
			if (r->cells[k] != NULL && from[k] < r->cells[k]->n)
				to[k] = from[k] + 1;
	for (int k = 0; k < r->ncells; k++) {
		const lay_para *p = r->cells[k];
		double h = p != NULL ? lines_height(p, from[k], to[k]) : 0;
		if (h > tallest)
			tallest = h;
	}
	return tallest + 2 * r->pad;
}

lay_table *table_begin(layout_ctx *c, const doc_block *b, double width)
{
	lay_table *t;
	double total = 0;

	if (b->tcols < 1 || b->tcols > DOC_TABLE_MAX_COLS) {
		msg(fonts_diag(c->f), b->file, b->line, MSG_TABLE_TABLE_COLUMNS, DOC_TABLE_MAX_COLS,
		    b->tcols);
		return NULL;
	}
	t = layout_pool_keep(c->pool, g_new0(lay_table, 1));
	t->b = b;
	t->x = layout_pool_keep(c->pool, g_new0(double, b->tcols));
	t->w = layout_pool_keep(c->pool, g_new0(double, b->tcols));
	if (column_widths(c->f, b, width, t->w) != 0)
		return NULL;
	for (int k = 0; k < b->tcols; k++) {
		t->x[k] = total;
		total += t->w[k];
	}
	t->span[1] = total;
	return t;
}

lay_row *table_row(layout_ctx *c, const lay_table *t, int r)
{
	const doc_block *b = t->b;
	const doc_row *row = &b->rows[r];
	lay_row *out = layout_pool_keep(c->pool, g_new0(lay_row, 1));
	double pad = b->padding;

	out->header = row->header;
	out->table = b;
	out->src = row;
	out->group = row->group;
	out->ncells = row->group ? 1 : b->tcols;
	out->cells = layout_pool_keep(c->pool, g_new0(lay_para *, (size_t)out->ncells));
	out->x = row->group ? &t->span[0] : t->x;
	out->w = row->group ? &t->span[1] : t->w;
	out->pad = pad;
	out->border = b->border;
	for (int k = 0; k < out->ncells; k++) {
		const doc_block *cell = row->cells[k];
		if (cell == NULL || cell->style == NULL)
			continue;
		out->cells[k] = layout_para(c, cell, out->w[k] - 2 * pad);
		if (out->cells[k] == NULL)
			return NULL;
	}
	out->elems = layout_pool_array(c->pool);
	out->height = table_row_part(out->elems, out, NULL, NULL, 0, 0);
	return out;
}
