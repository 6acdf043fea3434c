/*
 * digest.c: SHA-256 (see digest.h).
 */
#include "core/digest.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>

#include "core/str.h"

struct rg_sha256 {
	EVP_MD_CTX *ctx;
};

struct rg_sha256 *rg_sha256_new(void)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(ctx);
		return NULL;
	}
	struct rg_sha256 *h = OPENSSL_malloc(sizeof *h);
	if (!h) {
		EVP_MD_CTX_free(ctx);
		return NULL;
	}
	h->ctx = ctx;
	return h;
}

void rg_sha256_update(struct rg_sha256 *h, const void *p, size_t n)
{
	EVP_DigestUpdate(h->ctx, p, n);
}

void rg_sha256_final_hex(struct rg_sha256 *h, char out[RG_SHA256_HEX])
{
	unsigned char md[32];
	unsigned int len = 0;
	EVP_DigestFinal_ex(h->ctx, md, &len);
	rg_hex(out, md, 32);
	EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL);
}

void rg_sha256_free(struct rg_sha256 *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	OPENSSL_free(h);
}

bool rg_sha256_file(const char *path, char out[RG_SHA256_HEX])
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	struct rg_sha256 *h = rg_sha256_new();
	if (!h) {
		fclose(f);
		errno = ENOMEM;
		return false;
	}
	unsigned char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		rg_sha256_update(h, buf, n);
	bool ok = !ferror(f);
	fclose(f);
	if (ok)
		rg_sha256_final_hex(h, out);
	rg_sha256_free(h);
	return ok;
}
