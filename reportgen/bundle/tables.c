/*
 * tables.c: the typed row reader of the bundle's CSV files (see tables.h),
 * driven by the table specs of a directive's profile (profile.h), and the
 * specs of the bundle format's own two tables.
 *
 * Every file is converted by the same code with the same diagnostics: a
 * column spec says the column's type, and a converted field goes into the
 * row's value of that column.
 */
#include "bundle/tables.h"

#include <arpa/inet.h>
#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "core/text.h"

/* The remediation kinds an audit-log event can prove (audit-events.csv's
 * action column, as `reportgen import audit` writes it). */
const char *const rg_action_names[] = {"reset", "rotated", "revoked", "sessions_revoked",
                                       "application_deactivated", "confirmed_expired", NULL};
const char *const rg_coltype_names[] = {"id", "reference", "account", "text", "time",
                                        "boolean", "enum", "date", "ip", NULL};
static const char *const yes_no[] = {"no", "yes", NULL};
static const char *const signin_status_names[] = {"success", "failure", NULL};

#define COL(n, req, ty) {.name = (n), .required = (req), .type = (ty), .not_before = -1}
#define ENUMCOL(n, req, names, count)                                                              \
	{.name = (n), .required = (req), .type = RG_COL_ENUM, .values = (names),                   \
	 .n_values = (count), .not_before = -1}

static struct rg_column_spec signins_cols[] = {
	COL("created_at", true, RG_COL_TIME),
	COL("user_principal_name", true, RG_COL_ACCOUNT),
	COL("app_display_name", false, RG_COL_TEXT),
	COL("ip_address", true, RG_COL_IP),
	ENUMCOL("status", true, signin_status_names, 2),
	COL("correlation_id", false, RG_COL_TEXT),
};
const struct rg_table_spec rg_builtin_signins = {
	.file = "signins.csv", .noun = "sign-in", .contents = "raw sign-in events",
	.streamed = true, .builtin = true, .cols = signins_cols,
	.n_cols = sizeof signins_cols / sizeof signins_cols[0], .id_col = -1,
};

static struct rg_column_spec audit_cols[] = {
	COL("at", true, RG_COL_TIME),
	COL("operation", true, RG_COL_TEXT),
	COL("target", true, RG_COL_TEXT),
	COL("actor", false, RG_COL_TEXT),
	ENUMCOL("action", false, rg_action_names, RG_ACT_COUNT),
	COL("correlation_id", false, RG_COL_TEXT),
	COL("request_id", false, RG_COL_TEXT),
	COL("source", false, RG_COL_TEXT),
};
const struct rg_table_spec rg_builtin_audit_events = {
	.file = "audit-events.csv", .noun = "audit event", .contents = "audit log events",
	.builtin = true, .cols = audit_cols, .n_cols = sizeof audit_cols / sizeof audit_cols[0],
	.id_col = -1,
};

int rg_table_spec_column(const struct rg_table_spec *t, const char *name)
{
	for (size_t c = 0; c < t->n_cols; c++)
		if (strcmp(t->cols[c].name, name) == 0)
			return (int)c;
	return -1;
}

const struct rg_table_spec *rg_profile_table(const struct rg_profile *p, const char *file)
{
	for (size_t k = 0; p && k < p->n_tables; k++)
		if (strcmp(p->tables[k].file, file) == 0)
			return &p->tables[k];
	return NULL;
}

#define ID_MAX 256

void rg_table_init(struct rg_table *t, const struct rg_table_spec *spec, struct rg_arena *arena,
                   const struct rg_limits *limits, struct rg_diags *diags)
{
	assert(spec->n_cols <= RG_TABLE_MAX_COLS);
	memset(t, 0, sizeof *t);
	t->spec = spec;
	t->file = spec->file;
	t->arena = arena;
	t->limits = limits;
	t->diags = diags;
	rg_strmap_init(&t->ids);
	rg_strmap_init(&t->looks);
	rg_arena_init(&t->look_keys);
	rg_strmap_init(&t->refused);
	rg_strmap_init(&t->refused_keys);
}

