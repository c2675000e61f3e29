/*
 * xlsx.c: the xlsx writer of export files, for Excel and LibreOffice:
 * libxlsxwriter in constant-memory mode, so that a million rows stay
 * within a few megabytes. Values become typed cells (numbers and dates
 * when a column holds them, text that is never a formula), sheet names and
 * texts are made what Excel accepts, the first rows set the column widths,
 * and the rows are written by a thread of the sheet's own (see "the writer
 * thread" below). sheet.c owns the file and the API.
 */
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/statvfs.h>

#include <xlsxwriter.h>

#include "sheet-private.h"

#define XLSX_ROWS_MAX (LXW_ROW_MAX - 1) /* the header takes the first */
#define XLSX_CELL_MAX 32767 /* Excel's limit, in UTF-16 units */
#define TITLE_MAX 31        /* Excel's limit on a sheet name, likewise */
#define WIDTH_ROWS 100      /* rows that decide the column widths */
#define WIDTH_MIN 8
#define WIDTH_MAX 60
#define DATE_WIDTH 10       /* "2026-11-26" */
#define DATETIME_WIDTH 19   /* "2026-11-26 14:57:01" */
#define CHUNK_BYTES (64 << 10) /* rows handed to the writer thread at once */

static int no_memory(void)
{
	return crm_error_set(CRM_SOFTWARE, "out of memory");
}

static int lxw_fail(struct crm_sheet *s, lxw_error e)
{
	return crm_error_set(CRM_IOERR, "%s: %s", crm_sheet_where(s), lxw_strerror(e));
}

/* ---- xlsx: names, text, numbers, dates, widths */

