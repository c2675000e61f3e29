/*
 * request.c: requests ("appeals") from mail, phone, web forms, chat or typed
 * in by hand, and their life: new -> routed -> assigned -> qualified, or
 * junk. Recording a request dedupes its sender against the contact points:
 * a known sender's request joins that party's history and notifies its
 * manager; an unknown one becomes a new lead and notifies the head of sales.
 */
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

static const char *const channels[] = { "mail", "call", "web", "chat", "manual", NULL };
static const char *const statuses[] = { "new", "routed", "assigned", "qualified", "junk",
					"converted", NULL };

static int one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

static int check_channel(const char *c)
{
	if (one_of(c, channels))
		return CRM_OK;
	return crm_error_set(CRM_DATAERR,
			     "unknown channel \"%s\"; channels are: mail, call, web, chat, manual", c);
}

static int is_set(const char *s)
{
	return s && *s;
}

/* The sender's contact points, normalised; bad ones name the field. */
struct sender {
	struct crm_phone phone;
	char *email;
	int has_phone;
};

static int read_sender(struct crm_db *db, const struct crm_request_in *in, struct sender *s)
{
	char cc[8];
	int rc;

	memset(s, 0, sizeof *s);
	if (is_set(in->phone)) {
		if ((rc = crm_country(db, cc)) || (rc = crm_phone_normalize(in->phone, cc, &s->phone)))
			return rc;
		s->has_phone = 1;
	}
	if (is_set(in->email) && (rc = crm_email_normalize(in->email, &s->email)))
		return rc;
	if (!s->has_phone && !s->email && !is_set(in->name) && !is_set(in->company))
		return crm_error_set(CRM_DATAERR,
				     "the request names no sender: give a name, company, phone or e-mail");
	return CRM_OK;
}

/* The known party of a sender: by e-mail first, then by phone; 0 if none. */
static int known_party(struct crm_db *db, const struct sender *s, int64_t *party)
{
	int rc = CRM_NOMATCH;

	*party = 0;
	if (s->email)
		rc = crm_party_by_email(db, s->email, party);
	if (rc == CRM_NOMATCH && s->has_phone)
		rc = crm_party_by_phone(db, &s->phone, party);
	if (rc == CRM_NOMATCH) {
		*party = 0;
		rc = CRM_OK;
	}
	return rc;
}

/* Make a new lead from what the request holds. */
static int new_lead(struct crm_db *db, const struct crm_request_in *in, const struct sender *s,
		    int64_t dept, int64_t *party, int64_t *contact)
{
	const char *name = is_set(in->company) ? in->company
			 : is_set(in->name)    ? in->name
			 : s->email	       ? s->email
					       : s->phone.e164;
	int rc;

	*contact = 0;
	if ((rc = crm_party_create(db, "lead", name, dept, party)))
		return rc;
	if (is_set(in->name) && (rc = crm_contact_new(db, *party, in->name, contact)))
		return rc;
	return CRM_OK;
}

/* Record the sender's phone and e-mail on the party when nobody has them yet. */
static int add_points(struct crm_db *db, int64_t party, int64_t contact, const struct sender *s)
{
	int rc = CRM_OK;

	if (s->has_phone)
		rc = crm_point_add(db, party, contact, "phone", s->phone.e164, s->phone.tail10,
				   s->phone.ext);
	if (rc == CRM_OK && s->email)
		rc = crm_point_add(db, party, contact, "email", s->email, NULL, NULL);
	return rc;
}

/* A one-line summary for the history: the subject, else the body's first line. */
static void summary(const struct crm_request_in *in, char *buf, size_t size)
{
	const char *src = is_set(in->subject) ? in->subject : is_set(in->body) ? in->body : "";
	size_t n = strcspn(src, "\r\n");

	if (n >= size)
		n = crm_utf8_cut(src, size - 1);
	memcpy(buf, src, n);
	buf[n] = '\0';
}

