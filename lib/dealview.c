/*
 * dealview.c: what deals look like to the people who read them: the list
 * (with each deal's total, made from its rounded lines), one deal in full,
 * its stage history, and the pipeline (count and sum per stage). The lists
 * read every deal and its lines in one pass, the money added up in C as
 * vat.c rounds it, so the totals here are the ones on the invoice.
 */
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

/* ---- VAT rates, read once per listing */

struct rates {
	struct rate_row {
		char code[33], starts[11];
		int rate;
	} *row;
	size_t n;
	int has_vat;
};

static int rates_load(struct crm_db *db, struct rates *r)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT code, starts, coalesce(rate, -1) FROM vat_rate"
				       " ORDER BY code, starts DESC");
	char *v = NULL;
	int rc;

	memset(r, 0, sizeof *r);
	if (!st)
		return CRM_SOFTWARE;
	while ((rc = crm_stmt_row(db, st)) == 1) {
		struct rate_row *more = realloc(r->row, (r->n + 1) * sizeof *r->row);

		if (!more) {
			sqlite3_reset(st);
			return crm_error_set(CRM_SOFTWARE, "out of memory");
		}
		r->row = more;
		snprintf(more[r->n].code, sizeof more->code, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(more[r->n].starts, sizeof more->starts, "%s", (const char *)sqlite3_column_text(st, 1));
		more[r->n].rate = sqlite3_column_int(st, 2);
		r->n++;
	}
	sqlite3_reset(st);
	if (rc < 0)
		return -rc;
	if ((rc = crm_config_get(db, "prices_include_vat", &v)))
		return rc;
	r->has_vat = strcmp(v, "no") != 0;
	free(v);
	return CRM_OK;
}

/* The rate of code on day: rows are newest first within a code. */
static int rate_on(const struct rates *r, const char *code, const char *day, int *rate)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->row[i].code, code) == 0 && strcmp(r->row[i].starts, day) <= 0) {
			*rate = r->row[i].rate;
			return CRM_OK;
		}
	return crm_error_set(CRM_DATAERR, "no VAT rate \"%s\" is in force on %s", code, day);
}

/* ---- one pass over deals and their lines */

struct deal_row {
	const char *const *values; /* the deal's columns, before the line's */
	int64_t id, paid;
	struct crm_vat_line sum;
};

/* The deal columns every pass reads; the line's four come after them. */
#define DEAL_COLUMNS \
	"SELECT d.id, d.stage, d.title, d.party_id AS party, p.name AS party_name," \
	" u.login AS manager, dp.name AS dept, d.updated, d.close_by, d.vat_code," \
	" coalesce(d.invoiced, '') AS invoiced, coalesce(pm.paid, 0) AS paid," \
	" l.qty, l.price, l.discount_pct, l.discount" \
	" FROM deal d JOIN party p ON p.id = d.party_id JOIN users u ON u.id = d.manager_id" \
	" LEFT JOIN dept dp ON dp.id = d.dept_id" \
	" LEFT JOIN (SELECT deal_id, sum(amount) AS paid FROM payment GROUP BY deal_id) pm" \
	"  ON pm.deal_id = d.id" \
	" LEFT JOIN deal_line l ON l.deal_id = d.id"
enum { C_ID, C_STAGE, C_TITLE, C_PARTY, C_PARTY_NAME, C_MANAGER, C_DEPT, C_UPDATED, C_CLOSE_BY,
       C_VAT, C_INVOICED, C_PAID, C_QTY, C_PRICE, C_PCT, C_DISCOUNT, C_NDEAL = C_QTY };

typedef int deal_fn(void *arg, const struct deal_row *d);

/* Copy the deal's columns (they change with the next step). */
static int keep_deal(sqlite3_stmt *st, char **kept, const char **values)
{
	int i;

	for (i = 0; i < C_NDEAL; i++) {
		const char *s = (const char *)sqlite3_column_text(st, i);

		free(kept[i]);
		kept[i] = s ? strdup(s) : NULL;
		if (s && !kept[i])
			return crm_error_set(CRM_SOFTWARE, "out of memory");
		values[i] = kept[i];
	}
	return CRM_OK;
}

