/*
 * pdfobj.c: minimal PDF object reader (see pdfobj.h).
 *
 * Hand-written because no C library packaged in Debian 12 both reads a PDF's
 * object structure and lets us append raw bytes after it: poppler's object
 * API is C++ and unstable, qpdf rewrites rather than appends (docs/signing.md).
 * Only what signing needs is here, and every loop is bounded by the buffer,
 * a nesting depth and a revision count, because verify reads PDFs from
 * strangers.
 */
#include "core/str.h"
#include "core/pdfobj.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64     /* nested arrays/dictionaries */
#define MAX_REVISIONS 64 /* /Prev links followed */
#define MAX_OBJECTS 8000000L

static bool is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static bool is_delim(char c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
	       c == '}' || c == '/' || c == '%';
}

static bool is_regular(char c)
{
	return !is_ws(c) && !is_delim(c);
}

const char *rg_pdf_skip_ws(const char *p, const char *end)
{
	while (p < end) {
		if (is_ws(*p)) {
			p++;
		} else if (*p == '%') {
			while (p < end && *p != '\n' && *p != '\r')
				p++;
		} else {
			break;
		}
	}
	return p;
}

static const char *skip_regular(const char *p, const char *end)
{
	while (p < end && is_regular(*p))
		p++;
	return p;
}

static bool all_digits(const char *p, const char *e)
{
	if (p == e)
		return false;
	for (; p < e; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

static const char *skip_obj(const char *p, const char *end, int depth);

static const char *skip_string(const char *p, const char *end)
{
	int nest = 0;
	for (p++; p < end; p++) {
		if (*p == '\\') {
			p++;
		} else if (*p == '(') {
			nest++;
		} else if (*p == ')') {
			if (nest-- == 0)
				return p + 1;
		}
	}
	return NULL;
}

static const char *skip_obj(const char *p, const char *end, int depth)
{
	if (depth > MAX_DEPTH)
		return NULL;
	p = rg_pdf_skip_ws(p, end);
	if (p >= end)
		return NULL;
	switch (*p) {
	case '<':
		if (p + 1 < end && p[1] == '<') {
			p += 2;
			for (;;) {
				p = rg_pdf_skip_ws(p, end);
				if (p + 1 < end && p[0] == '>' && p[1] == '>')
					return p + 2;
				if (!(p = skip_obj(p, end, depth + 1)))
					return NULL;
			}
		}
		for (p++; p < end && *p != '>'; p++)
			;
		return p < end ? p + 1 : NULL;
	case '[':
		p++;
		for (;;) {
			p = rg_pdf_skip_ws(p, end);
			if (p < end && *p == ']')
				return p + 1;
			if (!(p = skip_obj(p, end, depth + 1)))
				return NULL;
		}
	case '(':
		return skip_string(p, end);
	case '/':
		return skip_regular(p + 1, end);
	default:
		if (!is_regular(*p))
			return NULL;
		{
			const char *e1 = skip_regular(p, end);
			if (!all_digits(p, e1))
				return e1;
			/* "N G R" is one object: a reference. */
			const char *q = rg_pdf_skip_ws(e1, end);
			const char *e2 = skip_regular(q, end);
			if (!all_digits(q, e2))
				return e1;
			const char *r = rg_pdf_skip_ws(e2, end);
			if (r < end && *r == 'R' && (r + 1 == end || !is_regular(r[1])))
				return r + 1;
			return e1;
		}
	}
}

const char *rg_pdf_skip_object(const char *p, const char *end)
{
	return skip_obj(p, end, 0);
}

bool rg_pdf_dict_next(struct rg_span dict, const char **pos, struct rg_span *key,
                      struct rg_span *value)
{
	const char *end = dict.p + dict.n, *p = *pos;
	if (!p) {
		p = rg_pdf_skip_ws(dict.p, end);
		if (p + 1 >= end || p[0] != '<' || p[1] != '<')
			return false;
		p += 2;
	}
	p = rg_pdf_skip_ws(p, end);
	if (p >= end || *p != '/')
		return false;
	const char *ke = skip_regular(p + 1, end);
	const char *v = rg_pdf_skip_ws(ke, end);
	const char *ve = rg_pdf_skip_object(v, end);
	if (!ve)
		return false;
	*key = (struct rg_span){p, (size_t)(ke - p)};
	*value = (struct rg_span){v, (size_t)(ve - v)};
	*pos = ve;
	return true;
}

static bool span_is(struct rg_span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.p && s.n == n && memcmp(s.p, lit, n) == 0;
}

bool rg_pdf_dict_get(struct rg_span dict, const char *name, struct rg_span *value)
{
	const char *pos = NULL;
	struct rg_span k, v;
	while (rg_pdf_dict_next(dict, &pos, &k, &v)) {
		if (span_is(k, name)) {
			*value = v;
			return true;
		}
	}
	return false;
}

bool rg_pdf_array_next(struct rg_span array, const char **pos, struct rg_span *elem)
{
	const char *end = array.p + array.n, *p = *pos;
	if (!p) {
		p = rg_pdf_skip_ws(array.p, end);
		if (p >= end || *p != '[')
			return false;
		p++;
	}
	p = rg_pdf_skip_ws(p, end);
	if (p >= end || *p == ']')
		return false;
	const char *e = rg_pdf_skip_object(p, end);
	if (!e)
		return false;
	*elem = (struct rg_span){p, (size_t)(e - p)};
	*pos = e;
	return true;
}

/* Reads an unsigned decimal at *pp (after blanks), advancing past it. */
static bool read_uint(const char **pp, const char *end, size_t *out)
{
	const char *p = rg_pdf_skip_ws(*pp, end);
	size_t v = 0;
	const char *s = p;
	while (p < end && *p >= '0' && *p <= '9') {
		if (v > (SIZE_MAX - 9) / 10)
			return false;
		v = v * 10 + (size_t)(*p - '0');
		p++;
	}
	if (p == s || (p < end && is_regular(*p)))
		return false;
	*out = v;
	*pp = p;
	return true;
}

bool rg_pdf_parse_uint(struct rg_span v, size_t *out)
{
	const char *p = v.p, *end = v.p + v.n;
	if (!p || !read_uint(&p, end, out))
		return false;
	return rg_pdf_skip_ws(p, end) == end;
}

bool rg_pdf_parse_ref(struct rg_span v, struct rg_pdfref *out)
{
	const char *p = v.p, *end = v.p + v.n;
	size_t num, gen;
	if (!p || !read_uint(&p, end, &num) || !read_uint(&p, end, &gen))
		return false;
	p = rg_pdf_skip_ws(p, end);
	if (p >= end || *p != 'R' || rg_pdf_skip_ws(p + 1, end) != end)
		return false;
	if (num > (size_t)MAX_OBJECTS || gen > 65535)
		return false;
	out->num = (long)num;
	out->gen = (long)gen;
	return true;
}

bool rg_pdf_name_is(struct rg_span v, const char *name)
{
	return span_is(v, name);
}

static bool grow(struct rg_pdfdoc *d, size_t *cap, size_t need)
{
	if (need <= *cap)
		return true;
	size_t ncap = *cap ? *cap : 64;
	while (ncap < need)
		ncap *= 2;
	size_t *o = realloc(d->off, ncap * sizeof *o);
	if (!o)
		return false;
	d->off = o;
	long *g = realloc(d->gen, ncap * sizeof *g);
	if (!g)
		return false;
	d->gen = g;
	memset(d->off + *cap, 0, (ncap - *cap) * sizeof *o);
	memset(d->gen + *cap, 0, (ncap - *cap) * sizeof *g);
	*cap = ncap;
	return true;
}

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errsize, __VA_ARGS__);                                               \
		return false;                                                                      \
	} while (0)

