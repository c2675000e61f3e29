/*
 * test-db.c: unit tests of the database modules' edge cases: opening a
 * file that is missing, empty, not SQLite, another program's, damaged or
 * newer than this crm; the unit-of-work pair crm_db_begin/crm_db_end
 * (commits on CRM_OK unless a dry run, else rolls back, and a commit that
 * fails is its status) and crm_db_end_savepoint for a record inside a batch;
 * the busy timeout of CRM_BUSY_TIMEOUT. Each case gets its own file in a
 * temporary directory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crm-private.h"
#include "tap.h"

static char tmp[] = "/tmp/crm-test-db.XXXXXX";

/* A file name in the temporary directory (a static buffer of four). */
static const char *path_of(const char *name)
{
	static char buf[4][1024];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", tmp, name);
	return buf[i];
}

static int exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (f) {
		fwrite(data, 1, n, f);
		fclose(f);
	}
}

/* An SQL statement on a file, through SQLite itself, not crm. */
static int raw_sql(const char *path, const char *sql)
{
	sqlite3 *h;
	int rc = sqlite3_open(path, &h);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
	sqlite3_close(h);
	return rc;
}

/* A single number from a query on db; -1 when it fails. */
static int64_t number(struct crm_db *db, const char *sql)
{
	sqlite3_stmt *st = crm_stmt(db, sql);
	int64_t n = -1;

	if (!st || crm_query_id(db, st, &n) != CRM_OK)
		return -1;
	return n;
}

static int has(const char *words)
{
	return strstr(crm_error_message(), words) != NULL;
}

/* A new crm database, with a table of our own for the transaction tests. */
static struct crm_db *new_db(const char *name)
{
	struct crm_db *db = NULL;

	if (crm_db_open(path_of(name), CRM_DB_CREATE, &db) != CRM_OK ||
	    crm_exec(db, "CREATE TABLE t (v INTEGER)") != CRM_OK) {
		printf("# cannot make %s: %s\n", name, crm_error_message());
		exit(1);
	}
	return db;
}

static void opening_missing(void)
{
	struct crm_db *db = (struct crm_db *)1;
	const char *p = path_of("missing.db");
	int rc = crm_db_open(p, 0, &db);

	tap_ok(rc == CRM_NOINPUT && db == NULL, "a missing file is CRM_NOINPUT, and no handle");
	tap_ok(has("no database at") && has(p), "... the message names the file");
	tap_ok(!exists(p), "... and the file is not made");

	p = path_of("new/sub/dir/crm.db");
	rc = crm_db_open(p, CRM_DB_CREATE, &db);
	tap_ok(rc == CRM_OK && exists(p), "with CRM_DB_CREATE the file and its directories are made");
	tap_ok(db && crm_db_version(db) == crm_db_latest_version() && crm_db_latest_version() > 0,
	       "... at the latest schema version");
	tap_is(db ? crm_db_path(db) : NULL, p, "... and crm_db_path names it");
	crm_db_close(db);
	crm_db_close(NULL); /* a crash here leaves the plan unprinted */
}

static void opening_wrong_files(void)
{
	struct crm_db *db = (struct crm_db *)1;
	const char *p = path_of("notes.txt");
	static const char text[] = "this is not a database\n";
	static char damaged[4096] = "SQLite format 3";
	char back[sizeof text];
	FILE *f;
	int rc;

	write_file(p, text, sizeof text - 1);
	rc = crm_db_open(p, CRM_DB_CREATE, &db);
	tap_ok(rc == CRM_CONFIG && db == NULL, "a text file is CRM_CONFIG, even with CRM_DB_CREATE");
	tap_ok(has("not a crm database") && has(p), "... named as not a crm database");
	f = fopen(p, "rb");
	tap_ok(f && fread(back, 1, sizeof back, f) == sizeof text - 1 &&
		       memcmp(back, text, sizeof text - 1) == 0,
	       "... and left as it was");
	if (f)
		fclose(f);

	p = path_of("other.db");
	raw_sql(p, "CREATE TABLE theirs (a); INSERT INTO theirs VALUES (1)");
	rc = crm_db_open(p, 0, &db);
	tap_ok(rc == CRM_CONFIG && db == NULL && has("another program"),
	       "another program's SQLite file is CRM_CONFIG");
	tap_ok(raw_sql(p, "SELECT * FROM audit") != SQLITE_OK,
	       "... and gets none of our tables");

	p = path_of("damaged.db");
	memset(damaged + 16, 0x5a, sizeof damaged - 16);
	write_file(p, damaged, sizeof damaged);
	rc = crm_db_open(p, 0, &db);
	tap_ok(rc == CRM_DATAERR && db == NULL && has("damaged"),
	       "an SQLite header over garbage is CRM_DATAERR, a damaged database");

	p = path_of("empty.db");
	write_file(p, "", 0);
	rc = crm_db_open(p, 0, &db);
	tap_ok(rc == CRM_OK && db && crm_db_version(db) == crm_db_latest_version(),
	       "an empty file is a new database, brought to the latest version");
	crm_db_close(db);
}

