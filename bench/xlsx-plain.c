/*
 * xlsx-plain: the machine's own limit for the crm-export benchmark: a plain
 * libxlsxwriter program writing the same cells as crm-export does, read
 * from the crm-tsv(5) file that `crm-export --format tsv` made of the same
 * segment. The workbook is in constant-memory mode, with the header row in
 * bold; every cell is written as crm-export writes it (a string, or for the
 * columns TYPES marks, a number or a date with the same number format), and
 * empty cells are left out. Nothing else: no checks, no widths, no filter,
 * no rename into place.
 *
 * usage: xlsx-plain IN.tsv OUT.xlsx [TYPES]
 *        xlsx-plain IN.tsv -        (read and split the input only)
 * TYPES has a letter a column: s text (the default), n number, d date.
 * It prints "rows N cells N seconds S" (S: from the first read to the
 * workbook closed, by the monotonic clock).
 * Build with `cc -O2 -o xlsx-plain xlsx-plain.c -lxlsxwriter`.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xlsxwriter.h>

#define MAX_COLS 64

/* Undo crm-tsv(5)'s escapes in place: \t \n \r \\. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*o++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s == 'r' ? '\r' : *s;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* Split a line at TABs; the count of fields. */
static size_t split(char *line, char **v)
{
	size_t n = 0;
	char *p = line, *tab;

	for (;;) {
		tab = strchr(p, '\t');
		if (tab)
			*tab = '\0';
		if (n < MAX_COLS)
			v[n++] = p;
		if (!tab)
			break;
		p = tab + 1;
	}
	return n;
}

static double seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	lxw_workbook_options o = { .constant_memory = LXW_TRUE, .tmpdir = NULL };
	lxw_workbook *wb = NULL;
	lxw_worksheet *ws = NULL;
	lxw_format *bold = NULL, *date = NULL, *datetime = NULL;
	const char *types = argc > 3 ? argv[3] : "";
	char *line = NULL, *v[MAX_COLS], *end, *slash, *dir = NULL;
	unsigned long long rows = 0, cells = 0;
	size_t cap = 0, n, c;
	ssize_t len;
	lxw_row_t r = 0;
	lxw_datetime dt;
	double t0, d;
	int write = 1;
	FILE *in;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: xlsx-plain IN.tsv OUT.xlsx|- [TYPES]\n");
		return 2;
	}
	t0 = seconds();
	if (!(in = fopen(argv[1], "r"))) {
		perror(argv[1]);
		return 1;
	}
	if (strcmp(argv[2], "-") == 0) {
		write = 0;
	} else {
		/* Scratch files beside the output, as crm-export keeps them. */
		dir = strdup(argv[2]);
		slash = dir ? strrchr(dir, '/') : NULL;
		if (slash) {
			*slash = '\0';
			o.tmpdir = dir;
		}
		wb = workbook_new_opt(argv[2], &o);
		ws = wb ? workbook_add_worksheet(wb, "Export") : NULL;
		if (!ws) {
			fprintf(stderr, "xlsx-plain: cannot make %s\n", argv[2]);
			return 1;
		}
		bold = workbook_add_format(wb);
		date = workbook_add_format(wb);
		datetime = workbook_add_format(wb);
		format_set_bold(bold);
		format_set_num_format(date, "yyyy-mm-dd");
		format_set_num_format(datetime, "yyyy-mm-dd hh:mm:ss");
	}
	while ((len = getline(&line, &cap, in)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		n = split(line, v);
		for (c = 0; c < n; c++) {
			if (!*v[c])
				continue;
			if (strchr(v[c], '\\'))
				unescape(v[c]);
			cells++;
			if (!write)
				continue;
			if (r == 0) {
				worksheet_write_string(ws, r, c, v[c], bold);
				continue;
			}
			switch (c < strlen(types) ? types[c] : 's') {
			case 'n':
				d = strtod(v[c], &end);
				if (!*end) {
					worksheet_write_number(ws, r, c, d, NULL);
					continue;
				}
				break;
			case 'd':
				memset(&dt, 0, sizeof dt);
				if (sscanf(v[c], "%4d-%2d-%2d", &dt.year, &dt.month, &dt.day) == 3) {
					int with_time = sscanf(v[c] + 10, "T%2d:%2d:%lf", &dt.hour,
							       &dt.min, &dt.sec) == 3;

					worksheet_write_datetime(ws, r, c, &dt, with_time ? datetime : date);
					continue;
				}
				break;
			}
			worksheet_write_string(ws, r, c, v[c], NULL);
		}
		if (r > 0)
			rows++;
		r++;
	}
	fclose(in);
	if (write && workbook_close(wb) != LXW_NO_ERROR) {
		fprintf(stderr, "xlsx-plain: cannot write %s\n", argv[2]);
		return 1;
	}
	printf("rows %llu cells %llu seconds %.3f\n", rows, cells, seconds() - t0);
	free(line);
	free(dir);
	return 0;
}
