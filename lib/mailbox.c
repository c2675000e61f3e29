/*
 * mailbox.c: the local mailboxes of e-mail intake. A maildir is read from
 * cur/ and new/ in name order; a taken message moves to cur/ with the S
 * (seen) flag. An mbox is read, under the locks its writers take, from where
 * the last run stopped if it is still the same file (its inode), else from
 * its start; its last message is read again by the next run.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mail-private.h"

/* ---- maildir */

static int read_file(const char *path, char **buf, size_t *len)
{
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;
	size_t got = 0;

	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) != 0 || !(*buf = malloc(sb.st_size + 1))) {
		close(fd);
		return -1;
	}
	while (got < (size_t)sb.st_size && (r = read(fd, *buf + got, sb.st_size - got)) > 0)
		got += r;
	close(fd);
	*len = got;
	return 0;
}

/* Mark a maildir message seen: into cur/ with the S flag. */
static void maildir_mark(const char *dir, const char *sub, const char *name)
{
	char from[4096], to[4096];
	const char *info = strstr(name, ":2,");

	snprintf(from, sizeof from, "%s/%s/%s", dir, sub, name);
	if (!info)
		snprintf(to, sizeof to, "%s/cur/%s:2,S", dir, name);
	else if (!strchr(info + 3, 'S'))
		snprintf(to, sizeof to, "%s/cur/%s%s", dir, name, "S");
	else if (strcmp(sub, "cur") == 0)
		return;
	else
		snprintf(to, sizeof to, "%s/cur/%s", dir, name);
	rename(from, to); /* another reader may have moved it: nothing lost */
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int maildir_sub(struct crm_mail_run *p, const char *sub)
{
	struct dirent **names;
	char path[4096], uid[1024];
	int i, n, rc = CRM_OK, done;

	snprintf(path, sizeof path, "%s/%s", p->src.path, sub);
	n = scandir(path, &names, not_hidden, by_name);
	if (n < 0)
		return crm_error_set(errno == ENOENT ? CRM_NOINPUT : CRM_IOERR,
				     "%s: not a maildir (%s: %s)", p->src.path, path, strerror(errno));
	for (i = 0; i < n; i++) {
		char *buf = NULL;
		size_t len = 0;

		if (rc == CRM_OK && !crm_mail_limit_reached(p)) {
			snprintf(path, sizeof path, "%s/%s/%s", p->src.path, sub, names[i]->d_name);
			snprintf(uid, sizeof uid, "%.*s", (int)strcspn(names[i]->d_name, ":"),
				 names[i]->d_name);
			if (read_file(path, &buf, &len) == 0) {
				rc = crm_mail_take(p, uid, buf, len, &done);
				if (rc == CRM_OK && done)
					maildir_mark(p->src.path, sub, names[i]->d_name);
			}
			free(buf);
			crm_mail_progress(p, i + 1, n);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int crm_mail_maildir(struct crm_mail_run *p)
{
	int rc = maildir_sub(p, "cur");

	return rc ? rc : maildir_sub(p, "new");
}

/* ---- mbox: read from where the last run stopped, if it is the same file */

/* The start of the next "From " line at or after off, or len. */
static size_t next_from(const char *b, size_t len, size_t off)
{
	const char *nl;

	for (; off + 5 <= len; off++) {
		if ((off == 0 || b[off - 1] == '\n') && memcmp(b + off, "From ", 5) == 0)
			return off;
		nl = memchr(b + off, '\n', len - off);
		if (!nl)
			break;
		off = nl - b;
	}
	return len;
}

/* Copy one mbox message without its From_ line, un-quoting >From lines (mboxrd). */
static char *mbox_message(const char *b, size_t start, size_t end, size_t *len)
{
	const char *p = memchr(b + start, '\n', end - start);
	char *out, *o;

	start = p ? (size_t)(p - b) + 1 : end;
	if (!(out = malloc(end - start + 1)))
		return NULL;
	for (o = out; start < end;) {
		const char *nl = memchr(b + start, '\n', end - start);
		size_t n = nl ? (size_t)(nl - (b + start)) + 1 : end - start;
		size_t q = strspn(b + start, ">");

		if (q > 0 && q < n && n - q >= 5 && memcmp(b + start + q, "From ", 5) == 0)
			start++, n--;
		memcpy(o, b + start, n);
		o += n;
		start += n;
	}
	*len = o - out;
	return out;
}

/* ---- mbox locking: the dotlock and the fcntl lock mail delivery agents
 * take, each waited for at most --timeout seconds */

#define DOTLOCK_STALE 300 /* seconds: an older dotlock was left by a dead program */

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pause_a_little(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/* Make PATH.lock; *held says whether we made it (a directory we may not
 * write to has no dotlock: the fcntl lock alone protects it). */
static int dotlock_take(const char *lock, double until, int timeout, int *held)
{
	struct stat sb;
	char pid[32];
	int fd, n;

	*held = 0;
	for (;;) {
		fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0) {
			n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
			if (write(fd, pid, n) != n) { /* the lock holds all the same */ }
			close(fd);
			*held = 1;
			return CRM_OK;
		}
		if (errno == EACCES || errno == EPERM || errno == EROFS)
			return CRM_OK;
		if (errno != EEXIST)
			return crm_error_set(CRM_IOERR, "cannot create %s: %s", lock, strerror(errno));
		if (stat(lock, &sb) == 0 && time(NULL) - sb.st_mtime > DOTLOCK_STALE &&
		    unlink(lock) == 0)
			continue; /* one we may not remove is waited for as a fresh one */
		if (now_mono() >= until)
			return crm_error_set(CRM_TEMPFAIL, "%s: held by another program for %d s; try again",
					     lock, timeout);
		pause_a_little();
	}
}

/* A read lock on the whole file, beside the writer's write lock. */
static int fcntl_take(int fd, const char *path, double until, int timeout)
{
	struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET };

	while (fcntl(fd, F_SETLK, &fl) != 0) {
		if (errno != EAGAIN && errno != EACCES)
			return CRM_OK; /* no locks on this file system: the dotlock alone */
		if (now_mono() >= until)
			return crm_error_set(CRM_TEMPFAIL, "%s: fcntl lock held by another program for"
					     " %d s; try again", path, timeout);
		pause_a_little();
	}
	return CRM_OK;
}

static int mbox_lock(struct crm_mail_run *p, int fd, char *lock, size_t size, int *held)
{
	int timeout = p->o->timeout > 0 ? p->o->timeout : 30;
	double until = now_mono() + timeout;
	int rc;

	snprintf(lock, size, "%s.lock", p->src.path);
	if ((rc = dotlock_take(lock, until, timeout, held)))
		return rc;
	if ((rc = fcntl_take(fd, p->src.path, until, timeout)) && *held) {
		unlink(lock);
		*held = 0;
	}
	return rc;
}

static void mbox_unlock(int fd, const char *lock, int held)
{
	struct flock fl = { .l_type = F_UNLCK, .l_whence = SEEK_SET };

	fcntl(fd, F_SETLK, &fl);
	if (held)
		unlink(lock);
}

/* ---- mbox reading. The cursor is "INODE OFFSET LAST LENGTH REF": where
 * the next run starts, and the last message taken (its start, its length
 * without the blank lines after it, its ref), which the next run reads
 * again: a message a writer had not finished then is longer now. */

struct mbox_cursor {
	unsigned long long ino, off, last, len;
	char ref[1024];
};

static void cursor_read(struct crm_mail_run *p, const struct stat *sb, struct mbox_cursor *c)
{
	char state[1200];

	memset(c, 0, sizeof *c);
	c->last = ULLONG_MAX;
	if (crm_mail_cursor_get(p, state, sizeof state) != CRM_OK)
		state[0] = '\0';
	if (sscanf(state, "%llu %llu %llu %llu %1023s", &c->ino, &c->off, &c->last, &c->len,
		   c->ref) != 5) {
		c->last = ULLONG_MAX;
		c->ref[0] = '\0';
		if (sscanf(state, "%llu %llu", &c->ino, &c->off) != 2)
			c->ino = 0;
	}
	if (c->ino != (unsigned long long)sb->st_ino || c->off > (unsigned long long)sb->st_size ||
	    (c->last != ULLONG_MAX && c->last > c->off)) {
		c->off = 0; /* another file, or one cut short: read it all (dedupe keeps it once) */
		c->last = ULLONG_MAX;
	}
}

/* The length of a message without the blank lines that end it. */
static size_t trimmed(const char *b, size_t start, size_t end)
{
	while (end > start && (b[end - 1] == '\n' || b[end - 1] == '\r'))
		end--;
	return end - start;
}

/* Read the file from `from` on, under the delivery lock; *size is what it
 * held then. */
static int mbox_read(struct crm_mail_run *p, unsigned long long from, char **buf, size_t *size)
{
	char lock[4200];
	struct stat sb;
	size_t got = 0;
	ssize_t r;
	int fd, held, rc;

	if ((fd = open(p->src.path, O_RDONLY | O_CLOEXEC)) < 0)
		return crm_error_set(errno == ENOENT ? CRM_NOINPUT : CRM_IOERR, "%s: %s", p->src.path,
				     strerror(errno));
	if ((rc = mbox_lock(p, fd, lock, sizeof lock, &held))) {
		close(fd);
		return rc;
	}
	if (fstat(fd, &sb) != 0 || (unsigned long long)sb.st_size < from) {
		rc = crm_error_set(CRM_TEMPFAIL, "%s changed while it was opened; try again",
				   p->src.path);
	} else if (!(*buf = malloc(sb.st_size - from + 1))) {
		rc = crm_error_set(CRM_SOFTWARE, "out of memory");
	} else {
		while (got < sb.st_size - from &&
		       (r = pread(fd, *buf + got, sb.st_size - from - got, from + got)) > 0)
			got += r;
		*size = got;
	}
	mbox_unlock(fd, lock, held);
	close(fd);
	return rc;
}

/* Take the messages of b[start, n); off is where b begins in the file. */
static int mbox_messages(struct crm_mail_run *p, const char *b, size_t n, unsigned long long off,
			 struct mbox_cursor *c)
{
	size_t start = 0, end, len;
	int rc = CRM_OK, done;
	char *msg;

	if (c->last != ULLONG_MAX) { /* the last message of the last run, again */
		end = next_from(b, n, 1);
		len = trimmed(b, 0, end);
		if (len > c->len && (msg = mbox_message(b, 0, end, &len))) {
			rc = crm_mail_retake(p, c->ref, msg, len, &done);
			free(msg);
		}
		c->len = trimmed(b, 0, end);
		start = end;
	}
	while (rc == CRM_OK && start < n && !crm_mail_limit_reached(p)) {
		end = next_from(b, n, start + 1);
		if (!(msg = mbox_message(b, start, end, &len)))
			return crm_error_set(CRM_SOFTWARE, "out of memory");
		rc = crm_mail_take(p, NULL, msg, len, &done);
		free(msg);
		if (rc == CRM_OK && p->last_ref) {
			c->last = off + start;
			c->len = trimmed(b, start, end);
			snprintf(c->ref, sizeof c->ref, "%s", p->last_ref);
		}
		crm_mail_progress(p, off + end, off + n);
		start = end;
	}
	c->off = off + start;
	return rc;
}

int crm_mail_mbox(struct crm_mail_run *p)
{
	struct mbox_cursor c;
	char state[1200];
	struct stat sb;
	unsigned long long from;
	size_t n = 0;
	char *b = NULL;
	int rc;

	if (stat(p->src.path, &sb) != 0)
		return crm_error_set(errno == ENOENT ? CRM_NOINPUT : CRM_IOERR, "%s: %s", p->src.path,
				     strerror(errno));
	cursor_read(p, &sb, &c);
	from = c.last != ULLONG_MAX ? c.last : c.off;
	if ((rc = mbox_read(p, from, &b, &n)))
		return rc;
	if (from > 0 && (n < 5 || memcmp(b, "From ", 5) != 0)) {
		free(b); /* no message starts there now: the file was rewritten */
		b = NULL;
		c.off = 0, c.last = ULLONG_MAX, from = 0;
		if ((rc = mbox_read(p, 0, &b, &n)))
			return rc;
	}
	if (c.last == ULLONG_MAX)
		c.ref[0] = '\0';
	rc = mbox_messages(p, b, n, from, &c);
	free(b);
	if (c.last == ULLONG_MAX)
		snprintf(state, sizeof state, "%llu %llu", (unsigned long long)sb.st_ino, c.off);
	else
		snprintf(state, sizeof state, "%llu %llu %llu %llu %s", (unsigned long long)sb.st_ino,
			 c.off, c.last, c.len, c.ref);
	return rc ? rc : crm_mail_cursor_set(p, state);
}
