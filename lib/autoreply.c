/*
 * autoreply.c: mail that machines write to us, which must never become a
 * lead: auto-replies (RFC 3834's Auto-Submitted, Precedence, the headers
 * Exchange and others add, the subjects they write in Russian and other
 * languages), bounces (the mailer daemon's address, delivery reports,
 * returned messages) and mailing lists' bulk mail and notices.
 */
#include <stdlib.h>
#include <string.h>

#include "mime-private.h"

/* The first word of v (up to ';', ',' or space) equals w, in any case. */
static int word_is(const char *v, const char *w)
{
	size_t n = strlen(w);

	while (is_wsp(*v))
		v++;
	return !ascii_ncasecmp(v, w, n) && (!v[n] || strchr(" \t;,(", v[n]));
}

static const char *auto_submitted(const struct crm_message *m)
{
	const char *v = crm_message_header(m, "Auto-Submitted");

	if (!v || !*v || word_is(v, "no"))
		return NULL;
	if (word_is(v, "auto-replied"))
		return "Auto-Submitted: auto-replied";
	if (word_is(v, "auto-generated"))
		return "Auto-Submitted: auto-generated";
	if (word_is(v, "auto-notified"))
		return "Auto-Submitted: auto-notified";
	return "Auto-Submitted";
}

static const char *precedence(const struct crm_message *m)
{
	static const char *const reasons[] = { "Precedence: bulk", "Precedence: junk",
					       "Precedence: list", "Precedence: auto_reply" };
	const char *v = crm_message_header(m, "Precedence");
	size_t i;

	for (i = 0; v && i < sizeof reasons / sizeof *reasons; i++)
		if (word_is(v, reasons[i] + strlen("Precedence: ")))
			return reasons[i];
	return NULL;
}

/* Does s hold w (ASCII, in any case)? */
static int has_ci(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s; s++)
		if (!ascii_ncasecmp(s, w, n))
			return 1;
	return 0;
}

/* The local part of the sender's address is w, in any case ("w" alone too). */
static int from_local(const struct crm_message *m, const char *w)
{
	const char *v = m->from_addr;
	size_t n = strlen(w);

	return v && !ascii_ncasecmp(v, w, n) && (v[n] == '@' || !v[n]);
}

/* Parts only a mail system writes: delivery, disposition and feedback
 * reports (RFC 3464, 8098, 5965), whatever multipart holds them. */
static int report_part(const struct crm_message *m)
{
	static const char *const types[] = {
		"message/delivery-status", "message/global-delivery-status",
		"message/disposition-notification", "message/feedback-report",
	};
	size_t i, k;

	for (i = 0; i < m->nattachments; i++)
		for (k = 0; m->attachments[i].type && k < sizeof types / sizeof *types; k++)
			if (!ascii_casecmp(m->attachments[i].type, types[k]))
				return 1;
	return 0;
}

/* Words of a subject that says a message came back. */
static int bounce_subject(const struct crm_message *m)
{
	static const char *const words[] = {
		"undeliver", "delivery status", "delivery fail", "delivery notification",
		"delivery report", "returned mail", "failure notice", "mail delivery",
		"non-delivery", "could not be delivered", "недостав", "не доставлен",
	};
	char *f = m->subject ? crm_utf8_fold(m->subject) : NULL;
	size_t i;
	int hit = 0;

	for (i = 0; f && !hit && i < sizeof words / sizeof *words; i++)
		hit = strstr(f, words[i]) != NULL;
	free(f);
	return hit;
}

/* A returned message, or its headers, attached. */
static int returned_message(const struct crm_message *m)
{
	size_t i;

	for (i = 0; i < m->nattachments; i++)
		if (m->attachments[i].type && (!ascii_casecmp(m->attachments[i].type, "message/rfc822") ||
					       !ascii_casecmp(m->attachments[i].type, "text/rfc822-headers")))
			return 1;
	return 0;
}

/*
 * Bounces: the mail system's own addresses and its reports. MAILER-DAEMON
 * is never a person; postmaster is a role a person may write from, so it
 * counts only beside a bounce's subject or a returned message.
 */
static const char *bounce(const struct crm_message *m)
{
	const char *v;

	if (from_local(m, "mailer-daemon") || from_local(m, "mailerdaemon"))
		return "From: mailer-daemon";
	if ((from_local(m, "postmaster") || from_local(m, "post_master") ||
	     from_local(m, "post-master")) && (bounce_subject(m) || returned_message(m)))
		return "From: postmaster";
	if ((v = crm_message_header(m, "Content-Type")) &&
	    (word_is(v, "multipart/report") || has_ci(v, "report-type=")))
		return "Content-Type: multipart/report";
	if (report_part(m))
		return "a delivery, disposition or feedback report";
	if (crm_message_header(m, "X-Failed-Recipients"))
		return "X-Failed-Recipients";
	return NULL;
}

/* Mailing-list managers' own notices (Mailman, ezmlm, Majordomo, LISTSERV,
 * Sympa: confirmations, moderation, reminders): their headers, or an
 * address of the list's machinery. */