/* The bytes of the UTF-8 character led by c (the text is valid by now). */
static size_t char_bytes(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* Excel counts UTF-16 units: a character beyond the BMP takes two. */
static size_t char_units(unsigned char c)
{
	return c >= 0xf0 ? 2 : 1;
}

/* Keep a title character? '/', '\' and ':' read well as '-'. */
static int title_char(const char *p, char *subst)
{
	*subst = 0;
	if ((unsigned char)*p < 0x20 || strchr("[]*?", *p))
		return 0;
	if (strchr("/\\:", *p))
		*subst = '-';
	return 1;
}

/* Drop spaces and apostrophes at both ends: Excel refuses the latter. */
static void title_trim(char *name)
{
	size_t len = strlen(name), skip = strspn(name, " '");

	while (len > skip && (name[len - 1] == ' ' || name[len - 1] == '\''))
		len--;
	memmove(name, name + skip, len - skip);
	name[len - skip] = '\0';
}

/*
 * A sheet name Excel accepts, made from title: without []:*?/\ and control
 * characters, at most 31 characters, never empty ("Export") and never the
 * name Excel reserves ("History").
 */
static void sheet_name(const char *title, char *name)
{
	size_t i = 0, units = 0, k;
	const char *p;
	char subst;

	name[0] = '\0';
	if (title && crm_utf8_valid(title, strlen(title))) {
		for (p = title; *p; p += k) {
			k = char_bytes(*p);
			if (!title_char(p, &subst))
				continue;
			if (units + char_units(*p) > TITLE_MAX)
				break;
			units += char_units(*p);
			memcpy(name + i, subst ? &subst : p, subst ? 1 : k);
			i += subst ? 1 : k;
		}
		name[i] = '\0';
		title_trim(name);
	}
	if (!name[0])
		strcpy(name, "Export");
	else if (strcasecmp(name, "History") == 0)
		strcpy(name, "History_");
}

/* The length of the valid UTF-8 character at p, or 0 for a bad byte. */
static size_t valid_char(const char *p, size_t left)
{
	size_t k;

	for (k = 1; k <= 4 && k <= left; k++)
		if (crm_utf8_valid(p, k))
			return k;
	return 0;
}

/* v with each bad byte as U+FFFD, in s->buf: one bad byte in the XML
 * would make Excel refuse the whole file. */
static int repair_utf8(struct crm_sheet *s, const char *v, size_t *len)
{
	size_t i = 0, o = 0, k;

	if (crm_sheet_reserve(s, *len * 3))
		return CRM_SOFTWARE;
	while (i < *len) {
		k = valid_char(v + i, *len - i);
		if (k) {
			memcpy(s->buf + o, v + i, k);
			i += k;
			o += k;
		} else {
			memcpy(s->buf + o, "\xef\xbf\xbd", 3);
			i++;
			o += 3;
		}
	}
	s->buf[o] = '\0';
	*len = o;
	return 0;
}

/* The bytes of the longest prefix of valid p that fits a cell. */
static size_t cell_cut(const char *p, size_t len)
{
	size_t i = 0, units = 0, u;

	while (i < len) {
		u = char_units(p[i]);
		if (units + u > XLSX_CELL_MAX)
			break;
		units += u;
		i += char_bytes(p[i]);
	}
	return crm_utf8_cut(p, i);
}

/* v as a cell can hold it: valid UTF-8, cut to 32,767 characters. */
static int cell_text(struct crm_sheet *s, const char *v, const char **out)
{
	size_t len = strlen(v), cut;
	int rc;

	if (!crm_utf8_valid(v, len)) {
		rc = repair_utf8(s, v, &len);
		if (rc)
			return rc;
		v = s->buf;
	}
	*out = v;
	if (len <= XLSX_CELL_MAX) /* a byte is at most one unit */
		return 0;
	cut = cell_cut(v, len);
	if (v != s->buf) {
		if (crm_sheet_reserve(s, cut))
			return CRM_SOFTWARE;
		memcpy(s->buf, v, cut);
	}
	s->buf[cut] = '\0';
	*out = s->buf;
	return 0;
}

/* Skip ASCII digits; count them into *n. */
static const char *digits(const char *p, int *n)
{
	for (; *p >= '0' && *p <= '9'; p++)
		(*n)++;
	return p;
}

/*
 * A number Excel holds just as written: an optional minus, digits without
 * a leading zero ("007" is a code), an optional fraction and exponent, at
 * most 15 significant digits (Excel's precision: more would be rounded).
 */
static int is_number(const char *v)
{
	const char *p = v + (*v == '-');
	int n = 0, sig = 0, exp = 0;

	if (p[0] == '0' && p[1] >= '0' && p[1] <= '9')
		return 0;
	p = digits(p, &n);
	if (*p == '.') {
		int frac = 0;

		p = digits(p + 1, &frac);
		if (!frac)
			return 0;
		n += frac;
	}
	if (!n)
		return 0;
	if (*p == 'e' || *p == 'E') {
		p += 1 + (p[1] == '+' || p[1] == '-');
		p = digits(p, &exp);
		if (!exp)
			return 0;
	}
	if (*p)
		return 0;
	/* Leading zeros ("0.005") are not significant. */
	for (p = v + (*v == '-'); *p == '0' || *p == '.'; p++)
		;
	for (; *p && *p != 'e' && *p != 'E'; p++)
		sig += *p != '.';
	return sig <= 15;
}

static int number_value(struct crm_sheet *s, const char *v, double *d)
{
	char *end;

	if (!is_number(v))
		return 0;
	*d = strtod_l(v, &end, s->c_locale);
	return *end == '\0' && isfinite(*d);
}

/* "YYYY-MM-DD", then the end or a time: worth handing to crm_time_parse. */
static int date_shape(const char *v)
{
	static const char shape[] = "dddd-dd-dd";
	int i;

	for (i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? v[i] < '0' || v[i] > '9' : v[i] != shape[i])
			return 0;
	return v[10] == '\0' || v[10] == 'T' || v[10] == ' ';
}

/*
 * An ISO 8601 date or time as Excel's broken-down UTC time (Excel has no
 * zones, and crm keeps every time in UTC). A text that is no date leaves
 * the error message as it was: this is not a failure.
 */
static int date_value(const char *v, lxw_datetime *dt, int *with_time)
{
	char saved[4096];
	struct tm tm;
	time_t t;

	if (!date_shape(v))
		return 0;
	snprintf(saved, sizeof saved, "%s", crm_error_message());
	if (crm_time_parse(v, &t) != 0) {
		crm_error_set(0, "%s", saved);
		return 0;
	}
	if (!gmtime_r(&t, &tm) || tm.tm_year < 0) /* Excel starts at 1900 */
		return 0;
	dt->year = tm.tm_year + 1900;
	dt->month = tm.tm_mon + 1;
	dt->day = tm.tm_mday;
	dt->hour = tm.tm_hour;
	dt->min = tm.tm_min;
	dt->sec = tm.tm_sec;
	*with_time = v[10] != '\0';
	return 1;
}

/* The longest line of v, in characters. */
static size_t text_width(const char *v)
{
	size_t w = 0, line = 0;

	for (; *v; v++) {
		if (*v == '\n') {
			line = 0;
		} else if (((unsigned char)*v & 0xc0) != 0x80 && ++line > w) {
			w = line;
		}
	}
	return w;
}

/* Widen column c for content w characters wide (plus a margin). */
static void see_width(struct crm_sheet *s, size_t c, size_t w)
{
	w += 1;
	if (w > WIDTH_MAX)
		w = WIDTH_MAX;
	if (w > s->width[c])
		s->width[c] = w;
}

/* ---- xlsx: the workbook */

static int xlsx_formats(struct crm_sheet *s)
{
	s->bold = workbook_add_format(s->wb);
	s->date = workbook_add_format(s->wb);
	s->datetime = workbook_add_format(s->wb);
	if (!s->bold || !s->date || !s->datetime)
		return no_memory();
	format_set_bold(s->bold);
	format_set_num_format(s->date, "yyyy-mm-dd");
	format_set_num_format(s->datetime, "yyyy-mm-dd hh:mm:ss");
	return 0;
}

int crm_xlsx_open(struct crm_sheet *s, const char *title)
{
	lxw_workbook_options o = { .constant_memory = LXW_TRUE, .tmpdir = s->tmpdir };
	char name[TITLE_MAX * 4 + 1];

	sheet_name(title, name);
	s->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (s->c_locale == (locale_t)0)
		return no_memory();
	s->wb = workbook_new_opt(s->tmp, &o);
	if (!s->wb)
		return no_memory();
	if (workbook_validate_sheet_name(s->wb, name) != LXW_NO_ERROR)
		strcpy(name, "Export"); /* a rule of Excel's we did not know */
	s->ws = workbook_add_worksheet(s->wb, name);
	if (!s->ws)
		return crm_error_set(CRM_IOERR, "%s: cannot make a temporary file in %s",
				     crm_sheet_where(s), s->tmpdir);
	worksheet_freeze_panes(s->ws, 1, 0);
	return xlsx_formats(s);
}

static int xlsx_header(struct crm_sheet *s, const char *const *names)
{
	const char *v;
	size_t i, w;
	lxw_error e;
	int rc;

	s->width = calloc(s->n, sizeof *s->width);
	if (!s->width)
		return no_memory();
	for (i = 0; i < s->n; i++) {
		rc = cell_text(s, names[i] ? names[i] : "", &v);
		if (rc)
			return rc;
		/* Bold type and the filter button need about three more. */
		w = text_width(v) + 3;
		s->width[i] = w < WIDTH_MIN ? WIDTH_MIN : w > WIDTH_MAX ? WIDTH_MAX : w;
		e = worksheet_write_string(s->ws, 0, i, v, s->bold);
		if (e)
			return lxw_fail(s, e);
	}
	return 0;
}

/* A typed cell of the next row: a number or a date when it is one, else
 * text. The first rows show what a column holds: they set its width. */
static int xlsx_cell(struct crm_sheet *s, size_t c, const char *v)
{
	lxw_row_t r = s->written + 1;
	int wide = s->written < WIDTH_ROWS, with_time, rc;
	lxw_datetime dt;
	const char *t;
	double d;
	lxw_error e;

	if (s->kinds[c] == CRM_CELL_NUMBER && number_value(s, v, &d)) {
		if (wide)
			see_width(s, c, strlen(v));
		e = worksheet_write_number(s->ws, r, c, d, NULL);
	} else if (s->kinds[c] == CRM_CELL_DATE && date_value(v, &dt, &with_time)) {
		if (wide)
			see_width(s, c, with_time ? DATETIME_WIDTH : DATE_WIDTH);
		e = worksheet_write_datetime(s->ws, r, c, &dt,
					     with_time ? s->datetime : s->date);
	} else {
		/* Never a formula, whatever it starts with: always a string. */
		rc = cell_text(s, v, &t);
		if (rc)
			return rc;
		if (wide)
			see_width(s, c, text_width(t));
		e = worksheet_write_string(s->ws, r, c, t, NULL);
	}
	return e ? lxw_fail(s, e) : 0;
}

/* ---- xlsx: the writer thread
 *
 * Making the XML of every cell takes libxlsxwriter longer than SQLite
 * takes to find the rows, so the two run side by side: crm_sheet_row
 * copies each row into a chunk, and a thread of the sheet's own writes
 * whole chunks into the workbook. SQLite stays on the caller's thread (it
 * runs without mutexes), and the workbook is opened and closed there too,
 * before the thread starts and after it has ended. At most CHUNKS chunks
 * are in flight, so memory stays bounded however fast the rows come. The
 * writer's failure goes back to the caller, message and all, at the next
 * chunk handed over or at the close.
 */

static int write_chunk(struct crm_sheet *s, const struct chunk *k)
{
	const char *p = k->buf, *end = k->buf + k->len, *v;
	FILE *f = s->ws->optimize_tmpfile;
	size_t c;
	int rc;

	while (p < end) {
		for (c = 0; c < s->n; c++) {
			v = p;
			p += strlen(p) + 1;
			if (*v && (rc = xlsx_cell(s, c, v)))
				return rc;
		}
		s->written++;
	}
	/* libxlsxwriter does not check these writes: a full disk shows here,
	 * a chunk later, rather than after the last row. */
	if (f && ferror(f))
		return crm_error_set(CRM_IOERR, "%s: cannot write the sheet's data in %s",
				     crm_sheet_where(s), s->tmpdir);
	return 0;
}

static void *writer_main(void *arg)
{
	struct crm_sheet *s = arg;
	int rc;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		while (s->taken == s->given && !s->closing)
			pthread_cond_wait(&s->more, &s->lock);
		if (s->taken == s->given || s->stop)
			break;
		pthread_mutex_unlock(&s->lock);
		rc = write_chunk(s, &s->chunk[s->taken % CHUNKS]);
		pthread_mutex_lock(&s->lock);
		if (rc) {
			s->wstatus = rc;
			snprintf(s->wmessage, sizeof s->wmessage, "%s", crm_error_message());
			break;
		}
		s->taken++;
		pthread_cond_signal(&s->room);
	}
	pthread_cond_signal(&s->room); /* a caller waiting for room: the failure */
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

static int writer_start(struct crm_sheet *s)
{
	int e = pthread_create(&s->writer, NULL, writer_main, s);

	if (e)
		return crm_error_set(CRM_SOFTWARE, "%s: cannot start a thread to write it: %s",
				     crm_sheet_where(s), strerror(e));
	s->writing = 1;
	return 0;
}

/* The writer's failure as this thread's (with the lock held, or after the
 * thread has ended). */
static int writer_failure(struct crm_sheet *s)
{
	return crm_error_set(s->wstatus, "%s", s->wmessage);
}

/* Hand the chunk being filled to the writer; wait while all are in flight. */
static int hand_over(struct crm_sheet *s)
{
	int rc = 0;

	pthread_mutex_lock(&s->lock);
	s->given++;
	pthread_cond_signal(&s->more);
	while (s->given - s->taken == CHUNKS && !s->wstatus)
		pthread_cond_wait(&s->room, &s->lock);
	if (s->wstatus)
		rc = writer_failure(s);
	pthread_mutex_unlock(&s->lock);
	s->chunk[s->given % CHUNKS].len = 0;
	return rc;
}

/* End the writer: after it has written every row taken (finish), or at
 * once. Its failure, if any. */
static int writer_end(struct crm_sheet *s, int finish)
{
	int rc = 0;

	if (!s->writing)
		return 0;
	pthread_mutex_lock(&s->lock);
	if (finish && s->chunk[s->given % CHUNKS].len)
		s->given++;
	s->closing = 1;
	s->stop = !finish;
	pthread_cond_signal(&s->more);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->writer, NULL);
	s->writing = 0;
	if (s->wstatus)
		rc = writer_failure(s);
	return rc;
}

