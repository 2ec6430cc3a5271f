/* doc.h - the expanded document: what a template made of a plan, before layout.
 *
 * The template stage (template.c) builds a doc; the layout stages (layout.c, table.c,
 * page.c) read it; output stages (pdf.c, dump.c) read what layout made. Data flows one
 * way: nothing here points back into the plan or the template tree.
 *
 * Ownership: the doc owns every block, string and array reachable from it; all are
 * freed by doc_free(), at once: nothing in a doc is freed alone. Strings are kept in
 * doc->strings (a GStringChunk), blocks and arrays in doc->chunks (doc_alloc), so a
 * pointer taken from a doc lives as long as the doc. Styles and page geometries belong
 * to the compiled template (template.h), which must outlive every doc made from it. */
#ifndef VBGEN_DOC_H
#define VBGEN_DOC_H

#include <glib.h>

enum doc_align { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT, ALIGN_JUSTIFY };

/* A named paragraph style from a template. Sizes are true points (1/72 inch). */
typedef struct doc_style {
	const char *name;
	const char *family; /* as the template asks; fonts.c resolves it */
	double size;        /* pt */
	int bold, italic;
	enum doc_align align;
	double indent;       /* first-line indent, pt */
	double margin_left;  /* every line, pt (bullets, recipients) */
	double margin_right; /* every line, pt (a narrower measure for titles) */
	double space_before; /* pt */
	double space_after;  /* pt */
	double line_spacing; /* 1.0 = single; baseline distance = factor x font line height */
	int keep_with_next;  /* never the last thing on a page (headings) */
	int upper;           /* print in capitals (Unicode-aware), applied at expansion */
	int last_words;      /* the last line holds at least this many words (a heading
			      * never ends in one word alone), 0 or 1 for no rule */
	int keep_groups;     /* never break inside a word group where it fits (names in a
			      * table's agency columns) */
	int one_line;        /* set on one line (the place and date line, Decree 30 box 4):
			      * when it cannot be, even at its least size, vbgen says so */
	int balance;         /* break into the fewest lines, even and at word groups (names,
			      * titles, summaries) rather than filling each line */
	const struct doc_style *smaller; /* the same style 0.5 pt smaller, down to the least
					  * size the template allows (shrink-to): used when a
					  * smaller size needs fewer lines; NULL for none */
	const char *file;                /* where the style was defined, for messages */
	long line;
} doc_style;

/* A stretch of a paragraph's text set in bold and/or italic on top of its style. */
typedef struct doc_run {
	int start, end; /* byte offsets into the paragraph text, end exclusive */
	int bold, italic;
} doc_run;

/* The geometry of a page sequence. A new one starts with BLOCK_BREAK carrying it. */
typedef struct doc_page {
	double width, height;            /* pt: A4 portrait 595.28 x 841.89 */
	double top, bottom, left, right; /* margins, pt */
	const doc_style *number_style;   /* page number style, NULL for none */
	int number_from;                 /* first page (of this sequence) that shows it */
	double number_y;                 /* baseline of the page number from the top, pt */
} doc_page;

enum doc_kind {
	BLOCK_PARA,  /* a paragraph of text */
	BLOCK_GRID,  /* columns side by side, each a list of blocks; never split */
	BLOCK_RULE,  /* a horizontal rule under the block before it */
	BLOCK_SPACE, /* vertical space */
	BLOCK_BREAK, /* a new page; with page set, a new page sequence (e.g. landscape) */
	BLOCK_TABLE, /* a table: the header row repeated on each page; a row kept whole
		      * unless it alone is taller than a page */
	BLOCK_FIELD, /* a signature field placed on the page, taking no room in the flow */
};

/* A signing place: an empty signature field for a signing tool (pdf.c writes it as an
 * AcroForm /Sig field with its widget). In a BLOCK_SPACE it covers the space's height
 * and a part of its width; a BLOCK_FIELD is placed from the paper's top edge. */
typedef struct doc_field {
	const char *name;     /* the field's name, unique in its document (signer, head...) */
	double share;         /* a fraction (0, 1] of the width it stands in, or 0 ... */
	double width;         /* ... then this width, pt */
	enum doc_align align; /* where in that width: left, center or right */
	double top, height;   /* BLOCK_FIELD: from the paper's top edge, and its height, pt */
} doc_field;

typedef struct doc_block doc_block;

/* A table has at most this many columns: pagination keeps each row's cells' line positions
 * in arrays of this size while it cuts a row, and no printed page holds more. */
