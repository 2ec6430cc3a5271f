/* i18n.c - choosing the language and reading its gettext catalog (.mo); see i18n.h.
 *
 * A .mo file (GNU gettext's format) is a header of 32-bit words, two tables of
 * (length, offset) pairs, the original texts sorted bytewise and their translations, each
 * string followed by a NUL. A text with plural forms has the key "one\0many" and the
 * translation "form0\0form1...". Every offset and length is checked against the file
 * before it is used: a damaged catalog is refused whole, and vbgen speaks English. */
#include "i18n.h"

#include "paths.h"

#include <errno.h>
#include <glib.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A catalog larger than this is no catalog of vbgen's: all of its messages with their
 * translations make about 100 KB. The limit keeps a wrong file from being read whole. */
#define I18N_MO_MAX (16L * 1024 * 1024)

#define MO_MAGIC 0x950412deU

static struct {
	char *data;          /* the whole file, owned */
	unsigned long len;   /* its size */
	int swap;            /* written on a machine of the other byte order */
	uint32_t n;          /* number of texts */
	uint32_t orig, tran; /* offsets of the two tables */
	int nplurals;        /* from the header's Plural-Forms; 0: the English rule */
	char language[I18N_NAME_MAX];
} cat;

static uint32_t word(const char *data, unsigned long at, int swap)
{
	uint32_t w;

	memcpy(&w, data + at, 4);
	return swap ? GUINT32_SWAP_LE_BE(w) : w;
}

/* The string of table entry i (table at offset tab): its bytes and length, or NULL when
 * it lies outside the file or lacks its NUL. */
static const char *entry(const char *data, unsigned long len, int swap, uint32_t tab, uint32_t i,
			 uint32_t *n)
{
	unsigned long at = (unsigned long)tab + 8UL * i;
	uint32_t l, off;

	if (at + 8 > len)
		return NULL;
	l = word(data, at, swap);
	off = word(data, at + 4, swap);
	if ((unsigned long)off + l >= len || data[off + l] != '\0')
		return NULL;
	*n = l;
	return data + off;
}

/* nplurals of a catalog's header ("Plural-Forms: nplurals=1; plural=0;"), 0 if none. */
static int header_nplurals(const char *header)
{
	const char *p = strstr(header, "nplurals=");

	return p != NULL ? atoi(p + 9) : 0;
}

int i18n_load_mo(char *data, unsigned long len)
{
	uint32_t magic, n, orig, tran, l;
	int swap;

	if (data == NULL || len < 28)
		goto bad;
	memcpy(&magic, data, 4);
	if (magic == MO_MAGIC)
		swap = 0;
	else if (GUINT32_SWAP_LE_BE(magic) == MO_MAGIC)
		swap = 1;
	else
		goto bad;
	/* major revision 0 or 1; revision 1 adds only system-dependent strings (<inttypes.h>
	 * macros), which vbgen's messages do not use */
	if ((word(data, 4, swap) >> 16) > 1)
		goto bad;
	n = word(data, 8, swap);
	orig = word(data, 12, swap);
	tran = word(data, 16, swap);
	for (uint32_t i = 0; i < n; i++)
		if (entry(data, len, swap, orig, i, &l) == NULL ||
		    entry(data, len, swap, tran, i, &l) == NULL)
			goto bad;
	i18n_shutdown();
	cat.data = data;
	cat.len = len;
	cat.swap = swap;
	cat.n = n;
	cat.orig = orig;
	cat.tran = tran;
	/* the header is the translation of "" (sorted first) */
	cat.nplurals = 0;
	if (n > 0 && entry(data, len, swap, orig, 0, &l) != NULL && l == 0)
		cat.nplurals = header_nplurals(entry(data, len, swap, tran, 0, &l));
	return 0;
bad:
	g_free(data);
	return -1;
}

/* The translation of key (up to its first NUL), with its length, or NULL. The keys are
 * sorted: a binary search. */
