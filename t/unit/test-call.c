/*
 * test-call.c: what crm_call_pull remembers from one batch to the next (a
 * number's party, the party's open notice and callback) is only trusted
 * while nobody else writes. The report of each batch comes after its
 * commit and before the next batch begins, so a row callback here can play
 * the colleague who changes the database in between, through a second
 * connection, as a manager's crm-task done would.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"
#include "tap.h"

#define LINE(id, start, disposition)                                                   \
	"\"\",\"89261112233\",\"74951000000\",\"from-trunk\",\"\",\"SIP/trunk-1\","     \
	"\"SIP/101-2\",\"Dial\",\"SIP/101\",\"2026-11-26 " start "\",,\"2026-11-26 " start \
	"\",30,0,\"" disposition "\",\"DOCUMENTATION\",\"" id "\",\"\"\n"

/* An answered call of 25 seconds with its destination channel: a talk. */
#define TALK(id, start)                                                                \
	"\"\",\"89261112233\",\"74951000000\",\"from-trunk\",\"\",\"SIP/trunk-1\","     \
	"\"SIP/101-2\",\"Dial\",\"SIP/101\",\"2026-11-26 " start "\",\"2026-11-26 " start \
	"\",\"2026-11-26 " start "\",30,25,\"ANSWERED\",\"DOCUMENTATION\",\"" id "\",\"\"\n"

static char path[1100];

struct seen {
	int n;
	char action[8][32];
	int64_t task[8], party[8], request[8];
	int close_first; /* close the first row's task from another connection */
};

static const char *value(size_t n, const char *const *names, const char *const *values,
			 const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return values[i];
	return NULL;
}

/* The colleague: marks the task done through a connection of its own. */
static int close_elsewhere(int64_t task)
{
	struct crm_db *other;
	int rc = crm_db_open(path, 0, &other);

	if (rc)
		return rc;
	if (!(rc = crm_db_begin(other)) && !(rc = crm_task_done(other, task, NULL, NULL)))
		rc = crm_db_commit(other);
	else
		crm_db_rollback(other);
	crm_db_close(other);
	return rc;
}

static int row(void *arg, size_t n, const char *const *names, const char *const *values)
{
	struct seen *s = arg;
	const char *v;

	if (!values || s->n == 8)
		return CRM_OK;
	v = value(n, names, values, "action");
	snprintf(s->action[s->n], sizeof s->action[0], "%s", v ? v : "");
	s->task[s->n] = (v = value(n, names, values, "task")) ? atoll(v) : 0;
	s->party[s->n] = (v = value(n, names, values, "party")) ? atoll(v) : 0;
	s->request[s->n] = (v = value(n, names, values, "request")) ? atoll(v) : 0;
	if (s->n++ == 0 && s->close_first)
		return close_elsewhere(s->task[0]);
	return CRM_OK;
}

static int pull(struct crm_db *db, const char *text, int dry_run, struct seen *s)
{
	struct crm_call_opts o = { .source = "-", .batch = 1, .dry_run = dry_run };
	struct crm_call_stats st;
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	int rc;

	if (!in)
		return CRM_IOERR;
	o.in = in;
	rc = crm_call_pull(db, &o, row, s, &st);
	fclose(in);
	return rc;
}

/* Open callback tasks. */
static int open_callbacks(struct crm_db *db)
{
	struct crm_task_filter f = { .status = "open", .kind = "callback" };
	struct seen s = { 0 };
	int rc = crm_task_list(db, &f, row, &s);

	return rc == CRM_OK || rc == CRM_NOMATCH ? s.n : -1;
}

int main(void)
{
	char dir[] = "/tmp/test-call.XXXXXX";
	struct crm_user_in head = { .login = "anna", .role = "head" };
	struct seen a = { 0 }, b = { .close_first = 1 }, c = { 0 };
	struct crm_db *db;
	int64_t id;
	int rc;

	setenv("CRM_USER", "root", 1);
	setenv("CRM_NOW", "2026-11-26T10:00:00Z", 1);
	if (!mkdtemp(dir)) {
		printf("Bail out! no temporary directory\n");
		return 1;
	}
	snprintf(path, sizeof path, "%s/crm.db", dir);
	rc = crm_db_open(path, CRM_DB_CREATE, &db);
	if (!rc && !(rc = crm_db_begin(db)) && !(rc = crm_user_bootstrap(db, "root")) &&
	    !(rc = crm_user_add(db, &head, &id)))
		rc = crm_db_commit(db);
	if (rc) {
		printf("Bail out! cannot set up %s: %s\n", path, crm_error_message());
		return 1;
	}

	/* A dry run rolls each batch back: what it learnt goes with it. */
	rc = pull(db, LINE("1.1", "07:00:00", "NO ANSWER") LINE("1.2", "07:01:00", "NO ANSWER"), 1,
		  &a);
	tap_ok(rc == CRM_OK && a.n == 2, "a dry run of two missed calls reports both");
	tap_ok(a.request[0] != 0, "dry run: the first call of a new number makes a lead's request");
	tap_ok(a.request[1] != 0,
	       "dry run: so does the second, in its own batch (the first was rolled back)");

	/* Unchanged by others, the run's memory holds: one callback for both. */
	memset(&a, 0, sizeof a);
	rc = pull(db, LINE("2.1", "08:00:00", "NO ANSWER") LINE("2.2", "08:01:00", "BUSY"), 0, &a);
	tap_ok(rc == CRM_OK && a.n == 2, "two missed calls, a batch each");
	tap_ok(a.request[0] != 0, "the first call of a new number makes a lead's request");
	tap_is(a.action[1], "callback-task", "the second is a missed call");
	tap_ok(a.request[1] == 0 && a.party[1] == a.party[0] && a.task[1] == a.task[0],
	       "of the same party, with the callback task the first call made");

	/* A manager calls back between two batches and closes the task. */
	rc = pull(db, LINE("3.1", "09:00:00", "NO ANSWER") LINE("3.2", "09:01:00", "NO ANSWER"), 0,
		  &b);
	tap_ok(rc == CRM_OK && b.n == 2, "two more missed calls, the task closed between them");
	tap_ok(b.task[0] == a.task[1], "the first still had the open callback task");
	tap_ok(b.task[1] != 0 && b.task[1] != b.task[0],
	       "the second, after the task was done elsewhere, gets a new one");
	tap_ok(open_callbacks(db) == 1, "one callback task is open, not none");

	/* The dialplan's 0-second "answer" is no conversation: still open. */
	memset(&c, 0, sizeof c);
	rc = pull(db, LINE("3.9", "09:30:00", "ANSWERED"), 0, &c);
	tap_ok(rc == CRM_OK && c.n == 1, "an ANSWERED record of 0 seconds");
	tap_is(c.action[0], "callback-task", "is a missed call");
	tap_ok(open_callbacks(db) == 1, "and closes no callback task");

	/* And an answered call closes the one that is open now. */
	memset(&c, 0, sizeof c);
	rc = pull(db, TALK("4.1", "10:00:00"), 0, &c);
	tap_ok(rc == CRM_OK && c.n == 1, "an answered call");
	tap_is(c.action[0], "history", "from the known party");
	tap_ok(open_callbacks(db) == 0, "closes the open callback task");

	crm_db_close(db);
	unlink(path);
	snprintf(path, sizeof path, "%s/crm.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/crm.db-shm", dir);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
