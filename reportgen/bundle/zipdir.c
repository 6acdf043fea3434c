/*
 * zipdir.c: the raw layout of a ZIP (see zipdir.h).  ZIP64 end records are
 * followed when the classic record says the directory is out of its 32-bit
 * range, and ZIP64 extra fields when a record's sizes or offset are.
 * Hand-written because libzip, the ZIP library we use, does not expose
 * local header offsets or raw names; minizip and libarchive would be a
 * second ZIP implementation for the same 200 lines.
 */
#include "bundle/zipdir.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_END 0x06054b50u
#define SIG_END64 0x06064b50u
#define SIG_LOCATOR64 0x07064b50u
#define LOCAL_SIZE 30
#define CENTRAL_SIZE 46
#define END_SIZE 22

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

static bool read_at(int fd, uint64_t off, void *buf, size_t n)
{
	size_t done = 0;
	while (done < n) {
		ssize_t r = pread(fd, (char *)buf + done, n - done, (off_t)(off + done));
		if (r <= 0)
			return false;
		done += (size_t)r;
	}
	return true;
}

/* The ZIP64 extended information extra field (id 1) replaces, in this
 * order, each of size, compressed size and offset that the record set to
 * 0xFFFFFFFF. */
static bool zip64_fields(const unsigned char *x, size_t xlen, uint64_t *size, uint64_t *comp,
                         uint64_t *off)
{
	uint64_t *want[3] = {size, comp, off};
	size_t p = 0;
	while (p + 4 <= xlen) {
		uint32_t id = le16(x + p), len = le16(x + p + 2);
		if (p + 4 + len > xlen)
			return false;
		if (id == 1) {
			size_t q = p + 4;
			for (int i = 0; i < 3; i++) {
				if (*want[i] != 0xFFFFFFFFu)
					continue;
				if (q + 8 > p + 4 + len)
					return false;
				*want[i] = le64(x + q);
				q += 8;
			}
			return true;
		}
		p += 4 + len;
	}
	return *size != 0xFFFFFFFFu && *comp != 0xFFFFFFFFu && *off != 0xFFFFFFFFu;
}

/* Finds the central directory: its offset, size and entry count. */
static bool find_directory(int fd, uint64_t size, uint64_t *cd_off, uint64_t *cd_size,
                           uint64_t *count)
{
	size_t tail = size < 65535 + END_SIZE ? (size_t)size : 65535 + END_SIZE;
	unsigned char *buf = malloc(tail);
	bool ok = false;
	if (!buf || !read_at(fd, size - tail, buf, tail))
		goto done;
	size_t eocd = tail;
	for (size_t i = tail - END_SIZE + 1; i-- > 0;)
		if (le32(buf + i) == SIG_END) {
			eocd = i;
			break;
		}
	if (eocd == tail)
		goto done;
	*count = le16(buf + eocd + 10);
	*cd_size = le32(buf + eocd + 12);
	*cd_off = le32(buf + eocd + 16);
	if ((*count == 0xFFFF || *cd_size == 0xFFFFFFFF || *cd_off == 0xFFFFFFFF) && eocd >= 20 &&
	    le32(buf + eocd - 20) == SIG_LOCATOR64) {
		unsigned char z[56];
		if (!read_at(fd, le64(buf + eocd - 20 + 8), z, sizeof z) || le32(z) != SIG_END64)
			goto done;
		*count = le64(z + 32);
		*cd_size = le64(z + 40);
		*cd_off = le64(z + 48);
	}
	ok = *cd_off <= size && *cd_size <= size - *cd_off;
done:
	free(buf);
	return ok;
}

