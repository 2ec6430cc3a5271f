/* key.c - the signer's key: a PKCS#12 file through OpenSSL, or a PKCS#11 token through
 * its module loaded with p11-kit; see key.h.
 *
 * For a token, vbgen hashes on the computer and asks the token only for the raw
 * signature operation (CKM_RSA_PKCS over a DigestInfo, CKM_ECDSA over the hash): every
 * token supports those, while the combined hash-and-sign mechanisms are optional, and
 * OpenSSL never has to treat the token's key as its own (engines and providers for
 * PKCS#11 differ from one OpenSSL version to the next). p11-kit loads and initialises the
 * module the way the rest of the system does; the PKCS#11 calls are ours and few. */
#include "key.h"

#include "diag.h"
#include "i18n.h"
#include "msg.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>
#include <p11-kit/p11-kit.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

/* Certificates and keys looked at on one token; a token holds a handful. */
#define KEY_MAX_OBJECTS 64

/* The DER prefix of a SHA-256 DigestInfo (RFC 8017, 9.2 note 1): what CKM_RSA_PKCS
 * signs, followed by the 32-byte hash. */
static const unsigned char sha256_prefix[19] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
						0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
						0x01, 0x05, 0x00, 0x04, 0x20};

struct key {
	struct diag *d; /* the caller's: where the key reports, as long as it is open */
	X509 *cert;
	STACK_OF(X509) * chain;
	EVP_PKEY *pkey; /* PKCS#12 */
	OSSL_PROVIDER *legacy, *deflt;
	CK_FUNCTION_LIST *mod; /* PKCS#11 */
	CK_SESSION_HANDLE session;
	CK_OBJECT_HANDLE handle;
	int logged_in;
	char *label; /* the token's, for messages */
};

/* ------------------------------------------------------------------ the PIN */

static struct termios tty_saved;
static volatile sig_atomic_t tty_fd = -1;
static struct sigaction old_int, old_term, old_hup;

/* A signal while echo is off: the terminal gets its echo back before vbgen stops. */
static void tty_restore(int sig)
{
	if (tty_fd >= 0)
		tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	raise(sig);
}

/* Reads a line from the terminal without echo; NULL when there is no terminal. */
static char *ask_tty(const char *prompt)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY);
	struct termios t;
	struct sigaction sa;
	char *pin, c;
	size_t n = 0;
	int echo_off;

	if (fd < 0)
		return NULL;
	pin = g_malloc0(KEY_MAX_PIN + 1);
	echo_off = tcgetattr(fd, &tty_saved) == 0;
	if (echo_off) {
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = tty_restore;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
		sigaction(SIGHUP, &sa, &old_hup);
		t = tty_saved;
		t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		t.c_lflag |= ICANON;
		tty_fd = fd;
		tcsetattr(fd, TCSAFLUSH, &t);
	}
	/* a prompt that cannot be shown still leaves the line to read */
	ssize_t shown = write(fd, prompt, strlen(prompt));
	while (read(fd, &c, 1) == 1 && c != '\n' && c != '\r')
		if (n < KEY_MAX_PIN)
			pin[n++] = c;
	if (shown > 0)
		shown = write(fd, "\n", 1); /* the typed line was not echoed */
	if (echo_off) {
		tcsetattr(fd, TCSAFLUSH, &tty_saved);
		tty_fd = -1;
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGHUP, &old_hup, NULL);
	}
	close(fd);
	return pin;
}

static char *pin_from_file(struct diag *d, const char *path, int *status)
{
	int fd = open(path, O_RDONLY | O_NOCTTY);
	struct stat st;
	char *pin;
	ssize_t got;

	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		msg(d, path, 0, MSG_KEY_PIN_FILE_READ,
		    fd < 0 ? ": " : _(" (it is not a regular file)"),
		    fd < 0 ? i18n_strerror(errno) : "");
		if (fd >= 0)
			close(fd);
		*status = EXIT_INVALID;
		return NULL;
	}
	if (st.st_mode & 077)
		msg(d, path, 0, MSG_KEY_USERS_COMPUTER_READ, path);
	pin = g_malloc0(KEY_MAX_PIN + 2);
	got = read(fd, pin, KEY_MAX_PIN + 1);
	close(fd);
	if (got < 0 || (got > KEY_MAX_PIN && memchr(pin, '\n', KEY_MAX_PIN) == NULL)) {
		msg(d, path, 0, MSG_KEY_PIN_FILE_PIN, KEY_MAX_PIN);
		OPENSSL_cleanse(pin, KEY_MAX_PIN + 2);
		g_free(pin);
		*status = EXIT_INVALID;
		return NULL;
	}
	pin[strcspn(pin, "\r\n")] = '\0';
	return pin;
}