void rg_table_free(struct rg_table *t)
{
	if (!t || !t->spec)
		return;
	rg_arena_drop_array(t->arena, t->rows);
	rg_strmap_free(&t->ids);
	rg_table_end_file(t);
	rg_strmap_free(&t->refused);
	rg_strmap_free(&t->refused_keys);
	t->rows = NULL;
	t->n = t->cap = 0;
}

void rg_table_end_file(struct rg_table *t)
{
	rg_strmap_free(&t->looks);
	rg_arena_free(&t->look_keys);
}

struct rg_row *rg_table_row(const struct rg_table *t, size_t i)
{
	assert(i < t->n);
	return &t->rows[i];
}

struct rg_row *rg_table_find(const struct rg_table *t, const char *id)
{
	size_t idx = (size_t)rg_strmap_get(&t->ids, id, strlen(id));
	return idx ? rg_table_row(t, idx - 1) : NULL;
}

size_t rg_table_index(const struct rg_table *t, const char *id)
{
	return (size_t)rg_strmap_get(&t->ids, id, strlen(id));
}

struct rg_row *rg_table_steal(struct rg_table *t, size_t *n)
{
	*n = t->n;
	if (!t->n)
		return NULL;
	void *v = t->rows;
	struct rg_row *rows = rg_arena_keep_array(t->arena, &v, t->n * sizeof *rows);
	t->rows = v;
	if (!rows)
		return NULL; /* still the table's: rg_table_free frees it */
	t->n = t->cap = 0;
	return rows;
}

static bool header(struct rg_table *t, const struct rg_csv_field *f, size_t n)
{
	const struct rg_table_spec *spec = t->spec;
	if (n > sizeof t->map / sizeof t->map[0]) {
		rg_diag_err(t->diags, "csv.columns", t->file, 1, NULL,
		            "remove the extra columns", "has %zu columns; at most %zu are read", n,
		            sizeof t->map / sizeof t->map[0]);
		return false;
	}
	bool seen[RG_TABLE_MAX_COLS] = {false};
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		t->map[i] = -1;
		for (size_t c = 0; c < spec->n_cols; c++) {
			if (strcmp(f[i].s, spec->cols[c].name) == 0) {
				if (seen[c]) {
					rg_diag_err(t->diags, "csv.duplicate-column", t->file, 1, f[i].s,
					            "keep one column of each name",
					            "appears twice in the header");
					ok = false;
				}
				seen[c] = true;
				t->map[i] = (int)c;
			}
		}
		if (t->map[i] < 0 && !spec->streamed)
			rg_diag_warn(t->diags, "csv.unknown-column", t->file, 1, f[i].s,
			             "check its spelling against docs/bundle-format.md; it is ignored",
			             "is not a column of %s", t->file);
	}
	for (size_t c = 0; c < spec->n_cols; c++) {
		if (spec->cols[c].required && !seen[c]) {
			rg_diag_err(t->diags, "csv.missing-column", t->file, 1, spec->cols[c].name,
			            "add the column to the header line (see docs/bundle-format.md)",
			            "required column is missing");
			ok = false;
		}
	}
	t->ncols = n;
	t->header_ok = ok;
	return ok; /* a header without a required column: rows cannot be read */
}

static bool grow(struct rg_table *t)
{
	struct rg_row *rows = rg_arena_grow(t->arena, t->rows, &t->cap, t->n + 1, sizeof *rows);
	if (rows)
		t->rows = rows;
	return rows != NULL;
}

static void list_names(char *buf, size_t size, const char *const *names)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; names[i] && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
}

