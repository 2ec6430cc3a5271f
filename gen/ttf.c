/* ttf.c - TrueType metrics and subsetting for the PDF writer; see ttf.h.
 *
 * Only what embedding needs is parsed: the table directory, head, hhea, maxp, hmtx,
 * loca, glyf (for composite glyphs), name (the PostScript name), OS/2 and post. Every
 * read is bounds-checked: a malformed font gives NULL, never a crash. */
#include "ttf.h"

#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct table {
	uint32_t off, len;
};

struct subset {
	guint hash;
	uint8_t *used;    /* copy of the glyph set */
	unsigned char *z; /* compressed program */
	size_t zlen, len;
};

struct ttf {
	unsigned char *data;
	size_t size;
	struct table head, hhea, maxp, hmtx, loca, glyf, name, os2, post, cvt, fpgm, prep;
	int glyphs, upem, long_loca, hmetrics;
	char ps_name[64];
	GPtrArray *cache; /* struct subset * */
};

static uint16_t u16(const ttf *t, size_t off)
{
	return off + 2 <= t->size ? (uint16_t)(t->data[off] << 8 | t->data[off + 1]) : 0;
}

static int16_t s16(const ttf *t, size_t off)
{
	return (int16_t)u16(t, off);
}

static uint32_t u32(const ttf *t, size_t off)
{
	return off + 4 <= t->size
		       ? (uint32_t)t->data[off] << 24 | (uint32_t)t->data[off + 1] << 16 |
				 (uint32_t)t->data[off + 2] << 8 | t->data[off + 3]
		       : 0;
}

static int find_tables(ttf *t, size_t dir)
{
	int n = u16(t, dir + 4);

	for (int i = 0; i < n; i++) {
		size_t rec = dir + 12 + (size_t)i * 16;
		char tag[5];
		struct table tb = {u32(t, rec + 8), u32(t, rec + 12)};
		if (rec + 16 > t->size || (size_t)tb.off + tb.len > t->size)
			return -1;
		memcpy(tag, t->data + rec, 4);
		tag[4] = '\0';
		if (strcmp(tag, "head") == 0)
			t->head = tb;
		else if (strcmp(tag, "hhea") == 0)
			t->hhea = tb;
		else if (strcmp(tag, "maxp") == 0)
			t->maxp = tb;
		else if (strcmp(tag, "hmtx") == 0)
			t->hmtx = tb;
		else if (strcmp(tag, "loca") == 0)
			t->loca = tb;
		else if (strcmp(tag, "glyf") == 0)
			t->glyf = tb;
		else if (strcmp(tag, "name") == 0)
			t->name = tb;
		else if (strcmp(tag, "OS/2") == 0)
			t->os2 = tb;
		else if (strcmp(tag, "post") == 0)
			t->post = tb;
		else if (strcmp(tag, "cvt ") == 0)
			t->cvt = tb;
		else if (strcmp(tag, "fpgm") == 0)
			t->fpgm = tb;
		else if (strcmp(tag, "prep") == 0)
			t->prep = tb;
	}
	return 0;
}

/* The PostScript name (name id 6), from the Mac (ASCII) or Windows (UTF-16BE) record. */
static void read_ps_name(ttf *t)
{
	size_t base = t->name.off;
	int count = u16(t, base + 2);
	size_t strings = base + u16(t, base + 4);

	snprintf(t->ps_name, sizeof t->ps_name, "Font");
	for (int i = 0; i < count; i++) {
		size_t rec = base + 6 + (size_t)i * 12;
		int platform = u16(t, rec), id = u16(t, rec + 6), len = u16(t, rec + 8);
		size_t off = strings + u16(t, rec + 10);
		size_t k = 0;
		if (id != 6 || off + (size_t)len > t->size)
			continue;
		if (platform == 1) {
			for (int c = 0; c < len && k + 1 < sizeof t->ps_name; c++)
				t->ps_name[k++] = (char)t->data[off + c];
		} else if (platform == 3) {
			for (int c = 1; c < len && k + 1 < sizeof t->ps_name; c += 2)
				t->ps_name[k++] = (char)t->data[off + c];
		} else
			continue;
		t->ps_name[k] = '\0';
		/* PDF names take no spaces or delimiters */
		for (char *p = t->ps_name; *p; p++)
			if (*p <= ' ' || *p > '~' || strchr("()<>[]{}/%#", *p) != NULL)
				*p = '-';
		return;
	}
}