/* The PIN for what (e.g. "the password of cert.p12"): --pin-file, VBGEN_PIN, then the
 * terminal. What is given explicitly wins over asking: a script run from a terminal
 * with --pin-file must not stop to ask. NULL after reporting, with *status set. */
static char *get_pin(struct diag *d, const char *what, const char *pin_file, int *status)
{
	const char *env = getenv("VBGEN_PIN");
	char *prompt, *pin;

	if (pin_file != NULL)
		return pin_from_file(d, pin_file, status);
	if (env != NULL) {
		if (strlen(env) > KEY_MAX_PIN) {
			msg(d, NULL, 0, MSG_KEY_VBGEN_PIN_LONGER, KEY_MAX_PIN);
			*status = EXIT_INVALID;
			return NULL;
		}
		return g_strdup(env);
	}
	prompt = g_strdup_printf(_("vbgen: type %s (not shown as you type): "), what);
	pin = ask_tty(prompt);
	g_free(prompt);
	if (pin == NULL) {
		msg(d, NULL, 0, MSG_KEY_TERMINAL_ASK_PUT, what);
		*status = EXIT_USAGE;
	}
	return pin;
}

static void free_pin(char *pin)
{
	if (pin == NULL)
		return;
	OPENSSL_cleanse(pin, strlen(pin));
	g_free(pin);
}

/* ------------------------------------------------------------------ checks */

static char *time_text(const ASN1_TIME *t)
{
	struct tm tm;

	if (ASN1_TIME_to_tm(t, &tm) != 1)
		return g_strdup("?");
	return g_strdup_printf("%02d/%02d/%04d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
}

/* A certificate that cannot make a valid signature today is refused before anything is
 * signed: every letter signed with it would be rejected. */
static int check_cert(struct diag *d, X509 *cert, const char *source)
{
	uint32_t ku = X509_get_key_usage(cert);
	char *when;

	if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0) {
		when = time_text(X509_get0_notAfter(cert));
		msg(d, source, 0, MSG_KEY_CERTIFICATE_EXPIRED_SIGNATURE, when);
		g_free(when);
		return EXIT_INVALID;
	}
	if (X509_cmp_current_time(X509_get0_notBefore(cert)) > 0) {
		when = time_text(X509_get0_notBefore(cert));
		msg(d, source, 0, MSG_KEY_CERTIFICATE_VALID_COMPUTER, when);
		g_free(when);
		return EXIT_INVALID;
	}
	if (ku != UINT32_MAX && !(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
		msg(d, source, 0, MSG_KEY_CERTIFICATE_MEANT_SIGNING);
		return EXIT_INVALID;
	}
	int type = EVP_PKEY_get_base_id(X509_get0_pubkey(cert));
	if (type != EVP_PKEY_RSA && type != EVP_PKEY_EC) {
		msg(d, source, 0, MSG_KEY_KIND_UNSUPPORTED);
		return EXIT_INVALID;
	}
	return EXIT_OK;
}

static const char *ossl_reason(void)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e != 0 ? ERR_reason_error_string(e) : NULL;

	return r != NULL ? r : _("unknown reason");
}

/* ------------------------------------------------------------------ PKCS#12 */

