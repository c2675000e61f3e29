/*
 * gs1.c: barcodes as a warehouse scanner sends them. It checks the GS1
 * mod-10 check digit of EAN-8, UPC-A, EAN-13 and GTIN-14 codes, and reads
 * GS1 element strings (GS1-128, DataBar, DataMatrix, QR: raw with GS
 * separators, or in the human-readable "(01)...(10)..." form) into what
 * stock keeping needs: GTIN, lot, serial, expiry, production date and
 * count. Every other AI is checked against the GS1 table of lengths and
 * skipped; an AI the table lacks is refused, because without its length
 * nothing after it can be read.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crm.h"

#define GS '\x1d'
#define SHOW_MAX 40                /* input bytes quoted in a message */
#define SHOW_LEN (SHOW_MAX * 4 + 4) /* each may become \xHH; then "..." */

/* ---- quoting input in messages */

/* s[0..n) for a message: GS as <GS>, other bytes outside printable ASCII
 * as \xHH (the message goes to a terminal), cut with "..." when long. */
static const char *show(char buf[SHOW_LEN], const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < n && i < SHOW_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == (unsigned char)GS) {
			memcpy(buf + o, "<GS>", 4);
			o += 4;
		} else if (c < 0x20 || c > 0x7e) {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		} else {
			buf[o++] = (char)c;
		}
	}
	if (i < n) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

/* ---- check digits */

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* The GS1 check digit for the n digits before it: weights 3,1,3,...
 * counted from the right, so every length shares one rule. */
static int check_digit(const char *s, size_t n)
{
	int sum = 0, w = 3;

	while (n-- > 0) {
		sum += (s[n] - '0') * w;
		w = 4 - w;
	}
	return (10 - sum % 10) % 10;
}

/* The last of the n digits of s against the check digit of the others. */
static int check_last(const char *s, size_t n)
{
	char a[SHOW_LEN];
	int want = check_digit(s, n - 1);

	if (s[n - 1] - '0' == want)
		return 0;
	return crm_error_set(CRM_DATAERR, "bad check digit %c in \"%s\": expected %d",
			     s[n - 1], show(a, s, n), want);
}

static const char *kind_by_length(size_t n)
{
	switch (n) {
	case 8:
		return "EAN-8";
	case 12:
		return "UPC-A";
	case 13:
		return "EAN-13";
	case 14:
		return "GTIN-14";
	}
	return NULL;
}

/* crm_barcode_check() on the n bytes of code (a scan is not NUL-ended
 * where the code ends). */
static int code_check(const char *code, size_t n, const char **kind)
{
	char a[SHOW_LEN];
	const char *k;

	if (!all_digits(code, n))
		return crm_error_set(CRM_DATAERR, "\"%s\": only digits",
				     show(a, code, n));
	k = kind_by_length(n);
	if (!k)
		return crm_error_set(CRM_DATAERR,
				     "\"%s\": %zu digits, a barcode has 8, 12, 13 or 14",
				     show(a, code, n), n);
	if (check_last(code, n))
		return CRM_DATAERR;
	if (kind)
		*kind = k;
	return 0;
}

int crm_barcode_check(const char *code, const char **kind)
{
	return code_check(code, strlen(code), kind);
}

static int code_gtin14(const char *code, size_t n, char out[15])
{
	int rc = code_check(code, n, NULL);

	if (rc)
		return rc;
	memset(out, '0', 14 - n);
	memcpy(out + 14 - n, code, n);
	out[14] = '\0';
	return 0;
}

int crm_gtin14(const char *code, char out[15])
{
	return code_gtin14(code, strlen(code), out);
}

/* ---- the table of AIs */

/* What an AI's value fills in struct crm_scan. */
enum fill {
	F_SKIP,     /* checked, then skipped */
	F_GTIN,     /* (01) */
	F_CONTENT,  /* (02): the GTIN of what a logistic unit holds */
	F_LOT,      /* (10) */
	F_SERIAL,   /* (21) */
	F_EXPIRY,   /* (17) */
	F_PRODUCED, /* (11) */
	F_DATE,     /* (12) (13) (15) (16): a YYMMDD date, checked only */
	F_COUNT,    /* (37) */
	F_VCOUNT,   /* (30): the count when there is no (37) */
	F_MEASURE   /* 31nn-36nn: only some nn exist */
};

