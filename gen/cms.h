/* cms.h - the signature itself: a CMS SignedData as PAdES baseline B-B asks for it
 * (ETSI EN 319 142-1, SubFilter ETSI.CAdES.detached).
 *
 * Detached (the PDF's byte ranges are the content, not carried), SHA-256, signed
 * attributes content-type, message-digest and signing-certificate-v2 (the certificate
 * the signer means, so that it cannot be swapped), the signer's certificate and the
 * chain as the key came with it. No signing-time attribute: PAdES baseline forbids it
 * and puts the claimed signing time in the signature dictionary's /M instead.
 *
 * Ownership: cms_sign() returns DER bytes for the caller to g_free. */
#ifndef VBGEN_CMS_H
#define VBGEN_CMS_H

#include "key.h"

#include <stddef.h>

struct diag;

/* Signs the SHA-256 digest of a document's byte ranges with k. Returns the DER of the
 * ContentInfo and its length in *len, or NULL after reporting to d (file names the
 * document). */
unsigned char *cms_sign(struct diag *d, key *k, const unsigned char digest[32], size_t *len,
			const char *file);

#endif