static int insert_request(struct crm_db *db, const struct crm_request_in *in,
			  const struct sender *s, const char *received, int64_t party,
			  int64_t contact, int64_t dept, int64_t *id)
{
	sqlite3_stmt *st = crm_stmt(db,
		"INSERT INTO request (channel, source_ref, received, party_id, contact_id, dept_id,"
		" assignee_id, status, name, company, phone, email, subject, body, raw, updated)"
		" SELECT ?1, ?2, ?3, p.id, ?5, coalesce(?6, p.dept_id), u.id,"
		" CASE WHEN u.id IS NOT NULL THEN 'assigned'"
		"  WHEN coalesce(?6, p.dept_id) IS NOT NULL THEN 'routed' ELSE 'new' END,"
		" ?7, ?8, ?9, ?10, ?11, ?12, ?13, crm_now() FROM party p"
		" LEFT JOIN users u ON u.id = p.owner_id AND u.active = 1 WHERE p.id = ?4");
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, in->channel);
	crm_bind_text(st, 2, in->source_ref);
	crm_bind_text(st, 3, received);
	sqlite3_bind_int64(st, 4, party);
	crm_bind_id(st, 5, contact);
	crm_bind_id(st, 6, dept);
	crm_bind_text(st, 7, in->name);
	crm_bind_text(st, 8, in->company);
	crm_bind_text(st, 9, s->has_phone ? s->phone.e164 : in->phone);
	crm_bind_text(st, 10, s->email);
	crm_bind_text(st, 11, in->subject);
	crm_bind_text(st, 12, in->body);
	if (in->raw)
		sqlite3_bind_blob(st, 13, in->raw, (int)in->raw_len, SQLITE_STATIC);
	if ((rc = crm_stmt_done(db, st)) == CRM_OK)
		*id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

static int source_seen(struct crm_db *db, const char *ref, int64_t *request, int64_t *party)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT id, party_id FROM request WHERE source_ref = ?");
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	if ((rc = crm_stmt_row(db, st)) <= 0)
		return rc < 0 ? -rc : CRM_NOMATCH;
	*request = sqlite3_column_int64(st, 0);
	*party = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return CRM_OK;
}

/* Every field within its size (crm(7), LIMITS), whatever brought it: mail
 * that holds more goes to quarantine with the reason. */
static int check_sizes(const struct crm_request_in *in)
{
	const char *const v[] = { in->channel, in->source_ref, in->received, in->name, in->company,
				  in->phone, in->email, in->subject, in->body, in->dept };
	static const char *const names[] = { "channel", "source_ref", "received", "name",
					     "company", "phone", "email", "subject", "body",
					     "dept" };
	size_t i;

	for (i = 0; i < sizeof v / sizeof *v; i++)
		if (v[i] && crm_text_check(names[i], v[i], strlen(v[i]))) {
			crm_error_prefix("%s", names[i]);
			return CRM_DATAERR;
		}
	return CRM_OK;
}

int crm_request_add(struct crm_db *db, const struct crm_request_in *in0,
		    struct crm_request_out *out)
{
	struct crm_request_in in = *in0;
	struct sender s = { .email = NULL };
	char received[CRM_TIME_LEN], title[320], sum[256];
	int64_t party, contact = 0, dept = 0, notify = 0;
	time_t t;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = crm_user_require(db, CRM_ROLE_ANY & ~CRM_ROLE_WAREHOUSE, "recording requests")) ||
	    (rc = check_sizes(&in)))
		return rc;
	if (!is_set(in.channel))
		in.channel = "manual";
	if ((rc = check_channel(in.channel)))
		return rc;
	if (is_set(in.source_ref) &&
	    (rc = source_seen(db, in.source_ref, &out->request, &out->party)) != CRM_NOMATCH) {
		out->action = "duplicate";
		return rc;
	}
	if (is_set(in.received)) {
		if ((rc = crm_time_parse(in.received, &t)))
			return rc;
		crm_time_format(t, received);
	} else if ((rc = crm_time_now(received))) {
		return rc;
	}
	if (is_set(in.dept) && (rc = crm_dept_find(db, in.dept, &dept)))
		return rc;
	if ((rc = read_sender(db, &in, &s)))
		goto out;
	if (in.party)
		party = in.party; /* the thread says whose it is */
	else if ((rc = known_party(db, &s, &party)))
		goto out;
	if (party) {
		out->action = "history";
		rc = crm_notify_owner(db, party, &notify);
	} else {
		out->action = "new-lead";
		rc = new_lead(db, &in, &s, dept, &party, &contact);
	}
	/* A reply in a thread may come from someone else (a supplier, a
	 * colleague): it joins the history, but its address is not the party's. */
	if (rc || (!in.party && (rc = add_points(db, party, contact, &s))) ||
	    (rc = insert_request(db, &in, &s, received, party, contact, dept, &out->request)))
		goto out;
	/* Unowned, the head hears of it rather than the department's turn
	 * (notify.c): the head is who assigns it. */
	if (!notify && (rc = crm_notify_head(db, &notify)))
		goto out;
	summary(&in, sum, sizeof sum);
	snprintf(title, sizeof title, "%s (%s, request %lld)%s%s",
		 strcmp(out->action, "new-lead") == 0 ? "New lead" : "New request from a known party",
		 in.channel, (long long)out->request, sum[0] ? ": " : "", sum);
	rc = crm_task_insert(db, "notice", notify, NULL, title, party, out->request, in.channel,
			     &out->task, NULL); /* a new request has no notice yet */
	out->party = party;
