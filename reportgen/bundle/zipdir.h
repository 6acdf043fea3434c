/*
 * zipdir.h: the layout of a ZIP as its central directory and local headers
 * state it, read without libzip and without inflating anything.
 *
 * libzip refuses an archive with two entries of the same name at open time
 * (ZIP_ER_EXISTS) without saying which, hands names out as C strings (a
 * NUL inside a stored name would be invisible), and does not check that
 * entries keep to their own bytes: Fifield's overlapping-entry ZIP bomb
 * ("A better zip bomb", 2019) points many central records at data that
 * overlaps, so that a 1 MB file inflates gigabytes while every local header
 * agrees with its central record.  This reader gives each entry's raw name
 * and the byte range it occupies (local header to the end of its
 * compressed data), so that bundle.c can name duplicates and NULs and
 * refuse overlapping or misplaced entries before libzip inflates a byte.
 *
 * Bounded: it reads at most the last 64 KiB + 22 bytes to find the end
 * record, then the central directory (whose size the end record states,
 * capped by the file size) only when it declares at most max_entries
 * entries, then 30 bytes of each local header.  ZIP64 end records and
 * extra fields are followed.
 */
#ifndef RG_ZIPDIR_H
#define RG_ZIPDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rg_zipdir_place {
	RG_ZIPDIR_PLACED,   /* a local header where the record says, data before the directory */
	RG_ZIPDIR_NO_LOCAL, /* no local header signature at the stated offset */
	RG_ZIPDIR_PAST_END, /* header or data run into the central directory or past the file */
};

struct rg_zipdir_entry {
	const char *name; /* raw bytes inside rg_zipdir.cd: not NUL-terminated, may hold NUL */
	size_t name_len;
	uint64_t start;   /* offset of the local header */
	uint64_t end;     /* one past the last byte of the compressed data */
	enum rg_zipdir_place place;
};

struct rg_zipdir {
	struct rg_zipdir_entry *v; /* in central directory order (libzip's index order) */
	size_t n;
	unsigned char *cd; /* the central directory; owns the names */
};

enum rg_zipdir_result {
	RG_ZIPDIR_OK,
	RG_ZIPDIR_UNREADABLE, /* no end record, or a damaged directory: libzip's error stands */
	RG_ZIPDIR_TOO_MANY,   /* more than max_entries entries declared: nothing read */
	RG_ZIPDIR_NOMEM,
};

/* Reads the layout of the ZIP at path into *z (zeroed first; free with
 * rg_zipdir_free whatever the result). */
enum rg_zipdir_result rg_zipdir_read(struct rg_zipdir *z, const char *path, uint64_t max_entries);
void rg_zipdir_free(struct rg_zipdir *z);

/* Entries sharing bytes: the first pair found in file order (indexes into
 * z->v, a before b in the file) and how many entries start inside an
 * earlier entry's range.  Returns 1 then, 0 when every placed entry keeps
 * to its own bytes, -1 when out of memory.  Entries need not be stored in
 * central directory order: only the sharing of bytes is refused. */
struct rg_zipdir_overlap {
	size_t a, b;
	size_t count;
};
int rg_zipdir_find_overlap(const struct rg_zipdir *z, struct rg_zipdir_overlap *out);

#endif
