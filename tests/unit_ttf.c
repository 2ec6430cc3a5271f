/* unit_ttf.c - unit tests of the TrueType reader and subsetter (gen/ttf.c).
 *
 * The oracle is FreeType, which reads fonts independently of vbgen: each face vbgen may
 * embed (found through vbgen's own fonts/fonts.conf) is opened with ttf_open() and with
 * FreeType; a subset made with ttf_subset() is decompressed and loaded into FreeType
 * again, and every kept glyph must have the original's advance and outline (points, tags,
 * contours), the glyphs left out none, and a composite glyph its components. A font file
 * cut short anywhere inside its tables must be refused by ttf_open() with a reason. The
 * one public function, test_ttf(), is called by tests/unit.c with its check() reporter. */
#include "fonts.h"
#include "paths.h"
#include "ttf.h"

#include <fontconfig/fontconfig.h>
#include <stdarg.h>
#include <unistd.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

void test_ttf(void (*check)(int ok, const char *name, const char *detail));

typedef void (*reporter)(int ok, const char *name, const char *detail);

/* Reports one check whose name and detail are formatted here. */
static void report(reporter check, int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(reporter check, int ok, const char *name, const char *fmt, ...)
{
	va_list ap;
	char *detail;

	va_start(ap, fmt);
	detail = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	check(ok, name, detail);
	g_free(detail);
}

/* The text whose glyphs the subsets keep: Decree 30's national header, which every
 * document prints, with the Vietnamese letters that carry two marks. */
static const char sample_text[] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - "
				  "Hạnh phúc Số: 165/KH-UBND ngày 28 tháng 8 năm 2023 ặẫẩờợữựỹ";

static int is_set(const uint8_t *used, int g)
{
	return (used[g >> 3] >> (g & 7)) & 1;
}

static void set(uint8_t *used, int g)
{
	used[g >> 3] |= (uint8_t)(1 << (g & 7));
}

/* An outline as FreeType loads it in font units, unhinted, components resolved. */
struct outline {
	int ok, advance, contours, points;
	FT_Vector *xy;
	char *tags;
	short *ends;
};

static struct outline load(FT_Face f, int gid)
{
	struct outline o = {0};

	if (FT_Load_Glyph(f, (FT_UInt)gid, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING) != 0)
		return o;
	o.ok = 1;
	o.advance = (int)f->glyph->metrics.horiAdvance;
	o.contours = f->glyph->outline.n_contours;
	o.points = f->glyph->outline.n_points;
	o.xy = g_memdup2(f->glyph->outline.points, sizeof(FT_Vector) * (size_t)o.points);
	o.tags = g_memdup2(f->glyph->outline.tags, (size_t)o.points);
	o.ends = g_memdup2(f->glyph->outline.contours, sizeof(short) * (size_t)o.contours);
	return o;
}

static void unload(struct outline *o)
{
	g_free(o->xy);
	g_free(o->tags);
	g_free(o->ends);
}

static int same_outline(const struct outline *a, const struct outline *b)
{
	/* an empty outline has NULL arrays, which memcmp may not be given */
	return a->ok && b->ok && a->advance == b->advance && a->contours == b->contours &&
	       a->points == b->points &&
	       (a->points == 0 ||
		(memcmp(a->xy, b->xy, sizeof(FT_Vector) * (size_t)a->points) == 0 &&
		 memcmp(a->tags, b->tags, (size_t)a->points) == 0)) &&
	       (a->contours == 0 ||
		memcmp(a->ends, b->ends, sizeof(short) * (size_t)a->contours) == 0);
}

/* The sum of a TrueType file as 32-bit big-endian words: 0xB1B0AFBA for a whole font
 * whose head.checkSumAdjustment is right (the TrueType specification). */
static uint32_t file_sum(const unsigned char *d, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < len; i += 4) {
		uint32_t v = 0;
		for (size_t k = 0; k < 4; k++)
			v = v << 8 | (i + k < len ? d[i + k] : 0);
		sum += v;
	}
	return sum;
}

