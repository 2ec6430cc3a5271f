/* pdf.h - the outputs of a laid-out document: PDF, PNG previews, the layout dump.
 *
 * Every file is written under a temporary name in the same folder and renamed over its
 * final name only when it is complete, so that no half-written file ever carries the
 * final name, even when vbgen is killed. */
#ifndef VBGEN_PDF_H
#define VBGEN_PDF_H

#include "layout.h"

#include <stdio.h>

/* Writes ld as PDF to path: fonts embedded and subset, metadata from the doc, bookmarks
 * from bookmarked paragraphs, identical bytes for identical input. Returns EXIT_OK, or
 * EXIT_SYSTEM after reporting. */
int pdf_write(const lay_doc *ld, const char *path);

/* A PDF made of several laid-out documents (the print file of all letters). */
typedef struct pdf_out pdf_out;

/* Starts path (through a temporary file); metadata from meta. NULL after reporting. */
pdf_out *pdf_open(const char *path, const doc *meta);
/* Appends ld copies times; with duplex each copy is padded to an even number of pages.
 * bookmark, when not NULL, is a top-level outline entry at the first page added (the
 * document's own bookmarks are then left out); when NULL, the document's bookmarks are
 * used. Returns the number of pages added. */
int pdf_add(pdf_out *o, const lay_doc *ld, const char *bookmark, int copies, int duplex);
/* Finishes and renames into place: EXIT_OK or EXIT_SYSTEM after reporting. */
int pdf_close(pdf_out *o);
/* Gives up: nothing is left behind. */
void pdf_cancel(pdf_out *o);

/* Draws page (0-based) of ld on a cairo context whose unit is the point (png.c). */
void png_draw_page(const lay_doc *ld, int page, void *cairo_context);

/* Writes one PNG per page into dir as STEM-N.png at dpi. Returns EXIT_OK or EXIT_SYSTEM. */
int png_write(const lay_doc *ld, const char *dir, const char *stem, double dpi);

/* With on, every font subset also carries the glyphs of the Vietnamese alphabet, ASCII
 * and common punctuation, so that a batch of documents (letters) shares one subset and
 * its compressed program; off (the default), a document carries exactly its glyphs. */
void pdf_share_fonts(int on);

/* Frees the fonts the PDF writer keeps between documents (at the end of the program). */
void pdf_shutdown(void);

/* Prints the laid-out pages as text: one line per element with page, kind, x, y, width,
 * style and text; the regression suite compares these dumps. */
void dump_layout(const lay_doc *ld, FILE *out);

/* Opens a temporary file beside path for writing; returns the FILE and sets *tmp (to
 * free) or returns NULL after reporting. Finish with out_commit() or out_abort(). */
FILE *out_open(const char *path, char **tmp);
/* Closes f and renames tmp to path; returns EXIT_OK or EXIT_SYSTEM after reporting. */
int out_commit(FILE *f, char *tmp, const char *path);
/* Closes f and removes tmp. */
void out_abort(FILE *f, char *tmp);

/* Removes the temporary files still open when vbgen is interrupted (SIGINT, SIGTERM,
 * SIGHUP), so that a killed run leaves nothing but complete files behind. */
void out_install_signal_cleanup(void);

#endif
