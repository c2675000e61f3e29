/*
 * cdr.c: call detail records from the PBX, for crm-callpull. Asterisk's
 * Master.csv is read a line at a time with libcsv doing the quoting; a last
 * line the PBX is still writing is left for the next run, and a line that
 * cannot be read is refused with its number and text so that the rest of
 * the file still counts. MikoPBX's own cdr_general table is read read-only,
 * and the legs of one call (one linkedid) are merged into one record.
 */
#include <errno.h>
#include <iconv.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <csv.h>
#include <sqlite3.h>

#include "crm.h"

#define LINE_LIMIT CRM_LONG_TEXT_MAX /* bytes; a longer line is refused */
#define JOIN_LIMIT 64            /* physical lines one quoted record may span */
#define SHOW_LIMIT 64            /* bytes of a bad value quoted in a message */

/* Asterisk's cdr_csv columns, in the order it writes them. */
enum col {
	C_ACCOUNTCODE, C_SRC, C_DST, C_DCONTEXT, C_CLID, C_CHANNEL,
	C_DSTCHANNEL, C_LASTAPP, C_LASTDATA, C_START, C_ANSWER, C_END,
	C_DURATION, C_BILLSEC, C_DISPOSITION, C_AMAFLAGS, C_UNIQUEID,
	C_USERFIELD, C_PEERACCOUNT, C_LINKEDID, C_SEQUENCE, NCOLS
};

static const char *const col_names[NCOLS] = {
	"accountcode", "src", "dst", "dcontext", "clid", "channel",
	"dstchannel", "lastapp", "lastdata", "start", "answer", "end",
	"duration", "billsec", "disposition", "amaflags", "uniqueid",
	"userfield", "peeraccount", "linkedid", "sequence"
};

struct field {
	size_t off, len; /* into text */
};

/* One row of cdr_general; NULL for NULL or empty. */
enum { L_START, L_ANSWER, L_END, L_SRC, L_DST, L_DID, L_UNIQUEID,
       L_LINKEDID, L_DISPOSITION, L_BILLSEC, L_DURATION, NLEG };

struct leg {
	int64_t id;
	char *v[NLEG];
};

struct group {
	size_t first, n; /* a run in the reader's order[] */
};

struct crm_cdr_reader {
	int utc;
	unsigned long line;     /* of the last record read or refused */
	char *raw;              /* its text, without the final newline */
	size_t rawlen, rawcap;
	int64_t pos;
	struct {                /* the last "YYYY-MM-DD HH" turned into a time */
		char key[13];
		time_t base;
		int valid;
	} hour;

	/* Master.csv */
	FILE *in;
	int at_eof;
	int final;              /* the input will not grow: its last line counts */
	int map[NCOLS];         /* --columns: the column of each field */
	size_t nmap;            /* 0: detect the layout per line */
	char *buf;              /* read, not yet consumed: whole lines, then */
	size_t len, cap;        /* perhaps a partial one at the end */
	char *gl;               /* getline's buffer */
	size_t glcap;
	unsigned long next_line;
	struct csv_parser p;    /* the record */
	struct csv_parser q;    /* a following line on its own */
	char *text;             /* the record's fields, each ended by NUL */
	size_t tlen, tcap;
	struct field *f;
	size_t nf, fcap;
	int row_ended, oom;
	size_t qnf;
	int q_ended;
	int stray_cr;           /* a CR outside quotes ended a row early */
	char *charset;          /* of labels that are not UTF-8 (NULL: CP1251) */
	iconv_t cd;             /* from it, opened when first needed */
	int cd_open;
	char *lab;              /* the caller-ID name made UTF-8 */
	size_t labcap;

	/* MikoPBX */
	int mikopbx;
	sqlite3 *db;
	struct leg *legs;
	size_t nlegs;
	size_t *order;          /* legs by call, then id */
	struct group *groups;   /* in order of their first id */
	size_t ngroups, next_group;
};

static int no_memory(void)
{
	return crm_error_set(CRM_SOFTWARE, "out of memory");
}

/*
 * Grow the array *pp (a pointer to any pointer; *cap elements of size sz)
 * to hold need. memcpy, not a void ** cast, reads and writes the pointer.
 */
static int grow(void *pp, size_t *cap, size_t need, size_t sz)
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
	if (grow(&r->raw, &r->rawcap, n + 1, 1))
		return no_memory();
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

