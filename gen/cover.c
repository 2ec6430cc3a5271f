/* cover.c - whether the fonts of the templates have every character of the plan; see
 * cover.h.
 *
 * vbgen never substitutes a font, so a character the font lacks (an emoji, a Chinese
 * character) stops the layout. Found here, with the plan, it is the plan's mistake at
 * the line of the text that holds it, and `vbgen check` says so before anything is laid
 * out. Fonts are resolved with fontconfig only (fonts_style()): no Pango lookup happens,
 * so that letter workers may still be forked afterwards. */
#include "cover.h"

#include "diag.h"
#include "i18n.h"
#include "msg.h"
#include "fonts.h"
#include "kinds.h"
#include "template.h"
#include "text.h"

#include <string.h>

/* Places reported at most: a plan full of emoji is told of its first few, then once. */
#define COVER_MAX_REPORTS 20
/* Characters quoted on each side of the missing one. */
#define COVER_CONTEXT 25

struct cover {
	struct diag *d; /* the run's: where the characters missing are said */
	const plan *p;
	fonts *f;
	GPtrArray *styles; /* const doc_style *, borrowed from the templates */
	GHashTable *known; /* character -> the index + 1 of a style lacking it, or -1 */
	int reported, more;
};

static void add_style(const doc_style *s, void *data)
{
	struct cover *c = data;

	if (fonts_style(c->f, s) != NULL)
		g_ptr_array_add(c->styles, (gpointer)s);
}

/* Whether some style's font lacks ch: the first such style, or NULL. Each character
 * is looked up once: a plan has a few hundred distinct ones. */
static const doc_style *lacking(struct cover *c, gunichar ch)
{
	gintptr k = GPOINTER_TO_INT(g_hash_table_lookup(c->known, GUINT_TO_POINTER(ch)));

	if (k == 0) {
		k = -1;
		for (guint i = 0; i < c->styles->len && k < 0; i++)
			if (!fonts_has_char(c->f, g_ptr_array_index(c->styles, i), ch))
				k = (gintptr)i + 1;
		g_hash_table_insert(c->known, GUINT_TO_POINTER(ch), GINT_TO_POINTER((int)k));
	}
	return k > 0 ? g_ptr_array_index(c->styles, (guint)k - 1) : NULL;
}

/* Whether ch is an invisible bidirectional embedding, override or isolate (U+202A to
 * U+202E, U+2066 to U+2069). The fonts have them, but they reorder the text around them:
 * "ban dân" after a U+202E prints "nâd nab", so that the document says other than the
 * file, and the clerk sees nothing in the editor. A Vietnamese plan has no use for them
 * (Arabic or Hebrew words are ordered without them). */
static int is_direction_control(gunichar ch)
{
	return (ch >= 0x202A && ch <= 0x202E) || (ch >= 0x2066 && ch <= 0x2069);
}

static void check_text(struct cover *c, xmlNodePtr text)
{
	const char *t = (const char *)text->content;
	GHashTable *seen = NULL;

	for (const char *q = t; *q != '\0'; q = g_utf8_next_char(q)) {
		gunichar ch = g_utf8_get_char(q);
		const doc_style *s = NULL;
		int reorders = is_direction_control(ch);
		/* what running text folds into a space never reaches a font; a fixed space
		 * (no-break, thin, ideographic) does, and is looked up like any letter */
		if (!reorders &&
		    (ch < 0x80 || text_fold_space(q) > 0 || (s = lacking(c, ch)) == NULL))
			continue;
		if (seen == NULL)
			seen = g_hash_table_new(g_direct_hash, g_direct_equal);
		if (!g_hash_table_add(seen, GUINT_TO_POINTER(ch)))
			continue; /* once per text */
		if (c->reported >= COVER_MAX_REPORTS) {
			c->more++;
			continue;
		}
		const char *from = q, *to = g_utf8_next_char(q);
		for (int k = 0; k < COVER_CONTEXT && from > t; k++)
			from = g_utf8_prev_char(from);
		for (int k = 0; k < COVER_CONTEXT && *to != '\0'; k++)
			to = g_utf8_next_char(to);
		char one[8] = "";
		g_unichar_to_utf8(ch, one);
		c->reported++;
		if (reorders) /* quoted without it: it would reorder the message too */
			msg(c->d, c->p->path, plan_line(text->parent != NULL ? text->parent : text),
			    MSG_COVER_DIRECTION_CONTROL, (unsigned)ch, from > t ? "..." : "",
			    (int)(q - from), from, (int)(to - g_utf8_next_char(q)),
			    g_utf8_next_char(q), *to != '\0' ? "..." : "");
		else
			msg(c->d, c->p->path, plan_line(text->parent != NULL ? text->parent : text),
			    MSG_COVER_CHARACTER_MISSING, one, (unsigned)ch, from > t ? "..." : "",
			    (int)(to - from), from, *to != '\0' ? "..." : "",
			    fonts_used_family(c->f, s->family));
	}
	if (seen != NULL)
		g_hash_table_destroy(seen);
}

static void walk(struct cover *c, xmlNodePtr n)
{
	for (; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
			check_text(c, n);
		else if (n->type == XML_ELEMENT_NODE)
			walk(c, n->children);
	}
}

void cover_check(struct diag *d, const plan *p)
{
	struct cover c = {d, p, NULL, NULL, NULL, 0, 0};
	struct diag ahead; /* muted: the templates' and fonts' own problems */
	GPtrArray *loaded = g_ptr_array_new_with_free_func((GDestroyNotify)template_free);

	/* the templates' and fonts' own problems (and the note on the font used) are said
	 * when a document is made; here they only leave a style out: read with a diag of
	 * their own that drops them */
	diag_init(&ahead);
	diag_set_muted(&ahead, 1);
	c.f = fonts_open(&ahead);
	c.styles = g_ptr_array_new();
	c.known = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (const kind *k = kinds; c.f != NULL && k->command != NULL; k++) {
		template *t = template_load(&ahead, k->template);
		if (t == NULL)
			continue;
		g_ptr_array_add(loaded, t);
		template_each_style(t, add_style, &c);
	}
	/* every template is an input from now on, before the first document is written
	 * (`all` writes the plan before it reads the letter's template) */
	diag_add_inputs(d, &ahead);
	if (c.styles->len > 0)
		walk(&c, xmlDocGetRootElement(p->doc));
	if (c.more > 0)
		msg(d, p->path, 0, MSG_COVER_CHARACTERS_MORE, c.more);
	g_hash_table_destroy(c.known);
	g_ptr_array_free(c.styles, TRUE);
	g_ptr_array_free(loaded, TRUE);
	if (c.f != NULL)
		fonts_free(c.f);
}
