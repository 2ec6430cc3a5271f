/* page.c - pagination: the stage that makes the laid-out document; see page.h.
 *
 * The flow is a list of items: the lines of paragraphs, atoms that never split (grids,
 * rules, table rows) and page breaks. Each item says whether a page may start with it;
 * the rules of Decree 30 practice live in those flags (no heading alone at the foot of a
 * page, no single first or last line, the closing block with the last lines of the
 * body, a group row with the row after it). Pages are filled greedily; when an item does
 * not fit, the page ends at the last item before it that may start a page. Each item is
 * placed at most twice, so the cost is linear in the length of the document.
 *
 * The flow is made as pagination comes to it, a block (or a table row) at a time, and
 * what a finished page placed is released once the page is handed on: the items in hand
 * are those of one page and the next few, whatever the document's length. Each block's
 * paragraphs and elements live in a lay_pool that its items hold a reference on.
 *
 * Tables: a page that continues a table starts with its header row, and the header's
 * height counts against the page. A row moves whole to the next page, except a row taller
 * than an empty page under the header: that one is cut between its cells' lines, filling
 * the foot of the page it starts on (when at least TABLE_SPLIT_MIN_LINES of its longest
 * cell fit there) and then whole pages, each part with its own closed borders. */
#include "page.h"

#include "table.h"

#include "diag.h"

#include <string.h>

/* A row taller than a page starts at the foot of a page only when that part shows at
 * least this many lines of its longest cell; fewer would look like a stray border. */
#define TABLE_SPLIT_MIN_LINES 2

/* A paragraph breaks across pages only where at least PAGE_ORPHAN_LINES stay at the foot
 * of the page and PAGE_WIDOW_LINES go to the top of the next (no first or last line
 * alone, as typesetters do): a paragraph of three lines or fewer is never split. */
#define PAGE_ORPHAN_LINES 2
#define PAGE_WIDOW_LINES 2

enum item_kind { IT_LINE, IT_ATOM, IT_SPACE, IT_BREAK };

typedef struct item {
	enum item_kind kind;
	double h;       /* height */
	double before;  /* space above it, dropped at the top of a page */
	int no_break;   /* a page may not start with it */
	lay_para *para; /* IT_LINE */
	int line;
	const GArray *elems;   /* IT_ATOM, and IT_SPACE with signing places (else NULL):
				* elements relative to the text block's left and the item's top */
	const lay_row *header; /* IT_ATOM of a table: the header row to repeat on a new page */
	int is_header;
	const lay_row *row;   /* IT_ATOM of a table row taller than a page: cut between lines */
	const doc_block *blk; /* IT_BREAK */
	lay_pool *pool;       /* a reference on the memory the item points into, or NULL */
	lay_pool *table;      /* a row's: a reference on its table's memory too, or NULL */
} item;

/* The laid-out document's own memory (lay_doc.priv). */
struct page_mem {
	GPtrArray *pools; /* lay_pool *, referenced: everything the kept pages point to */
};

struct flow {
	lay_doc *ld;
	layout_ctx lc;
	int keep; /* pages are kept in ld (no sink) */
	const page_sink *sink;
	/* making the flow */
	const doc_block *b;     /* the next block to make items of */
	const doc_page *g;      /* the geometry of the page sequence being made */
	double width;           /* its text width */
	const lay_table *table; /* a table whose rows are being made, from row */
	lay_pool *table_pool;
	int row;
	const lay_row *header; /* its header row */
	double pending;        /* space after the previous block */
	const doc_block *prev; /* the previous block */
	lay_para *prev_para;
	int failed;
	/* the items made and not yet released: win[k] is item base + k */
	GArray *win;
	guint base;
};

/* A pool for the memory of one block, one table row or one page; kept for the document's
 * life when its pages are kept. */
static lay_pool *new_pool(struct flow *fl)
{
	lay_pool *p = layout_pool_new();

	if (fl->keep)
		g_ptr_array_add(((struct page_mem *)fl->ld->priv)->pools, layout_pool_ref(p));
	return p;
}

