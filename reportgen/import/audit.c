/*
 * audit.c: audit records -> rows of audit-events.csv (docs/importers.md,
 * "Audit events").
 *
 * Two record shapes: an Entra directory audit (Graph directoryAudit, as a
 * page element, a line of the Goose tool's entraid_audit_logs, or the
 * `properties` of a diagnostic-settings record) and a unified audit log
 * record (the AuditData object, as a JSON line or the AuditData cell of a
 * Purview / Search-UnifiedAuditLog CSV).  Only records of the operations in
 * the table below are written: those are the ones that can corroborate a
 * remediation; the rest (mailbox access, sign-ins, every other change) are
 * counted and left out, so a year of audit log gives a small file.
 *
 * The `action` column is the remediation kind the event proves.  Some
 * operations prove one only with their modified properties: "Update
 * application" proves a rotation when a key was added (KeyDescription gains a
 * KeyIdentifier), a revocation when keys were only removed; "Update service
 * principal" with AccountEnabled set to false deactivates an application.
 * A failed operation is written with an empty action: it shows an attempt
 * and proves nothing.
 */
#include <string.h>
#include <strings.h>

#include "bundle/evidence.h"
#include "import/internal.h"

enum rule {
	FIXED,       /* the operation proves `action` */
	KEYS,        /* credential change: added key rotated, removed only revoked; rotated when unclear */
	KEYS_ONLY,   /* as KEYS, but only when a key property changed; otherwise not relevant */
	SP_UPDATE,   /* AccountEnabled -> false deactivates; else as KEYS_ONLY */
	USER_UPDATE, /* AccountEnabled -> false: the account's secret is revoked; else not relevant */
};

/* Operation names normalised: lowercase, single spaces, en dash as '-',
 * no trailing period (the unified audit log writes "Reset user password.",
 * directory audits "Reset user password"). */
static const struct {
	const char *op;
	enum rule rule;
	int action;
} ops[] = {
	{"reset user password", FIXED, RG_ACT_RESET},
	{"change user password", FIXED, RG_ACT_RESET},
	{"reset password (by admin)", FIXED, RG_ACT_RESET},
	{"reset password (self-service)", FIXED, RG_ACT_RESET},
	{"change password (self-service)", FIXED, RG_ACT_RESET},
	{"update stsrefreshtokenvalidfrom timestamp", FIXED, RG_ACT_SESSIONS_REVOKED},
	{"revoke sign-in sessions", FIXED, RG_ACT_SESSIONS_REVOKED},
	{"invalidate all refresh tokens for a user", FIXED, RG_ACT_SESSIONS_REVOKED},
	{"disable account", FIXED, RG_ACT_REVOKED},
	{"update user", USER_UPDATE, RG_ACT_REVOKED},
	{"remove service principal credentials", FIXED, RG_ACT_REVOKED},
	{"add service principal credentials", FIXED, RG_ACT_ROTATED},
	{"update application - certificates and secrets management", KEYS, RG_ACT_ROTATED},
	{"update application", KEYS_ONLY, RG_ACT_ROTATED},
	{"update service principal", SP_UPDATE, RG_ACT_APPLICATION_DEACTIVATED},
	{"remove service principal", FIXED, RG_ACT_APPLICATION_DEACTIVATED},
	{"delete application", FIXED, RG_ACT_APPLICATION_DEACTIVATED},
	{"hard delete application", FIXED, RG_ACT_APPLICATION_DEACTIVATED},
};

static int find_op(const char *s, size_t n)
{
	char norm[128];
	size_t k = 0;
	bool space = false;
	for (size_t i = 0; i < n && k + 2 < sizeof norm; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0x93 || (unsigned char)s[i + 2] == 0x94)) {
			c = '-'; /* en or em dash */
			i += 2;
		}
		if (c == ' ' || c == '\t') {
			space = k > 0;
			continue;
		}
		if (space)
			norm[k++] = ' ';
		space = false;
		norm[k++] = (char)((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
	}
	while (k && norm[k - 1] == '.')
		k--;
	norm[k] = '\0';
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (strcmp(norm, ops[i].op) == 0)
			return (int)i;
	return -1;
}

