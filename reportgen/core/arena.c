/*
 * arena.c: bump allocator in chunks (see arena.h).
 *
 * Chunks double up to 1 MiB; a request larger than a chunk gets a chunk of
 * its own.  Objects start aligned for any type, strings anywhere.  Nothing
 * is freed before rg_arena_free.
 *
 * A spilling arena's chunks are 1 MiB (or the request's size) of one
 * scratch file, each mapped on its own; its large arrays have a scratch
 * file each, grown in place with mremap.  Invariants: a mapped chunk or
 * array is a whole number of pages whose file space is reserved; every
 * spilling arena is in `spilling` until freed.
 */
#define _GNU_SOURCE /* mremap */
#include "core/arena.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "core/fsout.h"
#include "core/str.h"

struct rg_arena_chunk {
	struct rg_arena_chunk *next;
	size_t size, used;
	size_t mapped; /* bytes mapped from the spill file with the header; 0: malloc'd */
	alignas(max_align_t) unsigned char data[];
};

struct spill_array {
	void *base;
	size_t bytes;
	FILE *f;
};

struct rg_arena_spill {
	FILE *f;       /* the chunks' file */
	off_t len;     /* of it, reserved */
	char *near;    /* where the arrays' files go */
	struct spill_array *arrays;
	size_t n_arrays, cap_arrays;
};

#define SPILL_CHUNK ((size_t)1 << 20)
#define SPILL_ARRAY_MIN ((size_t)256 << 10) /* smaller arrays stay on the heap */
#define SPILL_ARRAYS_GROWING 16 /* file arrays not yet kept, each with its file open */
#define MAX_SPILLING 8

/* The spilling arenas, for rg_arena_tick: a run has two (the evidence's
 * and the results'). */
static struct rg_arena *spilling[MAX_SPILLING];
static unsigned long ticks;

struct rg_arena_adopted {
	struct rg_arena_adopted *next;
	void *block;
};

static unsigned long fail_countdown;

void rg_arena_fail_after(unsigned long n)
{
	fail_countdown = n;
}

void rg_arena_init(struct rg_arena *a)
{
	a->head = NULL;
	a->adopted = NULL;
	a->used_total = 0;
	a->spill = NULL;
}

static size_t page_size(void)
{
	static size_t page;
	if (!page) {
		long p = sysconf(_SC_PAGESIZE);
		page = p > 0 ? (size_t)p : 4096;
	}
	return page;
}

static size_t round_to_page(size_t n)
{
	size_t p = page_size();
	return n > SIZE_MAX - p ? 0 : (n + p - 1) / p * p;
}

/* Whether posix_fallocate on fd's file system reserves the blocks that
 * later writes through a mapping use, so that a full disk shows as a
 * failed reservation and never as a SIGBUS on a write: ext4, XFS and tmpfs.
 * On copy-on-write file systems (btrfs, ZFS) and where glibc emulates the
 * call (NFS, FUSE) it does not: the arena stays on the heap there. */
static bool reserves_mapped_writes(int fd)
{
	struct statfs st;
	if (fstatfs(fd, &st) != 0)
		return false;
	switch ((unsigned long)st.f_type) {
	case 0xEF53UL:     /* ext2, ext3, ext4 */
	case 0x58465342UL: /* XFS */
	case 0x01021994UL: /* tmpfs */
		return true;
	default:
		return false;
	}
}

int rg_arena_spill(struct rg_arena *a, const char *near_path)
{
	assert(!a->head && !a->spill);
	size_t slot = 0;
	while (slot < MAX_SPILLING && spilling[slot])
		slot++;
	if (slot == MAX_SPILLING) {
		errno = EMFILE;
		return -1;
	}
	struct rg_arena_spill *sp = calloc(1, sizeof *sp);
	if (!sp)
		return -1;
	sp->near = rg_asprintf("%s", near_path);
	sp->f = sp->near ? rg_scratch_file_near(near_path) : NULL;
	if (sp->f && !reserves_mapped_writes(fileno(sp->f))) {
		fclose(sp->f);
		sp->f = NULL;
		errno = ENOTSUP;
	}
	if (!sp->f) {
		int e = errno;
		free(sp->near);
		free(sp);
		errno = e;
		return -1;
	}
	a->spill = sp;
	spilling[slot] = a;
	return 0;
}