static const char *lookup(const char *key, uint32_t *n)
{
	uint32_t lo = 0, hi = cat.n, l;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const char *k = entry(cat.data, cat.len, cat.swap, cat.orig, mid, &l);
		int c = strcmp(key, k);
		if (c == 0)
			return entry(cat.data, cat.len, cat.swap, cat.tran, mid, n);
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const char *i18n_text(const char *msgid)
{
	const char *t;
	uint32_t n;

	if (cat.data == NULL || msgid[0] == '\0')
		return msgid;
	t = lookup(msgid, &n);
	return t != NULL && n > 0 ? t : msgid;
}

const char *i18n_plural(const char *one, const char *many, unsigned long n)
{
	const char *t, *end;
	uint32_t len;
	unsigned long form = n != 1;

	if (cat.data == NULL || (t = lookup(one, &len)) == NULL || len == 0)
		return n == 1 ? one : many;
	/* A language of one form (Vietnamese: nplurals=1) takes form 0; others the English
	 * rule. A language of three forms or more needs the header's plural expression
	 * evaluated: not yet, as vbgen has no such translation. */
	if (cat.nplurals == 1)
		form = 0;
	end = t + len;
	for (; form > 0; form--) {
		t += strlen(t) + 1;
		if (t >= end)
			return n == 1 ? one : many;
	}
	return t;
}

/* The system errors a clerk meets, with the C library's English text (glibc's strerror):
 * their translations are in the catalog under these texts. */
static const struct {
	int e;
	const char *text;
} errors[] = {
	{ENOENT, N_("No such file or directory")},
	{EACCES, N_("Permission denied")},
	{EPERM, N_("Operation not permitted")},
	{ENOSPC, N_("No space left on device")},
	{EDQUOT, N_("Disk quota exceeded")},
	{EISDIR, N_("Is a directory")},
	{ENOTDIR, N_("Not a directory")},
	{EEXIST, N_("File exists")},
	{EROFS, N_("Read-only file system")},
	{ENAMETOOLONG, N_("File name too long")},
	{ELOOP, N_("Too many levels of symbolic links")},
	{EIO, N_("Input/output error")},
	{ENOMEM, N_("Cannot allocate memory")},
	{EMFILE, N_("Too many open files")},
	{EBUSY, N_("Device or resource busy")},
	{ENOTEMPTY, N_("Directory not empty")},
	{EXDEV, N_("Invalid cross-device link")},
};

const char *i18n_strerror(int e)
{
	if (cat.data != NULL)
		for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
			if (errors[i].e == e)
				return _(errors[i].text);
	return strerror(e);
}

/* Copies the language of a locale name ("vi_VN.UTF-8@x" -> "vi_VN") into out, or
 * returns 0 when there is none (empty, too long). */
static int language_of(const char *value, size_t n, char *out)
{
	size_t l = strcspn(value, ".@");

	if (l > n)
		l = n;
	if (l == 0 || l >= I18N_NAME_MAX)
		return 0;
	memcpy(out, value, l);
	out[l] = '\0';
	return 1;
}

static int is_c_locale(const char *name)
{
	return strcmp(name, "C") == 0 || strcmp(name, "POSIX") == 0;
}

static int set(const char *v)
{
	return v != NULL && v[0] != '\0';
}

int i18n_choose(const char *opt, const char *language, const char *lc_all, const char *lc_messages,
		const char *lang, char names[][I18N_NAME_MAX], int max)
{
	const char *locale = set(lc_all) ? lc_all : set(lc_messages) ? lc_messages : lang;
	int count = 0;

	if (max <= 0)
		return 0;
	if (set(opt))
		return language_of(opt, strlen(opt), names[0]);
	if (!set(locale) || is_c_locale(locale)) {
		memcpy(names[0], "en", 3);
		return 1;
	}
	for (const char *p = set(language) ? language : ""; *p != '\0' && count < max;) {
		size_t l = strcspn(p, ":");
		if (language_of(p, l, names[count]))
			count++;
		p += l + (p[l] == ':');
	}
	if (count < max && language_of(locale, strlen(locale), names[count]))
		count++;
	return count;
}

static int is_english(const char *name)
{
	return strcmp(name, "C") == 0 || strcmp(name, "POSIX") == 0 || strncmp(name, "en", 2) == 0;
}

/* Loads the catalog of name ("vi_VN", then "vi") from dir. Returns 0 or -1; *path is the
 * last path tried. */
static int load_language(const char *dir, const char *name, char **path)
{
	char lang[I18N_NAME_MAX];

	g_strlcpy(lang, name, sizeof lang);
	for (int pass = 0; pass < 2; pass++) {
		gchar *data = NULL;
		gsize len = 0;
		if (pass == 1) {
			if (strchr(lang, '_') == NULL)
				break;
			lang[strcspn(lang, "_")] = '\0';
		}
		g_free(*path);
		*path = g_strdup_printf("%s/%s/LC_MESSAGES/vbgen.mo", dir, lang);
		if (!g_file_get_contents(*path, &data, &len, NULL))
			continue;
		if (len > I18N_MO_MAX || i18n_load_mo(data, len) != 0) {
			if (len > I18N_MO_MAX)
				g_free(data);
			continue;
		}
		g_strlcpy(cat.language, lang, sizeof cat.language);
		return 0;
	}
	return -1;
}

int i18n_init(const char *opt, char **missing)
{
	char names[I18N_CHOICES_MAX][I18N_NAME_MAX], *dir, *path = NULL;
	int n = i18n_choose(opt, getenv("LANGUAGE"), getenv("LC_ALL"), getenv("LC_MESSAGES"),
			    getenv("LANG"), names, I18N_CHOICES_MAX);
	int status = 0;

	if (missing != NULL)
		*missing = NULL;
	i18n_shutdown();
	if (n == 0 || is_english(names[0]))
		return 0;
	dir = paths_localedir();
	for (int i = 0; i < n && !is_english(names[i]); i++)
		if (load_language(dir, names[i], &path) == 0)
			goto done;
	if (set(opt)) {
		status = -1;
		if (missing != NULL) {
			*missing = path;
			path = NULL;
		}
	}
done:
	g_free(path);
	g_free(dir);
	return status;
}

/* The marks of numbers, by language (CLDR's, which are those of Vietnamese office
 * writing); a language not listed writes them as English does. */
static const struct {
	const char *language, *decimal, *group;
} number_marks[] = {
	{"vi", ",", "."},
};

void i18n_number_marks(const char *l, const char **decimal, const char **group)
{
	*decimal = ".";
	*group = "";
	for (size_t i = 0; i < sizeof number_marks / sizeof number_marks[0]; i++) {
		size_t n = strlen(number_marks[i].language);
		if (strncmp(l, number_marks[i].language, n) == 0 && (l[n] == '\0' || l[n] == '_')) {
			*decimal = number_marks[i].decimal;
			*group = number_marks[i].group;
		}
	}
}

/* Puts the marks of the language into the digits of one number just formatted (from
 * g->str + start on): its decimal mark for the '.', and with grouping the group mark
 * between each three digits of the whole part. */
static void localise_number(GString *g, gsize start, int decimal, int group, const char *dec,
			    const char *grp)
{
	gsize i = start, digits, point;

	while (i < g->len && !g_ascii_isdigit(g->str[i]))
		i++; /* padding and sign */
	for (digits = i; digits < g->len && g_ascii_isdigit(g->str[digits]); digits++)
		;
	point = digits;
	if (decimal && point < g->len && g->str[point] == '.') {
		g_string_erase(g, (gssize)point, 1);
		g_string_insert(g, (gssize)point, dec);
	}
	if (group && grp[0] != '\0')
		for (gsize at = digits; at > i + 3; at -= 3)
			g_string_insert(g, (gssize)(at - 3), grp);
}

/* The pieces of a text are formatted one conversion at a time, each with its own part of
 * the (checked) text as the format: the conversions are the text's, never the input's. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

/* One conversion, spec ("%-5.*ld", without the ' flag), of the next arguments in ap. */
static void one_conversion(GString *g, const char *spec, int stars, char length, char conv,
			   va_list *ap)
{
	int s[2] = {0, 0};

	for (int i = 0; i < stars && i < 2; i++)
		s[i] = va_arg(*ap, int);
#define PUT(v)                                                                                     \
	do {                                                                                       \
		if (stars == 0)                                                                    \
			g_string_append_printf(g, spec, v);                                        \
		else if (stars == 1)                                                               \
			g_string_append_printf(g, spec, s[0], v);                                  \
		else                                                                               \
			g_string_append_printf(g, spec, s[0], s[1], v);                            \
	} while (0)
	switch (conv) {
	case 'd':
	case 'i':
		if (length == 'l')
			PUT(va_arg(*ap, long));
		else if (length == 'q')
			PUT(va_arg(*ap, long long));
		else if (length == 'z')
			PUT(va_arg(*ap, gssize));
		else if (length == 'j')
			PUT(va_arg(*ap, intmax_t));
		else if (length == 't')
			PUT(va_arg(*ap, ptrdiff_t));
		else
			PUT(va_arg(*ap, int));
		break;
	case 'o':
	case 'u':
	case 'x':
	case 'X':
		if (length == 'l')
			PUT(va_arg(*ap, unsigned long));
		else if (length == 'q')
			PUT(va_arg(*ap, unsigned long long));
		else if (length == 'z')
			PUT(va_arg(*ap, size_t));
		else if (length == 'j')
			PUT(va_arg(*ap, uintmax_t));
		else if (length == 't')
			PUT(va_arg(*ap, ptrdiff_t));
		else
			PUT(va_arg(*ap, unsigned));
		break;
	case 'c':
		PUT(va_arg(*ap, int));
		break;
	case 's':
		PUT(va_arg(*ap, const char *));
		break;
	case 'p':
		PUT(va_arg(*ap, void *));
		break;
	default: /* e E f F g G a A */
		if (length == 'L')
			PUT(va_arg(*ap, long double));
		else
			PUT(va_arg(*ap, double));
		break;
	}
#undef PUT
}

int i18n_vformat(char *buf, size_t size, const char *language, const char *fmt, va_list ap)
{
	const char *dec, *grp;
	GString *g;
	va_list aq;
	int n;

	i18n_number_marks(language, &dec, &grp);
	/* English writes numbers as printf does; a positional %1$s (which no translation
	 * uses yet) is left to printf too, numbers unchanged */
	if ((strcmp(dec, ".") == 0 && grp[0] == '\0') || strchr(fmt, '$') != NULL)
		return vsnprintf(buf, size, fmt, ap);
	g = g_string_sized_new(256);
	va_copy(aq, ap);
	for (const char *p = fmt; *p != '\0';) {
		char spec[32];
		size_t k = 0;
		int stars = 0, grouped = 0;
		char length = 0, conv;
		gsize start;

		if (*p != '%') {
			const char *q = strchr(p, '%');
			size_t len = q != NULL ? (size_t)(q - p) : strlen(p);
			g_string_append_len(g, p, (gssize)len);
			p += len;
			continue;
		}
		if (p[1] == '%') {
			g_string_append_c(g, '%');
			p += 2;
			continue;
		}
		spec[k++] = *p++;
		for (; *p != '\0' && strchr("-+ #0'", *p) != NULL; p++)
			if (*p == '\'')
				grouped = 1;
			else if (k < sizeof spec - 8)
				spec[k++] = *p;
		for (; *p == '*' || g_ascii_isdigit(*p) || *p == '.'; p++) {
			stars += *p == '*';
			if (k < sizeof spec - 8)
				spec[k++] = *p;
		}
		for (; *p != '\0' && strchr("hlLqjzt", *p) != NULL; p++) {
			length = *p == 'l' && length == 'l' ? 'q' : *p;
			if (k < sizeof spec - 4)
				spec[k++] = *p;
		}
		conv = *p;
		if (conv == '\0')
			break;
		p++;
		spec[k++] = conv;
		spec[k] = '\0';
		start = g->len;
		one_conversion(g, spec, stars, length, conv, &aq);
		if (strchr("eEfFgGaA", conv) != NULL)
			localise_number(g, start, 1, grouped, dec, grp);
		else if (grouped && strchr("diu", conv) != NULL)
			localise_number(g, start, 0, 1, dec, grp);
	}
	va_end(aq);
	n = (int)g->len;
	if (size > 0) {
		size_t m = g->len < size ? g->len : size - 1;
		memcpy(buf, g->str, m);
		buf[m] = '\0';
	}
	g_string_free(g, TRUE);
	return n;
}

#pragma GCC diagnostic pop

int i18n_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = i18n_vformat(buf, size, i18n_language(), fmt, ap);
	va_end(ap);
	return n;
}

int i18n_fprintf(FILE *f, const char *fmt, ...)
{
	char buf[I18N_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = i18n_vformat(buf, sizeof buf, i18n_language(), fmt, ap);
	va_end(ap);
	fputs(buf, f);
	return n;
}

const char *i18n_language(void)
{
	return cat.data != NULL ? cat.language : "en";
}

void i18n_shutdown(void)
{
	g_free(cat.data);
	memset(&cat, 0, sizeof cat);
}
