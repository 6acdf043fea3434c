/*
 * test_bundle_csv.c: the streaming RFC 4180 parser (bundle/csv).
 *
 * Every input is fed whole and again one byte at a time: the records must
 * not depend on how the ZIP reader happens to chunk the bytes.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "bundle/csv.h"

#define MAXREC 16
struct seen {
	size_t n;
	uint32_t line[MAXREC];
	size_t nf[MAXREC];
	char text[MAXREC][256]; /* fields joined with '|' */
};

static bool record(void *ctx, uint32_t line, const struct rg_csv_field *f, size_t n)
{
	struct seen *s = ctx;
	if (s->n == MAXREC)
		return false;
	s->line[s->n] = line;
	s->nf[s->n] = n;
	char *t = s->text[s->n];
	t[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strncat(t, "|", 255 - strlen(t));
		strncat(t, f[i].s, 255 - strlen(t));
	}
	s->n++;
	return true;
}

static void parse(struct seen *s, struct rg_diags *d, const char *in, size_t len, bool bytewise,
                  const struct rg_limits *lim)
{
	memset(s, 0, sizeof *s);
	struct rg_limits def;
	rg_limits_default(&def);
	struct rg_csv *c = rg_csv_new("t.csv", lim ? lim : &def, d, record, s);
	if (bytewise)
		for (size_t i = 0; i < len; i++)
			rg_csv_feed(c, in + i, 1);
	else
		rg_csv_feed(c, in, len);
	rg_csv_end(c);
	rg_csv_free(c);
}

static void both(const char *in, void (*check)(struct seen *, struct rg_diags *))
{
	for (int bytewise = 0; bytewise < 2; bytewise++) {
		struct seen s;
		struct rg_diags d;
		rg_diags_init(&d);
		parse(&s, &d, in, strlen(in), bytewise, NULL);
		check(&s, &d);
		rg_diags_free(&d);
	}
}

static void quoted_check(struct seen *s, struct rg_diags *d)
{
	cr_assert_eq(d->errors, 0);
	cr_assert_eq(s->n, 3);
	cr_assert_str_eq(s->text[1], "1|a, b|say \"hi\"");
	cr_assert_str_eq(s->text[2], "2|line one\nline two|");
	cr_assert_eq(s->line[1], 2);
	cr_assert_eq(s->line[2], 3);
}

Test(csv, quoted_commas_quotes_and_newlines)
{
	both("id,text,note\n1,\"a, b\",\"say \"\"hi\"\"\"\n2,\"line one\nline two\",\n", quoted_check);
}

static void line_check(struct seen *s, struct rg_diags *d)
{
	cr_assert_eq(d->errors, 0);
	cr_assert_eq(s->n, 3);
	cr_assert_eq(s->line[2], 5, "a record after a two-line field starts on physical line 5");
	cr_assert_str_eq(s->text[2], "c|d");
}

Test(csv, line_numbers_count_physical_lines)
{
	both("h1,h2\r\n\"x\r\ny\",z\r\n\r\nc,d\r\n", line_check);
}

static void bom_check(struct seen *s, struct rg_diags *d)
{
	cr_assert_eq(d->errors, 0);
	cr_assert_eq(s->n, 2);
	cr_assert_str_eq(s->text[0], "email_id|x");
	cr_assert_str_eq(s->text[1], "1|");
}

Test(csv, bom_is_skipped_and_last_line_needs_no_newline)
{
	both("\xEF\xBB\xBF" "email_id,x\n1,", bom_check);
}

static void errors_check(struct seen *s, struct rg_diags *d)
{
	/* Three bad records, each diagnosed with its line and column; the
	 * good ones still arrive. */
	cr_assert_eq(d->errors, 3);
	cr_assert_eq(s->n, 3);
	cr_assert_str_eq(d->v[0].file, "t.csv");
	cr_assert_eq(d->v[0].line, 2);
	cr_assert_str_eq(d->v[0].column, "b");
	cr_assert_eq(d->v[1].line, 3);
	cr_assert_eq(d->v[2].line, 4);
	cr_assert_str_eq(s->text[1], "ok|1");
	cr_assert_str_eq(s->text[2], "fine|2");
}

Test(csv, malformed_records_are_reported_and_skipped)
{
	both("a,b\nx,y\"z\n\"q\"r,1\nonly-one\nok,1\nfine,2\n", errors_check);
}

static void unterminated_check(struct seen *s, struct rg_diags *d)
{
	cr_assert_eq(d->errors, 1);
	cr_assert_eq(d->v[0].line, 2);
	cr_assert(strstr(d->v[0].message, "never closed") != NULL);
	cr_assert_eq(s->n, 1);
}

Test(csv, unterminated_quote_names_the_line_it_starts_on)
{
	both("a,b\n\"open,1\n2,3\n", unterminated_check);
}

Test(csv, field_limit_stops_the_file_with_the_option_named)
{
	struct rg_limits lim;
	rg_limits_default(&lim);
	lim.field_length = 4;
	struct seen s;
	struct rg_diags d;
	rg_diags_init(&d);
	const char *in = "a,b\n1234,x\n12345,y\nz,w\n";
	parse(&s, &d, in, strlen(in), false, &lim);
	cr_assert_eq(d.errors, 1);
	cr_assert_eq(d.v[0].line, 3);
	cr_assert(strstr(d.v[0].hint, "--max-field-length") != NULL);
	cr_assert_eq(s.n, 2, "rows after the limit are not read");
	rg_diags_free(&d);
}

Test(csv, invalid_utf8_is_an_error)
{
	struct seen s;
	struct rg_diags d;
	rg_diags_init(&d);
	const char *in = "a,b\n1,\xff\xfe\n";
	parse(&s, &d, in, strlen(in), false, NULL);
	cr_assert_eq(d.errors, 1);
	cr_assert_str_eq(d.v[0].column, "b");
	rg_diags_free(&d);
}
