/* png.h - page previews: laid-out pages drawn with Cairo into PNG images. */
#ifndef VBGEN_PNG_H
#define VBGEN_PNG_H

#include "diag.h"
#include "lay.h"

/* Writes one PNG per page of ld (pages kept) into dir as STEM-N.png at dpi. Returns
 * EXIT_OK or EXIT_SYSTEM after reporting. */
int png_write(struct diag *diag, const lay_doc *ld, const char *dir, const char *stem, double dpi);

#endif
