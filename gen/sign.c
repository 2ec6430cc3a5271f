/* sign.c - `vbgen sign`; see sign.h.
 *
 * One signature, as written after the file's last byte:
 *   - a signature dictionary (/Type /Sig /Filter /Adobe.PPKLite /SubFilter
 *     /ETSI.CAdES.detached) with a /ByteRange and a /Contents hole of SIGN_CMS_MAX bytes,
 *     and the signing time in /M;
 *   - the appearance (stamp.c) and the widget rewritten with /V and /AP (its /Rect grown
 *     when a seal overhangs);
 *   - the AcroForm rewritten with /SigFlags 3 (the file has signatures; keep it
 *     appended-to only);
 *   - a cross-reference section with /Prev, the same first /ID and a new second one.
 * Then the byte ranges around the hole are hashed, signed (cms.c) and the DER written
 * into the hole in hex. The whole file is built in memory and written once. */
#include "sign.h"

#include "cms.h"
#include "diag.h"
#include "i18n.h"
#include "msg.h"
#include "out.h"
#include "pdfin.h"
#include "pdfup.h"
#include "stamp.h"

#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Vietnam's time, UTC+7 all year (no daylight saving): the decree writes the signing
 * time in it, whatever the computer's own time zone. */
#define SIGN_TZ_SECONDS (7 * 3600)

/* The /ByteRange placeholder: four numbers of up to 10 digits and their spaces. */
#define SIGN_RANGE_WIDTH 44

/* One file to sign and where its result goes. */
struct job {
	char *in, *out;
	int status; /* EXIT_OK, or why it was not signed */
	char *reason;
};

/* The signing place found in a file. */
struct field {
	int num;               /* the widget (merged field) object */
	const pdfin_val *dict; /* its dictionary */
	int acro_num;          /* the AcroForm object */
	const pdfin_val *acro; /* its dictionary */
	double rect[4], media[4];
};

/* ------------------------------------------------------------------ reading */

static unsigned char *read_file(struct diag *d, const char *path, size_t *len)
{
	gchar *bytes = NULL;
	gsize n = 0;
	GError *err = NULL;
	struct stat st;

	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > PDFIN_MAX_FILE) {
		msg(d, path, 0, MSG_SIGN_FILE_TOO_LARGE);
		return NULL;
	}
	if (!g_file_get_contents(path, &bytes, &n, &err)) {
		msg(d, path, 0, MSG_SIGN_READ_FILE, err->message);
		g_error_free(err);
		return NULL;
	}
	*len = n;
	return (unsigned char *)bytes;
}

static int string_is(const pdfin_val *v, const char *s)
{
	return v != NULL && v->kind == PDFIN_STRING && v->len == strlen(s) &&
	       memcmp(v->str, s, v->len) == 0;
}

static int numbers(const pdfin_val *a, double out[4])
{
	if (a == NULL || a->kind != PDFIN_ARRAY || a->items->len != 4)
		return 0;
	for (int i = 0; i < 4; i++) {
		const pdfin_val *v = g_ptr_array_index(a->items, i);
		if (v->kind != PDFIN_NUMBER)
			return 0;
		out[i] = v->num;
	}
	return 1;
}

/* A PDF string as UTF-8 for a message: UTF-16BE with its mark, else the bytes. */
static char *string_text(const pdfin_val *v)
{
	if (v == NULL || v->kind != PDFIN_STRING)
		return g_strdup("");
	if (v->len >= 2 && (unsigned char)v->str[0] == 0xFE && (unsigned char)v->str[1] == 0xFF) {
		char *s = g_convert(v->str + 2, (gssize)v->len - 2, "UTF-8", "UTF-16BE", NULL, NULL,
				    NULL);
		return s != NULL ? s : g_strdup("");
	}
	return g_utf8_make_valid(v->str, (gssize)v->len);
}

/* A PDF date (D:YYYYMMDDHHmmSS...) as a clerk reads it, "02/12/2026 08:27:09"; "" when
 * it is not one. */
