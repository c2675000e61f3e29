/*
 * tsv.c: reading and writing crm-tsv(5), the format every command reads and
 * prints: UTF-8, one record a line, fields split by one TAB, the column names
 * on the first line, and backslash escapes (\t \n \r \\) inside fields, as in
 * PostgreSQL's COPY text format. Readers are strict about what they take
 * (field count, UTF-8, escapes) and name the line, so that a bad row in a
 * pipeline is found at once; a bad line is skipped so that --keep-going can
 * carry on with the next.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

struct crm_tsv_reader {
	FILE *in;
	char *line;          /* the line last read, split and unescaped in place */
	size_t cap;
	unsigned long lineno;
	size_t ncol;
	char *header;        /* the header's names, NUL-separated */
	const char **names;  /* ncol pointers into header */
	const char **fields; /* ncol pointers into line, NULL for empty */
};

static int no_memory(void)
{
	return crm_error_set(CRM_SOFTWARE, "out of memory");
}

/* "a, b, c" into buf, cut with "..." when it does not fit. */
static void join_names(char *buf, size_t size, size_t n, const char *const *names)
{
	size_t i, len = 0;
	int k;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		k = snprintf(buf + len, size - len, "%s%s", i ? ", " : "", names[i]);
		if (k < 0 || (size_t)k >= size - len) {
			if (size > 4)
				strcpy(buf + size - 4, "...");
			return;
		}
		len += k;
	}
}

/*
 * Read one line without its LF (or CRLF) into r->line; 0, CRM_NOMATCH at the
 * end, or an error. getline() keeps NUL bytes, so *len is the true length.
 */
static int read_line(struct crm_tsv_reader *r, size_t *len)
{
	ssize_t n;

	errno = 0;
	n = getline(&r->line, &r->cap, r->in);
	if (n < 0) {
		if (ferror(r->in))
			return crm_error_set(CRM_IOERR, "line %lu: read error: %s",
					     r->lineno + 1, strerror(errno));
		if (errno == ENOMEM)
			return no_memory();
		return CRM_NOMATCH;
	}
	r->lineno++;
	if (n > 0 && r->line[n - 1] == '\n')
		n--;
	if (n > 0 && r->line[n - 1] == '\r')
		n--;
	r->line[n] = '\0';
	*len = n;
	return 0;
}

/* An error about column col of the current line: named once the header is known. */
static int field_error(struct crm_tsv_reader *r, size_t col, const char *what)
{
	if (r->names)
		return crm_error_set(CRM_DATAERR, "line %lu: %s in column \"%s\"",
				     r->lineno, what, r->names[col]);
	return crm_error_set(CRM_DATAERR, "line %lu: %s in column %zu", r->lineno,
			     what, col + 1);
}

/* Undo the escapes of the len bytes at s in place and end them with NUL. */
static int unescape(struct crm_tsv_reader *r, char *s, size_t len, size_t col)
{
	char *w = s, *end = s + len, what[64];
	unsigned char c;

	for (; s < end; s++) {
		if (*s != '\\') {
			*w++ = *s;
			continue;
		}
		if (++s == end)
			return field_error(r, col, "backslash at the end");
		switch (*s) {
		case 't': *w++ = '\t'; break;
		case 'n': *w++ = '\n'; break;
		case 'r': *w++ = '\r'; break;
		case '\\': *w++ = '\\'; break;
		default:
			c = *s;
			if (c > ' ' && c < 0x7f)
				snprintf(what, sizeof what, "bad escape \"\\%c\"", c);
			else
				snprintf(what, sizeof what,
					 "bad escape (backslash before byte 0x%02X)", c);
			return field_error(r, col, what);
		}
	}
	*w = '\0';
	return 0;
}

