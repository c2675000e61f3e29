/*
 * dbfile.c: the database file: where it is, opening or creating it, the
 * connection's settings and SQL functions, bringing its schema up to date
 * with the compiled-in migrations (and the audit triggers after them),
 * online backup and the integrity check.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crm-private.h"

/* The file to use: the argument, $CRM_DB, or the XDG data directory. */
static char *default_path(const char *path)
{
	const char *env = getenv("CRM_DB"), *xdg = getenv("XDG_DATA_HOME"),
		   *home = getenv("HOME");
	char buf[PATH_MAX];

	if (path && *path)
		return strdup(path);
	if (env && *env)
		return strdup(env);
	if (xdg && *xdg)
		snprintf(buf, sizeof buf, "%s/crm/crm.db", xdg);
	else
		snprintf(buf, sizeof buf, "%s/.local/share/crm/crm.db", home ? home : ".");
	return strdup(buf);
}

/* mkdir -p for the directory that will hold the file. */
static int make_parent(const char *path)
{
	char dir[PATH_MAX], *p;

	snprintf(dir, sizeof dir, "%s", path);
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return CRM_OK;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return crm_error_set(CRM_IOERR, "cannot create %s: %s", dir, strerror(errno));
		*p = '/';
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return crm_error_set(CRM_IOERR, "cannot create %s: %s", dir, strerror(errno));
	return CRM_OK;
}

int crm_db_latest_version(void)
{
	int n = 0;

	while (crm_migrations[n])
		n++;
	return n;
}

int crm_db_version(struct crm_db *db)
{
	sqlite3_stmt *st = crm_stmt(db, "PRAGMA user_version");
	int64_t v = -1;

	if (!st || crm_query_id(db, st, &v) != CRM_OK)
		return -1;
	return (int)v;
}

/* CRM_CONFIG unless the file is empty or starts as an SQLite file does:
 * CRM_DB or --db naming the wrong file is a mistake of the setting. */
static int check_header(const char *path)
{
	static const char magic[16] = "SQLite format 3";
	char head[16];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return CRM_OK; /* SQLite will say why */
	n = fread(head, 1, sizeof head, f);
	fclose(f);
	if (n == 0 || (n == sizeof head && memcmp(head, magic, sizeof head) == 0))
		return CRM_OK;
	return crm_error_set(CRM_CONFIG, "%s: not a crm database (not even an SQLite file)", path);
}

/* A file at schema version 0 is new: without tables, or another program's. */
static int check_foreign(struct crm_db *db)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT count(*) FROM sqlite_master");
	int64_t n = 0;
	int rc;

	if (!st || (rc = crm_query_id(db, st, &n)) != CRM_OK)
		return CRM_SOFTWARE;
	if (n)
		return crm_error_set(CRM_CONFIG, "%s: not a crm database (an SQLite database of "
				     "another program; it was not changed)", db->path);
	return CRM_OK;
}

/* Run the migrations the file has not seen, in one transaction. */
static int migrate(struct crm_db *db)
{
	int latest = crm_db_latest_version(), v, rc;
	char sql[64];

	v = crm_db_version(db);
	if (v < 0)
		return CRM_SOFTWARE;
	if (v == 0 && (rc = check_foreign(db)) != CRM_OK)
		return rc;
	if (v > latest)
		return crm_error_set(CRM_CONFIG,
				     "%s is at schema version %d, newer than this crm (%d): upgrade crm",
				     db->path, v, latest);
	if (v == latest)
		return CRM_OK;
	if ((rc = crm_db_begin(db)) != CRM_OK)
		return rc;
	v = crm_db_version(db); /* another process may have migrated meanwhile */
	for (; v >= 0 && v < latest; v++) {
		if ((rc = crm_exec(db, crm_migrations[v])) != CRM_OK) {
			crm_error_prefix("migration %04d", v + 1);
			return crm_db_end(db, rc, 0);
		}
	}
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", latest);
	if ((rc = crm_exec(db, sql)) == CRM_OK)
		rc = crm_audit_install(db);
	return crm_db_end(db, rc, 0);
}

static int busy_timeout(void)
{
	const char *s = getenv("CRM_BUSY_TIMEOUT");
	long ms;
	char *end;

	if (!s || !*s)
		return 5000;
	ms = strtol(s, &end, 10);
	return (*end || ms < 0 || ms > INT_MAX) ? 5000 : (int)ms;
}

/* The commands are single-threaded: SQLite's mutexes and memory statistics
 * only cost time (about 15% of a batch). Must come before SQLite starts. */
