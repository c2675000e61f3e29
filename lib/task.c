/*
 * task.c: tasks for people (call a customer, a notice about a new request),
 * given to a user, round-robin to a department's managers, or to whoever
 * hears of the party (notify.c). The same open task is never doubled: a
 * notice or callback while one for that party (and request, and person) is
 * open, or a person's task of the same kind, party, request, title and due
 * time, so a batch run twice, or a thousand missed calls, leave one; a task
 * with its own title or due time is another task. Tasks close by hand, or
 * by the system when what they were about has happened (done_by "system").
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

/* An open task of this kind for this party and request (and, unless 0,
 * this assignee): its id, or CRM_NOMATCH. */
static int open_twin(struct crm_db *db, const char *kind, int64_t party, int64_t request,
		     int64_t assignee, int64_t *id)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT id FROM task WHERE party_id = ?1 AND kind = ?2"
				       " AND status = 'open' AND request_id IS ?3"
				       " AND (?4 IS NULL OR assignee_id = ?4) LIMIT 1");

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, party);
	crm_bind_text(st, 2, kind);
	crm_bind_id(st, 3, request);
	crm_bind_id(st, 4, assignee);
	return crm_query_id(db, st, id);
}

int crm_task_insert(struct crm_db *db, const char *kind, int64_t assignee, const char *due,
		    const char *title, int64_t party, int64_t request, const char *origin,
		    int64_t *id, int *duplicate)
{
	sqlite3_stmt *st;
	int rc;

	if (duplicate && (*duplicate = 0, party) &&
	    (rc = open_twin(db, kind, party, request, assignee, id)) != CRM_NOMATCH) {
		*duplicate = rc == CRM_OK;
		return rc;
	}
	st = crm_stmt(db, "INSERT INTO task (kind, title, assignee_id, due, party_id, request_id,"
			  " origin) VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, kind);
	crm_bind_text(st, 2, title);
	sqlite3_bind_int64(st, 3, assignee);
	crm_bind_text(st, 4, due);
	crm_bind_id(st, 5, party);
	crm_bind_id(st, 6, request);
	crm_bind_text(st, 7, origin);
	rc = crm_stmt_done(db, st);
	if (rc == CRM_DATAERR)
		return crm_error_set(CRM_DATAERR, "no such %s", party ? "party or request" : "request");
	if (rc == CRM_OK)
		*id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

int crm_task_open(struct crm_db *db, const char *kind, int64_t party, int64_t *id)
{
	return open_twin(db, kind, party, 0, 0, id);
}

/* A login, "dept:NAME" for round-robin, or "owner": whoever hears of the
 * party (notify.c); NULL or "" is the acting user. */
static int resolve_to(struct crm_db *db, const char *to, int64_t party, int64_t *user)
{
	if (!to || !*to) {
		*user = crm_user_id(db);
		return CRM_OK;
	}
	if (strcmp(to, "owner") == 0)
		return party ? crm_notify_who(db, party, user)
			     : crm_error_set(CRM_USAGE, "--to owner needs a task of a party");
	if (strncmp(to, "dept:", 5) == 0)
		return crm_notify_round_robin(db, to + 5, user);
	return crm_user_find(db, to, user);
}

/* An open task that is this one again: same kind, party, request, title and
 * due time (a person's own title or due time makes another task). */
static int same_task(struct crm_db *db, const struct crm_task_in *in, const char *due,
		     int64_t *id)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT id FROM task WHERE party_id = ?1 AND kind = ?2"
				       " AND status = 'open' AND request_id IS ?3 AND title IS ?4"
				       " AND due IS ?5 ORDER BY id LIMIT 1");

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, in->party);
	crm_bind_text(st, 2, in->kind);
	crm_bind_id(st, 3, in->request);
	crm_bind_text(st, 4, in->title);
	crm_bind_text(st, 5, due);
	return crm_query_id(db, st, id);
}

static int check_kind(const char *kind)
{
	const char *p;

	if (!kind || !*kind)
		return crm_error_set(CRM_USAGE, "a task needs a kind (--kind call, say)");
	for (p = kind; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && !strchr("_-", *p))
			return crm_error_set(CRM_DATAERR,
					     "task kind \"%s\": use lower-case letters, digits, '_' and '-'",
					     kind);
	return CRM_OK;
}

int crm_task_add(struct crm_db *db, const struct crm_task_in *in, int64_t *id, int *duplicate)
{
	char due[CRM_TIME_LEN] = "";
	int64_t user;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY & ~CRM_ROLE_WAREHOUSE, "adding tasks")) ||
	    (rc = check_kind(in->kind)) ||
	    (in->due && *in->due && (rc = crm_time_or_ahead(in->due, due))))
		return rc;
	/* Look for the same task before round-robin moves on. */
	if (in->party && (rc = same_task(db, in, due[0] ? due : NULL, id)) != CRM_NOMATCH) {
		*duplicate = rc == CRM_OK;
		return rc;
	}
	if ((rc = resolve_to(db, in->to, in->party, &user)))
		return rc;
	*duplicate = 0;
	return crm_task_insert(db, in->kind, user, due[0] ? due : NULL, in->title, in->party,
			       in->request, in->origin ? in->origin : "manual", id, NULL);
}

