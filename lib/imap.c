/*
 * imap.c: IMAP intake through libetpan. New messages are those above the
 * folder's cursor (UIDVALIDITY and the last UID taken); each is fetched with
 * BODY.PEEK[] so the server does not mark it before crm has committed it,
 * then flagged \Seen (or moved with --move-to). A new UIDVALIDITY reads the
 * folder again; the Message-IDs keep every message once.
 */
#include <stdlib.h>
#include <string.h>

#include "mail-private.h"

/* ---- IMAP */

/* A failed command: a refused login, a connection that broke (then a
 * retry may work: 75), or the server saying no. libetpan reports a
 * connection that ends in the middle of a response as a parse error. */
static int imap_error(struct crm_mail_run *p, int r, const char *what)
{
	int status;

	if (r == MAILIMAP_ERROR_PARSE)
		r = MAILIMAP_ERROR_STREAM;
	status = r == MAILIMAP_ERROR_STREAM || r == MAILIMAP_ERROR_CONNECTION_REFUSED ? CRM_TEMPFAIL
	       : r == MAILIMAP_ERROR_LOGIN					  ? CRM_CONFIG
										  : CRM_UNAVAILABLE;

	if (r == MAILIMAP_ERROR_LOGIN)
		return crm_error_set(status, "%s: login as %s refused", p->src.host, p->src.user);
	return crm_error_set(status, "%s: %s failed (%s)", p->src.host, what,
			     r == MAILIMAP_ERROR_STREAM ? "connection lost or timed out"
							: "server said no");
}

static int imap_open(struct crm_mail_run *p, mailimap **out)
{
	struct crm_net_opts no = { p->o->cafile, p->o->insecure, p->o->timeout };
	mailstream *stream;
	mailimap *imap;
	int fd, r, rc;

	if ((rc = crm_net_connect(p->src.host, p->src.port, &no, &fd)) ||
	    (rc = crm_net_stream(fd, p->src.host, p->src.tls, &no, &stream)))
		return rc;
	if (!(imap = mailimap_new(0, NULL))) {
		mailstream_close(stream);
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	}
	*out = imap;
	r = mailimap_connect(imap, stream);
	if (r != MAILIMAP_NO_ERROR_AUTHENTICATED && r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED)
		return imap_error(p, r, "greeting");
	if (p->o->starttls && !p->src.tls) {
		if ((r = mailimap_starttls(imap)) != MAILIMAP_NO_ERROR)
			return imap_error(p, r, "STARTTLS");
		if ((rc = crm_net_starttls(imap->imap_stream, p->src.host, &no)))
			return rc;
	}
	if ((r = mailimap_login(imap, p->src.user, p->o->password ? p->o->password : "")) !=
	    MAILIMAP_NO_ERROR)
		return imap_error(p, r, "LOGIN");
	if ((r = mailimap_select(imap, p->src.path)) != MAILIMAP_NO_ERROR)
		return crm_error_set(r == MAILIMAP_ERROR_STREAM ? CRM_TEMPFAIL : CRM_CONFIG,
				     "%s: cannot open folder %s", p->src.host, p->src.path);
	return CRM_OK;
}

/* The UIDs above last, in order. */
static int imap_uids(struct crm_mail_run *p, mailimap *imap, uint32_t last, uint32_t **uids, size_t *n)
{
	struct mailimap_set *set = mailimap_set_new_interval(last + 1, 0);
	struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
	clist *result = NULL;
	clistiter *i, *j;
	int r;

	*uids = NULL;
	*n = 0;
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_uid());
	r = mailimap_uid_fetch(imap, set, ft, &result);
	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(p, r, "UID FETCH");
	*uids = calloc(clist_count(result) + 1, sizeof **uids);
	for (i = clist_begin(result); *uids && i; i = clist_next(i)) {
		struct mailimap_msg_att *att = clist_content(i);

		for (j = clist_begin(att->att_list); j; j = clist_next(j)) {
			struct mailimap_msg_att_item *it = clist_content(j);

			if (it->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
			    it->att_data.att_static->att_type == MAILIMAP_MSG_ATT_UID &&
			    it->att_data.att_static->att_data.att_uid > last) /* "N:*" gives the last one too */
				(*uids)[(*n)++] = it->att_data.att_static->att_data.att_uid;
		}
	}
	mailimap_fetch_list_free(result);
	return *uids ? CRM_OK : crm_error_set(CRM_SOFTWARE, "out of memory");
}

