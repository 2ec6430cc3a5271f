/* stamp.c - the visible signature; see stamp.h.
 *
 * Images are decoded once (libpng) into an RGB image and an alpha mask, both compressed
 * once and copied into every signed file. The PNG's own chunks are read for its
 * resolution (pHYs), which the seal needs to be drawn at its true size. Text is shaped
 * with HarfBuzz from the font file that vbgen's fonts resolve for Times New Roman (its
 * twin Liberation Serif where it is not installed), so the glyph ids are those of the
 * file that ttf.c subsets. */
#include "stamp.h"

#include "diag.h"
#include "doc.h"
#include "fonts.h"
#include "i18n.h"
#include "msg.h"
#include "ttf.h"

#include <fontconfig/fontconfig.h>
#include <harfbuzz/hb.h>
#include <pango/pangofc-font.h>
#include <png.h>
#include <string.h>
#include <zlib.h>

#define MM_TO_PT (72.0 / 25.4)

/* Characters whose glyphs every text subset carries, so that the letters of a batch,
 * whose signing times differ, share one font program. */
static const char time_chars[] = "0123456789:-+T ";

struct image {
	const char *path;
	int w, h;
	unsigned char *rgb, *alpha; /* compressed (zlib) */
	size_t rgb_len, alpha_len;
	double ppm; /* pixels per metre from pHYs, 0 when unknown */
};

struct stamp {
	struct diag *d; /* the caller's: where the stamp reports, as long as it lives */
	struct image *sig, *seal;
	fonts *f;
	doc_style style;
	ttf *t;
	hb_blob_t *blob;
	hb_face_t *face;
	hb_font_t *hb;
	int upem;
	char *font_path;
};

/* ------------------------------------------------------------------ images */

static void image_free(struct image *im)
{
	if (im == NULL)
		return;
	g_free(im->rgb);
	g_free(im->alpha);
	g_free(im);
}

