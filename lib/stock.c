/*
 * stock.c: the stock ledger. Every change of stock is a move (receipt,
 * production, shipment, transfer, adjustment, write-off) with who, when,
 * why and its document; balances follow from the moves (a trigger keeps
 * the balance table, crm_stock_check compares the two). Stock never goes
 * below zero, and what is reserved is not free for anyone else.
 */
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

#define MOVERS (CRM_ROLE_ADMIN | CRM_ROLE_WAREHOUSE)

struct place {
	int64_t item, lot, warehouse, qty;
	int tracked;
	long shelf;
};

static int item_facts(struct crm_db *db, int64_t item, struct place *p)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT lot_tracked, coalesce(shelf_life, 0) FROM item"
				       " WHERE id = ?");
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, item);
	if ((rc = crm_stmt_row(db, st)) <= 0)
		return rc < 0 ? -rc : CRM_SOFTWARE;
	p->tracked = sqlite3_column_int(st, 0);
	p->shelf = sqlite3_column_int(st, 1);
	sqlite3_reset(st);
	return CRM_OK;
}

/* Item, warehouse and quantity of a move; the lot is looked up or made by the caller. */
static int place_of(struct crm_db *db, const struct crm_stock_in *in, struct place *p)
{
	int rc;

	memset(p, 0, sizeof *p);
	if ((rc = crm_item_find(db, in->item, &p->item)) || (rc = item_facts(db, p->item, p)) ||
	    (rc = crm_warehouse_find(db, in->warehouse, &p->warehouse)) ||
	    (rc = crm_qty_parse(in->qty, &p->qty)))
		return rc;
	if (p->qty <= 0)
		return crm_error_set(CRM_DATAERR, "the quantity must be more than zero, not %s",
				     in->qty);
	if (p->tracked && (!in->lot || !*in->lot))
		return crm_error_set(CRM_DATAERR, "item %s is tracked by lot: give its lot", in->item);
	return CRM_OK;
}

/* The lot of a move. Items not tracked by lot keep one lot "-", except
 * those with a shelf life: each day's receipts are a lot of their own
 * (named by the date), so that their expiry, and FEFO, still hold. */
static const char *lot_name(const struct crm_stock_in *in, const struct place *p)
{
	static char dated[16];

	if (p->tracked || (in->lot && *in->lot))
		return in->lot;
	if (p->shelf && crm_date_today(dated) == CRM_OK)
		return dated;
	return "-";
}

static int find_lot(struct crm_db *db, const struct crm_stock_in *in, struct place *p)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT id FROM lot WHERE item_id = ? AND lot_no = ?");
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, p->item);
	crm_bind_text(st, 2, lot_name(in, p));
	rc = crm_query_id(db, st, &p->lot);
	return rc == CRM_NOMATCH ? crm_error_set(CRM_DATAERR, "item %s has no lot %s", in->item,
						 lot_name(in, p))
				 : rc;
}

/* More of a known lot must not say it expires on another day. */
static int same_expiry(struct crm_db *db, const struct crm_stock_in *in, const struct place *p,
		       const char *expires)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT expires FROM lot WHERE id = ?");
	char known[16] = "";
	int rc;

	if (!expires[0])
		return CRM_OK;
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, p->lot);
	if ((rc = crm_stmt_row(db, st)) == 1 && sqlite3_column_text(st, 0))
		snprintf(known, sizeof known, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (rc < 0)
		return -rc;
	if (known[0] && strcmp(known, expires) != 0)
		return crm_error_set(CRM_DATAERR,
				     "lot %s of %s expires on %s, not %s: is it another lot?",
				     lot_name(in, p), in->item, known, expires);
	return CRM_OK;
}

/* The lot of a receipt: known, or new with its dates (expiry from the shelf life). */
static int receipt_lot(struct crm_db *db, const struct crm_stock_in *in, struct place *p)
{
	char produced[11], expires[11], today[11];
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_date_parse("production date", in->produced, produced)) ||
	    (rc = crm_date_parse("expiry date", in->expires, expires)) || (rc = crm_date_today(today)))
		return rc;
	if ((rc = find_lot(db, in, p)) == CRM_OK)
		return same_expiry(db, in, p, expires);
	if (rc != CRM_DATAERR)
		return rc;
	st = crm_stmt(db, "INSERT INTO lot (item_id, lot_no, produced, expires, received)"
			  " VALUES (?1, ?2, ?3, coalesce(?4, CASE WHEN ?5 > 0 THEN"
			  " date(coalesce(?3, ?6), '+' || ?5 || ' days') END), ?6)");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, p->item);
	crm_bind_text(st, 2, lot_name(in, p));
	crm_bind_text(st, 3, produced);
	crm_bind_text(st, 4, expires);
	sqlite3_bind_int64(st, 5, p->shelf);
	crm_bind_text(st, 6, today);
	if ((rc = crm_stmt_done(db, st)) == CRM_OK)
		p->lot = sqlite3_last_insert_rowid(db->h);
	return rc;
}