ttf *ttf_open(const char *path, int index, const char **why)
{
	ttf *t = g_new0(ttf, 1);
	gchar *bytes = NULL;
	gsize size = 0;
	size_t dir = 0;

	if (!g_file_get_contents(path, &bytes, &size, NULL) || size > (gsize)TTF_MAX_FILE) {
		*why = _("the font file cannot be read");
		g_free(bytes);
		g_free(t);
		return NULL;
	}
	t->data = (unsigned char *)bytes;
	t->size = size;
	if (u32(t, 0) == 0x74746366) { /* 'ttcf': a collection */
		if (index < 0 || (uint32_t)index >= u32(t, 8)) {
			*why = _("the font collection has no such face");
			ttf_close(t);
			return NULL;
		}
		dir = u32(t, 12 + (size_t)index * 4);
	}
	if (u32(t, dir) != 0x00010000 && u32(t, dir) != 0x74727565 /* 'true' */) {
		*why = _("it is not a TrueType font (vbgen embeds TrueType outlines only)");
		ttf_close(t);
		return NULL;
	}
	if (find_tables(t, dir) != 0 || t->head.len < 54 || t->hhea.len < 36 || t->maxp.len < 6 ||
	    t->hmtx.len == 0 || t->loca.len == 0 || t->glyf.len == 0) {
		*why = _("the font file is damaged or lacks a required table");
		ttf_close(t);
		return NULL;
	}
	t->upem = u16(t, t->head.off + 18);
	t->long_loca = s16(t, t->head.off + 50) == 1;
	t->glyphs = u16(t, t->maxp.off + 4);
	t->hmetrics = u16(t, t->hhea.off + 34);
	if (t->upem < 16 || t->glyphs == 0 || t->hmetrics == 0 ||
	    t->loca.len < (uint32_t)(t->glyphs + 1) * (t->long_loca ? 4u : 2u) ||
	    t->hmtx.len < (uint32_t)t->hmetrics * 4u) {
		*why = _("the font file is damaged");
		ttf_close(t);
		return NULL;
	}
	read_ps_name(t);
	t->cache = g_ptr_array_new();
	return t;
}

void ttf_close(ttf *t)
{
	if (t == NULL)
		return;
	if (t->cache != NULL) {
		for (guint i = 0; i < t->cache->len; i++) {
			struct subset *s = g_ptr_array_index(t->cache, i);
			g_free(s->used);
			g_free(s->z);
			g_free(s);
		}
		g_ptr_array_free(t->cache, TRUE);
	}
	g_free(t->data);
	g_free(t);
}

int ttf_glyphs(const ttf *t)
{
	return t->glyphs;
}

int ttf_units_per_em(const ttf *t)
{
	return t->upem;
}

int ttf_advance(const ttf *t, int gid)
{
	if (gid < 0 || gid >= t->glyphs)
		return 0;
	if (gid >= t->hmetrics)
		gid = t->hmetrics - 1;
	return u16(t, t->hmtx.off + (size_t)gid * 4);
}

const char *ttf_ps_name(const ttf *t)
{
	return t->ps_name;
}

void ttf_metrics(const ttf *t, int *ascent, int *descent, int *cap_height, int bbox[4],
		 double *italic_angle, int *bold)
{
	double k = 1000.0 / t->upem;

	*ascent = (int)(s16(t, t->hhea.off + 4) * k);
	*descent = (int)(s16(t, t->hhea.off + 6) * k);
	for (int i = 0; i < 4; i++)
		bbox[i] = (int)(s16(t, t->head.off + 36 + (size_t)i * 2) * k);
	*cap_height = t->os2.len >= 90 ? (int)(s16(t, t->os2.off + 88) * k) : *ascent;
	*bold = t->os2.len >= 6 ? u16(t, t->os2.off + 4) >= 600 : 0;
	*italic_angle = t->post.len >= 8 ? (int32_t)u32(t, t->post.off + 4) / 65536.0 : 0;
}

