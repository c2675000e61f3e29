/*
 * mime-private.h: what the decoders of one message share (mime.c, html.c,
 * autoreply.c): a growing buffer that remembers a failed allocation (buf.c),
 * HTML made text (html.c), and ASCII helpers that no locale can change.
 */
#ifndef CRM_MIME_PRIVATE_H
#define CRM_MIME_PRIVATE_H

#include <string.h>

#include "crm.h"

/* ---- buf.c: a string that grows; zero it to begin */

struct crm_buf {
	char *s;
	size_t len, cap;
	int err; /* an allocation failed: the content is incomplete */
};
/* Room for n more bytes: 0, or -1 when it cannot be had (err is set). */
int crm_buf_room(struct crm_buf *b, size_t n);
void crm_buf_add(struct crm_buf *b, const void *p, size_t n);
void crm_buf_addc(struct crm_buf *b, char c);
void crm_buf_adds(struct crm_buf *b, const char *s);
/* Append a code point as UTF-8; ones that cannot be characters become U+FFFD. */
void crm_buf_cp(struct crm_buf *b, unsigned long cp);
/* Hand the content over as a string; NULL (and *oom set) when it failed. */
char *crm_buf_take(struct crm_buf *b, int *oom);

/* ---- html.c */

/* The readable text of an HTML document (UTF-8 in, UTF-8 out); NULL and
 * *oom set when memory ran out. */
char *crm_html_text(const char *s, int *oom);
/* The charset an HTML document of n bytes names in a <meta> (looked for
 * in its first 2 KB), into cs; "" when it names none. */
void crm_html_charset(const char *s, size_t n, char *cs, size_t size);

/* ---- ASCII only: the locale must not matter */

static inline int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static inline int ascii_ncasecmp(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int d = ascii_lower((unsigned char)a[i]) - ascii_lower((unsigned char)b[i]);

		if (d || !a[i])
			return d;
	}
	return 0;
}

static inline int ascii_casecmp(const char *a, const char *b)
{
	return ascii_ncasecmp(a, b, (size_t)-1);
}

static inline int is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* The value of a hex digit, or -1. */
static inline int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)ascii_lower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A character a MIME boundary may hold (RFC 2046's bchars). */
static inline int is_bchar(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("'()+_,-./:=? ", c));
}

#endif
