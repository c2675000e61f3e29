/*
 * supply.c: where goods come from when stock does not cover an order.
 * Production orders (made in-house: planned date, progress, status) and
 * supplier orders (bought: a supplier, lines, an expected date). Both
 * deliver into the warehouse first, as a lot, reserved for the customer
 * order they serve; "production list" is the view sales managers read to
 * tell a customer when the goods will be there.
 */
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

#define PLANNERS (CRM_ROLE_ADMIN | CRM_ROLE_HEAD | CRM_ROLE_WAREHOUSE)

static int emit_production(struct crm_db *db, int64_t id, crm_row_fn *fn, void *arg)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT o.id, i.code AS item, i.name, crm_qty(o.qty) AS qty,"
				       " o.planned, o.progress, o.status, o.ref, l.lot_no AS lot"
				       " FROM production_order o JOIN item i ON i.id = o.item_id"
				       " LEFT JOIN lot l ON l.id = o.lot_id WHERE o.id = ?");

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	return fn ? crm_stmt_emit(db, st, fn, arg, NULL) : CRM_OK;
}

int crm_production_add(struct crm_db *db, const struct crm_production_in *in, crm_row_fn *fn,
		       void *arg)
{
	int64_t item, qty, id;
	char planned[11];
	int rc;

	if ((rc = crm_user_require(db, PLANNERS, "planning production")) ||
	    (rc = crm_item_find(db, in->item, &item)) || (rc = crm_qty_parse(in->qty, &qty)) ||
	    (rc = crm_date_parse("planned date", in->planned, planned)))
		return rc;
	if (qty <= 0)
		return crm_error_set(CRM_DATAERR, "the quantity must be more than zero, not %s", in->qty);
	if ((rc = crm_production_insert(db, item, qty, planned, in->ref, &id)))
		return rc;
	return emit_production(db, id, fn, arg);
}

int crm_production_insert(struct crm_db *db, int64_t item, int64_t qty, const char *planned,
			  const char *ref, int64_t *id)
{
	sqlite3_stmt *st = crm_stmt(db, "INSERT INTO production_order (item_id, qty, planned, ref)"
				       " VALUES (?, ?, ?, ?) RETURNING id");

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, item);
	sqlite3_bind_int64(st, 2, qty);
	crm_bind_text(st, 3, planned);
	crm_bind_text(st, 4, ref);
	return crm_query_id(db, st, id);
}

/* The status of a production order, which must still be open. */
static int open_production(struct crm_db *db, int64_t id, char status[16])
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT status FROM production_order WHERE id = ?");
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = crm_stmt_row(db, st)) <= 0)
		return rc < 0 ? -rc : crm_error_set(CRM_DATAERR, "no production order %lld", (long long)id);
	snprintf(status, 16, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (!strcmp(status, "done") || !strcmp(status, "cancelled"))
		return crm_error_set(CRM_DATAERR, "production order %lld is %s", (long long)id, status);
	return CRM_OK;
}

int crm_production_set(struct crm_db *db, int64_t id, const struct crm_production_change *in,
		       crm_row_fn *fn, void *arg)
{
	char status[16], planned[11], *end = NULL;
	long progress = -1;
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, PLANNERS, "changing production orders")) ||
	    (rc = open_production(db, id, status)) ||
	    (rc = crm_date_parse("planned date", in->planned, planned)))
		return rc;
	if (in->progress && ((progress = strtol(in->progress, &end, 10)) < 0 || progress > 100 || *end))
		return crm_error_set(CRM_DATAERR, "progress is 0 to 100 (per cent), not \"%s\"",
				     in->progress);
	if (in->status && strcmp(in->status, "planned") && strcmp(in->status, "in_progress") &&
	    strcmp(in->status, "cancelled"))
		return crm_error_set(CRM_DATAERR,
				     "status is planned, in_progress or cancelled (done: production done), not \"%s\"",
				     in->status);
	st = crm_stmt(db, "UPDATE production_order SET progress = coalesce(?2, progress),"
			  " status = coalesce(?3, CASE WHEN ?2 > 0 AND status = 'planned'"
			  "  THEN 'in_progress' ELSE status END),"
			  " planned = coalesce(?4, planned), updated = crm_now() WHERE id = ?1");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	if (progress >= 0)
		sqlite3_bind_int64(st, 2, progress);
	crm_bind_text(st, 3, in->status);
	crm_bind_text(st, 4, planned);
	if ((rc = crm_stmt_done(db, st)))
		return rc;
	return emit_production(db, id, fn, arg);
}

