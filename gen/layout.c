/* layout.c - paragraphs and grid columns laid out with Pango; see layout.h.
 *
 * Each paragraph becomes one PangoLayout (justified without stretching its last line,
 * first-line indent, Vietnamese language tag from the context, sizes in true points),
 * laid out once and copied out as glyph runs; its lines are then placed wherever
 * pagination puts them, so the cost is linear in the length of the document. */
#include "layout.h"

#include "diag.h"
#include "i18n.h"
#include "msg.h"
#include "text.h"

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
	g_free(lp->all_runs);
	g_free(lp->all_glyphs);
	g_free(lp->lines);
	g_free(lp->start);
	g_free(lp->len);
	g_free(lp->shaped);
	g_free(lp);
}

/* ---- pools ------------------------------------------------------------------------ */

struct lay_pool {
	int refs;
	GPtrArray *paras;  /* lay_para *, owned */
	GPtrArray *arrays; /* GArray * of lay_elem, owned */
	GPtrArray *mem;    /* other memory (g_free) */
};

lay_pool *layout_pool_new(void)
{
	lay_pool *p = g_new0(lay_pool, 1);

	p->refs = 1;
	p->paras = g_ptr_array_new_with_free_func(para_free);
	p->arrays = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
	p->mem = g_ptr_array_new_with_free_func(g_free);
	return p;
}

lay_pool *layout_pool_ref(lay_pool *p)
{
	p->refs++;
	return p;
}

void layout_pool_unref(lay_pool *p)
{
	if (p == NULL || --p->refs > 0)
		return;
	g_ptr_array_free(p->paras, TRUE);
	g_ptr_array_free(p->arrays, TRUE);
	g_ptr_array_free(p->mem, TRUE);
	g_free(p);
}

GArray *layout_pool_array(lay_pool *p)
{
	GArray *a = g_array_new(FALSE, TRUE, sizeof(lay_elem));

	g_ptr_array_add(p->arrays, a);
	return a;
}

void *layout_pool_keep(lay_pool *p, void *mem)
{
	g_ptr_array_add(p->mem, mem);
	return mem;
}

static void add_nobreak(int start, int end, void *data)
{
	PangoAttribute *a = pango_attr_allow_breaks_new(FALSE);

	a->start_index = (guint)start;
	a->end_index = (guint)end;
	pango_attr_list_insert(data, a);
}

/* Word groups are weighed in a text of at most this many words (a name, a cell); a longer
 * one is broken as Pango likes. */
#define LAYOUT_BALANCE_WORDS_MAX 128

/* What a paragraph keeps on one line, most first: its word groups (keep-groups styles:
 * a two-syllable word, a proper name, a place after its level word), then those of its
 * word groups that fit the measure, then numbers and symbols with the word "Quý" before
 * a quarter, then numbers and symbols alone, then nothing (a token wider than a narrow
 * cell). */
enum keep { KEEP_NOTHING, KEEP_TOKENS, KEEP_TOKEN_WORDS, KEEP_FITTING_GROUPS, KEEP_GROUPS };

/* The word groups of keep-groups styles never broken: inside a proper name, between a
 * level word and its place, inside a two-syllable word (text_break_penalties). */
#define LAYOUT_GROUP_PENALTY 150

struct keep_ctx {
	PangoAttrList *attrs;
	const char *text;
};

/* Keeps b's word groups whole (see LAYOUT_GROUP_PENALTY): all of them, or, with l set,
 * only the runs of joined words that fit l's measure, measured on one line in font fd:
 * a name too long for its cell breaks where it must, its shorter groups stay whole. */
