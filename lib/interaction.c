/*
 * interaction.c: a party's history (requests, calls, mail and notes, as the
 * history view lists them) and the notes people add to it, optionally
 * about one of the party's requests.
 */
#include "crm-private.h"

int crm_party_history(struct crm_db *db, int64_t party, crm_row_fn *fn, void *arg)
{
	sqlite3_stmt *st;
	int64_t owner;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY & ~CRM_ROLE_WAREHOUSE, "reading history")) ||
	    (rc = crm_party_owner(db, party, &owner))) /* the party exists */
		return rc;
	st = crm_stmt(db, "SELECT party, at, kind, request, note, author, summary FROM history"
			  " WHERE party = ? ORDER BY at, request, note");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, party);
	return crm_stmt_emit(db, st, fn, arg, NULL);
}

int crm_party_note(struct crm_db *db, int64_t party, int64_t request, const char *text,
		   int64_t *id)
{
	sqlite3_stmt *st;
	int64_t owner, of_request;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN | CRM_ROLE_HEAD | CRM_ROLE_MANAGER,
				   "adding notes")) ||
	    (rc = crm_party_owner(db, party, &owner))) /* the party exists */
		return rc;
	if (!text || !*text)
		return crm_error_set(CRM_USAGE, "the note is empty");
	if (request && (rc = crm_request_party(db, request, &of_request)))
		return rc;
	if (request && of_request != party)
		return crm_error_set(CRM_DATAERR, "request %lld belongs to party %lld, not %lld",
				     (long long)request, (long long)of_request, (long long)party);
	st = crm_stmt(db, "INSERT INTO interaction (party_id, request_id, kind, at, summary, author_id)"
			  " VALUES (?, ?, 'note', crm_now(), ?, ?)");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, party);
	crm_bind_id(st, 2, request);
	crm_bind_text(st, 3, text);
	crm_bind_id(st, 4, crm_user_id(db));
	if ((rc = crm_stmt_done(db, st)) == CRM_OK && id)
		*id = sqlite3_last_insert_rowid(db->h);
	if (rc == CRM_DATAERR)
		rc = crm_error_set(CRM_DATAERR, "no request %lld", (long long)request);
	return rc;
}