static char *pdf_date_text(const pdfin_val *v)
{
	const char *d = v != NULL && v->kind == PDFIN_STRING ? v->str : "";

	if (strncmp(d, "D:", 2) != 0 || strspn(d + 2, "0123456789") < 14)
		return g_strdup("");
	return g_strdup_printf("%.2s/%.2s/%.4s %.2s:%.2s:%.2s", d + 8, d + 6, d + 2, d + 10, d + 12,
			       d + 14);
}

/* Checks that the file is vbgen's and finds the named, empty signature field. Returns
 * EXIT_OK with *f set, or EXIT_INVALID after reporting. */
static int find_field(struct diag *d, pdfin *r, const char *path, const char *name, struct field *f)
{
	const pdfin_val *t = pdfin_trailer(r), *info, *prod, *cat, *acro_ref, *acro, *fields;
	GString *names;
	char *p;

	info = pdfin_resolve(r, pdfin_get(t, "Info"));
	prod = pdfin_get(info, "Producer");
	if (prod == NULL || prod->kind != PDFIN_STRING || prod->len < 6 ||
	    memcmp(prod->str, "vbgen ", 6) != 0) {
		p = string_text(prod);
		msg(d, path, 0, MSG_SIGN_NOT_BY_VBGEN, *p ? _(" (it was made by \"") : "", p,
		    *p ? _("\")") : "");
		g_free(p);
		return EXIT_INVALID;
	}
	cat = pdfin_resolve(r, pdfin_get(t, "Root"));
	if (cat == NULL)
		return EXIT_INVALID;
	acro_ref = pdfin_get(cat, "AcroForm");
	if (acro_ref == NULL) {
		msg(d, path, 0, MSG_SIGN_FILE_SIGNING_PLACES);
		return EXIT_INVALID;
	}
	if (acro_ref->kind != PDFIN_REF) {
		msg(d, path, 0, MSG_SIGN_PDF_REWRITTEN_ANOTHER);
		return EXIT_INVALID;
	}
	acro = pdfin_resolve(r, acro_ref);
	fields = pdfin_get(acro, "Fields");
	if (acro == NULL || fields == NULL || fields->kind != PDFIN_ARRAY) {
		if (acro != NULL)
			msg(d, path, 0, MSG_SIGN_FILE_FORM_LIST);
		return EXIT_INVALID;
	}
	names = g_string_new(NULL);
	for (guint i = 0; i < fields->items->len; i++) {
		const pdfin_val *ref = g_ptr_array_index(fields->items, i);
		const pdfin_val *w = pdfin_resolve(r, ref), *tt = pdfin_get(w, "T");
		if (w == NULL) {
			g_string_free(names, TRUE);
			return EXIT_INVALID;
		}
		if (tt != NULL && tt->kind == PDFIN_STRING) {
			p = string_text(tt);
			g_string_append_printf(names, "%s%s", names->len ? ", " : "", p);
			g_free(p);
		}
		if (!string_is(tt, name))
			continue;
		if (ref->kind != PDFIN_REF || !pdfin_is_name(pdfin_get(w, "FT"), "Sig") ||
		    pdfin_get(w, "Kids") != NULL) {
			msg(d, path, 0, MSG_SIGN_FIELD_SIGNING_PLACE, name);
			g_string_free(names, TRUE);
			return EXIT_INVALID;
		}
		const pdfin_val *v = pdfin_get(w, "V");
		if (v != NULL && v->kind != PDFIN_NULL) {
			const pdfin_val *sd = pdfin_resolve(r, v);
			char *who = string_text(pdfin_get(sd, "Name"));
			char *when = pdf_date_text(pdfin_get(sd, "M"));
			msg(d, path, 0, MSG_SIGN_FIELD_ALREADY_SIGNED, name, *who ? _(" by ") : "",
			    who, *when ? _(" on ") : "", when);
			g_free(who);
			g_free(when);
			g_string_free(names, TRUE);
			return EXIT_INVALID;
		}
		const pdfin_val *page = pdfin_resolve(r, pdfin_get(w, "P"));
		if (!numbers(pdfin_get(w, "Rect"), f->rect) || page == NULL) {
			msg(d, path, 0, MSG_SIGN_FIELD_PLACE_PAGE, name);
			g_string_free(names, TRUE);
			return EXIT_INVALID;
		}
		if (!numbers(pdfin_get(page, "MediaBox"), f->media)) {
			f->media[0] = f->media[1] = 0;
			f->media[2] = 595.28;
			f->media[3] = 841.89;
		}
		for (int k = 0; k < 2; k++)
			if (f->rect[k] > f->rect[k + 2]) {
				double tmp = f->rect[k];
				f->rect[k] = f->rect[k + 2];
				f->rect[k + 2] = tmp;
			}
		f->num = ref->ref;
		f->dict = w;
		f->acro_num = acro_ref->ref;
		f->acro = acro;
		g_string_free(names, TRUE);
		return EXIT_OK;
	}
	msg(d, path, 0, MSG_SIGN_FILE_SIGNING_PLACE, name,
	    names->len ? _("its signing places: ") : _("it has none"), names->str);
	g_string_free(names, TRUE);
	return EXIT_INVALID;
}

