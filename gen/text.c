/* text.c - Vietnamese-aware text helpers: NFC, case mapping, blanks, ids, quoting, the
 * names of bodies and where they break.
 *
 * GLib does the Unicode work (normalisation, case tables); everything we hand back is
 * copied into malloc()ed memory so callers never need to know about g_free(). */
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

/* Copies a GLib-allocated string into malloc()ed memory and releases the GLib copy, so
 * that every string this module returns is freed with plain free(). */
static char *from_gstr(gchar *g)
{
	if (!g)
		return NULL;
	char *s = strdup(g);
	g_free(g);
	return s;
}

/* Decodes one code point at *p and advances *p. Invalid or truncated UTF-8 never reads
 * past the terminating NUL: the bad byte is skipped and reported as U+FFFD, so the
 * functions that walk strings themselves stay memory-safe even on input the contract
 * rules out. */
static gunichar next_char(const char **p)
{
	gunichar c = g_utf8_get_char_validated(*p, -1);
	if (c == (gunichar)-1 || c == (gunichar)-2) {
		(*p)++;
		return 0xFFFD;
	}
	*p = g_utf8_next_char(*p);
	return c;
}

/* The Unicode White_Space property. g_unichar_isspace() covers the separators (NBSP and
 * the ideographic space included) and \t \n \r \f, but not VT or NEL. */
static int is_space(gunichar c)
{
	return g_unichar_isspace(c) || c == 0x0B || c == 0x85;
}

int text_fold_space(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] == ' ' || u[0] == '\t' || u[0] == '\n' || u[0] == '\r')
		return 1;
	if (u[0] == 0xC2 && u[1] == 0x85)
		return 2;
	if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9))
		return 3;
	return 0;
}

/* Characters that can never change under NFC, so that the usual Vietnamese text is
 * answered without normalising: everything below U+0300 and the precomposed Latin
 * letters of U+1E00-U+1EFF (Unicode's NFC quick-check says "yes" for all of them). */
static int surely_nfc(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		gunichar c;
		if (*p < 0x80) {
			p++;
			continue;
		}
		c = g_utf8_get_char_validated((const char *)p, -1);
		if (c == (gunichar)-1 || c == (gunichar)-2)
			return 0;
		if (c >= 0x300 && !(c >= 0x1E00 && c <= 0x1EFF))
			return 0;
		p = (const unsigned char *)g_utf8_next_char(p);
	}
	return 1;
}

/* GLib's normalisation moves the rest of its buffer for each character it composes, which
 * is quadratic: a 1.4 MB text took six seconds. NFC of a text is the NFC of its pieces
 * joined when each piece after the first starts with a letter that never composes with
 * or reorders around what comes before it (ASCII and the precomposed Latin letters), so
 * long text is normalised in pieces of about this many bytes, cut before such a letter:
 * small, since each composition still moves the rest of its piece. */
#define TEXT_NFC_PIECE 256

/* Whether a piece of text may start at p (see above). */
static int nfc_cut(const char *p)
{
	gunichar c;

	if ((unsigned char)*p < 0x80)
		return 1;
	if (((unsigned char)*p & 0xC0) == 0x80)
		return 0;
	c = g_utf8_get_char(p);
	return (c >= 0xC0 && c <= 0x24F) || (c >= 0x1E00 && c <= 0x1EFF);
}

/* NFC of s as a g_malloc()ed string, or NULL when s is not valid UTF-8. */
static gchar *nfc(const char *s)
{
	size_t n = strlen(s);
	GString *out;

	if (n <= TEXT_NFC_PIECE)
		return g_utf8_normalize(s, -1, G_NORMALIZE_NFC);
	if (!g_utf8_validate(s, (gssize)n, NULL))
		return NULL;
	out = g_string_sized_new(n + n / 8);
	for (const char *p = s; *p;) {
		const char *cut = p + TEXT_NFC_PIECE < s + n ? p + TEXT_NFC_PIECE : s + n;
		gchar *piece;
		while (*cut && !nfc_cut(cut))
			cut++;
		piece = g_utf8_normalize(p, cut - p, G_NORMALIZE_NFC);
		if (!piece) {
			g_string_free(out, TRUE);
			return NULL;
		}
		g_string_append(out, piece);
		g_free(piece);
		p = cut;
	}
	return g_string_free(out, FALSE);
}

