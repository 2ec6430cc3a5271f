/* letters.c - commitment letters in batch; see letters.h.
 *
 * One process compiles the template and opens the fonts once; workers are forked from
 * it, so they share that work copy-on-write, and each makes every Nth letter, writing it
 * through a temporary file. A worker reports each letter as one line on a pipe ("index,
 * status, pages, reason"); the parent collects them, shows progress on a terminal, and
 * lists every failure with its reason at the end. The print file is made by the parent:
 * in the same pass when there is one worker, else after the workers, from the letters
 * that succeeded. */
/* MAP_ANONYMOUS, for the counter the workers share, is not in POSIX 2008 */
#define _DEFAULT_SOURCE

#include "letters.h"

#include "diag.h"
#include "docx.h"
#include "fonts.h"
#include "i18n.h"
#include "msg.h"
#include "out.h"
#include "pdf.h"
#include "produce.h"
#include "template.h"
#include "text.h"
#include "xpath.h"

#include <assert.h>
#include <errno.h>
#include <libxml/xpathInternals.h>
#include <poll.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A reason quoted back from a worker is cut here; messages are one line. */
#define LETTERS_REASON_MAX 600
/* Letters left in the folder from an earlier run are named one by one up to this many,
 * then counted: a plan that lost a whole group of agencies should not fill the screen. */
#define LETTERS_STALE_NAMED 5

struct result {
	int status; /* EXIT_OK ... ; -1 until reported */
	int pages;
	char *reason; /* g_free */
};

struct job {
	struct diag *d; /* the run's: each letter is counted in it afresh (diag_reset) */
	plan *p;
	const kind *k;
	template *t;
	fonts *f;
	xmlXPathContextPtr ctx;
	layout_cache *cache; /* paragraphs the letters share */
	const letters_opts *o;
	GPtrArray *sel; /* xmlNodePtr: the selected nodes (agencies) */
};

/* The node's id: the attribute that names its file (kinds.h). */
static const char *node_id(const struct job *j, xmlNodePtr node)
{
	return plan_attr(node, j->k->id);
}

/* Expands the letter of one node (the template's context, its id in $var). Returns the
 * doc, or NULL after reporting. */
static doc *expand_one(struct job *j, xmlNodePtr node)
{
	xmlXPathRegisterVariable(j->ctx, BAD_CAST j->k->var,
				 xmlXPathNewString(BAD_CAST node_id(j, node)));
	fonts_forget_reports(j->f);
	layout_cache_trim(j->cache);
	return template_expand(j->d, j->t, j->ctx, node);
}

/* DIR/<id>.pdf, or .docx with ext */
static char *letter_path(const struct job *j, xmlNodePtr node, const char *ext)
{
	return g_strdup_printf("%s/%s%s", j->o->dir, node_id(j, node), ext);
}

/* The node's bookmark in the print file: the text of its label child, else its id. */
static char *node_label(const struct job *j, xmlNodePtr node)
{
	char *name = plan_text(plan_child(node, j->k->label));
	char *label = g_strdup(name != NULL ? name : node_id(j, node));

	free(name);
	return label;
}

/* Makes letter i: expansion, then produce(); with print, also appends it to the print
 * file. */
static void one_letter(struct job *j, guint i, pdf_out *print, struct result *r)
{
	xmlNodePtr node = g_ptr_array_index(j->sel, i);
	produce_opts po = {0};
	char *path = NULL, *word = NULL, *label = NULL;
	doc *d;

	diag_reset(j->d);
	d = expand_one(j, node);
	if (d == NULL)
		r->status = diag_status(j->d) != EXIT_OK ? diag_status(j->d) : EXIT_INVALID;
	else {
		po.cache = j->cache;
		po.share_fonts = 1; /* the letters share their font programs */
		po.dump = j->o->dump;
		if (po.dump)
			printf("letter %s\n", node_id(j, node));
		/* the PDF, the Word file (--format docx, all --docx) or both */
		if (j->o->pdf)
			po.pdf = path = letter_path(j, node, ".pdf");
		if (j->o->docx)
			po.docx = word = letter_path(j, node, ".docx");
		if (print != NULL) {
			po.print = print;
			po.print_label = label = node_label(j, node);
			po.copies = j->o->copies;
			po.duplex = j->o->duplex;
		}
		r->status = produce(j->d, j->f, d, &po, &r->pages);
		if (r->status != EXIT_OK && diag_status(j->d) == EXIT_OK)
			r->status = EXIT_INVALID;
	}
	if (r->status != EXIT_OK)
		r->reason = g_strdup(diag_last_error(j->d)[0] ? diag_last_error(j->d)
							      : _("it could not be made"));
	doc_free(d);
	g_free(path);
	g_free(word);
	g_free(label);
}