static int add_line(sqlite3_stmt *st, const struct rates *r, const char *today,
		    struct deal_row *d)
{
	struct crm_vat_in in = { 0 };
	struct crm_vat_line l;
	const char *day = *d->values[C_INVOICED] ? d->values[C_INVOICED] : today;
	int rc;

	if (sqlite3_column_type(st, C_QTY) == SQLITE_NULL)
		return CRM_OK; /* a deal without lines */
	in.qty = sqlite3_column_int64(st, C_QTY);
	in.price = sqlite3_column_int64(st, C_PRICE);
	in.discount_pct = sqlite3_column_int(st, C_PCT);
	in.discount = sqlite3_column_int64(st, C_DISCOUNT);
	in.price_has_vat = r->has_vat;
	if ((rc = rate_on(r, d->values[C_VAT], day, &in.rate)) || (rc = crm_vat_line(&in, &l)))
		return rc;
	return crm_vat_add(&d->sum, &l);
}

/* Each deal of st (rows ordered by deal) to fn once its lines are summed. */
static int each_deal(struct crm_db *db, sqlite3_stmt *st, deal_fn *fn, void *arg)
{
	char *kept[C_NDEAL] = { NULL }, today[11];
	const char *values[C_NDEAL];
	struct deal_row d = { values, 0, 0, { 0 } };
	struct rates r;
	int i, rc;

	if ((rc = rates_load(db, &r)) || (rc = crm_date_today(today))) {
		free(r.row);
		return rc;
	}
	while ((rc = crm_stmt_row(db, st)) == 1) {
		int64_t id = sqlite3_column_int64(st, C_ID);

		if (id != d.id) {
			if (d.id && (rc = fn(arg, &d)))
				break;
			memset(&d.sum, 0, sizeof d.sum);
			d.id = id;
			d.paid = sqlite3_column_int64(st, C_PAID);
			if ((rc = keep_deal(st, kept, values)))
				break;
		}
		if ((rc = add_line(st, &r, today, &d))) {
			crm_error_prefix("deal %lld", (long long)id);
			break;
		}
	}
	sqlite3_reset(st);
	if (rc == 0 && d.id)
		rc = fn(arg, &d);
	for (i = 0; i < C_NDEAL; i++)
		free(kept[i]);
	free(r.row);
	return rc < 0 ? -rc : rc;
}

/* ---- list */

struct listing {
	crm_row_fn *fn;
	void *arg;
	int waiting_payment;
	unsigned long n;
};

static int list_row(void *arg, const struct deal_row *d)
{
	static const char *const names[] = { "id", "stage", "title", "party", "party_name",
					      "manager", "dept", "total", "paid", "updated",
					      "close_by" };
	struct listing *l = arg;
	char total[32], paid[32];
	const char *row[11];

	if (l->waiting_payment && !(*d->values[C_INVOICED] && d->paid < d->sum.total))
		return CRM_OK;
	crm_money_format(d->sum.total, total);
	crm_money_format(d->paid, paid);
	memcpy(row, d->values, 7 * sizeof *row);
	row[7] = total, row[8] = paid, row[9] = d->values[C_UPDATED], row[10] = d->values[C_CLOSE_BY];
	l->n++;
	return l->fn(l->arg, 11, names, row);
}

static int check_waiting(const char *w)
{
	if (!w || strcmp(w, "payment") == 0 || strcmp(w, "goods") == 0 ||
	    strcmp(w, "documents") == 0)
		return CRM_OK;
	return crm_error_set(CRM_USAGE, "--waiting is payment, goods or documents, not \"%s\"", w);
}

