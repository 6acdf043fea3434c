/*
 * file.h: reading a whole (small) file, with a cap.
 *
 * Directive definitions, templates, schemas, reports to sign or verify:
 * each is read whole through this one function, so every reader refuses an
 * oversized file the same way and never trusts a size it was told.
 */
#ifndef RG_FILE_H
#define RG_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/status.h"

/* Reads a whole file into a malloc'd buffer (NUL-terminated; the caller
 * frees it), refusing one larger than max bytes.  RG_EENV when unreadable;
 * RG_EINPUT when too large. */
rg_status rg_read_file(char **out, size_t *len, const char *path, uint64_t max,
                       struct rg_diags *diags);

#endif
