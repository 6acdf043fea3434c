/*
 * test_core_misc.c: diagnostics, strings, the hash map, atomic outputs
 * and capped reads.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/file.h"
#include "core/fsout.h"
#include "core/str.h"
#include "core/strmap.h"

Test(diag, formats_file_line_column_message_hint)
{
	struct rg_diags d;
	rg_diags_init(&d);
	rg_diag_err(&d, "csv.time", "findings.csv", 14, "sent_at", "add the offset",
	            "timestamp \"%s\" has no UTC offset", "2024-04-29T16:05:00");
	rg_diag_warn(&d, "x", "manifest.xml", 0, NULL, NULL, "whole file");
	cr_assert_eq(d.errors, 1);
	cr_assert_eq(d.warnings, 1);
	char *s = rg_diag_format(&d.v[0]);
	cr_assert_str_eq(s, "error: findings.csv:14: sent_at: timestamp \"2024-04-29T16:05:00\" has no "
	                    "UTC offset (add the offset)");
	free(s);
	s = rg_diag_format(&d.v[1]);
	cr_assert_str_eq(s, "warning: manifest.xml: whole file");
	free(s);
	rg_diags_free(&d);
}

Test(diag, sorts_by_file_then_line_stably_and_caps_storage)
{
	struct rg_diags d;
	rg_diags_init(&d);
	rg_diag_err(&d, "c", "b.csv", 3, NULL, NULL, "b3");
	rg_diag_err(&d, "c", "a.csv", 9, NULL, NULL, "a9-first");
	rg_diag_err(&d, "c", "a.csv", 2, NULL, NULL, "a2");
	rg_diag_err(&d, "c", "a.csv", 9, NULL, NULL, "a9-second");
	rg_diags_sort(&d);
	cr_assert_str_eq(d.v[0].message, "a2");
	cr_assert_str_eq(d.v[1].message, "a9-first");
	cr_assert_str_eq(d.v[2].message, "a9-second");
	cr_assert_str_eq(d.v[3].message, "b3");
	for (int i = 0; i < RG_DIAGS_MAX + 10; i++)
		rg_diag_err(&d, "c", "x", 1, NULL, NULL, "many");
	cr_assert_eq(d.n, RG_DIAGS_MAX);
	cr_assert_eq(d.errors, RG_DIAGS_MAX + 14);
	cr_assert_eq(d.dropped, 14);
	rg_diags_free(&d);
	rg_diags_free(NULL);
}

/* A stage that holds problems apart hands them on whole: every stored one
 * in order, and those counted past the cap still counted. */
Test(diag, move_keeps_order_and_counts_past_the_cap)
{
	struct rg_diags to, from;
	rg_diags_init(&to);
	rg_diags_init(&from);
	rg_diag_err(&to, "c", "a.xml", 1, NULL, NULL, "first");
	for (int i = 0; i < RG_DIAGS_MAX + 5; i++)
		rg_diag_err(&from, "xml.schema", "b.xml", (unsigned long)i + 1, "<item>", "see it",
		            "v%d", i);
	rg_diag_warn(&from, "w", "b.xml", 0, NULL, NULL, "dropped warning");
	rg_diags_move(&to, &from);
	cr_assert_eq(from.n, 0);
	cr_assert_eq(from.errors + from.warnings + from.dropped, 0);
	cr_assert_eq(to.errors, RG_DIAGS_MAX + 6);
	cr_assert_eq(to.warnings, 1);
	cr_assert_eq(to.n, RG_DIAGS_MAX);
	cr_assert_str_eq(to.v[0].message, "first");
	cr_assert_str_eq(to.v[1].message, "v0");
	cr_assert_str_eq(to.v[1].column, "<item>");
	cr_assert_str_eq(to.v[1].hint, "see it");
	cr_assert_eq(to.v[2].line, 2);
	cr_assert_eq(to.dropped, 7); /* 6 errors and the warning */
	rg_diags_free(&to);
}

