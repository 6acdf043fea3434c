/*
 * fuzz_directive.c: libFuzzer target for the directive reader
 * (directive/directive.h) and the judge, on arbitrary file contents.  The
 * directive file normally ships with reportgen, but --directive FILE takes
 * one from the user, so it is input like the bundle: every definition the
 * reader accepts must also judge without crashing.
 *
 * Each input is used twice: as a definition file itself, and as the
 * choices of a generated profile (gen_directive: tables, typed columns,
 * references, actions composed of the rule kinds: row-deadline, event,
 * first-related and coverage over tables that refer to each other; reasons with
 * placeholders), so the fuzzer explores definitions that pass the schema
 * as well as ones that do not.  Each accepted definition is judged against
 * the evidence of two samples, read once per process from the build's
 * samples/ with their installed definitions: gaps (ED 24-02, whose sign-ins
 * are streamed again through the judge) and kev-gaps (BOD 22-01).  A
 * generated profile's tables are often the samples' with other columns:
 * the judge must then read them by name and type, never by index.
 *
 * Property: RG_OK gives a directive with an id and actions that each have
 * an id, and judging it gives one result per action, each with at least one
 * item; RG_EINPUT gives at least one error and no directive.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/bundle.h"
#include "core/str.h"
#include "directive/directive.h"
#include "fuzz_common.h"
#include "judge/judge.h"
#include "rg_config.h"

static struct rg_arena evidence_arena;
static const struct rg_evidence *evidence[2];
static const char *const samples[2] = {RG_BUILD_ROOT "/samples/gaps.zip",
                                       RG_BUILD_ROOT "/samples/kev-gaps.zip"};

static const struct rg_evidence *sample_evidence(int k)
{
	if (evidence[k])
		return evidence[k];
	struct rg_diags diags;
	rg_diags_init(&diags);
	if (!evidence[0] && !evidence[1])
		rg_arena_init(&evidence_arena);
	struct rg_limits limits;
	rg_limits_default(&limits);
	struct rg_bundle *b = NULL;
	rg_status st = rg_bundle_open(&b, samples[k], &limits, rg_directive_installed_profile,
	                              &evidence_arena, &evidence_arena, &diags);
	RG_FUZZ_CHECK(st == RG_OK && b);
	evidence[k] = rg_bundle_evidence(b);
	RG_FUZZ_CHECK(rg_bundle_finish(b, NULL, NULL) == RG_OK);
	rg_diags_free(&diags);
	return evidence[k];
}

static void judge_one(const struct rg_directive *d, struct rg_arena *arena, int which)
{
	const struct rg_evidence *ev = sample_evidence(which);
	struct rg_judge *j = rg_judge_begin(ev, d, 0, "reportgen fuzz", arena);
	RG_FUZZ_CHECK(j != NULL);
	struct rg_signin s = {"svc-grants-etl@ahg.example.gov", "192.0.2.1", {1712000000000LL, 0}, 2};
	rg_judge_signin(j, &s);
	struct rg_results *r = rg_judge_end(j);
	RG_FUZZ_CHECK(r && r->n_actions == d->n_actions);
	for (size_t k = 0; k < r->n_actions; k++)
		RG_FUZZ_CHECK(r->actions[k].n_items > 0);
}

static void judge(const struct rg_directive *d, struct rg_arena *arena)
{
	judge_one(d, arena, 0);
	judge_one(d, arena, 1);
}

/* ---- generated profiles -------------------------------------------------- */

struct gen {
	const uint8_t *p;
	size_t n, at;
	uint32_t state; /* past the input's end: a generator seeded by it */
	struct rg_buf out;
};

static unsigned pick(struct gen *g, unsigned count)
{
	unsigned b;
	if (g->at < g->n) {
		b = g->p[g->at++];
		g->state = g->state * 31u + b;
	} else {
		g->state = g->state * 1103515245u + 12345u;
		b = g->state >> 16;
	}
	return count ? b % count : 0;
}

static const char *one(struct gen *g, const char *const *v, unsigned count)
{
	return v[pick(g, count)];
}

#define ONE(g, v) one((g), (v), sizeof(v) / sizeof((v)[0]))

