/*
 * order.c: the customer order a deal makes of its lines. Each line is
 * covered from free stock first (a FEFO reservation), the rest by a
 * production order for an item the company makes or a supplier order for
 * one it buys, all under the order's ref (DEAL-<id>) in the stock tables.
 * What covers a line is read back from there each time, so running the
 * order again adds only what is missing and gives back what is no longer
 * wanted: nothing is doubled. Two managers ordering the last units of an
 * item are one after the other (each run holds the write lock): the second
 * sees the first's reservations, and its line goes to production or the
 * supplier.
 */
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

struct cover {
	int64_t item;
	char code[64], supply[8];
	int64_t supplier;   /* the item's own supplier, 0 when it names none */
	int64_t wanted;     /* the line's quantity; 0 for an item no longer on the deal */
	int64_t reserved;   /* open reservations: on hand, for this order */
	int64_t making;     /* open production orders */
	int64_t buying;     /* open supplier lines, not yet received */
};

/* Every item of the deal's lines, and every item something still covers
 * under ref although its line is gone. */
static const char cover_sql[] =
	"WITH items(item_id) AS (SELECT item_id FROM deal_line WHERE deal_id = ?1"
	"  UNION SELECT item_id FROM reservation WHERE ref = ?2 AND status = 'open'"
	"  UNION SELECT item_id FROM production_order WHERE ref = ?2"
	"   AND status IN ('planned', 'in_progress')"
	"  UNION SELECT l.item_id FROM supplier_line l JOIN supplier_order o ON o.id = l.order_id"
	"   WHERE o.ref = ?2 AND o.status = 'open')"
	" SELECT i.id, i.code, i.supply, coalesce(i.supplier_id, 0),"
	" coalesce((SELECT qty FROM deal_line WHERE deal_id = ?1 AND item_id = i.id), 0)"
	" - coalesce((SELECT sum(qty) FROM reservation WHERE ref = ?2 AND item_id = i.id"
	"   AND status = 'shipped'), 0),"
	" coalesce((SELECT sum(qty) FROM reservation WHERE ref = ?2 AND item_id = i.id"
	"   AND status = 'open'), 0),"
	" coalesce((SELECT sum(qty) FROM production_order WHERE ref = ?2 AND item_id = i.id"
	"   AND status IN ('planned', 'in_progress')), 0),"
	" coalesce((SELECT sum(l.qty - l.received) FROM supplier_line l JOIN supplier_order o"
	"   ON o.id = l.order_id WHERE o.ref = ?2 AND o.status = 'open' AND l.item_id = i.id), 0)"
	" FROM items JOIN item i ON i.id = items.item_id ORDER BY i.id";

static int read_covers(struct crm_db *db, int64_t deal, const char *ref, struct cover **out,
		       size_t *n)
{
	sqlite3_stmt *st = crm_stmt(db, cover_sql);
	struct cover *c = NULL, *more;
	int rc;

	*out = NULL, *n = 0;
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, deal);
	crm_bind_text(st, 2, ref);
	while ((rc = crm_stmt_row(db, st)) == 1) {
		if (!(more = realloc(c, (*n + 1) * sizeof *c))) {
			rc = -crm_error_set(CRM_SOFTWARE, "out of memory");
			break;
		}
		c = more;
		memset(&c[*n], 0, sizeof *c);
		c[*n].item = sqlite3_column_int64(st, 0);
		snprintf(c[*n].code, sizeof c->code, "%s", (const char *)sqlite3_column_text(st, 1));
		snprintf(c[*n].supply, sizeof c->supply, "%s", (const char *)sqlite3_column_text(st, 2));
		c[*n].supplier = sqlite3_column_int64(st, 3);
		c[*n].wanted = sqlite3_column_int64(st, 4);
		c[*n].reserved = sqlite3_column_int64(st, 5);
		c[*n].making = sqlite3_column_int64(st, 6);
		c[*n].buying = sqlite3_column_int64(st, 7);
		(*n)++;
	}
	sqlite3_reset(st);
	if (rc < 0) {
		free(c);
		return -rc;
	}
	*out = c;
	return CRM_OK;
}

/* ---- giving back what is no longer wanted: planned production first,
 * then what is on order from a supplier, then reservations, newest first */

struct giving_back {
	const char *pick;   /* ?1 ref, ?2 item: the newest piece, id and what it can give */
	const char *reduce; /* ?1 id, ?2 what it gives */
	const char *empty;  /* ?1 id: the piece gave all it had */
};

