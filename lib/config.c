/*
 * config.c: settings kept in the database, so that every command and every
 * user sees the same ones. Only known keys are accepted, each with a check
 * and a default; crm-admin(1) lists them.
 */
#include <ctype.h>
#include <iconv.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

struct key {
	const char *name, *fallback, *about;
	int (*check)(struct crm_db *db, const char *key, const char *value);
};

static int check_country(struct crm_db *db, const char *key, const char *v)
{
	size_t n = strlen(v), i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)v[i]))
			break;
	if (n < 1 || n > 3 || i < n || v[0] == '0')
		return crm_error_set(CRM_DATAERR,
				     "%s: \"%s\" is not a country calling code (1 to 3 digits, e.g. 7)",
				     key, v);
	return CRM_OK;
}

static int check_head(struct crm_db *db, const char *key, const char *v)
{
	sqlite3_stmt *st;
	int64_t id;
	int rc;

	if (!*v)
		return CRM_OK;
	if ((rc = crm_user_find(db, v, &id)))
		return rc;
	if (!(st = crm_stmt(db, "SELECT 1 FROM users WHERE id = ? AND role IN ('head', 'admin')")))
		return CRM_SOFTWARE;
	sqlite3_bind_int64(st, 1, id);
	rc = crm_query_id(db, st, &id);
	return rc == CRM_NOMATCH ? crm_error_set(CRM_DATAERR, "%s: %s is not a head or admin", key, v)
				 : rc;
}

/* A comma-separated list of phone numbers, each one readable. */
static int check_numbers(struct crm_db *db, const char *key, const char *v)
{
	char *list = strdup(v), *tok, *save = NULL, cc[8];
	struct crm_phone ph;
	int rc = list ? crm_country(db, cc) : crm_error_set(CRM_SOFTWARE, "out of memory");

	for (tok = list ? strtok_r(list, ",", &save) : NULL; rc == CRM_OK && tok;
	     tok = strtok_r(NULL, ",", &save))
		if ((rc = crm_phone_normalize(tok, cc, &ph)))
			crm_error_prefix("%s", key);
	free(list);
	return rc;
}

static int check_regex(struct crm_db *db, const char *key, const char *v)
{
	regex_t re;
	int r = regcomp(&re, v, REG_EXTENDED | REG_NOSUB);

	if (r != 0)
		return crm_error_set(CRM_DATAERR, "%s: \"%s\" is not an extended regular expression",
				     key, v);
	regfree(&re);
	return CRM_OK;
}

static int check_duration(struct crm_db *db, const char *key, const char *v)
{
	long long s;
	int rc = crm_duration_parse(v, &s);

	if (rc)
		crm_error_prefix("%s", key);
	return rc;
}

/* Digits of an area code: empty (none), or 1 to 5 digits not starting with 0. */
static int check_area(struct crm_db *db, const char *key, const char *v)
{
	size_t n = strlen(v);

	if (n && (n > 5 || strspn(v, "0123456789") != n || v[0] == '0'))
		return crm_error_set(CRM_DATAERR,
				     "%s: \"%s\" is not an area code (1 to 5 digits, e.g. 8412)", key, v);
	return CRM_OK;
}

/* A charset iconv can read. */
static int check_charset(struct crm_db *db, const char *key, const char *v)
{
	iconv_t cd = *v ? iconv_open("UTF-8", v) : (iconv_t)-1;

	if (cd == (iconv_t)-1)
		return crm_error_set(CRM_DATAERR, "%s: \"%s\" is not a charset iconv knows"
				     " (e.g. cp1251, koi8-r)", key, v);
	iconv_close(cd);
	return CRM_OK;
}

static int check_yes_no(struct crm_db *db, const char *key, const char *v)
{
	if (strcmp(v, "yes") && strcmp(v, "no"))
		return crm_error_set(CRM_DATAERR, "%s: \"%s\" is not yes or no", key, v);
	return CRM_OK;
}

