/*
 * export.c: reading a report for export, and writing an export with its
 * detached signature (see export.h).
 *
 * A report is read once: the bytes that are digested are the bytes whose
 * signature is checked and the bytes the model is parsed from.  The
 * signature check (rg_verify_file, which wants a path) is given a memfd
 * holding a copy of those bytes, so nobody can swap the file between the
 * check and the parse.
 *
 * The export and FILE.sig are written by output/outputs.h in place: staged
 * inside FILE's folder (which holds the user's other files) and renamed in
 * one after the other, content first.  A run killed between the two
 * renames leaves the new FILE beside the old FILE.sig, which `verify` then
 * reports as not matching: never a half-written file, never a signature
 * that passes over content it was not made for.
 */
#define _GNU_SOURCE /* memfd_create */
#include "export/export.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/file.h"
#include "core/str.h"
#include "output/outputs.h"
#include "results/report_xml.h"

const char *const rg_export_kind_names[] = {"oscal-ar", "oscal-poam", "action-plan", NULL};

/* The diagnostics of a check run on the memfd, told about path instead. */
static void retell(struct rg_diags *to, const struct rg_diags *from, const char *path)
{
	for (size_t i = 0; i < from->n; i++) {
		const struct rg_diag *g = &from->v[i];
		rg_diag_add(to, g->sev, g->code, path, g->line, g->column, g->hint, "%s", g->message);
	}
}

static rg_status verify_bytes(struct rg_export_source *out, const char *path, const char *bytes,
                              size_t len, const struct rg_trust *trust, struct rg_arena *arena,
                              struct rg_diags *diags)
{
	int fd = memfd_create("report.xml", MFD_CLOEXEC);
	size_t done = 0;
	while (fd >= 0 && done < len) {
		ssize_t w = write(fd, bytes + done, len - done);
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (fd < 0 || done < len) {
		rg_diag_err(diags, "export.memfd", path, 0, NULL, NULL,
		            "cannot hold a private copy to verify: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return RG_EENV;
	}
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	struct rg_verify_result v;
	struct rg_diags vd;
	rg_diags_init(&vd);
	rg_status st = rg_verify_file(&v, proc, trust, &vd);
	close(fd);
	retell(diags, &vd, path);
	rg_diags_free(&vd);
	if (st != RG_OK)
		return st;
	if (v.subject[0])
		out->signer = rg_arena_strdup(arena, v.subject);
	if (v.verdict != RG_VERIFY_VALID) {
		rg_diag_err(diags, "export.signature", path, 0, NULL,
		            "use the report.xml as it was signed, or leave out --ca",
		            "its signature does not check out against --ca: %s",
		            v.reason[0] ? v.reason : "not signed");
		return RG_EINPUT;
	}
	return RG_OK;
}

rg_status rg_export_load(struct rg_export_source *out, const char *path, uint64_t max_bytes,
                         const struct rg_trust *trust, struct rg_arena *arena,
                         struct rg_diags *diags)
{
	memset(out, 0, sizeof *out);
	char *bytes;
	size_t len;
	rg_status st = rg_read_file(&bytes, &len, path, max_bytes, diags);
	if (st != RG_OK)
		return st;
	struct rg_sha256 *h = rg_sha256_new();
	const char *base = strrchr(path, '/');
	out->name = rg_arena_strdup(arena, base ? base + 1 : path);
	out->size = len;
	if (!h || !out->name) {
		rg_sha256_free(h);
		free(bytes);
		return RG_EENV;
	}
	rg_sha256_update(h, bytes, len);
	rg_sha256_final_hex(h, out->sha256);
	rg_sha256_free(h);
	if (trust)
		st = verify_bytes(out, path, bytes, len, trust, arena, diags);
	struct rg_results *res = NULL;
	if (st == RG_OK)
		st = rg_report_xml_parse(&res, path, bytes, len, arena, diags);
	out->results = res;
	free(bytes);
	return st;
}

struct job {
	const struct rg_export_source *src;
	const struct rg_export_options *opt;
	const char *files[3]; /* FILE, FILE.sig, NULL */
};

static rg_status write_files(const char *stage, void *ctx, struct rg_diags *diags)
{
	const struct job *j = ctx;
	char *path = rg_asprintf("%s/%s", stage, j->files[0]);
	char *sig = j->files[1] ? rg_asprintf("%s/%s", stage, j->files[1]) : NULL;
	if (!path || (j->files[1] && !sig)) {
		free(path);
		free(sig);
		return RG_EENV;
	}
	rg_status st = RG_OK;
	FILE *f = fopen(path, "wb");
	if (!f) {
		rg_diag_err(diags, "export.create", path, 0, NULL, "check the folder's permissions",
		            "cannot write: %s", strerror(errno));
		st = RG_EENV;
	} else {
		const char *name = j->files[0];
		switch (j->opt->kind) {
		case RG_EXPORT_OSCAL_AR:
			st = rg_export_oscal_ar(f, name, j->src, j->opt->oscal_version, diags);
			break;
		case RG_EXPORT_OSCAL_POAM:
			st = rg_export_oscal_poam(f, name, j->src, j->opt->oscal_version, diags);
			break;
		case RG_EXPORT_ACTION_PLAN:
		case RG_EXPORT_KIND_COUNT:
			st = rg_export_action_plan(f, name, j->src->results, diags);
			break;
		}
		if (fclose(f) != 0 && st == RG_OK) {
			rg_diag_err(diags, "export.write", path, 0, NULL, "check free space",
			            "cannot write: %s", strerror(errno));
			st = RG_EENV;
		}
	}
	if (st == RG_OK && sig)
		st = rg_sign_detached(j->opt->signer, path, sig, diags);
	free(path);
	free(sig);
	return st;
}

rg_status rg_export_write(const struct rg_export_source *src, const struct rg_export_options *opt,
                          const char *path, struct rg_diags *diags)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		rg_diag_err(diags, "export.name", path, 0, NULL, "give -o the name of a file",
		            "is a folder, not the name of the file to write");
		return RG_EINPUT;
	}
	char *dir = slash == path ? strdup("/") : slash ? rg_asprintf("%.*s", (int)(slash - path), path)
	                                                : strdup(".");
	char *signame = rg_asprintf("%s.sig", base);
	char *sigpath = rg_asprintf("%s.sig", path);
	rg_status st = dir && signame && sigpath ? RG_OK : RG_EENV;
	bool stale_sig = sigpath && access(sigpath, F_OK) == 0;
	if (st == RG_OK && !opt->signer && stale_sig && !opt->force) {
		rg_diag_err(diags, "export.stale-signature", sigpath, 0, NULL,
		            "give --force to remove it with the new unsigned export, or sign the export",
		            "exists and would not match the new, unsigned %s", base);
		st = RG_EINPUT;
	}
	struct job j = {src, opt, {base, opt->signer ? signame : NULL, NULL}};
	struct rg_output_set set = {j.files, opt->force, true, write_files, &j};
	if (st == RG_OK)
		st = rg_outputs_commit(&set, dir, diags);
	if (st == RG_OK && !opt->signer && stale_sig && unlink(sigpath) != 0 && errno != ENOENT) {
		rg_diag_err(diags, "export.stale-signature", sigpath, 0, NULL, "remove it by hand",
		            "cannot remove the signature of the replaced export: %s", strerror(errno));
		st = RG_EENV;
	}
	free(dir);
	free(signame);
	free(sigpath);
	return st;
}