/* Decompresses a subset program; NULL when zlib refuses it or the length is not len1. */
static unsigned char *inflate_program(const unsigned char *z, size_t zlen, size_t len1)
{
	unsigned char *out = g_malloc(len1 + 1);
	uLongf n = len1 + 1;

	if (uncompress(out, &n, z, zlen) != Z_OK || n != len1) {
		g_free(out);
		return NULL;
	}
	return out;
}

/* The components of composite glyph g, as FreeType reads them, added to set; returns
 * how many were new. */
static int add_components(FT_Face f, int g, uint8_t *glyphs)
{
	int added = 0;

	if (FT_Load_Glyph(f, (FT_UInt)g, FT_LOAD_NO_SCALE | FT_LOAD_NO_RECURSE) != 0 ||
	    f->glyph->format != FT_GLYPH_FORMAT_COMPOSITE)
		return 0;
	for (FT_UInt k = 0; k < f->glyph->num_subglyphs; k++) {
		FT_Int idx, a1, a2;
		FT_UInt flags;
		FT_Matrix m;
		if (FT_Get_SubGlyph_Info(f->glyph, k, &idx, &flags, &a1, &a2, &m) == 0 &&
		    idx >= 0 && idx < f->num_glyphs && !is_set(glyphs, idx)) {
			set(glyphs, idx);
			added++;
		}
	}
	return added;
}

/* The glyphs a subset of used must keep: used, glyph 0 (.notdef) and, transitively, the
 * components of composite glyphs, computed with FreeType. */
static uint8_t *closure(FT_Face f, const uint8_t *used, int n)
{
	uint8_t *c = g_memdup2(used, ((size_t)n + 7) / 8);
	int changed = 1;

	set(c, 0);
	while (changed) {
		changed = 0;
		for (int g = 0; g < n; g++)
			if (is_set(c, g))
				changed += add_components(f, g, c);
	}
	return c;
}

/* Subsets t with the glyphs in used, loads the subset with FreeType and compares it with
 * the original face orig: the kept glyphs (closure()) have the original advance and
 * outline, every other glyph keeps its advance and loses its outline. */
static void test_subset(reporter check, FT_Library lib, FT_Face orig, ttf *t, const char *tag,
			const uint8_t *used, const char *what)
{
	int n = ttf_glyphs(t), kept = 0, dropped = 0, bad_kept = -1, bad_drop = -1;
	size_t zlen = 0, len1 = 0;
	const unsigned char *z = ttf_subset(t, used, &zlen, &len1);
	unsigned char *prog;
	FT_Face sub = NULL;
	char name[512];

	snprintf(name, sizeof name, "ttf %s: %s: a subset that FreeType loads", tag, what);
	if (z == NULL || (prog = inflate_program(z, zlen, len1)) == NULL) {
		check(0, name,
		      z == NULL ? "ttf_subset returned NULL"
				: "the program does not inflate to its stated length");
		return;
	}
	if (FT_New_Memory_Face(lib, prog, (FT_Long)len1, 0, &sub) != 0) {
		check(0, name, "FreeType cannot load the subset");
		g_free(prog);
		return;
	}
	report(check, sub->num_glyphs == n, name, "%ld glyphs, the face has %d (ids must stay)",
	       (long)sub->num_glyphs, n);
	snprintf(name, sizeof name, "ttf %s: %s: whole-file checksum", tag, what);
	report(check, file_sum(prog, len1) == 0xB1B0AFBAu, name, "sum 0x%08X, want 0xB1B0AFBA",
	       file_sum(prog, len1));
	uint8_t *keep = closure(orig, used, n);
	for (int g = 0; g < n && g < sub->num_glyphs; g++) {
		struct outline a = load(orig, g), b = load(sub, g);
		if (is_set(keep, g)) {
			kept++;
			if (!same_outline(&a, &b) && bad_kept < 0)
				bad_kept = g;
		} else if (a.ok && a.points > 0) {
			dropped++;
			if ((!b.ok || b.points != 0 || b.advance != a.advance) && bad_drop < 0)
				bad_drop = g;
		}
		unload(&a);
		unload(&b);
	}
	g_free(keep);
	snprintf(name, sizeof name, "ttf %s: %s: kept glyphs have their advance and outline", tag,
		 what);
	report(check, bad_kept < 0 && kept > 1, name,
	       "glyph %d differs from the original (%d kept)", bad_kept, kept);
	snprintf(name, sizeof name, "ttf %s: %s: the others keep their advance, lose their outline",
		 tag, what);
	report(check, bad_drop < 0 && dropped > 0, name, "glyph %d (of %d left out)", bad_drop,
	       dropped);
	snprintf(name, sizeof name, "ttf %s: %s: the subset is under half the font", tag, what);
	report(check, len1 < (size_t)orig->stream->size / 2, name, "%zu bytes of %lu", len1,
	       (unsigned long)orig->stream->size);
	FT_Done_Face(sub);
	g_free(prog);
}

