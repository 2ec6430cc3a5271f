/* key.h - the signer's private key and certificate: from a PKCS#12 file (.p12, .pfx) or
 * from a PKCS#11 token (the USB tokens of the certificate authorities), and the PIN that
 * unlocks them, asked once per run.
 *
 * The PIN is never taken from the command line (anyone on the machine can read that):
 * from --pin-file FILE when given, else from the environment variable VBGEN_PIN when set,
 * else asked on the terminal without echo. A wrong PIN is never retried by itself:
 * tokens lock after a few wrong PINs.
 *
 * Ownership: key_open() returns a key that owns its certificate, chain, and the token's
 * module and session; key_cert() and key_chain() live as long as the key. */
#ifndef VBGEN_KEY_H
#define VBGEN_KEY_H

#include <openssl/x509.h>
#include <stddef.h>

struct diag;

/* A PIN or password longer than this is not one (tokens take 4 to 16 characters); the
 * bound keeps a mistaken --pin-file (a whole document) out of memory. */
#define KEY_MAX_PIN 256

/* A PKCS#12 file larger than this is not a certificate with its key and chain (those
 * are a few kilobytes). */
#define KEY_MAX_P12 (1024 * 1024)

typedef struct key_source {
	const char *p12;       /* --cert FILE.p12, or NULL */
	const char *module;    /* --pkcs11 MODULE.so, or NULL */
	const char *token;     /* --token LABEL, or NULL: the only token present */
	const char *key_label; /* --key LABEL, or NULL: the only key on the token */
	const char *pin_file;  /* --pin-file FILE, or NULL */
} key_source;

typedef struct key key;

/* Opens the key, asking for its PIN (once). The key reports to d (the caller's, which
 * outlives it), here and in key_sign(). NULL after reporting, with *status set:
 * EXIT_INVALID (wrong PIN, no private key, expired certificate, no such token or key),
 * EXIT_USAGE (no PIN can be had: no terminal and neither --pin-file nor VBGEN_PIN), or
 * EXIT_SYSTEM (the module or the file cannot be loaded). */
key *key_open(struct diag *d, const key_source *src, int *status);
void key_close(key *k);

/* The signer's certificate, and the others given with it (the chain; may be empty). */
X509 *key_cert(const key *k);
STACK_OF(X509) * key_chain(const key *k);

/* Signs data with SHA-256 (RSA PKCS#1 v1.5 or ECDSA, as the key is): returns the
 * signature value as CMS wants it (g_free) and its length in *len, or NULL after
 * reporting to the key's diag (file names the document being signed). */
unsigned char *key_sign(key *k, const unsigned char *data, size_t len, size_t *siglen,
			const char *file);

/* Who signs, for the visible signature: the certificate's common name and its
 * organisation (organisational unit, organisation), UTF-8 in NFC, "" when absent;
 * g_free both. */
void key_subject(const key *k, char **name, char **body);

#endif
