/*
 * item.c: what the warehouse keeps: items (code, name, unit, price, how
 * they are supplied, shelf life, whether lots are tracked) with their
 * barcodes, checked by their check digit and kept as GTIN-14 so that any
 * spelling a scanner sends finds the item; and the warehouses.
 */
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

#define STOCK_ROLES (CRM_ROLE_ADMIN | CRM_ROLE_WAREHOUSE)

static int check_yes_no(const char *what, const char *v)
{
	if (v && strcmp(v, "0") && strcmp(v, "1") && strcmp(v, "yes") && strcmp(v, "no"))
		return crm_error_set(CRM_DATAERR, "%s is yes or no, not \"%s\"", what, v);
	return CRM_OK;
}

static int is_yes(const char *v)
{
	return v && (!strcmp(v, "1") || !strcmp(v, "yes"));
}

static int check_item(const struct crm_item_in *in, int64_t *price, long *shelf)
{
	char *end;
	int rc;

	*price = -1;
	*shelf = 0;
	if (in->supply && strcmp(in->supply, "stock") && strcmp(in->supply, "make") &&
	    strcmp(in->supply, "buy"))
		return crm_error_set(CRM_DATAERR, "supply is stock, make or buy, not \"%s\"",
				     in->supply);
	if ((rc = check_yes_no("certifiable", in->certifiable)) ||
	    (rc = check_yes_no("lot_tracked", in->lot_tracked)))
		return rc;
	if (in->price && *in->price && (rc = crm_money_parse(in->price, price)))
		return rc;
	if (in->price && *price < 0 && *in->price)
		return crm_error_set(CRM_DATAERR, "a price is not negative: \"%s\"", in->price);
	if (in->shelf_life && *in->shelf_life) {
		*shelf = strtol(in->shelf_life, &end, 10);
		if (*end || *shelf <= 0 || *shelf > 36500)
			return crm_error_set(CRM_DATAERR,
					     "shelf life is a number of days, not \"%s\"", in->shelf_life);
	}
	return CRM_OK;
}

/* Add each barcode of a comma-separated list to the item. */
static int add_barcodes(struct crm_db *db, int64_t item, const char *list)
{
	char *copy, *tok, *save = NULL, gtin[15];
	const char *kind;
	sqlite3_stmt *st;
	int64_t other;
	int rc = CRM_OK;

	if (!list || !*list)
		return CRM_OK;
	if (!(copy = strdup(list)))
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	for (tok = strtok_r(copy, ", ", &save); rc == CRM_OK && tok;
	     tok = strtok_r(NULL, ", ", &save)) {
		if ((rc = crm_barcode_check(tok, &kind)) || (rc = crm_gtin14(tok, gtin)))
			break;
		st = crm_stmt(db, "SELECT item_id FROM barcode WHERE code = ?");
		if (!st) {
			rc = CRM_SOFTWARE;
			break;
		}
		sqlite3_bind_text(st, 1, gtin, -1, SQLITE_STATIC);
		if ((rc = crm_query_id(db, st, &other)) == CRM_OK && other != item)
			rc = crm_error_set(CRM_DATAERR, "barcode %s belongs to another item", tok);
		else if (rc == CRM_NOMATCH &&
			 (st = crm_stmt(db, "INSERT INTO barcode (code, item_id, kind) VALUES (?, ?, ?)"))) {
			sqlite3_bind_text(st, 1, gtin, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, item);
			sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
			rc = crm_stmt_done(db, st);
		}
	}
	free(copy);
	return rc;
}

/* The supplier an item names: a party of kind supplier (0: none given). */
static int supplier_of(struct crm_db *db, const char *text, int64_t *supplier)
{
	sqlite3_stmt *st;
	int64_t one;
	char *end;
	long long v;
	int rc;

	*supplier = 0;
	if (!text || !*text)
		return CRM_OK;
	v = strtoll(text, &end, 10);
	if (*end || v <= 0)
		return crm_error_set(CRM_DATAERR, "supplier: \"%s\" is not a party id", text);
	if (!(st = crm_stmt(db, "SELECT 1 FROM party WHERE id = ? AND kind = 'supplier'")))
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, v);
	if ((rc = crm_query_id(db, st, &one)) == CRM_NOMATCH)
		return crm_error_set(CRM_DATAERR, "party %lld is not a supplier (crm-stock supplier add)", v);
	*supplier = v;
	return rc;
}