static int add_move(struct crm_db *db, const char *kind, const struct place *p, int64_t qty,
		    int64_t warehouse, const struct crm_stock_in *in, int64_t *id)
{
	sqlite3_stmt *st = crm_stmt(db, "INSERT INTO move (at, kind, item_id, lot_id, warehouse_id,"
				       " qty, reason, doc) VALUES (crm_now(), ?, ?, ?, ?, ?, ?, ?)");
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, kind);
	sqlite3_bind_int64(st, 2, p->item);
	sqlite3_bind_int64(st, 3, p->lot);
	sqlite3_bind_int64(st, 4, warehouse);
	sqlite3_bind_int64(st, 5, qty);
	crm_bind_text(st, 6, in->reason);
	crm_bind_text(st, 7, in->doc);
	if ((rc = crm_stmt_done(db, st)) == CRM_OK && id)
		*id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

int crm_stock_on_hand(struct crm_db *db, int64_t lot, int64_t warehouse, int64_t *on_hand,
		      int64_t *free)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT coalesce((SELECT qty FROM balance WHERE lot_id = ?1"
				       " AND warehouse_id = ?2), 0), coalesce((SELECT sum(qty)"
				       " FROM reservation WHERE lot_id = ?1 AND warehouse_id = ?2"
				       " AND status = 'open'), 0)");
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, lot);
	sqlite3_bind_int64(st, 2, warehouse);
	if ((rc = crm_stmt_row(db, st)) <= 0)
		return rc < 0 ? -rc : CRM_SOFTWARE;
	*on_hand = sqlite3_column_int64(st, 0);
	*free = *on_hand - sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return CRM_OK;
}

static int not_enough(const struct crm_stock_in *in, const char *lot, int64_t free)
{
	char f[32];

	crm_qty_format(free < 0 ? 0 : free, f);
	return crm_error_set(CRM_DATAERR, "not enough %s lot %s in %s: %s free, %s asked",
			     in->item, lot, in->warehouse && *in->warehouse ? in->warehouse : "the warehouse",
			     f, in->qty);
}

static int emit_move(struct crm_db *db, int64_t id, crm_row_fn *fn, void *arg)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT m.id, m.at, m.kind, i.code AS item, l.lot_no AS lot,"
				       " l.expires, w.code AS warehouse, crm_qty(m.qty) AS qty,"
				       " crm_qty(b.qty) AS balance, m.doc, m.reason FROM move m"
				       " JOIN item i ON i.id = m.item_id JOIN lot l ON l.id = m.lot_id"
				       " JOIN warehouse w ON w.id = m.warehouse_id"
				       " LEFT JOIN balance b ON b.lot_id = m.lot_id AND b.warehouse_id = m.warehouse_id"
				       " WHERE m.id = ?");

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	return fn ? crm_stmt_emit(db, st, fn, arg, NULL) : CRM_OK;
}

/* Goods in, as a move of kind (receipt or production). */
static int goods_in(struct crm_db *db, const struct crm_stock_in *in, const char *kind,
		    crm_row_fn *fn, void *arg)
{
	struct place p;
	int64_t id;
	int rc;

	if ((rc = crm_user_require(db, MOVERS, "receiving goods")) || (rc = place_of(db, in, &p)) ||
	    (rc = receipt_lot(db, in, &p)) || (rc = add_move(db, kind, &p, p.qty, p.warehouse, in, &id)))
		return rc;
	return emit_move(db, id, fn, arg);
}

int crm_stock_receive(struct crm_db *db, const struct crm_stock_in *in, crm_row_fn *fn, void *arg)
{
	return goods_in(db, in, "receipt", fn, arg);
}

int crm_stock_produce(struct crm_db *db, const struct crm_stock_in *in, crm_row_fn *fn, void *arg)
{
	return goods_in(db, in, "production", fn, arg);
}

/* The lot that goods not reserved leave, and how much of it is free. */
static int out_of_lot(struct crm_db *db, const struct crm_stock_in *in, struct place *p,
		      int64_t *free)
{
	int64_t on_hand;
	int rc;

	if ((rc = crm_user_require(db, MOVERS, "taking goods out")) || (rc = place_of(db, in, p)) ||
	    (rc = find_lot(db, in, p)))
		return rc;
	return crm_stock_on_hand(db, p->lot, p->warehouse, &on_hand, free);
}