static void add_group_breaks(const doc_block *b, PangoAttrList *attrs, PangoLayout *l,
			     const PangoFontDescription *fd)
{
	int pen[LAYOUT_BALANCE_WORDS_MAX], gaps, g, start[LAYOUT_BALANCE_WORDS_MAX + 1];
	const char *orig = b->orig_text != NULL ? b->orig_text : b->text;
	double x0[LAYOUT_BALANCE_WORDS_MAX + 1], x1[LAYOUT_BALANCE_WORDS_MAX + 1], width = 0;
	PangoLayout *m = NULL;

	gaps = text_break_penalties(orig, pen, LAYOUT_BALANCE_WORDS_MAX);
	if (gaps >= LAYOUT_BALANCE_WORDS_MAX)
		return;
	g = 0;
	start[0] = 0;
	for (int i = 0; i < b->text_len && g < gaps; i++)
		if (b->text[i] == ' ')
			start[++g] = i + 1;
	if (g != gaps)
		return;
	if (l != NULL) {
		PangoRectangle pos, logical;
		width = (double)pango_layout_get_width(l) / PANGO_SCALE;
		m = pango_layout_new(pango_layout_get_context(l));
		pango_layout_set_font_description(m, fd);
		pango_layout_set_text(m, b->text, b->text_len);
		pango_layout_get_extents(m, NULL, &logical);
		for (int k = 0; k <= gaps; k++) {
			pango_layout_index_to_pos(m, start[k], &pos);
			x0[k] = (double)pos.x / PANGO_SCALE;
			if (k < gaps) {
				pango_layout_index_to_pos(m, start[k + 1] - 1, &pos);
				x1[k] = (double)pos.x / PANGO_SCALE;
			} else
				x1[k] = (double)logical.width / PANGO_SCALE;
		}
		g_object_unref(m);
	}
	/* runs of words joined by unbreakable gaps: words a..z */
	for (int a = 0; a <= gaps;) {
		int z = a;
		while (z < gaps && pen[z] >= LAYOUT_GROUP_PENALTY)
			z++;
		if (z > a && (l == NULL || x1[z] - x0[a] <= width))
			for (int k = a; k < z; k++)
				add_nobreak(start[k], start[k + 1] + 1, attrs);
		a = z + 1;
	}
}

/* Pango shapes a run of text as one item, and when it breaks a line inside an item it
 * shapes the rest of the item again: a word without spaces (a pasted code, a URL, a line
 * of dots) broken into n lines was shaped n times, which took 17 s for 100,000
 * characters. A word longer than LAYOUT_WORD_LONG bytes is therefore cut into items of
 * about LAYOUT_WORD_PIECE bytes, by attributes that change nothing (a rise of 0): a
 * piece starts before a character that is not a mark nor joined to the one before, so
 * shaping inside a character cluster is never cut. Kerning between two pieces is lost,
 * a small thing in a word that runs over lines anyway. */
#define LAYOUT_WORD_LONG 256
#define LAYOUT_WORD_PIECE 64

/* Whether a new item may start at p, inside a text that starts at text, without cutting
 * a cluster: not before a mark, a variation selector or a joiner, nor after a joiner. */
static int piece_start(const char *text, const char *p)
{
	gunichar c = g_utf8_get_char(p);
	gunichar prev = p > text ? g_utf8_get_char(g_utf8_prev_char(p)) : 0;

	return !g_unichar_ismark(c) && c != 0x200D && prev != 0x200D &&
	       !(c >= 0xFE00 && c <= 0xFE0F);
}

/* Cuts the word text[start, end) into items (see above) when it is long. */
static void cut_word(const char *text, int start, int end, PangoAttrList *attrs)
{
	if (end - start <= LAYOUT_WORD_LONG)
		return;
	for (int k = start; k < end;) {
		int e = k + LAYOUT_WORD_PIECE < end ? k + LAYOUT_WORD_PIECE : end;
		while (e < end &&
		       (((unsigned char)text[e] & 0xC0) == 0x80 || !piece_start(text, text + e)))
			e++;
		PangoAttribute *a = pango_attr_rise_new(0);
		a->start_index = (guint)k;
		a->end_index = (guint)e;
		pango_attr_list_insert(attrs, a);
		k = e;
	}
}

/* Cuts every long word of text (n bytes of valid UTF-8) into items. */
static void cut_long_words(const char *text, int n, PangoAttrList *attrs)
{
	int word = 0;

	for (int i = 0; i < n; i++)
		if (text[i] == ' ' || text[i] == '\n') {
			cut_word(text, word, i, attrs);
			word = i + 1;
		}
	cut_word(text, word, n, attrs);
}

/* layout_set_text() with the text given: the block's, or a copy of it with line breaks
 * in place of some spaces (same length, so the runs' offsets hold). */
