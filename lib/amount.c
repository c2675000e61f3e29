/*
 * amount.c: quantities and money as integers, never floating point:
 * quantities in thousandths of a unit ("2.5" is 2500), money in kopecks
 * ("1234.50" is 123450). Printed without trailing zeros for quantities,
 * with two decimals for money. Also the SQL functions crm_qty() and
 * crm_money() that print them inside queries.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

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

static void sql_format(sqlite3_context *ctx, sqlite3_value *v, void (*fmt)(int64_t, char[32]))
{
	char buf[32];

	if (sqlite3_value_type(v) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	fmt(sqlite3_value_int64(v), buf);
	sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

static void sql_qty(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sql_format(ctx, argv[0], crm_qty_format);
}

static void sql_money(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sql_format(ctx, argv[0], crm_money_format);
}

int crm_amount_register(struct crm_db *db)
{
	int rc = sqlite3_create_function(db->h, "crm_qty", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
					 NULL, sql_qty, NULL, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db->h, "crm_money", 1,
					     SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_money,
					     NULL, NULL);
	return rc == SQLITE_OK ? CRM_OK : crm_sql_error(db, rc);
}
