/*
 * sigfile.c: reading a report to sign or verify (see sign_internal.h).
 *
 * A regular file is memory-mapped read-only rather than copied: a PDF may
 * be up to RG_SIGN_PDF_MAX (4 GiB), and both signing and verifying only
 * scan it and feed its byte ranges to a digest.  Anything else (a pipe, a
 * device) is read whole through core/file.h with the same cap.  The file
 * must not be truncated while it is mapped; reportgen signs its own
 * temporaries, and a report being verified is not being rewritten.
 */
#include "sign/sign_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/file.h"

void rg_sigfile_too_large(const char *path, uint64_t size, uint64_t max, const char *kind,
                          const char *code_prefix, struct rg_diags *diags)
{
	char code[64];
	snprintf(code, sizeof code, "%s.too-large", code_prefix);
	const char *human = max == RG_SIGN_PDF_MAX ? "4 GiB" : "2 GiB less one byte";
	rg_diag_err(diags, code, path, 0, NULL,
	            max == RG_SIGN_PDF_MAX ? NULL : "libxml2 reads no larger document",
	            "is %llu bytes; reportgen signs and verifies %s reports of up to %llu bytes "
	            "(%s)",
	            (unsigned long long)size, kind, (unsigned long long)max, human);
}

rg_status rg_sigfile_open(struct rg_sigfile *f, const char *path, uint64_t max, const char *kind,
                          const char *code_prefix, struct rg_diags *diags)
{
	memset(f, 0, sizeof *f);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rg_diag_err(diags, "env.read", path, 0, NULL, "check the path and its permissions",
		            "cannot be read: %s", strerror(errno));
		return RG_EENV;
	}
	struct stat sb;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		/* Not a regular file: read it whole, with the cap. */
		rg_status st = rg_read_file(&f->heap, &f->len, path, max, diags);
		f->data = f->heap;
		return st;
	}
	if ((uint64_t)sb.st_size > max) {
		close(fd);
		rg_sigfile_too_large(path, (uint64_t)sb.st_size, max, kind, code_prefix, diags);
		return RG_EINPUT;
	}
	f->len = (size_t)sb.st_size;
	if (f->len == 0) {
		close(fd);
		f->data = "";
		return RG_OK;
	}
	void *m = mmap(NULL, f->len, PROT_READ, MAP_PRIVATE, fd, 0);
	int err = errno;
	close(fd);
	if (m == MAP_FAILED) {
		rg_diag_err(diags, "env.read", path, 0, NULL, NULL, "cannot be read: %s",
		            strerror(err));
		f->len = 0;
		return RG_EENV;
	}
	f->map = m;
	f->data = m;
	return RG_OK;
}

#define FEED_STEP ((size_t)1 << 20)

/* Hands the pages of f's mapping from *dropped up to offset upto (rounded
 * down to a page) back to the page cache and moves *dropped there. */
static void drop_pages(const struct rg_sigfile *f, size_t *dropped, size_t upto)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	upto = (upto < f->len ? upto : f->len) / page * page;
	if (upto > *dropped) {
		madvise((char *)f->map + *dropped, upto - *dropped, MADV_DONTNEED);
		*dropped = upto;
	}
}

bool rg_sigfile_feed(const struct rg_sigfile *f, const unsigned char *p, size_t n,
                     bool (*feed)(void *ctx, const unsigned char *bytes, size_t count), void *ctx)
{
	const unsigned char *base = f->map;
	bool mapped = base && p >= base && n <= f->len && (size_t)(p - base) <= f->len - n;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t dropped = mapped ? (size_t)(p - base) / page * page : 0;
	for (size_t off = 0; off < n;) {
		size_t step = n - off < FEED_STEP ? n - off : FEED_STEP;
		if (!feed(ctx, p + off, step))
			return false;
		off += step;
		if (mapped)
			drop_pages(f, &dropped, (size_t)(p + off - base));
	}
	return true;
}

void rg_sigfile_close(struct rg_sigfile *f)
{
	if (f->map)
		munmap(f->map, f->len);
	free(f->heap);
	memset(f, 0, sizeof *f);
}
