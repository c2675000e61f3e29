/*
 * deal.c: deals: making one from a qualified request or for a client, what
 * must be known then (the needs, the legal entity or that the customer is a
 * private person, a contact person with a phone or e-mail), its parameters
 * from the admin's lists, and who may act on it: a manager on the deals
 * they manage, the head and admin on all, warehouse and marketing read.
 */
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

int crm_deal_access(struct crm_db *db, int64_t id, int write, struct crm_deal_state *s)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, write ? CRM_ROLE_ADMIN | CRM_ROLE_HEAD | CRM_ROLE_MANAGER
					     : CRM_ROLE_ANY,
				   write ? "changing deals" : "reading deals")))
		return rc;
	st = crm_stmt(db, "SELECT stage, party_id, manager_id, coalesce(invoiced, ''), vat_code,"
			  " coalesce(ordered, '') FROM deal WHERE id = ?");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = crm_stmt_row(db, st)) <= 0)
		return rc < 0 ? -rc : crm_error_set(CRM_DATAERR, "no deal %lld", (long long)id);
	s->id = id;
	snprintf(s->stage, sizeof s->stage, "%s", (const char *)sqlite3_column_text(st, 0));
	s->party = sqlite3_column_int64(st, 1);
	s->manager = sqlite3_column_int64(st, 2);
	snprintf(s->invoiced, sizeof s->invoiced, "%s", (const char *)sqlite3_column_text(st, 3));
	snprintf(s->vat_code, sizeof s->vat_code, "%s", (const char *)sqlite3_column_text(st, 4));
	s->ordered = *(const char *)sqlite3_column_text(st, 5) != '\0';
	sqlite3_reset(st);
	if (write && crm_user_role(db) == CRM_ROLE_MANAGER && s->manager != crm_user_id(db))
		return crm_error_set(CRM_NOPERM,
				     "deal %lld is not yours: a manager changes only the deals they "
				     "manage (the head or an admin may)", (long long)id);
	return CRM_OK;
}

void crm_deal_ref(int64_t deal, char ref[32])
{
	snprintf(ref, 32, "DEAL-%lld", (long long)deal);
}

int crm_deal_touch(struct crm_db *db, int64_t id)
{
	char now[CRM_TIME_LEN];
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_time_now(now)))
		return rc;
	if (!(st = crm_stmt(db, "UPDATE deal SET updated = ?2 WHERE id = ?1")))
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	crm_bind_text(st, 2, now);
	return crm_stmt_done(db, st);
}

int crm_deal_task(struct crm_db *db, int64_t deal, int64_t party, int64_t user,
		  const char *title, const char *origin)
{
	int64_t task;
	int dup, rc;

	if ((rc = crm_task_insert(db, "deal", user, NULL, title, party, 0, origin, &task, &dup)))
		return rc;
	return crm_exec_ids(db, "UPDATE task SET deal_id = ?2 WHERE id = ?1", task, deal);
}

int crm_deal_log(struct crm_db *db, int64_t id, const char *from, const char *to, int forced,
		 const char *reason)
{
	char now[CRM_TIME_LEN];
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_time_now(now)))
		return rc;
	st = crm_stmt(db, "INSERT INTO deal_move (deal_id, at, from_stage, to_stage, who, forced,"
			  " reason) VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	crm_bind_text(st, 2, now);
	crm_bind_text(st, 3, from);
	crm_bind_text(st, 4, to);
	crm_bind_text(st, 5, crm_user_login());
	sqlite3_bind_int(st, 6, forced);
	crm_bind_text(st, 7, reason);
	return crm_stmt_done(db, st);
}

/* ---- what a new deal must know */

/* The first contact person of the party with a phone or e-mail (0: none). */
static int reachable_contact(struct crm_db *db, int64_t party, int64_t *contact)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT c.id FROM contact c WHERE c.party_id = ?"
				       " AND EXISTS (SELECT 1 FROM contact_point p"
				       "  WHERE p.contact_id = c.id) ORDER BY c.id LIMIT 1");
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, party);
	rc = crm_query_id(db, st, contact);
	if (rc == CRM_NOMATCH)
		*contact = 0;
	return rc == CRM_NOMATCH ? CRM_OK : rc;
}

