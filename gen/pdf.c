/* pdf.c - the PDF writer: laid-out pages into PDF, with embedded subset TrueType fonts.
 *
 * vbgen writes its PDF itself rather than through a Cairo surface because a batch of
 * letters shares almost everything: the font programs are subset and compressed once per
 * glyph set and reused by every letter (ttf.c), each page is a short content stream
 * of glyph ids placed exactly where the layout put them, and the copies of a letter in
 * the print file draw the same content streams, written once. Text is Identity-H
 * encoded with a ToUnicode map, so that text extraction (pdftotext, the records office's checker)
 * reads the same NFC text that was laid out. The same input gives the same bytes: no clock, no
 * random tags (the subset tag is derived from the glyph set), and the file's /ID is the
 * MD5 of the bytes before it, so that two different documents never share one.
 *
 * For the e-government workflow: the signing places of the pages become empty signature
 * fields (one object each, field and widget merged, in the AcroForm), the file keeps one
 * classic cross-reference table so that a signing tool appends without rewriting, and
 * the document's metadata is written twice, as the Info dictionary and as XMP (the
 * catalog's /Metadata), saying the same.
 *
 * Every file is PDF/A-2b (ISO 19005-2, level B), which costs a few hundred bytes: the
 * XMP names the part and level (pdfaid), and the catalog's output intent carries an sRGB
 * profile that LittleCMS makes once per process (about 600 bytes, 360 compressed), so
 * that no profile file has to be found at run time. The rest of what PDF/A-2b asks was
 * already so: every font embedded, no encryption, the /ID, one classic cross-reference
 * table, no transparency, the widgets printable (/F 4) with an appearance of their own.
 *
 * It reads the laid-out lines' glyph runs (lay.h) and nothing of Pango: a face is known
 * by its file, and its base repertoire is read from the file with HarfBuzz.
 *
 * Ownership: a pdf_out owns its file and per-document font usage; the faces and their
 * subset caches live in a registry for the whole run (pdf_shutdown() frees them). */
#include "pdf.h"

#include "diag.h"
#include "i18n.h"
#include "msg.h"
#include "out.h"
#include "ttf.h"

#include <errno.h>
#include <harfbuzz/hb.h>
#include <lcms2.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#ifndef VBGEN_VERSION
#define VBGEN_VERSION "0.0"
#endif

/* Bookmarks nest at most this deep (I. / 1. / 2.1. / a) and the appendix). */
#define PDF_MAX_OUTLINE 8
/* Fonts one document may use; a plan uses four faces. */
#define PDF_MAX_FONTS 32
/* A bookmark title is cut at this many bytes (at a character boundary): a heading can
 * be a whole sentence, and readers show a line. */
#define PDF_MAX_TITLE 200
/* zlib levels of the pages' content streams. A batch of letters (PDF_SHARE_FONTS with
 * PDF_FIELDS) writes thousands of short pages, and level 1 keeps the cost of a letter
 * where it was; a plan or an appendix is written once, and level 5 makes its pages about
 * a quarter smaller for about 5% more time (a plan of 200 pages; level 6 costs twice that
 * for 3% fewer bytes). The print file (PDF_SHARE_FONTS without fields) writes each
 * letter's content once for all its copies, so level 5 there costs nothing measurable in
 * the batch (1,000 letters with --print: CPU 0.93x of level 1's, median of 5 pairs) and
 * makes it 8% smaller. */
#define PDF_ZLEVEL_BATCH 1
#define PDF_ZLEVEL_DOC 5
/* ToUnicode entries per bfchar block (the PDF limit is 100). */
#define PDF_BFCHAR_BLOCK 100

/* Characters whose glyphs every subset carries, so that documents that differ only in
 * their words (a batch of letters) share one font program: ASCII, Latin-1, the
 * Vietnamese letters and common typographic punctuation. */
static const gunichar base_ranges[][2] = {
	{0x0020, 0x007E}, {0x00A0, 0x00FF}, {0x0102, 0x0103}, {0x0110, 0x0111},
	{0x0128, 0x0129}, {0x0168, 0x0169}, {0x01A0, 0x01A1}, {0x01AF, 0x01B0},
	{0x1EA0, 0x1EF9}, {0x2013, 0x2014}, {0x2018, 0x201D}, {0x2026, 0x2026},
};

/* The parts of a font's PDF objects that depend only on its glyph set: made once per
 * set and reused by every document with that set (a batch of letters). */
struct font_dicts {
	guint hash;
	uint8_t *used;       /* the glyph set */
	char *widths;        /* the /W array */
	unsigned char *cmap; /* the ToUnicode CMap, compressed */
	size_t cmap_len;
};

/* Glyph-set dictionaries kept per face; a batch needs one or two. */
#define PDF_DICTS_MAX 16

/* A font face known to the writer (process lifetime). */
struct face {
	char *path;
	int index;
	ttf *t;
	uint8_t *base;      /* glyphs of the base repertoire */
	gunichar *base_uni; /* the character each base glyph stands for, or 0 */
	int *w1000;         /* advance widths in 1/1000 em, per glyph */
	int space;          /* the glyph of U+0020, or -1 */
	GPtrArray *dicts;   /* struct font_dicts * */
};

static GHashTable *faces_by_path; /* "path#index" -> struct face */

/* The output intent's sRGB profile, compressed (process lifetime; see srgb_profile()). */
static unsigned char *srgb_icc;
static size_t srgb_icc_len;

/* One face's use in one document. */
struct docfont {
	struct face *face;
	int obj;       /* the Type0 font object */
	uint8_t *used; /* glyph set */
	char **uni;    /* gid -> UTF-8 text, for ToUnicode */
};

struct bookmark {
	char *title;
	int level, page; /* page index (0-based) */
	double x, y;     /* PDF coordinates */
};

/* The structure tree (tagged PDF): the roles of its elements, as PDF names them. */
enum srole {
	S_DOCUMENT,
	S_DIV,
	S_P,
	S_H1,
	S_H2,
	S_H3,
	S_L,
	S_LI,
	S_LBL,
	S_LBODY,
	S_TABLE,
	S_TR,
	S_TH,
	S_TD
};
static const char *const srole_name[] = {"Document", "Div", "P",     "H1",    "H2", "H3", "L",
					 "LI",       "Lbl", "LBody", "Table", "TR", "TH", "TD"};

/* A child of a structure element: another element, or a marked-content sequence. The
 * children of all elements share one array (pdf_out.skids), each element's linked in
 * reading order: a long table has several elements a row, most with one or two
 * children, and an array of its own for each cost four times what the children do. */
struct skid {
	int elem;       /* the child element's index, or -1: ... */
	int page, mcid; /* ... the sequence's page object and its MCID */
	int next;       /* the element's next child (an index into skids), or -1 */
};

/* A structure element, written at the end (pdf_close): element 0 is the Document. */
struct selem {
	int parent; /* index, -1 for the Document */
	enum srole role;
	int page;        /* the page object of its first sequence, 0 for none */
	int first, last; /* its children in skids, in reading order; -1 for none */
};

/* Where the last line of text went in the tree: a line of the same paragraph continues
 * its element (over a page break too); a paragraph in the same grid, table or row joins
 * it, and list items in a row make one list. Pointers are compared only, and forgotten
 * between documents (pdf_add), whose blocks die with them. */
struct tagging {
	const doc_block *block, *group;
	const doc_row *row;
	int block_se, group_se, row_se;
	int label_se;             /* a list item's Lbl, when block is one */
	int list_se, list_parent; /* the open list and the element it stands in, or -1 */
};

/* A font of the laid-out lines and its face, remembered for the document: the last
 * few looked up, so that most runs find theirs without a string key. */
#define PDF_FONT_MEMO 8

