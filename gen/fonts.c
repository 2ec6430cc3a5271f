/* fonts.c - vbgen's private fonts; see fonts.h.
 *
 * Pango would happily fall back to any installed font for a missing letter, and
 * fontconfig to any family for a missing one. Both would put a document in front of the
 * records office in the wrong typeface without a word, so vbgen loads only its own
 * configuration (fonts/fonts.conf), accepts a family only when fontconfig resolves it to
 * itself or to a twin that configuration declares, and checks every character against
 * the chosen face before layout. */
#include "fonts.h"

#include "diag.h"
#include "i18n.h"
#include "msg.h"
#include "paths.h"

#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-font.h>
#include <pango/pangofc-fontmap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The four faces a family must have: regular, bold, italic, bold italic. */
#define FACES 4

struct family {
	char *requested;
	char *used;           /* NULL when the family cannot be used */
	FcCharSet *cs[FACES]; /* coverage of each face */
};

struct fonts {
	struct diag *d; /* where its problems are said */
	FcConfig *config;
	PangoFontMap *map;
	PangoContext *ctx;
	GHashTable *families; /* requested name -> struct family */
	GHashTable *descs;    /* doc_style * -> PangoFontDescription * */
	GHashTable *missing;  /* characters already reported */
	GHashTable *lay;      /* PangoFont * (referenced) -> lay_font */
};

static void lay_font_free(gpointer p)
{
	lay_font *lf = p;

	g_free((char *)lf->file);
	g_free(lf);
}

static void family_free(gpointer p)
{
	struct family *f = p;

	for (int i = 0; i < FACES; i++)
		if (f->cs[i] != NULL)
			FcCharSetDestroy(f->cs[i]);
	g_free(f->requested);
	g_free(f->used);
	g_free(f);
}

fonts *fonts_open(struct diag *d)
{
	char *conf = paths_find("fonts/fonts.conf");
	fonts *f;

	if (conf == NULL) {
		msg(d, NULL, 0, MSG_FONTS_CONF_MISSING);
		return NULL;
	}
	f = g_new0(fonts, 1);
	f->d = d;
	f->config = FcConfigCreate();
	if (!FcConfigParseAndLoad(f->config, (const FcChar8 *)conf, FcTrue) ||
	    !FcConfigBuildFonts(f->config)) {
		msg(d, conf, 0, MSG_FONTS_FONT_CONFIGURATION_LOADED);
		free(conf);
		fonts_free(f);
		return NULL;
	}
	free(conf);
	/* Ours is the process's configuration: without this, Pango's first use of fontconfig
	 * would also load the system's (FcInit), costing a third of a plan's run time. */
	FcConfigSetCurrent(f->config);
	f->families = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, family_free);
	f->descs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
					 (GDestroyNotify)pango_font_description_free);
	f->missing = g_hash_table_new(g_direct_hash, g_direct_equal);
	f->lay =
		g_hash_table_new_full(g_direct_hash, g_direct_equal, g_object_unref, lay_font_free);
	return f;
}

struct diag *fonts_diag(const fonts *f)
{
	return f->d;
}

struct diag *fonts_report_to(fonts *f, struct diag *d)
{
	struct diag *was = f->d;

	f->d = d;
	return was;
}

void fonts_free(fonts *f)
{
	if (f == NULL)
		return;
	if (f->families != NULL)
		g_hash_table_destroy(f->families);
	if (f->descs != NULL)
		g_hash_table_destroy(f->descs);
	if (f->missing != NULL)
		g_hash_table_destroy(f->missing);
	if (f->lay != NULL)
		g_hash_table_destroy(f->lay);
	if (f->ctx != NULL)
		g_object_unref(f->ctx);
	if (f->map != NULL)
		g_object_unref(f->map);
	if (f->config != NULL)
		FcConfigDestroy(f->config);
	g_free(f);
}

/* The Pango side is made on first use, not in fonts_open(): Pango may start threads,
 * and the letter workers are forked after the fonts are resolved; a thread holding a
 * lock at fork time would deadlock the worker. */
