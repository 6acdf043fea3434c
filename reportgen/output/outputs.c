/*
 * outputs.c: the set of outputs, staged, signed and switched into place
 * (see outputs.h).
 *
 * Invariants: nothing is written outside the staging folder until the
 * set is complete and signed; the staging folder is locked for the life
 * of the run, so another run removes it only when its owner is gone; the
 * old set is removed only after the new one is in place.
 */
#define _GNU_SOURCE /* renameat2 */
#include "output/outputs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fsout.h"
#include "core/str.h"
#include "results/report_xml.h"

const char *const rg_view_files[] = {"report.xml", "report.pdf", "summary.pdf", NULL};

#define STAGE_TAG ".reportgen-"

static bool in_set(const char *name, const char *const *files)
{
	int k;
	return rg_str_in(name, files, &k);
}

/* The file names of a set of views, NULL-terminated. */
static void view_names(const char *names[RG_VIEW_COUNT + 1], unsigned views)
{
	size_t n = 0;
	for (int k = 0; k < RG_VIEW_COUNT; k++)
		if ((views >> k) & 1)
			names[n++] = rg_view_files[k];
	names[n] = NULL;
}

rg_status rg_outputs_check_files(const char *dir, const char *const *files, bool force,
                                 struct rg_diags *diags)
{
	if (force)
		return RG_OK;
	rg_status st = RG_OK;
	for (size_t k = 0; files[k]; k++) {
		char *path = rg_asprintf("%s/%s", dir, files[k]);
		if (path && access(path, F_OK) == 0) {
			rg_diag_err(diags, "output.exists", path, 0, NULL,
			            "give --force to replace it, or choose another -o folder",
			            "already exists and was left as it is");
			st = RG_EINPUT;
		}
		free(path);
	}
	return st;
}

rg_status rg_outputs_check(const char *dir, unsigned views, bool force, struct rg_diags *diags)
{
	const char *names[RG_VIEW_COUNT + 1];
	view_names(names, views);
	return rg_outputs_check_files(dir, names, force, diags);
}

char *rg_output_dir_name(const char *bundle_path, struct rg_diags *diags)
{
	const char *base = strrchr(bundle_path, '/');
	base = base ? base + 1 : bundle_path;
	size_t n = strlen(base);
	if (n > 4 && strcmp(base + n - 4, ".zip") == 0)
		n -= 4;
	bool ok = n > 0 && base[0] != '.';
	for (size_t k = 0; k < n && ok; k++)
		ok = (unsigned char)base[k] >= 0x20 && base[k] != 0x7f;
	if (!ok) {
		rg_diag_err(diags, "output.name", bundle_path, 0, NULL,
		            "rename the bundle file (letters, digits, '-', '_'; not starting with '.')",
		            "cannot name a folder of its own inside -o");
		return NULL;
	}
	return rg_asprintf("%.*s", (int)n, base);
}

/* mkdir -p. */
static int make_dirs(const char *dir)
{
	char *path = strdup(dir);
	int err = path ? 0 : ENOMEM;
	for (char *p = path ? path + 1 : NULL; p && !err; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			err = errno;
		*p = saved;
		if (!saved)
			break;
	}
	free(path);
	return err;
}

/* Removes a staging folder (regular files only: it never holds more). */
static void remove_stage(const char *path)
{
	DIR *d = opendir(path);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
				unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
	}
	rmdir(path);
}

/* Removes the staging folders of killed runs: in folder `in`, those whose
 * name starts with prefix and whose lock nobody holds. */
static void remove_stale(const char *in, const char *prefix)
{
	DIR *d = opendir(in);
	if (!d)
		return;
	size_t pn = strlen(prefix);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, pn) != 0 || strlen(e->d_name) != pn + 6)
			continue;
		int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			char *p = rg_asprintf("%s/%s", in, e->d_name);
			if (p)
				remove_stage(p);
			free(p);
		}
		close(fd);
	}
	closedir(d);
}

/* What DIR is now, which decides how the set goes in. */
enum target { T_NEW, T_EMPTY, T_ONLY_OUTPUTS, T_SHARED, T_BAD };