Test(str, utf8_validation)
{
	cr_assert(rg_utf8_valid("plain", 5));
	cr_assert(rg_utf8_valid("caf\xc3\xa9", 5));
	cr_assert_not(rg_utf8_valid("\xc3", 1));           /* truncated */
	cr_assert_not(rg_utf8_valid("\xc0\xaf", 2));       /* overlong */
	cr_assert_not(rg_utf8_valid("\xed\xa0\x80", 3));   /* surrogate */
	cr_assert_not(rg_utf8_valid("a\0b", 3));           /* NUL */
	cr_assert_not(rg_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
}

Test(str, buffer_respects_its_cap)
{
	struct rg_buf b;
	rg_buf_init(&b, 8);
	cr_assert_eq(rg_buf_append(&b, "12345678", 8), RG_BUF_OK);
	cr_assert_eq(rg_buf_putc(&b, 'x'), RG_BUF_TOOBIG);
	cr_assert_eq(b.len, 8);
	cr_assert_str_eq(b.data, "12345678");
	rg_buf_free(&b);
}

Test(strmap, inserts_finds_and_grows)
{
	struct rg_strmap m;
	rg_strmap_init(&m);
	struct rg_arena a;
	rg_arena_init(&a);
	for (int i = 0; i < 5000; i++) {
		char *k = rg_arena_printf(&a, "key-%d", i);
		bool existed = true;
		cr_assert(rg_strmap_put(&m, k, strlen(k), (void *)(intptr_t)(i + 1), &existed));
		cr_assert_not(existed);
	}
	cr_assert_eq(m.count, 5000);
	cr_assert_eq((intptr_t)rg_strmap_get(&m, "key-4321", 8), 4322);
	cr_assert_null(rg_strmap_get(&m, "key-5000", 8));
	bool existed = false;
	rg_strmap_put(&m, "key-7", 5, (void *)99, &existed);
	cr_assert(existed);
	cr_assert_eq((intptr_t)rg_strmap_get(&m, "key-7", 5), 99);
	rg_strmap_free(&m);
	rg_arena_free(&a);
}

Test(arena, allocation_failure_is_reported_not_hidden)
{
	struct rg_arena a;
	rg_arena_init(&a);
	rg_arena_fail_after(2);
	cr_assert_not_null(rg_arena_alloc(&a, 10));
	cr_assert_null(rg_arena_alloc(&a, 10));
	cr_assert_not_null(rg_arena_alloc(&a, 1 << 21)); /* large chunk */
	rg_arena_free(&a);
}

/* Strings are packed, but every object still starts aligned for any type
 * and zeroed, whatever strings came before it. */
Test(arena, strings_packed_objects_aligned_and_zeroed)
{
	struct rg_arena a;
	rg_arena_init(&a);
	for (int i = 0; i < 3000; i++) { /* crosses several chunks */
		char *s = rg_arena_strndup(&a, "abcdefgh", (size_t)(i % 7));
		cr_assert_not_null(s);
		cr_assert_eq(strlen(s), (size_t)(i % 7));
		cr_assert_eq(strncmp(s, "abcdefgh", (size_t)(i % 7)), 0);
		unsigned char *o = rg_arena_alloc(&a, 24);
		cr_assert_not_null(o);
		cr_assert_eq((uintptr_t)o % alignof(max_align_t), 0, "object %d misaligned", i);
		for (int k = 0; k < 24; k++)
			cr_assert_eq(o[k], 0);
		memset(o, 0xff, 24);
	}
	rg_arena_free(&a);
	/* One short string after another: no padding between them. */
	rg_arena_init(&a);
	char *x = rg_arena_strdup(&a, "x"), *y = rg_arena_strdup(&a, "y");
	cr_assert_eq(y, x + 2);
	rg_arena_free(&a);
}

/* Growth doubles (amortised O(1) appends), keeps what was there, and a
 * size that would overflow is refused with the array untouched. */
Test(arena, array_grows_by_doubling_and_refuses_overflow)
{
	size_t cap = 0;
	int *v = NULL;
	for (size_t n = 1; n <= 1000; n++) {
		int *w = rg_array_grow(v, &cap, n, sizeof *w);
		cr_assert_not_null(w);
		cr_assert_geq(cap, n);
		cr_assert(cap <= 8 || cap < 2 * n, "cap %zu for %zu", cap, n);
		v = w;
		v[n - 1] = (int)n;
	}
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(v[i], i + 1, "element %d kept", i);
	size_t before = cap;
	cr_assert_null(rg_array_grow(v, &cap, SIZE_MAX / 2, sizeof *v));
	cr_assert_null(rg_array_grow(v, &cap, SIZE_MAX, 1));
	cr_assert_eq(cap, before, "a refused growth leaves the array as it was");
	cr_assert_eq(v[999], 1000);
	free(v);
}

/* An adopted malloc block dies with the arena (the leak checkers of the
 * sanitizer and valgrind runs see it otherwise); when the arena cannot
 * take it, the caller still owns it. */
Test(arena, adopted_block_is_freed_with_the_arena)
{
	struct rg_arena a;
	rg_arena_init(&a);
	char *p = malloc(100);
	cr_assert_not_null(p);
	cr_assert_eq(rg_arena_adopt(&a, p), p);
	cr_assert_null(rg_arena_adopt(&a, NULL));
	char *q = malloc(100);
	rg_arena_fail_after(1);
	cr_assert_null(rg_arena_adopt(&a, q));
	free(q); /* not taken: still ours */
	rg_arena_free(&a);
	rg_arena_free(&a); /* and a freed arena frees nothing twice */
}

/* Pages resident in this process (/proc/self/statm), in bytes. */
static size_t resident_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	cr_assert_not_null(f);
	unsigned long size = 0, res = 0;
	cr_assert_eq(fscanf(f, "%lu %lu", &size, &res), 2);
	fclose(f);
	return (size_t)res * (size_t)sysconf(_SC_PAGESIZE);
}

