/* bare.c - the bare baseline of `make bench`: the same text drawn with Pango and Cairo
 * and nothing else, so that vbgen's own cost can be reported as a ratio.
 *
 *   build/bare [-s STYLES] [-n N] [-t] -o OUT DUMP
 *
 * DUMP is what `vbgen ... --dump layout` printed for a document (gen/dump.c):
 *
 *   page N WxH number=K
 *     text X Y W STYLE [bookmark] TEXT     one line of text, X Y the left end of its baseline
 *     rule X Y W T                         a rule, Y its centre line, T its thickness
 *     box  X Y W H                         a rectangle outline
 *
 * bare reads the whole dump into memory first, then draws it into the PDF file OUT: for
 * every page it sets the page size, and for every text line it creates a PangoLayout,
 * gives it the font of the line's style and the line's text, and shows the layout's line
 * at (X, Y) with pango_cairo_show_layout_line(), justified to the width W the dump gives
 * (a line vbgen did not justify has its natural width there, so justifying it changes
 * nothing), as vbgen draws it; rules are filled rectangles and boxes stroked ones. With
 * -n N it draws the same dump N times into N separate PDF files OUT/bare-0001.pdf ...
 * (OUT is then a folder, which must exist): the dump of one letter gives the cost of one
 * letter among many, as `vbgen letters` makes them in one process. A "letter ID" line (the
 * dump of `vbgen letters`) is skipped: give bare the dump of one letter.
 *
 * STYLES (made by `tools/synth.py --styles` from the templates) gives each style name its
 * size in points and whether it is bold and italic: "body 14 0 0", one style a line. The
 * family is always "Times New Roman", found through the default fontconfig configuration
 * of the machine (on Debian its metric twin Liberation Serif, as in vbgen). A style not in
 * the table, or every style without -s, is drawn at 14 pt regular.
 *
 * Why this is a fair baseline. It is what a plain program must do at the least to put the
 * same text on the same pages: start up, let fontconfig load its configuration and find
 * the font, let Pango shape every line (HarfBuzz: every glyph of every line, once), let
 * Cairo draw the glyphs, subset and embed the fonts, compress the page streams and write
 * the file. It creates one Pango context per document (pango_cairo_create_context) and one
 * layout per line, as a straightforward program would, and keeps no cache of its own
 * beyond one font description per style. What it leaves out is what vbgen adds: reading
 * and validating the plan (libxml2, RelaxNG, the meaning checks), loading and expanding
 * the templates (XPath), breaking paragraphs into lines and pages, its private fontconfig
 * and the coverage check of every character, the PDF outline and metadata. Shaping costs
 * about the same per glyph whether a layout holds a line (bare) or a paragraph (vbgen):
 * on the sample plan, Pango's work in the two programs is within 6% in instructions
 * (callgrind). The one place where the two do the same job differently is the PDF:
 * vbgen writes it with its own writer (gen/pdf.c, gen/ttf.c), bare through Cairo's PDF
 * surface, which records each page and replays it when the page is shown; Cairo's way
 * costs more, so a ratio under 1 is possible and means that vbgen's own work costs less
 * than what its writer saves. Inline bold and italic inside a line are not in the dump;
 * bare draws the whole line in its style's face, which changes no measurable cost.
 *
 * Timing. The wall time of the whole process, start-up included as for vbgen, is the
 * baseline; bench.sh measures it from outside. Reading the dump is not part of the work
 * being compared: with -t bare prints on standard error how long reading took (about a
 * millisecond per ten pages) and how long drawing took, in total and per document,
 * measured with CLOCK_MONOTONIC, and bench.sh takes the reading time off:
 *
 *   bare: read 0.21 ms; drew 1 document (8 pages, 272 lines) in 21.40 ms, 21.40 ms each; 0
 *   lines wider than in vbgen drawn unjustified
 *
 * (A line wider than the width the dump gives, because bare draws inline italic in the
 * line's own face, would wrap; bare draws it unjustified and counts it. BARE_DEBUG=1 in
 * the environment lists them.)
 *
 * Exit status: 0 done, 1 the dump is malformed, 2 the command line is wrong, 3 a file
 * cannot be read or written. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BARE_FAMILY "Times New Roman"
#define BARE_DEFAULT_SIZE 14.0
#define BARE_MAX_STYLES 256  /* templates declare a few dozen */
#define BARE_MAX_DOCS 100000 /* -n: more letters than any district has agencies */

