/*
 * import.c: the import driver (see import.h and internal.h).
 *
 * Each file goes through three modes.  DETECT skips a UTF-8 byte order mark
 * (refusing UTF-16, which Windows PowerShell writes with -Encoding Unicode)
 * and leading blank lines, and decides on the first other byte: `{` or `[`
 * is JSON, anything else CSV (whose header then says which export it is).
 * JSON is handed to json-c's incremental tokener chunk by chunk: a document
 * (a Graph page, one line of JSON Lines, an Event Hub batch) is parsed as
 * its bytes arrive, without re-reading, and its text is kept (capped by
 * --max-json-size) only to tell each record's line.  CSV goes through the
 * bundle reader's push parser (bundle/csv.c), with the same limits.
 *
 * JSON library: json-c (Debian 12 libjson-c-dev 0.16).  Its tokener is the
 * only one of the three candidates that takes input in arbitrary chunks and
 * keeps its state between them (jansson reads a whole document from a
 * stream; yyjson needs the whole document in memory and is not packaged in
 * bookworm); it validates UTF-8 and rejects non-standard JSON in strict
 * mode, limits nesting depth, and reports where parsing stopped, which is
 * what a FILE:LINE diagnostic needs.  json-c does not record where values
 * start, so element_lines() finds where each record of a page begins by
 * following strings and brackets over text json-c has already accepted: a
 * locator, not a parser.
 *
 * Duplicates: the first 16 bytes of SHA-256 of each request id are kept in
 * an open-addressing set; a hostile export cannot make two ids collide, and
 * the set costs 16 bytes a slot (docs/performance.md has the figures).
 */
#include "import/import.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/text.h"
#include "import/internal.h"

enum { MODE_DETECT, MODE_JSON, MODE_CSV, MODE_DEAD };

#define CHUNK 65536

static const char *const signin_cols[] = {"created_at", "user_principal_name", "app_display_name",
                                          "ip_address", "status", "correlation_id", "request_id",
                                          NULL};
static const char *const audit_cols[] = {"at", "operation", "target", "actor",
                                         "action", "correlation_id", "request_id", NULL};

static const char *const format_names[RG_IMPORT_FORMAT_COUNT] = {
	[RG_IMPORT_AUTO] = "auto",
	[RG_IMPORT_JSON] = "json",
	[RG_IMPORT_LA_CSV] = "log-analytics-csv",
	[RG_IMPORT_ENTRA_CSV] = "entra-csv",
	[RG_IMPORT_UAL_CSV] = "ual-csv",
};

const char *rg_import_format_name(enum rg_import_format f)
{
	return f < RG_IMPORT_FORMAT_COUNT ? format_names[f] : "?";
}

static bool format_fits(enum rg_import_format f, enum rg_import_kind kind)
{
	switch (f) {
	case RG_IMPORT_AUTO:
	case RG_IMPORT_JSON:
		return true;
	case RG_IMPORT_LA_CSV:
	case RG_IMPORT_ENTRA_CSV:
		return kind == RG_IMPORT_SIGNINS;
	case RG_IMPORT_UAL_CSV:
		return kind == RG_IMPORT_AUDIT;
	case RG_IMPORT_FORMAT_COUNT:
		break;
	}
	return false;
}

enum rg_import_format rg_import_format_parse(const char *s, enum rg_import_kind kind)
{
	for (int f = 0; f < RG_IMPORT_FORMAT_COUNT; f++)
		if (strcmp(s, format_names[f]) == 0 && format_fits((enum rg_import_format)f, kind))
			return (enum rg_import_format)f;
	return RG_IMPORT_FORMAT_COUNT;
}

const char *rg_import_output_name(enum rg_import_kind kind)
{
	return kind == RG_IMPORT_SIGNINS ? "signins.csv" : "audit-events.csv";
}

void rg_import_options_default(struct rg_import_options *o, enum rg_import_kind kind)
{
	memset(o, 0, sizeof *o);
	o->kind = kind;
	o->format = RG_IMPORT_AUTO;
	rg_limits_default(&o->limits);
	o->max_json_size = RG_IMPORT_MAX_JSON_DEFAULT;
}

static const char *const *columns(const struct rg_importer *imp)
{
	return imp->opt.kind == RG_IMPORT_SIGNINS ? signin_cols : audit_cols;
}