/* Converts one field into its value; false (with a diagnostic) when invalid. */
static bool convert(struct rg_table *t, uint32_t line, const struct rg_column_spec *c,
                    const struct rg_csv_field *f, struct rg_value *v)
{
	if (f->n == 0) {
		if (c->required) {
			rg_diag_err(t->diags, "csv.empty", t->file, line, c->name,
			            "fill in the value; the column is required",
			            "is empty");
			return false;
		}
		return true; /* optional and empty: not given */
	}
	switch (c->type) {
	case RG_COL_ID:
	case RG_COL_REF:
		if (f->n > ID_MAX) {
			rg_diag_err(t->diags, "csv.id-length", t->file, line, c->name,
			            "use a shorter identifier",
			            "identifier is %zu bytes long; at most %d are allowed", f->n, ID_MAX);
			return false;
		}
		/* fall through */
	case RG_COL_ACCOUNT:
		/* Compared byte for byte and shown in the reports: no control,
		 * bidi or invisible code point, and NFC (docs/security.md). */
		if (!rg_text_check_id(t->diags, t->file, line, c->name,
		                      c->type == RG_COL_ACCOUNT ? "account" : "identifier", f->s, f->n))
			return false;
		/* fall through */
	case RG_COL_TEXT:
		v->given = true;
		if (c->unread) {
			v->s = NULL; /* validated; nothing reads it (profile.h) */
			return true;
		}
		if (t->spec->streamed) {
			v->s = f->s; /* streamed: valid during the record */
			return true;
		}
		v->s = rg_arena_strndup(t->arena, f->s, f->n);
		return v->s != NULL;
	case RG_COL_TIME: {
		enum rg_time_err e = rg_time_parse(&v->t, f->s, f->n);
		if (e != RG_TIME_OK) {
			rg_diag_err(t->diags, e == RG_TIME_NO_OFFSET ? "csv.time-offset" : "csv.time",
			            t->file, line, c->name,
			            e == RG_TIME_NO_OFFSET
			                ? "add Z or the offset, e.g. 2024-04-29T16:05:00-04:00"
			                : "write it as RFC 3339, e.g. 2024-04-29T16:05:00-04:00",
			            "timestamp \"%.64s\" %s", f->s, rg_time_strerror(e));
			return false;
		}
		v->given = true;
		return true;
	}
	case RG_COL_DATE: {
		/* A date is met by the end of its day: 23:59:59 at the offset the
		 * column declares. */
		char buf[48];
		bool shape = f->n == 10 && f->s[4] == '-' && f->s[7] == '-';
		for (size_t k = 0; shape && k < 10; k++)
			shape = k == 4 || k == 7 || (f->s[k] >= '0' && f->s[k] <= '9');
		snprintf(buf, sizeof buf, "%.10sT23:59:59%s", f->s, c->day_offset ? c->day_offset : "Z");
		enum rg_time_err e = shape ? rg_time_parse(&v->t, buf, strlen(buf)) : RG_TIME_SYNTAX;
		if (e != RG_TIME_OK) {
			rg_diag_err(t->diags, "csv.date", t->file, line, c->name,
			            "write the date as YYYY-MM-DD, e.g. 2024-04-29",
			            "date \"%.64s\" is not a valid calendar date", f->s);
			return false;
		}
		v->given = true;
		return true;
	}
	case RG_COL_BOOL:
	case RG_COL_ENUM: {
		int idx;
		const char *const *names = c->type == RG_COL_BOOL ? yes_no : c->values;
		if (!rg_str_in(f->s, names, &idx)) {
			char allowed[400];
			list_names(allowed, sizeof allowed, names);
			char hint[460];
			snprintf(hint, sizeof hint, "use one of: %s (lowercase, exactly)", allowed);
			rg_diag_err(t->diags, "csv.enum", t->file, line, c->name, hint,
			            "\"%.64s\" is not an allowed value", f->s);
			return false;
		}
		assert(idx >= 0 && idx < RG_COL_MAX_VALUES);
		v->i = (int16_t)idx;
		v->given = true;
		return true;
	}
	case RG_COL_IP: {
		/* Validated, not only for the report's sake: the judge counts
		 * distinct addresses per account, and free text here would let
		 * a bundle make that set as large as the file. */
		unsigned char addr[sizeof(struct in6_addr)];
		if (f->n >= INET6_ADDRSTRLEN + 16 ||
		    (inet_pton(AF_INET, f->s, addr) != 1 && inet_pton(AF_INET6, f->s, addr) != 1)) {
			rg_diag_err(t->diags, "csv.ip", t->file, line, c->name,
			            "write an IPv4 (203.0.113.7) or IPv6 (2001:db8::7) address",
			            "\"%.64s\" is not an IP address", f->s);
			return false;
		}
		v->given = true;
		v->s = f->s; /* signins.csv only: streamed */
		return true;
	}
	case RG_COL_TYPE_COUNT:
		break;
	}
	return false;
}

