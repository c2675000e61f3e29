/*
 * test-amount.c: unit tests of lib/amount.c, quantities (thousandths) and
 * money (kopecks) as integers, as crm-stock(1) "Quantities and money"
 * documents them: up to three (money: two) decimals, kept exactly, never
 * rounded; a comma may stand for the point; signs; the largest values;
 * quantities printed without trailing zeros, money with two decimals.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crm.h"
#include "tap.h"

typedef int parse_fn(const char *s, int64_t *out);

/* s parses to want, and a failure names what it parsed. */
static void parses(parse_fn *parse, const char *s, int64_t want, const char *name)
{
	int64_t got = -424242;
	int rc = parse(s, &got);

	tap_ok(rc == CRM_OK && got == want, name);
	if (rc != CRM_OK || got != want)
		printf("# \"%s\": status %d, got %" PRId64 ", want %" PRId64 "\n", s, rc, got,
		       want);
}

/* s is refused as bad data, the output untouched, and the message holds
 * words (when given). */
static void refused(parse_fn *parse, const char *s, const char *words, const char *name)
{
	int64_t got = -424242;
	int rc = parse(s, &got);
	int ok = rc == CRM_DATAERR && got == -424242 &&
		 (!words || strstr(crm_error_message(), words));

	tap_ok(ok, name);
	if (!ok)
		printf("# \"%s\": status %d, got %" PRId64 ", message: %s\n", s ? s : "(null)", rc,
		       got, crm_error_message());
}

static void qty_prints(int64_t q, const char *want, const char *name)
{
	char buf[32];

	crm_qty_format(q, buf);
	tap_is(buf, want, name);
}

static void money_prints(int64_t m, const char *want, const char *name)
{
	char buf[32];

	crm_money_format(m, buf);
	tap_is(buf, want, name);
}

static void quantity_parsing(void)
{
	parses(crm_qty_parse, "12", 12000, "qty: a whole number is thousandths times 1000");
	parses(crm_qty_parse, "2.5", 2500, "qty: 2.5 is 2500 thousandths");
	parses(crm_qty_parse, "0.125", 125, "qty: three decimals are kept exactly");
	parses(crm_qty_parse, "0.001", 1, "qty: the smallest step is one thousandth");
	parses(crm_qty_parse, "2,5", 2500, "qty: a comma stands for the point");
	parses(crm_qty_parse, "2.500", 2500, "qty: trailing zeros within three decimals");
	parses(crm_qty_parse, "007", 7000, "qty: leading zeros");
	parses(crm_qty_parse, ".5", 500, "qty: no digit before the point");
	parses(crm_qty_parse, "5.", 5000, "qty: no digit after the point");
	parses(crm_qty_parse, "-3", -3000, "qty: a minus sign");
	parses(crm_qty_parse, "+3", 3000, "qty: a plus sign");
	parses(crm_qty_parse, "-0.001", -1, "qty: a minus sign before a fraction");
	parses(crm_qty_parse, "-0", 0, "qty: minus zero is zero");
	/* Not rounded: a fourth decimal is refused, even a zero. */
	refused(crm_qty_parse, "1.2345", "at most 3 decimals", "qty: four decimals are refused");
	refused(crm_qty_parse, "0.0005", "at most 3 decimals", "qty: no rounding of 0.0005 up or down");
	refused(crm_qty_parse, "2.5000", NULL, "qty: a fourth decimal is refused even when 0");
	refused(crm_qty_parse, "", "missing", "qty: empty is missing");
	refused(crm_qty_parse, NULL, "missing", "qty: NULL is missing");
	refused(crm_qty_parse, "-", "expected a number", "qty: a sign alone");
	refused(crm_qty_parse, ".", "expected a number", "qty: a point alone");
	refused(crm_qty_parse, "+-5", NULL, "qty: two signs");
	refused(crm_qty_parse, "abc", "bad quantity \"abc\"", "qty: words, named in the message");
	refused(crm_qty_parse, "1.2.3", NULL, "qty: two points");
	refused(crm_qty_parse, "1,5.5", NULL, "qty: a comma and a point");
	refused(crm_qty_parse, "1e3", NULL, "qty: no exponents");
	refused(crm_qty_parse, "0x10", NULL, "qty: no hexadecimal");
	refused(crm_qty_parse, " 5", NULL, "qty: no leading space");
	refused(crm_qty_parse, "5 ", NULL, "qty: no trailing space");
}

/* A thousands separator is not documented: a space or a point between
 * thousands is refused, and a comma is the decimal point, so "1,000" is
 * one unit, not a thousand. */
