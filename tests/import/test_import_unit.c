/*
 * test_import_unit.c: the import stage's library (import/import.h) and the
 * bundle reader's audit-events.csv (evidence.h struct rg_audit_event).
 *
 * Every sample export is fed whole and again in pieces of 1, 7 and 4096
 * bytes: the rows must not depend on how a pipe or read(2) chunks the
 * bytes (a BOM, a JSON document or a CSV record split anywhere).  The
 * audit-events tests build small bundles with libzip and read them with
 * rg_bundle_open, checking the rows, their lines and the -1 of an empty
 * action.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "bundle/bundle.h"
#include "directive/directive.h"
#include "core/digest.h"
#include "core/file.h"
#include "core/str.h"
#include "import/import.h"
#include "rg_config.h"

struct result {
	char *out;
	size_t len;
	size_t errors, warnings;
	struct rg_import_stats st;
};

static void import_bytes(struct result *r, enum rg_import_kind kind, const char *label,
                         const char *p, size_t n, size_t piece)
{
	FILE *f = open_memstream(&r->out, &r->len);
	cr_assert(f);
	struct rg_import_options opt;
	rg_import_options_default(&opt, kind);
	struct rg_diags d;
	rg_diags_init(&d);
	struct rg_importer *imp;
	cr_assert_eq(rg_importer_new(&imp, &opt, f, &d), RG_OK);
	rg_import_begin(imp, label);
	for (size_t i = 0; i < n; i += piece)
		rg_import_feed(imp, p + i, n - i < piece ? n - i : piece);
	rg_import_end(imp);
	rg_importer_stats(imp, &r->st);
	rg_importer_free(imp);
	fclose(f);
	r->errors = d.errors;
	r->warnings = d.warnings;
	rg_diags_free(&d);
}

static void chunking_does_not_matter(const char *sub, enum rg_import_kind kind)
{
	char *dir = rg_asprintf("%s/samples/imports/%s", RG_SOURCE_ROOT, sub);
	DIR *dh = opendir(dir);
	cr_assert(dh, "%s", dir);
	struct dirent *e;
	int files = 0;
	while ((e = readdir(dh))) {
		if (e->d_name[0] == '.')
			continue;
		char *path = rg_asprintf("%s/%s", dir, e->d_name);
		char *bytes;
		size_t n;
		struct rg_diags d;
		rg_diags_init(&d);
		cr_assert_eq(rg_read_file(&bytes, &n, path, 1 << 20, &d), RG_OK);
		struct result whole = {0};
		import_bytes(&whole, kind, e->d_name, bytes, n, n ? n : 1);
		cr_assert_eq(whole.errors, 0, "%s", e->d_name);
		cr_assert_gt(whole.st.records, 0, "%s", e->d_name);
		static const size_t pieces[] = {1, 7, 4096};
		for (size_t k = 0; k < 3; k++) {
			struct result r = {0};
			import_bytes(&r, kind, e->d_name, bytes, n, pieces[k]);
			cr_assert_eq(r.len, whole.len, "%s in pieces of %zu", e->d_name, pieces[k]);
			cr_assert(memcmp(r.out, whole.out, r.len) == 0, "%s in pieces of %zu", e->d_name,
			          pieces[k]);
			cr_assert_eq(r.st.duplicates, whole.st.duplicates);
			cr_assert_eq(r.warnings, whole.warnings);
			free(r.out);
		}
		free(whole.out);
		free(bytes);
		free(path);
		rg_diags_free(&d);
		files++;
	}
	closedir(dh);
	free(dir);
	cr_assert_gt(files, 1);
}

Test(import, signins_chunking_does_not_matter)
{
	chunking_does_not_matter("signins", RG_IMPORT_SIGNINS);
}

Test(import, audit_chunking_does_not_matter)
{
	chunking_does_not_matter("audit", RG_IMPORT_AUDIT);
}

static struct result one(enum rg_import_kind kind, const char *text)
{
	struct result r = {0};
	import_bytes(&r, kind, "t.json", text, strlen(text), strlen(text) ? strlen(text) : 1);
	return r;
}

static const char *body(const struct result *r)
{
	const char *nl = memchr(r->out, '\n', r->len);
	return nl ? nl + 1 : "";
}

Test(import, status_only_zero_is_success)
{
	struct result r = one(RG_IMPORT_SIGNINS,
	                      "{\"id\":\"a\",\"createdDateTime\":\"2024-04-03T14:02:11Z\","
	                      "\"userPrincipalName\":\"u@x.gov\",\"ipAddress\":\"203.0.113.1\","
	                      "\"status\":{\"errorCode\":\"50140\"}}\n"
	                      "{\"id\":\"b\",\"createdDateTime\":\"2024-04-03T14:02:11Z\","
	                      "\"userPrincipalName\":\"u@x.gov\",\"ipAddress\":\"203.0.113.1\","
	                      "\"status\":{\"errorCode\":0}}\n");
	cr_assert_eq(r.errors, 0);
	cr_assert_str_eq(body(&r),
	                 "2024-04-03T14:02:11Z,u@x.gov,,203.0.113.1,failure,,a,t.json:1\n"
	                 "2024-04-03T14:02:11Z,u@x.gov,,203.0.113.1,success,,b,t.json:2\n");
	free(r.out);
}

Test(import, fields_are_quoted_as_rfc4180)
{
	struct result r = one(RG_IMPORT_SIGNINS,
	                      "[{\"id\":\"a\",\"createdDateTime\":\"2024-04-03T14:02:11+02:00\","
	                      "\"userPrincipalName\":\"u@x.gov\",\"appDisplayName\":\"Say \\\"hi\\\", then\\nbye\","
	                      "\"ipAddress\":\"203.0.113.1\",\"status\":{\"errorCode\":0}}]");
	cr_assert_eq(r.errors, 0);
	cr_assert_str_eq(body(&r), "2024-04-03T14:02:11+02:00,u@x.gov,\"Say \"\"hi\"\", then\nbye\","
	                           "203.0.113.1,success,,a,t.json:1\n");
	free(r.out);
}

Test(import, nul_in_a_field_is_refused)
{
	struct result r = one(RG_IMPORT_SIGNINS,
	                      "{\"id\":\"a\",\"createdDateTime\":\"2024-04-03T14:02:11Z\","
	                      "\"userPrincipalName\":\"u\\u0000@x.gov\",\"ipAddress\":\"203.0.113.1\","
	                      "\"status\":{\"errorCode\":0}}");
	cr_assert_eq(r.errors, 1);
	cr_assert_eq(r.st.records, 0);
	free(r.out);
}

Test(import, nested_too_deep_is_an_error_not_a_crash)
{
	char deep[2000];
	memset(deep, '[', sizeof deep - 1);
	deep[sizeof deep - 1] = '\0';
	struct result r = one(RG_IMPORT_SIGNINS, deep);
	cr_assert_eq(r.errors, 1);
	free(r.out);
}

Test(import, next_link_on_the_last_page_warns)
{
	struct result r = one(RG_IMPORT_SIGNINS,
	                      "{\"@odata.nextLink\":\"https://graph.microsoft.com/v1.0/auditLogs/signIns?$skiptoken=x\","
	                      "\"value\":[]}");
	cr_assert_eq(r.errors, 0);
	cr_assert_eq(r.warnings, 1);
	free(r.out);
}

Test(import, audit_key_removed_is_revoked_added_is_rotated)
{
	struct result r = one(
	    RG_IMPORT_AUDIT,
	    "{\"Id\":\"1\",\"CreationTime\":\"2024-04-06T15:04:41\",\"Operation\":\"Update application.\","
	    "\"ResultStatus\":\"Success\",\"ObjectId\":\"app\",\"UserId\":\"a@x.gov\","
	    "\"ModifiedProperties\":[{\"Name\":\"KeyDescription\",\"OldValue\":\"[KeyIdentifier=k1,KeyType=Password]\","
	    "\"NewValue\":\"[]\"}]}\n"
	    "{\"Id\":\"2\",\"CreationTime\":\"2024-04-06T15:04:42\",\"Operation\":\"Update application.\","
	    "\"ResultStatus\":\"Success\",\"ObjectId\":\"app\",\"UserId\":\"a@x.gov\","
	    "\"ModifiedProperties\":[{\"Name\":\"KeyDescription\",\"OldValue\":\"[KeyIdentifier=k1,KeyType=Password]\","
	    "\"NewValue\":\"[KeyIdentifier=k1,KeyType=Password][KeyIdentifier=k2,KeyType=Password]\"}]}\n"
	    "{\"Id\":\"3\",\"CreationTime\":\"2024-04-06T15:04:43\",\"Operation\":\"Update application.\","
	    "\"ResultStatus\":\"Success\",\"ObjectId\":\"app\",\"UserId\":\"a@x.gov\","
	    "\"ModifiedProperties\":[{\"Name\":\"DisplayName\",\"OldValue\":\"a\",\"NewValue\":\"b\"}]}\n");
	cr_assert_eq(r.errors, 0);
	cr_assert_str_eq(body(&r), "2024-04-06T15:04:41Z,Update application.,app,a@x.gov,revoked,,1,t.json:1\n"
	                           "2024-04-06T15:04:42Z,Update application.,app,a@x.gov,rotated,,2,t.json:2\n");
	cr_assert_eq(r.st.other, 1, "a rename proves nothing");
	free(r.out);
}

/* ---- audit-events.csv in the bundle reader ------------------------ */

