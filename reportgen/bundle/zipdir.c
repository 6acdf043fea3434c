/*
 * zipdir.c: raw central-directory names (see zipdir.h).  ZIP64 end records
 * are followed when the classic record says the directory is out of its
 * 32-bit range.
 */
#include "bundle/zipdir.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static bool read_at(FILE *f, uint64_t off, void *buf, size_t n)
{
	return fseeko(f, (off_t)off, SEEK_SET) == 0 && fread(buf, 1, n, f) == n;
}

bool rg_zipdir_names(const char *path, void (*fn)(void *ctx, const char *name, size_t len),
                     void *ctx)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (!f || fstat(fileno(f), &st) != 0 || st.st_size < 22) {
		if (f)
			fclose(f);
		return false;
	}
	uint64_t size = (uint64_t)st.st_size;
	size_t tail = size < 65557 ? (size_t)size : 65557;
	unsigned char *buf = malloc(tail);
	bool ok = false;
	if (!buf || !read_at(f, size - tail, buf, tail))
		goto done;
	size_t eocd = tail;
	for (size_t i = tail - 22 + 1; i-- > 0;)
		if (le32(buf + i) == 0x06054b50) {
			eocd = i;
			break;
		}
	if (eocd == tail)
		goto done;
	uint64_t count = le16(buf + eocd + 10);
	uint64_t cd_size = le32(buf + eocd + 12);
	uint64_t cd_off = le32(buf + eocd + 16);
	if ((count == 0xFFFF || cd_size == 0xFFFFFFFF || cd_off == 0xFFFFFFFF) && eocd >= 20 &&
	    le32(buf + eocd - 20) == 0x07064b50) {
		unsigned char z[56];
		if (!read_at(f, le64(buf + eocd - 20 + 8), z, sizeof z) || le32(z) != 0x06064b50)
			goto done;
		count = le64(z + 32);
		cd_size = le64(z + 40);
		cd_off = le64(z + 48);
	}
	if (cd_off > size || cd_size > size - cd_off)
		goto done;
	unsigned char *cd = malloc(cd_size ? cd_size : 1);
	if (!cd || !read_at(f, cd_off, cd, cd_size)) {
		free(cd);
		goto done;
	}
	uint64_t p = 0;
	for (uint64_t k = 0; k < count; k++) {
		if (p + 46 > cd_size || le32(cd + p) != 0x02014b50)
			break;
		uint32_t nlen = le16(cd + p + 28), xlen = le16(cd + p + 30), clen = le16(cd + p + 32);
		if (p + 46 + nlen > cd_size)
			break;
		fn(ctx, (const char *)cd + p + 46, nlen);
		p += 46 + (uint64_t)nlen + xlen + clen;
	}
	free(cd);
	ok = true;
done:
	free(buf);
	fclose(f);
	return ok;
}