/* ------------------------------------------------------------------ writing */

/* A text string for a PDF dictionary: UTF-16BE hex with its byte-order mark. */
static void text_string(GString *g, const char *utf8)
{
	glong n = 0;
	gunichar2 *u = g_utf8_to_utf16(utf8, -1, NULL, &n, NULL);

	g_string_append(g, "<FEFF");
	for (glong i = 0; u != NULL && i < n; i++)
		g_string_append_printf(g, "%04X", u[i]);
	g_string_append_c(g, '>');
	g_free(u);
}

/* The file's /ID first element as hex (kept in every update), or NULL. */
static char *first_id(const pdfin_val *trailer)
{
	const pdfin_val *id = pdfin_get(trailer, "ID"), *first;
	GString *g;

	if (id == NULL || id->kind != PDFIN_ARRAY || id->items->len != 2)
		return NULL;
	first = g_ptr_array_index(id->items, 0);
	if (first->kind != PDFIN_STRING)
		return NULL;
	g = g_string_new(NULL);
	for (size_t i = 0; i < first->len; i++)
		g_string_append_printf(g, "%02X", (unsigned char)first->str[i]);
	return g_string_free(g, FALSE);
}

/* Writes a file through a temporary name; in place, the copy keeps the original's
 * permissions. */
static int write_out(struct diag *d, const char *path, const unsigned char *a, size_t alen,
		     const unsigned char *b, size_t blen, const struct stat *keep_mode)
{
	char *tmp = NULL;
	FILE *f = out_open(d, path, &tmp);

	if (f == NULL)
		return EXIT_SYSTEM;
	if (keep_mode != NULL)
		fchmod(fileno(f), keep_mode->st_mode & 07777);
	if (fwrite(a, 1, alen, f) != alen || fwrite(b, 1, blen, f) != blen) {
		out_write_failed(d, path, errno);
		out_abort(f, tmp);
		return EXIT_SYSTEM;
	}
	return out_commit(d, f, tmp, path);
}

struct signer {
	const sign_opts *o;
	key *k;
	stamp *st;
	char *name, *body; /* from the certificate */
};

/* Writes the signature dictionary with its two holes: the /ByteRange, filled in once
 * the update's length is known, and the /Contents, filled with the signature. Returns
 * its object number; sets where the holes start in the whole file. */
static int put_sig_dict(pdfup *u, const struct signer *s, const char *when, long *range_at,
			long *contents_at)
{
	int sig = pdfup_alloc(u);
	GString *g;

	pdfup_begin(u, sig);
	g = pdfup_buf(u);
	g_string_append(g, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
			   "/ByteRange [");
	*range_at = pdfup_pos(u);
	g_string_append_printf(g, "%*s] /Contents ", SIGN_RANGE_WIDTH, "");
	*contents_at = pdfup_pos(u);
	g_string_append_c(g, '<');
	for (int i = 0; i < 2 * SIGN_CMS_MAX; i++)
		g_string_append_c(g, '0');
	g_string_append_printf(g, "> /M (%s)", when);
	if (*s->name) {
		g_string_append(g, " /Name ");
		text_string(g, s->name);
	}
	if (s->o->reason != NULL) {
		g_string_append(g, " /Reason ");
		text_string(g, s->o->reason);
	}
	g_string_append(g, " /Prop_Build << /App << /Name /vbgen >> >> >>");
	pdfup_end(u);
	return sig;
}