out:
	free(s.email);
	return rc;
}

int crm_request_list(struct crm_db *db, const struct crm_request_filter *f, crm_row_fn *fn,
		     void *arg)
{
	char older[CRM_TIME_LEN] = "", since[CRM_TIME_LEN] = "";
	int64_t dept = 0, assignee = 0;
	unsigned long n = 0;
	sqlite3_stmt *st;
	int rc;

	if (f->status && !one_of(f->status, statuses))
		return crm_error_set(CRM_DATAERR,
				     "unknown status \"%s\"; statuses are: new, routed, assigned, qualified, junk, converted",
				     f->status);
	if ((rc = crm_user_require(db, CRM_ROLE_ANY & ~CRM_ROLE_WAREHOUSE, "listing requests")) ||
	    (f->older && (rc = crm_time_or_ago(f->older, older))) ||
	    (f->since && (rc = crm_time_or_ago(f->since, since))) ||
	    (f->dept && (rc = crm_dept_find(db, f->dept, &dept))) ||
	    (f->assignee && (rc = crm_user_any(db, f->assignee, &assignee))) ||
	    (f->channel && (rc = check_channel(f->channel))))
		return rc;
	st = crm_stmt(db, "SELECT r.id, r.received, r.channel, r.status, d.name AS dept,"
			  " u.login AS assignee, r.party_id AS party, p.name, r.phone, r.email,"
			  " r.subject FROM request r JOIN party p ON p.id = r.party_id"
			  " LEFT JOIN dept d ON d.id = r.dept_id LEFT JOIN users u ON u.id = r.assignee_id"
			  " WHERE (?1 IS NULL OR r.status = ?1) AND (?2 IS NULL OR r.dept_id = ?2)"
			  " AND (?3 IS NULL OR r.assignee_id = ?3) AND (?4 IS NULL OR r.channel = ?4)"
			  " AND (?5 IS NULL OR r.received <= ?5) AND (?6 IS NULL OR r.received >= ?6)"
			  " AND (?7 IS NULL OR r.party_id = ?7)"
			  " ORDER BY r.received, r.id");
	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, f->status);
	crm_bind_id(st, 2, dept);
	crm_bind_id(st, 3, assignee);
	crm_bind_text(st, 4, f->channel);
	crm_bind_text(st, 5, older);
	crm_bind_text(st, 6, since);
	crm_bind_id(st, 7, f->party);
	rc = crm_stmt_emit(db, st, fn, arg, &n);
	return rc == CRM_OK && n == 0 ? crm_error_set(CRM_NOMATCH, "no request matches") : rc;
}

int crm_request_party(struct crm_db *db, int64_t id, int64_t *party)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT party_id FROM request WHERE id = ?");
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	rc = crm_query_id(db, st, party);
	return rc == CRM_NOMATCH ? crm_error_set(CRM_DATAERR, "no request %lld", (long long)id) : rc;
}