/* The old and new value of a modified property, in either shape:
 * directory audits targetResources[].modifiedProperties[{displayName,
 * oldValue, newValue}], the unified audit log ModifiedProperties[{Name,
 * OldValue, NewValue}]. */
static bool find_mod(json_object *rec, bool ual, const char *name, const char **old_v,
                     const char **new_v)
{
	json_object *lists[8];
	size_t nl = 0;
	if (ual) {
		lists[nl++] = rg_imp_jget(rec, "ModifiedProperties");
	} else {
		json_object *t = rg_imp_jget(rec, "targetResources");
		if (t && json_object_is_type(t, json_type_array))
			for (size_t i = 0; i < json_object_array_length(t) && nl < 8; i++)
				lists[nl++] = rg_imp_jget(json_object_array_get_idx(t, i), "modifiedProperties");
	}
	for (size_t l = 0; l < nl; l++) {
		json_object *a = lists[l];
		if (!a || !json_object_is_type(a, json_type_array))
			continue;
		for (size_t i = 0; i < json_object_array_length(a); i++) {
			json_object *m = json_object_array_get_idx(a, i);
			size_t k;
			const char *nm = rg_imp_jstr(m, ual ? "Name" : "displayName", &k);
			if (!nm || strcasecmp(nm, name) != 0)
				continue;
			*old_v = rg_imp_jstr(m, ual ? "OldValue" : "oldValue", &k);
			*new_v = rg_imp_jstr(m, ual ? "NewValue" : "newValue", &k);
			if (!*old_v)
				*old_v = "";
			if (!*new_v)
				*new_v = "";
			return true;
		}
	}
	return false;
}

/* Whether `set` lists the KeyIdentifier id (of length n). */
static bool has_key(const char *set, const char *id, size_t n)
{
	for (const char *p = set; (p = strstr(p, "KeyIdentifier=")); p += 14)
		if (strncmp(p + 14, id, n) == 0 && strchr(",] \"", p[14 + n]))
			return true;
	return false;
}

/* RG_ACT_ROTATED when `nv` holds a key `ov` lacks, RG_ACT_REVOKED when
 * only `ov` holds keys the other lacks, -1 when no difference shows. */
static int key_change(const char *ov, const char *nv)
{
	bool removed = false;
	for (int pass = 0; pass < 2; pass++) {
		const char *from = pass ? ov : nv, *to = pass ? nv : ov;
		for (const char *p = from; (p = strstr(p, "KeyIdentifier=")); p += 14) {
			size_t n = strcspn(p + 14, ",] \"");
			if (n && !has_key(to, p + 14, n)) {
				if (!pass)
					return RG_ACT_ROTATED;
				removed = true;
			}
		}
	}
	return removed ? RG_ACT_REVOKED : -1;
}

static bool contains_ci(const char *s, const char *w)
{
	size_t n = strlen(w);
	for (; *s; s++)
		if (strncasecmp(s, w, n) == 0)
			return true;
	return false;
}

static bool enabled_off(json_object *rec, bool ual)
{
	const char *ov, *nv;
	if (!find_mod(rec, ual, "AccountEnabled", &ov, &nv))
		return false;
	return contains_ci(nv, "false") && !contains_ci(nv, "true");
}

/* The action the record proves; -2 when the operation is not relevant. */
static int action_of(int op, json_object *rec, bool ual)
{
	const char *ov, *nv;
	bool keys = find_mod(rec, ual, "KeyDescription", &ov, &nv);
	int k = keys ? key_change(ov, nv) : -1;
	switch (ops[op].rule) {
	case FIXED:
		return ops[op].action;
	case KEYS:
		return k >= 0 ? k : RG_ACT_ROTATED;
	case KEYS_ONLY:
		return keys ? (k >= 0 ? k : RG_ACT_ROTATED) : -2;
	case SP_UPDATE:
		if (enabled_off(rec, ual))
			return RG_ACT_APPLICATION_DEACTIVATED;
		return keys ? (k >= 0 ? k : RG_ACT_ROTATED) : -2;
	case USER_UPDATE:
		return enabled_off(rec, ual) ? RG_ACT_REVOKED : -2;
	}
	return -2;
}

