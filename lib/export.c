/*
 * export.c: a segment of parties written out for marketing, in one of
 * three profiles: "contacts" (a row per party, all we know), "mailchimp"
 * (a row per e-mail address in MailChimp's columns; opted-out addresses are
 * never there) and "calls" (a row per phone number, for telemarketing, with
 * the party's id so the list can become call tasks). The rows stream from
 * SQLite into a crm_sheet, so a million contacts take no more memory than ten.
 */
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

/* The party's latest request, note or call: its last entry in the history
 * view (0003-calls), taken from each of the view's tables by the party's
 * index. Read through the view, the UNION ALL was scanned whole for every
 * party (SQLite pushes no correlated term into it): quadratic. */
#define LAST_CONTACT \
	"(SELECT max(x.at) FROM (SELECT max(r.received) AS at FROM request r WHERE r.party_id = p.id" \
	" UNION ALL SELECT max(i.at) FROM interaction i WHERE i.party_id = p.id" \
	" UNION ALL SELECT max(c.start) FROM call c WHERE c.party_id = p.id" \
	"  AND c.request_id IS NULL) x)"
/* The segment as one condition on party p: ?1 kind, ?2 dept id, ?3 owner
 * id, ?4 tag, ?5 created since, ?6 last contact before, ?7 has e-mail,
 * ?8 has phone, ?9 with junk. Values are bound, never pasted. A lead whose
 * every request is junk never was one: it is left out unless ?9. */
#define SEGMENT \
	" (?1 IS NULL OR p.kind = ?1) AND (?2 IS NULL OR p.dept_id = ?2)" \
	" AND (?3 IS NULL OR p.owner_id = ?3)" \
	" AND (?4 IS NULL OR instr(',' || replace(coalesce(p.tags, ''), ', ', ',') || ',', ',' || ?4 || ',') > 0)" \
	" AND (?5 IS NULL OR p.created >= ?5)" \
	" AND (?6 IS NULL OR coalesce(" LAST_CONTACT ", p.created) < ?6)" \
	" AND (?7 = 0 OR EXISTS (SELECT 1 FROM contact_point e WHERE e.party_id = p.id" \
	"  AND e.kind = 'email' AND e.opt_out = 0))" \
	" AND (?8 = 0 OR EXISTS (SELECT 1 FROM contact_point t WHERE t.party_id = p.id" \
	"  AND t.kind = 'phone' AND t.opt_out = 0))" \
	" AND (?9 = 1 OR p.kind <> 'lead'" \
	"  OR NOT EXISTS (SELECT 1 FROM request j WHERE j.party_id = p.id AND j.status = 'junk')" \
	"  OR EXISTS (SELECT 1 FROM request j WHERE j.party_id = p.id AND j.status <> 'junk'))"
#define OPEN_REQUESTS \
	"(SELECT count(*) FROM request r WHERE r.party_id = p.id" \
	" AND r.status IN ('new', 'routed', 'assigned'))"

/* Phones, addresses and opted-out ones in one pass over the party's
 * contact points (three subqueries took three), grouped by party. */
static const char contacts_sql[] =
	"SELECT p.id, p.kind, p.name, p.legal_name, p.inn, p.kpp, p.address,"
	" (SELECT group_concat(c.name, ', ') FROM contact c WHERE c.party_id = p.id),"
	" group_concat(CASE WHEN cp.kind = 'phone' AND cp.opt_out = 0 THEN cp.value END, ', '),"
	" group_concat(CASE WHEN cp.kind = 'email' AND cp.opt_out = 0 THEN cp.value END, ', '),"
	" group_concat(CASE WHEN cp.opt_out = 1 THEN cp.value END, ', '),"
	" (SELECT d.name FROM dept d WHERE d.id = p.dept_id),"
	" (SELECT u.login FROM users u WHERE u.id = p.owner_id),"
	" p.tags, p.needs, p.created, " LAST_CONTACT ", " OPEN_REQUESTS
	" FROM party p LEFT JOIN contact_point cp ON cp.party_id = p.id"
	" WHERE" SEGMENT " GROUP BY p.id ORDER BY p.id";
static const char *const contacts_names[] = {
	"party", "kind", "company", "legal_name", "inn", "kpp", "address", "contacts", "phones",
	"emails", "opted_out", "dept", "manager", "tags", "needs", "created", "last_contact",
	"open_requests"
};
static const enum crm_cell contacts_kinds[] = {
	CRM_CELL_NUMBER, CRM_CELL_TEXT, CRM_CELL_TEXT, CRM_CELL_TEXT, CRM_CELL_TEXT,
	CRM_CELL_TEXT, CRM_CELL_TEXT, CRM_CELL_TEXT, CRM_CELL_TEXT, CRM_CELL_TEXT,
	CRM_CELL_TEXT, CRM_CELL_TEXT, CRM_CELL_TEXT, CRM_CELL_TEXT, CRM_CELL_TEXT,
	CRM_CELL_DATE, CRM_CELL_DATE, CRM_CELL_NUMBER
};

