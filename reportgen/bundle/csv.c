/*
 * csv.c: streaming RFC 4180 parser (see csv.h).
 *
 * One byte at a time through a five-state machine; fields of the current
 * record are gathered in one capped buffer, each NUL-terminated, with their
 * start offsets alongside.  Invariant: rec.len <= limits->line_length + the
 * record's NUL terminators, so memory is bounded by the limits whatever the
 * input.
 */
#include "bundle/csv.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "core/text.h"

enum state { FIELD_START, UNQUOTED, QUOTED, QUOTED_QUOTE, AFTER_CR };

struct rg_csv {
	const char *file;
	const struct rg_limits *limits;
	struct rg_diags *diags;
	rg_csv_record_fn fn;
	void *ctx;

	enum state state;
	struct rg_buf rec;      /* field bytes, each field followed by NUL */
	size_t *starts;         /* offset of each field in rec */
	bool *quoted;           /* whether each field was quoted */
	size_t nfields, cap_fields;
	size_t field_len;       /* bytes in the current field */
	size_t rec_bytes;       /* bytes of the record as written */
	uint32_t line, rec_line;
	bool bad;               /* current record already diagnosed */
	bool stopped;
	bool have_header;
	char **header;
	size_t nheader;
	unsigned char bom[3];
	size_t bom_seen;        /* bytes looked at for the BOM, 3 when decided */
};

struct rg_csv *rg_csv_new(const char *file, const struct rg_limits *limits,
                          struct rg_diags *diags, rg_csv_record_fn fn, void *ctx)
{
	struct rg_csv *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->file = file;
	c->limits = limits;
	c->diags = diags;
	c->fn = fn;
	c->ctx = ctx;
	c->line = 1;
	c->rec_line = 1;
	/* +2 per field for the NUL terminators; fields are bounded by the
	 * record length anyway. */
	rg_buf_init(&c->rec, limits->line_length * 2 + 64);
	return c;
}

void rg_csv_free(struct rg_csv *c)
{
	if (!c)
		return;
	rg_buf_free(&c->rec);
	free(c->starts);
	free(c->quoted);
	for (size_t i = 0; i < c->nheader; i++)
		free(c->header[i]);
	free(c->header);
	free(c);
}

const char *rg_csv_column(const struct rg_csv *c, size_t index)
{
	return index < c->nheader ? c->header[index] : NULL;
}

bool rg_csv_stopped(const struct rg_csv *c)
{
	return c->stopped;
}

static void column_label(const struct rg_csv *c, size_t index, char *buf, size_t size)
{
	const char *name = rg_csv_column(c, index);
	if (name && *name)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "column %zu", index + 1);
}

static void oom(struct rg_csv *c)
{
	rg_diag_err(c->diags, "env.nomem", c->file, c->rec_line, NULL, NULL,
	            "out of memory while reading");
	c->stopped = true;
}

static void stop_limit(struct rg_csv *c, size_t offset, size_t field)
{
	const struct rg_limit_info *li = rg_limit_find(offset);
	char col[300];
	column_label(c, field, col, sizeof col);
	char hint[200];
	snprintf(hint, sizeof hint, "raise it with %s if the data is genuine", li->option);
	rg_diag_err(c->diags, "limit.csv", c->file, c->rec_line, col, hint,
	            "exceeds the limit on the %s (%llu %s); the rest of the file was not read",
	            li->description, (unsigned long long)*(const uint64_t *)((const char *)c->limits + offset),
	            li->unit);
	c->stopped = true;
}

static bool start_field(struct rg_csv *c, bool quoted)
{
	if (c->nfields == c->cap_fields) {
		size_t cap = c->cap_fields ? c->cap_fields * 2 : 16;
		size_t *s = realloc(c->starts, cap * sizeof *s);
		if (!s)
			return false;
		c->starts = s;
		bool *q = realloc(c->quoted, cap * sizeof *q);
		if (!q)
			return false;
		c->quoted = q;
		c->cap_fields = cap;
	}
	c->starts[c->nfields] = c->rec.len;
	c->quoted[c->nfields] = quoted;
	c->nfields++;
	c->field_len = 0;
	return true;
}

static bool put(struct rg_csv *c, char ch)
{
	if (++c->field_len > c->limits->field_length) {
		stop_limit(c, offsetof(struct rg_limits, field_length), c->nfields - 1);
		return false;
	}
	if (rg_buf_putc(&c->rec, ch) != RG_BUF_OK) {
		oom(c);
		return false;
	}
	return true;
}

static bool end_field(struct rg_csv *c)
{
	if (rg_buf_putc(&c->rec, '\0') != RG_BUF_OK) {
		oom(c);
		return false;
	}
	return true;
}

