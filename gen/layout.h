/* layout.h - paragraphs and grids laid out with Pango: the leaves of pagination.
 *
 * layout.c lays out one paragraph at a width with Pango (justified, first-line indent,
 * line spacing, Vietnamese language tag, true points, balanced lines, smaller sizes)
 * and copies its lines out as glyph runs (lay.h); the Pango layout is dropped at once.
 * It also lays out grids (blocks side by side: the header, the signature blocks) and
 * the rules under paragraphs. table.c lays out table rows with it; page.c, the stage
 * that makes the laid-out document, calls both. Nothing here calls a later stage.
 *
 * Ownership: every paragraph and element array made for pagination belongs to the
 * lay_pool given in the layout_ctx; layout_pool_unref() frees them when the last user
 * lets go, so that pagination can release what it has written (page.c). */
#ifndef VBGEN_LAYOUT_H
#define VBGEN_LAYOUT_H

#include "doc.h"
#include "fonts.h"
#include "lay.h"

#include <pango/pango.h>

/* Memory that dies together: paragraphs, element arrays, other blocks. Reference
 * counted: made with one reference. */
typedef struct lay_pool lay_pool;
lay_pool *layout_pool_new(void);
lay_pool *layout_pool_ref(lay_pool *p);
void layout_pool_unref(lay_pool *p);
/* A new, empty element array (lay_elem) owned by p. */
GArray *layout_pool_array(lay_pool *p);
/* Hands memory (g_free) to p. Returns mem. */
void *layout_pool_keep(lay_pool *p, void *mem);

/* Paragraphs laid out once and reused by later documents (a batch of letters shares
 * its fixed paragraphs). */
typedef struct layout_cache layout_cache;

/* Cached paragraphs kept at most; past this the cache starts again, so a batch's
 * memory stays flat however many letters it makes. */
#define LAYOUT_CACHE_MAX 256

layout_cache *layout_cache_new(void);
/* Empties c when it is full; only between documents (their paragraphs point into it). */
void layout_cache_trim(layout_cache *c);
void layout_cache_free(layout_cache *c);

/* What the layout functions work with: the fonts, the cache (or NULL), and the pool
 * that owns what they make. */
typedef struct layout_ctx {
	fonts *f;
	layout_cache *cache;
	lay_pool *pool;
} layout_ctx;

/* A paragraph laid out at a width: the geometry and glyphs of each line. */
typedef struct lay_para {
	const doc_block *block;
	const doc_style *style; /* the style it was set in: the block's, or a smaller size of
				 * it (shrink-to) */
	int n;                  /* lines */
	double *h;              /* height of each line box */
	double *base;           /* baseline within its line box */
	double *x;              /* left of each line from the paragraph's left edge */
	double *w;              /* width of each line */
	lay_line *lines;        /* each line's glyphs */
	int *start, *len;       /* byte range of each line in the block's text */
	double height;          /* all line boxes */
	double left, right;     /* extent of the widest line, from the paragraph's left edge */
	lay_run *all_runs;      /* every line's runs, one array */
	lay_glyph *all_glyphs;  /* every run's glyphs, one array */
	char *shaped;           /* the text the lines were shaped from (runs index it):
				 * the block's, with line breaks where balancing put them */
	int shared;             /* a copy whose arrays belong to a layout_cache */
} lay_para;

/* Lays out one paragraph at width (pt), owned by c->pool (its arrays by the cache when
 * there is one). Returns NULL after reporting a font problem. */
lay_para *layout_para(layout_ctx *c, const doc_block *b, double width);

/* Sets a paragraph's text on l with its font and its bold and italic runs; with
 * keep_tokens, numbers and symbols, dates and quarters ("165/KH-UBND", "Quý III/2024")
 * are never broken across lines (text_nobreak_spans). For measuring (table.c). */
void layout_set_text(PangoLayout *l, const doc_block *b, const PangoFontDescription *fd,
		     int keep_tokens);

/* Appends lines [from, to) of p to elems, its left edge at x and its top at y; returns
 * the height used. */
double layout_emit_para(GArray *elems, const lay_para *p, double x, double y, int from, int to);

/* Lays out grid block b (its columns side by side) at x, width, from y down, appending
 * the elements; returns the height used, or a negative value after reporting. */
double layout_grid(layout_ctx *c, const doc_block *b, double x, double width, double y,
		   GArray *elems);

/* Appends the signing place f as an EL_FIELD, its share of width from x (or its width),
 * aligned: a space's field over the space, from y down h; a BLOCK_FIELD's (its height
 * given) at its place on the page, from the paper's top edge, y and h unused. */
void layout_field(GArray *elems, const doc_field *f, double x, double width, double y, double h);

/* Appends the rule r drawn under the paragraph above (laid out with its left edge at x
 * and its last line ending at y); returns the height it takes. */
double layout_rule(GArray *elems, const doc_block *r, const lay_para *above, double x, double y);

#endif
