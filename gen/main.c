/* main.c - the vbgen command: options, subcommands, exit statuses.
 *
 * Each subcommand reads the plan (plan.c), checks its meaning (check.c) and then hands it
 * to the stage that makes its documents. Nothing is written unless the plan is valid. */
#include "check.h"
#include "cover.h"
#include "csv.h"
#include "diag.h"
#include "docx.h"
#include "fonts.h"
#include "i18n.h"
#include "msg.h"
#include "kinds.h"
#include "letters.h"
#include "out.h"
#include "paths.h"
#include "pdf.h"
#include "produce.h"
#include "plan.h"
#include "sign.h"
#include "template.h"
#include "xmlread.h"
#include "xpath.h"

#include <getopt.h>
#include <stdarg.h>
#include <libxml/parser.h>
#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef VBGEN_VERSION
#define VBGEN_VERSION "0.0"
#endif

/* --help: the head, a line per kind of document (kinds.c), the rest. */
static const char *const usage_head =
	N_("Usage: vbgen COMMAND [OPTIONS] PLAN.xml\n"
	   "\n"
	   "Typesets a Vietnamese plan (Kế hoạch) and its documents from one XML plan file,\n"
	   "laid out to Decree 30/2020/NĐ-CP.\n"
	   "\n"
	   "Commands:\n"
	   "  check      check the plan file and say what is wrong with it, line by line\n");

static const char *const usage_text =
	N_("  all        write every document into a folder (-o DIR)\n"
	   "  sign       sign documents vbgen made (ký số): 'vbgen sign --help' for its options\n"
	   "\n"
	   "Options:\n"
	   "  -o, --output PATH      where to write: a file for plan and appendix (default:\n"
	   "                         PLAN.pdf, PLAN-phu-luc.pdf; - for standard output), a\n"
	   "                         folder for letters and all (default: letters, out)\n"
	   "      --format F         plan, appendix, letters: pdf, or docx for a Word file to\n"
	   "                         revise (default: docx when -o ends in .docx, else pdf)\n"
	   "      --docx             all: also write plan.docx, appendix.docx and\n"
	   "                         letters/ID.docx beside the PDFs\n"
	   "      --no-appendix      plan: leave the appendix pages out\n"
	   "      --csv FILE         appendix: also write the table as CSV (UTF-8; - for\n"
	   "                         standard output)\n"
	   "      --print FILE       letters: also write one file of all letters for printing\n"
	   "      --agency ID        letters: only this agency (may be repeated)\n"
	   "      --copies N         letters: copies of each letter in the print file (default 2)\n"
	   "      --duplex           letters: start every copy on a new sheet\n"
	   "  -j, --jobs N           letters: work on N letters at once (default: all cores)\n"
	   "      --templates DIR    use the templates in DIR instead of the bundled ones\n"
	   "      --dump layout      print the laid-out pages as text on standard output;\n"
	   "                         no PDF or other file is written\n"
	   "      --png DIR          also write page previews as PNG images into DIR\n"
	   "  -q, --quiet            print only warnings and errors\n"
	   "      --lang L           the language of the messages: vi (tiếng Việt) or en\n"
	   "                         (default: from LANGUAGE, LC_ALL, LC_MESSAGES, LANG)\n"
	   "  -h, --help             show this help\n"
	   "  -V, --version          show the version\n"
	   "      --list-messages    list every message vbgen says, a line each: its id,\n"
	   "                         its level and its English text (and the translation)\n"
	   "\n"
	   "With VBGEN_MSGID=1 in the environment, each message ends with its id, such as\n"
	   "[CHECK_EMPTY_ID], the same in every language: look it up with --list-messages.\n"
	   "Exit status: 0 success (warnings allowed), 1 the plan file has problems,\n"
	   "2 the command line is wrong, 3 a problem of the computer (a file cannot be\n"
	   "written, a font is missing).\n");
_Static_assert(LETTERS_COPIES_DEFAULT == 2, "usage_text says --copies is 2 by default");

enum {
	OPT_NO_APPENDIX = 256,
	OPT_LIST_MESSAGES,
	OPT_CSV,
	OPT_PRINT,
	OPT_AGENCY,
	OPT_COPIES,
	OPT_DUPLEX,
	OPT_TEMPLATES,
	OPT_DUMP,
	OPT_PNG,
	OPT_FORMAT,
	OPT_DOCX,
	OPT_LANG /* read by choose_language(diag, ) before the other options */
};

static const struct option long_options[] = {
	{"output", required_argument, NULL, 'o'},
	{"no-appendix", no_argument, NULL, OPT_NO_APPENDIX},
	{"csv", required_argument, NULL, OPT_CSV},
	{"print", required_argument, NULL, OPT_PRINT},
	{"agency", required_argument, NULL, OPT_AGENCY},
	{"copies", required_argument, NULL, OPT_COPIES},
	{"duplex", no_argument, NULL, OPT_DUPLEX},
	{"jobs", required_argument, NULL, 'j'},
	{"templates", required_argument, NULL, OPT_TEMPLATES},
	{"dump", required_argument, NULL, OPT_DUMP},
	{"png", required_argument, NULL, OPT_PNG},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"docx", no_argument, NULL, OPT_DOCX},
	{"lang", required_argument, NULL, OPT_LANG},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{"list-messages", no_argument, NULL, OPT_LIST_MESSAGES},
	{NULL, 0, NULL, 0},
};

/* What the command line asked for. */
struct opts {
	const char *output;
	int no_appendix;
	const char *csv;
	const char *print;
	GPtrArray *agencies;
	int copies;
	int duplex;
	int jobs;
	const char *dump;
	const char *png;
	int quiet; /* -q: only warnings and errors */
	/* output format: --format pdf|docx (NULL: from the suffix of -o); word: the document
	 * is written as a Word file instead of PDF; docx: all --docx; also_docx: a Word file
	 * to write beside the PDF */
	const char *format;
	int word;
	int docx;
	const char *also_docx;
};

/* Says a mistake of the command line, message id (a USAGE one), and where to read how
 * to write it. Returns EXIT_USAGE. fmt is the id's text, for the compiler's checks: call
 * usage_error(diag, ) (sign_usage_error(diag, ) for vbgen sign), msg.h. */