static enum target examine(const char *dir, const char *const *files)
{
	struct stat st;
	if (lstat(dir, &st) != 0)
		return errno == ENOENT ? T_NEW : T_BAD;
	if (S_ISLNK(st.st_mode)) {
		/* Swapping would replace the link, not its folder. */
		return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? T_SHARED : T_BAD;
	}
	if (!S_ISDIR(st.st_mode))
		return T_BAD;
	DIR *d = opendir(dir);
	if (!d)
		return T_BAD;
	bool any = false, foreign = false;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		any = true;
		foreign = foreign || !in_set(e->d_name, files);
	}
	closedir(d);
	return !any ? T_EMPTY : foreign ? T_SHARED : T_ONLY_OUTPUTS;
}

static bool fsync_path(const char *path, int flags)
{
	int fd = open(path, flags);
	if (fd < 0)
		return false;
	bool ok = fsync(fd) == 0;
	close(fd);
	return ok;
}

/* Writes and signs every view of the set into the staging folder (the
 * write function of rg_outputs_write's set). */
static rg_status write_views(const char *stage, void *ctx, struct rg_diags *diags)
{
	const struct rg_output_request *req = ctx;
	char *path[RG_VIEW_COUNT] = {0};
	rg_status st = RG_OK;
	for (int k = 0; k < RG_VIEW_COUNT && st == RG_OK; k++)
		if (((req->views >> k) & 1) && !(path[k] = rg_asprintf("%s/%s", stage, rg_view_files[k])))
			st = RG_EENV;
	if (st == RG_OK && path[RG_VIEW_REPORT_XML]) {
		FILE *f = fopen(path[RG_VIEW_REPORT_XML], "wb");
		if (!f) {
			rg_diag_err(diags, "output.create", path[RG_VIEW_REPORT_XML], 0, NULL,
			            "check the folder's permissions", "cannot write: %s", strerror(errno));
			st = RG_EENV;
		} else {
			st = rg_report_xml_write(req->results, f, rg_view_files[RG_VIEW_REPORT_XML], diags);
			if (fclose(f) != 0 && st == RG_OK) {
				rg_diag_err(diags, "output.write", path[RG_VIEW_REPORT_XML], 0, NULL,
				            "check free space", "cannot write: %s", strerror(errno));
				st = RG_EENV;
			}
		}
	}
	/* The signer block of the PDFs: the sign stage's identity, in the
	 * views' own terms (neither stage knows the other). */
	const struct rg_signer_identity *id = req->signer ? rg_signer_identity(req->signer) : NULL;
	struct rg_pdf_signer block;
	const struct rg_pdf_signer *who = NULL;
	if (id) {
		block = (struct rg_pdf_signer){id->subject, id->issuer, id->serial, id->not_before,
		                               id->not_after, id->signing_time_ms, id->demo};
		who = &block;
	}
	if (st == RG_OK && path[RG_VIEW_REPORT_PDF] && path[RG_VIEW_SUMMARY_PDF])
		st = rg_pdf_write_both(req->results, req->tpl, who, path[RG_VIEW_REPORT_PDF],
		                       path[RG_VIEW_SUMMARY_PDF], diags);
	else if (st == RG_OK && path[RG_VIEW_REPORT_PDF])
		st = rg_pdf_write_report(req->results, req->tpl, who, path[RG_VIEW_REPORT_PDF], diags);
	else if (st == RG_OK && path[RG_VIEW_SUMMARY_PDF])
		st = rg_pdf_write_summary(req->results, req->tpl, who, path[RG_VIEW_SUMMARY_PDF], diags);
	if (st == RG_OK && req->signer) {
		if (path[RG_VIEW_REPORT_XML])
			st = rg_sign_xml(req->signer, path[RG_VIEW_REPORT_XML], diags);
		for (int k = RG_VIEW_REPORT_PDF; k <= RG_VIEW_SUMMARY_PDF && st == RG_OK; k++)
			if (path[k])
				st = rg_sign_pdf(req->signer, path[k], diags);
	}
	for (int k = 0; k < RG_VIEW_COUNT; k++)
		free(path[k]);
	return st;
}

