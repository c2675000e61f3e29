/*
 * net.c: TCP connections with time limits, and TLS through GnuTLS with the
 * server's certificate checked against the system's CAs (or a given file)
 * and its host name. libetpan's own TLS does not check certificates on
 * every build, so crm does the handshake itself and gives libetpan a
 * mailstream whose low-level driver reads and writes through GnuTLS.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "crm.h"
#include "net.h"

static int wait_fd(int fd, short events, int timeout)
{
	struct pollfd p = { .fd = fd, .events = events };
	int r;

	do
		r = poll(&p, 1, timeout > 0 ? timeout * 1000 : -1);
	while (r < 0 && errno == EINTR);
	return r; /* 0: timed out */
}

/* One address: a non-blocking connect, waited for within the limit. */
static int try_connect(const struct addrinfo *ai, int timeout, int *fd, int *err)
{
	socklen_t len = sizeof *err;
	int s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	int flags;

	if (s < 0) {
		*err = errno;
		return -1;
	}
	flags = fcntl(s, F_GETFL);
	fcntl(s, F_SETFL, flags | O_NONBLOCK);
	if (connect(s, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
		*err = errno;
		close(s);
		return -1;
	}
	if (wait_fd(s, POLLOUT, timeout) == 0) {
		*err = ETIMEDOUT;
		close(s);
		return -1;
	}
	if (getsockopt(s, SOL_SOCKET, SO_ERROR, err, &len) != 0 || *err) {
		close(s);
		return -1;
	}
	fcntl(s, F_SETFL, flags); /* libetpan expects a blocking socket */
	*fd = s;
	return 0;
}

int crm_net_connect(const char *host, int port, const struct crm_net_opts *o, int *fd)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	char service[16];
	int rc, err = 0;

	snprintf(service, sizeof service, "%d", port);
	rc = getaddrinfo(host, service, &hints, &res);
	if (rc != 0)
		return crm_error_set(rc == EAI_AGAIN ? CRM_TEMPFAIL : CRM_UNAVAILABLE,
				     "cannot find %s: %s", host, gai_strerror(rc));
	for (ai = res; ai; ai = ai->ai_next)
		if (try_connect(ai, o->timeout, fd, &err) == 0)
			break;
	freeaddrinfo(res);
	if (ai)
		return CRM_OK;
	return crm_error_set(err == ETIMEDOUT || err == ENETUNREACH ? CRM_TEMPFAIL
								      : CRM_UNAVAILABLE,
			     "cannot connect to %s:%d: %s", host, port, strerror(err));
}

/* ---- a plain low-level driver for libetpan
 *
 * libetpan's own socket driver returns 0 when the server hangs up, and its
 * IMAP parser, in the middle of a message literal, reads again forever on
 * 0. Ours says -1 at the end of the stream: the command fails, the run
 * exits 75, and the next run takes the rest. */

struct plain {
	int fd, timeout;
};

static ssize_t plain_read(mailstream_low *s, void *buf, size_t count)
{
	struct plain *p = s->data;
	ssize_t r;

	if (wait_fd(p->fd, POLLIN, p->timeout) == 0)
		return -1; /* timed out */
	do
		r = recv(p->fd, buf, count, 0);
	while (r < 0 && errno == EINTR);
	return r <= 0 ? -1 : r;
}

static ssize_t plain_write(mailstream_low *s, const void *buf, size_t count)
{
	struct plain *p = s->data;
	ssize_t r;

	if (wait_fd(p->fd, POLLOUT, p->timeout) == 0)
		return -1;
	do
		r = send(p->fd, buf, count, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -1 : r;
}

static int plain_close(mailstream_low *s)
{
	struct plain *p = s->data;

	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	return 0;
}

static int plain_get_fd(mailstream_low *s)
{
	return ((struct plain *)s->data)->fd;
}

/* Frees the driver, not the socket: STARTTLS goes on using it. */
static void plain_free(mailstream_low *s)
{
	free(s->data);
	free(s);
}

static void no_cancel(mailstream_low *s)
{
}

static struct mailstream_cancel *no_get_cancel(mailstream_low *s)
{
	return NULL;
}

static mailstream_low_driver plain_driver = {
	.mailstream_read = plain_read,
	.mailstream_write = plain_write,
	.mailstream_close = plain_close,
	.mailstream_get_fd = plain_get_fd,
	.mailstream_free = plain_free,
	.mailstream_cancel = no_cancel,
	.mailstream_get_cancel = no_get_cancel,
};

/* ---- the TLS low-level driver for libetpan */

struct tls {
	gnutls_session_t session;
	gnutls_certificate_credentials_t cred;
	int fd, timeout;
	int no_system_ca; /* the system's CA store had no certificate in it */
};

static ssize_t tls_read(mailstream_low *s, void *buf, size_t count)
{
	struct tls *t = s->data;
	ssize_t r;

	for (;;) {
		if (!gnutls_record_check_pending(t->session) &&
		    wait_fd(t->fd, POLLIN, t->timeout) == 0)
			return -1; /* timed out */
		r = gnutls_record_recv(t->session, buf, count);
		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
			continue;
		return r <= 0 ? -1 : r; /* an end is an error: see plain_read */
	}
}

static ssize_t tls_write(mailstream_low *s, const void *buf, size_t count)
{
	struct tls *t = s->data;
	ssize_t r;

	do {
		if (wait_fd(t->fd, POLLOUT, t->timeout) == 0)
			return -1;
		r = gnutls_record_send(t->session, buf, count);
	} while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
	return r < 0 ? -1 : r;
}

static int tls_close(mailstream_low *s)
{
	struct tls *t = s->data;

	if (t->fd >= 0) {
		gnutls_bye(t->session, GNUTLS_SHUT_WR);
		close(t->fd);
		t->fd = -1;
	}
	return 0;
}

static int tls_get_fd(mailstream_low *s)
{
	return ((struct tls *)s->data)->fd;
}

static void tls_drop(struct tls *t)
{
	gnutls_deinit(t->session);
	gnutls_certificate_free_credentials(t->cred);
	free(t);
}

static void tls_free(mailstream_low *s)
{
	tls_drop(s->data);
	free(s);
}

static mailstream_low_driver tls_driver = {
	.mailstream_read = tls_read,
	.mailstream_write = tls_write,
	.mailstream_close = tls_close,
	.mailstream_get_fd = tls_get_fd,
	.mailstream_free = tls_free,
	.mailstream_cancel = no_cancel,
	.mailstream_get_cancel = no_get_cancel,
};

/* Why the certificate was refused, in GnuTLS's words. */
static int cert_refused(struct tls *t, const char *host)
{
	unsigned status = gnutls_session_get_verify_cert_status(t->session);
	gnutls_datum_t why = { NULL, 0 };
	int rc;

	gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &why, 0);
	if (t->no_system_ca)
		rc = crm_error_set(CRM_UNAVAILABLE,
				   "TLS: the certificate of %s cannot be checked: this system has no CA "
				   "certificates (Debian: apt-get install ca-certificates), or give --cafile",
				   host);
	else
		rc = crm_error_set(CRM_UNAVAILABLE,
				   "TLS: the certificate of %s is not trusted: %s (give --cafile, or --insecure)",
				   host, why.data ? (const char *)why.data : "unknown reason");
	gnutls_free(why.data);
	return rc;
}