char *text_nfc(const char *s)
{
	if (!s)
		return NULL;
	/* g_utf8_normalize() itself returns NULL on invalid UTF-8. */
	return from_gstr(nfc(s));
}

int text_is_nfc(const char *s)
{
	if (!s)
		return 0;
	if (surely_nfc(s))
		return 1;
	gchar *n = nfc(s);
	int same = n && strcmp(n, s) == 0;
	g_free(n);
	return same;
}

/* Upper- or lower-cases s, then recomposes: case tables work on decomposed input too, but
 * the result of case mapping a decomposed string is still decomposed. */
static char *change_case(const char *s, gchar *(*map)(const gchar *, gssize))
{
	/* GLib's case functions do not validate and could step over the NUL of a truncated
	 * sequence, so refuse bad input here. */
	if (!s || !g_utf8_validate(s, -1, NULL))
		return NULL;
	gchar *mapped = map(s, -1);
	if (!mapped)
		return NULL;
	/* the usual text is NFC already: no normalising (a copy of 1 MB is quick) */
	if (surely_nfc(mapped))
		return from_gstr(mapped);
	gchar *n = nfc(mapped);
	g_free(mapped);
	return from_gstr(n);
}

char *text_upper(const char *s)
{
	return change_case(s, g_utf8_strup);
}

char *text_lower(const char *s)
{
	return change_case(s, g_utf8_strdown);
}

/* ---- blanks, ids, quoting ------------------------------------------------------- */

int text_is_blank(const char *s)
{
	if (!s)
		return 1;
	for (const char *p = s; *p;) {
		if (!is_space(next_char(&p)))
			return 0;
	}
	return 1;
}

char *text_quote(char *buf, const char *s)
{
	char *sq = text_squeeze(s != NULL ? s : "");
	size_t n;

	if (sq == NULL) {
		buf[0] = '\0';
		return buf;
	}
	n = strlen(sq);
	if (n <= TEXT_QUOTE_MAX) {
		memcpy(buf, sq, n + 1);
	} else {
		n = TEXT_QUOTE_MAX;
		while (n > 0 && ((unsigned char)sq[n] & 0xC0) == 0x80)
			n--; /* do not cut a character in two */
		memcpy(buf, sq, n);
		memcpy(buf + n, "...", 4);
	}
	free(sq);
	return buf;
}

char *text_squeeze(const char *s)
{
	if (!s || !g_utf8_validate(s, -1, NULL))
		return NULL;
	/* Squeezing never lengthens: each run of one or more spaces becomes one byte. */
	char *out = malloc(strlen(s) + 1);
	if (!out)
		return NULL;
	size_t n = 0;
	int pending_space = 0;
	for (const char *p = s; *p;) {
		const char *start = p;
		gunichar c = next_char(&p);
		if (is_space(c)) {
			pending_space = 1;
			continue;
		}
		if (pending_space && n > 0)
			out[n++] = ' ';
		pending_space = 0;
		memcpy(out + n, start, (size_t)(p - start));
		n += (size_t)(p - start);
	}
	out[n] = '\0';
	return out;
}

int text_is_id(const char *s)
{
	if (!s || !*s || *s == '-')
		return 0;
	size_t n = 0;
	for (; s[n]; n++) {
		char c = s[n];
		if (n >= TEXT_ID_MAX)
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return 0;
	}
	return 1;
}

int text_windows_reserved(const char *s)
{
	static const char *const devices[] = {"con", "prn", "aux", "nul"};
	size_t n = strcspn(s, ".");

	if (n == 3) {
		for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++)
			if (g_ascii_strncasecmp(s, devices[i], 3) == 0)
				return 1;
		return 0;
	}
	return n == 4 &&
	       (g_ascii_strncasecmp(s, "com", 3) == 0 || g_ascii_strncasecmp(s, "lpt", 3) == 0) &&
	       s[3] >= '0' && s[3] <= '9';
}

