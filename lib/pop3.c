/*
 * pop3.c: POP3 intake through libetpan. Messages are known by their UIDL;
 * nothing is deleted unless --delete is given, and then only messages whose
 * transaction has committed, and only when QUIT goes through.
 */
#include <stdlib.h>
#include <string.h>

#include "mail-private.h"

/* ---- POP3 */

/* A refused login (78), a broken connection (75), or the server saying no. */
static int pop3_error(struct crm_mail_run *p, int r, const char *what)
{
	if (r == MAILPOP3_ERROR_BAD_PASSWORD || r == MAILPOP3_ERROR_BAD_USER)
		return crm_error_set(CRM_CONFIG, "%s: login as %s refused", p->src.host, p->src.user);
	return crm_error_set(r == MAILPOP3_ERROR_STREAM ? CRM_TEMPFAIL : CRM_UNAVAILABLE,
			     "%s: %s failed", p->src.host, what);
}

static int pop3_open(struct crm_mail_run *p, mailpop3 **out)
{
	struct crm_net_opts no = { p->o->cafile, p->o->insecure, p->o->timeout };
	mailstream *stream;
	mailpop3 *pop;
	int fd, r, rc;

	if ((rc = crm_net_connect(p->src.host, p->src.port, &no, &fd)) ||
	    (rc = crm_net_stream(fd, p->src.host, p->src.tls, &no, &stream)))
		return rc;
	if (!(pop = mailpop3_new(0, NULL))) {
		mailstream_close(stream);
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	}
	*out = pop;
	if ((r = mailpop3_connect(pop, stream)) != MAILPOP3_NO_ERROR)
		return pop3_error(p, r, "greeting");
	if (p->o->starttls && !p->src.tls) {
		if ((r = mailpop3_stls(pop)) != MAILPOP3_NO_ERROR)
			return pop3_error(p, r, "STLS");
		if ((rc = crm_net_starttls(pop->pop3_stream, p->src.host, &no)))
			return rc;
	}
	if ((r = mailpop3_user(pop, p->src.user)) != MAILPOP3_NO_ERROR ||
	    (r = mailpop3_pass(pop, p->o->password ? p->o->password : "")) != MAILPOP3_NO_ERROR)
		return pop3_error(p, r == MAILPOP3_ERROR_STREAM ? r : MAILPOP3_ERROR_BAD_PASSWORD,
				  "login");
	return CRM_OK;
}

static int pop3_messages(struct crm_mail_run *p, mailpop3 *pop)
{
	carray *list = NULL;
	unsigned int k;
	int r, rc = CRM_OK, done;

	if ((r = mailpop3_list(pop, &list)) != MAILPOP3_NO_ERROR)
		return pop3_error(p, r, "LIST");
	for (k = 0; k < carray_count(list) && rc == CRM_OK && !crm_mail_limit_reached(p); k++) {
		struct mailpop3_msg_info *mi = carray_get(list, k);
		char *raw = NULL;
		size_t len = 0;

		if (!mi || mi->msg_deleted)
			continue;
		done = mi->msg_uidl && crm_mail_seen_uid(p, mi->msg_uidl);
		if (!done) {
			if ((r = mailpop3_retr(pop, mi->msg_index, &raw, &len)) != MAILPOP3_NO_ERROR) {
				rc = pop3_error(p, r, "RETR");
				break;
			}
			rc = crm_mail_take(p, mi->msg_uidl, raw, len, &done);
			mailpop3_retr_free(raw);
		}
		if (rc == CRM_OK && done && p->o->delete_after && !p->o->dry_run &&
		    (r = mailpop3_dele(pop, mi->msg_index)) != MAILPOP3_NO_ERROR)
			rc = pop3_error(p, r, "DELE");
		crm_mail_progress(p, k + 1, carray_count(list));
	}
	return rc;
}

int crm_mail_pop3(struct crm_mail_run *p)
{
	mailpop3 *pop = NULL;
	int rc = pop3_open(p, &pop);

	if (rc == CRM_OK)
		rc = pop3_messages(p, pop);
	if (pop) {
		/* QUIT makes the deletions happen; without it the server keeps all. */
		if (rc == CRM_OK && mailpop3_quit(pop) != MAILPOP3_NO_ERROR)
			rc = crm_error_set(CRM_TEMPFAIL, "%s: QUIT failed: deletions not made",
					   p->src.host);
		mailpop3_free(pop);
	}
	return rc;
}

