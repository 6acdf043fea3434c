/*
 * test_directive_columns.c: which evidence columns the directive loader
 * keeps, and that the reader stores no others.
 *
 * A text or account column that no rule, reason template or check of the
 * bundle reader names is validated and not stored (profile.h, unread): at
 * 50,000 findings those texts were 9 MB of render's peak.  Dropping one
 * that something reads would turn a verdict or a reason silently wrong, so
 * the list for the shipped definition is pinned here, with the three ways
 * a column is kept that are not a rule attribute: a {row.COLUMN} in a
 * reason, a column another's matches= names, and a cited document.  A row
 * keeps values for the other columns only (profile.h's slot).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle/bundle.h"
#include "directive/directive.h"
#include "rg_config.h"

static struct rg_directive *load(const char *path, struct rg_arena *a)
{
	struct rg_diags d;
	rg_diags_init(&d);
	struct rg_directive *dir = NULL;
	cr_assert_eq(rg_directive_load(&dir, path, a, &d), RG_OK, "%s does not load", path);
	rg_diags_free(&d);
	return dir;
}

static struct rg_directive *load_shipped(struct rg_arena *a)
{
	char *path = rg_directive_path_for("ED-24-02");
	cr_assert_not_null(path);
	struct rg_directive *dir = load(path, a);
	free(path);
	return dir;
}

/* "file:column file:column ..." of the unread columns, in profile order. */
static void unread_list(const struct rg_directive *dir, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t t = 0; t < dir->profile.n_tables; t++) {
		const struct rg_table_spec *spec = &dir->profile.tables[t];
		for (size_t k = 0; k < spec->n_cols; k++)
			if (spec->cols[k].unread && used < size)
				used += (size_t)snprintf(buf + used, size - used, "%s%s:%s", used ? " " : "",
				                         spec->file, spec->cols[k].name);
	}
}

static const struct rg_column_spec *column(const struct rg_directive *dir, const char *file,
                                           const char *name)
{
	const struct rg_table_spec *t = rg_profile_table(&dir->profile, file);
	cr_assert_not_null(t, "%s", file);
	int c = rg_table_spec_column(t, name);
	cr_assert_geq(c, 0, "%s:%s", file, name);
	return &t->cols[c];
}

Test(directive_columns, the_shipped_definition_drops_only_what_nothing_reads)
{
	struct rg_arena a;
	rg_arena_init(&a);
	const struct rg_directive *dir = load_shipped(&a);
	char got[1024];
	unread_list(dir, got, sizeof got);
	cr_assert_str_eq(got,
	                 "findings.csv:sender findings.csv:recipients findings.csv:subject_sha256 "
	                 "findings.csv:reviewer findings.csv:notes "
	                 "remediations.csv:performed_by remediations.csv:system remediations.csv:ticket "
	                 "log-reviews.csv:reviewer timeline.csv:actor timeline.csv:notes");
	/* Kept though no rule names it as a column of its own table: */
	cr_assert(!column(dir, "secrets.csv", "account")->unread);       /* log-reviews' matches= */
	cr_assert(!column(dir, "log-reviews.csv", "account")->unread);   /* checked against it */
	cr_assert(!column(dir, "timeline.csv", "reference")->unread);    /* a cited document */
	cr_assert(!column(dir, "secrets.csv", "application")->unread);   /* an audit target */
	cr_assert(!column(dir, "log-reviews.csv", "incident_id")->unread); /* required unless */
	rg_arena_free(&a);
}

Test(directive_columns, a_reason_that_shows_a_column_keeps_it)
{
	char *path = rg_directive_path_for("ED-24-02");
	cr_assert_not_null(path);
	FILE *in = fopen(path, "rb");
	cr_assert_not_null(in);
	static char text[1 << 20];
	size_t n = fread(text, 1, sizeof text - 1, in);
	fclose(in);
	free(path);
	text[n] = '\0';
	const char *from = "email {id}: reviewed at {when}</reason>";
	char *at = strstr(text, from);
	cr_assert_not_null(at, "the shipped RA-1 on-time reason changed; update the test");
	char edited[sizeof text + 64];
	snprintf(edited, sizeof edited, "%.*semail {id}: reviewed at {when} by {row.reviewer?someone}%s",
	         (int)(at - text), text, at + strlen("email {id}: reviewed at {when}"));
	char tmp[] = "/tmp/rg-directive-XXXXXX";
	int fd = mkstemp(tmp);
	cr_assert_geq(fd, 0);
	FILE *out = fdopen(fd, "wb");
	cr_assert_not_null(out);
	fputs(edited, out);
	cr_assert_eq(fclose(out), 0);

	struct rg_arena a;
	rg_arena_init(&a);
	const struct rg_directive *dir = load(tmp, &a);
	unlink(tmp);
	cr_assert(!column(dir, "findings.csv", "reviewer")->unread);
	cr_assert(column(dir, "findings.csv", "sender")->unread);
	/* log-reviews.csv has a reviewer column too: {row.COLUMN} does not say
	 * whose row it shows, so every table's column of that name is kept. */
	cr_assert(!column(dir, "log-reviews.csv", "reviewer")->unread);
	rg_arena_free(&a);
}

Test(directive_columns, a_row_stores_only_the_columns_something_reads)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/samples/compliant.zip", RG_BUILD_ROOT);
	struct rg_arena a;
	rg_arena_init(&a);
	struct rg_diags d;
	rg_diags_init(&d);
	struct rg_limits lim;
	rg_limits_default(&lim);
	struct rg_bundle *b;
	rg_status st = rg_bundle_open(&b, path, &lim, rg_directive_installed_profile, &a, &a, &d);
	cr_assert_not_null(b);
	const struct rg_evidence *ev = rg_bundle_evidence(b);
	cr_assert_eq(rg_status_worst(st, rg_bundle_finish(b, NULL, NULL)), RG_OK);
	const struct rg_etable *f = NULL;
	for (size_t t = 0; t < ev->n_tables; t++)
		if (strcmp(ev->tables[t].spec->file, "findings.csv") == 0)
			f = &ev->tables[t];
	cr_assert(f && f->n > 1);
	const struct rg_table_spec *spec = f->spec;
	/* email_id, sent_at, reviewed_at, contains_secret, impact */
	cr_assert_eq(spec->n_stored, 5);
	cr_assert_eq(spec->slot[rg_table_spec_column(spec, "sender")], -1);
	cr_assert_eq(spec->slot[rg_table_spec_column(spec, "notes")], -1);
	/* The stored columns keep their values, whatever slot they have:
	 * samples/compliant/findings.csv, line 3. */
	const struct rg_row *row = &f->rows[1];
	cr_assert_eq(row->line, 3);
	cr_assert_eq(row->spec, spec);
	cr_assert_str_eq(rg_row_value(row, spec->id_col)->s,
	                 "AAMkAGXR4HzzElvn8KfOnUBe-vMYppXuyMoDzHPg3ZbStku4x9tuyihDG0do8XvPSr21561hiTIJI_85tV8AAAA=");
	char when[RG_TIME_BUFSZ];
	rg_time_format(when, rg_row_value(row, rg_table_spec_column(spec, "reviewed_at"))->t);
	cr_assert_str_eq(when, "2024-04-17T14:25:00Z");
	cr_assert_eq(rg_row_value(row, rg_table_spec_column(spec, "contains_secret"))->i, 0);
	cr_assert_eq(rg_row_value(row, rg_table_spec_column(spec, "impact"))->i, 0);
	rg_diags_free(&d);
	rg_arena_free(&a);
}