int text_words_has(const char *words, const char *name, const char *seps)
{
	size_t len = strlen(name);

	for (const char *w = words; *w != '\0';) {
		size_t n = strcspn(w, seps);
		size_t k = n;
		while (k > 0 && strchr("?*+!", w[k - 1]) != NULL)
			k--;
		if (k == len && strncmp(w, name, len) == 0)
			return 1;
		w += n;
		w += *w != '\0';
	}
	return 0;
}

int text_words_nearest(const char *words, const char *seps, const char *name, int max, char *buf,
		       size_t size)
{
	int best = max + 1;

	buf[0] = '\0';
	for (const char *w = words; *w != '\0';) {
		size_t n = strcspn(w, seps), k = n;
		char cand[64]; /* a schema or template name; longer ones are never near */
		while (k > 0 && strchr("?*+!", w[k - 1]) != NULL)
			k--;
		if (k < sizeof cand) {
			memcpy(cand, w, k);
			cand[k] = '\0';
			int d = text_distance(cand, name, max);
			if (d > 0 && d < best) {
				best = d;
				snprintf(buf, size, "%s", cand);
			}
		}
		w += n;
		w += *w != '\0';
	}
	return buf[0] != '\0';
}

int text_distance(const char *a, const char *b, int max)
{
	size_t la = strlen(a), lb = strlen(b);
	int row[TEXT_DISTANCE_LEN + 1];

	if (la > TEXT_DISTANCE_LEN || lb > TEXT_DISTANCE_LEN || la > lb + (size_t)max ||
	    lb > la + (size_t)max)
		return max + 1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j], best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb] > max ? max + 1 : row[lb];
}

int text_surely_nfc(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		if (*p < 0x80)
			p++;
		else if (*p >= 0xC2 && *p <= 0xCB && p + 1 < end)
			p += 2; /* U+0080..U+02FF */
		else if (*p == 0xE1 && p + 2 < end && p[1] >= 0xB8 && p[1] <= 0xBB)
			p += 3; /* U+1E00..U+1EFF */
		else
			return 0;
	}
	return 1;
}

/* ---- the names of bodies ---------------------------------------------------------- */

/* The words a People's Committee's name begins with: the full form (with the tone mark
 * placed either way, as both spellings are in use) and the abbreviation. */
static const char *const committee_prefixes[] = {"Ủy ban nhân dân ", "Uỷ ban nhân dân ", "UBND "};

/* Vietnam's administrative levels, longest first where one begins another ("thị xã"
 * before "xã" would not matter, but "thành phố" must not be read as "thành"). */
static const char *const level_words[] = {"thành phố ", "thị trấn ", "thị xã ",
					  "đặc khu ",   "phường ",   "huyện ",
					  "quận ",      "tỉnh ",     "xã "};

int text_committee(const char *name, const char **unit, const char **place)
{
	const char *u = NULL, *pl = NULL;

	if (name == NULL)
		return 0;
	for (size_t i = 0; i < G_N_ELEMENTS(committee_prefixes) && u == NULL; i++)
		if (strncmp(name, committee_prefixes[i], strlen(committee_prefixes[i])) == 0)
			u = name + strlen(committee_prefixes[i]);
	if (u == NULL)
		return 0;
	for (size_t i = 0; i < G_N_ELEMENTS(level_words) && pl == NULL; i++)
		if (strncmp(u, level_words[i], strlen(level_words[i])) == 0)
			pl = u + strlen(level_words[i]);
	/* "UBND các xã, thị trấn" names many committees, not one: a place starts with a
	 * capital */
	if (pl == NULL || !g_unichar_isupper(g_utf8_get_char_validated(pl, -1)))
		return 0;
	if (unit != NULL)
		*unit = u;
	if (place != NULL)
		*place = pl;
	return 1;
}

/* Counts the upper-case letters of the word at s (up to a space), and says in *next
 * whether the word after it starts with a capital. */
static int word_capitals(const char *s, int *next)
{
	const char *p = s;
	int caps = 0;

	*next = 0;
	while (*p != '\0' && *p != ' ') {
		gunichar c = next_char(&p);
		caps += g_unichar_isupper(c) ? 1 : 0;
	}
	while (*p == ' ')
		p++;
	if (*p != '\0') {
		const char *q = p;
		*next = g_unichar_isupper(next_char(&q)) ? 1 : 0;
	}
	return caps;
}

