/* doc.c - allocation for the expanded document; see doc.h. Everything a doc holds is
 * in doc->strings or doc->chunks, so doc_free() is the one place it dies.
 *
 * Blocks and arrays are cut from large chunks rather than allocated one by one: a long
 * appendix has tens of thousands of small blocks (one per table cell), and one malloc()
 * each, with a pointer to it kept for doc_free(), cost a quarter again of their size. */
#include "doc.h"

#include <stddef.h>
#include <string.h>

/* The size of a chunk: large enough that a block (about 100 bytes) wastes little at a
 * chunk's end and that a long document needs few chunks, small enough that a letter's
 * expansion (a few KB) does not reserve much more than it uses. */
#define DOC_CHUNK_BYTES (32 * 1024)

/* An allocation larger than this gets a chunk of its own (a table's rows), so that a
 * chunk's free end is never wasted on one. */
#define DOC_CHUNK_LARGE (DOC_CHUNK_BYTES / 4)

struct doc_chunk {
	struct doc_chunk *next;
	size_t used, size;  /* bytes of data[] */
	max_align_t data[]; /* the allocations, each aligned as max_align_t */
};

doc *doc_new(void)
{
	doc *d = g_new0(doc, 1);

	d->strings = g_string_chunk_new(16384);
	return d;
}

void doc_free(doc *d)
{
	if (d == NULL)
		return;
	g_string_chunk_free(d->strings);
	while (d->chunks != NULL) {
		struct doc_chunk *c = d->chunks;
		d->chunks = c->next;
		g_free(c);
	}
	g_free(d);
}

const char *doc_str(doc *d, const char *s)
{
	return s != NULL ? g_string_chunk_insert(d->strings, s) : NULL;
}

/* A new zeroed chunk of at least n bytes of data; a large one goes behind the current
 * chunk, so that the current one keeps its free end. */
static struct doc_chunk *new_chunk(doc *d, size_t n)
{
	size_t size = n > DOC_CHUNK_LARGE ? n : DOC_CHUNK_BYTES;
	struct doc_chunk *c = g_malloc0(offsetof(struct doc_chunk, data) + size);

	c->size = size;
	if (n > DOC_CHUNK_LARGE && d->chunks != NULL) {
		c->next = d->chunks->next;
		d->chunks->next = c;
	} else {
		c->next = d->chunks;
		d->chunks = c;
	}
	return c;
}

void *doc_alloc(doc *d, size_t n)
{
	struct doc_chunk *c = d->chunks;
	void *p;

	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (n == 0)
		n = sizeof(max_align_t);
	if (n > DOC_CHUNK_LARGE || c == NULL || c->size - c->used < n)
		c = new_chunk(d, n);
	p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

doc_block *doc_block_new(doc *d, enum doc_kind kind, const char *file, long line)
{
	doc_block *b = doc_alloc(d, sizeof *b);

	b->kind = kind;
	b->file = file;
	b->line = line;
	return b;
}