static key *open_p12(key *k, const key_source *src, int *status)
{
	gchar *bytes = NULL;
	gsize size = 0;
	GError *err = NULL;
	const unsigned char *p;
	PKCS12 *p12;
	char *pin, *what;
	int ok;

	if (!g_file_get_contents(src->p12, &bytes, &size, &err) || size > KEY_MAX_P12) {
		msg(k->d, src->p12, 0, MSG_KEY_READ_CERTIFICATE_FILE,
		    err ? ": " : _(" (it is too large to be one)"), err ? err->message : "");
		g_clear_error(&err);
		g_free(bytes);
		*status = EXIT_INVALID;
		return NULL;
	}
	p = (const unsigned char *)bytes;
	p12 = d2i_PKCS12(NULL, &p, (long)size);
	g_free(bytes);
	if (p12 == NULL) {
		msg(k->d, src->p12, 0, MSG_KEY_PKCS_CERTIFICATE_FILE);
		*status = EXIT_INVALID;
		return NULL;
	}
	/* Files exported by Windows and older tools use RC2 or 3DES, which OpenSSL 3 keeps in
	 * its legacy provider; loading it replaces the implicit default, so both are loaded. */
	k->legacy = OSSL_PROVIDER_load(NULL, "legacy");
	k->deflt = OSSL_PROVIDER_load(NULL, "default");
	what = g_strdup_printf(_("the password of %s"), src->p12);
	pin = get_pin(k->d, what, src->pin_file, status);
	g_free(what);
	if (pin == NULL) {
		PKCS12_free(p12);
		return NULL;
	}
	ok = !PKCS12_mac_present(p12) || PKCS12_verify_mac(p12, pin, -1) ||
	     (pin[0] == '\0' && PKCS12_verify_mac(p12, NULL, 0));
	if (!ok) {
		msg(k->d, src->p12, 0, MSG_KEY_PASSWORD_WRONG_NOTHING);
		free_pin(pin);
		PKCS12_free(p12);
		*status = EXIT_INVALID;
		return NULL;
	}
	ERR_clear_error();
	ok = PKCS12_parse(p12, pin, &k->pkey, &k->cert, &k->chain);
	free_pin(pin);
	PKCS12_free(p12);
	if (!ok) {
		msg(k->d, src->p12, 0, MSG_KEY_CERTIFICATE_FILE_OPENED, ossl_reason());
		*status = EXIT_SYSTEM;
		return NULL;
	}
	if (k->pkey == NULL || k->cert == NULL) {
		msg(k->d, src->p12, 0, MSG_KEY_FILE_HOLDS_EXPORT,
		    k->pkey == NULL ? _("a certificate but no private key to sign with")
				    : _("a private key but no certificate"));
		*status = EXIT_INVALID;
		return NULL;
	}
	if (!X509_check_private_key(k->cert, k->pkey)) {
		msg(k->d, src->p12, 0, MSG_KEY_PRIVATE_KEY_FILE);
		*status = EXIT_INVALID;
		return NULL;
	}
	if (k->chain == NULL)
		k->chain = sk_X509_new_null();
	*status = check_cert(k->d, k->cert, src->p12);
	return *status == EXIT_OK ? k : NULL;
}

/* ------------------------------------------------------------------ PKCS#11 */

static char *token_text(const unsigned char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\0'))
		n--;
	return g_strndup((const char *)s, n);
}

/* Reads one attribute of an object (value g_free'd by the caller), or NULL. */
static unsigned char *get_attr(key *k, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type, size_t *len)
{
	CK_ATTRIBUTE a = {type, NULL, 0};

	if (k->mod->C_GetAttributeValue(k->session, o, &a, 1) != CKR_OK ||
	    a.ulValueLen == CK_UNAVAILABLE_INFORMATION || a.ulValueLen > 65536)
		return NULL;
	a.pValue = g_malloc(a.ulValueLen + 1);
	if (k->mod->C_GetAttributeValue(k->session, o, &a, 1) != CKR_OK) {
		g_free(a.pValue);
		return NULL;
	}
	((unsigned char *)a.pValue)[a.ulValueLen] = '\0';
	*len = a.ulValueLen;
	return a.pValue;
}

/* The handles of the objects of one class on the token. */
static CK_ULONG find_objects(key *k, CK_OBJECT_CLASS cls, CK_OBJECT_HANDLE *out)
{
	CK_ATTRIBUTE tmpl = {CKA_CLASS, &cls, sizeof cls};
	CK_ULONG n = 0;

	if (k->mod->C_FindObjectsInit(k->session, &tmpl, 1) != CKR_OK)
		return 0;
	if (k->mod->C_FindObjects(k->session, out, KEY_MAX_OBJECTS, &n) != CKR_OK)
		n = 0;
	k->mod->C_FindObjectsFinal(k->session);
	return n;
}