/* What a spilling arena holds: 3,000 strings of 1,000 bytes (3 MB, three
 * chunks and more) and an array of a million numbers (4 MB, grown one at a
 * time, so it moves from the heap to a file and grows there). */
#define SPILL_STRINGS 3000
#define SPILL_NUMBERS (1u << 20)

static void fill(struct rg_arena *a, char **s, uint32_t **numbers)
{
	char buf[1001];
	for (int i = 0; i < SPILL_STRINGS; i++) {
		memset(buf, 'a' + i % 26, 1000);
		snprintf(buf, 12, "%010d", i);
		buf[10] = '-';
		buf[1000] = '\0';
		s[i] = rg_arena_strdup(a, buf);
		cr_assert_not_null(s[i]);
	}
	size_t cap = 0;
	uint32_t *v = NULL;
	for (uint32_t n = 0; n < SPILL_NUMBERS; n++) {
		uint32_t *w = rg_arena_grow(a, v, &cap, n + 1, sizeof *w);
		cr_assert_not_null(w, "growth to %u refused", n + 1);
		v = w;
		v[n] = n * 7u + 1;
	}
	*numbers = v;
}

static void check(char *const *s, const uint32_t *numbers)
{
	for (int i = 0; i < SPILL_STRINGS; i++) {
		char head[12];
		snprintf(head, sizeof head, "%010d", i);
		cr_assert(strncmp(s[i], head, 10) == 0 && s[i][10] == '-', "string %d", i);
		cr_assert(s[i][999] == 'a' + i % 26 && s[i][1000] == '\0', "string %d's end", i);
	}
	for (uint32_t n = 0; n < SPILL_NUMBERS; n++)
		cr_assert_eq(numbers[n], n * 7u + 1, "number %u", n);
}

/* A spilling arena gives its pages back to the kernel (the process's
 * resident memory drops by what it holds), loses nothing doing so, and
 * does it again on its own every RG_ARENA_TICKS ticks. */
Test(arena, spilled_pages_are_given_back_and_kept)
{
	char dir[] = "/tmp/rg-spill-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char near[64];
	snprintf(near, sizeof near, "%s/out", dir);
	struct rg_arena a;
	rg_arena_init(&a);
	int r = rg_arena_spill(&a, near);
	if (r != 0 && errno == ENOTSUP) {
		rmdir(dir);
		cr_skip_test("/tmp's file system does not reserve mapped writes (core/arena.c)");
	}
	cr_assert_eq(r, 0, "cannot spill: %s", strerror(errno));
	static char *s[SPILL_STRINGS];
	uint32_t *numbers;
	fill(&a, s, &numbers);
	check(s, numbers);
	size_t before = resident_bytes();
	rg_arena_release(&a);
	size_t after = resident_bytes();
	cr_assert(before > after + (5u << 20), "resident %zu before the release, %zu after", before,
	          after);
	check(s, numbers); /* read back from the page cache */
	/* The array is the arena's: kept where it is, freed with the arena. */
	void *v = numbers;
	cr_assert_eq(rg_arena_keep_array(&a, &v, SPILL_NUMBERS * sizeof *numbers), numbers);
	cr_assert_null(v);
	/* The ticks give the pages back too. */
	check(s, numbers);
	before = resident_bytes();
	for (int i = 0; i < RG_ARENA_TICKS; i++)
		rg_arena_tick();
	cr_assert(before > resident_bytes() + (5u << 20), "no release after the ticks");
	/* An array dropped before it is kept goes at once. */
	size_t cap = 0;
	uint64_t *w = rg_arena_grow(&a, NULL, &cap, 100000, sizeof *w);
	cr_assert_not_null(w);
	w[99999] = 42;
	rg_arena_drop_array(&a, w);
	rg_arena_free(&a);
	cr_assert_eq(rmdir(dir), 0, "the scratch files are not left behind");
}