static void vdiag(struct rg_importer *imp, rg_severity sev, const char *code, uint32_t line,
                  const char *field, const char *hint, const char *fmt, va_list ap)
    __attribute__((format(printf, 7, 0)));
static void vdiag(struct rg_importer *imp, rg_severity sev, const char *code, uint32_t line,
                  const char *field, const char *hint, const char *fmt, va_list ap)
{
	char msg[600];
	vsnprintf(msg, sizeof msg, fmt, ap);
	rg_diag_add(imp->diags, sev, code, imp->file, line, field, hint, "%s", msg);
}

void rg_imp_err(struct rg_importer *imp, uint32_t line, const char *field, const char *hint,
                const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdiag(imp, RG_SEV_ERROR, "import.record", line, field, hint, fmt, ap);
	va_end(ap);
}

void rg_imp_warn(struct rg_importer *imp, uint32_t line, const char *field, const char *hint,
                 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdiag(imp, RG_SEV_WARNING, "import.record", line, field, hint, fmt, ap);
	va_end(ap);
}

static void oom(struct rg_importer *imp)
{
	rg_diag_err(imp->diags, "env.nomem", imp->file ? imp->file : "import", 0, NULL, NULL,
	            "out of memory");
	imp->mode = MODE_DEAD;
	imp->env_failed = true;
}

/* ---- duplicates ---------------------------------------------------- */

static bool is_zero(const unsigned char k[16])
{
	for (int i = 0; i < 16; i++)
		if (k[i])
			return false;
	return true;
}

static size_t slot_of(const unsigned char k[16], size_t cap)
{
	uint64_t h;
	memcpy(&h, k, sizeof h);
	return (size_t)(h & (cap - 1));
}

static bool seen_grow(struct rg_importer *imp)
{
	size_t cap = imp->seen_cap ? imp->seen_cap * 2 : 1024;
	unsigned char(*s)[16] = calloc(cap, sizeof *s);
	if (!s)
		return false;
	for (size_t i = 0; i < imp->seen_cap; i++) {
		if (is_zero(imp->seen[i]))
			continue;
		size_t j = slot_of(imp->seen[i], cap);
		while (!is_zero(s[j]))
			j = (j + 1) & (cap - 1);
		memcpy(s[j], imp->seen[i], 16);
	}
	free(imp->seen);
	imp->seen = s;
	imp->seen_cap = cap;
	return true;
}

/* True when id was seen before; records it otherwise.  -1: out of memory. */
static int seen_check(struct rg_importer *imp, const char *id, size_t n)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (!EVP_Digest(id, n, md, &mdlen, EVP_sha256(), NULL))
		return -1;
	if (is_zero(md))
		md[0] = 1; /* zero marks an empty slot */
	if ((imp->seen_n + 1) * 4 > imp->seen_cap * 3 && !seen_grow(imp))
		return -1;
	size_t j = slot_of(md, imp->seen_cap);
	while (!is_zero(imp->seen[j])) {
		if (memcmp(imp->seen[j], md, 16) == 0)
			return 1;
		j = (j + 1) & (imp->seen_cap - 1);
	}
	memcpy(imp->seen[j], md, 16);
	imp->seen_n++;
	return 0;
}

/* ---- output -------------------------------------------------------- */

static bool put_field(struct rg_buf *b, const char *s, size_t n)
{
	bool quote = false;
	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (!quote)
		return rg_buf_append(b, s, n) == RG_BUF_OK;
	if (rg_buf_putc(b, '"') != RG_BUF_OK)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' && rg_buf_putc(b, '"') != RG_BUF_OK)
			return false;
		if (rg_buf_putc(b, s[i]) != RG_BUF_OK)
			return false;
	}
	return rg_buf_putc(b, '"') == RG_BUF_OK;
}

static void write_line(struct rg_importer *imp)
{
	if (imp->out && fwrite(imp->line.data, 1, imp->line.len, imp->out) != imp->line.len) {
		rg_diag_err(imp->diags, "env.write", rg_import_output_name(imp->opt.kind), 0, NULL,
		            "check free space", "cannot be written: %s", strerror(errno));
		imp->mode = MODE_DEAD;
		imp->env_failed = true;
	}
}

