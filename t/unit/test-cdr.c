/*
 * test-cdr.c: unit tests of lib/cdr.c and lib/mikopbx.c, the PBX's call
 * records: real Asterisk Master.csv lines field by field, Russian numbers,
 * the 16- to 21-column layouts and --columns, bad lines refused by number
 * while the rest is read, a last line still being written, newlines inside
 * quotes, local time and UTC, and MikoPBX's cdr_general with the legs of
 * one call merged. Fixtures: $CRM_SRCDIR/t/fixtures/cdr.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "crm.h"
#include "tap.h"

static char fixdir[1024], tmp[1024];

/* ---- helpers */

static const char *fixture(const char *name)
{
	static char path[2048];

	snprintf(path, sizeof path, "%s/%s", fixdir, name);
	return path;
}

static const char *tmpfile_named(const char *name)
{
	static char path[2048];

	snprintf(path, sizeof path, "%s/%s", tmp, name);
	return path;
}

static void set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* t as ISO UTC, or NULL for 0 (unset); four calls may share a line. */
static const char *iso(time_t t)
{
	static char buf[4][CRM_TIME_LEN];
	static int i;

	if (t == 0)
		return NULL;
	i = (i + 1) % 4;
	crm_time_format(t, buf[i]);
	return buf[i];
}

static void is_num(long long got, long long want, const char *name)
{
	tap_ok(got == want, name);
	if (got != want)
		printf("# got:  %lld\n# want: %lld\n", got, want);
}

static void write_file(const char *path, const char *mode, const char *s, size_t n)
{
	FILE *f = fopen(path, mode);

	if (!f || fwrite(s, 1, n, f) != n || fclose(f) != 0)
		printf("# cannot write %s: %s\n", path, strerror(errno));
}

/* The lines of a file without their LF, for comparing raw text and offsets. */
struct lines {
	char *l[64];
	size_t len[64]; /* with the LF */
	size_t n;
};

static void read_lines(const char *path, struct lines *ls)
{
	FILE *f = fopen(path, "r");
	size_t cap = 0;
	char *s = NULL;
	ssize_t n;

	ls->n = 0;
	while (f && ls->n < 64 && (n = getline(&s, &cap, f)) > 0) {
		ls->len[ls->n] = n;
		if (s[n - 1] == '\n')
			s[n - 1] = '\0';
		ls->l[ls->n++] = strdup(s);
	}
	free(s);
	if (f)
		fclose(f);
}

static void free_lines(struct lines *ls)
{
	while (ls->n)
		free(ls->l[--ls->n]);
}

/* Bytes of lines a..b-1 (0-based). */
static long long bytes(const struct lines *ls, size_t a, size_t b)
{
	long long n = 0;

	while (a < b)
		n += ls->len[a++];
	return n;
}

struct want {
	const char *uniqueid, *linkedid, *src, *dst, *did;
	const char *clid, *channel, *dstchannel, *dcontext, *lastapp;
	const char *start, *answer, *end; /* ISO UTC, NULL for unset */
	long duration, billsec;
	const char *disposition;
};

/* Every field of c against w. */
static void check(const struct crm_cdr *c, const struct want *w, const char *what)
{
	char n[256];

#define FIELD(x) (snprintf(n, sizeof n, "%s: " #x, what), n)
	tap_is(c->uniqueid, w->uniqueid, FIELD(uniqueid));
	tap_is(c->linkedid, w->linkedid, FIELD(linkedid));
	tap_is(c->src, w->src, FIELD(src));
	tap_is(c->dst, w->dst, FIELD(dst));
	tap_is(c->did, w->did, FIELD(did));
	tap_is(c->clid, w->clid, FIELD(clid));
	tap_is(c->channel, w->channel, FIELD(channel));
	tap_is(c->dstchannel, w->dstchannel, FIELD(dstchannel));
	tap_is(c->dcontext, w->dcontext, FIELD(dcontext));
	tap_is(c->lastapp, w->lastapp, FIELD(lastapp));
	tap_is(iso(c->start), w->start, FIELD(start));
	tap_is(iso(c->answer), w->answer, FIELD(answer));
	tap_is(iso(c->end), w->end, FIELD(end));
	is_num(c->duration, w->duration, FIELD(duration));
	is_num(c->billsec, w->billsec, FIELD(billsec));
	tap_is(c->disposition, w->disposition, FIELD(disposition));
#undef FIELD
}

