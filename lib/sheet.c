/*
 * sheet.c: export files for people and for other programs: xlsx for Excel
 * and LibreOffice (libxlsxwriter in constant-memory mode, so that a million
 * rows stay within a few megabytes), csv for MailChimp and other importers
 * (RFC 4180, quoted by libcsv, guarded against formula injection the way
 * OWASP recommends) and crm-tsv(5) for our own pipes. A file is written
 * beside its final name and renamed into place only when the caller
 * commits, so a failed export never leaves a half-written file behind.
 * The xlsx writer is xlsx.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>

#include "sheet-private.h"

static int no_memory(void)
{
	return crm_error_set(CRM_SOFTWARE, "out of memory");
}

static int write_error(struct crm_sheet *s)
{
	return crm_error_set(CRM_IOERR, "%s: %s", crm_sheet_where(s), strerror(errno));
}

static int parse_format(const char *name, enum sheet_format *fmt)
{
	if (name && strcmp(name, "xlsx") == 0)
		*fmt = FMT_XLSX;
	else if (name && strcmp(name, "csv") == 0)
		*fmt = FMT_CSV;
	else if (name && strcmp(name, "tsv") == 0)
		*fmt = FMT_TSV;
	else
		return crm_error_set(CRM_USAGE, "unknown format \"%s\": expected xlsx, csv or tsv",
				     name ? name : "");
	return 0;
}

/* ---- the file on disk */

/* The mode a shell's ">" would give (mkstemp's 0600 is for secrets). */
static void set_mode(int fd)
{
	mode_t mask = umask(022);

	umask(mask);
	(void)fchmod(fd, 0666 & ~mask);
}

/* Create s->tmp, a mkstemp(3) template; errors name what the user named. */
static int create_temp(struct crm_sheet *s, const char *name, int *fd)
{
	int e;

	*fd = mkstemp(s->tmp);
	if (*fd >= 0)
		return 0;
	e = errno;
	free(s->tmp);
	s->tmp = NULL;
	return crm_error_set(CRM_IOERR, "%s: %s", name, strerror(e));
}

/* "dir/name.XXXXXX" beside path: rename(2) stays on one file system. */
static int make_temp(struct crm_sheet *s, const char *path, int *fd)
{
	struct stat st;
	size_t len = strlen(path);
	int rc;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return crm_error_set(CRM_IOERR, "%s: is a directory", path);
	s->path = strdup(path);
	if (!s->path)
		return no_memory();
	s->tmp = malloc(len + sizeof ".XXXXXX");
	if (!s->tmp)
		return no_memory();
	memcpy(s->tmp, path, len);
	memcpy(s->tmp + len, ".XXXXXX", sizeof ".XXXXXX");
	rc = create_temp(s, path, fd);
	if (!rc)
		set_mode(*fd);
	return rc;
}

/* xlsx to stdout is built in $TMPDIR first: a zip file needs to seek. */
static int make_stdout_temp(struct crm_sheet *s, int *fd)
{
	const char *dir = getenv("TMPDIR");
	size_t len;

	if (!dir || !*dir)
		dir = "/tmp";
	s->tmpdir = strdup(dir);
	if (!s->tmpdir)
		return no_memory();
	len = strlen(dir) + sizeof "/crm-sheet.XXXXXX";
	s->tmp = malloc(len);
	if (!s->tmp)
		return no_memory();
	snprintf(s->tmp, len, "%s/crm-sheet.XXXXXX", dir);
	return create_temp(s, dir, fd);
}

/* libxlsxwriter's scratch files go beside the output, on its file system. */
static int tmpdir_of(struct crm_sheet *s, const char *path)
{
	char *copy = strdup(path);

	s->tmpdir = copy ? strdup(dirname(copy)) : NULL;
	free(copy);
	return s->tmpdir ? 0 : no_memory();
}

static int open_target(struct crm_sheet *s, const char *path)
{
	int fd = -1, rc;

	if (!path && s->fmt != FMT_XLSX) {
		s->f = stdout;
		return 0;
	}
	rc = path ? make_temp(s, path, &fd) : make_stdout_temp(s, &fd);
	if (rc)
		return rc;
	if (s->fmt == FMT_XLSX) {
		/* libxlsxwriter opens the file by its name when it closes. */
		close(fd);
		return path ? tmpdir_of(s, path) : 0;
	}
	s->f = fdopen(fd, "w");
	if (!s->f) {
		close(fd);
		return no_memory();
	}
	return 0;
}

