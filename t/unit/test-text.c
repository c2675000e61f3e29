/*
 * test-text.c: unit tests for text.c, the UTF-8 helpers: strict validation
 * (overlongs, surrogates, beyond U+10FFFF, truncation), ASCII and Cyrillic
 * case folding, cutting on character boundaries and trimming with NBSP.
 */
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "tap.h"

static void valid(const char *s, int want, const char *name)
{
	tap_ok(crm_utf8_valid(s, strlen(s)) == want, name);
}

static void test_valid(void)
{
	valid("", 1, "valid: empty");
	valid("hello, world", 1, "valid: ASCII");
	valid("Привет, мир", 1, "valid: Cyrillic");
	valid("\xc2\x80", 1, "valid: U+0080, smallest 2-byte");
	valid("\xdf\xbf", 1, "valid: U+07FF, largest 2-byte");
	valid("\xe0\xa0\x80", 1, "valid: U+0800, smallest 3-byte");
	valid("\xed\x9f\xbf", 1, "valid: U+D7FF, just below the surrogates");
	valid("\xee\x80\x80", 1, "valid: U+E000, just above the surrogates");
	valid("\xef\xbf\xbf", 1, "valid: U+FFFF");
	valid("\xf0\x90\x80\x80", 1, "valid: U+10000, smallest 4-byte");
	valid("\xf0\x9f\x98\x80", 1, "valid: emoji U+1F600");
	valid("\xf4\x8f\xbf\xbf", 1, "valid: U+10FFFF, the last code point");
	tap_ok(crm_utf8_valid("a\0b", 3) == 1, "valid: NUL inside n bytes");
	tap_ok(crm_utf8_valid(NULL, 0) == 1, "valid: NULL with n 0");

	valid("\xc0\x80", 0, "invalid: overlong NUL C0 80");
	valid("\xc1\xbf", 0, "invalid: overlong C1 BF");
	valid("\xe0\x80\x80", 0, "invalid: overlong 3-byte E0 80 80");
	valid("\xe0\x9f\xbf", 0, "invalid: overlong 3-byte E0 9F BF");
	valid("\xf0\x80\x80\x80", 0, "invalid: overlong 4-byte F0 80 80 80");
	valid("\xf0\x8f\xbf\xbf", 0, "invalid: overlong 4-byte F0 8F BF BF");
	valid("\xed\xa0\x80", 0, "invalid: surrogate U+D800 (ED A0 80)");
	valid("\xed\xbf\xbf", 0, "invalid: surrogate U+DFFF (ED BF BF)");
	valid("\xf4\x90\x80\x80", 0, "invalid: U+110000 (F4 90 80 80)");
	valid("\xf5\x80\x80\x80", 0, "invalid: lead byte F5");
	valid("\xff", 0, "invalid: byte FF");
	valid("a\x80z", 0, "invalid: stray continuation byte");
	valid("\xd0", 0, "invalid: truncated 2-byte at the end");
	valid("\xe2\x82", 0, "invalid: truncated 3-byte at the end");
	valid("\xf0\x9f\x98", 0, "invalid: truncated 4-byte at the end");
	valid("\xe2\x82z", 0, "invalid: 3-byte cut by an ASCII byte");
	valid("\xd0\xd0\xb6", 0, "invalid: lead byte followed by a lead byte");
	tap_ok(crm_utf8_valid("\xd0\xb6", 1) == 0,
	       "invalid: n ends inside a character");
	tap_ok(crm_utf8_valid("\xf0\x9f\x98\x80", 3) == 0,
	       "invalid: n ends inside a 4-byte character");
}

static void fold(const char *s, const char *want, const char *name)
{
	char *got = crm_utf8_fold(s);

	tap_is(got, want, name);
	free(got);
}

static void test_fold(void)
{
	fold("", "", "fold: empty");
	fold("Hello, WORLD 42!", "hello, world 42!", "fold: ASCII");
	fold("АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ",
	     "абвгдежзийклмнопрстуфхцчшщъыьэюя",
	     "fold: the whole Russian capital alphabet");
	fold("ЀЁЂЃЄЅІЇЈЉЊЋЌЍЎЏ", "ѐёђѓєѕіїјљњћќѝўџ",
	     "fold: U+0400-040F (Ё, Ukrainian, Serbian)");
	fold("ЁЛКА", "ёлка", "fold: Ё");
	fold("ёжик Ёжик", "ёжик ёжик", "fold: lower case left alone");
	fold("ООО «Рога и Копыта», Ivan PETROV",
	     "ооо «рога и копыта», ivan petrov", "fold: mixed text");
	fold("ÉCOLE ΣΟΦΊΑ Ґ", "École ΣΟΦΊΑ Ґ",
	     "fold: other scripts copied as is");
	fold("\xd0" "A", "\xd0" "a", "fold: a bad lead byte does not eat 'A'");
	fold("ПР\xd0", "пр\xd0", "fold: trailing lone lead byte");
}