int crm_deal_list(struct crm_db *db, const struct crm_deal_filter *f, crm_row_fn *fn, void *arg)
{
	static const char *const names[] = { "id", "stage", "title", "party", "party_name",
					      "manager", "dept", "total", "paid", "updated",
					      "close_by" };
	struct listing l = { fn, arg, f->waiting && strcmp(f->waiting, "payment") == 0, 0 };
	char stale[CRM_TIME_LEN] = "";
	int64_t manager = 0, dept = 0;
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY, "reading deals")) ||
	    (f->stage && (rc = crm_deal_stage_check(f->stage))) || (rc = check_waiting(f->waiting)) ||
	    (f->manager && (rc = crm_user_any(db, f->manager, &manager))) ||
	    (f->dept && (rc = crm_dept_find(db, f->dept, &dept))) ||
	    (f->stale && (rc = crm_time_or_ago(f->stale, stale))))
		return rc;
	if (f->mine)
		manager = crm_user_id(db);
	st = crm_stmt(db, DEAL_COLUMNS
		      " WHERE (?1 IS NULL OR d.stage = ?1) AND (?2 IS NULL OR d.manager_id = ?2)"
		      " AND (?3 IS NULL OR d.dept_id = ?3) AND (?4 IS NULL OR d.party_id = ?4)"
		      " AND (?5 IS NULL OR d.updated < ?5) AND (?7 IS NULL OR d.id = ?7)"
		      " AND (?6 IS NULL OR ?6 <> 'goods' OR d.stage IN ('invoiced', 'production'))"
		      " AND (?6 IS NULL OR ?6 <> 'payment' OR (d.invoiced IS NOT NULL"
		      "  AND d.stage <> 'lost'))"
		      " AND (?6 IS NULL OR ?6 <> 'documents' OR (d.stage IN ('shipped',"
		      "  'certification', 'commissioning', 'service') AND (NOT EXISTS"
		      "  (SELECT 1 FROM document x WHERE x.deal_id = d.id AND x.kind IN ('waybill',"
		      "  'tax-invoice')) OR EXISTS (SELECT 1 FROM deal_line y JOIN item i"
		      "  ON i.id = y.item_id WHERE y.deal_id = d.id AND i.certifiable = 1 AND NOT EXISTS"
		      "  (SELECT 1 FROM document z WHERE z.deal_id = d.id AND z.kind = 'certificate'"
		      "  AND z.item_id = y.item_id)))))"
		      " ORDER BY d.id, l.id");
	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, f->stage);
	crm_bind_id(st, 2, manager);
	crm_bind_id(st, 3, dept);
	crm_bind_id(st, 4, f->party);
	crm_bind_text(st, 5, stale);
	crm_bind_text(st, 6, f->waiting);
	crm_bind_id(st, 7, f->id);
	if ((rc = each_deal(db, st, list_row, &l)))
		return rc;
	return l.n ? CRM_OK : fn(arg, 11, names, NULL) ? CRM_SOFTWARE
						       : crm_error_set(CRM_NOMATCH, "no deal matches");
}

/* ---- pipeline */

struct stage_sum {
	int stage;           /* index in crm_deal_stages */
	char key[128];       /* manager or department; "" when not grouped */
	unsigned long count;
	int64_t total;
};

struct pipeline {
	struct crm_map *index; /* "stage\tkey" -> position + 1 in sums */
	struct stage_sum *sums;
	size_t n;
	int by;                /* the column grouped by besides the stage, or -1 */
};

static int stage_index(const char *stage)
{
	int i;

	for (i = 0; crm_deal_stages[i]; i++)
		if (strcmp(stage, crm_deal_stages[i]) == 0)
			return i;
	return i;
}

static struct stage_sum *pipeline_group(struct pipeline *p, const char *stage, const char *key)
{
	char k[160];
	size_t *pos;

	snprintf(k, sizeof k, "%s\t%s", stage, key);
	if (!(pos = crm_map_put(p->index, k)))
		return NULL;
	if (!*pos) {
		struct stage_sum *more = realloc(p->sums, (p->n + 1) * sizeof *p->sums);

		if (!more)
			return NULL;
		p->sums = more;
		memset(&more[p->n], 0, sizeof *more);
		more[p->n].stage = stage_index(stage);
		snprintf(more[p->n].key, sizeof more->key, "%s", key);
		*pos = ++p->n;
	}
	return &p->sums[*pos - 1];
}

static int pipeline_add(void *arg, const struct deal_row *d)
{
	struct pipeline *p = arg;
	const char *key = p->by >= 0 && d->values[p->by] ? d->values[p->by] : "";
	struct stage_sum *s = pipeline_group(p, d->values[C_STAGE], key);

	if (!s)
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	s->count++;
	if (__builtin_add_overflow(s->total, d->sum.total, &s->total))
		return crm_error_set(CRM_DATAERR, "the pipeline's sum does not fit");
	return CRM_OK;
}

static int by_stage_then_key(const void *a, const void *b)
{
	const struct stage_sum *x = a, *y = b;

	return x->stage != y->stage ? x->stage - y->stage : strcmp(x->key, y->key);
}