static const char *const files[] = {"findings.csv", "secrets.csv", "remediations.csv",
                                    "log-reviews.csv", "timeline.csv", "kev-catalog.csv",
                                    "kev-findings.csv", "x.csv"};
static const char *const colnames[] = {"email_id", "secret_id", "event", "at", "reference",
                                       "reviewed_at", "cve", "cveID", "dueDate", "remediated_at",
                                       "account", "action", "performed_at", "notes", "c1"};
static const char *const types[] = {"id", "reference", "account", "text", "time",
                                    "boolean", "enum", "date"};
static const char *const values[] = {"initial_report_submitted other", "procedures_updated other",
                                     "reset rotated revoked", "Known Unknown", "a"};
static const char *const kinds[] = {"initial_report_submitted", "procedures_updated", "other",
                                    "reset", "a"};
static const char *const refs[] = {"none", "any", "attachment"};
static const char *const outcomes[] = {"missing", "empty", "no-due", "not-done", "late",
                                       "on-time", "no-reference", "no-attachment", "recorded",
                                       "recorded-reference", "none", "none-and-also",
                                       "also-missing", "on-time-also", "no-review", "gap",
                                       "unmet", "not-covered", "not-notified"};
static const char *const templates[] = {"{id} {when} {late} {due}", "{kind} on line {line}",
                                        "{row.notes?none} {row.cve} {file}", "{unknown} {",
                                        "plain"};
static const char *const subjects[] = {"email", "secret", "account", "event"};
static const char *const verdicts[] = {"not_satisfied", "insufficient_evidence"};

static void put(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = rg_vasprintf(fmt, ap);
	va_end(ap);
	if (s)
		rg_buf_append(&g->out, s, strlen(s));
	free(s);
}

static void gen_reasons(struct gen *g)
{
	for (unsigned r = pick(g, 4); r > 0; r--)
		put(g, "<reason on=\"%s\" code=\"event-missing\">%s</reason>", ONE(g, outcomes),
		    ONE(g, templates));
}

/* The first column of table t of one of the types (a space-separated
 * list), or any column name now and then: NULL when none. */