static void diag_here(struct rg_csv *c, const char *code, const char *hint, const char *what)
{
	if (c->bad)
		return;
	char col[300];
	column_label(c, c->nfields ? c->nfields - 1 : 0, col, sizeof col);
	rg_diag_err(c->diags, code, c->file, c->rec_line, col, hint, "%s", what);
	c->bad = true;
}

static bool store_header(struct rg_csv *c, const struct rg_csv_field *f, size_t n)
{
	c->header = calloc(n, sizeof *c->header);
	if (!c->header)
		return false;
	for (size_t i = 0; i < n; i++) {
		c->header[i] = strdup(f[i].s);
		if (!c->header[i])
			return false;
		c->nheader = i + 1;
	}
	return true;
}

static void end_record(struct rg_csv *c)
{
	uint32_t line = c->rec_line;
	bool blank = c->nfields == 1 && c->rec.len == 1 && !c->quoted[0];
	if (!blank && !c->bad) {
		struct rg_csv_field stackf[32];
		struct rg_csv_field *f = c->nfields <= 32 ? stackf : malloc(c->nfields * sizeof *f);
		if (!f) {
			oom(c);
			return;
		}
		for (size_t i = 0; i < c->nfields; i++) {
			f[i].s = c->rec.data + c->starts[i];
			size_t end = i + 1 < c->nfields ? c->starts[i + 1] : c->rec.len;
			f[i].n = end - c->starts[i] - 1;
		}
		bool ok = true;
		for (size_t i = 0; i < c->nfields; i++) {
			if (!rg_utf8_valid(f[i].s, f[i].n)) {
				char col[300];
				column_label(c, i, col, sizeof col);
				rg_diag_err(c->diags, "csv.utf8", c->file, line, col,
				            "save the file as UTF-8",
				            "is not valid UTF-8 text (or holds a NUL byte)");
				ok = false;
				break;
			}
			/* XML 1.0 cannot hold C0 controls or U+FFFE/F, cairo no
			 * noncharacter, and report.xml keeps text exactly: refused
			 * here, in every column. */
			uint32_t cp;
			size_t at = rg_text_find_unstorable(f[i].s, f[i].n, &cp);
			if (at < f[i].n) {
				char col[300], desc[160];
				column_label(c, i, col, sizeof col);
				rg_text_describe(desc, sizeof desc, cp);
				rg_diag_err(c->diags, cp < 0x80 ? "csv.control" : "csv.nonchar", c->file, line,
				            col,
				            cp < 0x80 ? "remove it: only tab and line ends may appear in a field"
				                      : "remove it: noncharacters are not text",
				            "holds %s at byte %zu of the field: \"%.*s\"", desc, at + 1,
				            (int)rg_text_clip(f[i].s, f[i].n, 80), f[i].s);
				ok = false;
				break;
			}
		}
		if (ok && c->have_header && c->nfields != c->nheader) {
			rg_diag_err(c->diags, "csv.field-count", c->file, line, NULL,
			            "quote fields that contain commas, and check for missing or extra commas",
			            "has %zu field%s but the header has %zu", c->nfields,
			            c->nfields == 1 ? "" : "s", c->nheader);
			ok = false;
		}
		if (ok) {
			if (!c->have_header) {
				c->have_header = true;
				if (!store_header(c, f, c->nfields))
					oom(c);
			}
			if (!c->stopped && !c->fn(c->ctx, line, f, c->nfields))
				c->stopped = true;
		}
		if (f != stackf)
			free(f);
	}
	rg_buf_reset(&c->rec);
	c->nfields = 0;
	c->rec_bytes = 0;
	c->bad = false;
	c->rec_line = c->line;
	c->state = FIELD_START;
}

static bool open_field(struct rg_csv *c, bool quoted)
{
	if (!start_field(c, quoted)) {
		oom(c);
		return false;
	}
	return true;
}

/* A separator or line end that closes the current field. */
static void close_field(struct rg_csv *c, char ch)
{
	if (!end_field(c))
		return;
	if (ch == ',') {
		c->state = FIELD_START;
		return;
	}
	c->line++;
	end_record(c);
	if (ch == '\r')
		c->state = AFTER_CR;
}