/* Words that never begin a proper name: a phrase starting with one reads with a small
 * letter in the middle of a sentence whatever follows ("theo Kế hoạch thanh tra"). */
static const char *const never_names[] = {"Các",  "Những",  "Mọi", "Mỗi",   "Từng", "Toàn", "Tất",
					  "Theo", "Trước",  "Sau", "Trong", "Từ",   "Đến",  "Hằng",
					  "Định", "Thường", "Khi", "Ngay",  "Chậm", "Tại",  "Cho"};

/* Of those, the words that count a group of bodies. */
static const char *const counting_words[] = {"Các", "Những", "Mọi", "Mỗi", "Từng", "Toàn", "Tất"};

static int first_word_in(const char *s, const char *const *list, size_t n)
{
	size_t len = strcspn(s, " ");

	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && memcmp(s, list[i], len) == 0)
			return 1;
	return 0;
}

/* Lowers the first letter of s: with only_listed, when its first word is in list; else
 * when it is an ordinary word (see text_lower_first). */
static char *lower_first(const char *s, const char *const *list, size_t nlist, int only_listed)
{
	const char *p = s;
	gunichar first;
	int next, listed;
	char buf[8];
	size_t n;
	char *out;

	if (s == NULL || !g_utf8_validate(s, -1, NULL))
		return NULL;
	first = next_char(&p);
	listed = first_word_in(s, list, nlist);
	if (!g_unichar_isupper(first) || (only_listed && !listed) ||
	    (!listed && (word_capitals(s, &next) != 1 || next)))
		return strdup(s);
	/* the lower case of a Vietnamese capital is one character: NFC stays NFC */
	n = (size_t)g_unichar_to_utf8(g_unichar_tolower(first), buf);
	out = malloc(n + strlen(p) + 1);
	if (out == NULL)
		return NULL;
	memcpy(out, buf, n);
	strcpy(out + n, p);
	return out;
}

char *text_lower_first(const char *s)
{
	return lower_first(s, never_names, G_N_ELEMENTS(never_names), 0);
}

char *text_lower_group(const char *s)
{
	return lower_first(s, counting_words, G_N_ELEMENTS(counting_words), 1);
}

/* A character of a number-and-symbol token: an ASCII letter or digit, a Vietnamese
 * capital (Đ in "QĐ-UBND"), '-' or '.'; the '/' is tested apart. */
static int token_char(gunichar c)
{
	return g_unichar_isalnum(c) || c == '-' || c == '.';
}

int text_nobreak_spans(const char *s, int len, int with_words,
		       void (*fn)(int start, int end, void *data), void *data)
{
	const char *p = s, *end = s + len;
	int found = 0;

	while (p < end) {
		const char *start = p, *q = p;
		int slash = 0;
		gunichar prev = 0;

		/* one run of token characters and slashes */
		while (q < end) {
			const char *here = q;
			gunichar c = next_char(&q);
			if (c == '/') {
				/* a slash counts between two letters or digits */
				const char *r = q;
				if (prev != 0 && g_unichar_isalnum(prev) && r < end &&
				    g_unichar_isalnum(next_char(&r)))
					slash = 1;
			} else if (!token_char(c)) {
				q = here;
				break;
			}
			prev = c;
		}
		if (q == start) {
			next_char(&p);
			continue;
		}
		int tstart = (int)(start - s), tend = (int)(q - s);
		/* trailing '.' or '-' end a sentence or a line, they are no part of the token */
		while (tend > tstart && (s[tend - 1] == '.' || s[tend - 1] == '-'))
			tend--;
		if (slash && tend - tstart <= TEXT_NOBREAK_MAX) {
			/* "Quý III/2024": the quarter's word stays with its number */
			static const char quy[] = "Quý ";
			int ql = (int)sizeof quy - 1;
			if (with_words && tstart >= ql &&
			    memcmp(s + tstart - ql, quy, (size_t)ql) == 0 &&
			    (tstart == ql || s[tstart - ql - 1] == ' ' ||
			     s[tstart - ql - 1] == '('))
				tstart -= ql;
			fn(tstart, tend, data);
			found++;
		}
		p = q;
	}
	/* "Việt Nam - Chi nhánh tỉnh": a line that began with the dash would read as a bullet;
	 * the space before a spaced dash never breaks, so the dash ends its line */
	for (const char *d = s; d + 2 < end; d++) {
		int dash = d[1] == '-'                                        ? 1
			   : (end - d > 4 && memcmp(d + 1, "\u2013", 3) == 0) ? 3
									      : 0;
		if (d[0] == ' ' && dash > 0 && d + 1 + dash < end && d[1 + dash] == ' ' && d > s &&
		    d[-1] != ' ') {
			fn((int)(d - s), (int)(d - s) + 1 + dash, data);
			found++;
		}
	}
	return found;
}