/* Make a rename durable too; a failure here loses nothing already written. */
static void sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd;

	if (!copy)
		return;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(copy);
}

static int fsync_path(struct crm_sheet *s)
{
	int fd = open(s->tmp, O_RDONLY), rc;

	if (fd < 0)
		return write_error(s);
	rc = fsync(fd);
	close(fd);
	return rc ? write_error(s) : 0;
}

static int put_in_place(struct crm_sheet *s)
{
	if (rename(s->tmp, s->path) != 0)
		return crm_error_set(CRM_IOERR, "%s: cannot rename %s into place: %s",
				     s->path, s->tmp, strerror(errno));
	free(s->tmp);
	s->tmp = NULL;
	sync_dir(s->path);
	return 0;
}

/* Flush, sync and close the csv or tsv stream; stdout is only flushed. */
static int close_stream(struct crm_sheet *s)
{
	FILE *f = s->f;

	if (fflush(f) != 0 || ferror(f))
		return write_error(s);
	if (f == stdout)
		return 0;
	s->f = NULL;
	if (fsync(fileno(f)) != 0) {
		int e = errno;

		fclose(f);
		errno = e;
		return write_error(s);
	}
	if (fclose(f) != 0)
		return write_error(s);
	return 0;
}

static int copy_to_stdout(struct crm_sheet *s)
{
	char buf[65536];
	FILE *in = fopen(s->tmp, "rb");
	size_t got;

	if (!in)
		return crm_error_set(CRM_IOERR, "%s: %s", s->tmp, strerror(errno));
	while ((got = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, got, stdout) != got)
			break;
	if (ferror(in)) {
		fclose(in);
		return crm_error_set(CRM_IOERR, "%s: %s", s->tmp, strerror(errno));
	}
	fclose(in);
	if (fflush(stdout) != 0 || ferror(stdout))
		return write_error(s);
	return 0;
}

/* ---- csv */

/*
 * OWASP's rule against CSV injection: a field that starts with = + - @ TAB
 * or CR may be run as a formula by a spreadsheet, so it gets a leading
 * apostrophe, which Excel and LibreOffice take as "this is text". A number
 * or a phone number is left as it is ("-12.5", "+7 495 123-45-67": an
 * optional sign, then only digits, spaces, parentheses, dots and dashes,
 * with at least one digit): importers such as MailChimp need it intact,
 * and without letters it cannot call a function.
 */
static int needs_guard(const char *v)
{
	const char *p;
	int digit = 0;

	if (!v[0] || !strchr("=+-@\t\r", v[0]))
		return 0;
	for (p = v + (v[0] == '+' || v[0] == '-'); *p; p++) {
		if (*p >= '0' && *p <= '9')
			digit = 1;
		else if (!strchr(" ().-", *p))
			return 1;
	}
	return !digit;
}

/*
 * Quotes only where RFC 4180 needs them, so that plain files stay plain;
 * also around a first field starting "ID", which Excel would take for a
 * SYLK file.
 */
static int needs_quotes(const char *v, int first)
{
	return strpbrk(v, ",\"\r\n") != NULL || (first && strncmp(v, "ID", 2) == 0);
}

static int csv_field(struct crm_sheet *s, const char *v, int first)
{
	size_t len;

	if (!v || !*v) {
		/* A lone empty field would make a blank line, which readers skip. */
		if (s->n == 1 && fputs("\"\"", s->f) == EOF)
			return write_error(s);
		return 0;
	}
	len = strlen(v);
	if (needs_guard(v)) {
		if (crm_sheet_reserve(s, len + 1))
			return CRM_SOFTWARE;
		s->buf[0] = '\'';
		memcpy(s->buf + 1, v, len + 1);
		v = s->buf;
		len++;
	}
	if (needs_quotes(v, first)) {
		if (csv_fwrite(s->f, v, len) != 0)
			return write_error(s);
	} else if (fwrite(v, 1, len, s->f) != len) {
		return write_error(s);
	}
	return 0;
}

/* One record, CRLF-terminated as RFC 4180 says (MailChimp takes either). */
static int csv_row(struct crm_sheet *s, const char *const *v, int header)
{
	size_t i;
	int rc;

	for (i = 0; i < s->n; i++) {
		if (i && putc(',', s->f) == EOF)
			return write_error(s);
		rc = csv_field(s, v[i], header && i == 0);
		if (rc)
			return rc;
	}
	if (fputs("\r\n", s->f) == EOF)
		return write_error(s);
	return 0;
}

