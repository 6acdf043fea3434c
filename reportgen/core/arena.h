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
struct rg_arena_spill;

struct rg_arena {
	struct rg_arena_chunk *head;
	struct rg_arena_adopted *adopted; /* malloc'd blocks it owns (rg_arena_adopt) */
	size_t used_total; /* bytes handed out, for the memory benchmarks */
	struct rg_arena_spill *spill; /* NULL: the heap (rg_arena_spill) */
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
 * at a time (diagnostics, sign-ins, the views' lists); rg_arena_grow uses
 * it for the arrays an arena ends up owning (table rows, items). */
void *rg_array_grow(void *v, size_t *cap, size_t need, size_t size);

/* Spilling (issue 16: memory flat in the number of rows).  An arena made
 * to spill takes its chunks, and the arrays grown with rg_arena_grow, from
 * scratch files beside near_path (rg_scratch_file_near) mapped into memory
 * (MAP_SHARED), and gives their pages back to the kernel from time to
 * time (rg_arena_release, rg_arena_tick): the process keeps resident only
 * what it touched since, and the rest stays in the page cache, which the
 * kernel may write to the scratch files and evict when memory is short,
 * where the heap would need swap.  What is stored is the same; a page given
 * back is read again from the page cache when next touched.  The file
 * space is reserved before a page is used (posix_fallocate), so a full
 * disk (or ulimit -f) is never a SIGBUS: what finds no file space goes to
 * the heap, as without spilling.  That holds where posix_fallocate
 * reserves the blocks mapped writes use (ext4, XFS, tmpfs); elsewhere
 * (btrfs, ZFS, NFS, overlayfs) the arena does not spill (-1, ENOTSUP).
 * -1 with errno also when the scratch file cannot be made; either way the
 * arena stays on the heap.  Call before the first allocation. */
int rg_arena_spill(struct rg_arena *a, const char *near_path);

/* Gives the pages of a spilling arena back to the kernel, all but the
 * chunk being filled (a no-op for a heap arena). */
void rg_arena_release(struct rg_arena *a);

/* Called once per row or item by the loops that sweep the evidence or the
 * results (reading a table, judging, writing report.xml, drawing a table):
 * every RG_ARENA_TICKS calls, rg_arena_release of every spilling arena.
 * The spilling arenas are a list of the process's (a run is one thread;
 * batches fork), of at most eight. */
#define RG_ARENA_TICKS 4096
void rg_arena_tick(void);

/* An array grown by doubling, as rg_array_grow, but in a spilling arena's
 * scratch files once it is large (a file of its own, grown in place with
 * mremap): v is NULL or an array this returned, *cap its capacity.  Then
 * hand it to rg_arena_keep_array, or drop it with rg_arena_drop_array
 * (never free(): it may not be the heap's).  NULL when out of memory, and
 * then v is unchanged and still the caller's. */
void *rg_arena_grow(struct rg_arena *a, void *v, size_t *cap, size_t need, size_t size);
/* Makes the array *v from rg_arena_grow the arena's, freed with it,
 * trimmed to n_bytes: returns where it now is and sets *v to NULL; NULL
 * when out of memory, and then *v is still the caller's (perhaps moved). */
void *rg_arena_keep_array(struct rg_arena *a, void **v, size_t n_bytes);
void rg_arena_drop_array(struct rg_arena *a, void *v);

/* Test hook: the n-th allocation from now fails (0 disables). */
void rg_arena_fail_after(unsigned long n);

#endif
