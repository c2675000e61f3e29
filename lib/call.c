/*
 * call.c: phone-call intake. Every call the PBX reports is recorded once
 * (by its uniqueid, or the hash of its line): internal calls are counted and
 * set aside; an incoming call from an unknown number makes a lead and a
 * request, from a known one an entry in the party's history and a notice to
 * its manager; a missed call gives somebody a callback task (one open task
 * per party, however often it rings), which the next answered call from or
 * to that number closes. Lines are taken in batches, each one transaction
 * with the file's cursor, so a crash doubles nothing and loses nothing.
 */
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm-private.h"

/* Lines a transaction unless told: a crash re-reads at most these. Large,
 * because each commit rewrites the index pages a batch touched (batches of
 * 2,000 spent half of the run on commits; 20,000 a sixth). */
#define BATCH 50000

struct row {
	char ref[160], leg[160], start[CRM_TIME_LEN], number[24], disposition[24], reason[200];
	char extension[24];   /* who answered, when somebody talked */
	const char *direction, *action;
	long billsec;
	int64_t party, request, task;
};

struct callpull {
	struct crm_db *db;
	const struct crm_call_opts *o;
	char *label;         /* the source, made absolute */
	char country[8];
	char area[8];        /* local_area_code: completes local numbers, or "" */
	char *charset;       /* pbx_charset: of caller-ID names not in UTF-8 */
	regex_t ext;
	int has_ext;
	char **own;          /* the company's numbers, E.164 */
	size_t nown;
	long long due;       /* seconds to call back a missed call */
	crm_row_fn *fn;
	void *arg;
	struct crm_call_stats *stats;
	size_t batch;        /* lines a transaction */
	struct row *rows;    /* a batch's report, printed after its commit */
	int64_t base;        /* the file offset the reader began at (-1: not a file) */
	size_t nrows;
	/* What the run has learnt (see memo_check): number -> party id, and
	 * party id -> struct party_memo. */
	struct crm_map *numbers, *parties;
	int64_t data_version;
};

/* ---- settings */

static int own_numbers(struct callpull *p, const char *list)
{
	char *copy = strdup(list), *tok, *save = NULL;
	struct crm_phone ph;

	if (!copy)
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char **own = realloc(p->own, (p->nown + 1) * sizeof *own);

		if (!own) {
			free(copy);
			return crm_error_set(CRM_SOFTWARE, "out of memory");
		}
		p->own = own;
		if (crm_phone_normalize(tok, p->country, &ph) == CRM_OK)
			p->own[p->nown++] = strdup(ph.e164);
	}
	free(copy);
	return CRM_OK;
}

static int load_settings(struct callpull *p)
{
	char *own = NULL, *ext = NULL, *due = NULL, *area = NULL;
	int rc;

	if ((rc = crm_country(p->db, p->country)) ||
	    (rc = crm_config_get(p->db, "own_numbers", &own)) ||
	    (rc = crm_config_get(p->db, "extensions", &ext)) ||
	    (rc = crm_config_get(p->db, "callback_due", &due)) ||
	    (rc = crm_config_get(p->db, "local_area_code", &area)) ||
	    (rc = crm_config_get(p->db, "pbx_charset", &p->charset)))
		goto out;
	snprintf(p->area, sizeof p->area, "%s", area);
	if (regcomp(&p->ext, ext, REG_EXTENDED | REG_NOSUB) != 0) {
		rc = crm_error_set(CRM_CONFIG, "setting extensions: bad regular expression \"%s\"", ext);
		goto out;
	}
	p->has_ext = 1;
	if ((rc = crm_duration_parse(due, &p->due)) || (rc = own_numbers(p, own)))
		crm_error_prefix("settings");
out:
	free(own);
	free(ext);
	free(due);
	free(area);
	return rc;
}

/* ---- what the run knows
 *
 * Most calls come from numbers called before: asking SQLite each time for
 * the party and its open tasks was most of the work. The run remembers them
 * and keeps what it writes itself up to date. */

/* A party's open notice and callback task (not tied to a request): the
 * task's id, 0 when there is none, -1 when not looked up yet. */
struct party_memo {
	int64_t notice, callback;
};

/* Entries kept before the memo starts afresh: a few megabytes. */
#define MEMO_MAX 200000

