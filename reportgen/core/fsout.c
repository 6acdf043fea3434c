/*
 * fsout.c: atomic output files (see fsout.h).
 */
#define _GNU_SOURCE /* O_TMPFILE */
#include "core/fsout.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/str.h"

char *rg_tmp_path_for(const char *final_path)
{
	char *copy = strdup(final_path);
	char *copy2 = strdup(final_path);
	if (!copy || !copy2) {
		free(copy);
		free(copy2);
		return NULL;
	}
	char *path = rg_asprintf("%s/.%s.XXXXXX", dirname(copy), basename(copy2));
	free(copy);
	free(copy2);
	if (!path)
		return NULL;
	int fd = mkstemp(path);
	if (fd < 0) {
		free(path);
		return NULL;
	}
	fchmod(fd, 0644);
	close(fd);
	return path;
}

FILE *rg_scratch_file_near(const char *near_path)
{
	char *copy = strdup(near_path);
	if (!copy)
		return NULL;
	const char *dir = dirname(copy);
	int fd = open(dir, O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		char *path = rg_asprintf("%s/.reportgen-scratch.XXXXXX", dir);
		if (path && (fd = mkstemp(path)) >= 0)
			unlink(path);
		free(path);
	}
	free(copy);
	FILE *fp = fd >= 0 ? fdopen(fd, "w+b") : NULL;
	if (!fp && fd >= 0) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return fp;
}

rg_status rg_outfile_open(struct rg_outfile *o, const char *final_path, bool force,
                          struct rg_diags *diags)
{
	memset(o, 0, sizeof *o);
	o->force = force;
	if (!force && access(final_path, F_OK) == 0) {
		rg_diag_err(diags, "output.exists", final_path, 0, NULL,
		            "give --force to replace it, or choose another -o folder",
		            "already exists and was left as it is");
		return RG_EINPUT;
	}
	o->final_path = strdup(final_path);
	o->tmp_path = rg_tmp_path_for(final_path);
	if (!o->final_path || !o->tmp_path || !(o->fp = fopen(o->tmp_path, "wb"))) {
		rg_diag_err(diags, "output.create", final_path, 0, NULL,
		            "check that the folder exists and is writable",
		            "cannot create a file next to it: %s", strerror(errno));
		rg_outfile_abort(o);
		return RG_EENV;
	}
	return RG_OK;
}

rg_status rg_rename_into_place(const char *tmp_path, const char *final_path, bool force,
                               struct rg_diags *diags)
{
	if (!force) {
		/* link() fails if the target exists, so no report is replaced
		 * even by a concurrent run. */
		if (link(tmp_path, final_path) != 0) {
			int e = errno;
			rg_diag_err(diags, e == EEXIST ? "output.exists" : "output.rename", final_path,
			            0, NULL,
			            e == EEXIST ? "give --force to replace it" : "check the folder",
			            e == EEXIST ? "already exists and was left as it is"
			                        : "cannot move the finished file into place: %s",
			            strerror(e));
			unlink(tmp_path);
			return e == EEXIST ? RG_EINPUT : RG_EENV;
		}
		unlink(tmp_path);
		return RG_OK;
	}
	if (rename(tmp_path, final_path) != 0) {
		rg_diag_err(diags, "output.rename", final_path, 0, NULL, "check the folder",
		            "cannot move the finished file into place: %s", strerror(errno));
		unlink(tmp_path);
		return RG_EENV;
	}
	return RG_OK;
}

rg_status rg_outfile_commit(struct rg_outfile *o, struct rg_diags *diags)
{
	if (!o->fp)
		return RG_EENV;
	bool ok = fflush(o->fp) == 0 && fsync(fileno(o->fp)) == 0;
	ok = (fclose(o->fp) == 0) && ok;
	o->fp = NULL;
	if (!ok) {
		rg_diag_err(diags, "output.write", o->final_path, 0, NULL,
		            "check free space and permissions", "cannot write: %s", strerror(errno));
		rg_outfile_abort(o);
		return RG_EENV;
	}
	rg_status st = rg_rename_into_place(o->tmp_path, o->final_path, o->force, diags);
	free(o->tmp_path);
	o->tmp_path = NULL;
	rg_outfile_abort(o);
	return st;
}

void rg_outfile_abort(struct rg_outfile *o)
{
	if (o->fp) {
		fclose(o->fp);
		o->fp = NULL;
	}
	if (o->tmp_path) {
		unlink(o->tmp_path);
		free(o->tmp_path);
		o->tmp_path = NULL;
	}
	free(o->final_path);
	o->final_path = NULL;
}
