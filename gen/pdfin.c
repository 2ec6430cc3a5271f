/* pdfin.c - reading back vbgen's PDFs; see pdfin.h.
 *
 * The reader starts at the end (startxref), reads each classic cross-reference table and
 * its trailer back through /Prev, and keeps for every object number the offset its newest
 * revision gave. Objects are parsed when asked for, once. Every read is bounded by the
 * file's end; a malformed file gives a message, never a crash or a guess. */
#include "pdfin.h"

#include "diag.h"
#include "i18n.h"
#include "msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "startxref" is looked for in this many bytes at the end of the file: vbgen writes it
 * in the last 40; other writers pad a little. */
#define PDFIN_TAIL 1024

/* More objects than this is not a vbgen document (a 1,000-page plan has about 3,000);
 * the bound keeps a damaged /Size or subsection count from allocating gigabytes. */
#define PDFIN_MAX_OBJECTS 10000000

struct pdfin {
	struct diag *d; /* the caller's: where the reader reports */
	const char *path;
	const unsigned char *data;
	size_t len;
	long startxref;
	const pdfin_val *trailer; /* newest */
	GArray *offsets;          /* long per object number; 0: not in any table */
	GPtrArray *objects;       /* pdfin_val * per object number, parsed on demand */
	GPtrArray *owned;         /* every value and string (g_free), freed by pdfin_close() */
	GPtrArray *arrays;        /* every array's and dictionary's item list */
};

struct cursor {
	pdfin *r;
	const unsigned char *p, *end;
};

/* ------------------------------------------------------------------ values */

static pdfin_val *new_val(pdfin *r, enum pdfin_kind kind)
{
	pdfin_val *v = g_new0(pdfin_val, 1);

	v->kind = kind;
	g_ptr_array_add(r->owned, v);
	return v;
}

static char *own(pdfin *r, char *s)
{
	g_ptr_array_add(r->owned, s);
	return s;
}

static GPtrArray *own_array(pdfin *r)
{
	GPtrArray *a = g_ptr_array_new();

	g_ptr_array_add(r->arrays, a);
	return a;
}

void pdfin_close(pdfin *r)
{
	if (r == NULL)
		return;
	g_ptr_array_free(r->owned, TRUE);
	g_ptr_array_free(r->arrays, TRUE);
	g_ptr_array_free(r->objects, TRUE);
	g_array_free(r->offsets, TRUE);
	g_free(r);
}

/* ------------------------------------------------------------------ lexing */

static int is_space(int c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static int is_delim(int c)
{
	return strchr("()<>[]{}/%", c) != NULL && c != '\0';
}

static void skip_space(struct cursor *c)
{
	while (c->p < c->end) {
		if (is_space(*c->p))
			c->p++;
		else if (*c->p == '%') {
			while (c->p < c->end && *c->p != '\n' && *c->p != '\r')
				c->p++;
		} else
			break;
	}
}

/* True when the next token is exactly word (followed by a delimiter, space or the end). */
static int at_word(struct cursor *c, const char *word)
{
	size_t n = strlen(word);

	skip_space(c);
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
		return 0;
	return c->p + n == c->end || is_space(c->p[n]) || is_delim(c->p[n]);
}

/* Reads an unsigned integer token; -1 when there is none. */
static long read_uint(struct cursor *c)
{
	long v = 0;
	int digits = 0;

	skip_space(c);
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9' && digits < 12) {
		v = v * 10 + (*c->p - '0');
		c->p++;
		digits++;
	}
	if (digits == 0 || digits >= 12 || (c->p < c->end && !is_space(*c->p) && !is_delim(*c->p)))
		return -1;
	return v;
}

/* ------------------------------------------------------------------ parsing */

static pdfin_val *parse_value(struct cursor *c, int depth);