/* The trailer's entries carried over: the same document (first /ID), a new version of
 * it (second /ID, from the update's bytes). */
static char *trailer_extra(const pdfin_val *t, pdfup *u)
{
	size_t ulen = 0;
	unsigned char *ub = pdfup_bytes(u, &ulen);
	char *id1 = first_id(t), *id2 = g_compute_checksum_for_data(G_CHECKSUM_MD5, ub, ulen);
	const pdfin_val *info = pdfin_get(t, "Info");
	GString *g = g_string_new("/Root ");

	pdfin_write(g, pdfin_get(t, "Root"));
	if (info != NULL) {
		g_string_append(g, " /Info ");
		pdfin_write(g, info);
	}
	g_string_append_printf(g, " /ID [<%s> <%s>]", id1 != NULL ? id1 : id2, id2);
	g_free(id1);
	g_free(id2);
	return g_string_free(g, FALSE);
}

/* Fills the holes of the finished update ub (after the file's len bytes of data): the
 * byte ranges (everything but the /Contents hole, its angle brackets included), then
 * the signature over them. Returns EXIT_OK or the failure's status, after reporting. */
static int fill_holes(struct signer *s, const char *file, const unsigned char *data, size_t len,
		      unsigned char *ub, size_t ulen, long range_at, long contents_at)
{
	static const char hx[] = "0123456789ABCDEF";
	long total = (long)(len + ulen), a = contents_at, b = contents_at + 2 + 2 * SIGN_CMS_MAX;
	char range[SIGN_RANGE_WIDTH + 1];
	unsigned char digest[EVP_MAX_MD_SIZE], *cms, *hole;
	size_t cmslen = 0;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int hashed;

	snprintf(range, sizeof range, "0 %ld %ld %ld", a, b, total - b);
	memset(range + strlen(range), ' ', SIGN_RANGE_WIDTH - strlen(range));
	memcpy(ub + (range_at - (long)len), range, SIGN_RANGE_WIDTH);
	hashed = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
		 EVP_DigestUpdate(md, data, len) == 1 &&
		 EVP_DigestUpdate(md, ub, (size_t)(a - (long)len)) == 1 &&
		 EVP_DigestUpdate(md, ub + (b - (long)len), (size_t)(total - b)) == 1 &&
		 EVP_DigestFinal_ex(md, digest, NULL) == 1;
	EVP_MD_CTX_free(md);
	if (!hashed) {
		msg(s->o->d, file, 0, MSG_SIGN_DOCUMENT_HASHED_OPENSSL);
		return EXIT_SYSTEM;
	}
	cms = cms_sign(s->o->d, s->k, digest, &cmslen, file);
	if (cms == NULL)
		return EXIT_SYSTEM;
	if (cmslen > SIGN_CMS_MAX) {
		msg(s->o->d, file, 0, MSG_SIGN_SIGNATURE_CERTIFICATES_TAKES, cmslen, SIGN_CMS_MAX);
		g_free(cms);
		return EXIT_INVALID;
	}
	hole = ub + (contents_at - (long)len) + 1;
	for (size_t i = 0; i < cmslen; i++) {
		hole[2 * i] = (unsigned char)hx[cms[i] >> 4];
		hole[2 * i + 1] = (unsigned char)hx[cms[i] & 15];
	}
	g_free(cms);
	return EXIT_OK;
}

/* Signs one file that find_field() accepted. Returns EXIT_OK or the status of its
 * failure, after reporting. */
