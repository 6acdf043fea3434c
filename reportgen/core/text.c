/*
 * text.c: classification, visible escaping, identifier checks and
 * confusable skeletons (see text.h).
 *
 * Every Unicode fact comes from ICU (libicu72, already on every Debian 12
 * machine that has libxml2): the general category, the Bidi_Control,
 * Default_Ignorable_Code_Point, Variation_Selector and
 * Prepended_Concatenation_Mark properties, character names, NFC
 * (unorm2), case folding and the TR39 skeleton (uspoof_getSkeleton, with
 * the confusables data of the Unicode release ICU ships).  Hand-written
 * tables would be stale with the next Unicode version and are exactly the
 * kind of list that misses a character; ICU is updated with Unicode and
 * with Debian's security fixes.  glib (linked through pango) also
 * normalises, but it has no confusables data, and one library for all of
 * it keeps the rules consistent.  UTF-8 is decoded with ICU's U8_NEXT.
 *
 * The ASCII fast paths matter: every field of signins.csv (millions of
 * rows) passes rg_text_find_unstorable, and every account name
 * rg_text_check_id.
 */
#include "core/text.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "core/str.h"

enum rg_text_class rg_text_class_of(uint32_t cp)
{
	UChar32 c = (UChar32)cp;
	if (c < 0x20)
		return RG_TEXT_CONTROL;
	if (c < 0x7F)
		return RG_TEXT_PLAIN;
	int8_t type = u_charType(c);
	if (type == U_CONTROL_CHAR)
		return RG_TEXT_CONTROL;
	if (u_hasBinaryProperty(c, UCHAR_BIDI_CONTROL))
		return RG_TEXT_BIDI;
	if (u_hasBinaryProperty(c, UCHAR_VARIATION_SELECTOR))
		return RG_TEXT_SELECTOR;
	/* Prepended concatenation marks (U+0600 ARABIC NUMBER SIGN...) are
	 * format characters that are drawn: not invisible. */
	if (u_hasBinaryProperty(c, UCHAR_PREPENDED_CONCATENATION_MARK))
		return RG_TEXT_PLAIN;
	if (type == U_FORMAT_CHAR || type == U_LINE_SEPARATOR || type == U_PARAGRAPH_SEPARATOR ||
	    u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) || U_IS_UNICODE_NONCHAR(c))
		return RG_TEXT_INVISIBLE;
	return RG_TEXT_PLAIN;
}

void rg_text_describe(char *buf, size_t size, uint32_t cp)
{
	char name[128];
	UErrorCode e = U_ZERO_ERROR;
	int32_t n = u_charName((UChar32)cp, U_UNICODE_CHAR_NAME, name, sizeof name, &e);
	if (U_FAILURE(e) || n <= 0 || n >= (int32_t)sizeof name)
		snprintf(buf, size, "U+%04X (a control character)", (unsigned)cp);
	else
		snprintf(buf, size, "U+%04X %s", (unsigned)cp, name);
}

static bool shown_as_is(UChar32 c, unsigned flags)
{
	if ((flags & RG_TEXT_KEEP_LINES) && (c == '\n' || c == '\t'))
		return true;
	enum rg_text_class k = rg_text_class_of((uint32_t)c);
	return k == RG_TEXT_PLAIN || k == RG_TEXT_SELECTOR;
}

char *rg_text_visible(const char *str, size_t len, unsigned flags)
{
	const uint8_t *s = (const uint8_t *)str;
	struct rg_buf out;
	rg_buf_init(&out, 0);
	int32_t n = len > INT32_MAX ? INT32_MAX : (int32_t)len;
	int32_t i = 0;
	int err = RG_BUF_OK;
	while (i < n && err == RG_BUF_OK) {
		/* Printable ASCII is copied a run at a time. */
		int32_t run = i;
		while (run < n && s[run] >= 0x20 && s[run] < 0x7F)
			run++;
		if (run > i) {
			err = rg_buf_append(&out, s + i, (size_t)(run - i));
			i = run;
			continue;
		}
		int32_t start = i;
		UChar32 c;
		U8_NEXT(s, i, n, c);
		if (c < 0) {
			for (int32_t k = start; k < i && err == RG_BUF_OK; k++)
				err = rg_buf_printf(&out, "<0x%02X>", s[k]);
		} else if (shown_as_is(c, flags)) {
			err = rg_buf_append(&out, s + start, (size_t)(i - start));
		} else {
			err = rg_buf_printf(&out, "<U+%04X>", (unsigned)c);
		}
	}
	if (err != RG_BUF_OK) {
		rg_buf_free(&out);
		return NULL;
	}
	if (!out.data) { /* empty input: an empty string */
		char *empty = malloc(1);
		if (empty)
			empty[0] = '\0';
		return empty;
	}
	return out.data;
}

