/*
 * test_core_text.c: core/text.h, the rules that keep a bundle from
 * spoofing what its readers see (docs/security.md, "Spoofed display").
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uspoof.h>
#include <unicode/ustring.h>

#include "core/text.h"

Test(text, classes_follow_unicode_properties)
{
	cr_expect_eq(rg_text_class_of('a'), RG_TEXT_PLAIN);
	cr_expect_eq(rg_text_class_of(0x00E9), RG_TEXT_PLAIN);   /* é */
	cr_expect_eq(rg_text_class_of(0x0430), RG_TEXT_PLAIN);   /* Cyrillic а */
	cr_expect_eq(rg_text_class_of(0x0600), RG_TEXT_PLAIN);   /* ARABIC NUMBER SIGN: drawn */
	cr_expect_eq(rg_text_class_of(0x1B), RG_TEXT_CONTROL);   /* ESC */
	cr_expect_eq(rg_text_class_of('\n'), RG_TEXT_CONTROL);
	cr_expect_eq(rg_text_class_of(0x7F), RG_TEXT_CONTROL);   /* DEL */
	cr_expect_eq(rg_text_class_of(0x9B), RG_TEXT_CONTROL);   /* C1 CSI */
	static const uint32_t bidi[] = {0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C,
	                                0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069};
	for (size_t i = 0; i < sizeof bidi / sizeof bidi[0]; i++)
		cr_expect_eq(rg_text_class_of(bidi[i]), RG_TEXT_BIDI, "U+%04X", bidi[i]);
	static const uint32_t invisible[] = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD,
	                                     0x2028, 0x2029, 0x034F, 0x115F, 0xE0041};
	for (size_t i = 0; i < sizeof invisible / sizeof invisible[0]; i++)
		cr_expect_eq(rg_text_class_of(invisible[i]), RG_TEXT_INVISIBLE, "U+%04X",
		             invisible[i]);
	cr_expect_eq(rg_text_class_of(0xFE0F), RG_TEXT_SELECTOR);
}

Test(text, describe_names_the_code_point)
{
	char buf[128];
	rg_text_describe(buf, sizeof buf, 0x202E);
	cr_expect_str_eq(buf, "U+202E RIGHT-TO-LEFT OVERRIDE");
	rg_text_describe(buf, sizeof buf, 0x200B);
	cr_expect_str_eq(buf, "U+200B ZERO WIDTH SPACE");
	rg_text_describe(buf, sizeof buf, 0x1B);
	cr_expect_str_eq(buf, "U+001B (a control character)");
	rg_text_describe(buf, 12, 0x202E); /* always terminated */
	cr_expect_eq(strlen(buf), 11);
}

static void expect_visible(const char *in, size_t n, unsigned flags, const char *want)
{
	char *got = rg_text_visible(in, n, flags);
	cr_assert_not_null(got);
	cr_expect_str_eq(got, want);
	free(got);
}

Test(text, visible_escapes_what_would_act_or_hide)
{
	const char *s = "NON-\xE2\x80\xAE" "TNAILPMOC"; /* U+202E */
	expect_visible(s, strlen(s), 0, "NON-<U+202E>TNAILPMOC");
	s = "\x1B[2J\x1B[31mok";
	expect_visible(s, strlen(s), 0, "<U+001B>[2J<U+001B>[31mok");
	s = "a\nb\tc\rd";
	expect_visible(s, strlen(s), 0, "a<U+000A>b<U+0009>c<U+000D>d");
	expect_visible(s, strlen(s), RG_TEXT_KEEP_LINES, "a\nb\tc<U+000D>d");
	s = "S-\xE2\x80\x8B" "1\xC2\x9B"; /* ZWSP, C1 CSI */
	expect_visible(s, strlen(s), 0, "S-<U+200B>1<U+009B>");
	s = "caf\xC3\xA9 \xE2\x9D\xA4\xEF\xB8\x8F \xD0\xB0"; /* é, heart + VS16, Cyrillic а */
	expect_visible(s, strlen(s), 0, s);
	expect_visible("bad \xFF\xC3 end", 10, 0, "bad <0xFF><0xC3> end");
	expect_visible("nul\0x", 5, 0, "nul<U+0000>x");
	expect_visible("", 0, 0, "");
}

