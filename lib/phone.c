/*
 * phone.c: phone numbers as people write them ("8 (495) 123-45-67 доб. 12")
 * turned into E.164 ("+74951234567") with the extension kept apart, so that
 * a call, a letter and a web form from the same person find the same party.
 * Anything that is not a digit, a separator or an extension marker is an
 * error: a guess would merge the wrong parties.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

#define MAXDIGITS 32 /* more than any number with its prefixes */
#define MAXEXT 15    /* what struct crm_phone's ext holds */
#define SHOWN 80     /* bytes of the raw value quoted in a message */

struct scan {
	char d[MAXDIGITS + 1]; /* the digits before the extension */
	size_t n;              /* their count, even past MAXDIGITS */
	char ext[MAXEXT + 1];
	size_t next;
	int plus;
};

/* Extension markers, in folded (lower) case: "ext. 12", "доб. 12", "#12". */
static const char *const markers[] = { "ext", "доб", "вн", "x", "#" };

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The length of a separator at s, or 0: ASCII white space, - . / ( ),
 * and what word processors and web pages put in numbers: U+00A0,
 * U+2000-2015 (spaces, zero-width marks, dashes), U+202F, U+2212, U+FEFF.
 */
static size_t sep_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (p[0] && strchr(" \t\n\v\f\r-./()", p[0]))
		return 1;
	if (p[0] == 0xc2 && p[1] == 0xa0)
		return 2;
	if (p[0] == 0xe2 && p[1] == 0x80 &&
	    ((p[2] >= 0x80 && p[2] <= 0x95) || p[2] == 0xaf))
		return 3;
	if (p[0] == 0xe2 && p[1] == 0x88 && p[2] == 0x92)
		return 3;
	if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		return 3;
	return 0;
}

static size_t marker_len(const char *s)
{
	size_t i, k;

	for (i = 0; i < sizeof markers / sizeof markers[0]; i++) {
		k = strlen(markers[i]);
		if (strncmp(s, markers[i], k) == 0)
			return k;
	}
	return 0;
}

/* The code point of the (valid) UTF-8 character at s and its length. */
static unsigned long decode(const char *s, size_t *len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long c = p[0];
	size_t i;

	if (c < 0x80) {
		*len = 1;
		return c;
	}
	*len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	c &= 0x3f >> (*len - 1);
	for (i = 1; i < *len; i++)
		c = c << 6 | (p[i] & 0x3f);
	return c;
}

/* Latin (with accents), Greek and Cyrillic letters: what people type. */
static int is_letter(unsigned long c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= 0xc0 && c <= 0x24f && c != 0xd7 && c != 0xf7) ||
	       (c >= 0x370 && c <= 0x52f);
}

/* Say why the character at s (in the raw value) does not belong. */
static int bad_char(const char *s, char *why, size_t size)
{
	size_t len;
	unsigned long c = decode(s, &len);

	if (is_letter(c))
		snprintf(why, size, "letters in a phone number");
	else if (c < 0x20 || c == 0x7f)
		snprintf(why, size, "control character 0x%02lx", c);
	else
		snprintf(why, size, "unexpected \"%.*s\"", (int)len, s);
	return -1;
}

static void add_digit(char *buf, size_t max, size_t *n, char c)
{
	if (*n < max)
		buf[*n] = c;
	++*n;
}

/* The extension after its marker: digits and separators to the end. */
static int scan_ext(const char *raw, const char *f, size_t i, struct scan *sc,
		    char *why, size_t size)
{
	size_t k;

	while (f[i]) {
		if (is_digit(f[i])) {
			add_digit(sc->ext, MAXEXT, &sc->next, f[i]);
			i++;
		} else if ((k = sep_len(f + i)) != 0) {
			i += k;
		} else {
			return bad_char(raw + i, why, size);
		}
	}
	if (sc->next == 0) {
		snprintf(why, size, "no digits in the extension");
		return -1;
	}
	if (sc->next > MAXEXT) {
		snprintf(why, size, "extension too long (%zu digits)", sc->next);
		return -1;
	}
	sc->ext[sc->next] = '\0';
	return 0;
}

/*
 * Collect the digits of raw, f being raw folded to lower case (same
 * offsets, so that markers match in any case and messages quote raw).
 */