/* The receipt move of what arrives: qty of item, with doc. */
static void arrival(struct crm_stock_in *s, const char *item, const char *qty,
		    const struct crm_delivery_in *in, const char *doc)
{
	memset(s, 0, sizeof *s);
	s->item = item;
	s->lot = in->lot;
	s->qty = qty;
	s->warehouse = in->warehouse;
	s->produced = in->produced;
	s->expires = in->expires;
	s->doc = doc;
}

/* The lot that qty of item just arrived in to *lot, reserved for ref. */
static int reserve_arrived(struct crm_db *db, const char *item, const char *qty,
			   const struct crm_delivery_in *in, const char *ref, int64_t *lot)
{
	sqlite3_stmt *st;
	int64_t item_id, wh, q;
	int rc;

	if ((rc = crm_item_find(db, item, &item_id)) ||
	    (rc = crm_warehouse_find(db, in->warehouse, &wh)) || (rc = crm_qty_parse(qty, &q)))
		return rc;
	st = crm_stmt(db, "SELECT id FROM lot WHERE item_id = ? ORDER BY created DESC, id DESC LIMIT 1");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, item_id);
	if ((rc = crm_query_id(db, st, lot)))
		return rc;
	if (in->lot && *in->lot) { /* the lot named, which may be an older one */
		st = crm_stmt(db, "SELECT id FROM lot WHERE item_id = ? AND lot_no = ?");
		if (!st)
			return CRM_SOFTWARE;
		sqlite3_bind_int64(st, 1, item_id);
		crm_bind_text(st, 2, in->lot);
		if ((rc = crm_query_id(db, st, lot)))
			return rc;
	}
	return ref && *ref ? crm_stock_reserve_lot(db, ref, item_id, *lot, wh, q) : CRM_OK;
}

int crm_production_done(struct crm_db *db, int64_t id, const struct crm_delivery_in *in,
			crm_row_fn *fn, void *arg)
{
	struct crm_stock_in made;
	sqlite3_stmt *st;
	char status[16], doc[40], qty[32], item[128], ref[256] = "";
	int64_t lot;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN | CRM_ROLE_WAREHOUSE, "receiving production")) ||
	    (rc = open_production(db, id, status)))
		return rc;
	st = crm_stmt(db, "SELECT i.code, o.qty, o.ref FROM production_order o"
			  " JOIN item i ON i.id = o.item_id WHERE o.id = ?");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = crm_stmt_row(db, st)) <= 0)
		return rc < 0 ? -rc : CRM_SOFTWARE;
	snprintf(item, sizeof item, "%s", (const char *)sqlite3_column_text(st, 0));
	crm_qty_format(sqlite3_column_int64(st, 1), qty);
	if (sqlite3_column_text(st, 2))
		snprintf(ref, sizeof ref, "%s", (const char *)sqlite3_column_text(st, 2));
	sqlite3_reset(st);
	snprintf(doc, sizeof doc, "production %lld", (long long)id);
	arrival(&made, item, in->qty ? in->qty : qty, in, doc);
	if ((rc = crm_stock_produce(db, &made, NULL, NULL)) ||
	    (rc = reserve_arrived(db, item, made.qty, in, ref, &lot)))
		return rc;
	if ((rc = crm_exec_ids(db, "UPDATE production_order SET status = 'done', progress = 100,"
				   " lot_id = ?2, updated = crm_now() WHERE id = ?1", id, lot)))
		return rc;
	return emit_production(db, id, fn, arg);
}