/* The character rules the bundle reader applies to the same column
 * (core/text.h), so that nothing the importer writes is refused when the
 * bundle is read: no field may hold what the reports cannot store (C0
 * controls, noncharacters), and the account column follows the
 * identifier rules (no bidi or invisible characters, NFC). */
static bool checked_like_the_bundle(struct rg_importer *imp, uint32_t line, const char *col,
                                    const char *v, size_t n)
{
	uint32_t cp;
	size_t at = rg_text_find_unstorable(v, n, &cp);
	if (at < n) {
		char name[128];
		rg_text_describe(name, sizeof name, cp);
		rg_imp_err(imp, line, col, "remove the character from the export, or fix the record",
		           "holds %s, which a bundle cannot hold", name);
		return false;
	}
	if (strcmp(col, "user_principal_name") == 0)
		return rg_text_check_id(imp->diags, imp->file, line, col, "account", v, n);
	return true;
}

void rg_imp_emit(struct rg_importer *imp, uint32_t line, const struct rg_imp_row *row)
{
	const char *const *cols = columns(imp);
	size_t ncols = 0;
	while (cols[ncols])
		ncols++;
	bool ok = true;
	for (size_t i = 0; i < ncols; i++) {
		const char *v = row->v[i] ? row->v[i] : "";
		if (!rg_utf8_valid(v, row->n[i])) {
			rg_imp_err(imp, line, cols[i], "remove the NUL character or the invalid bytes",
			           "holds a NUL character or invalid UTF-8 for %s", cols[i]);
			ok = false;
		} else if (!checked_like_the_bundle(imp, line, cols[i], v, row->n[i])) {
			ok = false;
		} else if (row->n[i] > imp->opt.limits.field_length) {
			rg_imp_err(imp, line, cols[i], "raise --max-field-length if the data is genuine",
			           "gives %s a value of %zu bytes, over the limit on a CSV field (%llu)",
			           cols[i], row->n[i], (unsigned long long)imp->opt.limits.field_length);
			ok = false;
		}
	}
	if (!ok)
		return;
	size_t rid = ncols - 1;
	if (row->n[rid]) {
		int dup = seen_check(imp, row->v[rid], row->n[rid]);
		if (dup < 0) {
			oom(imp);
			return;
		}
		if (dup) {
			imp->st.duplicates++;
			return;
		}
	}
	rg_buf_reset(&imp->line);
	bool w = true;
	for (size_t i = 0; i < ncols && w; i++) {
		w = put_field(&imp->line, row->v[i] ? row->v[i] : "", row->n[i]) &&
		    rg_buf_putc(&imp->line, ',') == RG_BUF_OK;
	}
	char num[16];
	int nn = snprintf(num, sizeof num, ":%u", (unsigned)line);
	/* source: FILE:LINE, one field, quoted if the file name needs it */
	struct rg_buf src;
	rg_buf_init(&src, 0);
	w = w && rg_buf_append(&src, imp->file, strlen(imp->file)) == RG_BUF_OK &&
	    rg_buf_append(&src, num, (size_t)nn) == RG_BUF_OK &&
	    put_field(&imp->line, src.data, src.len) && rg_buf_putc(&imp->line, '\n') == RG_BUF_OK;
	rg_buf_free(&src);
	if (!w) {
		oom(imp);
		return;
	}
	if (imp->line.len - 1 > imp->opt.limits.line_length) {
		rg_imp_err(imp, line, NULL, "raise --max-line-length if the data is genuine",
		           "makes a CSV row of %zu bytes, over the limit on a CSV record (%llu)",
		           imp->line.len - 1, (unsigned long long)imp->opt.limits.line_length);
		return;
	}
	write_line(imp);
	imp->st.records++;
}

/* ---- JSON ---------------------------------------------------------- */

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The lines on which the elements of the records array begin: the
 * top-level array (key NULL) or the array under the top-level object's
 * member `key`.  The text is valid JSON (json-c accepted it), so strings
 * and brackets are all there is to follow.  Returns how many were found;
 * escaped keys are not recognised (the caller falls back to the document's
 * line). */
