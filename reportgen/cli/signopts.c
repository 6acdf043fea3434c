/*
 * signopts.c: the signing options of render and export (see signopts.h).
 */
#include "cli/signopts.h"

#include <string.h>

#include "cli/cli.h"

bool rg_cli_sign_option(struct rg_cli_sign *s, int c, const char *arg)
{
	switch (c - RG_CLI_SIGN_BASE) {
	case 0: s->opt.key_path = arg; return true;
	case 1: s->opt.cert_path = arg; return true;
	case 2: s->opt.chain_path = arg; return true;
	case 3: s->opt.passphrase_file = arg; return true;
	case 4: s->no_sign = true; return true;
	case 5: s->opt.pin_file = arg; return true;
	case 6: s->opt.pkcs11_module = arg; return true;
	case 7: s->opt.tsa_url = arg; return true;
	case 8: s->opt.no_pades = true; return true;
	default: return false;
	}
}

int rg_cli_sign_check(const struct rg_cli_sign *s, const char *cmd, const char *what)
{
	const struct rg_signer_options *o = &s->opt;
	bool any_key = o->key_path || o->cert_path || o->chain_path || o->passphrase_file ||
	               o->pin_file || o->pkcs11_module || o->tsa_url || o->no_pades;
	bool token = rg_p11_is_key_uri(o->key_path);
	if (s->no_sign && any_key)
		return rg_cli_usage_error(cmd, "--no-sign and signing options exclude each other");
	if (!s->no_sign && (!o->key_path || (!o->cert_path && !token)))
		return rg_cli_usage_error(cmd, "give --key and --cert to sign %s (or --key "
		                               "'pkcs11:...' for a key on a token), or --no-sign to "
		                               "write %s unsigned",
		                          what, what);
	if (!token && (o->pin_file || o->pkcs11_module))
		return rg_cli_usage_error(cmd, "--pin-file and --pkcs11-module go with a key on a "
		                               "token: --key 'pkcs11:token=...;object=...'");
	if (token && o->passphrase_file)
		return rg_cli_usage_error(cmd, "--passphrase-file is for a PEM key; a token's PIN "
		                               "comes from --pin-file or REPORTGEN_PIN");
	if (o->tsa_url && strncmp(o->tsa_url, "http://", 7) != 0 &&
	    strncmp(o->tsa_url, "https://", 8) != 0)
		return rg_cli_usage_error(cmd, "--tsa takes the http:// or https:// URL of an RFC 3161 "
		                               "time-stamping authority");
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
	        "  --key 'pkcs11:URI'      a key on a PKCS#11 token (PIV card, HSM), RFC 7512:\n"
	        "                          pkcs11:token=LABEL;object=LABEL[?module-path=SO]; the PIN\n"
	        "                          comes from $REPORTGEN_PIN or --pin-file, never the URI\n"
	        "  --cert FILE             PEM certificate of the signer (with a token key: read\n"
	        "                          from the token when left out)\n"
	        "  --chain FILE            PEM intermediate certificates\n"
	        "  --passphrase-file FILE  file holding the key's passphrase\n"
	        "  --pin-file FILE         file holding the token's PIN (first line)\n"
	        "  --pkcs11-module SO      the token's PKCS#11 module (default: the URI's\n"
	        "                          module-path, else p11-kit's proxy of the system's modules)\n"
	        "  --tsa URL               add an RFC 3161 time-stamp from this authority (the\n"
	        "                          trusted signing time; PAdES B-T for PDFs)\n"
	        "  --no-pades              PDFs: adbe.pkcs7.detached with a signingTime attribute\n"
	        "                          instead of PAdES baseline (ETSI.CAdES.detached)\n"
	        "  --no-sign               write %s unsigned (said on standard error)\n",
	        what);
}