int crm_production_list(struct crm_db *db, const char *status, crm_row_fn *fn, void *arg)
{
	sqlite3_stmt *st;
	unsigned long n = 0;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY, "reading production")))
		return rc;
	st = crm_stmt(db, "SELECT o.id, i.code AS item, i.name, crm_qty(o.qty) AS qty, o.planned,"
			  " o.progress, o.status, o.ref, l.lot_no AS lot FROM production_order o"
			  " JOIN item i ON i.id = o.item_id LEFT JOIN lot l ON l.id = o.lot_id"
			  " WHERE (?1 IS NULL AND o.status IN ('planned', 'in_progress')) OR o.status = ?1"
			  " OR ?1 = 'all' ORDER BY o.planned IS NULL, o.planned, o.id");
	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, status);
	rc = crm_stmt_emit(db, st, fn, arg, &n);
	return rc == CRM_OK && n == 0 ? crm_error_set(CRM_NOMATCH, "no production order") : rc;
}

int crm_supplier_add(struct crm_db *db, const char *name, const struct crm_party_in *in,
		     int64_t *id)
{
	int rc;

	if ((rc = crm_user_require(db, PLANNERS, "adding suppliers")))
		return rc;
	if (!name || !*name)
		return crm_error_set(CRM_USAGE, "a supplier needs a name");
	if ((rc = crm_party_create(db, "supplier", name, 0, id)))
		return rc;
	return crm_party_update(db, *id, in);
}

static int emit_supplier_order(struct crm_db *db, int64_t id, crm_row_fn *fn, void *arg)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT o.id, p.name AS supplier, o.expected, o.status, o.ref,"
				       " i.code AS item, crm_qty(l.qty) AS qty, crm_qty(l.received) AS received"
				       " FROM supplier_order o JOIN party p ON p.id = o.supplier_id"
				       " JOIN supplier_line l ON l.order_id = o.id JOIN item i ON i.id = l.item_id"
				       " WHERE o.id = ? ORDER BY l.id");

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	return fn ? crm_stmt_emit(db, st, fn, arg, NULL) : CRM_OK;
}

int crm_supplier_order_add(struct crm_db *db, const struct crm_supplier_order_in *in,
			   crm_row_fn *fn, void *arg)
{
	int64_t item, qty, order = in->order;
	char expected[11];
	int rc;

	if ((rc = crm_user_require(db, PLANNERS, "ordering from suppliers")) ||
	    (rc = crm_item_find(db, in->item, &item)) || (rc = crm_qty_parse(in->qty, &qty)) ||
	    (rc = crm_date_parse("expected date", in->expected, expected)))
		return rc;
	if (qty <= 0)
		return crm_error_set(CRM_DATAERR, "the quantity must be more than zero, not %s", in->qty);
	if (!order && (rc = crm_supplier_order_new(db, in->supplier, expected, in->ref, &order)))
		return rc;
	if ((rc = crm_supplier_line_add(db, order, item, qty)))
		return rc;
	return emit_supplier_order(db, order, fn, arg);
}

int crm_supplier_order_new(struct crm_db *db, int64_t supplier, const char *expected,
			   const char *ref, int64_t *order)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT 1 FROM party WHERE id = ? AND kind = 'supplier'");
	int64_t kind_ok;
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, supplier);
	if ((rc = crm_query_id(db, st, &kind_ok)) == CRM_NOMATCH)
		return crm_error_set(CRM_DATAERR, "party %lld is not a supplier (crm-stock supplier add)",
				     (long long)supplier);
	if (rc)
		return rc;
	st = crm_stmt(db, "INSERT INTO supplier_order (supplier_id, expected, ref) VALUES (?, ?, ?)"
			  " RETURNING id");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, supplier);
	crm_bind_text(st, 2, expected);
	crm_bind_text(st, 3, ref);
	return crm_query_id(db, st, order);
}