/* Check and unescape one raw field; empty fields become NULL. */
static int take_field(struct crm_tsv_reader *r, char *s, size_t len, size_t col,
		      const char **out)
{
	int rc;

	if (memchr(s, '\0', len))
		return field_error(r, col, "NUL byte");
	if (!crm_utf8_valid(s, len))
		return field_error(r, col, "invalid UTF-8");
	rc = unescape(r, s, len, col);
	if (rc)
		return rc;
	if (r->names && (rc = crm_text_check(r->names[col], s, strlen(s)))) {
		crm_error_prefix("line %lu: column \"%s\"", r->lineno, r->names[col]);
		return rc;
	}
	out[col] = len ? s : NULL;
	return 0;
}

static size_t count_fields(const char *s, size_t len)
{
	const char *end = s + len;
	size_t n = 1;

	while ((s = memchr(s, '\t', end - s)) != NULL) {
		s++;
		n++;
	}
	return n;
}

/* Split the current line of len bytes into its n fields. */
static int split(struct crm_tsv_reader *r, size_t len, size_t n, const char **out)
{
	char *s = r->line, *end = r->line + len, *tab;
	size_t col;
	int rc;

	for (col = 0; col < n; col++) {
		tab = memchr(s, '\t', end - s);
		if (!tab)
			tab = end;
		rc = take_field(r, s, tab - s, col, out);
		if (rc)
			return rc;
		s = tab + 1;
	}
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Names must be there and differ, or columns could not be looked up. */
static int check_names(struct crm_tsv_reader *r)
{
	const char **sorted;
	size_t i;
	int rc = 0;

	for (i = 0; i < r->ncol; i++)
		if (!r->names[i])
			return crm_error_set(CRM_DATAERR,
					     "line 1: empty name for column %zu", i + 1);
	sorted = malloc(r->ncol * sizeof *sorted);
	if (!sorted)
		return no_memory();
	memcpy(sorted, r->names, r->ncol * sizeof *sorted);
	qsort(sorted, r->ncol, sizeof *sorted, compare_names);
	for (i = 1; i < r->ncol && !rc; i++)
		if (strcmp(sorted[i - 1], sorted[i]) == 0)
			rc = crm_error_set(CRM_DATAERR,
					   "line 1: duplicate column name \"%s\"",
					   sorted[i]);
	free(sorted);
	return rc;
}

static int read_header(struct crm_tsv_reader *r)
{
	char *s;
	size_t i, len;
	int rc;

	rc = read_line(r, &len);
	if (rc == CRM_NOMATCH)
		return crm_error_set(CRM_DATAERR, "empty input: no header line");
	if (rc)
		return rc;
	if (len >= 3 && memcmp(r->line, "\xEF\xBB\xBF", 3) == 0) {
		len -= 3;
		memmove(r->line, r->line + 3, len + 1);
	}
	r->ncol = count_fields(r->line, len);
	r->fields = calloc(r->ncol + 1, sizeof *r->fields);
	r->header = malloc(len + 1);
	if (!r->fields || !r->header)
		return no_memory();
	/* Split into fields[] (names is still NULL, so errors give column
	 * numbers), then make names point into a copy. */
	rc = split(r, len, r->ncol, r->fields);
	if (rc)
		return rc;
	r->names = calloc(r->ncol + 1, sizeof *r->names);
	if (!r->names)
		return no_memory();
	s = r->line;
	memcpy(r->header, s, len + 1);
	for (i = 0; i < r->ncol; i++)
		r->names[i] = r->fields[i] ? r->header + (r->fields[i] - s) : NULL;
	return check_names(r);
}

int crm_tsv_open(FILE *in, struct crm_tsv_reader **out)
{
	struct crm_tsv_reader *r;
	int rc;

	*out = NULL;
	r = calloc(1, sizeof *r);
	if (!r)
		return no_memory();
	r->in = in;
	rc = read_header(r);
	if (rc) {
		crm_tsv_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

int crm_tsv_read(struct crm_tsv_reader *r, const char *const **fields)
{
	char list[1024];
	size_t len, n;
	int rc;

	rc = read_line(r, &len);
	if (rc)
		return rc;
	n = count_fields(r->line, len);
	if (n != r->ncol) {
		join_names(list, sizeof list, r->ncol, r->names);
		if (len == 0)
			return crm_error_set(CRM_DATAERR,
					     "line %lu: empty line, expected %zu fields (%s)",
					     r->lineno, r->ncol, list);
		return crm_error_set(CRM_DATAERR,
				     "line %lu: %zu field%s, expected %zu (%s)",
				     r->lineno, n, n == 1 ? "" : "s", r->ncol, list);
	}
	rc = split(r, len, n, r->fields);
	if (rc)
		return rc;
	*fields = r->fields;
	return 0;
}

size_t crm_tsv_ncolumns(const struct crm_tsv_reader *r)
{
	return r->ncol;
}

const char *const *crm_tsv_names(const struct crm_tsv_reader *r)
{
	return r->names;
}

int crm_tsv_column(const struct crm_tsv_reader *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->ncol; i++)
		if (strcmp(r->names[i], name) == 0)
			return (int)i;
	return -1;
}

unsigned long crm_tsv_line(const struct crm_tsv_reader *r)
{
	return r->lineno;
}

void crm_tsv_close(struct crm_tsv_reader *r)
{
	if (!r)
		return;
	free(r->line);
	free(r->header);
	free(r->names);
	free(r->fields);
	free(r);
}

/* ---- writing */

static int write_error(void)
{
	return crm_error_set(CRM_IOERR, "write error: %s", strerror(errno));
}

int crm_tsv_put_field(FILE *f, const char *s)
{
	size_t n;
	int c;

	if (!s)
		return 0;
	while (*s) {
		n = strcspn(s, "\t\n\r\\");
		if (n && fwrite(s, 1, n, f) != n)
			return write_error();
		s += n;
		if (!*s)
			break;
		c = *s == '\t' ? 't' : *s == '\n' ? 'n' : *s == '\r' ? 'r' : '\\';
		if (putc('\\', f) == EOF || putc(c, f) == EOF)
			return write_error();
		s++;
	}
	return 0;
}

int crm_tsv_put_row(FILE *f, size_t n, const char *const *fields)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if (i && putc('\t', f) == EOF)
			return write_error();
		rc = crm_tsv_put_field(f, fields[i]);
		if (rc)
			return rc;
	}
	if (putc('\n', f) == EOF)
		return write_error();
	return 0;
}

