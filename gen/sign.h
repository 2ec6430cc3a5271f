/* sign.h - `vbgen sign`: digital signatures (ký số) into the signing places of the
 * documents vbgen made, one file or a whole folder with one PIN.
 *
 * Each signature is an incremental update (pdfup.h) of the file as it is, so the
 * signatures before it stay valid: the head signs "head", then the chairman signs
 * "receiver", and both verify. The signature is PAdES baseline B-B (cms.h) with the
 * signing time in /M, its appearance as Decree 30 describes it (stamp.h).
 *
 * Every file is checked (a vbgen PDF, the field there and not yet signed) and the
 * images read before the PIN is asked, so that a mistake costs no PIN entry; a batch
 * goes on past a failed file and lists the failures at the end. No file is ever left
 * half-written: each is written beside its final name and renamed when complete. */
#ifndef VBGEN_SIGN_H
#define VBGEN_SIGN_H

#include "key.h"

/* Room for the signature container in each file: the signer's certificate and a chain
 * of up to four more (at most 2 KB each, RSA-4096 included), the signed attributes and a
 * 512-byte signature fit in well under this. The room is fixed before signing (the
 * signature covers the bytes around it) and every unused byte costs two hex zeros in
 * the file, so it is generous, not boundless. */
#define SIGN_CMS_MAX 16384

/* A folder holding more PDFs than this is not a batch of documents (a plan has a few
 * hundred agencies at most); the bound keeps a wrong folder from being read whole. */
#define SIGN_MAX_FILES 100000

/* The longest field name: vbgen's are short words ("head", "receiver", "signer"). */
#define SIGN_MAX_FIELD 64

typedef struct sign_opts {
	const char *path;   /* FILE.pdf, or a folder: every *.pdf in it */
	const char *field;  /* --field NAME */
	key_source key;     /* --cert, or --pkcs11 with --token and --key; --pin-file */
	const char *image;  /* --image SIGNATURE.png, or NULL */
	const char *seal;   /* --seal SEAL.png, or NULL */
	const char *reason; /* --reason TEXT, or NULL */
	const char *output; /* -o: the signed file, or a folder to put it (them) in */
	int in_place;       /* --in-place: replace the input files */
	int quiet;          /* -q: no summary line */
	struct diag *d;     /* the run's: each file is counted in it afresh (diag_reset) */
} sign_opts;

/* Signs. Returns EXIT_OK; EXIT_INVALID when some file was not signed (each listed with
 * its reason) or the PIN was wrong; EXIT_USAGE when the output is the input without
 * --in-place or no PIN can be had; EXIT_SYSTEM. */
int sign_run(const sign_opts *o);

#endif
