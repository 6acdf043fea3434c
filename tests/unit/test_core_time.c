/*
 * test_core_time.c: RFC 3339 instants and ISO 8601 durations (core/timefmt).
 * The deadline edges of docs/ed-24-02.md depend on these being exact.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/timefmt.h"

static struct rg_time parse_ok(const char *s)
{
	struct rg_time t;
	cr_assert_eq(rg_time_parse(&t, s, strlen(s)), RG_TIME_OK, "%s should parse", s);
	return t;
}

static enum rg_time_err parse_err(const char *s)
{
	struct rg_time t;
	return rg_time_parse(&t, s, strlen(s));
}

Test(time, offsets_name_the_same_instant)
{
	struct rg_time a = parse_ok("2024-04-30T23:59:59-04:00");
	struct rg_time b = parse_ok("2024-05-01T03:59:59Z");
	struct rg_time c = parse_ok("2024-05-01T09:29:59+05:30");
	cr_assert_eq(a.ms, b.ms);
	cr_assert_eq(a.ms, c.ms);
	cr_assert_eq(a.offset, -240);
	cr_assert_eq(c.offset, 330);
	cr_assert_eq(b.ms, 1714535999000LL);
}

Test(time, missing_offset_is_its_own_error)
{
	cr_assert_eq(parse_err("2024-04-29T16:05:00"), RG_TIME_NO_OFFSET);
	cr_assert_eq(parse_err("2024-04-29T16:05:00.5"), RG_TIME_NO_OFFSET);
	cr_assert_eq(parse_err("2024-04-29 16:05"), RG_TIME_SYNTAX);
	cr_assert_eq(parse_err("2024-04-29"), RG_TIME_SYNTAX);
	cr_assert_eq(parse_err(""), RG_TIME_SYNTAX);
	cr_assert_eq(parse_err("2024-04-29T16:05:00+0400"), RG_TIME_SYNTAX);
	cr_assert_eq(parse_err("2024-04-29T16:05:00Zjunk"), RG_TIME_SYNTAX);
}

Test(time, calendar_is_checked)
{
	cr_assert_eq(parse_err("2024-13-01T00:00:00Z"), RG_TIME_RANGE);
	cr_assert_eq(parse_err("2024-04-31T00:00:00Z"), RG_TIME_RANGE);
	cr_assert_eq(parse_err("2023-02-29T00:00:00Z"), RG_TIME_RANGE);
	parse_ok("2024-02-29T00:00:00Z");
	cr_assert_eq(parse_err("2024-04-01T24:00:00Z"), RG_TIME_RANGE);
	cr_assert_eq(parse_err("2024-04-01T23:59:60Z"), RG_TIME_RANGE);
	cr_assert_eq(parse_err("2024-04-01T00:00:00+24:00"), RG_TIME_RANGE);
}

Test(time, fractions_are_kept_to_the_millisecond)
{
	struct rg_time t = parse_ok("2024-04-01T00:00:00.1239Z");
	struct rg_time u = parse_ok("2024-04-01T00:00:00Z");
	cr_assert_eq(t.ms - u.ms, 123);
}

Test(time, format_round_trips_in_the_written_offset)
{
	const char *in[] = {"2024-04-30T23:59:59-04:00", "2024-05-01T03:59:59Z",
	                    "1969-12-31T23:59:59Z", "2024-04-01T00:00:00.250+05:30"};
	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
		char buf[RG_TIME_BUFSZ];
		cr_assert_str_eq(rg_time_format(buf, parse_ok(in[i])), in[i]);
	}
	char buf[RG_TIME_BUFSZ];
	cr_assert_str_eq(rg_time_format_utc(buf, parse_ok("2024-04-30T23:59:59-04:00").ms),
	                 "2024-05-01T03:59:59Z");
}

Test(duration, parses_days_hours_minutes_seconds)
{
	int64_t ms;
	cr_assert(rg_duration_parse(&ms, "PT48H", 5));
	cr_assert_eq(ms, 48 * 3600000LL);
	cr_assert(rg_duration_parse(&ms, "P2DT3H12M5S", 11));
	cr_assert_eq(ms, ((2 * 24 + 3) * 3600 + 12 * 60 + 5) * 1000LL);
	cr_assert(rg_duration_parse(&ms, "PT0.5S", 6));
	cr_assert_eq(ms, 500);
	cr_assert(rg_duration_parse(&ms, "P1W", 3));
	cr_assert_eq(ms, 7 * 86400000LL);
}

Test(duration, refuses_calendar_units_and_junk)
{
	int64_t ms;
	const char *bad[] = {"P1Y", "P1M", "PT", "P", "48H", "PT48", "PTH", "P1DT", "PT1S2M",
	                     "PT1.5H30M", "PT-1S", "P1D1D"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert_not(rg_duration_parse(&ms, bad[i], strlen(bad[i])), "%s", bad[i]);
}

Test(duration, formats_canonically)
{
	char buf[RG_DURATION_BUFSZ];
	cr_assert_str_eq(rg_duration_format(buf, 1000), "PT1S");
	cr_assert_str_eq(rg_duration_format(buf, 0), "PT0S");
	cr_assert_str_eq(rg_duration_format(buf, (3 * 3600 + 12 * 60) * 1000LL), "PT3H12M");
	cr_assert_str_eq(rg_duration_format(buf, 86400000LL), "P1D");
	cr_assert_str_eq(rg_duration_format(buf, (2 * 86400 + 10 * 3600 + 30 * 60 + 1) * 1000LL),
	                 "P2DT10H30M1S");
	cr_assert_str_eq(rg_duration_format(buf, 1500), "PT1.5S");
}
