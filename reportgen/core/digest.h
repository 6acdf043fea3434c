/*
 * digest.h: SHA-256 through OpenSSL EVP, streaming.
 *
 * Every bundle entry is hashed while it is read, in the same pass as its
 * parsing, so a large signins.csv is inflated once.
 */
#ifndef RG_DIGEST_H
#define RG_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#define RG_SHA256_HEX 65 /* 64 digits and a NUL */

struct rg_sha256;

/* NULL when OpenSSL cannot give SHA-256 (an environment failure). */
struct rg_sha256 *rg_sha256_new(void);
void rg_sha256_update(struct rg_sha256 *h, const void *p, size_t n);
/* Writes 64 lowercase hex digits and a NUL; the context is reset for reuse. */
void rg_sha256_final_hex(struct rg_sha256 *h, char out[RG_SHA256_HEX]);
void rg_sha256_free(struct rg_sha256 *h);

/* Digest of a whole file; false (errno set) when it cannot be read. */
bool rg_sha256_file(const char *path, char out[RG_SHA256_HEX]);

#endif