void rg_arena_free(struct rg_arena *a)
{
	/* The list's nodes are in the chunks: free the blocks first. */
	for (struct rg_arena_adopted *d = a->adopted; d; d = d->next)
		free(d->block);
	a->adopted = NULL;
	struct rg_arena_chunk *c = a->head;
	while (c) {
		struct rg_arena_chunk *next = c->next;
		if (c->mapped)
			munmap(c, c->mapped);
		else
			free(c);
		c = next;
	}
	a->head = NULL;
	a->used_total = 0;
	struct rg_arena_spill *sp = a->spill;
	if (sp) {
		for (size_t i = 0; i < sp->n_arrays; i++) {
			munmap(sp->arrays[i].base, sp->arrays[i].bytes);
			if (sp->arrays[i].f)
				fclose(sp->arrays[i].f);
		}
		free(sp->arrays);
		fclose(sp->f);
		free(sp->near);
		free(sp);
		a->spill = NULL;
		for (size_t i = 0; i < MAX_SPILLING; i++)
			if (spilling[i] == a)
				spilling[i] = NULL;
	}
}

void rg_arena_release(struct rg_arena *a)
{
	struct rg_arena_spill *sp = a->spill;
	if (!sp)
		return;
	/* MADV_DONTNEED on a shared file mapping keeps the data: the pages
	 * stay in the page cache (written to the file if the kernel needs
	 * the memory) and come back when next touched. */
	for (struct rg_arena_chunk *c = a->head; c; c = c->next)
		if (c != a->head && c->mapped)
			madvise(c, c->mapped, MADV_DONTNEED);
	for (size_t i = 0; i < sp->n_arrays; i++)
		madvise(sp->arrays[i].base, sp->arrays[i].bytes, MADV_DONTNEED);
}

void rg_arena_tick(void)
{
	if (++ticks % RG_ARENA_TICKS)
		return;
	for (size_t i = 0; i < MAX_SPILLING; i++)
		if (spilling[i])
			rg_arena_release(spilling[i]);
}

/* A chunk of at least n bytes of the spill file. */
static struct rg_arena_chunk *spill_chunk(struct rg_arena_spill *sp, size_t n)
{
	if (n > SIZE_MAX / 2)
		return NULL;
	size_t want = n > SPILL_CHUNK - sizeof(struct rg_arena_chunk)
	                  ? n + sizeof(struct rg_arena_chunk)
	                  : SPILL_CHUNK;
	size_t total = round_to_page(want);
	int fd = fileno(sp->f);
	if (!total || posix_fallocate(fd, sp->len, (off_t)total) != 0)
		return NULL;
	void *m = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, sp->len);
	if (m == MAP_FAILED)
		return NULL;
	sp->len += (off_t)total;
	struct rg_arena_chunk *c = m;
	c->size = total - sizeof *c;
	c->mapped = total;
	return c;
}

/* n bytes whose start is aligned to align (a power of two), not zeroed. */
static void *bump(struct rg_arena *a, size_t n, size_t align)
{
	if (fail_countdown && --fail_countdown == 0)
		return NULL;
	if (n == 0)
		n = 1;
	struct rg_arena_chunk *c = a->head;
	size_t at = c ? (c->used + align - 1) & ~(align - 1) : 0;
	if (!c || at > c->size || c->size - at < n) {
		size_t size = c ? c->size * 2 : 4096;
		if (size > (1u << 20))
			size = 1u << 20;
		if (size < n)
			size = n;
		/* No file space (a full disk, ulimit -f): the heap, as without
		 * spilling. */
		c = a->spill ? spill_chunk(a->spill, n) : NULL;
		if (c) {
			size = c->size;
		} else {
			c = malloc(sizeof *c + size);
			if (!c)
				return NULL;
			c->size = size;
			c->mapped = 0;
		}
		c->used = 0;
		at = 0; /* data is aligned for any type */
		/* A large one-off chunk goes behind the head so the head's free
		 * space stays usable for small strings. */
		if (a->head && size == n) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
		/* What was written before is seldom read soon: give it back. */
		rg_arena_release(a);
	}
	void *p = c->data + at;
	c->used = at + n;
	a->used_total += n;
	return p;
}

void *rg_arena_alloc(struct rg_arena *a, size_t n)
{
	void *p = bump(a, n, alignof(max_align_t));
	if (p)
		memset(p, 0, n);
	return p;
}

/* Strings are packed byte by byte: aligning each to 16 bytes and zeroing
 * it first cost a third of the evidence's string space (short ids and
 * times dominate). */