struct pdf_out {
	struct diag *diag; /* where the writing's problems are said */
	char *path, *tmp;
	FILE *f;
	long pos;        /* bytes written */
	GChecksum *md5;  /* of the bytes written, for the /ID */
	int share_fonts; /* PDF_SHARE_FONTS: see pdf_open() */
	int zlevel;      /* of the content streams: PDF_ZLEVEL_BATCH or PDF_ZLEVEL_DOC */
	int fields;      /* PDF_FIELDS */
	GArray *widgets; /* int: the signature fields' objects (field and widget in one) */
	int blank_ap;    /* their appearance, an empty form (0 until a field needs it) */
	const lay_font *memo_font[PDF_FONT_MEMO];
	struct face *memo_face[PDF_FONT_MEMO];
	int memo_next;
	GArray *offsets; /* long, per object number (0 unused) */
	GArray *pages;   /* int: page object numbers */
	struct docfont fonts[PDF_MAX_FONTS];
	int nfonts;
	GArray *marks; /* struct bookmark */
	char *title, *author, *subject, *keywords, *date;
	int failed;
	int werr;     /* errno of the first write that failed, or 0 */
	GString *buf; /* scratch for content */
	/* The copies of one document (pdf_add, copies > 1: the print file): the first
	 * copy's content of each page and its object, which a later copy's page refers
	 * to when its content is the same, byte for byte (it is, unless a font's numbering
	 * changed between them); empty otherwise. */
	GPtrArray *copy_content; /* GString * per page of the document */
	GArray *copy_obj;        /* int per page */
	GArray *selems;          /* struct selem: the structure tree */
	GArray *skids;           /* struct skid: the children of every element */
	GPtrArray *parents;      /* GArray of int per page with marked content: each MCID's
				  * element (the parent tree), NULL for a page without */
	struct tagging at;
};

static void dicts_free(gpointer p)
{
	struct font_dicts *fd = p;

	g_free(fd->used);
	g_free(fd->widths);
	g_free(fd->cmap);
	g_free(fd);
}

static void face_free(gpointer p)
{
	struct face *fc = p;

	ttf_close(fc->t);
	g_ptr_array_free(fc->dicts, TRUE);
	g_free(fc->path);
	g_free(fc->base);
	g_free(fc->base_uni);
	g_free(fc->w1000);
	g_free(fc);
}

void pdf_shutdown(void)
{
	if (faces_by_path != NULL)
		g_hash_table_destroy(faces_by_path);
	faces_by_path = NULL;
	g_free(srgb_icc);
	srgb_icc = NULL;
	srgb_icc_len = 0;
}

static void string_free(gpointer s)
{
	g_string_free(s, TRUE);
}

/* Returns at most max bytes of s, never cutting a character in two. */
static char *utf8_prefix(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return g_strdup(s);
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return g_strndup(s, max);
}

/* ----------------------------------------------------------------- font registry */

/* The characters of the base repertoire that face index of path draws with each glyph,
 * from the font's own character map. */
static void base_repertoire(struct face *fc, int n)
{
	hb_blob_t *blob = hb_blob_create_from_file(fc->path);
	hb_face_t *face = hb_face_create(blob, (unsigned)fc->index);
	hb_font_t *hb = hb_font_create(face);

	for (size_t r = 0; r < G_N_ELEMENTS(base_ranges); r++)
		for (gunichar c = base_ranges[r][0]; c <= base_ranges[r][1]; c++) {
			hb_codepoint_t gid;
			if (hb_font_get_nominal_glyph(hb, c, &gid) && gid < (hb_codepoint_t)n) {
				fc->base[gid >> 3] |= (uint8_t)(1 << (gid & 7));
				if (fc->base_uni[gid] == 0)
					fc->base_uni[gid] = c;
				if (c == ' ' && fc->space < 0)
					fc->space = (int)gid;
			}
		}
	hb_font_destroy(hb);
	hb_face_destroy(face);
	hb_blob_destroy(blob);
}

static struct face *face_for(struct diag *d, const char *path, int index)
{
	char *key = g_strdup_printf("%s#%d", path, index);
	struct face *fc;
	const char *why = NULL;

	if (faces_by_path == NULL)
		faces_by_path = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, face_free);
	fc = g_hash_table_lookup(faces_by_path, key);
	if (fc != NULL) {
		g_free(key);
		return fc;
	}
	fc = g_new0(struct face, 1);
	fc->path = g_strdup(path);
	fc->index = index;
	fc->t = ttf_open(path, index, &why);
	if (fc->t == NULL) {
		msg(d, path, 0, MSG_PDF_FONT_EMBEDDED_PDF, why);
		g_free(fc->path);
		g_free(fc);
		g_free(key);
		return NULL;
	}
	int n = ttf_glyphs(fc->t), upem = ttf_units_per_em(fc->t);
	fc->base = g_new0(uint8_t, ((size_t)n + 7) / 8);
	fc->base_uni = g_new0(gunichar, n);
	fc->w1000 = g_new0(int, n);
	fc->dicts = g_ptr_array_new_with_free_func(dicts_free);
	fc->space = -1;
	for (int g = 0; g < n; g++)
		fc->w1000[g] = (int)((double)ttf_advance(fc->t, g) * 1000.0 / upem + 0.5);
	base_repertoire(fc, n);
	g_hash_table_insert(faces_by_path, key, fc);
	return fc;
}

/* The face of a laid-out line's font. */
static struct face *face_of(pdf_out *o, const lay_font *lf)
{
	struct face *fc;

	for (int i = 0; i < PDF_FONT_MEMO; i++)
		if (o->memo_font[i] == lf)
			return o->memo_face[i];
	fc = face_for(o->diag, lf->file, lf->index);
	if (fc != NULL) {
		o->memo_font[o->memo_next] = lf;
		o->memo_face[o->memo_next] = fc;
		o->memo_next = (o->memo_next + 1) % PDF_FONT_MEMO;
	}
	return fc;
}

/* ------------------------------------------------------------------- file writing */

static void put(pdf_out *o, const char *s, size_t n)
{
	if (fwrite(s, 1, n, o->f) != n) {
		if (o->werr == 0)
			o->werr = errno != 0 ? errno : EIO;
		o->failed = 1;
	}
	if (o->md5 != NULL)
		g_checksum_update(o->md5, (const guchar *)s, (gssize)n);
	o->pos += (long)n;
}