size_t rg_text_find_unstorable(const char *str, size_t n, uint32_t *cp)
{
	const uint8_t *s = (const uint8_t *)str;
	size_t i = 0;
	while (i < n) {
		/* Eight bytes at a time: all ASCII, none below 0x20, none 0x7F. */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			uint64_t high = w & 0x8080808080808080ULL;
			uint64_t low = (w - 0x2020202020202020ULL) & ~w & 0x8080808080808080ULL;
			uint64_t del = w ^ 0x7F7F7F7F7F7F7F7FULL;
			del = (del - 0x0101010101010101ULL) & ~del & 0x8080808080808080ULL;
			if (high | low | del)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		size_t start = i;
		if (s[i] < 0x80) {
			i++;
			if ((s[start] < 0x20 && s[start] != '\t' && s[start] != '\n' && s[start] != '\r') ||
			    s[start] == 0x7F) {
				*cp = s[start];
				return start;
			}
			continue;
		}
		int32_t j = (int32_t)i, m = n - i > INT32_MAX ? INT32_MAX : (int32_t)n;
		UChar32 c;
		U8_NEXT(s, j, m, c);
		i = (size_t)j;
		if (c >= 0 && U_IS_UNICODE_NONCHAR(c)) {
			*cp = (uint32_t)c;
			return start;
		}
	}
	return n;
}

size_t rg_text_clip(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	size_t k = max;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	return k;
}

static const char *const class_words[] = {
	[RG_TEXT_PLAIN] = "",
	[RG_TEXT_CONTROL] = "a control character",
	[RG_TEXT_BIDI] = "a bidirectional control, which changes the order in which text is shown",
	[RG_TEXT_INVISIBLE] = "an invisible character",
	[RG_TEXT_SELECTOR] = "an invisible variation selector",
};
static const char *const class_codes[] = {
	[RG_TEXT_PLAIN] = "text.plain",
	[RG_TEXT_CONTROL] = "text.control",
	[RG_TEXT_BIDI] = "text.bidi",
	[RG_TEXT_INVISIBLE] = "text.invisible",
	[RG_TEXT_SELECTOR] = "text.invisible",
};

/* UTF-16 copy of s (into stack when it fits, else malloc'd: *heap set). */
static UChar *to_utf16(const char *s, size_t n, UChar *stack, int32_t cap, int32_t *len,
                       UChar **heap)
{
	UErrorCode e = U_ZERO_ERROR;
	*heap = NULL;
	if (n > INT32_MAX / 2)
		return NULL;
	u_strFromUTF8(stack, cap, len, s, (int32_t)n, &e);
	if (e == U_BUFFER_OVERFLOW_ERROR || e == U_STRING_NOT_TERMINATED_WARNING) {
		*heap = malloc(((size_t)*len + 1) * sizeof **heap);
		if (!*heap)
			return NULL;
		e = U_ZERO_ERROR;
		u_strFromUTF8(*heap, *len + 1, len, s, (int32_t)n, &e);
		return U_FAILURE(e) ? NULL : *heap;
	}
	return U_FAILURE(e) ? NULL : stack;
}

/* 0 when s is NFC, else the 1-based character where it stops being so;
 * -1 when ICU fails (out of memory). */
