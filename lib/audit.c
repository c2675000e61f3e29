/*
 * audit.c: the SQL functions every connection registers (crm_user, crm_now,
 * crm_fold), and the audit log. Every change lands in the audit table (who, when, table, row,
 * action, before, after). Triggers do the writing, so no code path can
 * forget it; they are rebuilt from each table's columns after every
 * migration, so a new column is audited without anyone listing it.
 */
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

/* Tables whose changes are audited. */
static const char *const audited[] = {
	"config", "dept", "users", "party", "contact", "contact_point",
	"request", "interaction", "task", NULL
};

static void sql_user(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sqlite3_result_text(ctx, crm_user_login(), -1, SQLITE_TRANSIENT);
}

static void sql_now(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char buf[CRM_TIME_LEN];

	if (crm_now(buf) != CRM_OK) {
		sqlite3_result_error(ctx, crm_error_message(), -1);
		return;
	}
	sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

/* crm_fold(): lower case for Cyrillic too, for case-insensitive search. */
static void sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = (const char *)sqlite3_value_text(argv[0]);

	if (!s) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_text(ctx, crm_utf8_fold(s), -1, free);
}

int crm_audit_register(struct crm_db *db)
{
	int rc = sqlite3_create_function(db->h, "crm_user", 0, SQLITE_UTF8, NULL,
					 sql_user, NULL, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db->h, "crm_fold", 1,
					     SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_fold,
					     NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db->h, "crm_now", 0, SQLITE_UTF8, NULL,
					     sql_now, NULL, NULL);
	return rc == SQLITE_OK ? CRM_OK : crm_sql_error(db, rc);
}

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

/* "json_object('a', X.a, 'b', X.b)" over the table's non-BLOB columns. */
static int json_of(struct crm_db *db, const char *table, const char *x, char **out)
{
	char sql[128], *b = NULL, item[256];
	size_t n = 0;
	sqlite3_stmt *st;
	int first = 1, rc;

	snprintf(sql, sizeof sql, "SELECT name, type FROM pragma_table_info('%s')", table);
	if ((rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL)) != SQLITE_OK)
		return crm_sql_error(db, rc);
	if (append(&b, &n, "json_object("))
		goto oom;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *col = (const char *)sqlite3_column_text(st, 0);
		const char *type = (const char *)sqlite3_column_text(st, 1);

		if (type && strcmp(type, "BLOB") == 0)
			continue; /* raw bytes stay in their table, not in the log */
		snprintf(item, sizeof item, "%s'%s', %s.\"%s\"", first ? "" : ", ", col, x, col);
		first = 0;
		if (append(&b, &n, item))
			goto oom;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(b);
		return crm_sql_error(db, rc);
	}
	if (append(&b, &n, ")"))
		goto oom;
	*out = b;
	return CRM_OK;
oom:
	sqlite3_finalize(st);
	free(b);
	return crm_error_set(CRM_SOFTWARE, "out of memory");
}

static int install_one(struct crm_db *db, const char *t)
{
	char *old = NULL, *new = NULL, *sql = NULL;
	int rc;

	if ((rc = json_of(db, t, "OLD", &old)) != CRM_OK ||
	    (rc = json_of(db, t, "NEW", &new)) != CRM_OK)
		goto out;
	if (asprintf(&sql,
		     "DROP TRIGGER IF EXISTS audit_%1$s_insert;"
		     "DROP TRIGGER IF EXISTS audit_%1$s_update;"
		     "DROP TRIGGER IF EXISTS audit_%1$s_delete;"
		     "CREATE TRIGGER audit_%1$s_insert AFTER INSERT ON %1$s BEGIN "
		     " INSERT INTO audit (at, who, tbl, row_id, action, after)"
		     " VALUES (crm_now(), crm_user(), '%1$s', NEW.rowid, 'insert', %3$s); END;"
		     "CREATE TRIGGER audit_%1$s_update AFTER UPDATE ON %1$s BEGIN "
		     " INSERT INTO audit (at, who, tbl, row_id, action, before, after)"
		     " VALUES (crm_now(), crm_user(), '%1$s', NEW.rowid, 'update', %2$s, %3$s); END;"
		     "CREATE TRIGGER audit_%1$s_delete AFTER DELETE ON %1$s BEGIN "
		     " INSERT INTO audit (at, who, tbl, row_id, action, before)"
		     " VALUES (crm_now(), crm_user(), '%1$s', OLD.rowid, 'delete', %2$s); END;",
		     t, old, new) < 0) {
		sql = NULL;
		rc = crm_error_set(CRM_SOFTWARE, "out of memory");
		goto out;
	}
	rc = crm_exec(db, sql);
out:
	free(old);
	free(new);
	free(sql);
	return rc;
}

int crm_audit_install(struct crm_db *db)
{
	int i, rc;

	for (i = 0; audited[i]; i++)
		if ((rc = install_one(db, audited[i])) != CRM_OK)
			return rc;
	return CRM_OK;
}