/*
 * An AI or a run of AIs of one width ("3900".."3909"), with the length of
 * its value; the first `digits` characters are digits, the rest GS1's
 * character set 82; when csum is set, digit number csum is a check digit.
 * From the GS1 General Specifications (and GS1's syntax dictionary).
 */
struct ai {
	const char *lo, *hi;
	unsigned char min, max, digits, csum;
	enum fill fill;
};

static const struct ai ais[] = {
	{ "00", "00", 18, 18, 18, 18, F_SKIP },
	{ "01", "01", 14, 14, 14, 14, F_GTIN },
	{ "02", "02", 14, 14, 14, 14, F_CONTENT },
	{ "10", "10", 1, 20, 0, 0, F_LOT },
	{ "11", "11", 6, 6, 6, 0, F_PRODUCED },
	{ "12", "13", 6, 6, 6, 0, F_DATE },
	{ "15", "16", 6, 6, 6, 0, F_DATE },
	{ "17", "17", 6, 6, 6, 0, F_EXPIRY },
	{ "20", "20", 2, 2, 2, 0, F_SKIP },
	{ "21", "21", 1, 20, 0, 0, F_SERIAL },
	{ "22", "22", 1, 20, 0, 0, F_SKIP },
	{ "235", "235", 1, 28, 0, 0, F_SKIP },
	{ "240", "241", 1, 30, 0, 0, F_SKIP },
	{ "242", "242", 1, 6, 6, 0, F_SKIP },
	{ "243", "243", 1, 20, 0, 0, F_SKIP },
	{ "250", "251", 1, 30, 0, 0, F_SKIP },
	{ "253", "253", 13, 30, 13, 13, F_SKIP },
	{ "254", "254", 1, 20, 0, 0, F_SKIP },
	{ "255", "255", 13, 25, 25, 13, F_SKIP },
	{ "30", "30", 1, 8, 8, 0, F_VCOUNT },
	{ "3100", "3695", 6, 6, 6, 0, F_MEASURE },
	{ "37", "37", 1, 8, 8, 0, F_COUNT },
	{ "3900", "3909", 1, 15, 15, 0, F_SKIP },
	{ "3910", "3919", 4, 18, 18, 0, F_SKIP },
	{ "3920", "3929", 1, 15, 15, 0, F_SKIP },
	{ "3930", "3939", 4, 18, 18, 0, F_SKIP },
	{ "3940", "3943", 4, 4, 4, 0, F_SKIP },
	{ "3950", "3955", 6, 6, 6, 0, F_SKIP },
	{ "400", "401", 1, 30, 0, 0, F_SKIP },
	{ "402", "402", 17, 17, 17, 17, F_SKIP },
	{ "403", "403", 1, 30, 0, 0, F_SKIP },
	{ "410", "417", 13, 13, 13, 13, F_SKIP },
	{ "420", "420", 1, 20, 0, 0, F_SKIP },
	{ "421", "421", 4, 12, 3, 0, F_SKIP },
	{ "422", "422", 3, 3, 3, 0, F_SKIP },
	{ "423", "423", 3, 15, 15, 0, F_SKIP },
	{ "424", "424", 3, 3, 3, 0, F_SKIP },
	{ "425", "425", 3, 15, 15, 0, F_SKIP },
	{ "426", "426", 3, 3, 3, 0, F_SKIP },
	{ "427", "427", 1, 3, 0, 0, F_SKIP },
	{ "4300", "4301", 1, 35, 0, 0, F_SKIP },
	{ "4302", "4306", 1, 70, 0, 0, F_SKIP },
	{ "4307", "4307", 2, 2, 0, 0, F_SKIP },
	{ "4308", "4308", 1, 30, 0, 0, F_SKIP },
	{ "4309", "4309", 20, 20, 20, 0, F_SKIP },
	{ "4310", "4311", 1, 35, 0, 0, F_SKIP },
	{ "4312", "4316", 1, 70, 0, 0, F_SKIP },
	{ "4317", "4317", 2, 2, 0, 0, F_SKIP },
	{ "4318", "4318", 1, 20, 0, 0, F_SKIP },
	{ "4319", "4319", 1, 30, 0, 0, F_SKIP },
	{ "4320", "4320", 1, 35, 0, 0, F_SKIP },
	{ "4321", "4323", 1, 1, 1, 0, F_SKIP },
	{ "4324", "4325", 10, 10, 10, 0, F_SKIP },
	{ "4326", "4326", 6, 6, 6, 0, F_SKIP },
	{ "4330", "4333", 6, 7, 6, 0, F_SKIP },
	{ "7001", "7001", 13, 13, 13, 0, F_SKIP },
	{ "7002", "7002", 1, 30, 0, 0, F_SKIP },
	{ "7003", "7003", 10, 10, 10, 0, F_SKIP },
	{ "7004", "7004", 1, 4, 4, 0, F_SKIP },
	{ "7005", "7005", 1, 12, 0, 0, F_SKIP },
	{ "7006", "7006", 6, 6, 6, 0, F_SKIP },
	{ "7007", "7007", 6, 12, 12, 0, F_SKIP },
	{ "7008", "7008", 1, 3, 0, 0, F_SKIP },
	{ "7009", "7009", 1, 10, 0, 0, F_SKIP },
	{ "7010", "7010", 1, 2, 0, 0, F_SKIP },
	{ "7011", "7011", 6, 10, 10, 0, F_SKIP },
	{ "7020", "7022", 1, 20, 0, 0, F_SKIP },
	{ "7023", "7023", 1, 30, 0, 0, F_SKIP },
	{ "7030", "7039", 4, 30, 3, 0, F_SKIP },
	{ "7040", "7040", 4, 4, 1, 0, F_SKIP },
	{ "710", "715", 1, 20, 0, 0, F_SKIP },
	{ "7230", "7239", 3, 30, 0, 0, F_SKIP },
	{ "7240", "7240", 1, 20, 0, 0, F_SKIP },
	{ "7241", "7241", 2, 2, 2, 0, F_SKIP },
	{ "7242", "7242", 1, 25, 0, 0, F_SKIP },
	{ "8001", "8001", 14, 14, 14, 0, F_SKIP },
	{ "8002", "8002", 1, 20, 0, 0, F_SKIP },
	{ "8003", "8003", 14, 30, 14, 0, F_SKIP },
	{ "8004", "8004", 1, 30, 0, 0, F_SKIP },
	{ "8005", "8005", 6, 6, 6, 0, F_SKIP },
	{ "8006", "8006", 18, 18, 18, 14, F_SKIP },
	{ "8007", "8007", 1, 34, 0, 0, F_SKIP },
	{ "8008", "8008", 8, 12, 12, 0, F_SKIP },
	{ "8009", "8009", 1, 50, 0, 0, F_SKIP },
	{ "8012", "8012", 1, 20, 0, 0, F_SKIP },
	{ "8013", "8013", 1, 25, 0, 0, F_SKIP },
	{ "8017", "8018", 18, 18, 18, 18, F_SKIP },
	{ "8019", "8019", 1, 10, 10, 0, F_SKIP },
	{ "8020", "8020", 1, 25, 0, 0, F_SKIP },
	{ "8026", "8026", 18, 18, 18, 14, F_SKIP },
	{ "8110", "8110", 1, 70, 0, 0, F_SKIP },
	{ "8111", "8111", 4, 4, 4, 0, F_SKIP },
	{ "8112", "8112", 1, 70, 0, 0, F_SKIP },
	{ "8200", "8200", 1, 70, 0, 0, F_SKIP },
	{ "90", "90", 1, 30, 0, 0, F_SKIP },
	{ "91", "99", 1, 90, 0, 0, F_SKIP },
};