static size_t element_lines(const char *s, size_t n, uint32_t line, const char *key,
                            uint32_t *out, size_t max)
{
	int depth = 0, target = key ? 2 : 1;
	bool in_str = false, esc = false, armed = !key, want = false;
	size_t found = 0, str_start = 0;
	bool last_key_match = false, in_target = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\n')
			line++;
		if (in_str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"') {
				in_str = false;
				if (key && depth == 1) {
					size_t len = i - str_start;
					last_key_match = len == strlen(key) && memcmp(s + str_start, key, len) == 0;
				}
			}
			continue;
		}
		if (want && !is_ws(c) && c != ']') {
			if (found < max)
				out[found] = line;
			found++;
			want = false;
		}
		switch (c) {
		case '"':
			in_str = true;
			str_start = i + 1;
			break;
		case ':':
			if (key && depth == 1)
				armed = last_key_match;
			break;
		case '{':
		case '[':
			depth++;
			if (c == '[' && depth == target && armed && !in_target) {
				in_target = true;
				want = true;
			}
			break;
		case '}':
		case ']':
			if (in_target && depth == target && c == ']')
				return found;
			depth--;
			break;
		case ',':
			if (in_target && depth == target)
				want = true;
			else if (key && depth == 1)
				armed = false;
			break;
		default:
			break;
		}
	}
	return found;
}

static void record(struct rg_importer *imp, json_object *rec, uint32_t line)
{
	imp->file_records++;
	if (imp->opt.kind == RG_IMPORT_SIGNINS)
		rg_imp_signin_json(imp, rec, line);
	else
		rg_imp_audit_json(imp, rec, line);
}

static void not_a_record(struct rg_importer *imp, json_object *v, uint32_t line)
{
	if (json_object_is_type(v, json_type_string)) {
		imp->st.strings++;
		rg_diag_warn(imp->diags, "import.string", imp->file, line, NULL,
		             "check the collecting tool's log and collect that period again",
		             "is a bare JSON string (\"%.40s\"), not a record: the Untitled Goose Tool "
		             "writes one where a page request failed, so records may be missing",
		             json_object_get_string(v));
		return;
	}
	rg_diag_err(imp->diags, "import.not-record", imp->file, line, NULL,
	            "each record must be a JSON object",
	            "is a JSON %s, not a record", json_type_to_name(json_object_get_type(v)));
}

static void document(struct rg_importer *imp, json_object *o)
{
	uint32_t line = imp->doc_line;
	json_object *arr = NULL;
	const char *key = NULL;
	if (json_object_is_type(o, json_type_array)) {
		arr = o;
	} else if (json_object_is_type(o, json_type_object)) {
		json_object *v = rg_imp_jget(o, "value");
		json_object *r = rg_imp_jget(o, "records");
		if (v && json_object_is_type(v, json_type_array)) {
			arr = v;
			key = "value";
			/* a key with a dot: not a path for rg_imp_jstr */
			json_object *next = rg_imp_jget(o, "@odata.nextLink");
			imp->last_next_link = next && json_object_is_type(next, json_type_string) &&
			                      json_object_get_string_len(next) > 0;
		} else if (r && json_object_is_type(r, json_type_array)) {
			arr = r;
			key = "records";
		}
	}
	if (!arr) {
		if (json_object_is_type(o, json_type_object))
			record(imp, o, line);
		else
			not_a_record(imp, o, line);
		return;
	}
	size_t k = json_object_array_length(arr);
	if (k > imp->elem_cap) {
		uint32_t *l = realloc(imp->elem_lines, k * sizeof *l);
		if (!l) {
			oom(imp);
			return;
		}
		imp->elem_lines = l;
		imp->elem_cap = k;
	}
	size_t found = element_lines(imp->doc.data, imp->doc.len, line, key, imp->elem_lines, k);
	for (size_t i = 0; i < k && imp->mode != MODE_DEAD; i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		uint32_t el = found == k ? imp->elem_lines[i] : line;
		if (e && json_object_is_type(e, json_type_object))
			record(imp, e, el);
		else if (e)
			not_a_record(imp, e, el);
		else
			rg_diag_err(imp->diags, "import.not-record", imp->file, el, NULL,
			            "each record must be a JSON object", "is null, not a record");
	}
}