static void add(struct flow *fl, item *it)
{
	if (it->pool != NULL)
		layout_pool_ref(it->pool);
	if (it->table != NULL)
		layout_pool_ref(it->table);
	g_array_append_val(fl->win, *it);
}

static void release(item *it)
{
	layout_pool_unref(it->pool);
	layout_pool_unref(it->table);
}

/* Items of one paragraph, rule, space, grid or break at the text width, their memory in
 * pool. */
static void block_items(struct flow *fl, const doc_block *b, lay_pool *pool)
{
	item it = {0};

	it.pool = pool;
	switch (b->kind) {
	case BLOCK_PARA: {
		lay_para *p = layout_para(&fl->lc, b, fl->width);
		int n;
		if (p == NULL) {
			fl->failed = 1;
			return;
		}
		n = p->n;
		for (int k = 0; k < n; k++) {
			memset(&it, 0, sizeof it);
			it.pool = pool;
			it.kind = IT_LINE;
			it.para = p;
			it.line = k;
			it.h = p->h[k];
			if (k == 0) {
				it.before = fl->pending + b->style->space_before;
				it.no_break = fl->prev != NULL && fl->prev->keep_with_next;
			} else {
				it.no_break = b->keep_together || k < PAGE_ORPHAN_LINES ||
					      n - k < PAGE_WIDOW_LINES;
			}
			add(fl, &it);
		}
		fl->pending = b->style->space_after;
		fl->prev_para = p;
		break;
	}
	case BLOCK_RULE: {
		GArray *elems = layout_pool_array(pool);
		it.kind = IT_ATOM;
		it.elems = elems;
		it.no_break = 1;
		if (fl->prev_para != NULL)
			it.h = layout_rule(elems, b, fl->prev_para, 0, 0);
		add(fl, &it);
		break;
	}
	case BLOCK_SPACE:
		it.kind = IT_SPACE;
		it.h = b->height;
		if (b->nfields > 0) { /* signing places over it */
			GArray *elems = layout_pool_array(pool);
			for (int k = 0; k < b->nfields; k++)
				layout_field(elems, &b->fields[k], 0, fl->width, 0, b->height);
			it.elems = elems;
		}
		it.no_break = fl->prev != NULL && fl->prev->keep_with_next;
		it.before = fl->pending;
		fl->pending = 0;
		add(fl, &it);
		fl->prev_para = NULL;
		break;
	case BLOCK_GRID: {
		GArray *elems = layout_pool_array(pool);
		double tallest = layout_grid(&fl->lc, b, 0, fl->width, 0, elems);
		if (tallest < 0) {
			fl->failed = 1;
			return;
		}
		/* its lines are one group in the structure tree (a header or signature block) */
		for (guint i = 0; i < elems->len; i++)
			if (g_array_index(elems, lay_elem, i).group == NULL)
				g_array_index(elems, lay_elem, i).group = b;
		it.kind = IT_ATOM;
		it.elems = elems;
		it.h = tallest;
		it.before = fl->pending;
		it.no_break = b->keep_with_prev || (fl->prev != NULL && fl->prev->keep_with_next);
		/* a space between the text and a block kept with it (the closing block) goes
		 * with both: the page may not break at the space either */
		if (b->keep_with_prev && fl->win->len > 0 &&
		    g_array_index(fl->win, item, fl->win->len - 1).kind == IT_SPACE)
			g_array_index(fl->win, item, fl->win->len - 1).no_break = 1;
		fl->pending = 0;
		add(fl, &it);
		fl->prev_para = NULL;
		break;
	}
	case BLOCK_FIELD: { /* on the page where the flow stands, taking no room */
		GArray *elems = layout_pool_array(pool);
		layout_field(elems, b->field, 0, fl->width, 0, 0);
		it.kind = IT_ATOM;
		it.elems = elems;
		add(fl, &it);
		break;
	}
	case BLOCK_TABLE: /* row by row: see table_item() */
		break;
	case BLOCK_BREAK:
		it.kind = IT_BREAK;
		it.blk = b;
		it.pool = NULL;
		add(fl, &it);
		fl->pending = 0;
		fl->prev_para = NULL;
		break;
	}
}