static int is_address(const char *host)
{
	return strspn(host, "0123456789.") == strlen(host) || strchr(host, ':');
}

/* The TLS handshake on fd; a struct tls on success. */
static int handshake(int fd, const char *host, const struct crm_net_opts *o, struct tls **out)
{
	struct tls *t = calloc(1, sizeof *t);
	int r;

	if (!t)
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	t->fd = fd;
	t->timeout = o->timeout;
	if (gnutls_certificate_allocate_credentials(&t->cred) < 0 ||
	    gnutls_init(&t->session, GNUTLS_CLIENT) < 0) {
		free(t);
		return crm_error_set(CRM_SOFTWARE, "TLS: cannot set up GnuTLS");
	}
	r = o->cafile ? gnutls_certificate_set_x509_trust_file(t->cred, o->cafile, GNUTLS_X509_FMT_PEM)
		      : gnutls_certificate_set_x509_system_trust(t->cred);
	t->no_system_ca = !o->cafile && r <= 0;
	if (o->cafile && r <= 0) {
		tls_drop(t);
		return crm_error_set(CRM_CONFIG, "TLS: no certificate read from %s", o->cafile);
	}
	gnutls_set_default_priority(t->session);
	gnutls_credentials_set(t->session, GNUTLS_CRD_CERTIFICATE, t->cred);
	if (!is_address(host))
		gnutls_server_name_set(t->session, GNUTLS_NAME_DNS, host, strlen(host));
	if (!o->insecure)
		gnutls_session_set_verify_cert(t->session, host, 0);
	gnutls_transport_set_int(t->session, fd);
	gnutls_handshake_set_timeout(t->session, o->timeout > 0 ? (unsigned)o->timeout * 1000
								 : GNUTLS_DEFAULT_HANDSHAKE_TIMEOUT);
	do
		r = gnutls_handshake(t->session);
	while (r < 0 && !gnutls_error_is_fatal(r));
	if (r == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
		r = cert_refused(t, host);
		tls_drop(t);
		return r;
	}
	if (r < 0) {
		tls_drop(t);
		return crm_error_set(r == GNUTLS_E_TIMEDOUT ? CRM_TEMPFAIL : CRM_UNAVAILABLE,
				     "TLS with %s failed: %s", host, gnutls_strerror(r));
	}
	*out = t;
	return CRM_OK;
}

static int tls_low(int fd, const char *host, const struct crm_net_opts *o, mailstream_low **out)
{
	struct tls *t = NULL;
	int rc = handshake(fd, host, o, &t);

	if (rc)
		return rc;
	if (!(*out = mailstream_low_new(t, &tls_driver))) {
		tls_drop(t);
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	}
	return CRM_OK;
}

int crm_net_stream(int fd, const char *host, int tls, const struct crm_net_opts *o,
		   mailstream **out)
{
	mailstream_low *low;
	int rc;

	if (!tls) {
		struct plain *p = malloc(sizeof *p);

		if (!p || !(low = mailstream_low_new(p, &plain_driver))) {
			free(p);
			close(fd);
			return crm_error_set(CRM_SOFTWARE, "out of memory");
		}
		p->fd = fd;
		p->timeout = o->timeout;
	} else if ((rc = tls_low(fd, host, o, &low))) {
		close(fd);
		return rc;
	}
	if (!(*out = mailstream_new(low, 8192))) {
		mailstream_low_close(low);
		mailstream_low_free(low);
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	}
	return CRM_OK;
}

int crm_net_starttls(mailstream *s, const char *host, const struct crm_net_opts *o)
{
	mailstream_low *plain = mailstream_get_low(s), *low;
	int rc = tls_low(mailstream_low_get_fd(plain), host, o, &low);

	if (rc)
		return rc;
	mailstream_low_free(plain); /* frees the plain driver, leaves the socket open */
	mailstream_set_low(s, low);
	return CRM_OK;
}