/* With no file space (here ulimit -f; a full disk alike) the arena holds
 * everything on the heap, as without spilling: no SIGBUS, nothing lost.
 * A folder that does not exist gives no spill at all, and the heap. */
Test(arena, no_file_space_falls_back_to_the_heap)
{
	pid_t pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		struct rlimit lim = {64 << 10, 64 << 10};
		if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
			_exit(3);
		struct rg_arena a;
		rg_arena_init(&a);
		if (rg_arena_spill(&a, "/tmp/out") != 0)
			_exit(errno == ENOTSUP ? 0 : 4);
		static char *s[SPILL_STRINGS];
		uint32_t *numbers;
		fill(&a, s, &numbers);
		check(s, numbers);
		rg_arena_release(&a);
		check(s, numbers);
		void *v = numbers;
		if (!rg_arena_keep_array(&a, &v, SPILL_NUMBERS * sizeof *numbers))
			_exit(5);
		rg_arena_free(&a);
		_exit(0);
	}
	int status = 0;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	          "the child ended with status %d (signal %d)", WEXITSTATUS(status),
	          WIFSIGNALED(status) ? WTERMSIG(status) : 0);

	struct rg_arena a;
	rg_arena_init(&a);
	errno = 0;
	cr_assert_eq(rg_arena_spill(&a, "/nonexistent-reportgen-dir/sub/out"), -1);
	cr_assert_neq(errno, 0);
	cr_assert_null(a.spill);
	cr_assert_not_null(rg_arena_strdup(&a, "on the heap"));
	rg_arena_free(&a);
}

Test(fsout, commit_renames_and_abort_leaves_nothing)
{
	char dir[] = "/tmp/rg-fsout-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char *path = rg_asprintf("%s/out.txt", dir);
	struct rg_diags d;
	rg_diags_init(&d);
	struct rg_outfile o;
	cr_assert_eq(rg_outfile_open(&o, path, false, &d), RG_OK);
	fputs("half", o.fp);
	rg_outfile_abort(&o);
	cr_assert_neq(access(path, F_OK), 0, "an aborted output must not appear");
	cr_assert_eq(rg_outfile_open(&o, path, false, &d), RG_OK);
	fputs("whole", o.fp);
	cr_assert_eq(rg_outfile_commit(&o, &d), RG_OK);
	cr_assert_eq(access(path, F_OK), 0);
	/* Without force, an existing output is left alone. */
	cr_assert_eq(rg_outfile_open(&o, path, false, &d), RG_EINPUT);
	cr_assert_eq(d.errors, 1);
	cr_assert_eq(rg_outfile_open(&o, path, true, &d), RG_OK);
	fputs("again", o.fp);
	cr_assert_eq(rg_outfile_commit(&o, &d), RG_OK);
	FILE *f = fopen(path, "r");
	char buf[16] = "";
	cr_assert_not_null(fgets(buf, sizeof buf, f));
	fclose(f);
	cr_assert_str_eq(buf, "again");
	unlink(path);
	rmdir(dir);
	free(path);
	rg_diags_free(&d);
}

/* A file read in pieces is capped as a whole read is: exactly max bytes
 * pass, one more fails the read with file.too-big, said once. */
Test(file, a_capped_stream_refuses_the_byte_past_its_cap)
{
	char path[] = "/tmp/rg-capped-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	static char bytes[10000];
	memset(bytes, 'x', sizeof bytes);
	cr_assert_eq(write(fd, bytes, sizeof bytes), (ssize_t)sizeof bytes);
	close(fd);
	struct rg_diags d;
	rg_diags_init(&d);
	static char back[sizeof bytes + 16];
	FILE *f = rg_open_capped(path, sizeof bytes, &d);
	cr_assert_not_null(f);
	size_t n = 0, k;
	while ((k = fread(back + n, 1, 333, f)) > 0)
		n += k;
	cr_assert_eq(n, sizeof bytes);
	cr_assert(!ferror(f));
	fclose(f);
	cr_assert_eq(d.n, 0);

	f = rg_open_capped(path, sizeof bytes - 1, &d);
	cr_assert_not_null(f);
	n = 0;
	while ((k = fread(back + n, 1, 333, f)) > 0)
		n += k;
	cr_assert(ferror(f));
	cr_assert_eq(errno, EFBIG);
	cr_assert_leq(n, sizeof bytes - 1);
	fclose(f);
	cr_assert_eq(d.n, 1);
	cr_assert_str_eq(d.v[0].code, "file.too-big");
	unlink(path);

	cr_assert_null(rg_open_capped(path, 1, &d));
	cr_assert_str_eq(d.v[1].code, "env.read");
	rg_diags_free(&d);
}
