/* pdfup.c - an incremental update; see pdfup.h. The cross-reference section lists only
 * the objects of this update, in subsections of consecutive numbers, with the same
 * 20-byte entries vbgen's writer uses. */
#include "pdfup.h"

#include <string.h>
#include <zlib.h>

/* zlib level for the appearance streams and images of a signature: small and written
 * once per file. */
#define PDFUP_ZLEVEL 6

struct obj_pos {
	int num;
	long off; /* in the whole file */
};

struct pdfup {
	long base; /* bytes of the file before the update */
	int size;  /* next free object number */
	long prev;
	GString *buf;
	GArray *objs; /* struct obj_pos */
};

pdfup *pdfup_new(long base_len, int size, long prev, int nl)
{
	pdfup *u = g_new0(pdfup, 1);

	u->base = base_len;
	u->size = size;
	u->prev = prev;
	u->buf = g_string_sized_new(65536);
	u->objs = g_array_new(FALSE, FALSE, sizeof(struct obj_pos));
	if (nl)
		g_string_append_c(u->buf, '\n');
	return u;
}

void pdfup_free(pdfup *u)
{
	if (u == NULL)
		return;
	g_string_free(u->buf, TRUE);
	g_array_free(u->objs, TRUE);
	g_free(u);
}

int pdfup_alloc(pdfup *u)
{
	return u->size++;
}

long pdfup_pos(const pdfup *u)
{
	return u->base + (long)u->buf->len;
}

void pdfup_begin(pdfup *u, int num)
{
	struct obj_pos o = {num, pdfup_pos(u)};

	g_array_append_val(u->objs, o);
	g_string_append_printf(u->buf, "%d 0 obj\n", num);
}

GString *pdfup_buf(pdfup *u)
{
	return u->buf;
}

void pdfup_end(pdfup *u)
{
	g_string_append(u->buf, "\nendobj\n");
}

void pdfup_stream(pdfup *u, int num, const char *dict_extra, const unsigned char *data, size_t len,
		  int compressed)
{
	uLongf zlen = compressBound(len);
	unsigned char *z = NULL;

	if (!compressed) {
		z = g_malloc(zlen);
		if (compress2(z, &zlen, data, len, PDFUP_ZLEVEL) != Z_OK) {
			g_free(z);
			z = NULL;
		}
	}
	pdfup_begin(u, num);
	if (z == NULL && !compressed)
		g_string_append_printf(u->buf, "<< /Length %lu%s%s >>\nstream\n",
				       (unsigned long)len, *dict_extra ? " " : "", dict_extra);
	else
		g_string_append_printf(u->buf,
				       "<< /Length %lu /Filter /FlateDecode%s%s >>\nstream\n",
				       (unsigned long)(z != NULL ? zlen : len),
				       *dict_extra ? " " : "", dict_extra);
	if (z != NULL)
		g_string_append_len(u->buf, (const char *)z, (gssize)zlen);
	else
		g_string_append_len(u->buf, (const char *)data, (gssize)len);
	g_string_append(u->buf, "\nendstream\nendobj\n");
	g_free(z);
}

static gint by_num(gconstpointer a, gconstpointer b)
{
	return ((const struct obj_pos *)a)->num - ((const struct obj_pos *)b)->num;
}

void pdfup_finish(pdfup *u, const char *trailer_extra)
{
	long xref = pdfup_pos(u);
	guint n = u->objs->len;

	g_array_sort(u->objs, by_num);
	g_string_append(u->buf, "xref\n");
	for (guint i = 0; i < n;) {
		guint j = i;
		while (j + 1 < n && g_array_index(u->objs, struct obj_pos, j + 1).num ==
					    g_array_index(u->objs, struct obj_pos, j).num + 1)
			j++;
		g_string_append_printf(u->buf, "%d %u\n",
				       g_array_index(u->objs, struct obj_pos, i).num, j - i + 1);
		for (guint k = i; k <= j; k++)
			g_string_append_printf(u->buf, "%010ld 00000 n \n",
					       g_array_index(u->objs, struct obj_pos, k).off);
		i = j + 1;
	}
	g_string_append_printf(u->buf,
			       "trailer\n<< /Size %d %s /Prev %ld >>\nstartxref\n%ld\n%%%%EOF\n",
			       u->size, trailer_extra, u->prev, xref);
}

unsigned char *pdfup_bytes(pdfup *u, size_t *len)
{
	*len = u->buf->len;
	return (unsigned char *)u->buf->str;
}