static void set_text(PangoLayout *l, const doc_block *b, const char *text,
		     const PangoFontDescription *fd, int keep_tokens)
{
	const doc_style *s = b->style;
	PangoAttrList *attrs = pango_attr_list_new();
	PangoAttribute *nohyphen = pango_attr_insert_hyphens_new(FALSE);

	/* a word broken between characters (too long for its column) gets no hyphen: the
	 * hyphen would read as part of a name or a symbol */
	pango_attr_list_insert(attrs, nohyphen);
	pango_layout_set_font_description(l, fd);
	pango_layout_set_text(l, text, b->text_len);
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
	cut_long_words(text, b->text_len, attrs);
	if (keep_tokens >= KEEP_TOKENS)
		text_nobreak_spans(b->text, b->text_len, keep_tokens >= KEEP_TOKEN_WORDS,
				   add_nobreak, attrs);
	if (keep_tokens >= KEEP_FITTING_GROUPS)
		add_group_breaks(b, attrs, keep_tokens == KEEP_FITTING_GROUPS ? l : NULL, fd);
	/* last-words: the spaces before the last words of the text do not break */
	if (s->last_words > 1 && keep_tokens > KEEP_NOTHING) {
		int words = 1;
		for (int i = b->text_len - 1; i > 0 && words < s->last_words; i--)
			if (b->text[i] == ' ' && b->text[i - 1] != ' ') {
				add_nobreak(i, i + 2 <= b->text_len ? i + 2 : i + 1, attrs);
				words++;
			}
	}
	pango_layout_set_attributes(l, attrs);
	pango_attr_list_unref(attrs);
}

void layout_set_text(PangoLayout *l, const doc_block *b, const PangoFontDescription *fd,
		     int keep_tokens)
{
	set_text(l, b, b->text, fd, keep_tokens ? KEEP_TOKEN_WORDS : KEEP_NOTHING);
}

/* Sets b's text on l in font fd, keeping on one line as much as fits (see enum keep):
 * whatever is wider than the measure (a narrow cell) would cross its border, and is let
 * break after all. Returns the number of lines. */
static int fill(PangoLayout *l, const doc_block *b, const PangoFontDescription *fd)
{
	PangoRectangle logical;

	for (int keep = b->style->keep_groups ? KEEP_GROUPS : KEEP_TOKEN_WORDS; keep >= 0; keep--) {
		set_text(l, b, b->text, fd, keep);
		if (keep == KEEP_NOTHING)
			break;
		pango_layout_get_extents(l, NULL, &logical);
		if (logical.width <= pango_layout_get_width(l) + PANGO_SCALE / 2)
			break;
	}
	return pango_layout_get_line_count(l);
}

/* ---- balanced lines ------------------------------------------------------------------ */

/* A balanced paragraph has at most this many words and lines: names, titles and
 * summaries have a few dozen words on a few lines; a longer text is filled as usual. */
#define LAYOUT_BALANCE_WORDS LAYOUT_BALANCE_WORDS_MAX
#define LAYOUT_BALANCE_LINES 8

/* The weight of a line's shortfall against the others (in ems, squared) next to the
 * penalties of text_break_penalties(): a line 3 em shorter costs about as much as a break
 * between two components of a name, far less than one inside a word group. */
#define LAYOUT_BALANCE_SLACK 1.0
/* A line holding one word alone, when there are several lines. */
#define LAYOUT_BALANCE_LONELY 50
/* Taken off the width the words are balanced in: room for Pango's own measure of each
 * line, since the words are measured apart and the line they make must not come out wider
 * than the width and wrap again. */
#define LAYOUT_BALANCE_MEASURE_SLACK 0.5
/* Measures tried between the narrowest that gives the fewest lines and the full width. */
#define LAYOUT_BALANCE_TRIES 32

struct words {
	int n;
	double x0[LAYOUT_BALANCE_WORDS], x1[LAYOUT_BALANCE_WORDS]; /* extent of each word */
	int gap[LAYOUT_BALANCE_WORDS]; /* byte offset of the space after word k */
	int pen[LAYOUT_BALANCE_WORDS]; /* penalty of breaking at that space */
};

static double line_width(const struct words *w, int from, int to)
{
	return w->x1[to - 1] - w->x0[from];
}

/* The fewest lines into which words can be set at most max wide, breaking only where
 * the penalty is below limit; LAYOUT_BALANCE_LINES + 1 when they cannot. */
