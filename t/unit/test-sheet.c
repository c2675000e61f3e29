/*
 * test-sheet.c: unit tests of lib/sheet.c, the export files. Each format is
 * written into a temporary directory and read back: tsv and csv byte for
 * byte (quoting, CRLF, the OWASP apostrophe), xlsx through a real reader,
 * openpyxl (Debian python3-openpyxl), which reports cell values and types,
 * fonts, frozen panes, the autofilter and column widths. Also: nothing is
 * left behind by an abandoned or failed export, errors name the path, and
 * a 100,000-row xlsx keeps memory flat.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crm.h"
#include "tap.h"

#define PYTHON "/usr/bin/python3"

static char tmp[1024];
static int have_openpyxl;

/* dir/name in buf. */
static const char *in_tmp(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", tmp, name);
	return buf;
}

/* The whole file as a string (NULL if unreadable); free it. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int c;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	while ((c = getc(f)) != EOF)
		putc(c, m);
	fclose(m);
	fclose(f);
	return buf;
}

/* The number of entries in the temporary directory (without . and ..). */
static int entries(void)
{
	DIR *d = opendir(tmp);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void clean_tmp(void)
{
	DIR *d = opendir(tmp);
	struct dirent *e;
	char path[2048];

	if (!d)
		return;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlink(in_tmp(path, sizeof path, e->d_name));
	closedir(d);
}

static void skip(const char *name)
{
	char buf[512];

	snprintf(buf, sizeof buf, "%s # SKIP no %s with openpyxl", name, PYTHON);
	tap_ok(1, buf);
}

/* Write a whole export of n columns and the given rows; the close status. */
static int export(const char *format, const char *path, const char *title, size_t n,
		  const char *const *names, const enum crm_cell *kinds,
		  const char *const *rows, size_t nrows)
{
	struct crm_sheet *s;
	size_t i;
	int rc;

	rc = crm_sheet_open(format, path, title, &s);
	if (rc)
		return rc;
	rc = crm_sheet_header(s, n, names, kinds);
	for (i = 0; !rc && i < nrows; i++)
		rc = crm_sheet_row(s, rows + i * n);
	if (rc) {
		crm_sheet_close(s, 0);
		return rc;
	}
	return crm_sheet_close(s, 1);
}

/* ---- tsv and csv, byte for byte */

static void test_tsv(void)
{
	static const char *const names[] = { "name", "note", "phone" };
	static const char *const rows[] = {
		"Иванов Иван", "tab\there, line\nbreak", "+74951234567",
		"back\\slash", NULL, "=1+1",
	};
	char path[2048];
	struct stat st;
	mode_t mask;
	char *got;
	int rc;

	rc = export("tsv", in_tmp(path, sizeof path, "a.tsv"), "x", 3, names, NULL, rows, 2);
	tap_ok(rc == 0, "tsv: the export is written");
	got = slurp(path);
	tap_is(got, "name\tnote\tphone\n"
		    "Иванов Иван\ttab\\there, line\\nbreak\t+74951234567\n"
		    "back\\\\slash\t\t=1+1\n",
	       "tsv: crm-tsv(5) escapes, header first, LF, values unchanged");
	free(got);
	mask = umask(022);
	umask(mask);
	tap_ok(stat(path, &st) == 0 && (st.st_mode & 0777) == (0666 & ~mask),
	       "tsv: the file gets the umask's mode, not mkstemp's 0600");
	tap_ok(entries() == 1, "tsv: no temporary file is left beside it");
	clean_tmp();
}

static void test_csv(void)
{
	static const char *const names[] = { "ID", "Email Address", "Note" };
	static const char *const rows[] = {
		"1", "a@b.ru", "Hello, world",
		"2", "q@b.ru", "say \"hi\"",
		"3", "n@b.ru", "line1\nline2",
		"4", "Иван", "Привет",
		"5", "=HYPERLINK(\"http://x\",\"y\")", "@SUM(1)",
		"6", "-1+2", "+7 495 123-45-67",
		"7", "-12.5", "\tx",
		"8", "\rx", "-",
		"9", NULL, "",
		"10", "+(495) 123.45.67", "=1+1",
	};
	char path[2048], *got;
	int rc;

	rc = export("csv", in_tmp(path, sizeof path, "a.csv"), "x", 3, names, NULL, rows,
		    sizeof rows / sizeof rows[0] / 3);
	tap_ok(rc == 0, "csv: the export is written");
	got = slurp(path);
	tap_is(got, "\"ID\",Email Address,Note\r\n"
		    "1,a@b.ru,\"Hello, world\"\r\n"
		    "2,q@b.ru,\"say \"\"hi\"\"\"\r\n"
		    "3,n@b.ru,\"line1\nline2\"\r\n"
		    "4,Иван,Привет\r\n"
		    "5,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'@SUM(1)\r\n"
		    "6,'-1+2,+7 495 123-45-67\r\n"
		    "7,-12.5,'\tx\r\n"
		    "8,\"'\rx\",'-\r\n"
		    "9,,\r\n"
		    "10,+(495) 123.45.67,'=1+1\r\n",
	       "csv: quotes only where needed, CRLF, UTF-8 without BOM, apostrophe "
	       "before formulas but not before numbers and phones");
	free(got);
	tap_ok(entries() == 1, "csv: no temporary file is left beside it");
	clean_tmp();
}

static void test_csv_one_column(void)
{
	static const char *const names[] = { "Email Address" };
	static const char *const rows[] = { "a@b.ru", NULL, "c@d.ru" };
	char path[2048], *got;

	tap_ok(export("csv", in_tmp(path, sizeof path, "one.csv"), NULL, 1, names, NULL,
		      rows, 3) == 0, "csv: a one-column export is written");
	got = slurp(path);
	tap_is(got, "Email Address\r\na@b.ru\r\n\"\"\r\nc@d.ru\r\n",
	       "csv: an empty value alone on its line is \"\", not a blank line");
	free(got);
	clean_tmp();
}

/* ---- what is left behind, and errors */

static void test_abandon(const char *format)
{
	static const char *const names[] = { "a", "b" };
	static const char *const row[] = { "1", "2" };
	struct crm_sheet *s;
	char path[2048], name[64];
	int rc;

	snprintf(name, sizeof name, "gone.%s", format);
	rc = crm_sheet_open(format, in_tmp(path, sizeof path, name), "t", &s);
	if (!rc)
		rc = crm_sheet_header(s, 2, names, NULL) || crm_sheet_row(s, row);
	tap_ok(rc == 0 && entries() == 1, "abandon: the temporary file is beside the path");
	if (s)
		crm_sheet_close(s, 0);
	snprintf(name, sizeof name, "%s: commit=0 leaves no file and no temporary file",
		 format);
	tap_ok(entries() == 0 && access(path, F_OK) != 0, name);
}

/* xlsx: abandoned while the writer thread still has rows to write. */
static void test_abandon_busy(void)
{
	static const char *const names[] = { "name", "email" };
	const char *row[2];
	struct crm_sheet *s;
	char path[2048], v[64];
	int rc;
	long i;

	rc = crm_sheet_open("xlsx", in_tmp(path, sizeof path, "busy.xlsx"), "t", &s);
	if (!rc)
		rc = crm_sheet_header(s, 2, names, NULL);
	for (i = 0; !rc && i < 50000; i++) {
		snprintf(v, sizeof v, "user%ld@example.com", i);
		row[0] = "Иванов Иван Иванович";
		row[1] = v;
		rc = crm_sheet_row(s, row);
	}
	tap_ok(rc == 0 && crm_sheet_rows(s) == 50000, "xlsx: 50,000 rows are taken");
	tap_ok(crm_sheet_close(s, 0) == 0 && entries() == 0,
	       "xlsx: abandoned with rows still to write, it stops and leaves nothing behind");
}

static void test_errors(void)
{
	struct crm_sheet *s = (struct crm_sheet *)1;
	char path[2048], name[128];
	const char *fmts[] = { "csv", "tsv", "xlsx" };
	size_t i;
	int rc;

	for (i = 0; i < 3; i++) {
		rc = crm_sheet_open(fmts[i], in_tmp(path, sizeof path, "nope/x.out"), "t", &s);
		snprintf(name, sizeof name, "%s: a missing directory is CRM_IOERR naming the path",
			 fmts[i]);
		tap_ok(rc == CRM_IOERR && s == NULL &&
		       strstr(crm_error_message(), "nope/x.out") != NULL, name);
	}
	rc = crm_sheet_open("csv", tmp, "t", &s);
	tap_ok(rc == CRM_IOERR && strstr(crm_error_message(), "is a directory") != NULL,
	       "a path that is a directory is CRM_IOERR");
	in_tmp(path, sizeof path, "ro");
	mkdir(path, 0555);
	strcat(path, "/x.csv");
	if (geteuid() == 0) {
		tap_ok(1, "a directory without write permission is CRM_IOERR # SKIP root");
	} else {
		rc = crm_sheet_open("csv", path, "t", &s);
		tap_ok(rc == CRM_IOERR && strstr(crm_error_message(), "ro/x.csv: Permission"),
		       "a directory without write permission is CRM_IOERR naming the path");
	}
	rmdir(in_tmp(path, sizeof path, "ro"));
	rc = crm_sheet_open("ods", in_tmp(path, sizeof path, "x.ods"), "t", &s);
	tap_ok(rc == CRM_USAGE && strstr(crm_error_message(), "xlsx, csv or tsv") != NULL,
	       "an unknown format is CRM_USAGE listing the formats");
	rc = crm_sheet_open("csv", in_tmp(path, sizeof path, "x.csv"), "t", &s);
	tap_ok(rc == 0 && crm_sheet_row(s, NULL) == CRM_SOFTWARE,
	       "a row before the header is refused");
	tap_ok(crm_sheet_header(s, 1, fmts, NULL) == 0 && crm_sheet_row(s, NULL) == 0 &&
	       crm_sheet_rows(s) == 0, "values NULL (crm_row_fn's empty result) is no row");
	crm_sheet_close(s, 0);
	tap_ok(entries() == 0, "errors leave nothing behind");
}

/* A write fails half-way (EFBIG stands in for a full disk): the rows stop
 * there, xlsx's too, though its writer thread is the one that sees it. */
static void test_write_failure(const char *format)
{
	static const char *const names[] = { "name", "email", "note" };
	const char *row[3];
	struct rlimit old, small;
	struct crm_sheet *s;
	char path[2048], name[512], v[64], msg[4096];
	int rc, rc2;
	long i;

	getrlimit(RLIMIT_FSIZE, &old);
	small = old;
	small.rlim_cur = 1 << 20;
	signal(SIGXFSZ, SIG_IGN);
	setrlimit(RLIMIT_FSIZE, &small);
	rc = crm_sheet_open(format, in_tmp(path, sizeof path, "full.out"), "t", &s);
	if (!rc)
		rc = crm_sheet_header(s, 3, names, NULL);
	for (i = 0; !rc && i < 40000; i++) {
		snprintf(v, sizeof v, "user%ld@example.com", i);
		row[0] = "Иванов Иван Иванович";
		row[1] = v;
		row[2] = "a note long enough to fill the disk soon";
		rc = crm_sheet_row(s, row);
	}
	snprintf(msg, sizeof msg, "%s", crm_error_message());
	rc2 = s ? crm_sheet_close(s, 1) : rc;
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, SIG_DFL);
	snprintf(name, sizeof name, "%s: the rows stop at the failure, CRM_IOERR naming the file "
		 "(row %ld of 40000: %.200s)", format, i, msg);
	tap_ok(rc == CRM_IOERR && i < 40000 && strstr(msg, path) != NULL, name);
	snprintf(name, sizeof name, "%s: a failed write is CRM_IOERR (%s)", format,
		 crm_error_message());
	tap_ok(rc2 == CRM_IOERR, name);
	snprintf(name, sizeof name, "%s: a failed write leaves no file behind", format);
	tap_ok(entries() == 0, name);
}

