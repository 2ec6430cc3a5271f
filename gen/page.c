/* page.c - breaking the laid-out flow into pages; see layout.h.
 *
 * The flow is a list of items: the lines of paragraphs, atoms that never split (grids,
 * rules, table rows) and page breaks. Each item says whether a page may start with it;
 * the rules of Decree 30 practice live in those flags (no heading alone at the foot of a
 * page, no single first or last line, the closing block with the last lines of the
 * body, a group row with the row after it). Pages are filled greedily; when an item does
 * not fit, the page ends at the last item before it that may start a page. Each item is
 * placed at most twice, so the cost is linear in the length of the document.
 *
 * Tables: a page that continues a table starts with its header row, and the header's
 * height counts against the page. A row moves whole to the next page, except a row taller
 * than an empty page under the header: that one is cut between its cells' lines, filling
 * the foot of the page it starts on (when at least TABLE_SPLIT_MIN_LINES of its longest
 * cell fit there) and then whole pages, each part with its own closed borders. */
#include "layout.h"

#include "diag.h"

#include <string.h>

/* A row taller than a page starts at the foot of a page only when that part shows at
 * least this many lines of its longest cell; fewer would look like a stray border. */
#define TABLE_SPLIT_MIN_LINES 2

enum item_kind { IT_LINE, IT_ATOM, IT_SPACE, IT_BREAK };

typedef struct item {
	enum item_kind kind;
	double h;       /* height */
	double before;  /* space above it, dropped at the top of a page */
	int no_break;   /* a page may not start with it */
	lay_para *para; /* IT_LINE */
	int line;
	GArray *elems; /* IT_ATOM: elements relative to the text block's left and the item's top */
	const lay_row *header; /* IT_ATOM of a table: the header row to repeat on a new page */
	int is_header;
	const lay_row *row;   /* IT_ATOM of a table row taller than a page: cut between lines */
	const doc_block *blk; /* IT_BREAK */
} item;

struct flow {
	lay_doc *ld;
	fonts *f;
	const doc_page *g; /* the geometry of the current page sequence */
	GArray *items;
	double pending;        /* space after the previous block */
	const doc_block *prev; /* the previous block */
	lay_para *prev_para;
	int failed;
};

static void add(struct flow *fl, item *it)
{
	g_array_append_val(fl->items, *it);
}

static GArray *new_elems(struct flow *fl)
{
	GArray *a = g_array_new(FALSE, TRUE, sizeof(lay_elem));

	g_ptr_array_add(fl->ld->arrays, a);
	return a;
}

