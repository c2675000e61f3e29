/*
 * audit.c: the audit log: every change is in the audit_log view (who,
 * when, table, row, action, before, after). Triggers do the writing, so no
 * code path can forget it; they are rebuilt from each table's columns after
 * every migration, so a new column is audited without anyone listing it.
 */
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

/* Tables whose changes are audited. */
static const char *const audited[] = {
	"config", "dept", "users", "party", "contact", "contact_point",
	"request", "interaction", "task", "call", "warehouse", "item", "barcode", "lot",
	"reservation", "production_order", "supplier_order", "supplier_line",
	"deal_choice", "vat_rate", "deal", "deal_line", "deal_move", "document", "payment", NULL
};

/* Append s to the growing buffer *b (length *n); abort-free: NULL on OOM. */
static int append(char **b, size_t *n, const char *s)
{
	size_t len = strlen(s);
	char *p = realloc(*b, *n + len + 1);

	if (!p)
		return -1;
	memcpy(p + *n, s, len + 1);
	*b = p;
	*n += len;
	return 0;
}

/* An SQL expression for a JSON object of the table's non-BLOB columns in
 * row x: all of them ("json_object('a', X.a, ...)") when y is NULL, else
 * only those that differ in row y (an update's before or after: the whole
 * row would be rewritten into the log at every status change). */
static int json_of(struct crm_db *db, const char *table, const char *x, const char *y,
		   char **out)
{
	char sql[128], *b = NULL, item[512];
	size_t n = 0;
	sqlite3_stmt *st;
	int first = 1, rc;

	snprintf(sql, sizeof sql, "SELECT name, type FROM pragma_table_info('%s')", table);
	if ((rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL)) != SQLITE_OK)
		return crm_sql_error(db, rc);
	if (append(&b, &n, y ? "'{' || substr(''" : "json_object("))
		goto oom;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *col = (const char *)sqlite3_column_text(st, 0);
		const char *type = (const char *)sqlite3_column_text(st, 1);

		if (type && strcmp(type, "BLOB") == 0)
			continue; /* raw bytes stay in their table, not in the log */
		if (y)
			snprintf(item, sizeof item,
				 " || CASE WHEN %2$s.\"%1$s\" IS NOT %3$s.\"%1$s\""
				 " THEN ',\"%1$s\":' || json_quote(%2$s.\"%1$s\") ELSE '' END",
				 col, x, y);
		else
			snprintf(item, sizeof item, "%s'%s', %s.\"%s\"", first ? "" : ", ", col,
				 x, col);
		first = 0;
		if (append(&b, &n, item))
			goto oom;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(b);
		return crm_sql_error(db, rc);
	}
	if (append(&b, &n, y ? ", 2) || '}'" : ")"))
		goto oom;
	*out = b;
	return CRM_OK;
oom:
	sqlite3_finalize(st);
	free(b);
	return crm_error_set(CRM_SOFTWARE, "out of memory");
}

/* 1 if the table stamps its rows with created and created_by. */
static int stamped(struct crm_db *db, const char *table)
{
	char sql[128];
	sqlite3_stmt *st;
	int found = 0;

	snprintf(sql, sizeof sql,
		 "SELECT 1 FROM pragma_table_info('%s') WHERE name = 'created_by'", table);
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

static int install_one(struct crm_db *db, const char *t, char **view)
{
	char *old = NULL, *new = NULL, *all = NULL, *sql = NULL, *part = NULL, *first = NULL, *undo = NULL, *v;
	int rc, stamps = stamped(db, t);

	if ((rc = json_of(db, t, "OLD", "NEW", &old)) != CRM_OK ||
	    (rc = json_of(db, t, "NEW", "OLD", &new)) != CRM_OK ||
	    (rc = json_of(db, t, "OLD", NULL, &all)) != CRM_OK)
		goto out;
	/*
	 * A stamped table records its inserts in the row (created, created_by):
	 * copying every new request into the log would halve intake. Those
	 * stamps never change, and a delete first logs the row's insert, so
	 * the audit_log view stays complete.
	 */
	if (stamps)
		rc = asprintf(&first,
			      "CREATE TRIGGER audit_%1$s_stamps BEFORE UPDATE OF created, created_by"
			      " ON %1$s BEGIN SELECT RAISE(ABORT, 'created and created_by never change');"
			      " END;", t) < 0 ||
		     asprintf(&undo, " INSERT INTO audit (at, who, tbl, row_id, action)"
				     " VALUES (OLD.created, OLD.created_by, '%s', OLD.rowid, 'insert');",
			      t) < 0;
	else
		rc = asprintf(&first,
			      "CREATE TRIGGER audit_%1$s_insert AFTER INSERT ON %1$s BEGIN "
			      " INSERT INTO audit (at, who, tbl, row_id, action)"
			      " VALUES (crm_now(), crm_user(), '%1$s', NEW.rowid, 'insert'); END;",
			      t) < 0 ||
		     !(undo = strdup(""));
	if (rc || asprintf(&sql,
			   "DROP TRIGGER IF EXISTS audit_%1$s_insert;"
			   "DROP TRIGGER IF EXISTS audit_%1$s_stamps;"
			   "DROP TRIGGER IF EXISTS audit_%1$s_update;"
			   "DROP TRIGGER IF EXISTS audit_%1$s_delete;"
			   "%4$s"
			   "CREATE TRIGGER audit_%1$s_update AFTER UPDATE ON %1$s BEGIN "
			   " INSERT INTO audit (at, who, tbl, row_id, action, before, after)"
			   " VALUES (crm_now(), crm_user(), '%1$s', NEW.rowid, 'update', %2$s, %3$s); END;"
			   "CREATE TRIGGER audit_%1$s_delete AFTER DELETE ON %1$s BEGIN%5$s"
			   " INSERT INTO audit (at, who, tbl, row_id, action, before)"
			   " VALUES (crm_now(), crm_user(), '%1$s', OLD.rowid, 'delete', %6$s); END;",
			   t, old, new, first, undo, all) < 0) {
		sql = NULL;
		rc = crm_error_set(CRM_SOFTWARE, "out of memory");
		goto out;
	}
	rc = crm_exec(db, sql);
	if (rc == CRM_OK && stamps) {
		if (asprintf(&part, " UNION ALL SELECT created, created_by, '%s', rowid, 'insert',"
				    " NULL, NULL FROM %s", t, t) < 0 ||
		    asprintf(&v, "%s%s", *view, part) < 0) {
			rc = crm_error_set(CRM_SOFTWARE, "out of memory");
			goto out;
		}
		free(*view);
		*view = v;
	}
out:
	free(old);
	free(new);
	free(all);
	free(sql);
	free(part);
	free(first);
	free(undo);
	return rc;
}

int crm_audit_install(struct crm_db *db)
{
	char *view = strdup("DROP VIEW IF EXISTS audit_log; CREATE VIEW audit_log AS"
			    " SELECT at, who, tbl, row_id, action, before, after FROM audit");
	int i, rc = view ? CRM_OK : crm_error_set(CRM_SOFTWARE, "out of memory");

	for (i = 0; rc == CRM_OK && audited[i]; i++)
		rc = install_one(db, audited[i], &view);
	if (rc == CRM_OK)
		rc = crm_exec(db, view);
	free(view);
	return rc;
}