enum rg_zipdir_result rg_zipdir_read(struct rg_zipdir *z, const char *path, uint64_t max_entries)
{
	memset(z, 0, sizeof *z);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return RG_ZIPDIR_UNREADABLE;
	enum rg_zipdir_result res = RG_ZIPDIR_UNREADABLE;
	uint64_t cd_off, cd_size, count;
	if (fstat(fd, &st) != 0 || st.st_size < END_SIZE ||
	    !find_directory(fd, (uint64_t)st.st_size, &cd_off, &cd_size, &count))
		goto done;
	if (count > max_entries) {
		res = RG_ZIPDIR_TOO_MANY;
		goto done;
	}
	/* Every record takes at least CENTRAL_SIZE bytes: a count the
	 * directory cannot hold is damage, not an allocation size. */
	if (count > cd_size / CENTRAL_SIZE)
		goto done;
	z->cd = malloc(cd_size ? cd_size : 1);
	z->v = calloc(count ? count : 1, sizeof *z->v);
	if (!z->cd || !z->v) {
		res = RG_ZIPDIR_NOMEM;
		goto done;
	}
	if (!read_at(fd, cd_off, z->cd, cd_size))
		goto done;
	uint64_t p = 0;
	for (uint64_t k = 0; k < count; k++) {
		const unsigned char *r = z->cd + p;
		if (p + CENTRAL_SIZE > cd_size || le32(r) != SIG_CENTRAL)
			goto done;
		uint32_t nlen = le16(r + 28), xlen = le16(r + 30), clen = le16(r + 32);
		if (p + CENTRAL_SIZE + nlen + xlen + clen > cd_size)
			goto done;
		uint64_t comp = le32(r + 20), size = le32(r + 24), off = le32(r + 42);
		if (!zip64_fields(r + CENTRAL_SIZE + nlen, xlen, &size, &comp, &off))
			goto done;
		struct rg_zipdir_entry *e = &z->v[z->n++];
		e->name = (const char *)r + CENTRAL_SIZE;
		e->name_len = nlen;
		e->start = off;
		unsigned char lh[LOCAL_SIZE];
		if (off > cd_off || cd_off - off < LOCAL_SIZE) {
			e->place = RG_ZIPDIR_PAST_END;
			e->end = off;
		} else if (!read_at(fd, off, lh, sizeof lh) || le32(lh) != SIG_LOCAL) {
			e->place = RG_ZIPDIR_NO_LOCAL;
			e->end = off;
		} else {
			uint64_t data = off + LOCAL_SIZE + le16(lh + 26) + le16(lh + 28);
			e->end = data + comp;
			e->place = data > cd_off || comp > cd_off - data ? RG_ZIPDIR_PAST_END
			                                                 : RG_ZIPDIR_PLACED;
		}
		p += CENTRAL_SIZE + (uint64_t)nlen + xlen + clen;
	}
	res = RG_ZIPDIR_OK;
done:
	close(fd);
	return res;
}

void rg_zipdir_free(struct rg_zipdir *z)
{
	if (!z)
		return;
	free(z->v);
	free(z->cd);
	memset(z, 0, sizeof *z);
}

struct span {
	uint64_t start, end;
	size_t index;
};

static int by_start(const void *x, const void *y)
{
	const struct span *a = x, *b = y;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return (a->end > b->end) - (a->end < b->end);
}

int rg_zipdir_find_overlap(const struct rg_zipdir *z, struct rg_zipdir_overlap *out)
{
	memset(out, 0, sizeof *out);
	struct span *v = malloc((z->n ? z->n : 1) * sizeof *v);
	size_t m = 0;
	if (!v)
		return -1;
	for (size_t i = 0; i < z->n; i++)
		if (z->v[i].place == RG_ZIPDIR_PLACED)
			v[m++] = (struct span){z->v[i].start, z->v[i].end, i};
	qsort(v, m, sizeof *v, by_start);
	size_t reach = 0; /* the span reaching furthest so far */
	for (size_t k = 1; k < m; k++) {
		if (v[k].start < v[reach].end) {
			if (!out->count) {
				out->a = v[reach].index;
				out->b = v[k].index;
			}
			out->count++;
		}
		if (v[k].end > v[reach].end)
			reach = k;
	}
	free(v);
	return out->count > 0;
}