int crm_request_show(struct crm_db *db, int64_t id, crm_row_fn *fn, void *arg)
{
	/* Each part of the picture as (section, key, value) rows, in order. */
	static const char show[] =
		"SELECT 'request', k, v FROM (SELECT 1 AS o, 'id' AS k, r.id AS v FROM request r WHERE r.id = ?1"
		" UNION ALL SELECT 2, 'received', received FROM request WHERE id = ?1"
		" UNION ALL SELECT 3, 'channel', channel FROM request WHERE id = ?1"
		" UNION ALL SELECT 4, 'status', status FROM request WHERE id = ?1"
		" UNION ALL SELECT 5, 'dept', (SELECT name FROM dept WHERE id = r.dept_id) FROM request r WHERE id = ?1"
		" UNION ALL SELECT 6, 'assignee', (SELECT login FROM users WHERE id = r.assignee_id) FROM request r WHERE id = ?1"
		" UNION ALL SELECT 7, 'source_ref', source_ref FROM request WHERE id = ?1"
		" UNION ALL SELECT 8, 'name', name FROM request WHERE id = ?1"
		" UNION ALL SELECT 9, 'company', company FROM request WHERE id = ?1"
		" UNION ALL SELECT 10, 'phone', phone FROM request WHERE id = ?1"
		" UNION ALL SELECT 11, 'email', email FROM request WHERE id = ?1"
		" UNION ALL SELECT 12, 'subject', subject FROM request WHERE id = ?1"
		" UNION ALL SELECT 13, 'body', body FROM request WHERE id = ?1"
		" UNION ALL SELECT 14, 'junk_reason', junk_reason FROM request WHERE id = ?1"
		" ORDER BY o)"
		" UNION ALL SELECT 'party', k, v FROM (SELECT 1 AS o, 'id' AS k, p.id AS v FROM party p WHERE p.id = ?2"
		" UNION ALL SELECT 2, 'kind', kind FROM party WHERE id = ?2"
		" UNION ALL SELECT 3, 'name', name FROM party WHERE id = ?2"
		" UNION ALL SELECT 4, 'legal_name', legal_name FROM party WHERE id = ?2"
		" UNION ALL SELECT 5, 'inn', inn FROM party WHERE id = ?2"
		" UNION ALL SELECT 6, 'kpp', kpp FROM party WHERE id = ?2"
		" UNION ALL SELECT 7, 'address', address FROM party WHERE id = ?2"
		" UNION ALL SELECT 8, 'needs', needs FROM party WHERE id = ?2"
		" UNION ALL SELECT 9, 'tags', tags FROM party WHERE id = ?2"
		" UNION ALL SELECT 10, 'payment', payment FROM party WHERE id = ?2"
		" UNION ALL SELECT 11, 'dept', (SELECT name FROM dept WHERE id = p.dept_id) FROM party p WHERE id = ?2"
		" UNION ALL SELECT 12, 'owner', (SELECT login FROM users WHERE id = p.owner_id) FROM party p WHERE id = ?2"
		" ORDER BY o)"
		" UNION ALL SELECT 'contact', name, position FROM contact WHERE party_id = ?2"
		" UNION ALL SELECT kind, value, CASE WHEN opt_out = 1 THEN 'opted out' ELSE ext END"
		"  FROM contact_point WHERE party_id = ?2"
		" UNION ALL SELECT 'history', at, kind || ': ' || coalesce(summary, '')"
		"  FROM history WHERE party = ?2"
		" UNION ALL SELECT 'task', id, kind || ' for ' || (SELECT login FROM users WHERE id = t.assignee_id)"
		"  || coalesce(' due ' || due, '') || ': ' || coalesce(title, '')"
		"  FROM task t WHERE party_id = ?2 AND status = 'open'";
	static const char *const names[] = { "section", "key", "value" };
	sqlite3_stmt *st;
	int64_t party;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY & ~CRM_ROLE_WAREHOUSE, "reading requests")) ||
	    (rc = crm_request_party(db, id, &party)))
		return rc;
	if (!(st = crm_stmt(db, show)))
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, party);
	while ((rc = crm_stmt_row(db, st)) == 1) {
		const char *v[3];
		int i;

		for (i = 0; i < 3; i++)
			v[i] = (const char *)sqlite3_column_text(st, i);
		if ((rc = fn(arg, 3, names, v))) {
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	return rc < 0 ? -rc : CRM_OK;
}

/* Print a request's state after an action. */
static int emit_state(struct crm_db *db, int64_t id, crm_row_fn *fn, void *arg)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT r.id, r.status, d.name AS dept, u.login AS assignee,"
				       " r.party_id AS party, p.kind, p.name FROM request r"
				       " JOIN party p ON p.id = r.party_id"
				       " LEFT JOIN dept d ON d.id = r.dept_id"
				       " LEFT JOIN users u ON u.id = r.assignee_id WHERE r.id = ?");

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	return fn ? crm_stmt_emit(db, st, fn, arg, NULL) : CRM_OK;
}

