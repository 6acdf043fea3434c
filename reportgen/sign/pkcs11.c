/*
 * pkcs11.c: a signing key that stays on a PKCS#11 token (PIV card, HSM,
 * SoftHSM), named by an RFC 7512 URI, reached through libp11.
 *
 * signer.c calls rg_p11_open when --key starts with "pkcs11:"; what comes
 * back is an EVP_PKEY whose private operations run on the token (libp11's
 * RSA/EC methods), so rg_cms_sign (CMS_final) and sign_xml.c
 * (EVP_DigestSign over the canonical SignedInfo) use it like a PEM key.
 * This is the one file that knows about PKCS#11: a later move from libp11
 * to an OpenSSL 3 provider (pkcs11-provider is not in Debian 12) touches
 * nothing else.
 *
 * The URI: path attributes token, manufacturer, model, serial (which token),
 * object, id, type (which key; type must be private when given), slot-id;
 * query attribute module-path (the module, also --pkcs11-module).  A PIN in
 * the URI (pin-value, pin-source) is refused: a command line is visible to
 * every user of the machine in ps(1).  The PIN comes from --pin-file (first
 * line) or $REPORTGEN_PIN, is handed to C_Login and kept only in the
 * session, for keys that ask for it again at each signature (PIV slot 9C);
 * it is wiped when the session closes.
 *
 * Every failure is RG_EENV (exit 3) with a message saying which: the module
 * does not load, no token or several match, the token's PIN is locked
 * (checked before logging in, so no retry is spent), the PIN is wrong, no
 * key or several match, no certificate for the key on the token.  A
 * certificate that does not match the key is signer.c's check, as for a
 * PEM key.  No diagnostic names the PIN or its length.
 *
 * Ownership: the rg_p11 owns the libp11 context, the slots and the
 * logged-in session; the key returned must be freed before rg_p11_close.
 */
#include "sign/sign_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libp11.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ui.h>

#include "core/str.h"

/* p11-kit's proxy: every module registered on the system (Debian's
 * /usr/share/p11-kit/modules: SoftHSM, OpenSC ...). */
#ifndef RG_P11_DEFAULT_MODULE
#define RG_P11_DEFAULT_MODULE "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so"
#endif
#define PIN_MAX 256
#define ATTR_MAX 256

/* PKCS#11 return values libp11 leaves as the reason of its error. */
#define CKR_PIN_INCORRECT_ 0xA0
#define CKR_PIN_INVALID_ 0xA1
#define CKR_PIN_LEN_RANGE_ 0xA2
#define CKR_PIN_EXPIRED_ 0xA3
#define CKR_PIN_LOCKED_ 0xA4

struct rg_p11 {
	PKCS11_CTX *ctx;
	PKCS11_SLOT *slots;
	unsigned nslots;
	bool loaded;
	/* A PIV card's signature key (slot 9C) is CKA_ALWAYS_AUTHENTICATE: the
	 * PIN is asked again for each signature, through OpenSSL's UI, so the
	 * session keeps it (wiped by rg_p11_close) and answers the UI itself
	 * instead of letting it prompt on the terminal. */
	UI_METHOD *ui;
	char pin[PIN_MAX];
};

static int ui_read(UI *ui, UI_STRING *uis)
{
	const char *pin = UI_get0_user_data(ui);
	enum UI_string_types t = UI_get_string_type(uis);
	if (t != UIT_PROMPT && t != UIT_VERIFY)
		return 1;
	return pin && pin[0] && UI_set_result(ui, uis, pin) == 0 ? 1 : 0;
}

/* The decoded URI: NULL for an attribute not given. */
struct p11_uri {
	char *token, *manufacturer, *model, *serial, *object, *type, *module;
	unsigned char id[ATTR_MAX];
	size_t id_len;
	bool has_id;
	long slot_id;
};

static void uri_free(struct p11_uri *u)
{
	free(u->token);
	free(u->manufacturer);
	free(u->model);
	free(u->serial);
	free(u->object);
	free(u->type);
	free(u->module);
}

bool rg_p11_is_uri(const char *key)
{
	return key && strncmp(key, "pkcs11:", 7) == 0;
}

bool rg_p11_is_key_uri(const char *key)
{
	return rg_p11_is_uri(key);
}

