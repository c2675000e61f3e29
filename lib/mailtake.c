/*
 * mailtake.c: one message of e-mail intake, exactly once: the step every
 * mailbox driver (mailbox.c, imap.c, pop3.c) calls for each message it
 * reads. Each message is taken in its own transaction: recorded in mail_seen
 * under its Message-ID (or a hash of its bytes), and turned into a request,
 * skipped as an auto-reply, or put in quarantine. Only after the commit does
 * the driver mark it on the server (IMAP \Seen or moved, POP3 deleted on
 * request, maildir moved to cur/ with the S flag), so a crash at any point
 * loses nothing, and a re-run finds the message in mail_seen and does not
 * take it twice. The run's bookkeeping (its cursor, progress and --limit)
 * is here too, so that the drivers call down only.
 */
#include <stdlib.h>
#include <string.h>

#include "mail-private.h"

/* ---- bookkeeping in the database */

int crm_mail_seen_uid(struct crm_mail_run *p, const char *uid)
{
	sqlite3_stmt *st = crm_stmt(p->db, "SELECT 1 FROM mail_box WHERE source = ? AND uid = ?");
	int64_t one;

	if (!st || !uid)
		return 0;
	sqlite3_bind_text(st, 1, p->src.label, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, uid, -1, SQLITE_STATIC);
	return crm_query_id(p->db, st, &one) == CRM_OK;
}

/* Has a message with this ref been taken before? */
static int seen_ref(struct crm_mail_run *p, const char *ref)
{
	sqlite3_stmt *st = crm_stmt(p->db, "SELECT 1 FROM mail_seen WHERE ref = ?");
	int64_t one;

	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	return crm_query_id(p->db, st, &one) == CRM_OK;
}

/* The party of a thread we hold: that of the first id that is one of our
 * requests (taken from mail, or typed in with its Message-ID). */
static int64_t thread_party(struct crm_mail_run *p, const struct crm_message *m)
{
	const char *lists[2] = { m->in_reply_to, m->references };
	sqlite3_stmt *st;
	char ref[1024];
	int64_t party = 0;
	int i;

	for (i = 0; i < 2 && !party; i++) {
		const char *s = lists[i];
		size_t n;

		while (s && *s && !party) {
			s += strspn(s, " \t\r\n");
			n = strcspn(s, " \t\r\n");
			if (n && n < sizeof ref - 2) {
				snprintf(ref, sizeof ref, "<%.*s>", (int)n, s);
				st = crm_stmt(p->db, "SELECT party_id FROM request WHERE source_ref = ?");
				if (st) {
					sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
					if (crm_query_id(p->db, st, &party) != CRM_OK)
						party = 0;
				}
			}
			s += n;
		}
	}
	return party;
}

static int record(struct crm_mail_run *p, const char *ref, const char *action, const char *parser,
		  const char *reason, int64_t request, int64_t quarantine)
{
	sqlite3_stmt *st = crm_stmt(p->db, "INSERT INTO mail_seen (ref, source, action, parser,"
					  " reason, request_id, quarantine_id) VALUES (?, ?, ?, ?, ?, ?, ?)");

	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, ref);
	crm_bind_text(st, 2, p->src.label);
	crm_bind_text(st, 3, action);
	crm_bind_text(st, 4, parser);
	crm_bind_text(st, 5, reason);
	crm_bind_id(st, 6, request);
	crm_bind_id(st, 7, quarantine);
	return crm_stmt_done(p->db, st);
}

/* Where the message was read, so this mailbox is not read again for it. */
static int record_uid(struct crm_mail_run *p, const char *uid, const char *ref)
{
	sqlite3_stmt *st = crm_stmt(p->db, "INSERT INTO mail_box (source, uid, ref) VALUES (?, ?, ?)"
					  " ON CONFLICT (source, uid) DO NOTHING");

	if (!uid)
		return CRM_OK;
	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, p->src.label);
	crm_bind_text(st, 2, uid);
	crm_bind_text(st, 3, ref);
	return crm_stmt_done(p->db, st);
}

/* ---- one message */

struct outcome {
	char *ref;
	const char *action, *parser;
	char reason[512];
	int64_t party, request;
};

static const char *const row_names[] = { "message_id", "action", "party", "request", "parser",
					 "reason" };

const char *const *crm_mail_columns(size_t *n)
{
	*n = sizeof row_names / sizeof *row_names;
	return row_names;
}