static void sqlite_setup(void)
{
	static int done;

	if (done++)
		return;
	sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int crm_db_open(const char *path, int flags, struct crm_db **out)
{
	struct crm_db *db = calloc(1, sizeof *db);
	struct stat sb;
	int rc, oflags = SQLITE_OPEN_READWRITE;

	*out = NULL;
	sqlite_setup();
	if (!db || !(db->path = default_path(path))) {
		free(db);
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	}
	if (stat(db->path, &sb) != 0) {
		if (!(flags & CRM_DB_CREATE)) {
			rc = crm_error_set(CRM_NOINPUT,
					   "no database at %s (create one with crm-admin init, or set CRM_DB)",
					   db->path);
			goto fail;
		}
		if ((rc = make_parent(db->path)) != CRM_OK)
			goto fail;
		oflags |= SQLITE_OPEN_CREATE;
	} else if ((rc = check_header(db->path)) != CRM_OK) {
		goto fail;
	}
	rc = sqlite3_open_v2(db->path, &db->h, oflags, NULL);
	if (rc != SQLITE_OK) {
		rc = crm_error_set(rc == SQLITE_CANTOPEN ? CRM_NOINPUT : CRM_IOERR,
				   "cannot open %s: %s", db->path,
				   db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(db->h, 0);
	sqlite3_busy_timeout(db->h, busy_timeout());
	if ((rc = crm_sqlfunc_register(db)) != CRM_OK ||
	    (rc = crm_exec(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"
			       /* A batch's statement journals stay in memory, not in /var/tmp. */
			       " PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32768")) != CRM_OK)
		goto fail;
	if (oflags & SQLITE_OPEN_CREATE && (rc = crm_exec(db, "PRAGMA journal_mode = WAL")) != CRM_OK)
		goto fail;
	if ((rc = migrate(db)) != CRM_OK) {
		if (rc == CRM_DATAERR || rc == CRM_SOFTWARE)
			crm_error_prefix("%s", db->path);
		goto fail;
	}
	*out = db;
	return CRM_OK;
fail:
	crm_db_close(db);
	return rc;
}

void crm_db_close(struct crm_db *db)
{
	int i;

	if (!db)
		return;
	for (i = 0; i < db->ncache; i++)
		sqlite3_finalize(db->cache[i].stmt);
	sqlite3_close(db->h);
	free(db->path);
	free(db);
}

const char *crm_db_path(const struct crm_db *db)
{
	return db->path;
}

int crm_db_backup(struct crm_db *db, const char *path)
{
	char tmp[PATH_MAX];
	sqlite3 *to = NULL;
	sqlite3_backup *b;
	int rc;

	if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof tmp)
		return crm_error_set(CRM_USAGE, "%s: path too long", path);
	rc = sqlite3_open_v2(tmp, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		rc = crm_error_set(CRM_IOERR, "cannot create %s: %s", tmp, sqlite3_errmsg(to));
		goto out;
	}
	b = sqlite3_backup_init(to, "main", db->h, "main");
	if (!b) {
		rc = crm_error_set(CRM_IOERR, "backup to %s: %s", path, sqlite3_errmsg(to));
		goto out;
	}
	/* Copy in steps so writers are only briefly held up; restart when they change pages. */
	while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK || rc == SQLITE_BUSY ||
	       rc == SQLITE_LOCKED)
		if (rc != SQLITE_OK)
			sqlite3_sleep(20);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		rc = crm_error_set(CRM_IOERR, "backup to %s: %s", path, sqlite3_errstr(rc));
		goto out;
	}
	if (sqlite3_close(to) != SQLITE_OK) {
		to = NULL;
		rc = crm_error_set(CRM_IOERR, "backup to %s: close failed", path);
		goto out;
	}
	to = NULL;
	if (rename(tmp, path) != 0) {
		rc = crm_error_set(CRM_IOERR, "cannot rename %s to %s: %s", tmp, path,
				   strerror(errno));
		goto out;
	}
	return CRM_OK;
out:
	sqlite3_close(to);
	unlink(tmp);
	return rc;
}

int crm_db_check(struct crm_db *db, crm_row_fn *fn, void *arg)
{
	static const char *const names[] = { "check", "table", "row", "problem" };
	sqlite3_stmt *st;
	const char *v[4];
	int rc, bad = 0;

	if (!(st = crm_stmt(db, "PRAGMA integrity_check")))
		return CRM_SOFTWARE;
	while ((rc = crm_stmt_row(db, st)) == 1) {
		const char *m = (const char *)sqlite3_column_text(st, 0);

		if (m && strcmp(m, "ok") == 0)
			continue;
		bad++;
		v[0] = "integrity", v[1] = NULL, v[2] = NULL, v[3] = m;
		if ((rc = fn(arg, 4, names, v)) != CRM_OK)
			return rc;
	}
	if (rc < 0)
		return -rc;
	if (!(st = crm_stmt(db, "PRAGMA foreign_key_check")))
		return CRM_SOFTWARE;
	while ((rc = crm_stmt_row(db, st)) == 1) {
		char problem[256];

		snprintf(problem, sizeof problem, "refers to a missing row of %s",
			 (const char *)sqlite3_column_text(st, 2));
		bad++;
		v[0] = "foreign-key";
		v[1] = (const char *)sqlite3_column_text(st, 0);
		v[2] = (const char *)sqlite3_column_text(st, 1);
		v[3] = problem;
		if ((rc = fn(arg, 4, names, v)) != CRM_OK)
			return rc;
	}
	if (rc < 0)
		return -rc;
	if (!bad && (rc = fn(arg, 4, names, NULL)) != CRM_OK)
		return rc; /* no problem: the header alone, its columns checked */
	return bad ? crm_error_set(CRM_DATAERR, "%s: %d problem%s found", db->path, bad,
				   bad == 1 ? "" : "s")
		   : CRM_OK;
}
