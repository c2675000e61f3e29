/*
 * cdr.c: call detail records from the PBX, for crm-callpull. Asterisk's
 * Master.csv is read a line at a time with libcsv doing the quoting; a last
 * line the PBX is still writing is left for the next run, and a line that
 * cannot be read is refused with its number and text so that the rest of
 * the file still counts. MikoPBX's own database is read by mikopbx.c; the
 * reader's functions for either kind, and the checks of times, durations
 * and dispositions they share, are here.
 */
#include <errno.h>
#include <iconv.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <csv.h>

#include "cdr-private.h"

#define LINE_LIMIT CRM_LONG_TEXT_MAX /* bytes; a longer line is refused */
#define JOIN_LIMIT 64            /* physical lines one quoted record may span */
#define SHOW_LIMIT 64            /* bytes of a bad value quoted in a message */

static const char *const col_names[NCOLS] = {
	"accountcode", "src", "dst", "dcontext", "clid", "channel",
	"dstchannel", "lastapp", "lastdata", "start", "answer", "end",
	"duration", "billsec", "disposition", "amaflags", "uniqueid",
	"userfield", "peeraccount", "linkedid", "sequence"
};

int crm_cdr_no_memory(void)
{
	return crm_error_set(CRM_SOFTWARE, "out of memory");
}

/* memcpy, not a void ** cast, reads and writes the pointer. */
int crm_cdr_grow(void *pp, size_t *cap, size_t need, size_t sz)
{
	size_t n = *cap ? *cap : 64;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	memcpy(&p, pp, sizeof p);
	p = realloc(p, n * sz);
	if (!p)
		return -1;
	memcpy(pp, &p, sizeof p);
	*cap = n;
	return 0;
}

/* Keep s (n bytes) as the raw text of the last record. */
static int set_raw(struct crm_cdr_reader *r, const char *s, size_t n)
{
	if (crm_cdr_grow(&r->raw, &r->rawcap, n + 1, 1))
		return crm_cdr_no_memory();
	memcpy(r->raw, s, n);
	r->raw[n] = '\0';
	r->rawlen = n;
	return 0;
}

/* ---- times and numbers */

static int num(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

static int month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/*
 * The time of "YYYY-MM-DD HH" at :00:00. Cached: a file's calls come in
 * order, and mktime() is most of the cost of a line. Offsets change only on
 * the hour in the zones the PBX can be in, so minutes and seconds add on.
 */
static int hour_start(struct crm_cdr_reader *r, const char *s, struct tm *tm,
		      time_t *out)
{
	time_t t;

	if (r->hour.valid && memcmp(r->hour.key, s, 13) == 0) {
		*out = r->hour.base;
		return 0;
	}
	if (r->utc) {
		t = timegm(tm);
	} else {
		tm->tm_isdst = -1;
		t = mktime(tm);
	}
	if (t == (time_t)-1)
		return -1;
	memcpy(r->hour.key, s, 13);
	r->hour.base = t;
	r->hour.valid = 1;
	*out = t;
	return 0;
}

int crm_cdr_parse_time(struct crm_cdr_reader *r, const char *s, size_t len, int frac,
		       time_t *out)
{
	struct tm tm = { 0 };
	int y, mo, d, h, mi, se;
	size_t i;

	*out = 0;
	if (len == 0)
		return 0;
	if (len < 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' ||
	    s[13] != ':' || s[16] != ':')
		return -1;
	if (!num(s, 4, &y) || !num(s + 5, 2, &mo) || !num(s + 8, 2, &d) ||
	    !num(s + 11, 2, &h) || !num(s + 14, 2, &mi) || !num(s + 17, 2, &se))
		return -1;
	if (len > 19) {
		if (!frac || s[19] != '.' || len == 20)
			return -1;
		for (i = 20; i < len; i++)
			if (s[i] < '0' || s[i] > '9')
				return -1;
	}
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) ||
	    h > 23 || mi > 59 || se > 59)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	if (hour_start(r, s, &tm, out))
		return -1;
	*out += mi * 60 + se;
	return 0;
}