/* The status and assignee of a request, checking that it may still move. */
static int request_state(struct crm_db *db, int64_t id, const char *action, const char *allowed,
			 int64_t *assignee)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT status, coalesce(assignee_id, 0) FROM request"
				       " WHERE id = ?");
	char status[16];
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = crm_stmt_row(db, st)) <= 0)
		return rc < 0 ? -rc : crm_error_set(CRM_DATAERR, "no request %lld", (long long)id);
	snprintf(status, sizeof status, "%s", (const char *)sqlite3_column_text(st, 0));
	*assignee = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	if (!strstr(allowed, status))
		return crm_error_set(CRM_DATAERR, "request %lld is %s: cannot %s", (long long)id,
				     status, action);
	return CRM_OK;
}

/* A manager may act only on their own requests; the head and admin on any. */
static int check_own_request(struct crm_db *db, int64_t assignee, int64_t request,
			     const char *action)
{
	if (crm_user_role(db) != CRM_ROLE_MANAGER || assignee == crm_user_id(db))
		return CRM_OK;
	return crm_error_set(CRM_NOPERM, "request %lld is not assigned to you: a manager may %s only their own",
			     (long long)request, action);
}

int crm_request_route(struct crm_db *db, int64_t id, const char *dept, crm_row_fn *fn,
		      void *arg)
{
	int64_t dept_id, assignee;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN | CRM_ROLE_HEAD, "routing requests")) ||
	    (rc = crm_dept_find(db, dept, &dept_id)) ||
	    (rc = request_state(db, id, "route it", "new routed assigned", &assignee)))
		return rc;
	/* An assignee from another department no longer fits the request. */
	if ((rc = crm_exec_ids(db, "UPDATE request SET dept_id = ?2,"
				  " assignee_id = CASE WHEN (SELECT dept_id FROM users WHERE id = assignee_id) = ?2"
				  "  THEN assignee_id END,"
				  " status = CASE WHEN (SELECT dept_id FROM users WHERE id = assignee_id) = ?2"
				  "  THEN status ELSE 'routed' END,"
				  " updated = crm_now() WHERE id = ?1",
				id, dept_id)))
		return rc;
	if ((rc = crm_exec_ids(db, "UPDATE party SET dept_id = ?2, updated = crm_now()"
				  " WHERE id = (SELECT party_id FROM request WHERE id = ?1) AND dept_id IS NULL",
				id, dept_id)))
		return rc;
	return emit_state(db, id, fn, arg);
}

/* A request routed to one department goes to a user of another only when
 * forced, and then moves to the user's department. */
static int check_dept(struct crm_db *db, int64_t id, int64_t user, const char *login, int force)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT d.name, e.name FROM request r"
				       " JOIN dept d ON d.id = r.dept_id JOIN users u ON u.id = ?2"
				       " JOIN dept e ON e.id = u.dept_id WHERE r.id = ?1 AND d.id <> e.id");
	char from[80], to[80];
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, user);
	if ((rc = crm_stmt_row(db, st)) <= 0)
		return -rc;
	snprintf(from, sizeof from, "%s", (const char *)sqlite3_column_text(st, 0));
	snprintf(to, sizeof to, "%s", (const char *)sqlite3_column_text(st, 1));
	sqlite3_reset(st);
	if (!force)
		return crm_error_set(CRM_DATAERR,
				     "request %lld is routed to %s, %s is in %s: use --force to move it",
				     (long long)id, from, login, to);
	return crm_exec_ids(db, "UPDATE request SET dept_id = (SELECT dept_id FROM users WHERE id = ?2)"
				" WHERE id = ?1", id, user);
}

/* The request's party becomes the user's unless it has an owner; a new
 * owner takes the party's open callbacks. */