static int pipeline_emit(const struct pipeline *p, const char *by, crm_row_fn *fn, void *arg)
{
	const char *names[] = { "stage", by ? by : "", "count", "total" };
	const char *row[4];
	char count[24], total[32];
	size_t i, skip = by ? 0 : 1;
	int rc;

	for (i = 0; i < p->n; i++) {
		const struct stage_sum *s = &p->sums[i];

		snprintf(count, sizeof count, "%lu", s->count);
		crm_money_format(s->total, total);
		row[0] = crm_deal_stages[s->stage], row[1] = s->key, row[2] = count, row[3] = total;
		if (skip) /* not grouped: stage, count, total */
			row[1] = count, row[2] = total, names[1] = "count", names[2] = "total";
		if ((rc = fn(arg, 4 - skip, names, row)))
			return rc;
	}
	if (!p->n) {
		if (skip)
			names[1] = "count", names[2] = "total";
		return fn(arg, 4 - skip, names, NULL);
	}
	return CRM_OK;
}

int crm_deal_pipeline(struct crm_db *db, const char *by, crm_row_fn *fn, void *arg)
{
	struct pipeline p = { NULL, NULL, 0, -1 };
	sqlite3_stmt *st;
	int i, rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY, "reading deals")))
		return rc;
	if (by && strcmp(by, "manager") == 0)
		p.by = C_MANAGER;
	else if (by && strcmp(by, "dept") == 0)
		p.by = C_DEPT;
	else if (by)
		return crm_error_set(CRM_USAGE, "--by is manager or dept, not \"%s\"", by);
	if (!(st = crm_stmt(db, DEAL_COLUMNS " ORDER BY d.id, l.id")))
		return CRM_SOFTWARE;
	if (!(p.index = crm_map_new(sizeof(size_t))))
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	/* Every open stage shows, with 0 when it has no deal; grouped, only
	 * the groups that have deals. */
	for (i = 0; !by && crm_deal_stages[i] && rc == CRM_OK; i++)
		if (!pipeline_group(&p, crm_deal_stages[i], ""))
			rc = crm_error_set(CRM_SOFTWARE, "out of memory");
	if (rc == CRM_OK)
		rc = each_deal(db, st, pipeline_add, &p);
	if (rc == CRM_OK) {
		qsort(p.sums, p.n, sizeof *p.sums, by_stage_then_key);
		rc = pipeline_emit(&p, by, fn, arg);
	}
	crm_map_free(p.index);
	free(p.sums);
	return rc;
}

/* ---- one deal in full */

struct show {
	crm_row_fn *fn;
	void *arg;
};

static int say(struct show *s, const char *section, const char *key, const char *value)
{
	static const char *const names[] = { "section", "key", "value" };
	const char *row[3] = { section, key, value };

	return s->fn(s->arg, 3, names, row);
}

/* Every row of a (key, value) query about deal ?1 under section. */
static int say_query(struct crm_db *db, struct show *s, const char *section, const char *sql,
		     int64_t id)
{
	sqlite3_stmt *st = crm_stmt(db, sql);
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = crm_stmt_row(db, st)) == 1)
		if ((rc = say(s, section, (const char *)sqlite3_column_text(st, 0),
			      (const char *)sqlite3_column_text(st, 1)))) {
			sqlite3_reset(st);
			return rc;
		}
	sqlite3_reset(st);
	return rc < 0 ? -rc : CRM_OK;
}

static int show_line(void *arg, const struct crm_deal_line *l)
{
	char qty[32], price[32], off[32], net[32], vat[32], total[32], rate[16], text[320];

	crm_qty_format(l->in.qty, qty);
	crm_money_format(l->in.price, price);
	crm_money_format(l->money.discount, off);
	crm_money_format(l->money.net, net);
	crm_money_format(l->money.vat, vat);
	crm_money_format(l->money.total, total);
	crm_rate_format(l->in.rate, rate);
	snprintf(text, sizeof text, "%s %s x %s, discount %s, net %s, VAT %s %s, total %s (%s)",
		 qty, l->unit, price, off, net, rate, vat, total, l->name);
	return say(arg, "line", l->code, text);
}