/* Goods out of that lot as a move of kind (shipment or writeoff); never more than is free. */
static int goods_out(struct crm_db *db, const struct crm_stock_in *in, const char *kind,
		     const struct place *p, int64_t free, crm_row_fn *fn, void *arg)
{
	int64_t id;
	int rc;

	if (p->qty > free)
		return not_enough(in, lot_name(in, p), free);
	if ((rc = add_move(db, kind, p, -p->qty, p->warehouse, in, &id)))
		return rc;
	return emit_move(db, id, fn, arg);
}

int crm_stock_ship_unreserved(struct crm_db *db, const struct crm_stock_in *in, crm_row_fn *fn,
			      void *arg)
{
	struct place p;
	int64_t free;
	int rc;

	if ((rc = out_of_lot(db, in, &p, &free)))
		return rc;
	return goods_out(db, in, "shipment", &p, free, fn, arg);
}

int crm_stock_writeoff(struct crm_db *db, const struct crm_stock_in *in, crm_row_fn *fn, void *arg)
{
	struct place p;
	int64_t free;
	int rc;

	if ((rc = out_of_lot(db, in, &p, &free)))
		return rc;
	if (!in->reason || !*in->reason)
		return crm_error_set(CRM_USAGE, "a write-off needs a reason (--reason)");
	return goods_out(db, in, "writeoff", &p, free, fn, arg);
}

int crm_stock_transfer(struct crm_db *db, const struct crm_stock_in *in, crm_row_fn *fn,
		       void *arg)
{
	int64_t to, out, into, on_hand, free;
	struct place p;
	int rc;

	if ((rc = crm_user_require(db, MOVERS, "moving goods")) || (rc = place_of(db, in, &p)) ||
	    (rc = find_lot(db, in, &p)) || (rc = crm_warehouse_find(db, in->to, &to)))
		return rc;
	if (!in->to || !*in->to || to == p.warehouse)
		return crm_error_set(CRM_USAGE, "a transfer needs --to, another warehouse");
	if ((rc = crm_stock_on_hand(db, p.lot, p.warehouse, &on_hand, &free)))
		return rc;
	if (p.qty > free)
		return not_enough(in, lot_name(in, &p), free);
	if ((rc = add_move(db, "transfer", &p, -p.qty, p.warehouse, in, &out)) ||
	    (rc = add_move(db, "transfer", &p, p.qty, to, in, &into)) ||
	    (rc = emit_move(db, out, fn, arg)))
		return rc;
	return emit_move(db, into, fn, arg);
}

int crm_stock_adjust(struct crm_db *db, const struct crm_stock_in *in, crm_row_fn *fn,
		     void *arg)
{
	int64_t id, on_hand, free, counted;
	struct crm_stock_in one = *in;
	struct place p;
	int rc;

	one.qty = "1"; /* place_of wants a positive quantity; the count may be zero */
	if ((rc = crm_user_require(db, MOVERS, "counting stock")) || (rc = place_of(db, &one, &p)) ||
	    (rc = crm_qty_parse(in->qty, &counted)))
		return rc;
	if (counted < 0)
		return crm_error_set(CRM_DATAERR, "a count is not negative: %s", in->qty);
	if ((rc = receipt_lot(db, in, &p)) ||
	    (rc = crm_stock_on_hand(db, p.lot, p.warehouse, &on_hand, &free)))
		return rc;
	if (counted == on_hand)
		return CRM_OK; /* the books are right */
	if (on_hand - counted > free)
		return crm_error_set(CRM_DATAERR,
				     "the count leaves less than is reserved: release reservations first");
	if (!one.reason)
		one.reason = "inventory count";
	if ((rc = add_move(db, "adjustment", &p, counted - on_hand, p.warehouse, &one, &id)))
		return rc;
	return emit_move(db, id, fn, arg);
}

