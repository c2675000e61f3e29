/*
 * stage.c: a deal's stages and the checks on each move. A move that does
 * not hold names every missing condition at once (CRM_DATAERR) and changes
 * nothing; the head may force one with a reason, and the forced move and
 * its reason are in the deal's history. Moves that give someone work make
 * the task: losing a deal gives the head "check the manager's work",
 * entering service gives the manager "offer service".
 */
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

const char *const crm_deal_stages[] = { "selection", "proposal", "invoiced", "production",
					"stock", "shipped", "certification", "commissioning",
					"service", "closed", "lost", NULL };

/* The moves a user makes; lost is open from every stage but the last two. */
static const char *const moves[][2] = {
	{ "selection", "proposal" }, { "selection", "invoiced" }, { "proposal", "selection" },
	{ "proposal", "invoiced" }, { "invoiced", "production" }, { "invoiced", "stock" },
	{ "production", "stock" }, { "stock", "shipped" }, { "shipped", "certification" },
	{ "shipped", "commissioning" }, { "certification", "commissioning" },
	{ "commissioning", "service" }, { "service", "closed" },
};

static int known_stage(const char *s)
{
	size_t i;

	for (i = 0; crm_deal_stages[i]; i++)
		if (s && strcmp(s, crm_deal_stages[i]) == 0)
			return 1;
	return 0;
}

static int may_move(const char *from, const char *to)
{
	size_t i;

	if (strcmp(to, "lost") == 0)
		return strcmp(from, "closed") && strcmp(from, "lost");
	for (i = 0; i < sizeof moves / sizeof *moves; i++)
		if (strcmp(moves[i][0], from) == 0 && strcmp(moves[i][1], to) == 0)
			return 1;
	return 0;
}

int crm_deal_stage_check(const char *stage)
{
	if (known_stage(stage))
		return CRM_OK;
	return crm_error_set(CRM_USAGE, "unknown stage \"%s\"; stages are: selection, proposal, "
			     "invoiced, production, stock, shipped, certification, commissioning, "
			     "service, closed, lost", stage ? stage : "");
}

/* ---- the conditions, each adding what is missing to a list */

struct missing {
	char text[1024];
};

static void lack(struct missing *m, const char *what)
{
	size_t n = strlen(m->text);

	snprintf(m->text + n, sizeof m->text - n, "%s%s", n ? "; " : "", what);
}

struct requisites {
	int private, contact;
	char *legal_name, *inn, *kpp, *address, *bik, *account, *corr, *needs;
};

static char *column(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s && *s ? strdup(s) : NULL;
}

static int read_requisites(struct crm_db *db, int64_t deal, struct requisites *r)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT p.private, p.legal_name, p.inn, p.kpp, p.address,"
				       " p.bik, p.account, p.corr_account, d.needs,"
				       " EXISTS (SELECT 1 FROM contact c JOIN contact_point cp"
				       "  ON cp.contact_id = c.id WHERE c.party_id = p.id)"
				       " FROM deal d JOIN party p ON p.id = d.party_id WHERE d.id = ?");
	int rc;

	memset(r, 0, sizeof *r);
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, deal);
	if ((rc = crm_stmt_row(db, st)) <= 0)
		return rc < 0 ? -rc : CRM_SOFTWARE;
	r->private = sqlite3_column_int(st, 0);
	r->legal_name = column(st, 1), r->inn = column(st, 2), r->kpp = column(st, 3);
	r->address = column(st, 4), r->bik = column(st, 5), r->account = column(st, 6);
	r->corr = column(st, 7), r->needs = column(st, 8);
	r->contact = sqlite3_column_int(st, 9);
	sqlite3_reset(st);
	return CRM_OK;
}

static void free_requisites(struct requisites *r)
{
	free(r->legal_name), free(r->inn), free(r->kpp), free(r->address);
	free(r->bik), free(r->account), free(r->corr), free(r->needs);
}

/* What an invoice needs of a company: legal name, INN (and a KPP for an
 * organisation's 10 digits), bank details, legal address. */
