/*
 * pdfobj.h: a minimal reader of the PDF object syntax, enough to append a
 * signature to a PDF that cairo wrote, and to rewrite cairo's output with
 * the structure cairo cannot write (ISO 32000-1 section 7).  In core/
 * because two stages read PDFs: sign/ (signing, verify) and views/
 * (pdf_post.c).
 *
 * It reads classic cross-reference tables and their trailers, following
 * /Prev through earlier incremental updates (newest entry wins), finds an
 * object by number, and walks dictionaries and arrays as spans of the
 * original bytes, so a dictionary can be copied into an update unchanged.
 * It does not decode streams, object streams or cross-reference streams
 * (cairo 1.16 writes none of those; the PDF is refused with a clear reason
 * if it has them), and it never writes.
 *
 * Ownership: an rg_pdfdoc borrows the file bytes (the caller keeps them alive
 * and unchanged) and owns its offset table; rg_pdfdoc_free releases it.
 * Every span points into the borrowed bytes.  All parsing is bounded by the
 * buffer's length: a damaged file yields an error string, never a read past
 * the end.
 */
#ifndef RG_PDFOBJ_H
#define RG_PDFOBJ_H

#include <stdbool.h>
#include <stddef.h>

struct rg_span {
	const char *p; /* NULL: absent */
	size_t n;
};

struct rg_pdfref {
	long num;
	long gen;
};

struct rg_pdfdoc {
	const char *data;
	size_t len;
	size_t startxref;      /* offset of the newest cross-reference table */
	long size;             /* /Size of the newest trailer */
	size_t *off;           /* off[num]: byte offset of object num, 0 when unknown */
	long *gen;             /* gen[num] */
	struct rg_pdfref root; /* /Root of the newest trailer */
	struct rg_span info;   /* the /Info value as written ("12 0 R"), or absent */
	struct rg_span id0;    /* first string of /ID (with its <> or ()), or absent */
	bool encrypted;        /* the newest trailer has /Encrypt */
};

/* Reads the cross-reference chain.  On failure returns false with a
 * sentence in err. */
bool rg_pdfdoc_open(struct rg_pdfdoc *d, const char *data, size_t len, char *err, size_t errsize);
void rg_pdfdoc_free(struct rg_pdfdoc *d);

/* The value of object num (a dictionary, an array ...), without "N G obj". */
bool rg_pdfdoc_object(const struct rg_pdfdoc *d, struct rg_pdfref ref, struct rg_span *out);

/* Skips blanks and comments from p; returns the first other byte or end. */
const char *rg_pdf_skip_ws(const char *p, const char *end);
/* Skips one object at p (after blanks); returns the byte after it or NULL
 * when it is malformed.  "N G R" counts as one object. */
const char *rg_pdf_skip_object(const char *p, const char *end);

/* Iterates the entries of a dictionary span ("<< ... >>").  Start with
 * *pos = NULL; each call gives the next key (with its slash) and value. */
bool rg_pdf_dict_next(struct rg_span dict, const char **pos, struct rg_span *key,
                      struct rg_span *value);
/* The value of /name (name given with its slash) in dict, or false. */
bool rg_pdf_dict_get(struct rg_span dict, const char *name, struct rg_span *value);
/* Iterates the elements of an array span ("[ ... ]"), like rg_pdf_dict_next. */
bool rg_pdf_array_next(struct rg_span array, const char **pos, struct rg_span *elem);

/* "N G R" -> ref. */
bool rg_pdf_parse_ref(struct rg_span v, struct rg_pdfref *out);
/* A non-negative integer. */
bool rg_pdf_parse_uint(struct rg_span v, size_t *out);
/* Does a name value equal name (with slash)? */
bool rg_pdf_name_is(struct rg_span v, const char *name);

#endif
