/*
 * payment.c: what the customer paid on a deal, and what is owed. A payment
 * is an amount in kopecks on a day with the bank's reference; a refund is a
 * negative amount with its reason. Paying more than the deal is worth is
 * reported (an advance), never refused: the money has arrived either way.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

int crm_deal_paid(struct crm_db *db, int64_t deal, int64_t *paid)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT coalesce(sum(amount), 0) FROM payment WHERE deal_id = ?");

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, deal);
	return crm_query_id(db, st, paid);
}

int crm_deal_pay(struct crm_db *db, int64_t deal, const struct crm_pay_in *in, int64_t *id)
{
	struct crm_deal_state s;
	char day[11], now[CRM_TIME_LEN];
	int64_t amount, paid;
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_deal_access(db, deal, 1, &s)) || (rc = crm_money_parse(in->amount, &amount)) ||
	    (rc = crm_date_parse("payment date", in->date, day)) || (rc = crm_time_now(now)) ||
	    (rc = crm_deal_paid(db, deal, &paid)))
		return rc;
	/* The sum of the payments must stay a number the database can add up. */
	if ((amount > 0 && paid > INT64_MAX - amount) || (amount < 0 && paid < INT64_MIN - amount))
		return crm_error_set(CRM_DATAERR, "a payment of %s to deal %lld is too large: its "
				     "payments would not add up", in->amount, (long long)deal);
	if (amount == 0)
		return crm_error_set(CRM_DATAERR, "a payment of 0 is no payment");
	if (amount < 0 && !(in->reason && *in->reason))
		return crm_error_set(CRM_USAGE, "a refund (a negative amount) needs --reason");
	if (!day[0] && (rc = crm_date_today(day)))
		return rc;
	st = crm_stmt(db, "INSERT INTO payment (deal_id, amount, date, ref, reason, created,"
			  " created_by) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, deal);
	sqlite3_bind_int64(st, 2, amount);
	crm_bind_text(st, 3, day);
	crm_bind_text(st, 4, in->ref);
	crm_bind_text(st, 5, in->reason);
	crm_bind_text(st, 6, now);
	crm_bind_text(st, 7, crm_user_login());
	if ((rc = crm_query_id(db, st, id)))
		return rc;
	return crm_deal_touch(db, deal);
}

int crm_deal_balance_of(struct crm_db *db, int64_t deal, struct crm_deal_balance *b)
{
	struct crm_deal_state s;
	struct crm_vat_line sum;
	int rc;

	memset(b, 0, sizeof *b);
	if ((rc = crm_deal_access(db, deal, 0, &s)) || (rc = crm_deal_walk(db, &s, NULL, NULL, &sum)) ||
	    (rc = crm_deal_paid(db, deal, &b->paid)))
		return rc;
	/* Owed once invoiced; before that a payment is an advance. */
	b->invoiced = s.invoiced[0] ? sum.total : 0;
	b->owed = b->invoiced > b->paid ? b->invoiced - b->paid : 0;
	b->advance = b->paid > b->invoiced ? b->paid - b->invoiced : 0;
	return CRM_OK;
}

int crm_deal_balance_party(struct crm_db *db, int64_t party, crm_row_fn *fn, void *arg)
{
	static const char *const names[] = { "deal", "invoiced", "paid", "owed", "advance" };
	sqlite3_stmt *st;
	int64_t *ids = NULL, *more;
	size_t n = 0, i;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY, "reading deals")))
		return rc;
	if (!(st = crm_stmt(db, "SELECT id FROM deal WHERE party_id = ? ORDER BY id")))
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, party);
	/* The ids first: each balance runs statements of its own. */
	while ((rc = crm_stmt_row(db, st)) == 1) {
		if (!(more = realloc(ids, (n + 1) * sizeof *ids))) {
			rc = -crm_error_set(CRM_SOFTWARE, "out of memory");
			break;
		}
		ids = more;
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	rc = rc < 0 ? -rc : CRM_OK;
	for (i = 0; rc == CRM_OK && i < n; i++)
		rc = crm_deal_balance(db, ids[i], fn, arg);
	free(ids);
	if (rc == CRM_OK && n == 0 && (rc = fn(arg, 5, names, NULL)) == CRM_OK)
		rc = crm_error_set(CRM_NOMATCH, "party %lld has no deal", (long long)party);
	return rc;
}

int crm_deal_balance(struct crm_db *db, int64_t deal, crm_row_fn *fn, void *arg)
{
	static const char *const names[] = { "deal", "invoiced", "paid", "owed", "advance" };
	struct crm_deal_balance b;
	char id[24], v[4][32];
	const char *row[5];
	int rc;

	if ((rc = crm_deal_balance_of(db, deal, &b)))
		return rc;
	snprintf(id, sizeof id, "%lld", (long long)deal);
	crm_money_format(b.invoiced, v[0]);
	crm_money_format(b.paid, v[1]);
	crm_money_format(b.owed, v[2]);
	crm_money_format(b.advance, v[3]);
	row[0] = id, row[1] = v[0], row[2] = v[1], row[3] = v[2], row[4] = v[3];
	return fn(arg, 5, names, row);
}
