/* out.c - writing output files so that none is ever left half-written under its final
 * name: each is written under a temporary name beside it and renamed when complete; a
 * signal handler removes the temporary files of a run that is interrupted. */
#include "out.h"

#include "diag.h"
#include "i18n.h"
#include "msg.h"

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
/* Links followed to find where an output really goes; the kernel's own limit (40) for a
 * name with links in it, so that a loop of links ends. */
#define OUT_MAX_LINKS 40
/* The suffix mkstemp() fills in. */
#define OUT_TMP_SUFFIX ".tmp-XXXXXX"
/* The longest file name (one component, in bytes) when the folder does not say: POSIX
 * file systems allow 255 (ext4, XFS, Btrfs, NTFS and exFAT through Linux). */
#define OUT_NAME_MAX_DEFAULT 255
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

void out_remove_temporaries(void)
{
	for (int i = 0; i < OUT_MAX_OPEN; i++)
		if (open_used[i])
			unlink(open_tmp[i]);
}

static void on_signal(int sig)
{
	out_remove_temporaries();
	signal(sig, SIG_DFL);
	raise(sig);
}

void out_install_signal_cleanup(void)
{
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, on_signal); /* vbgen letters ... | head */
}

int out_is_stdout(const char *path)
{
	return path != NULL && strcmp(path, "-") == 0;
}

/* What kind of thing st is, for a message. */
static const char *kind_of(const struct stat *st)
{
	if (S_ISDIR(st->st_mode))
		return _("a folder");
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		return _("a device");
	if (S_ISFIFO(st->st_mode))
		return _("a pipe");
	if (S_ISSOCK(st->st_mode))
		return _("a socket");
	return _("not a regular file");
}

int out_unusable(const char *path, struct msg_text *why)
{
	struct stat st;

	if (out_is_stdout(path))
		return 0;
	if (stat(path, &st) != 0 || S_ISREG(st.st_mode))
		return 0; /* a new name (its folder is checked when it is written) or a file */
	msg_format(why, MSG_OUT_NOT_A_FILE, kind_of(&st),
		   S_ISDIR(st.st_mode) ? _(" inside the folder") : "",
		   S_ISDIR(st.st_mode) ? "" : _(" (- writes to standard output)"));
	return 1;
}

char *out_target(const char *path)
{
	char *cur = g_strdup(path);
	struct stat st;

	for (int hops = 0;; hops++) {
		char *link, *dir;
		if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
			return cur;
		if (hops >= OUT_MAX_LINKS || (link = g_file_read_link(cur, NULL)) == NULL) {
			g_free(cur);
			return NULL;
		}
		dir = g_path_get_dirname(cur);
		g_free(cur);
		cur = g_path_is_absolute(link) ? link : g_build_filename(dir, link, NULL);
		if (cur != link)
			g_free(link);
		g_free(dir);
	}
}

/* Drops the slashes at the end of p: "b/" is the folder b (GLib's dirname of "b/" is b
 * itself). */
static void trim_slashes(char *p)
{
	size_t n = strlen(p);

	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
}

/* Whether the names a and b (after their links) are one place: by inode when both
 * exist; when neither does, the same name once "." and ".." are read in it (a/../b is
 * b), or else the same last name in the same place, folder by folder up to one that
 * exists, so that b, ./b, b// and a link to b's folder are one new folder (one existing
 * and the other not: two places). Each step drops a name, so it ends. */
static int same_place(const char *a, const char *b)
{
	char *pa = g_strdup(a), *pb = g_strdup(b);
	int same = -1;
	struct stat st;

	if (stat(a, &st) != 0 && stat(b, &st) != 0) {
		char *ca = g_canonicalize_filename(a, NULL), *cb = g_canonicalize_filename(b, NULL);
		if (strcmp(ca, cb) == 0)
			same = 1;
		g_free(ca);
		g_free(cb);
	}
	while (same < 0) {
		struct stat sa, sb;
		int ea, eb;
		char *na, *nb;
		trim_slashes(pa);
		trim_slashes(pb);
		ea = stat(pa, &sa) == 0;
		eb = stat(pb, &sb) == 0;
		if (ea || eb) {
			same = ea && eb && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
			break;
		}
		na = g_path_get_basename(pa);
		nb = g_path_get_basename(pb);
		same = strcmp(na, nb) == 0 ? -1 : 0;
		g_free(na);
		g_free(nb);
		if (same == 0)
			break;
		na = g_path_get_dirname(pa);
		nb = g_path_get_dirname(pb);
		if (strcmp(na, pa) == 0 && strcmp(nb, pb) == 0)
			same = 1; /* the same name, and no folder above it left to compare */
		g_free(pa);
		g_free(pb);
		pa = na;
		pb = nb;
	}
	g_free(pa);
	g_free(pb);
	return same;
}

int out_same(const char *a, const char *b)
{
	char *ta = out_target(a), *tb = out_target(b);
	/* a link that leads nowhere: said when it is opened */
	int same = ta != NULL && tb != NULL && same_place(ta, tb);

	g_free(ta);
	g_free(tb);
	return same;
}

/* Where an output named path really goes (out_target()), so that the link stays and its
 * target is replaced. Returns a new string, or NULL after reporting when that is not a
 * regular file or a new name. */