PangoContext *fonts_context(fonts *f)
{
	cairo_font_options_t *opts;

	if (f->ctx != NULL)
		return f->ctx;
	f->map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
	pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(f->map), f->config);
	f->ctx = pango_font_map_create_context(f->map);
	/* Sizes are true points: one layout unit per PDF point. */
	pango_cairo_context_set_resolution(f->ctx, 72);
	pango_context_set_language(f->ctx, pango_language_from_string("vi"));
	pango_context_set_round_glyph_positions(f->ctx, FALSE);
	opts = cairo_font_options_create();
	/* Unhinted metrics: the same line breaks in the PDF, the preview and the dump. */
	cairo_font_options_set_hint_metrics(opts, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(opts, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(f->ctx, opts);
	cairo_font_options_destroy(opts);
	return f->ctx;
}

int fonts_pango_started(const fonts *f)
{
	return f->ctx != NULL || f->map != NULL;
}

const lay_font *fonts_lay_font(fonts *f, PangoFont *pf)
{
	lay_font *lf = g_hash_table_lookup(f->lay, pf);
	FcPattern *pat;
	FcChar8 *file = NULL;
	PangoFontDescription *d;
	PangoFontMetrics *m;

	if (lf != NULL)
		return lf;
	if (!PANGO_IS_FC_FONT(pf) || (pat = pango_fc_font_get_pattern(PANGO_FC_FONT(pf))) == NULL ||
	    FcPatternGetString(pat, FC_FILE, 0, &file) != FcResultMatch) {
		msg(f->d, NULL, 0, MSG_FONTS_FONT_FILE_EMBED);
		return NULL;
	}
	lf = g_new0(lay_font, 1);
	lf->file = g_strdup((const char *)file);
	FcPatternGetInteger(pat, FC_INDEX, 0, &lf->index);
	d = pango_font_describe_with_absolute_size(pf);
	lf->size = (double)pango_font_description_get_size(d) / PANGO_SCALE;
	pango_font_description_free(d);
	m = pango_font_get_metrics(pf, NULL);
	if (m != NULL) {
		lf->ascent = pango_font_metrics_get_ascent(m);
		lf->descent = pango_font_metrics_get_descent(m);
		lf->height = pango_font_metrics_get_height(m);
		pango_font_metrics_unref(m);
	}
	g_hash_table_insert(f->lay, g_object_ref(pf), lf);
	return lf;
}

/* Asks fontconfig for one face; returns the match (caller destroys) or NULL. */
static FcPattern *match(fonts *f, const char *family, int bold, int italic)
{
	FcPattern *p = FcPatternCreate(), *m;
	FcResult res;

	FcPatternAddString(p, FC_FAMILY, (const FcChar8 *)family);
	FcPatternAddInteger(p, FC_WEIGHT, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
	FcPatternAddInteger(p, FC_SLANT, italic ? FC_SLANT_ITALIC : FC_SLANT_ROMAN);
	FcConfigSubstitute(f->config, p, FcMatchPattern);
	FcDefaultSubstitute(p);
	m = FcFontMatch(f->config, p, &res);
	FcPatternDestroy(p);
	return m;
}

/* Resolves a requested family once: the family itself, or a twin that fonts.conf
 * accepts for it (the family list after the configuration's substitutions). */
static struct family *resolve(fonts *f, const char *requested, const char *file, long line)
{
	struct family *fam = g_hash_table_lookup(f->families, requested);
	FcPattern *p, *m;
	FcChar8 *got = NULL, *allowed;
	int ok = 0;

	if (fam != NULL)
		return fam;
	fam = g_new0(struct family, 1);
	fam->requested = g_strdup(requested);
	g_hash_table_insert(f->families, fam->requested, fam);

	p = FcPatternCreate();
	FcPatternAddString(p, FC_FAMILY, (const FcChar8 *)requested);
	FcConfigSubstitute(f->config, p, FcMatchPattern);
	m = match(f, requested, 0, 0);
	if (m != NULL && FcPatternGetString(m, FC_FAMILY, 0, &got) == FcResultMatch) {
		for (int i = 0; FcPatternGetString(p, FC_FAMILY, i, &allowed) == FcResultMatch; i++)
			if (FcStrCmpIgnoreCase(allowed, got) == 0)
				ok = 1;
	}
	if (!ok) {
		msg(f->d, file, line, MSG_FONTS_NOT_INSTALLED, requested,
		    got ? _(" (the closest is \"") : "", got ? (const char *)got : "",
		    got ? _("\")") : "");
	} else {
		fam->used = g_strdup((const char *)got);
		for (int face = 0; face < FACES; face++) {
			FcPattern *fm = face == 0 ? FcPatternDuplicate(m)
						  : match(f, fam->used, face & 1, face >> 1);
			FcCharSet *cs;
			FcChar8 *ffam;
			int weight = 0, slant = 0;
			if (fm == NULL)
				continue;
			FcPatternGetInteger(fm, FC_WEIGHT, 0, &weight);
			FcPatternGetInteger(fm, FC_SLANT, 0, &slant);
			if (FcPatternGetString(fm, FC_FAMILY, 0, &ffam) != FcResultMatch ||
			    FcStrCmpIgnoreCase(ffam, (const FcChar8 *)fam->used) != 0 ||
			    ((face & 1) && weight < FC_WEIGHT_DEMIBOLD) ||
			    ((face >> 1) && slant == FC_SLANT_ROMAN))
				msg(f->d, file, line, MSG_FONTS_FONT_FACE_LETTERS, fam->used,
				    (const char *[]){_("regular"), _("bold"), _("italic"),
						     _("bold italic")}[face]);
			if (FcPatternGetCharSet(fm, FC_CHARSET, 0, &cs) == FcResultMatch)
				fam->cs[face] = FcCharSetCopy(cs);
			FcPatternDestroy(fm);
		}
		/* said once per run, however many documents (vbgen all) resolve it */
		if (diag_once(f->d, requested)) {
			if (strcmp(fam->used, requested) != 0)
				msg(f->d, NULL, 0, MSG_FONTS_USING_TWIN, requested, fam->used);
			else
				msg(f->d, NULL, 0, MSG_FONTS_FONT_USING, fam->used);
		}
	}
	if (m != NULL)
		FcPatternDestroy(m);
	FcPatternDestroy(p);
	return fam;
}

const PangoFontDescription *fonts_style(fonts *f, const doc_style *s)
{
	PangoFontDescription *d = g_hash_table_lookup(f->descs, s);
	struct family *fam;

	if (d != NULL)
		return d;
	fam = resolve(f, s->family, s->file, s->line);
	if (fam->used == NULL)
		return NULL;
	d = pango_font_description_new();
	pango_font_description_set_family(d, fam->used);
	pango_font_description_set_absolute_size(d, s->size * PANGO_SCALE);
	pango_font_description_set_weight(d, s->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_style(d, s->italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
	g_hash_table_insert(f->descs, (gpointer)s, d);
	return d;
}

const char *fonts_used_family(fonts *f, const char *requested)
{
	struct family *fam = g_hash_table_lookup(f->families, requested);

	return fam != NULL ? fam->used : NULL;
}

int fonts_check_text(fonts *f, const doc_style *s, const char *text, int len, const doc_run *runs,
		     int nruns, const char *file, long line)
{
	struct family *fam = g_hash_table_lookup(f->families, s->family);
	const char *p = text, *end = text + len;
	int missing = 0, r = 0;

	if (fam == NULL || fam->used == NULL)
		return 0; /* already reported by fonts_style() */
	while (p < end) {
		gunichar c = g_utf8_get_char(p);
		int off = (int)(p - text), bold = s->bold, italic = s->italic, face;
		while (r < nruns && runs[r].end <= off)
			r++;
		if (r < nruns && runs[r].start <= off) {
			bold |= runs[r].bold;
			italic |= runs[r].italic;
		}
		face = (bold ? 1 : 0) | (italic ? 2 : 0);
		if (c >= 0x20 && fam->cs[face] != NULL && !FcCharSetHasChar(fam->cs[face], c)) {
			missing++;
			if (!g_hash_table_contains(f->missing, GUINT_TO_POINTER(c))) {
				char ch[8] = "";
				int from = off > 30 ? off - 30 : 0;
				while (from > 0 && (text[from] & 0xC0) == 0x80)
					from--;
				g_unichar_to_utf8(c, ch);
				g_hash_table_add(f->missing, GUINT_TO_POINTER(c));
				msg(f->d, file, line, MSG_FONTS_CHARACTER_MISSING, ch, (unsigned)c,
				    (int)(end - text - from > 80 ? 80 : end - text - from),
				    text + from, fam->used);
			}
		}
		p = g_utf8_next_char(p);
	}
	return missing;
}

int fonts_has_char(fonts *f, const doc_style *s, gunichar c)
{
	struct family *fam = g_hash_table_lookup(f->families, s->family);
	int face = (s->bold ? 1 : 0) | (s->italic ? 2 : 0);

	if (fam == NULL || fam->used == NULL || fam->cs[face] == NULL)
		return 1; /* not resolved: reported by fonts_style() */
	return FcCharSetHasChar(fam->cs[face], c);
}

void fonts_forget_reports(fonts *f)
{
	g_hash_table_remove_all(f->missing);
}
