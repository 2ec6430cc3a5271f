/* dump.c - the laid-out pages as text, the oracle of the layout regression tests (like
 * Pango's own layout tests): stable, readable, and independent of PDF bytes. */
#include "dump.h"

void dump_page(const lay_page *pg, int number, FILE *out)
{
	fprintf(out, "page %d %.2fx%.2f number=%d\n", number, pg->width, pg->height, pg->number);
	for (guint i = 0; i < pg->elems->len; i++) {
		const lay_elem *e = &g_array_index(pg->elems, lay_elem, i);
		switch (e->kind) {
		case EL_TEXT:
			fprintf(out, "  text %7.2f %7.2f %7.2f %-12s %s%.*s\n", e->x, e->y, e->w,
				e->style->name, e->bookmark ? "[bookmark] " : "", e->len, e->text);
			break;
		case EL_RULE:
			fprintf(out, "  rule %7.2f %7.2f %7.2f %.2f\n", e->x, e->y, e->w, e->h);
			break;
		case EL_BOX:
			fprintf(out, "  box  %7.2f %7.2f %7.2f %7.2f\n", e->x, e->y, e->w, e->h);
			break;
		case EL_FIELD: /* nothing on the page: the dump shows what is drawn */
			break;
		}
	}
}

void dump_layout(const lay_doc *ld, FILE *out)
{
	for (guint p = 0; p < ld->pages->len; p++)
		dump_page(g_ptr_array_index(ld->pages, p), (int)p + 1, out);
}