struct ev {
	const char *at; size_t at_n;
	const char *at_field;
	bool utc, us_form;
	const char *op; size_t op_n;
	const char *target; size_t target_n;
	const char *actor; size_t actor_n;
	const char *corr; size_t corr_n;
	const char *req; size_t req_n;
	bool success;
};

static void finish(struct rg_importer *imp, uint32_t line, json_object *rec, bool ual,
                   const struct ev *e)
{
	if (!e->op_n) {
		rg_imp_err(imp, line, ual ? "Operation" : "activityDisplayName",
		           "every audit record names its operation", "is a record without an operation");
		return;
	}
	int op = find_op(e->op, e->op_n);
	int action = op >= 0 ? action_of(op, rec, ual) : -2;
	if (action == -2) {
		imp->st.other++;
		return;
	}
	char tbuf[RG_TIME_BUFSZ];
	const char *t = rg_imp_record_time(imp, line, e->at_field, "a record", tbuf, e->at, e->at_n,
	                                   e->utc, e->us_form);
	bool ok = t != NULL;
	if (!e->target_n) {
		rg_imp_err(imp, line, ual ? "ObjectId" : "targetResources",
		           "the record must name the user or application the operation was done to",
		           "names no target for \"%.80s\"", e->op);
		ok = false;
	}
	if (!ok)
		return;
	size_t on = e->op_n;
	while (on && (e->op[on - 1] == ' ' || e->op[on - 1] == '\t'))
		on--; /* the unified audit log writes some names with a trailing space */
	if (!e->success)
		action = -1;
	struct rg_imp_row row = {{0}, {0}};
	row.v[0] = t, row.n[0] = strlen(t);
	row.v[1] = e->op, row.n[1] = on;
	row.v[2] = e->target, row.n[2] = e->target_n;
	row.v[3] = e->actor, row.n[3] = e->actor_n;
	row.v[4] = action >= 0 ? rg_action_names[action] : NULL;
	row.n[4] = action >= 0 ? strlen(rg_action_names[action]) : 0;
	row.v[5] = e->corr, row.n[5] = e->corr_n;
	row.v[6] = e->req, row.n[6] = e->req_n;
	rg_imp_emit(imp, line, &row);
}

static bool success_word(const char *s)
{
	return s && (strcasecmp(s, "success") == 0 || strcasecmp(s, "succeeded") == 0 ||
	             strcasecmp(s, "true") == 0);
}

/* Graph directoryAudit. */
static void directory_audit(struct rg_importer *imp, json_object *p, uint32_t line)
{
	struct ev e = {0};
	e.at_field = "activityDateTime";
	e.at = rg_imp_jstr(p, "activityDateTime", &e.at_n);
	e.op = rg_imp_jstr(p, "activityDisplayName", &e.op_n);
	json_object *targets = rg_imp_jget(p, "targetResources");
	json_object *t0 = targets && json_object_is_type(targets, json_type_array)
	                      ? json_object_array_get_idx(targets, 0)
	                      : NULL;
	size_t k;
	const char *type = rg_imp_jstr(t0, "type", &k);
	if (type && strcasecmp(type, "Application") == 0) {
		json_object *ad = rg_imp_jget(p, "additionalDetails");
		for (size_t i = 0; ad && json_object_is_type(ad, json_type_array) &&
		                   i < json_object_array_length(ad) && !e.target_n;
		     i++) {
			json_object *d = json_object_array_get_idx(ad, i);
			const char *key = rg_imp_jstr(d, "key", &k);
			if (key && strcasecmp(key, "AppId") == 0)
				e.target = rg_imp_jstr(d, "value", &e.target_n);
		}
	} else if (!type || strcasecmp(type, "ServicePrincipal") != 0) {
		e.target = rg_imp_jstr(t0, "userPrincipalName", &e.target_n);
	}
	if (!e.target_n)
		e.target = rg_imp_jstr(t0, "id", &e.target_n);
	static const char *const actors[] = {"initiatedBy.user.userPrincipalName",
	                                     "initiatedBy.app.displayName", "initiatedBy.app.appId",
	                                     "initiatedBy.app.servicePrincipalId", NULL};
	for (int i = 0; actors[i] && !e.actor_n; i++)
		e.actor = rg_imp_jstr(p, actors[i], &e.actor_n);
	e.corr = rg_imp_jstr(p, "correlationId", &e.corr_n);
	e.req = rg_imp_jstr(p, "id", &e.req_n);
	e.success = success_word(rg_imp_jstr(p, "result", &k));
	finish(imp, line, p, false, &e);
}