/* What covers each line (the view deal_cover). */
static const char order_sql[] =
	"SELECT i.code, 'ordered ' || crm_qty(c.ordered) || ', reserved ' || crm_qty(c.reserved)"
	" || ', shipped ' || crm_qty(c.shipped)"
	" || CASE WHEN c.making > 0 THEN ', in production ' || crm_qty(c.making) || ' (planned '"
	"  || coalesce(c.planned, '?') || ', ' || c.progress || '%)' ELSE '' END"
	" || CASE WHEN c.buying > 0 THEN ', from a supplier ' || crm_qty(c.buying)"
	"  || ' (expected ' || coalesce(c.expected, '?') || ')' ELSE '' END"
	" FROM deal_cover c JOIN item i ON i.id = c.item_id WHERE c.deal_id = ?1 ORDER BY c.line_id";

static int show_order(struct crm_db *db, struct show *s, int64_t id)
{
	sqlite3_stmt *st = crm_stmt(db, order_sql);
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = crm_stmt_row(db, st)) == 1)
		if ((rc = say(s, "order", (const char *)sqlite3_column_text(st, 0),
			      (const char *)sqlite3_column_text(st, 1)))) {
			sqlite3_reset(st);
			return rc;
		}
	sqlite3_reset(st);
	return rc < 0 ? -rc : CRM_OK;
}

static int show_money(struct crm_db *db, struct show *s, const struct crm_deal_state *d)
{
	struct crm_deal_balance b;
	struct crm_vat_line sum;
	char v[32];
	int rc;

	if ((rc = crm_deal_walk(db, d, show_line, s, &sum)))
		return rc;
	crm_money_format(sum.net, v);
	if ((rc = say(s, "total", "net", v)))
		return rc;
	crm_money_format(sum.vat, v);
	if ((rc = say(s, "total", "vat", v)))
		return rc;
	crm_money_format(sum.total, v);
	if ((rc = say(s, "total", "total", v)) || (rc = crm_deal_balance_of(db, d->id, &b)))
		return rc;
	crm_money_format(b.invoiced, v);
	if ((rc = say(s, "balance", "invoiced", v)))
		return rc;
	crm_money_format(b.paid, v);
	if ((rc = say(s, "balance", "paid", v)))
		return rc;
	crm_money_format(b.owed, v);
	if ((rc = say(s, "balance", "owed", v)))
		return rc;
	crm_money_format(b.advance, v);
	return say(s, "balance", "advance", v);
}

static const char deal_sql[] =
	"SELECT k, v FROM (SELECT 1 AS o, 'id' AS k, d.id AS v FROM deal d WHERE d.id = ?1"
	" UNION ALL SELECT 2, 'title', title FROM deal WHERE id = ?1"
	" UNION ALL SELECT 3, 'stage', stage FROM deal WHERE id = ?1"
	" UNION ALL SELECT 4, 'manager', (SELECT login FROM users WHERE id = d.manager_id) FROM deal d WHERE id = ?1"
	" UNION ALL SELECT 5, 'dept', (SELECT name FROM dept WHERE id = d.dept_id) FROM deal d WHERE id = ?1"
	" UNION ALL SELECT 6, 'request', request_id FROM deal WHERE id = ?1"
	" UNION ALL SELECT 7, 'needs', needs FROM deal WHERE id = ?1"
	" UNION ALL SELECT 8, 'area', area FROM deal WHERE id = ?1"
	" UNION ALL SELECT 9, 'equipment', equipment FROM deal WHERE id = ?1"
	" UNION ALL SELECT 10, 'medium', medium FROM deal WHERE id = ?1"
	" UNION ALL SELECT 11, 'close_by', close_by FROM deal WHERE id = ?1"
	" UNION ALL SELECT 12, 'vat', vat_code FROM deal WHERE id = ?1"
	" UNION ALL SELECT 13, 'invoiced', invoiced FROM deal WHERE id = ?1"
	" UNION ALL SELECT 14, 'waybill', waybill FROM deal WHERE id = ?1"
	" UNION ALL SELECT 15, 'service', service FROM deal WHERE id = ?1"
	" UNION ALL SELECT 16, 'lost_reason', lost_reason FROM deal WHERE id = ?1"
	" UNION ALL SELECT 17, 'lost_note', lost_note FROM deal WHERE id = ?1"
	" UNION ALL SELECT 18, 'created', created FROM deal WHERE id = ?1"
	" UNION ALL SELECT 19, 'updated', updated FROM deal WHERE id = ?1"
	" ORDER BY o)";