static void opening_newer(void)
{
	struct crm_db *db = new_db("newer.db");
	const char *p = path_of("newer.db");
	char sql[64];
	int rc;

	crm_db_close(db);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", crm_db_latest_version() + 1);
	raw_sql(p, sql);
	rc = crm_db_open(p, 0, &db);
	tap_ok(rc == CRM_CONFIG && db == NULL, "a file newer than this crm is CRM_CONFIG");
	tap_ok(has("newer than this crm") && has("upgrade crm"), "... saying to upgrade crm");
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", crm_db_latest_version());
	raw_sql(p, sql);
	rc = crm_db_open(p, 0, &db);
	tap_ok(rc == CRM_OK, "... and opens again once it is at our version");
	crm_db_close(db);
}

/* No transaction is open: a new one can begin (and is rolled back). */
static int idle(struct crm_db *db)
{
	return crm_db_begin(db) == CRM_OK && crm_db_end(db, CRM_OK, 1) == CRM_OK;
}

static void unit_of_work(void)
{
	struct crm_db *db = new_db("txn.db"), *other = NULL;
	int rc;

	crm_db_open(path_of("txn.db"), 0, &other);
	tap_ok(crm_db_begin(db) == CRM_OK && crm_exec(db, "INSERT INTO t VALUES (1)") == CRM_OK,
	       "begin, then a write inside");
	tap_ok(number(other, "SELECT count(*) FROM t") == 0, "... that others do not see yet");
	tap_ok(crm_db_begin(db) != CRM_OK, "a second begin inside the first is refused");
	rc = crm_db_end(db, CRM_OK, 0);
	tap_ok(rc == CRM_OK && number(other, "SELECT count(*) FROM t") == 1,
	       "end with CRM_OK commits: others see the row");
	tap_ok(idle(db), "... and the transaction is over");

	crm_db_begin(db);
	crm_exec(db, "INSERT INTO t VALUES (2)");
	rc = crm_db_end(db, CRM_OK, 1);
	tap_ok(rc == CRM_OK && number(db, "SELECT count(*) FROM t WHERE v = 2") == 0,
	       "end of a dry run returns CRM_OK and rolls back");
	tap_ok(idle(db), "... and the transaction is over");

	crm_db_begin(db);
	crm_exec(db, "INSERT INTO t VALUES (3)");
	rc = crm_db_end(db, CRM_DATAERR, 0);
	tap_ok(rc == CRM_DATAERR && number(db, "SELECT count(*) FROM t WHERE v = 3") == 0,
	       "end with a failure returns it and rolls back");
	tap_ok(idle(db), "... and the transaction is over");

	crm_db_begin(db);
	crm_exec(db, "INSERT INTO t VALUES (4)");
	rc = crm_db_end(db, CRM_NOMATCH, 1);
	tap_ok(rc == CRM_NOMATCH && number(db, "SELECT count(*) FROM t WHERE v = 4") == 0,
	       "a failure in a dry run is the failure, rolled back");
	crm_db_close(other);
	crm_db_close(db);
}

/* A commit that fails (a deferred foreign key left dangling) is end's status,
 * and nothing of the transaction stays, nor the transaction itself. */