static char *make_bundle(const char *audit_csv)
{
	static const char timeline[] = "at,event,actor,reference,notes\n"
	                               "2024-04-02T15:10:00-04:00,other,CISO,,applicability\n";
	char *path = rg_asprintf("%s/rg-audit-XXXXXX.zip", P_tmpdir);
	int fd = mkstemps(path, 4);
	cr_assert(fd >= 0);
	close(fd);
	char th[RG_SHA256_HEX], ah[RG_SHA256_HEX];
	struct rg_sha256 *h = rg_sha256_new();
	rg_sha256_update(h, timeline, strlen(timeline));
	rg_sha256_final_hex(h, th);
	rg_sha256_free(h);
	h = rg_sha256_new();
	if (audit_csv)
		rg_sha256_update(h, audit_csv, strlen(audit_csv));
	rg_sha256_final_hex(h, ah);
	rg_sha256_free(h);
	char *manifest = rg_asprintf(
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<bundle xmlns=\"urn:reportgen:bundle:1\" format=\"1\" directive=\"ED-24-02\" "
	    "created=\"2024-05-01T17:30:00-04:00\">\n"
	    "  <agency id=\"EXA\" name=\"Example Agency\"/>\n"
	    "  <notification status=\"not-notified\"/>\n"
	    "  <files>\n    <file path=\"timeline.csv\" sha256=\"%s\"/>\n%s%s%s  </files>\n</bundle>\n",
	    th, audit_csv ? "    <file path=\"audit-events.csv\" sha256=\"" : "", audit_csv ? ah : "",
	    audit_csv ? "\"/>\n" : "");
	int err;
	zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	cr_assert(za);
	zip_file_add(za, "manifest.xml", zip_source_buffer(za, manifest, strlen(manifest), 0), 0);
	zip_file_add(za, "timeline.csv", zip_source_buffer(za, timeline, strlen(timeline), 0), 0);
	if (audit_csv)
		zip_file_add(za, "audit-events.csv", zip_source_buffer(za, audit_csv, strlen(audit_csv), 0),
		             0);
	cr_assert_eq(zip_close(za), 0);
	free(manifest);
	return path;
}

