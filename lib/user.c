/*
 * user.c: the users and departments an admin keeps: adding and changing
 * them, a leaving user's handover, the lists. Who is acting and what a role
 * allows is actor.c's.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

int crm_dept_find(struct crm_db *db, const char *name, int64_t *id)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT id FROM dept WHERE name = ?");
	char list[512] = "";
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = crm_query_id(db, st, id);
	if (rc != CRM_NOMATCH)
		return rc;
	if ((st = crm_stmt(db, "SELECT name FROM dept ORDER BY name")))
		crm_stmt_join(db, st, list, sizeof list);
	return crm_error_set(CRM_DATAERR, "unknown department \"%s\"; departments are: %s",
			     name, list);
}

/* Logins and department names: letters, digits, '.', '_', '-'. */
static int check_name(const char *what, const char *s)
{
	const char *p;

	if (!s || !*s)
		return crm_error_set(CRM_USAGE, "%s is missing", what);
	if (strlen(s) > 64)
		return crm_error_set(CRM_DATAERR, "%s \"%s\" is longer than 64 characters", what, s);
	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
			return crm_error_set(CRM_DATAERR,
					     "%s \"%s\": use only letters, digits, '.', '_' and '-'",
					     what, s);
	return CRM_OK;
}

/* Words that crm-task reads as a target or writes as a closer. */
static int check_reserved(const char *login)
{
	if (strcmp(login, "owner") == 0 || strcmp(login, "system") == 0)
		return crm_error_set(CRM_DATAERR,
				     "login \"%s\" is reserved (crm-task --to owner, done_by system)",
				     login);
	return CRM_OK;
}

static int check_role(const char *role)
{
	if (!crm_role_parse(role))
		return crm_error_set(CRM_DATAERR,
				     "unknown role \"%s\"; roles are: admin, head, manager, marketer, warehouse",
				     role ? role : "");
	return CRM_OK;
}

static int check_active(const char *s)
{
	if (strcmp(s, "0") != 0 && strcmp(s, "1") != 0)
		return crm_error_set(CRM_DATAERR, "active must be 0 or 1, not \"%s\"", s);
	return CRM_OK;
}

/* Normalise the optional phone and e-mail of a user into buffers. */
static int user_contacts(struct crm_db *db, const struct crm_user_in *in,
			 struct crm_phone *ph, char **email)
{
	char cc[8];
	int rc = CRM_OK;

	*email = NULL;
	if (in->phone && *in->phone &&
	    ((rc = crm_country(db, cc)) || (rc = crm_phone_normalize(in->phone, cc, ph))))
		return rc;
	if (in->email && *in->email)
		rc = crm_email_normalize(in->email, email);
	return rc;
}

int crm_user_add(struct crm_db *db, const struct crm_user_in *in, int64_t *id)
{
	struct crm_phone ph = { .e164 = "" };
	int64_t dept = 0;
	char now[CRM_TIME_LEN], *email = NULL;
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN, "adding users")) != CRM_OK ||
	    (rc = check_name("login", in->login)) != CRM_OK ||
	    (rc = check_reserved(in->login)) != CRM_OK ||
	    (rc = check_role(in->role)) != CRM_OK ||
	    (in->active && (rc = check_active(in->active)) != CRM_OK) ||
	    (in->dept && (rc = crm_dept_find(db, in->dept, &dept)) != CRM_OK) ||
	    (rc = user_contacts(db, in, &ph, &email)) != CRM_OK || (rc = crm_time_now(now)) != CRM_OK)
		goto out;
	if (!(st = crm_stmt(db, "INSERT INTO users (login, name, role, dept_id, email, phone,"
				" active, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"))) {
		rc = CRM_SOFTWARE;
		goto out;
	}
	crm_bind_text(st, 1, in->login);
	crm_bind_text(st, 2, in->name);
	crm_bind_text(st, 3, in->role);
	crm_bind_id(st, 4, dept);
	crm_bind_text(st, 5, email);
	crm_bind_text(st, 6, ph.e164);
	sqlite3_bind_int(st, 7, in->active ? atoi(in->active) != 0 : 1);
	crm_bind_text(st, 8, now);
	rc = crm_stmt_done(db, st);
	if (rc == CRM_DATAERR)
		rc = crm_error_set(CRM_DATAERR, "user \"%s\" exists already", in->login);
	else if (rc == CRM_OK && id)
		*id = sqlite3_last_insert_rowid(db->h);