/* The company of a party that may be a person. A lead takes its name from
 * the sender's company, else from the sender's name (which is also its
 * contact's), else from the address or number: a name that is one of its
 * contacts' names or its own contact point is a person's, and the company
 * is then the legal name, if one distinct from it was filled in. */
#define COMPANY \
	"CASE WHEN EXISTS (SELECT 1 FROM contact c WHERE c.party_id = p.id AND c.name = p.name)" \
	" OR EXISTS (SELECT 1 FROM contact_point x WHERE x.party_id = p.id AND x.value = p.name)" \
	" THEN CASE WHEN p.legal_name <> p.name THEN p.legal_name END ELSE p.name END"

/* One row per address: its own contact's name, else the party's first. */
static const char mailchimp_sql[] =
	"SELECT e.value, coalesce((SELECT c.name FROM contact c WHERE c.id = e.contact_id),"
	" (SELECT c.name FROM contact c WHERE c.party_id = p.id ORDER BY c.id LIMIT 1)),"
	" (SELECT t.value FROM contact_point t WHERE t.party_id = p.id AND t.kind = 'phone'"
	"  AND t.opt_out = 0 ORDER BY t.id LIMIT 1), " COMPANY ", p.tags"
	/* In party order: address order would jump about the file (3x slower). */
	" FROM party p CROSS JOIN contact_point e ON e.party_id = p.id"
	" WHERE e.kind = 'email' AND e.opt_out = 0 AND" SEGMENT " ORDER BY p.id, e.id";
static const char *const mailchimp_names[] = {
	"Email Address", "First Name", "Last Name", "Phone Number", "Company", "Tags"
};
static const enum crm_cell mailchimp_kinds[] = {
	CRM_CELL_TEXT, CRM_CELL_TEXT, CRM_CELL_TEXT, CRM_CELL_TEXT, CRM_CELL_TEXT, CRM_CELL_TEXT
};

static const char calls_sql[] =
	"SELECT p.id, p.name,"
	" coalesce((SELECT c.name FROM contact c WHERE c.id = t.contact_id),"
	" (SELECT c.name FROM contact c WHERE c.party_id = p.id ORDER BY c.id LIMIT 1)),"
	" t.value, u.login, d.name, " LAST_CONTACT ", " OPEN_REQUESTS
	/* In party order, as for mailchimp: number order jumped about the file. */
	" FROM party p CROSS JOIN contact_point t ON t.party_id = p.id"
	" LEFT JOIN dept d ON d.id = p.dept_id LEFT JOIN users u ON u.id = p.owner_id"
	" WHERE t.kind = 'phone' AND t.opt_out = 0 AND" SEGMENT " ORDER BY p.id, t.id";
static const char *const calls_names[] = {
	"party", "company", "contact", "phone", "manager", "dept", "last_contact", "open_requests"
};
static const enum crm_cell calls_kinds[] = {
	CRM_CELL_NUMBER, CRM_CELL_TEXT, CRM_CELL_TEXT, CRM_CELL_TEXT, CRM_CELL_TEXT,
	CRM_CELL_TEXT, CRM_CELL_DATE, CRM_CELL_NUMBER
};

static int bind_segment(struct crm_db *db, sqlite3_stmt *st, const struct crm_segment *s)
{
	char since[CRM_TIME_LEN], before[CRM_TIME_LEN];
	int64_t dept = 0, owner = 0;
	int rc;

	if ((rc = crm_segment_check(db, s)) ||
	    (s->dept && (rc = crm_dept_find(db, s->dept, &dept))) ||
	    (s->manager && (rc = crm_user_any(db, s->manager, &owner))) ||
	    (s->since && (rc = crm_time_or_ago(s->since, since))) ||
	    (s->inactive && (rc = crm_time_or_ago(s->inactive, before))))
		return rc;
	crm_bind_text(st, 1, s->kind);
	crm_bind_id(st, 2, dept);
	crm_bind_id(st, 3, owner);
	crm_bind_text(st, 4, s->tag);
	crm_bind_text(st, 5, s->since ? since : NULL);
	crm_bind_text(st, 6, s->inactive ? before : NULL);
	sqlite3_bind_int(st, 7, !!s->has_email);
	sqlite3_bind_int(st, 8, !!s->has_phone);
	sqlite3_bind_int(st, 9, !!s->with_junk);
	return CRM_OK;
}

