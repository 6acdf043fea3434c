/*
 * cli.h: what the command implementations share: the limit options, the
 * printing of diagnostics and of the per-action table, the exit status.
 * Only the front end prints; the library below fills diagnostics lists.
 */
#ifndef RG_CLI_H
#define RG_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "bundle/limits.h"
#include "core/diag.h"
#include "core/status.h"
#include "results/results.h"

/* Long options of the limits start at this getopt value. */
#define RG_CLI_LIMIT_BASE 1000

/* Appends the limit options to an option array (which must have room for
 * rg_limit_count more entries plus the terminator); returns the new count. */
size_t rg_cli_add_limit_options(struct option *opts, size_t n);

/* Handles a getopt value >= RG_CLI_LIMIT_BASE.  Accepts plain numbers and
 * K, M, G suffixes (powers of 1024).  False (with a message) on a bad value. */
bool rg_cli_limit_set(struct rg_limits *l, int opt, const char *value);

/* A positive size with an optional K, M or G suffix (powers of 1024). */
bool rg_cli_parse_size(const char *value, uint64_t *out);

/* Prints the diagnostics (sorted) to stderr, prefixed by the command. */
void rg_cli_print_diags(const char *cmd, struct rg_diags *d);

/* Prints the per-action table and the overall result. */
void rg_cli_print_table(FILE *out, const struct rg_results *r);

/* Prints one formatted line (a newline is added) with every control, bidi
 * and invisible character shown as <U+XXXX>: any line that carries text
 * from a bundle or a report goes through it, so that text cannot rewrite
 * the terminal. */
void rg_cli_put_line(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* 0 compliant, 1 compliant_late or non_compliant. */
int rg_cli_exit_for(const struct rg_results *r);

/* The usage error convention: message on stderr, exit 2. */
int rg_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses the -j value: a whole number from 1 to 256. */
bool rg_cli_parse_jobs(const char *s, int *out);

/* Sets a progress bar on standard error for long reads, when standard
 * error is a terminal (silent otherwise, and in batches, whose workers
 * report per bundle). */
struct rg_run_options;
void rg_cli_progress_init(struct rg_run_options *opt, bool batch);

/* Help text of the limit options, for the --help of check, render, pack. */
void rg_cli_print_limit_help(FILE *out);

#endif
