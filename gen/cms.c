/* cms.c - a PAdES B-B signature container; see cms.h.
 *
 * OpenSSL builds the SignedData (certificates, the SignerInfo with its algorithms and
 * the ESS signing-certificate-v2 attribute, CMS_CADES); vbgen adds the content-type and
 * message-digest attributes itself and signs their DER encoding with the key, because
 * OpenSSL's own signing step always adds a signing-time attribute, which PAdES baseline
 * forbids, and cannot use a key that stays on a token. */
#include "cms.h"

#include "diag.h"
#include "i18n.h"
#include "msg.h"

#include <glib.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <string.h>

/* DER order of a SET OF (X.690 11.6): the encodings compared as octet strings, a
 * shorter one that is a prefix of a longer one first. */
static gint der_order(gconstpointer a, gconstpointer b)
{
	const GBytes *x = *(GBytes *const *)a, *y = *(GBytes *const *)b;

	return g_bytes_compare(x, y);
}

/* The DER of the signed attributes as a SET OF, which is what is signed (RFC 5652,
 * 5.4): the same encoding OpenSSL gives them inside the SignerInfo, except for the
 * tag ([0] IMPLICIT there). Returns g_malloc'd bytes or NULL. */
static unsigned char *signed_attrs_der(CMS_SignerInfo *si, size_t *len)
{
	GPtrArray *parts = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	GByteArray *out = g_byte_array_new();
	size_t body = 0;
	int n = CMS_signed_get_attr_count(si);
	unsigned char hdr[6];
	int hl = 0;

	for (int i = 0; i < n; i++) {
		unsigned char *der = NULL;
		int dl = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &der);
		if (dl <= 0) {
			g_ptr_array_free(parts, TRUE);
			g_byte_array_free(out, TRUE);
			return NULL;
		}
		g_ptr_array_add(parts, g_bytes_new(der, (gsize)dl));
		OPENSSL_free(der);
		body += (size_t)dl;
	}
	g_ptr_array_sort(parts, der_order);
	hdr[hl++] = 0x31; /* SET */
	if (body < 0x80)
		hdr[hl++] = (unsigned char)body;
	else if (body < 0x100) {
		hdr[hl++] = 0x81;
		hdr[hl++] = (unsigned char)body;
	} else {
		hdr[hl++] = 0x82;
		hdr[hl++] = (unsigned char)(body >> 8);
		hdr[hl++] = (unsigned char)body;
	}
	g_byte_array_append(out, hdr, (guint)hl);
	for (guint i = 0; i < parts->len; i++) {
		gsize pl;
		const guint8 *p = g_bytes_get_data(g_ptr_array_index(parts, i), &pl);
		g_byte_array_append(out, p, (guint)pl);
	}
	g_ptr_array_free(parts, TRUE);
	*len = out->len;
	return g_byte_array_free(out, FALSE);
}

static void ossl_failed(struct diag *d, const char *file, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e != 0 ? ERR_reason_error_string(e) : NULL;

	msg(d, file, 0, MSG_CMS_SIGNATURE, what, r != NULL ? r : _("unknown reason"));
}

unsigned char *cms_sign(struct diag *d, key *k, const unsigned char digest[32], size_t *len,
			const char *file)
{
	const unsigned int flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL;
	X509 *cert = key_cert(k);
	STACK_OF(X509) *chain = key_chain(k);
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;
	unsigned char *attrs = NULL, *sig = NULL, *der = NULL, *result = NULL;
	size_t alen = 0, slen = 0;
	int dlen;

	ERR_clear_error();
	cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	if (cms == NULL) {
		ossl_failed(d, file, "SignedData");
		return NULL;
	}
	/* The certificate's public key stands for the private key: OpenSSL needs only its
	 * kind, to name the signature algorithm; the signing is done by key_sign(). */
	si = CMS_add1_signer(cms, cert, X509_get0_pubkey(cert), EVP_sha256(),
			     flags | CMS_CADES | CMS_NOSMIMECAP);
	if (si == NULL) {
		ossl_failed(d, file, "signer");
		goto done;
	}
	for (int i = 0; i < sk_X509_num(chain); i++)
		if (X509_cmp(sk_X509_value(chain, i), cert) != 0 &&
		    !CMS_add1_cert(cms, sk_X509_value(chain, i)) &&
		    ERR_GET_REASON(ERR_peek_last_error()) != CMS_R_CERTIFICATE_ALREADY_PRESENT) {
			ossl_failed(d, file, _("certificate chain"));
			goto done;
		}
	if (!CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
					 OBJ_nid2obj(NID_pkcs7_data), -1) ||
	    !CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, digest,
					 32)) {
		ossl_failed(d, file, "attributes");
		goto done;
	}
	attrs = signed_attrs_der(si, &alen);
	if (attrs == NULL) {
		ossl_failed(d, file, "attributes");
		goto done;
	}
	sig = key_sign(k, attrs, alen, &slen, file);
	if (sig == NULL)
		goto done;
	if (!ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), sig, (int)slen)) {
		ossl_failed(d, file, _("signature value"));
		goto done;
	}
	dlen = i2d_CMS_ContentInfo(cms, &der);
	if (dlen <= 0) {
		ossl_failed(d, file, "encoding");
		goto done;
	}
	result = g_memdup2(der, (gsize)dlen);
	*len = (size_t)dlen;
	OPENSSL_free(der);
done:
	g_free(attrs);
	g_free(sig);
	CMS_ContentInfo_free(cms);
	return result;
}
