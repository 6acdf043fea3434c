/*
 * arena.h: the run's memory pool.
 *
 * One arena per run owns the evidence model, the directive, the results and
 * every string copied from input; it is freed once, with everything in it
 * (libgit2's pool).  Allocation never fails silently: a NULL return means
 * out of memory and the caller reports RG_EENV.
 *
 * Test builds can make the N-th allocation fail (rg_arena_fail_after) to
 * exercise the out-of-memory paths, as SQLite and curl do.
 */
#ifndef RG_ARENA_H
#define RG_ARENA_H

#include <stddef.h>

struct rg_arena_chunk;
struct rg_arena_adopted;

struct rg_arena {
	struct rg_arena_chunk *head;
	struct rg_arena_adopted *adopted; /* malloc'd blocks it owns (rg_arena_adopt) */
	size_t used_total; /* bytes handed out, for the memory benchmarks */
};

void rg_arena_init(struct rg_arena *a);
void rg_arena_free(struct rg_arena *a); /* safe on an initialised empty arena */

/* Zeroed, aligned for any type; NULL when out of memory. */
void *rg_arena_alloc(struct rg_arena *a, size_t n);
/* Copies n bytes and a NUL. */
char *rg_arena_strndup(struct rg_arena *a, const char *s, size_t n);
char *rg_arena_strdup(struct rg_arena *a, const char *s);
/* Makes a block from malloc the arena's: it is freed with the arena, and
 * the caller must not free it.  For an array built by doubling with
 * realloc, whose copy into the arena would briefly double its size.
 * Returns p; NULL when out of memory, and then p is still the caller's. */
void *rg_arena_adopt(struct rg_arena *a, void *p);
char *rg_arena_printf(struct rg_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Room for `need` elements of `size` bytes in the malloc'd array v, which
 * holds *cap: the array itself when it has it, else a copy grown by
 * doubling (appends cost O(1) each, amortised), with *cap updated.  NULL
 * when out of memory or the size overflows, and then v is unchanged and
 * still the caller's.  The one growth rule of the arrays built one element
 * at a time (diagnostics, table rows, the judge's and report reader's
 * items, which are then trimmed and given to rg_arena_adopt). */
void *rg_array_grow(void *v, size_t *cap, size_t need, size_t size);

/* Test hook: the n-th allocation from now fails (0 disables). */
void rg_arena_fail_after(unsigned long n);

#endif