int crm_item_add(struct crm_db *db, const struct crm_item_in *in, int64_t *id)
{
	sqlite3_stmt *st;
	int64_t price, supplier;
	long shelf;
	int rc;

	if ((rc = crm_user_require(db, STOCK_ROLES, "adding items")) ||
	    (rc = check_item(in, &price, &shelf)))
		return rc;
	if (!in->code || !*in->code || !in->name || !*in->name)
		return crm_error_set(CRM_DATAERR, "an item needs a code and a name");
	if ((rc = supplier_of(db, in->supplier, &supplier)))
		return rc;
	st = crm_stmt(db, "INSERT INTO item (code, name, unit, price, supply, certifiable,"
			  " shelf_life, lot_tracked, supplier_id) VALUES (?, ?, coalesce(?, 'pcs'), ?,"
			  " coalesce(?, 'stock'), ?, ?, ?, ?)");
	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, in->code);
	crm_bind_text(st, 2, in->name);
	crm_bind_text(st, 3, in->unit);
	if (price >= 0)
		sqlite3_bind_int64(st, 4, price);
	crm_bind_text(st, 5, in->supply);
	sqlite3_bind_int(st, 6, is_yes(in->certifiable));
	if (shelf)
		sqlite3_bind_int64(st, 7, shelf);
	sqlite3_bind_int(st, 8, in->lot_tracked ? is_yes(in->lot_tracked) : 1);
	crm_bind_id(st, 9, supplier);
	if ((rc = crm_stmt_done(db, st)) == CRM_DATAERR)
		return crm_error_set(CRM_DATAERR, "item %s exists already", in->code);
	if (rc)
		return rc;
	*id = sqlite3_last_insert_rowid(db->h);
	return add_barcodes(db, *id, in->barcodes);
}

int crm_item_find(struct crm_db *db, const char *code, int64_t *id)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT id FROM item WHERE code = ?");
	char gtin[15];
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, code ? code : "", -1, SQLITE_TRANSIENT);
	if ((rc = crm_query_id(db, st, id)) != CRM_NOMATCH)
		return rc;
	if (code && crm_gtin14(code, gtin) == CRM_OK &&
	    (st = crm_stmt(db, "SELECT item_id FROM barcode WHERE code = ?"))) {
		sqlite3_bind_text(st, 1, gtin, -1, SQLITE_STATIC);
		if ((rc = crm_query_id(db, st, id)) != CRM_NOMATCH)
			return rc;
	}
	return crm_error_set(CRM_DATAERR, "unknown item \"%s\" (see crm-stock item list)",
			     code ? code : "");
}

int crm_item_set(struct crm_db *db, const struct crm_item_in *in)
{
	sqlite3_stmt *st;
	int64_t id, price, supplier;
	long shelf;
	int rc;

	if ((rc = crm_user_require(db, STOCK_ROLES, "changing items")) ||
	    (rc = crm_item_find(db, in->code, &id)) || (rc = check_item(in, &price, &shelf)) ||
	    (rc = supplier_of(db, in->supplier, &supplier)))
		return rc;
	st = crm_stmt(db, "UPDATE item SET name = coalesce(?2, name), unit = coalesce(?3, unit),"
			  " price = coalesce(?4, price), supply = coalesce(?5, supply),"
			  " certifiable = coalesce(?6, certifiable), shelf_life = coalesce(?7, shelf_life),"
			  " lot_tracked = coalesce(?8, lot_tracked), supplier_id = coalesce(?9, supplier_id),"
			  " updated = crm_now() WHERE id = ?1");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	crm_bind_text(st, 2, in->name);
	crm_bind_text(st, 3, in->unit);
	if (price >= 0)
		sqlite3_bind_int64(st, 4, price);
	crm_bind_text(st, 5, in->supply);
	if (in->certifiable)
		sqlite3_bind_int(st, 6, is_yes(in->certifiable));
	if (shelf)
		sqlite3_bind_int64(st, 7, shelf);
	if (in->lot_tracked)
		sqlite3_bind_int(st, 8, is_yes(in->lot_tracked));
	crm_bind_id(st, 9, supplier);
	if ((rc = crm_stmt_done(db, st)))
		return rc;
	return add_barcodes(db, id, in->barcodes);
}

int crm_item_import(struct crm_db *db, const struct crm_item_in *in)
{
	int64_t id;

	if (!in->code)
		return crm_error_set(CRM_DATAERR, "no code (the column \"code\")");
	if (crm_item_find(db, in->code, &id) == CRM_OK)
		return crm_item_set(db, in);
	return crm_item_add(db, in, &id);
}

