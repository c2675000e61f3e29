/*
 * mail.c: the top of e-mail intake (crm-mailpull): the source as given
 * (maildir:PATH, mbox:PATH, imap[s]://..., pop3[s]://...) read into its
 * parts, locked against a second run, and handed to its mailbox driver
 * (mailbox.c, imap.c, pop3.c), which takes each message through
 * mailtake.c.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mail-private.h"

/* ---- the source: maildir:PATH, mbox:PATH, imap[s]://USER@HOST[:PORT]/FOLDER,
 * pop3[s]://USER@HOST[:PORT] */

static void source_free(struct crm_mail_source *s)
{
	free(s->user);
	free(s->host);
	free(s->path);
	free(s->label);
}

static int bad_source(const char *spec, const char *why)
{
	return crm_error_set(CRM_USAGE,
			     "bad source \"%s\": %s (maildir:PATH, mbox:PATH, imap[s]://USER@HOST[:PORT]/FOLDER or pop3[s]://USER@HOST[:PORT])",
			     spec, why);
}

static int parse_url(const char *spec, const char *rest, struct crm_mail_source *s)
{
	const char *at = strchr(rest, '@'), *slash, *colon;
	char *end;

	if (!at || at == rest)
		return bad_source(spec, "no user");
	s->user = strndup(rest, at - rest);
	rest = at + 1;
	slash = strchr(rest, '/');
	colon = memchr(rest, ':', slash ? (size_t)(slash - rest) : strlen(rest));
	s->host = strndup(rest, colon ? colon - rest : slash ? slash - rest : (ptrdiff_t)strlen(rest));
	if (!s->host || !*s->host)
		return bad_source(spec, "no host");
	if (colon) {
		long port = strtol(colon + 1, &end, 10);

		if (end == colon + 1 || (*end && *end != '/') || port < 1 || port > 65535)
			return bad_source(spec, "bad port");
		s->port = (int)port;
	}
	if (s->kind == MAILBOX_IMAP)
		s->path = strdup(slash && slash[1] ? slash + 1 : "INBOX");
	else if (slash && slash[1])
		return bad_source(spec, "POP3 has no folders");
	return CRM_OK;
}

static int parse_source(const char *spec, struct crm_mail_source *s)
{
	static const struct {
		const char *prefix;
		enum crm_mailbox_kind kind;
		int tls, port;
	} kinds[] = {
		{ "maildir:", MAILBOX_MAILDIR, 0, 0 }, { "mbox:", MAILBOX_MBOX, 0, 0 },
		{ "imap://", MAILBOX_IMAP, 0, 143 },   { "imaps://", MAILBOX_IMAP, 1, 993 },
		{ "pop3://", MAILBOX_POP3, 0, 110 },   { "pop3s://", MAILBOX_POP3, 1, 995 },
	};
	size_t i, n;

	memset(s, 0, sizeof *s);
	s->label = strdup(spec);
	for (i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		n = strlen(kinds[i].prefix);
		if (strncmp(spec, kinds[i].prefix, n) != 0)
			continue;
		s->kind = kinds[i].kind;
		s->tls = kinds[i].tls;
		s->port = kinds[i].port;
		if (s->kind == MAILBOX_MAILDIR || s->kind == MAILBOX_MBOX) {
			const char *home = getenv("HOME");

			if (!spec[n])
				return bad_source(spec, "no path");
			/* The shell leaves "maildir:~/Maildir" alone; do what it means. */
			if (strncmp(spec + n, "~/", 2) == 0 && home &&
			    asprintf(&s->path, "%s%s", home, spec + n + 1) >= 0)
				return CRM_OK;
			s->path = strdup(spec + n);
			return CRM_OK;
		}
		return parse_url(spec, spec + n, s);
	}
	return bad_source(spec, "unknown kind");
}

/* The mailbox drivers, by the kind of source they read. */
static int (*const drivers[])(struct crm_mail_run *p) = {
	[MAILBOX_MAILDIR] = crm_mail_maildir,
	[MAILBOX_MBOX] = crm_mail_mbox,
	[MAILBOX_IMAP] = crm_mail_imap,
	[MAILBOX_POP3] = crm_mail_pop3,
};

int crm_mail_pull(struct crm_db *db, const struct crm_mail_opts *o, crm_row_fn *fn, void *arg,
		  struct crm_mail_stats *stats)
{
	struct crm_mail_run p = { .db = db, .o = o, .fn = fn, .arg = arg, .stats = stats };
	int lock = -1, rc;

	memset(stats, 0, sizeof *stats);
	if ((rc = crm_user_require(db, CRM_ROLE_ANY & ~CRM_ROLE_WAREHOUSE, "reading mail")) ||
	    (rc = parse_source(o->source, &p.src)))
		goto out;
	if (o->rules)
		p.rules = o->rules;
	else if ((rc = crm_mailrules_load(NULL, &p.rules)))
		goto out;
	if ((rc = crm_source_lock(db, "mailpull", p.src.label, &lock)))
		goto out;
	rc = drivers[p.src.kind](&p);
	close(lock);
	rc = crm_mail_run_end(&p, rc);
out:
	if (!o->rules)
		crm_mailrules_free(p.rules);
	source_free(&p.src);
	return rc;
}
