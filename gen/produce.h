/* produce.h - one expanded document into its files.
 *
 * The step after template expansion, written once for every kind of document: the doc
 * is laid out (page.c) and written as asked: a PDF page by page as the layout finishes
 * them, a Word file, the table as CSV, page previews, the layout dump, copies in a print
 * file. main.c makes one document of a kind with it, letters.c one per selected node. */
#ifndef VBGEN_PRODUCE_H
#define VBGEN_PRODUCE_H

#include "doc.h"
#include "fonts.h"
#include "layout.h"
#include "pdf.h"

typedef struct produce_opts {
	const char *pdf;  /* the PDF to write, or NULL */
	int share_fonts;  /* see pdf_open() */
	const char *docx; /* the Word file to write, or NULL */
	const char *csv;  /* the table as CSV, or NULL */
	const char *png;  /* a folder for page previews (STEM-N.png), or NULL */
	const char *png_stem;
	int dump;                /* print the layout on standard output; no file is written */
	pdf_out *print;          /* append the document's copies to this file too, or NULL */
	const char *print_label; /* their bookmark there */
	int copies, duplex;      /* see pdf_add() */
	layout_cache *cache;     /* paragraphs shared by a batch of documents, or NULL */
	int report;              /* say each file written on standard output */
} produce_opts;

/* Lays out d and writes what o asks for. Returns EXIT_OK, or another exit status after
 * reporting; *pages is the number of pages laid out. */
/* Writes d's files as o asks; every problem is said to diag (the layout's to f's, its
 * fonts' diag). */
int produce(struct diag *diag, fonts *f, const doc *d, const produce_opts *o, int *pages);

#endif
