/*
 * db.c: the statement helpers every module of the library uses: prepared
 * and cached statements, rows, binds, and the transaction pair that
 * brackets a unit of work. Every SQLite failure is turned into a crm status
 * here. Opening and migrating the file is dbfile.c's, above this.
 */
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

int crm_sql_error(struct crm_db *db, int rc)
{
	const char *msg = db && db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return crm_error_set(CRM_TEMPFAIL,
				     "database is busy (another command is writing); try again");
	case SQLITE_CONSTRAINT:
		return crm_error_set(CRM_DATAERR, "%s", msg);
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_READONLY:
		return crm_error_set(CRM_IOERR, "database: %s", msg);
	case SQLITE_CANTOPEN:
		return crm_error_set(CRM_NOINPUT, "database: %s", msg);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return crm_error_set(CRM_DATAERR, "database is damaged: %s", msg);
	default:
		return crm_error_set(CRM_SOFTWARE, "database: %s", msg);
	}
}

sqlite3_stmt *crm_stmt(struct crm_db *db, const char *sql)
{
	sqlite3_stmt *st;
	int i, rc;

	for (i = 0; i < db->ncache; i++)
		if (db->cache[i].sql == sql) {
			sqlite3_reset(db->cache[i].stmt);
			sqlite3_clear_bindings(db->cache[i].stmt);
			return db->cache[i].stmt;
		}
	rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		crm_sql_error(db, rc);
		return NULL;
	}
	if (db->ncache == CRM_STMT_CACHE) { /* full: forget the oldest */
		sqlite3_finalize(db->cache[0].stmt);
		memmove(db->cache, db->cache + 1, sizeof db->cache[0] * (CRM_STMT_CACHE - 1));
		db->ncache--;
	}
	db->cache[db->ncache].sql = sql;
	db->cache[db->ncache].stmt = st;
	db->ncache++;
	return st;
}

int crm_stmt_row(struct crm_db *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	rc = crm_sql_error(db, rc);
	sqlite3_reset(st);
	return -rc;
}

int crm_stmt_done(struct crm_db *db, sqlite3_stmt *st)
{
	int rc = crm_stmt_row(db, st);

	sqlite3_reset(st);
	return rc < 0 ? -rc : CRM_OK;
}

int crm_query_id(struct crm_db *db, sqlite3_stmt *st, int64_t *out)
{
	int rc = crm_stmt_row(db, st);

	if (rc < 0)
		return -rc;
	if (rc == 0)
		return CRM_NOMATCH;
	*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return CRM_OK;
}

int crm_stmt_emit(struct crm_db *db, sqlite3_stmt *st, crm_row_fn *fn, void *arg,
		  unsigned long *n)
{
	int ncol = sqlite3_column_count(st), i, rc;
	const char **names = calloc(ncol ? ncol : 1, sizeof *names);
	const char **values = calloc(ncol ? ncol : 1, sizeof *values);
	unsigned long count = 0;

	if (!names || !values) {
		free(names);
		free(values);
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	}
	for (i = 0; i < ncol; i++)
		names[i] = sqlite3_column_name(st, i);
	while ((rc = crm_stmt_row(db, st)) == 1) {
		for (i = 0; i < ncol; i++)
			values[i] = (const char *)sqlite3_column_text(st, i);
		count++;
		rc = fn(arg, ncol, names, values);
		if (rc != CRM_OK) {
			rc = -rc;
			break;
		}
	}
	sqlite3_reset(st);
	if (rc == 0 && count == 0)
		rc = -fn(arg, ncol, names, NULL);
	free(names);
	free(values);
	if (n)
		*n = count;
	return rc < 0 ? -rc : CRM_OK;
}

void crm_stmt_join(struct crm_db *db, sqlite3_stmt *st, char *buf, size_t size)
{
	buf[0] = '\0';
	while (crm_stmt_row(db, st) == 1) {
		if (buf[0])
			strncat(buf, ", ", size - strlen(buf) - 1);
		strncat(buf, (const char *)sqlite3_column_text(st, 0), size - strlen(buf) - 1);
	}
	sqlite3_reset(st);
}

int crm_exec_ids(struct crm_db *db, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt *st = crm_stmt(db, sql);

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, a);
	if (b)
		sqlite3_bind_int64(st, 2, b);
	return crm_stmt_done(db, st);
}

int crm_exec(struct crm_db *db, const char *sql)
{
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? CRM_OK : crm_sql_error(db, rc);
}

int crm_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (!s || !*s)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

int crm_bind_id(sqlite3_stmt *st, int i, int64_t id)
{
	return id ? sqlite3_bind_int64(st, i, id) : sqlite3_bind_null(st, i);
}

int crm_db_begin(struct crm_db *db)
{
	db->country[0] = '\0';
	db->head = 0;
	return crm_exec(db, "BEGIN IMMEDIATE");
}

int crm_db_commit(struct crm_db *db)
{
	return crm_exec(db, "COMMIT");
}

int crm_db_rollback(struct crm_db *db)
{
	if (sqlite3_get_autocommit(db->h))
		return CRM_OK; /* SQLite already rolled back (e.g. after I/O errors) */
	return crm_exec(db, "ROLLBACK");
}

int crm_db_savepoint(struct crm_db *db)
{
	return crm_exec(db, "SAVEPOINT row");
}

int crm_db_release(struct crm_db *db)
{
	return crm_exec(db, "RELEASE row");
}

int crm_db_rollback_savepoint(struct crm_db *db)
{
	int rc = crm_exec(db, "ROLLBACK TO row");

	return rc == CRM_OK ? crm_exec(db, "RELEASE row") : rc;
}

int crm_db_end(struct crm_db *db, int rc, int dry_run)
{
	if (rc == CRM_OK && !dry_run && (rc = crm_db_commit(db)) == CRM_OK)
		return CRM_OK;
	crm_db_rollback(db);
	return rc;
}

int crm_db_end_savepoint(struct crm_db *db, int rc)
{
	if (rc == CRM_OK)
		return crm_db_release(db);
	crm_db_rollback_savepoint(db);
	return rc;
}
