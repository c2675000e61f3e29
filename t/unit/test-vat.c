/*
 * test-vat: the money of deal lines: VAT per line at 20% and 22%, inside
 * and on top of the price, the half-kopeck cases rounded away from zero,
 * discounts, totals as sums of lines, and what is refused.
 */
#include <stdint.h>
#include <stdio.h>

#include "crm.h"
#include "tap.h"

struct row {
	const char *name;
	struct crm_vat_in in;
	int64_t gross, discount, net, vat, total;
};

/* Worked by hand: VAT inside = base x rate / (100% + rate), on top = base x rate. */
static const struct row rows[] = {
	{ "20% inside 12000.00", { 1000, 1200000, 0, 0, 2000, 1 }, 1200000, 0, 1000000, 200000, 1200000 },
	{ "22% inside 12000.00", { 1000, 1200000, 0, 0, 2200, 1 }, 1200000, 0, 983607, 216393, 1200000 },
	{ "20% on top 10000.00", { 1000, 1000000, 0, 0, 2000, 0 }, 1000000, 0, 1000000, 200000, 1200000 },
	{ "22% on top 10000.00", { 1000, 1000000, 0, 0, 2200, 0 }, 1000000, 0, 1000000, 220000, 1220000 },
	{ "22% on top of 0.25: 5.5 kopecks is 6", { 1000, 25, 0, 0, 2200, 0 }, 25, 0, 25, 6, 31 },
	{ "20% inside 0.03: half a kopeck is 1", { 1000, 3, 0, 0, 2000, 1 }, 3, 0, 2, 1, 3 },
	{ "20% inside 0.09: 1.5 kopecks is 2", { 1000, 9, 0, 0, 2000, 1 }, 9, 0, 7, 2, 9 },
	{ "22% inside 0.61: exactly 0.11", { 1000, 61, 0, 0, 2200, 1 }, 61, 0, 50, 11, 61 },
	{ "quantity 0.005 of 1.00: half a kopeck is 1", { 5, 100, 0, 0, 2000, 1 }, 1, 0, 1, 0, 1 },
	{ "quantity 0.333 of 1.00 is 0.33", { 333, 100, 0, 0, -1, 1 }, 33, 0, 33, 0, 33 },
	{ "2.5 units of 1999.99 is 4999.975, so 4999.98", { 2500, 199999, 0, 0, 2200, 1 }, 499998, 0, 409834, 90164, 499998 },
	{ "5% off 1000.00, 22% inside", { 1000, 100000, 0, 500, 2200, 1 }, 100000, 5000, 77869, 17131, 95000 },
	{ "5% off 0.10: half a kopeck off is 1", { 1000, 10, 0, 500, 2000, 0 }, 10, 1, 9, 2, 11 },
	{ "150.00 off 1000.00, 20% on top", { 1000, 100000, 15000, 0, 2000, 0 }, 100000, 15000, 85000, 17000, 102000 },
	{ "without VAT", { 3000, 50000, 0, 0, -1, 1 }, 150000, 0, 150000, 0, 150000 },
	{ "0%", { 3000, 50000, 0, 0, 0, 0 }, 150000, 0, 150000, 0, 150000 },
	{ "100% off", { 1000, 50000, 0, 10000, 2200, 1 }, 50000, 50000, 0, 0, 0 },
};

static void check_rows(void)
{
	char name[160];
	size_t i;

	for (i = 0; i < sizeof rows / sizeof *rows; i++) {
		const struct row *r = &rows[i];
		struct crm_vat_line l;
		int rc = crm_vat_line(&r->in, &l);

		snprintf(name, sizeof name, "%s: gross %lld discount %lld net %lld vat %lld total %lld",
			 r->name, (long long)r->gross, (long long)r->discount, (long long)r->net,
			 (long long)r->vat, (long long)r->total);
		tap_ok(rc == CRM_OK && l.gross == r->gross && l.discount == r->discount &&
			       l.net == r->net && l.vat == r->vat && l.total == r->total,
		       name);
		if (rc != CRM_OK || l.total != r->total || l.vat != r->vat || l.net != r->net)
			printf("# got: rc %d gross %lld discount %lld net %lld vat %lld total %lld\n", rc,
			       (long long)l.gross, (long long)l.discount, (long long)l.net,
			       (long long)l.vat, (long long)l.total);
	}
}

