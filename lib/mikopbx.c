/*
 * mikopbx.c: call detail records from MikoPBX's own database (cdr.db, its
 * table cdr_general), for crm-callpull. The file is opened read-only while
 * the PBX writes to it; the rows after the cursor's id are read at once,
 * and the legs of one call (one linkedid: a ring group's, a queue's) are
 * merged into one record, answered by the leg that talked.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "cdr-private.h"

/* One row of cdr_general; NULL for NULL or empty. */
enum { L_START, L_ANSWER, L_END, L_SRC, L_DST, L_DID, L_UNIQUEID,
       L_LINKEDID, L_DISPOSITION, L_BILLSEC, L_DURATION, NLEG };

struct leg {
	int64_t id;
	char *v[NLEG];
};

struct group {
	size_t first, n; /* a run in the reader's order[] */
};

/* The reader's state for MikoPBX. */
struct mikopbx {
	sqlite3 *db;
	struct leg *legs;
	size_t nlegs;
	size_t *order;          /* legs by call, then id */
	struct group *groups;   /* in order of their first id */
	size_t ngroups, next_group;
};

/* The columns of cdr_general we need (did is optional), in leg order. */
static const char *const leg_cols[NLEG] = {
	"start", "answer", "endtime", "src_num", "dst_num", "did", "UNIQUEID",
	"linkedid", "disposition", "billsec", "duration"
};

static const char sql_with_did[] =
	"SELECT id, start, answer, endtime, src_num, dst_num, did, UNIQUEID,"
	" linkedid, disposition, billsec, duration"
	" FROM cdr_general WHERE id > ?1 ORDER BY id";
static const char sql_without_did[] =
	"SELECT id, start, answer, endtime, src_num, dst_num, NULL, UNIQUEID,"
	" linkedid, disposition, billsec, duration"
	" FROM cdr_general WHERE id > ?1 ORDER BY id";

static int sql_error(const struct mikopbx *m, const char *path, int rc)
{
	const char *msg = m->db ? sqlite3_errmsg(m->db) : sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_NOMEM:
		return crm_cdr_no_memory();
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return crm_error_set(CRM_TEMPFAIL, "%s: %s", path, msg);
	case SQLITE_CANTOPEN:
		return crm_error_set(CRM_NOINPUT, "%s: %s", path, msg);
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return crm_error_set(CRM_DATAERR, "%s: %s", path, msg);
	default:
		return crm_error_set(CRM_IOERR, "%s: %s", path, msg);
	}
}