static int scan(const char *raw, const char *f, struct scan *sc, char *why,
		size_t size)
{
	size_t i = 0, k;

	memset(sc, 0, sizeof *sc);
	while (f[i]) {
		if (is_digit(f[i])) {
			add_digit(sc->d, MAXDIGITS, &sc->n, f[i]);
			i++;
		} else if ((k = sep_len(f + i)) != 0) {
			i += k;
		} else if (f[i] == '+' && !sc->plus && sc->n == 0) {
			sc->plus = 1;
			i++;
		} else if (f[i] == '+') {
			snprintf(why, size, "\"+\" in the middle");
			return -1;
		} else if (sc->n > 0 && (k = marker_len(f + i)) != 0) {
			return scan_ext(raw, f, i + k, sc, why, size);
		} else {
			return bad_char(raw + i, why, size);
		}
	}
	return 0;
}

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int count_error(const char *what, size_t n, char *why, size_t size)
{
	snprintf(why, size, "%s (%zu digit%s)", what, n, n == 1 ? "" : "s");
	return -1;
}

/*
 * Where the country code comes from: the digits themselves after "+",
 * "00" or (in Russia) "810"; else the default country, replacing the
 * trunk prefix ("8" with +7, "0" elsewhere) or in front of a national
 * number. Eleven digits or more without a prefix already carry one.
 */
static int to_e164(const struct scan *sc, const char *cc, char *num,
		   size_t numsize, char *why, size_t size)
{
	const char *d = sc->d, *pre = "";
	size_t n = sc->n, m, k;

	if (n > MAXDIGITS)
		return count_error("too long", n, why, size);
	if (n < 8)
		return count_error("too short", n, why, size);
	if (sc->plus) {
		/* the country code is written out */
	} else if (starts(d, "00")) {
		d += 2;
	} else if (strcmp(cc, "7") == 0) {
		if (starts(d, "810")) {
			d += 3;
		} else if (n == 11 && (d[0] == '7' || d[0] == '8')) {
			pre = "7";
			d++;
		} else if (n == 10) {
			pre = "7";
		} else if (n < 11) {
			return count_error("too short", n, why, size);
		} else if (d[0] == '7' || d[0] == '8') {
			/* a Russian number with a digit too many, not Asia */
			return count_error("too long", n, why, size);
		}
	} else if (d[0] == '0') {
		pre = cc;
		d++;
	} else if (n < 11) {
		pre = cc;
	}
	k = strlen(pre);
	m = k + strlen(d);
	if (m < 8)
		return count_error("too short", m, why, size);
	if (m > 15 || m + 2 > numsize)
		return count_error("too long", m, why, size);
	if (!*pre && *d == '0') {
		snprintf(why, size, "no country code starts with 0");
		return -1;
	}
	num[0] = '+';
	memcpy(num + 1, pre, k);
	memcpy(num + 1 + k, d, m - k + 1);
	return 0;
}

/* A country calling code is one to three digits, never starting with 0. */
static int country_ok(const char *cc)
{
	size_t n = cc ? strlen(cc) : 0;

	if (n < 1 || n > 3 || cc[0] == '0')
		return 0;
	return strspn(cc, "0123456789") == n;
}

/* Nothing but ASCII white space and NBSP. */
static int blank(const char *s)
{
	for (;;) {
		s += strspn(s, " \t\n\v\f\r");
		if ((unsigned char)s[0] != 0xc2 || (unsigned char)s[1] != 0xa0)
			return *s == '\0';
		s += 2;
	}
}

static int fail(const char *raw, const char *why)
{
	size_t n = crm_utf8_cut(raw, SHOWN);

	return crm_error_set(CRM_DATAERR, "bad phone \"%.*s%s\": %s", (int)n,
			     raw, raw[n] ? "..." : "", why);
}

int crm_phone_normalize(const char *raw, const char *country, struct crm_phone *out)
{
	struct scan sc;
	char why[128], *f;
	size_t m;
	int rc;

	memset(out, 0, sizeof *out);
	if (!country_ok(country))
		return crm_error_set(CRM_CONFIG,
				     "bad country calling code \"%s\": not 1 to 3 digits",
				     country ? country : "");
	if (!raw)
		raw = "";
	if (!crm_utf8_valid(raw, strlen(raw)))
		return fail(raw, "not valid UTF-8");
	f = crm_utf8_fold(raw);
	if (!f)
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	rc = scan(raw, f, &sc, why, sizeof why);
	free(f);
	if (rc == 0 && sc.n == 0)
		return fail(raw, blank(raw) ? "empty" : "no digits");
	if (rc == 0)
		rc = to_e164(&sc, country, out->e164, sizeof out->e164, why, sizeof why);
	if (rc != 0)
		return fail(raw, why);
	m = strlen(out->e164 + 1);
	memcpy(out->tail10, out->e164 + 1 + (m > 10 ? m - 10 : 0),
	       (m > 10 ? 10 : m) + 1);
	memcpy(out->ext, sc.ext, sizeof out->ext);
	return 0;
}
