/*
 * text.h: text from a bundle shown as what it is (docs/security.md,
 * "Spoofed display").
 *
 * A bundle's strings reach three kinds of reader: a terminal (check's table
 * and every diagnostic), the PDFs, and report.xml.  Control characters can
 * rewrite a terminal (ESC sequences), bidirectional controls reorder what a
 * line appears to say (U+202E makes "NON-COMPLIANT" read backwards),
 * invisible characters make two different identifiers look the same.  This
 * module classifies such code points, turns them into a visible form for
 * display (<U+202E>), checks identifiers (no such code point, Unicode NFC)
 * and gives a TR39 skeleton so that look-alike identifiers can be warned
 * about.  report.xml is data and keeps every string exactly; only what is
 * displayed goes through rg_text_visible.
 *
 * All strings are UTF-8 with a length (no NUL needed).  Invalid UTF-8 is
 * shown byte by byte (<0xFF>) rather than trusted.
 */
#ifndef RG_TEXT_H
#define RG_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/diag.h"

enum rg_text_class {
	RG_TEXT_PLAIN,     /* shown as it is */
	RG_TEXT_CONTROL,   /* C0 and C1 controls and DEL (general category Cc) */
	RG_TEXT_BIDI,      /* Bidi_Control: U+061C, U+200E/F, U+202A-202E, U+2066-2069 */
	RG_TEXT_INVISIBLE, /* other format characters (Cf: U+200B-200D, U+2060, U+FEFF...),
	                      line/paragraph separators, other default-ignorables and
	                      noncharacters (U+FDD0-FDEF, U+xxFFFE/F) */
	RG_TEXT_SELECTOR,  /* variation selectors: invisible, but they only pick the
	                      glyph of the character before them (emoji) */
};

enum rg_text_class rg_text_class_of(uint32_t cp);

/* "U+202E RIGHT-TO-LEFT OVERRIDE"; for a code point without a name (the
 * controls) "U+001B (a control character)".  Always NUL-terminated. */
void rg_text_describe(char *buf, size_t size, uint32_t cp);

enum {
	RG_TEXT_KEEP_LINES = 1, /* keep LF and TAB as they are (the PDFs lay out lines) */
};

/* A copy of s[0..n) for display: every CONTROL, BIDI and INVISIBLE code
 * point becomes "<U+XXXX>", every byte of invalid UTF-8 "<0xXX>"; the rest
 * (selectors included) is copied.  malloc'd, NUL-terminated, caller frees;
 * NULL only when out of memory. */
char *rg_text_visible(const char *s, size_t n, unsigned flags);

/* The offset of the first code point of s[0..n) (valid UTF-8) that the
 * reports cannot hold, and the code point in *cp; n when there is none:
 * C0 controls other than TAB, LF and CR, and DEL (XML 1.0 cannot hold C0
 * controls), and the Unicode noncharacters U+FDD0-FDEF and U+xxFFFE/F
 * (XML 1.0 cannot hold U+FFFE and U+FFFF, cairo refuses all of them).  The
 * bundle reader refuses them in every CSV field and manifest attribute. */
size_t rg_text_find_unstorable(const char *s, size_t n, uint32_t *cp);

/* The length of at most max bytes of s[0..n) that does not end inside a
 * UTF-8 sequence, for quoting part of a value in a message. */
size_t rg_text_clip(const char *s, size_t n, size_t max);

/* Checks an identifier (valid UTF-8): no code point of a class other than
 * PLAIN, and in Unicode NFC.  On a problem appends one error naming file,
 * line, column, the code point and its position (1-based, in characters)
 * and returns false.  `what` names the value in the message
 * ("identifier", "entry name"). */
bool rg_text_check_id(struct rg_diags *d, const char *file, unsigned long line,
                      const char *column, const char *what, const char *s, size_t n);

/* The TR39 confusable skeleton of the case-folded identifier s[0..n), in
 * the arena (*len bytes, NUL-terminated; not meant for display): two
 * identifiers with equal skeletons look alike or differ only by case.
 * NULL when out of memory or when ICU refuses the string. */
const char *rg_text_skeleton(struct rg_arena *a, const char *s, size_t n, size_t *len);

#endif
