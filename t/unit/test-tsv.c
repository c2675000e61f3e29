/*
 * test-tsv.c: unit tests of lib/tsv.c, the crm-tsv(5) reader and writer:
 * escapes round-trip, readers take CRLF and a BOM and reject bad lines by
 * number (and go on after them), writers choose columns and report I/O errors.
 */
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "tap.h"

/* A string literal and its length, NUL bytes included. */
#define S(lit) lit, sizeof(lit) - 1

struct src {
	FILE *f;
	struct crm_tsv_reader *r;
};

/* Open a reader on n bytes of data; the status of crm_tsv_open. */
static int src_open(struct src *s, const char *data, size_t n)
{
	s->r = NULL;
	s->f = n ? fmemopen((void *)data, n, "r") : fopen("/dev/null", "r");
	if (!s->f)
		return -1;
	return crm_tsv_open(s->f, &s->r);
}

static void src_close(struct src *s)
{
	crm_tsv_close(s->r);
	if (s->f)
		fclose(s->f);
}

static void test_round_trip(void)
{
	static const char *const row[] = {
		"a\tb", "one\ntwo", "cr\rhere", "back\\slash", "\\t is not a tab",
		"Привет, мир", "ends with \\", "\r\n\t\\\\", "plain",
	};
	const size_t n = sizeof row / sizeof row[0];
	const char *names[sizeof row / sizeof row[0]];
	const char *const *got;
	char *buf = NULL, name[64];
	size_t len = 0, i;
	struct src s;
	FILE *f;
	int rc;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "c%zu", i);
		names[i] = strdup(name);
	}
	f = open_memstream(&buf, &len);
	rc = crm_tsv_put_row(f, n, names) || crm_tsv_put_row(f, n, row);
	fclose(f);
	tap_ok(rc == 0, "writing a row of awkward values succeeds");
	tap_ok(strchr(buf, '\r') == NULL && strchr(strchr(buf, '\n') + 1, '\n') ==
	       buf + len - 1, "no raw CR, and LF only at the ends of the two lines");
	tap_ok(src_open(&s, buf, len) == 0, "the output reads back");
	rc = crm_tsv_read(s.r, &got);
	tap_ok(rc == 0, "one record");
	for (i = 0; rc == 0 && i < n; i++) {
		snprintf(name, sizeof name, "value %zu round-trips", i);
		tap_is(got[i], row[i], name);
	}
	tap_ok(crm_tsv_read(s.r, &got) == CRM_NOMATCH, "and then the end");
	src_close(&s);
	free(buf);
	for (i = 0; i < n; i++)
		free((char *)names[i]);
}

static void test_put_field(void)
{
	static const char *const row[] = { "a\tb\\c\nd\re", NULL, "", "Ёж" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&buf, &len);
	crm_tsv_put_row(f, 4, row);
	fclose(f);
	tap_is(buf, "a\\tb\\\\c\\nd\\re\t\t\tЁж\n",
	       "escapes are \\t \\\\ \\n \\r; NULL and \"\" are empty");
	free(buf);
}

static void test_line_ends_and_bom(void)
{
	const char *const *got;
	struct src s;
	int rc;

	tap_ok(src_open(&s, S("id\tname\r\n1\tx\\r\r\n2\ty\r\n")) == 0,
	       "a CRLF file opens");
	tap_is(crm_tsv_names(s.r)[1], "name", "CR is not part of the last name");
	rc = crm_tsv_read(s.r, &got);
	tap_is(rc ? NULL : got[1], "x\r", "CRLF is dropped, an escaped CR kept");
	rc = crm_tsv_read(s.r, &got);
	tap_is(rc ? NULL : got[1], "y", "second CRLF line");
	src_close(&s);

	tap_ok(src_open(&s, S("\xEF\xBB\xBFid\tname\n\xEF\xBB\xBFx\ty")) == 0,
	       "a file with a BOM opens");
	tap_ok(crm_tsv_column(s.r, "id") == 0, "the BOM is not part of the first name");
	rc = crm_tsv_read(s.r, &got);
	tap_is(rc ? NULL : got[0], "\xEF\xBB\xBFx", "only the first line's BOM is dropped");
	tap_is(rc ? NULL : got[1], "y", "a last line without LF is read");
	tap_ok(crm_tsv_read(s.r, &got) == CRM_NOMATCH, "then the end");
	src_close(&s);
}