static size_t unstorable(const char *s, uint32_t *cp)
{
	*cp = 0;
	return rg_text_find_unstorable(s, strlen(s), cp);
}

Test(text, unstorable_is_c0_del_and_noncharacters)
{
	uint32_t cp;
	const char *plain = "plain text, long enough for the fast path";
	cr_expect_eq(unstorable(plain, &cp), strlen(plain));
	const char *lines = "tab\there\r\nand more text";
	cr_expect_eq(unstorable(lines, &cp), strlen(lines));
	cr_expect_eq(unstorable("0123456789abcdef\x1B[0m", &cp), 16);
	cr_expect_eq(cp, 0x1B);
	cr_expect_eq(unstorable("01234567\x7F", &cp), 8);
	cr_expect_eq(cp, 0x7F);
	cr_expect_eq(unstorable("\x01", &cp), 0);
	const char *c1 = "\xC2\x9B UTF-8 C1 is not C0, \xE2\x80\xAE bidi neither";
	cr_expect_eq(unstorable(c1, &cp), strlen(c1));
	cr_expect_eq(unstorable("CHG-\xEF\xBF\xBF" "140", &cp), 4); /* U+FFFF */
	cr_expect_eq(cp, 0xFFFF);
	cr_expect_eq(unstorable("\xC3\xA9\xEF\xB7\x90", &cp), 2); /* é U+FDD0 */
	cr_expect_eq(cp, 0xFDD0);
	cr_expect_eq(unstorable("x\xF0\x9F\xBF\xBE", &cp), 1); /* U+1FFFE */
	cr_expect_eq(cp, 0x1FFFE);
}

static const struct rg_diag *check(struct rg_diags *d, const char *s, bool want)
{
	rg_diags_free(d);
	rg_diags_init(d);
	cr_expect_eq(rg_text_check_id(d, "findings.csv", 3, "email_id", "identifier", s, strlen(s)),
	             want, "%s", s);
	return d->n ? &d->v[0] : NULL;
}

Test(text, identifiers_refuse_hidden_characters_and_non_nfc)
{
	struct rg_diags d;
	rg_diags_init(&d);
	cr_expect_null(check(&d, "MSG-0001", true));
	cr_expect_null(check(&d, "caf\xC3\xA9-\xD0\xB0", true)); /* NFC, non-ASCII */
	const struct rg_diag *g = check(&d, "MSG-\xE2\x80\xAE" "0002", false);
	cr_assert_not_null(g);
	cr_expect_str_eq(g->code, "text.bidi");
	cr_expect_str_eq(g->file, "findings.csv");
	cr_expect_eq(g->line, 3);
	cr_expect_str_eq(g->column, "email_id");
	cr_expect(strstr(g->message, "U+202E RIGHT-TO-LEFT OVERRIDE at character 5"), "%s",
	          g->message);
	g = check(&d, "S-\xE2\x80\x8B" "2", false);
	cr_assert_not_null(g);
	cr_expect_str_eq(g->code, "text.invisible");
	cr_expect(strstr(g->message, "U+200B ZERO WIDTH SPACE at character 3"), "%s", g->message);
	g = check(&d, "x\xC2\x85", false); /* C1 NEXT LINE */
	cr_assert_not_null(g);
	cr_expect_str_eq(g->code, "text.control");
	g = check(&d, "cafe\xCC\x81", false); /* e + COMBINING ACUTE: NFD */
	cr_assert_not_null(g);
	cr_expect_str_eq(g->code, "text.nfc");
	cr_expect(strstr(g->message, "from character 4"), "%s", g->message);
	g = check(&d, "bad\xFF", false);
	cr_assert_not_null(g);
	cr_expect_str_eq(g->code, "text.utf8");
	rg_diags_free(&d);
}