/* ---- where names break --------------------------------------------------------------- */

/* Words that join two parts of a name or a phrase: a break goes before them. */
static const char *const joining_words[] = {"và",    "của",  "về",  "với",  "cho",
					    "trong", "trên", "tại", "theo", "thuộc"};

/* The level words of text_committee(), without their space: a place name follows them. */
static const char *const level_names[] = {"tỉnh",     "thành phố", "huyện",  "quận",   "thị xã",
					  "thị trấn", "xã",        "phường", "đặc khu"};

/* Penalties between the two grades: inside a component (after an even or an odd number of
 * its syllables), between two components, before and after a joining word. */
enum {
	PEN_COMPONENTS = 10,
	PEN_INSIDE_EVEN = 80,
	PEN_INSIDE_ODD = 150,
	PEN_AFTER_JOIN = 15,
};

/* Longest text whose breaks are weighed: a name or a summary is a few hundred bytes. */
#define TEXT_BREAK_WORDS 256

struct word {
	const char *s;
	size_t len;
	int cap;   /* starts with a capital */
	int digit; /* starts with a digit */
};

static int word_is(const struct word *w, const char *text)
{
	return w->len == strlen(text) && memcmp(w->s, text, w->len) == 0;
}

/* Does a level word start at word i ("thành phố" takes two)? Returns its length in words
 * or 0. */
static int level_at(const struct word *w, int n, int i)
{
	/* "hợp tác xã" (a cooperative) is a word of its own, no commune */
	if (i > 0 && word_is(&w[i], "xã") && word_is(&w[i - 1], "tác"))
		return 0;
	for (size_t k = 0; k < G_N_ELEMENTS(level_names); k++) {
		const char *name = level_names[k], *sp = strchr(name, ' ');
		if (sp == NULL && word_is(&w[i], name))
			return 1;
		if (sp != NULL && i + 1 < n && w[i].len == (size_t)(sp - name) &&
		    memcmp(w[i].s, name, w[i].len) == 0 && word_is(&w[i + 1], sp + 1))
			return 2;
	}
	return 0;
}

static int is_joining(const struct word *w)
{
	for (size_t k = 0; k < G_N_ELEMENTS(joining_words); k++)
		if (word_is(w, joining_words[k]))
			return 1;
	return 0;
}

/* An abbreviation in capitals: "TNCS", "UBND", "HĐND". */
static int is_acronym(const struct word *w)
{
	const char *p = w->s, *end = w->s + w->len;
	int caps = 0;

	while (p < end) {
		gunichar c = next_char(&p);
		if (g_unichar_isupper(c))
			caps++;
		else if (g_unichar_isalpha(c))
			return 0;
	}
	return caps >= 2;
}

static int is_dash(const struct word *w)
{
	return word_is(w, "-") || word_is(w, "\u2013");
}