static unsigned char *deflate_bytes(const unsigned char *d, size_t n, size_t *zn)
{
	uLongf z = compressBound(n);
	unsigned char *out = g_malloc(z);

	if (compress2(out, &z, d, n, 6) != Z_OK) {
		g_free(out);
		return NULL;
	}
	*zn = z;
	return out;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The resolution a PNG declares (pHYs, in pixels per metre), or 0. Only chunk headers
 * are read, each bounded by the file. */
static double png_ppm(const unsigned char *d, size_t n)
{
	size_t p = 8;

	while (p + 12 <= n) {
		uint32_t len = be32(d + p);
		if (len > n - p - 12)
			break;
		if (memcmp(d + p + 4, "pHYs", 4) == 0 && len == 9) {
			uint32_t x = be32(d + p + 8), y = be32(d + p + 12);
			if (d[p + 16] == 1 && x > 0 && x == y)
				return x;
			return 0;
		}
		if (memcmp(d + p + 4, "IDAT", 4) == 0)
			break;
		p += 12 + len;
	}
	return 0;
}

static struct image *image_load(struct diag *d, const char *path, const char *what, int *status)
{
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	gchar *bytes = NULL;
	gsize n = 0;
	GError *err = NULL;
	png_image pi;
	unsigned char *px = NULL, *rgb, *alpha;
	struct image *im;
	int opaque = 1;

	*status = EXIT_INVALID;
	if (!g_file_get_contents(path, &bytes, &n, &err)) {
		msg(d, path, 0, MSG_STAMP_READ, what, err->message);
		g_error_free(err);
		return NULL;
	}
	if (n > (gsize)STAMP_MAX_FILE || n < 8 || memcmp(bytes, sig, 8) != 0) {
		msg(d, path, 0, MSG_STAMP_PNG_IMAGE_SAVE, what);
		g_free(bytes);
		return NULL;
	}
	memset(&pi, 0, sizeof pi);
	pi.version = PNG_IMAGE_VERSION;
	if (png_image_begin_read_from_memory(&pi, bytes, n)) {
		if ((long)pi.width * (long)pi.height > STAMP_MAX_PIXELS) {
			png_image_free(&pi);
			msg(d, path, 0, MSG_STAMP_TOO_LARGE_PIXELS, what, pi.width, pi.height);
			g_free(bytes);
			return NULL;
		}
		pi.format = PNG_FORMAT_RGBA;
		px = g_malloc(PNG_IMAGE_SIZE(pi));
		if (!png_image_finish_read(&pi, NULL, px, 0, NULL)) {
			g_free(px);
			px = NULL;
		}
	}
	if (px == NULL) {
		msg(d, path, 0, MSG_STAMP_DAMAGED_PNG_IMAGE, what,
		    pi.message[0] ? pi.message : "unreadable");
		png_image_free(&pi);
		g_free(bytes);
		return NULL;
	}
	im = g_new0(struct image, 1);
	im->path = path;
	im->w = (int)pi.width;
	im->h = (int)pi.height;
	im->ppm = png_ppm((const unsigned char *)bytes, n);
	g_free(bytes);
	size_t np = (size_t)im->w * (size_t)im->h;
	rgb = g_malloc(np * 3);
	alpha = g_malloc(np);
	for (size_t i = 0; i < np; i++) {
		memcpy(rgb + 3 * i, px + 4 * i, 3);
		alpha[i] = px[4 * i + 3];
		opaque &= alpha[i] == 255;
	}
	g_free(px);
	im->rgb = deflate_bytes(rgb, np * 3, &im->rgb_len);
	im->alpha = deflate_bytes(alpha, np, &im->alpha_len);
	g_free(rgb);
	g_free(alpha);
	if (im->rgb == NULL || im->alpha == NULL) {
		msg(d, path, 0, MSG_STAMP_COMPRESSED, what);
		image_free(im);
		*status = EXIT_SYSTEM;
		return NULL;
	}
	if (opaque)
		msg(d, path, 0, MSG_STAMP_TRANSPARENT_BACKGROUND_HIDES, what);
	*status = EXIT_OK;
	return im;
}

/* Writes the image and its mask as two objects; returns the image's number. */
static int image_write(const struct image *im, pdfup *u)
{
	int img = pdfup_alloc(u), mask = pdfup_alloc(u);
	char *d;

	d = g_strdup_printf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace "
			    "/DeviceGray /BitsPerComponent 8",
			    im->w, im->h);
	pdfup_stream(u, mask, d, im->alpha, im->alpha_len, 1);
	g_free(d);
	d = g_strdup_printf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace "
			    "/DeviceRGB /BitsPerComponent 8 /SMask %d 0 R",
			    im->w, im->h, mask);
	pdfup_stream(u, img, d, im->rgb, im->rgb_len, 1);
	g_free(d);
	return img;
}

/* ------------------------------------------------------------------ the font */

static int font_open(stamp *s, int *status)
{
	const PangoFontDescription *desc;
	PangoFont *pf;
	FcPattern *pat;
	FcChar8 *file = NULL;
	int index = 0;
	const char *why = NULL;

	*status = EXIT_SYSTEM;
	s->f = fonts_open(s->d);
	if (s->f == NULL)
		return 0;
	s->style.name = "signature";
	s->style.family = STAMP_FAMILY;
	s->style.size = STAMP_SIZE;
	desc = fonts_style(s->f, &s->style);
	if (desc == NULL)
		return 0;
	pf = pango_context_load_font(fonts_context(s->f), desc);
	if (pf == NULL || !PANGO_IS_FC_FONT(pf) ||
	    (pat = pango_fc_font_get_pattern(PANGO_FC_FONT(pf))) == NULL ||
	    FcPatternGetString(pat, FC_FILE, 0, &file) != FcResultMatch) {
		msg(s->d, NULL, 0, MSG_STAMP_FONT_FILE_EMBED, STAMP_FAMILY);
		if (pf != NULL)
			g_object_unref(pf);
		return 0;
	}
	FcPatternGetInteger(pat, FC_INDEX, 0, &index);
	s->font_path = g_strdup((const char *)file);
	g_object_unref(pf);
	s->t = ttf_open(s->font_path, index, &why);
	if (s->t == NULL) {
		msg(s->d, s->font_path, 0, MSG_PDF_FONT_EMBEDDED_PDF, why);
		return 0;
	}
	s->blob = hb_blob_create_from_file(s->font_path);
	s->face = hb_face_create(s->blob, (unsigned)index);
	s->hb = hb_font_create(s->face); /* scale: font units */
	s->upem = ttf_units_per_em(s->t);
	*status = EXIT_OK;
	return 1;
}