static int hexdig(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decodes s[0..n) into out (size ATTR_MAX); -1 when malformed. */
static long pct_decode(const char *s, size_t n, unsigned char *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k + 1 >= ATTR_MAX)
			return -1;
		if (s[i] == '%') {
			if (i + 2 >= n || hexdig(s[i + 1]) < 0 || hexdig(s[i + 2]) < 0)
				return -1;
			out[k++] = (unsigned char)(hexdig(s[i + 1]) << 4 | hexdig(s[i + 2]));
			i += 2;
		} else {
			out[k++] = (unsigned char)s[i];
		}
	}
	out[k] = '\0';
	return (long)k;
}

#define URI_ERR(...)                                                                   \
	do {                                                                           \
		rg_diag_err(diags, "sign.pkcs11-uri", "--key", 0, NULL,                \
		            "write it as pkcs11:token=LABEL;object=LABEL (RFC 7512); "  \
		            "`p11tool --list-privkeys --login` shows the URIs of a token", \
		            __VA_ARGS__);                                              \
		return RG_EINPUT;                                                      \
	} while (0)

/* Splits the URI at '?', its path at ';' and its query at '&'. */
static rg_status uri_parse(struct p11_uri *u, const char *uri, struct rg_diags *diags)
{
	memset(u, 0, sizeof *u);
	u->slot_id = -1;
	const char *p = uri + 7, *q = strchr(p, '?');
	const char *path_end = q ? q : p + strlen(p);
	for (int part = 0; part < 2; part++) {
		const char *s = part == 0 ? p : (q ? q + 1 : NULL), *end = part == 0 ? path_end : NULL;
		char sep = part == 0 ? ';' : '&';
		if (!s)
			break;
		if (!end)
			end = s + strlen(s);
		while (s < end) {
			const char *e = memchr(s, sep, (size_t)(end - s));
			if (!e)
				e = end;
			const char *eq = memchr(s, '=', (size_t)(e - s));
			if (e == s) {
				s = e + 1;
				continue;
			}
			if (!eq)
				URI_ERR("the PKCS#11 URI attribute \"%.*s\" has no value", (int)(e - s), s);
			size_t an = (size_t)(eq - s);
			unsigned char val[ATTR_MAX];
			long vn = pct_decode(eq + 1, (size_t)(e - eq - 1), val);
			if (vn < 0)
				URI_ERR("the PKCS#11 URI attribute %.*s has a bad %%-escape or is too long",
				        (int)an, s);
			char **slot = NULL;
#define IS(name) (an == strlen(name) && memcmp(s, name, an) == 0)
			if (part == 0 && IS("token"))
				slot = &u->token;
			else if (part == 0 && IS("manufacturer"))
				slot = &u->manufacturer;
			else if (part == 0 && IS("model"))
				slot = &u->model;
			else if (part == 0 && IS("serial"))
				slot = &u->serial;
			else if (part == 0 && IS("object"))
				slot = &u->object;
			else if (part == 0 && IS("type"))
				slot = &u->type;
			else if (part == 1 && IS("module-path"))
				slot = &u->module;
			else if (part == 0 && IS("id")) {
				memcpy(u->id, val, (size_t)vn);
				u->id_len = (size_t)vn;
				u->has_id = true;
			} else if (part == 0 && IS("slot-id")) {
				char *end2;
				errno = 0;
				long v = strtol((const char *)val, &end2, 10);
				if (errno || *end2 || v < 0 || !val[0])
					URI_ERR("the PKCS#11 URI's slot-id is not a number");
				u->slot_id = v;
			} else if (IS("pin-value") || IS("pin-source")) {
				rg_diag_err(diags, "sign.pkcs11-pin-in-uri", "--key", 0, NULL,
				            "remove it and set REPORTGEN_PIN or give --pin-file FILE",
				            "the PKCS#11 URI carries a PIN (%.*s), which any user of "
				            "this machine could read on the command line",
				            (int)an, s);
				return RG_EINPUT;
			} else if (part == 0 && (IS("library-description") || IS("library-manufacturer") ||
			                         IS("library-version") || IS("slot-description") ||
			                         IS("slot-manufacturer"))) {
				/* Describes the module, which module-path names. */
			} else {
				URI_ERR("the PKCS#11 URI attribute \"%.*s\" is not one reportgen knows "
				        "(token, manufacturer, model, serial, object, id, type, slot-id; "
				        "?module-path=)",
				        (int)an, s);
			}
#undef IS
			if (slot) {
				if (*slot)
					URI_ERR("the PKCS#11 URI gives %.*s twice", (int)an, s);
				if (!(*slot = strdup((const char *)val)))
					return RG_EENV;
			}
			s = e + 1;
		}
	}
	if (u->type && strcmp(u->type, "private") != 0)
		URI_ERR("the PKCS#11 URI says type=%s; the signing key is type=private", u->type);
	if (!u->object && !u->has_id)
		URI_ERR("the PKCS#11 URI names no key: give object=LABEL or id=%%XX");
	return RG_OK;
}