static int sign_file(struct signer *s, const struct job *j)
{
	size_t len = 0, ulen = 0;
	unsigned char *data = read_file(s->o->d, j->in, &len), *ub;
	pdfin *r = NULL;
	pdfup *u = NULL;
	struct field f;
	int status = EXIT_INVALID, sig, form;
	long range_at, contents_at;
	time_t vn = time(NULL) + SIGN_TZ_SECONDS;
	struct tm tm;
	char when[32], iso[40], *lines[4] = {NULL}, *extra;
	double rect[4];
	struct stat st;

	if (data == NULL)
		return EXIT_INVALID;
	r = pdfin_open(s->o->d, j->in, data, len);
	if (r == NULL || find_field(s->o->d, r, j->in, s->o->field, &f) != EXIT_OK)
		goto done;
	const pdfin_val *t = pdfin_trailer(r), *size = pdfin_get(t, "Size");
	if (size == NULL || size->kind != PDFIN_NUMBER || size->num < 1) {
		msg(s->o->d, j->in, 0, MSG_SIGN_PDF_DAMAGED_TRAILER);
		goto done;
	}
	gmtime_r(&vn, &tm);
	strftime(when, sizeof when, "D:%Y%m%d%H%M%S+07'00'", &tm);
	strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%S+07:00", &tm);
	u = pdfup_new((long)len, (int)size->num, pdfin_startxref(r), data[len - 1] != '\n');
	sig = put_sig_dict(u, s, when, &range_at, &contents_at);

	/* what it looks like */
	lines[0] = g_strdup_printf("Người ký: %s", *s->name ? s->name : "(không ghi tên)");
	lines[1] = *s->body ? g_strdup_printf("Cơ quan: %s", s->body) : NULL;
	lines[lines[1] != NULL ? 2 : 1] = g_strdup_printf("Thời gian ký: %s", iso);
	form = stamp_write(s->st, u, f.rect, f.media, (const char *const *)lines, rect, j->in);
	if (form == 0) {
		status = diag_status(s->o->d) != EXIT_OK ? diag_status(s->o->d) : EXIT_SYSTEM;
		goto done;
	}

	/* the field, now signed, and the form, now holding a signature */
	char *v = g_strdup_printf("%d 0 R", sig), *ap = g_strdup_printf("<< /N %d 0 R >>", form);
	char *rc = g_strdup_printf("[%.2f %.2f %.2f %.2f]", rect[0], rect[1], rect[2], rect[3]);
	int grown = memcmp(rect, f.rect, sizeof rect) != 0;
	pdfup_begin(u, f.num);
	pdfin_write_dict(pdfup_buf(u), f.dict,
			 (const char *const[]){"V", v, "AP", ap, grown ? "Rect" : NULL, rc, NULL});
	pdfup_end(u);
	g_free(v);
	g_free(ap);
	g_free(rc);
	pdfup_begin(u, f.acro_num);
	pdfin_write_dict(pdfup_buf(u), f.acro, (const char *const[]){"SigFlags", "3", NULL});
	pdfup_end(u);

	extra = trailer_extra(t, u);
	pdfup_finish(u, extra);
	g_free(extra);
	ub = pdfup_bytes(u, &ulen);
	status = fill_holes(s, j->in, data, len, ub, ulen, range_at, contents_at);
	if (status == EXIT_OK)
		status = write_out(s->o->d, j->out, data, len, ub, ulen,
				   s->o->in_place && stat(j->in, &st) == 0 ? &st : NULL);
done:
	for (int i = 0; i < 4; i++)
		g_free(lines[i]);
	pdfup_free(u);
	pdfin_close(r);
	g_free(data);
	return status;
}

/* ------------------------------------------------------------------ the batch */

static void job_fail(struct diag *d, struct job *j, int status)
{
	j->status = status;
	g_free(j->reason);
	j->reason =
		g_strdup(diag_last_error(d)[0] ? diag_last_error(d) : _("it could not be signed"));
}

/* Refuses to replace what is not a regular file (a link, a device): sign.h's promise
 * and the project's rule. */
static int replaceable(struct diag *d, const char *path, const char *what)
{
	struct stat st;

	if (lstat(path, &st) != 0 || S_ISREG(st.st_mode))
		return 1;
	msg(d, path, 0, MSG_SIGN_REGULAR_FILE_VBGEN, what,
	    S_ISLNK(st.st_mode) ? _("it is a link") : _("it is a folder or a device"),
	    S_ISLNK(st.st_mode) ? _("sign the file it points to, or write elsewhere with -o")
				: _("write elsewhere with -o"));
	return 0;
}

/* Checks one job without signing: readable, vbgen's, the field there and empty, the
 * output replaceable. */
