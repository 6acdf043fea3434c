/*
 * fuzz_csv.c: libFuzzer target for the streaming CSV parser (bundle/csv.h).
 *
 * The parser is fed bytes as they come out of inflate, in chunks of any
 * size, so the target parses each input twice: once in one piece and once
 * split at pseudo-random points (seeded from the input, so a run is
 * deterministic).  Both runs must hand the same records to the callback
 * and raise the same number of diagnostics: a record may not depend on
 * where a chunk boundary fell.  Every record must also respect what csv.h
 * promises: as many fields as the header, NUL-terminated fields, no field
 * longer than the field limit.
 *
 * Small limits keep the input space dense around the limit checks.
 */
#include <string.h>

#include "bundle/csv.h"
#include "fuzz_common.h"

struct tally {
	uint64_t hash; /* FNV-1a over line numbers and field bytes */
	size_t records;
	size_t header_fields;
	const struct rg_limits *limits;
};

static void mix(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		*h ^= b[i];
		*h *= 1099511628211ULL;
	}
}

static bool on_record(void *ctx, uint32_t line, const struct rg_csv_field *f, size_t n)
{
	struct tally *t = ctx;
	if (t->records == 0)
		t->header_fields = n;
	else
		RG_FUZZ_CHECK(n == t->header_fields);
	mix(&t->hash, &line, sizeof line);
	mix(&t->hash, &n, sizeof n);
	for (size_t i = 0; i < n; i++) {
		RG_FUZZ_CHECK(f[i].s != NULL && f[i].s[f[i].n] == '\0');
		RG_FUZZ_CHECK(f[i].n <= t->limits->field_length);
		mix(&t->hash, &f[i].n, sizeof f[i].n);
		mix(&t->hash, f[i].s, f[i].n);
	}
	t->records++;
	/* Stop early sometimes, as the table readers do on a fatal row. */
	return t->records < 5000;
}

struct outcome {
	struct tally tally;
	size_t errors, warnings;
	bool stopped;
};

static void parse(struct outcome *o, const struct rg_limits *lim, const uint8_t *data,
                  size_t size, uint32_t seed)
{
	memset(o, 0, sizeof *o);
	o->tally.hash = 14695981039346656037ULL;
	o->tally.limits = lim;
	struct rg_diags diags;
	rg_diags_init(&diags);
	struct rg_csv *c = rg_csv_new("fuzz.csv", lim, &diags, on_record, &o->tally);
	RG_FUZZ_CHECK(c != NULL);
	size_t off = 0;
	bool go = true;
	while (go && off < size) {
		size_t n = size - off;
		if (seed) {
			/* xorshift32: chunk lengths 0..16, zero-length feeds included. */
			seed ^= seed << 13;
			seed ^= seed >> 17;
			seed ^= seed << 5;
			size_t want = seed % 17;
			if (want < n)
				n = want;
		}
		go = rg_csv_feed(c, (const char *)data + off, n);
		off += n;
	}
	if (go)
		rg_csv_end(c);
	o->stopped = rg_csv_stopped(c);
	if (o->tally.header_fields)
		RG_FUZZ_CHECK(rg_csv_column(c, o->tally.header_fields - 1) != NULL);
	RG_FUZZ_CHECK(rg_csv_column(c, o->tally.header_fields) == NULL);
	o->errors = diags.errors;
	o->warnings = diags.warnings;
	rg_csv_free(c);
	rg_diags_free(&diags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return 0;
	struct rg_limits lim;
	rg_limits_default(&lim);
	lim.line_length = 512;
	lim.field_length = 64;

	uint32_t seed = 2166136261u;
	for (size_t i = 0; i < size; i++)
		seed = (seed ^ data[i]) * 16777619u;
	seed |= 1;

	struct outcome whole, split;
	parse(&whole, &lim, data, size, 0);
	parse(&split, &lim, data, size, seed);
	RG_FUZZ_CHECK(whole.tally.records == split.tally.records);
	RG_FUZZ_CHECK(whole.tally.hash == split.tally.hash);
	RG_FUZZ_CHECK(whole.errors == split.errors);
	RG_FUZZ_CHECK(whole.warnings == split.warnings);
	RG_FUZZ_CHECK(whole.stopped == split.stopped);
	return 0;
}