/* Is this a MikoPBX CDR database? *has_did: does cdr_general have did? */
static int check_table(struct mikopbx *m, const char *path, int *has_did)
{
	sqlite3_stmt *st;
	const char *name;
	int rc, i, ncols = 0;
	unsigned found = 0;

	rc = sqlite3_prepare_v2(m->db, "PRAGMA table_info(cdr_general)", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sql_error(m, path, rc);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ncols++;
		name = (const char *)sqlite3_column_text(st, 1);
		for (i = 0; name && i < NLEG; i++)
			if (strcasecmp(name, leg_cols[i]) == 0)
				found |= 1u << i;
		if (name && strcasecmp(name, "id") == 0)
			found |= 1u << NLEG;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sql_error(m, path, rc);
	if (ncols == 0)
		return crm_error_set(CRM_DATAERR, "%s: no table cdr_general (not a "
				     "MikoPBX CDR database)", path);
	*has_did = (found >> L_DID) & 1;
	found |= 1u << L_DID;
	if (!((found >> NLEG) & 1))
		return crm_error_set(CRM_DATAERR, "%s: cdr_general has no column id", path);
	for (i = 0; i < NLEG; i++)
		if (!((found >> i) & 1))
			return crm_error_set(CRM_DATAERR, "%s: cdr_general has no column %s",
					     path, leg_cols[i]);
	return 0;
}

/* Row st into leg l: the values as text, NULL for NULL or empty. */
static int take_leg(sqlite3_stmt *st, struct leg *l)
{
	const char *s;
	int i;

	memset(l, 0, sizeof *l);
	l->id = sqlite3_column_int64(st, 0);
	for (i = 0; i < NLEG; i++) {
		s = (const char *)sqlite3_column_text(st, i + 1);
		if (s && *s && !(l->v[i] = strdup(s)))
			return crm_cdr_no_memory();
	}
	return 0;
}

static int load_legs(struct mikopbx *m, const char *path, int64_t after_id, int has_did)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	rc = sqlite3_prepare_v2(m->db, has_did ? sql_with_did : sql_without_did, -1,
				&st, NULL);
	if (rc != SQLITE_OK)
		return sql_error(m, path, rc);
	sqlite3_bind_int64(st, 1, after_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (crm_cdr_grow(&m->legs, &cap, m->nlegs + 1, sizeof *m->legs)) {
			sqlite3_finalize(st);
			return crm_cdr_no_memory();
		}
		/* Counted first, so that close() frees a half-taken leg. */
		if (take_leg(st, &m->legs[m->nlegs++]) != 0) {
			sqlite3_finalize(st);
			return crm_cdr_no_memory();
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sql_error(m, path, rc);
}

/* The call a leg belongs to: its linkedid, else its own UNIQUEID. */
static const char *call_of(const struct leg *l)
{
	return l->v[L_LINKEDID] ? l->v[L_LINKEDID] : l->v[L_UNIQUEID];
}

/* For qsort: the library is single-threaded. */
static const struct leg *sort_legs;
static const size_t *sort_order;

static int by_call(const void *a, const void *b)
{
	const struct leg *x = &sort_legs[*(const size_t *)a];
	const struct leg *y = &sort_legs[*(const size_t *)b];
	const char *kx = call_of(x), *ky = call_of(y);
	int c = 0;

	if (kx && ky)
		c = strcmp(kx, ky);
	else if (kx || ky)
		c = kx ? 1 : -1;
	if (c)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int by_first_id(const void *a, const void *b)
{
	int64_t x = sort_legs[sort_order[((const struct group *)a)->first]].id;
	int64_t y = sort_legs[sort_order[((const struct group *)b)->first]].id;

	return x < y ? -1 : x > y;
}

static int same_call(const struct leg *a, const struct leg *b)
{
	const char *ka = call_of(a), *kb = call_of(b);

	return ka && kb && strcmp(ka, kb) == 0;
}

/*
 * Group the legs by call. Legs of one call are not adjacent by id (other
 * calls end in between), so sort by (call, id), cut the runs, and put the
 * runs in the order of their first id.
 */
static int group_legs(struct mikopbx *m)
{
	size_t i, n = m->nlegs;
	struct group *g = NULL;

	if (n == 0)
		return 0;
	m->order = malloc(n * sizeof *m->order);
	m->groups = malloc(n * sizeof *m->groups);
	if (!m->order || !m->groups)
		return crm_cdr_no_memory();
	for (i = 0; i < n; i++)
		m->order[i] = i;
	sort_legs = m->legs;
	sort_order = m->order;
	qsort(m->order, n, sizeof *m->order, by_call);
	for (i = 0; i < n; i++) {
		if (!g || !same_call(&m->legs[m->order[i - 1]], &m->legs[m->order[i]])) {
			g = &m->groups[m->ngroups++];
			g->first = i;
			g->n = 0;
		}
		g->n++;
	}
	qsort(m->groups, m->ngroups, sizeof *m->groups, by_first_id);
	return 0;
}

static const struct leg *leg_of(const struct mikopbx *m, const struct group *g, size_t k)
{
	return &m->legs[m->order[g->first + k]];
}

/* The legs of g as raw text: one line of tab-separated values a leg. */
static int group_raw(struct crm_cdr_reader *r, const struct group *g)
{
	const struct mikopbx *m = r->miko;
	const struct leg *l;
	size_t k, n = 0;
	char *p;
	int i;

	for (k = 0; k < g->n; k++) {
		l = leg_of(m, g, k);
		n += 21 + NLEG + 1;
		for (i = 0; i < NLEG; i++)
			n += l->v[i] ? strlen(l->v[i]) : 0;
	}
	if (crm_cdr_grow(&r->raw, &r->rawcap, n + 1, 1))
		return crm_cdr_no_memory();
	p = r->raw;
	for (k = 0; k < g->n; k++) {
		l = leg_of(m, g, k);
		p += sprintf(p, "%s%lld", k ? "\n" : "", (long long)l->id);
		for (i = 0; i < NLEG; i++)
			p += sprintf(p, "\t%s", l->v[i] ? l->v[i] : "");
	}
	r->rawlen = p - r->raw;
	return 0;
}

static int leg_time(struct crm_cdr_reader *r, const struct leg *l, int i, time_t *out)
{
	const char *s = l->v[i];
	size_t len = s ? strlen(s) : 0;

	if (crm_cdr_parse_time(r, s, len, 1, out))
		return crm_cdr_bad_value("cdr_general id", (long long)l->id, leg_cols[i], s, len,
					 "not a time YYYY-MM-DD HH:MM:SS[.mmm]");
	return 0;
}

/* billsec or duration; NULL (a call not finished) counts as 0. */
static int leg_seconds(const struct leg *l, int i, long *out)
{
	const char *s = l->v[i];
	size_t len = s ? strlen(s) : 0;

	*out = 0;
	if (s && crm_cdr_parse_seconds(s, len, out))
		return crm_cdr_bad_value("cdr_general id", (long long)l->id, leg_cols[i], s, len,
					 "not a whole number of seconds");
	return 0;
}

/* Fold one leg into rec; *ans is the answering leg once there is one. */
static int merge_leg(struct crm_cdr_reader *r, const struct leg *l, struct crm_cdr *rec,
		     const struct leg **ans)
{
	time_t start, answer, end;
	long billsec, duration;
	const char *disp;
	int rc, i;

	for (i = 0; i < NLEG; i++)
		if (l->v[i] && !crm_utf8_valid(l->v[i], strlen(l->v[i])))
			return crm_error_set(CRM_DATAERR, "cdr_general id %lld: %s: not "
					     "valid UTF-8", (long long)l->id, leg_cols[i]);
	if ((rc = leg_time(r, l, L_START, &start)) != 0 ||
	    (rc = leg_time(r, l, L_ANSWER, &answer)) != 0 ||
	    (rc = leg_time(r, l, L_END, &end)) != 0 ||
	    (rc = leg_seconds(l, L_BILLSEC, &billsec)) != 0 ||
	    (rc = leg_seconds(l, L_DURATION, &duration)) != 0)
		return rc;
	if (start && (!rec->start || start < rec->start))
		rec->start = start;
	if (answer && (!rec->answer || answer < rec->answer))
		rec->answer = answer;
	if (end > rec->end)
		rec->end = end;
	if (duration > rec->duration)
		rec->duration = duration;
	if (!rec->did)
		rec->did = l->v[L_DID];
	/* The answering leg is the first that talked (ANSWERED, billsec > 0),
	 * else the first ANSWERED one. */
	disp = crm_cdr_disposition(l->v[L_DISPOSITION]);
	if (disp && strcmp(disp, "ANSWERED") == 0 &&
	    (!*ans || (rec->billsec == 0 && billsec > 0))) {
		*ans = l;
		rec->billsec = billsec;
	}
	return 0;
}

/* The legs of g as one call. */
static int merge_group(struct crm_cdr_reader *r, const struct group *g,
		       struct crm_cdr *rec)
{
	const struct mikopbx *m = r->miko;
	const struct leg *first = leg_of(m, g, 0), *ans = NULL;
	size_t k;
	int rc;

	memset(rec, 0, sizeof *rec);
	for (k = 0; k < g->n; k++)
		if ((rc = merge_leg(r, leg_of(m, g, k), rec, &ans)) != 0)
			return rc;
	rec->uniqueid = call_of(first);
	rec->linkedid = first->v[L_LINKEDID];
	rec->src = first->v[L_SRC];
	rec->dst = ans ? ans->v[L_DST] : first->v[L_DST];
	rec->disposition = ans ? "ANSWERED" : crm_cdr_disposition(first->v[L_DISPOSITION]);
	return 0;
}

static int next_mikopbx(struct crm_cdr_reader *r, struct crm_cdr *rec)
{
	struct mikopbx *m = r->miko;
	const struct group *g;
	size_t k;
	int rc;

	if (m->next_group == m->ngroups)
		return CRM_NOMATCH;
	g = &m->groups[m->next_group++];
	r->line++;
	/*
	 * The position must have every row at or below it returned, so that a
	 * cursor saved now skips nothing: groups come in order of their first
	 * id, so that is the next group's first id less one; after the last
	 * group, the highest id of all (legs read again later are dropped as
	 * duplicates by their linkedid).
	 */
	if (m->next_group < m->ngroups) {
		r->pos = leg_of(m, &m->groups[m->next_group], 0)->id - 1;
	} else {
		size_t i;

		for (i = 0; i < m->ngroups; i++)
			for (k = 0; k < m->groups[i].n; k++)
				if (leg_of(m, &m->groups[i], k)->id > r->pos)
					r->pos = leg_of(m, &m->groups[i], k)->id;
	}
	if ((rc = group_raw(r, g)) != 0)
		return rc;
	return merge_group(r, g, rec);
}

static void close_mikopbx(struct crm_cdr_reader *r)
{
	struct mikopbx *m = r->miko;
	size_t i;
	int k;

	if (!m)
		return;
	for (i = 0; i < m->nlegs; i++)
		for (k = 0; k < NLEG; k++)
			free(m->legs[i].v[k]);
	if (m->db)
		sqlite3_close(m->db);
	free(m->legs);
	free(m->order);
	free(m->groups);
	free(m);
}

int crm_cdr_open_mikopbx(const char *path, int64_t after_id, int utc,
			 struct crm_cdr_reader **out)
{
	struct crm_cdr_reader *r = calloc(1, sizeof *r);
	struct mikopbx *m;
	struct stat sb;
	int rc, has_did = 0;

	*out = NULL;
	if (!r || !(r->miko = m = calloc(1, sizeof *m))) {
		free(r);
		return crm_cdr_no_memory();
	}
	r->next = next_mikopbx;
	r->close = close_mikopbx;
	r->utc = utc;
	r->pos = after_id;
	/* SQLite would say only "unable to open database file". */
	if (stat(path, &sb) != 0) {
		rc = crm_error_set(CRM_NOINPUT, "%s: %s", path, strerror(errno));
		goto fail;
	}
	rc = sqlite3_open_v2(path, &m->db, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		rc = sql_error(m, path, rc);
		goto fail;
	}
	/* MikoPBX writes while we read: wait for its lock a little. */
	sqlite3_busy_timeout(m->db, 5000);
	if ((rc = check_table(m, path, &has_did)) != 0 ||
	    (rc = load_legs(m, path, after_id, has_did)) != 0 ||
	    (rc = group_legs(m)) != 0)
		goto fail;
	*out = r;
	return 0;
fail:
	crm_cdr_close(r);
	return rc;
}
