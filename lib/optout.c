/*
 * optout.c: opt-outs from MailChimp. Its "unsubscribed" and "cleaned"
 * exports are CSV files with an "Email Address" column; every address in
 * them is marked opted out here, with the date and where it came from, so
 * that no later export mails it again. libcsv reads the quoting.
 */
#include <csv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crm-private.h"

struct reader {
	struct crm_db *db;
	const char *source;
	crm_row_fn *fn;
	void *arg;
	long col;          /* the e-mail column, -1 until the header is read */
	long field;        /* the field number within the current record */
	unsigned long line;
	struct crm_optout_stats *stats;
	char *email;       /* this record's address */
	int rc;
};

static int is_email_header(const char *s, size_t n)
{
	static const char *const names[] = { "Email Address", "Email", "E-mail", "E-mail Address" };
	size_t i;

	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) /* a UTF-8 BOM */
		s += 3, n -= 3;
	while (n && *s == ' ')
		s++, n--;
	while (n && s[n - 1] == ' ')
		n--;
	for (i = 0; i < sizeof names / sizeof *names; i++)
		if (strlen(names[i]) == n && strncasecmp(s, names[i], n) == 0)
			return 1;
	return 0;
}

static void on_field(void *data, size_t n, void *p)
{
	struct reader *r = p;
	const char *s = data;

	if (r->col < 0 && r->line == 1 && s && is_email_header(s, n))
		r->col = r->field;
	else if (r->field == r->col && !r->email && s)
		r->email = strndup(s, n);
	r->field++;
}

/* Mark one address; report what happened. */
static int opt_out(struct reader *r)
{
	static const char *const names[] = { "email", "party", "action" };
	sqlite3_stmt *st;
	char *e = NULL, party[24] = "";
	const char *v[3], *action = "unknown";
	int rc, already;

	if (crm_email_normalize(r->email, &e) != CRM_OK) {
		v[0] = r->email, v[1] = NULL, v[2] = "invalid";
		r->stats->invalid++;
		return r->fn ? r->fn(r->arg, 3, names, v) : CRM_OK;
	}
	st = crm_stmt(r->db, "SELECT party_id, opt_out FROM contact_point WHERE kind = 'email'"
			     " AND value = ?");
	if (!st) {
		free(e);
		return CRM_SOFTWARE;
	}
	sqlite3_bind_text(st, 1, e, -1, SQLITE_TRANSIENT);
	if ((rc = crm_stmt_row(r->db, st)) == 1) {
		snprintf(party, sizeof party, "%lld", (long long)sqlite3_column_int64(st, 0));
		already = sqlite3_column_int(st, 1);
		sqlite3_reset(st);
		action = already ? "already" : "opted-out";
		if (!already && !(st = crm_stmt(r->db, "UPDATE contact_point SET opt_out = 1,"
						       " opt_out_at = crm_now(), opt_out_source = ?2"
						       " WHERE kind = 'email' AND value = ?1")))
			rc = -CRM_SOFTWARE;
		else if (!already) {
			sqlite3_bind_text(st, 1, e, -1, SQLITE_TRANSIENT);
			crm_bind_text(st, 2, r->source);
			rc = crm_stmt_done(r->db, st) ? -CRM_SOFTWARE : 1;
		}
	}
	sqlite3_reset(st);
	v[0] = e, v[1] = party[0] ? party : NULL, v[2] = action;
	r->stats->opted_out += !strcmp(action, "opted-out");
	r->stats->already += !strcmp(action, "already");
	r->stats->unknown += !strcmp(action, "unknown");
	if (rc >= 0 && r->fn)
		rc = r->fn(r->arg, 3, names, v) ? -CRM_IOERR : 0;
	free(e);
	return rc < 0 ? -rc : CRM_OK;
}

static void on_record(int c, void *p)
{
	struct reader *r = p;

	if (r->line == 1 && r->col < 0)
		r->rc = crm_error_set(CRM_DATAERR,
				      "line 1: no \"Email Address\" column (is this a MailChimp export?)");
	else if (r->line > 1 && r->rc == CRM_OK && r->email && *r->email)
		r->rc = opt_out(r);
	free(r->email);
	r->email = NULL;
	r->field = 0;
	r->line++;
}

int crm_optout_import(struct crm_db *db, FILE *csv, const char *source, crm_row_fn *fn,
		      void *arg, struct crm_optout_stats *stats)
{
	struct reader r = { db, source, fn, arg, -1, 0, 1, stats, NULL, CRM_OK };
	struct csv_parser p;
	char buf[65536];
	size_t n;
	int rc;

	memset(stats, 0, sizeof *stats);
	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN | CRM_ROLE_HEAD | CRM_ROLE_MARKETER,
				   "recording unsubscribes")))
		return rc;
	if (csv_init(&p, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI) != 0)
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	while (r.rc == CRM_OK && (n = fread(buf, 1, sizeof buf, csv)) > 0)
		if (csv_parse(&p, buf, n, on_field, on_record, &r) != n)
			r.rc = crm_error_set(CRM_DATAERR, "line %lu: %s", r.line,
					     csv_strerror(csv_error(&p)));
	if (r.rc == CRM_OK && ferror(csv))
		r.rc = crm_error_set(CRM_IOERR, "cannot read the file");
	if (r.rc == CRM_OK && csv_fini(&p, on_field, on_record, &r) != 0)
		r.rc = crm_error_set(CRM_DATAERR, "line %lu: a quote that never closes", r.line);
	csv_free(&p);
	free(r.email);
	if (r.rc == CRM_OK && r.line == 1)
		r.rc = crm_error_set(CRM_DATAERR, "empty file: no header line");
	return r.rc;
}