int crm_supplier_line_add(struct crm_db *db, int64_t order, int64_t item, int64_t qty)
{
	sqlite3_stmt *st = crm_stmt(db, "INSERT INTO supplier_line (order_id, item_id, qty)"
				       " SELECT id, ?2, ?3 FROM supplier_order WHERE id = ?1 AND status = 'open'");
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, order);
	sqlite3_bind_int64(st, 2, item);
	sqlite3_bind_int64(st, 3, qty);
	if ((rc = crm_stmt_done(db, st)))
		return rc;
	if (!sqlite3_changes(db->h))
		return crm_error_set(CRM_DATAERR, "no open supplier order %lld", (long long)order);
	return CRM_OK;
}

int crm_supplier_order_list(struct crm_db *db, const char *status, crm_row_fn *fn, void *arg)
{
	sqlite3_stmt *st;
	unsigned long n = 0;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY, "reading supplier orders")))
		return rc;
	st = crm_stmt(db, "SELECT o.id, p.name AS supplier, o.expected, o.status, o.ref,"
			  " i.code AS item, crm_qty(l.qty) AS qty, crm_qty(l.received) AS received"
			  " FROM supplier_order o JOIN party p ON p.id = o.supplier_id"
			  " JOIN supplier_line l ON l.order_id = o.id JOIN item i ON i.id = l.item_id"
			  " WHERE coalesce(?1, 'open') = o.status OR ?1 = 'all'"
			  " ORDER BY o.expected IS NULL, o.expected, o.id, l.id");
	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, status);
	rc = crm_stmt_emit(db, st, fn, arg, &n);
	return rc == CRM_OK && n == 0 ? crm_error_set(CRM_NOMATCH, "no supplier order") : rc;
}

int crm_supplier_order_receive(struct crm_db *db, int64_t id, const char *item,
			       const struct crm_delivery_in *in, crm_row_fn *fn, void *arg)
{
	char doc[40], ref[256] = "", qty[32];
	struct crm_stock_in bought;
	int64_t item_id, line, left, q, lot;
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN | CRM_ROLE_WAREHOUSE, "receiving supplier orders")) ||
	    (rc = crm_item_find(db, item, &item_id)))
		return rc;
	st = crm_stmt(db, "SELECT l.id, l.qty - l.received, o.ref FROM supplier_line l"
			  " JOIN supplier_order o ON o.id = l.order_id"
			  " WHERE o.id = ?1 AND o.status = 'open' AND l.item_id = ?2 AND l.received < l.qty"
			  " ORDER BY l.id LIMIT 1");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, item_id);
	if ((rc = crm_stmt_row(db, st)) <= 0)
		return rc < 0 ? -rc
			      : crm_error_set(CRM_DATAERR, "open supplier order %lld has no %s left to receive",
					      (long long)id, item);
	line = sqlite3_column_int64(st, 0);
	left = sqlite3_column_int64(st, 1);
	if (sqlite3_column_text(st, 2))
		snprintf(ref, sizeof ref, "%s", (const char *)sqlite3_column_text(st, 2));
	sqlite3_reset(st);
	q = left;
	if (in->qty && (rc = crm_qty_parse(in->qty, &q)))
		return rc;
	if (q <= 0 || q > left) {
		crm_qty_format(left, qty);
		return crm_error_set(CRM_DATAERR, "%s left to receive of %s on order %lld", qty, item,
				     (long long)id);
	}
	crm_qty_format(q, qty);
	snprintf(doc, sizeof doc, "supplier order %lld", (long long)id);
	arrival(&bought, item, qty, in, doc);
	if ((rc = crm_stock_receive(db, &bought, NULL, NULL)) ||
	    (rc = reserve_arrived(db, item, qty, in, ref, &lot)) ||
	    (rc = crm_exec_ids(db, "UPDATE supplier_line SET received = received + ?2 WHERE id = ?1",
			       line, q)) ||
	    (rc = crm_exec_ids(db, "UPDATE supplier_order SET status = 'received' WHERE id = ?1"
				   " AND NOT EXISTS (SELECT 1 FROM supplier_line WHERE order_id = ?1"
				   " AND received < qty)", id, 0)))
		return rc;
	return emit_supplier_order(db, id, fn, arg);
}