static uint32_t count_lines(const char *s, size_t n)
{
	uint32_t k = 0;
	for (const char *p = s, *end = s + n; (p = memchr(p, '\n', (size_t)(end - p))); p++)
		k++;
	return k;
}

static void json_feed(struct rg_importer *imp, const char *p, size_t n)
{
	size_t i = 0;
	while (i < n && imp->mode == MODE_JSON) {
		if (imp->skip_line) {
			const char *nl = memchr(p + i, '\n', n - i);
			if (!nl)
				return;
			i = (size_t)(nl - p) + 1;
			imp->lineno++;
			imp->skip_line = false;
			continue;
		}
		if (!imp->in_doc) {
			while (i < n && is_ws(p[i])) {
				if (p[i] == '\n')
					imp->lineno++;
				i++;
			}
			if (i == n)
				return;
			if (p[i] != '{' && p[i] != '[' && p[i] != '"') {
				/* A record is an object; a bare string is the Goose
				 * tool's failed page.  Anything else is refused here,
				 * before json-c: a top-level number has no end of its
				 * own, so how json-c reads one depends on where the
				 * chunk ends. */
				rg_diag_err(imp->diags, "import.json", imp->file, imp->lineno, NULL,
				            "each record must be one JSON object (a JSON Lines file has one per line)",
				            "is not a JSON record: the line does not start with { or [");
				imp->skip_line = true;
				continue;
			}
			imp->in_doc = true;
			imp->doc_line = imp->lineno;
			rg_buf_reset(&imp->doc);
			json_tokener_reset(imp->tok);
		}
		size_t chunk = n - i < (size_t)INT_MAX / 2 ? n - i : (size_t)INT_MAX / 2;
		size_t before = imp->doc.len;
		if (before + chunk > imp->opt.max_json_size)
			chunk = imp->opt.max_json_size - before;
		if (chunk == 0) {
			rg_diag_err(imp->diags, "import.json-size", imp->file, imp->doc_line, NULL,
			            "split it into JSON Lines (jq -c '.value[]' FILE), or raise --max-json-size",
			            "starts a JSON document larger than %llu bytes (the limit on one document); "
			            "the rest of the file was not read",
			            (unsigned long long)imp->opt.max_json_size);
			imp->mode = MODE_DEAD;
			return;
		}
		json_object *o = json_tokener_parse_ex(imp->tok, p + i, (int)chunk);
		enum json_tokener_error e = json_tokener_get_error(imp->tok);
		size_t used = json_tokener_get_parse_end(imp->tok);
		/* Keep only what belongs to the document (appending the whole
		 * chunk for every line of JSON Lines would copy it once a line). */
		if (rg_buf_append(&imp->doc, p + i, o || e != json_tokener_continue ? used : chunk) !=
		    RG_BUF_OK) {
			json_object_put(o);
			oom(imp);
			return;
		}
		if (o) {
			i += used;
			imp->in_doc = false;
			document(imp, o);
			json_object_put(o);
			imp->lineno = imp->doc_line + count_lines(imp->doc.data, imp->doc.len);
			continue;
		}
		if (e == json_tokener_continue) {
			i += chunk;
			continue;
		}
		size_t pos = imp->doc.len;
		uint32_t el = imp->doc_line + count_lines(imp->doc.data, pos);
		size_t col = pos;
		for (size_t k = pos; k > 0; k--)
			if (imp->doc.data[k - 1] == '\n') {
				col = pos - k;
				break;
			}
		char where[40];
		snprintf(where, sizeof where, "column %zu", col + 1);
		rg_diag_err(imp->diags, "import.json", imp->file, el, where,
		            "each record must be one JSON object (a JSON Lines file has one per line); "
		            "re-export the file if it was cut short",
		            "is not valid JSON: %s", json_tokener_error_desc(e));
		imp->in_doc = false;
		imp->lineno = el;
		i += used;
		/* Go on at the next line, so every damaged line of a JSON Lines
		 * file is reported. */
		if (i < n && p[i] == '\n') {
			i++;
			imp->lineno++;
		} else {
			imp->skip_line = true;
		}
	}
}

/* ---- CSV ----------------------------------------------------------- */

