/*
 * buf.c: growing buffers for the decoders of a message. A buffer whose
 * allocation failed stops growing and remembers it, so that a decoder can
 * write on and learn only once, at the end, that it ran out of memory.
 */
#include <stdlib.h>
#include <string.h>

#include "mime-private.h"

int crm_buf_room(struct crm_buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 64;
	char *s;

	if (b->err)
		return -1;
	if (n <= b->cap - b->len && b->s)
		return 0;
	while (cap - b->len <= n) {
		if (cap > ((size_t)-1) / 2)
			goto fail;
		cap *= 2;
	}
	if (!(s = realloc(b->s, cap)))
		goto fail;
	b->s = s;
	b->cap = cap;
	return 0;
fail:
	b->err = 1;
	return -1;
}

void crm_buf_add(struct crm_buf *b, const void *p, size_t n)
{
	if (n && crm_buf_room(b, n) == 0) {
		memcpy(b->s + b->len, p, n);
		b->len += n;
	}
}

void crm_buf_addc(struct crm_buf *b, char c)
{
	if (crm_buf_room(b, 1) == 0)
		b->s[b->len++] = c;
}

void crm_buf_adds(struct crm_buf *b, const char *s)
{
	crm_buf_add(b, s, strlen(s));
}

/* Append a code point as UTF-8; ones that cannot be characters become U+FFFD. */
void crm_buf_cp(struct crm_buf *b, unsigned long cp)
{
	char u[4];

	if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = 0xfffd;
	if (cp < 0x80) {
		crm_buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		crm_buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		crm_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		crm_buf_add(b, u, 4);
	}
}

/* Hand the content over as a string; NULL (and *oom set) when it failed. */
char *crm_buf_take(struct crm_buf *b, int *oom)
{
	char *s;

	crm_buf_addc(b, '\0');
	if (b->err) {
		free(b->s);
		*oom = 1;
		s = NULL;
	} else {
		s = b->s;
	}
	memset(b, 0, sizeof *b);
	return s;
}
