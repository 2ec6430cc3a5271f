/* msg.c - the table of messages and the function that says one; see msg.h. */
#include "msg.h"

#include <glib.h>
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

/* Formats text (translated) with ap into out, marking a cut. */
static void format_into(char out[MSG_TEXT_MAX], const char *text, va_list ap)
{
	int n = i18n_vformat(out, MSG_TEXT_MAX, i18n_language(), text, ap);

	if (n >= MSG_TEXT_MAX)
		memcpy(out + MSG_TEXT_MAX - 5, "...", 4);
}

/* Says message id in the words text (its translation, in the form its number calls
 * for) with ap: not even formatted while messages are dropped. */
static void say_v(struct diag *d, const char *file, long line, enum msg_id id, const char *text,
		  va_list ap)
{
	char out[MSG_TEXT_MAX];

	if (diag_muted(d))
		return;
	format_into(out, text, ap);
	diag_say(d, file, line, msg_table[id].level, msg_table[id].name, out);
}

void msg_v(struct diag *d, const char *file, long line, enum msg_id id, va_list ap)
{
	say_v(d, file, line, id, _(msg_table[id].text), ap);
}

void msg_at(struct diag *d, const char *file, long line, enum msg_id id, const char *fmt, ...)
{
	va_list ap;

	(void)fmt; /* the same text as the table's, given for the compiler's checks */
	va_start(ap, fmt);
	msg_v(d, file, line, id, ap);
	va_end(ap);
}

void msgn_at(struct diag *d, const char *file, long line, enum msg_id id, unsigned long n,
	     const char *fmt, ...)
{
	const struct msg_info *m = &msg_table[id];
	va_list ap;

	(void)fmt;
	va_start(ap, fmt);
	say_v(d, file, line, id, m->plural != NULL ? P_(m->text, m->plural, n) : _(m->text), ap);
	va_end(ap);
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

void msg_put(struct diag *d, const char *file, long line, const struct msg_text *t)
{
	char text[MSG_TEXT_MAX];

	if (diag_muted(d))
		return;
	memcpy(text, t->text, sizeof text);
	diag_say(d, file, line, msg_table[t->id].level, msg_table[t->id].name, text);
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