struct tok_obj {
	CK_OBJECT_HANDLE h;
	unsigned char *id;
	size_t id_len;
	char *label;
	X509 *cert; /* certificates */
};

static void tok_objs_free(struct tok_obj *o, CK_ULONG n)
{
	for (CK_ULONG i = 0; i < n; i++) {
		g_free(o[i].id);
		g_free(o[i].label);
		X509_free(o[i].cert);
	}
}

static CK_ULONG read_objects(key *k, CK_OBJECT_CLASS cls, struct tok_obj *o)
{
	CK_OBJECT_HANDLE h[KEY_MAX_OBJECTS];
	CK_ULONG n = find_objects(k, cls, h), got = 0;

	for (CK_ULONG i = 0; i < n; i++) {
		struct tok_obj *t = &o[got];
		size_t len = 0;
		memset(t, 0, sizeof *t);
		t->h = h[i];
		t->id = get_attr(k, h[i], CKA_ID, &t->id_len);
		t->label = (char *)get_attr(k, h[i], CKA_LABEL, &len);
		if (cls == CKO_CERTIFICATE) {
			unsigned char *der = get_attr(k, h[i], CKA_VALUE, &len);
			const unsigned char *p = der;
			t->cert = der != NULL ? d2i_X509(NULL, &p, (long)len) : NULL;
			g_free(der);
			if (t->cert == NULL) {
				tok_objs_free(t, 1);
				continue;
			}
		}
		got++;
	}
	return got;
}

static int same_id(const struct tok_obj *a, const struct tok_obj *b)
{
	return a->id != NULL && b->id != NULL && a->id_len == b->id_len &&
	       memcmp(a->id, b->id, a->id_len) == 0;
}

static const char *p11_error(CK_RV rv)
{
	const char *m = p11_kit_strerror(rv);

	return m != NULL ? m : _("unknown error");
}

/* Picks the token: the one labelled src->token, or the only one present. */
static int pick_slot(key *k, const key_source *src, CK_SLOT_ID *slot, CK_TOKEN_INFO *info)
{
	CK_SLOT_ID slots[KEY_MAX_OBJECTS];
	CK_ULONG n = KEY_MAX_OBJECTS;
	GString *labels = g_string_new(NULL);
	int found = 0;

	if (k->mod->C_GetSlotList(CK_TRUE, slots, &n) != CKR_OK)
		n = 0;
	for (CK_ULONG i = 0; i < n; i++) {
		CK_TOKEN_INFO ti;
		char *label;
		if (k->mod->C_GetTokenInfo(slots[i], &ti) != CKR_OK ||
		    !(ti.flags & CKF_TOKEN_INITIALIZED))
			continue;
		label = token_text(ti.label, sizeof ti.label);
		g_string_append_printf(labels, "%s'%s'", labels->len ? ", " : "", label);
		if (src->token == NULL ? found == 0 : strcmp(label, src->token) == 0) {
			*slot = slots[i];
			*info = ti;
			g_free(k->label);
			k->label = g_strdup(label);
		}
		if (src->token == NULL || strcmp(label, src->token) == 0)
			found++;
		g_free(label);
	}
	if (found == 1) {
		g_string_free(labels, TRUE);
		return EXIT_OK;
	}
	if (found == 0 && labels->len == 0)
		msg(k->d, src->module, 0, MSG_KEY_TOKEN_PLUGGED_PLUG);
	else if (found == 0)
		msg(k->d, src->module, 0, MSG_KEY_TOKEN_LABELLED_TOKENS, src->token, labels->str);
	else
		msg(k->d, src->module, 0, MSG_KEY_TOKENS_PLUGGED_TOKEN, found, labels->str);
	g_string_free(labels, TRUE);
	return EXIT_INVALID;
}