static void putf(pdf_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(pdf_out *o, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	put(o, s, strlen(s));
	g_free(s);
}

static int new_obj(pdf_out *o)
{
	long zero = 0;

	g_array_append_val(o->offsets, zero);
	return (int)o->offsets->len - 1;
}

/* Writes v in decimal into the end of b (size bytes); returns where it starts. Hand-made
 * rather than printf, as fmt_num below: the structure tree writes an object, a
 * cross-reference line and several references for each of thousands of elements. */
static char *fmt_int(char *b, size_t size, long v)
{
	char *p = b + size;
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	return p;
}

static void int_append(GString *g, long v)
{
	char b[24], *p = fmt_int(b, sizeof b, v);

	g_string_append_len(g, p, b + sizeof b - p);
}

/* "N 0 R" */
static void ref_append(GString *g, int n)
{
	int_append(g, n);
	g_string_append_len(g, " 0 R", 4);
}

static void begin_obj(pdf_out *o, int n)
{
	char b[40], *p = fmt_int(b, 32, n);

	g_array_index(o->offsets, long, n) = o->pos;
	memcpy(b + 32, " 0 obj\n", 7);
	put(o, p, (size_t)(b + 39 - p));
}

/* Writes v as PDF writes a number (at most two decimals, no trailing zeros) into b, which
 * holds at least 32 bytes; returns its length. Hand-made rather than printf: a page of
 * text writes thousands of them. */
static int fmt_num(char *b, double v)
{
	char tmp[32], *p = tmp + sizeof tmp;
	long cents = (long)(v * 100 + (v < 0 ? -0.5 : 0.5));
	int neg = cents < 0;
	unsigned long u = (unsigned long)(neg ? -cents : cents), whole = u / 100, frac = u % 100;
	int n;

	if (frac != 0) {
		if (frac % 10 == 0)
			*--p = (char)('0' + frac / 10);
		else {
			*--p = (char)('0' + frac % 10);
			*--p = (char)('0' + frac / 10);
		}
		*--p = '.';
	}
	do
		*--p = (char)('0' + whole % 10);
	while ((whole /= 10) > 0);
	if (neg && u != 0)
		*--p = '-';
	n = (int)(tmp + sizeof tmp - p);
	memcpy(b, p, (size_t)n);
	return n;
}

static void num(GString *g, double v)
{
	char b[32];

	g_string_append_len(g, b, fmt_num(b, v));
}

static const char hex_digits[] = "0123456789ABCDEF";

static void hex4(GString *g, unsigned v)
{
	char b[4] = {hex_digits[(v >> 12) & 15], hex_digits[(v >> 8) & 15],
		     hex_digits[(v >> 4) & 15], hex_digits[v & 15]};

	g_string_append_len(g, b, 4);
}

/* A text string as UTF-16BE hex, which every PDF reader shows in any script. */
static void text_string(GString *g, const char *utf8)
{
	glong n = 0;
	gunichar2 *u = g_utf8_to_utf16(utf8 != NULL ? utf8 : "", -1, NULL, &n, NULL);

	g_string_append(g, "<FEFF");
	for (glong i = 0; u != NULL && i < n; i++)
		g_string_append_printf(g, "%04X", u[i]);
	g_string_append_c(g, '>');
	g_free(u);
}

static void stream(pdf_out *o, int n, const char *dict_extra, const unsigned char *data, size_t len,
		   int zlevel)
{
	uLongf zlen = compressBound(len);
	unsigned char *z = NULL;

	if (zlevel > 0) {
		z = g_malloc(zlen);
		if (compress2(z, &zlen, data, len, zlevel) != Z_OK) {
			g_free(z);
			z = NULL;
		}
	}
	begin_obj(o, n);
	if (z != NULL)
		putf(o, "<< /Length %lu /Filter /FlateDecode%s >>\nstream\n", (unsigned long)zlen,
		     dict_extra);
	else
		putf(o, "<< /Length %lu%s >>\nstream\n", (unsigned long)len, dict_extra);
	put(o, z != NULL ? (const char *)z : (const char *)data, z != NULL ? zlen : len);
	put(o, "\nendstream\nendobj\n", 18);
	g_free(z);
}

/* ------------------------------------------------------------------------ pages */

static struct docfont *docfont(pdf_out *o, struct face *fc)
{
	for (int i = 0; i < o->nfonts; i++)
		if (o->fonts[i].face == fc)
			return &o->fonts[i];
	if (o->nfonts >= PDF_MAX_FONTS) {
		msg(o->diag, o->path, 0, MSG_PDF_DOCUMENT_USES_FONTS, PDF_MAX_FONTS);
		o->failed = 1;
		return NULL;
	}
	struct docfont *df = &o->fonts[o->nfonts++];
	int n = ttf_glyphs(fc->t);
	df->face = fc;
	df->obj = new_obj(o);
	df->used = o->share_fonts ? g_memdup2(fc->base, ((size_t)n + 7) / 8)
				  : g_new0(uint8_t, ((size_t)n + 7) / 8);
	df->uni = g_new0(char *, n);
	return df;
}

/* Appends line e to c as text operators: a Tm per run, then the glyphs with their exact
 * advances as TJ adjustments; with split > 0, between before the first glyph drawn from
 * the line's text at split bytes or later (a list item's body after its label). With
 * space, the line ends with the space it was broken at, drawn over the end of its last
 * glyph (nothing shows, nothing moves, no text lies past the line's end), so that the
 * next line can go on in the same marked-content sequence: readers that take an
 * element's text from its sequences (poppler's pdfinfo -struct-text) join a sequence's
 * glyphs as they are, and would run the two lines' words together without it; text
 * extraction by position (pdftotext, mutool) drops or places a space by where it lies.
 * Returns whether it ended so. */
static int emit_line(pdf_out *o, GString *c, const lay_elem *e, double height, int split,
		     const GString *between, int space)
{
	double x = e->x, y = height - e->y;
	const char *text = e->line->text;

	for (int r = 0; r < e->line->nruns; r++) {
		const lay_run *run = &e->line->runs[r];
		const lay_glyph *gs = run->glyphs;
		struct face *fc = face_of(o, run->font);
		double size = run->font->size;
		struct docfont *df;
		int open = 0;

		if (fc == NULL || (df = docfont(o, fc)) == NULL) {
			o->failed = 1;
			return 0;
		}
		for (int i = 0; i < run->nglyphs; i++) {
			const lay_glyph *gi = &gs[i];
			double adv = (double)gi->advance / LAY_UNIT;
			double xo = (double)gi->dx / LAY_UNIT;
			double yo = (double)gi->dy / LAY_UNIT;
			uint32_t g = gi->id;

			/* the body's sequence goes on where the label's text ended, with no
			 * new text matrix: the glyphs stand exactly where one TJ puts them */
			if (split > 0 && run->offset + gi->cluster >= split) {
				if (open)
					g_string_append(c, "] TJ\n");
				g_string_append_len(c, between->str, between->len);
				if (open)
					g_string_append_c(c, '[');
				split = 0;
			}
			if (g == LAY_GLYPH_NONE || g >= (uint32_t)ttf_glyphs(fc->t)) {
				if (gi->advance == 0 && xo == 0 && yo == 0)
					continue; /* nothing drawn, nowhere to move */
				if (open) {
					g_string_append(c, "] TJ\n");
					open = 0;
				}
				x += adv;
				continue;
			}
			if (!open || xo != 0 || yo != 0) {
				if (open)
					g_string_append(c, "] TJ\n");
				g_string_append(c, "/F");
				num(c, (double)(df - o->fonts));
				g_string_append_c(c, ' ');
				num(c, size);
				g_string_append(c, " Tf 1 0 0 1 ");
				num(c, x + xo);
				g_string_append_c(c, ' ');
				num(c, y - yo);
				g_string_append(c, " Tm [");
				open = 1;
			}
			/* "<gid>" and its adjustment, appended at once: this is the inner loop */
			char gb[48] = {'<',
				       hex_digits[(g >> 12) & 15],
				       hex_digits[(g >> 8) & 15],
				       hex_digits[(g >> 4) & 15],
				       hex_digits[g & 15],
				       '>'};
			int gn = 6;
			double adj = fc->w1000[g] - adv * 1000.0 / size;
			if (adj > 0.05 || adj < -0.05)
				gn += fmt_num(gb + gn, adj);
			g_string_append_len(c, gb, gn);
			df->used[g >> 3] |= (uint8_t)(1 << (g & 7));
			if (df->uni[g] == NULL && fc->base_uni[g] == 0) {
				/* the cluster's text: from this glyph's cluster to the next one's
				 */
				int start = run->offset + gi->cluster,
				    end = run->offset + run->length;
				for (int k = 0; k < run->nglyphs; k++)
					if (gs[k].cluster > gi->cluster &&
					    run->offset + gs[k].cluster < end)
						end = run->offset + gs[k].cluster;
				if (end > start)
					df->uni[g] = g_strndup(text + start, (gsize)(end - start));
			}
			x += adv;
			if (xo != 0 || yo != 0) {
				g_string_append(c, "] TJ\n");
				open = 0;
			}
		}
		if (space && r == e->line->nruns - 1) {
			/* "<w> <space>": back by the space's width, then the space */
			space = open && fc->space >= 0;
			if (space) {
				uint32_t g = (uint32_t)fc->space;
				g_string_append_c(c, ' ');
				num(c, fc->w1000[g]);
				g_string_append_c(c, '<');
				hex4(c, g);
				g_string_append_c(c, '>');
				df->used[g >> 3] |= (uint8_t)(1 << (g & 7));
			}
		}
		if (open)
			g_string_append(c, "] TJ\n");
	}
	if (split > 0) /* a line of the label alone */
		g_string_append_len(c, between->str, between->len);
	return space;
}

/* The signing places of page pg as empty signature fields, each one object that is both
 * the field and its widget (a signing tool fills it in an incremental update); appends
 * " /Annots [...]" to the page's dictionary d when there are any. */
static void emit_fields(pdf_out *o, const lay_page *pg, int page, GString *d)
{
	GString *w = NULL;
	guint first = o->widgets->len;

	for (guint i = 0; o->fields && i < pg->elems->len; i++) {
		const lay_elem *e = &g_array_index(pg->elems, lay_elem, i);
		int n;
		if (e->kind != EL_FIELD)
			continue;
		if (w == NULL)
			w = g_string_new(NULL);
		n = new_obj(o);
		g_array_append_val(o->widgets, n);
		/* the names are short ASCII words (template.c): a literal string as written */
		g_string_printf(w, "<< /Type /Annot /Subtype /Widget /FT /Sig /T (%s) /F 4 /Rect [",
				e->text);
		num(w, e->x);
		g_string_append_c(w, ' ');
		num(w, pg->height - e->y - e->h);
		g_string_append_c(w, ' ');
		num(w, e->x + e->w);
		g_string_append_c(w, ' ');
		num(w, pg->height - e->y);
		/* an appearance of its own, empty (PDF/A asks one of every widget): the page
		 * looks as printed until it is signed (MuPDF alone draws its SIGN mark on an
		 * unsigned field whatever the file says) */
		if (o->blank_ap == 0)
			o->blank_ap = new_obj(o);
		g_string_append_printf(w, "] /P %d 0 R /AP << /N %d 0 R >> >>\nendobj\n", page,
				       o->blank_ap);
		begin_obj(o, n);
		put(o, w->str, w->len);
	}
	if (w == NULL)
		return;
	g_string_append(d, " /Annots [");
	for (guint i = first; i < o->widgets->len; i++)
		g_string_append_printf(d, "%s%d 0 R", i > first ? " " : "",
				       g_array_index(o->widgets, int, i));
	g_string_append_c(d, ']');
	g_string_free(w, TRUE);
}

/* Appends kid k to the children of element se. */
static void skid_add(pdf_out *o, int se, struct skid k)
{
	struct selem *s = &g_array_index(o->selems, struct selem, se);
	int i = (int)o->skids->len;

	k.next = -1;
	g_array_append_val(o->skids, k);
	if (s->last >= 0)
		g_array_index(o->skids, struct skid, s->last).next = i;
	else
		s->first = i;
	s->last = i;
}

/* A new element of role under parent (an index, -1 for none). Returns its index. */
static int selem_new(pdf_out *o, int parent, enum srole role)
{
	struct selem s = {parent, role, 0, -1, -1};
	int i = (int)o->selems->len;

	g_array_append_val(o->selems, s);
	if (parent >= 0)
		skid_add(o, parent, (struct skid){i, 0, 0, -1});
	return i;
}

static void tagging_reset(pdf_out *o)
{
	o->at = (struct tagging){0};
	o->at.list_parent = -1;
}

/* The element that text line e belongs to, made when it is the first line of its
 * paragraph: a heading (its outline level), a list item's body, a table cell, or a
 * paragraph, inside its grid (Div) or table and row. */
static int tag_of(pdf_out *o, const lay_elem *e)
{
	const doc_block *b = e->block;
	int parent = 0, se;

	if (b == o->at.block)
		return o->at.block_se;
	if (e->group == NULL)
		o->at.group = NULL;
	else {
		if (e->group != o->at.group) {
			o->at.group = e->group;
			o->at.group_se =
				selem_new(o, 0, e->group->kind == BLOCK_TABLE ? S_TABLE : S_DIV);
			o->at.row = NULL;
		}
		parent = o->at.group_se;
	}
	if (e->row != NULL) {
		if (e->row != o->at.row) {
			o->at.row = e->row;
			o->at.row_se = selem_new(o, parent, S_TR);
		}
		se = selem_new(o, o->at.row_se, e->row->header ? S_TH : S_TD);
		o->at.list_parent = -1;
	} else if (b->list_label > 0) {
		if (o->at.list_parent != parent) {
			o->at.list_se = selem_new(o, parent, S_L);
			o->at.list_parent = parent;
		}
		int li = selem_new(o, o->at.list_se, S_LI);
		o->at.label_se = selem_new(o, li, S_LBL);
		se = selem_new(o, li, S_LBODY);
	} else {
		int h = b->bookmark > 3 ? 3 : b->bookmark;
		se = selem_new(o, parent, h > 0 ? S_H1 + h - 1 : S_P);
		o->at.list_parent = -1;
	}
	o->at.block = b;
	o->at.block_se = se;
	return se;
}

/* Appends to c the opening of a marked-content sequence of element se on page (its
 * object): the element's next MCID. */
static void mark(pdf_out *o, GString *c, int se, int page, GArray **mcids)
{
	struct selem *s = &g_array_index(o->selems, struct selem, se);
	if (*mcids == NULL)
		*mcids = g_array_new(FALSE, FALSE, sizeof(int));
	struct skid k = {-1, page, (int)(*mcids)->len, -1};
	if (s->page == 0)
		s->page = page;
	skid_add(o, se, k);
	g_array_append_val(*mcids, se);
	g_string_append_c(c, '/');
	g_string_append(c, srole_name[s->role]);
	g_string_append_len(c, " <</MCID ", 9);
	int_append(c, k.mcid);
	g_string_append_len(c, ">> BDC\n", 7);
}

/* The marked-content sequence open in a page's content: none, an artifact, or an
 * element's (its index, >= 0). */
#define MC_NONE (-2)
#define MC_ARTIFACT (-1)

/* Puts line e in its marked-content sequence in c: its element's, or an artifact's,
 * going on with the open one (*open) when it is the same and, for an element, the line
 * before ended with its space (joined: see emit_line()), so that a paragraph's lines on
 * a page are one sequence. The first line of a list item opens its label's; then
 * returns where (bytes into the line's text) its body's starts, and sets *body to the
 * content that closes the one and opens the other. Else returns 0. */
static int mark_line(pdf_out *o, GString *c, const lay_elem *e, int page, GArray **mcids,
		     GString *body, int *open, int joined)
{
	int se = e->artifact || e->block == NULL ? MC_ARTIFACT : tag_of(o, e);
	int label = se >= 0 && e->block->list_label > 0 && e->text == e->block->text;

	if (se == *open && (se == MC_ARTIFACT || (joined && !label)))
		return 0;
	if (*open != MC_NONE)
		g_string_append(c, "EMC\n");
	*open = se;
	if (se == MC_ARTIFACT) {
		g_string_append(c, "/Artifact BMC\n");
		return 0;
	}
	if (label) {
		mark(o, c, o->at.label_se, page, mcids);
		g_string_assign(body, "EMC\n");
		mark(o, body, se, page, mcids);
		return e->block->list_label;
	}
	mark(o, c, se, page, mcids);
	return 0;
}

/* Whether line e, the i-th element of pg, was broken at a space and its paragraph goes
 * on with the next element of the page (then one marked-content sequence holds both). */
static int goes_on(const lay_elem *e, const lay_page *pg, guint i)
{
	const lay_elem *n =
		i + 1 < pg->elems->len ? &g_array_index(pg->elems, lay_elem, i + 1) : NULL;

	return n != NULL && n->kind == EL_TEXT && e->block != NULL && !e->artifact &&
	       !n->artifact && n->block == e->block && e->text[e->len] == ' ';
}

/* Writes page pg (blank: nothing drawn). copy: -1 for a page of its own; else the page's
 * index in a document written several times (pdf_add), and copy_of whether this is a
 * later copy, whose content is then the first copy's object when they are the same. */
static void emit_page(pdf_out *o, const lay_page *pg, int blank, int copy, int copy_of)
{
	GArray *mcids = NULL;
	GString *body = g_string_new(NULL);
	GString *c = o->buf;
	/* a later copy's content object is known only once its bytes are */
	int content = copy_of ? 0 : new_obj(o), page = new_obj(o);

	g_string_truncate(c, 0);
	if (!blank) {
		int in_text = 0, in_art = 0, open = MC_NONE, joined = 0;
		for (guint i = 0; i < pg->elems->len; i++) {
			const lay_elem *e = &g_array_index(pg->elems, lay_elem, i);
			if (e->kind == EL_FIELD) /* not drawn: a widget (emit_fields) */
				continue;
			if (e->kind == EL_TEXT) {
				if (in_art)
					g_string_append(c, "EMC\n");
				in_art = 0;
				if (!in_text)
					g_string_append(c, "BT\n");
				in_text = 1;
				int split = mark_line(o, c, e, page, &mcids, body, &open, joined);
				joined = emit_line(o, c, e, pg->height, split, body,
						   goes_on(e, pg, i));
				continue;
			}
			joined = 0;
			if (open != MC_NONE)
				g_string_append(c, "EMC\n");
			open = MC_NONE;
			if (in_text)
				g_string_append(c, "ET\n");
			in_text = 0;
			/* rules and borders: one artifact for a run of them */
			if (!in_art)
				g_string_append(c, "/Artifact BMC\n");
			in_art = 1;
			if (e->kind == EL_RULE) {
				num(c, e->x);
				g_string_append_c(c, ' ');
				num(c, pg->height - e->y - e->h / 2);
				g_string_append_c(c, ' ');
				num(c, e->w);
				g_string_append_c(c, ' ');
				num(c, e->h);
				g_string_append(c, " re f\n");
			} else {
				num(c, e->stroke);
				g_string_append(c, " w ");
				num(c, e->x);
				g_string_append_c(c, ' ');
				num(c, pg->height - e->y - e->h);
				g_string_append_c(c, ' ');
				num(c, e->w);
				g_string_append_c(c, ' ');
				num(c, e->h);
				g_string_append(c, " re S\n");
			}
		}
		if (open != MC_NONE)
			g_string_append(c, "EMC\n");
		if (in_text)
			g_string_append(c, "ET\n");
		if (in_art)
			g_string_append(c, "EMC\n");
	}
	if (copy >= 0 && copy_of && (guint)copy < o->copy_content->len &&
	    g_string_equal(g_ptr_array_index(o->copy_content, copy), c))
		content = g_array_index(o->copy_obj, int, copy);
	else {
		if (content == 0)
			content = new_obj(o);
		stream(o, content, "", (const unsigned char *)c->str, c->len, o->zlevel);
	}
	if (copy >= 0 && !copy_of) {
		g_ptr_array_add(o->copy_content, g_string_new_len(c->str, (gssize)c->len));
		g_array_append_val(o->copy_obj, content);
	}
	GString *d = g_string_new("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ");
	num(d, pg->width);
	g_string_append_c(d, ' ');
	num(d, pg->height);
	g_string_append_printf(d, "] /Resources 3 0 R /Contents %d 0 R", content);
	if (mcids != NULL)
		g_string_append_printf(d, " /StructParents %u", o->parents->len);
	g_ptr_array_add(o->parents, mcids);
	g_string_free(body, TRUE);
	if (!blank)
		emit_fields(o, pg, page, d);
	g_string_append(d, " >>\nendobj\n");
	begin_obj(o, page);
	put(o, d->str, d->len);
	g_string_free(d, TRUE);
	g_array_append_val(o->pages, page);
}

/* ----------------------------------------------------------------- the document */

/* The creation date: SOURCE_DATE_EPOCH when set (reproducible builds), else the
 * document's own date, so that the same input always gives the same bytes. */
static char *creation_date(const doc *d)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	struct tm tm;
	char buf[32];

	if (sde != NULL && *sde != '\0') {
		time_t t = (time_t)strtoll(sde, NULL, 10);
		gmtime_r(&t, &tm);
		strftime(buf, sizeof buf, "D:%Y%m%d%H%M%SZ", &tm);
	} else if (d->create_date != NULL && strlen(d->create_date) == 10)
		snprintf(buf, sizeof buf, "D:%.4s%.2s%.2s000000Z", d->create_date,
			 d->create_date + 5, d->create_date + 8);
	else
		snprintf(buf, sizeof buf, "D:20000101000000Z");
	return g_strdup(buf);
}