static int emit(struct crm_mail_run *p, const struct outcome *r)
{
	char party[24], request[24];
	const char *v[6];

	snprintf(party, sizeof party, "%lld", (long long)r->party);
	snprintf(request, sizeof request, "%lld", (long long)r->request);
	v[0] = r->ref, v[1] = r->action, v[2] = r->party ? party : NULL;
	v[3] = r->request ? request : NULL, v[4] = r->parser, v[5] = r->reason[0] ? r->reason : NULL;
	p->emitted++;
	return p->fn ? p->fn(p->arg, 6, row_names, v) : CRM_OK;
}

/* The body, with the attachments listed after it. */
static char *body_with_attachments(const char *text, const struct crm_message *m)
{
	char *b = NULL, *next;
	size_t i;

	if (asprintf(&b, "%s", text ? text : "") < 0)
		return NULL;
	for (i = 0; i < m->nattachments; i++) {
		const struct crm_attachment *a = &m->attachments[i];

		if (asprintf(&next, "%s%s[attachment] %s (%s, %zu bytes)", b,
			     i == 0 ? "\n\n" : "\n", a->name ? a->name : "(no name)",
			     a->type ? a->type : "application/octet-stream", a->size) < 0) {
			free(b);
			return NULL;
		}
		free(b);
		b = next;
	}
	return b;
}

static const char *channel_of(const char *parser)
{
	return strcmp(parser, "form") == 0 ? "web" : strcmp(parser, "jivo") == 0 ? "chat" : "mail";
}

/* What the parser of the rules makes of m: the sender, and the text with
 * its attachments named (*body, for the caller to free). */
static int read_sender(struct crm_mail_run *p, const struct crm_message *m, const char *parser,
		       struct crm_sender *s, char **body)
{
	int rc;

	if ((rc = crm_sender_read_rules(parser, p->rules, m, s)))
		return rc;
	if (!(*body = body_with_attachments(s->text ? s->text : m->text, m))) {
		crm_sender_clear(s);
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	}
	return CRM_OK;
}

/* Make the request; data the foundation refuses goes to quarantine instead. */
static int to_request(struct crm_mail_run *p, const struct crm_message *m, const char *raw, size_t len,
		      struct outcome *r)
{
	struct crm_sender s = { NULL };
	struct crm_request_in in = { NULL };
	struct crm_request_out out;
	char *body = NULL;
	int rc;

	if (!r->parser)
		r->parser = crm_mailrules_match(p->rules, m);
	if ((rc = read_sender(p, m, r->parser, &s, &body)))
		return rc;
	in.channel = channel_of(r->parser);
	in.received = m->date;
	in.name = s.name;
	in.company = s.company;
	in.phone = s.phone;
	in.email = s.email;
	in.subject = m->subject;
	in.body = body;
	in.source_ref = r->ref;
	in.raw = raw;
	in.raw_len = len;
	in.party = thread_party(p, m);
	rc = crm_request_add(p->db, &in, &out);
	if (rc == CRM_OK) {
		r->action = out.action;
		r->party = out.party;
		r->request = out.request;
	}
	crm_sender_clear(&s);
	free(body);
	return rc;
}

/* to_request, undone as a whole when the data is refused. */
static int to_request_once(struct crm_mail_run *p, const struct crm_message *m, const char *raw,
			   size_t len, struct outcome *r)
{
	int rc = crm_db_savepoint(p->db);

	if (rc)
		return rc;
	return crm_db_end_savepoint(p->db, to_request(p, m, raw, len, r));
}

/* Why the rules say a machine sent m (a "skip" rule matched), or NULL;
 * the parser they pick is kept in r either way. */
static const char *skip_rule(struct crm_mail_run *p, const struct crm_message *m, struct outcome *r)
{
	const char *rule;

	r->parser = crm_mailrules_pick(p->rules, m, &rule);
	if (strcmp(r->parser, "skip") != 0)
		return NULL;
	snprintf(r->reason, sizeof r->reason, "mailrules: %s", rule ? rule : "*");
	return r->reason;
}

