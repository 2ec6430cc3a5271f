/* stamp.h - what a digital signature looks like on the page, as Decree 30 (Appendix I,
 * "chữ ký số") describes it: the signature image (a transparent PNG) centred in the
 * signing place, and the seal image at its true size covering the left third of it; or,
 * without images, the signer's name, body and signing time in Times New Roman 10 pt, as
 * the decree sets a body's signature on attachments.
 *
 * The appearance is a form XObject written into an incremental update (pdfup.h), with
 * the images it draws (alpha as /SMask) or the font subset it uses (gen/ttf.c, Identity-H
 * with ToUnicode, so the text reads back and every font is embedded).
 *
 * Ownership: stamp_new() returns a stamp that owns the decoded, compressed images and
 * the font, made once and reused for every file of a batch; stamp_free() releases them. */
#ifndef VBGEN_STAMP_H
#define VBGEN_STAMP_H

#include "pdfup.h"

struct diag;

/* An image file larger than this is not a signature or seal (a 600 dpi scan of a seal is
 * about 200 KB); nor is an image of more pixels than this. */
#define STAMP_MAX_FILE (32L * 1024 * 1024)
#define STAMP_MAX_PIXELS (6000L * 6000L)

/* A seal image that does not say its resolution is drawn this wide: the size of a round
 * seal of a People's Committee and its offices (Decree 99/2016/NĐ-CP practice, 35 to
 * 42 mm). */
#define STAMP_SEAL_DEFAULT_MM 36.0

/* The text of a signature without images: Times New Roman 10 pt (Decree 30), lines this
 * many times the size apart. */
#define STAMP_FAMILY "Times New Roman"
#define STAMP_SIZE 10.0
#define STAMP_LEADING 1.2

typedef struct stamp stamp;

/* Loads the signature image and the seal image (either may be NULL); with neither,
 * resolves the font of the text instead. The stamp reports to d (the caller's, which
 * outlives it), here and in stamp_write(). NULL after reporting, *status set
 * (EXIT_INVALID: a file that is not a usable PNG; EXIT_SYSTEM: no font). */
stamp *stamp_new(struct diag *d, const char *image, const char *seal, int *status);
void stamp_free(stamp *s);

/* Writes the appearance into u for a field whose rectangle is rect ([x0 y0 x1 y1]) on a
 * page whose MediaBox is page; lines (NULL-terminated) are the text shown when there is
 * no image. Sets out to the rectangle the widget gets: the field's, grown to hold the
 * seal at its true size when it overhangs. Returns the form XObject's object number, or
 * 0 after reporting (file names the document). */
int stamp_write(stamp *s, pdfup *u, const double rect[4], const double page[4],
		const char *const *lines, double out[4], const char *file);

#endif