static void feed_byte(struct rg_csv *c, char ch)
{
	if (c->state == AFTER_CR) {
		c->state = FIELD_START;
		if (ch == '\n')
			return; /* CRLF: the record already ended at CR */
	}
	/* The line end is not part of the record's length (a quoted newline
	 * is content and counts). */
	bool line_end = (ch == '\n' || ch == '\r') && c->state != QUOTED;
	if (!line_end && ++c->rec_bytes > c->limits->line_length) {
		stop_limit(c, offsetof(struct rg_limits, line_length), c->nfields ? c->nfields - 1 : 0);
		return;
	}
	switch (c->state) {
	case FIELD_START:
		if (ch == '"') {
			if (open_field(c, true))
				c->state = QUOTED;
		} else if (ch == ',' || ch == '\n' || ch == '\r') {
			if (open_field(c, false))
				close_field(c, ch);
		} else if (open_field(c, false)) {
			c->state = UNQUOTED;
			put(c, ch);
		}
		return;
	case UNQUOTED:
		if (ch == ',' || ch == '\n' || ch == '\r') {
			close_field(c, ch);
			return;
		}
		if (ch == '"')
			diag_here(c, "csv.quote",
			          "enclose the field in double quotes and double each quote inside it",
			          "has a double quote inside an unquoted field");
		put(c, ch);
		return;
	case QUOTED:
		if (ch == '"') {
			c->state = QUOTED_QUOTE;
			return;
		}
		if (ch == '\n')
			c->line++;
		put(c, ch);
		return;
	case QUOTED_QUOTE:
		if (ch == '"') { /* "" stands for one quote */
			c->state = QUOTED;
			put(c, ch);
			return;
		}
		if (ch == ',' || ch == '\n' || ch == '\r') {
			close_field(c, ch);
			return;
		}
		diag_here(c, "csv.after-quote",
		          "a quoted field must end with its closing quote right before a comma or the end of the line",
		          "has text after the closing quote");
		c->state = UNQUOTED;
		put(c, ch);
		return;
	case AFTER_CR:
		assert(!"handled above");
		return;
	}
}

/* Bytes that end or disturb an unquoted field. */
static const bool special_unquoted[256] = {[','] = true, ['\n'] = true, ['\r'] = true,
                                           ['"'] = true};

/* Appends n ordinary bytes (none special in the current state) to the open
 * field, enforcing the record and field limits as feed_byte would. */
static void append_run(struct rg_csv *c, const char *p, size_t n)
{
	assert(c->state == UNQUOTED || c->state == QUOTED);
	if (c->rec_bytes + n > c->limits->line_length) {
		stop_limit(c, offsetof(struct rg_limits, line_length), c->nfields - 1);
		return;
	}
	if (c->field_len + n > c->limits->field_length) {
		stop_limit(c, offsetof(struct rg_limits, field_length), c->nfields - 1);
		return;
	}
	c->rec_bytes += n;
	c->field_len += n;
	if (rg_buf_append(&c->rec, p, n) != RG_BUF_OK)
		oom(c);
}

bool rg_csv_feed(struct rg_csv *c, const char *p, size_t n)
{
	size_t i = 0;
	/* Skip a UTF-8 byte order mark, even when it arrives split across
	 * chunks: hold the first bytes until three are seen or one differs. */
	static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
	while (c->bom_seen < 3 && i < n) {
		unsigned char b = (unsigned char)p[i];
		if (b != bom[c->bom_seen]) {
			size_t held = c->bom_seen;
			c->bom_seen = 3;
			for (size_t k = 0; k < held && !c->stopped; k++)
				feed_byte(c, (char)c->bom[k]);
			break;
		}
		c->bom[c->bom_seen++] = b;
		i++;
	}
	while (i < n && !c->stopped) {
		/* Fast path: a run of ordinary bytes inside a field is appended
		 * at once.  Same limits and same result as byte by byte. */
		size_t j = i;
		if (c->state == UNQUOTED)
			while (j < n && !special_unquoted[(unsigned char)p[j]])
				j++;
		else if (c->state == QUOTED)
			while (j < n && p[j] != '"' && p[j] != '\n')
				j++;
		if (j > i) {
			append_run(c, p + i, j - i);
			i = j;
			continue;
		}
		feed_byte(c, p[i++]);
	}
	return !c->stopped;
}

void rg_csv_end(struct rg_csv *c)
{
	if (c->stopped)
		return;
	if (c->bom_seen < 3) { /* fewer than three bytes in all */
		size_t held = c->bom_seen;
		c->bom_seen = 3;
		for (size_t k = 0; k < held && !c->stopped; k++)
			feed_byte(c, (char)c->bom[k]);
	}
	switch (c->state) {
	case FIELD_START:
		if (c->nfields > 0 && open_field(c, false)) /* "a," at the very end */
			close_field(c, '\n');
		break;
	case UNQUOTED:
	case QUOTED_QUOTE:
		close_field(c, '\n');
		break;
	case QUOTED:
		c->nfields = c->nfields ? c->nfields : 1;
		diag_here(c, "csv.unterminated",
		          "add the closing double quote of the field that starts on this line",
		          "has a quoted field that is never closed (the file ends inside it)");
		break;
	case AFTER_CR:
		break;
	}
}
