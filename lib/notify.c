/*
 * notify.c: who hears of a party, the one rule behind notices, callbacks
 * and `crm-task --to owner`: the party's owner while active, else its
 * department's active managers in turn (round-robin), else the head of
 * sales. Intake, callpull, task.c and the handover of a leaving user all
 * ask here, so the rule cannot drift apart between them.
 */
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

int crm_notify_owner(struct crm_db *db, int64_t party, int64_t *user)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT u.id FROM party p JOIN users u ON u.id = p.owner_id"
				       " WHERE p.id = ? AND u.active = 1");
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, party);
	rc = crm_query_id(db, st, user);
	if (rc == CRM_NOMATCH)
		*user = 0;
	return rc == CRM_NOMATCH ? CRM_OK : rc;
}

/* The turn of department dept_id (its name for messages). */
static int next_manager(struct crm_db *db, int64_t dept_id, const char *dept, int64_t *user)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT id FROM users WHERE dept_id = ?1 AND active = 1"
				       " AND role = 'manager'"
				       " ORDER BY id <= coalesce((SELECT rr_last FROM dept WHERE id = ?1), 0), id"
				       " LIMIT 1");
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, dept_id);
	if ((rc = crm_query_id(db, st, user)) == CRM_NOMATCH)
		return crm_error_set(CRM_DATAERR, "department %s has no active managers", dept);
	if (rc)
		return rc;
	return crm_exec_ids(db, "UPDATE dept SET rr_last = ?2 WHERE id = ?1", dept_id, *user);
}

int crm_notify_round_robin(struct crm_db *db, const char *dept, int64_t *user)
{
	int64_t dept_id;
	int rc;

	if ((rc = crm_dept_find(db, dept, &dept_id)))
		return rc;
	return next_manager(db, dept_id, dept, user);
}

static int head_lookup(struct crm_db *db, int64_t *id)
{
	char *login = NULL;
	sqlite3_stmt *st;
	int rc = crm_config_get(db, "head", &login);

	/* The head setting wins while that user is active; else the first head or admin. */
	if (rc == CRM_OK && *login && crm_user_find(db, login, id) == CRM_OK) {
		free(login);
		return CRM_OK;
	}
	if (rc == CRM_OK) {
		st = crm_stmt(db, "SELECT id FROM users WHERE active = 1 AND role IN ('head', 'admin')"
				  " ORDER BY role = 'admin', id LIMIT 1");
		rc = st ? crm_query_id(db, st, id) : CRM_SOFTWARE;
		if (rc == CRM_NOMATCH)
			rc = crm_error_set(CRM_CONFIG, "no active head of sales or admin to notify");
	}
	free(login);
	return rc;
}

int crm_notify_head(struct crm_db *db, int64_t *id)
{
	int rc;

	if (db->head && !sqlite3_get_autocommit(db->h)) { /* known in this transaction */
		*id = db->head;
		return CRM_OK;
	}
	if ((rc = head_lookup(db, id)) == CRM_OK)
		db->head = *id;
	return rc;
}

int crm_notify_who(struct crm_db *db, int64_t party, int64_t *user)
{
	sqlite3_stmt *st;
	int64_t dept = 0;
	int rc;

	if ((rc = crm_notify_owner(db, party, user)) || *user)
		return rc;
	st = crm_stmt(db, "SELECT d.id FROM party p JOIN dept d ON d.id = p.dept_id WHERE p.id = ?"
			  " AND EXISTS (SELECT 1 FROM users u WHERE u.dept_id = d.id AND u.active = 1"
			  " AND u.role = 'manager')");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, party);
	if ((rc = crm_query_id(db, st, &dept)) == CRM_NOMATCH)
		return crm_notify_head(db, user);
	return rc ? rc : next_manager(db, dept, "", user);
}
