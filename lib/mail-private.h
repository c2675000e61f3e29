/*
 * mail-private.h: what the parts of e-mail intake share, top to bottom:
 * mail.c reads the source and picks its mailbox driver (mailbox.c for
 * maildir and mbox, imap.c, pop3.c); each driver hands every message it
 * reads to the exactly-once step of mailtake.c, which knows nothing of
 * mailboxes.
 */
#ifndef CRM_MAIL_PRIVATE_H
#define CRM_MAIL_PRIVATE_H

#include "crm-private.h"
#include "net.h"

enum crm_mailbox_kind { MAILBOX_MAILDIR, MAILBOX_MBOX, MAILBOX_IMAP, MAILBOX_POP3 };

/* The source as given: maildir:PATH, mbox:PATH, imap[s]://USER@HOST[:PORT]/FOLDER
 * or pop3[s]://USER@HOST[:PORT]. */
struct crm_mail_source {
	enum crm_mailbox_kind kind;
	int tls;
	char *user, *host, *path; /* path: the maildir, the mbox, or the IMAP folder */
	int port;
	char *label;              /* the source as given, for messages and bookkeeping */
};

/* One run over one source. */
struct crm_mail_run {
	struct crm_db *db;
	const struct crm_mail_opts *o;
	struct crm_mail_source src;
	struct crm_mailrules *rules;
	crm_row_fn *fn;
	void *arg;
	struct crm_mail_stats *stats;
	unsigned long emitted; /* rows reported */
	char *last_ref;        /* the ref of the last message taken */
};

/* ---- mailtake.c: what the drivers call for each message and for the run */

/* Take one message in its own transaction; *done says it may now be
 * marked on the server (it is recorded, and this is no dry run). uid is the
 * message's id in its mailbox, or NULL. */
int crm_mail_take(struct crm_mail_run *p, const char *uid, const char *raw, size_t len,
		  int *done);
/* A message taken before as ref, read again now that it is longer (its
 * writer had not finished it): when it begins with the copy stored, that
 * copy's request gets the whole message; else it is taken as a new one. */
int crm_mail_retake(struct crm_mail_run *p, const char *ref, const char *raw, size_t len,
		    int *done);
/* Has a message with this id in its mailbox been taken before? */
int crm_mail_seen_uid(struct crm_mail_run *p, const char *uid);
/* Has the run taken as many messages as --limit allows? */
int crm_mail_limit_reached(struct crm_mail_run *p);
void crm_mail_progress(struct crm_mail_run *p, unsigned long i, unsigned long n);
/* The source's cursor (a mailbox's own bookmark), kept in intake_cursor. */
int crm_mail_cursor_get(struct crm_mail_run *p, char *state, size_t size);
int crm_mail_cursor_set(struct crm_mail_run *p, const char *state);
/* The run is over, with rc so far: when it reported no message, the
 * header alone goes to the row sink. */
int crm_mail_run_end(struct crm_mail_run *p, int rc);

/* ---- the mailbox drivers, which mail.c calls: read the source's new
 * messages, take each, mark it once taken */

int crm_mail_maildir(struct crm_mail_run *p);
int crm_mail_mbox(struct crm_mail_run *p);
int crm_mail_imap(struct crm_mail_run *p);
int crm_mail_pop3(struct crm_mail_run *p);

#endif