static void check_company(const struct requisites *r, struct missing *m)
{
	if (!r->legal_name)
		lack(m, "the party's legal name (--legal-name)");
	if (!r->inn)
		lack(m, "the party's INN (--inn)");
	else if (crm_inn_check(r->inn) != CRM_OK)
		lack(m, crm_error_message());
	if (r->inn && strlen(r->inn) == 10 && !r->kpp)
		lack(m, "the party's KPP (--kpp)");
	if (!r->bik || !r->account || !r->corr)
		lack(m, "the party's bank details (--bik, --account, --corr-account)");
	else if (crm_account_check(r->account, r->bik) != CRM_OK ||
		 crm_corr_account_check(r->corr, r->bik) != CRM_OK)
		lack(m, crm_error_message());
	if (!r->address)
		lack(m, "the party's legal address (--address)");
}

struct goods {
	unsigned long lines, priced, certifiable;
	struct crm_vat_line sum;
};

static int count_line(void *arg, const struct crm_deal_line *l)
{
	struct goods *g = arg;

	g->lines++;
	g->priced += l->in.price > 0;
	g->certifiable += l->certifiable != 0;
	return CRM_OK;
}

static int check_invoiced(struct crm_db *db, const struct crm_deal_state *s,
			  const struct goods *g, struct missing *m)
{
	struct requisites r;
	int rc = read_requisites(db, s->id, &r);

	if (rc)
		return rc;
	if (!r.private)
		check_company(&r, m);
	if (!r.contact)
		lack(m, "a contact person with a phone or e-mail");
	if (!g->priced)
		lack(m, "a line with a price (crm-deal item add)");
	if (!r.needs)
		lack(m, "the customer's needs (--needs)");
	free_requisites(&r);
	return CRM_OK;
}

/* The count of documents of kind (for item, when not 0) of the deal. */
static int documents(struct crm_db *db, int64_t deal, const char *kind, int64_t *n)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT count(*) FROM document WHERE deal_id = ? AND kind = ?");

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, deal);
	crm_bind_text(st, 2, kind);
	return crm_query_id(db, st, n);
}

/* Certifiable lines whose item has no certificate linked. */
static int uncertified(struct crm_db *db, int64_t deal, int64_t *n)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT count(*) FROM deal_line l JOIN item i ON i.id = l.item_id"
				       " WHERE l.deal_id = ?1 AND i.certifiable = 1 AND NOT EXISTS"
				       " (SELECT 1 FROM document d WHERE d.deal_id = ?1"
				       "  AND d.kind = 'certificate' AND d.item_id = l.item_id)");

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, deal);
	return crm_query_id(db, st, n);
}

static int deal_text(struct crm_db *db, int64_t deal, const char *sql, char *buf, size_t size)
{
	sqlite3_stmt *st = crm_stmt(db, sql);
	int rc;

	buf[0] = '\0';
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, deal);
	if ((rc = crm_stmt_row(db, st)) < 0)
		return -rc;
	if (rc && sqlite3_column_text(st, 0))
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return CRM_OK;
}

static int check_closed(struct crm_db *db, const struct crm_deal_state *s, const struct goods *g,
			struct missing *m)
{
	char service[16];
	int64_t paid, waybills, upd, acts, contracts;
	int rc;

	if ((rc = crm_deal_paid(db, s->id, &paid)) ||
	    (rc = documents(db, s->id, "waybill", &waybills)) ||
	    (rc = documents(db, s->id, "tax-invoice", &upd)) ||
	    (rc = documents(db, s->id, "commissioning-act", &acts)) ||
	    (rc = documents(db, s->id, "service-contract", &contracts)) ||
	    (rc = deal_text(db, s->id, "SELECT service FROM deal WHERE id = ?", service,
			    sizeof service)))
		return rc;
	if (paid < g->sum.total) {
		char owed[32], buf[80];

		crm_money_format(g->sum.total - paid, owed);
		snprintf(buf, sizeof buf, "payment in full (%s owed)", owed);
		lack(m, buf);
	}
	if (!waybills && !upd)
		lack(m, "the shipping documents (a waybill or a tax invoice, crm-deal doc add)");
	if (!acts)
		lack(m, "the commissioning act (crm-deal doc add --kind commissioning-act)");
	if (!service[0])
		lack(m, "the service talk (crm-deal service --accepted or --declined)");
	else if (strcmp(service, "accepted") == 0 && !contracts)
		lack(m, "the service contract (crm-deal doc add --kind service-contract)");
	return CRM_OK;
}

