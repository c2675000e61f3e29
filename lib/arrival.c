/*
 * arrival.c: goods made or bought for a customer order arrive, and the
 * deal hears of it. A delivery goes into the warehouse reserved for its
 * order (supply.c); when it was the last of what a deal at production was
 * waiting for, the deal moves to stock and its manager gets the task to
 * ship. This sits above both the stock and the deal modules, so that
 * neither has to call up into the other.
 */
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

/* The deal of an order ref "DEAL-<id>", or 0 for another order. */
static int64_t deal_of(const char *ref)
{
	char *end;
	long long id;

	if (!ref || strncmp(ref, "DEAL-", 5) != 0)
		return 0;
	id = strtoll(ref + 5, &end, 10);
	return *end || id <= 0 ? 0 : (int64_t)id;
}

static int ref_of(struct crm_db *db, const char *sql, int64_t id, char ref[64])
{
	sqlite3_stmt *st = crm_stmt(db, sql);
	int rc;

	ref[0] = '\0';
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = crm_stmt_row(db, st)) < 0)
		return -rc;
	if (rc && sqlite3_column_text(st, 0))
		snprintf(ref, 64, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return CRM_OK;
}

int crm_deal_goods_arrived(struct crm_db *db, const char *ref)
{
	int64_t deal = deal_of(ref), manager, party;
	unsigned long missing, unshipped;
	char stage[16] = "", title[128];
	sqlite3_stmt *st;
	int rc;

	if (!deal)
		return CRM_OK;
	if (!(st = crm_stmt(db, "SELECT stage, manager_id, party_id FROM deal WHERE id = ?")))
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, deal);
	if ((rc = crm_stmt_row(db, st)) <= 0)
		return -rc; /* an order ref without its deal: nothing to tell */
	snprintf(stage, sizeof stage, "%s", (const char *)sqlite3_column_text(st, 0));
	manager = sqlite3_column_int64(st, 1);
	party = sqlite3_column_int64(st, 2);
	sqlite3_reset(st);
	if (strcmp(stage, "production") != 0 ||
	    (rc = crm_deal_short(db, deal, &missing, &unshipped)) || missing)
		return rc;
	if ((rc = crm_exec_ids(db, "UPDATE deal SET stage = 'stock' WHERE id = ?1", deal, 0)) ||
	    (rc = crm_deal_log(db, deal, "production", "stock", 0, "the goods arrived")) ||
	    (rc = crm_deal_touch(db, deal)))
		return rc;
	snprintf(title, sizeof title, "Goods for deal %lld are in stock: ship", (long long)deal);
	return crm_deal_task(db, deal, party, manager, title, "goods-arrived");
}

int crm_production_arrived(struct crm_db *db, int64_t id, const struct crm_delivery_in *in,
			   crm_row_fn *fn, void *arg)
{
	char ref[64];
	int rc;

	if ((rc = crm_production_done(db, id, in, fn, arg)) ||
	    (rc = ref_of(db, "SELECT ref FROM production_order WHERE id = ?", id, ref)))
		return rc;
	return crm_deal_goods_arrived(db, ref);
}

int crm_supplier_delivery(struct crm_db *db, int64_t id, const char *item,
			  const struct crm_delivery_in *in, crm_row_fn *fn, void *arg)
{
	char ref[64];
	int rc;

	if ((rc = crm_supplier_order_receive(db, id, item, in, fn, arg)) ||
	    (rc = ref_of(db, "SELECT ref FROM supplier_order WHERE id = ?", id, ref)))
		return rc;
	return crm_deal_goods_arrived(db, ref);
}
