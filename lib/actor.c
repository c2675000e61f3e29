/*
 * actor.c: who is acting and what their role allows. The acting user is
 * CRM_USER or the login name, and must be registered (and active) in the
 * database; users are looked up by login here for every module above.
 */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm-private.h"

static const char *const role_names[] = { "admin", "head", "manager", "marketer",
					  "warehouse" };

const char *crm_user_login(void)
{
	static char login[256];
	const char *env = getenv("CRM_USER");
	struct passwd *pw;

	if (env && *env)
		return env;
	if (!login[0]) {
		pw = getpwuid(geteuid());
		snprintf(login, sizeof login, "%s", pw ? pw->pw_name : "unknown");
	}
	return login;
}

int crm_role_parse(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof role_names / sizeof *role_names; i++)
		if (strcmp(name, role_names[i]) == 0)
			return 1 << i;
	return 0;
}

const char *crm_role_name(int role)
{
	size_t i;

	for (i = 0; i < sizeof role_names / sizeof *role_names; i++)
		if (role == 1 << i)
			return role_names[i];
	return "none";
}

/* "head or admin" for a mask. */
static void mask_words(int mask, char *buf, size_t size)
{
	size_t i, n = 0;
	int left = __builtin_popcount(mask);

	buf[0] = '\0';
	for (i = 0; i < sizeof role_names / sizeof *role_names; i++) {
		if (!(mask & (1 << i)))
			continue;
		n += snprintf(buf + n, n < size ? size - n : 0, "%s%s", role_names[i],
			      left > 2 ? ", " : left == 2 ? " or " : "");
		left--;
	}
}

int crm_user_require(struct crm_db *db, int mask, const char *action)
{
	const char *login = crm_user_login();
	sqlite3_stmt *st;
	char words[128];
	int rc;

	if (!db->user_id) {
		st = crm_stmt(db, "SELECT id, role, active FROM users WHERE login = ?");
		if (!st)
			return CRM_SOFTWARE;
		sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
		if ((rc = crm_stmt_row(db, st)) < 0)
			return -rc;
		if (rc == 0)
			return crm_error_set(CRM_NOPERM,
					     "user \"%s\" is not registered in %s (an admin adds users with crm-admin user add)",
					     login, db->path);
		if (!sqlite3_column_int(st, 2)) {
			sqlite3_reset(st);
			return crm_error_set(CRM_NOPERM, "user \"%s\" is deactivated", login);
		}
		db->user_id = sqlite3_column_int64(st, 0);
		db->role = crm_role_parse((const char *)sqlite3_column_text(st, 1));
		sqlite3_reset(st);
	}
	if (db->role & mask)
		return CRM_OK;
	mask_words(mask, words, sizeof words);
	return crm_error_set(CRM_NOPERM, "%s needs the role %s; %s is %s", action, words,
			     login, crm_role_name(db->role));
}

int64_t crm_user_id(struct crm_db *db)
{
	return db->user_id;
}

int crm_user_role(struct crm_db *db)
{
	return db->role;
}

/* A user by login; inactive ones too unless active_only. */
static int lookup(struct crm_db *db, const char *login, int active_only, int64_t *id)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT id, active FROM users WHERE login = ?");
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	if ((rc = crm_stmt_row(db, st)) <= 0)
		return rc < 0 ? -rc
			      : crm_error_set(CRM_DATAERR,
					      "unknown user \"%s\" (see crm-admin user list)", login);
	*id = sqlite3_column_int64(st, 0);
	rc = sqlite3_column_int(st, 1);
	sqlite3_reset(st);
	if (active_only && !rc)
		return crm_error_set(CRM_DATAERR, "user \"%s\" is deactivated", login);
	return CRM_OK;
}

int crm_user_find(struct crm_db *db, const char *login, int64_t *id)
{
	return lookup(db, login, 1, id);
}

int crm_user_any(struct crm_db *db, const char *login, int64_t *id)
{
	return lookup(db, login, 0, id);
}

int crm_user_takes_requests(struct crm_db *db, int64_t user, const char *login)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT 1 FROM users WHERE id = ? AND role IN ('manager', 'head')");
	int64_t one;
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, user);
	rc = crm_query_id(db, st, &one);
	return rc == CRM_NOMATCH ? crm_error_set(CRM_DATAERR,
						 "%s is not a manager or head: requests and parties go to them",
						 login)
				 : rc;
}
