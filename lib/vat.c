/*
 * vat.c: the money of one line of a deal, and of the deal as the sum of its
 * lines. VAT is computed and rounded per line, half away from zero, and a
 * total is only ever a sum of rounded lines: the order, the invoice and the
 * printed forms then agree to the kopeck, whichever of them adds up.
 * Quantities are thousandths, money kopecks, rates and percentage
 * discounts hundredths of a percent (2200 is 22%). Nothing here touches the
 * database.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crm.h"

/* n / d rounded half away from zero; d > 0. */
static int64_t div_round(int64_t n, int64_t d)
{
	int64_t q = n / d, r = n % d;

	if (r < 0)
		r = -r;
	if (r >= d - r) /* r * 2 >= d without overflow */
		q += n < 0 ? -1 : 1;
	return q;
}

/* a * b / d rounded, or CRM_DATAERR when a * b does not fit. */
static int mul_div(int64_t a, int64_t b, int64_t d, int64_t *out)
{
	int64_t p;

	if (__builtin_mul_overflow(a, b, &p))
		return crm_error_set(CRM_DATAERR, "amount too large");
	*out = div_round(p, d);
	return CRM_OK;
}

int crm_vat_line(const struct crm_vat_in *in, struct crm_vat_line *out)
{
	int64_t base;
	int rc;

	if (in->qty <= 0 || in->price < 0 || in->discount < 0 || in->discount_pct < 0 ||
	    in->discount_pct > 10000 || in->rate < -1 || in->rate > 10000)
		return crm_error_set(CRM_DATAERR, "line out of range");
	if ((rc = mul_div(in->qty, in->price, 1000, &out->gross)))
		return rc;
	if (in->discount_pct && (rc = mul_div(out->gross, in->discount_pct, 10000, &out->discount)))
		return rc;
	if (!in->discount_pct)
		out->discount = in->discount;
	if (out->discount > out->gross)
		return crm_error_set(CRM_DATAERR, "the discount is more than the line");
	base = out->gross - out->discount;
	if (in->rate < 0) { /* without VAT */
		out->vat = 0;
	} else if (in->price_has_vat) {
		if ((rc = mul_div(base, in->rate, 10000 + in->rate, &out->vat)))
			return rc;
	} else if ((rc = mul_div(base, in->rate, 10000, &out->vat))) {
		return rc;
	}
	out->net = in->price_has_vat || in->rate < 0 ? base - out->vat : base;
	out->total = out->net + out->vat;
	if (out->total < out->net)
		return crm_error_set(CRM_DATAERR, "amount too large");
	return CRM_OK;
}

int crm_vat_add(struct crm_vat_line *sum, const struct crm_vat_line *line)
{
	if (__builtin_add_overflow(sum->gross, line->gross, &sum->gross) ||
	    __builtin_add_overflow(sum->discount, line->discount, &sum->discount) ||
	    __builtin_add_overflow(sum->net, line->net, &sum->net) ||
	    __builtin_add_overflow(sum->vat, line->vat, &sum->vat) ||
	    __builtin_add_overflow(sum->total, line->total, &sum->total))
		return crm_error_set(CRM_DATAERR, "amount too large");
	return CRM_OK;
}

int crm_rate_parse(const char *s, int *out)
{
	char buf[32];
	size_t n = s ? strlen(s) : 0;
	int64_t v;

	if (s && (strcmp(s, "none") == 0 || strcmp(s, "без НДС") == 0)) {
		*out = -1;
		return CRM_OK;
	}
	/* "22", "22%", "10.5%": two decimals, as money has. */
	if (n == 0 || n >= sizeof buf)
		return crm_error_set(CRM_DATAERR, "\"%s\" is not a rate (e.g. 22%%, or none)",
				     s ? s : "");
	memcpy(buf, s, n + 1);
	if (buf[n - 1] == '%')
		buf[n - 1] = '\0';
	if (crm_money_parse(buf, &v) || v < 0 || v > 10000)
		return crm_error_set(CRM_DATAERR, "\"%s\" is not a rate from 0 to 100%% (or none)", s);
	*out = (int)v;
	return CRM_OK;
}

void crm_rate_format(int rate, char buf[16])
{
	if (rate < 0) {
		snprintf(buf, 16, "none");
		return;
	}
	if (rate % 100)
		snprintf(buf, 16, "%d.%02d%%", rate / 100, rate % 100);
	else
		snprintf(buf, 16, "%d%%", rate / 100);
}