/* A composite glyph among used (else anywhere in the face) with a component that is not
 * in used; -1 when the face has none. */
static int find_composite(FT_Face f, const uint8_t *used, int n, int *component)
{
	for (int pass = 0; pass < 2; pass++)
		for (int g = 1; g < n; g++) {
			if (pass == 0 && !is_set(used, g))
				continue;
			if (FT_Load_Glyph(f, (FT_UInt)g, FT_LOAD_NO_SCALE | FT_LOAD_NO_RECURSE) !=
				    0 ||
			    f->glyph->format != FT_GLYPH_FORMAT_COMPOSITE)
				continue;
			for (FT_UInt k = 0; k < f->glyph->num_subglyphs; k++) {
				FT_Int idx, a1, a2;
				FT_UInt flags;
				FT_Matrix m;
				if (FT_Get_SubGlyph_Info(f->glyph, k, &idx, &flags, &a1, &a2, &m) ==
					    0 &&
				    idx > 0 && !is_set(used, idx)) {
					*component = idx;
					return g;
				}
			}
		}
	return -1;
}

/* Writes the first len bytes of data to a temporary file; returns its path (to free). */
static char *write_prefix(const char *data, size_t len)
{
	char *path = NULL;
	int fd = g_file_open_tmp("vbgen-ttf-XXXXXX.ttf", &path, NULL);

	if (fd < 0)
		return NULL;
	close(fd);
	if (!g_file_set_contents(path, data, (gssize)len, NULL)) {
		g_unlink(path);
		g_free(path);
		return NULL;
	}
	return path;
}

/* The end of the last table of the font's directory (offset + length), or 0. */
static size_t tables_end(const unsigned char *d, size_t size)
{
	size_t end = 0;
	int n;

	if (size < 12)
		return 0;
	n = d[4] << 8 | d[5];
	for (int i = 0; i < n && 12 + (size_t)i * 16 + 16 <= size; i++) {
		const unsigned char *r = d + 12 + (size_t)i * 16;
		size_t off = (size_t)r[8] << 24 | (size_t)r[9] << 16 | (size_t)r[10] << 8 | r[11];
		size_t len = (size_t)r[12] << 24 | (size_t)r[13] << 16 | (size_t)r[14] << 8 | r[15];
		if (off + len > end)
			end = off + len;
	}
	return end;
}

/* A font cut short is refused, with a reason, wherever the cut falls in its tables. */
static void test_truncated(reporter check, const char *path, const char *tag)
{
	gchar *data = NULL;
	gsize size = 0;
	char name[512];

	if (!g_file_get_contents(path, &data, &size, NULL)) {
		report(check, 0, "ttf: read the font file", "%s cannot be read", path);
		return;
	}
	size_t end = tables_end((const unsigned char *)data, size);
	size_t cuts[] = {0, 4, 12, 12 + 16 * 3, size / 4, size / 2, end - 100, end - 1};
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		char *tmp = write_prefix(data, cuts[i]);
		const char *why = NULL;
		ttf *t;
		snprintf(name, sizeof name, "ttf %s: a copy cut at byte %zu of %zu is refused", tag,
			 cuts[i], (size_t)size);
		if (tmp == NULL) {
			check(0, name, "cannot write the temporary file");
			continue;
		}
		t = ttf_open(tmp, 0, &why);
		report(check, t == NULL && why != NULL && why[0] != '\0', name,
		       "ttf_open returned %s (reason %s)", t ? "a face" : "NULL",
		       why ? why : "none");
		ttf_close(t);
		g_unlink(tmp);
		g_free(tmp);
	}
	{
		const char *why = NULL;
		ttf *t = ttf_open("/nonexistent/vbgen-no-such-font.ttf", 0, &why);
		check(t == NULL && why != NULL, "ttf: a missing file is refused with a reason",
		      "ttf_open returned a face");
		ttf_close(t);
	}
	g_free(data);
}