/* Three lines of 0.03 at 20% inside: 1 kopeck of VAT each, so 3 in all;
 * rounding the total instead would give 9 / 6 = 1.5, so 2. */
static void check_sum(void)
{
	struct crm_vat_in in = { 1000, 3, 0, 0, 2000, 1 };
	struct crm_vat_line sum = { 0 }, l;
	int i, rc = CRM_OK;

	for (i = 0; i < 3 && rc == CRM_OK; i++)
		if ((rc = crm_vat_line(&in, &l)) == CRM_OK)
			rc = crm_vat_add(&sum, &l);
	tap_ok(rc == CRM_OK && sum.vat == 3 && sum.total == 9 && sum.net == 6,
	       "a total is the sum of rounded lines: VAT 3, not 2");
	sum.total = INT64_MAX - 1;
	tap_ok(crm_vat_add(&sum, &l) == CRM_DATAERR, "a sum that does not fit is refused");
}

static void check_refused(void)
{
	struct crm_vat_in big = { INT64_MAX / 2, INT64_MAX / 2, 0, 0, 2200, 1 };
	struct crm_vat_in off = { 1000, 100, 101, 0, 2200, 1 };
	struct crm_vat_in zero = { 0, 100, 0, 0, 2200, 1 };
	struct crm_vat_in pct = { 1000, 100, 0, 10001, 2200, 1 };
	struct crm_vat_in rate = { 1000, 100, 0, 0, 10001, 1 };
	struct crm_vat_line l;

	tap_ok(crm_vat_line(&big, &l) == CRM_DATAERR, "a line that does not fit is refused");
	tap_ok(crm_vat_line(&off, &l) == CRM_DATAERR, "a discount above the line is refused");
	tap_ok(crm_vat_line(&zero, &l) == CRM_DATAERR, "quantity 0 is refused");
	tap_ok(crm_vat_line(&pct, &l) == CRM_DATAERR, "a discount above 100% is refused");
	tap_ok(crm_vat_line(&rate, &l) == CRM_DATAERR, "a rate above 100% is refused");
}

static void check_rates(void)
{
	static const struct { const char *s; int rc, rate; } cases[] = {
		{ "22", CRM_OK, 2200 }, { "22%", CRM_OK, 2200 }, { "10.5%", CRM_OK, 1050 },
		{ "0", CRM_OK, 0 }, { "none", CRM_OK, -1 }, { "без НДС", CRM_OK, -1 },
		{ "100%", CRM_OK, 10000 }, { "101", CRM_DATAERR, 0 }, { "-1", CRM_DATAERR, 0 },
		{ "abc", CRM_DATAERR, 0 }, { "", CRM_DATAERR, 0 }, { "%", CRM_DATAERR, 0 },
		{ "22.125", CRM_DATAERR, 0 },
	};
	char name[64], buf[16];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		int rate = 0, rc = crm_rate_parse(cases[i].s, &rate);

		snprintf(name, sizeof name, "rate \"%s\"", cases[i].s);
		tap_ok(rc == cases[i].rc && (rc || rate == cases[i].rate), name);
	}
	crm_rate_format(2200, buf);
	tap_is(buf, "22%", "2200 prints as 22%");
	crm_rate_format(1050, buf);
	tap_is(buf, "10.50%", "1050 prints as 10.50%");
	crm_rate_format(-1, buf);
	tap_is(buf, "none", "-1 prints as none");
}

int main(void)
{
	check_rows();
	check_sum();
	check_refused();
	check_rates();
	return tap_done();
}
