/* out.c - writing output files so that none is ever left half-written under its final
 * name: each is written under a temporary name beside it and renamed when complete; a
 * signal handler removes the temporary files of a run that is interrupted. */
#include "out.h"

#include "diag.h"
#include "i18n.h"

#include <errno.h>
#include <glib.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Temporary files being written, for the signal handler. A process writes at most a
 * letter and the print file at once. */
#define OUT_MAX_OPEN 8
#define OUT_PATH_MAX 4096
static char open_tmp[OUT_MAX_OPEN][OUT_PATH_MAX];
static volatile sig_atomic_t open_used[OUT_MAX_OPEN];

static void track(const char *tmp, int on)
{
	for (int i = 0; i < OUT_MAX_OPEN; i++) {
		if (on && !open_used[i] && strlen(tmp) < OUT_PATH_MAX) {
			strcpy(open_tmp[i], tmp);
			open_used[i] = 1;
			return;
		}
		if (!on && open_used[i] && strcmp(open_tmp[i], tmp) == 0) {
			open_used[i] = 0;
			return;
		}
	}
}

static void on_signal(int sig)
{
	for (int i = 0; i < OUT_MAX_OPEN; i++)
		if (open_used[i])
			unlink(open_tmp[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

void out_install_signal_cleanup(void)
{
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
}

FILE *out_open(const char *path, char **tmp)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash != NULL ? (size_t)(slash - path + 1) : 0;
	char *name = g_strdup_printf("%.*s.%s.tmp-XXXXXX", (int)dirlen, path,
				     slash != NULL ? slash + 1 : path);
	int fd = mkstemp(name);
	FILE *f;

	if (fd < 0) {
		diag(path, 0, DIAG_SYSTEM,
		     _("cannot write here: %s; check that the folder exists and that you may write "
		       "in it"),
		     i18n_strerror(errno));
		g_free(name);
		return NULL;
	}
	track(name, 1);
	fchmod(fd, 0644);
	f = fdopen(fd, "wb");
	*tmp = name;
	return f;
}

int out_commit(FILE *f, char *tmp, const char *path)
{
	int bad = ferror(f) || fflush(f) != 0;

	if (fclose(f) != 0 || bad) {
		diag(path, 0, DIAG_SYSTEM, _("writing failed (disk full?): %s"),
		     i18n_strerror(errno));
		unlink(tmp);
		track(tmp, 0);
		g_free(tmp);
		return EXIT_SYSTEM;
	}
	if (rename(tmp, path) != 0) {
		diag(path, 0, DIAG_SYSTEM, _("cannot put the file in place: %s"),
		     i18n_strerror(errno));
		unlink(tmp);
		track(tmp, 0);
		g_free(tmp);
		return EXIT_SYSTEM;
	}
	track(tmp, 0);
	g_free(tmp);
	return EXIT_OK;
}

void out_abort(FILE *f, char *tmp)
{
	if (f != NULL)
		fclose(f);
	if (tmp != NULL) {
		unlink(tmp);
		track(tmp, 0);
	}
	g_free(tmp);
}
