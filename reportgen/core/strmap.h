/*
 * strmap.h: a string -> pointer hash map (open addressing; SipHash-1-3 with
 * a random per-process key, so bundle-chosen keys cannot collide on purpose).
 *
 * Used for identifier uniqueness and cross-references (email_id -> finding,
 * secret_id -> secret), accounts, and distinct sign-in addresses.  Keys are
 * not copied: they must outlive the map (they live in the run's arena, or
 * the caller copies them with rg_strmap_put_copy).  The table doubles at
 * 70% load; lookups are O(1) expected.
 */
#ifndef RG_STRMAP_H
#define RG_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 24 bytes: a table of 50,000 identifiers is 3 MB, and it doubles while
 * the rows are read, which is where reading a bundle peaks (issue 16). */
struct rg_strmap_slot {
	const char *key;
	void *value;
	uint32_t len;  /* keys are field values, far below 4 GB (limits.h) */
	uint32_t hash; /* the low bits of the key's SipHash */
};

struct rg_strmap {
	struct rg_strmap_slot *slots;
	size_t cap, count;
};

void rg_strmap_init(struct rg_strmap *m);
void rg_strmap_free(struct rg_strmap *m); /* frees the table, not keys or values */

/* NULL when absent. */
void *rg_strmap_get(const struct rg_strmap *m, const char *key, size_t len);
bool rg_strmap_has(const struct rg_strmap *m, const char *key, size_t len);

/* Inserts or replaces.  Returns false only when out of memory.  *existed
 * (when not NULL) says whether the key was already present. */
bool rg_strmap_put(struct rg_strmap *m, const char *key, size_t len, void *value, bool *existed);

#endif
