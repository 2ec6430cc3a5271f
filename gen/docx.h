/* docx.h - the Word output: an expanded document as an editable .docx file.
 *
 * A draft goes to the office head and the leader, who revise it in Word; only the final
 * version is signed as PDF. docx.c writes the same expanded document (doc.h) that the PDF
 * is drawn from, so the two never disagree on a word: every template style becomes a
 * named Word paragraph style, grids become borderless tables, a page break with a new
 * geometry starts a new section, and the page number is a PAGE field in the header.
 *
 * What only the layout knows is read from the laid-out document: the length and place of
 * every rule (as drawn in the PDF), the width of every table column (the measured STT
 * column included), which table rows the PDF had to cut because they are taller than a
 * page, where balanced paragraphs break and the size shrink-to paragraphs were set at,
 * the fonts' line gaps (Word counts them in a single line, the layout does not) and the
 * ascent of the page number (to place the header). */
#ifndef VBGEN_DOCX_H
#define VBGEN_DOCX_H

#include "diag.h"
#include "lay.h"

/* Writes d as Office Open XML (WordprocessingML) to path, through a temporary file that is
 * renamed over path only when complete. ld is the layout of d, its pages kept
 * (page_layout without a sink); it is only read. The same input gives the same bytes: the ZIP
 * entries and the document properties carry the document's date (or SOURCE_DATE_EPOCH), never the
 * clock. Returns EXIT_OK, or EXIT_SYSTEM after reporting. */
int docx_write(struct diag *diag, const doc *d, const lay_doc *ld, const char *path);

#endif