/* Every condition of the move to stage, into m. */
static int check_move(struct crm_db *db, const struct crm_deal_state *s, const char *to,
		      struct missing *m)
{
	struct goods g = { 0 };
	unsigned long short_reserved, short_shipped;
	char waybill[64];
	int64_t n;
	int rc;

	if ((rc = crm_deal_walk(db, s, count_line, &g, &g.sum)) ||
	    (rc = crm_deal_short(db, s->id, &short_reserved, &short_shipped)))
		return rc;
	if (strcmp(to, "proposal") == 0 && !g.priced)
		lack(m, "a line with a price (crm-deal item add)");
	if (strcmp(to, "invoiced") == 0)
		return check_invoiced(db, s, &g, m);
	if (strcmp(to, "stock") == 0 && short_reserved)
		lack(m, "every line reserved in full and on hand");
	if (strcmp(to, "production") == 0 && !short_reserved)
		lack(m, "goods still being made or bought (all are on hand: move to stock)");
	if (strcmp(to, "shipped") == 0) {
		if (short_shipped)
			lack(m, "every line shipped in full (crm-deal ship)");
		if ((rc = deal_text(db, s->id, "SELECT waybill FROM deal WHERE id = ?", waybill,
				    sizeof waybill)))
			return rc;
		if (!waybill[0])
			lack(m, "the waybill number (--waybill)");
	}
	if (strcmp(to, "certification") == 0 && !g.certifiable)
		lack(m, "an item that needs certification (none of the lines does: move to commissioning)");
	if (strcmp(to, "commissioning") == 0) {
		if ((rc = uncertified(db, s->id, &n)))
			return rc;
		if (n)
			lack(m, "a certificate for each certifiable item (crm-deal doc add --kind certificate --item CODE)");
	}
	if (strcmp(to, "closed") == 0)
		return check_closed(db, s, &g, m);
	return CRM_OK;
}

/* ---- moving */

static int set_stage(struct crm_db *db, int64_t deal, const char *to);

/* Invoicing makes the customer order, and the deal moves on by what covers
 * it: all of it on hand, to stock; else to production. */
static int by_coverage(struct crm_db *db, const struct crm_deal_state *s)
{
	static const struct crm_order_in none = { 0 };
	unsigned long short_reserved, short_shipped;
	const char *next;
	int rc;

	if ((rc = crm_deal_order_make(db, s, &none)) ||
	    (rc = crm_deal_short(db, s->id, &short_reserved, &short_shipped)))
		return rc;
	next = short_reserved ? "production" : "stock";
	if ((rc = set_stage(db, s->id, next)))
		return rc;
	return crm_deal_log(db, s->id, "invoiced", next, 0, "by the order's coverage");
}

/* What entering a stage does besides the stage itself. */
static int on_enter(struct crm_db *db, const struct crm_deal_state *s, const char *to)
{
	char title[128], today[11];
	sqlite3_stmt *st;
	int64_t head;
	int rc;

	if (strcmp(to, "invoiced") == 0) {
		/* The invoice date fixes the VAT rate. */
		if ((rc = crm_date_today(today)))
			return rc;
		if (!(st = crm_stmt(db, "UPDATE deal SET invoiced = ?2 WHERE id = ?1")))
			return CRM_SOFTWARE;
		sqlite3_bind_int64(st, 1, s->id);
		crm_bind_text(st, 2, today);
		if ((rc = crm_stmt_done(db, st)))
			return rc;
		return by_coverage(db, s);
	}
	if (strcmp(to, "lost") == 0) {
		if ((rc = crm_notify_head(db, &head)))
			return rc;
		snprintf(title, sizeof title, "Check the manager's work on deal %lld (lost)",
			 (long long)s->id);
		return crm_deal_task(db, s->id, s->party, head, title, "deal-lost");
	}
	if (strcmp(to, "service") == 0) {
		snprintf(title, sizeof title, "Offer service for deal %lld", (long long)s->id);
		return crm_deal_task(db, s->id, s->party, s->manager, title, "service-offer");
	}
	return CRM_OK;
}

