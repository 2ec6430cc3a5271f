/* lay.h - the laid-out document: what pagination (page.c) makes and the outputs (pdf.c,
 * png.c, dump.c, docx.c) read.
 *
 * A laid-out document is pages of positioned elements: lines of text, rules and boxes.
 * A line of text carries its own glyph runs (font file and size, glyph ids, advances,
 * offsets and the text each glyph stands for), so that an output draws and embeds it
 * without Pango: the layout stages are the only ones that know how the lines were made.
 *
 * Units: positions and sizes in points from the page's top left corner; glyph advances
 * and offsets in LAY_UNITs (1/1024 pt, Pango's own unit, kept as integers so that every
 * output places a glyph exactly where the layout measured it).
 *
 * Ownership: a lay_doc owns its pages; the lines, runs and fonts they point to belong to
 * the layout stages (page_free() releases a document, fonts_free() the fonts) and stay
 * valid until then. An output never frees anything it is given. */
#ifndef VBGEN_LAY_H
#define VBGEN_LAY_H

#include "doc.h"

#include <glib.h>
#include <stdint.h>

/* Glyph advances and offsets are in 1/LAY_UNIT pt. */
#define LAY_UNIT 1024

/* Heights and widths are sums of doubles from Pango's 1/LAY_UNIT pt: a box fits where it
 * overshoots by at most this much (a hundredth of a point, far below what prints), so that
 * rounding never moves a line that fits to the next page or refuses a table that fits. */
#define LAY_FIT_SLACK 0.01

/* A glyph that draws nothing: a character the font lacks (refused before layout, see
 * fonts_check_text) or a zero-width control (a line break). */
#define LAY_GLYPH_NONE UINT32_MAX

/* A font face at a size, as a line was set in it. */
typedef struct lay_font {
	const char *file;            /* the font file, to embed */
	int index;                   /* the face's index in the file */
	double size;                 /* pt */
	int ascent, descent, height; /* the font's metrics at that size, LAY_UNITs: height is
				      * ascent, descent and line gap (a word processor's
				      * single line) */
} lay_font;

typedef struct lay_glyph {
	uint32_t id;     /* the glyph's index in the font, or LAY_GLYPH_NONE */
	int32_t advance; /* LAY_UNITs */
	int32_t dx, dy;  /* offset from the pen position, LAY_UNITs (dy down) */
	int32_t cluster; /* where its characters start, bytes from the run's start */
} lay_glyph;

/* Glyphs of one font, in visual order, shaped from text[offset, offset + length) of the
 * line's text. */
typedef struct lay_run {
	const lay_font *font;
	int offset, length;
	int nglyphs;
	lay_glyph *glyphs;
} lay_run;

/* The glyphs of one line of text. */
typedef struct lay_line {
	const char *text; /* the text its paragraph was shaped from (runs index it) */
	int nruns;
	lay_run *runs;
	int32_t ascent; /* from the top of the line's box to its baseline, LAY_UNITs */
} lay_line;

enum lay_kind {
	EL_TEXT,  /* one line of text */
	EL_RULE,  /* a horizontal rule */
	EL_BOX,   /* a rectangle outline (table cell borders), or a vertical/horizontal line */
	EL_FIELD, /* a signature field's place: nothing drawn (PDF: a /Sig widget) */
};

typedef struct lay_elem {
	enum lay_kind kind;
	int anchored;           /* EL_FIELD: y is from the paper's top edge, wherever the flow
				 * places the element */
	double x, y;            /* EL_TEXT: left end of the baseline; EL_RULE: left end of
				 * the rule's centre line; EL_BOX, EL_FIELD: top-left corner */
	double w, h;            /* width; EL_RULE: thickness; EL_BOX, EL_FIELD: height */
	const lay_line *line;   /* EL_TEXT */
	const doc_style *style; /* EL_TEXT */
	const char *text;       /* EL_TEXT: the line's text in its block (not NUL-terminated);
				 * EL_FIELD: the field's name (NUL-terminated) */
	int len;
	int bookmark;               /* outline level of the paragraph this line opens, or 0 */
	const char *bookmark_title; /* NUL-terminated, when bookmark */
	double stroke;              /* EL_BOX: line width */
	/* Where the element stands in the document, for the PDF's structure tree (tagged
	 * PDF); nothing here moves it. */
	const doc_block *block; /* EL_TEXT: the paragraph it is a line of */
	const doc_block *group; /* EL_TEXT: the outermost grid, or the table, it stands in */
	const doc_row *row;     /* EL_TEXT: the table row it stands in */
	int artifact;           /* EL_TEXT: not the document's content (a page number, a
				 * header row repeated on a page the table continues on) */
} lay_elem;

typedef struct lay_page {
	double width, height;
	GArray *elems; /* lay_elem, in drawing order */
	int number;    /* the page number printed on it, 0 when none is printed */
	int seq_page;  /* position in its page sequence, from 1 */
} lay_page;

typedef struct lay_doc {
	const doc *d;     /* the document laid out (metadata, styles), borrowed */
	GPtrArray *pages; /* lay_page *: every page, or none when they were handed to a
			   * page sink as they were finished (see page_layout) */
	int npages;       /* pages made, kept or not */
	void *priv;       /* the layout stages' own memory (page.c) */
} lay_doc;

#endif