/* Every file of the set, written by set->write, flushed to disk. */
static rg_status write_set(const struct rg_output_set *set, const char *stage,
                           struct rg_diags *diags)
{
	rg_status st = set->write(stage, set->ctx, diags);
	for (size_t k = 0; st == RG_OK && set->files[k]; k++) {
		char *path = rg_asprintf("%s/%s", stage, set->files[k]);
		if (!path) {
			st = RG_EENV;
		} else if (!fsync_path(path, O_RDONLY)) {
			rg_diag_err(diags, "output.write", path, 0, NULL, "check free space",
			            "cannot flush to disk: %s", strerror(errno));
			st = RG_EENV;
		}
		free(path);
	}
	return st;
}

/* The fallback of outputs.h, step 3: file by file into a shared folder. */
static rg_status commit_files(const struct rg_output_set *set, const char *stage,
                              const char *dir, struct rg_diags *diags)
{
	size_t moved = 0;
	rg_status st = RG_OK;
	for (size_t k = 0; set->files[k] && st == RG_OK; k++) {
		char *from = rg_asprintf("%s/%s", stage, set->files[k]);
		char *to = rg_asprintf("%s/%s", dir, set->files[k]);
		st = from && to ? rg_rename_into_place(from, to, set->force, diags) : RG_EENV;
		if (st == RG_OK)
			moved = k + 1;
		free(from);
		free(to);
	}
	if (st != RG_OK && !set->force)
		/* Take back what this run already moved: the folder keeps no
		 * partial set of ours. */
		for (size_t k = 0; k < moved; k++) {
			char *to = rg_asprintf("%s/%s", dir, set->files[k]);
			if (to)
				unlink(to);
			free(to);
		}
	return st;
}

/* Steps 2 of outputs.h: the staging folder becomes DIR. */
static rg_status commit_folder(const char *stage, const char *dir, enum target t,
                               const char *parent, const char *prefix, struct rg_diags *diags)
{
	if (t == T_NEW || t == T_EMPTY) {
		/* rename(2) replaces an empty folder, and fails on one that
		 * filled up meanwhile: no report is ever replaced here. */
		if (rename(stage, dir) == 0)
			return RG_OK;
		int e = errno;
		bool exists = e == ENOTEMPTY || e == EEXIST;
		rg_diag_err(diags, exists ? "output.exists" : "output.rename", dir, 0, NULL,
		            exists ? "give --force to replace its reports" : "check the folder",
		            exists ? "was filled by someone else meanwhile; it was left as it is"
		                   : "cannot move the finished reports into place: %s",
		            strerror(e));
		return exists ? RG_EINPUT : RG_EENV;
	}
	if (renameat2(AT_FDCWD, stage, AT_FDCWD, dir, RENAME_EXCHANGE) != 0) {
		if (errno != EINVAL && errno != ENOSYS) {
			rg_diag_err(diags, "output.rename", dir, 0, NULL, "check the folder",
			            "cannot switch the new reports into place: %s", strerror(errno));
			return RG_EENV;
		}
		/* No exchange on this file system: move the old set aside, then
		 * the new one in.  A reader in between finds no folder, never a
		 * mixed one. */
		/* Named like a staging folder, unlocked: if this run dies here,
		 * the next one removes it. */
		char *aside = rg_asprintf("%s/%sXXXXXX", parent, prefix);
		if (!aside || !mkdtemp(aside) || rmdir(aside) != 0 || rename(dir, aside) != 0) {
			rg_diag_err(diags, "output.rename", dir, 0, NULL, "check the folder",
			            "cannot move the old reports aside: %s", strerror(errno));
			free(aside);
			return RG_EENV;
		}
		if (rename(stage, dir) != 0) {
			int e = errno;
			if (rename(aside, dir) != 0) {
				/* Nothing more can be done; the old set stays in aside. */
			}
			rg_diag_err(diags, "output.rename", dir, 0, NULL, "check the folder",
			            "cannot move the new reports into place: %s", strerror(e));
			free(aside);
			return RG_EENV;
		}
		remove_stage(aside);
		free(aside);
		return RG_OK;
	}
	/* stage now names the old set. */
	remove_stage(stage);
	return RG_OK;
}

