/* ttf.h - TrueType fonts for the PDF writer: the metrics a PDF font dictionary needs,
 * and subsets of the font program to embed.
 *
 * A subset keeps every glyph index where it was (so the glyph ids Pango shaped with are
 * the ids written in the PDF) but drops the outlines of the glyphs not used; composite
 * glyphs keep their components. Subsets are cached by glyph set, so documents that use
 * the same letters (a batch of commitment letters) share one compressed font program.
 *
 * Ownership: ttf_open() returns a face that owns the file's bytes and its cache of
 * subsets; it lives until ttf_close(). ttf_ps_name() lives as long as the face. A program
 * ttf_subset() returns belongs to the cache and is valid only until the next ttf_subset()
 * on the same face (which may drop the oldest of TTF_CACHE_MAX sets) or ttf_close():
 * write it out before asking for another. */
#ifndef VBGEN_TTF_H
#define VBGEN_TTF_H

#include <glib.h>
#include <stdint.h>

/* A font file larger than this is not a text font we can use (Liberation Serif and
 * Times New Roman are under 1 MB). */
#define TTF_MAX_FILE (32L * 1024 * 1024)

/* zlib level for font programs: the highest. A program is compressed once per glyph set
 * (a batch of letters: once per worker), and a letter's file is mostly its fonts, so 5%
 * of a letter's bytes are worth the 3 ms that level 9 costs over level 1, once. */
#define TTF_ZLEVEL 9

/* Distinct glyph sets kept compressed per face; letters share one or two. */
#define TTF_CACHE_MAX 64

typedef struct ttf ttf;

/* Opens face index of the TrueType file at path; NULL (with *why set to a static
 * reason) when it cannot be used. */
ttf *ttf_open(const char *path, int index, const char **why);
void ttf_close(ttf *t);

int ttf_glyphs(const ttf *t); /* number of glyphs */
int ttf_units_per_em(const ttf *t);
int ttf_advance(const ttf *t, int gid); /* in font units */
const char *ttf_ps_name(const ttf *t);  /* PostScript name, e.g. LiberationSerif-Bold */
/* Metrics for the font descriptor, in 1/1000 em. */
void ttf_metrics(const ttf *t, int *ascent, int *descent, int *cap_height, int bbox[4],
		 double *italic_angle, int *bold);

/* Returns the compressed (zlib) subset program holding the glyphs set in used (a bit
 * per glyph, ttf_glyphs() bits), its length in *len and the uncompressed length in
 * *len1. The bytes belong to the face's cache and are valid until the next ttf_subset()
 * on this face or ttf_close(). NULL when the font is malformed. */
const unsigned char *ttf_subset(ttf *t, const uint8_t *used, size_t *len, size_t *len1);

#endif