static void memo_forget(struct callpull *p)
{
	crm_map_clear(p->numbers);
	crm_map_clear(p->parties);
}

/* At the start of each batch's transaction. What the run learnt holds only
 * while nobody else writes: SQLite's data_version changes when another
 * connection has committed since, and then the memo starts afresh. */
static int memo_check(struct callpull *p)
{
	sqlite3_stmt *st = crm_stmt(p->db, "PRAGMA data_version");
	int64_t v;
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	if ((rc = crm_query_id(p->db, st, &v)))
		return rc;
	if (v != p->data_version ||
	    crm_map_count(p->numbers) + crm_map_count(p->parties) > MEMO_MAX)
		memo_forget(p);
	p->data_version = v;
	return CRM_OK;
}

static int remember_number(struct callpull *p, const char *e164, int64_t party)
{
	int64_t *known = crm_map_put(p->numbers, e164);

	if (!known)
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	*known = party;
	return CRM_OK;
}

/* The party a number belongs to, or 0. */
static int party_of(struct callpull *p, const struct crm_phone *ph, int64_t *party)
{
	int64_t *known = crm_map_get(p->numbers, ph->e164);
	int rc;

	if (known) {
		*party = *known;
		return CRM_OK;
	}
	if ((rc = crm_party_by_phone(p->db, ph, party)) == CRM_NOMATCH) {
		*party = 0; /* not remembered: the call makes it known, or nobody cares */
		return CRM_OK;
	}
	return rc ? rc : remember_number(p, ph->e164, *party);
}

/* Where the run keeps the party's open task of kind ("notice" or
 * "callback"), looked up if need be. */
static int open_task(struct callpull *p, const char *kind, int64_t party, int64_t **task)
{
	struct party_memo *m;
	char key[24];
	int rc;

	snprintf(key, sizeof key, "%lld", (long long)party);
	if (!(m = crm_map_get(p->parties, key))) {
		if (!(m = crm_map_put(p->parties, key)))
			return crm_error_set(CRM_SOFTWARE, "out of memory");
		m->notice = m->callback = -1;
	}
	*task = strcmp(kind, "notice") == 0 ? &m->notice : &m->callback;
	if (**task >= 0)
		return CRM_OK;
	if ((rc = crm_task_open(p->db, kind, party, *task)) == CRM_NOMATCH) {
		**task = 0;
		rc = CRM_OK;
	}
	return rc;
}

/* ---- one call */

static int close_callbacks(struct callpull *p, int64_t party);

/*
 * Did anybody talk? The PBX's disposition alone does not say: Asterisk
 * writes ANSWERED with billsec 0 when the dialplan answers or hangs up
 * after a failed Dial. A conversation is ANSWERED, billsec > 0 and, where
 * the layout has channels, a destination channel (MikoPBX's merged
 * records have none in our reader: there billsec decides).
 */
static int talked(const struct crm_cdr *c)
{
	return c->disposition && strcmp(c->disposition, "ANSWERED") == 0 && c->billsec > 0 &&
	       (!c->channels || c->dstchannel);
}

/* ANSWERED by the PBX, but nobody talked. */
static int talked_not(const struct crm_cdr *c)
{
	return c->disposition && strcmp(c->disposition, "ANSWERED") == 0 && !talked(c);
}

static int is_extension(struct callpull *p, const char *n);

/* Who answered: the peer of dstchannel ("SIP/102-0000a1", "PJSIP/102-...",
 * "Local/102@ctx-...;1") when it is an extension; without channels, dst. */
static void extension_of(struct callpull *p, const struct crm_cdr *c, struct row *r)
{
	const char *s = c->dstchannel ? strchr(c->dstchannel, '/') : NULL, *e;
	char name[sizeof r->extension];

	r->extension[0] = '\0';
	if (!talked(c))
		return;
	if (!c->channels) {
		if (is_extension(p, c->dst))
			snprintf(r->extension, sizeof r->extension, "%s", c->dst);
		return;
	}
	if (!s)
		return;
	s++;
	if (!(e = strchr(s, '@')) && !(e = strrchr(s, '-')))
		e = s + strlen(s);
	if (e == s || (size_t)(e - s) >= sizeof name)
		return;
	memcpy(name, s, e - s);
	name[e - s] = '\0';
	if (is_extension(p, name))
		snprintf(r->extension, sizeof r->extension, "%s", name);
}