/* Fills e from a unified audit log AuditData object; CSV columns may
 * have filled fallbacks already. */
static void ual_fields(json_object *p, struct ev *e)
{
	size_t k;
	const char *at = rg_imp_jstr(p, "CreationTime", &k);
	if (k) {
		e->at = at, e->at_n = k;
		e->at_field = "CreationTime";
		e->utc = true; /* "date and time in UTC", written without a zone */
		e->us_form = false;
	}
	const char *op = rg_imp_jstr(p, "Operation", &k);
	if (k)
		e->op = op, e->op_n = k;
	json_object *targets = rg_imp_jget(p, "Target");
	for (size_t i = 0; targets && json_object_is_type(targets, json_type_array) &&
	                   i < json_object_array_length(targets) && !e->target_n;
	     i++) {
		json_object *t = json_object_array_get_idx(targets, i);
		long long type;
		if (rg_imp_jcode(t, "Type", &type) && type == 5) /* 5: user principal name */
			e->target = rg_imp_jstr(t, "ID", &e->target_n);
	}
	for (size_t i = 0; targets && json_object_is_type(targets, json_type_array) &&
	                   i < json_object_array_length(targets) && !e->target_n;
	     i++) {
		const char *id = rg_imp_jstr(json_object_array_get_idx(targets, i), "ID", &k);
		if (id && k > 17 && strncmp(id, "ServicePrincipal_", 17) == 0)
			e->target = id + 17, e->target_n = k - 17;
	}
	if (!e->target_n)
		e->target = rg_imp_jstr(p, "ObjectId", &e->target_n);
	const char *actor = rg_imp_jstr(p, "UserId", &k);
	if (k)
		e->actor = actor, e->actor_n = k;
	e->corr = rg_imp_jstr(p, "InterSystemsId", &e->corr_n);
	const char *id = rg_imp_jstr(p, "Id", &k);
	if (k)
		e->req = id, e->req_n = k;
	e->success = success_word(rg_imp_jstr(p, "ResultStatus", &k));
}

void rg_imp_audit_json(struct rg_importer *imp, json_object *rec, uint32_t line)
{
	json_object *p = rec;
	json_object *props = rg_imp_jget(rec, "properties");
	if (props && json_object_is_type(props, json_type_object) &&
	    (rg_imp_jget(rec, "category") || rg_imp_jget(rec, "operationName")))
		p = props;
	if (rg_imp_jget(p, "activityDisplayName")) {
		directory_audit(imp, p, line);
		return;
	}
	if (rg_imp_jget(p, "Operation") || rg_imp_jget(p, "CreationTime")) {
		struct ev e = {0};
		e.at_field = "CreationTime";
		ual_fields(p, &e);
		finish(imp, line, p, true, &e);
		return;
	}
	if (rg_imp_jget(p, "createdDateTime")) {
		rg_imp_err(imp, line, NULL, "import it with: reportgen import signins FILE -o signins.csv",
		           "is a sign-in record, not an audit record");
		return;
	}
	rg_imp_err(imp, line, NULL,
	           "import Entra directory audits (Graph directoryAudit) or unified audit log records "
	           "(docs/importers.md)",
	           "is not an audit record reportgen knows (it has neither activityDisplayName nor "
	           "Operation)");
}

/* ---- unified audit log CSV ----------------------------------------- */

enum { U_DATE, U_DATA, U_RECORD, U_OP, U_USER, U_COUNT };