/* A worker process: takes the next letter from the counter the workers share, until none
 * is left, and reports each on fd. Taking letters one by one, rather than every Nth,
 * keeps both cores busy to the end when letters differ in length or a core is shared. */
static void worker(struct job *j, atomic_uint *next, int fd)
{
	for (;;) {
		guint i = atomic_fetch_add(next, 1);
		struct result r = {-1, 0, NULL};
		char *line, *reason;

		if (i >= j->sel->len)
			break;
		one_letter(j, i, NULL, &r);
		reason = g_strndup(r.reason != NULL ? r.reason : "", LETTERS_REASON_MAX);
		g_strdelimit(reason, "\t\n", ' ');
		line = g_strdup_printf("%u\t%d\t%d\t%s\n", i, r.status, r.pages, reason);
		if (write(fd, line, strlen(line)) < 0)
			_exit(EXIT_SYSTEM);
		g_free(line);
		g_free(reason);
		g_free(r.reason);
	}
}

/* The number of threads of this process, or 0 when the system does not say (no /proc).
 * A thread running at fork() may hold a lock (fontconfig's, GLib's) that no thread of
 * the worker would ever release. */
static int threads_now(void)
{
	FILE *st = fopen("/proc/self/status", "r");
	char line[128];
	int n = 0;

	while (st != NULL && fgets(line, sizeof line, st) != NULL)
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	if (st != NULL)
		fclose(st);
	return n;
}

static void progress(int shown, guint done, guint total)
{
	if (shown) {
		fputc('\r', stderr);
		i18n_fprintf(stderr, _("vbgen: letters %'u/%'u"), done, total);
	}
}