static void check_job(const sign_opts *o, struct job *j)
{
	size_t len = 0;
	unsigned char *data;
	pdfin *r;
	struct field f;

	diag_reset(o->d);
	if (!replaceable(o->d, j->out,
			 o->in_place ? _("the file to sign in place") : _("the output"))) {
		job_fail(o->d, j, EXIT_INVALID);
		return;
	}
	/* a folder that cannot be written is found now, not after the PIN */
	char *dir = g_path_get_dirname(j->out);
	if (access(dir, W_OK) != 0) {
		msg(o->d, j->out, 0, MSG_OUT_CANNOT_WRITE_HERE, i18n_strerror(errno));
		g_free(dir);
		job_fail(o->d, j, EXIT_SYSTEM);
		return;
	}
	g_free(dir);
	data = read_file(o->d, j->in, &len);
	if (data == NULL) {
		job_fail(o->d, j, EXIT_INVALID);
		return;
	}
	r = pdfin_open(o->d, j->in, data, len);
	if (r == NULL || find_field(o->d, r, j->in, o->field, &f) != EXIT_OK)
		job_fail(o->d, j, diag_status(o->d) != EXIT_OK ? diag_status(o->d) : EXIT_INVALID);
	pdfin_close(r);
	g_free(data);
}

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static int has_pdf_suffix(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && g_ascii_strcasecmp(name + n - 4, ".pdf") == 0;
}

static gint by_name(gconstpointer a, gconstpointer b)
{
	return strcmp(((const struct job *)a)->in, ((const struct job *)b)->in);
}

/* The files of a folder: every *.pdf in it that is a regular file (not the temporary
 * files a run leaves while writing, which start with a dot). */
static int list_folder(const sign_opts *o, GArray *jobs)
{
	DIR *d = opendir(o->path);
	struct dirent *e;

	if (d == NULL) {
		msg(o->d, o->path, 0, MSG_SIGN_READ_FOLDER, i18n_strerror(errno));
		return EXIT_INVALID;
	}
	while ((e = readdir(d)) != NULL) {
		struct job j = {0};
		struct stat st;
		if (e->d_name[0] == '.' || !has_pdf_suffix(e->d_name))
			continue;
		j.in = g_build_filename(o->path, e->d_name, NULL);
		if (stat(j.in, &st) != 0 || !S_ISREG(st.st_mode) || jobs->len >= SIGN_MAX_FILES) {
			g_free(j.in);
			continue;
		}
		j.out = o->in_place ? g_strdup(j.in) : g_build_filename(o->output, e->d_name, NULL);
		g_array_append_val(jobs, j);
	}
	closedir(d);
	g_array_sort(jobs, by_name);
	if (jobs->len == 0) {
		msg(o->d, o->path, 0, MSG_SIGN_FOLDER_HOLDS_PDF);
		return EXIT_INVALID;
	}
	return EXIT_OK;
}

