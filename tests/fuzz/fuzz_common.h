/*
 * fuzz_common.h: what the libFuzzer targets of tests/fuzz/ share.
 *
 * Some entry points take a path, not bytes (the bundle reader opens the ZIP
 * with libzip; the directive reader and verify read files).  Each target
 * process owns one temporary file per suffix, created once and rewritten
 * for every input, so a run writes nothing else and leaves nothing behind
 * (unlinked at exit).  No file is ever named after the input.
 *
 * Invariant: a target either returns 0 or aborts; an abort (a broken
 * property, RG_FUZZ_CHECK) is a finding like a sanitizer report.  The same
 * target sources are linked with replay.c into the replay tests of the
 * normal build, which run every committed corpus input.
 */
#ifndef RG_FUZZ_COMMON_H
#define RG_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The path of this process's temporary file with suffix (".zip", ".pdf"),
 * now holding exactly data.  At most four suffixes per process.  Aborts
 * when the file cannot be written: that is the machine, not the input. */
const char *rg_fuzz_tmp_write(const char *suffix, const uint8_t *data, size_t size);

/* A property check that survives NDEBUG. */
#define RG_FUZZ_CHECK(cond)                                                             \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, \
			        #cond);                                                 \
			abort();                                                        \
		}                                                                       \
	} while (0)

#endif