static uint32_t glyph_off(const ttf *t, int gid)
{
	return t->long_loca ? u32(t, t->loca.off + (size_t)gid * 4)
			    : 2u * u16(t, t->loca.off + (size_t)gid * 2);
}

/* Adds the components of composite glyphs to the set, transitively. */
static void close_composites(const ttf *t, uint8_t *used)
{
	int changed = 1, rounds = 0;

	while (changed && rounds++ < 8) { /* composites nest a few levels at most */
		changed = 0;
		for (int g = 0; g < t->glyphs; g++) {
			uint32_t a, b;
			size_t p;
			if (!(used[g >> 3] & (1 << (g & 7))))
				continue;
			a = glyph_off(t, g);
			b = glyph_off(t, g + 1);
			if (b <= a || b - a < 10 || (size_t)t->glyf.off + b > t->size)
				continue;
			p = t->glyf.off + a;
			if (s16(t, p) >= 0)
				continue;
			p += 10;
			for (int guard = 0; guard < 64; guard++) {
				uint16_t flags = u16(t, p), comp = u16(t, p + 2);
				if (comp < t->glyphs && !(used[comp >> 3] & (1 << (comp & 7)))) {
					used[comp >> 3] |= (uint8_t)(1 << (comp & 7));
					changed = 1;
				}
				p += 4 + ((flags & 0x0001) ? 4 : 2);
				if (flags & 0x0008)
					p += 2;
				else if (flags & 0x0040)
					p += 4;
				else if (flags & 0x0080)
					p += 8;
				if (!(flags & 0x0020))
					break;
			}
		}
	}
}

static void put16(GByteArray *b, uint16_t v)
{
	guint8 x[2] = {(guint8)(v >> 8), (guint8)v};
	g_byte_array_append(b, x, 2);
}

static void put32(GByteArray *b, uint32_t v)
{
	guint8 x[4] = {(guint8)(v >> 24), (guint8)(v >> 16), (guint8)(v >> 8), (guint8)v};
	g_byte_array_append(b, x, 4);
}

static uint32_t checksum(const guint8 *d, size_t len)
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