#define DOC_TABLE_MAX_COLS 64

/* A grid has at most this many columns: a level grid keeps one cursor per column on the
 * stack (layout.c, docx.c), and no page has room for more. */
#define DOC_GRID_MAX_COLS 16

/* One table column: a share of the table width and the style of its cells. */
typedef struct doc_column {
	double width; /* pt when > 1; a fraction of the free width when in (0, 1]; 0: measured
		       * (as wide as its widest cell on one line) */
	const doc_style *head_style, *cell_style;
	const char *caption;
} doc_column;

/* One table row: either a group row (one paragraph spanning all columns) or one
 * paragraph per column. */
/* Group rows nest at most this deep (a plan's sections: I. / 1. / 2.1. / a) and more). */
#define DOC_GROUP_LEVELS 8

typedef struct doc_row {
	int group;         /* 1: a group row, cells[0] spans all columns */
	int header;        /* 1: part of the header repeated on every page */
	int level;         /* a group row's depth (1 = outermost), or 0 when not given */
	doc_block **cells; /* ncols paragraphs (BLOCK_PARA), or 1 for a group row */
} doc_row;

/* A block of the expanded document. What a block says beyond its kind, its place in the
 * flow and where it came from depends on its kind: those fields share their memory (an
 * anonymous union), so that a paragraph, the block a long appendix has tens of thousands
 * of (one per table cell), costs the paragraph's fields only. Read only the fields of a
 * block's own kind. */
struct doc_block {
	enum doc_kind kind;
	int keep_with_next; /* stay on the page of the next block */
	int keep_together;  /* BLOCK_PARA: never split between pages */
	int keep_with_prev; /* stay with the last lines of the previous block (closing block) */
	doc_block *next;
	const char *file; /* template file and line this block came from */
	long line;

	union {
		struct { /* BLOCK_PARA */
			const doc_style *style;
			const char *text;      /* UTF-8, NFC */
			const char *orig_text; /* balance styles in capitals: the text in its own
						* case, which says where its words group
						* (text_break_penalties); else NULL */
			doc_run *runs;
			const char *bookmark_title; /* NULL: the paragraph's text */
			int text_len;
			int nruns;
			int bookmark;   /* outline level (1 = top) or 0 */
			int list_label; /* a list item: its label (bullet or number, and the
					 * space after it) is the text's first list_label
					 * bytes; 0 when not a list item */
		};

		struct {           /* BLOCK_GRID */
			int level; /* the n-th block of every column starts at the same height */
			int ncols;
			double *col_widths; /* fractions of the text width, summing to 1 */
			doc_block **cols;   /* first block of each column */
		};

		struct { /* BLOCK_RULE: centred under the widest line of the block before it */
			double fraction;  /* 1.0 full width of that text, 1/3, 1/2 ... */
			double thickness; /* pt */
			double offset;    /* gap between the text's baseline descent and the rule */
		};

		struct { /* BLOCK_SPACE */
			double height;
			const doc_field *fields; /* the signing places over the space (nfields),
						  * or NULL */
			int nfields;
		};

		struct { /* BLOCK_FIELD */
			const doc_field *field;
		};

		struct {                      /* BLOCK_BREAK */
			const doc_page *page; /* NULL: same geometry */
			int restart_numbers;  /* page numbers of the new sequence start at 1 */
		};

		struct { /* BLOCK_TABLE */
			int tcols;
			int nrows;
			doc_column *columns;
			doc_row *rows;
			double border;             /* pt */
			const char *group_caption; /* CSV: the caption of the group column */
			double padding;            /* pt, inside each cell */
		};
	};
};

typedef struct doc {
	doc_block *first;
	doc_page *page;           /* geometry of the first page sequence */
	GStringChunk *strings;    /* owns every string */
	struct doc_chunk *chunks; /* owns every block and array (doc_alloc) */
	/* PDF metadata */
	const char *title, *author, *subject, *keywords;
	const char *create_date; /* ISO 8601 date: the creation date when no SOURCE_DATE_EPOCH */
} doc;

/* Returns a new empty doc. */
doc *doc_new(void);
void doc_free(doc *d);

/* Returns a copy of s (may be NULL) owned by d. */
const char *doc_str(doc *d, const char *s);

/* Returns n zeroed bytes owned by d, aligned for any type; never freed alone. */
void *doc_alloc(doc *d, size_t n);

/* Returns a new block of this kind owned by d, not yet linked anywhere. */
doc_block *doc_block_new(doc *d, enum doc_kind kind, const char *file, long line);

#endif
