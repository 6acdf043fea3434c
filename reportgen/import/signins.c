/*
 * signins.c: sign-in records -> rows of signins.csv (docs/importers.md,
 * "Sign-ins").
 *
 * Three shapes of record arrive: a Graph signIn object (a page element, a
 * line of JSON Lines, or the `properties` of a diagnostic-settings record,
 * whose envelope supplies fallbacks), a row of the Log Analytics portal
 * export, and a row of the Entra admin center download.  Each is reduced to
 * the same struct in, and finish() applies the rules once:
 *   - status is success only for error code 0 (an "Interrupted" or a
 *     "Success" next to error code 50140 is a failure);
 *   - a service-principal or managed-identity sign-in is filed under its
 *     service principal id (what secrets.csv names as the account);
 *   - the time becomes RFC 3339 with its offset; a time without a zone is
 *     taken as UTC only where the column says [UTC] / (UTC);
 *   - an address with a port loses the port.
 */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "import/internal.h"

enum {
	C_TIME, C_TIME2, C_UPN, C_SPID, C_APP, C_SPNAME, C_IP, C_STATUS, C_CODE, C_STATUS_JSON,
	C_CORR, C_REQ, C_COUNT
};

struct in {
	const char *time; size_t time_n;
	const char *time_field;
	bool utc, us_form;
	const char *user; size_t user_n;
	const char *app; size_t app_n;
	const char *ip; size_t ip_n;
	int status; /* 1 success, 0 failure, -1 not given */
	const char *corr; size_t corr_n;
	const char *req; size_t req_n;
};

const char *rg_imp_ip(char *out, size_t size, const char *s, size_t n)
{
	unsigned char addr[sizeof(struct in6_addr)];
	while (n && s[0] == ' ') {
		s++;
		n--;
	}
	while (n && s[n - 1] == ' ')
		n--;
	if (n == 0 || n >= size)
		return NULL;
	if (s[0] == '[') { /* [2001:db8::7]:443 */
		const char *close = memchr(s, ']', n);
		if (!close)
			return NULL;
		n = (size_t)(close - s - 1);
		s++;
	}
	memcpy(out, s, n);
	out[n] = '\0';
	if (inet_pton(AF_INET6, out, addr) == 1)
		return out;
	char *colon = strchr(out, ':');
	if (colon && !strchr(colon + 1, ':')) /* 203.0.113.7:443 */
		*colon = '\0';
	return inet_pton(AF_INET, out, addr) == 1 ? out : NULL;
}

static void finish(struct rg_importer *imp, uint32_t line, const struct in *in)
{
	char tbuf[RG_TIME_BUFSZ], ipbuf[96];
	const char *ip = NULL;
	const char *t = rg_imp_record_time(imp, line, in->time_field, "a record", tbuf, in->time,
	                                   in->time_n, in->utc, in->us_form);
	bool ok = t != NULL;
	if (!in->user_n) {
		rg_imp_err(imp, line, "userPrincipalName",
		           "the record must name the user or service principal that signed in",
		           "names neither a user principal name nor a service principal id");
		ok = false;
	}
	if (!in->ip_n) {
		rg_imp_err(imp, line, "ipAddress", "signins.csv needs the address of every sign-in",
		           "has no IP address");
		ok = false;
	} else if (!(ip = rg_imp_ip(ipbuf, sizeof ipbuf, in->ip, in->ip_n))) {
		rg_imp_err(imp, line, "ipAddress", "the address must be IPv4 or IPv6, with or without a port",
		           "\"%.64s\" is not an IP address", in->ip);
		ok = false;
	}
	if (in->status < 0) {
		rg_imp_err(imp, line, "status",
		           "the record must carry its error code (0 is success)",
		           "has no result: no error code and no status");
		ok = false;
	}
	if (!ok)
		return;
	struct rg_imp_row row = {{0}, {0}};
	row.v[0] = t, row.n[0] = strlen(t);
	row.v[1] = in->user, row.n[1] = in->user_n;
	row.v[2] = in->app, row.n[2] = in->app_n;
	row.v[3] = ip, row.n[3] = strlen(ip);
	row.v[4] = in->status ? "success" : "failure", row.n[4] = 7; /* both words are 7 bytes */
	row.v[5] = in->corr, row.n[5] = in->corr_n;
	row.v[6] = in->req, row.n[6] = in->req_n;
	rg_imp_emit(imp, line, &row);
}