/* Append v (NULL: empty) to chunk k. */
static int chunk_put(struct chunk *k, const char *v)
{
	size_t len = v ? strlen(v) : 0, cap = k->cap ? k->cap : 2 * CHUNK_BYTES;
	char *p;

	if (k->len + len + 1 > k->cap) {
		while (cap < k->len + len + 1)
			cap *= 2;
		p = realloc(k->buf, cap);
		if (!p)
			return no_memory();
		k->buf = p;
		k->cap = cap;
	}
	if (len)
		memcpy(k->buf + k->len, v, len);
	k->buf[k->len + len] = '\0';
	k->len += len + 1;
	return 0;
}

/* Take a row for the writer thread. */
int crm_xlsx_row(struct crm_sheet *s, const char *const *values)
{
	struct chunk *k = &s->chunk[s->given % CHUNKS];
	size_t c;
	int rc;

	if (s->rows >= XLSX_ROWS_MAX)
		return crm_error_set(CRM_DATAERR, "%s: an xlsx sheet holds at most %d rows; "
				     "use csv", crm_sheet_where(s), XLSX_ROWS_MAX);
	for (c = 0; c < s->n; c++)
		if ((rc = chunk_put(k, values[c])))
			return rc;
	return k->len >= CHUNK_BYTES ? hand_over(s) : 0;
}

