/*
 * fuzz_common.c: the per-process temporary files of the fuzz targets
 * (see fuzz_common.h).
 */
#include "fuzz_common.h"

#include <string.h>
#include <unistd.h>

struct tmp {
	char suffix[8];
	char path[256];
	int fd;
};

static struct tmp tmps[4];
static size_t n_tmps;

static void cleanup(void)
{
	for (size_t i = 0; i < n_tmps; i++) {
		unlink(tmps[i].path);
		close(tmps[i].fd);
	}
}

const char *rg_fuzz_tmp_write(const char *suffix, const uint8_t *data, size_t size)
{
	struct tmp *t = NULL;
	for (size_t i = 0; i < n_tmps; i++)
		if (strcmp(tmps[i].suffix, suffix) == 0)
			t = &tmps[i];
	if (!t) {
		if (n_tmps == sizeof tmps / sizeof tmps[0] || strlen(suffix) >= sizeof t->suffix)
			abort();
		t = &tmps[n_tmps];
		const char *dir = getenv("TMPDIR");
		snprintf(t->path, sizeof t->path, "%s/rgfuzzXXXXXX%s", dir && *dir ? dir : "/tmp",
		         suffix);
		t->fd = mkstemps(t->path, (int)strlen(suffix));
		if (t->fd < 0) {
			perror("fuzz: mkstemps");
			abort();
		}
		snprintf(t->suffix, sizeof t->suffix, "%s", suffix);
		if (n_tmps++ == 0)
			atexit(cleanup);
	}
	if (ftruncate(t->fd, 0) != 0) {
		perror("fuzz: ftruncate");
		abort();
	}
	size_t off = 0;
	while (off < size) {
		ssize_t w = pwrite(t->fd, data + off, size - off, (off_t)off);
		if (w <= 0) {
			perror("fuzz: pwrite");
			abort();
		}
		off += (size_t)w;
	}
	return t->path;
}