struct party_facts {
	char kind[16];
	int legal, private;    /* a legal name; a private person */
	char *needs;
	int64_t dept;
};

static int party_facts(struct crm_db *db, int64_t party, struct party_facts *f)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT kind, coalesce(legal_name, '') <> '', private,"
				       " needs, coalesce(dept_id, 0)"
				       " FROM party WHERE id = ?");
	const char *needs;
	int has_needs, rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, party);
	if ((rc = crm_stmt_row(db, st)) <= 0)
		return rc < 0 ? -rc : crm_error_set(CRM_DATAERR, "no party %lld", (long long)party);
	snprintf(f->kind, sizeof f->kind, "%s", (const char *)sqlite3_column_text(st, 0));
	f->legal = sqlite3_column_int(st, 1);
	f->private = sqlite3_column_int(st, 2);
	needs = (const char *)sqlite3_column_text(st, 3);
	has_needs = needs && *needs;
	f->needs = has_needs ? strdup(needs) : NULL;
	f->dept = sqlite3_column_int64(st, 4);
	sqlite3_reset(st); /* needs points into the row no more */
	if (has_needs && !f->needs)
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	return CRM_OK;
}

/* Every missing fact at once, as the survey lists them. */
static int check_new(const struct crm_deal_in *in, const struct party_facts *f, int64_t contact,
		     int64_t party)
{
	char missing[512] = "";

	if (!(in->needs && *in->needs) && !f->needs)
		strcat(missing, "; the customer's needs (--needs)");
	if (!f->legal && !f->private)
		strcat(missing, "; the legal entity's name (--legal-name), or --private for a person");
	if (!contact)
		strcat(missing, "; a contact person with a phone or e-mail (--name with --phone or --email)");
	if (!missing[0])
		return CRM_OK;
	return crm_error_set(CRM_DATAERR, "a deal for party %lld needs %s", (long long)party,
			     missing + 2);
}

/* The manager: the one named, else the party's owner while active, else
 * the acting manager; a manager makes deals only for themselves. */
static int pick_manager(struct crm_db *db, const struct crm_deal_in *in, int64_t party,
			int64_t *manager)
{
	int rc;

	if (in->manager && *in->manager) {
		if ((rc = crm_user_find(db, in->manager, manager)) ||
		    (rc = crm_user_takes_requests(db, *manager, in->manager)))
			return rc;
	} else if ((rc = crm_notify_owner(db, party, manager))) {
		return rc;
	} else if (!*manager && crm_user_role(db) == CRM_ROLE_MANAGER) {
		*manager = crm_user_id(db);
	} else if (!*manager) {
		return crm_error_set(CRM_DATAERR, "party %lld has no active owner: name the deal's "
				     "manager with --manager", (long long)party);
	}
	if (crm_user_role(db) == CRM_ROLE_MANAGER && *manager != crm_user_id(db))
		return crm_error_set(CRM_NOPERM, "a manager makes deals for themselves (the head or "
				     "an admin may name another manager)");
	return CRM_OK;
}

/* The request a deal is made from: qualified, and then converted. */
static int take_request(struct crm_db *db, int64_t request, int64_t *party, char *title,
			size_t size)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT status, party_id, coalesce(subject, '') FROM request"
				       " WHERE id = ?");
	char status[16];
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, request);
	if ((rc = crm_stmt_row(db, st)) <= 0)
		return rc < 0 ? -rc : crm_error_set(CRM_DATAERR, "no request %lld", (long long)request);
	snprintf(status, sizeof status, "%s", (const char *)sqlite3_column_text(st, 0));
	*party = sqlite3_column_int64(st, 1);
	snprintf(title, size, "%s", (const char *)sqlite3_column_text(st, 2));
	sqlite3_reset(st);
	if (strcmp(status, "qualified") != 0)
		return crm_error_set(CRM_DATAERR, "request %lld is %s: a deal is made from a "
				     "qualified request (crm-lead qualify)", (long long)request, status);
	return CRM_OK;
}