out:
	free(email);
	return rc;
}

int crm_user_set(struct crm_db *db, const struct crm_user_in *in)
{
	struct crm_phone ph = { .e164 = "" };
	int64_t id, dept = 0, admins = 0;
	char *email = NULL;
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN, "changing users")) != CRM_OK)
		return rc;
	if (!(st = crm_stmt(db, "SELECT id FROM users WHERE login = ?")))
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, in->login ? in->login : "", -1, SQLITE_TRANSIENT);
	if ((rc = crm_query_id(db, st, &id)) == CRM_NOMATCH)
		return crm_error_set(CRM_DATAERR, "unknown user \"%s\" (see crm-admin user list)",
				     in->login ? in->login : "");
	if (rc != CRM_OK || (in->role && (rc = check_role(in->role)) != CRM_OK) ||
	    (in->active && (rc = check_active(in->active)) != CRM_OK) ||
	    (in->dept && *in->dept && (rc = crm_dept_find(db, in->dept, &dept)) != CRM_OK) ||
	    (rc = user_contacts(db, in, &ph, &email)) != CRM_OK)
		goto out;
	if (!(st = crm_stmt(db, "UPDATE users SET name = coalesce(?2, name),"
				" role = coalesce(?3, role),"
				" dept_id = CASE WHEN ?4 IS NULL THEN dept_id WHEN ?4 = 0 THEN NULL ELSE ?4 END,"
				" email = coalesce(?5, email), phone = coalesce(?6, phone),"
				" active = coalesce(?7, active) WHERE id = ?1"))) {
		rc = CRM_SOFTWARE;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	crm_bind_text(st, 2, in->name);
	crm_bind_text(st, 3, in->role);
	if (in->dept)
		sqlite3_bind_int64(st, 4, dept); /* "" clears the department */
	crm_bind_text(st, 5, email);
	crm_bind_text(st, 6, ph.e164);
	crm_bind_text(st, 7, in->active);
	if ((rc = crm_stmt_done(db, st)) != CRM_OK)
		goto out;
	/* Nobody may lock everyone out. */
	st = crm_stmt(db, "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1");
	if (!st || (rc = crm_query_id(db, st, &admins)) != CRM_OK)
		rc = st ? rc : CRM_SOFTWARE;
	else if (admins == 0)
		rc = crm_error_set(CRM_DATAERR, "this would leave no active admin");
	if (rc == CRM_OK && id == db->user_id)
		db->user_id = 0; /* look the acting user up again */
out:
	free(email);
	return rc;
}

/* Requests still to be worked on: not junk, not converted. */
#define OPEN_REQUEST "status IN ('new', 'routed', 'assigned', 'qualified')"

int crm_user_work(struct crm_db *db, const char *login, struct crm_user_work *w)
{
	sqlite3_stmt *st;
	int64_t id;
	int rc;

	memset(w, 0, sizeof *w);
	if ((rc = crm_user_any(db, login, &id)))
		return rc;
	st = crm_stmt(db, "SELECT (SELECT count(*) FROM request WHERE assignee_id = ?1 AND " OPEN_REQUEST "),"
			  " (SELECT count(*) FROM task WHERE assignee_id = ?1 AND status = 'open'),"
			  " (SELECT count(*) FROM party WHERE owner_id = ?1)");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = crm_stmt_row(db, st)) <= 0)
		return rc < 0 ? -rc : CRM_SOFTWARE;
	w->requests = (unsigned long)sqlite3_column_int64(st, 0);
	w->tasks = (unsigned long)sqlite3_column_int64(st, 1);
	w->parties = (unsigned long)sqlite3_column_int64(st, 2);
	sqlite3_reset(st);
	return CRM_OK;
}