int text_break_penalties(const char *s, int *pen, int max)
{
	struct word w[TEXT_BREAK_WORDS];
	int n = 0, gaps = 0;
	const char *p = s;

	if (s == NULL)
		return 0;
	/* the words, split at single spaces as the paragraph text has them */
	while (*p != '\0') {
		const char *e = strchr(p, ' ');
		size_t len = e != NULL ? (size_t)(e - p) : strlen(p);
		if (n < TEXT_BREAK_WORDS) {
			const char *q = p;
			gunichar c = len > 0 ? next_char(&q) : 0;
			w[n].s = p;
			w[n].len = len;
			w[n].cap = g_unichar_isupper(c);
			w[n].digit = g_unichar_isdigit(c);
			n++;
		}
		if (e == NULL)
			break;
		gaps++;
		p = e + 1;
	}
	/* the start of each word's component, and whether the word lies in a proper name or
	 * a level word's place */
	int comp_pos[TEXT_BREAK_WORDS] = {0}, proper[TEXT_BREAK_WORDS] = {0};
	int in_name[TEXT_BREAK_WORDS] = {0};
	for (int i = 0; i < n; i++) {
		const struct word *prev = i > 0 ? &w[i - 1] : NULL;
		if (w[i].cap || prev == NULL || is_joining(prev) || is_dash(prev) ||
		    (prev->len > 0 && strchr(",;:", prev->s[prev->len - 1]) != NULL))
			comp_pos[i] = 0;
		else
			comp_pos[i] = comp_pos[i - 1] + 1;
	}
	for (int i = 0; i < n; i++) {
		/* a run of capitals that no lower-case syllable continues is a proper name; so is
		 * one after a level word, a place ("xã Yên Phú đạt chuẩn") */
		if (!w[i].cap)
			continue;
		int j = i;
		while (j + 1 < n && w[j + 1].cap)
			j++;
		int place = (i > 0 && level_at(w, n, i - 1) == 1) ||
			    (i > 1 && level_at(w, n, i - 2) == 2);
		int continued = !place && j + 1 < n && !w[j + 1].digit && !is_joining(&w[j + 1]) &&
				!is_dash(&w[j + 1]) && level_at(w, n, j + 1) == 0 &&
				w[j].s[w[j].len - 1] != ',';
		int last = continued ? j - 1 : j;
		for (int k = i; k < last; k++)
			/* an abbreviation ends a name of its own: "Đoàn TNCS | Hồ Chí Minh" */
			proper[k] = !(is_acronym(&w[k]) || is_acronym(&w[k + 1]));
		if (!continued)
			for (int k = i; k <= j; k++)
				in_name[k] = 1;
		i = j;
	}
	/* the syllables after a proper name start a word group of their own */
	for (int i = 1; i < n; i++)
		if (in_name[i - 1] && !w[i].cap)
			for (int k = i, pos = 0; k < n && !w[k].cap && comp_pos[k] >= pos;
			     k++, pos++)
				comp_pos[k] = pos;
	for (int g = 0; g < gaps && g < max; g++) {
		const struct word *a = g < n ? &w[g] : NULL, *b = g + 1 < n ? &w[g + 1] : NULL;
		int v;
		if (a == NULL || b == NULL)
			v = PEN_COMPONENTS;
		else if (b->digit || proper[g] || is_dash(b))
			v = TEXT_BREAK_FORBID; /* a line never starts with a number or a dash */
		else if (level_at(w, n, g) == 2 || (g > 0 && level_at(w, n, g - 1) == 2 && b->cap))
			v = TEXT_BREAK_FORBID; /* inside "thành phố Đông Hà" */
		else if (level_at(w, n, g) == 1 && b->cap)
			v = TEXT_BREAK_FORBID; /* "tỉnh | Quảng Trị" */
		else if (is_acronym(a) && level_at(w, n, g + 1) > 0)
			v = TEXT_BREAK_FORBID; /* "UBND | tỉnh": a committee named by its level */
		else if (a->len > 0 && strchr(",;:", a->s[a->len - 1]) != NULL)
			v = TEXT_BREAK_GOOD;
		else if (is_dash(a) || is_joining(b) || level_at(w, n, g + 1) > 0)
			v = TEXT_BREAK_GOOD;
		else if (is_joining(a))
			v = PEN_AFTER_JOIN;
		else if (b->cap || in_name[g])
			v = PEN_COMPONENTS; /* a new component, or the words after a name */
		else
			v = (comp_pos[g] + 1) % 2 == 0 ? PEN_INSIDE_EVEN : PEN_INSIDE_ODD;
		pen[g] = v;
	}
	return gaps;
}