int crm_stock_balance(struct crm_db *db, const struct crm_stock_filter *f, crm_row_fn *fn,
		      void *arg)
{
	/* Now: from the balance table; at a past time: the ledger summed up to it. */
	static const char now_sql[] =
		"SELECT i.code AS item, i.name, CASE WHEN ?4 THEN l.lot_no END AS lot,"
		" CASE WHEN ?4 THEN l.expires END AS expires, w.code AS warehouse,"
		" crm_qty(sum(b.qty)) AS qty, crm_qty(coalesce(sum((SELECT sum(r.qty) FROM reservation r"
		"  WHERE r.lot_id = b.lot_id AND r.warehouse_id = b.warehouse_id AND r.status = 'open')), 0))"
		"  AS reserved, i.unit"
		" FROM balance b JOIN item i ON i.id = b.item_id JOIN lot l ON l.id = b.lot_id"
		" JOIN warehouse w ON w.id = b.warehouse_id"
		" WHERE b.item_id BETWEEN coalesce(?1, 0) AND coalesce(?1, 9223372036854775807)" /* an index range, unlike ?1 IS NULL OR ... */
		" AND (?2 IS NULL OR b.warehouse_id = ?2) AND b.qty > 0"
		" GROUP BY i.id, w.id, CASE WHEN ?4 THEN l.id END"
		" ORDER BY i.code, w.code, l.expires IS NULL, l.expires, l.received, l.id";
	static const char at_sql[] =
		"SELECT i.code AS item, i.name, CASE WHEN ?4 THEN l.lot_no END AS lot,"
		" CASE WHEN ?4 THEN l.expires END AS expires, w.code AS warehouse,"
		" crm_qty(sum(m.qty)) AS qty, NULL AS reserved, i.unit"
		" FROM move m JOIN item i ON i.id = m.item_id JOIN lot l ON l.id = m.lot_id"
		" JOIN warehouse w ON w.id = m.warehouse_id"
		" WHERE m.item_id BETWEEN coalesce(?1, 0) AND coalesce(?1, 9223372036854775807)"
		" AND (?2 IS NULL OR m.warehouse_id = ?2) AND m.at <= ?3"
		" GROUP BY i.id, w.id, CASE WHEN ?4 THEN l.id END HAVING sum(m.qty) <> 0"
		" ORDER BY i.code, w.code, l.expires IS NULL, l.expires, l.received, l.id";
	char at[CRM_TIME_LEN];
	int64_t item = 0, wh = 0;
	unsigned long n = 0;
	sqlite3_stmt *st;
	time_t t;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY, "reading stock")) ||
	    (f->item && (rc = crm_item_find(db, f->item, &item))) ||
	    (f->warehouse && (rc = crm_warehouse_find(db, f->warehouse, &wh))))
		return rc;
	if (f->at) {
		if ((rc = crm_time_parse(f->at, &t)))
			return rc;
		if (strlen(f->at) == 10)
			t += 86399; /* a date means the end of that day */
		crm_time_format(t, at);
	}
	if (!(st = crm_stmt(db, f->at ? at_sql : now_sql)))
		return CRM_SOFTWARE;
	crm_bind_id(st, 1, item);
	crm_bind_id(st, 2, wh);
	if (f->at)
		crm_bind_text(st, 3, at);
	sqlite3_bind_int(st, 4, !!f->by_lot);
	rc = crm_stmt_emit(db, st, fn, arg, &n);
	return rc == CRM_OK && n == 0 ? crm_error_set(CRM_NOMATCH, "no stock") : rc;
}

/* Lots with stock that expire within f->within, or (expired) before today. */
static int lots_by_expiry(struct crm_db *db, const struct crm_stock_filter *f, int expired,
			  crm_row_fn *fn, void *arg)
{
	static const char sql[] =
		"SELECT i.code AS item, i.name, l.lot_no AS lot, l.expires, w.code AS warehouse,"
		" crm_qty(b.qty) AS qty, CAST(julianday(l.expires) - julianday(?1) AS INTEGER) AS days"
		" FROM balance b JOIN lot l ON l.id = b.lot_id JOIN item i ON i.id = b.item_id"
		" JOIN warehouse w ON w.id = b.warehouse_id"
		" WHERE b.qty > 0 AND l.expires IS NOT NULL"
		" AND (CASE WHEN ?3 THEN l.expires < ?1 ELSE l.expires >= ?1 AND l.expires <= ?2 END)"
		" AND (?4 IS NULL OR b.warehouse_id = ?4)"
		" ORDER BY l.expires, i.code, l.lot_no";
	char today[11], until[CRM_TIME_LEN] = "";
	long long secs = 30 * 86400;
	unsigned long n = 0;
	sqlite3_stmt *st;
	int64_t wh = 0;
	time_t t;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY, "reading stock")) || (rc = crm_date_today(today)) ||
	    (f->within && (rc = crm_duration_parse(f->within, &secs))) ||
	    (f->warehouse && (rc = crm_warehouse_find(db, f->warehouse, &wh))))
		return rc;
	crm_time_parse(today, &t);
	crm_time_format(t + secs, until);
	until[10] = '\0';
	if (!(st = crm_stmt(db, sql)))
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, today);
	crm_bind_text(st, 2, until);
	sqlite3_bind_int(st, 3, expired);
	crm_bind_id(st, 4, wh);
	rc = crm_stmt_emit(db, st, fn, arg, &n);
	return rc == CRM_OK && n == 0 ? crm_error_set(CRM_NOMATCH, "nothing %s",
						      expired ? "expired" : "expiring")
				      : rc;
}