pdf_out *pdf_open(struct diag *diag, const char *path, const doc *meta, int flags)
{
	pdf_out *o = g_new0(pdf_out, 1);

	o->diag = diag;
	o->f = out_open(diag, path, &o->tmp);
	if (o->f == NULL) {
		g_free(o);
		return NULL;
	}
	o->path = g_strdup(path);
	o->share_fonts = (flags & PDF_SHARE_FONTS) != 0;
	o->zlevel = o->share_fonts && (flags & PDF_FIELDS) ? PDF_ZLEVEL_BATCH : PDF_ZLEVEL_DOC;
	o->fields = (flags & PDF_FIELDS) != 0;
	o->widgets = g_array_new(FALSE, FALSE, sizeof(int));
	o->md5 = g_checksum_new(G_CHECKSUM_MD5);
	o->offsets = g_array_new(FALSE, TRUE, sizeof(long));
	o->pages = g_array_new(FALSE, FALSE, sizeof(int));
	o->marks = g_array_new(FALSE, TRUE, sizeof(struct bookmark));
	o->buf = g_string_sized_new(16384);
	o->copy_content = g_ptr_array_new_with_free_func(string_free);
	o->copy_obj = g_array_new(FALSE, FALSE, sizeof(int));
	o->selems = g_array_new(FALSE, FALSE, sizeof(struct selem));
	o->skids = g_array_new(FALSE, FALSE, sizeof(struct skid));
	o->parents = g_ptr_array_new();
	selem_new(o, -1, S_DOCUMENT);
	tagging_reset(o);
	o->title = g_strdup(meta->title);
	o->author = g_strdup(meta->author);
	o->subject = g_strdup(meta->subject);
	o->keywords = g_strdup(meta->keywords);
	o->date = creation_date(meta);
	for (int i = 0; i < 5; i++) /* 0 unused; 1 catalog, 2 pages, 3 resources, 4 info */
		new_obj(o);
	put(o, "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", 15);
	return o;
}