/* Is the record's leg known: the one that made the call, or one joined? */
static int leg_known(struct callpull *p, const struct row *r, int *known)
{
	sqlite3_stmt *st = crm_stmt(p->db, "SELECT 1 FROM call WHERE ref = ?1"
					  " AND coalesce(leg, ref) = ?2"
					  " UNION ALL SELECT 1 FROM call_leg WHERE leg = ?2");
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, r->ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->leg, -1, SQLITE_STATIC);
	rc = crm_stmt_row(p->db, st);
	sqlite3_reset(st);
	*known = rc == 1;
	return rc < 0 ? -rc : CRM_OK;
}

static int add_leg(struct callpull *p, const struct row *r)
{
	sqlite3_stmt *st = crm_stmt(p->db, "INSERT INTO call_leg (leg, call_id)"
					  " SELECT ?2, id FROM call WHERE ref = ?1");

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, r->ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->leg, -1, SQLITE_STATIC);
	return crm_stmt_done(p->db, st);
}

/* The request a missed call made says now that it was answered. */
static int answered_subject(struct callpull *p, const struct row *r, long billsec)
{
	sqlite3_stmt *st = crm_stmt(p->db,
		"UPDATE request SET subject = 'Incoming call, answered, ' || ?2 || ' s'"
		" || coalesce(', to ' || (SELECT line FROM call WHERE ref = ?1), ''),"
		" updated = crm_now()"
		" WHERE id = (SELECT request_id FROM call WHERE ref = ?1)"
		" AND subject LIKE 'Missed call%'");

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, r->ref, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, billsec);
	return crm_stmt_done(p->db, st);
}

/* A record that talked, of a call taken before nobody talked on: the call
 * takes its disposition, billsec and extension, and its callbacks close. */
static int talked_later(struct callpull *p, const struct crm_cdr *c, struct row *r)
{
	sqlite3_stmt *st;
	int64_t party;
	int rc;

	if (!talked(c))
		return CRM_OK;
	st = crm_stmt(p->db, "SELECT coalesce(party_id, 0) FROM call WHERE ref = ? AND talked = 0");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, r->ref, -1, SQLITE_STATIC);
	if ((rc = crm_query_id(p->db, st, &party)) != CRM_OK)
		return rc == CRM_NOMATCH ? CRM_OK : rc;
	extension_of(p, c, r);
	st = crm_stmt(p->db, "UPDATE call SET disposition = ?2, billsec = ?3, talked = 1,"
			     " extension = ?4 WHERE ref = ?1");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, r->ref, -1, SQLITE_STATIC);
	crm_bind_text(st, 2, c->disposition);
	sqlite3_bind_int64(st, 3, c->billsec);
	crm_bind_text(st, 4, r->extension[0] ? r->extension : NULL);
	if ((rc = crm_stmt_done(p->db, st)) || (rc = answered_subject(p, r, c->billsec)))
		return rc;
	if (strcmp(r->action, "leg") == 0)
		snprintf(r->reason, sizeof r->reason, "leg %.80s of the call: answered after all%s%s,"
			 " the call is updated", r->leg, r->extension[0] ? " by " : "", r->extension);
	else
		snprintf(r->reason, sizeof r->reason, "answered after all%s%s: the call is updated",
			 r->extension[0] ? " by " : "", r->extension);
	return party ? close_callbacks(p, party) : CRM_OK;
}

/* Another record of a call already taken: the same record read again
 * (duplicate), or another leg of it (leg: a ring group's or a queue's,
 * sharing its linkedid, now or in a later run). Either may say that
 * somebody talked after all. */
static int join(struct callpull *p, const struct crm_cdr *c, struct row *r)
{
	int known, rc;

	if ((rc = leg_known(p, r, &known)))
		return rc;
	if (known) {
		r->action = "duplicate";
		p->stats->duplicates++;
	} else {
		r->action = "leg";
		p->stats->legs++;
		snprintf(r->reason, sizeof r->reason, "leg %.80s of the call", r->leg);
		if (!p->o->dry_run && (rc = add_leg(p, r)))
			return rc;
	}
	return talked_later(p, c, r);
}

static int is_extension(struct callpull *p, const char *n)
{
	return n && regexec(&p->ext, n, 0, NULL, 0) == 0;
}