static void quantity_thousands(void)
{
	refused(crm_qty_parse, "1 000", NULL, "qty: a space between thousands is refused");
	refused(crm_qty_parse, "1\xc2\xa0" "000", NULL, "qty: a no-break space between thousands is refused");
	refused(crm_qty_parse, "1'000", NULL, "qty: an apostrophe between thousands is refused");
	refused(crm_qty_parse, "1.000.000", NULL, "qty: points between thousands are refused");
	refused(crm_qty_parse, "1,000.5", NULL, "qty: a comma before the point is refused");
	parses(crm_qty_parse, "1,000", 1000, "qty: \"1,000\" is one unit (the comma is the point)");
}

static void quantity_limits(void)
{
	parses(crm_qty_parse, "9223372036854775", INT64_C(9223372036854775000),
	       "qty: the largest whole quantity");
	parses(crm_qty_parse, "-9223372036854775", -INT64_C(9223372036854775000),
	       "qty: the most negative whole quantity");
	parses(crm_qty_parse, "9223372036854775.799", INT64_C(9223372036854775799),
	       "qty: near the largest, with decimals");
	refused(crm_qty_parse, "9223372036854776", "too large", "qty: one unit more is too large");
	refused(crm_qty_parse, "99999999999999999999999", NULL, "qty: 23 digits are refused");
}

static void quantity_printing(void)
{
	qty_prints(0, "0", "qty: zero is 0");
	qty_prints(1000, "1", "qty: a whole unit has no point");
	qty_prints(2500, "2.5", "qty: trailing zeros dropped (2.500 is 2.5)");
	qty_prints(1010, "1.01", "qty: an inner zero stays");
	qty_prints(125, "0.125", "qty: a fraction has its 0 before the point");
	qty_prints(1, "0.001", "qty: one thousandth");
	qty_prints(100, "0.1", "qty: one tenth");
	qty_prints(-500, "-0.5", "qty: the sign of a negative fraction");
	qty_prints(-12000, "-12", "qty: a negative whole number");
	qty_prints(INT64_MAX, "9223372036854775.807", "qty: the largest");
	qty_prints(INT64_MIN, "-9223372036854775.808", "qty: the most negative");
}

static void money_parsing(void)
{
	parses(crm_money_parse, "1234.50", 123450, "money: 1234.50 is 123450 kopecks");
	parses(crm_money_parse, "45200.5", 4520050, "money: one decimal is tens of kopecks");
	parses(crm_money_parse, "1234", 123400, "money: whole roubles");
	parses(crm_money_parse, "0.01", 1, "money: one kopeck");
	parses(crm_money_parse, "1234,50", 123450, "money: a comma stands for the point");
	parses(crm_money_parse, "-5", -500, "money: a minus sign (the library has no opinion)");
	refused(crm_money_parse, "1.234", "at most 2 decimals", "money: three decimals are refused");
	refused(crm_money_parse, "0.005", NULL, "money: half a kopeck is not rounded");
	refused(crm_money_parse, "", "amount is missing", "money: empty is missing");
	refused(crm_money_parse, "12р", NULL, "money: no currency sign");
	refused(crm_money_parse, "1 234.50", NULL, "money: a space between thousands is refused");
	refused(crm_money_parse, "1,234.50", NULL, "money: a comma between thousands is refused");
	refused(crm_money_parse, "1,000", NULL, "money: \"1,000\" is three decimals, refused");
	parses(crm_money_parse, "92233720368547758", INT64_C(9223372036854775800),
	       "money: the largest whole amount");
	refused(crm_money_parse, "92233720368547759", "too large", "money: one rouble more is too large");
}

static void money_printing(void)
{
	money_prints(0, "0.00", "money: zero has two decimals");
	money_prints(123450, "1234.50", "money: two decimals, the trailing zero kept");
	money_prints(4520050, "45200.50", "money: 45200.5 prints as 45200.50");
	money_prints(1, "0.01", "money: one kopeck");
	money_prints(-5, "-0.05", "money: the sign of a negative fraction");
	money_prints(-123400, "-1234.00", "money: a negative whole amount");
	money_prints(INT64_MAX, "92233720368547758.07", "money: the largest");
	money_prints(INT64_MIN, "-92233720368547758.08", "money: the most negative");
}

/* What is printed reads back as the same number. */
static void round_trips(void)
{
	static const int64_t v[] = { 0, 1, -1, 999, 1000, 1001, 2500, -2500, 123456789,
				     INT64_C(9223372036854775000) };
	char buf[32];
	int64_t back;
	size_t i;
	int qty_ok = 1, money_ok = 1;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		crm_qty_format(v[i], buf);
		qty_ok &= crm_qty_parse(buf, &back) == CRM_OK && back == v[i];
		crm_money_format(v[i] / 10, buf);
		money_ok &= crm_money_parse(buf, &back) == CRM_OK && back == v[i] / 10;
	}
	tap_ok(qty_ok, "qty: every printed quantity parses back to itself");
	tap_ok(money_ok, "money: every printed amount parses back to itself");
}

int main(void)
{
	quantity_parsing();
	quantity_thousands();
	quantity_limits();
	quantity_printing();
	money_parsing();
	money_printing();
	round_trips();
	return tap_done();
}
