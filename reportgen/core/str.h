/*
 * str.h: small string helpers shared by every stage.
 *
 * rg_asprintf returns malloc'd memory (caller frees) or NULL when out of
 * memory.  rg_buf is a growable byte buffer with a hard cap, so that input
 * cannot grow it without bound (curl's dynbuf): rg_buf_append fails with
 * RG_BUF_TOOBIG past the cap instead of allocating.
 */
#ifndef RG_STR_H
#define RG_STR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

char *rg_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *rg_vasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Writes 2*n lowercase hex digits and a NUL into out (size >= 2n+1). */
void rg_hex(char *out, const unsigned char *bytes, size_t n);

/* True when s (n bytes) is well-formed UTF-8 with no NUL byte. */
bool rg_utf8_valid(const char *s, size_t n);

/* The last occurrence of needle in hay[0..n), or NULL (the PDF readers
 * look for the last startxref, trailer, /ByteRange). */
const char *rg_memrmem(const char *hay, size_t n, const char *needle);

/* True when s equals one of the NULL-terminated list; *index gets its position. */
bool rg_str_in(const char *s, const char *const *list, int *index);

enum { RG_BUF_OK = 0, RG_BUF_NOMEM = 1, RG_BUF_TOOBIG = 2 };

struct rg_buf {
	char *data;  /* NUL-terminated whenever len > 0 or data != NULL */
	size_t len, cap;
	size_t max;  /* hard cap on len; 0 means SIZE_MAX/2 */
};

void rg_buf_init(struct rg_buf *b, size_t max);
void rg_buf_free(struct rg_buf *b);
int rg_buf_append(struct rg_buf *b, const void *p, size_t n);
int rg_buf_putc(struct rg_buf *b, char c);
int rg_buf_printf(struct rg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void rg_buf_reset(struct rg_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

#endif
