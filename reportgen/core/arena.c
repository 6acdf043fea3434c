/*
 * arena.c: bump allocator in chunks (see arena.h).
 *
 * Chunks double up to 1 MiB; a request larger than a chunk gets a chunk of
 * its own.  Objects start aligned for any type, strings anywhere.  Nothing
 * is freed before rg_arena_free.
 */
#include "core/arena.h"

#include <assert.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"

struct rg_arena_chunk {
	struct rg_arena_chunk *next;
	size_t size, used;
	alignas(max_align_t) unsigned char data[];
};

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
		free(c);
		c = next;
	}
	a->head = NULL;
	a->used_total = 0;
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
		c = malloc(sizeof *c + size);
		if (!c)
			return NULL;
		c->size = size;
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

void *rg_array_grow(void *v, size_t *cap, size_t need, size_t size)
{
	assert(size > 0);
	if (need <= *cap)
		return v;
	size_t cap2 = *cap ? *cap : 8;
	while (cap2 < need) {
		if (cap2 > SIZE_MAX / 2)
			return NULL;
		cap2 *= 2;
	}
	if (cap2 > SIZE_MAX / size)
		return NULL;
	void *w = realloc(v, cap2 * size);
	if (!w)
		return NULL;
	*cap = cap2;
	return w;
}