static bool has_event_type(json_object *p, const char *a, const char *b)
{
	json_object *types = rg_imp_jget(p, "signInEventTypes");
	if (!types || !json_object_is_type(types, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(types); i++) {
		json_object *t = json_object_array_get_idx(types, i);
		if (t && json_object_is_type(t, json_type_string) &&
		    (strcmp(json_object_get_string(t), a) == 0 || strcmp(json_object_get_string(t), b) == 0))
			return true;
	}
	return false;
}

void rg_imp_signin_json(struct rg_importer *imp, json_object *rec, uint32_t line)
{
	json_object *p = rec, *env = NULL;
	json_object *props = rg_imp_jget(rec, "properties");
	if (props && json_object_is_type(props, json_type_object) &&
	    (rg_imp_jget(rec, "category") || rg_imp_jget(rec, "operationName") ||
	     rg_imp_jget(rec, "resourceId"))) {
		env = rec;
		p = props;
	}
	if (rg_imp_jget(p, "activityDisplayName")) {
		rg_imp_err(imp, line, NULL, "import it with: reportgen import audit FILE -o audit-events.csv",
		           "is a directory audit record, not a sign-in");
		return;
	}
	if (rg_imp_jget(p, "CreationTime") && rg_imp_jget(p, "Operation")) {
		rg_imp_err(imp, line, NULL,
		           "import it with reportgen import audit; import sign-ins from the Entra sign-in logs",
		           "is a unified audit log record, not an Entra sign-in");
		return;
	}
	struct in in = {0};
	in.status = -1;
	in.time_field = "createdDateTime";
	in.time = rg_imp_jstr(p, "createdDateTime", &in.time_n);
	if (!in.time_n && env) {
		in.time = rg_imp_jstr(env, "time", &in.time_n);
		in.time_field = "time";
	}
	size_t sp_n, spname_n;
	const char *sp = rg_imp_jstr(p, "servicePrincipalId", &sp_n);
	in.user = rg_imp_jstr(p, "userPrincipalName", &in.user_n);
	in.app = rg_imp_jstr(p, "appDisplayName", &in.app_n);
	bool sp_row = sp_n && (!in.user_n || has_event_type(p, "servicePrincipal", "managedIdentity"));
	if (sp_row) {
		in.user = sp, in.user_n = sp_n;
		const char *spname = rg_imp_jstr(p, "servicePrincipalName", &spname_n);
		if (!in.app_n)
			in.app = spname, in.app_n = spname_n;
	}
	in.ip = rg_imp_jstr(p, "ipAddress", &in.ip_n);
	if (!in.ip_n && env)
		in.ip = rg_imp_jstr(env, "callerIpAddress", &in.ip_n);
	long long code;
	if (rg_imp_jcode(p, "status.errorCode", &code) || (env && rg_imp_jcode(env, "resultType", &code)))
		in.status = code == 0;
	in.corr = rg_imp_jstr(p, "correlationId", &in.corr_n);
	if (!in.corr_n && env)
		in.corr = rg_imp_jstr(env, "correlationId", &in.corr_n);
	in.req = rg_imp_jstr(p, "id", &in.req_n);
	finish(imp, line, &in);
}

/* ---- CSV exports --------------------------------------------------- */

struct colname {
	int logical;
	const char *name;
};

/* Entra admin center download: names as normalised (lowercase, single
 * spaces, "(UTC)" stripped); the first of several names present wins. */
static const struct colname entra_cols[] = {
	{C_TIME, "date"},
	{C_REQ, "request id"},
	{C_CORR, "correlation id"},
	{C_UPN, "username"},
	{C_UPN, "user principal name"},
	{C_SPID, "service principal id"},
	{C_APP, "application"},
	{C_SPNAME, "service principal name"},
	{C_IP, "ip address"},
	{C_STATUS, "status"},
	{C_CODE, "sign-in error code"},
	{-1, NULL},
};

/* Log Analytics portal export of SigninLogs, AADNonInteractiveUserSignInLogs,
 * AADServicePrincipalSignInLogs, AADManagedIdentitySignInLogs. */
static const struct colname la_cols[] = {
	{C_TIME, "createddatetime"},
	{C_TIME2, "timegenerated"},
	{C_UPN, "userprincipalname"},
	{C_SPID, "serviceprincipalid"},
	{C_APP, "appdisplayname"},
	{C_SPNAME, "serviceprincipalname"},
	{C_IP, "ipaddress"},
	{C_CODE, "resulttype"},
	{C_STATUS_JSON, "status"},
	{C_CORR, "correlationid"},
	{C_REQ, "id"},
	{-1, NULL},
};

static void map_columns(struct rg_importer *imp, const struct colname *cols)
{
	for (int i = 0; i < C_COUNT; i++)
		imp->col[i] = -1;
	for (const struct colname *c = cols; c->name; c++)
		if (imp->col[c->logical] < 0)
			imp->col[c->logical] = rg_imp_hdr_find(&imp->hdr, c->name);
}

bool rg_imp_signin_header(struct rg_importer *imp)
{
	const struct rg_imp_header *h = &imp->hdr;
	if (rg_imp_hdr_find(h, "auditdata") >= 0) {
		rg_diag_err(imp->diags, "import.format", imp->file, 1, NULL,
		            "import it with: reportgen import audit FILE -o audit-events.csv",
		            "is a unified audit log export (it has an AuditData column), not sign-ins");
		return false;
	}
	bool entra = rg_imp_hdr_find(h, "request id") >= 0 && rg_imp_hdr_find(h, "date") >= 0;
	bool la = rg_imp_hdr_find(h, "timegenerated") >= 0 &&
	          (rg_imp_hdr_find(h, "resulttype") >= 0 || rg_imp_hdr_find(h, "ipaddress") >= 0);
	enum rg_import_format f = imp->opt.format;
	if (f == RG_IMPORT_AUTO)
		f = entra ? RG_IMPORT_ENTRA_CSV : la ? RG_IMPORT_LA_CSV : RG_IMPORT_AUTO;
	if (f == RG_IMPORT_AUTO) {
		rg_diag_err(imp->diags, "import.format", imp->file, 1, NULL,
		            "import Graph signIn JSON or JSON Lines, the Log Analytics CSV export or the "
		            "Entra admin center CSV download (docs/importers.md); --format names one",
		            "is not a sign-in export reportgen knows: its first line matches no known "
		            "header (%.60s%s)",
		            h->n ? h->names[0] : "", h->n > 1 ? ", ..." : "");
		return false;
	}
	imp->fmt = f;
	map_columns(imp, f == RG_IMPORT_ENTRA_CSV ? entra_cols : la_cols);
	const char *missing[4];
	size_t nm = 0;
	if (imp->col[C_TIME] < 0 && imp->col[C_TIME2] < 0)
		missing[nm++] = f == RG_IMPORT_ENTRA_CSV ? "Date (UTC)" : "CreatedDateTime [UTC]";
	if (imp->col[C_UPN] < 0 && imp->col[C_SPID] < 0)
		missing[nm++] = f == RG_IMPORT_ENTRA_CSV ? "Username" : "UserPrincipalName";
	if (imp->col[C_IP] < 0)
		missing[nm++] = f == RG_IMPORT_ENTRA_CSV ? "IP address" : "IPAddress";
	if (imp->col[C_CODE] < 0 && imp->col[C_STATUS] < 0 && imp->col[C_STATUS_JSON] < 0)
		missing[nm++] = f == RG_IMPORT_ENTRA_CSV ? "Status" : "ResultType";
	for (size_t i = 0; i < nm; i++)
		rg_diag_err(imp->diags, "import.column", imp->file, 1, missing[i],
		            "export the column too (docs/importers.md lists the columns read)",
		            "is missing: the %s export needs it", rg_import_format_name(f));
	return nm == 0;
}

static const char *cell(const struct rg_importer *imp, int logical, const struct rg_csv_field *f,
                        size_t n, size_t *len)
{
	int i = imp->col[logical];
	if (i < 0 || (size_t)i >= n) {
		*len = 0;
		return NULL;
	}
	const char *s = f[i].s;
	size_t k = f[i].n;
	while (k && (*s == ' ' || *s == '\t'))
		s++, k--;
	while (k && (s[k - 1] == ' ' || s[k - 1] == '\t'))
		k--;
	*len = k;
	return k ? s : NULL;
}

static int code_status(const char *s, size_t n)
{
	if (n == 1 && s[0] == '0')
		return 1;
	if (n == 7 && strncasecmp(s, "success", 7) == 0)
		return 1; /* AADServicePrincipalSignInLogs writes Success */
	return 0;
}

void rg_imp_signin_csv(struct rg_importer *imp, uint32_t line, const struct rg_csv_field *f, size_t n)
{
	struct in in = {0};
	in.status = -1;
	bool entra = imp->fmt == RG_IMPORT_ENTRA_CSV;
	int tcol = C_TIME;
	in.time = cell(imp, C_TIME, f, n, &in.time_n);
	if (!in.time_n) {
		tcol = C_TIME2;
		in.time = cell(imp, C_TIME2, f, n, &in.time_n);
	}
	int ti = imp->col[tcol] >= 0 ? imp->col[tcol] : imp->col[C_TIME];
	in.time_field = ti >= 0 ? rg_csv_column(imp->csv, (size_t)ti) : "time";
	in.utc = ti >= 0 && imp->hdr.utc[ti];
	in.us_form = !entra; /* the Log Analytics portal writes 9/19/2023, 1:45:17.287 PM */
	size_t sp_n;
	const char *sp = cell(imp, C_SPID, f, n, &sp_n);
	in.user = cell(imp, C_UPN, f, n, &in.user_n);
	in.app = cell(imp, C_APP, f, n, &in.app_n);
	if (!in.user_n && sp_n) {
		in.user = sp, in.user_n = sp_n;
		if (!in.app_n)
			in.app = cell(imp, C_SPNAME, f, n, &in.app_n);
	}
	in.ip = cell(imp, C_IP, f, n, &in.ip_n);
	size_t k;
	const char *code = cell(imp, C_CODE, f, n, &k);
	if (k) {
		in.status = code_status(code, k);
	} else if ((code = cell(imp, C_STATUS, f, n, &k))) {
		/* Entra: Success, Failure, Interrupted; only Success (with no
		 * error code given) is a success. */
		if (k == 7 && strncasecmp(code, "success", 7) == 0)
			in.status = 1;
		else if ((k == 7 && strncasecmp(code, "failure", 7) == 0) ||
		         (k == 11 && strncasecmp(code, "interrupted", 11) == 0))
			in.status = 0;
	} else if ((code = cell(imp, C_STATUS_JSON, f, n, &k))) {
		json_tokener_reset(imp->cell_tok);
		json_object *o = json_tokener_parse_ex(imp->cell_tok, code, (int)k);
		long long c;
		if (o && rg_imp_jcode(o, "errorCode", &c))
			in.status = c == 0;
		json_object_put(o);
	}
	in.corr = cell(imp, C_CORR, f, n, &in.corr_n);
	in.req = cell(imp, C_REQ, f, n, &in.req_n);
	finish(imp, line, &in);
}
