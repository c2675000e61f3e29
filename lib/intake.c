/*
 * intake.c: the bookkeeping the intake commands share: a cursor per source
 * (where the last run stopped: an IMAP folder's UIDVALIDITY and UID, a CDR
 * file's device, inode and offset) and a lock per source, so that two runs
 * from cron never read one mailbox or one call log at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "crm-private.h"

int crm_cursor_get(struct crm_db *db, const char *source, char *state, size_t size)
{
	sqlite3_stmt *st = crm_stmt(db, "SELECT state FROM intake_cursor WHERE source = ?");
	int rc;

	state[0] = '\0';
	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	if ((rc = crm_stmt_row(db, st)) == 1)
		snprintf(state, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return rc < 0 ? -rc : CRM_OK;
}

int crm_cursor_put(struct crm_db *db, const char *source, const char *state)
{
	sqlite3_stmt *st = crm_stmt(db, "INSERT INTO intake_cursor (source, state, updated)"
				       " VALUES (?, ?, crm_now()) ON CONFLICT (source)"
				       " DO UPDATE SET state = excluded.state, updated = excluded.updated");

	if (!st)
		return CRM_SOFTWARE;
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
	return crm_stmt_done(db, st);
}

int crm_source_lock(struct crm_db *db, const char *command, const char *source, int *fd)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a of the source names the lock */
	const char *s;
	char path[4200];

	for (s = source; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	snprintf(path, sizeof path, "%s.%s-%016llx.lock", crm_db_path(db), command,
		 (unsigned long long)h);
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0)
		return crm_error_set(CRM_IOERR, "cannot create %s: %s", path, strerror(errno));
	if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
		close(*fd);
		*fd = -1;
		return crm_error_set(CRM_TEMPFAIL, "another crm-%s is reading %s; try again", command,
				     source);
	}
	return CRM_OK;
}