int crm_cdr_parse_seconds(const char *s, size_t len, long *out)
{
	long v = 0;
	size_t i;

	if (len == 0 || len > 18)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

const char *crm_cdr_disposition(char *s)
{
	char *p;

	if (!s || !*s)
		return NULL;
	for (p = s; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p -= 'a' - 'A';
	return strcmp(s, "NOANSWER") == 0 ? "NO ANSWER" : s;
}

/* The message quotes at most SHOW_LIMIT bytes. */
int crm_cdr_bad_value(const char *where, long long n, const char *name, const char *s,
		      size_t len, const char *why)
{
	size_t show = crm_utf8_cut(s, len < SHOW_LIMIT ? len : SHOW_LIMIT);

	return crm_error_set(CRM_DATAERR, "%s %lld: %s \"%.*s%s\": %s", where, n, name,
			     (int)show, s, show < len ? "..." : "", why);
}

/* ---- Master.csv: the layout */

static int column_named(const char *s, size_t len)
{
	int i;

	for (i = 0; i < NCOLS; i++)
		if (strlen(col_names[i]) == len && strncasecmp(col_names[i], s, len) == 0)
			return i;
	return -1;
}

/* "accountcode,src,..." into r->map; names may have spaces around them. */
static int parse_columns(struct crm_cdr_reader *r, const char *columns)
{
	const char *s = columns, *e;
	size_t len;
	int c, seen[NCOLS] = { 0 };

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strcspn(s, ",");
		len = e - s;
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (len == 0)
			return crm_error_set(CRM_USAGE, "--columns \"%s\": an empty column name",
					     columns);
		if ((c = column_named(s, len)) < 0)
			return crm_error_set(CRM_USAGE,
					     "--columns: unknown column \"%.*s\" (Asterisk's are "
					     "accountcode, src, dst, dcontext, clid, channel, "
					     "dstchannel, lastapp, lastdata, start, answer, end, "
					     "duration, billsec, disposition, amaflags, uniqueid, "
					     "userfield, peeraccount, linkedid, sequence)",
					     (int)len, s);
		if (seen[c]++)
			return crm_error_set(CRM_USAGE, "--columns: \"%s\" given twice",
					     col_names[c]);
		r->map[r->nmap++] = c;
		if (!*e)
			return 0;
		s = e + 1;
	}
}

/* 1 if a record of n fields fits the layout. */
static int layout_ok(const struct crm_cdr_reader *r, size_t n)
{
	if (r->nmap)
		return n == r->nmap;
	return n == 16 || n == 17 || n == 18 || n == 21;
}

static int layout_error(const struct crm_cdr_reader *r, size_t n)
{
	if (r->nmap)
		return crm_error_set(CRM_DATAERR, "line %lu: %zu field%s; expected %zu as "
				     "--columns says", r->line, n, n == 1 ? "" : "s",
				     r->nmap);
	return crm_error_set(CRM_DATAERR, "line %lu: %zu field%s; expected 16, 17, 18 "
			     "or 21 (or give --columns)", r->line, n, n == 1 ? "" : "s");
}

/* ---- Master.csv: libcsv */

static void on_field(void *s, size_t len, void *data)
{
	struct crm_cdr_reader *r = data;

	if (crm_cdr_grow(&r->text, &r->tcap, r->tlen + len + 1, 1) ||
	    crm_cdr_grow(&r->f, &r->fcap, r->nf + 1, sizeof *r->f)) {
		r->oom = 1;
		return;
	}
	memcpy(r->text + r->tlen, s, len);
	r->text[r->tlen + len] = '\0';
	r->f[r->nf].off = r->tlen;
	r->f[r->nf].len = len;
	r->nf++;
	r->tlen += len + 1;
}

/* Lines are fed whole, so only the LF at the end of one ends a record. */
static void on_row(int c, void *data)
{
	struct crm_cdr_reader *r = data;

	if (c == '\n')
		r->row_ended = 1;
	else
		r->stray_cr = 1;
}

static void on_q_field(void *s, size_t len, void *data)
{
	((struct crm_cdr_reader *)data)->qnf++;
}

static void on_q_row(int c, void *data)
{
	struct crm_cdr_reader *r = data;

	if (c == '\n')
		r->q_ended = 1;
	else
		r->stray_cr = 1;
}

/*
 * libcsv's own test for CR and LF is inlined; a term function would cost a
 * fifth of the time. So a lone CR ends a row too, and on_row notices.
 */
static int parser_init(struct csv_parser *p)
{
	if (csv_init(p, CSV_STRICT) != 0)
		return -1;
	csv_set_blk_size(p, 4096);
	return 0;
}

enum { FED, FEED_QUOTE, FEED_CR, FEED_NOMEM };

/*
 * Feed the line buf[a, b) (it ends with LF, perhaps CR LF) to a parser.
 * FEED_QUOTE when libcsv refuses it: in strict mode that is a stray quote.
 */
static int feed(struct crm_cdr_reader *r, struct csv_parser *p,
		void (*cb1)(void *, size_t, void *), void (*cb2)(int, void *),
		size_t a, size_t b)
{
	size_t n = b - 1 - a;

	if (n && r->buf[a + n - 1] == '\r')
		n--;
	r->stray_cr = 0;
	if (csv_parse(p, r->buf + a, n, cb1, cb2, r) != n ||
	    csv_parse(p, "\n", 1, cb1, cb2, r) != 1)
		return csv_error(p) == CSV_EPARSE ? FEED_QUOTE : FEED_NOMEM;
	return r->stray_cr ? FEED_CR : FED;
}

static void reset_record(struct crm_cdr_reader *r)
{
	csv_fini(&r->p, NULL, NULL, NULL);
	r->nf = r->tlen = 0;
	r->row_ended = r->oom = 0;
}

/* 1 if buf[a, b) is a whole record of the layout by itself. */
static int alone_is_record(struct crm_cdr_reader *r, size_t a, size_t b)
{
	csv_fini(&r->q, NULL, NULL, NULL);
	r->qnf = 0;
	r->q_ended = 0;
	if (feed(r, &r->q, on_q_field, on_q_row, a, b) != FED)
		return 0;
	return r->q_ended && layout_ok(r, r->qnf);
}

/* ---- Master.csv: lines */

static int read_error(struct crm_cdr_reader *r)
{
	return crm_error_set(CRM_IOERR, "line %lu: read error: %s", r->next_line,
			     strerror(errno));
}

/*
 * Make buf hold a whole line from offset from; *end is just past its LF.
 * CRM_NOMATCH when the input ends first: a partial line stays in buf, and
 * a later call tries the file again (it may have grown). A final input has
 * no later call: its last line is ended here with the LF it lacks.
 */
static int need_line(struct crm_cdr_reader *r, size_t from, size_t *end)
{
	char *nl, *t;
	ssize_t n;
	size_t c;

	for (;;) {
		nl = r->len > from ? memchr(r->buf + from, '\n', r->len - from) : NULL;
		if (nl) {
			*end = nl - r->buf + 1;
			return 0;
		}
		if (r->at_eof) {
			clearerr(r->in);
			r->at_eof = 0;
		}
		errno = 0;
		n = getline(&r->gl, &r->glcap, r->in);
		if (n < 0) {
			if (ferror(r->in))
				return read_error(r);
			if (errno == ENOMEM)
				return crm_cdr_no_memory();
			r->at_eof = 1;
			if (!r->final || r->len <= from)
				return CRM_NOMATCH;
			if (crm_cdr_grow(&r->buf, &r->cap, r->len + 1, 1))
				return crm_cdr_no_memory();
			r->buf[r->len++] = '\n';
			continue;
		}
		if (r->len == 0) {
			/* The usual case: take getline's buffer, no copy. */
			t = r->buf, r->buf = r->gl, r->gl = t;
			c = r->cap, r->cap = r->glcap, r->glcap = c;
			r->len = n;
			continue;
		}
		if (crm_cdr_grow(&r->buf, &r->cap, r->len + n, 1))
			return crm_cdr_no_memory();
		memcpy(r->buf + r->len, r->gl, n);
		r->len += n;
	}
}

/* Drop the first bytes (lines whole lines) of buf: they are read. */
static void consume(struct crm_cdr_reader *r, size_t bytes, unsigned long lines)
{
	memmove(r->buf, r->buf + bytes, r->len - bytes);
	r->len -= bytes;
	r->pos += bytes;
	r->next_line += lines;
}

/* The raw text of buf[0, end) without its final newline. */
static int keep_raw(struct crm_cdr_reader *r, size_t end)
{
	size_t n = end - 1;

	if (n && r->buf[n - 1] == '\r')
		n--;
	return set_raw(r, r->buf, n);
}

/* Refuse the first line of buf (its end at end) for reason why. */
static int refuse_line(struct crm_cdr_reader *r, size_t end, const char *why)
{
	int rc = keep_raw(r, end);

	consume(r, end, 1);
	if (rc)
		return rc;
	return crm_error_set(CRM_DATAERR, "line %lu: %s", r->line, why);
}

static int is_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/*
 * The first line (ending at first) ends inside quotes: a newline in a quoted
 * field, or a broken quote. Join the following lines until the record
 * closes, unless a following line is a good record by itself: then the
 * quote was broken, and only the first line is refused.
 */
static int join_lines(struct crm_cdr_reader *r, size_t first, size_t *end,
		      unsigned long *lines)
{
	size_t e2;
	int rc;

	while (!r->row_ended) {
		if (*lines == JOIN_LIMIT)
			return refuse_line(r, first, "unterminated quote");
		rc = need_line(r, *end, &e2);
		if (rc == CRM_NOMATCH && r->final)
			return refuse_line(r, first, "unterminated quote at the end of the input");
		if (rc)
			return rc;
		if (e2 > LINE_LIMIT || alone_is_record(r, *end, e2))
			return refuse_line(r, first, "unterminated quote");
		switch (feed(r, &r->p, on_field, on_row, *end, e2)) {
		case FED:
			break;
		case FEED_NOMEM:
			return crm_cdr_no_memory();
		default:
			return refuse_line(r, first, "unterminated quote");
		}
		*end = e2;
		++*lines;
	}
	return 0;
}

/*
 * Split the record that starts buf into r->f. 0, CRM_NOMATCH when its end
 * is not written yet, or CRM_DATAERR with the first line refused.
 */
static int split_record(struct crm_cdr_reader *r, size_t *end, unsigned long *lines)
{
	int rc;

	reset_record(r);
	*lines = 1;
	switch (feed(r, &r->p, on_field, on_row, 0, *end)) {
	case FED:
		break;
	case FEED_QUOTE:
		return refuse_line(r, *end, "a stray quote (quotes inside a field must "
				   "be doubled)");
	case FEED_CR:
		return refuse_line(r, *end, "a carriage return outside quotes");
	default:
		return crm_cdr_no_memory();
	}
	if (!r->row_ended && (rc = join_lines(r, *end, end, lines)) != 0)
		return rc;
	return r->oom ? crm_cdr_no_memory() : 0;
}

static int csv_time(struct crm_cdr_reader *r, int col, const char *s, size_t len,
		    time_t *out)
{
	if (crm_cdr_parse_time(r, s, len, 0, out))
		return crm_cdr_bad_value("line", (long long)r->line, col_names[col], s, len,
					 "not a time YYYY-MM-DD HH:MM:SS");
	return 0;
}

static int csv_seconds(struct crm_cdr_reader *r, int col, const char *s, size_t len,
		       long *out)
{
	if (crm_cdr_parse_seconds(s, len, out))
		return crm_cdr_bad_value("line", (long long)r->line, col_names[col], s, len,
					 "not a whole number of seconds");
	return 0;
}

/* Put field s (len bytes) of column col into rec. */
static int take(struct crm_cdr_reader *r, struct crm_cdr *rec, int col, char *s,
		size_t len)
{
	const char *v = len ? s : NULL;

	switch (col) {
	case C_SRC: rec->src = v; break;
	case C_DST: rec->dst = v; break;
	case C_DCONTEXT: rec->dcontext = v; break;
	case C_CLID: rec->clid = v; break;
	case C_CHANNEL: rec->channel = v; break;
	case C_DSTCHANNEL: rec->dstchannel = v; break;
	case C_LASTAPP: rec->lastapp = v; break;
	case C_UNIQUEID: rec->uniqueid = v; break;
	case C_LINKEDID: rec->linkedid = v; break;
	case C_DISPOSITION: rec->disposition = crm_cdr_disposition(s); break;
	case C_START: return csv_time(r, col, s, len, &rec->start);
	case C_ANSWER: return csv_time(r, col, s, len, &rec->answer);
	case C_END: return csv_time(r, col, s, len, &rec->end);
	case C_DURATION: return csv_seconds(r, col, s, len, &rec->duration);
	case C_BILLSEC: return csv_seconds(r, col, s, len, &rec->billsec);
	default: break; /* accountcode, lastdata, amaflags, userfield, ...: unused */
	}
	return 0;
}

/*
 * Columns that are only labels, never interpreted: the caller-ID name, the
 * account codes, the application's data, the userfield. PBXs write them in
 * their own charset, or with stray bytes; the other columns (numbers, ids,
 * times, dispositions, channels) must be UTF-8 (ASCII, in practice).
 */
static int is_label(int col)
{
	return col == C_ACCOUNTCODE || col == C_CLID || col == C_LASTDATA ||
	       col == C_AMAFLAGS || col == C_USERFIELD || col == C_PEERACCOUNT;
}

static int lab_put(struct crm_cdr_reader *r, size_t *n, const char *s, size_t k)
{
	if (crm_cdr_grow(&r->lab, &r->labcap, *n + k + 1, 1))
		return crm_cdr_no_memory();
	memcpy(r->lab + *n, s, k);
	*n += k;
	r->lab[*n] = '\0';
	return 0;
}

/* The label s (len bytes, not valid UTF-8) into r->lab: read in the PBX's
 * charset (UTF-8 when iconv does not know it); a byte it cannot read
 * becomes U+FFFD. */
static int lab_decode(struct crm_cdr_reader *r, const char *s, size_t len)
{
	char out[256], *in = (char *)s, *o;
	size_t left = len, room, n = 0;
	int rc = lab_put(r, &n, "", 0);

	if (!r->cd_open) {
		r->cd = iconv_open("UTF-8", r->charset ? r->charset : "CP1251");
		if (r->cd == (iconv_t)-1) /* a charset iconv does not know: UTF-8 */
			r->cd = iconv_open("UTF-8", "UTF-8");
		r->cd_open = r->cd == (iconv_t)-1 ? -1 : 1;
	}
	if (r->cd_open > 0)
		iconv(r->cd, NULL, NULL, NULL, NULL);
	while (rc == 0 && left) {
		o = out, room = sizeof out;
		if (r->cd_open < 0 || (iconv(r->cd, &in, &left, &o, &room) == (size_t)-1 &&
				       errno != E2BIG)) {
			if ((rc = lab_put(r, &n, out, o - out)) == 0)
				rc = lab_put(r, &n, "\xef\xbf\xbd", 3); /* U+FFFD */
			in++, left--;
			continue;
		}
		rc = lab_put(r, &n, out, o - out);
	}
	return rc;
}

/* Not valid UTF-8 somewhere: refuse it in a column that counts, make the
 * caller-ID name UTF-8 (the other labels are not used). */
static int fill_8bit(struct crm_cdr_reader *r, struct crm_cdr *rec)
{
	const char *s;
	size_t i, len;
	int col, rc;

	for (i = 0; i < r->nf; i++) {
		col = r->nmap ? r->map[i] : (int)i;
		s = r->text + r->f[i].off, len = r->f[i].len;
		if (crm_utf8_valid(s, len))
			continue;
		if (!is_label(col))
			return crm_error_set(CRM_DATAERR, "line %lu: %s: not valid UTF-8",
					     r->line, col_names[col]);
		if (col == C_CLID) {
			if ((rc = lab_decode(r, s, len)))
				return rc;
			rec->clid = r->lab;
		}
	}
	return 0;
}

/* The split record into rec, after the checks that need all of it. */
static int fill_record(struct crm_cdr_reader *r, struct crm_cdr *rec)
{
	size_t i;
	int rc, col;

	if (memchr(r->raw, '\0', r->rawlen))
		return crm_error_set(CRM_DATAERR, "line %lu: a NUL byte", r->line);
	if (!layout_ok(r, r->nf))
		return layout_error(r, r->nf);
	memset(rec, 0, sizeof *rec);
	for (i = 0; i < r->nf; i++) {
		col = r->nmap ? r->map[i] : (int)i;
		rec->channels |= col == C_DSTCHANNEL;
		rc = take(r, rec, col, r->text + r->f[i].off, r->f[i].len);
		if (rc)
			return rc;
	}
	return crm_utf8_valid(r->raw, r->rawlen) ? 0 : fill_8bit(r, rec);
}

static int next_csv(struct crm_cdr_reader *r, struct crm_cdr *rec)
{
	unsigned long lines, prev;
	size_t end;
	int rc;

	for (;;) {
		if ((rc = need_line(r, 0, &end)) != 0)
			return rc;
		if (!is_blank(r->buf, end))
			break;
		consume(r, end, 1);
	}
	prev = r->line;
	r->line = r->next_line;
	if (end - 1 > LINE_LIMIT)
		return refuse_line(r, end, "longer than 1 MB");
	if ((rc = split_record(r, &end, &lines)) != 0) {
		if (rc == CRM_NOMATCH)
			r->line = prev; /* nothing was read after all */
		return rc;
	}
	rc = keep_raw(r, end);
	consume(r, end, lines);
	return rc ? rc : fill_record(r, rec);
}

static void close_csv(struct crm_cdr_reader *r)
{
	csv_free(&r->p);
	csv_free(&r->q);
}

int crm_cdr_open_csv(FILE *f, const char *columns, int utc, struct crm_cdr_reader **out)
{
	struct crm_cdr_reader *r = calloc(1, sizeof *r);
	int rc;

	*out = NULL;
	if (!r)
		return crm_cdr_no_memory();
	r->next = next_csv;
	r->in = f;
	r->utc = utc;
	r->next_line = 1;
	if (parser_init(&r->p) || parser_init(&r->q)) {
		free(r);
		return crm_cdr_no_memory();
	}
	r->close = close_csv;
	if (columns && (rc = parse_columns(r, columns)) != 0) {
		crm_cdr_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* ---- the reader, of either kind */

/* Bytes stdio has read from f ahead of us (glibc keeps them in the FILE). */
static int stdio_ahead(FILE *f)
{
#ifdef __GLIBC__
	return f->_IO_read_ptr < f->_IO_read_end;
#else
	(void)f;
	return 1; /* cannot tell: take it that there are, so nobody waits */
#endif
}

int crm_cdr_charset(struct crm_cdr_reader *r, const char *charset)
{
	free(r->charset);
	r->charset = NULL;
	if (r->cd_open > 0)
		iconv_close(r->cd);
	r->cd_open = 0;
	if (charset && *charset && !(r->charset = strdup(charset)))
		return crm_cdr_no_memory();
	return 0;
}

void crm_cdr_final(struct crm_cdr_reader *r)
{
	r->final = 1;
}

int crm_cdr_ready(struct crm_cdr_reader *r, int wait)
{
	struct pollfd pfd = { .events = POLLIN };
	int n;

	if (!r->in || (r->len && memchr(r->buf, '\n', r->len)) || stdio_ahead(r->in) ||
	    (pfd.fd = fileno(r->in)) < 0)
		return 1;
	do
		n = poll(&pfd, 1, wait ? -1 : 0);
	while (n < 0 && errno == EINTR);
	return n != 0; /* readable, at its end, or failed: the read will say */
}

int crm_cdr_next(struct crm_cdr_reader *r, struct crm_cdr *rec)
{
	return r->next(r, rec);
}

/*
 * Master.csv: the number of the record's first line, counted from where
 * the reader started (1 is the line f stood at). MikoPBX: the record's
 * number in this run.
 */
unsigned long crm_cdr_line(const struct crm_cdr_reader *r)
{
	return r->line;
}

/* Master.csv: the record's lines without the last newline. MikoPBX: its
 * legs, one a line: id, then the cdr_general values (mikopbx.c). */
const char *crm_cdr_raw(const struct crm_cdr_reader *r)
{
	return r->raw;
}

int64_t crm_cdr_position(const struct crm_cdr_reader *r)
{
	return r->pos;
}

void crm_cdr_close(struct crm_cdr_reader *r)
{
	if (!r)
		return;
	if (r->close)
		r->close(r);
	if (r->cd_open > 0)
		iconv_close(r->cd);
	free(r->charset);
	free(r->lab);
	free(r->buf);
	free(r->gl);
	free(r->text);
	free(r->f);
	free(r->raw);
	free(r);
}
