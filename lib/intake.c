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

/*
 * One lock file for every source, DB.lock beside the database: each source
 * holds one byte of it, at an offset from the hash of the command and the
 * source's name, with an fcntl write lock. Open file description locks
 * (Linux) belong to this descriptor alone; plain POSIX locks, elsewhere,
 * to the process, which holds one source at a time.
 */
#ifdef F_OFD_SETLK
#define LOCK_CMD F_OFD_SETLK
#else
#define LOCK_CMD F_SETLK
#endif
#define LOCK_SLOTS (1L << 30) /* offsets in 0..2^30-1: within any off_t */

static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

int crm_source_lock(struct crm_db *db, const char *command, const char *source, int *fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 1 };
	uint64_t h = 1469598103934665603ULL;
	char path[4200];

	/* The command with its NUL, then the source: "a"+"bc" is not "ab"+"c". */
	h = fnv1a(fnv1a(h, command, strlen(command) + 1), source, strlen(source));
	fl.l_start = (off_t)(h % LOCK_SLOTS);
	snprintf(path, sizeof path, "%s.lock", crm_db_path(db));
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0)
		return crm_error_set(CRM_IOERR, "cannot create %s: %s", path, strerror(errno));
	if (fcntl(*fd, LOCK_CMD, &fl) != 0) {
		int busy = errno == EACCES || errno == EAGAIN;

		close(*fd);
		*fd = -1;
		if (!busy)
			return crm_error_set(CRM_IOERR, "cannot lock %s: %s", path, strerror(errno));
		return crm_error_set(CRM_TEMPFAIL, "another crm-%s is reading %s; try again", command,
				     source);
	}
	return CRM_OK;
}