/* Decide what the message is, inside the open transaction. */
static int take(struct crm_mail_run *p, const char *uid, const char *raw, size_t len, struct outcome *r)
{
	struct crm_message *m = NULL;
	const char *why;
	int64_t q = 0;
	int rc = crm_message_parse(raw, len, &m);

	if (rc == CRM_OK && m->message_id && asprintf(&r->ref, "<%s>", m->message_id) < 0)
		r->ref = NULL;
	else if (rc != CRM_OK || !m->message_id)
		r->ref = crm_message_hash_id(raw, len);
	if (!r->ref) {
		crm_message_free(m);
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	}
	if (seen_ref(p, r->ref)) {
		r->action = "duplicate";
	} else if (rc != CRM_OK) {
		snprintf(r->reason, sizeof r->reason, "%s", crm_error_message());
		r->action = "quarantined";
	} else if ((why = crm_message_automatic(m)) || (why = skip_rule(p, m, r))) {
		if (why != r->reason)
			snprintf(r->reason, sizeof r->reason, "%s", why);
		r->action = "skipped-autoreply";
	} else if ((rc = to_request_once(p, m, raw, len, r)) == CRM_DATAERR) {
		snprintf(r->reason, sizeof r->reason, "%s", crm_error_message());
		r->action = "quarantined";
	} else if (rc != CRM_OK) {
		crm_message_free(m);
		return rc;
	}
	if (m && m->warning && p->o->warn && strcmp(r->action, "duplicate") != 0)
		p->o->warn(p->o->warn_arg, r->ref, m->warning);
	crm_message_free(m);
	if ((rc = record_uid(p, uid, r->ref)) || strcmp(r->action, "duplicate") == 0)
		return rc;
	if (strcmp(r->action, "quarantined") == 0 &&
	    (rc = crm_quarantine_add(p->db, p->src.label, raw, len, r->reason, &q)))
		return rc;
	return record(p, r->ref, r->action, r->parser, r->reason[0] ? r->reason : NULL, r->request,
		      q);
}

/* The end of one message's transaction, begun by the caller and rc so far:
 * commit (not on a dry run) or roll back, count, print, remember its ref. */
static int end_one(struct crm_mail_run *p, int rc, struct outcome *r, int *done)
{
	if ((rc = crm_db_end(p->db, rc, p->o->dry_run)) == CRM_OK) {
		*done = !p->o->dry_run;
		p->stats->messages++;
		if (strcmp(r->action, "quarantined") == 0)
			p->stats->quarantined++;
		rc = emit(p, r);
	}
	free(p->last_ref);
	p->last_ref = r->ref;
	return rc;
}

/* One message in its own transaction; *done tells whether it may now be
 * marked on the server (not on a dry run). */
int crm_mail_take(struct crm_mail_run *p, const char *uid, const char *raw, size_t len,
		  int *done)
{
	struct outcome r = { NULL };
	int rc;

	*done = 0;
	if (uid && crm_mail_seen_uid(p, uid)) { /* taken by an earlier run, not yet marked */
		*done = !p->o->dry_run;
		return CRM_OK;
	}
	if ((rc = crm_db_begin(p->db)))
		return rc;
	rc = take(p, uid, raw, len, &r);
	return end_one(p, rc, &r, done);
}

/* The stored copy of a message taken as ref: its request and raw bytes. */
static int stored_copy(struct crm_mail_run *p, const char *ref, int64_t *request, char **raw,
		       size_t *len)
{
	sqlite3_stmt *st = crm_stmt(p->db, "SELECT s.request_id, coalesce(r.raw, q.raw)"
					  " FROM mail_seen s LEFT JOIN request r ON r.id = s.request_id"
					  " LEFT JOIN quarantine q ON q.id = s.quarantine_id"
					  " WHERE s.ref = ?");
	int rc;

	*raw = NULL, *len = 0, *request = 0;
	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, ref);
	if ((rc = crm_stmt_row(p->db, st)) == 1) {
		*request = sqlite3_column_int64(st, 0);
		*len = sqlite3_column_bytes(st, 1);
		if ((*raw = malloc(*len + 1)) && *len)
			memcpy(*raw, sqlite3_column_blob(st, 1), *len);
	}
	sqlite3_reset(st);
	if (rc < 0)
		return -rc;
	return rc == 1 && !*raw ? crm_error_set(CRM_SOFTWARE, "out of memory") : CRM_OK;
}

