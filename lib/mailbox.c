/*
 * mailbox.c: the local mailboxes of e-mail intake. A maildir is read from
 * cur/ and new/ in name order; a taken message moves to cur/ with the S
 * (seen) flag. An mbox is read from where the last run stopped, if it is
 * still the same file (device and inode), else from its start.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
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

static int maildir_sub(struct pull *p, const char *sub)
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

int crm_mail_maildir(struct pull *p)
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

int crm_mail_mbox(struct pull *p)
{
	char state[128], next[128];
	unsigned long long ino = 0, off = 0;
	struct stat sb;
	size_t start, end;
	char *map;
	int fd, rc = CRM_OK, done;

	fd = open(p->src.path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		rc = crm_error_set(errno == ENOENT ? CRM_NOINPUT : CRM_IOERR, "%s: %s", p->src.path,
				   strerror(errno));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	if ((rc = crm_mail_cursor_get(p, state, sizeof state)) ||
	    sscanf(state, "%llu %llu", &ino, &off) != 2 || ino != (unsigned long long)sb.st_ino ||
	    off > (unsigned long long)sb.st_size)
		off = 0; /* another file, or one cut short: read it all (dedupe keeps it once) */
	if (rc || sb.st_size == 0) {
		close(fd);
		return rc;
	}
	/* The delivery agent's lock (dotlock and fcntl): no half-appended letter. */
	if (maillock_read_lock(p->src.path, fd) != 0) {
		close(fd);
		return crm_error_set(CRM_TEMPFAIL, "%s is locked by another program; try again",
				     p->src.path);
	}
	map = mmap(NULL, sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	maillock_read_unlock(p->src.path, fd);
	close(fd);
	if (map == MAP_FAILED)
		return crm_error_set(CRM_IOERR, "%s: %s", p->src.path, strerror(errno));
	start = next_from(map, sb.st_size, off);
	while (rc == CRM_OK && start < (size_t)sb.st_size && !crm_mail_limit_reached(p)) {
		size_t len;
		char *msg;

		end = next_from(map, sb.st_size, start + 1);
		if (!(msg = mbox_message(map, start, end, &len))) {
			rc = crm_error_set(CRM_SOFTWARE, "out of memory");
			break;
		}
		rc = crm_mail_take(p, NULL, msg, len, &done);
		free(msg);
		crm_mail_progress(p, end, sb.st_size);
		start = end;
	}
	munmap(map, sb.st_size);
	snprintf(next, sizeof next, "%llu %llu", (unsigned long long)sb.st_ino,
		 (unsigned long long)start);
	return rc ? rc : crm_mail_cursor_set(p, next);
}