/* Warns when row `index`'s id looks like (TR39 skeleton, case folded) a
 * different identifier earlier in the file: "S-1" and "S-l", Latin "a"
 * and Cyrillic "а", "MSG-A" and "msg-a".  Identifiers stay case-sensitive
 * and distinct; the warning names both lines so that a reader of the PDF,
 * where the two look the same, is not misled.  The map holds the skeleton
 * and the row index, nothing else.  False only when out of memory. */
static bool look_alike(struct rg_table *t, int col, size_t index)
{
	const struct rg_row *row = rg_table_row(t, index);
	const char *id = rg_row_value(row, col)->s;
	const uint32_t line = row->line;
	size_t klen;
	const char *key = rg_text_skeleton(&t->look_keys, id, strlen(id), &klen);
	if (!key)
		return true; /* ICU refused the string: no warning, nothing lost */
	size_t first = (size_t)rg_strmap_get(&t->looks, key, klen);
	if (!first)
		return rg_strmap_put(&t->looks, key, klen, (void *)(index + 1), NULL);
	const struct rg_row *other = rg_table_row(t, first - 1);
	const char *other_id = rg_row_value(other, col)->s;
	const uint32_t other_line = other->line;
	char hint[120];
	snprintf(hint, sizeof hint,
	         "rename one of them if they are different things; the other is on line %u",
	         other_line);
	rg_diag_warn(t->diags, "csv.look-alike", t->file, line, t->spec->cols[col].name, hint,
	             "\"%s\" looks like \"%s\" on line %u (they differ only in look-alike "
	             "characters or case)",
	             id, other_id, other_line);
	return true;
}

/* The values a row of t keeps, copied from all of them (one per column)
 * into the arena: the columns its spec stores, at their slots. */
static struct rg_value *store_row(struct rg_table *t, const struct rg_value *all)
{
	const struct rg_table_spec *spec = t->spec;
	size_t n = spec->slot ? spec->n_stored : spec->n_cols;
	struct rg_value *v = rg_arena_alloc(t->arena, (n ? n : 1) * sizeof *v);
	if (!v)
		return NULL;
	if (!spec->slot) {
		memcpy(v, all, n * sizeof *v);
		return v;
	}
	for (size_t c = 0; c < spec->n_cols; c++)
		if (spec->slot[c] >= 0)
			v[spec->slot[c]] = all[c];
	return v;
}

