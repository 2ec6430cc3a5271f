/* png.c - page previews: the laid-out pages drawn with Cairo into PNG images (the same
 * positions as the PDF, for a person to look at). Glyphs are drawn from the lines' glyph
 * runs (lay.h) with the font file each run names. */
#include "png.h"

#include "diag.h"
#include "i18n.h"
#include "msg.h"
#include "out.h"

#include <cairo-ft.h>
#include <cairo.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <string.h>

static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int len)
{
	return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS
						    : CAIRO_STATUS_WRITE_ERROR;
}

/* The Cairo face of a font file, made once per preview run (faces: lay_font * ->
 * cairo_font_face_t *). */
static cairo_font_face_t *face_of(GHashTable *faces, const lay_font *lf)
{
	cairo_font_face_t *cf = g_hash_table_lookup(faces, lf);
	FcPattern *pat;

	if (cf != NULL)
		return cf;
	pat = FcPatternCreate();
	FcPatternAddString(pat, FC_FILE, (const FcChar8 *)lf->file);
	FcPatternAddInteger(pat, FC_INDEX, lf->index);
	cf = cairo_ft_font_face_create_for_pattern(pat);
	FcPatternDestroy(pat);
	g_hash_table_insert(faces, (gpointer)lf, cf);
	return cf;
}

/* One line of text: each run's glyphs from the pen position at the baseline. */
static void draw_line(cairo_t *cr, GHashTable *faces, const lay_elem *e)
{
	double x = e->x;

	for (int r = 0; r < e->line->nruns; r++) {
		const lay_run *run = &e->line->runs[r];
		cairo_glyph_t *g = g_new(cairo_glyph_t, run->nglyphs > 0 ? run->nglyphs : 1);
		int n = 0;
		for (int i = 0; i < run->nglyphs; i++) {
			const lay_glyph *gi = &run->glyphs[i];
			if (gi->id != LAY_GLYPH_NONE) {
				g[n].index = gi->id;
				g[n].x = x + (double)gi->dx / LAY_UNIT;
				g[n].y = e->y + (double)gi->dy / LAY_UNIT;
				n++;
			}
			x += (double)gi->advance / LAY_UNIT;
		}
		cairo_set_font_face(cr, face_of(faces, run->font));
		cairo_set_font_size(cr, run->font->size);
		cairo_show_glyphs(cr, g, n);
		g_free(g);
	}
}

static void draw(const lay_page *pg, cairo_t *cr, GHashTable *faces)
{
	cairo_font_options_t *opts = cairo_font_options_create();

	/* unhinted, as the layout measured */
	cairo_font_options_set_hint_metrics(opts, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(opts, CAIRO_HINT_STYLE_NONE);
	cairo_set_font_options(cr, opts);
	cairo_font_options_destroy(opts);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (guint i = 0; i < pg->elems->len; i++) {
		const lay_elem *e = &g_array_index(pg->elems, lay_elem, i);
		switch (e->kind) {
		case EL_TEXT:
			draw_line(cr, faces, e);
			break;
		case EL_RULE:
			cairo_rectangle(cr, e->x, e->y - e->h / 2, e->w, e->h);
			cairo_fill(cr);
			break;
		case EL_BOX:
			cairo_set_line_width(cr, e->stroke);
			cairo_rectangle(cr, e->x, e->y, e->w, e->h);
			cairo_stroke(cr);
			break;
		case EL_FIELD: /* an empty signing place draws nothing */
			break;
		}
	}
}

int png_write(struct diag *diag, const lay_doc *ld, const char *dir, const char *stem, double dpi)
{
	double k = dpi / 72.0;
	GHashTable *faces;
	int rc = EXIT_OK;

	if (g_mkdir_with_parents(dir, 0755) != 0) {
		msg(diag, dir, 0, MSG_PNG_FOLDER, i18n_strerror(errno));
		return EXIT_SYSTEM;
	}
	faces = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
				      (GDestroyNotify)cairo_font_face_destroy);
	for (guint p = 0; p < ld->pages->len && rc == EXIT_OK; p++) {
		const lay_page *pg = g_ptr_array_index(ld->pages, p);
		cairo_surface_t *s =
			cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(pg->width * k + 0.5),
						   (int)(pg->height * k + 0.5));
		cairo_t *cr = cairo_create(s);
		char *path = g_strdup_printf("%s/%s-%u.png", dir, stem, p + 1);
		char *tmp = NULL;
		FILE *f;

		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
		cairo_scale(cr, k, k);
		draw(pg, cr, faces);
		cairo_destroy(cr);
		f = out_open(diag, path, &tmp);
		rc = f == NULL ? EXIT_SYSTEM : EXIT_OK;
		if (f != NULL &&
		    cairo_surface_write_to_png_stream(s, write_cb, f) != CAIRO_STATUS_SUCCESS) {
			out_write_failed(diag, path, errno);
			out_abort(f, tmp);
			rc = EXIT_SYSTEM;
		} else if (f != NULL)
			rc = out_commit(diag, f, tmp, path);
		cairo_surface_destroy(s);
		g_free(path);
	}
	g_hash_table_destroy(faces);
	return rc;
}