static const char *skel(struct rg_arena *a, const char *s)
{
	size_t n;
	const char *k = rg_text_skeleton(a, s, strlen(s), &n);
	cr_assert_not_null(k, "%s", s);
	cr_assert_eq(strlen(k), n);
	return k;
}

Test(text, skeletons_match_look_alikes_and_case)
{
	struct rg_arena a;
	rg_arena_init(&a);
	cr_expect_str_eq(skel(&a, "MSG-a"), skel(&a, "MSG-\xD0\xB0"));  /* Latin a, Cyrillic а */
	cr_expect_str_eq(skel(&a, "S-1"), skel(&a, "S-l"));
	cr_expect_str_eq(skel(&a, "S-1"), skel(&a, "s-I"));
	cr_expect_str_eq(skel(&a, "MSG-0002"), skel(&a, "msg-OOO2"));
	cr_expect_str_eq(skel(&a, "paypal"), skel(&a, "PAYPAL"));
	cr_expect_str_neq(skel(&a, "S-1"), skel(&a, "S-2"));
	cr_expect_str_neq(skel(&a, "MSG-0001"), skel(&a, "MSG-0007"));
	rg_arena_free(&a);
}

/* ASCII identifiers take a table built from ICU once; the key must be what
 * ICU's own pipeline (skeleton, fold, skeleton) gives for the whole string. */
static void icu_reference(USpoofChecker *sc, const char *s, char *out, size_t cap)
{
	UChar u[256], a[1024], b[1024], c[1024];
	int32_t n;
	UErrorCode e = U_ZERO_ERROR;
	u_strFromUTF8(u, 256, &n, s, -1, &e);
	n = uspoof_getSkeleton(sc, 0, u, n, a, 1024, &e);
	n = u_strFoldCase(b, 1024, a, n, U_FOLD_CASE_DEFAULT, &e);
	n = uspoof_getSkeleton(sc, 0, b, n, c, 1024, &e);
	u_strToUTF8(out, (int32_t)cap, NULL, c, n, &e);
	cr_assert(U_SUCCESS(e), "%s: %s", s, u_errorName(e));
}

Test(text, ascii_skeletons_agree_with_icu)
{
	UErrorCode e = U_ZERO_ERROR;
	USpoofChecker *sc = uspoof_open(&e);
	cr_assert(U_SUCCESS(e));
	struct rg_arena a;
	rg_arena_init(&a);
	char s[8], want[4096];
	for (int x = 0x20; x < 0x7F; x++)
		for (int y = 0x20; y < 0x7F; y++) {
			s[0] = (char)x, s[1] = (char)y, s[2] = '\0';
			icu_reference(sc, s, want, sizeof want);
			cr_assert_str_eq(skel(&a, s), want, "\"%s\"", s);
		}
	static const char *const ids[] = {"MSG-0001", "S-1", "rn-m", "paypal.com", "A|l1I", "`~^"};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		icu_reference(sc, ids[i], want, sizeof want);
		cr_expect_str_eq(skel(&a, ids[i]), want, "%s", ids[i]);
	}
	rg_arena_free(&a);
	uspoof_close(sc);
}

Test(text, clip_keeps_whole_characters)
{
	const char *s = "ab\xE2\x80\xAE" "cd"; /* a b U+202E c d */
	cr_expect_eq(rg_text_clip(s, strlen(s), 100), strlen(s));
	cr_expect_eq(rg_text_clip(s, strlen(s), 3), 2);
	cr_expect_eq(rg_text_clip(s, strlen(s), 4), 2);
	cr_expect_eq(rg_text_clip(s, strlen(s), 5), 5);
}