bool rg_table_record(void *ctx, uint32_t line, const struct rg_csv_field *f, size_t n)
{
	struct rg_table *t = ctx;
	const struct rg_table_spec *spec = t->spec;
	if (line == 1 && !t->ncols)
		return header(t, f, n);
	if (!t->header_ok)
		return false;
	rg_arena_tick();
	uint64_t max_rows = spec->streamed ? t->limits->signin_rows : t->limits->rows;
	if (++t->nrows_seen > max_rows) {
		const struct rg_limit_info *li = rg_limit_find(
		    spec->streamed ? offsetof(struct rg_limits, signin_rows)
		                   : offsetof(struct rg_limits, rows));
		char hint[160];
		snprintf(hint, sizeof hint, "raise it with %s if the data is genuine", li->option);
		rg_diag_err(t->diags, "limit.rows", t->file, line, NULL, hint,
		            "has more than %llu rows (the limit on the %s); the rest was not read",
		            (unsigned long long)max_rows, li->description);
		return false;
	}
	/* Fields are converted into the table's scratch values, one per
	 * column; a stored row then keeps the columns its spec stores
	 * (store_row).  Their strings are in the arena already (convert),
	 * where a refused row's id and references stay too. */
	struct rg_value *v = t->scratch;
	/* Optional columns absent from the header still mean "not given". */
	for (size_t c = 0; c < spec->n_cols; c++)
		v[c] = (struct rg_value){.i = -1};
	bool ok = true;
	const char *id = NULL;
	size_t id_len = 0;
	for (size_t i = 0; i < n && i < t->ncols; i++) {
		int c = t->map[i];
		if (c < 0)
			continue;
		if (!convert(t, line, &spec->cols[c], &f[i], &v[c])) {
			ok = false;
			v[c] = (struct rg_value){.i = -1};
		} else if (c == spec->id_col) {
			id = f[i].s;
			id_len = f[i].n;
		}
	}
	if (spec->streamed) {
		if (ok && t->row_fn)
			t->row_fn(t->row_ctx, line, v);
		return true;
	}
	for (size_t c = 0; c < spec->n_cols && ok; c++) {
		int other = spec->cols[c].not_before;
		if (other >= 0 && v[c].given && v[other].given && v[c].t.ms < v[other].t.ms) {
			char hint[200];
			snprintf(hint, sizeof hint, "swap the two values or correct the end");
			rg_diag_err(t->diags, "csv.window", t->file, line, spec->cols[c].name, hint,
			            "is before %s", spec->cols[other].name);
			ok = false;
		}
	}
	if (id && rg_strmap_has(&t->ids, id, id_len)) {
		size_t first = (size_t)rg_strmap_get(&t->ids, id, id_len);
		const uint32_t first_line = rg_table_row(t, first - 1)->line;
		char hint[120];
		snprintf(hint, sizeof hint, "identifiers must be unique; the first is on line %u",
		         first_line);
		rg_diag_err(t->diags, "csv.duplicate-id", t->file, line, spec->cols[spec->id_col].name,
		            hint, "\"%.64s\" appears more than once", id);
		ok = false;
	}
	if (!ok) {
		/* Diagnosed; keep reading to report every problem.  The row's
		 * id was valid: remember it, so that rows citing it are not
		 * told it does not exist (one error per cause). */
		const char *copy = id ? v[spec->id_col].s : NULL;
		if (copy && !rg_strmap_put(&t->refused, copy, id_len, (void *)1, NULL))
			return false;
		for (size_t c = 0; c < spec->n_cols; c++) {
			enum rg_coltype ty = spec->cols[c].type;
			const char *ref = ty == RG_COL_REF || ty == RG_COL_ACCOUNT ? v[c].s : NULL;
			if (ref && !rg_strmap_put(&t->refused_keys, ref, strlen(ref), (void *)1, NULL))
				return false;
		}
		return true;
	}
	struct rg_value *stored = store_row(t, v);
	if (!stored || !grow(t)) {
		rg_diag_err(t->diags, "env.nomem", t->file, line, NULL, NULL, "out of memory");
		return false;
	}
	t->rows[t->n++] = (struct rg_row){line, spec, stored};
	if (id) {
		/* The key must outlive the map: use the arena copy in the row. */
		if (!rg_strmap_put(&t->ids, v[spec->id_col].s, id_len, (void *)t->n, NULL) ||
		    !look_alike(t, spec->id_col, t->n - 1)) {
			rg_diag_err(t->diags, "env.nomem", t->file, line, NULL, NULL, "out of memory");
			return false;
		}
	}
	return true;
}
