/* csv.c - the tables of an expanded document as CSV; see csv.h.
 *
 * Reads the BLOCK_TABLEs of the doc, not the plan: the CSV then holds exactly the texts
 * the PDF prints (agency names resolved, deadlines worded, numbers as numbered), in the
 * template's columns. Group rows become a column of their own, so that a spreadsheet can
 * sort and filter the tasks without losing the section each belongs to. */
#include "csv.h"

#include "diag.h"
#include "i18n.h"
#include "msg.h"
#include "out.h"

#include <string.h>

/* Writes one field, quoted when RFC 4180 asks (a comma, a quote, a line break) or when
 * it starts or ends with a space, which spreadsheet programs would otherwise trim. */
static void field(FILE *out, const char *s, int len, int first)
{
	int quote = len > 0 && (s[0] == ' ' || s[len - 1] == ' ');

	if (!first)
		fputc(',', out);
	for (int i = 0; i < len && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
	if (!quote) {
		fwrite(s, 1, (size_t)len, out);
		return;
	}
	fputc('"', out);
	for (int i = 0; i < len; i++) {
		if (s[i] == '"')
			fputc('"', out);
		fputc(s[i], out);
	}
	fputc('"', out);
}

static void cell(FILE *out, const doc_block *c, int first)
{
	if (c != NULL && c->text != NULL)
		field(out, c->text, c->text_len, first);
	else
		field(out, "", 0, first);
}

/* The group column: the texts of the group rows a record lies in, outermost first, joined
 * with this (group rows with a level); else the text of the last group row above it. */
#define CSV_GROUP_SEP " > "

/* One table: the caption line, then one record per row that is neither a header nor a
 * group row, with its groups first. */
static void write_table(FILE *out, const doc_block *t)
{
	const doc_block *group = NULL, *path[DOC_GROUP_LEVELS + 1] = {NULL};
	GString *joined = g_string_new(NULL);
	int depth = 0;

	field(out, t->group_caption != NULL ? t->group_caption : "",
	      t->group_caption != NULL ? (int)strlen(t->group_caption) : 0, 1);
	for (int k = 0; k < t->tcols; k++) {
		const char *cap = t->columns[k].caption != NULL ? t->columns[k].caption : "";
		field(out, cap, (int)strlen(cap), 0);
	}
	fputs("\r\n", out);
	for (int r = 0; r < t->nrows; r++) {
		const doc_row *row = &t->rows[r];
		if (row->header)
			continue;
		if (row->group) {
			group = row->cells[0];
			if (row->level > 0 && row->level <= DOC_GROUP_LEVELS) {
				path[row->level] = group;
				depth = row->level;
			} else
				depth = 0;
			continue;
		}
		if (depth > 0) {
			g_string_truncate(joined, 0);
			for (int l = 1; l <= depth; l++) {
				if (path[l] == NULL || path[l]->text == NULL)
					continue;
				if (joined->len > 0)
					g_string_append(joined, CSV_GROUP_SEP);
				g_string_append_len(joined, path[l]->text, path[l]->text_len);
			}
			field(out, joined->str, (int)joined->len, 1);
		} else
			cell(out, group, 1);
		for (int k = 0; k < t->tcols; k++)
			cell(out, row->cells[k], 0);
		fputs("\r\n", out);
	}
	g_string_free(joined, TRUE);
}

int csv_write(struct diag *diag, const doc *d, const char *path)
{
	char *tmp = NULL;
	FILE *out;
	int tables = 0;

	for (const doc_block *b = d->first; b != NULL; b = b->next)
		tables += b->kind == BLOCK_TABLE;
	if (tables == 0) {
		msg(diag, path, 0, MSG_CSV_DOCUMENT_TABLE_CSV);
		return EXIT_INVALID;
	}
	out = out_open(diag, path, &tmp);
	if (out == NULL)
		return EXIT_SYSTEM;
	fputs("\xEF\xBB\xBF", out); /* the byte-order mark: UTF-8, say it to spreadsheets */
	tables = 0;
	for (const doc_block *b = d->first; b != NULL; b = b->next) {
		if (b->kind != BLOCK_TABLE)
			continue;
		if (tables++ > 0)
			fputs("\r\n", out);
		write_table(out, b);
	}
	return out_commit(diag, out, tmp, path);
}