static const char party_sql[] =
	"SELECT k, v FROM (SELECT 1 AS o, 'id' AS k, p.id AS v FROM party p WHERE p.id = ?1"
	" UNION ALL SELECT 2, 'kind', kind FROM party WHERE id = ?1"
	" UNION ALL SELECT 3, 'name', name FROM party WHERE id = ?1"
	" UNION ALL SELECT 4, 'legal_name', legal_name FROM party WHERE id = ?1"
	" UNION ALL SELECT 5, 'private', CASE private WHEN 1 THEN 'yes' END FROM party WHERE id = ?1"
	" UNION ALL SELECT 6, 'inn', inn FROM party WHERE id = ?1"
	" UNION ALL SELECT 7, 'kpp', kpp FROM party WHERE id = ?1"
	" UNION ALL SELECT 8, 'address', address FROM party WHERE id = ?1"
	" UNION ALL SELECT 9, 'bank', bank FROM party WHERE id = ?1"
	" UNION ALL SELECT 10, 'bik', bik FROM party WHERE id = ?1"
	" UNION ALL SELECT 11, 'account', account FROM party WHERE id = ?1"
	" UNION ALL SELECT 12, 'corr_account', corr_account FROM party WHERE id = ?1"
	" ORDER BY o)";

int crm_deal_show(struct crm_db *db, int64_t id, crm_row_fn *fn, void *arg)
{
	struct show s = { fn, arg };
	struct crm_deal_state d;
	int rc;

	if ((rc = crm_deal_access(db, id, 0, &d)) ||
	    (rc = say_query(db, &s, "deal", deal_sql, id)) ||
	    (rc = say_query(db, &s, "party", party_sql, d.party)) ||
	    (rc = say_query(db, &s, "contact",
			    "SELECT c.name, group_concat(p.value, ' ') FROM contact c"
			    " JOIN contact_point p ON p.contact_id = c.id WHERE c.party_id = ?1"
			    " GROUP BY c.id ORDER BY c.id", d.party)) ||
	    (rc = show_money(db, &s, &d)) || (rc = show_order(db, &s, id)) ||
	    (rc = say_query(db, &s, "document",
			    "SELECT kind, number || ' of ' || date || coalesce(' (' ||"
			    " (SELECT code FROM item WHERE id = item_id) || ')', '')"
			    " FROM document WHERE deal_id = ?1 ORDER BY date, id", id)) ||
	    (rc = say_query(db, &s, "payment",
			    "SELECT date, crm_money(amount) || coalesce(' ' || ref, '')"
			    " || coalesce(' (' || reason || ')', '') FROM payment"
			    " WHERE deal_id = ?1 ORDER BY date, id", id)) ||
	    (rc = say_query(db, &s, "task",
			    "SELECT t.id, t.kind || ' for ' || u.login || ': ' || coalesce(t.title, '')"
			    " FROM task t JOIN users u ON u.id = t.assignee_id"
			    " WHERE t.deal_id = ?1 AND t.status = 'open' ORDER BY t.id", id)) ||
	    (rc = say_query(db, &s, "stage",
			    "SELECT at, coalesce(from_stage || ' -> ', '') || to_stage || ' by ' || who"
			    " || CASE forced WHEN 1 THEN ' (forced: ' || coalesce(reason, '') || ')'"
			    " ELSE coalesce(' (' || reason || ')', '') END"
			    " FROM deal_move WHERE deal_id = ?1 ORDER BY at, id", id)))
		return rc;
	return CRM_OK;
}

int crm_deal_history(struct crm_db *db, int64_t id, crm_row_fn *fn, void *arg)
{
	struct crm_deal_state d;
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_deal_access(db, id, 0, &d)))
		return rc;
	st = crm_stmt(db, "SELECT deal_id AS deal, at, from_stage AS from_stage, to_stage AS stage,"
			  " who, CASE forced WHEN 1 THEN 'yes' ELSE 'no' END AS forced, reason"
			  " FROM deal_move WHERE deal_id = ? ORDER BY at, id");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	return crm_stmt_emit(db, st, fn, arg, NULL);
}