static int token_login(key *k, const key_source *src, CK_SLOT_ID slot, CK_TOKEN_INFO *info)
{
	char *pin = NULL, *what;
	int status = EXIT_OK;
	CK_RV rv;

	if (info->flags & CKF_USER_PIN_LOCKED) {
		msg(k->d, src->module, 0, MSG_KEY_TOKEN_LOCKED_AFTER, k->label);
		return EXIT_INVALID;
	}
	if (info->flags & CKF_USER_PIN_FINAL_TRY)
		msg(k->d, src->module, 0, MSG_KEY_TOKEN_ALLOWS_TRY, k->label);
	if (info->flags & CKF_PROTECTED_AUTHENTICATION_PATH) {
		fprintf(stderr, _("vbgen: enter the PIN on the keypad of the token '%s'\n"),
			k->label);
	} else {
		what = g_strdup_printf(_("the PIN of the token '%s'"), k->label);
		pin = get_pin(k->d, what, src->pin_file, &status);
		g_free(what);
		if (pin == NULL)
			return status;
	}
	rv = k->mod->C_Login(k->session, CKU_USER, (CK_UTF8CHAR_PTR)pin,
			     pin != NULL ? strlen(pin) : 0);
	free_pin(pin);
	if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) {
		k->logged_in = rv == CKR_OK;
		return EXIT_OK;
	}
	if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LEN_RANGE) {
		CK_TOKEN_INFO after;
		int final = k->mod->C_GetTokenInfo(slot, &after) == CKR_OK &&
			    (after.flags & CKF_USER_PIN_FINAL_TRY);
		msg(k->d, src->module, 0, MSG_KEY_PIN_TOKEN_WRONG, k->label,
		    final ? _(" (careful: one more wrong PIN locks the token)")
			  : _(" (the token locks itself after a few wrong PINs)"));
	} else if (rv == CKR_PIN_LOCKED)
		msg(k->d, src->module, 0, MSG_KEY_TOKEN_LOCKED_AFTER, k->label);
	else {
		msg(k->d, src->module, 0, MSG_KEY_TOKEN_REFUSED_LOGIN, k->label, p11_error(rv));
		return EXIT_SYSTEM;
	}
	return EXIT_INVALID;
}

/* The issuers of cert among the token's other certificates, nearest first. */
static void token_chain(key *k, struct tok_obj *certs, CK_ULONG ncerts)
{
	X509 *at = k->cert;

	k->chain = sk_X509_new_null();
	for (int depth = 0; depth < KEY_MAX_OBJECTS; depth++) {
		X509 *next = NULL;
		if (X509_check_issued(at, at) == X509_V_OK)
			break; /* a self-signed root ends the chain */
		for (CK_ULONG i = 0; i < ncerts && next == NULL; i++)
			if (certs[i].cert != at &&
			    X509_check_issued(certs[i].cert, at) == X509_V_OK)
				next = certs[i].cert;
		if (next == NULL)
			break;
		X509_up_ref(next);
		sk_X509_push(k->chain, next);
		at = next;
	}
}