static int fewest_lines(const struct words *w, double max, int limit)
{
	int best[LAYOUT_BALANCE_WORDS + 1];

	best[0] = 0;
	for (int j = 1; j <= w->n; j++) {
		best[j] = LAYOUT_BALANCE_LINES + 1;
		for (int i = j - 1; i >= 0; i--) {
			if (line_width(w, i, j) > max)
				break;
			if (i > 0 && w->pen[i - 1] >= limit)
				continue;
			if (best[i] + 1 < best[j])
				best[j] = best[i] + 1;
		}
	}
	return best[w->n];
}

/* Chooses where the lines of words break: exactly lines lines, each at most max wide,
 * the cheapest sum of break penalties and shortfalls (its cost in *total). Sets brk[k]
 * for each word k that ends a line. Returns 0, or -1 when no such set exists. */
static int choose_breaks(const struct words *w, int lines, double max, double em, int limit,
			 int *brk, double *total)
{
	static const double inf = 1e30;
	double cost[LAYOUT_BALANCE_LINES + 1][LAYOUT_BALANCE_WORDS + 1];
	int from[LAYOUT_BALANCE_LINES + 1][LAYOUT_BALANCE_WORDS + 1];

	for (int l = 0; l <= lines; l++)
		for (int j = 0; j <= w->n; j++)
			cost[l][j] = inf;
	cost[0][0] = 0;
	for (int l = 1; l <= lines; l++)
		for (int j = 1; j <= w->n; j++)
			for (int i = j - 1; i >= 0; i--) {
				double lw = line_width(w, i, j), c;
				if (lw > max)
					break;
				if (cost[l - 1][i] >= inf || (i > 0 && w->pen[i - 1] >= limit))
					continue;
				c = cost[l - 1][i] + (i > 0 ? w->pen[i - 1] : 0) +
				    LAYOUT_BALANCE_SLACK * ((max - lw) / em) * ((max - lw) / em) +
				    (lines > 1 && j - i == 1 ? LAYOUT_BALANCE_LONELY : 0);
				if (c < cost[l][j]) {
					cost[l][j] = c;
					from[l][j] = i;
				}
			}
	if (cost[lines][w->n] >= inf)
		return -1;
	*total = cost[lines][w->n];
	memset(brk, 0, sizeof(int) * (size_t)w->n);
	for (int l = lines, j = w->n; l > 0; l--) {
		int i = from[l][j];
		if (i > 0)
			brk[i - 1] = 1;
		j = i;
	}
	return 0;
}

/* Where the balanced lines of b break (see balance()): fills brk and returns the number of
 * lines, or 0 when the text is too long or a single word is wider than the measure. */
static int plan_balance(PangoLayout *l, const doc_block *b, const PangoFontDescription *fd,
			double width, double size, struct words *w, int *brk)
{
	const char *orig = b->orig_text != NULL ? b->orig_text : b->text;
	int gaps = 0, limit = TEXT_BREAK_FORBID, lines;
	PangoLayout *m;
	PangoRectangle pos, logical;
	double lo, hi;

	for (int i = 0; i < b->text_len; i++)
		if (b->text[i] == ' ') {
			if (gaps < LAYOUT_BALANCE_WORDS - 1)
				w->gap[gaps] = i;
			gaps++;
		}
	/* a text with its own line breaks (<br/>) is set as it is */
	if (memchr(b->text, '\n', (size_t)b->text_len) != NULL)
		return 0;
	if (gaps >= LAYOUT_BALANCE_WORDS - 1 || b->style->indent > 0 ||
	    text_break_penalties(orig, w->pen, LAYOUT_BALANCE_WORDS) != gaps)
		return 0;
	/* each word's extent on one line */
	m = pango_layout_new(pango_layout_get_context(l));
	set_text(m, b, b->text, fd, 0);
	pango_layout_get_extents(m, NULL, &logical);
	w->n = gaps + 1;
	for (int k = 0; k < w->n; k++) {
		pango_layout_index_to_pos(m, k == 0 ? 0 : w->gap[k - 1] + 1, &pos);
		w->x0[k] = (double)pos.x / PANGO_SCALE;
		if (k < gaps) {
			pango_layout_index_to_pos(m, w->gap[k], &pos);
			w->x1[k] = (double)pos.x / PANGO_SCALE;
		} else
			w->x1[k] = (double)logical.width / PANGO_SCALE;
	}
	g_object_unref(m);
	width -= LAYOUT_BALANCE_MEASURE_SLACK;
	lines = fewest_lines(w, width, limit);
	if (lines > LAYOUT_BALANCE_LINES) {
		limit = TEXT_BREAK_FORBID + 1; /* no way round a forbidden break: allow it */
		lines = fewest_lines(w, width, limit);
		if (lines > LAYOUT_BALANCE_LINES)
			return 0;
	}
	/* the narrowest measure that still gives that many lines */
	lo = 0;
	hi = width;
	for (int it = 0; it < 24 && hi - lo > 0.25; it++) {
		double mid = (lo + hi) / 2;
		if (fewest_lines(w, mid, limit) <= lines)
			hi = mid;
		else
			lo = mid;
	}
	/* the cheapest set of lines over measures from there to the full width: a line's
	 * shortfall counts against the measure tried, so the narrowest measure a set of
	 * lines fits in prices it, and a better word group may win over evenness */
	{
		double best = -1, cost;
		int trial[LAYOUT_BALANCE_WORDS];
		for (int k = 0; k < LAYOUT_BALANCE_TRIES; k++) {
			double mw = hi + (width - hi) * k / (LAYOUT_BALANCE_TRIES - 1);
			if (choose_breaks(w, lines, mw, size, limit, trial, &cost) == 0 &&
			    (best < 0 || cost < best)) {
				best = cost;
				memcpy(brk, trial, sizeof(int) * (size_t)w->n);
			}
		}
		if (best < 0)
			return 0;
	}
	return lines;
}