/* The item of the next row of the table being made. */
static void table_item(struct flow *fl)
{
	const doc_block *b = fl->table->b;
	int k = fl->row++;
	const doc_row *dr = &b->rows[k];
	double page = fl->g->height - fl->g->top - fl->g->bottom;
	/* a header row lives as long as its table: it is repeated on every page */
	lay_pool *pool = dr->header ? fl->table_pool : new_pool(fl);
	const lay_row *r;
	item it = {0};

	fl->lc.pool = pool;
	r = table_row(&fl->lc, fl->table, k);
	if (r == NULL) {
		fl->failed = 1;
		if (pool != fl->table_pool)
			layout_pool_unref(pool);
		return;
	}
	it.kind = IT_ATOM;
	it.pool = pool;
	it.table = pool != fl->table_pool ? fl->table_pool : NULL;
	it.elems = r->elems;
	it.h = r->height;
	it.is_header = r->header;
	it.header = fl->header;
	/* taller than an empty page under the header: cut it between lines */
	if (!r->header &&
	    r->height > page - (fl->header != NULL ? fl->header->height : 0) + LAY_FIT_SLACK)
		it.row = r;
	if (k == 0)
		it.before = fl->pending;
	/* the header stays with the first row; a group row with the row after */
	it.no_break = k > 0 && (b->rows[k - 1].header || b->rows[k - 1].group);
	if (k == 0)
		it.no_break = fl->prev != NULL && fl->prev->keep_with_next;
	if (r->header)
		fl->header = r;
	add(fl, &it);
	if (pool != fl->table_pool)
		layout_pool_unref(pool);
}

/* Makes the items of the next block, or of the next row of a table. Returns 0 when the
 * flow has ended (or failed). */
static int more_items(struct flow *fl)
{
	const doc_block *b = fl->b;

	if (fl->failed)
		return 0;
	if (fl->table != NULL) {
		if (fl->row < fl->table->b->nrows) {
			table_item(fl);
			return !fl->failed;
		}
		/* the table is done: its memory goes with its last row */
		layout_pool_unref(fl->table_pool);
		fl->table_pool = NULL;
		fl->table = NULL;
		fl->header = NULL;
		fl->pending = 0;
		fl->prev_para = NULL;
		fl->prev = fl->b;
		fl->b = fl->b->next;
		return 1;
	}
	if (b == NULL)
		return 0;
	if (b->kind == BLOCK_BREAK && b->page != NULL) {
		fl->g = b->page;
		fl->width = b->page->width - b->page->left - b->page->right;
	}
	if (b->kind == BLOCK_TABLE) {
		fl->table_pool = new_pool(fl);
		fl->lc.pool = fl->table_pool;
		fl->table = table_begin(&fl->lc, b, fl->width);
		fl->row = 0;
		fl->header = NULL;
		if (fl->table == NULL) {
			fl->failed = 1;
			return 0;
		}
		return 1;
	}
	{
		lay_pool *pool = new_pool(fl);
		fl->lc.pool = pool;
		block_items(fl, b, pool);
		layout_pool_unref(pool);
	}
	if (b->kind != BLOCK_FIELD) /* a field is no block to keep with */
		fl->prev = b;
	fl->b = b->next;
	return !fl->failed;
}

/* Item i of the flow, made when needed; NULL past its end or after a failure. */
static item *at(struct flow *fl, guint i)
{
	while (i - fl->base >= fl->win->len)
		if (!more_items(fl))
			return NULL;
	return &g_array_index(fl->win, item, i - fl->base);
}