/* Items of one block at the text width. */
static void block_items(struct flow *fl, const doc_block *b, double width)
{
	item it = {0};

	switch (b->kind) {
	case BLOCK_PARA: {
		lay_para *p = layout_para(fl->ld, fl->f, b, width);
		int n;
		if (p == NULL) {
			fl->failed = 1;
			return;
		}
		n = p->n;
		for (int k = 0; k < n; k++) {
			memset(&it, 0, sizeof it);
			it.kind = IT_LINE;
			it.para = p;
			it.line = k;
			it.h = p->h[k];
			if (k == 0) {
				it.before = fl->pending + b->style->space_before;
				it.no_break = fl->prev != NULL && fl->prev->keep_with_next;
			} else {
				/* no single first or last line alone; short paragraphs whole */
				it.no_break = b->keep_together || n < 4 || k < 2 || n - k < 2;
			}
			add(fl, &it);
		}
		fl->pending = b->style->space_after;
		fl->prev_para = p;
		break;
	}
	case BLOCK_RULE:
		it.kind = IT_ATOM;
		it.elems = new_elems(fl);
		it.no_break = 1;
		if (fl->prev_para != NULL) {
			const lay_para *p = fl->prev_para;
			it.h = layout_rule(it.elems, b, p, 0, 0);
		}
		add(fl, &it);
		break;
	case BLOCK_SPACE:
		it.kind = IT_SPACE;
		it.h = b->height;
		it.no_break = fl->prev != NULL && fl->prev->keep_with_next;
		it.before = fl->pending;
		fl->pending = 0;
		add(fl, &it);
		fl->prev_para = NULL;
		break;
	case BLOCK_GRID: {
		double tallest;
		it.kind = IT_ATOM;
		it.elems = new_elems(fl);
		tallest = layout_grid(fl->ld, fl->f, b, 0, width, 0, it.elems);
		if (tallest < 0) {
			fl->failed = 1;
			return;
		}
		it.h = tallest;
		it.before = fl->pending;
		it.no_break = b->keep_with_prev || (fl->prev != NULL && fl->prev->keep_with_next);
		fl->pending = 0;
		add(fl, &it);
		fl->prev_para = NULL;
		break;
	}
	case BLOCK_TABLE: {
		lay_row *rows;
		int n = table_layout(fl->ld, fl->f, b, width, &rows);
		const lay_row *header = NULL;
		double page = fl->g->height - fl->g->top - fl->g->bottom;
		if (n < 0) {
			fl->failed = 1;
			return;
		}
		for (int k = 0; k < n; k++) {
			memset(&it, 0, sizeof it);
			it.kind = IT_ATOM;
			it.elems = rows[k].elems;
			it.h = rows[k].height;
			it.is_header = rows[k].header;
			it.header = header;
			/* taller than an empty page under the header: cut it between lines */
			if (!rows[k].header &&
			    rows[k].height > page - (header != NULL ? header->height : 0) + 0.01)
				it.row = &rows[k];
			if (k == 0)
				it.before = fl->pending;
			/* the header stays with the first row; a group row with the row after */
			it.no_break = k > 0 && (rows[k - 1].header || rows[k - 1].group);
			if (k == 0)
				it.no_break = fl->prev != NULL && fl->prev->keep_with_next;
			if (rows[k].header)
				header = &rows[k];
			add(fl, &it);
		}
		fl->pending = 0;
		fl->prev_para = NULL;
		break;
	}
	case BLOCK_BREAK:
		it.kind = IT_BREAK;
		it.blk = b;
		add(fl, &it);
		fl->pending = 0;
		fl->prev_para = NULL;
		break;
	}
	fl->prev = b;
}

static void place_elems(GArray *dst, const GArray *src, double dx, double dy)
{
	for (guint i = 0; i < src->len; i++) {
		lay_elem e = g_array_index(src, lay_elem, i);
		e.x += dx;
		e.y += dy;
		g_array_append_val(dst, e);
	}
}

static lay_page *new_page(lay_doc *ld, const doc_page *g)
{
	lay_page *pg = g_new0(lay_page, 1);

	pg->width = g->width;
	pg->height = g->height;
	pg->elems = g_array_new(FALSE, TRUE, sizeof(lay_elem));
	g_ptr_array_add(ld->pages, pg);
	return pg;
}

/* The page number, centred on the text block in the top margin. */
static int add_number(lay_doc *ld, fonts *f, lay_page *pg, const doc_page *g, int number)
{
	doc_block *b;
	lay_para *p;
	char buf[16];

	if (g->number_style == NULL || number < g->number_from)
		return 0;
	b = g_new0(doc_block, 1);
	g_ptr_array_add(ld->owned, b);
	snprintf(buf, sizeof buf, "%d", number);
	b->kind = BLOCK_PARA;
	b->style = g->number_style;
	b->text = g_strdup(buf);
	g_ptr_array_add(ld->owned, (char *)b->text);
	b->text_len = (int)strlen(buf);
	p = layout_para(ld, f, b, g->width - g->left - g->right);
	if (p == NULL)
		return -1;
	layout_emit_para(pg->elems, p, g->left, g->number_y - p->base[0], 0, p->n);
	pg->number = number;
	return 0;
}

/* Where the row cut at the foot of one page resumes at the top of the next. */
struct cont {
	guint item;               /* G_MAXUINT: no row continues */
	int from[TABLE_MAX_COLS]; /* first line of each cell still to place */
};

