/*
 * mime.c: one e-mail message taken apart for intake. libetpan reads the
 * MIME tree, the addresses, the dates and the RFC 2047 words; iconv turns
 * every charset into UTF-8. Real mail is often broken (boundaries that do
 * not match, 8-bit headers, bad quoted-printable, HTML only), so each step
 * has a fallback that keeps the headers and whatever text there is, and
 * nothing leaves this file that is not valid UTF-8. A message with HTML
 * alone gets its text from html.c.
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <libetpan/libetpan.h>

#include "mime-private.h"

#define MAX_DEPTH 64  /* MIME nesting we follow; deeper parts are ignored */
#define MAX_SYNTH 8   /* re-parses of broken multiparts per message */
#define MAX_MARKS 256  /* boundaries and embedded messages we let libetpan nest */

/* ---- small string helpers */

static char *dup_n(const char *s, size_t n, int *oom)
{
	char *d = malloc(n + 1);

	if (!d) {
		*oom = 1;
		return NULL;
	}
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* A copy of s without surrounding white space (any control or space byte). */
static char *dup_trim(const char *s, size_t n, int *oom)
{
	while (n && (unsigned char)*s <= ' ')
		s++, n--;
	while (n && (unsigned char)s[n - 1] <= ' ')
		n--;
	return dup_n(s, n, oom);
}

/* ---- UTF-8 out of anything */

/* The length a UTF-8 lead byte announces, or 0 for a byte that cannot lead. */
static size_t lead_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

static int is_cont(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

/* How many bytes at s[i] start a character that is cut short: a lead byte
 * and fewer continuation bytes than it announces; 0 when they do not. */
static size_t cut_len(const char *s, size_t n, size_t i)
{
	size_t k = lead_len((unsigned char)s[i]), c;

	for (c = 1; c < k && i + c < n && is_cont(s[i + c]); c++)
		;
	return k > 1 && c < k ? c : 0;
}

/* Append s, dropping NUL bytes and turning each bad sequence (a byte, or
 * a character cut short) into one U+FFFD. */
static void put_utf8(struct crm_buf *b, const char *s, size_t n)
{
	size_t i = 0, run = 0, k;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		k = lead_len(c);
		if (c && k && i + k <= n && (k == 1 || crm_utf8_valid(s + i, k))) {
			i += k;
			continue;
		}
		crm_buf_add(b, s + run, i - run);
		if (c)
			crm_buf_cp(b, 0xfffd);
		k = cut_len(s, n, i);
		run = i += k ? k : 1;
	}
	crm_buf_add(b, s + run, n - run);
}

/*
 * UTF-8 with characters cut short, as mailers that cut a long header by
 * bytes write it: at least one whole multibyte character, more of them
 * than cut ones, and each cut one ending the text or followed by ASCII.
 * Windows-1251 text is never that: its letters follow each other.
 */
static int utf8_cut(const char *s, size_t n)
{
	size_t i = 0, k, whole = 0, cut = 0;

	while (i < n) {
		k = lead_len((unsigned char)s[i]);
		if (k == 1) {
			i++;
		} else if (k && i + k <= n && crm_utf8_valid(s + i, k)) {
			whole++;
			i += k;
		} else if (k && (k = cut_len(s, n, i)) != 0 &&
			   (i + k == n || (unsigned char)s[i + k] < 0x80)) {
			cut++;
			i += k;
		} else {
			return 0;
		}
	}
	return whole > cut;
}

/* A charset name as iconv spells them; mail can say anything there. */
static int charset_ok(const char *cs)
{
	size_t i;

	for (i = 0; cs[i]; i++)
		if (!((cs[i] >= '0' && cs[i] <= '9') || (cs[i] >= 'a' && cs[i] <= 'z') ||
		      (cs[i] >= 'A' && cs[i] <= 'Z') || strchr("-_.:+", cs[i])))
			return 0;
	return i > 0 && i < 48;
}

/* Convert with iconv into b; -1 when iconv does not know the charset. */
static int put_iconv(struct crm_buf *b, const char *charset, const char *s, size_t n)
{
	iconv_t cd;
	char *in = (char *)s, *out;
	size_t left = n, room, start = b->len, end;

	if (!charset_ok(charset) || (cd = iconv_open("UTF-8", charset)) == (iconv_t)-1)
		return -1;
	while (left && !b->err) {
		if (crm_buf_room(b, left * 2 + 16))
			break;
		out = b->s + b->len;
		room = b->cap - b->len - 1;
		if (iconv(cd, &in, &left, &out, &room) == (size_t)-1 && errno != E2BIG) {
			b->len = out - b->s;
			crm_buf_cp(b, 0xfffd); /* EILSEQ, or EINVAL: cut short at the end */
			in++;
			left--;
			continue;
		}
		b->len = out - b->s;
	}
	if (!b->err && crm_buf_room(b, 16) == 0) { /* end a stateful encoding */
		out = b->s + b->len;
		room = b->cap - b->len - 1;
		iconv(cd, NULL, NULL, &out, &room);
		b->len = out - b->s;
	}
	iconv_close(cd);
	/* NUL bytes in the input come out as NUL; text never holds one. */
	for (room = end = start; room < b->len; room++)
		if (b->s[room] != '\0')
			b->s[end++] = b->s[room];
	if (!b->err)
		b->len = end;
	return 0;
}

/* Bytes whose charset is unknown or wrong: UTF-8 if they are (a cut
 * character aside), else the Windows-1251 that Russian mail without a label
 * nearly always is. */
static void put_guess(struct crm_buf *b, const char *s, size_t n)
{
	if (crm_utf8_valid(s, n) || utf8_cut(s, n) ||
	    put_iconv(b, "WINDOWS-1251", s, n) != 0)
		put_utf8(b, s, n);
}

static int is_ascii_name(const char *cs)
{
	return !ascii_casecmp(cs, "us-ascii") || !ascii_casecmp(cs, "ascii") ||
	       !ascii_casecmp(cs, "ansi_x3.4-1968") || !ascii_casecmp(cs, "default");
}

/* Append n bytes in charset (NULL: not said) as UTF-8. */
static void put_text(struct crm_buf *b, const char *charset, const char *s, size_t n)
{
	/* Declared ASCII with 8-bit bytes is a mail client that forgot to say. */
	if (!charset || !*charset || is_ascii_name(charset))
		put_guess(b, s, n);
	else if (!ascii_casecmp(charset, "utf-8") || !ascii_casecmp(charset, "utf8"))
		put_utf8(b, s, n);
	else if (put_iconv(b, charset, s, n) != 0)
		put_guess(b, s, n);
}

/* ---- header values */

/* The charset of a header's raw 8-bit bytes: UTF-8 if they are, a cut
 * character aside; else cs8, the charset the text part declares; else
 * windows-1251. */
static const char *header_charset(const char *s, size_t n, const char *cs8)
{
	if (crm_utf8_valid(s, n) || utf8_cut(s, n))
		return "utf-8";
	return cs8 && *cs8 ? cs8 : "windows-1251";
}

static int is_b64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

/* Is the base64 text t (n bytes) whole, padded or not? */
static int b64_ok(const char *t, size_t n)
{
	size_t i, k = 0, pad = 0;

	for (i = 0; i < n; i++) {
		if (t[i] == '=' && pad < 2)
			pad++;
		else if (is_b64(t[i]) && !pad)
			k++;
		else
			return 0;
	}
	return k % 4 != 1 && (!pad || (k + pad) % 4 == 0);
}

/* The encoded words "=?cs?B?text?=" in s (n bytes: what libetpan read as
 * one, which may be several) have base64 texts; Q words are always
 * readable. libetpan skips what is not base64 and makes bytes of the rest,
 * which would give a garbage name. */
static int word_readable(const char *s, size_t n)
{
	const char *p = s, *end = s + n, *q, *t, *e;

	while ((p = memmem(p, (size_t)(end - p), "=?", 2)) != NULL) {
		if (!(q = memchr(p + 2, '?', (size_t)(end - p - 2))) || end - q < 3 ||
		    q[2] != '?')
			return 1;
		t = q + 3;
		if (!(e = memmem(t, (size_t)(end - t), "?=", 2)))
			return 1;
		if ((q[1] == 'B' || q[1] == 'b') && !b64_ok(t, (size_t)(e - t)))
			return 0;
		p = e + 2;
	}
	return 1;
}

/* The encoded word at s[*i] (up to n), decoded: NULL when there is none or
 * it cannot be read; *i is then past it. Free with
 * mailmime_encoded_word_free. */
static struct mailmime_encoded_word *encoded_word(const char *s, size_t n, size_t *i)
{
	struct mailmime_encoded_word *word = NULL;
	size_t j = *i;
	int fwd, quote;

	if (n - j < 2 || s[j] != '=' || s[j + 1] != '?' ||
	    mailmime_encoded_word_parse(s, n, &j, &word, &fwd, &quote) != MAILIMF_NO_ERROR)
		return NULL;
	if (!word_readable(s + *i, j - *i)) {
		mailmime_encoded_word_free(word);
		return NULL;
	}
	*i = j;
	return word;
}

/* Is there an encoded word in s that cannot be read? */
static int unreadable_word(const char *s, size_t n)
{
	struct mailmime_encoded_word *w;
	const char *p;
	size_t i, j;
	int fwd, quote, bad = 0;

	for (i = 0; !bad && (p = memmem(s + i, n - i, "=?", 2)) != NULL; i = j) {
		i = j = (size_t)(p - s);
		if (mailmime_encoded_word_parse(s, n, &j, &w, &fwd, &quote) != MAILIMF_NO_ERROR) {
			j = i + 2;
			continue;
		}
		bad = !word_readable(s + i, j - i);
		mailmime_encoded_word_free(w);
	}
	return bad;
}

/* Encoded words waiting to be converted: their bytes and charset. */
struct words {
	struct crm_buf bytes;
	char charset[64];
};

static void words_flush(struct crm_buf *b, struct words *w)
{
	if (w->bytes.err)
		b->err = 1;
	if (w->bytes.len)
		put_text(b, w->charset, w->bytes.s, w->bytes.len);
	w->bytes.len = 0;
}

/* Take one encoded word at s[*i] into w; 0 when there is none, or it
 * cannot be read (it then stays as written). */
static int words_take(struct crm_buf *b, struct words *w, const char *s, size_t n, size_t *i)
{
	struct mailmime_encoded_word *word = encoded_word(s, n, i);
	size_t k;

	if (!word)
		return 0;
	/* "utf-8*ru": RFC 2231 lets a language follow the charset. */
	k = strcspn(word->wd_charset, "*");
	if (k >= sizeof w->charset)
		k = sizeof w->charset - 1;
	if (w->bytes.len && (strlen(w->charset) != k ||
			     ascii_ncasecmp(w->charset, word->wd_charset, k)))
		words_flush(b, w);
	memcpy(w->charset, word->wd_charset, k);
	w->charset[k] = '\0';
	crm_buf_adds(&w->bytes, word->wd_text);
	mailmime_encoded_word_free(word);
	return 1;
}

/*
 * RFC 2047: libetpan decodes each encoded word; the bytes of neighbouring
 * words in one charset are joined before conversion, because mailers split
 * a character between two words (libetpan 1.9.4 joins them only when the
 * first has no base64 padding). Text that is not an encoded word is kept
 * with its spacing; white space between two encoded words goes.
 */
static void put_words(struct crm_buf *b, const char *s, size_t n, const char *cs8)
{
	const char *deflt = header_charset(s, n, cs8);
	struct words w;
	size_t i = 0, ws = 0, wsn = 0, j;
	int last_word = 0;

	memset(&w, 0, sizeof w);
	while (i < n) {
		if (is_wsp(s[i])) {
			for (ws = i; i < n && is_wsp(s[i]); i++)
				;
			wsn = i - ws;
			continue;
		}
		if (words_take(b, &w, s, n, &i)) {
			if (!last_word)
				crm_buf_add(b, s + ws, wsn);
			wsn = 0;
			last_word = 1;
			continue;
		}
		/* Plain text up to white space or the next "=?". */
		for (j = i + 1; j < n && !is_wsp(s[j]); j++)
			if (s[j] == '=' && j + 1 < n && s[j + 1] == '?')
				break;
		words_flush(b, &w);
		crm_buf_add(b, s + ws, wsn);
		put_text(b, deflt, s + i, j - i);
		wsn = 0;
		last_word = 0;
		i = j;
	}
	words_flush(b, &w);
	free(w.bytes.s);
}

/* A header value as UTF-8 on one line: words decoded, controls made
 * spaces; cs8 is the charset of raw 8-bit bytes (see header_charset). */
static char *decode_value(const char *s, size_t n, const char *cs8, int *oom)
{
	struct crm_buf b = { 0 };
	char *v;
	size_t i;

	if (memmem(s, n, "=?", 2))
		put_words(&b, s, n, cs8);
	else
		put_text(&b, header_charset(s, n, cs8), s, n);
	for (i = 0; i < b.len; i++)
		if ((unsigned char)b.s[i] < ' ' || b.s[i] == 0x7f)
			b.s[i] = ' ';
	if (!(v = crm_buf_take(&b, oom)))
		return NULL;
	/* Decoding can leave a space at either end; the value has none. */
	for (i = strlen(v); i > 0 && v[i - 1] == ' '; i--)
		v[i - 1] = '\0';
	for (i = 0; v[i] == ' '; i++)
		;
	memmove(v, v + i, strlen(v + i) + 1);
	return v;
}

/* ---- the parse in progress */

struct candidate {
	struct mailmime_data data; /* a shallow copy: bytes, transfer encoding */
	const char *charset;       /* NULL when not said */
	int set;
};

struct parse {
	struct crm_message *m;
	size_t hcap, acap;
	struct candidate plain, html;
	struct mailmime *synth[MAX_SYNTH]; /* trees of re-parsed broken parts */
	char *synth_buf[MAX_SYNTH];        /* and the bytes they point into */
	size_t start; /* where the headers begin (after an mbox "From " line) */
	char cs8[40]; /* the charset the text part declares, for 8-bit headers */
	int nsynth, depth, oom;
};

static void *grow(void *arr, size_t *cap, size_t n, size_t size, int *oom)
{
	size_t c = *cap ? *cap * 2 : 8;
	void *p;

	if (n < *cap)
		return arr;
	if (!(p = realloc(arr, c * size))) {
		*oom = 1;
		return NULL;
	}
	*cap = c;
	return p;
}

/* ---- structured headers: ids, addresses, the date */

/* The ids of a Message-ID, In-Reply-To or References value, space-separated
 * and without brackets; first only when the header holds one id. */
static char *msg_ids(const char *v, int first, int *oom)
{
	struct crm_buf b = { 0 };
	clist *list = NULL;
	clistiter *it;
	size_t i = 0;
	char *id;

	if (mailimf_msg_id_list_parse(v, strlen(v), &i, &list) == MAILIMF_NO_ERROR) {
		for (it = clist_begin(list); it; it = clist_next(it)) {
			id = clist_content(it);
			if (*id && (b.len == 0 || !first)) {
				if (b.len)
					crm_buf_addc(&b, ' ');
				crm_buf_adds(&b, id);
			}
			free(id);
		}
		clist_free(list);
	} else if (mailimf_msg_id_parse(v, strlen(v), &i, &id) == MAILIMF_NO_ERROR) {
		crm_buf_adds(&b, id); /* a bare id without brackets */
		free(id);
	}
	if (b.len == 0) {
		free(b.s);
		return NULL;
	}
	return crm_buf_take(&b, oom);
}

/* The first mailbox of an address list, descending into a group. */
static struct mailimf_mailbox *first_mailbox(struct mailimf_address_list *l)
{
	clistiter *it;
	struct mailimf_address *a;
	struct mailimf_mailbox_list *g;

	for (it = clist_begin(l->ad_list); it; it = clist_next(it)) {
		a = clist_content(it);
		if (a->ad_type == MAILIMF_ADDRESS_MAILBOX)
			return a->ad_data.ad_mailbox;
		g = a->ad_data.ad_group->grp_mb_list;
		if (g && clist_begin(g->mb_list))
			return clist_content(clist_begin(g->mb_list));
	}
	return NULL;
}

/* When libetpan refuses an address: "Name <addr>", else a word with '@',
 * else the first word ("MAILER-DAEMON"). */
static void rough_mailbox(const char *v, const char *cs8, char **name, char **addr, int *oom)
{
	const char *lt = strchr(v, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	const char *w = v, *at = strchr(v, '@');
	size_t n;

	if (lt && gt) {
		n = lt - v;
		while (n && is_wsp(v[n - 1]))
			n--;
		while (n && is_wsp(*v))
			v++, n--;
		if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
			v++, n -= 2;
		*name = n && !unreadable_word(v, n) ? decode_value(v, n, cs8, oom) : NULL;
		*addr = dup_trim(lt + 1, gt - lt - 1, oom);
		return;
	}
	if (at) {
		w = at;
		while (w > v && !strchr(" \t,;\"(<", w[-1]))
			w--;
	}
	while (*w && strchr(" \t,;\"(<", *w))
		w++;
	*addr = dup_n(w, strcspn(w, " \t,;\")<>"), oom);
}

/* The name of the old form "ivan@zavod.ru (Иван Петров)": the comment
 * after the first address, without its parentheses; NULL when none. */
static char *comment_name(const char *v, const char *cs8, int *oom)
{
	const char *p = strchr(v, '@');
	struct crm_buf b = { 0 };
	char *name;
	int depth = 1;

	for (p = p ? p : v; *p && *p != '(' && *p != ',' && *p != '<' && *p != '"'; p++)
		;
	if (*p != '(')
		return NULL;
	for (p++; *p && depth; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			break;
		crm_buf_addc(&b, *p);
	}
	if (b.err) {
		free(b.s);
		*oom = 1;
		return NULL;
	}
	name = b.len && !unreadable_word(b.s, b.len) ? decode_value(b.s, b.len, cs8, oom) : NULL;
	free(b.s);
	return name;
}

/* The first mailbox of v: its decoded display name (or the old comment
 * form's) and its address in lower case. A name holding an encoded word
 * that cannot be read is left out rather than made garbage. */
static void parse_mailbox(const char *v, const char *cs8, char **name, char **addr, int *oom)
{
	struct mailimf_address_list *l = NULL;
	struct mailimf_mailbox *mb;
	size_t i = 0;
	char *p;

	*name = *addr = NULL;
	if (mailimf_address_list_parse(v, strlen(v), &i, &l) != MAILIMF_NO_ERROR) {
		rough_mailbox(v, cs8, name, addr, oom);
	} else if ((mb = first_mailbox(l)) != NULL) {
		/* An unclosed "<" makes libetpan read the name into the address. */
		if (strpbrk(mb->mb_addr_spec, "<> \t")) {
			rough_mailbox(v, cs8, name, addr, oom);
		} else {
			const char *dn = mb->mb_display_name;

			if (dn && *dn && !unreadable_word(dn, strlen(dn)))
				*name = decode_value(dn, strlen(dn), cs8, oom);
			*addr = dup_trim(mb->mb_addr_spec, strlen(mb->mb_addr_spec), oom);
		}
	}
	if (l)
		mailimf_address_list_free(l);
	if (!*name && *addr && !*oom)
		*name = comment_name(v, cs8, oom);
	for (p = *addr; p && *p; p++)
		*p = (char)ascii_lower((unsigned char)*p);
	if (*addr && !**addr) {
		free(*addr);
		*addr = NULL;
	}
	if (*name && !**name) {
		free(*name);
		*name = NULL;
	}
}

static int days_in(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/*
 * The date is read here, not by libetpan: libetpan 1.9.4 takes "UT" and
 * "UTC" for one minute east and "+03:00" for three minutes. The grammar is
 * RFC 5322 section 3.3 with the obsolete forms of section 4.3: an optional
 * weekday, comments and folding anywhere, two- and three-digit years,
 * seconds optional, the zone names UT, GMT, EST ... PDT and the military
 * letters; besides, what mailers write: "UTC", "+03:00", "+03", "GMT+3".
 */
struct date_scan {
	const char *s;
	int zone;         /* minutes east of UTC */
	char bad[24];     /* the zone as written when it could not be read */
	int no_zone;      /* there was none */
	int military;     /* a military letter other than Z */
};

/* Skip white space and (nested, quoted) comments. */
static void skip_cfws(const char **s)
{
	int depth = 0;

	for (; **s; (*s)++) {
		if (**s == '\\' && depth && (*s)[1])
			(*s)++;
		else if (**s == '(')
			depth++;
		else if (**s == ')' && depth)
			depth--;
		else if (!depth && !is_wsp(**s) && **s != '\r' && **s != '\n')
			return;
	}
}

/* From 1 to max digits at *s as a number; -1 when there is none. */
static int digits(const char **s, int max, int *count)
{
	int v = 0, k = 0;

	while (k < max && **s >= '0' && **s <= '9')
		v = v * 10 + (*(*s)++ - '0'), k++;
	if (count)
		*count = k;
	return k ? v : -1;
}

/* The ASCII letters at *s, lower case, into w (cut at size); their count. */
static size_t letters(const char **s, char *w, size_t size)
{
	size_t k = 0;

	while ((**s >= 'a' && **s <= 'z') || (**s >= 'A' && **s <= 'Z')) {
		if (k + 1 < size)
			w[k] = (char)ascii_lower((unsigned char)**s);
		k++, (*s)++;
	}
	w[k < size ? k : size - 1] = '\0';
	return k;
}

static int month_of(const char *w, size_t k)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	int i;

	for (i = 0; k >= 3 && i < 12; i++)
		if (!strncmp(w, months + 3 * i, 3))
			return i + 1;
	return 0;
}

static int is_day_name(const char *w, size_t k)
{
	static const char days[] = "montuewedthufrisatsun";
	int i;

	for (i = 0; k >= 3 && i < 7; i++)
		if (!strncmp(w, days + 3 * i, 3))
			return 1;
	return 0;
}

/* "+0300", "+03:00", "+03", "-0130": minutes east into *z; 0 if none. */
static int numeric_zone(const char **s, int *z)
{
	const char *p = *s + 1;
	int sign = **s == '-' ? -1 : 1, hh, mm = 0, k;

	if (**s != '+' && **s != '-')
		return 0;
	hh = digits(&p, 4, &k);
	if (k == 4) {
		mm = hh % 100, hh /= 100;
	} else if (k >= 1 && k <= 2 && *p == ':') {
		p++;
		if ((mm = digits(&p, 2, &k)) < 0 || k != 2)
			return 0;
	} else if (k < 1 || k > 2) {
		return 0;
	}
	if (hh > 23 || mm > 59)
		return 0;
	*z = sign * (hh * 60 + mm);
	*s = p;
	return 1;
}

/* A zone name: minutes east into *z; 0 when the name is not known. */
static int named_zone(const char *w, size_t k, int *z)
{
	static const struct {
		const char *name;
		int east;
	} names[] = {
		{ "ut", 0 },	   { "utc", 0 },      { "gmt", 0 },	 { "z", 0 },
		{ "est", -5 * 60 }, { "edt", -4 * 60 }, { "cst", -6 * 60 }, { "cdt", -5 * 60 },
		{ "mst", -7 * 60 }, { "mdt", -6 * 60 }, { "pst", -8 * 60 }, { "pdt", -7 * 60 },
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof *names; i++)
		if (!strcmp(w, names[i].name)) {
			*z = names[i].east;
			return 1;
		}
	return 0;
}

/* The zone after the time; an unreadable or missing one is noted in d. */
static void read_zone(struct date_scan *d)
{
	const char *start;
	char w[16];
	size_t k;

	skip_cfws(&d->s);
	start = d->s;
	d->zone = 0;
	if (numeric_zone(&d->s, &d->zone))
		return;
	k = letters(&d->s, w, sizeof w);
	/* RFC 822 gave the military letters the wrong sign: RFC 5322 says to
	 * take them all for -0000, UTC with the local zone not known. */
	if (k == 1 && *w != 'j' && *w != 'z') {
		d->military = *start;
		return;
	}
	if (k && named_zone(w, k, &d->zone)) {
		if (d->zone == 0 && (*d->s == '+' || *d->s == '-')) /* "GMT+03:00" */
			numeric_zone(&d->s, &d->zone);
		return;
	}
	d->zone = 0;
	if (!*start) {
		d->no_zone = 1;
		return;
	}
	for (k = 0; k + 1 < sizeof d->bad && start[k] && !is_wsp(start[k]) &&
		    (unsigned char)start[k] >= ' ' && (unsigned char)start[k] < 0x7f;
	     k++)
		d->bad[k] = start[k];
	d->bad[k] = '\0';
	if (!k)
		d->no_zone = 1;
}

/* "[Thu,] 26 Nov 2026": day, month and year into tm; 0 when they are not. */
static int read_day(struct date_scan *d, struct tm *tm)
{
	const char *p;
	char w[16];
	size_t k;
	int nd, y;

	skip_cfws(&d->s);
	p = d->s;
	if ((k = letters(&p, w, sizeof w)) && is_day_name(w, k)) {
		d->s = p;
		skip_cfws(&d->s);
		if (*d->s == ',')
			d->s++;
		skip_cfws(&d->s);
	}
	if ((tm->tm_mday = digits(&d->s, 2, NULL)) < 1)
		return 0;
	skip_cfws(&d->s);
	k = letters(&d->s, w, sizeof w);
	if (!(tm->tm_mon = month_of(w, k)))
		return 0;
	skip_cfws(&d->s);
	if ((y = digits(&d->s, 4, &nd)) < 0 || nd < 2)
		return 0;
	y += nd == 2 ? (y < 50 ? 2000 : 1900) : nd == 3 ? 1900 : 0;
	tm->tm_year = y;
	return tm->tm_mday <= days_in(y, tm->tm_mon);
}

/* "14:35[:28]" into tm; 0 when it is not a time of day. */
static int read_time(struct date_scan *d, struct tm *tm)
{
	skip_cfws(&d->s);
	if ((tm->tm_hour = digits(&d->s, 2, NULL)) < 0 || tm->tm_hour > 23)
		return 0;
	skip_cfws(&d->s);
	if (*d->s++ != ':')
		return 0;
	skip_cfws(&d->s);
	if ((tm->tm_min = digits(&d->s, 2, NULL)) < 0 || tm->tm_min > 59)
		return 0;
	skip_cfws(&d->s);
	tm->tm_sec = 0;
	if (*d->s == ':') {
		d->s++;
		skip_cfws(&d->s);
		if ((tm->tm_sec = digits(&d->s, 2, NULL)) < 0 || tm->tm_sec > 60)
			return 0;
	}
	return 1;
}

/* The Date value as ISO 8601 UTC, or NULL when it is no date; a zone that
 * cannot be read is taken as UTC and said in *warning. */
static char *parse_date(const char *v, char **warning, int *oom)
{
	struct date_scan d;
	struct crm_buf w = { 0 };
	char iso[CRM_TIME_LEN];
	struct tm tm;

	memset(&d, 0, sizeof d);
	memset(&tm, 0, sizeof tm);
	d.s = v;
	if (!read_day(&d, &tm) || !read_time(&d, &tm))
		return NULL;
	read_zone(&d);
	if (!*warning && (d.no_zone || d.bad[0] || d.military)) {
		crm_buf_adds(&w, "Date: ");
		if (d.no_zone) {
			crm_buf_adds(&w, "no time zone");
		} else if (d.military) {
			crm_buf_adds(&w, "military time zone \"");
			crm_buf_addc(&w, (char)d.military);
			crm_buf_adds(&w, "\" (RFC 5322: no zone known)");
		} else {
			crm_buf_adds(&w, "unknown time zone \"");
			crm_buf_adds(&w, d.bad);
			crm_buf_addc(&w, '"');
		}
		crm_buf_adds(&w, ", the time is taken as UTC");
		*warning = crm_buf_take(&w, oom);
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	crm_time_format(timegm(&tm) - (time_t)d.zone * 60, iso);
	return dup_n(iso, strlen(iso), oom);
}

/* Fill the message's fields from the first header of each name. */
static void take_field(struct parse *p, const char *name, const char *raw, const char *value)
{
	struct crm_message *m = p->m;

	if (!ascii_casecmp(name, "Message-ID") && !m->message_id)
		m->message_id = msg_ids(raw, 1, &p->oom);
	else if (!ascii_casecmp(name, "In-Reply-To") && !m->in_reply_to)
		m->in_reply_to = msg_ids(raw, 1, &p->oom);
	else if (!ascii_casecmp(name, "References") && !m->references)
		m->references = msg_ids(raw, 0, &p->oom);
	else if (!ascii_casecmp(name, "From") && !m->from_addr && !m->from_name)
		parse_mailbox(raw, p->cs8, &m->from_name, &m->from_addr, &p->oom);
	else if (!ascii_casecmp(name, "Reply-To") && !m->reply_to_addr && !m->reply_to_name)
		parse_mailbox(raw, p->cs8, &m->reply_to_name, &m->reply_to_addr, &p->oom);
	else if (!ascii_casecmp(name, "Subject") && !m->subject)
		m->subject = dup_n(value, strlen(value), &p->oom);
	else if (!ascii_casecmp(name, "Date") && !m->date)
		m->date = parse_date(raw, &m->warning, &p->oom);
}

/* ---- the header block */

/* The index just past the line at pos (its LF), or len. */
static size_t line_end(const char *s, size_t len, size_t pos)
{
	const char *nl = memchr(s + pos, '\n', len - pos);

	return nl ? (size_t)(nl - s) + 1 : len;
}

/* The length of the field name opening a line, or 0 when the line is not
 * a header; *colon is the index of its colon ("Subject :" is allowed). */
static size_t field_name(const char *s, size_t n, size_t *colon)
{
	size_t i = 0, k;

	while (i < n && (unsigned char)s[i] > ' ' && (unsigned char)s[i] < 0x7f && s[i] != ':')
		i++;
	for (k = i; k < n && is_wsp(s[k]); k++)
		;
	if (i == 0 || k >= n || s[k] != ':')
		return 0;
	*colon = k;
	return i;
}

/* Unfold a value: line breaks and NUL bytes go, the rest stays. */
static char *unfold(const char *s, size_t n, int *oom)
{
	struct crm_buf b = { 0 };
	size_t i, run = 0;
	char *v;

	for (i = 0; i < n; i++) {
		if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0') {
			crm_buf_add(&b, s + run, i - run);
			run = i + 1;
		}
	}
	crm_buf_add(&b, s + run, n - run);
	if (b.err) {
		free(b.s);
		*oom = 1;
		return NULL;
	}
	v = dup_trim(b.s ? b.s : "", b.len, oom);
	free(b.s);
	return v;
}

/* List a header with its value unfolded but not yet decoded: 8-bit bytes
 * are read in the charset of the text part (decode_headers()). */
static void add_header(struct parse *p, const char *name, size_t nlen, const char *v, size_t vlen)
{
	struct crm_message *m = p->m;
	struct crm_header *h;

	if (!(h = grow(m->headers, &p->hcap, m->nheaders, sizeof *h, &p->oom)))
		return;
	m->headers = h;
	h += m->nheaders;
	h->name = dup_n(name, nlen, &p->oom);
	h->value = unfold(v, vlen, &p->oom);
	if (h->name && h->value) {
		m->nheaders++;
	} else {
		free(h->name);
		free(h->value);
	}
}

/* Decode each header's value and fill the message's fields from them. */
static void decode_headers(struct parse *p)
{
	struct crm_header *h = p->m->headers;
	size_t i;
	char *raw;

	for (i = 0; i < p->m->nheaders && !p->oom; i++) {
		raw = h[i].value;
		if (!(h[i].value = decode_value(raw, strlen(raw), p->cs8, &p->oom))) {
			h[i].value = raw;
			break;
		}
		take_field(p, h[i].name, raw, h[i].value);
		free(raw);
	}
}

/* Past the lines at pos that hold only white space. */
static size_t skip_blank_lines(const char *s, size_t len, size_t pos)
{
	size_t i;

	for (;;) {
		for (i = pos; i < len && (is_wsp(s[i]) || s[i] == '\r'); i++)
			;
		if (i >= len || s[i] != '\n')
			return pos;
		pos = i + 1;
	}
}

/* Read the headers up to the empty line (or up to a line that is not a
 * header, where the body then starts); *body is the body's offset. Blank
 * lines before the headers, and an mbox "From " line, are passed over. */
static int read_headers(struct parse *p, const char *raw, size_t len, size_t *body)
{
	size_t pos = skip_blank_lines(raw, len, 0), next, end, nlen, colon;

	if (len - pos > 5 && memcmp(raw + pos, "From ", 5) == 0)
		pos = skip_blank_lines(raw, len, line_end(raw, len, pos));
	p->start = pos;
	while (pos < len && !p->oom) {
		next = line_end(raw, len, pos);
		if (raw[pos] == '\n' || (raw[pos] == '\r' && next == pos + 2)) {
			pos = next;
			break;
		}
		if (!(nlen = field_name(raw + pos, next - pos, &colon)))
			break;
		for (end = next; end < len && is_wsp(raw[end]);)
			end = line_end(raw, len, end);
		add_header(p, raw + pos, nlen, raw + pos + colon + 1, end - pos - colon - 1);
		pos = end;
	}
	*body = pos;
	if (p->oom)
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	if (p->m->nheaders == 0)
		return crm_error_set(CRM_DATAERR, "no headers");
	return 0;
}

/* ---- transfer encodings */

/*
 * libetpan's quoted-printable decoder turns a stray '=' ("50% = half") or
 * white space after a soft break into NUL bytes and eats what follows. Such
 * input is rewritten into strict form first: a stray '=' becomes "=3D",
 * "=  \n" becomes "=\n", a soft break at the very end goes. Returns 1 when
 * out holds a rewritten copy, 0 when the input was strict already.
 */
static int qp_clean(const char *s, size_t n, struct crm_buf *out)
{
	size_t i, k, run = 0;
	int changed = 0;

	for (i = 0; i < n; i++) {
		if (s[i] != '=')
			continue;
		if (i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0)
			continue;
		for (k = i + 1; k < n && is_wsp(s[k]); k++)
			;
		if (k == i + 1 && k < n && (s[k] == '\n' || s[k] == '\r'))
			continue;
		crm_buf_add(out, s + run, i - run);
		if (k == n) {
			run = n;
		} else if (s[k] == '\n' || s[k] == '\r') {
			crm_buf_addc(out, '=');
			run = k;
		} else {
			crm_buf_adds(out, "=3D");
			run = i + 1;
		}
		changed = 1;
		i = run - 1;
	}
	if (changed)
		crm_buf_add(out, s + run, n - run);
	return changed;
}

/* The bytes of a part with its transfer encoding undone, in *dec (free
 * with mailmime_decoded_part_free) or pointed at in place; -1 if it fails. */
static int part_bytes(const struct mailmime_data *d, char **dec, const char **s, size_t *n)
{
	struct crm_buf clean = { 0 };
	const char *p = d->dt_data.dt_text.dt_data;
	size_t len = p ? d->dt_data.dt_text.dt_length : 0, i = 0;
	int enc = d->dt_encoding, r;

	*dec = NULL;
	*s = p ? p : "";
	*n = len;
	if (enc != MAILMIME_MECHANISM_BASE64 && enc != MAILMIME_MECHANISM_QUOTED_PRINTABLE)
		return 0;
	if (enc == MAILMIME_MECHANISM_QUOTED_PRINTABLE && qp_clean(p, len, &clean)) {
		if (clean.err) {
			free(clean.s);
			return -1;
		}
		p = clean.s ? clean.s : "";
		len = clean.len;
	}
	r = mailmime_part_parse(p ? p : "", len, &i, enc, dec, n);
	free(clean.s);
	if (r != MAILIMF_NO_ERROR)
		return -1;
	*s = *dec;
	return 0;
}

/* ---- what a part is */

static const char *const discrete[] = {
	[MAILMIME_DISCRETE_TYPE_TEXT] = "text",
	[MAILMIME_DISCRETE_TYPE_IMAGE] = "image",
	[MAILMIME_DISCRETE_TYPE_AUDIO] = "audio",
	[MAILMIME_DISCRETE_TYPE_VIDEO] = "video",
	[MAILMIME_DISCRETE_TYPE_APPLICATION] = "application",
};

/* "type/subtype" in lower case. */
static char *mime_type(const struct mailmime_content *ct, int *oom)
{
	const struct mailmime_type *t = ct ? ct->ct_type : NULL;
	const char *top = "text", *sub = ct && ct->ct_subtype ? ct->ct_subtype : "plain";
	struct crm_buf b = { 0 };
	size_t i;
	int k;

	if (t && t->tp_type == MAILMIME_TYPE_DISCRETE_TYPE) {
		k = t->tp_data.tp_discrete_type->dt_type;
		if (k == MAILMIME_DISCRETE_TYPE_EXTENSION)
			top = t->tp_data.tp_discrete_type->dt_extension;
		else if (k > 0 && k < (int)(sizeof discrete / sizeof *discrete))
			top = discrete[k];
	} else if (t && t->tp_type == MAILMIME_TYPE_COMPOSITE_TYPE) {
		k = t->tp_data.tp_composite_type->ct_type;
		top = k == MAILMIME_COMPOSITE_TYPE_MESSAGE ? "message" :
		      k == MAILMIME_COMPOSITE_TYPE_MULTIPART ? "multipart" :
		      t->tp_data.tp_composite_type->ct_token;
	}
	crm_buf_adds(&b, top ? top : "application");
	crm_buf_addc(&b, '/');
	crm_buf_adds(&b, sub);
	for (i = 0; i < b.len; i++)
		b.s[i] = (char)ascii_lower((unsigned char)b.s[i]);
	return crm_buf_take(&b, oom);
}

static struct mailmime_disposition *disposition(const struct mailmime *mime)
{
	clistiter *it;
	struct mailmime_field *f;

	if (!mime->mm_mime_fields || !mime->mm_mime_fields->fld_list)
		return NULL;
	for (it = clist_begin(mime->mm_mime_fields->fld_list); it; it = clist_next(it)) {
		f = clist_content(it);
		if (f->fld_type == MAILMIME_FIELD_DISPOSITION)
			return f->fld_data.fld_disposition;
	}
	return NULL;
}

static const char *param(const struct mailmime_content *ct, const char *name)
{
	clistiter *it;
	struct mailmime_parameter *pa;

	if (!ct || !ct->ct_parameters)
		return NULL;
	for (it = clist_begin(ct->ct_parameters); it; it = clist_next(it)) {
		pa = clist_content(it);
		if (!ascii_casecmp(pa->pa_name, name))
			return pa->pa_value;
	}
	return NULL;
}

/* ---- file names: RFC 2231 (name*=, name*0*=...) and RFC 2047 */

#define MAX_PIECES 64

struct pieces {
	const char *plain;            /* name="..." */
	const char *ext;              /* name*=charset'lang'%XX */
	const char *part[MAX_PIECES]; /* name*0=, name*1*= ... */
	int encoded[MAX_PIECES];
};

/* Sort one parameter into its slot if it is the key or a piece of it. */
static void piece(struct pieces *ps, const char *key, const char *name, const char *value)
{
	size_t k = strlen(key);
	char *end;
	long i;

	if (ascii_ncasecmp(name, key, k) != 0 || !value)
		return;
	name += k;
	if (!*name) {
		ps->plain = value;
	} else if (!strcmp(name, "*")) {
		ps->ext = value;
	} else if (name[0] == '*' && name[1] >= '0' && name[1] <= '9') {
		i = strtol(name + 1, &end, 10);
		if (i >= 0 && i < MAX_PIECES && (!*end || !strcmp(end, "*"))) {
			ps->part[i] = value;
			ps->encoded[i] = *end == '*';
		}
	}
}

/* Append %XX-encoded bytes decoded. */
static void put_pct(struct crm_buf *b, const char *s)
{
	for (; *s; s++) {
		if (s[0] == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
			crm_buf_addc(b, (char)(hexval(s[1]) * 16 + hexval(s[2])));
			s += 2;
		} else {
			crm_buf_addc(b, *s);
		}
	}
}

/* Split "charset'lang'rest": copy the charset into cs, return rest. */
static const char *ext_charset(const char *v, char *cs, size_t size)
{
	const char *q1 = strchr(v, '\''), *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
	size_t n;

	cs[0] = '\0';
	if (!q2)
		return v;
	n = (size_t)(q1 - v);
	if (n >= size)
		n = size - 1;
	memcpy(cs, v, n);
	cs[n] = '\0';
	return q2 + 1;
}

static char *join_pieces(const struct pieces *ps, int *oom)
{
	struct crm_buf raw = { 0 }, out = { 0 };
	char cs[64] = "";
	const char *v;
	int i;

	if (ps->ext) {
		put_pct(&raw, ext_charset(ps->ext, cs, sizeof cs));
	} else {
		for (i = 0; i < MAX_PIECES && ps->part[i]; i++) {
			v = ps->part[i];
			if (ps->encoded[i] && i == 0)
				v = ext_charset(v, cs, sizeof cs);
			if (ps->encoded[i])
				put_pct(&raw, v);
			else
				crm_buf_adds(&raw, v);
		}
	}
	if (raw.err)
		*oom = 1;
	put_text(&out, cs[0] ? cs : NULL, raw.s ? raw.s : "", raw.len);
	free(raw.s);
	return crm_buf_take(&out, oom);
}

static char *name_of(const struct pieces *ps, int *oom)
{
	if (ps->ext || ps->part[0])
		return join_pieces(ps, oom);
	if (ps->plain && *ps->plain)
		return decode_value(ps->plain, strlen(ps->plain), NULL, oom);
	return NULL;
}

/* The file name: Content-Disposition's filename, else Content-Type's name. */
static char *file_name(const struct mailmime *mime, int *oom)
{
	struct mailmime_disposition *d = disposition(mime);
	struct mailmime_disposition_parm *dp;
	struct mailmime_parameter *pa;
	struct mailmime_content *ct;
	struct pieces ps;
	clistiter *it;
	char *name;

	memset(&ps, 0, sizeof ps);
	for (it = d && d->dsp_parms ? clist_begin(d->dsp_parms) : NULL; it; it = clist_next(it)) {
		dp = clist_content(it);
		if (dp->pa_type == MAILMIME_DISPOSITION_PARM_FILENAME) {
			ps.plain = dp->pa_data.pa_filename;
		} else if (dp->pa_type == MAILMIME_DISPOSITION_PARM_PARAMETER) {
			pa = dp->pa_data.pa_parameter;
			piece(&ps, "filename", pa->pa_name, pa->pa_value);
		}
	}
	if ((name = name_of(&ps, oom)) != NULL || *oom)
		return name;
	memset(&ps, 0, sizeof ps);
	ct = mime->mm_content_type;
	for (it = ct && ct->ct_parameters ? clist_begin(ct->ct_parameters) : NULL; it;
	     it = clist_next(it)) {
		pa = clist_content(it);
		piece(&ps, "name", pa->pa_name, pa->pa_value);
	}
	return name_of(&ps, oom);
}

/* ---- walking the tree */

static void walk(struct parse *p, struct mailmime *mime);

/* List a part as an attachment; type and name are handed over. */
static void add_attachment(struct parse *p, const struct mailmime_data *d, char *type,
			   char *name)
{
	struct crm_message *m = p->m;
	struct crm_attachment *a;
	const char *s;
	char *dec;
	size_t n = 0;

	if (d && part_bytes(d, &dec, &s, &n) == 0 && dec)
		mailmime_decoded_part_free(dec);
	if (!(a = grow(m->attachments, &p->acap, m->nattachments, sizeof *a, &p->oom))) {
		free(type);
		free(name);
		return;
	}
	m->attachments = a;
	a += m->nattachments++;
	a->name = name;
	a->type = type;
	a->size = n;
}

static void set_candidate(struct candidate *c, const struct mailmime_data *d, const char *cs)
{
	if (c->set)
		return;
	c->data = *d;
	c->charset = cs;
	c->set = 1;
}

/* A body taken as text/plain as it is: the fallback for broken structure. */
static void raw_text(struct parse *p, const char *s, size_t n)
{
	struct mailmime_data d;

	memset(&d, 0, sizeof d);
	d.dt_type = MAILMIME_DATA_TEXT;
	d.dt_encoding = MAILMIME_MECHANISM_8BIT;
	d.dt_data.dt_text.dt_data = s;
	d.dt_data.dt_text.dt_length = n;
	set_candidate(&p->plain, &d, NULL);
}

/* Parse body (and tail after it) again under a made-up Content-Type;
 * NULL when that fails. */
static struct mailmime *reparse(struct parse *p, const char *type, const char *s, size_t n,
				const char *tail)
{
	struct crm_buf b = { 0 };
	struct mailmime *top = NULL;
	size_t i = 0;

	if (p->nsynth == MAX_SYNTH)
		return NULL;
	crm_buf_adds(&b, "Content-Type: ");
	crm_buf_adds(&b, type);
	crm_buf_adds(&b, "\r\n\r\n");
	crm_buf_add(&b, s, n);
	crm_buf_adds(&b, tail);
	if (b.err) {
		free(b.s);
		p->oom = 1;
		return NULL;
	}
	if (mailmime_parse(b.s, b.len, &i, &top) != MAILIMF_NO_ERROR) {
		free(b.s);
		return NULL;
	}
	p->synth_buf[p->nsynth] = b.s;
	p->synth[p->nsynth++] = top;
	return top->mm_data.mm_message.mm_msg_mime;
}

/* Read a multipart body again with boundary b, adding its close delimiter
 * when close is set; 0 when that could not be done. */
static int reparse_multipart(struct parse *p, const char *b, const char *s, size_t n, int close)
{
	struct crm_buf type = { 0 }, tail = { 0 };
	struct mailmime *sub = NULL;
	char *t, *c;

	crm_buf_adds(&type, "multipart/mixed; boundary=\"");
	crm_buf_adds(&type, b);
	crm_buf_addc(&type, '"');
	if (close) {
		crm_buf_adds(&tail, "\r\n--");
		crm_buf_adds(&tail, b);
		crm_buf_adds(&tail, "--\r\n");
	}
	t = crm_buf_take(&type, &p->oom);
	c = crm_buf_take(&tail, &p->oom);
	if (t && c && !strchr(b, '"') && (sub = reparse(p, t, s, n, c)) != NULL)
		walk(p, sub);
	free(t);
	free(c);
	return sub != NULL;
}

/*
 * The boundary a broken multipart really uses: the first "--token" line
 * followed by a "Content-" header, so that a "-----Original Message-----"
 * line in plain text is not taken for one.
 */
static char *guess_boundary(const char *s, size_t n, int *oom)
{
	size_t pos = 0, next, i, end;

	for (; pos < n; pos = next) {
		next = line_end(s, n, pos);
		if (next - pos < 4 || s[pos] != '-' || s[pos + 1] != '-')
			continue;
		for (end = next; end > pos + 2 && (unsigned char)s[end - 1] <= ' ';)
			end--;
		for (i = pos + 2; i < end && is_bchar(s[i]); i++)
			;
		if (i < end || end - pos - 2 > 70 || end == pos + 2)
			continue;
		if (n - next >= 8 && ascii_ncasecmp(s + next, "Content-", 8) == 0)
			return dup_n(s + pos + 2, end - pos - 2, oom);
	}
	return NULL;
}

/* Is there a line "--b" in s (1), and also a close delimiter "--b--" (2)? */
static int delimiters(const char *s, size_t n, const char *b, int *oom)
{
	struct crm_buf d = { 0 };
	int found = 0;
	size_t k;

	crm_buf_adds(&d, "\n--");
	crm_buf_adds(&d, b);
	crm_buf_adds(&d, "--");
	if (d.err) {
		*oom = 1;
	} else {
		k = d.len - 2; /* "\n--b" */
		if ((n >= k - 1 && !memcmp(s, d.s + 1, k - 1)) || memmem(s, n, d.s, k))
			found = memmem(s, n, d.s, d.len) ? 2 : 1;
	}
	free(d.s);
	return found;
}

/* A multipart whose boundary is missing or never used: read it with the
 * boundary its parts show, or else as plain text. */
static void recover(struct parse *p, struct mailmime *mime)
{
	const struct mailmime_data *d = mime->mm_body;
	const char *s = d ? d->dt_data.dt_text.dt_data : NULL;
	size_t n = s ? d->dt_data.dt_text.dt_length : 0;
	char *b;
	int done = 0;

	if ((b = guess_boundary(s, n, &p->oom)) != NULL) {
		done = reparse_multipart(p, b, s, n, delimiters(s, n, b, &p->oom) == 1);
		free(b);
	}
	if (!done && s)
		raw_text(p, s, n);
}

/*
 * A multipart whose boundary is never used is recovered (see recover());
 * one whose close delimiter is missing is read again with it added, since
 * libetpan then cuts its last part at the last line that begins with '-'.
 */
static void multiple(struct parse *p, struct mailmime *mime)
{
	const struct mailmime_data *d = mime->mm_body;
	const char *s = d ? d->dt_data.dt_text.dt_data : NULL;
	size_t n = s ? d->dt_data.dt_text.dt_length : 0;
	char *b = mailmime_extract_boundary(mime->mm_content_type);
	int found = b && *b && s ? delimiters(s, n, b, &p->oom) : 0;
	clistiter *it;

	if (found == 0) {
		recover(p, mime);
	} else if (found == 2 || !reparse_multipart(p, b, s, n, 1)) {
		for (it = clist_begin(mime->mm_data.mm_multipart.mm_mp_list); it;
		     it = clist_next(it))
			walk(p, clist_content(it));
	}
	free(b);
}

static void single(struct parse *p, struct mailmime *mime)
{
	struct mailmime_disposition *d = disposition(mime);
	const struct mailmime_data *data = mime->mm_data.mm_single;
	char *type = mime_type(mime->mm_content_type, &p->oom), *name;
	const char *cs;

	if (!type)
		return;
	if (!strncmp(type, "multipart/", 10)) { /* a multipart without a boundary */
		free(type);
		recover(p, mime);
		return;
	}
	name = file_name(mime, &p->oom);
	if (name || strncmp(type, "text/", 5) != 0 ||
	    (d && d->dsp_type->dsp_type == MAILMIME_DISPOSITION_TYPE_ATTACHMENT)) {
		add_attachment(p, data, type, name);
		return;
	}
	cs = param(mime->mm_content_type, "charset");
	if (data && !strcmp(type, "text/plain"))
		set_candidate(&p->plain, data, cs);
	else if (data && !strcmp(type, "text/html"))
		set_candidate(&p->html, data, cs);
	free(type);
}

static void walk(struct parse *p, struct mailmime *mime)
{
	if (!mime || p->depth >= MAX_DEPTH || p->oom)
		return;
	p->depth++;
	if (mime->mm_type == MAILMIME_SINGLE)
		single(p, mime);
	else if (mime->mm_type == MAILMIME_MULTIPLE)
		multiple(p, mime);
	else if (mime->mm_type == MAILMIME_MESSAGE) /* an attached message: not opened */
		add_attachment(p, mime->mm_body, mime_type(mime->mm_content_type, &p->oom),
			       file_name(mime, &p->oom));
	p->depth--;
}

/* ---- the text */

/* A part's text as UTF-8 with LF line ends; NULL if it cannot be decoded. */
static char *candidate_text(struct candidate *c, int html, int *oom)
{
	struct crm_buf b = { 0 };
	const char *s, *cs = c->charset;
	char *dec, sniffed[40];
	size_t n, i, j;

	if (part_bytes(&c->data, &dec, &s, &n) != 0)
		return NULL;
	if (html && (!cs || !*cs)) {
		crm_html_charset(s, n, sniffed, sizeof sniffed);
		cs = sniffed[0] ? sniffed : NULL;
	}
	put_text(&b, cs, s, n);
	if (dec)
		mailmime_decoded_part_free(dec);
	for (i = j = 0; i < b.len; i++) { /* CRLF and a lone CR become LF */
		if (b.s[i] == '\r' && i + 1 < b.len && b.s[i + 1] == '\n')
			continue;
		b.s[j++] = b.s[i] == '\r' ? '\n' : b.s[i];
	}
	b.len = j;
	return crm_buf_take(&b, oom);
}

static int blank(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s > ' ')
			return 0;
	return 1;
}

/* text/plain, unless it is empty beside an HTML part; else HTML made text. */
static void choose_text(struct parse *p)
{
	struct crm_message *m = p->m;
	char *plain = NULL, *html;

	if (p->plain.set) {
		plain = candidate_text(&p->plain, 0, &p->oom);
		if (plain && (!blank(plain) || !p->html.set)) {
			m->text = plain;
			return;
		}
	}
	if (p->html.set && (html = candidate_text(&p->html, 1, &p->oom)) != NULL) {
		m->text = crm_html_text(html, &p->oom);
		m->html_only = 1;
		free(html);
	}
	if (m->text)
		free(plain);
	else
		m->text = plain ? plain : dup_n("", 0, &p->oom);
}

/* Keep the charset the text part declares, for the 8-bit bytes of the
 * headers: one that is a superset of ASCII, other than UTF-8. */
static void note_charset(struct parse *p)
{
	const char *cs = p->plain.set && p->plain.charset ? p->plain.charset :
			 p->html.set ? p->html.charset : NULL;

	if (!cs || !charset_ok(cs) || strlen(cs) >= sizeof p->cs8 || is_ascii_name(cs) ||
	    !ascii_ncasecmp(cs, "utf", 3) || !ascii_ncasecmp(cs, "ucs", 3) ||
	    !ascii_ncasecmp(cs, "unicode", 7))
		return;
	memcpy(p->cs8, cs, strlen(cs) + 1);
}

/*
 * libetpan reads nested parts by recursion, and every level scans all that
 * lies inside it again: a message nested many thousand times deep exhausts
 * the stack or takes hours. Each level needs a boundary or a message/rfc822,
 * so counting those words bounds the depth.
 */
static int too_nested(const char *s, size_t n)
{
	size_t i, marks = 0;

	for (i = 0; i + 8 <= n && marks <= MAX_MARKS; i++) {
		if ((s[i] | 0x20) == 'b' && !ascii_ncasecmp(s + i, "boundary", 8))
			marks++;
		else if ((s[i] | 0x20) == 'r' && !ascii_ncasecmp(s + i, "rfc822", 6))
			marks++;
	}
	return marks > MAX_MARKS;
}

/* The MIME tree of the whole message; a message libetpan cannot read at
 * all is its body taken as plain text. */
static void read_body(struct parse *p, const char *raw, size_t len, size_t body)
{
	struct mailmime *top = NULL;
	size_t i = p->start;

	if (body >= len) { /* libetpan would take a last header without LF for body */
		p->m->text = dup_n("", 0, &p->oom);
		return;
	}
	if (!too_nested(raw, len) && mailmime_parse(raw, len, &i, &top) == MAILIMF_NO_ERROR &&
	    top) {
		walk(p, top->mm_data.mm_message.mm_msg_mime);
		if (!p->plain.set && !p->html.set && !top->mm_data.mm_message.mm_msg_mime)
			raw_text(p, raw + body, len - body);
	} else {
		raw_text(p, raw + body, len - body);
	}
	if (!p->oom)
		choose_text(p);
	note_charset(p);
	if (top)
		mailmime_free(top);
}

int crm_message_parse(const char *raw, size_t len, struct crm_message **out)
{
	struct parse p;
	size_t body;
	int rc, i;

	*out = NULL;
	if (!raw || len == 0)
		return crm_error_set(CRM_DATAERR, "empty message");
	memset(&p, 0, sizeof p);
	if (!(p.m = calloc(1, sizeof *p.m)))
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	rc = read_headers(&p, raw, len, &body);
	if (rc == 0) {
		read_body(&p, raw, len, body);
		decode_headers(&p);
		if (p.oom)
			rc = crm_error_set(CRM_SOFTWARE, "out of memory");
	}
	for (i = 0; i < p.nsynth; i++) {
		mailmime_free(p.synth[i]);
		free(p.synth_buf[i]);
	}
	if (rc) {
		crm_message_free(p.m);
		return rc;
	}
	*out = p.m;
	return 0;
}

void crm_message_free(struct crm_message *m)
{
	size_t i;

	if (!m)
		return;
	free(m->message_id);
	free(m->in_reply_to);
	free(m->references);
	free(m->from_name);
	free(m->from_addr);
	free(m->reply_to_name);
	free(m->reply_to_addr);
	free(m->subject);
	free(m->date);
	free(m->warning);
	free(m->text);
	for (i = 0; i < m->nheaders; i++) {
		free(m->headers[i].name);
		free(m->headers[i].value);
	}
	free(m->headers);
	for (i = 0; i < m->nattachments; i++) {
		free(m->attachments[i].name);
		free(m->attachments[i].type);
	}
	free(m->attachments);
	free(m);
}

const char *crm_message_header(const struct crm_message *m, const char *name)
{
	size_t i;

	if (!m || !name)
		return NULL;
	for (i = 0; i < m->nheaders; i++)
		if (!ascii_casecmp(m->headers[i].name, name))
			return m->headers[i].value;
	return NULL;
}

/* SHA-256 from GnuTLS, which libetpan links in already. */
char *crm_message_hash_id(const char *raw, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[32];
	char *s;
	size_t i;

	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, raw ? raw : "", raw ? len : 0, d) < 0) {
		crm_error_set(CRM_SOFTWARE, "sha256 failed");
		return NULL;
	}
	if (!(s = malloc(7 + 64 + 1))) {
		crm_error_set(CRM_SOFTWARE, "out of memory");
		return NULL;
	}
	memcpy(s, "sha256:", 7);
	for (i = 0; i < 32; i++) {
		s[7 + 2 * i] = hex[d[i] >> 4];
		s[8 + 2 * i] = hex[d[i] & 15];
	}
	s[71] = '\0';
	return s;
}