static int usage_error_at(struct diag *diag, const char *again, enum msg_id id, const char *fmt,
			  ...) __attribute__((format(printf, 4, 5)));
#define usage_error(diag, id, ...)                                                                 \
	usage_error_at(diag, _("try 'vbgen --help'"), id, id##_FMT, ##__VA_ARGS__)
#define sign_usage_error(diag, id, ...)                                                            \
	usage_error_at(diag, _("try 'vbgen sign --help'"), id, id##_FMT, ##__VA_ARGS__)

static int usage_error_at(struct diag *diag, const char *again, enum msg_id id, const char *fmt,
			  ...)
{
	va_list ap;

	(void)fmt;
	va_start(ap, fmt);
	msg_v(diag, NULL, 0, id, ap);
	va_end(ap);
	fprintf(stderr, "vbgen: %s\n", again);
	return EXIT_USAGE;
}

/* Reads and checks a plan. Returns EXIT_OK with *out set, or the failing status. */
static int load(struct diag *diag, const char *path, plan **out)
{
	int status = plan_read(diag, path, out);

	if (*out != NULL)
		check_plan(diag, *out);
	/* the characters against the fonts, once the plan means something: a character
	 * the font lacks is the plan's mistake at its line, found by check too */
	if (*out != NULL && diag_status(diag) == EXIT_OK)
		cover_check(diag, *out);
	status = diag_status(diag) > status ? diag_status(diag) : status;
	if (status != EXIT_OK) {
		plan_free(*out);
		*out = NULL;
	}
	return status;
}

/* load(diag, ) for the commands that write documents: a plan with problems is said to have
 * made nothing. */
static int load_to_write(struct diag *diag, const char *path, plan **out)
{
	int status = load(diag, path, out);

	if (status == EXIT_SYSTEM && diag_count(diag, DIAG_ERROR) == 0)
		fprintf(stderr, _("vbgen: %s: the plan could not be read; nothing was written\n"),
			path);
	else if (status != EXIT_OK)
		fprintf(stderr, _("vbgen: %s: the plan has problems; nothing was written\n"), path);
	return status;
}

/* A number with its noun ("12 agencies"), translated, into buf of COUNT_MAX bytes. */
#define COUNT_MAX 96
#define counted(buf, fmt, n) i18n_snprintf(buf, COUNT_MAX, fmt, n)

static int cmd_check(struct diag *diag, const char *path)
{
	plan *p;
	check_counts c;
	char sections[COUNT_MAX], appendices[COUNT_MAX], tasks[COUNT_MAX], agencies[COUNT_MAX],
		groups[COUNT_MAX], letters[COUNT_MAX];
	int status = load(diag, path, &p);

	if (status == EXIT_SYSTEM && diag_count(diag, DIAG_ERROR) == 0) {
		fprintf(stderr,
			_("vbgen: %s: the plan could not be checked, for the computer's reason "
			  "said "
			  "above: put that right and check it again\n"),
			path);
		return status;
	}
	if (status != EXIT_OK) {
		int n = diag_count(diag, DIAG_ERROR) + diag_count(diag, DIAG_SYSTEM);
		i18n_fprintf(
			stderr,
			P_("vbgen: %s: %'d problem found: correct the file and check it again\n",
			   "vbgen: %s: %'d problems found: correct the file and check it again\n",
			   (unsigned long)n),
			path, n);
		return status;
	}
	check_count(p, &c);
	/* one count after the other: each has its own plural */
	counted(sections, P_("%'d section", "%'d sections", c.sections), c.sections);
	counted(appendices, P_("%'d appendix", "%'d appendixes", c.appendices), c.appendices);
	counted(tasks, P_("%'d task", "%'d tasks", c.tasks), c.tasks);
	counted(agencies, P_("%'d agency", "%'d agencies", c.agencies), c.agencies);
	counted(groups, P_("%'d group", "%'d groups", c.groups), c.groups);
	counted(letters, P_("%'d commitment letter", "%'d commitment letters", c.letters),
		c.letters);
	/* TRANSLATORS: the counts are "5 sections", "1 appendix", "20 tasks", "12 agencies",
	 * "3 groups", "12 commitment letters", in this order */
	printf(_("%s: valid plan: %s (%d main), %s with %s, %s in %s; %s will be produced\n"), path,
	       sections, c.top, appendices, tasks, agencies, groups, letters);
	plan_free(p);
	return EXIT_OK;
}

/* The default output name: the plan's file name with ext instead of .xml (in any
 * case), in the current folder. */
static char *default_output(const char *plan_path, const char *ext)
{
	char *base = g_path_get_basename(plan_path), *dot = strrchr(base, '.');
	char *out;

	/* plan.XML as saved by some programs: plan.pdf, not plan.XML.pdf */
	if (dot != NULL && g_ascii_strcasecmp(dot, ".xml") == 0)
		*dot = '\0';
	out = g_strconcat(base, ext, NULL);
	g_free(base);
	return out;
}

/* The commands of the kinds (kinds.c) for a message: "plan, appendix and letters" with
 * last " and ". A new string (g_free). */
static char *list_commands(const char *last)
{
	GString *g = g_string_new(NULL);

	for (const kind *k = kinds; k->command != NULL; k++)
		g_string_append_printf(g, "%s%s",
				       k == kinds             ? ""
				       : k[1].command == NULL ? last
							      : ", ",
				       k->command);
	return g_string_free(g, FALSE);
}

/* The commands whose table may be written as CSV: "appendix". A new string (g_free). */
static char *csv_commands(void)
{
	GString *g = g_string_new(NULL);

	for (const kind *k = kinds; k->command != NULL; k++)
		if (k->csv)
			g_string_append_printf(g, "%s%s", g->len > 0 ? " or " : "", k->command);
	return g_string_free(g, FALSE);
}

/* Where an option does something. An option given to a command it does nothing for
 * would be silently lost (plan --print FILE writes no print file, letters --png DIR no
 * preview, check -o FILE nothing), so it is refused by option_misplaced() below. */
enum option_goes {
	GOES_WRITING,  /* every command that writes: not check */
	GOES_DOCUMENT, /* a kind made once (plan, appendix) */
	GOES_PREVIEW,  /* a kind made once, and all (its plan and appendix) */
	GOES_EACH,     /* a kind made once per node (letters) */
	GOES_BATCH,    /* a kind made once per node, and all */
};

/* Whether an option of kind g does something for command cmd (kind k, or NULL). */
static int option_goes_with(enum option_goes g, const char *cmd, const kind *k)
{
	int all = strcmp(cmd, "all") == 0;

	switch (g) {
	case GOES_WRITING:
		return strcmp(cmd, "check") != 0;
	case GOES_DOCUMENT:
		return k != NULL && k->each == NULL;
	case GOES_PREVIEW:
		return all || (k != NULL && k->each == NULL);
	case GOES_EACH:
		return k != NULL && k->each != NULL;
	case GOES_BATCH:
		return all || (k != NULL && k->each != NULL);
	}
	return 0;
}

/* The commands an option of kind g goes with: "letters or all". A new string (g_free). */
static char *option_commands(enum option_goes g)
{
	static const char *const others[] = {"all", "check"};
	GPtrArray *names = g_ptr_array_new();
	GString *list = g_string_new(NULL);

	for (const kind *k = kinds; k->command != NULL; k++)
		if (option_goes_with(g, k->command, k))
			g_ptr_array_add(names, (char *)k->command);
	for (size_t i = 0; i < G_N_ELEMENTS(others); i++)
		if (option_goes_with(g, others[i], NULL))
			g_ptr_array_add(names, (char *)others[i]);
	for (guint i = 0; i < names->len; i++)
		g_string_append_printf(list, "%s%s",
				       i == 0                ? ""
				       : i + 1 == names->len ? " or "
							     : ", ",
				       (const char *)g_ptr_array_index(names, i));
	g_ptr_array_free(names, TRUE);
	return g_string_free(list, FALSE);
}

/* Refuses an option given to a command it does nothing for (see enum option_goes), and
 * --copies or --duplex to letters without the --print file they shape. Returns EXIT_OK
 * or EXIT_USAGE. */
static int option_misplaced(struct diag *diag, const char *cmd, const kind *k, const struct opts *o)
{
	const struct {
		const char *name;
		int given;
		enum option_goes goes;
	} opt[] = {
		{"-o", o->output != NULL, GOES_WRITING},
		{"--dump", o->dump != NULL, GOES_WRITING},
		{"--png", o->png != NULL, GOES_PREVIEW},
		{"--no-appendix", o->no_appendix, GOES_DOCUMENT},
		{"--print", o->print != NULL, GOES_EACH},
		{"--agency", o->agencies != NULL, GOES_BATCH},
		{"--copies", o->copies > 0, GOES_BATCH},
		{"--duplex", o->duplex, GOES_BATCH},
		{"-j", o->jobs > 0, GOES_BATCH},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(opt); i++) {
		int status;
		char *which;
		if (!opt[i].given || option_goes_with(opt[i].goes, cmd, k))
			continue;
		which = option_commands(opt[i].goes);
		status = usage_error(diag, MSG_USAGE_OPTION_GOES_WITH, opt[i].name, which, cmd);
		g_free(which);
		return status;
	}
	/* the print file's copies: letters write one only with --print (all always does) */
	if (k != NULL && k->each != NULL && o->print == NULL && (o->copies > 0 || o->duplex))
		return usage_error(diag, MSG_USAGE_OPTION_NEEDS_PRINT,
				   o->copies > 0 ? "--copies" : "--duplex");
	return EXIT_OK;
}

/* Makes one document of kind k: expansion, then produce() (layout, PDF, Word, CSV,
 * previews or dump). With last, this is the plan's last use: *pp is freed (and set to
 * NULL) once the document is expanded, which needs nothing of it (doc.h), so that a long
 * plan's tree and the pages made of it are not held at once. */
static int make_document(struct diag *diag, plan **pp, const kind *k, const struct opts *o,
			 const char *output, int last)
{
	plan *p = *pp;
	template *t = template_load(diag, k->template);
	xmlXPathContextPtr ctx = NULL;
	doc *d = NULL;
	fonts *f = NULL;
	produce_opts po = {0};
	char *stem = NULL;
	int status = EXIT_SYSTEM, pages;

	if (t == NULL)
		return diag_status(diag) != EXIT_OK ? diag_status(diag) : EXIT_SYSTEM;
	ctx = xpath_new(p);
	xmlXPathRegisterVariable(ctx, BAD_CAST "with-appendix",
				 xmlXPathNewBoolean(!o->no_appendix));
	d = template_expand(diag, t, ctx, NULL);
	if (last) {
		xpath_free(ctx);
		ctx = NULL;
		plan_free(p);
		*pp = NULL;
	}
	if (d == NULL) {
		status = diag_status(diag) != EXIT_OK ? diag_status(diag) : EXIT_INVALID;
		goto done;
	}
	f = fonts_open(diag);
	if (f == NULL)
		goto done;
	po.dump = o->dump != NULL;
	po.report = !o->quiet;
	if (o->word)
		po.docx = output;
	else {
		po.pdf = output;
		po.docx = o->also_docx; /* the same document as a Word file too (all --docx) */
	}
	/* --csv (appendix only, main() sees to it): the same table, from the same doc */
	po.csv = o->csv;
	if (o->png != NULL) {
		char *dot;
		/* the previews of a document sent to standard output: PLAN-1.png, ... */
		stem = out_is_stdout(output) ? g_strdup(k->command) : g_path_get_basename(output);
		if ((dot = strrchr(stem, '.')) != NULL)
			*dot = '\0';
		po.png = o->png;
		po.png_stem = stem;
	}
	status = produce(diag, f, d, &po, &pages);
done:
	g_free(stem);
	fonts_free(f);
	doc_free(d);
	if (ctx != NULL)
		xpath_free(ctx);
	template_free(t);
	return status;
}

/* Whether file names a Word file (.docx, any case). */
static int is_docx_name(const char *file)
{
	size_t n = strlen(file);

	return n >= 5 && g_ascii_strcasecmp(file + n - 5, ".docx") == 0;
}

/* The output format of plan and appendix: --format, else the suffix of -o. Returns
 * EXIT_OK, or EXIT_USAGE when the two disagree. */
static int document_format(struct diag *diag, struct opts *o)
{
	size_t n = o->output != NULL ? strlen(o->output) : 0;
	int pdf_name = n >= 4 && g_ascii_strcasecmp(o->output + n - 4, ".pdf") == 0;

	if (o->format == NULL) {
		o->word = o->output != NULL && is_docx_name(o->output);
		return EXIT_OK;
	}
	o->word = strcmp(o->format, "docx") == 0;
	if (o->word && pdf_name)
		return usage_error(diag, MSG_USAGE_FORMAT_DOCX_WRITES, o->output);
	if (!o->word && o->output != NULL && is_docx_name(o->output))
		return usage_error(diag, MSG_USAGE_FORMAT_PDF_WRITES, o->output);
	return EXIT_OK;
}

/* Whether the plan has what kind k is made from. */
static int has_source(const plan *p, const kind *k)
{
	return k->requires == NULL || plan_child(xmlDocGetRootElement(p->doc), k->requires) != NULL;
}

/* Whether standard output is the file path names (vbgen appendix -o - --csv a.csv >
 * a.csv): the CSV would be renamed over what was written to standard output. */
static int stdout_is(const char *path)
{
	struct stat so, sp;

	return fstat(STDOUT_FILENO, &so) == 0 && S_ISREG(so.st_mode) && stat(path, &sp) == 0 &&
	       so.st_dev == sp.st_dev && so.st_ino == sp.st_ino;
}

static int cmd_document(struct diag *diag, const char *path, const kind *k,
			const struct opts *given)
{
	plan *p;
	struct opts wo = *given, *o = &wo;
	int status = document_format(diag, o);
	const char *ext = k->suffix;
	char *output, *word_ext = NULL;

	if (status != EXIT_OK)
		return status;
	status = load_to_write(diag, path, &p);
	if (status != EXIT_OK)
		return status;
	/* PLAN.docx, PLAN-phu-luc.docx: the PDF's default name with the Word suffix */
	if (o->word && g_str_has_suffix(ext, ".pdf")) {
		word_ext = g_strdup_printf("%.*s.docx", (int)(strlen(ext) - 4), ext);
		ext = word_ext;
	}
	if (!has_source(p, k)) {
		msg(diag, path, 0, MSG_KINDS_SOURCE_MISSING, k->requires, _(k->missing));
		plan_free(p);
		g_free(word_ext);
		return EXIT_INVALID;
	}
	output = o->output != NULL ? g_strdup(o->output) : default_output(path, ext);
	/* appendix -o a.pdf --csv a.pdf (or --csv PLAN-phu-luc.pdf, the default -o): the
	 * table would be renamed over the document, which was lost without a word */
	if (o->csv != NULL && !out_is_stdout(o->csv) &&
	    (out_is_stdout(output) ? stdout_is(o->csv) : out_same(output, o->csv)))
		status = usage_error(diag, MSG_USAGE_CSV_SAME_OUTPUT, o->csv);
	else
		status = make_document(diag, &p, k, o, output, 1);
	g_free(output);
	g_free(word_ext);
	plan_free(p);
	return status;
}

static void letters_options(const struct opts *o, letters_opts *lo, const char *dir,
			    const char *print)
{
	memset(lo, 0, sizeof *lo);
	lo->dir = dir;
	lo->print = print;
	lo->only = o->agencies;
	lo->jobs = o->jobs;
	lo->copies = o->copies > 0 ? o->copies : LETTERS_COPIES_DEFAULT;
	lo->duplex = o->duplex;
	lo->dump = o->dump != NULL;
	lo->quiet = o->quiet;
	/* letters --format docx: Word files only; all --docx: both */
	lo->pdf = !o->word;
	lo->docx = o->word || o->docx;
}

static int cmd_letters(struct diag *diag, const char *path, const kind *k, const struct opts *o)
{
	plan *p;
	letters_opts lo;
	struct opts wo = *o;
	int status = load_to_write(diag, path, &p);

	if (status != EXIT_OK)
		return status;
	wo.word = o->format != NULL && strcmp(o->format, "docx") == 0;
	letters_options(&wo, &lo, o->output != NULL ? o->output : k->suffix, o->print);
	status = letters_run(diag, p, k, &lo);
	plan_free(p);
	return status;
}

/* Every document into one folder, kind after kind (kinds.c): plan.pdf, appendix.pdf
 * and appendix.csv, letters/<agency-id>.pdf and letters-print.pdf; with --docx the Word
 * files beside them. A kind whose element the plan lacks is left out with a warning. */
static int cmd_all(struct diag *diag, const char *path, const struct opts *o)
{
	plan *p;
	const char *dir = o->output != NULL ? o->output : "out";
	int status = load_to_write(diag, path, &p);

	if (status != EXIT_OK)
		return status;
	/* --dump writes no file: no folder either */
	if (o->dump == NULL && g_mkdir_with_parents(dir, 0755) != 0) {
		msg(diag, dir, 0, MSG_LETTERS_FOLDER_ANOTHER_PLACE, i18n_strerror(errno));
		plan_free(p);
		return EXIT_SYSTEM;
	}
	for (const kind *k = kinds; k->command != NULL && status == EXIT_OK; k++) {
		char *out, *docx = NULL, *csv = NULL, *print = NULL;
		if (k->in_all == NULL)
			continue;
		if (!has_source(p, k)) {
			msg(diag, path, 0, MSG_KINDS_SOURCE_MISSING_ALL, k->requires,
			    _(k->missing_all));
			continue;
		}
		out = g_strdup_printf("%s/%s", dir, k->in_all);
		if (k->each != NULL) {
			letters_opts lo;
			print = g_strdup_printf("%s/%s", dir, k->print_name);
			letters_options(o, &lo, out, print);
			status = letters_run(diag, p, k, &lo);
		} else {
			struct opts ko = *o;
			ko.no_appendix = 0;
			if (o->docx && g_str_has_suffix(out, ".pdf"))
				ko.also_docx = docx =
					g_strdup_printf("%.*s.docx", (int)(strlen(out) - 4), out);
			if (k->csv && g_str_has_suffix(out, ".pdf"))
				ko.csv = csv =
					g_strdup_printf("%.*s.csv", (int)(strlen(out) - 4), out);
			status = make_document(diag, &p, k, &ko, out, 0);
		}
		g_free(out);
		g_free(docx);
		g_free(csv);
		g_free(print);
	}
	plan_free(p);
	return status;
}

/* ---- vbgen sign: signs PDFs, not plans, so it has its own options (sign.h). */

static const char *const sign_usage =
	N_("Usage: vbgen sign FILE.pdf|DIR --field NAME (--cert FILE.p12 | --pkcs11 MODULE.so\n"
	   "                  [--token LABEL] [--key LABEL]) [--image SIGNATURE.png]\n"
	   "                  [--seal SEAL.png] [--reason TEXT] (-o OUT | --in-place)\n"
	   "\n"
	   "Signs the signing place NAME of a document vbgen made (receiver or head in a\n"
	   "commitment letter, signer or seal in a plan, issuer in an appendix), or of every PDF\n"
	   "in the folder DIR, with one PIN. Earlier signatures stay valid.\n"
	   "\n"
	   "  --field NAME         the signing place to sign\n"
	   "  --cert FILE.p12      the certificate and private key from a PKCS#12 file (.p12,\n"
	   "                       .pfx); its password is asked once\n"
	   "  --pkcs11 MODULE.so   the certificate and key on a USB token, through its module;\n"
	   "                       its PIN is asked once for all files\n"
	   "  --token LABEL        the token to use when several are plugged in\n"
	   "  --key LABEL          the key to use when the token holds several\n"
	   "  --image FILE.png     the signature image (transparent PNG), centred in the place\n"
	   "  --seal FILE.png      the seal image (transparent PNG), at its true size, over the\n"
	   "                       left third of the signature; without images the signer's\n"
	   "                       name, body and signing time are written instead\n"
	   "  --reason TEXT        why it is signed, stored in the signature\n"
	   "  -o, --output OUT     write the signed file there (for a folder: a folder)\n"
	   "      --in-place       replace the files themselves with their signed versions\n"
	   "      --pin-file FILE  read the PIN or password from the first line of FILE\n"
	   "  -q, --quiet          print only warnings and errors\n"
	   "\n"
	   "The PIN is never given on the command line: vbgen asks for it on the terminal, or\n"
	   "reads it from --pin-file FILE or the environment variable VBGEN_PIN.\n"
	   "Exit status: 0 every file signed, 1 a file could not be signed (not a vbgen PDF, no\n"
	   "such field, already signed, a bad image, a wrong PIN), 2 the command line is wrong,\n"
	   "3 a problem of the computer.\n");

enum {
	SIGN_OPT_FIELD = 512,
	SIGN_OPT_CERT,
	SIGN_OPT_PKCS11,
	SIGN_OPT_TOKEN,
	SIGN_OPT_KEY,
	SIGN_OPT_IMAGE,
	SIGN_OPT_SEAL,
	SIGN_OPT_REASON,
	SIGN_OPT_IN_PLACE,
	SIGN_OPT_PIN_FILE,
	SIGN_OPT_PIN,
};

static const struct option sign_options[] = {
	{"field", required_argument, NULL, SIGN_OPT_FIELD},
	{"cert", required_argument, NULL, SIGN_OPT_CERT},
	{"pkcs11", required_argument, NULL, SIGN_OPT_PKCS11},
	{"token", required_argument, NULL, SIGN_OPT_TOKEN},
	{"key", required_argument, NULL, SIGN_OPT_KEY},
	{"image", required_argument, NULL, SIGN_OPT_IMAGE},
	{"seal", required_argument, NULL, SIGN_OPT_SEAL},
	{"reason", required_argument, NULL, SIGN_OPT_REASON},
	{"output", required_argument, NULL, 'o'},
	{"in-place", no_argument, NULL, SIGN_OPT_IN_PLACE},
	{"pin-file", required_argument, NULL, SIGN_OPT_PIN_FILE},
	{"pin", optional_argument, NULL, SIGN_OPT_PIN}, /* only to say why there is none */
	{"lang", required_argument, NULL, OPT_LANG},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* What getopt found wrong with argv[optind - 1], said as glibc's getopt says it (the
 * English is its text, word for word) but translated: getopt itself is silent (opterr = 0
 * and a ':' leading the option letters), as its own messages would follow the C library's
 * locale, not --lang. opt is what getopt_long returned ('?' or ':'). Returns EXIT_USAGE. */
static int option_error(int opt, char **argv, const struct option *longs, const char *again)
{
	const char *arg = argv[optind - 1];
	const struct option *found = NULL;

	if (strncmp(arg, "--", 2) == 0 && optopt != 0)
		for (const struct option *l = longs; l->name != NULL && found == NULL; l++)
			if (l->val == optopt)
				found = l;
	if (opt == ':' && found != NULL)
		fprintf(stderr, _("%s: option '--%s' requires an argument\n"), argv[0],
			found->name);
	else if (opt == ':')
		fprintf(stderr, _("%s: option requires an argument -- '%c'\n"), argv[0], optopt);
	else if (found != NULL)
		fprintf(stderr, _("%s: option '--%s' doesn't allow an argument\n"), argv[0],
			found->name);
	else if (optopt != 0)
		fprintf(stderr, _("%s: invalid option -- '%c'\n"), argv[0], optopt);
	else {
		/* an unknown long option, or the beginning of several */
		size_t n = strcspn(arg + 2, "=");
		int matches = 0;
		for (const struct option *l = longs; l->name != NULL; l++)
			matches += strncmp(l->name, arg + 2, n) == 0;
		if (matches > 1) {
			fprintf(stderr, _("%s: option '%s' is ambiguous; possibilities:"), argv[0],
				arg);
			for (const struct option *l = longs; l->name != NULL; l++)
				if (strncmp(l->name, arg + 2, n) == 0)
					fprintf(stderr, " '--%s'", l->name);
			fputc('\n', stderr);
		} else
			fprintf(stderr, _("%s: unrecognized option '%s'\n"), argv[0], arg);
	}
	fprintf(stderr, "vbgen: %s\n", again);
	return EXIT_USAGE;
}

/* Sets *slot to an option's value, given once. The same option given again with another
 * value is refused (--field head --field receiver signed only 'receiver', -o a.pdf -o
 * b.pdf wrote only b.pdf): vbgen would honour one and silently drop the other. The same
 * value twice does no harm. sign: the usage error of vbgen sign. Returns EXIT_OK or
 * EXIT_USAGE. */
static int set_once(struct diag *diag, const char **slot, const char *name, const char *value,
		    int sign)
{
	if (*slot != NULL && strcmp(*slot, value) != 0)
		return sign ? sign_usage_error(diag, MSG_USAGE_OPTION_TWICE, name, *slot, value)
			    : usage_error(diag, MSG_USAGE_OPTION_TWICE, name, *slot, value);
	*slot = value;
	return EXIT_OK;
}

static int cmd_sign(struct diag *diag, int argc, char **argv, int quiet)
{
	sign_opts so = {0};
	int opt;

	so.quiet = quiet;
	so.d = diag;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:qh", sign_options, NULL)) != -1) {
		switch (opt) {
		case SIGN_OPT_FIELD:
			if (set_once(diag, &so.field, "--field", optarg, 1) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case SIGN_OPT_CERT:
			if (set_once(diag, &so.key.p12, "--cert", optarg, 1) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case SIGN_OPT_PKCS11:
			if (set_once(diag, &so.key.module, "--pkcs11", optarg, 1) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case SIGN_OPT_TOKEN:
			if (set_once(diag, &so.key.token, "--token", optarg, 1) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case SIGN_OPT_KEY:
			if (set_once(diag, &so.key.key_label, "--key", optarg, 1) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case SIGN_OPT_IMAGE:
			if (set_once(diag, &so.image, "--image", optarg, 1) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case SIGN_OPT_SEAL:
			if (set_once(diag, &so.seal, "--seal", optarg, 1) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case SIGN_OPT_REASON:
			if (set_once(diag, &so.reason, "--reason", optarg, 1) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case 'o':
			if (set_once(diag, &so.output, "-o", optarg, 1) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case SIGN_OPT_IN_PLACE:
			so.in_place = 1;
			break;
		case SIGN_OPT_PIN_FILE:
			if (set_once(diag, &so.key.pin_file, "--pin-file", optarg, 1) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case SIGN_OPT_PIN:
			return sign_usage_error(diag, MSG_USAGE_NO_PIN_OPTION);
		case 'q':
			diag_set_quiet(diag, 1);
			so.quiet = 1;
			break;
		case OPT_LANG:
			break;
		case 'h':
			fputs(_(sign_usage), stdout);
			return EXIT_OK;
		default:
			return option_error(opt, argv, sign_options, _("try 'vbgen sign --help'"));
		}
	}
	if (optind >= argc)
		return sign_usage_error(diag, MSG_USAGE_FILE_GIVEN_VBGEN);
	if (optind + 1 < argc)
		return sign_usage_error(diag, MSG_USAGE_TOO_MANY_ARGUMENTS, argv[optind + 1]);
	so.path = argv[optind];
	if (so.path[0] == '\0') /* '': said as no file at all, not "vbgen: : error" */
		return sign_usage_error(diag, MSG_USAGE_FILE_GIVEN_VBGEN);
	if (so.field == NULL)
		return sign_usage_error(diag, MSG_USAGE_SIGNING_PLACE_SIGN);
	if (strlen(so.field) > SIGN_MAX_FIELD ||
	    strspn(so.field, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") !=
		    strlen(so.field) ||
	    so.field[0] == '\0')
		return sign_usage_error(diag, MSG_USAGE_FIELD_SIGNING_PLACE, so.field);
	/* an empty file name is a slip of the command line, not a file that cannot be read
	 * (and p11-kit takes --pkcs11 '' for its folder of modules) */
	for (size_t i = 0; i < 5; i++) {
		const char *const name[] = {"--cert", "--pkcs11", "--image", "--seal",
					    "--pin-file"};
		const char *const value[] = {so.key.p12, so.key.module, so.image, so.seal,
					     so.key.pin_file};
		if (value[i] != NULL && value[i][0] == '\0')
			return sign_usage_error(diag, MSG_USAGE_NAME_EMPTY_NAME, name[i],
						_("file"));
	}
	if ((so.key.p12 == NULL) == (so.key.module == NULL))
		return sign_usage_error(diag, MSG_USAGE_SIGNER_CERTIFICATE_CERT);
	if (so.key.module == NULL && (so.key.token != NULL || so.key.key_label != NULL))
		return sign_usage_error(diag, MSG_USAGE_TOKEN_KEY_GO);
	if (so.output != NULL && (so.output[0] == '\0' || out_is_stdout(so.output)))
		return sign_usage_error(diag, MSG_USAGE_NAME_SIGNED_FILE, so.output);
	if ((so.output == NULL) == !so.in_place) {
		if (so.in_place)
			return sign_usage_error(diag, MSG_USAGE_PLACE_EXCLUDE);
		return sign_usage_error(diag, MSG_USAGE_SIGNED_FILE_GOES);
	}
	return sign_run(&so);
}

/* Whether s is a language name --lang takes: "vi", "en", "vi_VN". */
static int is_language_name(const char *s)
{
	size_t l = strspn(s, "abcdefghijklmnopqrstuvwxyz");

	return (l == 2 || l == 3) &&
	       (s[l] == '\0' ||
		(s[l] == '_' && strspn(s + l + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 2 &&
		 s[l + 3] == '\0'));
}

/* Whether VBGEN_MSGID's value asks for the ids: set, and neither empty nor 0. */
static int show_ids(const char *value)
{
	return value != NULL && value[0] != '\0' && strcmp(value, "0") != 0;
}

/* Chooses the language of every message (i18n.h) before anything is said: --lang
 * anywhere on the command line (the last one counts), else the environment. Returns
 * EXIT_OK, or EXIT_USAGE for a --lang that names no language. */
static int choose_language(struct diag *diag, int argc, char **argv)
{
	const char *lang = NULL;
	char *missing = NULL;

	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
			lang = argv[++i];
		else if (strncmp(argv[i], "--lang=", 7) == 0)
			lang = argv[i] + 7;
	}
	if (lang != NULL && !is_language_name(lang)) {
		i18n_init(NULL, NULL);
		return usage_error(diag, MSG_USAGE_LANG_TAKES_VI, lang);
	}
	/* the ids after the messages: for a script, a bug report or a translator */
	diag_set_ids(diag, show_ids(getenv("VBGEN_MSGID")));
	if (i18n_init(lang, &missing) != 0) {
		msg(diag, missing, 0, MSG_MAIN_NO_CATALOG, lang);
		g_free(missing);
	}
	return EXIT_OK;
}

/* The folder a file named path is written into ("." for a bare name); to free. */
static char *folder_of(const char *path)
{
	return g_path_get_dirname(path);
}

/* A file output given on the command line (-o, --csv, --print): a file, a link to one, a
 * new name in a folder that exists, or "-" where stdout_ok. Checked before anything is
 * read or written, so that a mistake in the third output does not leave the first two
 * written. Returns EXIT_OK, or EXIT_USAGE / EXIT_SYSTEM after saying what is wrong. */
static int check_file_output(struct diag *diag, const char *opt, const char *path, int stdout_ok,
			     const char *made, const char *input)
{
	struct msg_text why;
	char *dir;
	struct stat st, in;
	int rc = EXIT_OK;

	if (out_is_stdout(path) && !stdout_ok)
		return usage_error(diag, MSG_USAGE_STANDARD_OUTPUT_POSSIBLE, opt);
	if (out_is_stdout(path))
		return EXIT_OK;
	if (out_unusable(path, &why))
		return usage_error(diag, MSG_USAGE_OUTPUT_NOT_A_FILE, opt, path, why.text);
	/* the plan itself, by another name too (a link, ./plan.xml): the output would be
	 * renamed over it and the clerk's plan lost */
	if (stat(path, &st) == 0 && stat(input, &in) == 0 && st.st_dev == in.st_dev &&
	    st.st_ino == in.st_ino)
		return usage_error(diag, MSG_USAGE_OUTPUT_IS_PLAN, opt, path);
	dir = folder_of(path);
	/* made: the folder the command makes first (letters -o DIR --print DIR/print.pdf) */
	if (made != NULL && out_same(made, dir)) {
		g_free(dir);
		return EXIT_OK;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		msg(diag, path, 0, MSG_MAIN_NO_FOLDER, dir);
		rc = EXIT_SYSTEM;
	}
	g_free(dir);
	return rc;
}

/* A folder output (-o of letters and all, --png): a folder, or a name to make one. */
static int check_folder_output(struct diag *diag, const char *opt, const char *path)
{
	struct stat st;

	if (out_is_stdout(path))
		return usage_error(diag, MSG_USAGE_FOLDER_FILES_GO, opt);
	if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode))
		return usage_error(diag, MSG_USAGE_FILE_FOLDER_NAME, opt, path);
	return EXIT_OK;
}

/* Every output the command line names, before the plan is read (see above). */
static int check_outputs(struct diag *diag, const char *cmd, const kind *k, const struct opts *o,
			 const char *input)
{
	const char *named[] = {o->output, o->csv, o->print, o->png};
	const char *names[] = {"-o", "--csv", "--print", "--png"};
	int rc = EXIT_OK, single = k != NULL && k->each == NULL;

	for (int i = 0; i < 4; i++)
		if (named[i] != NULL && named[i][0] == '\0')
			return usage_error(diag, MSG_USAGE_NAME_EMPTY_NAME, names[i],
					   i == 0 && !single ? _("folder")
					   : i == 3          ? _("folder")
							     : _("file"));
	if (strcmp(cmd, "check") == 0 || o->dump != NULL)
		return EXIT_OK; /* nothing is written */
	if (out_is_stdout(o->output) && out_is_stdout(o->csv))
		return usage_error(diag, MSG_USAGE_CSV_BOTH_STANDARD);
	if (o->output != NULL)
		rc = single ? check_file_output(diag, "-o", o->output, 1, NULL, input)
			    : check_folder_output(diag, "-o", o->output);
	if (rc == EXIT_OK && o->csv != NULL)
		rc = check_file_output(diag, "--csv", o->csv, 1, NULL, input);
	if (rc == EXIT_OK && o->print != NULL)
		rc = check_file_output(diag, "--print", o->print, 0,
				       o->output != NULL ? o->output
				       : k != NULL       ? k->suffix
							 : NULL,
				       input);
	if (rc == EXIT_OK && o->png != NULL)
		rc = check_folder_output(diag, "--png", o->png);
	return rc;
}

/* GLib's fatal errors, above all an allocation that failed (g_malloc cannot return
 * NULL; it logs an error and aborts): a plain message and exit status 3 instead of a
 * trap and a core dump, and no temporary file left. Writes with write(2) and a fixed
 * text: the memory may be gone. Other messages go to GLib's own handler. */
static void on_glib_log(const gchar *domain, GLogLevelFlags level, const gchar *message,
			gpointer data)
{
	static const char oom[] = "vbgen: error: " MSG_OUT_OF_MEMORY_FMT "\n";

	if (level & G_LOG_LEVEL_ERROR) {
		out_remove_temporaries();
		if (write(STDERR_FILENO, oom, sizeof oom - 1) < 0)
			_exit(EXIT_SYSTEM);
		_exit(EXIT_SYSTEM);
	}
	g_log_default_handler(domain, level, message, data);
}

int main(int argc, char **argv)
{
	const char *cmd, *path;
	const kind *k;
	int opt, status;
	struct opts o = {0};
	char *end;
	long n;
	const char *templates = NULL, *copies = NULL, *jobs = NULL; /* as given, for set_once() */
	struct diag run, *diag = &run; /* the run's messages: the exit status is theirs */

	diag_init(diag);
	g_log_set_default_handler(on_glib_log, NULL);
	xmlread_init();
	status = choose_language(diag, argc, argv);
	if (status != EXIT_OK)
		return status;
	/* sign takes its own options; only -q (and --lang) may come before it */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc) {
			i++;
			continue;
		}
		if (strcmp(argv[i], "sign") == 0) {
			int quiet = 0;
			for (int a = 1; a < i; a++)
				if (strcmp(argv[a], "--lang") == 0 && a + 1 < i)
					a++;
				else if (strcmp(argv[a], "-q") == 0 ||
					 strcmp(argv[a], "--quiet") == 0)
					quiet = 1;
				else if (strncmp(argv[a], "--lang=", 7) != 0)
					return usage_error(diag, MSG_USAGE_BEFORE_SIGN_OPTIONS,
							   argv[a]);
			if (quiet)
				diag_set_quiet(diag, 1);
			argv[i] = "vbgen sign"; /* getopt names it in its messages */
			return cmd_sign(diag, argc - i, argv + i, quiet);
		}
		if (argv[i][0] != '-')
			break;
	}

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:j:qhV", long_options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			fputs(_(usage_head), stdout);
			for (const kind *h = kinds; h->command != NULL; h++)
				printf("  %-10s %s\n", h->command, _(h->help));
			fputs(_(usage_text), stdout);
			return EXIT_OK;
		case 'V':
			printf("vbgen %s\n", VBGEN_VERSION);
			return EXIT_OK;
		case OPT_LIST_MESSAGES:
			msg_list(stdout);
			return EXIT_OK;
		case 'q':
			diag_set_quiet(diag, 1);
			o.quiet = 1;
			break;
		case OPT_TEMPLATES:
			if (!g_file_test(optarg, G_FILE_TEST_IS_DIR))
				return usage_error(diag, MSG_USAGE_TEMPLATES_FOLDER_FOLDER, optarg);
			if (set_once(diag, &templates, "--templates", optarg, 0) != EXIT_OK)
				return EXIT_USAGE;
			paths_set_templates(optarg);
			break;
		case 'o':
			if (set_once(diag, &o.output, "-o", optarg, 0) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case OPT_NO_APPENDIX:
			o.no_appendix = 1;
			break;
		case OPT_CSV:
			if (set_once(diag, &o.csv, "--csv", optarg, 0) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case OPT_PRINT:
			if (set_once(diag, &o.print, "--print", optarg, 0) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case OPT_AGENCY:
			if (o.agencies == NULL)
				o.agencies = g_ptr_array_new();
			g_ptr_array_add(o.agencies, optarg);
			break;
		case OPT_COPIES:
			/* bounded as a long, before it is made an int: 4294967298 is not 2 */
			n = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || n < 1 || n > LETTERS_MAX_COPIES)
				return usage_error(diag, MSG_USAGE_COPIES_TAKES_NUMBER,
						   LETTERS_MAX_COPIES, optarg);
			if (set_once(diag, &copies, "--copies", optarg, 0) != EXIT_OK)
				return EXIT_USAGE;
			o.copies = (int)n;
			break;
		case OPT_DUPLEX:
			o.duplex = 1;
			break;
		case 'j':
			n = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || n < 1 || n > LETTERS_MAX_JOBS)
				return usage_error(diag, MSG_USAGE_TAKES_NUMBER_WORKERS,
						   LETTERS_MAX_JOBS, optarg);
			if (set_once(diag, &jobs, "-j", optarg, 0) != EXIT_OK)
				return EXIT_USAGE;
			o.jobs = (int)n;
			break;
		case OPT_DUMP:
			if (strcmp(optarg, "layout") != 0)
				return usage_error(diag, MSG_USAGE_DUMP_TAKES_LAYOUT, optarg);
			o.dump = optarg;
			break;
		case OPT_PNG:
			if (set_once(diag, &o.png, "--png", optarg, 0) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "pdf") != 0 && strcmp(optarg, "docx") != 0)
				return usage_error(diag, MSG_USAGE_FORMAT_TAKES_PDF, optarg);
			if (set_once(diag, &o.format, "--format", optarg, 0) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case OPT_DOCX:
			o.docx = 1;
			break;
		case OPT_LANG:
			break;
		case '?':
		case ':':
			return option_error(opt, argv, long_options, _("try 'vbgen --help'"));
		default:
			break;
		}
	}
	if (optind >= argc)
		return usage_error(diag, MSG_USAGE_COMMAND_GIVEN_EXAMPLE);
	cmd = argv[optind];
	if (optind + 1 >= argc)
		return usage_error(diag, MSG_USAGE_PLAN_FILE_GIVEN, cmd);
	if (optind + 2 < argc)
		return usage_error(diag, MSG_USAGE_TOO_MANY_ARGUMENTS_PLAN, argv[optind + 2]);
	path = argv[optind + 1];
	if (path[0] == '\0') /* '': said as no plan at all, not "vbgen: : error" */
		return usage_error(diag, MSG_USAGE_PLAN_FILE_GIVEN, cmd);
	LIBXML_TEST_VERSION;
	k = kinds_find(cmd);
	if (o.csv != NULL && (k == NULL || !k->csv)) {
		char *which = csv_commands();
		status = usage_error(diag, MSG_USAGE_CSV_GOES_COMMAND, which, cmd);
		g_free(which);
		return status;
	}
	if (o.format != NULL && (strcmp(cmd, "all") == 0 || strcmp(cmd, "check") == 0)) {
		char *which = list_commands(" and ");
		status = usage_error(diag, MSG_USAGE_FORMAT_GOES_VBGEN, which);
		g_free(which);
		return status;
	}
	if (o.docx && strcmp(cmd, "all") != 0)
		return usage_error(diag, MSG_USAGE_DOCX_GOES_VBGEN);
	if ((k != NULL || strcmp(cmd, "all") == 0 || strcmp(cmd, "check") == 0) &&
	    (status = option_misplaced(diag, cmd, k, &o)) != EXIT_OK)
		return status;
	/* "-" would be read as a file of that name, said as "cannot open the file": every
	 * message names the plan's file and line, which standard input has not */
	if ((k != NULL || strcmp(cmd, "all") == 0 || strcmp(cmd, "check") == 0) &&
	    out_is_stdout(path))
		return usage_error(diag, MSG_USAGE_PLAN_STANDARD_INPUT, cmd);
	if ((kinds_find(cmd) != NULL || strcmp(cmd, "all") == 0 || strcmp(cmd, "check") == 0) &&
	    (status = check_outputs(diag, cmd, k, &o, path)) != EXIT_OK)
		; /* said */
	else if (strcmp(cmd, "check") == 0)
		status = cmd_check(diag, path);
	else if (strcmp(cmd, "all") == 0)
		status = cmd_all(diag, path, &o);
	else if (k != NULL && k->each != NULL)
		status = cmd_letters(diag, path, k, &o);
	else if (k != NULL)
		status = cmd_document(diag, path, k, &o);
	else {
		char *which = list_commands(", ");
		status = usage_error(diag, MSG_USAGE_UNKNOWN_COMMAND, cmd, which);
		g_free(which);
	}
	if (o.agencies != NULL)
		g_ptr_array_free(o.agencies, TRUE);
	pdf_shutdown();
	xmlCleanupParser();
	i18n_shutdown();
	return status;
}