/* One classic xref section and its trailer at offset at; sets *prev (or 0). */
static bool read_section(struct rg_pdfdoc *d, size_t *cap, size_t at, bool newest, size_t *prev,
                         char *err, size_t errsize)
{
	const char *end = d->data + d->len, *p = d->data + at;
	if ((size_t)(end - p) < 4 || memcmp(p, "xref", 4) != 0) {
		if (p < end && *p >= '0' && *p <= '9')
			FAIL("the PDF uses a cross-reference stream, which reportgen cannot sign "
			     "(only classic xref tables, as cairo writes them)");
		FAIL("no cross-reference table at offset %zu (startxref or /Prev is wrong)", at);
	}
	p += 4;
	for (;;) {
		p = rg_pdf_skip_ws(p, end);
		if ((size_t)(end - p) >= 7 && memcmp(p, "trailer", 7) == 0)
			break;
		size_t first, count;
		if (!read_uint(&p, end, &first) || !read_uint(&p, end, &count))
			FAIL("malformed cross-reference table at offset %zu", at);
		if (first > (size_t)MAX_OBJECTS || count > (size_t)MAX_OBJECTS - first ||
		    count > d->len / 18)
			FAIL("cross-reference table at offset %zu lists too many objects", at);
		if (!grow(d, cap, first + count + 1))
			FAIL("out of memory");
		for (size_t i = 0; i < count; i++) {
			size_t off, gen;
			if (!read_uint(&p, end, &off) || !read_uint(&p, end, &gen))
				FAIL("malformed cross-reference entry in the table at offset %zu",
				     at);
			p = rg_pdf_skip_ws(p, end);
			if (p >= end || (*p != 'n' && *p != 'f'))
				FAIL("malformed cross-reference entry in the table at offset %zu",
				     at);
			size_t num = first + i;
			/* Newer sections are read first: they win, free entries too. */
			if (d->off[num] == 0) {
				d->off[num] = *p == 'n' && off > 0 && off < d->len ? off : SIZE_MAX;
				d->gen[num] = (long)gen;
			}
			p++;
		}
	}
	p += 7;
	const char *te = rg_pdf_skip_object(p, end);
	if (!te)
		FAIL("malformed trailer after the cross-reference table at offset %zu", at);
	struct rg_span tr = {p, (size_t)(te - p)}, v;
	if (newest) {
		size_t size;
		if (!rg_pdf_dict_get(tr, "/Size", &v) || !rg_pdf_parse_uint(v, &size) ||
		    size > (size_t)MAX_OBJECTS)
			FAIL("the trailer has no valid /Size");
		d->size = (long)size;
		if (!rg_pdf_dict_get(tr, "/Root", &v) || !rg_pdf_parse_ref(v, &d->root))
			FAIL("the trailer has no /Root");
		if (rg_pdf_dict_get(tr, "/Info", &v))
			d->info = v;
		d->encrypted = rg_pdf_dict_get(tr, "/Encrypt", &v);
		const char *pos = NULL;
		if (rg_pdf_dict_get(tr, "/ID", &v))
			rg_pdf_array_next(v, &pos, &d->id0);
	}
	*prev = 0;
	if (rg_pdf_dict_get(tr, "/Prev", &v) && !rg_pdf_parse_uint(v, prev))
		FAIL("the trailer's /Prev is not an offset");
	return true;
}

