/*
 * file.c: whole-file reads with a cap (see file.h).
 */
#include "core/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"

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
			rg_diag_err(diags, "file.too-big", path, 0, NULL, NULL,
			            "is larger than the %llu bytes reportgen reads for such a file",
			            (unsigned long long)max);
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