static pdfin_val *parse_literal_string(struct cursor *c)
{
	GString *s = g_string_new(NULL);
	int nest = 1;
	pdfin_val *v;

	c->p++; /* ( */
	while (c->p < c->end) {
		int ch = *c->p++;
		if (ch == '(')
			nest++;
		else if (ch == ')' && --nest == 0)
			break;
		else if (ch == '\\' && c->p < c->end) {
			int e = *c->p++;
			const char *from = "nrtbf()\\", *to = "\n\r\t\b\f()\\";
			const char *k = strchr(from, e);
			if (e != '\0' && k != NULL) {
				g_string_append_c(s, to[k - from]);
			} else if (e >= '0' && e <= '7') {
				int o = e - '0';
				for (int i = 0;
				     i < 2 && c->p < c->end && *c->p >= '0' && *c->p <= '7'; i++)
					o = o * 8 + (*c->p++ - '0');
				g_string_append_c(s, (char)(o & 0xFF));
			} else if (e == '\r') {
				if (c->p < c->end && *c->p == '\n')
					c->p++;
			} else if (e != '\n')
				g_string_append_c(s, (char)e);
			continue;
		}
		g_string_append_c(s, (char)ch);
	}
	if (nest != 0) {
		g_string_free(s, TRUE);
		return NULL;
	}
	v = new_val(c->r, PDFIN_STRING);
	v->len = s->len;
	v->str = own(c->r, g_string_free(s, FALSE));
	return v;
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static pdfin_val *parse_hex_string(struct cursor *c)
{
	GString *s = g_string_new(NULL);
	int hi = -1;
	pdfin_val *v;

	c->p++; /* < */
	while (c->p < c->end && *c->p != '>') {
		int h = hexval(*c->p);
		if (h < 0 && !is_space(*c->p)) {
			g_string_free(s, TRUE);
			return NULL;
		}
		c->p++;
		if (h < 0)
			continue;
		if (hi < 0)
			hi = h;
		else {
			g_string_append_c(s, (char)(hi << 4 | h));
			hi = -1;
		}
	}
	if (c->p >= c->end) {
		g_string_free(s, TRUE);
		return NULL;
	}
	c->p++; /* > */
	if (hi >= 0)
		g_string_append_c(s, (char)(hi << 4));
	v = new_val(c->r, PDFIN_STRING);
	v->len = s->len;
	v->str = own(c->r, g_string_free(s, FALSE));
	return v;
}

static pdfin_val *parse_name(struct cursor *c)
{
	GString *s = g_string_new(NULL);
	pdfin_val *v;

	c->p++; /* / */
	while (c->p < c->end && !is_space(*c->p) && !is_delim(*c->p)) {
		if (*c->p == '#' && c->end - c->p >= 3 && hexval(c->p[1]) >= 0 &&
		    hexval(c->p[2]) >= 0) {
			g_string_append_c(s, (char)(hexval(c->p[1]) << 4 | hexval(c->p[2])));
			c->p += 3;
		} else
			g_string_append_c(s, (char)*c->p++);
	}
	v = new_val(c->r, PDFIN_NAME);
	v->text = own(c->r, g_string_free(s, FALSE));
	return v;
}

/* A number; when two unsigned integers are followed by R, a reference. */
static pdfin_val *parse_number(struct cursor *c)
{
	const unsigned char *start = c->p;
	pdfin_val *v;
	char *text, *end;

	if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
		c->p++;
	while (c->p < c->end && ((*c->p >= '0' && *c->p <= '9') || *c->p == '.'))
		c->p++;
	if (c->p == start || (c->p < c->end && !is_space(*c->p) && !is_delim(*c->p)))
		return NULL;
	text = g_strndup((const char *)start, (gsize)(c->p - start));
	if (strspn(text, "0123456789") == strlen(text) && strlen(text) < 10) {
		/* maybe "num gen R" */
		struct cursor look = *c;
		long gen = read_uint(&look);
		if (gen >= 0 && gen < 65536 && at_word(&look, "R")) {
			v = new_val(c->r, PDFIN_REF);
			v->ref = atoi(text);
			v->gen = (int)gen;
			c->p = look.p + 1;
			g_free(text);
			return v;
		}
	}
	v = new_val(c->r, PDFIN_NUMBER);
	v->num = g_ascii_strtod(text, &end);
	if (*end != '\0') {
		g_free(text);
		return NULL;
	}
	v->text = own(c->r, text);
	return v;
}

static pdfin_val *parse_value(struct cursor *c, int depth)
{
	pdfin_val *v;

	if (depth > PDFIN_MAX_DEPTH)
		return NULL;
	skip_space(c);
	if (c->p >= c->end)
		return NULL;
	switch (*c->p) {
	case '(':
		return parse_literal_string(c);
	case '/':
		return parse_name(c);
	case '[':
		c->p++;
		v = new_val(c->r, PDFIN_ARRAY);
		v->items = own_array(c->r);
		for (;;) {
			skip_space(c);
			if (c->p >= c->end)
				return NULL;
			if (*c->p == ']') {
				c->p++;
				return v;
			}
			pdfin_val *item = parse_value(c, depth + 1);
			if (item == NULL)
				return NULL;
			g_ptr_array_add(v->items, item);
		}
	case '<':
		if (c->end - c->p < 2 || c->p[1] != '<')
			return parse_hex_string(c);
		c->p += 2;
		v = new_val(c->r, PDFIN_DICT);
		v->items = own_array(c->r);
		for (;;) {
			skip_space(c);
			if (c->end - c->p >= 2 && c->p[0] == '>' && c->p[1] == '>') {
				c->p += 2;
				return v;
			}
			if (c->p >= c->end || *c->p != '/')
				return NULL;
			pdfin_val *key = parse_name(c), *val = parse_value(c, depth + 1);
			if (val == NULL)
				return NULL;
			g_ptr_array_add(v->items, key);
			g_ptr_array_add(v->items, val);
		}
	default:
		break;
	}
	if (at_word(c, "true") || at_word(c, "false")) {
		v = new_val(c->r, PDFIN_BOOL);
		v->num = *c->p == 't';
		c->p += v->num ? 4 : 5;
		return v;
	}
	if (at_word(c, "null")) {
		c->p += 4;
		return new_val(c->r, PDFIN_NULL);
	}
	return parse_number(c);
}

/* ------------------------------------------------------------------ the file */

static void damaged(const pdfin *r, const char *what)
{
	msg(r->d, r->path, 0, MSG_PDFIN_DAMAGED, what);
}

/* Reads the table at off into r->offsets (entries not set by a newer table only) and
 * returns its trailer, or NULL after reporting. */
static const pdfin_val *read_xref(pdfin *r, long off)
{
	struct cursor c = {r, r->data + off, r->data + r->len};
	const pdfin_val *trailer;

	if (!at_word(&c, "xref")) {
		if (read_uint(&c) >= 0 && read_uint(&c) >= 0 && at_word(&c, "obj"))
			msg(r->d, r->path, 0, MSG_PDFIN_PDF_REWRITTEN_ANOTHER,
			    _("a cross-reference stream"));
		else
			damaged(r, _("its cross-reference table is not where the file says"));
		return NULL;
	}
	c.p += 4;
	for (;;) {
		long first, count;
		if (at_word(&c, "trailer"))
			break;
		first = read_uint(&c);
		count = read_uint(&c);
		if (first < 0 || count < 0 || first + count > PDFIN_MAX_OBJECTS) {
			damaged(r, _("a bad cross-reference table"));
			return NULL;
		}
		if ((guint)(first + count) > r->offsets->len)
			g_array_set_size(r->offsets, (guint)(first + count));
		for (long i = 0; i < count; i++) {
			long o = read_uint(&c), gen = read_uint(&c);
			int type;
			skip_space(&c);
			if (o < 0 || gen < 0 || c.p >= c.end || (*c.p != 'n' && *c.p != 'f')) {
				damaged(r, _("a bad cross-reference entry"));
				return NULL;
			}
			type = *c.p++;
			long *slot = &g_array_index(r->offsets, long, first + i);
			/* the newest table is read first: older entries never override it */
			if (*slot == 0)
				*slot = type == 'n' && first + i != 0 ? o : -1;
		}
	}
	c.p += 7;
	trailer = parse_value(&c, 0);
	if (trailer == NULL || trailer->kind != PDFIN_DICT) {
		damaged(r, _("a bad trailer"));
		return NULL;
	}
	if (pdfin_get(trailer, "XRefStm") != NULL) {
		msg(r->d, r->path, 0, MSG_PDFIN_PDF_REWRITTEN_ANOTHER,
		    _("a cross-reference stream"));
		return NULL;
	}
	if (pdfin_get(trailer, "Encrypt") != NULL) {
		msg(r->d, r->path, 0, MSG_PDFIN_PDF_ENCRYPTED_SIGNING);
		return NULL;
	}
	return trailer;
}

pdfin *pdfin_open(struct diag *d, const char *path, const unsigned char *data, size_t len)
{
	pdfin *r = g_new0(pdfin, 1);
	size_t tail = len > PDFIN_TAIL ? len - PDFIN_TAIL : 0;
	const unsigned char *sx = NULL;
	long off;
	int revisions = 0;
	GArray *seen;

	r->d = d;
	r->path = path;
	r->data = data;
	r->len = len;
	r->offsets = g_array_new(FALSE, TRUE, sizeof(long));
	r->objects = g_ptr_array_new();
	r->owned = g_ptr_array_new_with_free_func(g_free);
	r->arrays = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
	if (len < 8 || memcmp(data, "%PDF-", 5) != 0) {
		msg(d, path, 0, MSG_PDFIN_PDF_FILE_SIGN);
		pdfin_close(r);
		return NULL;
	}
	for (size_t i = tail; i + 9 <= len; i++)
		if (memcmp(data + i, "startxref", 9) == 0)
			sx = data + i;
	if (sx == NULL) {
		damaged(r, _("its end is missing"));
		pdfin_close(r);
		return NULL;
	}
	struct cursor c = {r, sx + 9, data + len};
	off = read_uint(&c);
	if (off <= 0 || (size_t)off >= len) {
		damaged(r, _("its end points outside the file"));
		pdfin_close(r);
		return NULL;
	}
	r->startxref = off;
	seen = g_array_new(FALSE, FALSE, sizeof(long));
	while (off > 0) {
		const pdfin_val *t, *prev;
		for (guint i = 0; i < seen->len; i++)
			if (g_array_index(seen, long, i) == off)
				off = -1;
		if (off < 0 || ++revisions > PDFIN_MAX_REVISIONS) {
			damaged(r, _("its revisions loop"));
			break;
		}
		g_array_append_val(seen, off);
		t = read_xref(r, off);
		if (t == NULL)
			break;
		if (r->trailer == NULL)
			r->trailer = t;
		prev = pdfin_get(t, "Prev");
		off = 0;
		if (prev != NULL) {
			if (prev->kind != PDFIN_NUMBER || prev->num <= 0 ||
			    prev->num >= (double)len) {
				damaged(r, _("a revision points outside the file"));
				off = -1;
				break;
			}
			off = (long)prev->num;
		}
	}
	g_array_free(seen, TRUE);
	if (off != 0) {
		pdfin_close(r);
		return NULL;
	}
	g_ptr_array_set_size(r->objects, r->offsets->len);
	return r;
}

const pdfin_val *pdfin_trailer(const pdfin *r)
{
	return r->trailer;
}

long pdfin_startxref(const pdfin *r)
{
	return r->startxref;
}

const pdfin_val *pdfin_object(pdfin *r, int num)
{
	long off;
	struct cursor c;
	pdfin_val *v;
	char what[64];

	if (num <= 0 || (guint)num >= r->offsets->len ||
	    (off = g_array_index(r->offsets, long, num)) <= 0 || (size_t)off >= r->len) {
		snprintf(what, sizeof what, _("object %d is missing"), num);
		damaged(r, what);
		return NULL;
	}
	if (g_ptr_array_index(r->objects, num) != NULL)
		return g_ptr_array_index(r->objects, num);
	c = (struct cursor){r, r->data + off, r->data + r->len};
	if (read_uint(&c) != num || read_uint(&c) < 0 || !at_word(&c, "obj")) {
		snprintf(what, sizeof what, _("object %d is not where its table says"), num);
		damaged(r, what);
		return NULL;
	}
	c.p += 3;
	v = parse_value(&c, 0);
	if (v == NULL || !(at_word(&c, "endobj") || at_word(&c, "stream"))) {
		snprintf(what, sizeof what, _("object %d cannot be read"), num);
		damaged(r, what);
		return NULL;
	}
	if (pdfin_is_name(pdfin_get(v, "Type"), "ObjStm") ||
	    pdfin_is_name(pdfin_get(v, "Type"), "XRef")) {
		msg(r->d, r->path, 0, MSG_PDFIN_PDF_REWRITTEN_ANOTHER, _("object streams"));
		return NULL;
	}
	g_ptr_array_index(r->objects, num) = v;
	return v;
}

const pdfin_val *pdfin_resolve(pdfin *r, const pdfin_val *v)
{
	if (v == NULL || v->kind != PDFIN_REF)
		return v;
	return pdfin_object(r, v->ref);
}

const pdfin_val *pdfin_get(const pdfin_val *d, const char *key)
{
	if (d == NULL || d->kind != PDFIN_DICT)
		return NULL;
	for (guint i = 0; i + 1 < d->items->len; i += 2) {
		const pdfin_val *k = g_ptr_array_index(d->items, i);
		if (strcmp(k->text, key) == 0)
			return g_ptr_array_index(d->items, i + 1);
	}
	return NULL;
}

int pdfin_is_name(const pdfin_val *v, const char *n)
{
	return v != NULL && v->kind == PDFIN_NAME && strcmp(v->text, n) == 0;
}

/* ------------------------------------------------------------------ writing back */

static void write_name(GString *out, const char *n)
{
	g_string_append_c(out, '/');
	for (const unsigned char *p = (const unsigned char *)n; *p; p++) {
		if (*p <= ' ' || *p > '~' || *p == '#' || is_delim(*p))
			g_string_append_printf(out, "#%02X", *p);
		else
			g_string_append_c(out, (char)*p);
	}
}

void pdfin_write(GString *out, const pdfin_val *v)
{
	switch (v->kind) {
	case PDFIN_NULL:
		g_string_append(out, "null");
		break;
	case PDFIN_BOOL:
		g_string_append(out, v->num != 0 ? "true" : "false");
		break;
	case PDFIN_NUMBER:
		g_string_append(out, v->text);
		break;
	case PDFIN_STRING:
		g_string_append_c(out, '(');
		for (size_t i = 0; i < v->len; i++) {
			unsigned char ch = (unsigned char)v->str[i];
			if (ch == '(' || ch == ')' || ch == '\\')
				g_string_append_printf(out, "\\%c", ch);
			else if (ch < ' ' || ch > '~')
				g_string_append_printf(out, "\\%03o", ch);
			else
				g_string_append_c(out, (char)ch);
		}
		g_string_append_c(out, ')');
		break;
	case PDFIN_NAME:
		write_name(out, v->text);
		break;
	case PDFIN_ARRAY:
		g_string_append_c(out, '[');
		for (guint i = 0; i < v->items->len; i++) {
			if (i > 0)
				g_string_append_c(out, ' ');
			pdfin_write(out, g_ptr_array_index(v->items, i));
		}
		g_string_append_c(out, ']');
		break;
	case PDFIN_DICT:
		pdfin_write_dict(out, v, (const char *const[]){NULL});
		break;
	case PDFIN_REF:
		g_string_append_printf(out, "%d %d R", v->ref, v->gen);
		break;
	}
}

void pdfin_write_dict(GString *out, const pdfin_val *d, const char *const *changes)
{
	size_t nchanges = 0;

	while (changes[nchanges] != NULL)
		nchanges += 2;
	g_string_append(out, "<<");
	for (guint i = 0; i + 1 < d->items->len; i += 2) {
		const pdfin_val *k = g_ptr_array_index(d->items, i);
		size_t c = 0;
		while (c < nchanges && strcmp(changes[c], k->text) != 0)
			c += 2;
		if (c < nchanges && changes[c + 1] == NULL)
			continue;
		g_string_append_c(out, ' ');
		write_name(out, k->text);
		g_string_append_c(out, ' ');
		if (c < nchanges)
			g_string_append(out, changes[c + 1]);
		else
			pdfin_write(out, g_ptr_array_index(d->items, i + 1));
	}
	for (size_t c = 0; c < nchanges; c += 2) {
		if (changes[c + 1] == NULL || pdfin_get(d, changes[c]) != NULL)
			continue;
		g_string_append_c(out, ' ');
		write_name(out, changes[c]);
		g_string_append_c(out, ' ');
		g_string_append(out, changes[c + 1]);
	}
	g_string_append(out, " >>");
}
