/*
 * fsout.h: outputs that are never half-written.
 *
 * An output is written to a temporary file in its final directory
 * (".NAME.XXXXXX") and renamed into place only when complete and flushed to
 * disk, so a reader sees either the old file or the whole new one.  A run
 * that fails removes its temporaries.  Without `force`, an existing file
 * is not replaced (checked before any work and again at commit time).
 */
#ifndef RG_FSOUT_H
#define RG_FSOUT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/diag.h"
#include "core/status.h"

struct rg_outfile {
	char *final_path; /* owned */
	char *tmp_path;   /* owned */
	FILE *fp;         /* open for writing until commit/abort */
	bool force;
};

/* Creates the temporary next to final_path. */
rg_status rg_outfile_open(struct rg_outfile *o, const char *final_path, bool force,
                          struct rg_diags *diags);
/* Flushes, fsyncs, closes and renames into place; aborts on failure. */
rg_status rg_outfile_commit(struct rg_outfile *o, struct rg_diags *diags);
/* Closes and removes the temporary.  Safe to call twice and after commit. */
void rg_outfile_abort(struct rg_outfile *o);

/* Renames a finished temporary (made by some library that wants a path,
 * such as cairo) into place with the same rules. */
rg_status rg_rename_into_place(const char *tmp_path, const char *final_path, bool force,
                               struct rg_diags *diags);

/* Creates a temporary path next to final_path without opening it for stdio
 * (the file is created empty, mode 0644); caller frees. */
char *rg_tmp_path_for(const char *final_path);

/* A scratch file with no name in the folder of near_path, open for reading
 * and writing (O_TMPFILE; where the file system lacks it, a mkstemp file
 * unlinked at once): it lives on the disk of the output, not in memory
 * (/tmp may be a tmpfs), and it vanishes when closed, however the run
 * ends.  NULL with errno set when it cannot be made. */
FILE *rg_scratch_file_near(const char *near_path);

#endif