struct crm_tsv_writer {
	FILE *f;
	int header;
	int started;        /* the first row came: map is known, header out */
	char *spec;         /* the chosen columns, split in place */
	const char **want;  /* nwant names into spec, or NULL for all */
	size_t nwant;
	size_t *map;        /* output column i is input value map[i] */
	size_t nmap;
	const char **out;   /* one row's values in output order */
	unsigned long count;
};

static void trim_end(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
}

/* Split "a,b,c" (spaces around names allowed) into w->want. */
static int parse_columns(struct crm_tsv_writer *w, const char *columns)
{
	const char *p;
	char *s, *e;
	size_t i, n = 1;

	for (p = columns; *p; p++)
		n += *p == ',';
	w->spec = strdup(columns);
	w->want = calloc(n, sizeof *w->want);
	if (!w->spec || !w->want)
		return no_memory();
	for (s = w->spec; s; s = e) {
		e = strchr(s, ',');
		if (e)
			*e++ = '\0';
		s += strspn(s, " ");
		trim_end(s);
		if (!*s)
			return crm_error_set(CRM_USAGE,
					     "bad column list \"%s\": empty column name",
					     columns);
		for (i = 0; i < w->nwant; i++)
			if (strcmp(w->want[i], s) == 0)
				return crm_error_set(CRM_USAGE,
						     "bad column list \"%s\": column \"%s\" twice",
						     columns, s);
		w->want[w->nwant++] = s;
	}
	return 0;
}