int crm_stock_expiring(struct crm_db *db, const struct crm_stock_filter *f, crm_row_fn *fn,
		       void *arg)
{
	return lots_by_expiry(db, f, 0, fn, arg);
}

int crm_stock_expired(struct crm_db *db, const struct crm_stock_filter *f, crm_row_fn *fn,
		      void *arg)
{
	return lots_by_expiry(db, f, 1, fn, arg);
}

int crm_stock_moves(struct crm_db *db, const struct crm_stock_filter *f, crm_row_fn *fn,
		    void *arg)
{
	static const char sql[] =
		"SELECT m.id, m.at, m.kind, i.code AS item, l.lot_no AS lot, w.code AS warehouse,"
		" crm_qty(m.qty) AS qty, m.doc, m.reason, m.created_by AS who FROM move m"
		" JOIN item i ON i.id = m.item_id JOIN lot l ON l.id = m.lot_id"
		" JOIN warehouse w ON w.id = m.warehouse_id"
		" WHERE m.item_id BETWEEN coalesce(?1, 0) AND coalesce(?1, 9223372036854775807)"
		" AND (?2 IS NULL OR m.warehouse_id = ?2) AND (?3 IS NULL OR m.kind = ?3) AND (?4 IS NULL OR m.at >= ?4)"
		" AND (?5 IS NULL OR m.doc = ?5) ORDER BY m.id";
	char since[CRM_TIME_LEN], word[64];
	int64_t item = 0, wh = 0;
	unsigned long n = 0;
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY, "reading stock")) ||
	    (f->item && (rc = crm_item_find(db, f->item, &item))) ||
	    (f->warehouse && (rc = crm_warehouse_find(db, f->warehouse, &wh))) ||
	    (f->since && (rc = crm_time_or_ago(f->since, since))))
		return rc;
	snprintf(word, sizeof word, " %s ", f->kind ? f->kind : "");
	if (f->kind && !strstr(" receipt production shipment transfer adjustment writeoff ", word))
		return crm_error_set(CRM_DATAERR,
				     "unknown kind \"%s\"; kinds are: receipt, production, shipment, transfer, adjustment, writeoff",
				     f->kind);
	if (!(st = crm_stmt(db, sql)))
		return CRM_SOFTWARE;
	crm_bind_id(st, 1, item);
	crm_bind_id(st, 2, wh);
	crm_bind_text(st, 3, f->kind);
	crm_bind_text(st, 4, f->since ? since : NULL);
	crm_bind_text(st, 5, f->doc);
	rc = crm_stmt_emit(db, st, fn, arg, &n);
	return rc == CRM_OK && n == 0 ? crm_error_set(CRM_NOMATCH, "no moves") : rc;
}

int crm_stock_check(struct crm_db *db, crm_row_fn *fn, void *arg)
{
	static const char sql[] =
		"SELECT i.code AS item, l.lot_no AS lot, w.code AS warehouse,"
		" crm_qty(coalesce(b.qty, 0)) AS balance, crm_qty(coalesce(m.qty, 0)) AS ledger"
		" FROM (SELECT lot_id, warehouse_id, sum(qty) AS qty FROM move"
		"  GROUP BY lot_id, warehouse_id) m"
		" FULL JOIN balance b ON b.lot_id = m.lot_id AND b.warehouse_id = m.warehouse_id"
		" JOIN lot l ON l.id = coalesce(m.lot_id, b.lot_id) JOIN item i ON i.id = l.item_id"
		" JOIN warehouse w ON w.id = coalesce(m.warehouse_id, b.warehouse_id)"
		" WHERE coalesce(b.qty, 0) <> coalesce(m.qty, 0)";
	unsigned long n = 0;
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY, "checking stock")))
		return rc;
	if (!(st = crm_stmt(db, sql)))
		return CRM_SOFTWARE;
	rc = crm_stmt_emit(db, st, fn, arg, &n);
	return rc == CRM_OK && n ? crm_error_set(CRM_DATAERR, "%lu balance%s from the ledger", n,
						 n == 1 ? " differs" : "s differ")
				 : rc;
}
