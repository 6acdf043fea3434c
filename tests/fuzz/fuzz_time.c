/*
 * fuzz_time.c: libFuzzer target for the RFC 3339 and ISO 8601 duration
 * parsers (core/timefmt.h), which read every timestamp of every CSV file.
 *
 * Besides "no crash, no undefined behaviour", it checks the round trip the
 * reports rely on: whatever parses formats to a string that parses back to
 * the same instant and offset (and, in UTC, the same instant); a duration
 * formats to a canonical string that parses back to the same length.
 */
#include <string.h>

#include "core/timefmt.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	struct rg_time t;
	enum rg_time_err e = rg_time_parse(&t, s, size);
	RG_FUZZ_CHECK(rg_time_strerror(e) != NULL);
	if (e == RG_TIME_OK) {
		char buf[RG_TIME_BUFSZ];
		const char *f = rg_time_format(buf, t);
		struct rg_time back;
		RG_FUZZ_CHECK(rg_time_parse(&back, f, strlen(f)) == RG_TIME_OK);
		RG_FUZZ_CHECK(back.ms == t.ms && back.offset == t.offset);

		const char *u = rg_time_format_utc(buf, t.ms);
		RG_FUZZ_CHECK(rg_time_parse(&back, u, strlen(u)) == RG_TIME_OK);
		RG_FUZZ_CHECK(back.ms == t.ms && back.offset == 0);
	}

	int64_t ms;
	if (rg_duration_parse(&ms, s, size)) {
		RG_FUZZ_CHECK(ms >= 0);
		char buf[RG_DURATION_BUFSZ];
		const char *f = rg_duration_format(buf, ms);
		int64_t back;
		RG_FUZZ_CHECK(rg_duration_parse(&back, f, strlen(f)));
		RG_FUZZ_CHECK(back == ms);
	}
	return 0;
}