static const struct giving_back giving_back[] = {
	{ "SELECT id, qty FROM production_order WHERE ref = ?1 AND item_id = ?2"
	  " AND status = 'planned' ORDER BY id DESC LIMIT 1",
	  "UPDATE production_order SET qty = qty - ?2 WHERE id = ?1",
	  "UPDATE production_order SET status = 'cancelled' WHERE id = ?1" },
	{ "SELECT l.id, l.qty - l.received FROM supplier_line l JOIN supplier_order o"
	  " ON o.id = l.order_id WHERE o.ref = ?1 AND l.item_id = ?2 AND o.status = 'open'"
	  " AND l.qty > l.received ORDER BY l.id DESC LIMIT 1",
	  "UPDATE supplier_line SET qty = qty - ?2 WHERE id = ?1",
	  "DELETE FROM supplier_line WHERE id = ?1 AND received = 0" },
	{ "SELECT id, qty FROM reservation WHERE ref = ?1 AND item_id = ?2 AND status = 'open'"
	  " ORDER BY id DESC LIMIT 1",
	  "UPDATE reservation SET qty = qty - ?2 WHERE id = ?1",
	  "UPDATE reservation SET status = 'released' WHERE id = ?1" },
};

static int give_back_from(struct crm_db *db, const struct giving_back *g, const char *ref,
			  int64_t item, int64_t *surplus)
{
	sqlite3_stmt *st;
	int64_t id, has;
	int rc;

	while (*surplus > 0) {
		if (!(st = crm_stmt(db, g->pick)))
			return CRM_SOFTWARE;
		crm_bind_text(st, 1, ref);
		sqlite3_bind_int64(st, 2, item);
		if ((rc = crm_stmt_row(db, st)) <= 0)
			return rc < 0 ? -rc : CRM_OK; /* nothing more here */
		id = sqlite3_column_int64(st, 0);
		has = sqlite3_column_int64(st, 1);
		sqlite3_reset(st);
		if (has > *surplus) {
			rc = crm_exec_ids(db, g->reduce, id, *surplus);
			*surplus = 0;
		} else {
			rc = crm_exec_ids(db, g->empty, id, 0);
			*surplus -= has;
		}
		if (rc)
			return rc;
	}
	return CRM_OK;
}

static int give_back(struct crm_db *db, const char *ref, const struct cover *c, int64_t surplus)
{
	size_t i;
	int rc = CRM_OK;

	for (i = 0; rc == CRM_OK && surplus > 0 && i < sizeof giving_back / sizeof *giving_back; i++)
		rc = give_back_from(db, &giving_back[i], ref, c->item, &surplus);
	if (rc == CRM_OK && surplus > 0) {
		char q[32];

		crm_qty_format(surplus, q);
		return crm_error_set(CRM_DATAERR, "%s: %s more is in production already and cannot "
				     "be given back (change the production order with crm-stock)",
				     c->code, q);
	}
	return rc;
}

/* ---- covering what is missing */

struct ordering {
	const struct crm_order_in *in;
	const char *ref;
	struct bought {
		int64_t supplier, order;
	} *orders;              /* one supplier order per supplier, made on its first line */
	size_t norders;
};

/* The supplier order of this run for supplier, made on first use. */
static int order_for(struct crm_db *db, struct ordering *o, int64_t supplier, int64_t *order)
{
	struct bought *more;
	size_t i;
	int rc;

	for (i = 0; i < o->norders; i++)
		if (o->orders[i].supplier == supplier) {
			*order = o->orders[i].order;
			return CRM_OK;
		}
	if ((rc = crm_supplier_order_new(db, supplier, NULL, o->ref, order)))
		return rc;
	if (!(more = realloc(o->orders, (o->norders + 1) * sizeof *more)))
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	o->orders = more;
	more[o->norders].supplier = supplier;
	more[o->norders++].order = *order;
	return CRM_OK;
}

static int cover_missing(struct crm_db *db, struct ordering *o, const struct cover *c,
			 int64_t missing)
{
	int64_t got, id;
	int rc;

	if ((rc = crm_stock_reserve_free(db, o->ref, c->item, missing, &got)))
		return rc;
	if ((missing -= got) == 0)
		return CRM_OK;
	if (strcmp(c->supply, "make") == 0)
		return crm_production_insert(db, c->item, missing, NULL, o->ref, &id);
	if (strcmp(c->supply, "buy") == 0) {
		int64_t supplier = o->in->supplier ? o->in->supplier : c->supplier;

		if (!supplier)
			return crm_error_set(CRM_DATAERR, "%s is bought and stock does not cover it, and "
					     "it names no supplier (crm-stock item set --supplier, or "
					     "crm-deal order --supplier N)", c->code);
		if ((rc = order_for(db, o, supplier, &id)))
			return rc;
		return crm_supplier_line_add(db, id, c->item, missing);
	}
	{
		char q[32];

		crm_qty_format(missing, q);
		return crm_error_set(CRM_DATAERR, "%s: %s more than stock has free, and the item is "
				     "neither made nor bought (crm-stock item set --supply)", c->code, q);
	}
}