static int is_own(struct callpull *p, const char *e164)
{
	size_t i;

	for (i = 0; i < p->nown; i++)
		if (strcmp(p->own[i], e164) == 0)
			return 1;
	return 0;
}

static int is_own_number(struct callpull *p, const char *n)
{
	struct crm_phone ph;

	return n && crm_phone_normalize(n, p->country, &ph) == CRM_OK && is_own(p, ph.e164);
}

static int seen(struct callpull *p, const char *ref)
{
	sqlite3_stmt *st = crm_stmt(p->db, "SELECT 1 FROM call WHERE ref = ?");
	int64_t one;

	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	return crm_query_id(p->db, st, &one) == CRM_OK;
}

static int insert_call(struct callpull *p, const struct crm_cdr *c, const struct row *r,
		       const char *line)
{
	sqlite3_stmt *st = crm_stmt(p->db,
		"INSERT INTO call (ref, source, start, direction, number, line, disposition,"
		" duration, billsec, action, reason, party_id, request_id, task_id, leg, talked,"
		" extension) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");

	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, r->ref);
	crm_bind_text(st, 2, p->label);
	crm_bind_text(st, 3, r->start);
	crm_bind_text(st, 4, r->direction);
	crm_bind_text(st, 5, r->number);
	crm_bind_text(st, 6, line);
	crm_bind_text(st, 7, c->disposition);
	sqlite3_bind_int64(st, 8, c->duration);
	sqlite3_bind_int64(st, 9, c->billsec);
	crm_bind_text(st, 10, r->action);
	crm_bind_text(st, 11, r->reason);
	crm_bind_id(st, 12, r->party);
	crm_bind_id(st, 13, r->request);
	crm_bind_id(st, 14, r->task);
	crm_bind_text(st, 15, strcmp(r->leg, r->ref) != 0 ? r->leg : NULL);
	sqlite3_bind_int(st, 16, talked(c));
	crm_bind_text(st, 17, r->extension[0] ? r->extension : NULL);
	return crm_stmt_done(p->db, st);
}

static int party_name(struct callpull *p, int64_t party, char *buf, size_t size);

/* A notice of the call or a task to call back (due then) for the row's
 * party, not doubled while one is open; *user is who is responsible,
 * looked up once a call (0: not yet). */
static int task_for(struct callpull *p, const char *kind, struct row *r, const char *due,
		    int64_t *user)
{
	char title[300], name[200];
	int64_t *open;
	int rc;

	if ((rc = open_task(p, kind, r->party, &open)))
		return rc;
	if (*open) {
		r->task = *open;
		return CRM_OK;
	}
	if (strcmp(kind, "notice") == 0) {
		if ((rc = party_name(p, r->party, name, sizeof name)))
			return rc;
		snprintf(title, sizeof title, "Call from %s (%s)", name, r->number);
	} else {
		snprintf(title, sizeof title, "Call back %s: missed call (%s)", r->number,
			 strcmp(r->disposition, "ANSWERED") == 0 ? "answered, nobody talked"
								  : r->disposition);
	}
	if ((!*user && (rc = crm_notify_who(p->db, r->party, user))) ||
	    (rc = crm_task_insert(p->db, kind, *user, due, title, r->party, 0, "call", &r->task,
				  NULL)))
		return rc;
	*open = r->task;
	return CRM_OK;
}

/* An answered call from or to the number: its open callbacks are done. */
static int close_callbacks(struct callpull *p, int64_t party)
{
	int64_t *open;
	int rc = open_task(p, "callback", party, &open);

	if (rc || !*open)
		return rc;
	if ((rc = crm_exec_ids(p->db, "UPDATE task SET status = 'done', done_at = crm_now(),"
				      " done_by = 'system'"
				      " WHERE party_id = ?1 AND kind = 'callback' AND status = 'open'",
			       party, 0)) == CRM_OK)
		*open = 0;
	return rc;
}

static int party_name(struct callpull *p, int64_t party, char *buf, size_t size)
{
	sqlite3_stmt *st = crm_stmt(p->db, "SELECT coalesce(name, '') FROM party WHERE id = ?");
	int rc;

	buf[0] = '\0';
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, party);
	if ((rc = crm_stmt_row(p->db, st)) == 1)
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return rc < 0 ? -rc : CRM_OK;
}

