/* diag.c - the single way out of every message; see diag.h. Messages are written whole with
 * one fprintf so that lines from parallel letter workers never interleave mid-line. */
#include "diag.h"

#include "i18n.h"
#include "msg.h"

#include <glib.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

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

void diag_init(struct diag *d)
{
	memset(d, 0, sizeof *d);
}

void diag_say(struct diag *d, const char *file, long line, enum diag_level level, const char *id,
	      char *msg)
{
	char where[1024] = "", tag[DIAG_ID_TAG_MAX] = "";

	if (d->muted)
		return;
	d->counts[level]++;
	if ((level == DIAG_NOTE && d->quiet) || (d->silent && level < DIAG_ERROR))
		return;
	one_line(msg);
	if (level >= DIAG_ERROR)
		snprintf(d->last_error, sizeof d->last_error, "%s", msg);
	if (d->silent)
		return;
	if (d->show_ids && id != NULL)
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

void diag_set_ids(struct diag *d, int show)
{
	d->show_ids = show;
}

int diag_count(const struct diag *d, enum diag_level level)
{
	return d->counts[level];
}

int diag_status(const struct diag *d)
{
	if (d->counts[DIAG_SYSTEM] > 0)
		return EXIT_SYSTEM;
	if (d->counts[DIAG_ERROR] > 0)
		return EXIT_INVALID;
	return EXIT_OK;
}

void diag_reset(struct diag *d)
{
	memset(d->counts, 0, sizeof d->counts);
	d->last_error[0] = '\0';
}

void diag_set_muted(struct diag *d, int m)
{
	d->muted = m;
}

int diag_muted(const struct diag *d)
{
	return d->muted;
}

/* Whether key is new to the processes sharing table (and claims it then): 1 when new or
 * when the table is full, 0 when another process (or this one) said it already. The
 * key is its FNV-1a hash, never 0; two keys sharing 64 bits would lose a note. */
static int shared_once(struct diag_shared *table, const char *key)
{
	unsigned long long h = 14695981039346656037ULL;

	for (const unsigned char *c = (const unsigned char *)key; *c != '\0'; c++)
		h = (h ^ *c) * 1099511628211ULL;
	h |= 1;
	for (unsigned i = 0; i < DIAG_SHARED_ONCE; i++) {
		_Atomic unsigned long long *slot = &table->keys[(h + i) % DIAG_SHARED_ONCE];
		unsigned long long was = 0;
		if (atomic_compare_exchange_strong(slot, &was, h))
			return 1;
		if (was == h)
			return 0;
	}
	return 1;
}

int diag_once(struct diag *d, const char *key)
{
	if (d->muted)
		return 0;
	for (int i = 0; i < d->nonce; i++)
		if (strcmp(d->once[i], key) == 0)
			return 0;
	if (d->nonce < DIAG_ONCE_MAX && strlen(key) < DIAG_ONCE_KEY)
		strcpy(d->once[d->nonce++], key);
	return d->shared == NULL || shared_once(d->shared, key);
}

void diag_share_once(struct diag *d, struct diag_shared *shared)
{
	d->shared = shared;
}

int diag_note_input(struct diag *d, dev_t dev, ino_t ino)
{
	if (diag_is_input(d, dev, ino))
		return 1;
	if (d->ninputs >= DIAG_INPUTS_MAX)
		return 0;
	d->inputs[d->ninputs].dev = dev;
	d->inputs[d->ninputs++].ino = ino;
	return 1;
}

int diag_is_input(const struct diag *d, dev_t dev, ino_t ino)
{
	for (int i = 0; i < d->ninputs; i++)
		if (d->inputs[i].dev == dev && d->inputs[i].ino == ino)
			return 1;
	return 0;
}

void diag_add_inputs(struct diag *to, const struct diag *from)
{
	for (int i = 0; i < from->ninputs; i++)
		diag_note_input(to, from->inputs[i].dev, from->inputs[i].ino);
}

void diag_set_silent(struct diag *d, int s)
{
	d->silent = s;
}

const char *diag_last_error(const struct diag *d)
{
	return d->last_error;
}

void diag_set_quiet(struct diag *d, int q)
{
	d->quiet = q;
}
