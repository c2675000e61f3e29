/*
 * mail-private.h: what the parts of e-mail intake share: the parsed source,
 * the state of one run, and the exactly-once step every kind of mailbox
 * calls for each message (mail.c); the mailboxes themselves are in
 * mailbox.c (maildir, mbox), imap.c and pop3.c.
 */
#ifndef CRM_MAIL_PRIVATE_H
#define CRM_MAIL_PRIVATE_H

#include "crm-private.h"
#include "net.h"

enum kind { MAILDIR, MBOX, IMAP, POP3 };

struct source {
	enum kind kind;
	int tls;
	char *user, *host, *path; /* path: the maildir, the mbox, or the IMAP folder */
	int port;
	char *label;              /* the source as given, for messages and bookkeeping */
};

struct pull {
	struct crm_db *db;
	const struct crm_mail_opts *o;
	struct source src;
	struct crm_mailrules *rules;
	crm_row_fn *fn;
	void *arg;
	struct crm_mail_stats *stats;
	unsigned long emitted; /* rows reported */
	char *last_ref;        /* the ref of the last message taken */
};

/* Take one message in its own transaction; *done says it may now be
 * marked on the server (it is recorded, and this is no dry run). uid is the
 * message's id in its mailbox, or NULL. */
int crm_mail_take(struct pull *p, const char *uid, const char *raw, size_t len, int *done);
/* A message taken before as ref, read again now that it is longer (its
 * writer had not finished it): when it begins with the copy stored, that
 * copy's request gets the whole message; else it is taken as a new one. */
int crm_mail_retake(struct pull *p, const char *ref, const char *raw, size_t len, int *done);
/* Has a message with this id in its mailbox been taken before? */
int crm_mail_seen_uid(struct pull *p, const char *uid);
/* Has the run taken as many messages as --limit allows? */
int crm_mail_limit_reached(struct pull *p);
void crm_mail_progress(struct pull *p, unsigned long i, unsigned long n);
/* The source's cursor (a mailbox's own bookmark), kept in intake_cursor. */
int crm_mail_cursor_get(struct pull *p, char *state, size_t size);
int crm_mail_cursor_set(struct pull *p, const char *state);

int crm_mail_maildir(struct pull *p);
int crm_mail_mbox(struct pull *p);
int crm_mail_imap(struct pull *p);
int crm_mail_pop3(struct pull *p);

#endif