static char *normalise(const char *s, size_t n, bool *utc)
{
	char *out = malloc(n + 1);
	if (!out)
		return NULL;
	size_t k = 0;
	bool space = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = k > 0;
			continue;
		}
		if (space)
			out[k++] = ' ';
		space = false;
		out[k++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	out[k] = '\0';
	*utc = false;
	if (k >= 6 && (strcmp(out + k - 6, " [utc]") == 0 || strcmp(out + k - 6, " (utc)") == 0)) {
		*utc = true;
		out[k - 6] = '\0';
	}
	return out;
}

int rg_imp_hdr_find(const struct rg_imp_header *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->names[i], name) == 0)
			return (int)i;
	return -1;
}

static void free_header(struct rg_imp_header *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->names[i]);
	free(h->names);
	free(h->utc);
	memset(h, 0, sizeof *h);
}

static bool csv_record(void *ctx, uint32_t line, const struct rg_csv_field *f, size_t n)
{
	struct rg_importer *imp = ctx;
	if (imp->mode == MODE_DEAD)
		return false;
	if (!imp->hdr.names) {
		imp->hdr.names = calloc(n ? n : 1, sizeof *imp->hdr.names);
		imp->hdr.utc = calloc(n ? n : 1, sizeof *imp->hdr.utc);
		if (!imp->hdr.names || !imp->hdr.utc) {
			oom(imp);
			return false;
		}
		for (size_t i = 0; i < n; i++) {
			imp->hdr.names[i] = normalise(f[i].s, f[i].n, &imp->hdr.utc[i]);
			if (!imp->hdr.names[i]) {
				oom(imp);
				return false;
			}
			imp->hdr.n = i + 1;
		}
		bool ok = imp->opt.kind == RG_IMPORT_SIGNINS ? rg_imp_signin_header(imp)
		                                             : rg_imp_audit_header(imp);
		if (!ok)
			imp->mode = MODE_DEAD;
		else
			imp->st.by_format[imp->fmt]++;
		return ok;
	}
	imp->file_records++;
	if (imp->opt.kind == RG_IMPORT_SIGNINS)
		rg_imp_signin_csv(imp, line, f, n);
	else
		rg_imp_audit_csv(imp, line, f, n);
	return imp->mode != MODE_DEAD;
}

static void csv_feed(struct rg_importer *imp, const char *p, size_t n)
{
	if (imp->type_line) {
		/* PowerShell 5.1's Export-Csv writes "#TYPE System...." first:
		 * handed on as a blank line, so line numbers stay right. */
		const char *nl = memchr(p, '\n', n);
		if (!nl)
			return;
		imp->type_line = false;
		size_t skip = (size_t)(nl - p);
		p += skip;
		n -= skip;
	}
	rg_csv_feed(imp->csv, p, n);
	if (rg_csv_stopped(imp->csv))
		imp->mode = MODE_DEAD;
}

/* ---- per file ------------------------------------------------------ */

static void refuse_format(struct rg_importer *imp, const char *what)
{
	rg_diag_err(imp->diags, "import.format", imp->file, imp->lineno, NULL,
	            "give the right --format, or leave it out to detect the format",
	            "is %s, not the --format %s given", what, rg_import_format_name(imp->opt.format));
	imp->mode = MODE_DEAD;
}

static void start_csv(struct rg_importer *imp, char first)
{
	if (imp->opt.format == RG_IMPORT_JSON) {
		refuse_format(imp, "not JSON (it does not start with { or [)");
		return;
	}
	imp->csv = rg_csv_new(imp->file, &imp->opt.limits, imp->diags, csv_record, imp);
	if (!imp->csv) {
		oom(imp);
		return;
	}
	imp->mode = MODE_CSV;
	/* the blank lines skipped while detecting, so the parser counts them */
	for (uint32_t i = 1; i < imp->lineno; i++)
		rg_csv_feed(imp->csv, "\n", 1);
	imp->type_line = first == '#';
}

static void start_json(struct rg_importer *imp)
{
	if (imp->opt.format != RG_IMPORT_AUTO && imp->opt.format != RG_IMPORT_JSON) {
		refuse_format(imp, "JSON");
		return;
	}
	imp->fmt = RG_IMPORT_JSON;
	imp->st.by_format[RG_IMPORT_JSON]++;
	imp->mode = MODE_JSON;
}