/* Reads the workers' lines until every pipe is closed. */
static void collect(int *fds, guint n, struct result *res, guint total, int tty)
{
	struct pollfd *pf = g_new0(struct pollfd, n);
	GString **bufs = g_new0(GString *, n);
	guint open = n, done = 0;

	for (guint k = 0; k < n; k++) {
		pf[k].fd = fds[k];
		pf[k].events = POLLIN;
		bufs[k] = g_string_new(NULL);
	}
	while (open > 0) {
		if (poll(pf, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (guint k = 0; k < n; k++) {
			char chunk[4096];
			ssize_t got;
			char *nl;
			if (pf[k].fd < 0 || !(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			got = read(pf[k].fd, chunk, sizeof chunk);
			if (got <= 0) {
				close(pf[k].fd);
				pf[k].fd = -1;
				open--;
				continue;
			}
			g_string_append_len(bufs[k], chunk, got);
			while ((nl = strchr(bufs[k]->str, '\n')) != NULL) {
				char **f;
				*nl = '\0';
				f = g_strsplit(bufs[k]->str, "\t", 4);
				if (f[0] && f[1] && f[2]) {
					guint i = (guint)strtoul(f[0], NULL, 10);
					if (i < total) {
						res[i].status = atoi(f[1]);
						res[i].pages = atoi(f[2]);
						if (res[i].status != EXIT_OK)
							res[i].reason = g_strdup(f[3] ? f[3] : "");
						progress(tty, ++done, total);
					}
				}
				g_strfreev(f);
				g_string_erase(bufs[k], 0, nl - bufs[k]->str + 1);
			}
		}
	}
	for (guint k = 0; k < n; k++)
		g_string_free(bufs[k], TRUE);
	g_free(bufs);
	g_free(pf);
}

/* Resolves a style's font in the parent, so that workers inherit it (and the note
 * about which family is used is printed once). */
static void preload_style(const doc_style *s, void *data)
{
	fonts_style(data, s);
}

/* The print file's metadata comes from the plan: the commitments' summary, the issuing
 * body, the letters' date. */
static pdf_out *open_print(struct diag *d, plan *p, const char *path)
{
	xmlNodePtr root = xmlDocGetRootElement(p->doc);
	xmlNodePtr com = plan_child(root, "commitments");
	char *title = plan_text(plan_child(com, "summary"));
	char *author =
		plan_text(plan_child(plan_child(plan_child(root, "document"), "issuer"), "name"));
	char *date = plan_text(plan_child(com, "date"));
	doc meta = {0};
	pdf_out *out;

	meta.title = title;
	meta.author = author;
	meta.create_date = date;
	/* the letters share their font programs; the print file is for paper: no signing
	 * places */
	out = pdf_open(d, path, &meta, PDF_SHARE_FONTS);
	free(title);
	free(author);
	free(date);
	return out;
}

/* Picks the nodes (agencies): all those the kind selects, or those named with
 * --agency. */
static int select_nodes(struct job *j, GPtrArray *sel)
{
	const letters_opts *o = j->o;
	xmlXPathObjectPtr all = xmlXPathEvalExpression(BAD_CAST j->k->each, j->ctx);
	xmlNodeSetPtr set = all != NULL && all->type == XPATH_NODESET ? all->nodesetval : NULL;
	int status = EXIT_OK;

	if (all == NULL) {
		msg(j->d, NULL, 0, MSG_LETTERS_NODES_SELECTED, j->k->command, j->k->each);
		return EXIT_SYSTEM;
	}
	if (o->only == NULL) {
		for (int i = 0; set != NULL && i < set->nodeNr; i++)
			g_ptr_array_add(sel, set->nodeTab[i]);
		xmlXPathFreeObject(all);
		return EXIT_OK;
	}
	for (guint i = 0; i < o->only->len && status == EXIT_OK; i++) {
		const char *id = g_ptr_array_index(o->only, i);
		xmlNodePtr a = plan_find(j->p, id);
		if (a == NULL || !xmlStrEqual(a->name, BAD_CAST j->k->node)) {
			msg(j->d, NULL, 0, MSG_LETTERS_AGENCY_UNKNOWN, id);
			status = EXIT_USAGE;
		} else if (set == NULL || !xmlXPathNodeSetContains(set, a)) {
			msg(j->d, NULL, 0, MSG_LETTERS_AGENCY_NO_LETTER, id);
			status = EXIT_USAGE;
		} else if (g_ptr_array_find(sel, a, NULL)) {
			/* --agency X --agency X: its letter once, not twice in the print file;
			 * said once, at its second mention */
			guint before = 0;
			for (guint k = 0; k < i; k++)
				before += strcmp(g_ptr_array_index(o->only, k), id) == 0;
			if (before == 1)
				msg(j->d, NULL, 0, MSG_LETTERS_AGENCY_TWICE, id);
		} else
			g_ptr_array_add(sel, a);
	}
	xmlXPathFreeObject(all);
	return status;
}

/* The print file must not be one of the letters (letters -o DIR --print DIR/<id>.pdf):
 * each would be renamed over the other, and the agency's letter silently lost, its
 * place taken by the print file (or the other way round, depending on the order the
 * workers finish). Also through a link or another name of the same file. Said before
 * anything is made; returns EXIT_OK or EXIT_USAGE. */
static int check_print_apart(struct job *j)
{
	const letters_opts *o = j->o;
	char *target, *dir, *base;
	struct stat sp, sl;
	int status = EXIT_OK, print_exists;

	if (o->print == NULL || out_is_stdout(o->print))
		return EXIT_OK;
	/* through a link, the file it names: out_open() writes there */
	target = out_target(o->print);
	if (target == NULL)
		return EXIT_OK; /* a link that leads nowhere: said when the print file is opened */
	dir = g_path_get_dirname(target);
	base = g_path_get_basename(target);
	g_free(target);
	print_exists = stat(o->print, &sp) == 0;
	int here = out_same(dir, o->dir);
	for (guint i = 0; i < j->sel->len && status == EXIT_OK; i++) {
		xmlNodePtr node = g_ptr_array_index(j->sel, i);
		for (int w = 0; w < 2 && status == EXIT_OK; w++) {
			const char *ext = w == 0 ? ".pdf" : ".docx";
			if ((w == 0 && !o->pdf) || (w == 1 && !o->docx))
				continue;
			char *path = letter_path(j, node, ext), *name = g_path_get_basename(path);
			if ((here && strcmp(name, base) == 0) ||
			    (print_exists && stat(path, &sl) == 0 && sl.st_dev == sp.st_dev &&
			     sl.st_ino == sp.st_ino)) {
				msg(j->d, NULL, 0, MSG_LETTERS_PRINT_IS_LETTER, o->print,
				    node_id(j, node));
				status = EXIT_USAGE;
			}
			g_free(name);
			g_free(path);
		}
	}
	g_free(dir);
	g_free(base);
	return status;
}

/* "12 letters" (translated) into buf, of LETTERS_COUNT_MAX bytes; returns buf. */
#define LETTERS_COUNT_MAX 64
/* g_ptr_array_sort()'s order of file names (it passes pointers to the elements). */
static gint by_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The letters in the folder that this plan no longer makes: DIR/<id>.pdf or .docx, a
 * regular file named like an id, whose id is no selected node (an agency taken out of
 * the plan, or given letter="no"), and not the print file. They stay (vbgen never
 * deletes what it did not write this run), but the print file leaves them out and a
 * clerk who prints the folder would send them: said as warnings, in name order. Only
 * after a run that made every letter (no --agency). */
static void stale_letters(struct job *j)
{
	GHashTable *ids = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *stale = g_ptr_array_new_with_free_func(g_free);
	GDir *dir = g_dir_open(j->o->dir, 0, NULL);
	const char *name;

	for (guint i = 0; i < j->sel->len; i++)
		g_hash_table_add(ids, (gpointer)node_id(j, g_ptr_array_index(j->sel, i)));
	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		const char *dot = strrchr(name, '.');
		char *stem, *path;
		struct stat st;
		if (dot == NULL || (strcmp(dot, ".pdf") != 0 && strcmp(dot, ".docx") != 0))
			continue;
		stem = g_strndup(name, (gsize)(dot - name));
		path = g_build_filename(j->o->dir, name, NULL);
		if (text_is_id(stem) && !g_hash_table_contains(ids, stem) &&
		    lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    (j->o->print == NULL || !out_same(path, j->o->print)))
			g_ptr_array_add(stale, g_strdup(name));
		g_free(stem);
		g_free(path);
	}
	if (dir != NULL)
		g_dir_close(dir);
	g_ptr_array_sort(stale, by_name);
	for (guint i = 0; i < stale->len && i < LETTERS_STALE_NAMED; i++) {
		const char *f = g_ptr_array_index(stale, i);
		char *path = g_build_filename(j->o->dir, f, NULL);
		char *id = g_strndup(f, (gsize)(strrchr(f, '.') - f));
		msg(j->d, path, 0, MSG_LETTERS_STALE_LETTER, id);
		g_free(id);
		g_free(path);
	}
	if (stale->len > LETTERS_STALE_NAMED)
		msgn(j->d, j->o->dir, 0, MSG_LETTERS_STALE_MORE, stale->len - LETTERS_STALE_NAMED,
		     stale->len - LETTERS_STALE_NAMED);
	g_ptr_array_free(stale, TRUE);
	g_hash_table_destroy(ids);
}

static const char *letters_count(char *buf, guint n)
{
	i18n_snprintf(buf, LETTERS_COUNT_MAX, P_("%'u letter", "%'u letters", n), n);
	return buf;
}

int letters_run(struct diag *diag, plan *p, const kind *k, const letters_opts *o)
{
	char count[LETTERS_COUNT_MAX];
	struct job j = {0};
	GPtrArray *sel = g_ptr_array_new();
	struct result *res = NULL;
	pdf_out *print = NULL;
	guint jobs, failed = 0, system_failed = 0, pages = 0, made = 0;
	int status, tty = isatty(2);

	j.d = diag;
	j.p = p;
	j.k = k;
	j.o = o;
	j.sel = sel;
	if (k->requires != NULL && plan_child(xmlDocGetRootElement(p->doc), k->requires) == NULL) {
		msg(diag, p->path, 0, MSG_KINDS_SOURCE_MISSING, k->requires, _(k->missing));
		status = EXIT_INVALID;
		goto done;
	}
	j.ctx = xpath_new(p);
	status = select_nodes(&j, sel);
	if (status != EXIT_OK)
		goto done;
	if (sel->len == 0) {
		msg(diag, p->path, 0, MSG_LETTERS_NONE);
		goto done;
	}
	status = check_print_apart(&j);
	if (status != EXIT_OK)
		goto done;
	/* one cannot commit to a plan that has no number yet: the letters are made, for
	 * review, and the clerk is told to make them again */
	{
		xmlNodePtr num =
			plan_child(plan_child(xmlDocGetRootElement(p->doc), "document"), "number");
		char *n = plan_text(num);
		if (num != NULL && text_is_blank(n))
			msg(diag, p->path, plan_line(num), MSG_LETTERS_PLAN_DRAFT_NUMBER);
		free(n);
	}
	/* --dump writes no file: no folder either */
	if (!o->dump && g_mkdir_with_parents(o->dir, 0755) != 0) {
		msg(diag, o->dir, 0, MSG_LETTERS_FOLDER_ANOTHER_PLACE, i18n_strerror(errno));
		status = EXIT_SYSTEM;
		goto done;
	}
	j.t = template_load(diag, k->template);
	j.f = j.t != NULL ? fonts_open(diag) : NULL;
	if (j.t == NULL || j.f == NULL) {
		status = diag_status(diag) != EXIT_OK ? diag_status(diag) : EXIT_SYSTEM;
		goto done;
	}
	template_each_style(j.t, preload_style, j.f);
	if (diag_status(diag) != EXIT_OK) {
		status = diag_status(diag);
		goto done;
	}
	j.cache = layout_cache_new();
	out_install_signal_cleanup();
	res = g_new0(struct result, sel->len);
	for (guint i = 0; i < sel->len; i++)
		res[i].status = -1;

	jobs = o->jobs > 0 ? (guint)o->jobs : (guint)sysconf(_SC_NPROCESSORS_ONLN);
	if (jobs < 1)
		jobs = 1;
	if (jobs > LETTERS_MAX_JOBS)
		jobs = LETTERS_MAX_JOBS; /* the cores counted: -j never asks for more */
	if (jobs > sel->len)
		jobs = sel->len;
	if (o->dump)
		jobs = 1; /* one stream of text, in order */
	/* Fork safety: the workers are forked before this process makes any Pango object of
	 * its own (the styles were resolved with fontconfig alone), and while it runs no other
	 * thread (Pango's font threads of an earlier document, in `vbgen all`, have ended). */
	assert(!fonts_pango_started(j.f));
	if (jobs > 1 && threads_now() > 1) {
		msg(diag, NULL, 0, MSG_LETTERS_ANOTHER_THREAD_STILL);
		jobs = 1;
	}

	if (jobs == 1) {
		/* One worker: this process, with the print file in the same pass (none with
		 * --dump: its pages would only repeat the letters' dump, and no file is
		 * written) */
		if (o->print != NULL && !o->dump) {
			print = open_print(diag, p, o->print);
			if (print == NULL) {
				status = EXIT_SYSTEM;
				goto done;
			}
		}
		for (guint i = 0; i < sel->len; i++) {
			one_letter(&j, i, print, &res[i]);
			progress(tty, i + 1, sel->len);
		}
	} else {
		int *fds = g_new0(int, jobs);
		pid_t *pids = g_new0(pid_t, jobs);
		/* the next letter to make, shared by the workers */
		atomic_uint *next = mmap(NULL, sizeof *next, PROT_READ | PROT_WRITE,
					 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (next == MAP_FAILED) {
			msg(diag, NULL, 0, MSG_LETTERS_SHARE_MEMORY_WORKERS, i18n_strerror(errno));
			g_free(fds);
			g_free(pids);
			status = EXIT_SYSTEM;
			goto done;
		}
		atomic_init(next, 0);
		/* what is said once (a date line too long for its column) once for all the
		 * workers, not once by each; without the map, once by each */
		struct diag_shared *once = mmap(NULL, sizeof *once, PROT_READ | PROT_WRITE,
						MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (once != MAP_FAILED)
			diag_share_once(diag, once);
		fflush(NULL);
		for (guint w = 0; w < jobs; w++) {
			int pfd[2];
			if (pipe(pfd) != 0 || (pids[w] = fork()) < 0) {
				msg(diag, NULL, 0, MSG_LETTERS_START_WORKER, i18n_strerror(errno));
				jobs = w;
				break;
			}
			if (pids[w] == 0) {
				close(pfd[0]);
				for (guint q = 0; q < w; q++)
					close(fds[q]);
				worker(&j, next, pfd[1]);
				close(pfd[1]);
				_exit(0);
			}
			close(pfd[1]);
			fds[w] = pfd[0];
		}
		collect(fds, jobs, res, sel->len, tty);
		for (guint w = 0; w < jobs; w++) {
			int ws;
			while (waitpid(pids[w], &ws, 0) < 0 && errno == EINTR)
				;
		}
		munmap(next, sizeof *next);
		if (once != MAP_FAILED) {
			diag_share_once(diag, NULL);
			munmap(once, sizeof *once);
		}
		g_free(fds);
		g_free(pids);
		if (o->print != NULL) {
			/* The workers reported every problem already: this pass counts in a
			 * silent diag of its own (the print file's writing still reports to the
			 * run's, which pdf_open() was given). */
			struct diag again, *was;
			diag_init(&again);
			diag_set_silent(&again, 1);
			j.d = &again;
			was = fonts_report_to(j.f, &again);
			print = open_print(diag, p, o->print);
			for (guint i = 0; print != NULL && i < sel->len; i++) {
				xmlNodePtr node = g_ptr_array_index(sel, i);
				produce_opts po = {0};
				char *label;
				doc *d;
				int n;
				if (res[i].status != EXIT_OK)
					continue;
				d = expand_one(&j, node);
				if (d == NULL)
					continue;
				po.cache = j.cache;
				po.share_fonts = 1;
				po.print = print;
				po.print_label = label = node_label(&j, node);
				po.copies = o->copies;
				po.duplex = o->duplex;
				produce(&again, j.f, d, &po, &n);
				g_free(label);
				doc_free(d);
			}
			fonts_report_to(j.f, was);
			j.d = diag;
		}
	}
	if (tty)
		fputc('\n', stderr);

	diag_reset(diag);
	for (guint i = 0; i < sel->len; i++) {
		xmlNodePtr a = g_ptr_array_index(sel, i);
		if (res[i].status == EXIT_OK) {
			made++;
			pages += (guint)res[i].pages;
			continue;
		}
		failed++;
		/* the computer's problem (a full disk), said with the file when it happened:
		 * not the plan's line */
		if (res[i].status == EXIT_SYSTEM) {
			system_failed++;
			continue;
		}
		char *label = node_label(&j, a);
		msg(diag, p->path, plan_line(a), MSG_LETTERS_LETTER_NOT_MADE, node_id(&j, a), label,
		    res[i].status < 0 ? _("its worker stopped before making it")
				      : (res[i].reason && res[i].reason[0] ? res[i].reason
									   : _("unknown problem")));
		g_free(label);
	}
	if (system_failed > 0)
		msgn(diag, o->dir, 0, MSG_LETTERS_NOT_MADE_SYSTEM, system_failed, system_failed);
	status = system_failed > 0 ? EXIT_SYSTEM : failed > 0 ? EXIT_INVALID : EXIT_OK;
	if (o->only == NULL && !o->dump && status == EXIT_OK)
		stale_letters(&j);
	if (print != NULL) {
		int rc = made > 0 ? pdf_close(print) : (pdf_cancel(print), EXIT_OK);
		if (rc != EXIT_OK)
			status = EXIT_SYSTEM;
		else if (made > 0 && !o->quiet)
			printf(o->duplex ? P_("vbgen: wrote %s (%s, %d copy each, each starting on "
					      "a new sheet)\n",
					      "vbgen: wrote %s (%s, %d copies each, each starting "
					      "on a new sheet)\n",
					      (unsigned long)o->copies)
					 : P_("vbgen: wrote %s (%s, %d copy each)\n",
					      "vbgen: wrote %s (%s, %d copies each)\n",
					      (unsigned long)o->copies),
			       o->print, letters_count(count, made), o->copies);
		print = NULL;
	}
	if (!o->quiet && !o->dump) {
		if (o->pdf)
			i18n_fprintf(stdout,
				     o->docx ? _("vbgen: wrote %s (%'u pages) into %s/, each also "
						 "as a Word file (.docx)")
					     : _("vbgen: wrote %s (%'u pages) into %s/"),
				     letters_count(count, made), pages, o->dir);
		else
			printf(_("vbgen: wrote %s as Word files (.docx) into %s/"),
			       letters_count(count, made), o->dir);
		if (failed)
			i18n_fprintf(stdout, _("; %'u failed"), failed);
		printf("\n");
	}
done:
	if (print != NULL)
		pdf_cancel(print);
	if (res != NULL)
		for (guint i = 0; i < sel->len; i++)
			g_free(res[i].reason);
	g_free(res);
	if (j.ctx != NULL)
		xpath_free(j.ctx);
	layout_cache_free(j.cache);
	fonts_free(j.f);
	template_free(j.t);
	g_ptr_array_free(sel, TRUE);
	return status;
}