/* One face: metrics against FreeType's, then subsets. */
static void test_face(reporter check, FT_Library lib, const char *path, int index)
{
	const char *why = NULL;
	ttf *t = ttf_open(path, index, &why);
	FT_Face f = NULL;
	char tag[96], name[512];
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	snprintf(tag, sizeof tag, "%s", base);
	snprintf(name, sizeof name, "ttf %s: ttf_open and FreeType open the face", tag);
	if (t == NULL || FT_New_Face(lib, path, index, &f) != 0) {
		report(check, 0, name, "ttf_open: %s", t ? "ok" : why);
		ttf_close(t);
		return;
	}
	check(1, name, "");
	int n = ttf_glyphs(t);
	snprintf(name, sizeof name, "ttf %s: glyph count, units per em, PostScript name", tag);
	const char *ps = FT_Get_Postscript_Name(f);
	report(check,
	       n == f->num_glyphs && ttf_units_per_em(t) == f->units_per_EM && ps != NULL &&
		       strcmp(ps, ttf_ps_name(t)) == 0,
	       name, "ttf %d glyphs, %d upem, %s; FreeType %ld, %d, %s", n, ttf_units_per_em(t),
	       ttf_ps_name(t), (long)f->num_glyphs, f->units_per_EM, ps ? ps : "(none)");
	int bad = -1;
	for (int g = 0; g < n && bad < 0; g++) {
		if (FT_Load_Glyph(f, (FT_UInt)g, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING) != 0 ||
		    f->glyph->metrics.horiAdvance != ttf_advance(t, g))
			bad = g;
	}
	snprintf(name, sizeof name, "ttf %s: ttf_advance is FreeType's advance for every glyph",
		 tag);
	report(check, bad < 0, name, "glyph %d: ttf %d, FreeType %ld", bad, ttf_advance(t, bad),
	       (long)f->glyph->metrics.horiAdvance);

	/* the glyphs of the sample text */
	size_t bytes = ((size_t)n + 7) / 8;
	uint8_t *used = g_new0(uint8_t, bytes);
	int missing = 0;
	for (const char *p = sample_text; *p; p = g_utf8_next_char(p)) {
		FT_UInt g = FT_Get_Char_Index(f, g_utf8_get_char(p));
		if (g == 0)
			missing++;
		else
			set(used, (int)g);
	}
	snprintf(name, sizeof name, "ttf %s: the face has every letter of the test text", tag);
	report(check, missing == 0, name, "%d characters without a glyph", missing);
	test_subset(check, lib, f, t, tag, used, "the national header");

	size_t zlen = 0, len1 = 0, zlen2 = 0, len2 = 0;
	const unsigned char *a = ttf_subset(t, used, &zlen, &len1);
	const unsigned char *b = ttf_subset(t, used, &zlen2, &len2);
	snprintf(name, sizeof name, "ttf %s: the same glyph set again comes from the cache", tag);
	check(a != NULL && a == b && zlen == zlen2 && len1 == len2, name,
	      "a second, different program");

	/* a composite glyph alone: its components come along */
	int component = -1, comp = find_composite(f, used, n, &component);
	snprintf(name, sizeof name, "ttf %s: the face has a composite glyph to test", tag);
	report(check, comp > 0, name, "no composite glyph in %d glyphs", n);
	if (comp > 0) {
		uint8_t *one = g_new0(uint8_t, bytes);
		set(one, comp);
		const unsigned char *z = ttf_subset(t, one, &zlen, &len1);
		unsigned char *prog = z ? inflate_program(z, zlen, len1) : NULL;
		FT_Face sub = NULL;
		snprintf(name, sizeof name,
			 "ttf %s: composite glyph %d alone keeps its outline and component %d", tag,
			 comp, component);
		if (prog == NULL || FT_New_Memory_Face(lib, prog, (FT_Long)len1, 0, &sub) != 0) {
			check(0, name, "the subset cannot be loaded");
		} else {
			struct outline oa = load(f, comp), ob = load(sub, comp);
			struct outline ca = load(f, component), cb = load(sub, component);
			report(check,
			       same_outline(&oa, &ob) && same_outline(&ca, &cb) && ob.points > 0,
			       name, "composite %s, component %s",
			       same_outline(&oa, &ob) ? "same" : "differs",
			       same_outline(&ca, &cb) ? "same" : "differs");
			unload(&oa);
			unload(&ob);
			unload(&ca);
			unload(&cb);
			FT_Done_Face(sub);
		}
		g_free(prog);
		g_free(one);
	}
	g_free(used);
	FT_Done_Face(f);
	ttf_close(t);
}

