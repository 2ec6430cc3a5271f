/* pdf.h - laid-out documents written as PDF.
 *
 * Fonts embedded and subset, metadata from the doc, bookmarks from bookmarked
 * paragraphs, signature fields at the signing places, identical bytes for identical
 * input; the file is written through out.h,
 * so that it appears whole under its name or not at all. */
#ifndef VBGEN_PDF_H
#define VBGEN_PDF_H

#include "diag.h"
#include "lay.h"

/* A PDF being written: one document page by page (pdf_page, a page sink), or several
 * laid-out documents one after another (pdf_add: the print file of all letters). */
typedef struct pdf_out pdf_out;

/* pdf_open()'s flags. PDF_SHARE_FONTS: every font subset also carries the glyphs of the
 * Vietnamese alphabet, ASCII and common punctuation, so that a batch of documents
 * (letters) shares one subset and its compressed program; without, a document carries
 * exactly its glyphs. PDF_FIELDS: the signing places of the pages (EL_FIELD) become
 * empty signature fields, AcroForm /Sig fields merged with their widgets; without, they
 * are left out (the print file, which is for paper). */
#define PDF_SHARE_FONTS 1
#define PDF_FIELDS 2

/* Starts path (through a temporary file); metadata from meta; flags as above. NULL after
 * reporting. */
pdf_out *pdf_open(struct diag *diag, const char *path, const doc *meta, int flags);

/* Appends one page with the bookmarks of its lines. Returns EXIT_OK, or EXIT_SYSTEM
 * after reporting. A page_sink's function (page.h) with data the pdf_out. */
int pdf_page(void *o, const lay_doc *ld, const lay_page *pg);

/* Appends the kept pages of ld copies times; with duplex each copy is padded to an even
 * number of pages. bookmark, when not NULL, is a top-level outline entry at the first
 * page added (the document's own bookmarks are then left out); when NULL, the
 * document's bookmarks are used. Returns the number of pages added. */
int pdf_add(pdf_out *o, const lay_doc *ld, const char *bookmark, int copies, int duplex);

/* Finishes and renames into place: EXIT_OK or EXIT_SYSTEM after reporting. */
int pdf_close(pdf_out *o);
/* Gives up: nothing is left behind. */
void pdf_cancel(pdf_out *o);

/* Writes the kept pages of ld as the PDF path: pdf_open, pdf_add, pdf_close. */
int pdf_write(struct diag *diag, const lay_doc *ld, const char *path, int flags);

/* Frees the fonts the PDF writer keeps between documents (at the end of the program). */
void pdf_shutdown(void);

#endif