int crm_user_handover(struct crm_db *db, const char *login, const char *to,
		      struct crm_user_work *w)
{
	int64_t from, user;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN, "handing work over")) ||
	    (rc = crm_user_any(db, login, &from)) || (rc = crm_user_find(db, to, &user)) ||
	    (rc = crm_user_work(db, login, w)))
		return rc;
	if (from == user)
		return crm_error_set(CRM_DATAERR, "%s cannot hand over to %s", login, to);
	if ((w->requests || w->parties) && (rc = crm_user_takes_requests(db, user, to)))
		return rc;
	/* The callbacks of the user's parties follow them, whoever has them. */
	if ((rc = crm_exec_ids(db, "UPDATE request SET assignee_id = ?2, updated = crm_now()"
				  " WHERE assignee_id = ?1 AND " OPEN_REQUEST, from, user)) ||
	    (rc = crm_exec_ids(db, "UPDATE task SET assignee_id = ?2 WHERE status = 'open'"
				  " AND (assignee_id = ?1 OR (kind = 'callback' AND assignee_id <> ?2"
				  "  AND party_id IN (SELECT id FROM party WHERE owner_id = ?1)))",
				from, user)))
		return rc;
	return crm_exec_ids(db, "UPDATE party SET owner_id = ?2, updated = crm_now() WHERE owner_id = ?1",
			    from, user);
}

int crm_user_list(struct crm_db *db, crm_row_fn *fn, void *arg)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY, "listing users")) != CRM_OK)
		return rc;
	st = crm_stmt(db, "SELECT u.id, u.login, u.name, u.role, d.name AS dept, u.email,"
			  " u.phone, u.active, u.created FROM users u"
			  " LEFT JOIN dept d ON d.id = u.dept_id ORDER BY u.id");
	return st ? crm_stmt_emit(db, st, fn, arg, NULL) : CRM_SOFTWARE;
}

int crm_user_bootstrap(struct crm_db *db, const char *login)
{
	char now[CRM_TIME_LEN];
	sqlite3_stmt *st;
	int64_t n = 0;
	int rc;

	if ((rc = check_name("login", login)) != CRM_OK)
		return rc;
	st = crm_stmt(db, "SELECT count(*) FROM users");
	if (!st || (rc = crm_query_id(db, st, &n)) != CRM_OK)
		return st ? rc : CRM_SOFTWARE;
	if (n > 0)
		return crm_error_set(CRM_CONFIG, "%s has users already", db->path);
	if ((rc = crm_time_now(now)) != CRM_OK)
		return rc;
	if (!(st = crm_stmt(db, "INSERT INTO users (login, role, created) VALUES (?, 'admin', ?)")))
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, login);
	crm_bind_text(st, 2, now);
	return crm_stmt_done(db, st);
}

int crm_dept_add(struct crm_db *db, const char *name, const char *title)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN, "adding departments")) != CRM_OK ||
	    (rc = check_name("department", name)) != CRM_OK)
		return rc;
	if (!(st = crm_stmt(db, "INSERT INTO dept (name, title) VALUES (?, ?)")))
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, name);
	crm_bind_text(st, 2, title);
	rc = crm_stmt_done(db, st);
	if (rc == CRM_DATAERR)
		rc = crm_error_set(CRM_DATAERR, "department \"%s\" exists already", name);
	return rc;
}

int crm_dept_list(struct crm_db *db, crm_row_fn *fn, void *arg)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY, "listing departments")) != CRM_OK)
		return rc;
	st = crm_stmt(db, "SELECT d.id, d.name, d.title,"
			  " (SELECT count(*) FROM users u WHERE u.dept_id = d.id AND u.active = 1"
			  "  AND u.role = 'manager') AS managers"
			  " FROM dept d ORDER BY d.name");
	return st ? crm_stmt_emit(db, st, fn, arg, NULL) : CRM_SOFTWARE;
}