static int own_party(struct crm_db *db, int64_t id, int64_t user, int64_t *party)
{
	int64_t owner;
	int rc;

	if ((rc = crm_request_party(db, id, party)) || (rc = crm_party_owner(db, *party, &owner)) ||
	    owner)
		return rc;
	if ((rc = crm_exec_ids(db, "UPDATE party SET owner_id = ?2,"
				  " dept_id = coalesce(dept_id, (SELECT dept_id FROM request WHERE id = ?1)),"
				  " updated = crm_now() WHERE id = (SELECT party_id FROM request WHERE id = ?1)",
				id, user)))
		return rc;
	return crm_task_follow_owner(db, *party);
}

int crm_request_assign(struct crm_db *db, int64_t id, const char *login, int force,
		       crm_row_fn *fn, void *arg)
{
	int64_t user, assignee, party, task;
	char title[128];
	int dup;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN | CRM_ROLE_HEAD, "assigning requests")) ||
	    (rc = crm_user_find(db, login, &user)) ||
	    (rc = request_state(db, id, "assign it", "new routed assigned", &assignee)))
		return rc;
	if ((rc = crm_user_takes_requests(db, user, login)))
		return rc;
	if (assignee == user)
		return emit_state(db, id, fn, arg);
	if ((rc = check_dept(db, id, user, login, force)) ||
	    (rc = crm_exec_ids(db, "UPDATE request SET assignee_id = ?2, status = 'assigned',"
				  " dept_id = coalesce(dept_id, (SELECT dept_id FROM users WHERE id = ?2)),"
				  " updated = crm_now() WHERE id = ?1",
				id, user)) ||
	    (rc = own_party(db, id, user, &party)))
		return rc;
	/* The notices the request caused are done: the assignee has it now. */
	snprintf(title, sizeof title, "Request %lld assigned to you", (long long)id);
	if ((rc = crm_task_close_notices(db, id, user)) ||
	    (rc = crm_task_insert(db, "notice", user, NULL, title, party, id, "assign", &task,
				  &dup)))
		return rc;
	return emit_state(db, id, fn, arg);
}

int crm_request_qualify(struct crm_db *db, int64_t id, const struct crm_party_in *in,
			crm_row_fn *fn, void *arg)
{
	int64_t assignee, party;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN | CRM_ROLE_HEAD | CRM_ROLE_MANAGER,
				   "qualifying requests")) ||
	    (rc = request_state(db, id, "qualify it", "new routed assigned qualified", &assignee)) ||
	    (rc = check_own_request(db, assignee, id, "qualify")) ||
	    (rc = crm_request_party(db, id, &party)) || (rc = crm_party_update(db, party, in)))
		return rc;
	if ((rc = crm_exec_ids(db, "UPDATE request SET status = 'qualified',"
				  " assignee_id = coalesce(assignee_id, ?2), updated = crm_now() WHERE id = ?1",
				id, crm_user_id(db))))
		return rc;
	if ((rc = crm_exec_ids(db, "UPDATE party SET kind = 'client', owner_id = coalesce(owner_id, ?2),"
				  " updated = crm_now() WHERE id = ?1 AND kind = 'lead'",
				party, crm_user_id(db))) ||
	    (rc = crm_task_follow_owner(db, party)))
		return rc;
	return emit_state(db, id, fn, arg);
}

int crm_request_junk(struct crm_db *db, int64_t id, const char *reason, crm_row_fn *fn,
		     void *arg)
{
	sqlite3_stmt *st;
	int64_t assignee;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN | CRM_ROLE_HEAD | CRM_ROLE_MANAGER,
				   "marking requests junk")) ||
	    (rc = request_state(db, id, "mark it junk", "new routed assigned qualified", &assignee)) ||
	    (rc = check_own_request(db, assignee, id, "mark junk")))
		return rc;
	if (!is_set(reason))
		return crm_error_set(CRM_USAGE, "junk needs a reason (--reason)");
	st = crm_stmt(db, "UPDATE request SET status = 'junk', junk_reason = ?2,"
			  " updated = crm_now() WHERE id = ?1");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	crm_bind_text(st, 2, reason);
	if ((rc = crm_stmt_done(db, st)))
		return rc;
	/* Notices about a junk request are void. */
	if ((rc = crm_task_close_notices(db, id, 0)))
		return rc;
	return emit_state(db, id, fn, arg);
}
