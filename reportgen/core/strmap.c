/*
 * strmap.c: string hash map (see strmap.h).
 */
#include "core/strmap.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* SipHash-1-3 keyed with 128 random bits per process.  The keys come from
 * the bundle (identifiers, accounts, sign-in addresses), so with a public
 * hash (FNV-1a before) an attacker can cheaply make every key land in one
 * probe chain and turn --max-rows inserts quadratic (80,000 colliding
 * email_ids took 63 s).  Nothing iterates the table, so a random key
 * changes no output. */
static uint64_t sip_key[2];

static uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

#define SIPROUND                                                                                 \
	do {                                                                                     \
		v0 += v1, v1 = rotl(v1, 13), v1 ^= v0, v0 = rotl(v0, 32);                         \
		v2 += v3, v3 = rotl(v3, 16), v3 ^= v2;                                            \
		v0 += v3, v3 = rotl(v3, 21), v3 ^= v0;                                            \
		v2 += v1, v1 = rotl(v1, 17), v1 ^= v2, v2 = rotl(v2, 32);                         \
	} while (0)

static void sip_init(void)
{
	if (sip_key[0] | sip_key[1])
		return;
	uint64_t k[2] = {0, 0};
	if (getrandom(k, sizeof k, 0) != (ssize_t)sizeof k) {
		/* No entropy: still better than a public constant. */
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		k[0] = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
		k[1] = (uint64_t)ts.tv_sec * 0xbf58476d1ce4e5b9ULL ^ (uint64_t)(uintptr_t)&ts;
	}
	sip_key[0] = k[0] | 1; /* never both zero, so the key is set once */
	sip_key[1] = k[1];
}

static uint32_t sip(const char *s, size_t n)
{
	sip_init();
	uint64_t v0 = sip_key[0] ^ 0x736f6d6570736575ULL, v1 = sip_key[1] ^ 0x646f72616e646f6dULL,
	         v2 = sip_key[0] ^ 0x6c7967656e657261ULL, v3 = sip_key[1] ^ 0x7465646279746573ULL;
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t m;
		memcpy(&m, p + i, 8); /* little-endian hosts; only the spread matters */
		v3 ^= m;
		SIPROUND;
		v0 ^= m;
	}
	uint64_t b = (uint64_t)n << 56;
	for (size_t k = 0; i + k < n; k++)
		b |= (uint64_t)p[i + k] << (8 * k);
	v3 ^= b;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return (uint32_t)(v0 ^ v1 ^ v2 ^ v3);
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
                                   uint32_t h)
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
	struct rg_strmap_slot *s = find(m, key, len, sip(key, len));
	return s->key ? s->value : NULL;
}

bool rg_strmap_has(const struct rg_strmap *m, const char *key, size_t len)
{
	if (!m->cap)
		return false;
	return find(m, key, len, sip(key, len))->key != NULL;
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
	assert(len <= UINT32_MAX);
	uint32_t h = sip(key, len);
	struct rg_strmap_slot *s = find(m, key, len, h);
	if (existed)
		*existed = s->key != NULL;
	if (!s->key) {
		s->key = key;
		s->len = (uint32_t)len;
		s->hash = h;
		m->count++;
	}
	s->value = value;
	return true;
}
