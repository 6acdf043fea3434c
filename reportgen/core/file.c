/*
 * file.c: whole-file reads with a cap (see file.h).
 */
#define _GNU_SOURCE /* fopencookie */
#include "core/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"

static void too_big(struct rg_diags *diags, const char *path, uint64_t max)
{
	rg_diag_err(diags, "file.too-big", path, 0, NULL, NULL,
	            "is larger than the %llu bytes reportgen reads for such a file",
	            (unsigned long long)max);
}

rg_status rg_read_file(char **out, size_t *len, const char *path, uint64_t max,
                       struct rg_diags *diags)
{
	*out = NULL;
	*len = 0;
	FILE *f = fopen(path, "rb");
	if (!f) {
		rg_diag_err(diags, "env.read", path, 0, NULL, "check the path and its permissions",
		            "cannot be read: %s", strerror(errno));
		return RG_EENV;
	}
	struct rg_buf b;
	rg_buf_init(&b, max);
	char chunk[65536];
	size_t n;
	rg_status st = RG_OK;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		int rc = rg_buf_append(&b, chunk, n);
		if (rc == RG_BUF_TOOBIG) {
			too_big(diags, path, max);
			st = RG_EINPUT;
			break;
		}
		if (rc != RG_BUF_OK) {
			rg_diag_err(diags, "env.nomem", path, 0, NULL, NULL, "out of memory");
			st = RG_EENV;
			break;
		}
	}
	if (st == RG_OK && ferror(f)) {
		rg_diag_err(diags, "env.read", path, 0, NULL, NULL, "read error: %s", strerror(errno));
		st = RG_EENV;
	}
	fclose(f);
	if (st != RG_OK) {
		rg_buf_free(&b);
		return st;
	}
	if (!b.data && rg_buf_append(&b, "", 0) != RG_BUF_OK) {
		rg_diag_err(diags, "env.nomem", path, 0, NULL, NULL, "out of memory");
		return RG_EENV;
	}
	*out = b.data;
	*len = b.len;
	return RG_OK;
}

/* rg_open_capped's stream: the file, and what may still be read of it. */
struct capped {
	FILE *f;
	uint64_t left, max;
	const char *path;
	struct rg_diags *diags;
};

static ssize_t capped_read(void *cookie, char *buf, size_t size)
{
	struct capped *c = cookie;
	/* One byte more than may be read, to tell a file of exactly max
	 * bytes from a longer one. */
	size_t want = (uint64_t)size > c->left ? (size_t)c->left + 1 : size;
	size_t n = fread(buf, 1, want, c->f);
	if (n == 0 && ferror(c->f))
		return -1;
	if (n > c->left) {
		too_big(c->diags, c->path, c->max);
		errno = EFBIG;
		return -1;
	}
	c->left -= n;
	return (ssize_t)n;
}

static int capped_close(void *cookie)
{
	struct capped *c = cookie;
	int rc = fclose(c->f);
	free(c);
	return rc;
}

FILE *rg_open_capped(const char *path, uint64_t max, struct rg_diags *diags)
{
	struct capped *c = malloc(sizeof *c);
	FILE *f = c ? fopen(path, "rb") : NULL;
	FILE *s = NULL;
	if (f) {
		*c = (struct capped){f, max, max, path, diags};
		s = fopencookie(c, "rb", (cookie_io_functions_t){.read = capped_read, .close = capped_close});
	}
	if (!s) {
		int err = c ? errno : ENOMEM;
		rg_diag_err(diags, "env.read", path, 0, NULL, "check the path and its permissions",
		            "cannot be read: %s", strerror(err));
		if (f)
			fclose(f);
		free(c);
	}
	return s;
}
