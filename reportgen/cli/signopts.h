/*
 * signopts.h: the signing options that render and export share (--key,
 * --cert, --chain, --passphrase-file, --no-sign; for a key on a PKCS#11
 * token --pin-file and --pkcs11-module; --tsa for a trusted time; --no-pades
 * for the older PDF signature format) and the rule of
 * cli-and-reports.md: sign with a key and certificate, or say --no-sign;
 * neither is a usage error.
 */
#ifndef RG_SIGNOPTS_H
#define RG_SIGNOPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/diag.h"
#include "core/status.h"
#include "sign/sign.h"

#define RG_CLI_SIGN_BASE 900

/* The entries of a getopt_long table, to put in a command's own. */
#define RG_CLI_SIGN_OPTIONS                                                 \
	{"key", required_argument, NULL, RG_CLI_SIGN_BASE},                 \
	{"cert", required_argument, NULL, RG_CLI_SIGN_BASE + 1},            \
	{"chain", required_argument, NULL, RG_CLI_SIGN_BASE + 2},           \
	{"passphrase-file", required_argument, NULL, RG_CLI_SIGN_BASE + 3}, \
	{"no-sign", no_argument, NULL, RG_CLI_SIGN_BASE + 4},               \
	{"pin-file", required_argument, NULL, RG_CLI_SIGN_BASE + 5},        \
	{"pkcs11-module", required_argument, NULL, RG_CLI_SIGN_BASE + 6},   \
	{"tsa", required_argument, NULL, RG_CLI_SIGN_BASE + 7},             \
	{"no-pades", no_argument, NULL, RG_CLI_SIGN_BASE + 8}

struct rg_cli_sign {
	struct rg_signer_options opt;
	bool no_sign;
};

/* Takes the getopt value c when it is a signing option (false if not). */
bool rg_cli_sign_option(struct rg_cli_sign *s, int c, const char *arg);

/* 0 when the options make sense, else prints the usage error of cmd and
 * returns 2.  what names the things signed ("the reports", "the export"). */
int rg_cli_sign_check(const struct rg_cli_sign *s, const char *cmd, const char *what);

/* The signer (NULL with --no-sign), its signing time the given one. */
rg_status rg_cli_sign_load(struct rg_signer **out, struct rg_cli_sign *s, int64_t time_ms,
                           struct rg_diags *diags);

/* The options' lines of --help. */
void rg_cli_sign_help(FILE *out, const char *what);

#endif
