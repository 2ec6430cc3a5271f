/* fonts.h - vbgen's private fonts: its own fontconfig configuration, the Pango font
 * map and context for true-point layout, and the rule that no glyph is ever silently
 * substituted.
 *
 * Ownership: fonts_open() returns an object that owns the FcConfig, the font map, the
 * context and every cached description; fonts_free() releases them. Returned pointers
 * live until fonts_free(). */
#ifndef VBGEN_FONTS_H
#define VBGEN_FONTS_H

#include "diag.h"
#include "doc.h"
#include "lay.h"

#include <pango/pango.h>

typedef struct fonts fonts;

/* Loads fonts/fonts.conf (see paths.h) and makes a Pango context at 72 dpi with the
 * Vietnamese language tag. Its problems are said to d, which must outlive it. Returns
 * NULL after reporting when it cannot. */
fonts *fonts_open(struct diag *d);
void fonts_free(fonts *f);

/* The diag f reports to, given to fonts_open(): the layout done with f reports there too. */
struct diag *fonts_diag(const fonts *f);

/* Makes f (and the layout done with it) report to d from now on, for work whose messages
 * are not the run's (letters.c's second pass); returns the diag it reported to. */
struct diag *fonts_report_to(fonts *f, struct diag *d);

/* The Pango context, made on first use (see fonts.c). */
PangoContext *fonts_context(fonts *f);

/* 1 once fonts_context() made f's Pango side, else 0: the letters' workers are forked
 * only while it is 0 (letters.c asserts it). */
int fonts_pango_started(const fonts *f);

/* Returns the font description for a style (family resolved, size in true points),
 * or NULL after reporting when the family cannot be used: not installed and no accepted
 * twin, or resolving to some other family. The first use of each family notes which
 * font file family was used. */
const PangoFontDescription *fonts_style(fonts *f, const doc_style *s);

/* Checks that every character of text (len bytes) exists in the style's font, with
 * bold/italic as the runs say. Reports each missing character once with the text it came
 * from, the font, and file:line (the template line that made the text; NULL, 0 for
 * none). Returns the number of missing characters. */
int fonts_check_text(fonts *f, const doc_style *s, const char *text, int len, const doc_run *runs,
		     int nruns, const char *file, long line);

/* Whether the font of style s (its face: bold, italic) has the character c; 1 when the
 * style's family is not resolved (fonts_style() reported it). */
int fonts_has_char(fonts *f, const doc_style *s, gunichar c);

/* Forgets which missing characters were reported, so that the next document (the
 * next letter) reports its own. */
void fonts_forget_reports(fonts *f);

/* The face and size Pango shaped a run with, as the outputs see it (lay.h); owned by f.
 * NULL after reporting a font that has no file to embed. */
const lay_font *fonts_lay_font(fonts *f, PangoFont *pf);

/* The family actually used for a requested family, after fonts_style() resolved it. */
const char *fonts_used_family(fonts *f, const char *requested);

#endif