/* The first call of an unknown number: a lead, through the foundation. */
static int new_lead(struct callpull *p, const struct crm_cdr *c, struct row *r, const char *raw,
		    const char *line, int missed)
{
	struct crm_request_in in = { NULL };
	struct crm_request_out out;
	char subject[160], ref[200];
	int rc;

	if (missed)
		snprintf(subject, sizeof subject, "Missed call (%s)%s%s",
			 talked_not(c) ? "answered, nobody talked" : c->disposition,
			 line ? " to " : "", line ? line : "");
	else
		snprintf(subject, sizeof subject, "Incoming call, answered, %ld s%s%s", c->billsec,
			 line ? ", to " : "", line ? line : "");
	snprintf(ref, sizeof ref, "call:%s", r->ref);
	in.channel = "call";
	in.received = r->start;
	in.phone = r->number[0] == '+' ? r->number : NULL;
	in.name = r->number[0] == '+' ? NULL : r->number; /* a local number, as it came */
	in.subject = subject;
	in.source_ref = ref;
	in.raw = raw;
	in.raw_len = raw ? strlen(raw) : 0;
	if ((rc = crm_request_add(p->db, &in, &out)) ||
	    (r->number[0] != '+' &&
	     (rc = crm_point_add(p->db, out.party, 0, "phone", r->number, r->number, NULL))) ||
	    (rc = remember_number(p, r->number, out.party)))
		return rc;
	r->party = out.party;
	r->request = out.request;
	r->task = out.task;
	r->action = "new-lead";
	return CRM_OK;
}

static int incoming(struct callpull *p, const struct crm_cdr *c, struct row *r, const char *raw,
		    const char *line)
{
	int missed = !talked(c);
	char due[CRM_TIME_LEN];
	int64_t user = 0;
	time_t t;
	int rc;

	if (!r->party) {
		if ((rc = new_lead(p, c, r, raw, line, missed)))
			return rc;
	} else {
		r->action = "history";
		if ((rc = task_for(p, "notice", r, NULL, &user)))
			return rc;
	}
	if (!missed)
		return close_callbacks(p, r->party);
	if (talked_not(c))
		snprintf(r->reason, sizeof r->reason, "the dialplan answered, but nobody talked");
	if ((rc = crm_time_parse(r->start, &t)))
		return rc;
	crm_time_format(t + p->due, due);
	r->action = "callback-task";
	return task_for(p, "callback", r, due, &user);
}

static int outgoing(struct callpull *p, const struct crm_cdr *c, struct row *r)
{
	if (!r->party) {
		r->action = "ignored";
		snprintf(r->reason, sizeof r->reason, "number not known");
		return CRM_OK;
	}
	r->action = "history";
	return talked(c) ? close_callbacks(p, r->party) : CRM_OK;
}

/*
 * The other end's number. Regional PBXs deliver local numbers (5 to 7
 * digits) without the area code: local_area_code completes them (+7 8412
 * 214943), and *local is then the number as it came, to find a party that
 * was recorded under it. Without the setting the number stays as it came
 * ("214943", no "+"), and the party's contact point is that: the next call
 * from it finds the same party.
 */
static int read_number(struct callpull *p, const char *n, struct crm_phone *ph,
		       struct crm_phone *local)
{
	size_t len = strlen(n);
	char full[40];

	memset(local, 0, sizeof *local);
	if (crm_phone_normalize(n, p->country, ph) == CRM_OK)
		return CRM_OK;
	if (len < 5 || len > 7 || strspn(n, "0123456789") != len || n[0] == '0')
		return CRM_DATAERR;
	memset(ph, 0, sizeof *ph);
	snprintf(ph->e164, sizeof ph->e164, "%s", n);
	snprintf(ph->tail10, sizeof ph->tail10, "%s", n);
	if (!p->area[0])
		return CRM_OK;
	if (strcmp(p->country, "7") == 0 && strlen(p->area) + len != 10)
		return CRM_DATAERR;
	*local = *ph;
	snprintf(full, sizeof full, "+%s%s%s", p->country, p->area, n);
	return crm_phone_normalize(full, p->country, ph);
}

/* A completed local number nobody has: the party that has it as it came
 * (recorded before local_area_code was set) gets the full number too. */
