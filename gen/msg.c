/* msg.c - the table of messages and the function that says one; see msg.h. */
#include "msg.h"

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

const struct msg_info msg_table[MSG_COUNT] = {
#define MSG(id, level, text) [MSG_##id] = {#id, DIAG_##level, text, NULL},
#define NP_(one, many) one, many
#define MSGN(id, level, texts) [MSG_##id] = {#id, DIAG_##level, texts},
#include "msg.def"
#undef MSG
#undef MSGN
#undef NP_
};

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

int msg_vformat(char *buf, size_t size, const char *language, const char *fmt, va_list ap)
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

/* Formats text (translated) with ap into out, marking a cut. */
static void format_into(char out[MSG_TEXT_MAX], const char *text, va_list ap)
{
	int n = msg_vformat(out, MSG_TEXT_MAX, i18n_language(), text, ap);

	if (n >= MSG_TEXT_MAX)
		memcpy(out + MSG_TEXT_MAX - 5, "...", 4);
}

void msg_v(const char *file, long line, enum msg_id id, va_list ap)
{
	char text[MSG_TEXT_MAX];

	if (diag_muted())
		return;
	format_into(text, _(msg_table[id].text), ap);
	diag_say(file, line, msg_table[id].level, msg_table[id].name, text);
}

void msg_at(const char *file, long line, enum msg_id id, const char *fmt, ...)
{
	va_list ap;

	(void)fmt; /* the same text as the table's, given for the compiler's checks */
	va_start(ap, fmt);
	msg_v(file, line, id, ap);
	va_end(ap);
}

void msgn_at(const char *file, long line, enum msg_id id, unsigned long n, const char *fmt, ...)
{
	char text[MSG_TEXT_MAX];
	const struct msg_info *m = &msg_table[id];
	va_list ap;

	(void)fmt;
	if (diag_muted())
		return;
	va_start(ap, fmt);
	format_into(text, m->plural != NULL ? P_(m->text, m->plural, n) : _(m->text), ap);
	va_end(ap);
	diag_say(file, line, m->level, m->name, text);
}

void msg_format_at(struct msg_text *t, enum msg_id id, const char *fmt, ...)
{
	va_list ap;

	(void)fmt;
	t->id = id;
	va_start(ap, fmt);
	format_into(t->text, _(msg_table[id].text), ap);
	va_end(ap);
}

void msg_v_format(struct msg_text *t, va_list ap)
{
	format_into(t->text, _(msg_table[t->id].text), ap);
}

void msg_put(const char *file, long line, const struct msg_text *t)
{
	char text[MSG_TEXT_MAX];

	if (diag_muted())
		return;
	memcpy(text, t->text, sizeof text);
	diag_say(file, line, msg_table[t->id].level, msg_table[t->id].name, text);
}

void msg_list(FILE *out)
{
	int translated = strcmp(i18n_language(), "en") != 0;

	for (int i = 0; i < MSG_COUNT; i++) {
		const struct msg_info *m = &msg_table[i];
		fprintf(out, "%s\t%s\t%s", m->name, diag_level_name(m->level), m->text);
		if (m->plural != NULL)
			fprintf(out, " | %s", m->plural);
		if (translated)
			fprintf(out, "\t%s", _(m->text));
		fputc('\n', out);
	}
}
