/* dump.h - the laid-out pages as text, the oracle of the layout regression tests. */
#ifndef VBGEN_DUMP_H
#define VBGEN_DUMP_H

#include "lay.h"

#include <stdio.h>

/* Prints one laid-out page (number: its place in the document, from 1) as text: a
 * heading line, then one line per element with kind, x, y, width, style and text. */
void dump_page(const lay_page *pg, int number, FILE *out);

/* Prints every page of ld (pages kept); the regression suite compares these dumps. */
void dump_layout(const lay_doc *ld, FILE *out);

#endif