static int local_party(struct callpull *p, const struct crm_phone *ph,
		       const struct crm_phone *local, int64_t *party)
{
	int rc = party_of(p, local, party);

	if (rc || !*party)
		return rc;
	if ((rc = crm_point_add(p->db, *party, 0, "phone", ph->e164, ph->tail10, NULL)))
		return rc;
	return remember_number(p, ph->e164, *party);
}

/* Inside the batch's transaction: what the call is, and what it makes. */
static int take(struct callpull *p, const struct crm_cdr *c, const char *raw, struct row *r)
{
	int src_ext = is_extension(p, c->src), dst_ext = is_extension(p, c->dst);
	const char *number, *line;
	struct crm_phone ph, local;
	int rc;

	crm_time_format(c->start, r->start);
	snprintf(r->disposition, sizeof r->disposition, "%s", c->disposition ? c->disposition : "");
	r->billsec = c->billsec;
	if (seen(p, r->ref))
		return join(p, c, r);
	extension_of(p, c, r);
	if (src_ext && dst_ext) {
		r->direction = "internal";
		r->action = "ignored";
		snprintf(r->reason, sizeof r->reason, "internal call");
		p->stats->internal++;
		return insert_call(p, c, r, c->dst);
	}
	if ((src_ext || is_own_number(p, c->src)) && !dst_ext) {
		r->direction = "out";
		number = c->dst, line = c->src;
	} else {
		r->direction = "in";
		number = c->src, line = c->did ? c->did : c->dst;
	}
	if (!number || read_number(p, number, &ph, &local) != CRM_OK) {
		r->action = "ignored";
		snprintf(r->reason, sizeof r->reason, "hidden or unreadable number \"%s\"",
			 number ? number : "");
		return insert_call(p, c, r, line);
	}
	snprintf(r->number, sizeof r->number, "%s", ph.e164);
	if (is_own(p, ph.e164)) {
		r->action = "ignored";
		snprintf(r->reason, sizeof r->reason, "the other end is our own number");
		return insert_call(p, c, r, line);
	}
	if ((rc = party_of(p, &ph, &r->party)) ||
	    (local.e164[0] && !r->party && (rc = local_party(p, &ph, &local, &r->party))))
		return rc;
	rc = strcmp(r->direction, "in") == 0 ? incoming(p, c, r, raw, line) : outgoing(p, c, r);
	return rc ? rc : insert_call(p, c, r, line);
}

/* ---- reporting and batches */

static const char *const names[] = { "uniqueid", "start", "direction", "number", "disposition",
				     "billsec", "action", "party", "request", "task", "reason" };

const char *const *crm_call_columns(size_t *n)
{
	*n = sizeof names / sizeof *names;
	return names;
}

static int report(struct callpull *p)
{
	char bs[24], party[24], request[24], task[24];
	const char *v[11];
	size_t i;
	int rc;

	for (i = 0; i < p->nrows; i++) {
		const struct row *r = &p->rows[i];

		snprintf(bs, sizeof bs, "%ld", r->billsec);
		snprintf(party, sizeof party, "%lld", (long long)r->party);
		snprintf(request, sizeof request, "%lld", (long long)r->request);
		snprintf(task, sizeof task, "%lld", (long long)r->task);
		v[0] = r->ref, v[1] = r->start[0] ? r->start : NULL, v[2] = r->direction;
		v[3] = r->number[0] ? r->number : NULL, v[4] = r->disposition[0] ? r->disposition : NULL;
		v[5] = r->start[0] ? bs : NULL, v[6] = r->action;
		v[7] = r->party ? party : NULL, v[8] = r->request ? request : NULL;
		v[9] = r->task ? task : NULL, v[10] = r->reason[0] ? r->reason : NULL;
		if (p->fn && (rc = p->fn(p->arg, 11, names, v)))
			return rc;
	}
	p->nrows = 0;
	return CRM_OK;
}

static int quarantine(struct callpull *p, struct crm_cdr_reader *rd, struct row *r)
{
	const char *raw = crm_cdr_raw(rd);

	snprintf(r->reason, sizeof r->reason, "%s", crm_error_message());
	r->action = "quarantined";
	p->stats->quarantined++;
	return crm_quarantine_add(p->db, p->label, raw, raw ? strlen(raw) : 0, r->reason, NULL);
}