bool rg_pdfdoc_open(struct rg_pdfdoc *d, const char *data, size_t len, char *err, size_t errsize)
{
	memset(d, 0, sizeof *d);
	d->data = data;
	d->len = len;
	if (len < 8 || memcmp(data, "%PDF-", 5) != 0)
		FAIL("not a PDF file (no %%PDF- header)");
	const char *sx = rg_memrmem(data, len, "startxref");
	if (!sx)
		FAIL("no startxref: the PDF is truncated or damaged");
	const char *p = sx + 9;
	if (!read_uint(&p, data + len, &d->startxref) || d->startxref >= len)
		FAIL("startxref does not give a valid offset");

	size_t cap = 0, at = d->startxref, visited[MAX_REVISIONS];
	for (int rev = 0; at != 0; rev++) {
		if (rev == MAX_REVISIONS)
			FAIL("more than %d revisions, or a /Prev loop", MAX_REVISIONS);
		for (int i = 0; i < rev; i++)
			if (visited[i] == at)
				FAIL("the /Prev chain loops");
		visited[rev] = at;
		if (at >= len)
			FAIL("a /Prev offset points past the end of the file");
		size_t prev;
		if (!read_section(d, &cap, at, rev == 0, &prev, err, errsize))
			return false;
		at = prev;
	}
	if (!grow(d, &cap, (size_t)d->size + 1))
		FAIL("out of memory");
	return true;
}

void rg_pdfdoc_free(struct rg_pdfdoc *d)
{
	if (!d)
		return;
	free(d->off);
	free(d->gen);
	d->off = NULL;
	d->gen = NULL;
}

bool rg_pdfdoc_object(const struct rg_pdfdoc *d, struct rg_pdfref ref, struct rg_span *out)
{
	if (ref.num <= 0 || ref.num >= d->size)
		return false;
	size_t off = d->off[ref.num];
	if (off == 0 || off == SIZE_MAX || d->gen[ref.num] != ref.gen)
		return false;
	const char *end = d->data + d->len, *p = d->data + off;
	size_t num, gen;
	if (!read_uint(&p, end, &num) || !read_uint(&p, end, &gen) || num != (size_t)ref.num ||
	    gen != (size_t)ref.gen)
		return false;
	p = rg_pdf_skip_ws(p, end);
	if ((size_t)(end - p) < 3 || memcmp(p, "obj", 3) != 0)
		return false;
	p += 3;
	p = rg_pdf_skip_ws(p, end);
	const char *e = rg_pdf_skip_object(p, end);
	if (!e)
		return false;
	*out = (struct rg_span){p, (size_t)(e - p)};
	return true;
}
