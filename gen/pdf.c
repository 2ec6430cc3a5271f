/* pdf.c - drawing laid-out pages into PDF and PNG, and the atomic file writing every
 * output shares; see pdf.h. */
#include "pdf.h"

#include "diag.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <signal.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef VBGEN_VERSION
#define VBGEN_VERSION "0.0"
#endif

/* Bookmarks nest at most this deep (I. / 1. / 2.1. / a) and the appendix). */
#define PDF_MAX_OUTLINE 8

/* Temporary files being written, for the signal handler. A process writes at most a
 * letter and the print file at once. */
#define OUT_MAX_OPEN 8
#define OUT_PATH_MAX 4096
static char open_tmp[OUT_MAX_OPEN][OUT_PATH_MAX];
static volatile sig_atomic_t open_used[OUT_MAX_OPEN];

static void track(const char *tmp, int on)
{
	for (int i = 0; i < OUT_MAX_OPEN; i++) {
		if (on && !open_used[i] && strlen(tmp) < OUT_PATH_MAX) {
			strcpy(open_tmp[i], tmp);
			open_used[i] = 1;
			return;
		}
		if (!on && open_used[i] && strcmp(open_tmp[i], tmp) == 0) {
			open_used[i] = 0;
			return;
		}
	}
}

static void on_signal(int sig)
{
	for (int i = 0; i < OUT_MAX_OPEN; i++)
		if (open_used[i])
			unlink(open_tmp[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

void out_install_signal_cleanup(void)
{
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
}

FILE *out_open(const char *path, char **tmp)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash != NULL ? (size_t)(slash - path + 1) : 0;
	char *name = g_strdup_printf("%.*s.%s.tmp-XXXXXX", (int)dirlen, path,
				     slash != NULL ? slash + 1 : path);
	int fd = mkstemp(name);
	FILE *f;

	if (fd < 0) {
		diag(path, 0, DIAG_SYSTEM,
		     "cannot write here: %s; check that the folder exists and that you may write "
		     "in it",
		     strerror(errno));
		g_free(name);
		return NULL;
	}
	track(name, 1);
	fchmod(fd, 0644);
	f = fdopen(fd, "wb");
	*tmp = name;
	return f;
}

int out_commit(FILE *f, char *tmp, const char *path)
{
	int bad = ferror(f) || fflush(f) != 0;

	if (fclose(f) != 0 || bad) {
		diag(path, 0, DIAG_SYSTEM, "writing failed (disk full?): %s", strerror(errno));
		unlink(tmp);
		track(tmp, 0);
		g_free(tmp);
		return EXIT_SYSTEM;
	}
	if (rename(tmp, path) != 0) {
		diag(path, 0, DIAG_SYSTEM, "cannot put the file in place: %s", strerror(errno));
		unlink(tmp);
		track(tmp, 0);
		g_free(tmp);
		return EXIT_SYSTEM;
	}
	track(tmp, 0);
	g_free(tmp);
	return EXIT_OK;
}

void out_abort(FILE *f, char *tmp)
{
	if (f != NULL)
		fclose(f);
	if (tmp != NULL) {
		unlink(tmp);
		track(tmp, 0);
	}
	g_free(tmp);
}

static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int len)
{
	return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS
						   : CAIRO_STATUS_WRITE_ERROR;
}

void pdf_draw_page(const lay_doc *ld, int page, void *cairo_context)
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

/* The creation date: SOURCE_DATE_EPOCH when set (reproducible builds), else the
 * document's own date, so that the same input always gives the same bytes. */
static void creation_date(const doc *d, char *buf, size_t size)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	struct tm tm;

	if (sde != NULL && *sde != '\0') {
		time_t t = (time_t)strtoll(sde, NULL, 10);
		gmtime_r(&t, &tm);
		strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	} else if (d->create_date != NULL && strlen(d->create_date) == 10)
		snprintf(buf, size, "%sT00:00:00", d->create_date);
	else
		snprintf(buf, size, "2000-01-01T00:00:00");
}

struct pdf_out {
	char *path, *tmp;
	FILE *f;
	cairo_surface_t *s;
	cairo_t *cr;
	int pages;
};

pdf_out *pdf_open(const char *path, const doc *meta)
{
	pdf_out *o = g_new0(pdf_out, 1);
	char date[32];

	o->f = out_open(path, &o->tmp);
	if (o->f == NULL) {
		g_free(o);
		return NULL;
	}
	o->path = g_strdup(path);
	o->s = cairo_pdf_surface_create_for_stream(write_cb, o->f, 595.28, 841.89);
	creation_date(meta, date, sizeof date);
	if (meta->title != NULL)
		cairo_pdf_surface_set_metadata(o->s, CAIRO_PDF_METADATA_TITLE, meta->title);
	if (meta->author != NULL)
		cairo_pdf_surface_set_metadata(o->s, CAIRO_PDF_METADATA_AUTHOR, meta->author);
	if (meta->subject != NULL)
		cairo_pdf_surface_set_metadata(o->s, CAIRO_PDF_METADATA_SUBJECT, meta->subject);
	cairo_pdf_surface_set_metadata(o->s, CAIRO_PDF_METADATA_CREATOR, "vbgen " VBGEN_VERSION);
	cairo_pdf_surface_set_metadata(o->s, CAIRO_PDF_METADATA_CREATE_DATE, date);
	cairo_pdf_surface_set_metadata(o->s, CAIRO_PDF_METADATA_MOD_DATE, date);
	o->cr = cairo_create(o->s);
	return o;
}

