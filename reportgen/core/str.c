/*
 * str.c: string helpers (see str.h).
 */
#include "core/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *rg_vasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *rg_asprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = rg_vasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void rg_hex(char *out, const unsigned char *bytes, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * n] = '\0';
}

bool rg_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		/* ASCII fast path, eight bytes at a time: no byte has its top
		 * bit set and none is zero. */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if ((w & 0x8080808080808080ULL) ||
			    ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL))
				break;
			i += 8;
		}
		if (i == n)
			break;
		unsigned char c = s[i];
		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t len;
		uint32_t cp;
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

bool rg_str_in(const char *s, const char *const *list, int *index)
{
	for (int i = 0; list[i]; i++) {
		if (strcmp(s, list[i]) == 0) {
			if (index)
				*index = i;
			return true;
		}
	}
	return false;
}

void rg_buf_init(struct rg_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max ? max : SIZE_MAX / 2;
}

void rg_buf_free(struct rg_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int rg_buf_append(struct rg_buf *b, const void *p, size_t n)
{
	if (n > b->max - b->len)
		return RG_BUF_TOOBIG;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d)
			return RG_BUF_NOMEM;
		b->data = d;
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return RG_BUF_OK;
}

int rg_buf_putc(struct rg_buf *b, char c)
{
	return rg_buf_append(b, &c, 1);
}

int rg_buf_printf(struct rg_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = rg_vasprintf(fmt, ap);
	va_end(ap);
	if (!s)
		return RG_BUF_NOMEM;
	int rc = rg_buf_append(b, s, strlen(s));
	free(s);
	return rc;
}

const char *rg_memrmem(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	if (n < k || k == 0)
		return NULL;
	for (size_t i = n - k + 1; i-- > 0;)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, k) == 0)
			return hay + i;
	return NULL;
}