int crm_task_list(struct crm_db *db, const struct crm_task_filter *f, crm_row_fn *fn, void *arg)
{
	char now[CRM_TIME_LEN];
	int64_t user = 0, dept = 0;
	const char *status = f->status ? f->status : "open";
	unsigned long n = 0;
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY, "listing tasks")) || (rc = crm_time_now(now)))
		return rc;
	if (strcmp(status, "open") && strcmp(status, "done") && strcmp(status, "all"))
		return crm_error_set(CRM_USAGE, "status is open, done or all, not \"%s\"", status);
	if (f->to && strncmp(f->to, "dept:", 5) == 0)
		rc = crm_dept_find(db, f->to + 5, &dept);
	else if (f->to)
		rc = crm_user_any(db, f->to, &user);
	if (rc)
		return rc;
	if (f->mine)
		user = crm_user_id(db);
	st = crm_stmt(db, "SELECT t.id, t.kind, t.status, t.due, u.login AS assignee,"
			  " t.party_id AS party, p.name AS party_name, t.request_id AS request,"
			  " t.title, t.created, t.origin, t.done_at, t.done_by FROM task t"
			  " JOIN users u ON u.id = t.assignee_id LEFT JOIN party p ON p.id = t.party_id"
			  " WHERE (?1 = 'all' OR t.status = ?1) AND (?2 IS NULL OR t.kind = ?2)"
			  " AND (?3 IS NULL OR t.assignee_id = ?3) AND (?4 IS NULL OR u.dept_id = ?4)"
			  " AND (?5 IS NULL OR (t.status = 'open' AND t.due < ?5))"
			  " AND (?6 IS NULL OR t.party_id = ?6) AND (?7 IS NULL OR t.request_id = ?7)"
			  " ORDER BY t.due IS NULL, t.due, t.id");
	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, status);
	crm_bind_text(st, 2, f->kind);
	crm_bind_id(st, 3, user);
	crm_bind_id(st, 4, dept);
	if (f->overdue)
		crm_bind_text(st, 5, now);
	crm_bind_id(st, 6, f->party);
	crm_bind_id(st, 7, f->request);
	rc = crm_stmt_emit(db, st, fn, arg, &n);
	return rc == CRM_OK && n == 0 ? crm_error_set(CRM_NOMATCH, "no task matches") : rc;
}

int crm_task_show(struct crm_db *db, int64_t id, crm_row_fn *fn, void *arg)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT t.id, t.kind, t.status, t.due, u.login AS assignee,"
				       " t.party_id AS party, t.request_id AS request, t.title FROM task t"
				       " JOIN users u ON u.id = t.assignee_id WHERE t.id = ?");

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	return fn ? crm_stmt_emit(db, st, fn, arg, NULL) : CRM_OK;
}

static int task_assignee(struct crm_db *db, int64_t id, int64_t *assignee)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT assignee_id FROM task WHERE id = ?");
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	rc = crm_query_id(db, st, assignee);
	return rc == CRM_NOMATCH ? crm_error_set(CRM_DATAERR, "no task %lld", (long long)id) : rc;
}

int crm_task_done(struct crm_db *db, int64_t id, crm_row_fn *fn, void *arg)
{
	sqlite3_stmt *st;
	int64_t assignee;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY, "closing tasks")) ||
	    (rc = task_assignee(db, id, &assignee)))
		return rc;
	if (assignee != crm_user_id(db) && !(crm_user_role(db) & (CRM_ROLE_ADMIN | CRM_ROLE_HEAD)))
		return crm_error_set(CRM_NOPERM,
				     "task %lld is not yours: only its assignee, a head or an admin may close it",
				     (long long)id);
	st = crm_stmt(db, "UPDATE task SET status = 'done', done_at = crm_now(), done_by = crm_user()"
			  " WHERE id = ? AND status = 'open'");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = crm_stmt_done(db, st)))
		return rc;
	return crm_task_show(db, id, fn, arg);
}

static int task_party(struct crm_db *db, int64_t id, int64_t *party)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT coalesce(party_id, 0) FROM task WHERE id = ?");

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	return crm_query_id(db, st, party);
}

int crm_task_reassign(struct crm_db *db, int64_t id, const char *to, crm_row_fn *fn, void *arg)
{
	int64_t assignee, user, party;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN | CRM_ROLE_HEAD, "reassigning tasks")) ||
	    (rc = task_assignee(db, id, &assignee)) || (rc = task_party(db, id, &party)))
		return rc;
	if (!to || !*to)
		return crm_error_set(CRM_USAGE, "reassign needs --to USER, dept:NAME or owner");
	if (strcmp(to, "owner") == 0 && !party)
		return crm_error_set(CRM_DATAERR, "task %lld has no party: --to owner needs one",
				     (long long)id);
	if ((rc = resolve_to(db, to, party, &user)))
		return rc;
	if ((rc = crm_exec_ids(db, "UPDATE task SET assignee_id = ?2 WHERE id = ?1",
				id, user)))
		return rc;
	return crm_task_show(db, id, fn, arg);
}

int crm_task_close_notices(struct crm_db *db, int64_t request, int64_t keep)
{
	return crm_exec_ids(db, "UPDATE task SET status = 'done', done_at = crm_now(), done_by = 'system'"
				" WHERE request_id = ?1 AND kind = 'notice' AND status = 'open'"
				" AND assignee_id IS NOT ?2", request, keep);
}

int crm_task_follow_owner(struct crm_db *db, int64_t party)
{
	int64_t owner;
	int rc;

	if ((rc = crm_notify_owner(db, party, &owner)) || !owner)
		return rc;
	return crm_exec_ids(db, "UPDATE task SET assignee_id = ?2 WHERE party_id = ?1"
				" AND kind = 'callback' AND status = 'open' AND assignee_id <> ?2",
			    party, owner);
}
