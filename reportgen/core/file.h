/*
 * file.h: reading a file, whole or in pieces, with a cap.
 *
 * Directive definitions, templates, schemas, reports to sign or verify:
 * each is read whole through rg_read_file, or in pieces through
 * rg_open_capped when it need not be in memory at once (a report.xml read
 * back), so every reader refuses an oversized file the same way and never
 * trusts a size it was told.
 */
#ifndef RG_FILE_H
#define RG_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/diag.h"
#include "core/status.h"

/* Reads a whole file into a malloc'd buffer (NUL-terminated; the caller
 * frees it), refusing one larger than max bytes.  RG_EENV when unreadable;
 * RG_EINPUT when too large. */
rg_status rg_read_file(char **out, size_t *len, const char *path, uint64_t max,
                       struct rg_diags *diags);

/* Opens a file to be read in pieces with the same cap: the stream counts
 * what it hands out, and the read that would pass max bytes fails with
 * rg_read_file's file.too-big diagnostic and errno EFBIG (a reader of the
 * stream need not say it again).  NULL with an env.read diagnostic when
 * the file cannot be opened.  Close with fclose; diags must outlive the
 * stream. */
FILE *rg_open_capped(const char *path, uint64_t max, struct rg_diags *diags);

#endif