static char *resolve(struct diag *d, const char *path)
{
	char *cur = out_target(path);
	struct stat st;

	if (cur == NULL) {
		msg(d, path, 0, MSG_OUT_SYMBOLIC_LINK_LEADS);
		return NULL;
	}
	if (lstat(cur, &st) == 0 && !S_ISREG(st.st_mode)) {
		struct msg_text why;
		if (out_unusable(cur, &why))
			msg_put(d, path, 0, &why);
		g_free(cur);
		return NULL;
	}
	return cur;
}

void out_write_failed(struct diag *d, const char *path, int err)
{
	if (err == ENOSPC)
		msg(d, path, 0, MSG_OUT_DISK_FULL_FILE);
	else if (err == EDQUOT)
		msg(d, path, 0, MSG_OUT_DISK_QUOTA_FILE);
	else if (err == EFBIG)
		msg(d, path, 0, MSG_OUT_FILE_LARGER_COMPUTER);
	else
		msg(d, path, 0, MSG_OUT_FILE_WRITTEN_DISK, i18n_strerror(err != 0 ? err : EIO));
}

/* How much of the file name base (in the folder: target's first dirlen bytes) its
 * temporary name ".BASE.tmp-XXXXXX" keeps. That is 12 bytes longer than base: a name the
 * folder allows (a long Vietnamese name is 2 or 3 bytes a letter) must not fail for its
 * temporary name, so base is cut to fit, at a character's end; out_commit() renames to
 * the target kept after the temporary name's end, not to a name derived from it. */
static size_t tmp_stem(const char *target, int dirlen, const char *base)
{
	char *dir = dirlen > 0 ? g_strndup(target, (size_t)dirlen) : g_strdup(".");
	long max = pathconf(dir, _PC_NAME_MAX), extra = 1 + (long)strlen(OUT_TMP_SUFFIX);
	size_t keep = strlen(base);

	g_free(dir);
	if (max <= 0)
		max = OUT_NAME_MAX_DEFAULT;
	if ((long)keep + extra <= max)
		return keep;
	keep = max > extra ? (size_t)(max - extra) : 0;
	while (keep > 0 && ((unsigned char)base[keep] & 0xC0) == 0x80)
		keep--;
	return keep;
}

FILE *out_open(struct diag *d, const char *path, char **tmp)
{
	char *target, *slash, *name;
	const char *base;
	int fd, dirlen;
	size_t keep, tmplen;
	struct stat st;
	FILE *f;

	*tmp = NULL;
	if (out_is_stdout(path))
		return stdout;
	if ((target = resolve(d, path)) == NULL)
		return NULL;
	if (stat(target, &st) == 0 && diag_is_input(d, st.st_dev, st.st_ino)) {
		msg(d, path, 0, MSG_OUT_IS_INPUT);
		g_free(target);
		return NULL;
	}
	slash = strrchr(target, '/');
	base = slash != NULL ? slash + 1 : target;
	dirlen = slash != NULL ? (int)(slash - target + 1) : 0;
	keep = tmp_stem(target, dirlen, base);
	tmplen = (size_t)dirlen + 1 + keep + strlen(OUT_TMP_SUFFIX);
	name = g_malloc(tmplen + 1 + strlen(target) + 1);
	snprintf(name, tmplen + 1, "%.*s.%.*s" OUT_TMP_SUFFIX, dirlen, target, (int)keep, base);
	strcpy(name + tmplen + 1, target);
	g_free(target);
	fd = mkstemp(name);
	if (fd < 0) {
		int err = errno;
		if (err == ENOSPC || err == EDQUOT)
			out_write_failed(d, path, err);
		else
			msg(d, path, 0, MSG_OUT_CANNOT_WRITE_HERE, i18n_strerror(err));
		g_free(name);
		return NULL;
	}
	track(name, 1);
	fchmod(fd, 0644);
	f = fdopen(fd, "wb");
	*tmp = name;
	return f;
}

/* The final name of the temporary file tmp: out_open() keeps it after tmp's end. */
static char *final_name(const char *tmp)
{
	return g_strdup(tmp + strlen(tmp) + 1);
}

int out_commit(struct diag *d, FILE *f, char *tmp, const char *path)
{
	int err = 0;
	char *target;

	/* a write that failed earlier leaves its error on f; flushing again meets it once
	 * more (a full disk stays full) and tells which it was */
	errno = 0;
	if (fflush(f) != 0 || ferror(f))
		err = errno != 0 ? errno : EIO;
	if (tmp == NULL) { /* standard output: it stays open */
		if (err != 0)
			out_write_failed(d, "standard output", err);
		return err != 0 ? EXIT_SYSTEM : EXIT_OK;
	}
	if (fclose(f) != 0 && err == 0)
		err = errno != 0 ? errno : EIO;
	if (err != 0) {
		out_write_failed(d, path, err);
		unlink(tmp);
		track(tmp, 0);
		g_free(tmp);
		return EXIT_SYSTEM;
	}
	target = final_name(tmp);
	if (rename(tmp, target) != 0) {
		msg(d, path, 0, MSG_OUT_PUT_FILE_PLACE, i18n_strerror(errno));
		unlink(tmp);
		track(tmp, 0);
		g_free(tmp);
		g_free(target);
		return EXIT_SYSTEM;
	}
	track(tmp, 0);
	g_free(tmp);
	g_free(target);
	return EXIT_OK;
}

void out_abort(FILE *f, char *tmp)
{
	if (f != NULL && f != stdout)
		fclose(f);
	if (tmp != NULL) {
		unlink(tmp);
		track(tmp, 0);
	}
	g_free(tmp);
}
