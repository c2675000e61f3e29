/*
 * choice.c: what the admin keeps as data for deals: the lists of values a
 * deal's parameters (application area, equipment type, processed medium)
 * and a lost deal's reason take, and the VAT rates by code, each from the
 * day it starts, so that a change of rate is a row, not a release.
 */
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

static const char *const kinds[] = { "area", "equipment", "medium", "lost", NULL };

static int check_kind(const char *kind)
{
	size_t i;

	for (i = 0; kinds[i]; i++)
		if (kind && strcmp(kind, kinds[i]) == 0)
			return CRM_OK;
	return crm_error_set(CRM_USAGE, "unknown list \"%s\"; the lists are: area, equipment, "
			     "medium, lost", kind ? kind : "");
}

/* The values of kind, comma-separated, for a message. */
static void values_of(struct crm_db *db, const char *kind, char *list, size_t size)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT value FROM deal_choice WHERE kind = ? ORDER BY value");

	list[0] = '\0';
	if (!st)
		return;
	crm_bind_text(st, 1, kind);
	crm_stmt_join(db, st, list, size);
}

int crm_choice_check(struct crm_db *db, const char *kind, const char *value)
{
	sqlite3_stmt *st;
	char list[512];
	int64_t one;
	int rc;

	if (!value || !*value)
		return CRM_OK;
	if (!(st = crm_stmt(db, "SELECT 1 FROM deal_choice WHERE kind = ? AND value = ?")))
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, kind);
	crm_bind_text(st, 2, value);
	if ((rc = crm_query_id(db, st, &one)) != CRM_NOMATCH)
		return rc;
	values_of(db, kind, list, sizeof list);
	return crm_error_set(CRM_DATAERR, "unknown %s \"%s\"; the list has: %s (crm-admin choice add)",
			     kind, value, list);
}

int crm_choice_add(struct crm_db *db, const char *kind, const char *value)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN, "changing the lists")) ||
	    (rc = check_kind(kind)))
		return rc;
	if (!value || !*value || strlen(value) > 64 || strpbrk(value, "\t\n\r"))
		return crm_error_set(CRM_DATAERR, "a value of a list is 1 to 64 characters on one line");
	if (!(st = crm_stmt(db, "INSERT INTO deal_choice (kind, value) VALUES (?, ?)")))
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, kind);
	crm_bind_text(st, 2, value);
	if ((rc = crm_stmt_done(db, st)) == CRM_DATAERR)
		return crm_error_set(CRM_DATAERR, "%s \"%s\" is on the list already", kind, value);
	return rc;
}

int crm_choice_rm(struct crm_db *db, const char *kind, const char *value)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN, "changing the lists")) ||
	    (rc = check_kind(kind)) || (rc = crm_choice_check(db, kind, value)))
		return rc;
	if (!(st = crm_stmt(db, "DELETE FROM deal_choice WHERE kind = ? AND value = ?")))
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, kind);
	crm_bind_text(st, 2, value);
	return crm_stmt_done(db, st); /* deals that have it keep it */
}

int crm_choice_list(struct crm_db *db, const char *kind, crm_row_fn *fn, void *arg)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY, "reading the lists")) ||
	    (kind && (rc = check_kind(kind))))
		return rc;
	st = crm_stmt(db, "SELECT kind, value FROM deal_choice WHERE ?1 IS NULL OR kind = ?1"
			  " ORDER BY kind, value");
	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, kind);
	return crm_stmt_emit(db, st, fn, arg, NULL);
}

/* ---- VAT rates */

int crm_vat_code_check(struct crm_db *db, const char *code)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT 1 FROM vat_rate WHERE code = ? LIMIT 1");
	int64_t one;
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, code);
	if ((rc = crm_query_id(db, st, &one)) == CRM_NOMATCH)
		return crm_error_set(CRM_DATAERR, "unknown VAT code \"%s\" (see crm-admin vat list)",
				     code);
	return rc;
}

int crm_vat_rate_on(struct crm_db *db, const char *code, const char *day, int *rate)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT coalesce(rate, -1) FROM vat_rate"
				       " WHERE code = ? AND starts <= ? ORDER BY starts DESC LIMIT 1");
	int64_t r;
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, code);
	crm_bind_text(st, 2, day);
	if ((rc = crm_query_id(db, st, &r)) == CRM_NOMATCH)
		return crm_error_set(CRM_DATAERR, "no VAT rate \"%s\" is in force on %s", code, day);
	*rate = (int)r;
	return rc;
}

int crm_vat_rate_add(struct crm_db *db, const char *code, const char *starts, const char *rate)
{
	char day[11];
	sqlite3_stmt *st;
	int r, rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN, "changing VAT rates")))
		return rc;
	if (!code || !*code || strlen(code) > 32 || strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(code))
		return crm_error_set(CRM_DATAERR, "a VAT code is 1 to 32 lower-case letters, digits, "
				     "'-' or '_' (e.g. standard)");
	if ((rc = crm_date_parse("start date", starts, day)) || (rc = crm_rate_parse(rate, &r)))
		return rc;
	if (!day[0])
		return crm_error_set(CRM_USAGE, "a VAT rate needs the day it starts (--from)");
	st = crm_stmt(db, "INSERT INTO vat_rate (code, starts, rate) VALUES (?, ?, ?)"
			  " ON CONFLICT (code, starts) DO UPDATE SET rate = excluded.rate");
	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, code);
	crm_bind_text(st, 2, day);
	if (r < 0)
		sqlite3_bind_null(st, 3);
	else
		sqlite3_bind_int(st, 3, r);
	return crm_stmt_done(db, st);
}

int crm_vat_rate_list(struct crm_db *db, crm_row_fn *fn, void *arg)
{
	static const char *const names[] = { "code", "from", "rate" };
	sqlite3_stmt *st;
	unsigned long n = 0;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY, "reading VAT rates")))
		return rc;
	if (!(st = crm_stmt(db, "SELECT code, starts, coalesce(rate, -1) FROM vat_rate"
				" ORDER BY code, starts")))
		return CRM_SOFTWARE;
	while ((rc = crm_stmt_row(db, st)) == 1) {
		char buf[16];
		const char *row[3];

		crm_rate_format(sqlite3_column_int(st, 2), buf);
		row[0] = (const char *)sqlite3_column_text(st, 0);
		row[1] = (const char *)sqlite3_column_text(st, 1);
		row[2] = buf;
		n++;
		if ((rc = fn(arg, 3, names, row))) {
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	if (rc < 0)
		return -rc;
	return n ? CRM_OK : fn(arg, 3, names, NULL);
}