static key *open_token(key *k, const key_source *src, int *status)
{
	struct tok_obj certs[KEY_MAX_OBJECTS], keys[KEY_MAX_OBJECTS];
	CK_ULONG ncerts = 0, nkeys = 0;
	CK_SLOT_ID slot = 0;
	CK_TOKEN_INFO info;
	CK_RV rv;
	const struct tok_obj *chosen = NULL;
	int matches = 0;

	k->mod = p11_kit_module_load(src->module, 0);
	if (k->mod == NULL) {
		msg(k->d, src->module, 0, MSG_KEY_LOAD_TOKEN_MODULE,
		    p11_kit_message() ? p11_kit_message() : _("not a PKCS#11 module"));
		*status = EXIT_SYSTEM;
		return NULL;
	}
	rv = p11_kit_module_initialize(k->mod);
	if (rv != CKR_OK) {
		msg(k->d, src->module, 0, MSG_KEY_TOKEN_MODULE_START, p11_error(rv));
		p11_kit_module_release(k->mod);
		k->mod = NULL;
		*status = EXIT_SYSTEM;
		return NULL;
	}
	*status = pick_slot(k, src, &slot, &info);
	if (*status != EXIT_OK)
		return NULL;
	rv = k->mod->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &k->session);
	if (rv != CKR_OK) {
		msg(k->d, src->module, 0, MSG_KEY_TALK_TOKEN, k->label, p11_error(rv));
		k->session = CK_INVALID_HANDLE;
		*status = EXIT_SYSTEM;
		return NULL;
	}
	*status = token_login(k, src, slot, &info);
	if (*status != EXIT_OK)
		return NULL;
	ncerts = read_objects(k, CKO_CERTIFICATE, certs);
	nkeys = read_objects(k, CKO_PRIVATE_KEY, keys);
	/* the key: named with --key (its label or its certificate's), else the only one
	 * that has a certificate */
	for (CK_ULONG i = 0; i < nkeys; i++) {
		const struct tok_obj *cert = NULL;
		for (CK_ULONG c = 0; c < ncerts && cert == NULL; c++)
			if (same_id(&keys[i], &certs[c]))
				cert = &certs[c];
		int named = src->key_label == NULL ||
			    (keys[i].label != NULL && strcmp(keys[i].label, src->key_label) == 0) ||
			    (cert != NULL && cert->label != NULL &&
			     strcmp(cert->label, src->key_label) == 0);
		if (!named || (src->key_label == NULL && cert == NULL))
			continue;
		matches++;
		chosen = &keys[i];
		k->handle = keys[i].h;
		X509_free(k->cert);
		k->cert = cert != NULL ? X509_dup(cert->cert) : NULL;
	}
	if (matches != 1 || k->cert == NULL) {
		GString *names = g_string_new(NULL);
		for (CK_ULONG i = 0; i < nkeys; i++)
			g_string_append_printf(names, "%s'%s'", names->len ? ", " : "",
					       keys[i].label ? keys[i].label : _("(no label)"));
		if (nkeys == 0)
			msg(k->d, src->module, 0, MSG_KEY_TOKEN_HOLDS_PRIVATE, k->label);
		else if (matches == 0 && src->key_label != NULL)
			msg(k->d, src->module, 0, MSG_KEY_TOKEN_KEY_LABELLED, k->label,
			    src->key_label, names->str);
		else if (matches == 0 || k->cert == NULL)
			msg(k->d, src->module, 0, MSG_KEY_TOKEN_HOLDS_PRIVATE_KEY, k->label,
			    chosen != NULL && chosen->label ? chosen->label : names->str);
		else
			msg(k->d, src->module, 0, MSG_KEY_TOKEN_HOLDS_SEVERAL, k->label,
			    names->str);
		g_string_free(names, TRUE);
		*status = EXIT_INVALID;
	} else {
		token_chain(k, certs, ncerts);
		*status = check_cert(k->d, k->cert, src->module);
	}
	tok_objs_free(certs, ncerts);
	tok_objs_free(keys, nkeys);
	return *status == EXIT_OK ? k : NULL;
}

/* ------------------------------------------------------------------ the key */

key *key_open(struct diag *d, const key_source *src, int *status)
{
	key *k = g_new0(key, 1), *r;

	k->d = d;
	k->session = CK_INVALID_HANDLE;
	r = src->p12 != NULL ? open_p12(k, src, status) : open_token(k, src, status);
	if (r == NULL)
		key_close(k);
	return r;
}

void key_close(key *k)
{
	if (k == NULL)
		return;
	X509_free(k->cert);
	sk_X509_pop_free(k->chain, X509_free);
	EVP_PKEY_free(k->pkey);
	if (k->mod != NULL) {
		if (k->session != CK_INVALID_HANDLE) {
			if (k->logged_in)
				k->mod->C_Logout(k->session);
			k->mod->C_CloseSession(k->session);
		}
		p11_kit_module_finalize(k->mod);
		p11_kit_module_release(k->mod);
	}
	if (k->legacy != NULL)
		OSSL_PROVIDER_unload(k->legacy);
	if (k->deflt != NULL)
		OSSL_PROVIDER_unload(k->deflt);
	g_free(k->label);
	g_free(k);
}

X509 *key_cert(const key *k)
{
	return k->cert;
}

STACK_OF(X509) * key_chain(const key *k)
{
	return k->chain;
}

/* The token's raw signature: CKM_RSA_PKCS over the DigestInfo, or CKM_ECDSA over the
 * hash (r || s, turned into the DER that CMS carries). */