static void feed(struct rg_importer *imp, const char *p, size_t n)
{
	size_t i = 0;
	while (imp->mode == MODE_DETECT && i < n) {
		unsigned char b = (unsigned char)p[i];
		if (imp->bom_seen < 3) {
			static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
			if (b == bom[imp->bom_seen]) {
				imp->bom_seen++;
				i++;
				continue;
			}
			if (imp->bom_seen == 0 && (b == 0xFF || b == 0xFE)) {
				rg_diag_err(imp->diags, "import.utf16", imp->file, 1, NULL,
				            "convert it: iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8 (or Export-Csv -Encoding UTF8)",
				            "is UTF-16 text; exports must be UTF-8");
				imp->mode = MODE_DEAD;
				return;
			}
			if (imp->bom_seen != 0) {
				rg_diag_err(imp->diags, "import.utf8", imp->file, 1, NULL,
				            "save the export as UTF-8", "does not start with UTF-8 text");
				imp->mode = MODE_DEAD;
				return;
			}
			imp->bom_seen = 3;
		}
		if (is_ws((char)b)) {
			if (b == '\n')
				imp->lineno++;
			i++;
			continue;
		}
		if (b == '{' || b == '[')
			start_json(imp);
		else
			start_csv(imp, (char)b);
	}
	if (imp->mode == MODE_JSON)
		json_feed(imp, p + i, n - i);
	else if (imp->mode == MODE_CSV)
		csv_feed(imp, p + i, n - i);
}

static void begin_file(struct rg_importer *imp, const char *label)
{
	imp->file = label;
	imp->fmt = RG_IMPORT_AUTO;
	imp->mode = MODE_DETECT;
	imp->bom_seen = 0;
	imp->lineno = 1;
	imp->file_records = 0;
	imp->last_next_link = false;
	imp->skip_line = false;
	imp->type_line = false;
	imp->in_doc = false;
	imp->purview = false;
	for (size_t i = 0; i < sizeof imp->col / sizeof imp->col[0]; i++)
		imp->col[i] = -1;
	imp->st.files++;
}

static void end_file(struct rg_importer *imp)
{
	bool dead = imp->mode == MODE_DEAD;
	if (imp->mode == MODE_DETECT) {
		rg_diag_warn(imp->diags, "import.empty", imp->file, 0, NULL,
		             "check that the export finished; an empty file adds nothing",
		             "holds no records");
	} else if (imp->mode == MODE_JSON && imp->in_doc) {
		uint32_t last = imp->doc_line + count_lines(imp->doc.data, imp->doc.len);
		if (imp->doc.len && imp->doc.data[imp->doc.len - 1] == '\n')
			last--;
		rg_diag_err(imp->diags, "import.truncated", imp->file, last, NULL,
		            "the file is cut short: export or copy it again",
		            "the file ends inside the JSON value that starts on line %u",
		            (unsigned)imp->doc_line);
	} else if (imp->mode == MODE_CSV) {
		rg_csv_end(imp->csv);
		if (!imp->hdr.names && !rg_csv_stopped(imp->csv))
			rg_diag_warn(imp->diags, "import.empty", imp->file, 0, NULL,
			             "check that the export finished; an empty file adds nothing",
			             "holds no records");
	}
	if (!dead && imp->last_next_link)
		rg_diag_warn(imp->diags, "import.next-link", imp->file, imp->doc_line, "@odata.nextLink",
		             "fetch the remaining pages (follow @odata.nextLink) and import them too",
		             "the last page read links to a next page: the export stops early");
	if (!dead && imp->fmt == RG_IMPORT_UAL_CSV &&
	    (imp->file_records == 5000 || imp->file_records == 10000 || imp->file_records == 50000))
		rg_diag_warn(imp->diags, "import.truncated-count", imp->file, 0, NULL,
		             "search again over shorter periods until each export holds fewer records",
		             "holds exactly %llu records, a cap of the audit log search: the export is "
		             "probably cut short",
		             (unsigned long long)imp->file_records);
	rg_csv_free(imp->csv);
	imp->csv = NULL;
	free_header(&imp->hdr);
	imp->mode = MODE_DEAD;
}

/* ---- public -------------------------------------------------------- */