static long nfc_problem(const char *s, size_t n)
{
	UChar stack[512], *heap;
	int32_t len;
	UChar *u = to_utf16(s, n, stack, 512, &len, &heap);
	if (!u)
		return -1;
	UErrorCode e = U_ZERO_ERROR;
	const UNormalizer2 *nfc = unorm2_getNFCInstance(&e);
	long at = 0;
	if (U_SUCCESS(e)) {
		int32_t span = unorm2_spanQuickCheckYes(nfc, u, len, &e);
		if (U_SUCCESS(e) && span < len && !unorm2_isNormalized(nfc, u, len, &e) &&
		    U_SUCCESS(e))
			at = (long)u_countChar32(u, span) + 1;
	}
	free(heap);
	return U_FAILURE(e) ? -1 : at;
}

bool rg_text_check_id(struct rg_diags *d, const char *file, unsigned long line,
                      const char *column, const char *what, const char *str, size_t len)
{
	const uint8_t *s = (const uint8_t *)str;
	int32_t n = len > INT32_MAX ? INT32_MAX : (int32_t)len;
	bool ascii = true;
	size_t shown = rg_text_clip(str, len, 80);
	const char *more = shown < len ? "..." : "";
	long index = 0;
	for (int32_t i = 0; i < n;) {
		index++;
		if (s[i] >= 0x20 && s[i] < 0x7F) {
			i++;
			continue;
		}
		ascii = ascii && s[i] < 0x80;
		UChar32 c;
		U8_NEXT(s, i, n, c);
		if (c < 0) {
			rg_diag_err(d, "text.utf8", file, line, column, "save the file as UTF-8",
			            "%s is not valid UTF-8", what);
			return false;
		}
		enum rg_text_class k = rg_text_class_of((uint32_t)c);
		if (k == RG_TEXT_PLAIN)
			continue;
		char desc[160];
		rg_text_describe(desc, sizeof desc, (uint32_t)c);
		rg_diag_err(d, class_codes[k], file, line, column,
		            "remove it: identifiers and names that are compared may hold no control, "
		            "bidirectional or invisible character, which would make different values "
		            "look alike",
		            "%s \"%.*s%s\" holds %s at character %ld, %s", what, (int)shown, str, more,
		            desc, index, class_words[k]);
		return false;
	}
	if (ascii)
		return true; /* ASCII is always NFC */
	long at = nfc_problem(str, len);
	if (at < 0) {
		rg_diag_err(d, "env.nomem", file, line, column, NULL, "out of memory");
		return false;
	}
	if (at > 0) {
		rg_diag_err(d, "text.nfc", file, line, column,
		            "write it in NFC, with composed characters: e.g. \"\xC3\xA9\" as the one "
		            "code point U+00E9, not \"e\" followed by U+0301 (most editors can convert)",
		            "%s \"%.*s%s\" is not in Unicode normalization form NFC (from character %ld), "
		            "so it could equal another value that looks the same",
		            what, (int)shown, str, more, at);
		return false;
	}
	return true;
}

static USpoofChecker *spoof;
static pthread_once_t spoof_once = PTHREAD_ONCE_INIT;

enum step { FOLD, SKELETON };

/* One ICU step into a malloc'd buffer (sized by a first call); NULL when
 * out of memory or when ICU fails. */
static UChar *step(enum step k, const UChar *in, int32_t n, int32_t *out_len)
{
	int32_t cap = n * 2 + 16;
	for (int attempt = 0; attempt < 2; attempt++) {
		UChar *out = malloc((size_t)cap * sizeof *out);
		if (!out)
			return NULL;
		UErrorCode e = U_ZERO_ERROR;
		int32_t len = k == FOLD ? u_strFoldCase(out, cap, in, n, U_FOLD_CASE_DEFAULT, &e)
		                        : uspoof_getSkeleton(spoof, 0, in, n, out, cap, &e);
		if (U_SUCCESS(e) && len < cap) {
			*out_len = len;
			return out;
		}
		free(out);
		if (e != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(e))
			return NULL;
		cap = len + 1;
	}
	return NULL;
}

/* The key of u: skeleton, fold, skeleton.  TR39 maps digit zero to
 * capital O and "m" to "rn", so folding on only one side of the skeleton
 * would miss "MSG-0002" / "msg-ooo2"; the skeleton is idempotent.
 * malloc'd UTF-16, or NULL. */