static const char *list_manager(const struct crm_message *m)
{
	static const char *const headers[] = { "X-List-Administrivia", "X-Mailman-Version",
					       "Mailing-List", "X-Sympa-To" };
	static const char *const robots[] = { "mailman", "majordomo", "listserv", "listproc",
					      "sympa", "ezmlm", "lyris" };
	static const char *const tails[] = { "-request@", "-bounces@", "-owner@", "-bounces+" };
	const char *a = m->from_addr;
	size_t i;

	for (i = 0; i < sizeof headers / sizeof *headers; i++)
		if (crm_message_header(m, headers[i]))
			return headers[i];
	for (i = 0; i < sizeof robots / sizeof *robots; i++)
		if (from_local(m, robots[i]))
			return "From: a list manager";
	for (i = 0; a && i < sizeof tails / sizeof *tails; i++)
		if (strstr(a, tails[i]))
			return "From: a list manager";
	if (a && !strncmp(a, "owner-", 6))
		return "From: a list manager";
	return NULL;
}

/* "From: <>": the null address that bounces are sent from. */
static const char *null_from(const struct crm_message *m)
{
	const char *v = crm_message_header(m, "From"), *lt;

	if (!v || m->from_addr || !(lt = strrchr(v, '<')))
		return NULL;
	for (lt++; is_wsp(*lt); lt++)
		;
	return *lt == '>' ? "From: <>" : NULL;
}

/* The null sender: bounces and auto-replies (RFC 3834) are sent from <>. */
static const char *null_sender(const struct crm_message *m)
{
	const char *v = crm_message_header(m, "Return-Path");

	if (!v)
		return NULL;
	while (is_wsp(*v))
		v++;
	if (*v++ != '<')
		return NULL;
	while (is_wsp(*v))
		v++;
	return *v == '>' ? "Return-Path: <>" : NULL;
}

static const struct {
	const char *folded; /* as crm_utf8_fold() gives it */
	const char *reason;
} subject_marks[] = {
	{ "автоответ", "Subject: Автоответ" },
	{ "автоматический ответ", "Subject: Автоматический ответ" },
	{ "недоставленное сообщение", "Subject: Недоставленное сообщение" },
	{ "auto:", "Subject: Auto:" },
	{ "automatic reply", "Subject: Automatic reply" },
	{ "automatic response", "Subject: Automatic response" },
	{ "autoreply", "Subject: Autoreply" },
	{ "auto-reply", "Subject: Auto-reply" },
	{ "auto reply", "Subject: Auto reply" },
	{ "autoresponse", "Subject: Autoresponse" },
	{ "auto-response", "Subject: Auto-response" },
	{ "auto response", "Subject: Auto response" },
	{ "automatische antwort", "Subject: Automatische Antwort" },
	{ "abwesenheitsnotiz", "Subject: Abwesenheitsnotiz" },
	{ "r\xc3\xa9ponse automatique", "Subject: R\xc3\xa9ponse automatique" },
	{ "respuesta autom\xc3\xa1tica", "Subject: Respuesta autom\xc3\xa1tica" },
	{ "out of office", "Subject: Out of Office" },
	{ "out of the office", "Subject: Out of the office" },
	{ "undelivered mail returned to sender", "Subject: Undelivered Mail Returned to Sender" },
	{ "delivery status notification", "Subject: Delivery Status Notification" },
	{ "mail delivery failed", "Subject: Mail delivery failed" },
	{ "undeliverable:", "Subject: Undeliverable" },
	{ "returned mail:", "Subject: Returned mail" },
	{ "failure notice", "Subject: failure notice" },
};

static const char *subject_mark(const struct crm_message *m)
{
	const char *reason = NULL, *s;
	char *f;
	size_t i;

	if (!m->subject || !(f = crm_utf8_fold(m->subject)))
		return NULL;
	for (s = f; is_wsp(*s); s++)
		;
	for (i = 0; !reason && i < sizeof subject_marks / sizeof *subject_marks; i++)
		if (!strncmp(s, subject_marks[i].folded, strlen(subject_marks[i].folded)))
			reason = subject_marks[i].reason;
	free(f);
	return reason;
}

/*
 * X-Auto-Response-Suppress is not asked: Outlook puts it on mail people
 * write (asking others not to auto-reply), so it says nothing about this one.
 */
const char *crm_message_automatic(const struct crm_message *m)
{
	const char *r, *v;

	if (!m)
		return NULL;
	if ((r = bounce(m)) || (r = auto_submitted(m)) || (r = precedence(m)))
		return r;
	if ((v = crm_message_header(m, "X-Autoreply")) && *v && !word_is(v, "no"))
		return "X-Autoreply";
	if (crm_message_header(m, "X-Autorespond"))
		return "X-Autorespond";
	if ((r = null_sender(m)) || (r = null_from(m)))
		return r;
	if (crm_message_header(m, "List-Id"))
		return "List-Id";
	if (crm_message_header(m, "List-Unsubscribe"))
		return "List-Unsubscribe";
	if ((r = list_manager(m)))
		return r;
	return subject_mark(m);
}
