/* doc.c - allocation for the expanded document; see doc.h. Everything a doc holds is
 * registered in doc->owned or doc->strings, so doc_free() is the one place it dies. */
#include "doc.h"

#include <string.h>

doc *doc_new(void)
{
	doc *d = g_new0(doc, 1);

	d->strings = g_string_chunk_new(16384);
	d->owned = g_ptr_array_new_with_free_func(g_free);
	return d;
}

void doc_free(doc *d)
{
	if (d == NULL)
		return;
	g_string_chunk_free(d->strings);
	g_ptr_array_free(d->owned, TRUE);
	g_free(d);
}

const char *doc_str(doc *d, const char *s)
{
	return s != NULL ? g_string_chunk_insert(d->strings, s) : NULL;
}

void *doc_alloc(doc *d, size_t n)
{
	void *p = g_malloc0(n);

	g_ptr_array_add(d->owned, p);
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
