/* layout.h - laying out an expanded doc into pages of positioned lines and rules.
 *
 * layout.c lays out paragraphs with Pango (justified, first-line indent, line spacing,
 * Vietnamese language tag, true points) and the content of grid columns; page.c breaks
 * the flow into pages by lines (no heading alone at the foot of a page, no single first
 * or last line of a paragraph, the closing block kept with the last lines of the body,
 * table rows kept whole with the header repeated) and adds page numbers. The result is
 * what pdf.c draws and dump.c prints.
 *
 * Ownership: a lay_doc owns its pages, elements and the Pango layouts their lines live
 * in; it borrows the doc (styles, texts), which must outlive it. */
#ifndef VBGEN_LAYOUT_H
#define VBGEN_LAYOUT_H

#include "doc.h"
#include "fonts.h"

#include <pango/pango.h>

enum lay_kind {
	EL_TEXT, /* one line of text */
	EL_RULE, /* a horizontal rule */
	EL_BOX,  /* a rectangle outline (table cell borders), or a vertical/horizontal line */
};

typedef struct lay_elem {
	enum lay_kind kind;
	double x, y;            /* EL_TEXT: left end of the baseline; EL_RULE: left end of
				 * the rule's centre line; EL_BOX: top-left corner */
	double w, h;            /* width; EL_RULE: thickness; EL_BOX: height */
	PangoLayoutLine *line;  /* EL_TEXT */
	const doc_style *style; /* EL_TEXT */
	const char *text;       /* EL_TEXT: the line's text (not NUL-terminated) */
	int len;
	int bookmark;               /* outline level of the paragraph this line opens, or 0 */
	const char *bookmark_title; /* NUL-terminated, when bookmark */
	double stroke;              /* EL_BOX: line width */
} lay_elem;

typedef struct lay_page {
	double width, height;
	GArray *elems; /* lay_elem, in drawing order */
	int number;    /* the page number printed on it, 0 when none is printed */
	int seq_page;  /* position in its page sequence, from 1 */
} lay_page;

/* Paragraphs laid out once and reused by later documents (a batch of letters shares
 * its fixed paragraphs); see layout_doc_cached(). */
typedef struct layout_cache layout_cache;

/* Cached paragraphs kept at most; past this the cache starts again, so a batch's
 * memory stays flat however many letters it makes. */
#define LAYOUT_CACHE_MAX 256

typedef struct lay_doc {
	GPtrArray *pages;    /* lay_page * */
	GPtrArray *layouts;  /* PangoLayout *, owned: every line points into one */
	GPtrArray *paras;    /* lay_para *, owned */
	layout_cache *cache; /* borrowed, or NULL */
	GPtrArray *owned;    /* other memory (g_free) */
	GPtrArray *arrays;   /* GArray * of elements of atoms and rows (g_array_unref) */
	const doc *d;
} lay_doc;

/* A paragraph laid out at a width: the Pango layout and the geometry of each line. */
typedef struct lay_para {
	PangoLayout *layout; /* owned by the lay_doc's layouts */
	const doc_block *block;
	const doc_style *style; /* the style it was set in: the block's, or a smaller size of
				 * it (shrink-to) */
	int n;        /* lines */
	double *h;    /* height of each line box */
	double *base; /* baseline within its line box */
	double *x;    /* left of each line from the paragraph's left edge */
	double *w;    /* width of each line */
	PangoLayoutLine **lines;
	int *start, *len;   /* byte range of each line in the block's text */
	double height;      /* all line boxes */
	double left, right; /* extent of the widest line, from the paragraph's left edge */
	int shared;         /* a copy whose arrays belong to a layout_cache */
} lay_para;

/* Lays out d into pages. Returns NULL after reporting (a missing font or glyph). */
lay_doc *layout_doc(fonts *f, const doc *d);

/* The same, taking paragraphs already laid out from cache and adding new ones to it.
 * The cache must outlive the lay_doc; trim it only between documents. */
lay_doc *layout_doc_cached(fonts *f, const doc *d, layout_cache *cache);
layout_cache *layout_cache_new(void);
void layout_cache_trim(layout_cache *c);
void layout_cache_free(layout_cache *c);
void layout_free(lay_doc *ld);

/* --- shared between layout.c, table.c and page.c --- */

/* Lays out one paragraph at width (pt); the layout is kept in ld. Returns NULL after
 * reporting a font problem. The lay_para is owned by ld too. */
lay_para *layout_para(lay_doc *ld, fonts *f, const doc_block *b, double width);

/* Sets a paragraph's text on l with its font and its bold and italic runs; with
 * keep_tokens, numbers and symbols, dates and quarters ("165/KH-UBND", "Quý III/2024")
 * are never broken across lines (text_nobreak_spans). */
void layout_set_text(PangoLayout *l, const doc_block *b, const PangoFontDescription *fd,
		     int keep_tokens);

/* Appends the lines of p to elems, its left edge at x and its top at y; returns the
 * height used. */
double layout_emit_para(GArray *elems, const lay_para *p, double x, double y, int from, int to);

/* Lays out a list of blocks (a grid column) at x, width, from y down, appending the
 * elements; returns the height used, or a negative value after reporting. */
double layout_flow(lay_doc *ld, fonts *f, const doc_block *b, double x, double width, double y,
		   GArray *elems);

/* Lays out grid block b (its columns side by side) at x, width, from y down, appending
 * the elements; returns the height used, or a negative value after reporting. */
double layout_grid(lay_doc *ld, fonts *f, const doc_block *b, double x, double width, double y,
		   GArray *elems);

/* A grid has at most this many columns: a level grid keeps one cursor per column on the
 * stack, and no page has room for more. */
#define LAYOUT_GRID_MAX_COLS 16

/* Appends the rule r drawn under the paragraph above (laid out with its left edge at x
 * and its last line ending at y); returns the height it takes. */
double layout_rule(GArray *elems, const doc_block *r, const lay_para *above, double x, double y);

/* A table has at most this many columns: a row keeps its cells' line positions in
 * arrays of this size while pagination cuts it, and no printed page holds more. */
#define TABLE_MAX_COLS 64

/* A table laid out at a width: its rows as atoms of elements relative to the row's top
 * left corner (defined in table.c). A row also keeps its cells' paragraphs, so that
 * pagination can cut a row taller than a page between lines (table_row_cut). */
typedef struct lay_row {
	GArray *elems; /* lay_elem: the whole row, cells and closed borders */
	double height;
	int header;          /* repeated at the top of every page the table continues on */
	int group;           /* a group row: never left alone at the foot of a page */
	int ncells;          /* 1 for a group row, else the table's columns */
	lay_para **cells;    /* each cell's paragraph, NULL for a cell without one */
	const double *x, *w; /* each cell's left edge from the table's left, and width */
	double pad, border;  /* pt */
} lay_row;

/* Lays out every row of table block b at width; returns the number of rows with *rows
 * set (owned by ld, like everything a row points to), or -1 after reporting. */
int table_layout(lay_doc *ld, fonts *f, const doc_block *b, double width, lay_row **rows);

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

/* Paginates: defined in page.c. */
int page_build(lay_doc *ld, fonts *f);

#endif
