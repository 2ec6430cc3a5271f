/* layout.c - paragraphs and grid columns laid out with Pango; see layout.h.
 *
 * Each paragraph becomes one PangoLayout (justified without stretching its last line,
 * first-line indent, Vietnamese language tag from the context, sizes in true points),
 * laid out once; its lines are then placed wherever pagination puts them, so the cost
 * is linear in the length of the document. */
#include "layout.h"

#include "diag.h"

#include <pango/pangocairo.h>
#include <string.h>

static void para_free(gpointer p)
{
	lay_para *lp = p;

	if (lp->shared) { /* a copy of a cached paragraph: the arrays are the cache's */
		g_free(lp);
		return;
	}
	g_free(lp->h);
	g_free(lp->base);
	g_free(lp->x);
	g_free(lp->w);
	g_free(lp->lines);
	g_free(lp->start);
	g_free(lp->len);
	g_free(lp);
}

void layout_set_text(PangoLayout *l, const doc_block *b, const PangoFontDescription *fd)
{
	const doc_style *s = b->style;
	PangoAttrList *attrs = pango_attr_list_new();

	pango_layout_set_font_description(l, fd);
	pango_layout_set_text(l, b->text, b->text_len);
	for (int i = 0; i < b->nruns; i++) {
		PangoAttribute *a;
		if (b->runs[i].bold && !s->bold) {
			a = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
			a->start_index = (guint)b->runs[i].start;
			a->end_index = (guint)b->runs[i].end;
			pango_attr_list_insert(attrs, a);
		}
		if (b->runs[i].italic && !s->italic) {
			a = pango_attr_style_new(PANGO_STYLE_ITALIC);
			a->start_index = (guint)b->runs[i].start;
			a->end_index = (guint)b->runs[i].end;
			pango_attr_list_insert(attrs, a);
		}
	}
	pango_layout_set_attributes(l, attrs);
	pango_attr_list_unref(attrs);
}

static lay_para *build_para(GPtrArray *layouts, GPtrArray *paras, fonts *f, const doc_block *b,
			    double width)
{
	const doc_style *s = b->style;
	const PangoFontDescription *fd;
	PangoLayout *l;
	PangoLayoutIter *it;
	lay_para *p;
	double spacing;
	int i;

	if (s == NULL)
		return NULL;
	fd = fonts_style(f, s);
	if (fd == NULL || fonts_check_text(f, s, b->text, b->text_len, b->runs, b->nruns) > 0)
		return NULL;
	l = pango_layout_new(fonts_context(f));
	g_ptr_array_add(layouts, l);
	layout_set_text(l, b, fd);
	width -= s->margin_left + s->margin_right;
	if (width < 10)
		width = 10;
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	/* A word longer than the measure (a URL, a code in a narrow cell) breaks between
	 * characters rather than crossing the border. */
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_indent(l, (int)(s->indent * PANGO_SCALE));
	switch (s->align) {
	case ALIGN_JUSTIFY:
		pango_layout_set_justify(l, TRUE);
		pango_layout_set_alignment(l, PANGO_ALIGN_LEFT);
		break;
	case ALIGN_CENTER:
		pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
		break;
	case ALIGN_RIGHT:
		pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
		break;
	case ALIGN_LEFT:
		pango_layout_set_alignment(l, PANGO_ALIGN_LEFT);
		break;
	}
	if (pango_layout_get_unknown_glyphs_count(l) > 0) {
		diag(NULL, 0, DIAG_SYSTEM,
		     "some characters of \"%.60s\" have no glyph in the font: replace them",
		     b->text);
		return NULL;
	}

	p = g_new0(lay_para, 1);
	g_ptr_array_add(paras, p);
	p->layout = l;
	p->block = b;
	p->n = pango_layout_get_line_count(l);
	p->h = g_new0(double, p->n);
	p->base = g_new0(double, p->n);
	p->x = g_new0(double, p->n);
	p->w = g_new0(double, p->n);
	p->lines = g_new0(PangoLayoutLine *, p->n);
	p->start = g_new0(int, p->n);
	p->len = g_new0(int, p->n);
	p->left = 1e9;
	p->right = -1e9;
	spacing = s->line_spacing > 0 ? s->line_spacing : 1.0;
	it = pango_layout_get_iter(l);
	i = 0;
	do {
		PangoRectangle logical;
		PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
		double lh, base;
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		lh = (double)logical.height / PANGO_SCALE;
		base = (double)(pango_layout_iter_get_baseline(it) - logical.y) / PANGO_SCALE;
		/* Extra leading is shared above and below the line. */
		p->h[i] = lh * spacing;
		p->base[i] = base + (spacing - 1.0) * lh / 2;
		p->x[i] = s->margin_left + (double)logical.x / PANGO_SCALE;
		p->w[i] = (double)logical.width / PANGO_SCALE;
		p->lines[i] = line;
		p->start[i] = line->start_index;
		p->len[i] = line->length;
		/* trailing spaces do not count for centring rules */
		while (p->len[i] > 0 && b->text[p->start[i] + p->len[i] - 1] == ' ')
			p->len[i]--;
		if (p->x[i] < p->left)
			p->left = p->x[i];
		if (p->x[i] + p->w[i] > p->right)
			p->right = p->x[i] + p->w[i];
		p->height += p->h[i];
		i++;
	} while (pango_layout_iter_next_line(it) && i < p->n);
	pango_layout_iter_free(it);
	p->n = i;
	return p;
}

