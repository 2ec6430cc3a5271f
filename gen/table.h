/* table.h - tables laid out row by row, for pagination (page.c).
 *
 * table_begin() fixes the column widths of a table block; table_row() then lays out one
 * row at a time, when pagination comes to it, so that a table of ten thousand rows
 * never holds more than the rows of the page being made. A row is an atom of elements
 * (its cells' lines and closed borders) relative to its top left corner; it also keeps
 * its cells' paragraphs, so that pagination can cut a row taller than a page between
 * lines (table_row_cut, table_row_part). Calls layout.c only. */
#ifndef VBGEN_TABLE_H
#define VBGEN_TABLE_H

#include "layout.h"

/* The geometry of a table being laid out. */
typedef struct lay_table {
	const doc_block *b;
	double *x, *w;  /* each column's left edge from the table's left, and width */
	double span[2]; /* a group row's one cell: left 0, the table's width */
} lay_table;

typedef struct lay_row {
	GArray *elems; /* lay_elem: the whole row, cells and closed borders */
	double height;
	int header;             /* repeated at the top of every page the table continues on */
	int group;              /* a group row: never left alone at the foot of a page */
	int ncells;             /* 1 for a group row, else the table's columns */
	lay_para **cells;       /* each cell's paragraph, NULL for a cell without one */
	const double *x, *w;    /* each cell's left edge from the table's left, and width */
	double pad, border;     /* pt */
	const doc_block *table; /* the table and the row laid out, for the structure tree */
	const doc_row *src;
} lay_row;

/* The column widths of table block b at width, the table owned by c->pool. Returns NULL
 * after reporting a table that cannot fit or a font problem. */
lay_table *table_begin(layout_ctx *c, const doc_block *b, double width);

/* Lays out row r of t, owned (with its cells) by c->pool. NULL after reporting. The
 * table must outlive the row. */
lay_row *table_row(layout_ctx *c, const lay_table *t, int r);

/* Fits the part of row r that starts at line from[k] of each cell k into room (pt):
 * sets to[k] to the first line of cell k that does not fit. Returns the part's height,
 * or 0 when the part would show fewer than min_lines lines of the cell with the most
 * lines left (too little to be worth a page foot). With min_lines 0 the part shows at
 * least one line, even when it does not fit, so that pagination always advances. */
double table_row_cut(const lay_row *r, const int *from, double room, int min_lines, int *to);

/* Appends the part of row r from lines from[k] up to to[k] (NULL: the first line; the
 * last) with its top left corner at x, y: the lines and every cell's border, closed on
 * all four sides. Returns the part's height. */
double table_row_part(GArray *elems, const lay_row *r, const int *from, const int *to, double x,
		      double y);

#endif
