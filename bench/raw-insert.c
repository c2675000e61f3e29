/*
 * raw-insert: the machine's own limit for the intake benchmarks. Inserts
 * ROWS rows (default 1,000,000) the size of a typical request (channel,
 * time, name, phone, e-mail, subject, a short body: about 300 bytes) into a
 * fresh table of a new database, in one transaction through one prepared
 * statement, with the settings libcrm uses (WAL, synchronous FULL, foreign
 * keys on), and prints the rate. No triggers, no secondary indexes, no
 * lookups: nothing but SQLite writing rows.
 *
 * usage: raw-insert DBFILE [ROWS]
 * Build: cc -O2 -o raw-insert raw-insert.c -lsqlite3
 */
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int check(sqlite3 *db, int rc, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fprintf(stderr, "raw-insert: %s: %s\n", what, sqlite3_errmsg(db));
		exit(70);
	}
	return rc;
}

int main(int argc, char **argv)
{
	static const char *const channels[] = { "mail", "call", "web" };
	static const char *const names[] = {
		"Иванов Иван Иванович", "Петрова Анна Сергеевна", "Смирнов Алексей",
		"John Smith", "Кузнецов Д.А.",
	};
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	long rows = 1000000, i;
	double t0, t1;
	unsigned long long bytes = 0;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: raw-insert DBFILE [ROWS]\n");
		return 64;
	}
	if (argc == 3)
		rows = atol(argv[2]);
	remove(argv[1]);
	t0 = now();
	check(db, sqlite3_open(argv[1], &db), "open");
	check(db, sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
			       " PRAGMA foreign_keys = ON;"
			       " CREATE TABLE request (id INTEGER PRIMARY KEY, channel TEXT NOT NULL,"
			       " received TEXT NOT NULL, name TEXT, phone TEXT, email TEXT,"
			       " subject TEXT, body TEXT);"
			       " BEGIN IMMEDIATE", NULL, NULL, NULL), "setup");
	check(db, sqlite3_prepare_v2(db, "INSERT INTO request (channel, received, name, phone,"
				     " email, subject, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
				     -1, &st, NULL), "prepare");
	for (i = 0; i < rows; i++) {
		char received[32], phone[16], email[48], subject[96], body[256];
		time_t t = 1736402400 + i * 45;
		struct tm tm;
		const char *name = names[i % 5];

		gmtime_r(&t, &tm);
		strftime(received, sizeof received, "%Y-%m-%dT%H:%M:%SZ", &tm);
		snprintf(phone, sizeof phone, "+7495%07ld", (i * 7919) % 10000000);
		snprintf(email, sizeof email, "client%ld@example.ru", i);
		snprintf(subject, sizeof subject, "Запрос КП на насос К %ld-50-200", 50 + i % 100);
		snprintf(body, sizeof body,
			 "Добрый день!\nПросим направить коммерческое предложение на насос"
			 " К %ld-50-200, %ld шт.\nС уважением, %s", 50 + i % 100, 1 + i % 7, name);
		sqlite3_bind_text(st, 1, channels[i % 3], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, received, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, phone, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, email, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, subject, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, body, -1, SQLITE_STATIC);
		bytes += strlen(channels[i % 3]) + strlen(received) + strlen(name) + strlen(phone) +
			 strlen(email) + strlen(subject) + strlen(body);
		check(db, sqlite3_step(st), "insert");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	check(db, sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), "commit");
	check(db, sqlite3_close(db), "close");
	t1 = now();
	printf("raw sqlite insert: %.0f rows/s (%ld rows of %llu bytes on average in %.2f s)\n",
	       rows / (t1 - t0), rows, rows ? bytes / rows : 0, t1 - t0);
	return 0;
}