/*
 * libxlsxwriter ignores write errors on its constant-memory scratch file,
 * and on the copy of it that workbook_close() makes to assemble the sheet:
 * a full disk would give a short sheet and no error. So look at the
 * scratch file, and make sure the copy and the zip will fit (the zip is
 * smaller than half the XML it packs), before the workbook is closed.
 */
static int xlsx_room(struct crm_sheet *s)
{
	FILE *f = s->ws->optimize_tmpfile;
	unsigned long long size, need, avail;
	struct statvfs v;
	struct rlimit lim;

	if (!f)
		return 0;
	if (fflush(f) != 0 || ferror(f) || ftello(f) < 0)
		return crm_error_set(CRM_IOERR, "%s: cannot write the sheet's data in %s",
				     crm_sheet_where(s), s->tmpdir);
	size = ftello(f);
	need = size + size / 2 + (1 << 20);
	if (fstatvfs(fileno(f), &v) == 0 &&
	    (avail = (unsigned long long)v.f_bavail * v.f_frsize) < need)
		return crm_error_set(CRM_IOERR, "%s: no room in %s to assemble the workbook: "
				     "%llu MB free, about %llu MB needed", crm_sheet_where(s),
				     s->tmpdir, avail >> 20, (need >> 20) + 1);
	if (getrlimit(RLIMIT_FSIZE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY &&
	    size + (64 << 10) > lim.rlim_cur)
		return crm_error_set(CRM_IOERR, "%s: the sheet is too large for the file "
				     "size limit (ulimit -f)", crm_sheet_where(s));
	return 0;
}

/*
 * Column widths and the autofilter are kept in the worksheet and written
 * when it is assembled, so constant-memory mode takes them after the rows
 * (checked against libxlsxwriter 1.1.4 by t/unit/test-sheet.c).
 */
static int xlsx_finish(struct crm_sheet *s)
{
	size_t i;
	lxw_error e;
	int rc;

	for (i = 0; i < s->n; i++) {
		e = worksheet_set_column(s->ws, i, i, s->width[i], NULL);
		if (e)
			return lxw_fail(s, e);
	}
	if (s->n) {
		e = worksheet_autofilter(s->ws, 0, 0, s->rows, s->n - 1);
		if (e)
			return lxw_fail(s, e);
	}
	rc = xlsx_room(s);
	if (rc)
		return rc;
	e = workbook_close(s->wb);
	s->wb = NULL;
	return e ? lxw_fail(s, e) : 0;
}

/* Free an unfinished workbook without writing it. libxlsxwriter's free
 * leaves the constant-memory scratch file open, so close it first. */
static void xlsx_drop(struct crm_sheet *s)
{
	if (!s->wb)
		return;
	if (s->ws && s->ws->optimize_tmpfile) {
		fclose(s->ws->optimize_tmpfile);
		s->ws->optimize_tmpfile = NULL;
		s->ws->file = NULL;
	}
	lxw_workbook_free(s->wb);
	s->wb = NULL;
}

/* ---- xlsx: the life of the writer */

void crm_xlsx_init(struct crm_sheet *s)
{
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->more, NULL);
	pthread_cond_init(&s->room, NULL);
}

int crm_xlsx_header(struct crm_sheet *s, const char *const *names)
{
	int rc = xlsx_header(s, names);

	return rc ? rc : writer_start(s);
}

int crm_xlsx_finish(struct crm_sheet *s)
{
	int rc = writer_end(s, 1);

	return rc ? rc : xlsx_finish(s);
}

void crm_xlsx_free(struct crm_sheet *s)
{
	size_t i;

	writer_end(s, 0);
	xlsx_drop(s);
	if (s->c_locale != (locale_t)0)
		freelocale(s->c_locale);
	free(s->width);
	for (i = 0; i < CHUNKS; i++)
		free(s->chunk[i].buf);
	pthread_cond_destroy(&s->room);
	pthread_cond_destroy(&s->more);
	pthread_mutex_destroy(&s->lock);
}