static void test_columns(void)
{
	const char *const *got;
	struct src s;
	int rc;

	tap_ok(src_open(&s, S("id\tname\tphone\n1\t\t+74951234567\n2\tx\t\n")) == 0,
	       "three columns");
	tap_ok(crm_tsv_ncolumns(s.r) == 3, "crm_tsv_ncolumns");
	tap_is(crm_tsv_names(s.r)[2], "phone", "crm_tsv_names");
	tap_ok(crm_tsv_column(s.r, "phone") == 2 && crm_tsv_column(s.r, "id") == 0,
	       "crm_tsv_column finds names");
	tap_ok(crm_tsv_column(s.r, "email") == -1 && crm_tsv_column(s.r, "") == -1,
	       "crm_tsv_column: -1 for an unknown name");
	tap_ok(crm_tsv_line(s.r) == 1, "after the header: line 1");
	rc = crm_tsv_read(s.r, &got);
	tap_ok(rc == 0 && got[1] == NULL, "an empty middle field is NULL");
	tap_is(rc ? NULL : got[2], "+74951234567", "the field after it");
	rc = crm_tsv_read(s.r, &got);
	tap_ok(rc == 0 && got[2] == NULL, "an empty last field is NULL");
	tap_ok(crm_tsv_line(s.r) == 3, "crm_tsv_line counts lines");
	src_close(&s);
}

/* Open data, read one record (after skip good ones) and expect an error msg. */
static void expect_error(const char *data, size_t n, int skip, const char *msg,
			 const char *name)
{
	const char *const *got;
	struct src s;
	int rc;

	rc = src_open(&s, data, n);
	while (rc == 0 && skip-- > 0)
		rc = crm_tsv_read(s.r, &got);
	if (rc == 0)
		rc = crm_tsv_read(s.r, &got);
	tap_ok(rc == CRM_DATAERR, name);
	tap_is(rc ? crm_error_message() : "(no error)", msg, name);
	src_close(&s);
}

static void test_bad_lines(void)
{
	expect_error(S("id\tname\tphone\temail\n1\ta\tb\tc\n2\tx\n"), 1,
		     "line 3: 2 fields, expected 4 (id, name, phone, email)",
		     "too few fields names the line and the columns");
	expect_error(S("id\tname\n1\ta\tb\n"), 0,
		     "line 2: 3 fields, expected 2 (id, name)", "too many fields");
	expect_error(S("id\tname\n1\n"), 0, "line 2: 1 field, expected 2 (id, name)",
		     "one field");
	expect_error(S("id\tname\n1\ta\n\n2\tb\n"), 1,
		     "line 3: empty line, expected 2 fields (id, name)",
		     "a blank line in a file of two columns");
	expect_error(S("id\tname\n1\t\xff\n"), 0,
		     "line 2: invalid UTF-8 in column \"name\"", "invalid UTF-8");
	expect_error(S("id\tname\n1\tcaf\xc3\n"), 0,
		     "line 2: invalid UTF-8 in column \"name\"", "cut UTF-8 sequence");
	expect_error(S("id\tname\n1\t\xc0\xaf\n"), 0,
		     "line 2: invalid UTF-8 in column \"name\"", "overlong UTF-8");
	expect_error(S("id\tname\n1\ta\\qb\n"), 0,
		     "line 2: bad escape \"\\q\" in column \"name\"", "bad escape");
	expect_error(S("id\tname\n\\N\tx\n"), 0,
		     "line 2: bad escape \"\\N\" in column \"id\"",
		     "\\N (PostgreSQL's NULL) is not an escape here");
	expect_error(S("id\tname\n1\tab\\\n"), 0,
		     "line 2: backslash at the end in column \"name\"",
		     "a backslash at the end of a line");
	expect_error(S("id\tname\n1\\\tab\n"), 0,
		     "line 2: backslash at the end in column \"id\"",
		     "a backslash before a TAB");
	expect_error(S("id\tname\n1\ta\0b\n"), 0,
		     "line 2: NUL byte in column \"name\"", "a NUL byte");
	expect_error(S(""), 0, "empty input: no header line", "empty input");
	expect_error(S("id\t\tname\n"), 0, "line 1: empty name for column 2",
		     "a header with an empty name");
	expect_error(S("id\tname\t\n"), 0, "line 1: empty name for column 3",
		     "a header with a trailing TAB");
	expect_error(S("\n1\n"), 0, "line 1: empty name for column 1",
		     "an empty header line");
	expect_error(S("id\tname\tid\n"), 0, "line 1: duplicate column name \"id\"",
		     "a header with a name twice");
	expect_error(S("id\tna\xffme\n"), 0, "line 1: invalid UTF-8 in column 2",
		     "invalid UTF-8 in the header");
}

