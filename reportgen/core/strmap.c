/*
 * strmap.c: string hash map (see strmap.h).
 */
#include "core/strmap.h"

#include <stdlib.h>
#include <string.h>

static unsigned long fnv1a(const char *s, size_t n)
{
	unsigned long h = 1469598103934665603UL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211UL;
	}
	return h;
}

void rg_strmap_init(struct rg_strmap *m)
{
	m->slots = NULL;
	m->cap = m->count = 0;
}

void rg_strmap_free(struct rg_strmap *m)
{
	free(m->slots);
	rg_strmap_init(m);
}

static struct rg_strmap_slot *find(const struct rg_strmap *m, const char *key, size_t len,
                                   unsigned long h)
{
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct rg_strmap_slot *s = &m->slots[i];
		if (!s->key || (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0))
			return s;
	}
}

void *rg_strmap_get(const struct rg_strmap *m, const char *key, size_t len)
{
	if (!m->cap)
		return NULL;
	struct rg_strmap_slot *s = find(m, key, len, fnv1a(key, len));
	return s->key ? s->value : NULL;
}

bool rg_strmap_has(const struct rg_strmap *m, const char *key, size_t len)
{
	if (!m->cap)
		return false;
	return find(m, key, len, fnv1a(key, len))->key != NULL;
}

static bool grow(struct rg_strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	struct rg_strmap_slot *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return false;
	struct rg_strmap old = *m;
	m->slots = slots;
	m->cap = cap;
	for (size_t i = 0; i < old.cap; i++) {
		if (old.slots[i].key)
			*find(m, old.slots[i].key, old.slots[i].len, old.slots[i].hash) = old.slots[i];
	}
	free(old.slots);
	return true;
}

bool rg_strmap_put(struct rg_strmap *m, const char *key, size_t len, void *value, bool *existed)
{
	if ((m->count + 1) * 10 > m->cap * 7 && !grow(m))
		return false;
	unsigned long h = fnv1a(key, len);
	struct rg_strmap_slot *s = find(m, key, len, h);
	if (existed)
		*existed = s->key != NULL;
	if (!s->key) {
		s->key = key;
		s->len = len;
		s->hash = h;
		m->count++;
	}
	s->value = value;
	return true;
}