/* Lets go of the items before item i: the pages they were on are finished. */
static void drop(struct flow *fl, guint i)
{
	guint n = i - fl->base;

	for (guint k = 0; k < n; k++)
		release(&g_array_index(fl->win, item, k));
	g_array_remove_range(fl->win, 0, n);
	fl->base = i;
}

/* Appends src moved by dx, dy; repeated: as artifacts (a table's header row again). */
static void place_elems(GArray *dst, const GArray *src, double dx, double dy, int repeated)
{
	for (guint i = 0; i < src->len; i++) {
		lay_elem e = g_array_index(src, lay_elem, i);
		e.artifact |= repeated;
		e.x += dx;
		if (!e.anchored)
			e.y += dy;
		g_array_append_val(dst, e);
	}
}

static lay_page *new_page(const doc_page *g)
{
	lay_page *pg = g_new0(lay_page, 1);

	pg->width = g->width;
	pg->height = g->height;
	pg->elems = g_array_new(FALSE, TRUE, sizeof(lay_elem));
	return pg;
}

static void page_free_one(lay_page *pg)
{
	g_array_free(pg->elems, TRUE);
	g_free(pg);
}

/* The page number, centred on the text block in the top margin, its memory in pool. */
static int add_number(struct flow *fl, lay_page *pg, const doc_page *g, int number, lay_pool *pool)
{
	doc_block *b;
	lay_para *p;
	char buf[16];

	if (g->number_style == NULL || number < g->number_from)
		return 0;
	b = layout_pool_keep(pool, g_new0(doc_block, 1));
	snprintf(buf, sizeof buf, "%d", number);
	b->kind = BLOCK_PARA;
	b->style = g->number_style;
	b->text = layout_pool_keep(pool, g_strdup(buf));
	b->text_len = (int)strlen(buf);
	fl->lc.pool = pool;
	p = layout_para(&fl->lc, b, g->width - g->left - g->right);
	if (p == NULL)
		return -1;
	guint first = pg->elems->len;
	layout_emit_para(pg->elems, p, g->left, g->number_y - p->base[0], 0, p->n);
	for (guint i = first; i < pg->elems->len; i++)
		g_array_index(pg->elems, lay_elem, i).artifact = 1;
	pg->number = number;
	return 0;
}

/* Where the row cut at the foot of one page resumes at the top of the next. */
struct cont {
	guint item;                   /* G_MAXUINT: no row continues */
	int from[DOC_TABLE_MAX_COLS]; /* first line of each cell still to place */
};

/* Breaks the flow into pages, handing each on as it is finished. Returns 0, or -1 after
 * reporting. */