static const char *col_of(struct gen *g, unsigned ncols, const char *const *cname,
                          const char *const *ctype, const char *types_wanted)
{
	if (pick(g, 16) == 0)
		return ONE(g, colnames);
	for (unsigned c = 0; c < ncols; c++) {
		size_t n = strlen(ctype[c]);
		for (const char *p = types_wanted; (p = strstr(p, ctype[c])) != NULL; p += n)
			if ((p == types_wanted || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
				return cname[c];
	}
	return NULL;
}

/* A <first-related> (coverage false) or a <coverage> over table t, when
 * some table u refers to it: u's reference column is the via, its enum
 * column the kinds, its time column the time.  false: no such table (the
 * caller writes another rule kind). */
static bool gen_related(struct gen *g, bool coverage, unsigned t, unsigned nt,
                        const char *const tables[4], const unsigned ncols[4],
                        const char *const cname[4][8], const char *const ctype[4][8],
                        const char *const cvalue[4][8], const int cref[4][8])
{
	int u = -1, via = -1;
	for (unsigned k = 0; k < nt * 8 && u < 0; k++) {
		unsigned uu = (pick(g, nt) + k) % nt;
		for (unsigned c = 0; c < ncols[uu]; c++)
			if (cref[uu][c] == (int)t) {
				u = (int)uu;
				via = (int)c;
				break;
			}
	}
	if (u < 0)
		return false;
	const char *kind_col = col_of(g, ncols[u], cname[u], ctype[u], "enum");
	const char *time_col = col_of(g, ncols[u], cname[u], ctype[u], "time date");
	const char *kind = ONE(g, kinds);
	for (unsigned c = 0; c < ncols[u]; c++)
		if (kind_col && strcmp(cname[u][c], kind_col) == 0 && strcmp(ctype[u][c], "enum") == 0)
			kind = cvalue[u][c];
	if (!kind_col || !time_col)
		return false;
	const char *anchor = col_of(g, ncols[t], cname[t], ctype[t], "time date");
	if (!coverage) {
		put(g, "<first-related table=\"%s\" subject=\"%s\" related=\"%s\" via=\"%s\" "
		       "kind-column=\"%s\" kinds=\"%s%s\" time-column=\"%s\"",
		    tables[t], ONE(g, subjects), tables[u], cname[u][via], kind_col, kind,
		    pick(g, 3) ? "" : " other", time_col);
		if (anchor && pick(g, 2))
			put(g, " anchor=\"%s\"", anchor);
		if (pick(g, 2))
			put(g, " corroborate=\"yes\" audit-targets=\"%s\"", cname[t][pick(g, ncols[t])]);
		put(g, ">");
		const char *when = col_of(g, ncols[t], cname[t], ctype[t], "boolean enum");
		if (when && pick(g, 2))
			put(g, "<also when-column=\"%s\" when-value=\"%s\" kinds=\"%s\"/>", when,
			    pick(g, 2) ? "no" : "yes", kind);
		gen_reasons(g);
		put(g, "</first-related>");
		return true;
	}
	/* The reviews: any table, with a key, an enum source and times. */
	unsigned w = pick(g, nt);
	const char *group = col_of(g, ncols[t], cname[t], ctype[t], "account text id");
	const char *match = col_of(g, ncols[w], cname[w], ctype[w], "account text id reference");
	const char *source = col_of(g, ncols[w], cname[w], ctype[w], "enum");
	const char *wtime = col_of(g, ncols[w], cname[w], ctype[w], "time date");
	if (!group || !match || !source || !wtime || !anchor)
		return false;
	const char *value = ONE(g, kinds);
	for (unsigned c = 0; c < ncols[w]; c++)
		if (strcmp(cname[w][c], source) == 0 && strcmp(ctype[w][c], "enum") == 0)
			value = cvalue[w][c];
	/* The start: a column of the row, or of the row a reference names. */
	const char *start_ref = NULL;
	for (unsigned c = 0; c < ncols[t] && pick(g, 2); c++)
		if (cref[t][c] >= 0)
			start_ref = cname[t][c];
	put(g, "<coverage table=\"%s\" subject=\"%s\" group=\"%s\" start=\"%s%s%s\"%s%s%s "
	       "ended-by=\"%s\" via=\"%s\" kind-column=\"%s\" kinds=\"%s\" time-column=\"%s\" "
	       "reviews=\"%s\" match=\"%s\" source-column=\"%s\" from=\"%s\" to=\"%s\" "
	       "done=\"%s\">",
	    tables[t], ONE(g, subjects), group, start_ref ? start_ref : "", start_ref ? "." : "",
	    start_ref ? "g_at" : anchor, start_ref ? " start-else=\"" : "",
	    start_ref ? anchor : "", start_ref ? "\"" : "", tables[u], cname[u][via], kind_col,
	    kind, time_col, tables[w], match, source, wtime, pick(g, 4) ? wtime : "g_at", wtime);
	for (unsigned k = 1 + pick(g, 3); k > 0; k--)
		put(g, "<sources>%s%s</sources>", value, pick(g, 3) ? "" : " other");
	if (pick(g, 2))
		put(g, "<require column=\"%s\" unless-column=\"%s\" unless-value=\"%s\"/>",
		    cname[w][pick(g, ncols[w])], source, value);
	gen_reasons(g);
	put(g, "</coverage>");
	return true;
}

/* A directive file built from the input's bytes: valid XML, mostly valid
 * against the schema, with tables, columns and rules chosen by the bytes. */
static char *gen_directive(const uint8_t *data, size_t size)
{
	struct gen g = {data, size, 0, 0, {0}};
	rg_buf_init(&g.out, 0);
	put(&g, "<?xml version=\"1.0\"?><directive xmlns=\"urn:reportgen:directive:1\" id=\"G-1\" "
	        "version=\"1\" issued=\"2024-01-01\"><title>t</title><source>s</source>"
	        "<numbering-note>n</numbering-note><evidence>");
	/* What was declared, so that most rules name columns that exist. */
	const char *tables[4], *cname[4][8], *ctype[4][8], *cvalue[4][8];
	int cref[4][8]; /* a reference column's table, -1 */
	unsigned ncols[4];
	bool has_id[4];
	unsigned nt = 1 + pick(&g, 4);
	for (unsigned t = 0; t < nt; t++) {
		/* Distinct files: the next one not taken from a chosen start. */
		unsigned f = pick(&g, sizeof files / sizeof files[0]);
		for (bool taken = true; taken;) {
			taken = false;
			for (unsigned u = 0; u < t; u++)
				taken |= tables[u] == files[f];
			if (taken)
				f = (f + 1) % (sizeof files / sizeof files[0]);
		}
		tables[t] = files[f];
		put(&g, "<table file=\"%s\" row=\"r\" contents=\"c\"%s>", tables[t],
		    pick(&g, 4) == 0 ? " required=\"yes\"" : "");
		ncols[t] = 1 + pick(&g, 6);
		unsigned first = pick(&g, sizeof colnames / sizeof colnames[0]);
		/* Mostly a table the rule kinds can read: an id first, and a
		 * time and an enum column at the end. */
		bool shaped = pick(&g, 8) != 0;
		if (shaped)
			ncols[t] += 2;
		has_id[t] = false;
		for (unsigned c = 0; c < ncols[t]; c++) {
			/* distinct names; an id only as the first column; a
			 * reference only to a table with an id */
			const char *type = ctype[t][c] =
			    types[c == 0 ? (shaped && pick(&g, 4) ? 0 : pick(&g, 8)) : 1 + pick(&g, 7)];
			cname[t][c] = colnames[(first + c) % (sizeof colnames / sizeof colnames[0])];
			if (shaped && c == ncols[t] - 2) {
				type = ctype[t][c] = "time";
				cname[t][c] = "g_at";
			} else if (shaped && c == ncols[t] - 1) {
				type = ctype[t][c] = "enum";
				cname[t][c] = "g_kind";
			}
			unsigned target = pick(&g, t + 1);
			if (strcmp(type, "reference") == 0 && !(target < t ? has_id[target] : c > 0 && has_id[t]))
				type = ctype[t][c] = "text";
			has_id[t] |= strcmp(type, "id") == 0;
			cref[t][c] = strcmp(type, "reference") == 0 ? (int)target : -1;
			cvalue[t][c] = ONE(&g, kinds);
			put(&g, "<column name=\"%s\" type=\"%s\"%s", cname[t][c], type,
			    pick(&g, 2) ? " required=\"yes\"" : "");
			if (strcmp(type, "enum") == 0)
				put(&g, " values=\"%s %s\"", cvalue[t][c], ONE(&g, values));
			if (strcmp(type, "reference") == 0)
				put(&g, " table=\"%s\"", tables[target]);
			if (strcmp(type, "text") == 0 && pick(&g, 2))
				put(&g, " attachment=\"yes\"");
			if (strcmp(type, "date") == 0 && pick(&g, 2))
				put(&g, " day-ends=\"-05:00\"");
			put(&g, "/>");
		}
		put(&g, "</table>");
	}
	put(&g, "</evidence>");
	bool rows = pick(&g, 3) == 0;
	if (rows)
		put(&g, "<applicability name=\"rows\" table=\"%s\"><reason on=\"empty\" "
		        "code=\"no-compromise\">{file}</reason></applicability>",
		    tables[pick(&g, nt)]);
	if (pick(&g, 3) == 0)
		put(&g, "<headline reviewed=\"%s\" reviewed-column=\"%s\" found=\"%s\"/>",
		    tables[0], ncols[0] > 2 ? cname[0][ncols[0] - 2] : "g_at", tables[pick(&g, nt)]);
	for (unsigned a = 1 + pick(&g, 3); a > 0; a--) {
		put(&g, "<action id=\"A-%u\" kind=\"%s\" applies=\"%s\" rule=\"r\"><title>t</title>"
		        "<wording source=\"s\">w</wording>",
		    a, pick(&g, 2) ? "required" : "advisory", rows && pick(&g, 2) ? "rows" : "notified");
		if (pick(&g, 4))
			put(&g, "<deadline>2024-0%u-1%uT23:59:59-04:00</deadline>", 1 + pick(&g, 9),
			    pick(&g, 10));
		if (pick(&g, 2))
			put(&g, "<immediate-window>PT%uH</immediate-window>", pick(&g, 100));
		for (unsigned s = 1 + pick(&g, 2); s > 0; s--) {
			unsigned t = pick(&g, nt);
			/* A column of table t of one of the types (a type name
			 * prefix list), or any name. */
			const char *col[3] = {NULL, NULL, NULL}, *kind = ONE(&g, kinds);
			for (unsigned c = 0; c < ncols[t]; c++) {
				const char *ty = ctype[t][c];
				if (!strcmp(ty, "time") || !strcmp(ty, "date"))
					col[0] = cname[t][c];
				else if (!strcmp(ty, "enum")) {
					col[1] = cname[t][c];
					kind = cvalue[t][c];
				} else if (strcmp(ty, "boolean"))
					col[2] = cname[t][c];
			}
			/* Mostly a kind the table can hold; now and then not. */
			bool deadline_ok = col[0] != NULL, event_ok = col[0] && col[1];
			for (int k = 0; k < 3; k++)
				if (!col[k] || pick(&g, 16) == 0)
					col[k] = ONE(&g, colnames);
			unsigned form = pick(&g, 4);
			if (form >= 2 && gen_related(&g, form == 3, t, nt, tables, ncols, cname, ctype,
			                             cvalue, cref))
				continue;
			if (deadline_ok && (!event_ok || pick(&g, 2))) {
				put(&g, "<row-deadline table=\"%s\" subject=\"%s\" done=\"%s\"", tables[t],
				    ONE(&g, subjects), col[0]);
				if (!has_id[t] || pick(&g, 4) == 0)
					put(&g, " id=\"%s\"", col[2]);
				if (pick(&g, 2))
					put(&g, " due=\"%s%s\"", pick(&g, 8) ? "" : "cve.", col[0]);
				if (pick(&g, 2))
					put(&g, " when-empty=\"satisfied\"");
				put(&g, " when-missing=\"%s\">", ONE(&g, verdicts));
				gen_reasons(&g);
				put(&g, "</row-deadline>");
			} else {
				put(&g, "<event table=\"%s\" kind-column=\"%s\" time-column=\"%s\" "
				        "reference-column=\"%s\" kind=\"%s\" reference=\"%s\">",
				    tables[t], col[1], col[0], col[2], kind, ONE(&g, refs));
				gen_reasons(&g);
				put(&g, "</event>");
			}
		}
		put(&g, "</action>");
	}
	put(&g, "</directive>\n");
	return g.out.data;
}

/* Loads one definition and checks the property (file comment). */
static void run_definition(const char *path)
{
	struct rg_arena arena;
	rg_arena_init(&arena);
	struct rg_diags diags;
	rg_diags_init(&diags);
	struct rg_directive *d = NULL;
	rg_status st = rg_directive_load(&d, path, &arena, &diags);
	if (getenv("RG_FUZZ_VERBOSE")) /* to see why an input fails */
		rg_diags_print(stderr, &diags);
	RG_FUZZ_CHECK(st == RG_OK || st == RG_EINPUT);
	if (st == RG_OK) {
		RG_FUZZ_CHECK(d && d->id && !rg_diags_has_errors(&diags));
		for (size_t i = 0; i < d->n_actions; i++)
			RG_FUZZ_CHECK(d->actions[i].id != NULL);
		judge(d, &arena);
		if (getenv("RG_FUZZ_VERBOSE"))
			fprintf(stderr, "accepted and judged against both samples\n");
	} else {
		RG_FUZZ_CHECK(rg_diags_has_errors(&diags));
	}
	rg_diags_free(&diags);
	rg_arena_free(&arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run_definition(rg_fuzz_tmp_write(".xml", data, size));
	char *generated = gen_directive(data, size);
	RG_FUZZ_CHECK(generated != NULL);
	if (getenv("RG_FUZZ_VERBOSE"))
		fprintf(stderr, "%s", generated);
	run_definition(rg_fuzz_tmp_write(".xml", (const uint8_t *)generated, strlen(generated)));
	free(generated);
	return 0;
}
