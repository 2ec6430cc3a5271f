/* diag.c - the single way out of every message; see diag.h. Messages are written whole with
 * one fprintf so that lines from parallel letter workers never interleave mid-line. */
#include "diag.h"

#include "i18n.h"
#include "msg.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

static int counts[DIAG_USAGE + 1];
static int quiet, silent, muted, show_ids;

/* The level words, translated when printed ("lỗi", "cảnh báo", "ghi chú"). */
static const char *const level_names[] = {
	[DIAG_NOTE] = N_("note"),   [DIAG_WARNING] = N_("warning"),
	[DIAG_ERROR] = N_("error"), [DIAG_SYSTEM] = N_("error"),
	[DIAG_USAGE] = NULL, /* said without a level, as getopt's messages are */
};

/* The level words of the message table's listing (msg_list), never translated: they are
 * the table's, as the ids are. */
static const char *const level_keys[] = {
	[DIAG_NOTE] = "note",     [DIAG_WARNING] = "warning", [DIAG_ERROR] = "error",
	[DIAG_SYSTEM] = "system", [DIAG_USAGE] = "usage",
};

static char last_error[MSG_TEXT_MAX];

/* " [ID]" after a message (diag_set_ids): the ids of msg.def are short names. */
#define DIAG_ID_TAG_MAX 80

/* Makes s one line of valid UTF-8, in place: messages quote the input (an attribute
 * with a line break or a tab in it, an excerpt cut at a byte count, a file name), and a
 * message must stay one line that any terminal and log shows. Control characters become
 * spaces; bytes that are not UTF-8 (the half of a character an excerpt cut) are left
 * out. */
static void one_line(char *s)
{
	char *out = s;
	const char *p = s;
	size_t left = strlen(s);

	while (left > 0) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x80) {
			*out++ = c < 0x20 || c == 0x7F ? ' ' : (char)c;
			p++;
			left--;
			continue;
		}
		gunichar u = g_utf8_get_char_validated(p, (gssize)left);
		if (u == (gunichar)-1 || u == (gunichar)-2) {
			p++; /* not UTF-8: dropped */
			left--;
			continue;
		}
		size_t n = (size_t)(g_utf8_next_char(p) - p);
		if (u >= 0x80 && u <= 0x9F) /* C1 controls */
			*out++ = ' ';
		else {
			memmove(out, p, n);
			out += n;
		}
		p += n;
		left -= n;
	}
	*out = '\0';
}

void diag_say(const char *file, long line, enum diag_level level, const char *id, char *msg)
{
	char where[1024] = "", tag[DIAG_ID_TAG_MAX] = "";

	if (muted)
		return;
	counts[level]++;
	if ((level == DIAG_NOTE && quiet) || (silent && level < DIAG_ERROR))
		return;
	one_line(msg);
	if (level >= DIAG_ERROR)
		snprintf(last_error, sizeof last_error, "%s", msg);
	if (silent)
		return;
	if (show_ids && id != NULL)
		snprintf(tag, sizeof tag, " [%s]", id);
	if (level == DIAG_USAGE) {
		fprintf(stderr, "vbgen: %s%s\n", msg, tag);
		return;
	}
	if (file != NULL && line > 0)
		snprintf(where, sizeof where, "%s:%ld: ", file, line);
	else if (file != NULL)
		snprintf(where, sizeof where, "%s: ", file);
	one_line(where);
	fprintf(stderr, "vbgen: %s%s: %s%s\n", where, _(level_names[level]), msg, tag);
}

const char *diag_level_name(enum diag_level level)
{
	return level_keys[level];
}

void diag_set_ids(int show)
{
	show_ids = show;
}

int diag_count(enum diag_level level)
{
	return counts[level];
}

int diag_status(void)
{
	if (counts[DIAG_SYSTEM] > 0)
		return EXIT_SYSTEM;
	if (counts[DIAG_ERROR] > 0)
		return EXIT_INVALID;
	return EXIT_OK;
}

void diag_reset(void)
{
	memset(counts, 0, sizeof counts);
	last_error[0] = '\0';
}

void diag_set_muted(int m)
{
	muted = m;
}

int diag_muted(void)
{
	return muted;
}

void diag_set_silent(int s)
{
	silent = s;
}

const char *diag_last_error(void)
{
	return last_error;
}

void diag_set_quiet(int q)
{
	quiet = q;
}
