/*
 * mail.c: the top of e-mail intake (crm-mailpull): a source or a named
 * account (crm-accounts(5)) with the command line's settings over it; the
 * source (maildir:PATH, mbox:PATH, imap[s]://..., pop3[s]://...) read into
 * its parts, locked against a second run, and handed to its mailbox driver
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

static const struct mail_kind {
	const char *prefix;
	enum crm_mailbox_kind kind;
	int tls, port;
} kinds[] = {
	{ "maildir:", MAILBOX_MAILDIR, 0, 0 }, { "mbox:", MAILBOX_MBOX, 0, 0 },
	{ "imap://", MAILBOX_IMAP, 0, 143 },   { "imaps://", MAILBOX_IMAP, 1, 993 },
	{ "pop3://", MAILBOX_POP3, 0, 110 },   { "pop3s://", MAILBOX_POP3, 1, 995 },
};

/* The kind of source spec names by its prefix, or NULL. */
static const struct mail_kind *kind_of(const char *spec)
{
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (strncmp(spec, kinds[i].prefix, strlen(kinds[i].prefix)) == 0)
			return &kinds[i];
	return NULL;
}

static int parse_source(const char *spec, struct crm_mail_source *s)
{
	const struct mail_kind *k = kind_of(spec);
	const char *home = getenv("HOME"), *rest;

	memset(s, 0, sizeof *s);
	s->label = strdup(spec);
	if (!k)
		return bad_source(spec, "unknown kind");
	rest = spec + strlen(k->prefix);
	s->kind = k->kind;
	s->tls = k->tls;
	s->port = k->port;
	if (s->kind != MAILBOX_MAILDIR && s->kind != MAILBOX_MBOX)
		return parse_url(spec, rest, s);
	if (!*rest)
		return bad_source(spec, "no path");
	/* The shell leaves "maildir:~/Maildir" alone; do what it means. */
	if (strncmp(rest, "~/", 2) == 0 && home && asprintf(&s->path, "%s%s", home, rest + 1) >= 0)
		return CRM_OK;
	s->path = strdup(rest);
	return CRM_OK;
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

/* ---- a source or a named account, with the command line's settings */

#define TIMEOUT 30 /* seconds, when neither the options nor the account say */

/* A mailbox on a server: it needs a password, and may have a certificate. */
static int remote(const char *source)
{
	const struct mail_kind *k = kind_of(source);

	return k && (k->kind == MAILBOX_IMAP || k->kind == MAILBOX_POP3);
}

/* The account name names: a source alone (it has a ':'), or an account of
 * the accounts file; a passfile or passcmd in o replaces both of its own. */
static int find_account(const char *name, const struct crm_mail_opts *o, struct crm_account *a)
{
	int rc;

	memset(a, 0, sizeof *a);
	if (strchr(name, ':'))
		a->source = strdup(name);
	else if ((rc = crm_account_load(o->accounts, name, a)))
		return rc;
	if (o->passfile || o->passcmd) {
		free(a->passfile);
		free(a->passcmd);
		a->passfile = o->passfile ? strdup(o->passfile) : NULL;
		a->passcmd = o->passcmd ? strdup(o->passcmd) : NULL;
	}
	return a->source ? CRM_OK : crm_error_set(CRM_SOFTWARE, "out of memory");
}

/* o's settings where it has them, else the account's. */
static void with_account(struct crm_mail_opts *o, const struct crm_account *a)
{
	o->source = a->source;
	o->cafile = o->cafile ? o->cafile : a->cafile;
	o->move_to = o->move_to ? o->move_to : a->move_to;
	o->insecure |= a->insecure;
	o->starttls |= a->starttls;
	o->delete_after |= a->delete_after;
	if (!o->timeout)
		o->timeout = a->timeout ? a->timeout : TIMEOUT;
}

int crm_mail_pull_account(struct crm_db *db, const char *name, const struct crm_mail_opts *given,
			  crm_row_fn *fn, void *arg, struct crm_mail_stats *stats)
{
	struct crm_mail_opts o = *given;
	struct crm_account a;
	char *password = NULL;
	int rc;

	memset(stats, 0, sizeof *stats);
	if ((rc = find_account(name, given, &a)) == CRM_OK) {
		with_account(&o, &a);
		if (remote(o.source) && !o.password)
			rc = crm_account_password(&a, &password);
		o.password = password ? password : o.password;
	}
	if (rc == CRM_OK) {
		if (o.insecure && remote(o.source) && o.warn)
			o.warn(o.warn_arg, o.source, "the server's certificate is not checked");
		rc = crm_mail_pull(db, &o, fn, arg, stats);
	}
	if (password)
		memset(password, 0, strlen(password));
	free(password);
	crm_account_clear(&a);
	return rc;
}