/* Builds the uncompressed subset program. */
static GByteArray *build(const ttf *t, const uint8_t *used)
{
	struct out {
		const char *tag;
		GByteArray *data;
	} tabs[9];
	GByteArray *glyf = g_byte_array_new(), *loca = g_byte_array_new(), *file;
	int n = 0;

	for (int g = 0; g < t->glyphs; g++) {
		put32(loca, glyf->len);
		if (used[g >> 3] & (1 << (g & 7))) {
			uint32_t a = glyph_off(t, g), b = glyph_off(t, g + 1);
			if (b > a && (size_t)t->glyf.off + b <= t->size) {
				g_byte_array_append(glyf, t->data + t->glyf.off + a, b - a);
				while (glyf->len % 4)
					g_byte_array_append(glyf, (const guint8 *)"\0", 1);
			}
		}
	}
	put32(loca, glyf->len);

#define COPY(tagname, tb)                                                                          \
	if ((tb).len > 0) {                                                                        \
		tabs[n].tag = tagname;                                                             \
		tabs[n].data = g_byte_array_new();                                                 \
		g_byte_array_append(tabs[n].data, t->data + (tb).off, (tb).len);                   \
		n++;                                                                               \
	}
	COPY("cvt ", t->cvt);
	COPY("fpgm", t->fpgm);
	tabs[n].tag = "glyf";
	tabs[n++].data = glyf;
	COPY("head", t->head);
	COPY("hhea", t->hhea);
	COPY("hmtx", t->hmtx);
	tabs[n].tag = "loca";
	tabs[n++].data = loca;
	COPY("maxp", t->maxp);
	COPY("prep", t->prep);
#undef COPY
	/* head: long loca offsets; checksum adjustment computed below */
	for (int i = 0; i < n; i++)
		if (strcmp(tabs[i].tag, "head") == 0) {
			guint8 *h = tabs[i].data->data;
			h[8] = h[9] = h[10] = h[11] = 0;
			h[50] = 0;
			h[51] = 1;
		}

	file = g_byte_array_new();
	int sel = 0;
	while ((2 << sel) <= n)
		sel++;
	put32(file, 0x00010000);
	put16(file, (uint16_t)n);
	put16(file, (uint16_t)(16 << sel));
	put16(file, (uint16_t)sel);
	put16(file, (uint16_t)(n * 16 - (16 << sel)));
	uint32_t off = 12 + 16 * (uint32_t)n;
	for (int i = 0; i < n; i++) {
		g_byte_array_append(file, (const guint8 *)tabs[i].tag, 4);
		put32(file, checksum(tabs[i].data->data, tabs[i].data->len));
		put32(file, off);
		put32(file, tabs[i].data->len);
		off += (tabs[i].data->len + 3) & ~3u;
	}
	size_t head_at = 0;
	for (int i = 0; i < n; i++) {
		if (strcmp(tabs[i].tag, "head") == 0)
			head_at = file->len;
		g_byte_array_append(file, tabs[i].data->data, tabs[i].data->len);
		while (file->len % 4)
			g_byte_array_append(file, (const guint8 *)"\0", 1);
		g_byte_array_free(tabs[i].data, TRUE);
	}
	uint32_t adj = 0xB1B0AFBAu - checksum(file->data, file->len);
	file->data[head_at + 8] = (guint8)(adj >> 24);
	file->data[head_at + 9] = (guint8)(adj >> 16);
	file->data[head_at + 10] = (guint8)(adj >> 8);
	file->data[head_at + 11] = (guint8)adj;
	return file;
}

const unsigned char *ttf_subset(ttf *t, const uint8_t *used_in, size_t *len, size_t *len1)
{
	size_t bytes = ((size_t)t->glyphs + 7) / 8;
	uint8_t *used = g_memdup2(used_in, bytes);
	guint hash = 5381;
	struct subset *s;
	GByteArray *prog;
	uLongf zlen;

	/* the cache is keyed by the set asked for, so a hit costs neither the composite
	 * closure nor a copy */
	used[0] |= 1; /* glyph 0, .notdef, is always there */
	for (size_t i = 0; i < bytes; i++)
		hash = hash * 33 + used[i];
	for (guint i = 0; i < t->cache->len; i++) {
		s = g_ptr_array_index(t->cache, i);
		if (s->hash == hash && memcmp(s->used, used, bytes) == 0) {
			g_free(used);
			*len = s->zlen;
			*len1 = s->len;
			return s->z;
		}
	}
	s = NULL;
	uint8_t *closed = g_memdup2(used, bytes);
	close_composites(t, closed);
	prog = build(t, closed);
	g_free(closed);
	s = g_new0(struct subset, 1);
	s->hash = hash;
	s->used = used;
	s->len = prog->len;
	zlen = compressBound(prog->len);
	s->z = g_malloc(zlen);
	if (compress2(s->z, &zlen, prog->data, prog->len, TTF_ZLEVEL) != Z_OK) {
		g_byte_array_free(prog, TRUE);
		g_free(s->z);
		g_free(s->used);
		g_free(s);
		return NULL;
	}
	s->zlen = zlen;
	g_byte_array_free(prog, TRUE);
	if (t->cache->len >= TTF_CACHE_MAX) {
		struct subset *old = g_ptr_array_index(t->cache, 0);
		g_ptr_array_remove_index(t->cache, 0);
		g_free(old->used);
		g_free(old->z);
		g_free(old);
	}
	g_ptr_array_add(t->cache, s);
	*len = s->zlen;
	*len1 = s->len;
	return s->z;
}
