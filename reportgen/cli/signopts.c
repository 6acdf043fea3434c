/*
 * signopts.c: the signing options of render and export (see signopts.h).
 */
#include "cli/signopts.h"

#include "cli/cli.h"

bool rg_cli_sign_option(struct rg_cli_sign *s, int c, const char *arg)
{
	switch (c - RG_CLI_SIGN_BASE) {
	case 0: s->opt.key_path = arg; return true;
	case 1: s->opt.cert_path = arg; return true;
	case 2: s->opt.chain_path = arg; return true;
	case 3: s->opt.passphrase_file = arg; return true;
	case 4: s->no_sign = true; return true;
	default: return false;
	}
}

int rg_cli_sign_check(const struct rg_cli_sign *s, const char *cmd, const char *what)
{
	const struct rg_signer_options *o = &s->opt;
	bool any_key = o->key_path || o->cert_path || o->chain_path || o->passphrase_file;
	if (s->no_sign && any_key)
		return rg_cli_usage_error(cmd, "--no-sign and signing options exclude each other");
	if (!s->no_sign && (!o->key_path || !o->cert_path))
		return rg_cli_usage_error(cmd, "give --key and --cert to sign %s, or --no-sign to write "
		                               "%s unsigned",
		                          what, what);
	return 0;
}

rg_status rg_cli_sign_load(struct rg_signer **out, struct rg_cli_sign *s, int64_t time_ms,
                           struct rg_diags *diags)
{
	*out = NULL;
	if (s->no_sign)
		return RG_OK;
	s->opt.signing_time_ms = time_ms;
	return rg_signer_load(out, &s->opt, diags);
}

void rg_cli_sign_help(FILE *out, const char *what)
{
	fprintf(out,
	        "  --key FILE              PEM private key of the signer (if encrypted, the passphrase\n"
	        "                          comes from $REPORTGEN_KEY_PASSPHRASE or --passphrase-file)\n"
	        "  --cert FILE             PEM certificate of the signer\n"
	        "  --chain FILE            PEM intermediate certificates\n"
	        "  --passphrase-file FILE  file holding the key's passphrase\n"
	        "  --no-sign               write %s unsigned (said on standard error)\n",
	        what);
}