/* One shaped line: glyph ids, advances and offsets in font units, clusters. */
struct shaped {
	hb_buffer_t *buf;
	unsigned n;
	hb_glyph_info_t *info;
	hb_glyph_position_t *pos;
	double width; /* pt */
};

static void shape(const stamp *s, const char *text, int len, struct shaped *sh)
{
	sh->buf = hb_buffer_create();
	hb_buffer_add_utf8(sh->buf, text, len, 0, len);
	hb_buffer_set_direction(sh->buf, HB_DIRECTION_LTR);
	hb_buffer_set_script(sh->buf, HB_SCRIPT_LATIN);
	hb_buffer_set_language(sh->buf, hb_language_from_string("vi", -1));
	hb_shape(s->hb, sh->buf, NULL, 0);
	sh->info = hb_buffer_get_glyph_infos(sh->buf, &sh->n);
	sh->pos = hb_buffer_get_glyph_positions(sh->buf, NULL);
	sh->width = 0;
	for (unsigned i = 0; i < sh->n; i++)
		sh->width += sh->pos[i].x_advance;
	sh->width *= STAMP_SIZE / s->upem;
}

/* Splits text into lines no wider than width, at spaces (a word longer than the line
 * stands alone). Returns a NULL-terminated vector (g_strfreev). */
static char **wrap(const stamp *s, const char *text, double width)
{
	char **words = g_strsplit(text, " ", -1);
	GPtrArray *lines = g_ptr_array_new();
	GString *cur = g_string_new(NULL);

	for (int i = 0; words[i] != NULL; i++) {
		struct shaped sh;
		size_t keep = cur->len;
		if (words[i][0] == '\0')
			continue;
		if (cur->len)
			g_string_append_c(cur, ' ');
		g_string_append(cur, words[i]);
		shape(s, cur->str, (int)cur->len, &sh);
		hb_buffer_destroy(sh.buf);
		if (sh.width > width && keep > 0) {
			g_ptr_array_add(lines, g_strndup(cur->str, keep));
			g_string_assign(cur, words[i]);
		}
	}
	if (cur->len)
		g_ptr_array_add(lines, g_strdup(cur->str));
	g_ptr_array_add(lines, NULL);
	g_string_free(cur, TRUE);
	g_strfreev(words);
	return (char **)g_ptr_array_free(lines, FALSE);
}

static const char hexd[] = "0123456789ABCDEF";

static void hex4(GString *g, unsigned v)
{
	char b[4] = {hexd[(v >> 12) & 15], hexd[(v >> 8) & 15], hexd[(v >> 4) & 15], hexd[v & 15]};

	g_string_append_len(g, b, 4);
}

/* Text operators for one shaped line at (x, y); marks the glyphs used and what each
 * reads as (uni: gid -> UTF-8, first meaning kept). */
static void emit_text(const stamp *s, GString *c, const char *text, int len, double x, double y,
		      uint8_t *used, char **uni)
{
	struct shaped sh;
	double k = STAMP_SIZE / s->upem;
	int open = 0;

	shape(s, text, len, &sh);
	for (unsigned i = 0; i < sh.n; i++) {
		unsigned g = sh.info[i].codepoint;
		double adv = sh.pos[i].x_advance * k, xo = sh.pos[i].x_offset * k,
		       yo = sh.pos[i].y_offset * k;
		if (g >= (unsigned)ttf_glyphs(s->t)) {
			x += adv;
			continue;
		}
		if (!open || xo != 0 || yo != 0) {
			if (open)
				g_string_append(c, "] TJ\n");
			g_string_append_printf(c, "1 0 0 1 %.2f %.2f Tm [", x + xo, y + yo);
			open = 1;
		}
		g_string_append_c(c, '<');
		hex4(c, g);
		g_string_append_c(c, '>');
		double adj = (ttf_advance(s->t, (int)g) - sh.pos[i].x_advance) * 1000.0 / s->upem;
		if (adj > 0.05 || adj < -0.05)
			g_string_append_printf(c, "%.1f", adj);
		used[g >> 3] |= (uint8_t)(1 << (g & 7));
		if (uni[g] == NULL) {
			int start = (int)sh.info[i].cluster, end = len;
			for (unsigned j = 0; j < sh.n; j++)
				if ((int)sh.info[j].cluster > start &&
				    (int)sh.info[j].cluster < end)
					end = (int)sh.info[j].cluster;
			if (end > start)
				uni[g] = g_strndup(text + start, (gsize)(end - start));
		}
		x += adv;
		if (xo != 0 || yo != 0) {
			g_string_append(c, "] TJ\n");
			open = 0;
		}
	}
	if (open)
		g_string_append(c, "] TJ\n");
	hb_buffer_destroy(sh.buf);
}

