/*
 * sqlfunc.c: the application's SQL functions, registered on every
 * connection when the file is opened: crm_user() and crm_now() for the
 * audit triggers and defaults, crm_fold() for case-insensitive search,
 * crm_qty() and crm_money() to print amounts.
 */
#include <stdlib.h>

#include "crm-private.h"

static void sql_user(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sqlite3_result_text(ctx, crm_user_login(), -1, SQLITE_TRANSIENT);
}

static void sql_now(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char buf[CRM_TIME_LEN];

	if (crm_time_now(buf) != CRM_OK) {
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

static int register_audit(struct crm_db *db)
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

static void sql_format(sqlite3_context *ctx, sqlite3_value *v, void (*fmt)(int64_t, char[32]))
{
	char buf[32];

	if (sqlite3_value_type(v) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	fmt(sqlite3_value_int64(v), buf);
	sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

static void sql_qty(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sql_format(ctx, argv[0], crm_qty_format);
}

static void sql_money(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sql_format(ctx, argv[0], crm_money_format);
}

static int register_amount(struct crm_db *db)
{
	int rc = sqlite3_create_function(db->h, "crm_qty", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
					 NULL, sql_qty, NULL, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db->h, "crm_money", 1,
					     SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_money,
					     NULL, NULL);
	return rc == SQLITE_OK ? CRM_OK : crm_sql_error(db, rc);
}

int crm_sqlfunc_register(struct crm_db *db)
{
	int rc = register_audit(db);

	return rc == CRM_OK ? register_amount(db) : rc;
}
