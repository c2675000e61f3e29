/*
 * text.c: the little UTF-8 the library needs. Names, companies and subjects
 * arrive in Russian as often as in English, so checks, case folding for
 * search and dedupe, cutting to a column width and trimming must not split
 * a character or miss a Cyrillic capital or a non-breaking space.
 */
#include <stdlib.h>
#include <string.h>

#include "crm.h"

/*
 * The length of the well-formed sequence at p (n bytes available), or 0.
 * The narrowed range of the second byte is what rules out overlongs
 * (E0, F0), surrogates (ED) and code points above U+10FFFF (F4).
 */
static size_t seq_len(const unsigned char *p, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] < 0xc2) /* a stray continuation, or an overlong C0/C1 lead */
		return 0;
	if (p[0] < 0xe0) {
		len = 2;
	} else if (p[0] < 0xf0) {
		len = 3;
		if (p[0] == 0xe0)
			lo = 0xa0;
		else if (p[0] == 0xed)
			hi = 0x9f;
	} else if (p[0] < 0xf5) {
		len = 4;
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

int crm_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	if (!s)
		return n == 0;
	while (i < n) {
		k = seq_len(p + i, n - i);
		if (!k)
			return 0;
		i += k;
	}
	return 1;
}

/*
 * Fold the two-byte sequence D0 xx at d (a copy of the source), if it is
 * a capital: U+0400-040F -> U+0450-045F (Ё -> ё), U+0410-041F -> U+0430-043F,
 * U+0420-042F -> U+0440-044F. Each stays two bytes, so the length holds.
 */
static void fold_d0(unsigned char *d)
{
	unsigned char c = d[1];

	if (c < 0x90) {
		d[0] = 0xd1;
		d[1] = c + 0x10;
	} else if (c < 0xa0) {
		d[1] = c + 0x20;
	} else if (c < 0xb0) {
		d[0] = 0xd1;
		d[1] = c - 0x20;
	}
}

char *crm_utf8_fold(const char *s)
{
	size_t n, i;
	unsigned char *d;

	if (!s)
		return NULL;
	n = strlen(s);
	d = malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n + 1);
	for (i = 0; i < n; i++) {
		if (d[i] >= 'A' && d[i] <= 'Z') {
			d[i] += 'a' - 'A';
		} else if (d[i] == 0xd0 && (d[i + 1] & 0xc0) == 0x80) {
			fold_d0(d + i);
			i++; /* the continuation byte is done */
		}
	}
	return (char *)d;
}

size_t crm_utf8_cut(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	/* s[n] is readable (a byte of s or its NUL); back off a split char. */
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* The length of the white space at s: ASCII, or U+00A0 (C2 A0); else 0. */
static size_t space_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (p[0] == ' ' || (p[0] >= '\t' && p[0] <= '\r'))
		return 1;
	if (p[0] == 0xc2 && p[1] == 0xa0)
		return 2;
	return 0;
}

char *crm_strtrim(const char *s)
{
	const char *end;
	size_t k, n;
	char *d;

	while ((k = space_len(s)) != 0)
		s += k;
	end = s + strlen(s);
	while (end > s) {
		if (space_len(end - 1) == 1)
			end--;
		else if (end - s >= 2 && space_len(end - 2) == 2)
			end -= 2;
		else
			break;
	}
	n = end - s;
	d = malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* The short fields, by the names of their columns and options ("-" and "_"
 * alike). Every other field is a long text: a body, a note's text, needs,
 * and the lists the commands print (a party's phones, a request's show). */
static const char *const short_fields[] = {
	"address", "assignee", "channel", "company", "dept", "due", "email", "inn", "kind",
	"kpp", "legal_name", "login", "name", "payment", "phone", "reason", "received", "role",
	"source_ref", "status", "subject", "tag", "tags", "title", "to",
};

static int same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (*a != *b && !((*a == '-' || *a == '_') && (*b == '-' || *b == '_')))
			return 0;
	return *a == *b;
}

int crm_text_is_long(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof short_fields / sizeof *short_fields; i++)
		if (same_name(name, short_fields[i]))
			return 0;
	return 1;
}

/* The number of characters of the n bytes (valid UTF-8) at s. */
static size_t count_chars(const char *s, size_t n)
{
	size_t i, chars = 0;

	for (i = 0; i < n; i++)
		chars += ((unsigned char)s[i] & 0xc0) != 0x80;
	return chars;
}

int crm_text_check(const char *name, const char *s, size_t n)
{
	size_t chars;

	if (crm_text_is_long(name)) {
		if (n <= CRM_LONG_TEXT_MAX)
			return CRM_OK;
		return crm_error_set(CRM_DATAERR, "%zu bytes, more than the %d MB a %s may hold", n,
				     CRM_LONG_TEXT_MAX / (1024 * 1024), name);
	}
	if (n <= CRM_TEXT_MAX || (chars = count_chars(s, n)) <= CRM_TEXT_MAX)
		return CRM_OK;
	return crm_error_set(CRM_DATAERR, "%zu characters, more than the %d a %s may hold", chars,
			     CRM_TEXT_MAX, name);
}
