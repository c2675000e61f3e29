/*
 * intake.c: the bookkeeping the intake commands share: a cursor per source
 * (where the last run stopped: an IMAP folder's UIDVALIDITY and UID, a CDR
 * file's device, inode and offset, and the file a log was rotated to), a
 * lock per source, so that two runs from cron never read one mailbox or
 * one call log at once, and the quarantine, where what could not be read
 * is kept raw with the reason.
 */
#include <dirent.h>
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

/* ---- a log file that grows, and is rotated now and then (renamed, a new
 * one made in its place): its cursor is "DEVICE INODE OFFSET" */

int crm_file_cursor_put(struct crm_db *db, const char *source, const struct crm_file_part *f,
			int64_t offset)
{
	char state[96];

	snprintf(state, sizeof state, "%llu %llu %lld", (unsigned long long)f->sb.st_dev,
		 (unsigned long long)f->sb.st_ino, (long long)offset);
	return crm_cursor_put(db, source, state);
}

/* The file that was rotated away: beside the new one, with the old inode. */
static int find_rotated(const char *path, dev_t dev, ino_t ino, char *out, size_t size)
{
	char dir[PATH_MAX], *slash;
	const char *base;
	struct dirent *e;
	struct stat sb;
	DIR *d;
	int found = 0;

	snprintf(dir, sizeof dir, "%s", path);
	slash = strrchr(dir, '/');
	base = slash ? path + (slash - dir) + 1 : path;
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof dir, ".");
	if (!(d = opendir(dir)))
		return 0;
	while (!found && (e = readdir(d))) {
		if (strncmp(e->d_name, base, strlen(base)) != 0)
			continue;
		if (snprintf(out, size, "%s/%s", dir, e->d_name) >= (int)size)
			continue;
		found = stat(out, &sb) == 0 && sb.st_dev == dev && sb.st_ino == ino;
	}
	closedir(d);
	return found;
}

int crm_file_parts(struct crm_db *db, const char *path, struct crm_file_part part[2], size_t *n)
{
	unsigned long long dev = 0, ino = 0;
	long long off = 0;
	char state[96];
	struct crm_file_part *old = &part[0];
	int rc;

	*n = 0;
	if (stat(path, &part[1].sb) != 0)
		return crm_error_set(errno == ENOENT ? CRM_NOINPUT : CRM_IOERR, "%s: %s", path,
				     strerror(errno));
	if ((rc = crm_cursor_get(db, path, state, sizeof state)))
		return rc;
	if (sscanf(state, "%llu %llu %lld", &dev, &ino, &off) == 3 &&
	    (dev != (unsigned long long)part[1].sb.st_dev ||
	     ino != (unsigned long long)part[1].sb.st_ino)) {
		/* Rotated: finish the old file first, then the new one from its start. */
		if (find_rotated(path, dev, ino, old->path, sizeof old->path) &&
		    stat(old->path, &old->sb) == 0 && off <= old->sb.st_size) {
			old->offset = off;
			*n = 1;
		}
		off = 0;
	} else if (off > part[1].sb.st_size) {
		off = 0; /* cut short: read it again; the caller's ids keep each record once */
	}
	part[*n].sb = part[1].sb;
	snprintf(part[*n].path, sizeof part[*n].path, "%s", path);
	part[*n].offset = off;
	(*n)++;
	return CRM_OK;
}

/* ---- the quarantine */

int crm_quarantine_add(struct crm_db *db, const char *source, const void *raw, size_t len,
		       const char *reason, int64_t *id)
{
	sqlite3_stmt *st = crm_stmt(db, "INSERT INTO quarantine (source, raw, reason, at)"
				       " VALUES (?, ?, ?, crm_now()) RETURNING id");
	int64_t unused;

	if (!st)
		return CRM_SOFTWARE;
	crm_bind_text(st, 1, source);
	sqlite3_bind_blob(st, 2, raw ? raw : "", raw ? (int)len : 0, SQLITE_STATIC);
	crm_bind_text(st, 3, reason);
	return crm_query_id(db, st, id ? id : &unused);
}

/* ---- locks
 *
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