/* The letters' workers are forked only before Pango is set up (letters.c asserts it):
 * opening the fonts and resolving a style use fontconfig alone. */
static void test_pango_late(reporter check)
{
	struct diag d;
	fonts *f = fonts_open((diag_init(&d), &d));
	doc_style s = {0};

	if (f == NULL) {
		check(0, "fonts: open", "fonts_open() failed");
		return;
	}
	s.family = "Times New Roman";
	s.size = 13;
	check(!fonts_pango_started(f), "fonts: no Pango after fonts_open()", "started");
	check(fonts_style(f, &s) != NULL && !fonts_pango_started(f),
	      "fonts: no Pango after resolving a style", "started");
	check(fonts_context(f) != NULL && fonts_pango_started(f),
	      "fonts: Pango is set up by fonts_context()", "not started");
	fonts_free(f);
}

void test_ttf(reporter check)
{
	char *conf = paths_find("fonts/fonts.conf");
	FcConfig *cfg = FcConfigCreate();
	FT_Library lib = NULL;
	int faces = 0;

	test_pango_late(check);

	if (conf == NULL || !FcConfigParseAndLoad(cfg, (const FcChar8 *)conf, FcTrue) ||
	    !FcConfigBuildFonts(cfg) || FT_Init_FreeType(&lib) != 0) {
		check(0, "ttf: vbgen's fonts configuration and FreeType", "cannot be set up");
		free(conf);
		FcConfigDestroy(cfg);
		return;
	}
	free(conf);
	/* every face vbgen may embed: Times New Roman when installed, else Liberation Serif */
	FcPattern *pat = FcPatternCreate();
	FcObjectSet *os = FcObjectSetBuild(FC_FILE, FC_INDEX, FC_FAMILY, NULL);
	FcFontSet *fs = FcFontList(cfg, pat, os);
	const char *first = NULL;
	for (int i = 0; fs != NULL && i < fs->nfont; i++) {
		FcChar8 *file = NULL, *family = NULL;
		int index = 0;
		if (FcPatternGetString(fs->fonts[i], FC_FILE, 0, &file) != FcResultMatch ||
		    FcPatternGetString(fs->fonts[i], FC_FAMILY, 0, &family) != FcResultMatch)
			continue;
		FcPatternGetInteger(fs->fonts[i], FC_INDEX, 0, &index);
		if (strcmp((const char *)family, "Times New Roman") != 0 &&
		    strcmp((const char *)family, "Liberation Serif") != 0)
			continue;
		if (!g_str_has_suffix((const char *)file, ".ttf") &&
		    !g_str_has_suffix((const char *)file, ".TTF"))
			continue;
		test_face(check, lib, (const char *)file, index);
		if (first == NULL)
			first = (const char *)file;
		faces++;
	}
	report(check, faces >= 4, "ttf: the four faces of a serif family are found", "%d faces",
	       faces);
	if (first != NULL)
		test_truncated(check, first, strrchr(first, '/') ? strrchr(first, '/') + 1 : first);
	FcFontSetDestroy(fs);
	FcObjectSetDestroy(os);
	FcPatternDestroy(pat);
	FcConfigDestroy(cfg);
	FT_Done_FreeType(lib);
}