/* Sets l to the lines plan_balance() chose: line breaks in place of those spaces. */
static void apply_balance(PangoLayout *l, const doc_block *b, const PangoFontDescription *fd,
			  const struct words *w, const int *brk)
{
	char *text = g_strndup(b->text, (gsize)b->text_len);

	for (int k = 0; k < w->n - 1; k++)
		if (brk[k])
			text[w->gap[k]] = '\n';
	set_text(l, b, text, fd, 0);
	g_free(text);
}

/* Whether balanced lines break inside a word group (a two-syllable word, "PHÁT / TRIỂN",
 * or worse): what a smaller size with as many lines may spare. */
static int breaks_group(const struct words *w, const int *brk)
{
	for (int k = 0; k < w->n - 1; k++)
		if (brk[k] && w->pen[k] >= LAYOUT_GROUP_PENALTY)
			return 1;
	return 0;
}

/* How many lines b takes in style s at width (balanced when the style says so), with
 * the balanced breaks in *w and brk; 0 when the font cannot be used. l is left filled. */
static int count_lines(PangoLayout *l, fonts *f, const doc_block *b, const doc_style *s,
		       double width, struct words *w, int *brk, int *balanced)
{
	const PangoFontDescription *fd = fonts_style(f, s);
	int n, nb;

	*balanced = 0;
	if (fd == NULL)
		return 0;
	n = fill(l, b, fd);
	if (n > 1 && s->balance && (nb = plan_balance(l, b, fd, width, s->size, w, brk)) > 0) {
		*balanced = 1;
		return nb;
	}
	return n;
}

/* The glyphs of run r shaped from the layout's text, in lay.h's terms. */
static int copy_run(fonts *f, const PangoGlyphItem *r, lay_run *out, lay_glyph *g)
{
	const PangoGlyphString *gs = r->glyphs;

	out->font = fonts_lay_font(f, r->item->analysis.font);
	if (out->font == NULL)
		return -1;
	out->offset = r->item->offset;
	out->length = r->item->length;
	out->nglyphs = gs->num_glyphs;
	out->glyphs = g;
	for (int i = 0; i < gs->num_glyphs; i++) {
		const PangoGlyphInfo *gi = &gs->glyphs[i];
		g[i].id = (gi->glyph & PANGO_GLYPH_UNKNOWN_FLAG) || gi->glyph == PANGO_GLYPH_EMPTY
				  ? LAY_GLYPH_NONE
				  : gi->glyph;
		g[i].advance = gi->geometry.width;
		g[i].dx = gi->geometry.x_offset;
		g[i].dy = gi->geometry.y_offset;
		g[i].cluster = gs->log_clusters[i];
	}
	return 0;
}