static int insert_deal(struct crm_db *db, const struct crm_deal_in *in, int64_t party,
		       int64_t contact, int64_t manager, int64_t dept, const char *needs,
		       const char *title, const char *close_by, int64_t *id)
{
	char now[CRM_TIME_LEN];
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_time_now(now)))
		return rc;
	st = crm_stmt(db, "INSERT INTO deal (title, party_id, contact_id, request_id, needs, area,"
			  " equipment, medium, dept_id, manager_id, close_by, vat_code, created,"
			  " created_by, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
			  " coalesce(?12, 'standard'), ?13, ?14, ?13) RETURNING id");
	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, title);
	sqlite3_bind_int64(st, 2, party);
	crm_bind_id(st, 3, contact);
	crm_bind_id(st, 4, in->request);
	crm_bind_text(st, 5, needs);
	crm_bind_text(st, 6, in->area);
	crm_bind_text(st, 7, in->equipment);
	crm_bind_text(st, 8, in->medium);
	crm_bind_id(st, 9, dept);
	sqlite3_bind_int64(st, 10, manager);
	crm_bind_text(st, 11, close_by);
	crm_bind_text(st, 12, in->vat);
	crm_bind_text(st, 13, now);
	crm_bind_text(st, 14, crm_user_login());
	if ((rc = crm_query_id(db, st, id)) == CRM_DATAERR && in->request)
		return crm_error_set(CRM_DATAERR, "request %lld has a deal already",
				     (long long)in->request);
	return rc;
}

/* The parameters on their lists, the VAT code known, the close date read. */
static int check_params(struct crm_db *db, const struct crm_deal_in *in, char close_by[11])
{
	int rc;

	if ((rc = crm_choice_check(db, "area", in->area)) ||
	    (rc = crm_choice_check(db, "equipment", in->equipment)) ||
	    (rc = crm_choice_check(db, "medium", in->medium)) ||
	    (rc = crm_date_parse("close date", in->close_by, close_by)))
		return rc;
	if (in->vat && *in->vat && (rc = crm_vat_code_check(db, in->vat)))
		return rc;
	return CRM_OK;
}

/* The request is done with; the customer is a client now, and the
 * manager's unless it has an owner. */
static int convert(struct crm_db *db, int64_t request, int64_t party, int64_t manager)
{
	char now[CRM_TIME_LEN];
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_time_now(now)))
		return rc;
	if (request) {
		if (!(st = crm_stmt(db, "UPDATE request SET status = 'converted', updated = ?2"
					" WHERE id = ?1")))
			return CRM_SOFTWARE;
		sqlite3_bind_int64(st, 1, request);
		crm_bind_text(st, 2, now);
		if ((rc = crm_stmt_done(db, st)))
			return rc;
	}
	if (!(st = crm_stmt(db, "UPDATE party SET kind = 'client', owner_id = coalesce(owner_id, ?2),"
				" updated = ?3 WHERE id = ?1 AND kind = 'lead'")))
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, party);
	sqlite3_bind_int64(st, 2, manager);
	crm_bind_text(st, 3, now);
	if ((rc = crm_stmt_done(db, st)))
		return rc;
	return crm_task_follow_owner(db, party);
}

