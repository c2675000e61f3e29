/*
 * fefo.c: reservations, first expired first out. A reservation for an
 * order takes the lots that expire first (then the earliest received, then
 * the lowest id; lots without expiry last; expired lots never), across as
 * many lots as it needs; what is reserved is not free for anyone else. The
 * picking list says which lots to take; picking by scanner refuses another
 * lot; shipping ships exactly what was reserved. Writes run in the caller's
 * BEGIN IMMEDIATE transaction, so two reservations for the last units never
 * both succeed.
 */
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

#define RESERVERS (CRM_ROLE_ADMIN | CRM_ROLE_WAREHOUSE | CRM_ROLE_MANAGER | CRM_ROLE_HEAD)

/* Every reservation of ref, whatever its status, to fn. */
static int emit_reservations(struct crm_db *db, const char *ref, crm_row_fn *fn, void *arg)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT r.id, r.ref, i.code AS item, l.lot_no AS lot,"
				       " l.expires, w.code AS warehouse, crm_qty(r.qty) AS qty,"
				       " crm_qty(r.picked) AS picked, r.status FROM reservation r"
				       " JOIN item i ON i.id = r.item_id JOIN lot l ON l.id = r.lot_id"
				       " JOIN warehouse w ON w.id = r.warehouse_id"
				       " WHERE r.ref = ? ORDER BY r.id");
	unsigned long n = 0;
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_TRANSIENT);
	rc = fn ? crm_stmt_emit(db, st, fn, arg, &n) : CRM_OK;
	return rc;
}

static int check_ref(const char *ref)
{
	if (!ref || !*ref)
		return crm_error_set(CRM_USAGE, "a reservation needs an order reference (--ref)");
	return CRM_OK;
}

/* Reserve from one lot. */
int crm_stock_reserve_lot(struct crm_db *db, const char *ref, int64_t item, int64_t lot,
		       int64_t wh, int64_t qty)
{
	sqlite3_stmt *st = crm_stmt(db, "INSERT INTO reservation (ref, item_id, lot_id, warehouse_id,"
				       " qty) VALUES (?, ?, ?, ?, ?)");

	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, ref);
	sqlite3_bind_int64(st, 2, item);
	sqlite3_bind_int64(st, 3, lot);
	sqlite3_bind_int64(st, 4, wh);
	sqlite3_bind_int64(st, 5, qty);
	return crm_stmt_done(db, st);
}

/* The lots to take want of item from, in FEFO order (expired lots never),
 * as far as they have it free: *takes (n of them) and *got; *free_total is
 * what was free in all. */
struct take {
	int64_t lot, wh, qty;
};

static int fefo_plan(struct crm_db *db, int64_t item, int64_t want, int64_t wh,
		     struct take **takes, size_t *n, int64_t *got, int64_t *free_total)
{
	/* The lots of the item in FEFO order, with what each has free. */
	static const char sql[] =
		"SELECT b.lot_id, b.warehouse_id, b.qty - coalesce((SELECT sum(r.qty) FROM reservation r"
		"  WHERE r.lot_id = b.lot_id AND r.warehouse_id = b.warehouse_id AND r.status = 'open'), 0)"
		" FROM lot l JOIN balance b ON b.lot_id = l.id"
		" WHERE l.item_id = ?1 AND b.qty > 0 AND (?2 IS NULL OR b.warehouse_id = ?2)"
		" AND (l.expires IS NULL OR l.expires >= ?3)"
		" ORDER BY l.expires IS NULL, l.expires, l.received, l.id, b.warehouse_id";
	char today[11];
	sqlite3_stmt *st;
	int rc;

