/* page.h - pagination: the stage that makes the laid-out document.
 *
 * page.c walks the expanded doc's blocks, lays each out when it comes to it (paragraphs
 * and grids by layout.c, table rows by table.c) and breaks the flow into pages by lines:
 * no heading alone at the foot of a page, no single first or last line of a paragraph,
 * the closing block kept with the last lines of the body, table rows kept whole with the
 * header repeated, page numbers added. The result is what the outputs draw (lay.h).
 *
 * Pages are handed on as they are finished: to a page sink, which writes them (a PDF,
 * the layout dump), after which their memory and that of the blocks on them is released,
 * so that a document's memory is bounded by what a page needs, not by its length; or,
 * without a sink, kept in the lay_doc for an output that needs them all (a Word file,
 * previews, the copies of a letter in the print file). */
#ifndef VBGEN_PAGE_H
#define VBGEN_PAGE_H

#include "fonts.h"
#include "lay.h"
#include "layout.h"

/* Receives each page when it is finished; returns EXIT_OK, or another exit status after
 * reporting, which stops the layout. The page is freed after the call. */
typedef struct page_sink {
	int (*page)(void *data, const lay_doc *ld, const lay_page *pg);
	void *data;
} page_sink;

/* Lays out d into pages: handed to sink as they are finished, or, with sink NULL, kept
 * in the result's pages. cache (or NULL) holds paragraphs shared by a batch of documents;
 * it must outlive the result, and be trimmed only between documents. Returns NULL after
 * reporting (a missing font or glyph, a table that cannot fit, a sink's failure). */
lay_doc *page_layout(fonts *f, const doc *d, layout_cache *cache, const page_sink *sink);

/* Frees ld, its pages and everything they point to but the fonts and the cache. */
void page_free(lay_doc *ld);

#endif