static const struct key keys[] = {
	{ "country_code", "7", "default country calling code for phone numbers",
	  check_country },
	{ "head", "", "login that gets new-lead notices (empty: the first head, else the first admin)",
	  check_head },
	{ "own_numbers", "", "the company's own numbers, comma-separated: calls from them are outgoing, never leads",
	  check_numbers },
	{ "extensions", "^[0-9]{1,5}$", "extended regex of internal extension numbers", check_regex },
	{ "callback_due", "30m", "how soon a missed call must be called back", check_duration },
	{ "local_area_code", "", "area code that completes local caller numbers of 5 to 7 digits (empty: they stay as they came)",
	  check_area },
	{ "pbx_charset", "cp1251", "charset of caller-ID names the PBX writes not in UTF-8",
	  check_charset },
	{ "prices_include_vat", "yes", "whether deal prices include VAT (yes) or VAT comes on top (no)",
	  check_yes_no },
	{ NULL, NULL, NULL, NULL }
};

static const struct key *lookup(const char *name)
{
	const struct key *k;

	for (k = keys; k->name; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

static int unknown(const char *key)
{
	char list[512] = "";
	const struct key *k;

	for (k = keys; k->name; k++) {
		strncat(list, k->name, sizeof list - strlen(list) - 3);
		if (k[1].name)
			strcat(list, ", ");
	}
	return crm_error_set(CRM_USAGE, "unknown setting \"%s\"; settings are: %s", key, list);
}

int crm_config_get(struct crm_db *db, const char *key, char **out)
{
	const struct key *k = lookup(key);
	sqlite3_stmt *st;
	int rc;

	if (!k)
		return unknown(key);
	if (!(st = crm_stmt(db, "SELECT value FROM config WHERE key = ?")))
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = crm_stmt_row(db, st);
	if (rc < 0)
		return -rc;
	*out = strdup(rc ? (const char *)sqlite3_column_text(st, 0) : k->fallback);
	sqlite3_reset(st);
	return *out ? CRM_OK : crm_error_set(CRM_SOFTWARE, "out of memory");
}

int crm_config_set(struct crm_db *db, const char *key, const char *value)
{
	const struct key *k = lookup(key);
	sqlite3_stmt *st;
	int rc;

	if (!k)
		return unknown(key);
	if ((rc = crm_user_require(db, CRM_ROLE_ADMIN, "changing settings")) != CRM_OK ||
	    (rc = k->check(db, key, value)) != CRM_OK)
		return rc;
	if (!(st = crm_stmt(db, "INSERT INTO config (key, value) VALUES (?, ?)"
				" ON CONFLICT (key) DO UPDATE SET value = excluded.value")))
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	return crm_stmt_done(db, st);
}

int crm_config_list(struct crm_db *db, crm_row_fn *fn, void *arg)
{
	static const char *const names[] = { "key", "value", "default", "about" };
	const struct key *k;
	int rc;

	for (k = keys; k->name; k++) {
		char *v = NULL;
		const char *row[4];

		if ((rc = crm_config_get(db, k->name, &v)) != CRM_OK)
			return rc;
		row[0] = k->name, row[1] = v, row[2] = k->fallback, row[3] = k->about;
		rc = fn(arg, 4, names, row);
		free(v);
		if (rc != CRM_OK)
			return rc;
	}
	return CRM_OK;
}

/* Read once per transaction: a batch normalises many numbers. */
int crm_country(struct crm_db *db, char buf[8])
{
	char *cc = NULL;
	int rc = CRM_OK;

	if (!db->country[0] || sqlite3_get_autocommit(db->h)) {
		if ((rc = crm_config_get(db, "country_code", &cc)) == CRM_OK)
			snprintf(db->country, sizeof db->country, "%s", cc);
		free(cc);
	}
	memcpy(buf, db->country, 8);
	return rc;
}