int crm_deal_new(struct crm_db *db, const struct crm_deal_in *in, int64_t *id)
{
	struct party_facts f = { .needs = NULL };
	int64_t party = in->party, contact, manager, dept = 0;
	char title[256] = "", close_by[11];
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN | CRM_ROLE_HEAD | CRM_ROLE_MANAGER,
				   "making deals")))
		return rc;
	if (!in->request == !in->party)
		return crm_error_set(CRM_USAGE, "a deal is made --from-request N or for --party N");
	if ((in->request && (rc = take_request(db, in->request, &party, title, sizeof title))) ||
	    (rc = check_params(db, in, close_by)) ||
	    (in->dept && *in->dept && (rc = crm_dept_find(db, in->dept, &dept))))
		return rc;
	if (in->party_in && (rc = crm_party_update(db, party, in->party_in)))
		return rc;
	if ((rc = party_facts(db, party, &f)))
		goto out;
	if (strcmp(f.kind, "lead") == 0 && !in->request) {
		rc = crm_error_set(CRM_DATAERR, "party %lld is a lead: make the deal from its "
				   "qualified request (--from-request)", (long long)party);
		goto out;
	}
	if (strcmp(f.kind, "supplier") == 0) {
		rc = crm_error_set(CRM_DATAERR, "party %lld is a supplier, not a customer",
				   (long long)party);
		goto out;
	}
	if ((rc = reachable_contact(db, party, &contact)) || (rc = check_new(in, &f, contact, party)) ||
	    (rc = pick_manager(db, in, party, &manager)))
		goto out;
	if (!dept)
		dept = f.dept;
	if (in->title && *in->title)
		snprintf(title, sizeof title, "%s", in->title);
	if (!title[0])
		snprintf(title, sizeof title, "Deal with party %lld", (long long)party);
	if ((rc = insert_deal(db, in, party, contact, manager, dept,
			      in->needs && *in->needs ? in->needs : f.needs, title, close_by, id)) ||
	    (rc = crm_deal_log(db, *id, NULL, "selection", 0, NULL)))
		goto out;
	rc = convert(db, in->request, party, manager);
out:
	free(f.needs);
	return rc;
}

int crm_deal_set(struct crm_db *db, int64_t id, const struct crm_deal_in *in)
{
	struct crm_deal_state s;
	int64_t manager = 0, dept = 0;
	char close_by[11];
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_deal_access(db, id, 1, &s)) || (rc = check_params(db, in, close_by)) ||
	    (in->dept && *in->dept && (rc = crm_dept_find(db, in->dept, &dept))))
		return rc;
	if (in->manager && *in->manager) {
		if (!(crm_user_role(db) & (CRM_ROLE_ADMIN | CRM_ROLE_HEAD)))
			return crm_error_set(CRM_NOPERM, "giving a deal to another manager needs the "
					     "role head or admin");
		if ((rc = crm_user_find(db, in->manager, &manager)) ||
		    (rc = crm_user_takes_requests(db, manager, in->manager)))
			return rc;
	}
	if (in->vat && *in->vat && s.invoiced[0])
		return crm_error_set(CRM_DATAERR, "deal %lld is invoiced: its VAT is fixed", (long long)id);
	st = crm_stmt(db, "UPDATE deal SET title = coalesce(?2, title), needs = coalesce(?3, needs),"
			  " area = coalesce(?4, area), equipment = coalesce(?5, equipment),"
			  " medium = coalesce(?6, medium), dept_id = coalesce(?7, dept_id),"
			  " manager_id = coalesce(?8, manager_id), close_by = coalesce(?9, close_by),"
			  " vat_code = coalesce(?10, vat_code), waybill = coalesce(?11, waybill)"
			  " WHERE id = ?1");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	crm_bind_text(st, 2, in->title);
	crm_bind_text(st, 3, in->needs);
	crm_bind_text(st, 4, in->area);
	crm_bind_text(st, 5, in->equipment);
	crm_bind_text(st, 6, in->medium);
	crm_bind_id(st, 7, dept);
	crm_bind_id(st, 8, manager);
	crm_bind_text(st, 9, close_by);
	crm_bind_text(st, 10, in->vat);
	crm_bind_text(st, 11, in->waybill);
	if ((rc = crm_stmt_done(db, st)) ||
	    (in->party_in && (rc = crm_party_update(db, s.party, in->party_in))))
		return rc;
	return crm_deal_touch(db, id);
}