int page_build(lay_doc *ld, fonts *f)
{
	static const int top_lines[TABLE_MAX_COLS]; /* a row placed from its first lines */
	struct flow fl = {0};
	struct cont cont = {G_MAXUINT, {0}};
	int cut[TABLE_MAX_COLS];
	const doc_page *g = ld->d->page;
	double width;
	guint i = 0, n;
	int seq = 0;

	fl.ld = ld;
	fl.f = f;
	fl.g = g;
	fl.items = g_array_new(FALSE, TRUE, sizeof(item));
	width = g->width - g->left - g->right;
	for (const doc_block *b = ld->d->first; b != NULL && !fl.failed; b = b->next) {
		if (b->kind == BLOCK_BREAK && b->page != NULL) {
			fl.g = b->page;
			width = b->page->width - b->page->left - b->page->right;
		}
		block_items(&fl, b, width);
	}
	if (fl.failed) {
		g_array_free(fl.items, TRUE);
		return -1;
	}

	n = fl.items->len;
	item *items = (item *)fl.items->data;
	while (i < n) {
		double avail, y = 0, top;
		guint start, split = G_MAXUINT;
		lay_page *pg;

		if (items[i].kind == IT_BREAK) {
			if (items[i].blk->page != NULL)
				g = items[i].blk->page;
			if (items[i].blk->restart_numbers)
				seq = 0;
			i++;
			continue;
		}
		/* a new page */
		seq++;
		pg = new_page(ld, g);
		pg->seq_page = seq;
		avail = g->height - g->top - g->bottom;
		top = g->top;
		start = i;
		if (items[i].kind == IT_ATOM && items[i].header != NULL && !items[i].is_header) {
			/* a table continues: its header row first */
			place_elems(pg->elems, items[i].header->elems, g->left, top);
			y += items[i].header->height;
		}
		double y0 = y;
		/* Fill: [start, i) fits whole; split, when set, is the row cut at the foot. */
		while (i < n && items[i].kind != IT_BREAK) {
			const item *it = &items[i];
			double before = i == start ? 0 : it->before;
			double h = it->h;
			if (i == cont.item)
				h = table_row_cut(it->row, cont.from, G_MAXDOUBLE, 0, cut);
			if (it->kind == IT_SPACE && i == start)
				h = 0;
			if (y + before + h <= avail + 0.01 || (i == start && it->row == NULL)) {
				y += before + h;
				i++;
				continue;
			}
			if (it->row != NULL &&
			    table_row_cut(it->row, i == cont.item ? cont.from : top_lines,
					  avail - y - before,
					  i == start ? 0 : TABLE_SPLIT_MIN_LINES, cut) > 0) {
				split = i;
				break;
			}
			if (i > start) {
				guint b = i;
				while (b > start && items[b].no_break)
					b--;
				if (b > start)
					i = b;
			}
			break;
		}
		/* place [start, i), then the part of the split row */
		y = y0;
		for (guint k = start; k < i; k++) {
			const item *it = &items[k];
			if (k > start)
				y += it->before;
			if (it->kind == IT_SPACE && k == start)
				continue;
			if (k == cont.item)
				y += table_row_part(pg->elems, it->row, cont.from, NULL, g->left,
						    top + y);
			else if (it->kind == IT_LINE)
				y += layout_emit_para(pg->elems, it->para, g->left, top + y,
						      it->line, it->line + 1);
			else if (it->kind == IT_ATOM) {
				place_elems(pg->elems, it->elems, g->left, top + y);
				y += it->h;
			} else
				y += it->h;
		}
		if (split != G_MAXUINT) {
			const item *it = &items[split];
			if (split > start)
				y += it->before;
			table_row_part(pg->elems, it->row,
				       split == cont.item ? cont.from : top_lines, cut, g->left,
				       top + y);
			cont.item = split;
			memcpy(cont.from, cut, sizeof cut);
		} else
			cont.item = G_MAXUINT;
		if (add_number(ld, f, pg, g, seq) != 0) {
			g_array_free(fl.items, TRUE);
			return -1;
		}
	}
	g_array_free(fl.items, TRUE);
	return 0;
}