/* The font's objects (Type0, CIDFontType2, descriptor, program, ToUnicode) for the glyph
 * set used; returns the Type0 font's number, or 0 when the font cannot be subset. */
static int font_write(const stamp *s, pdfup *u, const uint8_t *used, char **uni)
{
	int n = ttf_glyphs(s->t), font = pdfup_alloc(u), cid = pdfup_alloc(u),
	    desc = pdfup_alloc(u), file = pdfup_alloc(u), tou = pdfup_alloc(u), asc, dsc, cap,
	    bbox[4], bold;
	size_t zlen = 0, len1 = 0;
	const unsigned char *prog = ttf_subset(s->t, used, &zlen, &len1);
	double angle;
	guint hash = 5381;
	char tag[7], *extra;
	GString *w, *cm;

	if (prog == NULL)
		return 0;
	for (int i = 0; i < (n + 7) / 8; i++)
		hash = hash * 33 + used[i];
	for (int i = 0; i < 6; i++, hash /= 26)
		tag[i] = (char)('A' + hash % 26);
	tag[6] = '\0';
	ttf_metrics(s->t, &asc, &dsc, &cap, bbox, &angle, &bold);

	pdfup_begin(u, font);
	g_string_append_printf(pdfup_buf(u),
			       "<< /Type /Font /Subtype /Type0 /BaseFont /%s+%s /Encoding "
			       "/Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>",
			       tag, ttf_ps_name(s->t), cid, tou);
	pdfup_end(u);

	w = g_string_new(NULL);
	for (int g = 0; g < n; g++)
		if (used[g >> 3] & (1 << (g & 7)))
			g_string_append_printf(
				w, " %d [%d]", g,
				(int)(ttf_advance(s->t, g) * 1000.0 / s->upem + 0.5));
	pdfup_begin(u, cid);
	g_string_append_printf(pdfup_buf(u),
			       "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s+%s "
			       "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) "
			       "/Supplement 0 >> /FontDescriptor %d 0 R /CIDToGIDMap /Identity "
			       "/DW 1000 /W [%s ] >>",
			       tag, ttf_ps_name(s->t), desc, w->str);
	pdfup_end(u);
	g_string_free(w, TRUE);

	pdfup_begin(u, desc);
	g_string_append_printf(pdfup_buf(u),
			       "<< /Type /FontDescriptor /FontName /%s+%s /Flags %d /FontBBox [%d "
			       "%d %d %d] /ItalicAngle %.1f /Ascent %d /Descent %d /CapHeight %d "
			       "/StemV %d /FontFile2 %d 0 R >>",
			       tag, ttf_ps_name(s->t), 32 | 2 | (angle != 0 ? 64 : 0), bbox[0],
			       bbox[1], bbox[2], bbox[3], angle, asc, dsc, cap, bold ? 140 : 80,
			       file);
	pdfup_end(u);

	extra = g_strdup_printf("/Length1 %lu", (unsigned long)len1);
	pdfup_stream(u, file, extra, prog, zlen, 1);
	g_free(extra);

	cm = g_string_new("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
			  "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> "
			  "def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
			  "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	GString *block = g_string_new(NULL);
	int inblock = 0;
	for (int g = 0; g <= n; g++) {
		if (g < n && uni[g] != NULL) {
			glong ul = 0;
			gunichar2 *u16 = g_utf8_to_utf16(uni[g], -1, NULL, &ul, NULL);
			g_string_append_c(block, '<');
			hex4(block, (unsigned)g);
			g_string_append(block, "> <");
			for (glong i = 0; u16 != NULL && i < ul; i++)
				hex4(block, u16[i]);
			g_string_append(block, ">\n");
			g_free(u16);
			inblock++;
		}
		if (inblock == 100 || (g == n && inblock > 0)) { /* at most 100 per block */
			g_string_append_printf(cm, "%d beginbfchar\n%sendbfchar\n", inblock,
					       block->str);
			g_string_truncate(block, 0);
			inblock = 0;
		}
	}
	g_string_free(block, TRUE);
	g_string_append(cm, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
	pdfup_stream(u, tou, "", (const unsigned char *)cm->str, cm->len, 0);
	g_string_free(cm, TRUE);
	return font;
}

/* ------------------------------------------------------------------ the stamp */

stamp *stamp_new(struct diag *d, const char *image, const char *seal, int *status)
{
	stamp *s = g_new0(stamp, 1);

	s->d = d;
	*status = EXIT_OK;
	if (image != NULL && (s->sig = image_load(d, image, _("signature image"), status)) == NULL)
		goto fail;
	if (seal != NULL && (s->seal = image_load(d, seal, _("seal image"), status)) == NULL)
		goto fail;
	if (s->seal != NULL && s->seal->ppm == 0)
		msg(d, seal, 0, MSG_STAMP_SEAL_IMAGE_RESOLUTION, STAMP_SEAL_DEFAULT_MM);
	if (image == NULL && seal == NULL && !font_open(s, status))
		goto fail;
	return s;
fail:
	stamp_free(s);
	return NULL;
}

void stamp_free(stamp *s)
{
	if (s == NULL)
		return;
	image_free(s->sig);
	image_free(s->seal);
	if (s->hb != NULL)
		hb_font_destroy(s->hb);
	if (s->face != NULL)
		hb_face_destroy(s->face);
	if (s->blob != NULL)
		hb_blob_destroy(s->blob);
	ttf_close(s->t);
	fonts_free(s->f);
	g_free(s->font_path);
	g_free(s);
}

/* The box an image of w x h pixels gets when fitted inside box, centred. */
static void fit(int w, int h, const double box[4], double out[4])
{
	double bw = box[2] - box[0], bh = box[3] - box[1];
	double k = bw / w < bh / h ? bw / w : bh / h;
	double cx = (box[0] + box[2]) / 2, cy = (box[1] + box[3]) / 2;

	out[0] = cx - w * k / 2;
	out[2] = cx + w * k / 2;
	out[1] = cy - h * k / 2;
	out[3] = cy + h * k / 2;
}

/* The seal's size in points: its true size, or the usual seal's width. */
static void seal_size(const struct image *im, double *w, double *h)
{
	double k =
		im->ppm > 0 ? 72.0 / (im->ppm * 0.0254) : STAMP_SEAL_DEFAULT_MM * MM_TO_PT / im->w;

	*w = im->w * k;
	*h = im->h * k;
}

int stamp_write(stamp *s, pdfup *u, const double rect[4], const double page[4],
		const char *const *lines, double out[4], const char *file)
{
	double sigbox[4], sealbox[4] = {0}, box[4];
	GString *c = g_string_new(NULL), *res = g_string_new(NULL);
	int form, ok = 1;

	memcpy(box, rect, sizeof box);
	if (s->sig != NULL) {
		fit(s->sig->w, s->sig->h, rect, sigbox);
	} else {
		memcpy(sigbox, rect, sizeof sigbox);
	}
	if (s->seal != NULL) {
		double sw, sh, cy = (sigbox[1] + sigbox[3]) / 2;
		seal_size(s->seal, &sw, &sh);
		/* over the left third of the signature image; alone, centred in the field */
		double right = s->sig != NULL ? sigbox[0] + (sigbox[2] - sigbox[0]) / 3
					      : (rect[0] + rect[2]) / 2 + sw / 2;
		sealbox[0] = right - sw;
		sealbox[2] = right;
		sealbox[1] = cy - sh / 2;
		sealbox[3] = cy + sh / 2;
		for (int i = 0; i < 2; i++) {
			if (sealbox[i] < box[i])
				box[i] = sealbox[i] < page[i] ? page[i] : sealbox[i];
			if (sealbox[i + 2] > box[i + 2])
				box[i + 2] =
					sealbox[i + 2] > page[i + 2] ? page[i + 2] : sealbox[i + 2];
		}
	}
	if (s->sig != NULL || s->seal != NULL) {
		g_string_append(res, "/XObject <<");
		if (s->sig != NULL) {
			g_string_append_printf(res, " /Sig %d 0 R", image_write(s->sig, u));
			g_string_append_printf(c, "q %.2f 0 0 %.2f %.2f %.2f cm /Sig Do Q\n",
					       sigbox[2] - sigbox[0], sigbox[3] - sigbox[1],
					       sigbox[0] - box[0], sigbox[1] - box[1]);
		}
		if (s->seal != NULL) {
			/* drawn last: the seal goes on after the signature, as on paper */
			g_string_append_printf(res, " /Seal %d 0 R", image_write(s->seal, u));
			g_string_append_printf(c, "q %.2f 0 0 %.2f %.2f %.2f cm /Seal Do Q\n",
					       sealbox[2] - sealbox[0], sealbox[3] - sealbox[1],
					       sealbox[0] - box[0], sealbox[1] - box[1]);
		}
		g_string_append(res, " >>");
	} else {
		int n = ttf_glyphs(s->t), nl = 0, font;
		double width = rect[2] - rect[0], lead = STAMP_SIZE * STAMP_LEADING;
		uint8_t *used = g_new0(uint8_t, ((size_t)n + 7) / 8);
		char **uni = g_new0(char *, n);
		GPtrArray *all = g_ptr_array_new_with_free_func(g_free);
		for (int i = 0; lines[i] != NULL; i++) {
			if (fonts_check_text(s->f, &s->style, lines[i], (int)strlen(lines[i]), NULL,
					     0, NULL, 0) > 0)
				ok = 0;
			char **w = wrap(s, lines[i], width);
			for (int k = 0; w[k] != NULL; k++)
				g_ptr_array_add(all, g_strdup(w[k]));
			g_strfreev(w);
		}
		nl = (int)all->len;
		if (nl * lead > rect[3] - rect[1])
			msg(s->d, file, 0, MSG_STAMP_SIGNER_DETAILS_TAKE, nl);
		/* the base repertoire of times, so that a batch shares one font program */
		struct shaped sh;
		shape(s, time_chars, (int)strlen(time_chars), &sh);
		for (unsigned i = 0; i < sh.n; i++)
			if (sh.info[i].codepoint < (unsigned)n) {
				unsigned g = sh.info[i].codepoint;
				used[g >> 3] |= (uint8_t)(1 << (g & 7));
				if (uni[g] == NULL)
					uni[g] = g_strndup(time_chars + sh.info[i].cluster, 1);
			}
		hb_buffer_destroy(sh.buf);
		/* centred lines, the block centred in the field; the first baseline is one
		 * ascent below the block's top */
		double top = (rect[1] + rect[3]) / 2 + nl * lead / 2 - STAMP_SIZE * 0.9;
		g_string_append(c, "BT\n0 g\n/F0 10 Tf\n");
		for (int i = 0; i < nl; i++) {
			const char *t = g_ptr_array_index(all, i);
			struct shaped m;
			shape(s, t, (int)strlen(t), &m);
			hb_buffer_destroy(m.buf);
			emit_text(s, c, t, (int)strlen(t),
				  (rect[0] + rect[2]) / 2 - m.width / 2 - box[0],
				  top - i * lead - box[1], used, uni);
		}
		g_string_append(c, "ET\n");
		font = ok ? font_write(s, u, used, uni) : 0;
		if (ok && font == 0) {
			msg(s->d, s->font_path, 0, MSG_PDF_FONT_SUBSET_EMBEDDING);
			ok = 0;
		}
		g_string_append_printf(res, "/Font << /F0 %d 0 R >>", font);
		for (int g = 0; g < n; g++)
			g_free(uni[g]);
		g_free(uni);
		g_free(used);
		g_ptr_array_free(all, TRUE);
	}
	memcpy(out, box, sizeof box);
	if (!ok) {
		g_string_free(c, TRUE);
		g_string_free(res, TRUE);
		return 0;
	}
	form = pdfup_alloc(u);
	char *extra = g_strdup_printf("/Type /XObject /Subtype /Form /BBox [0 0 %.2f %.2f] "
				      "/Resources << %s >>",
				      box[2] - box[0], box[3] - box[1], res->str);
	pdfup_stream(u, form, extra, (const unsigned char *)c->str, c->len, 0);
	g_free(extra);
	g_string_free(c, TRUE);
	g_string_free(res, TRUE);
	return form;
}