/* The width of the AIs that begin with the two digits at s: GS1 fixes
 * it per pair, so a reader knows where an AI ends and its value starts.
 * 0 for a pair no AI begins with. */
static int ai_width(const char *s)
{
	int p = (s[0] - '0') * 10 + (s[1] - '0');

	if (p <= 2 || (p >= 10 && p <= 17) || (p >= 20 && p <= 22) ||
	    p == 30 || p == 37 || p >= 90)
		return 2;
	if ((p >= 23 && p <= 25) || (p >= 40 && p <= 42) || p == 71)
		return 3;
	if ((p >= 31 && p <= 36) || p == 39 || p == 43 || p == 70 || p == 72 ||
	    (p >= 80 && p <= 82))
		return 4;
	return 0;
}

/* 31nn-36nn: the third digit names a measure (31: 0-6, 32: 0-9, 33:
 * 0-7, ...) and the fourth the decimals, 0-5. */
static int measure_exists(const char *ai)
{
	static const char last_measure[] = "6979" "79";

	return ai[2] <= last_measure[ai[1] - '1'] && ai[3] <= '5';
}

static const struct ai *ai_find(const char *ai, size_t width)
{
	size_t i;

	for (i = 0; i < sizeof ais / sizeof ais[0]; i++) {
		const struct ai *e = &ais[i];

		if (strlen(e->lo) == width && strncmp(ai, e->lo, width) >= 0 &&
		    strncmp(ai, e->hi, width) <= 0) {
			if (e->fill == F_MEASURE && !measure_exists(ai))
				return NULL;
			return e;
		}
	}
	return NULL;
}

