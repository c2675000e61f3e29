/*
 * net.h: network connections for mail intake, shared by net.c and mail.c
 * only: they hand libetpan a mailstream, plain or TLS, that checks
 * certificates and keeps time limits.
 */
#ifndef CRM_NET_H
#define CRM_NET_H

#include <libetpan/libetpan.h>

struct crm_net_opts {
	const char *cafile; /* trust these CAs instead of the system's */
	int insecure;       /* accept any certificate (says so on the way) */
	int timeout;        /* seconds for connect and for each read or write */
};

/* A TCP connection to host:port within the time limit. Refused or
 * unreachable: CRM_UNAVAILABLE; timed out or name lookup failing for now:
 * CRM_TEMPFAIL. */
int crm_net_connect(const char *host, int port, const struct crm_net_opts *o, int *fd);
/* A mailstream over fd, with TLS when tls is set (the handshake checks the
 * certificate and host name unless o->insecure). On failure fd is closed. */
int crm_net_stream(int fd, const char *host, int tls, const struct crm_net_opts *o,
		   mailstream **out);
/* Switch an open plain stream to TLS (after STARTTLS/STLS was accepted). */
int crm_net_starttls(mailstream *s, const char *host, const struct crm_net_opts *o);

#endif