/* A lost deal's reason, from the list; "other" needs the words. */
static int record_lost(struct crm_db *db, int64_t deal, const char *reason, const char *note)
{
	sqlite3_stmt *st;
	int rc;

	if (!reason || !*reason)
		return crm_error_set(CRM_USAGE, "a lost deal needs --lost-reason (crm-admin choice "
				     "list lost)");
	if ((rc = crm_choice_check(db, "lost", reason)))
		return rc;
	if (strcmp(reason, "other") == 0 && !(note && *note))
		return crm_error_set(CRM_USAGE, "--lost-reason other needs --note saying what it was");
	if (!(st = crm_stmt(db, "UPDATE deal SET lost_reason = ?2, lost_note = ?3 WHERE id = ?1")))
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, deal);
	crm_bind_text(st, 2, reason);
	crm_bind_text(st, 3, note);
	return crm_stmt_done(db, st);
}

static int set_stage(struct crm_db *db, int64_t deal, const char *to)
{
	sqlite3_stmt *st = crm_stmt(db, "UPDATE deal SET stage = ?2 WHERE id = ?1");

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, deal);
	crm_bind_text(st, 2, to);
	return crm_stmt_done(db, st);
}

int crm_deal_move(struct crm_db *db, int64_t deal, const struct crm_deal_move_in *in)
{
	struct crm_deal_state s;
	struct missing m = { "" };
	int rc;

	if ((rc = crm_deal_access(db, deal, 1, &s)))
		return rc;
	if ((rc = crm_deal_stage_check(in->stage)))
		return rc;
	if (strcmp(s.stage, in->stage) == 0)
		return crm_error_set(CRM_DATAERR, "deal %lld is at %s already", (long long)deal,
				     s.stage);
	if (in->force) {
		if (crm_user_role(db) != CRM_ROLE_HEAD)
			return crm_error_set(CRM_NOPERM, "forcing a move needs the role head");
		if (!in->reason || !*in->reason)
			return crm_error_set(CRM_USAGE, "a forced move needs --reason");
	} else if (!may_move(s.stage, in->stage)) {
		return crm_error_set(CRM_DATAERR, "deal %lld is at %s: it does not move to %s from there",
				     (long long)deal, s.stage, in->stage);
	} else if ((rc = check_move(db, &s, in->stage, &m))) {
		return rc;
	}
	if (m.text[0])
		return crm_error_set(CRM_DATAERR, "deal %lld cannot move to %s: it needs %s",
				     (long long)deal, in->stage, m.text);
	if ((strcmp(in->stage, "lost") == 0 &&
	     (rc = record_lost(db, deal, in->lost_reason, in->note))) ||
	    (rc = set_stage(db, deal, in->stage)) ||
	    (rc = crm_deal_log(db, deal, s.stage, in->stage, in->force,
			       in->force ? in->reason : in->note)) ||
	    (rc = on_enter(db, &s, in->stage)))
		return rc;
	return crm_deal_touch(db, deal);
}

/* The task "Offer service" is done: the talk was had. */
static int close_offer(struct crm_db *db, int64_t deal)
{
	char now[CRM_TIME_LEN];
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_time_now(now)))
		return rc;
	st = crm_stmt(db, "UPDATE task SET status = 'done', done_at = ?2, done_by = ?3"
			  " WHERE deal_id = ?1 AND kind = 'deal' AND status = 'open'"
			  " AND origin = 'service-offer'");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, deal);
	crm_bind_text(st, 2, now);
	crm_bind_text(st, 3, crm_user_login());
	return crm_stmt_done(db, st);
}

int crm_deal_service(struct crm_db *db, int64_t deal, int accepted, const char *note)
{
	struct crm_deal_state s;
	sqlite3_stmt *st;
	char title[128];
	int rc;

	if ((rc = crm_deal_access(db, deal, 1, &s)))
		return rc;
	if (strcmp(s.stage, "service") != 0)
		return crm_error_set(CRM_DATAERR, "deal %lld is at %s: the service talk comes at "
				     "service", (long long)deal, s.stage);
	st = crm_stmt(db, "UPDATE deal SET service = ?2, service_note = ?3 WHERE id = ?1");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, deal);
	crm_bind_text(st, 2, accepted ? "accepted" : "declined");
	crm_bind_text(st, 3, note);
	if ((rc = crm_stmt_done(db, st)))
		return rc;
	/* The offer is made either way. */
	if ((rc = close_offer(db, deal)))
		return rc;
	if (accepted) {
		snprintf(title, sizeof title, "Sign the service contract for deal %lld", (long long)deal);
		if ((rc = crm_deal_task(db, deal, s.party, s.manager, title, "service-contract")))
			return rc;
	}
	return crm_deal_touch(db, deal);
}
