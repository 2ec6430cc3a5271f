/* png.c - page previews: the laid-out pages drawn with Cairo into PNG images (the same
 * positions as the PDF, for a person to look at). */
#include "pdf.h"

#include "diag.h"

#include <cairo.h>
#include <errno.h>
#include <pango/pangocairo.h>
#include <string.h>

static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int len)
{
	return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS
						    : CAIRO_STATUS_WRITE_ERROR;
}

void png_draw_page(const lay_doc *ld, int page, void *cairo_context)
{
	cairo_t *cr = cairo_context;
	const lay_page *pg = g_ptr_array_index(ld->pages, page);

	cairo_set_source_rgb(cr, 0, 0, 0);
	for (guint i = 0; i < pg->elems->len; i++) {
		const lay_elem *e = &g_array_index(pg->elems, lay_elem, i);
		switch (e->kind) {
		case EL_TEXT:
			cairo_move_to(cr, e->x, e->y);
			pango_cairo_show_layout_line(cr, e->line);
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
		}
	}
}

int png_write(const lay_doc *ld, const char *dir, const char *stem, double dpi)
{
	double k = dpi / 72.0;

	if (g_mkdir_with_parents(dir, 0755) != 0) {
		diag(dir, 0, DIAG_SYSTEM, "cannot make the folder: %s", strerror(errno));
		return EXIT_SYSTEM;
	}
	for (guint p = 0; p < ld->pages->len; p++) {
		const lay_page *pg = g_ptr_array_index(ld->pages, p);
		cairo_surface_t *s =
			cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(pg->width * k + 0.5),
						   (int)(pg->height * k + 0.5));
		cairo_t *cr = cairo_create(s);
		char *path = g_strdup_printf("%s/%s-%u.png", dir, stem, p + 1);
		char *tmp = NULL;
		FILE *f;
		int rc;

		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
		cairo_scale(cr, k, k);
		png_draw_page(ld, (int)p, cr);
		cairo_destroy(cr);
		f = out_open(path, &tmp);
		rc = f == NULL ? EXIT_SYSTEM : EXIT_OK;
		if (f != NULL &&
		    cairo_surface_write_to_png_stream(s, write_cb, f) != CAIRO_STATUS_SUCCESS) {
			diag(path, 0, DIAG_SYSTEM, "the preview could not be written");
			out_abort(f, tmp);
			rc = EXIT_SYSTEM;
		} else if (f != NULL)
			rc = out_commit(f, tmp, path);
		cairo_surface_destroy(s);
		g_free(path);
		if (rc != EXIT_OK)
			return rc;
	}
	return EXIT_OK;
}
