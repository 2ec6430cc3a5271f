/* pdfin.h - reading back the PDFs vbgen made, for signing them.
 *
 * Not a general PDF reader: it reads exactly what vbgen's writer (pdf.c) and its signing
 * (sign.c) produce: classic cross-reference tables chained by /Prev, uncompressed
 * objects, dictionaries, arrays, strings, names, numbers and references. Anything else
 * (cross-reference or object streams, encryption, a broken table) is refused with a
 * message saying to sign the file vbgen made, never guessed at.
 *
 * Ownership: pdfin_open() returns a reader that borrows the file's bytes (the caller
 * keeps them alive until pdfin_close()) and owns every value it parsed; pointers to
 * values live until pdfin_close(). */
#ifndef VBGEN_PDFIN_H
#define VBGEN_PDFIN_H

#include <glib.h>
#include <stddef.h>

struct diag;

/* A file larger than this is not one of vbgen's documents (a 1,000-page plan is about
 * 10 MB); reading it whole into memory would only waste it. */
#define PDFIN_MAX_FILE (256L * 1024 * 1024)

/* Revisions (incremental updates) followed through /Prev: vbgen's file, the signature
 * fields' update, and one per signature; a chain longer than this is a loop or not ours. */
#define PDFIN_MAX_REVISIONS 256

/* Arrays and dictionaries nest this deep at most in vbgen's objects (a few levels);
 * deeper is a damaged or hostile file, refused before the stack runs out. */
#define PDFIN_MAX_DEPTH 32

enum pdfin_kind {
	PDFIN_NULL,
	PDFIN_BOOL,
	PDFIN_NUMBER,
	PDFIN_STRING,
	PDFIN_NAME,
	PDFIN_ARRAY,
	PDFIN_DICT,
	PDFIN_REF,
};

typedef struct pdfin_val pdfin_val;

struct pdfin_val {
	enum pdfin_kind kind;
	double num;       /* NUMBER; BOOL (0 or 1) */
	const char *text; /* NUMBER: as written; NAME: decoded, without '/' */
	const char *str;  /* STRING: decoded bytes (len of them, NUL-terminated) */
	size_t len;
	GPtrArray *items; /* ARRAY: values; DICT: key (NAME), value, key, value ... */
	int ref;          /* REF: object number (generation 0 in vbgen's files) */
	int gen;
};

typedef struct pdfin pdfin;

/* Reads the cross-reference tables and trailers of data (len bytes of the file at path,
 * named in messages). NULL after reporting to d (DIAG_ERROR: not a PDF vbgen made, or
 * damaged); the reader keeps d for the objects it parses later, so d outlives it. */
pdfin *pdfin_open(struct diag *d, const char *path, const unsigned char *data, size_t len);
void pdfin_close(pdfin *r);

/* The newest trailer dictionary. */
const pdfin_val *pdfin_trailer(const pdfin *r);
/* Where the newest cross-reference table starts (for the next update's /Prev). */
long pdfin_startxref(const pdfin *r);

/* Object num as of the newest revision; NULL after reporting when it is missing or
 * cannot be read. */
const pdfin_val *pdfin_object(pdfin *r, int num);
/* v itself, or the object it refers to (NULL after reporting); NULL stays NULL. */
const pdfin_val *pdfin_resolve(pdfin *r, const pdfin_val *v);

/* The value of key in a dictionary, or NULL (also when d is not a dictionary). */
const pdfin_val *pdfin_get(const pdfin_val *d, const char *key);
/* True when v is the name n. */
int pdfin_is_name(const pdfin_val *v, const char *n);

/* Appends v as PDF syntax: a dictionary read and written back means the same thing. */
void pdfin_write(GString *out, const pdfin_val *v);
/* Appends dictionary d written back with changes: pairs of a key (without '/') and its
 * new value in PDF syntax (NULL: the key is left out), ended by a NULL key. Keys not in
 * d are added at the end. */
void pdfin_write_dict(GString *out, const pdfin_val *d, const char *const *changes);

#endif