struct layout_cache {
	GHashTable *map;    /* key -> lay_para * (in paras) */
	GPtrArray *layouts; /* PangoLayout *, owned */
	GPtrArray *paras;   /* lay_para *, owned */
};

layout_cache *layout_cache_new(void)
{
	layout_cache *c = g_new0(layout_cache, 1);

	c->map = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	c->layouts = g_ptr_array_new_with_free_func(g_object_unref);
	c->paras = g_ptr_array_new_with_free_func(para_free);
	return c;
}

void layout_cache_trim(layout_cache *c)
{
	if (c == NULL || c->paras->len < LAYOUT_CACHE_MAX)
		return;
	g_hash_table_remove_all(c->map);
	g_ptr_array_set_size(c->paras, 0);
	g_ptr_array_set_size(c->layouts, 0);
}

void layout_cache_free(layout_cache *c)
{
	if (c == NULL)
		return;
	g_hash_table_destroy(c->map);
	g_ptr_array_free(c->paras, TRUE);
	g_ptr_array_free(c->layouts, TRUE);
	g_free(c);
}

/* What makes two paragraphs lay out the same: style, measure, runs and text. */
static char *cache_key(const doc_block *b, double width)
{
	GString *k = g_string_sized_new((gsize)b->text_len + 64);

	g_string_append_printf(k, "%p %.3f %d", (const void *)b->style, width, b->nruns);
	for (int i = 0; i < b->nruns; i++)
		g_string_append_printf(k, " %d %d %d%d", b->runs[i].start, b->runs[i].end,
				       b->runs[i].bold, b->runs[i].italic);
	g_string_append_c(k, '|');
	g_string_append_len(k, b->text, b->text_len);
	return g_string_free(k, FALSE);
}

lay_para *layout_para(lay_doc *ld, fonts *f, const doc_block *b, double width)
{
	lay_para *orig, *copy;
	char *key;

	if (ld->cache == NULL)
		return build_para(ld->layouts, ld->paras, f, b, width);
	key = cache_key(b, width);
	orig = g_hash_table_lookup(ld->cache->map, key);
	if (orig == NULL) {
		orig = build_para(ld->cache->layouts, ld->cache->paras, f, b, width);
		if (orig == NULL) {
			g_free(key);
			return NULL;
		}
		orig->block = NULL; /* the block dies with its doc; copies carry their own */
		g_hash_table_insert(ld->cache->map, key, orig);
	} else
		g_free(key);
	copy = g_new(lay_para, 1);
	*copy = *orig;
	copy->block = b;
	copy->shared = 1;
	g_ptr_array_add(ld->paras, copy);
	return copy;
}