static void add_outline(pdf_out *o, const lay_page *pg, int *outline)
{
	for (guint i = 0; i < pg->elems->len; i++) {
		const lay_elem *e = &g_array_index(pg->elems, lay_elem, i);
		char link[96];
		int lvl = e->bookmark;
		if (lvl <= 0 || e->kind != EL_TEXT)
			continue;
		if (lvl > PDF_MAX_OUTLINE)
			lvl = PDF_MAX_OUTLINE;
		snprintf(link, sizeof link, "page=%d pos=[%.2f %.2f]", o->pages, e->x,
			 e->y - e->style->size);
		char *title = g_strndup(e->bookmark_title, 200);
		outline[lvl] = cairo_pdf_surface_add_outline(
			o->s, lvl > 1 ? outline[lvl - 1] : CAIRO_PDF_OUTLINE_ROOT, title, link, 0);
		g_free(title);
	}
}

int pdf_add(pdf_out *o, const lay_doc *ld, const char *bookmark, int copies, int duplex)
{
	int outline[PDF_MAX_OUTLINE + 1] = {0}, added = 0;

	for (int c = 0; c < copies; c++) {
		for (guint p = 0; p < ld->pages->len; p++) {
			const lay_page *pg = g_ptr_array_index(ld->pages, p);
			cairo_pdf_surface_set_size(o->s, pg->width, pg->height);
			pdf_draw_page(ld, (int)p, o->cr);
			o->pages++;
			if (c == 0 && p == 0 && bookmark != NULL) {
				char link[64];
				snprintf(link, sizeof link, "page=%d pos=[0 0]", o->pages);
				cairo_pdf_surface_add_outline(o->s, CAIRO_PDF_OUTLINE_ROOT, bookmark,
							      link, 0);
			}
			if (c == 0 && bookmark == NULL)
				add_outline(o, pg, outline);
			cairo_show_page(o->cr);
			added++;
		}
		if (duplex && ld->pages->len % 2 == 1) {
			/* a blank back, so that the next copy starts on a new sheet */
			o->pages++;
			cairo_show_page(o->cr);
			added++;
		}
	}
	return added;
}

int pdf_close(pdf_out *o)
{
	cairo_status_t st;
	int rc;

	cairo_destroy(o->cr);
	cairo_surface_finish(o->s);
	st = cairo_surface_status(o->s);
	cairo_surface_destroy(o->s);
	if (st != CAIRO_STATUS_SUCCESS || o->pages == 0) {
		diag(o->path, 0, DIAG_SYSTEM, "the PDF could not be written: %s",
		     o->pages == 0 ? "it has no pages" : cairo_status_to_string(st));
		out_abort(o->f, o->tmp);
		rc = EXIT_SYSTEM;
	} else
		rc = out_commit(o->f, o->tmp, o->path);
	g_free(o->path);
	g_free(o);
	return rc;
}

void pdf_cancel(pdf_out *o)
{
	if (o == NULL)
		return;
	cairo_destroy(o->cr);
	cairo_surface_finish(o->s);
	cairo_surface_destroy(o->s);
	out_abort(o->f, o->tmp);
	g_free(o->path);
	g_free(o);
}

int pdf_write(const lay_doc *ld, const char *path)
{
	pdf_out *o = pdf_open(path, ld->d);

	if (o == NULL)
		return EXIT_SYSTEM;
	pdf_add(o, ld, NULL, 1, 0);
	return pdf_close(o);
}

int pdf_png(const lay_doc *ld, const char *dir, const char *stem, double dpi)
{
	double k = dpi / 72.0;

	if (g_mkdir_with_parents(dir, 0755) != 0) {
		diag(dir, 0, DIAG_SYSTEM, "cannot make the folder: %s", strerror(errno));
		return EXIT_SYSTEM;
	}
	for (guint p = 0; p < ld->pages->len; p++) {
		const lay_page *pg = g_ptr_array_index(ld->pages, p);
		cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
								(int)(pg->width * k + 0.5),
								(int)(pg->height * k + 0.5));
		cairo_t *cr = cairo_create(s);
		char *path = g_strdup_printf("%s/%s-%u.png", dir, stem, p + 1);
		char *tmp = NULL;
		FILE *f;
		int rc;

		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
		cairo_scale(cr, k, k);
		pdf_draw_page(ld, (int)p, cr);
		cairo_destroy(cr);
		f = out_open(path, &tmp);
		rc = f == NULL ? EXIT_SYSTEM : EXIT_OK;
		if (f != NULL && cairo_surface_write_to_png_stream(s, write_cb, f) != CAIRO_STATUS_SUCCESS) {
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
