/*
 * batch.h: several bundles in one run, with -j worker processes.
 *
 * Each bundle is judged in its own child process (a crash or a limit on
 * one bundle cannot disturb another, and memory is returned to the system
 * between bundles).  A child's standard output and error are captured and
 * printed whole, in the order the bundles were given, so outputs never
 * interleave.  The run's exit status is the worst of the bundles'.  A
 * summary line per bundle ends the run.  With one bundle no process is
 * forked and output goes straight through.
 */
#ifndef RG_BATCH_H
#define RG_BATCH_H

#include <stddef.h>

/* Judges one bundle; writes a one-line summary ("non_compliant") into
 * summary (size 128) and returns the exit status for that bundle. */
typedef int (*rg_batch_fn)(const char *bundle, size_t index, void *ctx, char *summary);

/* jobs <= 0: the number of online CPUs. */
int rg_batch_run(char **bundles, size_t n, int jobs, rg_batch_fn fn, void *ctx);

/* The number of online CPUs (at least 1). */
int rg_batch_default_jobs(void);

#endif