/* One record of the reader into p->rows; CRM_NOMATCH at the end. */
static int next(struct callpull *p, struct crm_cdr_reader *rd)
{
	struct row *r = &p->rows[p->nrows];
	int64_t start = crm_cdr_position(rd);
	struct crm_cdr c;
	int rc = crm_cdr_next(rd, &c);
	char *hash;

	if (rc == CRM_NOMATCH)
		return rc;
	memset(r, 0, sizeof *r);
	r->direction = NULL;
	p->nrows++;
	if (rc == CRM_DATAERR) {
		snprintf(r->ref, sizeof r->ref, "line %lu", crm_cdr_line(rd));
		if (p->base >= 0) /* lines count from where this run began: say where */
			crm_error_prefix("%s, byte %lld", p->label,
					 (long long)(p->base + start));
		return quarantine(p, rd, r);
	}
	if (rc)
		return rc;
	p->stats->calls++;
	if (c.uniqueid) {
		snprintf(r->leg, sizeof r->leg, "%s", c.uniqueid);
	} else if ((hash = crm_message_hash_id(crm_cdr_raw(rd), strlen(crm_cdr_raw(rd))))) {
		snprintf(r->leg, sizeof r->leg, "%s", hash); /* no uniqueid: the line's bytes */
		free(hash);
	}
	/* The legs of one call (ring group, queue) share its linkedid. */
	snprintf(r->ref, sizeof r->ref, "%s", c.linkedid ? c.linkedid : r->leg);
	return take(p, &c, crm_cdr_raw(rd), r);
}

/* Batches of lines, each with the cursor that follows it in one transaction. */
static int run_reader(struct callpull *p, struct crm_cdr_reader *rd,
		      int (*save)(struct callpull *p, struct crm_cdr_reader *rd, void *arg),
		      void *arg)
{
	int rc = CRM_OK, end = 0;

	while (rc == CRM_OK && !end) {
		/* A pipe whose writer is slow must not keep the database locked:
		 * a batch begins when there is input, and ends when it runs dry. */
		crm_cdr_ready(rd, 1);
		if ((rc = crm_db_begin(p->db)))
			break;
		rc = memo_check(p);
		while (rc == CRM_OK && p->nrows < p->batch && (rc = next(p, rd)) == CRM_OK &&
		       crm_cdr_ready(rd, 0))
			;
		end = rc == CRM_NOMATCH;
		if (end)
			rc = CRM_OK;
		if (rc == CRM_OK && save && !p->o->dry_run)
			rc = save(p, rd, arg);
		rc = crm_db_end(p->db, rc, p->o->dry_run);
		if (rc != CRM_OK || p->o->dry_run)
			memo_forget(p); /* it learnt what is no longer so */
		if (rc == CRM_OK)
			rc = report(p);
		if (p->o->progress)
			p->o->progress(p->o->progress_arg, p->stats->calls + p->stats->quarantined);
	}
	return rc;
}

/* ---- sources */

static int save_file(struct callpull *p, struct crm_cdr_reader *rd, void *arg)
{
	const struct crm_file_part *f = arg;

	return crm_file_cursor_put(p->db, p->label, f, f->offset + crm_cdr_position(rd));
}

/* Read one file from where the part starts, saving the cursor as it goes. */
static int read_file(struct callpull *p, struct crm_file_part *f)
{
	struct crm_cdr_reader *rd;
	FILE *in = fopen(f->path, "r");
	int rc;

	p->base = f->offset;
	if (!in)
		return crm_error_set(errno == ENOENT ? CRM_NOINPUT : CRM_IOERR, "%s: %s", f->path,
				     strerror(errno));
	if (f->offset && fseeko(in, f->offset, SEEK_SET) != 0) {
		fclose(in);
		return crm_error_set(CRM_IOERR, "%s: %s", f->path, strerror(errno));
	}
	if ((rc = crm_cdr_open_csv(in, p->o->columns, p->o->utc, &rd)) == CRM_OK &&
	    (rc = crm_cdr_charset(rd, p->charset)) == CRM_OK) {
		rc = run_reader(p, rd, save_file, f);
		crm_cdr_close(rd);
	}
	fclose(in);
	return rc;
}

/* The file from its cursor on, and first the one it was rotated to, if it was. */
static int pull_file(struct callpull *p)
{
	struct crm_file_part part[2];
	size_t i, n;
	int rc = crm_file_parts(p->db, p->label, part, &n);

	for (i = 0; rc == CRM_OK && i < n; i++)
		rc = read_file(p, &part[i]);
	return rc;
}