/* Appends page pg: blank (nothing drawn: the back of a duplex copy), or with the
 * bookmarks of its lines (marks), or under the one bookmark label; copy and copy_of as
 * for emit_page(). */
static void add_page(pdf_out *o, const lay_page *pg, int blank, int marks, const char *label,
		     int copy, int copy_of)
{
	struct bookmark b = {0};

	if (label != NULL) {
		b.title = g_strdup(label);
		b.level = 1;
		b.page = (int)o->pages->len;
		b.y = pg->height;
		g_array_append_val(o->marks, b);
	}
	for (guint i = 0; marks && i < pg->elems->len; i++) {
		const lay_elem *e = &g_array_index(pg->elems, lay_elem, i);
		if (e->kind != EL_TEXT || e->bookmark <= 0)
			continue;
		b.title = utf8_prefix(e->bookmark_title, PDF_MAX_TITLE);
		b.level = e->bookmark > PDF_MAX_OUTLINE ? PDF_MAX_OUTLINE : e->bookmark;
		b.page = (int)o->pages->len;
		b.x = e->x;
		b.y = pg->height - e->y + e->style->size;
		g_array_append_val(o->marks, b);
	}
	emit_page(o, pg, blank, copy, copy_of);
}

int pdf_page(void *out, const lay_doc *ld, const lay_page *pg)
{
	pdf_out *o = out;

	(void)ld;
	add_page(o, pg, 0, 1, NULL, -1, 0);
	return o->failed ? EXIT_SYSTEM : EXIT_OK;
}

int pdf_add(pdf_out *o, const lay_doc *ld, const char *bookmark, int copies, int duplex)
{
	int added = 0;

	/* the copies' pages share their content streams: each copy has pages (and
	 * structure elements) of its own, which draw the same bytes */
	g_ptr_array_set_size(o->copy_content, 0);
	g_array_set_size(o->copy_obj, 0);
	for (int c = 0; c < copies; c++) {
		tagging_reset(o); /* a new document, or a new copy of it */
		for (guint p = 0; p < ld->pages->len; p++) {
			add_page(o, g_ptr_array_index(ld->pages, p), 0, c == 0 && bookmark == NULL,
				 c == 0 && p == 0 ? bookmark : NULL, copies > 1 ? (int)p : -1,
				 c > 0);
			added++;
		}
		if (duplex && ld->pages->len % 2 == 1) {
			/* a blank back, so that the next copy starts on a new sheet */
			add_page(o, g_ptr_array_index(ld->pages, ld->pages->len - 1), 1, 0, NULL,
				 copies > 1 ? (int)ld->pages->len : -1, c > 0);
			added++;
		}
	}
	g_ptr_array_set_size(o->copy_content, 0);
	g_array_set_size(o->copy_obj, 0);
	return added;
}

/* What glyph gid reads as: the character it was drawn from in the base repertoire, or
 * else the text Pango shaped it from in this document. */
static void append_uni(GString *g, const struct docfont *df, int gid)
{
	char tmp[8];
	const char *text = df->uni[gid];
	glong n = 0;
	gunichar2 *u;

	if (df->face->base_uni[gid] != 0) {
		tmp[g_unichar_to_utf8(df->face->base_uni[gid], tmp)] = '\0';
		text = tmp;
	}
	u = g_utf8_to_utf16(text, -1, NULL, &n, NULL);
	g_string_append_c(g, '<');
	hex4(g, (unsigned)gid);
	g_string_append(g, "> <");
	for (glong k = 0; u != NULL && k < n; k++)
		hex4(g, u[k]);
	g_string_append(g, ">\n");
	g_free(u);
}

/* The /W array and the ToUnicode CMap of a glyph set, made once per set. The result
 * belongs to the face's list of PDF_DICTS_MAX sets and is valid until the next
 * font_dicts() for the same face, which may drop the oldest: use it before asking again. */