/* Copies the lines of l (b's text set in style s) into p: each line's box, baseline,
 * extent and byte range, and its glyph runs (one array of runs and one of glyphs for the
 * whole paragraph). Returns 0, or -1 after reporting a font that cannot be embedded. */
static int copy_lines(fonts *f, PangoLayout *l, const doc_block *b, const doc_style *s, lay_para *p)
{
	PangoLayoutIter *it;
	GSList *lines = pango_layout_get_lines_readonly(l);
	int nruns = 0, nglyphs = 0, i = 0, r = 0, g = 0;
	lay_run *runs;
	lay_glyph *glyphs;
	double spacing = s->line_spacing > 0 ? s->line_spacing : 1.0;

	for (GSList *k = lines; k != NULL; k = k->next)
		for (GSList *q = ((PangoLayoutLine *)k->data)->runs; q != NULL; q = q->next) {
			nruns++;
			nglyphs += ((PangoGlyphItem *)q->data)->glyphs->num_glyphs;
		}
	p->n = pango_layout_get_line_count(l);
	p->shaped = g_strdup(pango_layout_get_text(l));
	p->h = g_new0(double, p->n);
	p->base = g_new0(double, p->n);
	p->x = g_new0(double, p->n);
	p->w = g_new0(double, p->n);
	p->lines = g_new0(lay_line, p->n);
	p->start = g_new0(int, p->n);
	p->len = g_new0(int, p->n);
	runs = p->all_runs = g_new0(lay_run, nruns > 0 ? nruns : 1);
	glyphs = p->all_glyphs = g_new0(lay_glyph, nglyphs > 0 ? nglyphs : 1);
	p->left = 1e9;
	p->right = -1e9;
	it = pango_layout_get_iter(l);
	do {
		PangoRectangle logical;
		PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
		lay_line *ll = &p->lines[i];
		double lh, base;
		int baseline;
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		baseline = pango_layout_iter_get_baseline(it) - logical.y;
		lh = (double)logical.height / PANGO_SCALE;
		base = (double)baseline / PANGO_SCALE;
		/* Extra leading is shared above and below the line. */
		p->h[i] = lh * spacing;
		p->base[i] = base + (spacing - 1.0) * lh / 2;
		p->x[i] = s->margin_left + (double)logical.x / PANGO_SCALE;
		p->w[i] = (double)logical.width / PANGO_SCALE;
		p->start[i] = line->start_index;
		p->len[i] = line->length;
		ll->text = p->shaped;
		ll->ascent = baseline;
		ll->runs = runs + r;
		for (GSList *q = line->runs; q != NULL && r < nruns; q = q->next) {
			if (copy_run(f, q->data, &runs[r], glyphs + g) != 0) {
				pango_layout_iter_free(it);
				return -1;
			}
			g += runs[r].nglyphs;
			r++;
			ll->nruns++;
		}
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
	return 0;
}

static lay_para *build_para(fonts *f, const doc_block *b, double width)
{
	const doc_style *s = b->style;
	const PangoFontDescription *fd;
	PangoLayout *l;
	lay_para *p;
	int lines;

	if (s == NULL)
		return NULL;
	fd = fonts_style(f, s);
	if (fd == NULL ||
	    fonts_check_text(f, s, b->text, b->text_len, b->runs, b->nruns, b->file, b->line) > 0)
		return NULL;
	l = pango_layout_new(fonts_context(f));
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
	/* the style's size, or the largest of its smaller sizes (shrink-to) that needs fewer
	 * lines; balanced lines where the style asks for them (names, titles, summaries) */
	{
		struct words w, best_w = {0};
		int brk[LAYOUT_BALANCE_WORDS], best_brk[LAYOUT_BALANCE_WORDS];
		int balanced, best_balanced;
		const doc_style *best = s, *filled = s; /* the style l was last filled in */

		lines = count_lines(l, f, b, s, width, &w, brk, &balanced);
		best_balanced = balanced;
		if (balanced) {
			best_w = w;
			memcpy(best_brk, brk, sizeof brk);
		}
		for (const doc_style *v = s->smaller; v != NULL && lines > 1; v = v->smaller) {
			int n = count_lines(l, f, b, v, width, &w, brk, &balanced);
			filled = v;
			/* fewer lines; or as many, balanced, where the larger size could only
			 * break inside a word and this one need not (a long agency name in a
			 * narrow header column) */
			if (n > 0 && (n < lines || (n == lines && best_balanced && balanced &&
						    breaks_group(&best_w, best_brk) &&
						    !breaks_group(&w, brk)))) {
				lines = n;
				best = v;
				best_balanced = balanced;
				if (balanced) {
					best_w = w;
					memcpy(best_brk, brk, sizeof brk);
				}
			}
		}
		s = best;
		fd = fonts_style(f, s);
		/* l holds the last size tried: set it again only when another one won */
		if (best_balanced)
			apply_balance(l, b, fd, &best_w, best_brk);
		else if (filled != best)
			fill(l, b, fd);
	}
	/* a line the decree sets whole (one-line styles) that wraps even at its least size:
	 * the page would be refused by the records office, so it is said, once per text (a
	 * letter's date is the same in every letter); what to change is the template's */
	if (s->one_line && lines > 1) {
		char key[DIAG_ONCE_KEY];
		snprintf(key, sizeof key, "one-line %.*s", DIAG_ONCE_KEY - 16, b->text);
		if (diag_once(fonts_diag(f), key)) {
			char pt[G_ASCII_DTOSTR_BUF_SIZE];
			const doc_style *least = s;
			while (least->smaller != NULL)
				least = least->smaller;
			msg(fonts_diag(f), b->file, b->line, MSG_LAYOUT_ONE_LINE_WRAPS, b->text,
			    g_ascii_formatd(pt, sizeof pt, "%g", least->size));
		}
	}
	if (pango_layout_get_unknown_glyphs_count(l) > 0) {
		msg(fonts_diag(f), b->file, b->line, MSG_LAYOUT_SOME_CHARACTERS_GLYPH, b->text);
		g_object_unref(l);
		return NULL;
	}

	p = g_new0(lay_para, 1);
	p->block = b;
	p->style = s;
	if (copy_lines(f, l, b, s, p) != 0) {
		g_object_unref(l);
		para_free(p);
		return NULL;
	}
	g_object_unref(l);
	return p;
}

struct layout_cache {
	GHashTable *map;  /* key -> lay_para * (in paras) */
	GPtrArray *paras; /* lay_para *, owned */
};

layout_cache *layout_cache_new(void)
{
	layout_cache *c = g_new0(layout_cache, 1);

	c->map = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	c->paras = g_ptr_array_new_with_free_func(para_free);
	return c;
}

void layout_cache_trim(layout_cache *c)
{
	if (c == NULL || c->paras->len < LAYOUT_CACHE_MAX)
		return;
	g_hash_table_remove_all(c->map);
	g_ptr_array_set_size(c->paras, 0);
}

void layout_cache_free(layout_cache *c)
{
	if (c == NULL)
		return;
	g_hash_table_destroy(c->map);
	g_ptr_array_free(c->paras, TRUE);
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

lay_para *layout_para(layout_ctx *c, const doc_block *b, double width)
{
	lay_para *orig, *copy;
	char *key;

	if (c->cache == NULL) {
		orig = build_para(c->f, b, width);
		if (orig != NULL)
			g_ptr_array_add(c->pool->paras, orig);
		return orig;
	}
	key = cache_key(b, width);
	orig = g_hash_table_lookup(c->cache->map, key);
	if (orig == NULL) {
		orig = build_para(c->f, b, width);
		if (orig == NULL) {
			g_free(key);
			return NULL;
		}
		g_ptr_array_add(c->cache->paras, orig);
		orig->block = NULL; /* the block dies with its doc; copies carry their own */
		g_hash_table_insert(c->cache->map, key, orig);
	} else
		g_free(key);
	copy = g_new(lay_para, 1);
	*copy = *orig;
	copy->block = b;
	copy->shared = 1;
	g_ptr_array_add(c->pool->paras, copy);
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
		e.line = &p->lines[i];
		e.style = p->style;
		e.text = p->block->text + p->start[i];
		e.len = p->len[i];
		e.block = p->block;
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

void layout_field(GArray *elems, const doc_field *f, double x, double width, double y, double h)
{
	lay_elem e = {0};

	e.kind = EL_FIELD;
	e.w = f->share > 0 ? width * f->share : f->width;
	e.x = f->align == ALIGN_LEFT    ? x
	      : f->align == ALIGN_RIGHT ? x + width - e.w
					: x + (width - e.w) / 2;
	e.y = y;
	e.h = h;
	if (f->height > 0) { /* a BLOCK_FIELD's */
		e.anchored = 1;
		e.y = f->top;
		e.h = f->height;
	}
	e.text = f->name;
	g_array_append_val(elems, e);
}

/* One column of a grid being laid out: the next block, the paragraph a rule goes under,
 * and how far down the column has come. */
struct column {
	const doc_block *b;
	const lay_para *last;
	int first;
	double y;
};

/* Lays out the next block of column c at x, width; advances c. Returns 0, or -1 after
 * reporting. */
static int flow_step(layout_ctx *lc, struct column *c, double x, double width, GArray *elems)
{
	const doc_block *b = c->b;

	switch (b->kind) {
	case BLOCK_PARA: {
		lay_para *p = layout_para(lc, b, width);
		if (p == NULL)
			return -1;
		if (!c->first)
			c->y += b->style->space_before;
		c->y += layout_emit_para(elems, p, x, c->y, 0, p->n);
		c->y += b->style->space_after;
		c->last = p;
		break;
	}
	case BLOCK_RULE:
		if (c->last != NULL)
			c->y -= c->last->block->style->space_after;
		c->y += layout_rule(elems, b, c->last, x, c->y);
		if (c->last != NULL)
			c->y += c->last->block->style->space_after;
		break;
	case BLOCK_SPACE:
		for (int k = 0; k < b->nfields; k++)
			layout_field(elems, &b->fields[k], x, width, c->y, b->height);
		c->y += b->height;
		break;
	case BLOCK_FIELD:
		/* it takes no room: the next block is still the column's first */
		layout_field(elems, b->field, x, width, 0, 0);
		c->b = b->next;
		return 0;
	case BLOCK_GRID: {
		double h = layout_grid(lc, b, x, width, c->y, elems);
		if (h < 0)
			return -1;
		c->y += h;
		c->last = NULL;
		break;
	}
	case BLOCK_BREAK:
	case BLOCK_TABLE:
		msg(fonts_diag(lc->f), b->file, b->line, MSG_LAYOUT_PAGE_BREAKS_TABLES);
		return -1;
	}
	c->first = 0;
	c->b = b->next;
	return 0;
}

/* Lays out a list of blocks (a grid column) at x, width, from y down, appending the
 * elements; returns the height used, or a negative value after reporting. */
static double layout_flow(layout_ctx *lc, const doc_block *b, double x, double width, double y,
			  GArray *elems)
{
	struct column c = {b, NULL, 1, y};

	while (c.b != NULL)
		if (flow_step(lc, &c, x, width, elems) != 0)
			return -1;
	return c.y - y;
}

double layout_grid(layout_ctx *lc, const doc_block *b, double x, double width, double y,
		   GArray *elems)
{
	struct column cols[DOC_GRID_MAX_COLS];
	double tallest = 0, row = y, cx;
	int more = 1;

	if (b->ncols > DOC_GRID_MAX_COLS) {
		msg(fonts_diag(lc->f), b->file, b->line, MSG_LAYOUT_GRID_COLUMNS, DOC_GRID_MAX_COLS,
		    b->ncols);
		return -1;
	}
	if (!b->level) {
		cx = x;
		for (int k = 0; k < b->ncols; k++) {
			double cw = width * b->col_widths[k];
			double h = layout_flow(lc, b->cols[k], cx, cw, y, elems);
			if (h < 0)
				return -1;
			if (h > tallest)
				tallest = h;
			cx += cw;
		}
		return tallest;
	}
	/* level: the n-th block of every column starts at the same height (two signature
	 * blocks whose captions, titles, signing spaces and names stand level) */
	for (int k = 0; k < b->ncols; k++)
		cols[k] = (struct column){b->cols[k], NULL, 1, y};
	while (more) {
		more = 0;
		cx = x;
		for (int k = 0; k < b->ncols; k++) {
			double cw = width * b->col_widths[k];
			cols[k].y = row;
			if (cols[k].b != NULL && flow_step(lc, &cols[k], cx, cw, elems) != 0)
				return -1;
			cx += cw;
		}
		for (int k = 0; k < b->ncols; k++) {
			if (cols[k].y > tallest + y)
				tallest = cols[k].y - y;
			more |= cols[k].b != NULL;
		}
		row = y + tallest;
	}
	return tallest;
}