/* MailChimp takes at most 255 bytes a field: cut on a character boundary. */
static void cut255(char *s)
{
	if (s)
		s[crm_utf8_cut(s, 255)] = '\0';
}

/* A MailChimp row from the query's: a valid address, the name split. */
static int mailchimp_row(struct crm_sheet *out, sqlite3_stmt *st, unsigned long *left_out)
{
	const char *v[6];
	char *email = NULL, *first = NULL, *last = NULL, *fields[4];
	int i, rc;

	if (crm_email_normalize((const char *)sqlite3_column_text(st, 0), &email) != CRM_OK) {
		(*left_out)++;
		return CRM_OK;
	}
	if ((rc = crm_name_split((const char *)sqlite3_column_text(st, 1), &first, &last)))
		goto out;
	fields[0] = first, fields[1] = last;
	fields[2] = sqlite3_column_text(st, 3) ? strdup((const char *)sqlite3_column_text(st, 3)) : NULL;
	fields[3] = sqlite3_column_text(st, 4) ? strdup((const char *)sqlite3_column_text(st, 4)) : NULL;
	for (i = 0; i < 4; i++)
		cut255(fields[i]);
	v[0] = email, v[1] = first, v[2] = last;
	v[3] = (const char *)sqlite3_column_text(st, 2), v[4] = fields[2], v[5] = fields[3];
	rc = crm_sheet_row(out, v);
	free(fields[2]);
	free(fields[3]);
out:
	free(email);
	free(first);
	free(last);
	return rc;
}

static int plain_row(struct crm_sheet *out, sqlite3_stmt *st, size_t n)
{
	const char *v[32];
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = (const char *)sqlite3_column_text(st, i);
	return crm_sheet_row(out, v);
}

int crm_export_segment(struct crm_db *db, const char *profile, const struct crm_segment *s,
		       struct crm_sheet *out, unsigned long *left_out)
{
	const char *sql;
	const char *const *names;
	const enum crm_cell *kinds;
	size_t n;
	sqlite3_stmt *st;
	int rc, mailchimp = 0;

	*left_out = 0;
	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN | CRM_ROLE_HEAD | CRM_ROLE_MARKETER |
					       CRM_ROLE_MANAGER, "exporting")))
		return rc;
	if (!profile || strcmp(profile, "contacts") == 0) {
		sql = contacts_sql, names = contacts_names, kinds = contacts_kinds;
		n = sizeof contacts_names / sizeof *contacts_names;
	} else if (strcmp(profile, "mailchimp") == 0) {
		sql = mailchimp_sql, names = mailchimp_names, kinds = mailchimp_kinds;
		n = sizeof mailchimp_names / sizeof *mailchimp_names;
		mailchimp = 1;
	} else if (strcmp(profile, "calls") == 0) {
		sql = calls_sql, names = calls_names, kinds = calls_kinds;
		n = sizeof calls_names / sizeof *calls_names;
	} else {
		return crm_error_set(CRM_USAGE,
				     "unknown profile \"%s\"; profiles are: contacts, mailchimp, calls",
				     profile);
	}
	if (!(st = crm_stmt(db, sql)))
		return CRM_SOFTWARE;
	if ((rc = bind_segment(db, st, s)) || (rc = crm_sheet_header(out, n, names, kinds)))
		goto out;
	while ((rc = crm_stmt_row(db, st)) == 1)
		if ((rc = mailchimp ? mailchimp_row(out, st, left_out) : plain_row(out, st, n)))
			break;
	rc = rc < 0 ? -rc : rc;
	if (rc == CRM_OK && crm_sheet_rows(out) == 0)
		rc = crm_error_set(CRM_NOMATCH, "the segment is empty");
out:
	sqlite3_reset(st);
	return rc;
}

int crm_export_file(struct crm_db *db, const char *profile, const char *name,
		    const struct crm_segment *s, const char *format, const char *path,
		    unsigned long *left_out)
{
	struct crm_sheet *sheet;
	char title[96];
	int rc;

	*left_out = 0;
	if (!profile)
		profile = "contacts";
	snprintf(title, sizeof title, "%s%s%s", name ? name : profile, name ? " - " : "",
		 name ? profile : "");
	if ((rc = crm_sheet_open(crm_sheet_format(format, path), path, title, &sheet)))
		return rc;
	rc = crm_export_segment(db, profile, s, sheet, left_out);
	/* An empty segment still makes a file with its header (and CRM_NOMATCH). */
	return crm_sheet_close(sheet, rc == CRM_OK || rc == CRM_NOMATCH) ? CRM_IOERR : rc;
}