static struct font_dicts *font_dicts(const struct docfont *df, guint hash)
{
	struct face *fc = df->face;
	int n = ttf_glyphs(fc->t);
	size_t bytes = ((size_t)n + 7) / 8;
	struct font_dicts *fd;
	GString *w, *cm, *block;
	int inblock = 0;
	uLongf zlen;

	for (guint i = 0; i < fc->dicts->len; i++) {
		fd = g_ptr_array_index(fc->dicts, i);
		if (fd->hash == hash && memcmp(fd->used, df->used, bytes) == 0)
			return fd;
	}
	w = g_string_new(NULL);
	for (int gid = 0; gid < n; gid++) {
		if (!(df->used[gid >> 3] & (1 << (gid & 7))))
			continue;
		int last = gid;
		while (last + 1 < n && (df->used[(last + 1) >> 3] & (1 << ((last + 1) & 7))))
			last++;
		g_string_append_c(w, ' ');
		num(w, gid);
		g_string_append(w, " [");
		for (int k = gid; k <= last; k++) {
			if (k > gid)
				g_string_append_c(w, ' ');
			num(w, fc->w1000[k]);
		}
		g_string_append_c(w, ']');
		gid = last;
	}
	cm = g_string_new(
		"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	block = g_string_new(NULL);
	for (int gid = 0; gid <= n; gid++) {
		if (gid < n && (df->used[gid >> 3] & (1 << (gid & 7))) &&
		    (df->face->base_uni[gid] != 0 || df->uni[gid] != NULL)) {
			append_uni(block, df, gid);
			inblock++;
		}
		if (inblock == PDF_BFCHAR_BLOCK || (gid == n && inblock > 0)) {
			g_string_append_printf(cm, "%d beginbfchar\n%sendbfchar\n", inblock,
					       block->str);
			g_string_truncate(block, 0);
			inblock = 0;
		}
	}
	g_string_free(block, TRUE);
	g_string_append(cm, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
	fd = g_new0(struct font_dicts, 1);
	fd->hash = hash;
	fd->used = g_memdup2(df->used, bytes);
	fd->widths = g_string_free(w, FALSE);
	zlen = compressBound(cm->len);
	fd->cmap = g_malloc(zlen);
	if (compress2(fd->cmap, &zlen, (const Bytef *)cm->str, cm->len, 6) != Z_OK)
		zlen = 0;
	fd->cmap_len = zlen;
	g_string_free(cm, TRUE);
	if (fc->dicts->len >= PDF_DICTS_MAX)
		g_ptr_array_remove_index(fc->dicts, 0);
	g_ptr_array_add(fc->dicts, fd);
	return fd;
}

static void write_font(pdf_out *o, struct docfont *df)
{
	ttf *t = df->face->t;
	int n = ttf_glyphs(t), cid = new_obj(o), desc = new_obj(o), file = new_obj(o);
	int tounicode = new_obj(o), asc, dsc, cap, bbox[4], bold;
	size_t zlen = 0, len1 = 0;
	const unsigned char *prog = ttf_subset(t, df->used, &zlen, &len1);
	double angle;
	guint hash = 5381;
	char tag[7];
	GString *g = g_string_new(NULL);

	if (prog == NULL) {
		msg(o->diag, df->face->path, 0, MSG_PDF_FONT_SUBSET_EMBEDDING);
		o->failed = 1;
		g_string_free(g, TRUE);
		return;
	}
	/* the subset tag: six capitals derived from the glyph set, so the same set always
	 * gets the same name */
	for (int i = 0; i < (n + 7) / 8; i++)
		hash = hash * 33 + df->used[i];
	for (const char *p = ttf_ps_name(t); *p; p++)
		hash = hash * 33 + (guint)*p;
	guint set_hash = hash;
	for (int i = 0; i < 6; i++, hash /= 26)
		tag[i] = (char)('A' + hash % 26);
	tag[6] = '\0';
	ttf_metrics(t, &asc, &dsc, &cap, bbox, &angle, &bold);

	begin_obj(o, df->obj);
	putf(o,
	     "<< /Type /Font /Subtype /Type0 /BaseFont /%s+%s /Encoding /Identity-H "
	     "/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>\nendobj\n",
	     tag, ttf_ps_name(t), cid, tounicode);

	struct font_dicts *fd = font_dicts(df, set_hash);
	g_string_append_printf(g,
			       "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s+%s "
			       "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) "
			       "/Supplement 0 >> /FontDescriptor %d 0 R /CIDToGIDMap /Identity "
			       "/DW 1000 /W [%s ] >>\nendobj\n",
			       tag, ttf_ps_name(t), desc, fd->widths);
	begin_obj(o, cid);
	put(o, g->str, g->len);

	begin_obj(o, desc);
	putf(o,
	     "<< /Type /FontDescriptor /FontName /%s+%s /Flags %d /FontBBox [%d %d %d %d] "
	     "/ItalicAngle %.1f /Ascent %d /Descent %d /CapHeight %d /StemV %d /FontFile2 %d 0 R "
	     ">>\nendobj\n",
	     tag, ttf_ps_name(t), 32 | 2 | (angle != 0 ? 64 : 0), bbox[0], bbox[1], bbox[2],
	     bbox[3], angle, asc, dsc, cap, bold ? 140 : 80, file);

	begin_obj(o, file);
	putf(o, "<< /Length %lu /Length1 %lu /Filter /FlateDecode >>\nstream\n",
	     (unsigned long)zlen, (unsigned long)len1);
	put(o, (const char *)prog, zlen);
	put(o, "\nendstream\nendobj\n", 18);

	begin_obj(o, tounicode);
	putf(o, "<< /Length %lu /Filter /FlateDecode >>\nstream\n", (unsigned long)fd->cmap_len);
	put(o, (const char *)fd->cmap, fd->cmap_len);
	put(o, "\nendstream\nendobj\n", 18);
	g_string_free(g, TRUE);
}

/* The outline: bookmarks nested by level, each pointing at its page and position. */
static int write_outline(pdf_out *o)
{
	guint n = o->marks->len;
	int root, *objs, *parent;

	if (n == 0)
		return 0;
	root = new_obj(o);
	objs = g_new0(int, n);
	parent = g_new0(int, n); /* index of the parent mark, -1 for the root */
	for (guint i = 0; i < n; i++)
		objs[i] = new_obj(o);
	for (guint i = 0; i < n; i++) {
		struct bookmark *b = &g_array_index(o->marks, struct bookmark, i);
		int p = (int)i - 1;
		while (p >= 0 && g_array_index(o->marks, struct bookmark, p).level >= b->level)
			p = parent[p];
		parent[i] = p;
	}
	for (guint i = 0; i < n; i++) {
		struct bookmark *b = &g_array_index(o->marks, struct bookmark, i);
		int prev = -1, next = -1, first = -1, last = -1, count = 0;
		GString *g = g_string_new("<< /Title ");
		for (int k = (int)i - 1; k >= 0; k--)
			if (parent[k] == parent[i]) {
				prev = k;
				break;
			} else if (k == parent[i])
				break;
		for (guint k = i + 1; k < n; k++) {
			if (parent[k] == parent[i]) {
				next = (int)k;
				break;
			}
			if (g_array_index(o->marks, struct bookmark, k).level <= b->level &&
			    parent[k] != (int)i)
				break;
		}
		for (guint k = i + 1; k < n; k++)
			if (parent[k] == (int)i) {
				if (first < 0)
					first = (int)k;
				last = (int)k;
				count++;
			}
		text_string(g, b->title);
		g_string_append_printf(g, " /Parent %d 0 R",
				       parent[i] >= 0 ? objs[parent[i]] : root);
		if (prev >= 0)
			g_string_append_printf(g, " /Prev %d 0 R", objs[prev]);
		if (next >= 0)
			g_string_append_printf(g, " /Next %d 0 R", objs[next]);
		if (first >= 0)
			g_string_append_printf(g, " /First %d 0 R /Last %d 0 R /Count -%d",
					       objs[first], objs[last], count);
		g_string_append_printf(g, " /Dest [%d 0 R /XYZ ",
				       g_array_index(o->pages, int, b->page));
		num(g, b->x);
		g_string_append_c(g, ' ');
		num(g, b->y);
		g_string_append(g, " null] >>\nendobj\n");
		begin_obj(o, objs[i]);
		put(o, g->str, g->len);
		g_string_free(g, TRUE);
	}
	int first = -1, last = -1, count = 0;
	for (guint i = 0; i < n; i++)
		if (parent[i] < 0) {
			if (first < 0)
				first = (int)i;
			last = (int)i;
			count++;
		}
	begin_obj(o, root);
	putf(o, "<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>\nendobj\n", objs[first],
	     objs[last], count);
	g_free(objs);
	g_free(parent);
	return root;
}

static void free_out(pdf_out *o)
{
	for (int i = 0; i < o->nfonts; i++) {
		int n = ttf_glyphs(o->fonts[i].face->t);
		for (int g = 0; g < n; g++)
			g_free(o->fonts[i].uni[g]);
		g_free(o->fonts[i].uni);
		g_free(o->fonts[i].used);
	}
	for (guint i = 0; i < o->marks->len; i++)
		g_free(g_array_index(o->marks, struct bookmark, i).title);
	g_array_free(o->marks, TRUE);
	g_array_free(o->offsets, TRUE);
	g_array_free(o->pages, TRUE);
	g_array_free(o->widgets, TRUE);
	g_string_free(o->buf, TRUE);
	g_ptr_array_free(o->copy_content, TRUE);
	g_array_free(o->copy_obj, TRUE);
	g_array_free(o->selems, TRUE);
	g_array_free(o->skids, TRUE);
	for (guint i = 0; i < o->parents->len; i++)
		if (g_ptr_array_index(o->parents, i) != NULL)
			g_array_free(g_ptr_array_index(o->parents, i), TRUE);
	g_ptr_array_free(o->parents, TRUE);
	if (o->md5 != NULL)
		g_checksum_free(o->md5);
	g_free(o->title);
	g_free(o->author);
	g_free(o->subject);
	g_free(o->keywords);
	g_free(o->date);
	g_free(o->path);
	g_free(o);
}

/* Appends s to g with XML's special characters escaped. */
static void xml_text(GString *g, const char *s)
{
	for (; s != NULL && *s; s++)
		switch (*s) {
		case '&':
			g_string_append(g, "&amp;");
			break;
		case '<':
			g_string_append(g, "&lt;");
			break;
		case '>':
			g_string_append(g, "&gt;");
			break;
		default:
			g_string_append_c(g, *s);
		}
}

/* The document's XMP metadata (the catalog's /Metadata): the same title, author, subject,
 * keywords, dates and producer as the Info dictionary, which archives and PDF/A read
 * first; uncompressed, as XMP readers (and PDF/A) expect. Returns its object. */
static int write_xmp(pdf_out *o)
{
	/* D:YYYYMMDDHHmmSSZ as XMP writes a date */
	const char *d = o->date + 2;
	char *date = g_strdup_printf("%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", d, d + 4, d + 6, d + 8,
				     d + 10, d + 12);
	GString *x =
		g_string_new("<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
			     "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
			     "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
			     "<rdf:Description rdf:about=\"\""
			     " xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
			     " xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\""
			     " xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\""
			     " xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
			     "<pdfaid:part>2</pdfaid:part>\n"
			     "<pdfaid:conformance>B</pdfaid:conformance>\n"
			     "<dc:format>application/pdf</dc:format>\n");
	int n = new_obj(o);

	if (o->title != NULL) {
		g_string_append(x, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
		xml_text(x, o->title);
		g_string_append(x, "</rdf:li></rdf:Alt></dc:title>\n");
	}
	if (o->author != NULL) {
		g_string_append(x, "<dc:creator><rdf:Seq><rdf:li>");
		xml_text(x, o->author);
		g_string_append(x, "</rdf:li></rdf:Seq></dc:creator>\n");
	}
	if (o->subject != NULL) {
		g_string_append(x, "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">");
		xml_text(x, o->subject);
		g_string_append(x, "</rdf:li></rdf:Alt></dc:description>\n");
	}
	if (o->keywords != NULL) {
		g_string_append(x, "<pdf:Keywords>");
		xml_text(x, o->keywords);
		g_string_append(x, "</pdf:Keywords>\n");
	}
	g_string_append_printf(
		x,
		"<dc:language><rdf:Bag><rdf:li>vi-VN</rdf:li></rdf:Bag></dc:language>\n"
		"<pdf:Producer>vbgen " VBGEN_VERSION "</pdf:Producer>\n"
		"<xmp:CreatorTool>vbgen " VBGEN_VERSION "</xmp:CreatorTool>\n"
		"<xmp:CreateDate>%s</xmp:CreateDate>\n"
		"<xmp:ModifyDate>%s</xmp:ModifyDate>\n"
		"<xmp:MetadataDate>%s</xmp:MetadataDate>\n"
		"</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
		"<?xpacket end=\"r\"?>",
		date, date, date);
	begin_obj(o, n);
	putf(o, "<< /Type /Metadata /Subtype /XML /Length %lu >>\nstream\n", (unsigned long)x->len);
	put(o, x->str, x->len);
	put(o, "\nendstream\nendobj\n", 18);
	g_string_free(x, TRUE);
	g_free(date);
	return n;
}

/* The ICC header's creation date (ICC.1:2004-10, 7.2.1: bytes 24 to 35, six big-endian
 * 16-bit numbers): a fixed one, 2000-01-01 00:00:00, rather than the clock LittleCMS
 * reads, so that the same input still gives the same bytes. */
#define PDF_ICC_DATE_AT 24
static const unsigned char icc_date[12] = {0x07, 0xD0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0};

/* The sRGB profile of the output intent, compressed: made by LittleCMS on the first call
 * and kept for the process (a batch writes it into every letter). The profile says ICC
 * version 4.2, the one PDF 1.7 and so PDF/A-2 name (ISO 32000-1, 8.6.5.5); LittleCMS
 * writes 4.4 by default, with the same tag types for this profile. Returns NULL when
 * LittleCMS fails, after which the caller reports. */
static const unsigned char *srgb_profile(size_t *len)
{
	cmsHPROFILE p;
	cmsUInt32Number n = 0;
	unsigned char *raw;
	uLongf zlen;

	if (srgb_icc != NULL) {
		*len = srgb_icc_len;
		return srgb_icc;
	}
	p = cmsCreate_sRGBProfile();
	if (p == NULL)
		return NULL;
	cmsSetProfileVersion(p, 4.2);
	if (!cmsSaveProfileToMem(p, NULL, &n) || n < PDF_ICC_DATE_AT + sizeof icc_date) {
		cmsCloseProfile(p);
		return NULL;
	}
	raw = g_malloc(n);
	if (!cmsSaveProfileToMem(p, raw, &n)) {
		cmsCloseProfile(p);
		g_free(raw);
		return NULL;
	}
	cmsCloseProfile(p);
	memcpy(raw + PDF_ICC_DATE_AT, icc_date, sizeof icc_date);
	zlen = compressBound(n);
	srgb_icc = g_malloc(zlen);
	if (compress2(srgb_icc, &zlen, raw, n, Z_BEST_COMPRESSION) != Z_OK) {
		g_free(srgb_icc);
		srgb_icc = NULL;
		g_free(raw);
		return NULL;
	}
	g_free(raw);
	srgb_icc_len = zlen;
	*len = zlen;
	return srgb_icc;
}

/* The catalog's output intent for PDF/A (ISO 19005-2, 6.2.3): sRGB, the colours of a
 * screen and of an office printer, with the profile embedded. Returns its object, or 0
 * when the profile could not be made (reported; the file is not written). */
static int write_output_intent(pdf_out *o)
{
	size_t len = 0;
	const unsigned char *icc = srgb_profile(&len);
	int prof, intent;

	if (icc == NULL) {
		msg(o->diag, o->path, 0, MSG_PDF_LITTLECMS_SRGB_COLOUR);
		o->failed = 1;
		return 0;
	}
	prof = new_obj(o);
	intent = new_obj(o);
	begin_obj(o, prof);
	putf(o, "<< /N 3 /Length %lu /Filter /FlateDecode >>\nstream\n", (unsigned long)len);
	put(o, (const char *)icc, len);
	put(o, "\nendstream\nendobj\n", 18);
	begin_obj(o, intent);
	putf(o,
	     "<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) "
	     "/RegistryName (http://www.color.org) /Info (sRGB IEC61966-2.1) "
	     "/DestOutputProfile %d 0 R >>\nendobj\n",
	     prof);
	return intent;
}

/* Writes the structure tree: its root, the parent tree (each page's MCIDs to their
 * elements) and every element with its kids in reading order. Returns the root's
 * object. Elements are small dictionaries of their own (no object streams: signing
 * tools must read the file as it is). */
static int write_structure(pdf_out *o)
{
	GString *g = g_string_new(NULL);
	int root = new_obj(o), ptree = new_obj(o), first = (int)o->offsets->len;

	for (guint i = 0; i < o->selems->len; i++)
		new_obj(o);
	for (guint i = 0; i < o->selems->len; i++) {
		const struct selem *s = &g_array_index(o->selems, struct selem, i);
		g_string_assign(g, "<</S/");
		g_string_append(g, srole_name[s->role]);
		g_string_append(g, "/P ");
		ref_append(g, s->parent < 0 ? root : first + s->parent);
		if (s->page != 0) {
			g_string_append(g, "/Pg ");
			ref_append(g, s->page);
		}
		g_string_append(g, "/K[");
		for (int k = s->first; k >= 0;) {
			const struct skid *kid = &g_array_index(o->skids, struct skid, k);
			if (k != s->first)
				g_string_append_c(g, ' ');
			if (kid->elem >= 0)
				ref_append(g, first + kid->elem);
			else if (kid->page == s->page)
				int_append(g, kid->mcid);
			else {
				g_string_append(g, "<</Type/MCR/Pg ");
				ref_append(g, kid->page);
				g_string_append(g, "/MCID ");
				int_append(g, kid->mcid);
				g_string_append(g, ">>");
			}
			k = kid->next;
		}
		g_string_append(g, "]>>\nendobj\n");
		begin_obj(o, first + (int)i);
		put(o, g->str, g->len);
	}
	/* the parent tree a page at a time: in one string, a long table's would be MBs */
	begin_obj(o, ptree);
	put(o, "<< /Nums [", 10);
	for (guint p = 0; p < o->parents->len; p++) {
		const GArray *m = g_ptr_array_index(o->parents, p);
		if (m == NULL)
			continue;
		g_string_truncate(g, 0);
		g_string_append_c(g, '\n');
		int_append(g, p);
		g_string_append(g, " [");
		for (guint k = 0; k < m->len; k++) {
			if (k > 0)
				g_string_append_c(g, ' ');
			ref_append(g, first + g_array_index(m, int, k));
		}
		g_string_append_c(g, ']');
		put(o, g->str, g->len);
	}
	put(o, "] >>\nendobj\n", 12);
	g_string_printf(g,
			"<< /Type /StructTreeRoot /K [%d 0 R] /ParentTree %d 0 R "
			"/ParentTreeNextKey %u >>\nendobj\n",
			first, ptree, o->parents->len);
	begin_obj(o, root);
	put(o, g->str, g->len);
	g_string_free(g, TRUE);
	return root;
}

int pdf_close(pdf_out *o)
{
	GString *g = g_string_new(NULL);
	int outline, rc;
	long xref;
	char *id;

	for (int i = 0; i < o->nfonts; i++)
		write_font(o, &o->fonts[i]);
	outline = write_outline(o);

	begin_obj(o, 3);
	put(o, "<< /Font <<", 11);
	for (int i = 0; i < o->nfonts; i++)
		putf(o, " /F%d %d 0 R", i, o->fonts[i].obj);
	put(o, " >> >>\nendobj\n", 14);

	begin_obj(o, 2);
	g_string_append(g, "<< /Type /Pages /Kids [");
	for (guint i = 0; i < o->pages->len; i++)
		g_string_append_printf(g, "%s%d 0 R", i ? " " : "",
				       g_array_index(o->pages, int, i));
	g_string_append_printf(g, "] /Count %u >>\nendobj\n", o->pages->len);
	put(o, g->str, g->len);

	/* the form: every signature field, in the order of the pages (no /SigFlags: the
	 * signing tool sets them with the first signature) */
	int form = 0;
	if (o->widgets->len > 0) {
		begin_obj(o, o->blank_ap);
		put(o,
		    "<< /Type /XObject /Subtype /Form /BBox [0 0 1 1] /Length 0 >>\nstream\n"
		    "\nendstream\nendobj\n",
		    sizeof "<< /Type /XObject /Subtype /Form /BBox [0 0 1 1] /Length 0 >>\nstream\n"
			   "\nendstream\nendobj\n" -
			    1);
		form = new_obj(o);
		g_string_assign(g, "<< /Fields [");
		for (guint i = 0; i < o->widgets->len; i++)
			g_string_append_printf(g, "%s%d 0 R", i ? " " : "",
					       g_array_index(o->widgets, int, i));
		g_string_append(g, "] >>\nendobj\n");
		begin_obj(o, form);
		put(o, g->str, g->len);
	}

	int tree = write_structure(o);
	int metadata = write_xmp(o), intent = write_output_intent(o);
	begin_obj(o, 1);
	g_string_assign(g, "<< /Type /Catalog /Pages 2 0 R");
	if (outline > 0)
		g_string_append_printf(g, " /Outlines %d 0 R /PageMode /UseOutlines", outline);
	if (form > 0)
		g_string_append_printf(g, " /AcroForm %d 0 R", form);
	if (intent > 0)
		g_string_append_printf(g, " /OutputIntents [%d 0 R]", intent);
	g_string_append_printf(
		g,
		" /MarkInfo << /Marked true >> /StructTreeRoot %d 0 R /Metadata %d 0 R "
		"/Lang (vi-VN) >>\nendobj\n",
		tree, metadata);
	put(o, g->str, g->len);

	g_string_assign(g, "<< ");
	if (o->title != NULL) {
		g_string_append(g, "/Title ");
		text_string(g, o->title);
	}
	if (o->author != NULL) {
		g_string_append(g, " /Author ");
		text_string(g, o->author);
	}
	if (o->subject != NULL) {
		g_string_append(g, " /Subject ");
		text_string(g, o->subject);
	}
	if (o->keywords != NULL) {
		g_string_append(g, " /Keywords ");
		text_string(g, o->keywords);
	}
	g_string_append_printf(g,
			       " /Creator (vbgen " VBGEN_VERSION ") /Producer (vbgen " VBGEN_VERSION
			       ") /CreationDate (%s) /ModDate (%s) >>\nendobj\n",
			       o->date, o->date);
	begin_obj(o, 4);
	put(o, g->str, g->len);
	/* the document's id, for signing tools: derived from every byte before it, so that
	 * the same document always has the same id and two documents never share one */
	id = g_strdup(g_checksum_get_string(o->md5));
	g_checksum_free(o->md5);
	o->md5 = NULL; /* the rest (cross-reference table, trailer) is not part of it */

	xref = o->pos;
	putf(o, "xref\n0 %u\n0000000000 65535 f \n", o->offsets->len);
	g_string_truncate(g, 0);
	for (guint i = 1; i < o->offsets->len; i++) {
		/* "%010ld 00000 n \n" */
		char line[20];
		long off = g_array_index(o->offsets, long, i);
		for (int k = 9; k >= 0; k--, off /= 10)
			line[k] = (char)('0' + off % 10);
		memcpy(line + 10, " 00000 n \n", 10);
		g_string_append_len(g, line, 20);
	}
	put(o, g->str, g->len);
	putf(o,
	     "trailer\n<< /Size %u /Root 1 0 R /Info 4 0 R /ID [<%s> <%s>] "
	     ">>\nstartxref\n%ld\n%%%%EOF\n",
	     o->offsets->len, id, id, xref);
	g_free(id);
	g_string_free(g, TRUE);
	if (o->failed || o->pages->len == 0) {
		if (o->pages->len == 0)
			msg(o->diag, o->path, 0, MSG_PDF_DOCUMENT_PAGES);
		else if (o->werr != 0)
			out_write_failed(o->diag, o->path, o->werr);
		out_abort(o->f, o->tmp);
		rc = EXIT_SYSTEM;
	} else
		rc = out_commit(o->diag, o->f, o->tmp, o->path);
	free_out(o);
	return rc;
}

void pdf_cancel(pdf_out *o)
{
	if (o == NULL)
		return;
	if (o->werr != 0) /* pagination stopped because the file could not be written */
		out_write_failed(o->diag, o->path, o->werr);
	out_abort(o->f, o->tmp);
	free_out(o);
}

int pdf_write(struct diag *diag, const lay_doc *ld, const char *path, int flags)
{
	pdf_out *o = pdf_open(diag, path, ld->d, flags);

	if (o == NULL)
		return EXIT_SYSTEM;
	pdf_add(o, ld, NULL, 1, 0);
	return pdf_close(o);
}