static void failed_commit(void)
{
	struct crm_db *db = new_db("commit.db");
	int rc;

	crm_exec(db, "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
		     " CREATE TABLE child (p INTEGER REFERENCES parent(id)"
		     " DEFERRABLE INITIALLY DEFERRED)");
	crm_db_begin(db);
	crm_exec(db, "INSERT INTO t VALUES (5)");
	tap_ok(crm_exec(db, "INSERT INTO child VALUES (42)") == CRM_OK,
	       "a deferred foreign key is only checked at the commit");
	rc = crm_db_end(db, CRM_OK, 0);
	tap_ok(rc == CRM_DATAERR, "a commit that fails is end's status (CRM_DATAERR)");
	tap_ok(number(db, "SELECT count(*) FROM t WHERE v = 5") == 0 &&
		       number(db, "SELECT count(*) FROM child") == 0,
	       "... and it is rolled back");
	tap_ok(idle(db), "... and the transaction is over");
	crm_db_close(db);
}

/* Records of a batch: each in a savepoint; a failed one leaves no trace and
 * the batch goes on. */
static void savepoints(void)
{
	struct crm_db *db = new_db("savepoint.db");
	int rc;

	crm_db_begin(db);
	crm_db_savepoint(db);
	crm_exec(db, "INSERT INTO t VALUES (1)");
	tap_ok(crm_db_end_savepoint(db, CRM_OK) == CRM_OK, "a good record's savepoint is released");
	crm_db_savepoint(db);
	crm_exec(db, "INSERT INTO t VALUES (2)");
	rc = crm_db_end_savepoint(db, CRM_DATAERR);
	tap_ok(rc == CRM_DATAERR, "a bad record's end returns its failure");
	tap_ok(number(db, "SELECT count(*) FROM t") == 1 && number(db, "SELECT sum(v) FROM t") == 1,
	       "... its write is undone, the good record's kept");
	crm_db_savepoint(db);
	crm_exec(db, "INSERT INTO t VALUES (3)");
	crm_db_end_savepoint(db, CRM_OK);
	tap_ok(crm_db_end(db, CRM_OK, 0) == CRM_OK, "the batch goes on after it and commits");
	tap_ok(number(db, "SELECT count(*) FROM t") == 2 &&
		       number(db, "SELECT sum(v) FROM t") == 4,
	       "... with the good records only");
	tap_ok(idle(db), "... and no savepoint is left open");
	crm_db_close(db);
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Another writer holds the lock: a begin waits CRM_BUSY_TIMEOUT, then is
 * CRM_TEMPFAIL (exit 75: cron tries again). */
static void busy(void)
{
	struct crm_db *a = new_db("busy.db"), *b = NULL;
	double t;
	int rc;

	setenv("CRM_BUSY_TIMEOUT", "300", 1);
	crm_db_open(path_of("busy.db"), 0, &b);
	unsetenv("CRM_BUSY_TIMEOUT");
	crm_db_begin(a);
	t = now_ms();
	rc = b ? crm_db_begin(b) : -1;
	t = now_ms() - t;
	tap_ok(rc == CRM_TEMPFAIL && has("busy"), "a begin while another writes is CRM_TEMPFAIL");
	/* It waited (the busy handler is set), and not the default 5 s. */
	tap_ok(t >= 250 && t < 4000, "... after the CRM_BUSY_TIMEOUT of 300 ms");
	if (!(t >= 250 && t < 4000))
		printf("# waited %.0f ms\n", t);
	crm_db_end(a, CRM_OK, 0);
	tap_ok(b && crm_db_begin(b) == CRM_OK && crm_db_end(b, CRM_OK, 0) == CRM_OK,
	       "... and begins once the other has committed");
	crm_db_close(b);
	crm_db_close(a);
}

static void cleanup(void)
{
	char cmd[1100];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmp);
}

int main(void)
{
	if (!mkdtemp(tmp)) {
		printf("Bail out! no temporary directory\n");
		return 1;
	}
	unsetenv("CRM_DB");
	unsetenv("CRM_BUSY_TIMEOUT");
	setenv("CRM_NOW", "2026-11-26T10:00:00Z", 1);
	opening_missing();
	opening_wrong_files();
	opening_newer();
	unit_of_work();
	failed_commit();
	savepoints();
	busy();
	cleanup();
	return tap_done();
}