/* Give request the whole message m, which is longer than its first copy. */
static int update_request(struct crm_mail_run *p, int64_t request, const struct crm_message *m,
			  const char *raw, size_t len, struct outcome *r)
{
	struct crm_sender s = { NULL };
	sqlite3_stmt *st;
	char *body;
	int rc;

	r->parser = crm_mailrules_match(p->rules, m);
	if ((rc = read_sender(p, m, r->parser, &s, &body)))
		return rc;
	st = crm_stmt(p->db, "UPDATE request SET source_ref = ?, subject = ?, body = ?, raw = ?,"
			     " name = coalesce(name, ?), company = coalesce(company, ?),"
			     " phone = coalesce(phone, ?), email = coalesce(email, ?), updated = crm_now()"
			     " WHERE id = ? RETURNING party_id");
	if (!st) {
		rc = CRM_SOFTWARE;
	} else {
		crm_bind_text(st, 1, r->ref);
		crm_bind_text(st, 2, m->subject);
		crm_bind_text(st, 3, body);
		sqlite3_bind_blob(st, 4, raw, (int)len, SQLITE_STATIC);
		crm_bind_text(st, 5, s.name);
		crm_bind_text(st, 6, s.company);
		crm_bind_text(st, 7, s.phone);
		crm_bind_text(st, 8, s.email);
		crm_bind_id(st, 9, request);
		rc = crm_query_id(p->db, st, &r->party);
	}
	crm_sender_clear(&s);
	free(body);
	r->request = request;
	r->action = "updated";
	return rc;
}

/* Run sql with up to three texts bound. */
static int run_sql(struct crm_mail_run *p, const char *sql, const char *a, const char *b,
		  const char *c)
{
	sqlite3_stmt *st = crm_stmt(p->db, sql);

	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, a);
	if (b)
		crm_bind_text(st, 2, b);
	if (c)
		crm_bind_text(st, 3, c);
	return crm_stmt_done(p->db, st);
}

/* The retake inside its transaction: *fresh says the old copy had no
 * request or is not the start of this one, so the message is new. */
static int retake(struct crm_mail_run *p, const char *old, const char *raw, size_t len,
		  struct outcome *r, int *fresh)
{
	struct crm_message *m = NULL;
	int64_t request;
	char *copy;
	size_t n;
	int rc = stored_copy(p, old, &request, &copy, &n);

	*fresh = 1;
	if (rc)
		return rc;
	while (n > 0 && (copy[n - 1] == '\n' || copy[n - 1] == '\r'))
		n--;
	if (copy && n <= len && memcmp(copy, raw, n) == 0 && !request) {
		rc = run_sql(p, "DELETE FROM mail_seen WHERE ref = ?", old, NULL, NULL);
	} else if (copy && n <= len && memcmp(copy, raw, n) == 0) {
		*fresh = 0;
		if ((rc = crm_message_parse(raw, len, &m)) == CRM_OK) {
			r->ref = m->message_id ? NULL : crm_message_hash_id(raw, len);
			if (m->message_id && asprintf(&r->ref, "<%s>", m->message_id) < 0)
				r->ref = NULL;
			rc = !r->ref ? crm_error_set(CRM_SOFTWARE, "out of memory")
				     : update_request(p, request, m, raw, len, r);
		}
		if (rc == CRM_OK)
			rc = run_sql(p, "UPDATE mail_seen SET ref = ?, parser = ? WHERE ref = ?",
				    r->ref, r->parser, old);
	}
	crm_message_free(m);
	free(copy);
	return rc;
}

int crm_mail_retake(struct crm_mail_run *p, const char *old, const char *raw, size_t len,
		    int *done)
{
	struct outcome r = { NULL };
	int rc, fresh = 1;

	*done = 0;
	if ((rc = crm_db_begin(p->db)))
		return rc;
	rc = retake(p, old, raw, len, &r, &fresh);
	if (rc == CRM_OK && fresh)
		rc = take(p, NULL, raw, len, &r);
	return end_one(p, rc, &r, done);
}

int crm_mail_limit_reached(struct crm_mail_run *p)
{
	return p->o->limit > 0 && p->stats->messages >= (unsigned long)p->o->limit;
}

void crm_mail_progress(struct crm_mail_run *p, unsigned long i, unsigned long n)
{
	if (p->o->progress)
		p->o->progress(p->o->progress_arg, i, n);
}

int crm_mail_cursor_get(struct crm_mail_run *p, char *state, size_t size)
{
	return crm_cursor_get(p->db, p->src.label, state, size);
}

int crm_mail_cursor_set(struct crm_mail_run *p, const char *state)
{
	int rc;

	if (p->o->dry_run)
		return CRM_OK;
	if ((rc = crm_db_begin(p->db)))
		return rc;
	return crm_db_end(p->db, crm_cursor_put(p->db, p->src.label, state), 0);
}

int crm_mail_run_end(struct crm_mail_run *p, int rc)
{
	free(p->last_ref);
	p->last_ref = NULL;
	if (rc == CRM_OK && !p->emitted && p->fn) /* nothing new: the header alone */
		rc = p->fn(p->arg, 6, row_names, NULL);
	return rc;
}
