/*
 * email.c: e-mail addresses as they come from mail headers, web forms and
 * spreadsheets ("Ivan <Ivan@Example.RU>", "mailto:ivan@example.ru") turned
 * into one lower-case spelling, so that the same sender is found by the
 * same key. The check is deliberately plain (no quoted local parts, no IP
 * literals): what people type into a CRM, not all that RFC 5322 allows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

#define LOCAL_MAX 64
#define LABEL_MAX 63
#define ADDR_MAX 254
#define SHOWN 80 /* bytes of the raw value quoted in a message */

static int why_set(char *why, size_t size, const char *reason)
{
	snprintf(why, size, "%s", reason);
	return -1;
}

/* Skip a "mailto:" prefix in any case; 1 if there was one. */
static int skip_mailto(char **s)
{
	static const char prefix[] = "mailto:";
	size_t i;

	for (i = 0; prefix[i]; i++) {
		char c = (*s)[i];

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != prefix[i])
			return 0;
	}
	*s += i;
	return 1;
}

/*
 * Point *addr at the address inside s (changed in place): without
 * "mailto:" and its "?subject=..." query, and from "Name <addr>" or
 * "<addr>" the part inside the last pair of angle brackets.
 */
static int unwrap(char *s, char **addr, char *why, size_t size)
{
	size_t len;
	char *lt;
	int url;

	url = skip_mailto(&s);
	len = strlen(s);
	lt = strrchr(s, '<');
	if (lt || (len > 0 && s[len - 1] == '>')) {
		if (!lt || s[len - 1] != '>' || strchr(lt, '>') != s + len - 1)
			return why_set(why, size, "unbalanced < and >");
		s[len - 1] = '\0';
		s = lt + 1;
	}
	if (skip_mailto(&s) || url)
		s[strcspn(s, "?")] = '\0';
	*addr = s;
	return 0;
}

static void lower_ascii(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
}

/* White space and control characters are wrong anywhere in an address. */
static int check_chars(const char *s, char *why, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!crm_utf8_valid(s, strlen(s)))
		return why_set(why, size, "not valid UTF-8");
	for (; *p; p++) {
		if (*p == ' ' || *p == '\t' || (p[0] == 0xc2 && p[1] == 0xa0))
			return why_set(why, size, "space in the address");
		if (*p < 0x20 || *p == 0x7f)
			return why_set(why, size, "control character in the address");
	}
	return 0;
}

static int check_local(const char *s, size_t n, char *why, size_t size)
{
	size_t i;

	if (n == 0)
		return why_set(why, size, "nothing before the @");
	if (n > LOCAL_MAX) {
		snprintf(why, size, "local part too long (%zu bytes, at most %d)",
			 n, LOCAL_MAX);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (strchr("<>()[],;:\"\\", s[i])) {
			snprintf(why, size, "\"%c\" before the @", s[i]);
			return -1;
		}
		if (s[i] == '.' && (i == 0 || i == n - 1 || s[i + 1] == '.'))
			return why_set(why, size, i == 0 ? "dot at the start" :
					      i == n - 1 ? "dot before the @" :
					      "two dots in a row before the @");
	}
	return 0;
}

static int is_label_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
	       c >= 0x80;
}

/* One label of the domain: n bytes at s. */
static int check_label(const char *s, size_t n, char *why, size_t size)
{
	size_t i;

	if (n == 0)
		return why_set(why, size, "empty label in the domain");
	if (n > LABEL_MAX) {
		snprintf(why, size, "domain label too long (%zu bytes, at most %d)",
			 n, LABEL_MAX);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!is_label_char((unsigned char)s[i])) {
			snprintf(why, size, "\"%c\" in the domain", s[i]);
			return -1;
		}
	}
	if (s[0] == '-' || s[n - 1] == '-')
		return why_set(why, size, "domain label starts or ends with \"-\"");
	return 0;
}

static int check_domain(const char *s, char *why, size_t size)
{
	const char *label = s, *dot;
	size_t n;

	if (!*s)
		return why_set(why, size, "no domain");
	if (!strchr(s, '.'))
		return why_set(why, size, "no dot in the domain");
	for (;;) {
		dot = strchr(label, '.');
		n = dot ? (size_t)(dot - label) : strlen(label);
		if (check_label(label, n, why, size) != 0)
			return -1;
		if (!dot)
			break;
		label = dot + 1;
	}
	if (strspn(label, "0123456789") == n)
		return why_set(why, size, "top-level domain is all digits");
	return 0;
}

static int check(const char *a, char *why, size_t size)
{
	const char *at = strchr(a, '@');
	size_t n = strlen(a);

	if (n == 0)
		return why_set(why, size, "empty");
	if (check_chars(a, why, size) != 0)
		return -1;
	if (!at)
		return why_set(why, size, "no @");
	if (strchr(at + 1, '@'))
		return why_set(why, size, "two @");
	if (check_local(a, at - a, why, size) != 0 ||
	    check_domain(at + 1, why, size) != 0)
		return -1;
	if (n > ADDR_MAX) {
		snprintf(why, size, "too long (%zu bytes, at most %d)", n, ADDR_MAX);
		return -1;
	}
	return 0;
}

int crm_email_normalize(const char *raw, char **out)
{
	char why[128], *t, *a;
	size_t n;
	int rc;

	*out = NULL;
	if (!raw)
		raw = "";
	t = crm_strtrim(raw);
	if (!t)
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	rc = unwrap(t, &a, why, sizeof why);
	if (rc == 0) {
		lower_ascii(a);
		rc = check(a, why, sizeof why);
	}
	if (rc != 0) {
		free(t);
		n = crm_utf8_cut(raw, SHOWN);
		return crm_error_set(CRM_DATAERR, "bad e-mail \"%.*s%s\": %s",
				     (int)n, raw, raw[n] ? "..." : "", why);
	}
	memmove(t, a, strlen(a) + 1);
	*out = t;
	return 0;
}