/* Which files, and where each goes. */
static int plan_jobs(const sign_opts *o, GArray *jobs, int *folder)
{
	struct stat st;

	if (stat(o->path, &st) != 0) {
		msg(o->d, o->path, 0, MSG_SIGN_FILE_FOLDER, i18n_strerror(errno));
		return EXIT_INVALID;
	}
	*folder = S_ISDIR(st.st_mode);
	if (*folder) {
		if (!o->in_place) {
			if (g_mkdir_with_parents(o->output, 0755) != 0) {
				msg(o->d, o->output, 0, MSG_PNG_FOLDER, i18n_strerror(errno));
				return EXIT_SYSTEM;
			}
			if (same_file(o->output, o->path)) {
				msg(o->d, NULL, 0, MSG_SIGN_OUTPUT_IS_FOLDER, o->output);
				return EXIT_USAGE;
			}
		}
		return list_folder(o, jobs);
	}
	struct job j = {0};
	j.in = g_strdup(o->path);
	if (o->in_place)
		j.out = g_strdup(o->path);
	else if (g_file_test(o->output, G_FILE_TEST_IS_DIR)) {
		char *base = g_path_get_basename(o->path);
		j.out = g_build_filename(o->output, base, NULL);
		g_free(base);
	} else
		j.out = g_strdup(o->output);
	g_array_append_val(jobs, j);
	if (!o->in_place && same_file(j.out, j.in)) {
		msg(o->d, NULL, 0, MSG_SIGN_OUTPUT_IS_INPUT, j.out);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int sign_run(const sign_opts *o)
{
	GArray *jobs = g_array_new(FALSE, TRUE, sizeof(struct job));
	struct signer s = {o, NULL, NULL, NULL, NULL};
	int status, folder = 0, tty = isatty(2), worst = EXIT_OK;
	guint ready = 0, signed_n = 0, failed = 0;

	status = plan_jobs(o, jobs, &folder);
	if (status != EXIT_OK)
		goto done;
	/* the images first: a wrong one fails the whole run before anything else */
	s.st = stamp_new(o->d, o->image, o->seal, &status);
	if (s.st == NULL)
		goto done;
	for (guint i = 0; i < jobs->len; i++) {
		struct job *j = &g_array_index(jobs, struct job, i);
		check_job(o, j);
		if (j->status == EXIT_OK)
			ready++;
		else
			worst = j->status > worst ? j->status : worst;
	}
	diag_reset(o->d);
	if (ready > 0) {
		/* one PIN for the whole batch */
		s.k = key_open(o->d, &o->key, &status);
		if (s.k == NULL)
			goto done;
		key_subject(s.k, &s.name, &s.body);
		out_install_signal_cleanup();
	}
	for (guint i = 0; i < jobs->len && ready > 0; i++) {
		struct job *j = &g_array_index(jobs, struct job, i);
		if (j->status != EXIT_OK)
			continue;
		diag_reset(o->d);
		int rc = sign_file(&s, j);
		if (rc != EXIT_OK) {
			job_fail(o->d, j, rc);
			worst = rc > worst ? rc : worst;
		} else
			signed_n++;
		if (tty && folder) {
			fputc('\r', stderr);
			i18n_fprintf(stderr, _("vbgen: signing %'u/%'u"), i + 1, jobs->len);
		}
	}
	if (tty && folder && ready > 0)
		fputc('\n', stderr);
	diag_reset(o->d);
	for (guint i = 0; i < jobs->len && (folder || jobs->len > 1); i++) {
		struct job *j = &g_array_index(jobs, struct job, i);
		if (j->status == EXIT_OK)
			continue;
		failed++;
		msg(o->d, j->in, 0, MSG_SIGN_NOT_SIGNED, j->reason);
	}
	if (!folder && jobs->len == 1 && g_array_index(jobs, struct job, 0).status != EXIT_OK)
		failed = 1;
	status = worst;
	if (!o->quiet && signed_n > 0) {
		if (!folder)
			printf(_("vbgen: signed '%s' of %s as %s into %s\n"), o->field, o->path,
			       s.name, g_array_index(jobs, struct job, 0).out);
		else if (o->in_place)
			i18n_fprintf(stdout,
				     P_("vbgen: signed '%s' in %'u file of %s/ as %s (in place)\n",
					"vbgen: signed '%s' in %'u files of %s/ as %s (in place)\n",
					signed_n),
				     o->field, signed_n, o->path, s.name);
		else
			i18n_fprintf(stdout,
				     P_("vbgen: signed '%s' in %'u file of %s/ as %s into %s/\n",
					"vbgen: signed '%s' in %'u files of %s/ as %s into %s/\n",
					signed_n),
				     o->field, signed_n, o->path, s.name, o->output);
	}
	if (failed > 0 && folder)
		i18n_fprintf(stderr,
			     P_("vbgen: %'u of %'u file not signed (listed above)\n",
				"vbgen: %'u of %'u files not signed (listed above)\n", jobs->len),
			     failed, jobs->len);
done:
	for (guint i = 0; i < jobs->len; i++) {
		struct job *j = &g_array_index(jobs, struct job, i);
		g_free(j->in);
		g_free(j->out);
		g_free(j->reason);
	}
	g_array_free(jobs, TRUE);
	g_free(s.name);
	g_free(s.body);
	key_close(s.k);
	stamp_free(s.st);
	return status;
}
