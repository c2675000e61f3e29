/*
 * document.c: the papers of a deal: contract, invoice, waybill, tax invoice
 * (UPD), certificate (of one item), commissioning act, service contract,
 * other. Each belongs to exactly one deal; a file, when given, must exist
 * and is recorded with its size and SHA-256 (GnuTLS), so that the paper on
 * disk can later be told from another.
 */
#include <errno.h>
#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "crm-private.h"

static const char *const kinds[] = { "proposal", "contract", "invoice", "waybill",
				     "tax-invoice", "certificate", "commissioning-act",
				     "service-contract", "other", NULL };

static int check_kind(const char *kind)
{
	size_t i;

	for (i = 0; kinds[i]; i++)
		if (kind && strcmp(kind, kinds[i]) == 0)
			return CRM_OK;
	return crm_error_set(CRM_USAGE, "unknown document kind \"%s\"; kinds are: proposal, "
			     "contract, invoice, waybill, tax-invoice, certificate, "
			     "commissioning-act, service-contract, other", kind ? kind : "");
}

/* Size and SHA-256 (hex) of the file at path, read in blocks. */
static int file_digest(const char *path, int64_t *size, char hex[65])
{
	unsigned char block[65536], d[32];
	gnutls_hash_hd_t h;
	struct stat sb;
	size_t n;
	FILE *f;
	int i, rc = CRM_OK;

	if (stat(path, &sb) != 0 || !(f = fopen(path, "rb")))
		return crm_error_set(CRM_NOINPUT, "%s: %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode)) {
		fclose(f);
		return crm_error_set(CRM_NOINPUT, "%s: not a regular file", path);
	}
	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0) {
		fclose(f);
		return crm_error_set(CRM_SOFTWARE, "sha256 failed");
	}
	*size = 0;
	while ((n = fread(block, 1, sizeof block, f)) > 0) {
		gnutls_hash(h, block, n);
		*size += (int64_t)n;
	}
	if (ferror(f))
		rc = crm_error_set(CRM_IOERR, "%s: %s", path, strerror(errno));
	fclose(f);
	gnutls_hash_deinit(h, d);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	return rc;
}

int crm_deal_doc_add(struct crm_db *db, int64_t deal, const struct crm_doc_in *in, int64_t *id)
{
	struct crm_deal_state s;
	char day[11], now[CRM_TIME_LEN], hex[65] = "";
	int64_t item = 0, size = -1;
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_deal_access(db, deal, 1, &s)) || (rc = check_kind(in->kind)) ||
	    (rc = crm_date_parse("document date", in->date, day)) || (rc = crm_time_now(now)))
		return rc;
	if (!in->number || !*in->number)
		return crm_error_set(CRM_USAGE, "a document needs its --number");
	if (!day[0] && (rc = crm_date_today(day)))
		return rc;
	if (in->item && *in->item && (rc = crm_item_find(db, in->item, &item)))
		return rc;
	if (strcmp(in->kind, "certificate") == 0 && !item)
		return crm_error_set(CRM_USAGE, "a certificate names the item it certifies (--item)");
	if (in->file && *in->file && (rc = file_digest(in->file, &size, hex)))
		return rc;
	st = crm_stmt(db, "INSERT INTO document (deal_id, kind, number, date, item_id, file, size,"
			  " sha256, created, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			  " RETURNING id");
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, deal);
	crm_bind_text(st, 2, in->kind);
	crm_bind_text(st, 3, in->number);
	crm_bind_text(st, 4, day);
	crm_bind_id(st, 5, item);
	crm_bind_text(st, 6, in->file);
	if (size >= 0)
		sqlite3_bind_int64(st, 7, size);
	crm_bind_text(st, 8, hex);
	crm_bind_text(st, 9, now);
	crm_bind_text(st, 10, crm_user_login());
	if ((rc = crm_query_id(db, st, id)))
		return rc;
	return crm_deal_touch(db, deal);
}

int crm_deal_doc_list(struct crm_db *db, int64_t deal, crm_row_fn *fn, void *arg)
{
	struct crm_deal_state s;
	sqlite3_stmt *st;
	int rc;

	if (deal ? (rc = crm_deal_access(db, deal, 0, &s))
		 : (rc = crm_user_require(db, CRM_ROLE_ANY, "reading deals")))
		return rc;
	st = crm_stmt(db, "SELECT d.id, d.deal_id AS deal, d.kind, d.number, d.date, i.code AS item,"
			  " d.file, d.size, d.sha256 FROM document d LEFT JOIN item i ON i.id = d.item_id"
			  " WHERE ?1 IS NULL OR d.deal_id = ?1 ORDER BY d.deal_id, d.date, d.id");
	if (!st)
		return CRM_SOFTWARE;
	crm_bind_id(st, 1, deal);
	return crm_stmt_emit(db, st, fn, arg, NULL);
}