static void cut(const char *s, size_t max, size_t want, const char *name)
{
	tap_ok(crm_utf8_cut(s, max) == want, name);
}

static void test_cut(void)
{
	cut("", 5, 0, "cut: empty");
	cut("abc", 10, 3, "cut: shorter than max");
	cut("abc", 3, 3, "cut: exactly max");
	cut("abc", 2, 2, "cut: ASCII");
	cut("abc", 0, 0, "cut: max 0");
	/* "жж" is D0 B6 D0 B6 */
	cut("жж", 1, 0, "cut: inside the first 2-byte char");
	cut("жж", 2, 2, "cut: after the first 2-byte char");
	cut("жж", 3, 2, "cut: inside the second 2-byte char");
	cut("жж", 4, 4, "cut: whole 2-byte string");
	/* "a€b" is 61 E2 82 AC 62 */
	cut("a€b", 2, 1, "cut: after byte 1 of a 3-byte char");
	cut("a€b", 3, 1, "cut: after byte 2 of a 3-byte char");
	cut("a€b", 4, 4, "cut: after a 3-byte char");
	/* "x😀y" is 78 F0 9F 98 80 79 */
	cut("x😀y", 2, 1, "cut: after byte 1 of a 4-byte char");
	cut("x😀y", 3, 1, "cut: after byte 2 of a 4-byte char");
	cut("x😀y", 4, 1, "cut: after byte 3 of a 4-byte char");
	cut("x😀y", 5, 5, "cut: after a 4-byte char");
	cut("😀", 3, 0, "cut: nothing fits");
}

static void trim(const char *s, const char *want, const char *name)
{
	char *got = crm_strtrim(s);

	tap_is(got, want, name);
	tap_ok(got != s, "trim returns a copy");
	free(got);
}

static void test_trim(void)
{
	trim("", "", "trim: empty");
	trim("   ", "", "trim: only spaces");
	trim("abc", "abc", "trim: nothing to trim");
	trim("  a b  ", "a b", "trim: spaces, inner kept");
	trim("\t\n\v\f\r x \r\n", "x", "trim: all ASCII white space");
	trim("\xc2\xa0Иван\xc2\xa0", "Иван", "trim: NBSP both ends");
	trim(" \xc2\xa0 \xc2\xa0Иван Петров \xc2\xa0\t",
	     "Иван Петров", "trim: NBSP mixed with spaces");
	trim("a\xc2\xa0" "b", "a\xc2\xa0" "b", "trim: inner NBSP kept");
	trim("\xc2\xa0", "", "trim: only NBSP");
	trim("voilà ", "voilà", "trim: à (C3 A0) is not an NBSP");
	trim("ПР ", "ПР", "trim: Р (D0 A0) is not an NBSP");
	trim(" \xa0x", "\xa0x", "trim: lone A0 byte is not white space");
}

/* n copies of the UTF-8 character ch, newly allocated. */
static char *repeat(const char *ch, size_t n)
{
	size_t len = strlen(ch), i;
	char *s = malloc(len * n + 1);

	for (i = 0; i < n; i++)
		memcpy(s + i * len, ch, len);
	s[len * n] = '\0';
	return s;
}

static void test_limits(void)
{
	char *s = repeat("я", CRM_TEXT_MAX), *t = repeat("я", CRM_TEXT_MAX + 1);
	char *b = repeat("x", CRM_LONG_TEXT_MAX + 1);

	tap_ok(crm_text_check("name", s, strlen(s)) == CRM_OK,
	       "limits: 1000 Cyrillic characters (2000 bytes) are a name");
	tap_ok(crm_text_check("name", t, strlen(t)) == CRM_DATAERR, "limits: 1001 are not");
	tap_is(crm_error_message(), "1001 characters, more than the 1000 a name may hold",
	       "limits: the message counts characters");
	tap_ok(crm_text_check("source-ref", t, strlen(t)) == CRM_DATAERR,
	       "limits: an option's spelling source-ref is the column source_ref");
	tap_ok(crm_text_check("body", t, strlen(t)) == CRM_OK, "limits: 1001 characters are a body");
	tap_ok(crm_text_check("body", b, CRM_LONG_TEXT_MAX) == CRM_OK, "limits: 1 MB is a body");
	tap_ok(crm_text_check("body", b, CRM_LONG_TEXT_MAX + 1) == CRM_DATAERR,
	       "limits: 1 MB and a byte is not");
	tap_is(crm_error_message(), "1048577 bytes, more than the 1 MB a body may hold",
	       "limits: the message counts bytes");
	tap_ok(crm_text_is_long("needs") && crm_text_is_long("text") && !crm_text_is_long("phone") &&
	       !crm_text_is_long("legal-name"), "limits: which fields are long");
	free(s);
	free(t);
	free(b);
}

int main(void)
{
	test_valid();
	test_fold();
	test_cut();
	test_trim();
	test_limits();
	return tap_done();
}
