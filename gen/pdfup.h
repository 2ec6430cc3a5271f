/* pdfup.h - an incremental update of a PDF: new and replaced objects appended after the
 * file's last byte, with their own cross-reference section chained to the previous one
 * by /Prev. The bytes before the update are never changed, so that the signatures they
 * hold stay valid.
 *
 * The update is built in memory (a signature needs the whole file's final bytes before
 * it can be computed); sign.c writes the original bytes and the update to disk.
 *
 * Ownership: pdfup_new() returns an update that owns its buffer; pdfup_bytes() points
 * into it until pdfup_free(). */
#ifndef VBGEN_PDFUP_H
#define VBGEN_PDFUP_H

#include <glib.h>

typedef struct pdfup pdfup;

/* Starts an update of a file of base_len bytes whose newest trailer has /Size size and
 * whose newest cross-reference table is at prev. nl: the file does not end with a line
 * end, so the update starts with one. */
pdfup *pdfup_new(long base_len, int size, long prev, int nl);
void pdfup_free(pdfup *u);

/* A new object number. */
int pdfup_alloc(pdfup *u);

/* Starts object num (new or replacing one): writes "num 0 obj\n" and records where.
 * Then append its body to pdfup_buf() and close it with pdfup_end(). */
void pdfup_begin(pdfup *u, int num);
GString *pdfup_buf(pdfup *u);
void pdfup_end(pdfup *u);

/* Writes object num as a stream: dict_extra (entries besides /Length and /Filter, may be
 * "") and data, compressed with zlib unless compressed is already (then /FlateDecode is
 * declared and data written as is). */
void pdfup_stream(pdfup *u, int num, const char *dict_extra, const unsigned char *data, size_t len,
		  int compressed);

/* Where in the whole file (original + update) the update's next byte will be. */
long pdfup_pos(const pdfup *u);

/* Writes the cross-reference section and the trailer: /Size, /Prev and trailer_extra
 * (the entries carried over: /Root, /Info, /ID ...). */
void pdfup_finish(pdfup *u, const char *trailer_extra);

/* The update's bytes (to append to the original) and their number. */
unsigned char *pdfup_bytes(pdfup *u, size_t *len);

#endif