struct style {
	char name[64];
	double size;
	int bold, italic;
	PangoFontDescription *desc;
};

enum kind { K_TEXT, K_RULE, K_BOX };

struct elem {
	enum kind kind;
	double x, y, w, h;
	int style;
	const char *text; /* into the dump buffer, not NUL-terminated */
	int len;
};

struct page {
	double w, h;
	size_t first, count; /* elements */
};

static struct style styles[BARE_MAX_STYLES];
static int nstyles;
static struct elem *elems;
static size_t nelems, elems_cap;
static struct page *pages;
static size_t npages, pages_cap;
static size_t nlines;
static size_t unjustified; /* lines that did not fit their width again: drawn unjustified */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Reads a whole file into a NUL-terminated buffer (the caller frees it), or NULL. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (f == NULL)
		return NULL;
	do {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			char *nb = realloc(buf, cap + 1);
			if (nb == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Returns the index of a style, adding it (14 pt regular) when the table lacks it. */
static int style_index(const char *name, size_t len)
{
	for (int i = 0; i < nstyles; i++)
		if (strlen(styles[i].name) == len && memcmp(styles[i].name, name, len) == 0)
			return i;
	if (nstyles == BARE_MAX_STYLES || len >= sizeof styles[0].name)
		return 0;
	memcpy(styles[nstyles].name, name, len);
	styles[nstyles].name[len] = '\0';
	styles[nstyles].size = BARE_DEFAULT_SIZE;
	return nstyles++;
}

static int read_styles(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256], name[64];
	double size;
	int bold, italic;

	if (f == NULL) {
		fprintf(stderr, "bare: %s: %s\n", path, strerror(errno));
		return 3;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%63s %lf %d %d", name, &size, &bold, &italic) != 4)
			continue;
		int i = style_index(name, strlen(name));
		styles[i].size = size > 0 ? size : BARE_DEFAULT_SIZE;
		styles[i].bold = bold;
		styles[i].italic = italic;
	}
	fclose(f);
	return 0;
}

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	*cap = *cap ? *cap * 2 : 1024;
	p = realloc(p, *cap * size);
	if (p == NULL) {
		fprintf(stderr, "bare: out of memory\n");
		exit(3);
	}
	return p;
}

/* Parses the dump in buf (modified: lines are cut at their ends). Returns 0, or 1 with a
 * message for a line it does not understand. */