rg_status rg_outputs_commit(const struct rg_output_set *set, const char *dir,
                            struct rg_diags *diags)
{
	rg_status st = rg_outputs_check_files(dir, set->files, set->force, diags);
	if (st != RG_OK)
		return st;
	char *copy = strdup(dir), *copy2 = strdup(dir);
	char *parent = copy ? strdup(dirname(copy)) : NULL;
	char *base = copy2 ? strdup(basename(copy2)) : NULL;
	free(copy);
	free(copy2);
	char *prefix = NULL, *stage = NULL;
	int lock = -1;
	if (!parent || !base) {
		st = RG_EENV;
		goto done;
	}
	int err = make_dirs(set->in_place ? dir : parent);
	if (err) {
		rg_diag_err(diags, "output.dir", parent, 0, NULL, "give -o a folder that can be created",
		            "cannot be created: %s", strerror(err));
		st = RG_EENV;
		goto done;
	}
	enum target t = examine(dir, set->files);
	if (t == T_BAD) {
		rg_diag_err(diags, "output.dir", dir, 0, NULL, "give -o a folder",
		            "cannot be used as the output folder: %s",
		            errno ? strerror(errno) : "it is not a folder");
		st = RG_EENV;
		goto done;
	}
	/* Without force, a folder holding only outputs is handled like a
	 * shared one: rg_outputs_check found none of this set there. */
	if ((t == T_ONLY_OUTPUTS && !set->force) || (set->in_place && t != T_BAD))
		t = T_SHARED;
	bool inside = t == T_SHARED;
	const char *home = inside ? dir : parent;
	prefix = inside ? rg_asprintf("%s", STAGE_TAG) : rg_asprintf(".%s" STAGE_TAG, base);
	stage = prefix ? rg_asprintf("%s/%sXXXXXX", home, prefix) : NULL;
	if (!stage) {
		st = RG_EENV;
		goto done;
	}
	remove_stale(home, prefix);
	if (!mkdtemp(stage) || (lock = open(stage, O_RDONLY | O_DIRECTORY)) < 0 ||
	    flock(lock, LOCK_EX) != 0) {
		rg_diag_err(diags, "output.create", dir, 0, NULL, "check the folder's permissions",
		            "cannot create a staging folder beside it: %s", strerror(errno));
		st = RG_EENV;
		if (lock < 0) {
			free(stage);
			stage = NULL;
		}
		goto done;
	}
	/* mkdtemp makes it 0700; a report folder is as the umask says. */
	mode_t mask = umask(0);
	umask(mask);
	chmod(stage, 0777 & ~mask);

	st = write_set(set, stage, diags);
	if (st == RG_OK)
		st = fsync_path(stage, O_RDONLY | O_DIRECTORY) ? RG_OK : RG_EENV;
	if (st == RG_OK)
		st = inside ? commit_files(set, stage, dir, diags)
		            : commit_folder(stage, dir, t, parent, prefix, diags);
	if (st == RG_OK) {
		fsync_path(home, O_RDONLY | O_DIRECTORY);
		if (!inside) {
			/* The stage is now DIR (or, after an exchange, was
			 * removed): nothing left to clean. */
			free(stage);
			stage = NULL;
		}
	}
done:
	if (stage)
		remove_stage(stage);
	if (lock >= 0)
		close(lock);
	free(stage);
	free(prefix);
	free(parent);
	free(base);
	return st;
}

rg_status rg_outputs_write(const struct rg_output_request *req, const char *dir,
                           struct rg_diags *diags)
{
	const char *names[RG_VIEW_COUNT + 1];
	view_names(names, req->views);
	struct rg_output_set set = {names, req->force, false, write_views, (void *)req};
	return rg_outputs_commit(&set, dir, diags);
}