static int save_id(struct callpull *p, struct crm_cdr_reader *rd, void *arg)
{
	char state[32];

	snprintf(state, sizeof state, "%lld", (long long)crm_cdr_position(rd));
	return crm_cursor_put(p->db, p->label, state);
}

static int pull_mikopbx(struct callpull *p, const char *path)
{
	struct crm_cdr_reader *rd;
	char state[32];
	int rc = crm_cursor_get(p->db, p->label, state, sizeof state);

	if (rc || (rc = crm_cdr_open_mikopbx(path, atoll(state), p->o->utc, &rd)))
		return rc;
	rc = run_reader(p, rd, save_id, NULL);
	crm_cdr_close(rd);
	return rc;
}

static int pull_stream(struct callpull *p)
{
	struct crm_cdr_reader *rd;
	int rc = crm_cdr_open_csv(p->o->in ? p->o->in : stdin, p->o->columns, p->o->utc, &rd);

	if (rc || (rc = crm_cdr_charset(rd, p->charset))) {
		crm_cdr_close(rd);
		return rc;
	}
	crm_cdr_final(rd); /* no next run: a last line without its newline counts */
	rc = run_reader(p, rd, NULL, NULL); /* no cursor: the uniqueids keep calls once */
	crm_cdr_close(rd);
	return rc;
}

/* The source's name for bookkeeping: a file by its absolute path. */
static int label(struct callpull *p)
{
	const char *s = p->o->source;
	char buf[PATH_MAX];

	if (strncmp(s, "mikopbx:", 8) == 0)
		s += 8;
	else if (strcmp(s, "-") == 0)
		return (p->label = strdup("-")) ? CRM_OK : crm_error_set(CRM_SOFTWARE, "out of memory");
	if (!realpath(s, buf))
		return crm_error_set(errno == ENOENT ? CRM_NOINPUT : CRM_IOERR, "%s: %s", s,
				     strerror(errno));
	if (strncmp(p->o->source, "mikopbx:", 8) == 0)
		return asprintf(&p->label, "mikopbx:%s", buf) < 0 ? CRM_SOFTWARE : CRM_OK;
	return (p->label = strdup(buf)) ? CRM_OK : crm_error_set(CRM_SOFTWARE, "out of memory");
}

int crm_call_pull(struct crm_db *db, const struct crm_call_opts *o, crm_row_fn *fn, void *arg,
		  struct crm_call_stats *stats)
{
	struct callpull p = { .db = db, .o = o, .fn = fn, .arg = arg, .stats = stats, .base = -1 };
	int lock = -1, rc;
	size_t i;

	memset(stats, 0, sizeof *stats);
	if ((rc = crm_user_require(db, CRM_ROLE_ANY & ~CRM_ROLE_WAREHOUSE, "recording calls")) ||
	    (rc = label(&p)) || (rc = load_settings(&p)))
		goto out;
	p.numbers = crm_map_new(sizeof(int64_t));
	p.parties = crm_map_new(sizeof(struct party_memo));
	p.batch = o->batch ? o->batch : BATCH;
	if (!(p.rows = calloc(p.batch + 1, sizeof *p.rows)) || !p.numbers || !p.parties) {
		rc = crm_error_set(CRM_SOFTWARE, "out of memory");
		goto out;
	}
	if (strcmp(p.label, "-") != 0 && (rc = crm_source_lock(db, "callpull", p.label, &lock)))
		goto out;
	if (strcmp(p.label, "-") == 0)
		rc = pull_stream(&p);
	else if (strncmp(p.label, "mikopbx:", 8) == 0)
		rc = pull_mikopbx(&p, p.label + 8);
	else
		rc = pull_file(&p);
	if (rc == CRM_OK && stats->calls + stats->quarantined == 0 && fn)
		rc = fn(arg, 11, names, NULL); /* nothing new: the header alone */
out:
	if (lock >= 0)
		close(lock);
	if (p.has_ext)
		regfree(&p.ext);
	for (i = 0; i < p.nown; i++)
		free(p.own[i]);
	free(p.own);
	free(p.rows);
	crm_map_free(p.numbers);
	crm_map_free(p.parties);
	free(p.label);
	free(p.charset);
	return rc;
}