static rg_status read_bundle(const char *path, struct rg_arena *a, struct rg_diags *d,
                             struct rg_evidence **ev)
{
	struct rg_limits lim;
	rg_limits_default(&lim);
	struct rg_bundle *b;
	rg_status st = rg_bundle_open(&b, path, &lim, rg_directive_installed_profile, a, a, d);
	cr_assert(b);
	*ev = rg_bundle_evidence(b);
	return rg_status_worst(st, rg_bundle_finish(b, NULL, NULL));
}

Test(audit_events, rows_reach_the_evidence_model)
{
	char *path = make_bundle("at,operation,target,actor,action,correlation_id,request_id,source\n"
	                         "2024-04-04T17:40:12Z,Reset user password.,u@x.gov,a@x.gov,reset,c1,r1,ual.csv:2\n"
	                         "2024-04-09T14:00:00-04:00,Reset user password.,u@x.gov,,,,,\n");
	struct rg_arena a;
	rg_arena_init(&a);
	struct rg_diags d;
	rg_diags_init(&d);
	struct rg_evidence *ev;
	cr_assert_eq(read_bundle(path, &a, &d, &ev), RG_OK);
	cr_assert(ev->has_audit_events);
	cr_assert_eq(ev->n_audit_events, 2);
	const struct rg_audit_event *e = ev->audit_events;
	cr_assert_eq(e[0].line, 2);
	cr_assert_eq(e[0].action, RG_ACT_RESET);
	cr_assert_str_eq(e[0].target, "u@x.gov");
	cr_assert_str_eq(e[0].actor, "a@x.gov");
	cr_assert_str_eq(e[0].source, "ual.csv:2");
	cr_assert_str_eq(e[0].request_id, "r1");
	cr_assert_eq(e[0].at.ms, 1712252412000LL);
	cr_assert_eq(e[1].line, 3);
	cr_assert_eq(e[1].action, -1, "an empty action proves nothing");
	cr_assert_null(e[1].actor);
	cr_assert_null(e[1].source);
	cr_assert_eq(e[1].at.offset, -240);
	unlink(path);
	free(path);
	rg_diags_free(&d);
	rg_arena_free(&a);
}

Test(audit_events, optional_and_absent_is_not_present)
{
	char *path = make_bundle(NULL);
	struct rg_arena a;
	rg_arena_init(&a);
	struct rg_diags d;
	rg_diags_init(&d);
	struct rg_evidence *ev;
	cr_assert_eq(read_bundle(path, &a, &d, &ev), RG_OK);
	cr_assert(!ev->has_audit_events);
	cr_assert_eq(ev->n_audit_events, 0);
	unlink(path);
	free(path);
	rg_diags_free(&d);
	rg_arena_free(&a);
}

Test(audit_events, same_rules_as_the_other_files)
{
	char *path = make_bundle("at,operation,actor,colour\n"
	                         "2024-04-04 17:40,Reset user password.,a@x.gov,red\n");
	struct rg_arena a;
	rg_arena_init(&a);
	struct rg_diags d;
	rg_diags_init(&d);
	struct rg_evidence *ev;
	cr_assert_eq(read_bundle(path, &a, &d, &ev), RG_EINPUT);
	bool missing = false, unknown = false;
	for (size_t i = 0; i < d.n; i++) {
		if (strcmp(d.v[i].code, "csv.missing-column") == 0 && strcmp(d.v[i].column, "target") == 0)
			missing = true;
		if (strcmp(d.v[i].code, "csv.unknown-column") == 0 && strcmp(d.v[i].column, "colour") == 0)
			unknown = true;
	}
	cr_assert(missing && unknown);
	unlink(path);
	free(path);
	rg_diags_free(&d);
	rg_arena_free(&a);
}
