/*
 * dealline.c: a deal's goods: one line per item, with quantity, price (the
 * item's price unless given) and discount, and each line's money as vat.c
 * computes it at the deal's VAT rate: the rate of its VAT code on its
 * invoice date, or today until it is invoiced.
 */
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

/* Goods change while the deal is being sold; after that the order stands. */
static int check_open(const struct crm_deal_state *s)
{
	if (strcmp(s->stage, "selection") == 0 || strcmp(s->stage, "proposal") == 0)
		return CRM_OK;
	return crm_error_set(CRM_DATAERR, "deal %lld is at %s: its goods change only at selection "
			     "or proposal", (long long)s->id, s->stage);
}

int crm_deal_rate(struct crm_db *db, const struct crm_deal_state *s, int *rate, int *price_has_vat)
{
	char today[11], *v = NULL;
	int rc;

	if ((rc = crm_date_today(today)) ||
	    (rc = crm_vat_rate_on(db, s->vat_code, s->invoiced[0] ? s->invoiced : today, rate)) ||
	    (rc = crm_config_get(db, "prices_include_vat", &v)))
		return rc;
	*price_has_vat = strcmp(v, "no") != 0;
	free(v);
	return CRM_OK;
}

/* "5%" off the line, or an amount off it ("150.00"). */
static int parse_discount(const char *s, struct crm_vat_in *in)
{
	size_t n = s ? strlen(s) : 0;
	int rc;

	in->discount = 0, in->discount_pct = 0;
	if (!n)
		return CRM_OK;
	if (s[n - 1] == '%') {
		if ((rc = crm_rate_parse(s, &in->discount_pct)) || in->discount_pct < 0)
			return crm_error_set(CRM_DATAERR, "bad discount \"%s\": a percentage from 0%% "
					     "to 100%%, or an amount", s);
		return CRM_OK;
	}
	if ((rc = crm_money_parse(s, &in->discount)) || in->discount < 0)
		return crm_error_set(CRM_DATAERR, "bad discount \"%s\": an amount such as 150.00, "
				     "or a percentage such as 5%%", s);
	return CRM_OK;
}

/* The item of a line and its price, for a price not given. */
static int item_price(struct crm_db *db, const char *code, int64_t *item, int64_t *price)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_item_find(db, code, item)))
		return rc;
	if (!(st = crm_stmt(db, "SELECT price FROM item WHERE id = ?")))
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, *item);
	if ((rc = crm_stmt_row(db, st)) < 0)
		return -rc;
	*price = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return CRM_OK;
}

/* The line as given, checked by computing its money once. */
static int read_line(struct crm_db *db, const struct crm_deal_line_in *in, int64_t *item,
		     struct crm_vat_in *v)
{
	struct crm_vat_line l;
	int rc;

	memset(v, 0, sizeof *v);
	if ((rc = item_price(db, in->item, item, &v->price)))
		return rc;
	if (in->price && (rc = crm_money_parse(in->price, &v->price)))
		return rc;
	if (v->price < 0)
		return crm_error_set(CRM_DATAERR, "item %s has no price: give --price", in->item);
	if (!in->qty)
		return crm_error_set(CRM_USAGE, "a line needs --qty");
	if ((rc = crm_qty_parse(in->qty, &v->qty)))
		return rc;
	if (v->qty <= 0)
		return crm_error_set(CRM_DATAERR, "bad quantity \"%s\": more than 0", in->qty);
	if ((rc = parse_discount(in->discount, v)))
		return rc;
	v->rate = 0;
	if ((rc = crm_vat_line(v, &l)))
		crm_error_prefix("item %s", in->item);
	return rc;
}

