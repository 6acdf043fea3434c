/*
 * uuid.c: version 5 UUIDs, the names of everything in an OSCAL export (see
 * export.h).
 *
 * RFC 9562 section 5.5 (and RFC 4122 section 4.3 before it): the first 16
 * bytes of SHA-1(namespace || name), with the four version bits set to 0101
 * and the two variant bits to 10.  SHA-1 comes from OpenSSL, which the
 * project already uses for every digest; the rest is those two bit
 * operations and the 8-4-4-4-12 hex layout, which is why it is written out
 * here rather than taken from util-linux's libuuid (uuid_generate_sha1
 * does the same, at the price of another library for twenty lines).  The
 * unit test checks it against Python's uuid.uuid5 (tests/export).
 *
 * SHA-1 is used for naming, as the RFC requires, not for security: nothing
 * relies on two names never colliding on purpose, since every name is
 * derived from the report's own keys.
 */
#include "export/export.h"

#include <openssl/evp.h>

#include "core/str.h"

const unsigned char rg_oscal_uuid_ns[16] = {0xe5, 0x58, 0x0d, 0xc0, 0x29, 0xfd, 0x5e, 0x4b,
                                            0xa7, 0xea, 0x20, 0x17, 0xab, 0x66, 0x15, 0xa5};

bool rg_uuid_v5(char out[RG_UUID_BUFSZ], const unsigned char ns[16], const char *name, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	bool ok = c && EVP_DigestInit_ex(c, EVP_sha1(), NULL) && EVP_DigestUpdate(c, ns, 16) &&
	          EVP_DigestUpdate(c, name, len) && EVP_DigestFinal_ex(c, md, &mdlen) && mdlen >= 16;
	EVP_MD_CTX_free(c);
	if (!ok)
		return false;
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x50); /* version 5 */
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80); /* variant 10 */
	char hex[33];
	rg_hex(hex, md, 16);
	snprintf(out, RG_UUID_BUFSZ, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
	         hex + 20);
	return true;
}
