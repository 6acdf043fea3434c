/*
 * zipdir.h: lists the entry names of a ZIP's central directory as they are
 * stored, bytes and length, without libzip.
 *
 * libzip refuses an archive with two entries of the same name at open time
 * (ZIP_ER_EXISTS) without saying which, and hands names out as C strings
 * (a NUL inside a stored name would be invisible).  This reader only walks
 * the central directory records so that those two problems can be named.
 * Everything else about the archive is left to libzip.  Bounded: it reads
 * at most the last 64 KiB + 22 bytes to find the end record, then the
 * central directory itself (whose size the end record states, capped by
 * the file size).
 */
#ifndef RG_ZIPDIR_H
#define RG_ZIPDIR_H

#include <stdbool.h>
#include <stddef.h>

/* Calls fn for each central-directory name; false when the directory
 * cannot be found or is damaged (then libzip's error stands). */
bool rg_zipdir_names(const char *path, void (*fn)(void *ctx, const char *name, size_t len),
                     void *ctx);

#endif
