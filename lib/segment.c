/*
 * segment.c: named segments (a kind, a department, a manager, a tag, dates,
 * has e-mail / has phone), kept in the database so that cron and people
 * export the same selection by name.
 */
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

static int check_name(const char *name)
{
	if (!name || !*name || strlen(name) > 64 || strchr(name, '\t') || strchr(name, '\n'))
		return crm_error_set(CRM_USAGE, "a segment needs a name of 1 to 64 characters");
	return CRM_OK;
}

int crm_segment_check(struct crm_db *db, const struct crm_segment *s)
{
	static const char *const kinds[] = { "lead", "client", "partner", "supplier", NULL };
	char buf[CRM_TIME_LEN];
	long long secs;
	int64_t id;
	int i, rc;

	if (s->kind) {
		for (i = 0; kinds[i] && strcmp(kinds[i], s->kind); i++)
			;
		if (!kinds[i])
			return crm_error_set(CRM_DATAERR,
					     "unknown kind \"%s\"; kinds are: lead, client, partner, supplier",
					     s->kind);
	}
	if ((s->dept && (rc = crm_dept_find(db, s->dept, &id))) ||
	    (s->manager && (rc = crm_user_any(db, s->manager, &id))) ||
	    (s->since && (rc = crm_time_or_ago(s->since, buf))) ||
	    (s->inactive && (rc = crm_duration_parse(s->inactive, &secs))))
		return rc;
	return CRM_OK;
}

int crm_segment_save(struct crm_db *db, const char *name, const struct crm_segment *s)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN | CRM_ROLE_HEAD | CRM_ROLE_MARKETER,
				   "saving segments")) ||
	    (rc = check_name(name)) || (rc = crm_segment_check(db, s)))
		return rc;
	st = crm_stmt(db, "INSERT INTO segment (name, kind, dept, manager, tag, since, inactive,"
			  " has_email, has_phone) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
			  " ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, dept = excluded.dept,"
			  " manager = excluded.manager, tag = excluded.tag, since = excluded.since,"
			  " inactive = excluded.inactive, has_email = excluded.has_email,"
			  " has_phone = excluded.has_phone");
	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, name);
	crm_bind_text(st, 2, s->kind);
	crm_bind_text(st, 3, s->dept);
	crm_bind_text(st, 4, s->manager);
	crm_bind_text(st, 5, s->tag);
	crm_bind_text(st, 6, s->since);
	crm_bind_text(st, 7, s->inactive);
	sqlite3_bind_int(st, 8, !!s->has_email);
	sqlite3_bind_int(st, 9, !!s->has_phone);
	return crm_stmt_done(db, st);
}

static char *dup_column(sqlite3_stmt *st, int i)
{
	const char *v = (const char *)sqlite3_column_text(st, i);

	return v ? strdup(v) : NULL;
}

int crm_segment_load(struct crm_db *db, const char *name, struct crm_segment *out)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT kind, dept, manager, tag, since, inactive, has_email,"
				       " has_phone FROM segment WHERE name = ?");
	int rc;

	memset(out, 0, sizeof *out);
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((rc = crm_stmt_row(db, st)) <= 0)
		return rc < 0 ? -rc
			      : crm_error_set(CRM_DATAERR, "no segment \"%s\" (see crm-export segment list)",
					      name);
	out->kind = dup_column(st, 0);
	out->dept = dup_column(st, 1);
	out->manager = dup_column(st, 2);
	out->tag = dup_column(st, 3);
	out->since = dup_column(st, 4);
	out->inactive = dup_column(st, 5);
	out->has_email = sqlite3_column_int(st, 6);
	out->has_phone = sqlite3_column_int(st, 7);
	sqlite3_reset(st);
	return CRM_OK;
}

/* *field becomes a copy of value (the old one freed). */
static int replace(const char **field, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	free((char *)*field);
	*field = copy;
	return CRM_OK;
}

int crm_segment_choose(struct crm_db *db, const char *name, const struct crm_segment *given,
		       struct crm_segment *out)
{
	int rc = CRM_OK;

	memset(out, 0, sizeof *out);
	if (name && (rc = crm_segment_load(db, name, out)))
		return rc;
#define OVER(f) if (rc == CRM_OK && given->f) rc = replace(&out->f, given->f);
	OVER(kind) OVER(dept) OVER(manager) OVER(tag) OVER(since) OVER(inactive)
#undef OVER
	if (rc) {
		crm_segment_clear(out);
		return rc;
	}
	out->has_email |= given->has_email;
	out->has_phone |= given->has_phone;
	out->with_junk = given->with_junk; /* never saved */
	return CRM_OK;
}

void crm_segment_clear(struct crm_segment *s)
{
	free((char *)s->kind);
	free((char *)s->dept);
	free((char *)s->manager);
	free((char *)s->tag);
	free((char *)s->since);
	free((char *)s->inactive);
	memset(s, 0, sizeof *s);
}

int crm_segment_list(struct crm_db *db, crm_row_fn *fn, void *arg)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY & ~CRM_ROLE_WAREHOUSE, "listing segments")))
		return rc;
	st = crm_stmt(db, "SELECT name, kind, dept, manager, tag, since, inactive, has_email,"
			  " has_phone, created, created_by FROM segment ORDER BY name");
	return st ? crm_stmt_emit(db, st, fn, arg, NULL) : CRM_SOFTWARE;
}

int crm_segment_delete(struct crm_db *db, const char *name)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN | CRM_ROLE_HEAD | CRM_ROLE_MARKETER,
				   "deleting segments")))
		return rc;
	if (!(st = crm_stmt(db, "DELETE FROM segment WHERE name = ?")))
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((rc = crm_stmt_done(db, st)))
		return rc;
	return sqlite3_changes(db->h) ? CRM_OK
				      : crm_error_set(CRM_DATAERR, "no segment \"%s\"", name);
}