int crm_deal_line_add(struct crm_db *db, int64_t deal, const struct crm_deal_line_in *in)
{
	struct crm_deal_state s;
	struct crm_vat_in v;
	sqlite3_stmt *st;
	int64_t item;
	int rc;

	if ((rc = crm_deal_access(db, deal, 1, &s)) || (rc = check_open(&s)) ||
	    (rc = read_line(db, in, &item, &v)))
		return rc;
	st = crm_stmt(db, "INSERT INTO deal_line (deal_id, item_id, qty, price, discount_pct,"
			  " discount) VALUES (?, ?, ?, ?, ?, ?)");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, deal);
	sqlite3_bind_int64(st, 2, item);
	sqlite3_bind_int64(st, 3, v.qty);
	sqlite3_bind_int64(st, 4, v.price);
	sqlite3_bind_int(st, 5, v.discount_pct);
	sqlite3_bind_int64(st, 6, v.discount);
	if ((rc = crm_stmt_done(db, st)) == CRM_DATAERR)
		return crm_error_set(CRM_DATAERR, "deal %lld has a line of %s already (change it "
				     "with item set)", (long long)deal, in->item);
	return rc ? rc : crm_deal_touch(db, deal);
}

/* The line of item in deal, or CRM_DATAERR naming both. */
static int line_of(struct crm_db *db, int64_t deal, const char *code, int64_t *line,
		   struct crm_vat_in *v)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT l.id, l.qty, l.price, l.discount_pct, l.discount"
				       " FROM deal_line l JOIN item i ON i.id = l.item_id"
				       " WHERE l.deal_id = ? AND i.code = ?");
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, deal);
	crm_bind_text(st, 2, code);
	if ((rc = crm_stmt_row(db, st)) <= 0)
		return rc < 0 ? -rc : crm_error_set(CRM_DATAERR, "deal %lld has no line of %s",
						    (long long)deal, code ? code : "");
	*line = sqlite3_column_int64(st, 0);
	if (v) {
		memset(v, 0, sizeof *v);
		v->qty = sqlite3_column_int64(st, 1);
		v->price = sqlite3_column_int64(st, 2);
		v->discount_pct = sqlite3_column_int(st, 3);
		v->discount = sqlite3_column_int64(st, 4);
	}
	sqlite3_reset(st);
	return CRM_OK;
}

int crm_deal_line_set(struct crm_db *db, int64_t deal, const struct crm_deal_line_in *in)
{
	struct crm_deal_state s;
	struct crm_deal_line_in merged = *in;
	struct crm_vat_in old, v;
	char qty[32], price[32];
	sqlite3_stmt *st;
	int64_t line, item;
	int rc;

	if ((rc = crm_deal_access(db, deal, 1, &s)) || (rc = check_open(&s)) ||
	    (rc = line_of(db, deal, in->item, &line, &old)))
		return rc;
	/* What is not given stays as it was. */
	crm_qty_format(old.qty, qty);
	crm_money_format(old.price, price);
	if (!merged.qty)
		merged.qty = qty;
	if (!merged.price)
		merged.price = price;
	if ((rc = read_line(db, &merged, &item, &v)))
		return rc;
	if (!in->discount)
		v.discount = old.discount, v.discount_pct = old.discount_pct;
	st = crm_stmt(db, "UPDATE deal_line SET qty = ?2, price = ?3, discount_pct = ?4,"
			  " discount = ?5 WHERE id = ?1");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, line);
	sqlite3_bind_int64(st, 2, v.qty);
	sqlite3_bind_int64(st, 3, v.price);
	sqlite3_bind_int(st, 4, v.discount_pct);
	sqlite3_bind_int64(st, 5, v.discount);
	if ((rc = crm_stmt_done(db, st)))
		return rc;
	return crm_deal_touch(db, deal);
}

int crm_deal_line_rm(struct crm_db *db, int64_t deal, const char *item)
{
	struct crm_deal_state s;
	int64_t line;
	int rc;

	if ((rc = crm_deal_access(db, deal, 1, &s)) || (rc = check_open(&s)) ||
	    (rc = line_of(db, deal, item, &line, NULL)) ||
	    (rc = crm_exec_ids(db, "DELETE FROM deal_line WHERE id = ?1", line, 0)))
		return rc;
	return crm_deal_touch(db, deal);
}