static int parse(char *buf, const char *path)
{
	long lineno = 0;

	for (char *p = buf, *next; *p != '\0'; p = next) {
		char *nl = strchr(p, '\n');
		next = nl != NULL ? nl + 1 : p + strlen(p);
		if (nl != NULL)
			*nl = '\0';
		lineno++;
		struct elem e = {0};
		char *s = p;
		while (*s == ' ')
			s++;
		/* "letter ID" heads each letter in a dump of `vbgen letters`: bare draws
		 * whatever follows as one document, so give it the dump of one letter */
		if (*s == '\0' || strncmp(s, "letter ", 7) == 0)
			goto next;
		if (strncmp(s, "page ", 5) == 0) {
			struct page pg = {0};
			if (sscanf(s, "page %*u %lfx%lf", &pg.w, &pg.h) != 2)
				goto bad;
			pg.first = nelems;
			pages = grow(pages, &pages_cap, npages + 1, sizeof *pages);
			pages[npages++] = pg;
			goto next;
		}
		if (npages == 0)
			goto bad;
		if (strncmp(s, "text ", 5) == 0) {
			/* "text %7.2f %7.2f %7.2f %-12s %s": the style is padded to 12 and followed
			 * by one space, then the text (after an optional "[bookmark] ") */
			char *end;
			e.kind = K_TEXT;
			e.x = strtod(s + 5, &end);
			e.y = strtod(end, &end);
			e.w = strtod(end, &end);
			while (*end == ' ')
				end++;
			char *name = end;
			while (*end != ' ' && *end != '\0')
				end++;
			size_t nlen = (size_t)(end - name);
			if (nlen == 0)
				goto bad;
			e.style = style_index(name, nlen);
			for (size_t k = nlen; k < 12 && *end == ' '; k++)
				end++;
			if (*end == ' ')
				end++;
			if (strncmp(end, "[bookmark] ", 11) == 0)
				end += 11;
			e.text = end;
			e.len = (int)strlen(end);
			nlines++;
		} else if (strncmp(s, "rule ", 5) == 0) {
			e.kind = K_RULE;
			if (sscanf(s + 5, "%lf %lf %lf %lf", &e.x, &e.y, &e.w, &e.h) != 4)
				goto bad;
		} else if (strncmp(s, "box ", 4) == 0) {
			e.kind = K_BOX;
			if (sscanf(s + 4, "%lf %lf %lf %lf", &e.x, &e.y, &e.w, &e.h) != 4)
				goto bad;
		} else
			goto bad;
		elems = grow(elems, &elems_cap, nelems + 1, sizeof *elems);
		elems[nelems++] = e;
		pages[npages - 1].count++;
	next:
		continue;
	bad:
		fprintf(stderr, "bare: %s:%ld: not a line of a layout dump: %.60s\n", path, lineno,
			p);
		return 1;
	}
	if (npages == 0) {
		fprintf(stderr, "bare: %s: no pages in the dump\n", path);
		return 1;
	}
	return 0;
}

static const PangoFontDescription *font_of(int i)
{
	struct style *st = &styles[i];

	if (st->desc == NULL) {
		st->desc = pango_font_description_new();
		pango_font_description_set_family(st->desc, BARE_FAMILY);
		pango_font_description_set_absolute_size(st->desc, st->size * PANGO_SCALE);
		pango_font_description_set_weight(st->desc, st->bold ? PANGO_WEIGHT_BOLD
								     : PANGO_WEIGHT_NORMAL);
		pango_font_description_set_style(st->desc, st->italic ? PANGO_STYLE_ITALIC
								      : PANGO_STYLE_NORMAL);
	}
	return st->desc;
}

