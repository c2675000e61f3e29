/*
 * amount.c: quantities and money as integers, never floating point:
 * quantities in thousandths of a unit ("2.5" is 2500), money in kopecks
 * ("1234.50" is 123450). Printed without trailing zeros for quantities,
 * with two decimals for money (sqlfunc.c offers the same to queries).
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

/* A decimal with at most places decimals into an integer of that scale. */
static int parse_scaled(const char *what, const char *s, int places, int64_t *out)
{
	const char *p = s;
	int64_t v = 0, scale = 1;
	int neg = 0, frac = -1, i;

	if (!s || !*s)
		return crm_error_set(CRM_DATAERR, "%s is missing", what);
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (!isdigit((unsigned char)*p) && !(*p == '.' && isdigit((unsigned char)p[1])))
		return crm_error_set(CRM_DATAERR, "bad %s \"%s\": expected a number like 2 or 2.5",
				     what, s);
	for (; *p; p++) {
		if ((*p == '.' || *p == ',') && frac < 0) {
			frac = 0;
			continue;
		}
		if (!isdigit((unsigned char)*p) || frac >= places || v > (INT64_MAX - 9) / 10)
			return crm_error_set(CRM_DATAERR,
					     "bad %s \"%s\": a number with at most %d decimals", what, s,
					     places);
		v = v * 10 + (*p - '0');
		if (frac >= 0)
			frac++;
	}
	for (i = frac < 0 ? 0 : frac; i < places; i++)
		scale *= 10;
	if (v > INT64_MAX / scale)
		return crm_error_set(CRM_DATAERR, "bad %s \"%s\": too large", what, s);
	*out = (neg ? -v : v) * scale;
	return CRM_OK;
}

int crm_qty_parse(const char *s, int64_t *out)
{
	return parse_scaled("quantity", s, 3, out);
}

int crm_money_parse(const char *s, int64_t *out)
{
	return parse_scaled("amount", s, 2, out);
}

void crm_qty_format(int64_t q, char buf[32])
{
	uint64_t a = q < 0 ? -(uint64_t)q : (uint64_t)q;
	int n = snprintf(buf, 32, "%s%llu", q < 0 ? "-" : "", (unsigned long long)(a / 1000));

	if (a % 1000) {
		snprintf(buf + n, 32 - n, ".%03u", (unsigned)(a % 1000));
		for (n = strlen(buf); buf[n - 1] == '0'; n--)
			buf[n - 1] = '\0';
	}
}

void crm_money_format(int64_t m, char buf[32])
{
	uint64_t a = m < 0 ? -(uint64_t)m : (uint64_t)m;

	snprintf(buf, 32, "%s%llu.%02u", m < 0 ? "-" : "", (unsigned long long)(a / 100),
		 (unsigned)(a % 100));
}
