/* csv.h - the tables of an expanded document as CSV, for spreadsheet programs.
 *
 * The CSV is the same table the PDF prints, taken from the doc the template made (so its
 * columns, captions and cell texts are the template's): one record per row, the group
 * row a task belongs to in a column of its own before the template's columns, RFC 4180
 * quoting, CRLF line ends, UTF-8 with a byte-order mark so that spreadsheet programs
 * read the Vietnamese letters as UTF-8.
 *
 * Ownership: borrows the doc; writes the file through out_open/out_commit (pdf.h), so a
 * failed or interrupted run leaves no half-written file behind. */
#ifndef VBGEN_CSV_H
#define VBGEN_CSV_H

#include "diag.h"
#include "doc.h"

/* Writes every table of d to path. Several tables (several appendices) follow each other,
 * each with its own caption line, separated by an empty line. Returns EXIT_OK, or
 * EXIT_INVALID (the document has no table) or EXIT_SYSTEM after reporting. */
int csv_write(struct diag *diag, const doc *d, const char *path);

#endif
