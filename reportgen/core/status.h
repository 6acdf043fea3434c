/*
 * status.h: the one status type of reportgen, used by every stage.
 *
 * A status says only whether a step could go on.  What is wrong with the
 * input travels separately, as diagnostics (diag.h); an action the agency did
 * not meet is a finding in the results model (results/results.h), not an error.
 * The numeric values are the process exit codes of docs/cli.md, so the
 * front end can return a status as it is.  Append-only.
 */
#ifndef RG_STATUS_H
#define RG_STATUS_H

typedef enum rg_status {
	RG_OK = 0,
	RG_EINPUT = 2, /* bad input or usage; diagnostics say what and where */
	RG_EENV = 3,   /* environment: I/O, keys, libraries, out of memory */
} rg_status;

/* The worse of two statuses (environment failures outrank bad input). */
static inline rg_status rg_status_worst(rg_status a, rg_status b)
{
	return a > b ? a : b;
}

#endif
