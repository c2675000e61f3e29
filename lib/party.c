/*
 * party.c: parties (leads, clients, partners, suppliers), the people at
 * them, and their contact points. Contact points are the dedupe index: a
 * phone (matched on the full E.164 number, then on its last ten digits) or
 * an e-mail address names at most one party.
 */
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

int crm_party_by_phone(struct crm_db *db, const struct crm_phone *p, int64_t *party)
{
	/* Every exact match shares the tail, so one look-up on it does both. */
	sqlite3_stmt *st = crm_stmt(db, "SELECT party_id FROM contact_point"
				       " WHERE tail = ?1 AND kind = 'phone'"
				       " ORDER BY value = ?2 DESC, id LIMIT 1");

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, p->tail10, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->e164, -1, SQLITE_STATIC);
	return crm_query_id(db, st, party);
}

int crm_party_by_email(struct crm_db *db, const char *email, int64_t *party)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT party_id FROM contact_point"
				       " WHERE kind = 'email' AND value = ?");

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	return crm_query_id(db, st, party);
}

int crm_party_create(struct crm_db *db, const char *kind, const char *name, int64_t dept,
		     int64_t *id)
{
	sqlite3_stmt *st = crm_stmt(db, "INSERT INTO party (kind, name, dept_id, updated)"
				       " VALUES (?, ?, ?, crm_now())");
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, kind);
	crm_bind_text(st, 2, name);
	crm_bind_id(st, 3, dept);
	if ((rc = crm_stmt_done(db, st)) == CRM_OK)
		*id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

int crm_contact_add(struct crm_db *db, int64_t party, const char *name, int64_t *id)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT id FROM contact WHERE party_id = ? AND name = ?");
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, party);
	crm_bind_text(st, 2, name);
	if ((rc = crm_query_id(db, st, id)) != CRM_NOMATCH)
		return rc;
	return crm_contact_new(db, party, name, id);
}

int crm_contact_new(struct crm_db *db, int64_t party, const char *name, int64_t *id)
{
	sqlite3_stmt *st;
	int rc;

	if (!(st = crm_stmt(db, "INSERT INTO contact (party_id, name) VALUES (?, ?)")))
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, party);
	crm_bind_text(st, 2, name);
	if ((rc = crm_stmt_done(db, st)) == CRM_OK)
		*id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

int crm_point_add(struct crm_db *db, int64_t party, int64_t contact, const char *kind,
		  const char *value, const char *tail, const char *ext)
{
	sqlite3_stmt *st = crm_stmt(db, "INSERT INTO contact_point (party_id, contact_id, kind,"
				       " value, tail, ext) VALUES (?, ?, ?, ?, ?, ?)"
				       " ON CONFLICT (kind, value) DO NOTHING");

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, party);
	crm_bind_id(st, 2, contact);
	crm_bind_text(st, 3, kind);
	crm_bind_text(st, 4, value);
	crm_bind_text(st, 5, tail);
	crm_bind_text(st, 6, ext);
	return crm_stmt_done(db, st);
}

int crm_party_owner(struct crm_db *db, int64_t party, int64_t *owner)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT coalesce(owner_id, 0) FROM party WHERE id = ?");
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, party);
	rc = crm_query_id(db, st, owner);
	return rc == CRM_NOMATCH ? crm_error_set(CRM_DATAERR, "no party %lld", (long long)party)
				 : rc;
}

/* The columns every party listing shows. */
#define PARTY_SELECT \
	"SELECT p.id, p.kind, p.name, d.name AS dept, u.login AS owner," \
	" (SELECT group_concat(value, ' ') FROM contact_point c" \
	"  WHERE c.party_id = p.id AND c.kind = 'phone') AS phones," \
	" (SELECT group_concat(value, ' ') FROM contact_point c" \
	"  WHERE c.party_id = p.id AND c.kind = 'email') AS emails," \
	" (SELECT group_concat(name, ', ') FROM contact c WHERE c.party_id = p.id) AS contacts," \
	" p.created FROM party p" \
	" LEFT JOIN dept d ON d.id = p.dept_id LEFT JOIN users u ON u.id = p.owner_id"
/* Two indexed look-ups: an OR of value and tail would scan every phone. */
#define BY_PHONE \
	"p.id IN (SELECT party_id FROM contact_point WHERE kind = 'phone' AND value = ?1" \
	" UNION SELECT party_id FROM contact_point WHERE tail = ?2 AND kind = 'phone')"
#define BY_EMAIL \
	"p.id IN (SELECT party_id FROM contact_point WHERE kind = 'email' AND value = ?3)"
#define BY_NAME \
	"(instr(crm_fold(p.name), ?4) > 0 OR instr(crm_fold(p.legal_name), ?4) > 0" \
	" OR EXISTS (SELECT 1 FROM contact c WHERE c.party_id = p.id" \
	" AND instr(crm_fold(c.name), ?4) > 0))"