static void test_keep_going(void)
{
	const char *const *got;
	struct src s;
	int rc;

	src_open(&s, S("id\tname\n1\ta\n2\n3\tc\\x\n4\td\n"));
	rc = crm_tsv_read(s.r, &got);
	tap_ok(rc == 0 && strcmp(got[0], "1") == 0, "good line 2");
	rc = crm_tsv_read(s.r, &got);
	tap_ok(rc == CRM_DATAERR && crm_tsv_line(s.r) == 3, "bad line 3");
	rc = crm_tsv_read(s.r, &got);
	tap_ok(rc == CRM_DATAERR && crm_tsv_line(s.r) == 4, "bad line 4");
	rc = crm_tsv_read(s.r, &got);
	tap_ok(rc == 0 && crm_tsv_line(s.r) == 5, "reading goes on after bad lines");
	tap_is(rc ? NULL : got[1], "d", "with the right values");
	tap_ok(crm_tsv_read(s.r, &got) == CRM_NOMATCH, "then the end");
	src_close(&s);
}

static void test_one_column(void)
{
	const char *const *got;
	struct src s;
	int rc;

	src_open(&s, S("name\nx\n\ny\n"));
	rc = crm_tsv_read(s.r, &got);
	rc = rc || crm_tsv_read(s.r, &got);
	tap_ok(rc == 0 && got[0] == NULL, "with one column a blank line is a NULL");
	rc = crm_tsv_read(s.r, &got);
	tap_is(rc ? NULL : got[0], "y", "and the next line follows");
	src_close(&s);
}

static void test_long_line(void)
{
	size_t n = 200000, len;
	char *data = malloc(n + 16);
	const char *const *got;
	struct src s;
	int rc;

	len = (size_t)sprintf(data, "id\tbody\n7\t");
	memset(data + len, 'z', n);
	data[len + n] = '\n';
	src_open(&s, data, len + n + 1);
	rc = crm_tsv_read(s.r, &got);
	tap_ok(rc == 0 && strlen(got[1]) == n && got[1][n - 1] == 'z',
	       "a line of 200000 bytes");
	src_close(&s);
	free(data);
}

static const char *const names3[] = { "id", "name", "phone" };

