/*
 * replay.c: runs a fuzz target's LLVMFuzzerTestOneInput on files, without
 * libFuzzer, so the normal build (gcc or clang, with or without
 * sanitizers) checks every committed corpus input and every past finding
 * on each `meson test`.
 *
 *   replay-<target> PATH...   each PATH a file or a folder of files
 *
 * Exit 0 when every input ran (a finding aborts, failing the test); 1 when
 * a path cannot be read or no input was found, so an emptied corpus fails
 * instead of passing vacuously.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/str.h"
#include "fuzz_common.h"

static int run_file(const char *path, size_t *count)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	struct rg_buf b;
	rg_buf_init(&b, (size_t)1 << 30);
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (rg_buf_append(&b, chunk, n) != RG_BUF_OK) {
			fprintf(stderr, "replay: %s: too large\n", path);
			fclose(f);
			rg_buf_free(&b);
			return 1;
		}
	fclose(f);
	/* A private copy of exactly the input's size, so ASan sees any read past it. */
	uint8_t *copy = malloc(b.len ? b.len : 1);
	if (!copy)
		abort();
	if (b.len)
		memcpy(copy, b.data, b.len);
	LLVMFuzzerTestOneInput(copy, b.len);
	free(copy);
	rg_buf_free(&b);
	(*count)++;
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path, size_t *count)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path, count);
	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof *names);
			if (!names)
				abort();
		}
		names[n++] = rg_asprintf("%s/%s", path, e->d_name);
	}
	closedir(d);
	/* Sorted, so a failure names the same first input on every machine. */
	qsort(names, n, sizeof *names, cmp);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		rc |= run_path(names[i], count);
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	int rc = 0;
	for (int i = 1; i < argc; i++)
		rc |= run_path(argv[i], &count);
	printf("replay: %zu inputs\n", count);
	return rc || count == 0;
}