	*takes = NULL, *n = 0, *got = 0, *free_total = 0;
	if ((rc = crm_date_today(today)))
		return rc;
	if (!(st = crm_stmt(db, sql)))
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, item);
	crm_bind_id(st, 2, wh);
	sqlite3_bind_text(st, 3, today, -1, SQLITE_TRANSIENT);
	while (*got < want && (rc = crm_stmt_row(db, st)) == 1) {
		int64_t lot_free = sqlite3_column_int64(st, 2), part;
		struct take *t;

		if (lot_free <= 0)
			continue;
		*free_total += lot_free;
		part = lot_free < want - *got ? lot_free : want - *got;
		if (!(t = realloc(*takes, (*n + 1) * sizeof *t))) {
			rc = -crm_error_set(CRM_SOFTWARE, "out of memory");
			break;
		}
		*takes = t;
		t[*n].lot = sqlite3_column_int64(st, 0);
		t[*n].wh = sqlite3_column_int64(st, 1);
		t[(*n)++].qty = part;
		*got += part;
	}
	sqlite3_reset(st);
	if (rc < 0) {
		free(*takes);
		*takes = NULL;
		return -rc;
	}
	return CRM_OK;
}

static int reserve_takes(struct crm_db *db, const char *ref, int64_t item, struct take *takes,
			 size_t n)
{
	size_t i;
	int rc = CRM_OK;

	for (i = 0; i < n && rc == CRM_OK; i++)
		rc = crm_stock_reserve_lot(db, ref, item, takes[i].lot, takes[i].wh, takes[i].qty);
	free(takes);
	return rc;
}

int crm_stock_reserve_free(struct crm_db *db, const char *ref, int64_t item, int64_t want,
			   int64_t *got)
{
	struct take *takes;
	int64_t free_total;
	size_t n;
	int rc = fefo_plan(db, item, want, 0, &takes, &n, got, &free_total);

	return rc ? rc : reserve_takes(db, ref, item, takes, n);
}

int crm_stock_reserve(struct crm_db *db, const char *ref, const char *item, const char *qty,
		      const char *warehouse, crm_row_fn *fn, void *arg)
{
	int64_t item_id, wh = 0, want, got, free_total;
	struct take *takes;
	char f[32];
	size_t n;
	int rc;

	if ((rc = crm_user_require(db, RESERVERS, "reserving stock")) || (rc = check_ref(ref)) ||
	    (rc = crm_item_find(db, item, &item_id)) || (rc = crm_qty_parse(qty, &want)) ||
	    (warehouse && *warehouse && (rc = crm_warehouse_find(db, warehouse, &wh))))
		return rc;
	if (want <= 0)
		return crm_error_set(CRM_DATAERR, "the quantity must be more than zero, not %s", qty);
	if ((rc = fefo_plan(db, item_id, want, wh, &takes, &n, &got, &free_total)))
		return rc;
	if (got < want) {
		free(takes);
		crm_qty_format(free_total, f);
		return crm_error_set(CRM_DATAERR,
				     "not enough %s to reserve %s for %s: %s free (expired lots do not count)",
				     item, qty, ref, f);
	}
	if ((rc = reserve_takes(db, ref, item_id, takes, n)))
		return rc;
	return emit_reservations(db, ref, fn, arg);
}

/* End the open reservations of ref as status (released or shipped). */
static int end_reservations(struct crm_db *db, const char *ref, const char *status)
{
	sqlite3_stmt *st = crm_stmt(db, "UPDATE reservation SET status = ?2 WHERE ref = ?1"
				       " AND status = 'open'");
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	if ((rc = crm_stmt_done(db, st)))
		return rc;
	return sqlite3_changes(db->h) ? CRM_OK
				      : crm_error_set(CRM_DATAERR, "nothing is reserved for %s", ref);
}

int crm_stock_release(struct crm_db *db, const char *ref, crm_row_fn *fn, void *arg)
{
	int rc;

	if ((rc = crm_user_require(db, RESERVERS, "releasing reservations")) ||
	    (rc = check_ref(ref)) || (rc = end_reservations(db, ref, "released")))
		return rc;
	return emit_reservations(db, ref, fn, arg);
}