char *rg_arena_strndup(struct rg_arena *a, const char *s, size_t n)
{
	char *d = bump(a, n + 1, 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

char *rg_arena_strdup(struct rg_arena *a, const char *s)
{
	return rg_arena_strndup(a, s, strlen(s));
}

void *rg_arena_adopt(struct rg_arena *a, void *p)
{
	if (!p)
		return NULL;
	struct rg_arena_adopted *d = rg_arena_alloc(a, sizeof *d);
	if (!d)
		return NULL;
	d->block = p;
	d->next = a->adopted;
	a->adopted = d;
	return p;
}

char *rg_arena_printf(struct rg_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *tmp = rg_vasprintf(fmt, ap);
	va_end(ap);
	if (!tmp)
		return NULL;
	char *d = rg_arena_strdup(a, tmp);
	free(tmp);
	return d;
}

/* The capacity of the one growth rule (doubling from 8) that holds need
 * elements of size bytes; 0 when their size would overflow. */
static size_t doubled_cap(size_t cap, size_t need, size_t size)
{
	size_t cap2 = cap ? cap : 8;
	while (cap2 < need) {
		if (cap2 > SIZE_MAX / 2)
			return 0;
		cap2 *= 2;
	}
	return cap2 > SIZE_MAX / size ? 0 : cap2;
}

void *rg_array_grow(void *v, size_t *cap, size_t need, size_t size)
{
	assert(size > 0);
	if (need <= *cap)
		return v;
	size_t cap2 = doubled_cap(*cap, need, size);
	if (!cap2)
		return NULL;
	void *w = realloc(v, cap2 * size);
	if (!w)
		return NULL;
	*cap = cap2;
	return w;
}

static struct spill_array *find_array(struct rg_arena *a, const void *v)
{
	struct rg_arena_spill *sp = a->spill;
	for (size_t i = 0; sp && v && i < sp->n_arrays; i++)
		if (sp->arrays[i].base == v)
			return &sp->arrays[i];
	return NULL;
}

void *rg_arena_grow(struct rg_arena *a, void *v, size_t *cap, size_t need, size_t size)
{
	assert(size > 0);
	if (need <= *cap)
		return v;
	struct spill_array *sa = find_array(a, v);
	size_t cap2 = doubled_cap(*cap, need, size);
	if (!cap2)
		return NULL;
	size_t bytes = round_to_page(cap2 * size);
	if (!a->spill || (!sa && cap2 * size < SPILL_ARRAY_MIN))
		return rg_array_grow(v, cap, need, size);
	if (!bytes)
		return NULL;
	if (sa) {
		/* In place: the file grows, the mapping follows it (not once
		 * kept: its file is closed). */
		void *m = MAP_FAILED;
		if (sa->f &&
		    posix_fallocate(fileno(sa->f), (off_t)sa->bytes, (off_t)(bytes - sa->bytes)) == 0)
			m = mremap(sa->base, sa->bytes, bytes, MREMAP_MAYMOVE);
		if (m != MAP_FAILED) {
			sa->base = m;
			sa->bytes = bytes;
			*cap = bytes / size;
			return m;
		}
		/* No more file space: on the heap from now on. */
		void *h = malloc(cap2 * size);
		if (!h)
			return NULL;
		memcpy(h, sa->base, *cap * size);
		rg_arena_drop_array(a, sa->base);
		*cap = cap2;
		return h;
	}
	/* Large now: from the heap to a file of its own (while it grows: an
	 * open file each, so only so many at once). */
	struct rg_arena_spill *sp = a->spill;
	size_t growing = 0;
	for (size_t i = 0; i < sp->n_arrays; i++)
		growing += sp->arrays[i].f != NULL;
	if (growing >= SPILL_ARRAYS_GROWING)
		return rg_array_grow(v, cap, need, size);
	struct spill_array *arrays = rg_array_grow(sp->arrays, &sp->cap_arrays, sp->n_arrays + 1,
	                                           sizeof *arrays);
	if (!arrays)
		return NULL;
	sp->arrays = arrays;
	FILE *f = rg_scratch_file_near(sp->near);
	if (!f)
		return rg_array_grow(v, cap, need, size); /* no file: the heap will do */
	void *m = MAP_FAILED;
	if (posix_fallocate(fileno(f), 0, (off_t)bytes) == 0)
		m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fileno(f), 0);
	if (m == MAP_FAILED) {
		fclose(f);
		return rg_array_grow(v, cap, need, size); /* no file space: the heap */
	}
	if (v) {
		memcpy(m, v, *cap * size);
		free(v);
	}
	sp->arrays[sp->n_arrays++] = (struct spill_array){m, bytes, f};
	*cap = bytes / size;
	return m;
}

void *rg_arena_keep_array(struct rg_arena *a, void **v, size_t n_bytes)
{
	void *kept = *v;
	struct spill_array *sa = find_array(a, kept);
	if (sa && sa->f) {
		/* It will not grow again: the mapping outlives its file. */
		fclose(sa->f);
		sa->f = NULL;
	}
	if (kept && !sa) { /* a file's is freed with the arena already */
		void *t = realloc(kept, n_bytes ? n_bytes : 1); /* trimmed */
		if (t)
			*v = kept = t;
		if (!rg_arena_adopt(a, kept))
			return NULL;
	}
	*v = NULL;
	return kept;
}

void rg_arena_drop_array(struct rg_arena *a, void *v)
{
	struct spill_array *sa = find_array(a, v);
	if (!sa) {
		free(v);
		return;
	}
	munmap(sa->base, sa->bytes);
	if (sa->f)
		fclose(sa->f);
	*sa = a->spill->arrays[--a->spill->n_arrays];
}