int crm_party_find(struct crm_db *db, const struct crm_party_filter *f, crm_row_fn *fn,
		   void *arg)
{
	/* The most selective filter leads, so the query starts from an index. */
	static const char by_phone[] = PARTY_SELECT " WHERE " BY_PHONE
		" AND (?3 IS NULL OR " BY_EMAIL ") AND (?4 IS NULL OR " BY_NAME ") ORDER BY p.id";
	static const char by_email[] = PARTY_SELECT " WHERE " BY_EMAIL
		" AND (?4 IS NULL OR " BY_NAME ") ORDER BY p.id";
	static const char by_name[] = PARTY_SELECT " WHERE " BY_NAME " ORDER BY p.id";
	struct crm_phone ph;
	char cc[8], *email = NULL, *name = NULL;
	sqlite3_stmt *st;
	unsigned long n = 0;
	int rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ANY & ~CRM_ROLE_WAREHOUSE, "finding parties")))
		return rc;
	if (f->phone && ((rc = crm_country(db, cc)) || (rc = crm_phone_normalize(f->phone, cc, &ph))))
		return rc;
	if (f->email && (rc = crm_email_normalize(f->email, &email)))
		return rc;
	if (f->name && !(name = crm_utf8_fold(f->name))) {
		free(email);
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	}
	st = crm_stmt(db, f->phone ? by_phone : f->email ? by_email : by_name);
	if (!st) {
		rc = CRM_SOFTWARE;
		goto out;
	}
	if (f->phone) {
		sqlite3_bind_text(st, 1, ph.e164, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, ph.tail10, -1, SQLITE_TRANSIENT);
	}
	crm_bind_text(st, 3, email);
	crm_bind_text(st, 4, name);
	rc = crm_stmt_emit(db, st, fn, arg, &n);
	if (rc == CRM_OK && n == 0)
		rc = crm_error_set(CRM_NOMATCH, "no party matches");
out:
	free(email);
	free(name);
	return rc;
}

/* Add a phone or e-mail to a party; one that names another party is an error. */
static int add_point(struct crm_db *db, int64_t party, int64_t contact, const char *phone,
		     const char *email)
{
	struct crm_phone ph;
	char cc[8], *e = NULL;
	int64_t other = 0;
	int rc;

	if (phone) {
		if ((rc = crm_country(db, cc)) || (rc = crm_phone_normalize(phone, cc, &ph)))
			return rc;
		rc = crm_party_by_phone(db, &ph, &other);
		if (rc == CRM_NOMATCH)
			return crm_point_add(db, party, contact, "phone", ph.e164, ph.tail10, ph.ext);
		if (rc == CRM_OK && other != party)
			return crm_error_set(CRM_DATAERR,
					     "phone %s belongs to party %lld (join them with crm-lead merge)",
					     ph.e164, (long long)other);
		return rc;
	}
	if ((rc = crm_email_normalize(email, &e)))
		return rc;
	rc = crm_party_by_email(db, e, &other);
	if (rc == CRM_NOMATCH)
		rc = crm_point_add(db, party, contact, "email", e, NULL, NULL);
	else if (rc == CRM_OK && other != party)
		rc = crm_error_set(CRM_DATAERR,
				   "e-mail %s belongs to party %lld (join them with crm-lead merge)", e,
				   (long long)other);
	free(e);
	return rc;
}

/* The accounts as stored now, against the BIK as stored now. */
static int check_accounts(struct crm_db *db, int64_t party)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT bik, account, corr_account FROM party WHERE id = ?");
	const char *bik, *account, *corr;
	int rc;

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, party);
	if ((rc = crm_stmt_row(db, st)) <= 0)
		return rc < 0 ? -rc : crm_error_set(CRM_DATAERR, "no party %lld", (long long)party);
	bik = (const char *)sqlite3_column_text(st, 0);
	account = (const char *)sqlite3_column_text(st, 1);
	corr = (const char *)sqlite3_column_text(st, 2);
	rc = CRM_OK;
	if (account)
		rc = crm_account_check(account, bik);
	if (rc == CRM_OK && corr)
		rc = crm_corr_account_check(corr, bik);
	sqlite3_reset(st);
	return rc;
}