static UChar *icu_key(const UChar *u, int32_t len, int32_t *out_len)
{
	static const enum step steps[] = {SKELETON, FOLD, SKELETON};
	UChar *cur = NULL;
	const UChar *in = u;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		UChar *next = step(steps[i], in, len, &len);
		free(cur);
		cur = next;
		in = next;
		if (!next)
			return NULL;
	}
	*out_len = len;
	return cur;
}

/* The key of each printable ASCII character, taken from ICU once: for an
 * ASCII identifier whose characters all have ASCII keys, the key is their
 * concatenation (NFD is the identity on ASCII, and TR39 maps single code
 * points), computed without ICU.  Identifiers are mostly ASCII and there
 * are up to --max-rows of them per file; the ICU path costs about 3 us an
 * identifier.  NULL entries (a key that is not ASCII) take the ICU path. */
static char *ascii_key[128];
static uint8_t ascii_key_len[128];

/* One checker for the process, opened on first use and never changed
 * afterwards (ICU allows concurrent use of an unmodified checker).  It
 * and the ASCII keys live until the process ends, like ICU's own data. */
static void open_spoof(void)
{
	UErrorCode e = U_ZERO_ERROR;
	spoof = uspoof_open(&e);
	if (U_FAILURE(e)) {
		spoof = NULL;
		return;
	}
	for (UChar c = 0x20; c < 0x7F; c++) {
		/* Concatenation holds when both the first skeleton and the key
		 * of the character are ASCII (no normalisation can then act
		 * across the boundary of two characters' parts). */
		int32_t n, n1;
		UChar *k1 = step(SKELETON, &c, 1, &n1);
		bool ascii = k1 != NULL;
		for (int32_t i = 0; ascii && i < n1; i++)
			ascii = k1[i] >= 0x20 && k1[i] < 0x7F;
		free(k1);
		UChar *k = ascii ? icu_key(&c, 1, &n) : NULL;
		ascii = k && n > 0 && n < 16;
		for (int32_t i = 0; ascii && i < n; i++)
			ascii = k[i] >= 0x20 && k[i] < 0x7F;
		if (ascii && (ascii_key[c] = malloc((size_t)n))) {
			for (int32_t i = 0; i < n; i++)
				ascii_key[c][i] = (char)k[i];
			ascii_key_len[c] = (uint8_t)n;
		}
		free(k);
	}
}

/* The key of an ASCII identifier from the table, or NULL (then ICU). */
static const char *ascii_skeleton(struct rg_arena *a, const char *s, size_t n, size_t *len)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80 || !ascii_key[c])
			return NULL;
		total += ascii_key_len[c];
	}
	char *out = rg_arena_alloc(a, total + 1);
	if (!out)
		return NULL;
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		memcpy(out + at, ascii_key[c], ascii_key_len[c]);
		at += ascii_key_len[c];
	}
	*len = total;
	return out;
}

const char *rg_text_skeleton(struct rg_arena *a, const char *s, size_t n, size_t *len)
{
	pthread_once(&spoof_once, open_spoof);
	if (!spoof)
		return NULL;
	const char *fast = ascii_skeleton(a, s, n, len);
	if (fast)
		return fast;
	UChar stack[512], *heap;
	int32_t ulen;
	UChar *u = to_utf16(s, n, stack, 512, &ulen, &heap);
	if (!u)
		return NULL;
	int32_t klen = 0;
	UChar *k = icu_key(u, ulen, &klen);
	free(heap);
	const char *out = NULL;
	UErrorCode e = U_ZERO_ERROR;
	int32_t blen = 0;
	if (k)
		u_strToUTF8(NULL, 0, &blen, k, klen, &e);
	if (k && (e == U_BUFFER_OVERFLOW_ERROR || U_SUCCESS(e))) {
		char *buf = rg_arena_alloc(a, (size_t)blen + 1);
		e = U_ZERO_ERROR;
		if (buf) {
			u_strToUTF8(buf, blen + 1, NULL, k, klen, &e);
			if (U_SUCCESS(e)) {
				*len = (size_t)blen;
				out = buf;
			}
		}
	}
	free(k);
	return out;
}