/* A reader on a fixture or temp file; the FILE goes in *f. */
static struct crm_cdr_reader *open_csv(const char *path, const char *columns, int utc,
				       FILE **f)
{
	struct crm_cdr_reader *r = NULL;

	*f = fopen(path, "r");
	if (!*f) {
		printf("# cannot open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (crm_cdr_open_csv(*f, columns, utc, &r) != 0)
		printf("# %s\n", crm_error_message());
	return r;
}

static void close_csv(struct crm_cdr_reader *r, FILE *f)
{
	crm_cdr_close(r);
	if (f)
		fclose(f);
}

/* Read the next record and say so when it is not what we expect. */
static int next(struct crm_cdr_reader *r, struct crm_cdr *c, int want, const char *what)
{
	int rc = r ? crm_cdr_next(r, c) : -1;
	char n[256];

	snprintf(n, sizeof n, "%s: status %d", what, want);
	is_num(rc, want, n);
	if (rc != want && rc > 1)
		printf("# %s\n", crm_error_message());
	return rc;
}

/* ---- Master.csv */

static const struct want corpus[] = {
	{ "asterisk-1240499812.774", NULL, "3", "11", NULL, "3", "lcr/439",
	  "IAX2/pbx-14597", "attendo", "Read", "2009-04-23T15:16:52Z",
	  "2009-04-23T15:16:52Z", "2009-04-23T15:17:37Z", 45, 45, "ANSWERED" },
	{ "1598518960.99", NULL, "8001", "8002", NULL, "\"8001\" <8001>", "TELCHAN/5/22",
	  "SIP/sip0-00000013", "sip0", "Dial", "2020-08-27T11:02:40Z", NULL,
	  "2020-08-27T11:02:40Z", 0, 0, "BUSY" },
	{ "1598518936.86", NULL, "8001", "8002", NULL, "\"8001\" <8001>", "TELCHAN/5/19",
	  "SIP/sip0-00000011", "sip0", "Dial", "2020-08-27T11:02:16Z",
	  "2020-08-27T11:02:20Z", "2020-08-27T11:02:25Z", 8, 5, "ANSWERED" },
	{ "1598519380.114", NULL, "7001", "8001", NULL, "\"\" <7001>", "SIP/sip0-00000015",
	  "TELCHAN/5/25", "call_line", "Dial", "2020-08-27T11:09:40Z",
	  "2020-08-27T11:09:45Z", "2020-08-27T11:20:40Z", 660, 654, "ANSWERED" },
	{ "1598364701.4", NULL, "8001", "7001", NULL, "\"8001\" <8001>", "TELCHAN/5/1",
	  "SIP/sip0-00000001", "sip0", "Dial", "2020-08-25T16:11:41Z",
	  "2020-08-25T16:11:50Z", "2020-08-25T16:12:02Z", 21, 11, "ANSWERED" },
	{ NULL, NULL, "+380997717356", "+380660640093", NULL, "\"\" <+380997717356>",
	  "Dongle/MTS-SUP-0100000151", "SIP/8006-00000fa5", "from-gsm", "Queue",
	  "2018-06-30T17:59:35Z", "2018-06-30T17:59:35Z", "2018-06-30T17:59:50Z", 15, 15,
	  "NO ANSWER" },
};

/* The six corpus lines, every field, with line numbers, raw text and offsets. */
static void test_corpus(void)
{
	static const long long ends[] = { 220, 415, 635, 870, 1090, 1346 };
	struct crm_cdr_reader *r;
	struct crm_cdr c;
	struct lines ls;
	char what[64];
	size_t i;
	FILE *f;

	set_tz("UTC");
	read_lines(fixture("asterisk-Master.csv"), &ls);
	r = open_csv(fixture("asterisk-Master.csv"), NULL, 0, &f);
	tap_ok(r != NULL, "corpus: the reader opens");
	is_num(r ? crm_cdr_position(r) : -1, 0, "corpus: position 0 before reading");
	for (i = 0; r && i < 6; i++) {
		snprintf(what, sizeof what, "corpus line %zu", i + 1);
		if (next(r, &c, CRM_OK, what) != CRM_OK)
			continue;
		check(&c, &corpus[i], what);
		is_num(crm_cdr_line(r), i + 1, "  its line number");
		tap_is(crm_cdr_raw(r), i < ls.n ? ls.l[i] : "?", "  its raw text, no newline");
		is_num(crm_cdr_position(r), ends[i], "  position after it");
	}
	if (r) {
		next(r, &c, CRM_NOMATCH, "corpus: the end");
		is_num(crm_cdr_position(r), 1346, "corpus: position is the file size");
		next(r, &c, CRM_NOMATCH, "corpus: still the end when asked again");
	}
	close_csv(r, f);
	free_lines(&ls);
}

/* Times are local unless utc; Moscow had DST (+4) in 2009, +3 since 2014. */
static void test_local_time(void)
{
	struct crm_cdr_reader *r;
	struct crm_cdr c;
	FILE *f;
	const char *dst =
		"\"\",\"1\",\"2\",\"c\",\"\",\"ch\",\"\",\"Dial\",\"\",\"2010-03-28 01:59:59\",,"
		"\"2010-03-28 03:00:01\",2,0,\"NO ANSWER\",\"DOCUMENTATION\",\"u1\",\"\"\n"
		"\"\",\"1\",\"2\",\"c\",\"\",\"ch\",\"\",\"Dial\",\"\",\"2010-03-28 03:00:00\",,"
		"\"2010-03-28 03:00:09\",9,0,\"NO ANSWER\",\"DOCUMENTATION\",\"u2\",\"\"\n";

	set_tz("Europe/Moscow");
	r = open_csv(fixture("asterisk-Master.csv"), NULL, 0, &f);
	if (next(r, &c, CRM_OK, "Moscow, 2009") == CRM_OK) {
		tap_is(iso(c.start), "2009-04-23T11:16:52Z", "local time in summer 2009 is UTC+4");
		tap_is(iso(c.end), "2009-04-23T11:17:37Z", "  and so is the end");
	}
	if (next(r, &c, CRM_OK, "Moscow, 2020") == CRM_OK) {
		tap_is(iso(c.start), "2020-08-27T08:02:40Z", "local time in 2020 is UTC+3");
		tap_ok(c.answer == 0, "  an empty answer time stays 0 in local time too");
	}
	close_csv(r, f);

	r = open_csv(fixture("asterisk-Master.csv"), NULL, 1, &f);
	if (next(r, &c, CRM_OK, "Moscow, utc") == CRM_OK)
		tap_is(iso(c.start), "2009-04-23T15:16:52Z", "utc: the same text is taken as UTC");
	close_csv(r, f);

	/* 2010-03-28: 02:00 MSK became 03:00 MSD; an hour-sized cache must not blur it. */
	write_file(tmpfile_named("dst.csv"), "w", dst, strlen(dst));
	r = open_csv(tmpfile_named("dst.csv"), NULL, 0, &f);
	if (next(r, &c, CRM_OK, "DST: before") == CRM_OK) {
		tap_is(iso(c.start), "2010-03-27T22:59:59Z", "the second before the change is +3");
		tap_is(iso(c.end), "2010-03-27T23:00:01Z", "two seconds later it is 03:00:01 +4");
	}
	if (next(r, &c, CRM_OK, "DST: after") == CRM_OK)
		tap_is(iso(c.start), "2010-03-27T23:00:00Z", "03:00:00 on the day is +4");
	close_csv(r, f);
	set_tz("UTC");
}

/* Numbers come back as the PBX wrote them; normalising is phone.c's job. */
static void test_russian_numbers(void)
{
	static const struct {
		const char *src, *dst, *clid, *disposition, *uniqueid;
	} want[] = {
		{ "84951234567", "74957771122", "\"Иванов Иван\" <84951234567>", "ANSWERED",
		  "1762150502.1" },
		{ "+79161234567", "+74957771122", "\"+79161234567\" <+79161234567>",
		  "NO ANSWER", "1762153200.3" },
		{ "79261234567", "4957771122", "\"ООО «Ромашка»\" <79261234567>", "BUSY",
		  "1762158600.5" },
		{ "9031234567", "84957771122", "\"\" <9031234567>", "NO ANSWER",
		  "1762163110.7" },
		{ "8 (495) 123-45-67", "74957771122", "\"Петров\" <8 (495) 123-45-67>",
		  "FAILED", "1762165200.9" },
		{ "101", "89161234567", "\"Менеджер\" <101>", "ANSWERED", "1762171200.10" },
		{ "+7 916 123-45-67", "74957771122", NULL, "WEIRD STATE", "1762174800.12" },
	};
	struct crm_cdr_reader *r;
	struct crm_cdr c;
	char what[64];
	size_t i;
	FILE *f;

	r = open_csv(fixture("russian-numbers.csv"), NULL, 0, &f);
	for (i = 0; r && i < sizeof want / sizeof want[0]; i++) {
		snprintf(what, sizeof what, "russian line %zu", i + 1);
		if (next(r, &c, CRM_OK, what) != CRM_OK)
			continue;
		tap_is(c.src, want[i].src, "  src as written");
		tap_is(c.dst, want[i].dst, "  dst as written");
		tap_is(c.clid, want[i].clid, "  clid, Cyrillic and doubled quotes");
		tap_is(c.disposition, want[i].disposition, "  disposition normalised");
		tap_is(c.uniqueid, want[i].uniqueid, "  uniqueid");
		tap_ok(c.did == NULL, "  Master.csv has no did");
	}
	if (r) {
		tap_ok(c.dstchannel == NULL && c.clid == NULL,
		       "empty quoted strings are NULL");
		next(r, &c, CRM_NOMATCH, "russian: the end");
	}
	close_csv(r, f);
	/* Line 4 has NOANSWER (MikoPBX's spelling) and line 5 "failed". */
}

/* The layout is detected per line: 16, 17, 18 and 21 columns. */
static void test_layouts(void)
{
	struct crm_cdr_reader *r;
	struct crm_cdr c;
	FILE *f;

	r = open_csv(fixture("layouts.csv"), NULL, 0, &f);
	if (next(r, &c, CRM_OK, "16 columns") == CRM_OK) {
		tap_ok(c.uniqueid == NULL && c.linkedid == NULL, "  no uniqueid, no linkedid");
		tap_is(iso(c.end), "2025-11-04T09:01:05Z", "  end");
		is_num(c.billsec, 60, "  billsec");
		tap_is(c.disposition, "ANSWERED", "  disposition");
	}
	if (next(r, &c, CRM_OK, "17 columns") == CRM_OK) {
		tap_is(c.uniqueid, "1762247400.3", "  the 17th is uniqueid");
		tap_ok(c.linkedid == NULL, "  no linkedid");
	}
	if (next(r, &c, CRM_OK, "21 columns") == CRM_OK) {
		tap_is(c.uniqueid, "1762257601.20", "  uniqueid");
		tap_is(c.linkedid, "1762257601.19", "  linkedid (the 20th)");
		tap_is(c.src, "+74951234567", "  src");
		tap_is(c.lastapp, "Dial", "  lastapp");
		is_num(c.duration, 184, "  duration");
		is_num(c.billsec, 180, "  billsec");
		tap_is(iso(c.answer), "2025-11-04T12:00:05Z", "  answer");
	}
	if (next(r, &c, CRM_OK, "21 columns again") == CRM_OK) {
		tap_is(c.linkedid, "1762258200.22", "  linkedid");
		tap_is(c.disposition, "BUSY", "  disposition");
		is_num(crm_cdr_line(r), 4, "  line 4");
	}
	close_csv(r, f);
}

static void test_columns(void)
{
	const char *asterisk18 = "accountcode,src,dst,dcontext,clid,channel,dstchannel,"
				 "lastapp,lastdata,start,answer,end,duration,billsec,"
				 "disposition,amaflags,uniqueid,userfield";
	const char *six = "2025-11-06 08:00:00,+74951234567,74957771122,NOANSWER,0,x1\n"
			  "2025-11-06 08:05:00,84951234567,74957771122,ANSWERED,30,x2\n"
			  "\"2025-11-06 08:09:00\",\"84951234567\",\"\",\"BUSY\",0,\"x3\"\n";
	struct crm_cdr_reader *r;
	struct crm_cdr c;
	FILE *f;
	int rc;

	r = open_csv(fixture("asterisk-Master.csv"), asterisk18, 0, &f);
	if (next(r, &c, CRM_OK, "--columns with the 18 names") == CRM_OK)
		check(&c, &corpus[0], "  corpus line 1 by name");
	close_csv(r, f);

	write_file(tmpfile_named("six.csv"), "w", six, strlen(six));
	r = open_csv(tmpfile_named("six.csv"), " start, SRC ,dst,disposition,billsec,uniqueid",
		     0, &f);
	tap_ok(r != NULL, "--columns: any order, spaces and case of names do not matter");
	if (next(r, &c, CRM_OK, "own layout, line 1") == CRM_OK) {
		tap_is(iso(c.start), "2025-11-06T08:00:00Z", "  start from field 1");
		tap_is(c.src, "+74951234567", "  src from field 2");
		tap_is(c.disposition, "NO ANSWER", "  NOANSWER -> NO ANSWER");
		tap_is(c.uniqueid, "x1", "  uniqueid from field 6");
		tap_ok(c.end == 0 && c.duration == 0 && c.channel == NULL,
		       "  columns not in the layout are unset");
	}
	if (next(r, &c, CRM_OK, "own layout, line 2") == CRM_OK)
		is_num(c.billsec, 30, "  billsec from field 5");
	if (next(r, &c, CRM_OK, "own layout, quoted") == CRM_OK)
		tap_ok(c.dst == NULL, "  an empty quoted dst is NULL");
	close_csv(r, f);

	/* Bare fields do not trip strict quoting: the next line shows the break. */
	write_file(tmpfile_named("six.csv"), "w", "\"", 1);
	write_file(tmpfile_named("six.csv"), "a", six, strchr(strchr(six, '\n') + 1, '\n') -
		   six + 1);
	r = open_csv(tmpfile_named("six.csv"), "start,src,dst,disposition,billsec,uniqueid",
		     0, &f);
	next(r, &c, CRM_DATAERR, "own layout: an opening quote never closed");
	tap_is(crm_error_message(), "line 1: unterminated quote", "  the reason");
	if (next(r, &c, CRM_OK, "  the next line is read by itself") == CRM_OK)
		tap_is(c.uniqueid, "x2", "  it is line 2's record");
	close_csv(r, f);

	r = open_csv(fixture("asterisk-Master.csv"), "start,src,dst,disposition,billsec,uniqueid",
		     0, &f);
	next(r, &c, CRM_DATAERR, "a line that does not fit --columns");
	tap_is(crm_error_message(), "line 1: 18 fields; expected 6 as --columns says",
	       "  the message says so");
	close_csv(r, f);

	f = fopen(fixture("asterisk-Master.csv"), "r");
	r = (struct crm_cdr_reader *)&r;
	rc = crm_cdr_open_csv(f, "src,dst,caller", 0, &r);
	is_num(rc, CRM_USAGE, "--columns: an unknown name is a usage error");
	tap_ok(r == NULL, "  and no reader");
	tap_ok(strstr(crm_error_message(), "unknown column \"caller\"") != NULL,
	       "  the message names it");
	rc = crm_cdr_open_csv(f, "src,dst,src", 0, &r);
	is_num(rc, CRM_USAGE, "--columns: a name twice is a usage error");
	tap_is(crm_error_message(), "--columns: \"src\" given twice", "  the message");
	rc = crm_cdr_open_csv(f, "src,,dst", 0, &r);
	is_num(rc, CRM_USAGE, "--columns: an empty name is a usage error");
	fclose(f);
}

/* Each bad line is refused with its number, text and reason; reading goes on. */
static void test_malformed(void)
{
	static const struct {
		int rc;
		const char *msg; /* or the uniqueid of a good line */
	} want[] = {
		{ CRM_OK, "1598518936.86" },
		{ CRM_DATAERR, "line 2: 12 fields; expected 16, 17, 18 or 21 (or give --columns)" },
		{ CRM_DATAERR, "line 3: a stray quote (quotes inside a field must be doubled)" },
		{ CRM_DATAERR, "line 4: unterminated quote" },
		{ CRM_DATAERR, "line 5: start \"2020-13-45 11:02:40\": not a time "
			       "YYYY-MM-DD HH:MM:SS" },
		{ CRM_DATAERR, "line 6: answer \"yesterday\": not a time YYYY-MM-DD HH:MM:SS" },
		{ CRM_DATAERR, "line 7: billsec \"-5\": not a whole number of seconds" },
		{ CRM_DATAERR, "line 9: duration \"1O\": not a whole number of seconds" },
		{ CRM_OK, "1598518960.104" }, /* a caller-ID name in CP1251: only a label */
		{ CRM_OK, "1598519380.114" },
		{ CRM_DATAERR, "line 12: src: not valid UTF-8" }, /* a number is not */
	};
	static const size_t line_of[] = { 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12 };
	struct crm_cdr_reader *r;
	struct crm_cdr c;
	struct lines ls;
	char what[64];
	size_t i, k;
	FILE *f;

	read_lines(fixture("malformed.csv"), &ls);
	r = open_csv(fixture("malformed.csv"), NULL, 0, &f);
	for (i = 0; r && i < sizeof want / sizeof want[0]; i++) {
		k = line_of[i];
		snprintf(what, sizeof what, "malformed line %zu", k);
		if (next(r, &c, want[i].rc, what) == CRM_OK) {
			tap_is(c.uniqueid, want[i].msg, "  the good line is read whole");
			if (k == 10)
				tap_is(c.clid, "\"Иванов\" <84951234567>",
				       "  its caller-ID name made UTF-8 from CP1251");
		} else {
			tap_is(crm_error_message(), want[i].msg, "  the reason");
		}
		is_num(crm_cdr_line(r), k, "  its line number");
		tap_is(crm_cdr_raw(r), k <= ls.n ? ls.l[k - 1] : "?", "  its raw text");
		is_num(crm_cdr_position(r), bytes(&ls, 0, k), "  position after it");
	}
	if (r)
		next(r, &c, CRM_NOMATCH, "malformed: the end");
	close_csv(r, f);
	free_lines(&ls);
}

/* Caller-ID names are labels: read in the PBX's charset, else U+FFFD. */
static void test_label_charset(void)
{
	static const struct {
		const char *charset, *clid, *want;
	} t[] = {
		{ NULL, "\"\xcf\xe5\xf2\xf0\xee\xe2\"", "\"Петров\"" },
		{ "koi8-r", "\"\xf0\xc5\xd4\xd2\xcf\xd7\"", "\"Петров\"" },
		{ NULL, "\"\xa5\xa5\"", "\"ҐҐ\"" },   /* CP1251 reads every byte but 0x98 */
		{ NULL, "\x98ok", "\xef\xbf\xbdok" },
		{ "UTF-8", "\"\xa5\xa5\" <1>", "\"\xef\xbf\xbd\xef\xbf\xbd\" <1>" },
		{ "UTF-8", "\"Петров\xd0\"", "\"Петров\xef\xbf\xbd\"" },
		{ "no-such-charset", "a\xa5", "a\xef\xbf\xbd" },
		{ NULL, "\"Петров\"", "\"Петров\"" }, /* UTF-8 stays as it is */
	};
	const char *path = tmpfile_named("labels.csv");
	struct crm_cdr_reader *r;
	struct crm_cdr c;
	char line[512], what[96], clid[64];
	size_t i, k, n;
	FILE *f;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		for (k = n = 0; t[i].clid[k]; k++) { /* quoted as Master.csv quotes */
			if (t[i].clid[k] == '"')
				clid[n++] = '"';
			clid[n++] = t[i].clid[k];
		}
		clid[n] = '\0';
		n = snprintf(line, sizeof line, "\"\",\"84951112233\",\"74951000000\",\"from-trunk\","
			     "\"%s\",\"SIP/t-1\",\"SIP/101-2\",\"Dial\",\"\",\"2026-11-26 13:00:00\","
			     ",\"2026-11-26 13:00:09\",9,0,\"NO ANSWER\",\"DOCUMENTATION\",\"lab-%zu\","
			     "\"\"\n", clid, i);
		write_file(path, "w", line, n);
		r = open_csv(path, NULL, 0, &f);
		if (r && crm_cdr_charset(r, t[i].charset) != CRM_OK)
			printf("# %s\n", crm_error_message());
		snprintf(what, sizeof what, "label %zu (%s)", i, t[i].charset ? t[i].charset : "default");
		if (next(r, &c, CRM_OK, what) == CRM_OK) {
			tap_is(c.clid, t[i].want, "  the caller-ID name in UTF-8");
			tap_is(c.src, "84951112233", "  the number as it is");
		}
		close_csv(r, f);
	}
}

static void test_multiline(void)
{
	struct crm_cdr_reader *r;
	struct crm_cdr c;
	struct lines ls;
	char raw[1024];
	FILE *f;

	read_lines(fixture("multiline.csv"), &ls);
	r = open_csv(fixture("multiline.csv"), NULL, 0, &f);
	if (next(r, &c, CRM_OK, "a userfield over three lines") == CRM_OK) {
		tap_is(c.uniqueid, "1762336800.1", "  the record is whole");
		is_num(crm_cdr_line(r), 1, "  its line number is its first line's");
		snprintf(raw, sizeof raw, "%s\n%s\n%s", ls.l[0], ls.l[1], ls.l[2]);
		tap_is(crm_cdr_raw(r), raw, "  raw text has the inner newlines");
		is_num(crm_cdr_position(r), bytes(&ls, 0, 3), "  position after all three");
	}
	if (next(r, &c, CRM_OK, "a clid with a newline") == CRM_OK) {
		tap_is(c.clid, "\"Петров\nПётр\" <+74951234568>", "  clid keeps the newline");
		tap_is(c.disposition, "NO ANSWER", "  the fields after it are in place");
		is_num(c.duration, 9, "  duration");
		is_num(crm_cdr_line(r), 4, "  line 4");
	}
	if (next(r, &c, CRM_OK, "a plain line after them") == CRM_OK) {
		tap_is(c.uniqueid, "1762337400.5", "  uniqueid");
		is_num(crm_cdr_line(r), 6, "  line 6");
		is_num(crm_cdr_position(r), bytes(&ls, 0, 6), "  position: the file size");
	}
	close_csv(r, f);
	free_lines(&ls);
}

/* The PBX is writing the last line: it is left alone until its newline comes. */
static void test_partial_line(void)
{
	const char *path = tmpfile_named("growing.csv");
	struct crm_cdr_reader *r;
	struct crm_cdr c;
	struct lines ls;
	const char *l3;
	int64_t pos = -1;
	FILE *f;

	read_lines(fixture("asterisk-Master.csv"), &ls);
	l3 = ls.l[2];
	write_file(path, "w", ls.l[0], strlen(ls.l[0]));
	write_file(path, "a", "\n", 1);
	write_file(path, "a", l3, 100);

	r = open_csv(path, NULL, 0, &f);
	next(r, &c, CRM_OK, "growing: the first line");
	next(r, &c, CRM_NOMATCH, "growing: a last line without a newline is not read");
	if (r) {
		pos = crm_cdr_position(r);
		is_num(pos, 220, "  position stays before it");
		is_num(crm_cdr_line(r), 1, "  the line number is still the last line read's");
	}
	close_csv(r, f);

	write_file(path, "a", l3 + 100, strlen(l3) - 100);
	write_file(path, "a", "\n", 1);
	f = fopen(path, "r");
	if (f && fseek(f, pos, SEEK_SET) != 0)
		printf("# fseek: %s\n", strerror(errno));
	r = NULL;
	if (f && crm_cdr_open_csv(f, NULL, 0, &r) != 0)
		printf("# %s\n", crm_error_message());
	if (next(r, &c, CRM_OK, "reopened at the saved position") == CRM_OK) {
		check(&c, &corpus[2], "  the completed line, read whole");
		is_num(crm_cdr_line(r), 1, "  line numbers count from where the reader started");
		tap_is(crm_cdr_raw(r), l3, "  raw text");
		is_num(crm_cdr_position(r), 220, "  position: that line's bytes");
	}
	if (r)
		next(r, &c, CRM_NOMATCH, "  then the end");
	close_csv(r, f);

	/* The same reader sees the line once it is finished. */
	write_file(path, "w", ls.l[0], strlen(ls.l[0]));
	write_file(path, "a", "\n\"\",\"80", 7);
	r = open_csv(path, NULL, 0, &f);
	next(r, &c, CRM_OK, "same reader: the first line");
	next(r, &c, CRM_NOMATCH, "same reader: not yet");
	write_file(path, "a", ls.l[4] + 6, strlen(ls.l[4]) - 6);
	next(r, &c, CRM_NOMATCH, "same reader: still no newline");
	write_file(path, "a", "\n", 1);
	if (next(r, &c, CRM_OK, "same reader: now it is whole") == CRM_OK) {
		check(&c, &corpus[4], "  corpus line 5 from pieces");
		is_num(crm_cdr_line(r), 2, "  line 2");
		is_num(crm_cdr_position(r), 440, "  position after both");
	}
	close_csv(r, f);
	free_lines(&ls);
}

/* A broken quote on the last line waits for the next line, which shows it broken. */
static void test_broken_quote_at_end(void)
{
	const char *path = tmpfile_named("broken-end.csv");
	struct crm_cdr_reader *r;
	struct crm_cdr c;
	struct lines ls, bad;
	FILE *f;

	read_lines(fixture("asterisk-Master.csv"), &ls);
	read_lines(fixture("malformed.csv"), &bad);
	write_file(path, "w", ls.l[0], strlen(ls.l[0]));
	write_file(path, "a", "\n", 1);
	write_file(path, "a", bad.l[3], strlen(bad.l[3]));
	write_file(path, "a", "\n", 1);
	r = open_csv(path, NULL, 0, &f);
	next(r, &c, CRM_OK, "broken quote last: the line before");
	next(r, &c, CRM_NOMATCH,
	     "broken quote last: held back (a quoted newline may follow)");
	is_num(r ? crm_cdr_position(r) : -1, 220, "  not consumed");
	write_file(path, "a", ls.l[1], strlen(ls.l[1]));
	write_file(path, "a", "\n", 1);
	next(r, &c, CRM_DATAERR, "a good line after it shows the quote broken");
	tap_is(crm_error_message(), "line 2: unterminated quote", "  the reason");
	tap_is(r ? crm_cdr_raw(r) : NULL, bad.l[3], "  only the broken line is refused");
	if (next(r, &c, CRM_OK, "the good line is read") == CRM_OK) {
		check(&c, &corpus[1], "  corpus line 2");
		is_num(crm_cdr_line(r), 3, "  line 3");
	}
	close_csv(r, f);
	free_lines(&ls);
	free_lines(&bad);
}

/* A final input (standard input) has no next run: its last line counts as it is. */
static void test_final(void)
{
	const char *path = tmpfile_named("final.csv");
	struct crm_cdr_reader *r;
	struct crm_cdr c;
	struct lines ls, bad;
	FILE *f;

	read_lines(fixture("asterisk-Master.csv"), &ls);
	read_lines(fixture("malformed.csv"), &bad);
	write_file(path, "w", ls.l[0], strlen(ls.l[0]));
	write_file(path, "a", "\n", 1);
	write_file(path, "a", ls.l[2], strlen(ls.l[2]));
	r = open_csv(path, NULL, 0, &f);
	if (r)
		crm_cdr_final(r);
	next(r, &c, CRM_OK, "final: the first line");
	if (next(r, &c, CRM_OK, "final: the last line without its newline is read") == CRM_OK) {
		check(&c, &corpus[2], "  read whole");
		tap_is(crm_cdr_raw(r), ls.l[2], "  raw text, with no newline added");
	}
	if (r)
		next(r, &c, CRM_NOMATCH, "  then the end");
	close_csv(r, f);

	write_file(path, "w", bad.l[3], strlen(bad.l[3]));
	r = open_csv(path, NULL, 0, &f);
	if (r)
		crm_cdr_final(r);
	next(r, &c, CRM_DATAERR, "final: a quote open at the end is refused, not held back");
	tap_is(crm_error_message(), "line 1: unterminated quote at the end of the input",
	       "  the reason");
	if (r)
		next(r, &c, CRM_NOMATCH, "  then the end");
	close_csv(r, f);
	free_lines(&ls);
	free_lines(&bad);
}

static void test_odd_lines(void)
{
	const char *path = tmpfile_named("odd.csv");
	struct crm_cdr_reader *r;
	struct crm_cdr c;
	struct lines ls;
	size_t big = 1100 * 1024, n1, n2, k;
	char *s;
	FILE *f;

	read_lines(fixture("asterisk-Master.csv"), &ls);
	/* A line over 1 MB: refused, consumed; the next one is read. */
	n1 = strlen(ls.l[2]);
	s = malloc(n1 + big + 8);
	memcpy(s, ls.l[2], n1 - 2); /* up to the empty userfield's quotes */
	s[n1 - 2] = '"';
	memset(s + n1 - 1, 'x', big);
	memcpy(s + n1 - 1 + big, "\"\n", 2);
	n2 = n1 - 1 + big + 2;
	write_file(path, "w", s, n2);
	write_file(path, "a", ls.l[4], strlen(ls.l[4]));
	write_file(path, "a", "\n", 1);
	r = open_csv(path, NULL, 0, &f);
	next(r, &c, CRM_DATAERR, "a line over 1 MB is refused");
	tap_is(crm_error_message(), "line 1: longer than 1 MB", "  the reason");
	is_num(r ? crm_cdr_position(r) : -1, n2, "  and consumed");
	is_num(r && crm_cdr_raw(r) ? strlen(crm_cdr_raw(r)) : 0, n2 - 1, "  raw is all of it");
	if (next(r, &c, CRM_OK, "the line after it") == CRM_OK)
		tap_is(c.uniqueid, "1598364701.4", "  is read");
	close_csv(r, f);
	free(s);

	/* CRLF, blank lines, a NUL byte. */
	write_file(path, "w", ls.l[2], strlen(ls.l[2]));
	write_file(path, "a", "\r\n\n  \n", 6);
	write_file(path, "a", ls.l[0], 20);
	write_file(path, "a", "\0", 1);
	write_file(path, "a", ls.l[0] + 20, strlen(ls.l[0]) - 20);
	write_file(path, "a", "\n", 1);
	write_file(path, "a", ls.l[3], strlen(ls.l[3]));
	write_file(path, "a", "\n", 1);
	r = open_csv(path, NULL, 0, &f);
	if (next(r, &c, CRM_OK, "a CRLF line") == CRM_OK) {
		tap_is(c.uniqueid, "1598518936.86", "  the CR does not stick to the last field");
		tap_is(crm_cdr_raw(r), ls.l[2], "  raw text without CR LF");
		is_num(crm_cdr_position(r), strlen(ls.l[2]) + 2, "  position counts the CR");
	}
	next(r, &c, CRM_DATAERR, "blank lines are skipped; a NUL byte is refused");
	tap_is(crm_error_message(), "line 4: a NUL byte", "  the reason, line 4");
	if (next(r, &c, CRM_OK, "the line after the NUL") == CRM_OK) {
		tap_is(c.uniqueid, "1598519380.114", "  is read");
		is_num(crm_cdr_line(r), 5, "  line 5");
	}
	close_csv(r, f);

	/* A CR inside quotes is data; outside quotes it would split the line. */
	n1 = strlen(ls.l[1]);
	s = strdup(ls.l[1]);
	s[strstr(s, "\"BUSY\"") - s + 6] = '\r';  /* the comma after "BUSY" */
	write_file(path, "w", s, n1);
	write_file(path, "a", "\n", 1);
	strcpy(s, ls.l[1]);
	k = strstr(s, "8001\"\" <") - s + 4; /* the doubled quote in clid */
	s[k] = s[k + 1] = '\r';
	write_file(path, "a", s, n1);
	write_file(path, "a", "\n", 1);
	free(s);
	r = open_csv(path, NULL, 0, &f);
	next(r, &c, CRM_DATAERR, "a CR outside quotes is refused");
	tap_is(crm_error_message(), "line 1: a carriage return outside quotes", "  the reason");
	if (next(r, &c, CRM_OK, "CRs inside quotes") == CRM_OK) {
		tap_is(c.clid, "\"8001\r\r <8001>", "  are kept in the field");
		tap_is(c.uniqueid, "1598518960.99", "  and the line is read");
	}
	close_csv(r, f);
	free_lines(&ls);
}

/* stdin may be a pipe: nothing seeks. */
static void test_pipe(void)
{
	struct crm_cdr_reader *r = NULL;
	struct crm_cdr c;
	int fd[2], n = 0, rc;
	FILE *in, *data;
	char buf[4096];
	size_t k;

	if (pipe(fd) != 0) {
		tap_ok(0, "pipe");
		return;
	}
	data = fopen(fixture("asterisk-Master.csv"), "r");
	k = data ? fread(buf, 1, sizeof buf, data) : 0;
	if (data)
		fclose(data);
	if (write(fd[1], buf, k) != (ssize_t)k)
		printf("# write: %s\n", strerror(errno));
	close(fd[1]);
	in = fdopen(fd[0], "r");
	crm_cdr_open_csv(in, NULL, 0, &r);
	while (r && (rc = crm_cdr_next(r, &c)) == CRM_OK)
		n++;
	is_num(n, 6, "a pipe: all six corpus lines");
	is_num(r ? crm_cdr_position(r) : -1, 1346, "  position");
	close_csv(r, in);
}

/* ---- MikoPBX */

struct row {
	long long id;
	const char *start, *endtime, *answer, *src, *dst, *did, *uniqueid, *linkedid,
		*disposition;
	long billsec, duration;
	const char *recordingfile;
};

/* The four rows of ../shared/corpus/cdr/mikopbx-cdr_general.json (no did),
 * then one call in two legs (30, 32) around another call (31), and a call
 * with an empty linkedid (33). */
static const struct row miko_rows[] = {
	{ 1, "2025-10-22 16:03:43.000", "2025-10-23 15:53:12.000", "2025-10-06 17:48:35.000",
	  "79300250234", "262", NULL, "mikopbx-1696316579.10565_0Fk3uO",
	  "mikopbx-1696316566.10557", "ANSWERED", 150, 154,
	  "/storage/usbdisk1/mikopbx/astspool/monitor/2023/10/03/10/"
	  "mikopbx-1696316579.10565_0Fk3uO.mp3" },
	{ 16, "2025-10-03 09:37:18.000", "2025-10-10 09:19:13.000", "", "79090163435", "3",
	  NULL, "mikopbx-1725436279.315_B4CRBA", "mikopbx-1725436239.301", "NOANSWER", 0, 0,
	  "" },
	{ 24, "2025-10-10 13:42:35.000", "2025-10-13 11:49:58.000", "", "238", "226", NULL,
	  "mikopbx-1733382278.332_mnvWx4", "mikopbx-1733382278.332", "BUSY", 0, 26, "" },
	{ 25, "2025-10-12 12:00:22.000", "2025-10-07 16:45:58.000", "", "79320879471", "236",
	  NULL, "mikopbx-1691739455.198_dqRA17", "mikopbx-1691739455.198", "CANCEL", 0, 45,
	  "" },
	{ 30, "2025-10-23 09:00:00.000", "2025-10-23 09:00:20.000", "", "84951234567", "201",
	  "74957771122", "mikopbx-1761200000.41_aaaaaa", "mikopbx-1761200000.40",
	  "NOANSWER", 0, 20, "" },
	{ 31, "2025-10-23 09:00:10.000", "2025-10-23 09:00:30.000", "2025-10-23 09:00:12.000",
	  "101", "89161234567", "", "mikopbx-1761200010.50_bbbbbb", "mikopbx-1761200010.50",
	  "ANSWERED", 18, 20, "" },
	{ 32, "2025-10-23 09:00:01.000", "2025-10-23 09:02:05.000", "2025-10-23 09:00:25.000",
	  "84951234567", "202", "74957771122", "mikopbx-1761200001.42_cccccc",
	  "mikopbx-1761200000.40", "ANSWERED", 100, 124, "/monitor/32.mp3" },
	{ 33, "2025-10-23 10:00:00.000", "2025-10-23 10:00:05.000", "", "79031234567", "203",
	  NULL, "mikopbx-1761206400.60_dddddd", "", "BUSY", 0, 5, "" },
};

static const char miko_schema[] =
	"CREATE TABLE cdr_general (id INTEGER PRIMARY KEY AUTOINCREMENT, start TEXT,"
	" endtime TEXT, answer TEXT, src_num TEXT, dst_num TEXT, did TEXT, UNIQUEID TEXT,"
	" linkedid TEXT, disposition TEXT, billsec INTEGER, duration INTEGER,"
	" recordingfile TEXT)";

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

/* A cdr_general table (schema: its CREATE) in a new file holding rows. */
static void make_db(const char *path, const char *schema, int with_did,
		    const struct row *rows, size_t n)
{
	const char *ins = with_did ?
		"INSERT INTO cdr_general (id, start, endtime, answer, src_num, dst_num,"
		" did, UNIQUEID, linkedid, disposition, billsec, duration, recordingfile)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)" :
		"INSERT INTO cdr_general (id, start, endtime, answer, src_num, dst_num,"
		" UNIQUEID, linkedid, disposition, billsec, duration, recordingfile)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?8, ?9, ?10, ?11, ?12, ?13)";
	sqlite3_stmt *st = NULL;
	sqlite3 *db;
	size_t i;

	unlink(path);
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, ins, -1, &st, NULL) != SQLITE_OK)
		printf("# %s: %s\n", path, sqlite3_errmsg(db));
	for (i = 0; st && i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, rows[i].id);
		bind_text(st, 2, rows[i].start);
		bind_text(st, 3, rows[i].endtime);
		bind_text(st, 4, rows[i].answer);
		bind_text(st, 5, rows[i].src);
		bind_text(st, 6, rows[i].dst);
		if (with_did)
			bind_text(st, 7, rows[i].did);
		bind_text(st, 8, rows[i].uniqueid);
		bind_text(st, 9, rows[i].linkedid);
		bind_text(st, 10, rows[i].disposition);
		sqlite3_bind_int64(st, 11, rows[i].billsec);
		sqlite3_bind_int64(st, 12, rows[i].duration);
		bind_text(st, 13, rows[i].recordingfile);
		if (sqlite3_step(st) != SQLITE_DONE)
			printf("# insert %lld: %s\n", rows[i].id, sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static struct crm_cdr_reader *open_miko(const char *path, int64_t after, int utc)
{
	struct crm_cdr_reader *r = NULL;

	if (crm_cdr_open_mikopbx(path, after, utc, &r) != 0)
		printf("# %s\n", crm_error_message());
	return r;
}

static const struct want miko_want[] = {
	{ "mikopbx-1696316566.10557", "mikopbx-1696316566.10557", "79300250234", "262", NULL,
	  NULL, NULL, NULL, NULL, NULL, "2025-10-22T16:03:43Z", "2025-10-06T17:48:35Z",
	  "2025-10-23T15:53:12Z", 154, 150, "ANSWERED" },
	{ "mikopbx-1725436239.301", "mikopbx-1725436239.301", "79090163435", "3", NULL,
	  NULL, NULL, NULL, NULL, NULL, "2025-10-03T09:37:18Z", NULL,
	  "2025-10-10T09:19:13Z", 0, 0, "NO ANSWER" },
	{ "mikopbx-1733382278.332", "mikopbx-1733382278.332", "238", "226", NULL,
	  NULL, NULL, NULL, NULL, NULL, "2025-10-10T13:42:35Z", NULL,
	  "2025-10-13T11:49:58Z", 26, 0, "BUSY" },
	{ "mikopbx-1691739455.198", "mikopbx-1691739455.198", "79320879471", "236", NULL,
	  NULL, NULL, NULL, NULL, NULL, "2025-10-12T12:00:22Z", NULL,
	  "2025-10-07T16:45:58Z", 45, 0, "CANCEL" },
	/* legs 30 and 32: src of the first, dst and billsec of the answering one */
	{ "mikopbx-1761200000.40", "mikopbx-1761200000.40", "84951234567", "202",
	  "74957771122", NULL, NULL, NULL, NULL, NULL, "2025-10-23T09:00:00Z",
	  "2025-10-23T09:00:25Z", "2025-10-23T09:02:05Z", 124, 100, "ANSWERED" },
	{ "mikopbx-1761200010.50", "mikopbx-1761200010.50", "101", "89161234567", NULL,
	  NULL, NULL, NULL, NULL, NULL, "2025-10-23T09:00:10Z", "2025-10-23T09:00:12Z",
	  "2025-10-23T09:00:30Z", 20, 18, "ANSWERED" },
	{ "mikopbx-1761206400.60_dddddd", NULL, "79031234567", "203", NULL,
	  NULL, NULL, NULL, NULL, NULL, "2025-10-23T10:00:00Z", NULL,
	  "2025-10-23T10:00:05Z", 5, 0, "BUSY" },
};

static void test_mikopbx(void)
{
	/* Every row at or below the position has been returned: the next
	 * call's first id less one (legs 30 and 32 come before call 31). */
	static const long long pos[] = { 15, 23, 24, 29, 30, 32, 33 };
	const char *path = tmpfile_named("cdr.db");
	struct crm_cdr_reader *r;
	struct crm_cdr c;
	char what[64];
	size_t i;

	set_tz("UTC");
	make_db(path, miko_schema, 1, miko_rows, sizeof miko_rows / sizeof miko_rows[0]);
	r = open_miko(path, 0, 0);
	tap_ok(r != NULL, "mikopbx: the reader opens");
	is_num(r ? crm_cdr_position(r) : -1, 0, "mikopbx: position is after_id at first");
	for (i = 0; r && i < sizeof miko_want / sizeof miko_want[0]; i++) {
		snprintf(what, sizeof what, "mikopbx call %zu", i + 1);
		if (next(r, &c, CRM_OK, what) != CRM_OK)
			continue;
		check(&c, &miko_want[i], what);
		is_num(crm_cdr_position(r), pos[i], "  position: all rows up to it returned");
		is_num(crm_cdr_line(r), i + 1, "  its number in this run");
	}
	if (r) {
		next(r, &c, CRM_NOMATCH, "mikopbx: the end");
		is_num(crm_cdr_position(r), 33, "  position: the last id");
	}
	crm_cdr_close(r);

	/* Raw text of a merged call: its legs, one a line. */
	r = open_miko(path, 25, 0);
	if (next(r, &c, CRM_OK, "mikopbx after 25: the two-leg call first") == CRM_OK) {
		tap_is(c.uniqueid, "mikopbx-1761200000.40", "  uniqueid");
		tap_is(crm_cdr_raw(r),
		       "30\t2025-10-23 09:00:00.000\t\t2025-10-23 09:00:20.000\t84951234567\t201"
		       "\t74957771122\tmikopbx-1761200000.41_aaaaaa\tmikopbx-1761200000.40"
		       "\tNOANSWER\t0\t20\n"
		       "32\t2025-10-23 09:00:01.000\t2025-10-23 09:00:25.000"
		       "\t2025-10-23 09:02:05.000\t84951234567\t202\t74957771122"
		       "\tmikopbx-1761200001.42_cccccc\tmikopbx-1761200000.40\tANSWERED\t100\t124",
		       "  raw text: the legs, tab-separated, one a line");
	}
	crm_cdr_close(r);

	/* A cursor inside a call: only the legs after it are read. */
	r = open_miko(path, 31, 0);
	if (next(r, &c, CRM_OK, "mikopbx after 31") == CRM_OK) {
		tap_is(c.uniqueid, "mikopbx-1761200000.40", "  the rest of the call by linkedid");
		tap_is(iso(c.start), "2025-10-23T09:00:01Z", "  from leg 32 alone");
		is_num(crm_cdr_position(r), 32, "  position 32");
	}
	if (next(r, &c, CRM_OK, "mikopbx after 31: then 33") == CRM_OK)
		tap_is(c.uniqueid, "mikopbx-1761206400.60_dddddd", "  empty linkedid: UNIQUEID");
	if (r)
		next(r, &c, CRM_NOMATCH, "  and the end");
	crm_cdr_close(r);

	r = open_miko(path, 33, 0);
	next(r, &c, CRM_NOMATCH, "mikopbx after the last id: nothing");
	is_num(r ? crm_cdr_position(r) : -1, 33, "  position stays");
	crm_cdr_close(r);

	set_tz("Europe/Moscow");
	r = open_miko(path, 0, 0);
	if (next(r, &c, CRM_OK, "mikopbx in Moscow") == CRM_OK) {
		tap_is(iso(c.start), "2025-10-22T13:03:43Z", "  local time, ms dropped");
		tap_is(iso(c.answer), "2025-10-06T14:48:35Z", "  answer too");
	}
	crm_cdr_close(r);
	r = open_miko(path, 0, 1);
	if (next(r, &c, CRM_OK, "mikopbx in Moscow, utc") == CRM_OK)
		tap_is(iso(c.start), "2025-10-22T16:03:43Z", "  utc: taken as UTC");
	crm_cdr_close(r);
	set_tz("UTC");
}

static void test_mikopbx_odd(void)
{
	static const struct row bad[] = {
		{ 1, "22.10.2025 16:03", "", "", "79300250234", "262", NULL, "u1", "l1",
		  "ANSWERED", 1, 2, "" },
		{ 2, "2025-10-22 16:05:00", "", "", "79300250235", "263", NULL, "u2", "l2",
		  "noanswer", 0, 3, "" },
	};
	char path[2048], none[2048];
	struct crm_cdr_reader *r;
	struct crm_cdr c;
	struct stat sb;
	sqlite3 *db;
	int rc;

	snprintf(path, sizeof path, "%s", tmpfile_named("old.db"));
	snprintf(none, sizeof none, "%s", tmpfile_named("none.db"));
	make_db(path, "CREATE TABLE cdr_general (id INTEGER PRIMARY KEY, start TEXT,"
		" endtime TEXT, answer TEXT, src_num TEXT, dst_num TEXT, UNIQUEID TEXT,"
		" linkedid TEXT, disposition TEXT, billsec INTEGER, duration INTEGER,"
		" recordingfile TEXT)", 0, bad, 2);
	r = open_miko(path, 0, 0);
	tap_ok(r != NULL, "mikopbx: a table without did opens");
	next(r, &c, CRM_DATAERR, "a row with a bad time is refused");
	tap_is(crm_error_message(), "cdr_general id 1: start \"22.10.2025 16:03\": not a "
	       "time YYYY-MM-DD HH:MM:SS[.mmm]", "  the message names the id and column");
	is_num(r ? crm_cdr_position(r) : -1, 1, "  and it is passed");
	if (next(r, &c, CRM_OK, "the next row is read") == CRM_OK) {
		tap_ok(c.did == NULL, "  did is NULL without the column");
		tap_is(c.disposition, "NO ANSWER", "  lower-case noanswer -> NO ANSWER");
		tap_is(iso(c.start), "2025-10-22T16:05:00Z", "  a time without ms");
	}
	crm_cdr_close(r);

	r = (struct crm_cdr_reader *)&r;
	rc = crm_cdr_open_mikopbx(none, 0, 0, &r);
	is_num(rc, CRM_NOINPUT, "mikopbx: a missing file is CRM_NOINPUT");
	tap_ok(r == NULL, "  no reader");
	tap_ok(stat(none, &sb) != 0, "  and the file is not created");

	unlink(path);
	if (sqlite3_open(path, &db) == SQLITE_OK)
		sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL, NULL);
	sqlite3_close(db);
	rc = crm_cdr_open_mikopbx(path, 0, 0, &r);
	is_num(rc, CRM_DATAERR, "mikopbx: a database without cdr_general is CRM_DATAERR");
	tap_ok(strstr(crm_error_message(), "no table cdr_general") != NULL, "  the message");

	rc = crm_cdr_open_mikopbx(fixture("asterisk-Master.csv"), 0, 0, &r);
	is_num(rc, CRM_DATAERR, "mikopbx: a file that is not SQLite is CRM_DATAERR");
}

static void rm_tmp(void)
{
	static const char *const files[] = {
		"dst.csv", "six.csv", "growing.csv", "broken-end.csv", "odd.csv", "cdr.db",
		"old.db", "none.db",
	};
	size_t i;

	for (i = 0; i < sizeof files / sizeof files[0]; i++)
		unlink(tmpfile_named(files[i]));
	rmdir(tmp);
}

int main(void)
{
	const char *src = getenv("CRM_SRCDIR"), *t = getenv("TMPDIR");

	snprintf(fixdir, sizeof fixdir, "%s/t/fixtures/cdr", src ? src : ".");
	snprintf(tmp, sizeof tmp, "%s/test-cdr.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmp)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_corpus();
	test_local_time();
	test_russian_numbers();
	test_layouts();
	test_columns();
	test_malformed();
	test_label_charset();
	test_multiline();
	test_partial_line();
	test_broken_quote_at_end();
	test_final();
	test_odd_lines();
	test_pipe();
	test_mikopbx();
	test_mikopbx_odd();
	rm_tmp();
	return tap_done();
}