int crm_deal_order_make(struct crm_db *db, const struct crm_deal_state *s,
			const struct crm_order_in *in)
{
	struct ordering o = { in, NULL, NULL, 0 };
	struct cover *c;
	char ref[32], now[CRM_TIME_LEN];
	sqlite3_stmt *st;
	size_t n, i;
	int rc;

	crm_deal_ref(s->id, ref);
	o.ref = ref;
	if ((rc = read_covers(db, s->id, ref, &c, &n)))
		return rc;
	for (i = 0; rc == CRM_OK && i < n; i++) {
		int64_t covered = c[i].reserved + c[i].making + c[i].buying;

		if (c[i].wanted > covered)
			rc = cover_missing(db, &o, &c[i], c[i].wanted - covered);
		else if (c[i].wanted < covered)
			rc = give_back(db, ref, &c[i], covered - c[i].wanted);
	}
	free(c);
	free(o.orders);
	if (rc || s->ordered)
		return rc;
	if ((rc = crm_time_now(now)))
		return rc;
	if (!(st = crm_stmt(db, "UPDATE deal SET ordered = ?2 WHERE id = ?1")))
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, s->id);
	crm_bind_text(st, 2, now);
	return crm_stmt_done(db, st);
}

int crm_deal_order_show(struct crm_db *db, int64_t deal, crm_row_fn *fn, void *arg)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT i.code AS item, crm_qty(c.ordered) AS ordered,"
				       " crm_qty(c.reserved) AS reserved, crm_qty(c.shipped) AS shipped,"
				       " crm_qty(c.making) AS production, crm_qty(c.buying) AS supplier"
				       " FROM deal_cover c JOIN item i ON i.id = c.item_id"
				       " WHERE c.deal_id = ? ORDER BY c.line_id");

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, deal);
	return crm_stmt_emit(db, st, fn, arg, NULL);
}

int crm_deal_short(struct crm_db *db, int64_t deal, unsigned long *short_reserved,
		   unsigned long *short_shipped)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT count(CASE WHEN reserved + shipped < ordered THEN 1 END),"
				       " count(CASE WHEN shipped < ordered THEN 1 END)"
				       " FROM deal_cover WHERE deal_id = ?");
	int rc;

	*short_reserved = *short_shipped = 0;
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, deal);
	if ((rc = crm_stmt_row(db, st)) <= 0)
		return rc < 0 ? -rc : CRM_SOFTWARE;
	*short_reserved = (unsigned long)sqlite3_column_int64(st, 0);
	*short_shipped = (unsigned long)sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return CRM_OK;
}

int crm_deal_order(struct crm_db *db, int64_t deal, const struct crm_order_in *in, crm_row_fn *fn,
		   void *arg)
{
	struct crm_deal_state s;
	int rc;

	if ((rc = crm_deal_access(db, deal, 1, &s)))
		return rc;
	if (!strcmp(s.stage, "shipped") || !strcmp(s.stage, "certification") ||
	    !strcmp(s.stage, "commissioning") || !strcmp(s.stage, "service") ||
	    !strcmp(s.stage, "closed") || !strcmp(s.stage, "lost"))
		return crm_error_set(CRM_DATAERR, "deal %lld is at %s: its order is done with",
				     (long long)deal, s.stage);
	if ((rc = crm_deal_order_make(db, &s, in)))
		return rc;
	return fn ? crm_deal_order_show(db, deal, fn, arg) : CRM_OK;
}

int crm_deal_ship(struct crm_db *db, int64_t deal, const char *waybill, crm_row_fn *fn, void *arg)
{
	struct crm_deal_state s;
	sqlite3_stmt *st;
	char ref[32];
	int rc;

	/* The warehouse ships; anyone who may read the deal may be the one. */
	if ((rc = crm_deal_access(db, deal, 0, &s)))
		return rc;
	if (strcmp(s.stage, "stock") && strcmp(s.stage, "production"))
		return crm_error_set(CRM_DATAERR, "deal %lld is at %s: goods ship at stock (or, in "
				     "part, at production)", (long long)deal, s.stage);
	crm_deal_ref(deal, ref);
	if ((rc = crm_stock_ship_reserved(db, ref, NULL, NULL)))
		return rc;
	if (waybill && *waybill) {
		if (!(st = crm_stmt(db, "UPDATE deal SET waybill = ?2 WHERE id = ?1")))
			return CRM_SOFTWARE;
		sqlite3_bind_int64(st, 1, deal);
		crm_bind_text(st, 2, waybill);
		if ((rc = crm_stmt_done(db, st)))
			return rc;
	}
	if ((rc = crm_deal_touch(db, deal)))
		return rc;
	return fn ? crm_deal_order_show(db, deal, fn, arg) : CRM_OK;
}