static int paginate(struct flow *fl)
{
	static const int top_lines[DOC_TABLE_MAX_COLS]; /* a row placed from its first lines */
	struct cont cont = {G_MAXUINT, {0}};
	int cut[DOC_TABLE_MAX_COLS];
	const doc_page *g = fl->ld->d->page;
	guint i = 0;
	int seq = 0;
	item *it;

	while ((it = at(fl, i)) != NULL) {
		double avail, y = 0, top, y0;
		guint start, split = G_MAXUINT;
		lay_page *pg;
		lay_pool *pool;
		int rc;

		if (it->kind == IT_BREAK) {
			if (it->blk->page != NULL)
				g = it->blk->page;
			if (it->blk->restart_numbers)
				seq = 0;
			i++;
			continue;
		}
		/* a new page */
		seq++;
		pg = new_page(g);
		pg->seq_page = seq;
		avail = g->height - g->top - g->bottom;
		top = g->top;
		start = i;
		if (it->kind == IT_ATOM && it->header != NULL && !it->is_header) {
			/* a table continues: its header row first */
			place_elems(pg->elems, it->header->elems, g->left, top, 1);
			y += it->header->height;
		}
		y0 = y;
		/* Fill: [start, i) fits whole; split, when set, is the row cut at the foot. */
		while ((it = at(fl, i)) != NULL && it->kind != IT_BREAK) {
			double before = i == start ? 0 : it->before;
			double h = it->h;
			if (i == cont.item)
				h = table_row_cut(it->row, cont.from, G_MAXDOUBLE, 0, cut);
			/* a space is dropped at the top of a page, unless it is a signing place */
			if (it->kind == IT_SPACE && i == start && it->elems == NULL)
				h = 0;
			if (y + before + h <= avail + LAY_FIT_SLACK ||
			    (i == start && it->row == NULL)) {
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
				while (b > start && at(fl, b)->no_break)
					b--;
				if (b > start)
					i = b;
			}
			break;
		}
		if (fl->failed) {
			page_free_one(pg);
			return -1;
		}
		/* place [start, i), then the part of the split row */
		y = y0;
		for (guint k = start; k < i; k++) {
			const item *pk = at(fl, k);
			if (k > start)
				y += pk->before;
			if (pk->kind == IT_SPACE && k == start && pk->elems == NULL)
				continue;
			if (k == cont.item)
				y += table_row_part(pg->elems, pk->row, cont.from, NULL, g->left,
						    top + y);
			else if (pk->kind == IT_LINE)
				y += layout_emit_para(pg->elems, pk->para, g->left, top + y,
						      pk->line, pk->line + 1);
			else if (pk->kind == IT_ATOM || pk->elems != NULL) {
				place_elems(pg->elems, pk->elems, g->left, top + y, 0);
				y += pk->h;
			} else
				y += pk->h;
		}
		if (split != G_MAXUINT) {
			const item *ps = at(fl, split);
			if (split > start)
				y += ps->before;
			table_row_part(pg->elems, ps->row,
				       split == cont.item ? cont.from : top_lines, cut, g->left,
				       top + y);
			cont.item = split;
			memcpy(cont.from, cut, sizeof cut);
		} else
			cont.item = G_MAXUINT;
		pool = new_pool(fl);
		rc = add_number(fl, pg, g, seq, pool);
		fl->ld->npages++;
		if (rc == 0 && fl->keep)
			g_ptr_array_add(fl->ld->pages, pg);
		else {
			if (rc == 0 && fl->sink->page(fl->sink->data, fl->ld, pg) != EXIT_OK)
				rc = -1;
			page_free_one(pg);
		}
		layout_pool_unref(pool);
		if (rc != 0)
			return -1;
		drop(fl, i);
	}
	return fl->failed ? -1 : 0;
}

lay_doc *page_layout(fonts *f, const doc *d, layout_cache *cache, const page_sink *sink)
{
	lay_doc *ld = g_new0(lay_doc, 1);
	struct page_mem *mem = g_new0(struct page_mem, 1);
	struct flow fl = {0};
	int rc;

	mem->pools = g_ptr_array_new_with_free_func((GDestroyNotify)layout_pool_unref);
	ld->d = d;
	ld->pages = g_ptr_array_new();
	ld->priv = mem;
	fl.ld = ld;
	fl.lc.f = f;
	fl.lc.cache = cache;
	fl.keep = sink == NULL;
	fl.sink = sink;
	fl.b = d->first;
	fl.g = d->page;
	fl.width = d->page->width - d->page->left - d->page->right;
	fl.win = g_array_new(FALSE, TRUE, sizeof(item));
	rc = paginate(&fl);
	drop(&fl, fl.base + fl.win->len);
	g_array_free(fl.win, TRUE);
	layout_pool_unref(fl.table_pool);
	if (rc != 0) {
		page_free(ld);
		return NULL;
	}
	return ld;
}

void page_free(lay_doc *ld)
{
	struct page_mem *mem;

	if (ld == NULL)
		return;
	mem = ld->priv;
	for (guint i = 0; i < ld->pages->len; i++)
		page_free_one(g_ptr_array_index(ld->pages, i));
	g_ptr_array_free(ld->pages, TRUE);
	g_ptr_array_free(mem->pools, TRUE);
	g_free(mem);
	g_free(ld);
}