/* Draws every page into a new PDF file at path. Returns 0 or 3 after reporting. */
static int draw(const char *path)
{
	cairo_surface_t *s = cairo_pdf_surface_create(path, pages[0].w, pages[0].h);
	cairo_t *cr = cairo_create(s);
	PangoContext *ctx = pango_cairo_create_context(cr);
	cairo_status_t st;

	/* vbgen's glyph positions are not rounded either: the same line widths */
	pango_context_set_round_glyph_positions(ctx, FALSE);

	for (size_t p = 0; p < npages; p++) {
		cairo_pdf_surface_set_size(s, pages[p].w, pages[p].h);
		cairo_set_source_rgb(cr, 0, 0, 0);
		for (size_t i = pages[p].first; i < pages[p].first + pages[p].count; i++) {
			const struct elem *e = &elems[i];
			switch (e->kind) {
			case K_TEXT: {
				PangoLayout *l = pango_layout_new(ctx);
				pango_layout_set_font_description(l, font_of(e->style));
				pango_layout_set_text(l, e->text, e->len);
				/* Justified as in vbgen: stretched to its width in the dump, which
				 * is its natural width when vbgen did not justify it (the extra
				 * point keeps rounding from wrapping it). */
				pango_layout_set_width(l, (int)((e->w + 1.0) * PANGO_SCALE));
				pango_layout_set_justify(l, TRUE);
				pango_layout_set_justify_last_line(l, TRUE);
				if (pango_layout_get_line_count(l) > 1) {
					pango_layout_set_width(l, -1);
					unjustified++;
					if (getenv("BARE_DEBUG") != NULL)
						fprintf(stderr, "bare: unjustified: %.*s\n", e->len,
							e->text);
				}
				cairo_move_to(cr, e->x, e->y);
				pango_cairo_show_layout_line(cr,
							     pango_layout_get_line_readonly(l, 0));
				g_object_unref(l);
				break;
			}
			case K_RULE:
				cairo_rectangle(cr, e->x, e->y - e->h / 2, e->w, e->h);
				cairo_fill(cr);
				break;
			case K_BOX:
				cairo_set_line_width(cr, 0.5);
				cairo_rectangle(cr, e->x, e->y, e->w, e->h);
				cairo_stroke(cr);
				break;
			}
		}
		cairo_show_page(cr);
	}
	g_object_unref(ctx);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "bare: %s: %s\n", path, cairo_status_to_string(st));
		return 3;
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: bare [-s STYLES] [-n N] [-t] -o OUT DUMP\n"
		"  draws a `vbgen --dump layout` dump into the PDF file OUT with Pango and\n"
		"  Cairo only; with -n N, N times into OUT/bare-0001.pdf ... (OUT a folder);\n"
		"  -t prints the time spent reading and drawing on standard error\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *out = NULL, *styles_path = NULL;
	long ndocs = 0;
	int opt, timing = 0, rc;
	char *buf, *end;
	size_t len;
	double t0, t1, t2;

	while ((opt = getopt(argc, argv, "s:n:o:t")) != -1) {
		switch (opt) {
		case 's':
			styles_path = optarg;
			break;
		case 'n':
			ndocs = strtol(optarg, &end, 10);
			if (*end != '\0' || ndocs < 1 || ndocs > BARE_MAX_DOCS)
				return usage();
			break;
		case 'o':
			out = optarg;
			break;
		case 't':
			timing = 1;
			break;
		default:
			return usage();
		}
	}
	if (out == NULL || optind + 1 != argc)
		return usage();
	if (styles_path != NULL && (rc = read_styles(styles_path)) != 0)
		return rc;

	t0 = now_ms();
	buf = slurp(argv[optind], &len);
	if (buf == NULL) {
		fprintf(stderr, "bare: %s: %s\n", argv[optind], strerror(errno));
		return 3;
	}
	if ((rc = parse(buf, argv[optind])) != 0)
		return rc;
	t1 = now_ms();

	if (ndocs == 0) {
		rc = draw(out);
	} else {
		size_t plen = strlen(out) + 32;
		char *path = malloc(plen);
		rc = 0;
		for (long i = 1; i <= ndocs && rc == 0; i++) {
			snprintf(path, plen, "%s/bare-%04ld.pdf", out, i);
			rc = draw(path);
		}
		free(path);
	}
	t2 = now_ms();
	if (timing && rc == 0) {
		long n = ndocs ? ndocs : 1;
		fprintf(stderr,
			"bare: read %.2f ms; drew %ld document%s (%zu pages, %zu lines) in %.2f "
			"ms, "
			"%.2f ms each; %zu line%s wider than in vbgen drawn unjustified\n",
			t1 - t0, n, n == 1 ? "" : "s", npages, nlines, t2 - t1, (t2 - t1) / n,
			unjustified / (size_t)n, unjustified / (size_t)n == 1 ? "" : "s");
	}
	for (int i = 0; i < nstyles; i++)
		if (styles[i].desc != NULL)
			pango_font_description_free(styles[i].desc);
	free(elems);
	free(pages);
	free(buf);
	return rc;
}