static int tsv_row(struct crm_sheet *s, const char *const *v)
{
	int rc = crm_tsv_put_row(s->f, s->n, v);

	if (rc)
		crm_error_prefix("%s", crm_sheet_where(s));
	return rc;
}

/* ---- the API */

static void sheet_free(struct crm_sheet *s)
{
	crm_xlsx_free(s);
	if (s->f && s->f != stdout)
		fclose(s->f);
	else if (s->f == stdout)
		fflush(stdout);
	if (s->tmp)
		unlink(s->tmp);
	free(s->path);
	free(s->tmp);
	free(s->tmpdir);
	free(s->kinds);
	free(s->buf);
	free(s);
}

const char *crm_sheet_format(const char *format, const char *path)
{
	const char *dot = path ? strrchr(path, '.') : NULL;

	if (format)
		return format;
	if (dot && !strcasecmp(dot, ".xlsx"))
		return "xlsx";
	if (dot && !strcasecmp(dot, ".csv"))
		return "csv";
	return "tsv";
}

int crm_sheet_open(const char *format, const char *path, const char *title,
		   struct crm_sheet **out)
{
	enum sheet_format fmt = FMT_CSV;
	struct crm_sheet *s;
	int rc;

	*out = NULL;
	rc = parse_format(format, &fmt);
	if (rc)
		return rc;
	s = calloc(1, sizeof *s);
	if (!s)
		return no_memory();
	crm_xlsx_init(s);
	s->fmt = fmt;
	rc = open_target(s, path);
	if (!rc && fmt == FMT_XLSX)
		rc = crm_xlsx_open(s, title);
	if (rc) {
		sheet_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int crm_sheet_header(struct crm_sheet *s, size_t n, const char *const *names,
		     const enum crm_cell *kinds)
{
	size_t i;

	if (s->n)
		return crm_error_set(CRM_SOFTWARE, "%s: the header was given twice", crm_sheet_where(s));
	if (n == 0)
		return crm_error_set(CRM_SOFTWARE, "%s: a header without columns", crm_sheet_where(s));
	if (s->fmt == FMT_XLSX && n > LXW_COL_MAX)
		return crm_error_set(CRM_DATAERR, "%s: an xlsx sheet holds at most %d columns, "
				     "not %zu", crm_sheet_where(s), LXW_COL_MAX, n);
	s->kinds = malloc(n * sizeof *s->kinds);
	if (!s->kinds)
		return no_memory();
	for (i = 0; i < n; i++)
		s->kinds[i] = kinds ? kinds[i] : CRM_CELL_TEXT;
	s->n = n;
	switch (s->fmt) {
	case FMT_XLSX:
		s->failed = crm_xlsx_header(s, names);
		break;
	case FMT_CSV:
		s->failed = csv_row(s, names, 1);
		break;
	default:
		s->failed = tsv_row(s, names);
		break;
	}
	return s->failed;
}

int crm_sheet_row(struct crm_sheet *s, const char *const *values)
{
	int rc;

	if (!s->n)
		return crm_error_set(CRM_SOFTWARE, "%s: a row before the header", crm_sheet_where(s));
	if (s->failed) /* the file is incomplete: say so again */
		return crm_error_set(s->failed, "%s: an earlier write failed", crm_sheet_where(s));
	if (!values) /* crm_row_fn's "empty result": the header alone */
		return 0;
	switch (s->fmt) {
	case FMT_XLSX:
		rc = crm_xlsx_row(s, values);
		break;
	case FMT_CSV:
		rc = csv_row(s, values, 0);
		break;
	default:
		rc = tsv_row(s, values);
		break;
	}
	if (rc) {
		s->failed = rc;
		return rc;
	}
	s->rows++;
	return 0;
}

unsigned long crm_sheet_rows(const struct crm_sheet *s)
{
	return s->rows;
}

static int publish(struct crm_sheet *s)
{
	int rc;

	if (s->failed)
		return crm_error_set(s->failed, "%s: not written: an earlier write failed",
				     crm_sheet_where(s));
	if (s->fmt == FMT_XLSX) {
		rc = crm_xlsx_finish(s);
		if (!rc && !s->path)
			return copy_to_stdout(s);
		if (!rc)
			rc = fsync_path(s);
	} else {
		rc = close_stream(s);
		if (!rc && !s->path)
			return 0;
	}
	return rc ? rc : put_in_place(s);
}

int crm_sheet_close(struct crm_sheet *s, int commit)
{
	int rc = 0;

	if (!s)
		return 0;
	if (commit)
		rc = publish(s);
	sheet_free(s);
	return rc;
}