int crm_item_list(struct crm_db *db, crm_row_fn *fn, void *arg)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY, "listing items")))
		return rc;
	st = crm_stmt(db, "SELECT i.id, i.code, i.name, i.unit, crm_money(i.price) AS price,"
			  " i.supply, i.certifiable, i.shelf_life, i.lot_tracked,"
			  " (SELECT group_concat(b.code, ' ') FROM barcode b WHERE b.item_id = i.id)"
			  " AS barcodes FROM item i ORDER BY i.code");
	return st ? crm_stmt_emit(db, st, fn, arg, NULL) : CRM_SOFTWARE;
}

int crm_item_show(struct crm_db *db, const char *code, crm_row_fn *fn, void *arg)
{
	static const char sql[] =
		"SELECT 'code', code FROM item WHERE id = ?1"
		" UNION ALL SELECT 'name', name FROM item WHERE id = ?1"
		" UNION ALL SELECT 'unit', unit FROM item WHERE id = ?1"
		" UNION ALL SELECT 'price', crm_money(price) FROM item WHERE id = ?1"
		" UNION ALL SELECT 'supply', supply FROM item WHERE id = ?1"
		" UNION ALL SELECT 'certifiable', certifiable FROM item WHERE id = ?1"
		" UNION ALL SELECT 'shelf_life', shelf_life FROM item WHERE id = ?1"
		" UNION ALL SELECT 'lot_tracked', lot_tracked FROM item WHERE id = ?1"
		" UNION ALL SELECT 'supplier', supplier_id FROM item WHERE id = ?1 AND supplier_id IS NOT NULL"
		" UNION ALL SELECT 'barcode', code || ' (' || kind || ')' FROM barcode WHERE item_id = ?1"
		" UNION ALL SELECT 'on_hand', crm_qty(coalesce(sum(qty), 0)) FROM balance WHERE item_id = ?1"
		" UNION ALL SELECT 'reserved', crm_qty(coalesce(sum(qty), 0)) FROM reservation"
		"  WHERE item_id = ?1 AND status = 'open'"
		" UNION ALL SELECT 'in_production', crm_qty(coalesce(sum(qty), 0)) FROM production_order"
		"  WHERE item_id = ?1 AND status IN ('planned', 'in_progress')"
		" UNION ALL SELECT 'on_order', crm_qty(coalesce(sum(l.qty - l.received), 0))"
		"  FROM supplier_line l JOIN supplier_order o ON o.id = l.order_id"
		"  WHERE l.item_id = ?1 AND o.status = 'open'";
	static const char *const names[] = { "key", "value" };
	sqlite3_stmt *st;
	int64_t id;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY, "reading items")) ||
	    (rc = crm_item_find(db, code, &id)))
		return rc;
	if (!(st = crm_stmt(db, sql)))
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = crm_stmt_row(db, st)) == 1) {
		const char *v[2] = { (const char *)sqlite3_column_text(st, 0),
				     (const char *)sqlite3_column_text(st, 1) };

		if ((rc = fn(arg, 2, names, v))) {
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	return rc < 0 ? -rc : CRM_OK;
}

int crm_warehouse_find(struct crm_db *db, const char *code, int64_t *id)
{
	sqlite3_stmt *st;
	int rc;

	if (!code || !*code)
		st = crm_stmt(db, "SELECT id FROM warehouse WHERE is_default = 1 ORDER BY id LIMIT 1");
	else
		st = crm_stmt(db, "SELECT id FROM warehouse WHERE code = ?");
	if (!st)
		return CRM_SOFTWARE;
	if (code && *code)
		sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
	rc = crm_query_id(db, st, id);
	return rc == CRM_NOMATCH ? crm_error_set(CRM_DATAERR, "unknown warehouse \"%s\"",
						 code ? code : "(default)")
				 : rc;
}

int crm_warehouse_add(struct crm_db *db, const char *code, const char *name)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN, "adding warehouses")))
		return rc;
	if (!code || !*code)
		return crm_error_set(CRM_USAGE, "a warehouse needs a code");
	if (!(st = crm_stmt(db, "INSERT INTO warehouse (code, name) VALUES (?, ?)")))
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, code);
	crm_bind_text(st, 2, name);
	rc = crm_stmt_done(db, st);
	return rc == CRM_DATAERR ? crm_error_set(CRM_DATAERR, "warehouse %s exists already", code)
				 : rc;
}

int crm_warehouse_list(struct crm_db *db, crm_row_fn *fn, void *arg)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY, "listing warehouses")))
		return rc;
	st = crm_stmt(db, "SELECT id, code, name, is_default FROM warehouse ORDER BY code");
	return st ? crm_stmt_emit(db, st, fn, arg, NULL) : CRM_SOFTWARE;
}