int crm_tsv_writer_new(FILE *f, const char *columns, int header,
		       struct crm_tsv_writer **out)
{
	struct crm_tsv_writer *w;
	int rc;

	*out = NULL;
	w = calloc(1, sizeof *w);
	if (!w)
		return no_memory();
	w->f = f;
	w->header = header;
	if (columns) {
		rc = parse_columns(w, columns);
		if (rc) {
			free(w->spec);
			free(w->want);
			free(w);
			return rc;
		}
	}
	*out = w;
	return 0;
}

/* On the first row: find the chosen columns among the row's names. */
static int resolve(struct crm_tsv_writer *w, size_t n, const char *const *names)
{
	char list[1024];
	size_t i, j;

	w->nmap = w->want ? w->nwant : n;
	w->map = calloc(w->nmap + 1, sizeof *w->map);
	w->out = calloc(w->nmap + 1, sizeof *w->out);
	if (!w->map || !w->out)
		return no_memory();
	for (i = 0; i < w->nmap; i++) {
		if (!w->want) {
			w->map[i] = i;
			continue;
		}
		for (j = 0; j < n && strcmp(names[j], w->want[i]) != 0; j++)
			;
		if (j == n) {
			w->header = 0; /* a failed listing prints nothing */
			join_names(list, sizeof list, n, names);
			return crm_error_set(CRM_USAGE,
					     "unknown column \"%s\"; columns are: %s",
					     w->want[i], list);
		}
		w->map[i] = j;
	}
	return 0;
}

static void writer_release(struct crm_tsv_writer *w)
{
	free(w->spec);
	free(w->want);
	free(w->map);
	free(w->out);
	free(w);
}

int crm_tsv_columns_check(const char *columns, size_t n, const char *const *names)
{
	struct crm_tsv_writer *w;
	int rc;

	if (!columns)
		return 0;
	if ((rc = crm_tsv_writer_new(NULL, columns, 0, &w)))
		return rc;
	rc = resolve(w, n, names);
	writer_release(w);
	return rc;
}

int crm_tsv_writer_row(void *arg, size_t n, const char *const *names,
		       const char *const *values)
{
	struct crm_tsv_writer *w = arg;
	size_t i;
	int rc;

	if (!w->started) {
		free(w->map);
		free(w->out);
		rc = resolve(w, n, names);
		if (rc)
			return rc;
		w->started = 1;
		if (w->header) {
			for (i = 0; i < w->nmap; i++)
				w->out[i] = names[w->map[i]];
			rc = crm_tsv_put_row(w->f, w->nmap, w->out);
			if (rc)
				return rc;
		}
	}
	if (!values)
		return 0; /* an empty result: the header alone */
	for (i = 0; i < w->nmap; i++) {
		/* Rows of one result all have the same shape. */
		if (w->map[i] >= n || (!w->want && n != w->nmap))
			return crm_error_set(CRM_SOFTWARE,
					     "row %lu has %zu values, expected %zu",
					     w->count + 1, n, w->nmap);
		w->out[i] = values[w->map[i]];
	}
	rc = crm_tsv_put_row(w->f, w->nmap, w->out);
	if (rc)
		return rc;
	w->count++;
	return 0;
}

unsigned long crm_tsv_writer_count(const struct crm_tsv_writer *w)
{
	return w->count;
}

/*
 * The column names come with the rows, so a writer that saw no row knows
 * them only when they were chosen: then an empty result still prints its
 * header; with all columns (columns NULL) and no row it prints nothing.
 */
int crm_tsv_writer_free(struct crm_tsv_writer *w)
{
	int rc = 0;

	if (!w)
		return 0;
	if (!w->started && w->header && w->want)
		rc = crm_tsv_put_row(w->f, w->nwant, w->want);
	if (fflush(w->f) != 0)
		rc = write_error();
	else if (ferror(w->f) && !rc)
		rc = crm_error_set(CRM_IOERR, "write error");
	writer_release(w);
	return rc;
}