/* The first line of the PIN file, or $REPORTGEN_PIN, into buf (wiped by
 * the caller); *have false when neither was given. */
static rg_status read_pin(char *buf, size_t size, bool *have, const char *pin_file,
                          struct rg_diags *diags)
{
	*have = false;
	buf[0] = '\0';
	if (pin_file) {
		FILE *f = fopen(pin_file, "rb");
		if (!f) {
			rg_diag_err(diags, "sign.pin-read", pin_file, 0, NULL,
			            "check the path given to --pin-file", "cannot read the PIN file: %s",
			            strerror(errno));
			return RG_EENV;
		}
		size_t n = fread(buf, 1, size - 1, f);
		fclose(f);
		buf[n] = '\0';
		/* An editor's newline is not part of the PIN (a token would count
		 * it as a wrong PIN and spend a retry). */
		buf[strcspn(buf, "\r\n")] = '\0';
		*have = true;
		return RG_OK;
	}
	const char *env = getenv("REPORTGEN_PIN");
	if (env) {
		snprintf(buf, size, "%s", env);
		*have = true;
	}
	return RG_OK;
}

static bool str_match(const char *want, const char *have)
{
	return !want || (have && strcmp(want, have) == 0);
}

static bool key_match(const struct p11_uri *u, const char *label, const unsigned char *id,
                      size_t id_len)
{
	return str_match(u->object, label) &&
	       (!u->has_id || (id_len == u->id_len && memcmp(id, u->id, id_len) == 0));
}

/* "signkey (id 01)" for messages. */
static void describe(char *buf, size_t size, const char *label, const unsigned char *id,
                     size_t id_len)
{
	char hex[2 * 32 + 1];
	size_t n = id_len > 32 ? 32 : id_len;
	rg_hex(hex, id, n);
	snprintf(buf, size, "%s (id %s)", label ? label : "(no label)", n ? hex : "none");
}

/* The CKR value of libp11's last error, or 0. */
static unsigned long last_ckr(void)
{
	unsigned long e, r = 0;
	while ((e = ERR_get_error()) != 0)
		r = ERR_GET_REASON(e);
	return r;
}

#define P11_ERR(code, hint, ...)                                                       \
	do {                                                                           \
		rg_diag_err(diags, code, uri, 0, NULL, hint, __VA_ARGS__);              \
		st = RG_EENV;                                                          \
		goto done;                                                             \
	} while (0)