int crm_party_update(struct crm_db *db, int64_t party, const struct crm_party_in *in)
{
	sqlite3_stmt *st;
	int64_t contact = 0;
	int rc;

	/* Every INN, KPP and bank detail comes in here (qualify, deals,
	 * suppliers): checked once. */
	if ((in->inn && *in->inn && (rc = crm_inn_check(in->inn))) ||
	    (in->kpp && *in->kpp && (rc = crm_kpp_check(in->kpp))) ||
	    (in->bik && *in->bik && (rc = crm_bik_check(in->bik))))
		return rc;
	st = crm_stmt(db, "UPDATE party SET name = coalesce(?2, name),"
			  " legal_name = coalesce(?3, legal_name), inn = coalesce(?4, inn),"
			  " kpp = coalesce(?5, kpp), address = coalesce(?6, address),"
			  " payment = coalesce(?7, payment), needs = coalesce(?8, needs),"
			  " tags = coalesce(?9, tags), bank = coalesce(?10, bank), bik = coalesce(?11, bik),"
			  " account = coalesce(?12, account), corr_account = coalesce(?13, corr_account),"
			  " private = CASE WHEN ?14 THEN 1 ELSE private END,"
			  " updated = crm_now() WHERE id = ?1");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, party);
	crm_bind_text(st, 2, in->company);
	crm_bind_text(st, 3, in->legal_name);
	crm_bind_text(st, 4, in->inn);
	crm_bind_text(st, 5, in->kpp);
	crm_bind_text(st, 6, in->address);
	crm_bind_text(st, 7, in->payment);
	crm_bind_text(st, 8, in->needs);
	crm_bind_text(st, 9, in->tags);
	crm_bind_text(st, 10, in->bank);
	crm_bind_text(st, 11, in->bik);
	crm_bind_text(st, 12, in->account);
	crm_bind_text(st, 13, in->corr_account);
	sqlite3_bind_int(st, 14, in->is_private);
	if ((rc = crm_stmt_done(db, st)) ||
	    ((in->bik || in->account || in->corr_account) && (rc = check_accounts(db, party))))
		return rc;
	if (in->name && *in->name && (rc = crm_contact_add(db, party, in->name, &contact)))
		return rc;
	if (in->phone && *in->phone && (rc = add_point(db, party, contact, in->phone, NULL)))
		return rc;
	if (in->email && *in->email && (rc = add_point(db, party, contact, NULL, in->email)))
		return rc;
	return CRM_OK;
}

int crm_party_merge(struct crm_db *db, int64_t keep, int64_t other)
{
	static const char *const moves[] = {
		"UPDATE contact_point SET party_id = ?1 WHERE party_id = ?2",
		"UPDATE contact SET party_id = ?1 WHERE party_id = ?2",
		"UPDATE request SET party_id = ?1 WHERE party_id = ?2",
		"UPDATE interaction SET party_id = ?1 WHERE party_id = ?2",
		"UPDATE task SET party_id = ?1 WHERE party_id = ?2",
		"UPDATE call SET party_id = ?1 WHERE party_id = ?2",
		"UPDATE supplier_order SET supplier_id = ?1 WHERE supplier_id = ?2",
		/* Fill what keep lacks; a client stays a client. */
		"UPDATE party SET"
		" kind = CASE WHEN kind = 'lead' THEN (SELECT kind FROM party WHERE id = ?2) ELSE kind END,"
		" name = coalesce(name, (SELECT name FROM party WHERE id = ?2)),"
		" legal_name = coalesce(legal_name, (SELECT legal_name FROM party WHERE id = ?2)),"
		" inn = coalesce(inn, (SELECT inn FROM party WHERE id = ?2)),"
		" kpp = coalesce(kpp, (SELECT kpp FROM party WHERE id = ?2)),"
		" address = coalesce(address, (SELECT address FROM party WHERE id = ?2)),"
		" payment = coalesce(payment, (SELECT payment FROM party WHERE id = ?2)),"
		" needs = coalesce(needs, (SELECT needs FROM party WHERE id = ?2)),"
		" tags = coalesce(tags, (SELECT tags FROM party WHERE id = ?2)),"
		" dept_id = coalesce(dept_id, (SELECT dept_id FROM party WHERE id = ?2)),"
		" owner_id = coalesce(owner_id, (SELECT owner_id FROM party WHERE id = ?2)),"
		" updated = crm_now() WHERE id = ?1",
		"INSERT INTO interaction (party_id, kind, at, summary, author_id)"
		" VALUES (?1, 'note', crm_now(), 'merged party ' || ?2 || ' into this one', ?3)",
		"DELETE FROM party WHERE id = ?2",
		NULL
	};
	int64_t owner;
	int i, rc;

	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN | CRM_ROLE_HEAD, "merging parties")))
		return rc;
	if (keep == other)
		return crm_error_set(CRM_DATAERR, "cannot merge party %lld into itself",
				     (long long)keep);
	if ((rc = crm_party_owner(db, keep, &owner)) || (rc = crm_party_owner(db, other, &owner)))
		return rc;
	for (i = 0; moves[i]; i++) {
		sqlite3_stmt *st = crm_stmt(db, moves[i]);

		if (!st)
			return CRM_SOFTWARE;
		sqlite3_bind_int64(st, 1, keep);
		sqlite3_bind_int64(st, 2, other);
		if (sqlite3_bind_parameter_count(st) >= 3)
			sqlite3_bind_int64(st, 3, crm_user_id(db));
		if ((rc = crm_stmt_done(db, st)))
			return rc;
	}
	return crm_task_follow_owner(db, keep); /* the other's callbacks too */
}