bool rg_imp_audit_header(struct rg_importer *imp)
{
	const struct rg_imp_header *h = &imp->hdr;
	int data = rg_imp_hdr_find(h, "auditdata");
	if (data < 0) {
		bool signin = rg_imp_hdr_find(h, "request id") >= 0 || rg_imp_hdr_find(h, "timegenerated") >= 0;
		rg_diag_err(imp->diags, "import.format", imp->file, 1, NULL,
		            signin ? "import it with: reportgen import signins FILE -o signins.csv"
		                   : "import the unified audit log CSV (with its AuditData column), or "
		                     "Graph directoryAudit JSON / JSON Lines (docs/importers.md)",
		            signin ? "is a sign-in export, not audit records"
		                   : "is not an audit export reportgen knows: it has no AuditData column");
		return false;
	}
	imp->fmt = RG_IMPORT_UAL_CSV;
	imp->col[U_DATA] = data;
	imp->col[U_DATE] = rg_imp_hdr_find(h, "creationdate");
	imp->col[U_RECORD] = rg_imp_hdr_find(h, "recordid");
	if (imp->col[U_RECORD] < 0)
		imp->col[U_RECORD] = rg_imp_hdr_find(h, "identity");
	imp->col[U_OP] = rg_imp_hdr_find(h, "operation");
	if (imp->col[U_OP] < 0)
		imp->col[U_OP] = rg_imp_hdr_find(h, "operations");
	imp->col[U_USER] = rg_imp_hdr_find(h, "userid");
	if (imp->col[U_USER] < 0)
		imp->col[U_USER] = rg_imp_hdr_find(h, "userids");
	/* The Purview portal export (RecordId first) writes CreationDate in the
	 * US form, in UTC; Export-Csv writes it in the session's culture. */
	imp->purview = rg_imp_hdr_find(h, "recordid") >= 0;
	return true;
}

static const char *ucell(const struct rg_importer *imp, int logical, const struct rg_csv_field *f,
                         size_t n, size_t *len)
{
	int i = imp->col[logical];
	*len = 0;
	if (i < 0 || (size_t)i >= n || !f[i].n)
		return NULL;
	*len = f[i].n;
	return f[i].s;
}

void rg_imp_audit_csv(struct rg_importer *imp, uint32_t line, const struct rg_csv_field *f, size_t n)
{
	size_t k;
	const char *data = ucell(imp, U_DATA, f, n, &k);
	if (!data) {
		rg_imp_err(imp, line, "AuditData", "each row carries its record as JSON in AuditData",
		           "is empty");
		return;
	}
	json_tokener_reset(imp->cell_tok);
	json_object *o = json_tokener_parse_ex(imp->cell_tok, data, (int)k);
	if (!o || json_tokener_get_parse_end(imp->cell_tok) != k) {
		enum json_tokener_error e = json_tokener_get_error(imp->cell_tok);
		rg_imp_err(imp, line, "AuditData", "the cell must hold one JSON object; export it again",
		           "is not valid JSON: %s (at byte %zu of the cell)",
		           o ? "text after the object"
		             : e == json_tokener_continue ? "it ends before the JSON is complete"
		                                          : json_tokener_error_desc(e),
		           json_tokener_get_parse_end(imp->cell_tok) + 1);
		json_object_put(o);
		return;
	}
	if (!json_object_is_type(o, json_type_object)) {
		rg_imp_err(imp, line, "AuditData", "the cell must hold one JSON object",
		           "is a JSON %s, not a record", json_type_to_name(json_object_get_type(o)));
		json_object_put(o);
		return;
	}
	struct ev e = {0};
	e.at = ucell(imp, U_DATE, f, n, &e.at_n);
	e.at_field = "CreationDate";
	e.utc = imp->purview;
	e.us_form = imp->purview;
	e.op = ucell(imp, U_OP, f, n, &e.op_n);
	e.actor = ucell(imp, U_USER, f, n, &e.actor_n);
	e.req = ucell(imp, U_RECORD, f, n, &e.req_n);
	ual_fields(o, &e);
	finish(imp, line, o, true, &e);
	json_object_put(o);
}