/* ---- the lines with their money */

/* Each line of deal to fn, with its money at the deal's rate; the sum into
 * *sum. */
int crm_deal_walk(struct crm_db *db, const struct crm_deal_state *s,
		  int (*fn)(void *arg, const struct crm_deal_line *l), void *arg,
		  struct crm_vat_line *sum)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT i.code, i.name, i.unit, l.qty, l.price,"
				       " l.discount_pct, l.discount, i.certifiable, l.id"
				       " FROM deal_line l JOIN item i ON i.id = l.item_id"
				       " WHERE l.deal_id = ? ORDER BY l.id");
	struct crm_deal_line l;
	int rate, has_vat, rc;

	memset(sum, 0, sizeof *sum);
	if (!st)
		return CRM_SOFTWARE;
	if ((rc = crm_deal_rate(db, s, &rate, &has_vat)))
		return rc;
	sqlite3_bind_int64(st, 1, s->id);
	while ((rc = crm_stmt_row(db, st)) == 1) {
		memset(&l, 0, sizeof l);
		l.code = (const char *)sqlite3_column_text(st, 0);
		l.name = (const char *)sqlite3_column_text(st, 1);
		l.unit = (const char *)sqlite3_column_text(st, 2);
		l.in.qty = sqlite3_column_int64(st, 3);
		l.in.price = sqlite3_column_int64(st, 4);
		l.in.discount_pct = sqlite3_column_int(st, 5);
		l.in.discount = sqlite3_column_int64(st, 6);
		l.certifiable = sqlite3_column_int(st, 7);
		l.id = sqlite3_column_int64(st, 8);
		l.in.rate = rate;
		l.in.price_has_vat = has_vat;
		if ((rc = crm_vat_line(&l.in, &l.money)) || (rc = crm_vat_add(sum, &l.money)) ||
		    (fn && (rc = fn(arg, &l)))) {
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	return rc < 0 ? -rc : CRM_OK;
}

struct emit_lines {
	crm_row_fn *fn;
	void *arg;
	unsigned long n;
};

static int emit_line(void *arg, const struct crm_deal_line *l)
{
	static const char *const names[] = { "item", "name", "qty", "unit", "price", "discount",
					      "rate", "net", "vat", "total" };
	struct emit_lines *e = arg;
	char qty[32], price[32], discount[32], rate[16], net[32], vat[32], total[32];
	const char *row[10];

	crm_qty_format(l->in.qty, qty);
	crm_money_format(l->in.price, price);
	if (l->in.discount_pct)
		crm_rate_format(l->in.discount_pct, discount);
	else
		crm_money_format(l->money.discount, discount);
	crm_rate_format(l->in.rate, rate);
	crm_money_format(l->money.net, net);
	crm_money_format(l->money.vat, vat);
	crm_money_format(l->money.total, total);
	row[0] = l->code, row[1] = l->name, row[2] = qty, row[3] = l->unit, row[4] = price;
	row[5] = discount, row[6] = rate, row[7] = net, row[8] = vat, row[9] = total;
	e->n++;
	return e->fn(e->arg, 10, names, row);
}

int crm_deal_lines(struct crm_db *db, int64_t deal, crm_row_fn *fn, void *arg)
{
	static const char *const names[] = { "item", "name", "qty", "unit", "price", "discount",
					      "rate", "net", "vat", "total" };
	struct emit_lines e = { fn, arg, 0 };
	struct crm_deal_state s;
	struct crm_vat_line sum;
	int rc;

	if ((rc = crm_deal_access(db, deal, 0, &s)) || (rc = crm_deal_walk(db, &s, emit_line, &e, &sum)))
		return rc;
	return e.n ? CRM_OK : fn(arg, 10, names, NULL);
}