/* The whole message of uid, without setting \Seen (BODY.PEEK[]). */
static int imap_fetch(struct crm_mail_run *p, mailimap *imap, uint32_t uid, char **raw, size_t *len)
{
	struct mailimap_set *set = mailimap_set_new_single(uid);
	struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
	clist *result = NULL;
	clistiter *i, *j;
	int r;

	*raw = NULL;
	mailimap_fetch_type_new_fetch_att_list_add(
		ft, mailimap_fetch_att_new_body_peek_section(mailimap_section_new(NULL)));
	r = mailimap_uid_fetch(imap, set, ft, &result);
	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(p, r, "FETCH");
	for (i = clist_begin(result); i && !*raw; i = clist_next(i)) {
		struct mailimap_msg_att *att = clist_content(i);

		for (j = clist_begin(att->att_list); j && !*raw; j = clist_next(j)) {
			struct mailimap_msg_att_item *it = clist_content(j);
			struct mailimap_msg_att_body_section *b;

			if (it->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC ||
			    it->att_data.att_static->att_type != MAILIMAP_MSG_ATT_BODY_SECTION)
				continue;
			b = it->att_data.att_static->att_data.att_body_section;
			if ((*raw = malloc(b->sec_length + 1))) {
				memcpy(*raw, b->sec_body_part, b->sec_length);
				*len = b->sec_length;
			}
		}
	}
	mailimap_fetch_list_free(result);
	return CRM_OK; /* *raw NULL: the message went away meanwhile */
}

/* After the commit: \Seen, or moved to the folder named by --move-to. */
static int imap_mark(struct crm_mail_run *p, mailimap *imap, uint32_t uid)
{
	struct mailimap_set *set = mailimap_set_new_single(uid);
	int r;

	if (p->o->move_to) {
		r = mailimap_uid_move(imap, set, p->o->move_to);
	} else {
		struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();
		struct mailimap_store_att_flags *sa;

		mailimap_flag_list_add(fl, mailimap_flag_new_seen());
		sa = mailimap_store_att_flags_new_add_flags_silent(fl);
		r = mailimap_uid_store(imap, set, sa);
		mailimap_store_att_flags_free(sa);
	}
	mailimap_set_free(set);
	if (r == MAILIMAP_NO_ERROR)
		return CRM_OK;
	if (p->o->move_to && r != MAILIMAP_ERROR_STREAM && r != MAILIMAP_ERROR_PARSE)
		return crm_error_set(CRM_CONFIG, "%s: cannot move mail to %s (does the folder exist?)",
				     p->src.host, p->o->move_to);
	return imap_error(p, r, p->o->move_to ? "MOVE" : "STORE");
}

static int imap_messages(struct crm_mail_run *p, mailimap *imap)
{
	uint32_t validity = imap->imap_selection_info->sel_uidvalidity, *uids, last = 0;
	unsigned long v = 0, l = 0;
	char state[128], uid[32];
	size_t n, k;
	int rc, done;

	if ((rc = crm_mail_cursor_get(p, state, sizeof state)))
		return rc;
	/* A new UIDVALIDITY: the folder is read again; the Message-IDs keep it once. */
	if (sscanf(state, "%lu %lu", &v, &l) == 2 && v == validity)
		last = (uint32_t)l;
	if ((rc = imap_uids(p, imap, last, &uids, &n)))
		return rc;
	for (k = 0; k < n && rc == CRM_OK && !crm_mail_limit_reached(p); k++) {
		char *raw;
		size_t len = 0;

		if ((rc = imap_fetch(p, imap, uids[k], &raw, &len)) || !raw)
			continue;
		snprintf(uid, sizeof uid, "%lu/%lu", (unsigned long)validity, (unsigned long)uids[k]);
		rc = crm_mail_take(p, uid, raw, len, &done);
		free(raw);
		if (rc == CRM_OK && done && (rc = imap_mark(p, imap, uids[k])) == CRM_OK) {
			snprintf(state, sizeof state, "%lu %lu", (unsigned long)validity,
				 (unsigned long)uids[k]);
			rc = crm_mail_cursor_set(p, state);
		}
		crm_mail_progress(p, k + 1, n);
	}
	free(uids);
	return rc;
}

int crm_mail_imap(struct crm_mail_run *p)
{
	mailimap *imap = NULL;
	int rc = imap_open(p, &imap);

	if (rc == CRM_OK)
		rc = imap_messages(p, imap);
	if (imap) {
		if (rc != CRM_TEMPFAIL)
			mailimap_logout(imap);
		mailimap_free(imap);
	}
	return rc;
}