rg_status rg_importer_new(struct rg_importer **out_imp, const struct rg_import_options *opt,
                          FILE *out, struct rg_diags *diags)
{
	*out_imp = NULL;
	struct rg_importer *imp = calloc(1, sizeof *imp);
	if (!imp)
		return RG_EENV;
	imp->opt = *opt;
	imp->diags = diags;
	imp->out = out;
	imp->mode = MODE_DEAD;
	rg_buf_init(&imp->line, 0);
	rg_buf_init(&imp->doc, (size_t)opt->max_json_size + 1);
	imp->tok = json_tokener_new();
	imp->cell_tok = json_tokener_new();
	if (!imp->tok || !imp->cell_tok) {
		rg_importer_free(imp);
		return RG_EENV;
	}
	/* No JSON_TOKENER_VALIDATE_UTF8: json-c 0.16 rejects a valid sequence split
	 * across two chunks (tests/import found it); every field written is
	 * checked for UTF-8 and NUL in rg_imp_emit instead. */
	int flags = JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS;
	json_tokener_set_flags(imp->tok, flags);
	json_tokener_set_flags(imp->cell_tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	imp->file = rg_import_output_name(opt->kind);
	const char *const *cols = columns(imp);
	bool w = true;
	for (size_t i = 0; cols[i] && w; i++)
		w = rg_buf_append(&imp->line, cols[i], strlen(cols[i])) == RG_BUF_OK &&
		    rg_buf_putc(&imp->line, ',') == RG_BUF_OK;
	w = w && rg_buf_append(&imp->line, "source\n", 7) == RG_BUF_OK;
	if (!w) {
		rg_importer_free(imp);
		return RG_EENV;
	}
	write_line(imp);
	if (imp->mode == MODE_DEAD && diags->errors) {
		rg_importer_free(imp);
		return RG_EENV;
	}
	*out_imp = imp;
	return RG_OK;
}

static rg_status file_status(struct rg_importer *imp, size_t errors_before)
{
	if (imp->env_failed)
		return RG_EENV;
	return imp->diags->errors > errors_before ? RG_EINPUT : RG_OK;
}

void rg_import_begin(struct rg_importer *imp, const char *label)
{
	imp->errors_before = imp->diags->errors;
	begin_file(imp, label);
}

void rg_import_feed(struct rg_importer *imp, const char *p, size_t n)
{
	if (imp->mode != MODE_DEAD)
		feed(imp, p, n);
}

rg_status rg_import_end(struct rg_importer *imp)
{
	end_file(imp);
	return file_status(imp, imp->errors_before);
}

rg_status rg_import_buffer(struct rg_importer *imp, const char *label, const char *p, size_t n)
{
	rg_import_begin(imp, label);
	rg_import_feed(imp, p, n);
	return rg_import_end(imp);
}

rg_status rg_import_file(struct rg_importer *imp, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rg_diag_err(imp->diags, "env.read", path, 0, NULL, "check the path and its permissions",
		            "cannot be read: %s", strerror(errno));
		return RG_EENV;
	}
	char *buf = malloc(CHUNK);
	if (!buf) {
		close(fd);
		return RG_EENV;
	}
	rg_import_begin(imp, path);
	rg_status st = RG_OK;
	for (;;) {
		ssize_t k = read(fd, buf, CHUNK);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			rg_diag_err(imp->diags, "env.read", path, 0, NULL, NULL, "cannot be read: %s",
			            strerror(errno));
			st = RG_EENV;
			break;
		}
		if (k == 0 || imp->mode == MODE_DEAD)
			break;
		rg_import_feed(imp, buf, (size_t)k);
	}
	rg_status fst = rg_import_end(imp);
	free(buf);
	close(fd);
	return st != RG_OK ? st : fst;
}

void rg_importer_stats(const struct rg_importer *imp, struct rg_import_stats *st)
{
	*st = imp->st;
}

void rg_importer_free(struct rg_importer *imp)
{
	if (!imp)
		return;
	rg_csv_free(imp->csv);
	free_header(&imp->hdr);
	if (imp->tok)
		json_tokener_free(imp->tok);
	if (imp->cell_tok)
		json_tokener_free(imp->cell_tok);
	rg_buf_free(&imp->line);
	rg_buf_free(&imp->doc);
	free(imp->elem_lines);
	free(imp->seen);
	free(imp);
}