/* ---- dates */

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* The year of YY by GS1's sliding window (General Specifications 7.12):
 * up to 49 years ahead of this year, or else up to 50 years back. */
static int full_year(int yy)
{
	time_t now = time(NULL);
	struct tm tm;
	int year, century, diff;

	if (now == (time_t)-1 || !gmtime_r(&now, &tm))
		return 2000 + yy;
	year = tm.tm_year + 1900;
	century = year - year % 100;
	diff = yy - year % 100;
	if (diff >= 51)
		return century - 100 + yy;
	if (diff <= -50)
		return century + 100 + yy;
	return century + yy;
}

static char *put_digits(char *p, int v, int width)
{
	int i;

	for (i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

static int two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* The six digits YYMMDD as YYYY-MM-DD; day 00 is the month's last day. */
static int date_read(const char *ai, const char *v, char out[11])
{
	char a[SHOW_LEN];
	int y = full_year(two(v)), m = two(v + 2), d = two(v + 4);
	char *p = out;

	if (m < 1 || m > 12)
		return crm_error_set(CRM_DATAERR, "(%s) \"%s\": not a date: no month %02d",
				     ai, show(a, v, 6), m);
	if (d > month_days(y, m))
		return crm_error_set(CRM_DATAERR,
				     "(%s) \"%s\": not a date: %04d-%02d has %d days",
				     ai, show(a, v, 6), y, m, month_days(y, m));
	if (d == 0)
		d = month_days(y, m);
	p = put_digits(p, y, 4);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	p = put_digits(p, d, 2);
	*p = '\0';
	return 0;
}

/* ---- element strings */

/* Where reading is: the whole scan (for positions in messages) and the
 * rest of it. In the human-readable form values end at "(", not GS. */
struct cursor {
	const char *text, *p, *end;
	int bracketed;
};

static size_t pos(const struct cursor *c, const char *at)
{
	return (size_t)(at - c->text) + 1;
}

/* GS1 AI encodable character set 82: printable ASCII but for space
 * # $ @ [ \ ] ^ ` { | } ~. */
static int cset82(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !strchr("#$@[\\]^`{|}~", c);
}

/* The AI at c->p: raw digits, or "(" digits ")" in the human-readable
 * form; ai gets its digits and *e its table entry. */
static int ai_read(struct cursor *c, char ai[5], const struct ai **e)
{
	char a[SHOW_LEN];
	const char *at = c->p + c->bracketed, *q = at;
	int width, got;

	if (c->bracketed && *c->p != '(')
		return crm_error_set(CRM_DATAERR, "expected \"(\" at character %zu, found \"%s\"",
				     pos(c, c->p), show(a, c->p, (size_t)(c->end - c->p)));
	while (q < c->end && q - at < 4 && *q >= '0' && *q <= '9')
		q++;
	got = (int)(q - at);
	if (got < 2)
		return crm_error_set(CRM_DATAERR, "expected an AI at character %zu, found \"%s\"",
				     pos(c, at), show(a, at, (size_t)(c->end - at)));
	width = ai_width(at);
	if (width > got)
		return crm_error_set(CRM_DATAERR, "incomplete AI (%.*s) at character %zu", got,
				     at, pos(c, at));
	if (width == 0 || (c->bracketed && got != width))
		return crm_error_set(CRM_DATAERR, "unknown AI (%.*s) at character %zu",
				     c->bracketed ? got : 2, at, pos(c, at));
	memcpy(ai, at, (size_t)width);
	ai[width] = '\0';
	*e = ai_find(ai, (size_t)width);
	if (!*e)
		return crm_error_set(CRM_DATAERR, "unknown AI (%s) at character %zu", ai,
				     pos(c, at));
	c->p = at + width;
	if (c->bracketed && (c->p >= c->end || *c->p++ != ')'))
		return crm_error_set(CRM_DATAERR, "no \")\" after \"(%s\" at character %zu", ai,
				     pos(c, at));
	return 0;
}

/* The value of AI e at c->p: a fixed length in raw data, else up to GS
 * (or "(" in the human-readable form) or the end. */
static int value_read(struct cursor *c, const char *ai, const struct ai *e, const char **v,
		      size_t *n)
{
	char a[SHOW_LEN];
	char stop = c->bracketed ? '(' : GS;
	size_t fixed = e->min == e->max && !c->bracketed ? e->max : SIZE_MAX;
	const char *q = c->p;

	while (q < c->end && *q != stop && (size_t)(q - c->p) < fixed)
		q++;
	*v = c->p;
	*n = (size_t)(q - c->p);
	c->p = q;
	if (e->min == e->max && *n != e->min)
		return crm_error_set(CRM_DATAERR, "(%s) \"%s\": %zu characters, needs %d", ai,
				     show(a, *v, *n), *n, e->min);
	if (*n > e->max)
		return crm_error_set(CRM_DATAERR, "(%s) \"%s\": %zu characters, at most %d", ai,
				     show(a, *v, *n), *n, e->max);
	if (*n < e->min)
		return crm_error_set(CRM_DATAERR, "(%s) \"%s\": %zu characters, needs at least %d",
				     ai, show(a, *v, *n), *n, e->min);
	return 0;
}

/* Digits where the AI wants digits, set 82 elsewhere, the check digit. */
static int value_check(const char *ai, const struct ai *e, const char *v, size_t n)
{
	char a[SHOW_LEN], b[SHOW_LEN];
	size_t i, digits = e->digits < n ? e->digits : n;

	if (!all_digits(v, digits)) {
		if (e->digits >= e->max)
			return crm_error_set(CRM_DATAERR, "(%s) \"%s\": only digits", ai,
					     show(a, v, n));
		return crm_error_set(CRM_DATAERR, "(%s) \"%s\": the first %d characters must be digits",
				     ai, show(a, v, n), e->digits);
	}
	for (i = digits; i < n; i++)
		if (!cset82((unsigned char)v[i]))
			return crm_error_set(CRM_DATAERR,
					     "(%s) \"%s\": \"%s\" is not allowed in GS1 data",
					     ai, show(a, v, n), show(b, v + i, 1));
	if (e->csum && check_last(v, e->csum)) {
		crm_error_prefix("(%s)", ai);
		return CRM_DATAERR;
	}
	return 0;
}

/* Put v into a field once; the same AI again must say the same. */
static int field_put(char *field, size_t size, const char *ai, const char *v, size_t n)
{
	if (*field && (strlen(field) != n || memcmp(field, v, n) != 0))
		return crm_error_set(CRM_DATAERR, "(%s) twice, with different values", ai);
	if (n >= size)
		return crm_error_set(CRM_SOFTWARE, "(%s) does not fit", ai);
	memcpy(field, v, n);
	field[n] = '\0';
	return 0;
}

static int date_put(char field[11], const char *ai, const char *v)
{
	char date[11];

	if (date_read(ai, v, date))
		return CRM_DATAERR;
	return field_put(field, 11, ai, date, 10);
}

static long number(const char *v, size_t n)
{
	long x = 0;

	while (n-- > 0)
		x = x * 10 + (*v++ - '0');
	return x;
}

/* A count of 0 would read as "no count" and so as 1: refused instead. */
static int count_put(long *count, const char *ai, const char *v, size_t n)
{
	char a[SHOW_LEN];

	*count = number(v, n);
	if (*count == 0)
		return crm_error_set(CRM_DATAERR, "(%s) \"%s\": a count of zero", ai,
				     show(a, v, n));
	return 0;
}

/* The value's place in the scan; a (30) count yields to a (37) one. */
static int value_fill(struct crm_scan *s, long *vcount, const char *ai, const struct ai *e,
		      const char *v, size_t n)
{
	char date[11];

	switch (e->fill) {
	case F_GTIN:
	case F_CONTENT:
		return field_put(s->gtin, sizeof s->gtin, ai, v, n);
	case F_LOT:
		return field_put(s->lot, sizeof s->lot, ai, v, n);
	case F_SERIAL:
		return field_put(s->serial, sizeof s->serial, ai, v, n);
	case F_EXPIRY:
		return date_put(s->expiry, ai, v);
	case F_PRODUCED:
		return date_put(s->produced, ai, v);
	case F_DATE:
		return date_read(ai, v, date);
	case F_COUNT:
		return count_put(&s->count, ai, v, n);
	case F_VCOUNT:
		return count_put(vcount, ai, v, n);
	default:
		return 0;
	}
}

/* (01) and (02) both name "the" GTIN of a scan; GS1 forbids them together. */
static int gtin_conflict(int *seen, const struct ai *e)
{
	if (e->fill == F_GTIN || e->fill == F_CONTENT)
		*seen |= e->fill == F_GTIN ? 1 : 2;
	if (*seen == 3)
		return crm_error_set(CRM_DATAERR, "(01) and (02) in one scan");
	return 0;
}

/* One element: AI, value, checks, and its place in the scan. */
static int element_read(struct cursor *c, struct crm_scan *s, long *vcount, int *seen)
{
	const struct ai *e = NULL;
	const char *v = NULL;
	char ai[5];
	size_t n;

	if (ai_read(c, ai, &e) || value_read(c, ai, e, &v, &n) ||
	    value_check(ai, e, v, n) || gtin_conflict(seen, e))
		return CRM_DATAERR;
	return value_fill(s, vcount, ai, e, v, n);
}

/* GS1 data from text[0..end): elements one after another, GS bytes
 * between them (and a leading FNC1 or a trailing one) skipped. */
static int elements_read(const char *text, const char *start, const char *end,
			 struct crm_scan *s)
{
	struct cursor c = { text, start, end, 0 };
	long vcount = 0;
	int seen = 0, rc;

	while (c.p < c.end && *c.p == GS)
		c.p++;
	c.bracketed = c.p < c.end && *c.p == '(';
	if (c.p == c.end)
		return crm_error_set(CRM_DATAERR, "no GS1 data after the symbology identifier");
	while (c.p < c.end) {
		if (*c.p == GS && !c.bracketed) {
			c.p++;
			continue;
		}
		rc = element_read(&c, s, &vcount, &seen);
		if (rc)
			return rc;
	}
	if (s->count == 0)
		s->count = vcount;
	return 0;
}

/* ---- scans */

enum scan_kind { K_GS1, K_EAN13, K_EAN8, K_REFUSE };

/* The AIM symbology identifiers a scanner puts in front (ISO/IEC 15424). */
static const struct {
	const char *id, *name;
	enum scan_kind kind;
} aims[] = {
	{ "]C1", "GS1-128", K_GS1 },
	{ "]e0", "GS1 DataBar", K_GS1 },
	{ "]d2", "GS1 DataMatrix", K_GS1 },
	{ "]Q3", "GS1 QR", K_GS1 },
	{ "]E0", "EAN-13", K_EAN13 },
	{ "]E4", "EAN-8", K_EAN8 },
	{ "]C0", "Code 128", K_REFUSE },
	{ "]d1", "Data Matrix", K_REFUSE },
	{ "]Q1", "QR Code", K_REFUSE },
};

/* A plain code after ]E0 or ]E4, which promise its length. An EAN-13
 * that starts with 0 is a UPC-A symbol (the two are one symbology). */
static int ean_read(const char *v, size_t n, enum scan_kind kind, struct crm_scan *s)
{
	char a[SHOW_LEN];
	int want = kind == K_EAN8 ? 8 : 13;

	if (all_digits(v, n) && n != (size_t)want && !(kind == K_EAN13 && n == 12))
		return crm_error_set(CRM_DATAERR, "%s scan \"%s\": %zu digits, expected %d",
				     kind == K_EAN8 ? "EAN-8" : "EAN-13", show(a, v, n), n, want);
	if (code_gtin14(v, n, s->gtin))
		return CRM_DATAERR;
	if (kind == K_EAN13 && (n == 12 || v[0] == '0'))
		s->symbology = "UPC-A";
	return 0;
}

/* Data with an AIM prefix, read the way the prefix says. */
static int aim_read(const char *text, const char *end, struct crm_scan *s)
{
	char a[SHOW_LEN];
	const char *v = text + 3;
	size_t i;

	for (i = 0; i < sizeof aims / sizeof aims[0]; i++) {
		if (end - text < 3 || strncmp(text, aims[i].id, 3) != 0)
			continue;
		s->symbology = aims[i].name;
		if (aims[i].kind == K_GS1)
			return elements_read(text, v, end, s);
		if (aims[i].kind != K_REFUSE)
			return ean_read(v, (size_t)(end - v), aims[i].kind, s);
		return crm_error_set(CRM_DATAERR,
				     "\"%s\": %s without GS1 data, not a product barcode",
				     aims[i].id, aims[i].name);
	}
	return crm_error_set(CRM_DATAERR, "unknown symbology identifier \"%s\"",
			     show(a, text, (size_t)(end - text) < 3 ? (size_t)(end - text) : 3));
}

/* Data without a prefix: a plain code when it is all digits and too
 * short to hold a GTIN as GS1 data, otherwise GS1 data. */
static int bare_read(const char *text, const char *end, struct crm_scan *s)
{
	char a[SHOW_LEN];
	size_t n = (size_t)(end - text);
	const char *p = text;

	if (all_digits(text, n) && n < 16)
		return code_gtin14(text, n, s->gtin);
	while (p < end && *p == GS)
		p++;
	if (p < end && *p != '(' && (*p < '0' || *p > '9'))
		return crm_error_set(CRM_DATAERR,
				     "\"%s\": neither an EAN/UPC code nor GS1 data",
				     show(a, text, n));
	return elements_read(text, text, end, s);
}

int crm_scan_parse(const char *text, struct crm_scan *out)
{
	struct crm_scan s;
	const char *end;
	int rc;

	memset(&s, 0, sizeof s);
	if (!text)
		text = "";
	end = text + strlen(text);
	while (end > text && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if (end == text)
		rc = crm_error_set(CRM_DATAERR, "empty scan");
	else if (*text == ']')
		rc = aim_read(text, end, &s);
	else
		rc = bare_read(text, end, &s);
	if (rc)
		memset(&s, 0, sizeof s);
	*out = s;
	return rc;
}