/* Run rows of names3 through a writer; its output, or "error: msg". */
static char *written(const char *columns, int header, int nrows, int *status,
		     unsigned long *count)
{
	static const char *const rows[][3] = {
		{ "1", "Иванов\tИ.", "+74951234567" },
		{ "2", NULL, "" },
	};
	struct crm_tsv_writer *w;
	char *buf = NULL, *msg;
	size_t len = 0;
	int i, rc;
	FILE *f;

	f = open_memstream(&buf, &len);
	rc = crm_tsv_writer_new(f, columns, header, &w);
	for (i = 0; rc == 0 && i < nrows; i++)
		rc = crm_tsv_writer_row(w, 3, names3, rows[i % 2]);
	if (w) {
		if (count)
			*count = crm_tsv_writer_count(w);
		if (crm_tsv_writer_free(w) && !rc)
			rc = -1;
	}
	fclose(f);
	*status = rc;
	if (rc == 0)
		return buf;
	free(buf);
	msg = malloc(strlen(crm_error_message()) + 8);
	sprintf(msg, "error: %s", crm_error_message());
	return msg;
}

static void check_written(const char *columns, int header, int nrows,
			  const char *want, const char *name)
{
	int status;
	char *got = written(columns, header, nrows, &status, NULL);

	tap_is(got, want, name);
	free(got);
}

static void test_writer(void)
{
	unsigned long count = 0;
	char *got;
	int rc;

	check_written(NULL, 1, 2,
		      "id\tname\tphone\n1\tИванов\\tИ.\t+74951234567\n2\t\t\n",
		      "all columns, header once, escaped values");
	check_written(NULL, 0, 1, "1\tИванов\\tИ.\t+74951234567\n",
		      "without the header");
	check_written("phone,id", 1, 2, "phone\tid\n+74951234567\t1\n\t2\n",
		      "chosen columns in the order chosen");
	check_written(" name , id", 1, 1, "name\tid\nИванов\\tИ.\t1\n",
		      "spaces around chosen names are ignored");
	check_written("id,name", 1, 0, "id\tname\n",
		      "no rows with chosen columns: the header alone");
	check_written(NULL, 1, 0, "", "no rows and all columns: nothing (names unknown)");
	check_written("id", 0, 0, "", "no rows and no header: nothing");

	got = written("id,email", 1, 1, &rc, NULL);
	tap_ok(rc == CRM_USAGE, "an unknown column is a usage error");
	tap_is(got, "error: unknown column \"email\"; columns are: id, name, phone",
	       "the message lists the columns there are");
	free(got);
	got = written("id,,name", 1, 1, &rc, NULL);
	tap_ok(rc == CRM_USAGE && strstr(got, "empty column name"),
	       "an empty name in the column list");
	free(got);
	got = written("id,name,id", 1, 1, &rc, NULL);
	tap_ok(rc == CRM_USAGE && strstr(got, "\"id\" twice"),
	       "a name twice in the column list (its output would not read back)");
	free(got);

	got = written("name", 1, 5, &rc, &count);
	tap_ok(rc == 0 && count == 5, "crm_tsv_writer_count counts rows, not the header");
	free(got);
}

static void test_dev_full(void)
{
	static const char *const row[] = { "1", "x", "y" };
	struct crm_tsv_writer *w;
	FILE *f = fopen("/dev/full", "w");
	int rc;

	if (!f) {
		tap_ok(1, "# SKIP no /dev/full");
		return;
	}
	rc = crm_tsv_writer_new(f, NULL, 1, &w);
	rc = rc || crm_tsv_writer_row(w, 3, names3, row);
	tap_ok(rc == 0, "a small row sits in the stdio buffer");
	rc = crm_tsv_writer_free(w);
	tap_ok(rc == CRM_IOERR, "writing to /dev/full fails with CRM_IOERR at free");
	tap_ok(strstr(crm_error_message(), "write error") != NULL,
	       "with a message that says so");
	fclose(f);

	f = fopen("/dev/full", "w");
	setvbuf(f, NULL, _IONBF, 0);
	tap_ok(crm_tsv_put_field(f, "x") == CRM_IOERR,
	       "an unbuffered write fails at once");
	fclose(f);
}

int main(void)
{
	test_round_trip();
	test_put_field();
	test_line_ends_and_bom();
	test_columns();
	test_bad_lines();
	test_keep_going();
	test_one_column();
	test_long_line();
	test_writer();
	test_dev_full();
	return tap_done();
}
