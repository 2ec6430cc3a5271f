/* table.c - tables laid out row by row; see layout.h.
 *
 * Column widths are fixed (points) or shares of what the fixed ones leave. Every cell is
 * a paragraph laid out once at its column's width less the padding, so the cost is
 * linear in rows. A row becomes one atom of elements (its cells' lines and borders) that
 * pagination keeps whole; the header row is repeated by pagination on every page. */
#include "layout.h"

#include "diag.h"

#include <string.h>

/* Column widths in points for a table width. */
static void column_widths(const doc_block *b, double width, double *w)
{
	double fixed = 0, shares = 0;

	for (int k = 0; k < b->tcols; k++) {
		if (b->columns[k].width > 1)
			fixed += b->columns[k].width;
		else
			shares += b->columns[k].width;
	}
	for (int k = 0; k < b->tcols; k++) {
		if (b->columns[k].width > 1)
			w[k] = b->columns[k].width;
		else
			w[k] = shares > 0 ? (width - fixed) * b->columns[k].width / shares : 0;
	}
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

int table_layout(lay_doc *ld, fonts *f, const doc_block *b, double width, lay_row **rows_out)
{
	double *w = g_new0(double, b->tcols);
	lay_row *rows = g_new0(lay_row, b->nrows);
	double pad = b->padding;

	g_ptr_array_add(ld->owned, rows);
	column_widths(b, width, w);
	for (int r = 0; r < b->nrows; r++) {
		const doc_row *row = &b->rows[r];
		lay_row *out = &rows[r];
		int cells = row->group ? 1 : b->tcols;
		lay_para *p[64];
		double tallest = 0, x = 0;

		if (cells > 64) {
			diag(b->file, b->line, DIAG_ERROR, "a table has at most 64 columns");
			g_free(w);
			return -1;
		}
		out->elems = g_array_new(FALSE, TRUE, sizeof(lay_elem));
		g_ptr_array_add(ld->arrays, out->elems);
		out->header = row->header;
		out->group = row->group;
		for (int k = 0; k < cells; k++) {
			double cw = row->group ? width : w[k];
			p[k] = NULL;
			if (row->cells[k] == NULL || row->cells[k]->style == NULL)
				continue;
			p[k] = layout_para(ld, f, row->cells[k], cw - 2 * pad);
			if (p[k] == NULL) {
				g_free(w);
				return -1;
			}
			if (p[k]->height > tallest)
				tallest = p[k]->height;
		}
		out->height = tallest + 2 * pad;
		for (int k = 0; k < cells; k++) {
			double cw = row->group ? width : w[k];
			if (p[k] != NULL)
				layout_emit_para(out->elems, p[k], x + pad, pad, 0, p[k]->n);
			add_box(out->elems, x, 0, cw, out->height, b->border);
			x += cw;
		}
	}
	g_free(w);
	*rows_out = rows;
	return b->nrows;
}