int crm_stock_picklist(struct crm_db *db, const char *ref, crm_row_fn *fn, void *arg)
{
	static const char sql[] =
		"SELECT i.code AS item, i.name, l.lot_no AS lot, l.expires, w.code AS warehouse,"
		" crm_qty(r.qty) AS qty, crm_qty(r.picked) AS picked FROM reservation r"
		" JOIN item i ON i.id = r.item_id JOIN lot l ON l.id = r.lot_id"
		" JOIN warehouse w ON w.id = r.warehouse_id"
		" WHERE r.ref = ? AND r.status = 'open' ORDER BY w.code, i.code, l.expires, r.id";
	unsigned long n = 0;
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY, "reading picking lists")) ||
	    (rc = check_ref(ref)))
		return rc;
	if (!(st = crm_stmt(db, sql)))
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_TRANSIENT);
	rc = crm_stmt_emit(db, st, fn, arg, &n);
	return rc == CRM_OK && n == 0 ? crm_error_set(CRM_NOMATCH, "nothing is reserved for %s", ref)
				      : rc;
}

int crm_stock_ship_reserved(struct crm_db *db, const char *ref, crm_row_fn *fn, void *arg)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN | CRM_ROLE_WAREHOUSE, "shipping goods")) ||
	    (rc = check_ref(ref)))
		return rc;
	/* One shipment move per reserved lot; then the reservations are done. */
	if (!(st = crm_stmt(db, "INSERT INTO move (at, kind, item_id, lot_id, warehouse_id, qty, doc)"
				" SELECT crm_now(), 'shipment', item_id, lot_id, warehouse_id, -qty, ref"
				" FROM reservation WHERE ref = ? AND status = 'open' ORDER BY id")))
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_TRANSIENT);
	if ((rc = crm_stmt_done(db, st)))
		return rc;
	if (!sqlite3_changes(db->h))
		return crm_error_set(CRM_DATAERR, "nothing is reserved for %s", ref);
	if ((rc = end_reservations(db, ref, "shipped")))
		return rc;
	return emit_reservations(db, ref, fn, arg);
}

int crm_stock_pick_scan(struct crm_db *db, const char *ref, const struct crm_scan *s, int64_t qty,
			crm_row_fn *fn, void *arg)
{
	sqlite3_stmt *st;
	int64_t item, res, left;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN | CRM_ROLE_WAREHOUSE, "picking")) ||
	    (rc = check_ref(ref)) || (rc = crm_item_find(db, s->gtin, &item)))
		return rc;
	/* The first line of the list for this item (and lot) with something left to pick. */
	st = crm_stmt(db, "SELECT r.id FROM reservation r JOIN lot l ON l.id = r.lot_id"
			  " WHERE r.ref = ?1 AND r.item_id = ?2 AND r.status = 'open'"
			  " AND (?3 IS NULL OR l.lot_no = ?3) ORDER BY r.picked >= r.qty, r.id LIMIT 1");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, item);
	crm_bind_text(st, 3, s->lot);
	if ((rc = crm_query_id(db, st, &res)) == CRM_NOMATCH)
		return crm_error_set(CRM_DATAERR, s->lot[0]
				     ? "not on the picking list of %s: item %s lot %s (take the lot the list names)"
				     : "not on the picking list of %s: item %s%s",
				     ref, s->gtin, s->lot);
	if (rc)
		return rc;
	if (!(st = crm_stmt(db, "SELECT qty - picked FROM reservation WHERE id = ?")))
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, res);
	if ((rc = crm_query_id(db, st, &left)))
		return rc;
	if (qty > left) {
		char l[32];

		crm_qty_format(left, l);
		return crm_error_set(CRM_DATAERR, left ? "only %s left to pick of item %s%s%s for %s"
						       : "nothing left to pick%.0s of item %s%s%s for %s",
				     l, s->gtin, s->lot[0] ? " lot " : "", s->lot, ref);
	}
	if ((rc = crm_exec_ids(db, "UPDATE reservation SET picked = picked + ?2 WHERE id = ?1",
			       res, qty)))
		return rc;
	return emit_reservations(db, ref, fn, arg);
}