/* Run an export in a child whose stdout is fd; the child's exit status. */
static int child_export(int fd, const char *format, const char *tmpdir)
{
	static const char *const names[] = { "name", "phone" };
	static const char *const row[] = { "Иван", "+74951234567" };
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(fd, 1);
		if (tmpdir)
			setenv("TMPDIR", tmpdir, 1);
		_exit(export(format, NULL, "Звонки", 2, names, NULL, row, 1));
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static void test_stdout(void)
{
	char path[2048], *got;
	int fd;

	fd = open(in_tmp(path, sizeof path, "out.csv"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	tap_ok(child_export(fd, "csv", NULL) == 0, "csv: path NULL writes to stdout");
	close(fd);
	got = slurp(path);
	tap_is(got, "name,phone\r\nИван,+74951234567\r\n", "csv: stdout gets the file");
	free(got);
	fd = open("/dev/full", O_WRONLY);
	tap_ok(child_export(fd, "csv", NULL) == CRM_IOERR, "csv: a full stdout is CRM_IOERR");
	tap_ok(child_export(fd, "xlsx", tmp) == CRM_IOERR, "xlsx: a full stdout is CRM_IOERR");
	close(fd);
	tap_ok(entries() == 1, "xlsx: the temporary file in $TMPDIR is removed");
	clean_tmp();
}

/* ---- xlsx through openpyxl */

static const char reader_py[] =
	"import sys, openpyxl\n"
	"wb = openpyxl.load_workbook(sys.argv[1])\n"
	"ws = wb.active\n"
	"out = open(sys.argv[2], 'w', encoding='utf-8')\n"
	"print('sheets', wb.sheetnames, file=out)\n"
	"print('freeze', ws.freeze_panes, file=out)\n"
	"print('filter', ws.auto_filter.ref, file=out)\n"
	"for row in ws.iter_rows():\n"
	"    for c in row:\n"
	"        v = c.value\n"
	"        if isinstance(v, str) and len(v) > 60:\n"
	"            v = 'len=%d %s' % (len(v), v[:3])\n"
	"        print(c.coordinate, c.data_type, 'b' if c.font.b else '-', repr(v), file=out)\n"
	"for k in sorted(ws.column_dimensions):\n"
	"    print('width', k, int(ws.column_dimensions[k].width), file=out)\n";

static const char last_row_py[] =
	"import sys, openpyxl\n"
	"wb = openpyxl.load_workbook(sys.argv[1], read_only=True)\n"
	"n, last = 0, None\n"
	"for row in wb.active.iter_rows(values_only=True):\n"
	"    n, last = n + 1, row\n"
	"print(n, repr(last), file=open(sys.argv[2], 'w', encoding='utf-8'))\n";

/* Run a python script on xlsx; its output (free it), or NULL. */
static char *read_xlsx(const char *script, const char *xlsx)
{
	char py[2048], out[2048], cmd[8192];
	FILE *f;

	f = fopen(in_tmp(py, sizeof py, "read.py"), "w");
	if (!f)
		return NULL;
	fputs(script, f);
	fclose(f);
	in_tmp(out, sizeof out, "read.out");
	snprintf(cmd, sizeof cmd, "%s '%s' '%s' '%s'", PYTHON, py, xlsx, out);
	if (system(cmd) != 0)
		return NULL;
	return slurp(out);
}

static char *long_text(const char *ch, size_t count)
{
	size_t len = strlen(ch), i;
	char *s = malloc(len * count + 1);

	for (i = 0; i < count; i++)
		memcpy(s + i * len, ch, len);
	s[len * count] = '\0';
	return s;
}

static void test_xlsx(void)
{
	static const char *const names[] = { "Name", "Phone", "Code", "Note", "Amount",
					     "Born", "Seen" };
	static const enum crm_cell kinds[] = {
		CRM_CELL_TEXT, CRM_CELL_TEXT, CRM_CELL_TEXT, CRM_CELL_TEXT,
		CRM_CELL_NUMBER, CRM_CELL_DATE, CRM_CELL_DATE,
	};
	const char *rows[] = {
		"Иванов Иван", "+74951234567", "007", "=1+1", "1234.50", "2026-11-26",
		"2026-11-26T14:57:01Z",
		"a\xff" "b", "@SUM(1)", NULL, "-1+2", "007", "2026-13-01", "not a date",
		NULL, "", "\tx", "line1\nline2", "12345678901234567890", NULL,
		"2026-11-26T17:57:01+03:00",
		"x", NULL, NULL, NULL, "-12.5", "1899-12-31", "2026-02-29",
	};
	char path[2048], *got, *big;
	int rc;

	big = long_text("я", 40000);
	rows[14] = big;
	crm_error_set(CRM_DATAERR, "an earlier message");
	rc = export("xlsx", in_tmp(path, sizeof path, "a.xlsx"),
		    "Клиенты: VIP/опт [2026]*? и ещё очень длинное название", 7, names,
		    kinds, rows, 4);
	free(big);
	tap_ok(rc == 0, "xlsx: the export is written");
	tap_is(crm_error_message(), "an earlier message",
	       "xlsx: a text that is no date leaves the error message alone");
	tap_ok(entries() == 1, "xlsx: no temporary or scratch file is left beside it");
	if (!have_openpyxl) {
		skip("xlsx: openpyxl reads the cells back");
		clean_tmp();
		return;
	}
	got = read_xlsx(reader_py, path);
	tap_is(got,
	       "sheets ['Клиенты- VIP-опт 2026 и ещё оче']\n"
	       "freeze A2\n"
	       "filter A1:G5\n"
	       "A1 s b 'Name'\nB1 s b 'Phone'\nC1 s b 'Code'\nD1 s b 'Note'\n"
	       "E1 s b 'Amount'\nF1 s b 'Born'\nG1 s b 'Seen'\n"
	       "A2 s - 'Иванов Иван'\nB2 s - '+74951234567'\nC2 s - '007'\n"
	       "D2 s - '=1+1'\nE2 n - 1234.5\n"
	       "F2 d - datetime.datetime(2026, 11, 26, 0, 0)\n"
	       "G2 d - datetime.datetime(2026, 11, 26, 14, 57, 1)\n"
	       "A3 s - 'a\xef\xbf\xbd" "b'\nB3 s - '@SUM(1)'\nC3 n - None\n"
	       "D3 s - '-1+2'\nE3 s - '007'\nF3 s - '2026-13-01'\nG3 s - 'not a date'\n"
	       "A4 s - 'len=32767 яяя'\nB4 n - None\nC4 s - '\\tx'\n"
	       "D4 s - 'line1\\nline2'\nE4 s - '12345678901234567890'\nF4 n - None\n"
	       "G4 d - datetime.datetime(2026, 11, 26, 14, 57, 1)\n"
	       "A5 s - 'x'\nB5 n - None\nC5 n - None\nD5 n - None\nE5 n - -12.5\n"
	       "F5 s - '1899-12-31'\nG5 s - '2026-02-29'\n"
	       "width A 60\nwidth B 13\nwidth C 8\nwidth D 8\nwidth E 21\n"
	       "width F 11\nwidth G 20\n",
	       "xlsx: openpyxl reads bold header, frozen row, autofilter, widths, text "
	       "kept as text, numbers, dates, a cut long text, the sheet name");
	free(got);
	clean_tmp();
}

/* The sheet name a title gives, through openpyxl. */
static void test_title(const char *title, const char *want, const char *name)
{
	static const char *const names[] = { "a" };
	char path[2048], line[256], *got;

	if (!have_openpyxl) {
		skip(name);
		return;
	}
	export("xlsx", in_tmp(path, sizeof path, "t.xlsx"), title, 1, names, NULL, NULL, 0);
	got = read_xlsx(reader_py, path);
	snprintf(line, sizeof line, "sheets ['%s']", want);
	tap_ok(got && strncmp(got, line, strlen(line)) == 0, name);
	if (got && strncmp(got, line, strlen(line)) != 0)
		printf("# got: %.*s\n", (int)strcspn(got, "\n"), got);
	free(got);
	clean_tmp();
}

static void test_titles(void)
{
	char *emoji = long_text("\xf0\x9f\x98\x80", 20), want[128];

	test_title(NULL, "Export", "xlsx: no title is \"Export\"");
	test_title("[*?]", "Export", "xlsx: a title of forbidden characters is \"Export\"");
	test_title("'quoted'", "quoted", "xlsx: apostrophes at the ends are dropped");
	test_title("history", "History_", "xlsx: Excel's reserved \"History\" is avoided");
	memcpy(want, emoji, 15 * 4);
	want[15 * 4] = '\0';
	test_title(emoji, want, "xlsx: a title is cut at 31 UTF-16 units, not bytes");
	free(emoji);
}

static void test_xlsx_empty(void)
{
	static const char *const names[] = { "Email Address", "First Name", "Last Name" };
	char path[2048], *got;

	tap_ok(export("xlsx", in_tmp(path, sizeof path, "e.xlsx"), "Пусто", 3, names, NULL,
		      NULL, 0) == 0, "xlsx: an export without rows is written");
	if (!have_openpyxl) {
		skip("xlsx: an empty export is the header alone");
		clean_tmp();
		return;
	}
	got = read_xlsx(reader_py, path);
	tap_ok(got && strstr(got, "filter A1:C1\nA1 s b 'Email Address'\n") &&
	       !strstr(got, "\nA2 "), "xlsx: an empty export is the bold header with its filter");
	free(got);
	clean_tmp();
}

static void test_xlsx_stdout(void)
{
	char path[2048], *got;
	int fd;

	if (!have_openpyxl) {
		skip("xlsx: path NULL writes the workbook to stdout");
		return;
	}
	fd = open(in_tmp(path, sizeof path, "out.xlsx"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	tap_ok(child_export(fd, "xlsx", tmp) == 0, "xlsx: path NULL writes to stdout");
	close(fd);
	got = read_xlsx(reader_py, path);
	tap_ok(got && strstr(got, "sheets ['Звонки']") &&
	       strstr(got, "B2 s - '+74951234567'"), "xlsx: stdout gets a readable workbook");
	free(got);
	clean_tmp();
}

/* Peak resident memory, in kilobytes. */
static long peak_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void test_xlsx_big(void)
{
	static const char *const names[] = { "Company", "Phone", "Email", "Code",
					     "Amount", "Seen" };
	static const enum crm_cell kinds[] = {
		CRM_CELL_TEXT, CRM_CELL_TEXT, CRM_CELL_TEXT, CRM_CELL_TEXT,
		CRM_CELL_NUMBER, CRM_CELL_DATE,
	};
	char path[2048], v[5][64], msg[128], *got;
	const char *row[6];
	struct crm_sheet *s;
	long before, grown, i;
	int rc;

	before = peak_kb();
	rc = crm_sheet_open("xlsx", in_tmp(path, sizeof path, "big.xlsx"), "Big", &s);
	if (!rc)
		rc = crm_sheet_header(s, 6, names, kinds);
	for (i = 0; !rc && i < 100000; i++) {
		snprintf(v[0], sizeof v[0], "ООО Насосы и компрессоры %ld", i);
		snprintf(v[1], sizeof v[1], "+7495%07ld", i);
		snprintf(v[2], sizeof v[2], "user%ld@example.com", i);
		snprintf(v[3], sizeof v[3], "%05ld", i % 100000);
		snprintf(v[4], sizeof v[4], "%ld.50", i);
		row[0] = v[0], row[1] = v[1], row[2] = v[2], row[3] = v[3], row[4] = v[4];
		row[5] = "2026-11-26T14:57:01Z";
		rc = crm_sheet_row(s, row);
	}
	tap_ok(rc == 0 && crm_sheet_rows(s) == 100000, "xlsx: 100,000 rows are taken");
	rc = crm_sheet_close(s, 1);
	tap_ok(rc == 0, "xlsx: 100,000 rows are written");
	grown = (peak_kb() - before) / 1024;
	snprintf(msg, sizeof msg, "xlsx: memory stays flat (peak grew %ld MB, under 64)", grown);
	tap_ok(grown < 64, msg);
	if (!have_openpyxl) {
		skip("xlsx: openpyxl reads the last of 100,000 rows");
		clean_tmp();
		return;
	}
	got = read_xlsx(last_row_py, path);
	tap_is(got, "100001 ('ООО Насосы и компрессоры 99999', '+74950099999', "
		    "'user99999@example.com', '99999', 99999.5, "
		    "datetime.datetime(2026, 11, 26, 14, 57, 1))\n",
	       "xlsx: openpyxl reads the last of 100,000 rows");
	free(got);
	clean_tmp();
}

#ifdef __SANITIZE_ADDRESS__
/* ASan keeps freed memory in a 256 MB quarantine by default, which would
 * show as growth that the library does not cause; keep it small. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=16";
}
#endif

static void test_format(void)
{
	tap_is(crm_sheet_format("csv", "out.xlsx"), "csv", "format: --format wins over the file's ending");
	tap_is(crm_sheet_format(NULL, "dir/out.xlsx"), "xlsx", "format: .xlsx is xlsx");
	tap_is(crm_sheet_format(NULL, "OUT.CSV"), "csv", "format: .CSV is csv, in any case");
	tap_is(crm_sheet_format(NULL, "out.txt"), "tsv", "format: another ending is tsv");
	tap_is(crm_sheet_format(NULL, "xlsx"), "tsv", "format: a name without a dot is tsv");
	tap_is(crm_sheet_format(NULL, NULL), "tsv", "format: standard output is tsv");
}

int main(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmp, sizeof tmp, "%s/test-sheet.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmp)) {
		perror(tmp);
		return 99;
	}
	have_openpyxl = system(PYTHON " -c 'import openpyxl' 2>/dev/null") == 0;
	test_xlsx_big(); /* first, while the peak is still low */
	test_tsv();
	test_csv();
	test_csv_one_column();
	test_abandon("csv");
	test_abandon("tsv");
	test_abandon("xlsx");
	test_abandon_busy();
	test_errors();
	test_write_failure("csv");
	test_write_failure("xlsx");
	test_stdout();
	test_xlsx();
	test_titles();
	test_format();
	test_xlsx_empty();
	test_xlsx_stdout();
	clean_tmp();
	rmdir(tmp);
	return tap_done();
}