static unsigned char *token_sign(key *k, const unsigned char hash[32], size_t *siglen,
				 const char *file)
{
	int ec = EVP_PKEY_get_base_id(X509_get0_pubkey(k->cert)) == EVP_PKEY_EC;
	CK_MECHANISM mech = {ec ? CKM_ECDSA : CKM_RSA_PKCS, NULL, 0};
	unsigned char in[sizeof sha256_prefix + 32], *sig;
	CK_ULONG inlen = 32, outlen = 0;
	CK_RV rv;

	if (ec)
		memcpy(in, hash, 32);
	else {
		memcpy(in, sha256_prefix, sizeof sha256_prefix);
		memcpy(in + sizeof sha256_prefix, hash, 32);
		inlen = sizeof in;
	}
	rv = k->mod->C_SignInit(k->session, &mech, k->handle);
	if (rv == CKR_OK)
		rv = k->mod->C_Sign(k->session, in, inlen, NULL, &outlen);
	if (rv != CKR_OK || outlen == 0 || outlen > 4096) {
		msg(k->d, file, 0, MSG_KEY_TOKEN_SIGN, k->label,
		    rv != CKR_OK ? p11_error(rv) : _("no signature"));
		return NULL;
	}
	sig = g_malloc(outlen);
	rv = k->mod->C_Sign(k->session, in, inlen, sig, &outlen);
	if (rv != CKR_OK) {
		msg(k->d, file, 0, MSG_KEY_TOKEN_SIGN, k->label, p11_error(rv));
		g_free(sig);
		return NULL;
	}
	if (ec) {
		ECDSA_SIG *es = ECDSA_SIG_new();
		unsigned char *der = NULL;
		int n;
		ECDSA_SIG_set0(es, BN_bin2bn(sig, (int)outlen / 2, NULL),
			       BN_bin2bn(sig + outlen / 2, (int)outlen / 2, NULL));
		n = i2d_ECDSA_SIG(es, &der);
		ECDSA_SIG_free(es);
		g_free(sig);
		if (n <= 0)
			return NULL;
		sig = g_memdup2(der, (gsize)n);
		OPENSSL_free(der);
		outlen = (CK_ULONG)n;
	}
	*siglen = outlen;
	return sig;
}

unsigned char *key_sign(key *k, const unsigned char *data, size_t len, size_t *siglen,
			const char *file)
{
	unsigned char hash[32], *sig = NULL;
	EVP_MD_CTX *ctx;
	size_t n = 0;

	if (k->mod != NULL) {
		SHA256(data, len, hash);
		return token_sign(k, hash, siglen, file);
	}
	ctx = EVP_MD_CTX_new();
	if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k->pkey) == 1 &&
	    EVP_DigestSign(ctx, NULL, &n, data, len) == 1) {
		sig = g_malloc(n);
		if (EVP_DigestSign(ctx, sig, &n, data, len) != 1) {
			g_free(sig);
			sig = NULL;
		}
	}
	EVP_MD_CTX_free(ctx);
	if (sig == NULL)
		msg(k->d, file, 0, MSG_KEY_SIGNATURE_COMPUTED, ossl_reason());
	*siglen = n;
	return sig;
}

static char *name_entry(const X509_NAME *name, int nid)
{
	int i = X509_NAME_get_index_by_NID(name, nid, -1);
	unsigned char *u = NULL;
	char *s, *nfc;
	int n;

	if (i < 0)
		return g_strdup("");
	n = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
	if (n < 0)
		return g_strdup("");
	s = g_strndup((const char *)u, (gsize)n);
	OPENSSL_free(u);
	nfc = g_utf8_validate(s, -1, NULL) ? g_utf8_normalize(s, -1, G_NORMALIZE_NFC) : NULL;
	g_free(s);
	return nfc != NULL ? nfc : g_strdup("");
}

void key_subject(const key *k, char **name, char **body)
{
	const X509_NAME *subj = X509_get_subject_name(k->cert);
	char *ou = name_entry(subj, NID_organizationalUnitName);
	char *o = name_entry(subj, NID_organizationName);

	*name = name_entry(subj, NID_commonName);
	if (*ou && *o)
		*body = g_strdup_printf("%s, %s", ou, o);
	else
		*body = g_strdup(*ou ? ou : o);
	g_free(ou);
	g_free(o);
}