double layout_emit_para(GArray *elems, const lay_para *p, double x, double y, int from, int to)
{
	double top = y;

	for (int i = from; i < to; i++) {
		lay_elem e = {0};
		e.kind = EL_TEXT;
		e.x = x + p->x[i];
		e.y = y + p->base[i];
		e.w = p->w[i];
		e.line = p->lines[i];
		e.style = p->block->style;
		e.text = p->block->text + p->start[i];
		e.len = p->len[i];
		if (i == 0 && p->block->bookmark > 0) {
			e.bookmark = p->block->bookmark;
			e.bookmark_title = p->block->bookmark_title ? p->block->bookmark_title
								    : p->block->text;
		}
		g_array_append_val(elems, e);
		y += p->h[i];
	}
	return y - top;
}

/* The rule under the text above it: as long as fraction x its widest line, centred
 * under it, just below the last line's box. */
double layout_rule(GArray *elems, const doc_block *r, const lay_para *above, double x, double y)
{
	lay_elem e = {0};
	double len;

	if (above == NULL)
		return 0;
	len = (above->right - above->left) * r->fraction;
	e.kind = EL_RULE;
	e.x = x + (above->left + above->right) / 2 - len / 2;
	e.y = y + r->offset + r->thickness / 2;
	e.w = len;
	e.h = r->thickness;
	g_array_append_val(elems, e);
	return r->offset + r->thickness;
}

double layout_flow(lay_doc *ld, fonts *f, const doc_block *b, double x, double width, double y,
		   GArray *elems)
{
	double top = y;
	const lay_para *last = NULL;
	int first = 1;

	for (; b != NULL; b = b->next) {
		switch (b->kind) {
		case BLOCK_PARA: {
			lay_para *p = layout_para(ld, f, b, width);
			if (p == NULL)
				return -1;
			if (!first)
				y += b->style->space_before;
			y += layout_emit_para(elems, p, x, y, 0, p->n);
			y += b->style->space_after;
			last = p;
			break;
		}
		case BLOCK_RULE:
			if (last != NULL)
				y -= last->block->style->space_after;
			y += layout_rule(elems, b, last, x, y);
			if (last != NULL)
				y += last->block->style->space_after;
			break;
		case BLOCK_SPACE:
			y += b->height;
			break;
		case BLOCK_GRID: {
			double cx = x, tallest = 0;
			for (int k = 0; k < b->ncols; k++) {
				double cw = width * b->col_widths[k];
				double h = layout_flow(ld, f, b->cols[k], cx, cw, y, elems);
				if (h < 0)
					return -1;
				if (h > tallest)
					tallest = h;
				cx += cw;
			}
			y += tallest;
			last = NULL;
			break;
		}
		case BLOCK_BREAK:
		case BLOCK_TABLE:
			diag(b->file, b->line, DIAG_ERROR,
			     "page breaks and tables cannot stand inside a grid column");
			return -1;
		}
		first = 0;
	}
	return y - top;
}

lay_doc *layout_doc(fonts *f, const doc *d)
{
	return layout_doc_cached(f, d, NULL);
}

lay_doc *layout_doc_cached(fonts *f, const doc *d, layout_cache *cache)
{
	lay_doc *ld = g_new0(lay_doc, 1);

	ld->d = d;
	ld->cache = cache;
	ld->pages = g_ptr_array_new();
	ld->layouts = g_ptr_array_new_with_free_func(g_object_unref);
	ld->paras = g_ptr_array_new_with_free_func(para_free);
	ld->owned = g_ptr_array_new_with_free_func(g_free);
	ld->arrays = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
	if (page_build(ld, f) != 0) {
		layout_free(ld);
		return NULL;
	}
	return ld;
}

void layout_free(lay_doc *ld)
{
	if (ld == NULL)
		return;
	for (guint i = 0; i < ld->pages->len; i++) {
		lay_page *pg = g_ptr_array_index(ld->pages, i);
		g_array_free(pg->elems, TRUE);
		g_free(pg);
	}
	g_ptr_array_free(ld->pages, TRUE);
	g_ptr_array_free(ld->paras, TRUE);
	g_ptr_array_free(ld->layouts, TRUE);
	g_ptr_array_free(ld->owned, TRUE);
	g_ptr_array_free(ld->arrays, TRUE);
	g_free(ld);
}