rg_status rg_p11_open(struct rg_p11 **out, EVP_PKEY **key, X509 **cert, const char *uri,
                      const char *module, const char *pin_file, struct rg_diags *diags)
{
	struct p11_uri u;
	char pin[PIN_MAX];
	bool have_pin = false;
	struct rg_p11 *p = NULL;
	*out = NULL;
	*key = NULL;
	if (cert)
		*cert = NULL;
	rg_status st = uri_parse(&u, uri, diags);
	if (st != RG_OK) {
		uri_free(&u);
		return st;
	}
	if (module && u.module && strcmp(module, u.module) != 0) {
		rg_diag_err(diags, "sign.pkcs11-module", uri, 0, NULL,
		            "give the module once: --pkcs11-module or ?module-path= in the URI",
		            "--pkcs11-module %s and the URI's module-path %s differ", module,
		            u.module);
		uri_free(&u);
		return RG_EINPUT;
	}
	const char *mod = module ? module : u.module ? u.module : RG_P11_DEFAULT_MODULE;
	if ((st = read_pin(pin, sizeof pin, &have_pin, pin_file, diags)) != RG_OK)
		goto done;
	if (!(p = calloc(1, sizeof *p)) || !(p->ctx = PKCS11_CTX_new()) ||
	    !(p->ui = UI_create_method("reportgen PKCS#11 PIN")) ||
	    UI_method_set_reader(p->ui, ui_read) != 0)
		P11_ERR("sign.pkcs11-module", NULL, "cannot set up libp11");
	if (have_pin)
		memcpy(p->pin, pin, sizeof p->pin);
	PKCS11_set_ui_method(p->ctx, p->ui, p->pin);
	/* Checked first: libp11 would print dlopen's complaint on stderr. */
	if (access(mod, R_OK) != 0)
		P11_ERR("sign.pkcs11-module", "check --pkcs11-module or the URI's module-path",
		        "cannot load the PKCS#11 module %s: %s", mod, strerror(errno));
	if (PKCS11_CTX_load(p->ctx, mod) != 0)
		P11_ERR("sign.pkcs11-module", "check --pkcs11-module or the URI's module-path",
		        "cannot load the PKCS#11 module %s", mod);
	p->loaded = true;
	if (PKCS11_enumerate_slots(p->ctx, &p->slots, &p->nslots) != 0)
		P11_ERR("sign.pkcs11-module", "check the token is inserted and its reader works",
		        "the PKCS#11 module %s cannot list its slots", mod);

	/* The token: every match counted, so two cards with one label are a
	 * refusal, not a coin toss. */
	PKCS11_SLOT *slot = NULL;
	int nmatch = 0;
	char seen[512] = "";
	for (unsigned i = 0; i < p->nslots; i++) {
		PKCS11_TOKEN *t = p->slots[i].token;
		if (!t || !t->initialized)
			continue;
		size_t sl = strlen(seen);
		if (sl + 4 < sizeof seen)
			snprintf(seen + sl, sizeof seen - sl, "%s\"%s\"", sl ? ", " : "", t->label);
		if (str_match(u.token, t->label) && str_match(u.manufacturer, t->manufacturer) &&
		    str_match(u.model, t->model) && str_match(u.serial, t->serialnr) &&
		    (u.slot_id < 0 || (unsigned long)u.slot_id == PKCS11_get_slotid_from_slot(&p->slots[i]))) {
			slot = &p->slots[i];
			nmatch++;
		}
	}
	if (nmatch == 0)
		P11_ERR("sign.pkcs11-token", "insert the card or check token= in the URI",
		        "no token matches the URI (tokens present: %s)", seen[0] ? seen : "none");
	if (nmatch > 1)
		P11_ERR("sign.pkcs11-token", "add serial= to the URI to pick one",
		        "%d tokens match the URI (%s)", nmatch, seen);
	PKCS11_TOKEN *tok = slot->token;
	/* Locked: refused before C_Login, which could only fail again. */
	if (tok->userPinLocked)
		P11_ERR("sign.pkcs11-locked",
		        "unlock the token (its security officer resets the PIN: PIV cards with the "
		        "PUK), then sign again",
		        "the token \"%s\" is locked: its user PIN was entered wrongly too often",
		        tok->label);
	if (PKCS11_open_session(slot, 0) != 0)
		P11_ERR("sign.pkcs11-session", NULL, "cannot open a session on the token \"%s\"",
		        tok->label);
	if (tok->loginRequired) {
		if (!have_pin)
			P11_ERR("sign.pkcs11-pin", "set REPORTGEN_PIN or give --pin-file FILE",
			        "the token \"%s\" needs its PIN and none was given", tok->label);
		ERR_clear_error();
		if (PKCS11_login(slot, 0, pin) != 0) {
			unsigned long ckr = last_ckr();
			if (ckr == CKR_PIN_LOCKED_)
				P11_ERR("sign.pkcs11-locked",
				        "unlock the token (its security officer resets the PIN)",
				        "the token \"%s\" is locked: its user PIN was entered wrongly "
				        "too often",
				        tok->label);
			if (ckr == CKR_PIN_INCORRECT_ || ckr == CKR_PIN_INVALID_ ||
			    ckr == CKR_PIN_LEN_RANGE_)
				P11_ERR("sign.pkcs11-pin",
				        "check REPORTGEN_PIN or the --pin-file; each wrong PIN counts "
				        "towards locking the token",
				        "wrong PIN for the token \"%s\"", tok->label);
			if (ckr == CKR_PIN_EXPIRED_)
				P11_ERR("sign.pkcs11-pin", "change the PIN with the token's own tool",
				        "the PIN of the token \"%s\" has expired", tok->label);
			P11_ERR("sign.pkcs11-login", NULL,
			        "cannot log in to the token \"%s\" (PKCS#11 error 0x%lx)", tok->label,
			        ckr);
		}
	}

	PKCS11_KEY *keys = NULL;
	unsigned nkeys = 0;
	if (PKCS11_enumerate_keys(tok, &keys, &nkeys) != 0)
		P11_ERR("sign.pkcs11-key", NULL, "cannot list the keys of the token \"%s\"",
		        tok->label);
	PKCS11_KEY *k = NULL;
	int nk = 0;
	char keylist[512] = "", d[128];
	for (unsigned i = 0; i < nkeys; i++) {
		if (!keys[i].isPrivate)
			continue;
		describe(d, sizeof d, keys[i].label, keys[i].id, keys[i].id_len);
		size_t kl = strlen(keylist);
		if (kl + strlen(d) + 3 < sizeof keylist)
			snprintf(keylist + kl, sizeof keylist - kl, "%s%s", kl ? ", " : "", d);
		if (key_match(&u, keys[i].label, keys[i].id, keys[i].id_len)) {
			k = &keys[i];
			nk++;
		}
	}
	if (nk == 0)
		P11_ERR("sign.pkcs11-key-not-found",
		        "check object= and id= in the URI (`p11tool --list-privkeys --login URI`)",
		        "no private key on the token \"%s\" matches the URI (keys there: %s)",
		        tok->label, keylist[0] ? keylist : "none");
	if (nk > 1)
		P11_ERR("sign.pkcs11-key-not-found", "add id= to the URI to pick one",
		        "%d private keys on the token \"%s\" match the URI (%s)", nk, tok->label,
		        keylist);
	if (!(*key = PKCS11_get_private_key(k)))
		P11_ERR("sign.pkcs11-key", NULL, "cannot use the private key %s of the token",
		        (describe(d, sizeof d, k->label, k->id, k->id_len), d));

	if (cert) {
		/* The certificate beside the key: same id (PIV and pkcs11-tool
		 * give a key and its certificate one id), else the same label. */
		PKCS11_CERT *certs = NULL;
		unsigned ncerts = 0;
		X509 *by_id = NULL, *by_label = NULL;
		if (PKCS11_enumerate_certs(tok, &certs, &ncerts) == 0) {
			for (unsigned i = 0; i < ncerts; i++) {
				if (k->id_len && certs[i].id_len == k->id_len &&
				    memcmp(certs[i].id, k->id, k->id_len) == 0 && !by_id)
					by_id = certs[i].x509;
				if (k->label && certs[i].label && !strcmp(certs[i].label, k->label) &&
				    !by_label)
					by_label = certs[i].x509;
			}
		}
		X509 *c = by_id ? by_id : by_label;
		if (!c || !(*cert = X509_dup(c)))
			P11_ERR("sign.pkcs11-cert",
			        "store the certificate on the token with the key's id, or give --cert FILE",
			        "the token \"%s\" holds no certificate for the key %s", tok->label,
			        (describe(d, sizeof d, k->label, k->id, k->id_len), d));
	}
	st = RG_OK;
done:
	OPENSSL_cleanse(pin, sizeof pin);
	uri_free(&u);
	ERR_clear_error();
	if (st != RG_OK) {
		EVP_PKEY_free(*key);
		*key = NULL;
		if (cert) {
			X509_free(*cert);
			*cert = NULL;
		}
		rg_p11_close(p);
		return st;
	}
	*out = p;
	return RG_OK;
}

void rg_p11_close(struct rg_p11 *p)
{
	if (!p)
		return;
	if (p->slots)
		PKCS11_release_all_slots(p->ctx, p->slots, p->nslots);
	if (p->loaded)
		PKCS11_CTX_unload(p->ctx);
	if (p->ctx)
		PKCS11_CTX_free(p->ctx);
	UI_destroy_method(p->ui);
	OPENSSL_cleanse(p->pin, sizeof p->pin);
	free(p);
}