/*
 * "YYYY-MM-DD HH:MM:SS" (frac: with an optional ".000" after it, dropped)
 * in local time or UTC; an empty time is 0. -1 when it is not a time.
 */
static int parse_time(struct crm_cdr_reader *r, const char *s, size_t len, int frac,
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

/* A count of seconds: digits only, so "-5" and "" are refused. */
static int parse_seconds(const char *s, size_t len, long *out)
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

/* Upper-case s in place; MikoPBX's "NOANSWER" is Asterisk's "NO ANSWER". */
static const char *disposition(char *s)
{
	char *p;

	if (!s || !*s)
		return NULL;
	for (p = s; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p -= 'a' - 'A';
	return strcmp(s, "NOANSWER") == 0 ? "NO ANSWER" : s;
}

/* A bad value of column name: the message quotes at most SHOW_LIMIT bytes. */
static int bad_value(const char *where, long long n, const char *name, const char *s,
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

	if (grow(&r->text, &r->tcap, r->tlen + len + 1, 1) ||
	    grow(&r->f, &r->fcap, r->nf + 1, sizeof *r->f)) {
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
				return no_memory();
			r->at_eof = 1;
			if (!r->final || r->len <= from)
				return CRM_NOMATCH;
			if (grow(&r->buf, &r->cap, r->len + 1, 1))
				return no_memory();
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
		if (grow(&r->buf, &r->cap, r->len + n, 1))
			return no_memory();
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
			return no_memory();
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
		return no_memory();
	}
	if (!r->row_ended && (rc = join_lines(r, *end, end, lines)) != 0)
		return rc;
	return r->oom ? no_memory() : 0;
}

static int csv_time(struct crm_cdr_reader *r, int col, const char *s, size_t len,
		    time_t *out)
{
	if (parse_time(r, s, len, 0, out))
		return bad_value("line", (long long)r->line, col_names[col], s, len,
				 "not a time YYYY-MM-DD HH:MM:SS");
	return 0;
}

static int csv_seconds(struct crm_cdr_reader *r, int col, const char *s, size_t len,
		       long *out)
{
	if (parse_seconds(s, len, out))
		return bad_value("line", (long long)r->line, col_names[col], s, len,
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
	case C_DISPOSITION: rec->disposition = disposition(s); break;
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
	if (grow(&r->lab, &r->labcap, *n + k + 1, 1))
		return no_memory();
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

int crm_cdr_open_csv(FILE *f, const char *columns, int utc, struct crm_cdr_reader **out)
{
	struct crm_cdr_reader *r = calloc(1, sizeof *r);
	int rc;

	*out = NULL;
	if (!r)
		return no_memory();
	r->in = f;
	r->utc = utc;
	r->next_line = 1;
	if (parser_init(&r->p) || parser_init(&r->q)) {
		free(r);
		return no_memory();
	}
	if (columns && (rc = parse_columns(r, columns)) != 0) {
		crm_cdr_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* ---- MikoPBX */

/* The columns of cdr_general we need (did is optional), in leg order. */
static const char *const leg_cols[NLEG] = {
	"start", "answer", "endtime", "src_num", "dst_num", "did", "UNIQUEID",
	"linkedid", "disposition", "billsec", "duration"
};

static const char sql_with_did[] =
	"SELECT id, start, answer, endtime, src_num, dst_num, did, UNIQUEID,"
	" linkedid, disposition, billsec, duration"
	" FROM cdr_general WHERE id > ?1 ORDER BY id";
static const char sql_without_did[] =
	"SELECT id, start, answer, endtime, src_num, dst_num, NULL, UNIQUEID,"
	" linkedid, disposition, billsec, duration"
	" FROM cdr_general WHERE id > ?1 ORDER BY id";

static int sql_error(struct crm_cdr_reader *r, const char *path, int rc)
{
	const char *msg = r->db ? sqlite3_errmsg(r->db) : sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_NOMEM:
		return no_memory();
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return crm_error_set(CRM_TEMPFAIL, "%s: %s", path, msg);
	case SQLITE_CANTOPEN:
		return crm_error_set(CRM_NOINPUT, "%s: %s", path, msg);
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return crm_error_set(CRM_DATAERR, "%s: %s", path, msg);
	default:
		return crm_error_set(CRM_IOERR, "%s: %s", path, msg);
	}
}

/* Is this a MikoPBX CDR database? *has_did: does cdr_general have did? */
static int check_table(struct crm_cdr_reader *r, const char *path, int *has_did)
{
	sqlite3_stmt *st;
	const char *name;
	int rc, i, ncols = 0;
	unsigned found = 0;

	rc = sqlite3_prepare_v2(r->db, "PRAGMA table_info(cdr_general)", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sql_error(r, path, rc);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ncols++;
		name = (const char *)sqlite3_column_text(st, 1);
		for (i = 0; name && i < NLEG; i++)
			if (strcasecmp(name, leg_cols[i]) == 0)
				found |= 1u << i;
		if (name && strcasecmp(name, "id") == 0)
			found |= 1u << NLEG;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sql_error(r, path, rc);
	if (ncols == 0)
		return crm_error_set(CRM_DATAERR, "%s: no table cdr_general (not a "
				     "MikoPBX CDR database)", path);
	*has_did = (found >> L_DID) & 1;
	found |= 1u << L_DID;
	if (!((found >> NLEG) & 1))
		return crm_error_set(CRM_DATAERR, "%s: cdr_general has no column id", path);
	for (i = 0; i < NLEG; i++)
		if (!((found >> i) & 1))
			return crm_error_set(CRM_DATAERR, "%s: cdr_general has no column %s",
					     path, leg_cols[i]);
	return 0;
}

/* Row st into leg l: the values as text, NULL for NULL or empty. */
static int take_leg(sqlite3_stmt *st, struct leg *l)
{
	const char *s;
	int i;

	memset(l, 0, sizeof *l);
	l->id = sqlite3_column_int64(st, 0);
	for (i = 0; i < NLEG; i++) {
		s = (const char *)sqlite3_column_text(st, i + 1);
		if (s && *s && !(l->v[i] = strdup(s)))
			return no_memory();
	}
	return 0;
}

static int load_legs(struct crm_cdr_reader *r, const char *path, int64_t after_id,
		     int has_did)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	rc = sqlite3_prepare_v2(r->db, has_did ? sql_with_did : sql_without_did, -1,
				&st, NULL);
	if (rc != SQLITE_OK)
		return sql_error(r, path, rc);
	sqlite3_bind_int64(st, 1, after_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (grow(&r->legs, &cap, r->nlegs + 1, sizeof *r->legs)) {
			sqlite3_finalize(st);
			return no_memory();
		}
		/* Counted first, so that close() frees a half-taken leg. */
		if (take_leg(st, &r->legs[r->nlegs++]) != 0) {
			sqlite3_finalize(st);
			return no_memory();
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sql_error(r, path, rc);
}

/* The call a leg belongs to: its linkedid, else its own UNIQUEID. */
static const char *call_of(const struct leg *l)
{
	return l->v[L_LINKEDID] ? l->v[L_LINKEDID] : l->v[L_UNIQUEID];
}

/* For qsort: the library is single-threaded. */
static const struct leg *sort_legs;
static const size_t *sort_order;

static int by_call(const void *a, const void *b)
{
	const struct leg *x = &sort_legs[*(const size_t *)a];
	const struct leg *y = &sort_legs[*(const size_t *)b];
	const char *kx = call_of(x), *ky = call_of(y);
	int c = 0;

	if (kx && ky)
		c = strcmp(kx, ky);
	else if (kx || ky)
		c = kx ? 1 : -1;
	if (c)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int by_first_id(const void *a, const void *b)
{
	int64_t x = sort_legs[sort_order[((const struct group *)a)->first]].id;
	int64_t y = sort_legs[sort_order[((const struct group *)b)->first]].id;

	return x < y ? -1 : x > y;
}

static int same_call(const struct leg *a, const struct leg *b)
{
	const char *ka = call_of(a), *kb = call_of(b);

	return ka && kb && strcmp(ka, kb) == 0;
}

/*
 * Group the legs by call. Legs of one call are not adjacent by id (other
 * calls end in between), so sort by (call, id), cut the runs, and put the
 * runs in the order of their first id.
 */
static int group_legs(struct crm_cdr_reader *r)
{
	size_t i, n = r->nlegs;
	struct group *g = NULL;

	if (n == 0)
		return 0;
	r->order = malloc(n * sizeof *r->order);
	r->groups = malloc(n * sizeof *r->groups);
	if (!r->order || !r->groups)
		return no_memory();
	for (i = 0; i < n; i++)
		r->order[i] = i;
	sort_legs = r->legs;
	sort_order = r->order;
	qsort(r->order, n, sizeof *r->order, by_call);
	for (i = 0; i < n; i++) {
		if (!g || !same_call(&r->legs[r->order[i - 1]], &r->legs[r->order[i]])) {
			g = &r->groups[r->ngroups++];
			g->first = i;
			g->n = 0;
		}
		g->n++;
	}
	qsort(r->groups, r->ngroups, sizeof *r->groups, by_first_id);
	return 0;
}

static const struct leg *leg_of(const struct crm_cdr_reader *r, const struct group *g,
				size_t k)
{
	return &r->legs[r->order[g->first + k]];
}

/* The legs of g as raw text: one line of tab-separated values a leg. */
static int group_raw(struct crm_cdr_reader *r, const struct group *g)
{
	const struct leg *l;
	size_t k, n = 0;
	char *p;
	int i;

	for (k = 0; k < g->n; k++) {
		l = leg_of(r, g, k);
		n += 21 + NLEG + 1;
		for (i = 0; i < NLEG; i++)
			n += l->v[i] ? strlen(l->v[i]) : 0;
	}
	if (grow(&r->raw, &r->rawcap, n + 1, 1))
		return no_memory();
	p = r->raw;
	for (k = 0; k < g->n; k++) {
		l = leg_of(r, g, k);
		p += sprintf(p, "%s%lld", k ? "\n" : "", (long long)l->id);
		for (i = 0; i < NLEG; i++)
			p += sprintf(p, "\t%s", l->v[i] ? l->v[i] : "");
	}
	r->rawlen = p - r->raw;
	return 0;
}

static int leg_time(struct crm_cdr_reader *r, const struct leg *l, int i, time_t *out)
{
	const char *s = l->v[i];
	size_t len = s ? strlen(s) : 0;

	if (parse_time(r, s, len, 1, out))
		return bad_value("cdr_general id", (long long)l->id, leg_cols[i], s, len,
				 "not a time YYYY-MM-DD HH:MM:SS[.mmm]");
	return 0;
}

/* billsec or duration; NULL (a call not finished) counts as 0. */
static int leg_seconds(const struct leg *l, int i, long *out)
{
	const char *s = l->v[i];
	size_t len = s ? strlen(s) : 0;

	*out = 0;
	if (s && parse_seconds(s, len, out))
		return bad_value("cdr_general id", (long long)l->id, leg_cols[i], s, len,
				 "not a whole number of seconds");
	return 0;
}

/* Fold one leg into rec; *ans is the answering leg once there is one. */
static int merge_leg(struct crm_cdr_reader *r, const struct leg *l, struct crm_cdr *rec,
		     const struct leg **ans)
{
	time_t start, answer, end;
	long billsec, duration;
	const char *disp;
	int rc, i;

	for (i = 0; i < NLEG; i++)
		if (l->v[i] && !crm_utf8_valid(l->v[i], strlen(l->v[i])))
			return crm_error_set(CRM_DATAERR, "cdr_general id %lld: %s: not "
					     "valid UTF-8", (long long)l->id, leg_cols[i]);
	if ((rc = leg_time(r, l, L_START, &start)) != 0 ||
	    (rc = leg_time(r, l, L_ANSWER, &answer)) != 0 ||
	    (rc = leg_time(r, l, L_END, &end)) != 0 ||
	    (rc = leg_seconds(l, L_BILLSEC, &billsec)) != 0 ||
	    (rc = leg_seconds(l, L_DURATION, &duration)) != 0)
		return rc;
	if (start && (!rec->start || start < rec->start))
		rec->start = start;
	if (answer && (!rec->answer || answer < rec->answer))
		rec->answer = answer;
	if (end > rec->end)
		rec->end = end;
	if (duration > rec->duration)
		rec->duration = duration;
	if (!rec->did)
		rec->did = l->v[L_DID];
	/* The answering leg is the first that talked (ANSWERED, billsec > 0),
	 * else the first ANSWERED one. */
	disp = disposition(l->v[L_DISPOSITION]);
	if (disp && strcmp(disp, "ANSWERED") == 0 &&
	    (!*ans || (rec->billsec == 0 && billsec > 0))) {
		*ans = l;
		rec->billsec = billsec;
	}
	return 0;
}

/* The legs of g as one call. */
static int merge_group(struct crm_cdr_reader *r, const struct group *g,
		       struct crm_cdr *rec)
{
	const struct leg *first = leg_of(r, g, 0), *ans = NULL;
	size_t k;
	int rc;

	memset(rec, 0, sizeof *rec);
	for (k = 0; k < g->n; k++)
		if ((rc = merge_leg(r, leg_of(r, g, k), rec, &ans)) != 0)
			return rc;
	rec->uniqueid = call_of(first);
	rec->linkedid = first->v[L_LINKEDID];
	rec->src = first->v[L_SRC];
	rec->dst = ans ? ans->v[L_DST] : first->v[L_DST];
	rec->disposition = ans ? "ANSWERED" : disposition(first->v[L_DISPOSITION]);
	return 0;
}

static int next_mikopbx(struct crm_cdr_reader *r, struct crm_cdr *rec)
{
	const struct group *g;
	size_t k;
	int rc;

	if (r->next_group == r->ngroups)
		return CRM_NOMATCH;
	g = &r->groups[r->next_group++];
	r->line++;
	/*
	 * The position must have every row at or below it returned, so that a
	 * cursor saved now skips nothing: groups come in order of their first
	 * id, so that is the next group's first id less one; after the last
	 * group, the highest id of all (legs read again later are dropped as
	 * duplicates by their linkedid).
	 */
	if (r->next_group < r->ngroups) {
		r->pos = leg_of(r, &r->groups[r->next_group], 0)->id - 1;
	} else {
		size_t i;

		for (i = 0; i < r->ngroups; i++)
			for (k = 0; k < r->groups[i].n; k++)
				if (leg_of(r, &r->groups[i], k)->id > r->pos)
					r->pos = leg_of(r, &r->groups[i], k)->id;
	}
	if ((rc = group_raw(r, g)) != 0)
		return rc;
	return merge_group(r, g, rec);
}

int crm_cdr_open_mikopbx(const char *path, int64_t after_id, int utc,
			 struct crm_cdr_reader **out)
{
	struct crm_cdr_reader *r = calloc(1, sizeof *r);
	struct stat sb;
	int rc, has_did = 0;

	*out = NULL;
	if (!r)
		return no_memory();
	r->mikopbx = 1;
	r->utc = utc;
	r->pos = after_id;
	/* SQLite would say only "unable to open database file". */
	if (stat(path, &sb) != 0) {
		rc = crm_error_set(CRM_NOINPUT, "%s: %s", path, strerror(errno));
		goto fail;
	}
	rc = sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		rc = sql_error(r, path, rc);
		goto fail;
	}
	/* MikoPBX writes while we read: wait for its lock a little. */
	sqlite3_busy_timeout(r->db, 5000);
	if ((rc = check_table(r, path, &has_did)) != 0 ||
	    (rc = load_legs(r, path, after_id, has_did)) != 0 ||
	    (rc = group_legs(r)) != 0)
		goto fail;
	*out = r;
	return 0;
fail:
	crm_cdr_close(r);
	return rc;
}

/* ---- both */

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
		return no_memory();
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

	if (r->mikopbx || (r->len && memchr(r->buf, '\n', r->len)) || stdio_ahead(r->in) ||
	    (pfd.fd = fileno(r->in)) < 0)
		return 1;
	do
		n = poll(&pfd, 1, wait ? -1 : 0);
	while (n < 0 && errno == EINTR);
	return n != 0; /* readable, at its end, or failed: the read will say */
}

int crm_cdr_next(struct crm_cdr_reader *r, struct crm_cdr *rec)
{
	return r->mikopbx ? next_mikopbx(r, rec) : next_csv(r, rec);
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
 * legs, one a line: id, then the cdr_general values in leg_cols order. */
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
	size_t i;
	int k;

	if (!r)
		return;
	if (!r->mikopbx) {
		csv_free(&r->p);
		csv_free(&r->q);
	}
	if (r->cd_open > 0)
		iconv_close(r->cd);
	free(r->charset);
	free(r->lab);
	for (i = 0; i < r->nlegs; i++)
		for (k = 0; k < NLEG; k++)
			free(r->legs[i].v[k]);
	if (r->db)
		sqlite3_close(r->db);
	free(r->legs);
	free(r->order);
	free(r->groups);
	free(r->buf);
	free(r->gl);
	free(r->text);
	free(r->f);
	free(r->raw);
	free(r);
}
