/*
 * sheet-private.h: what sheet.c (the export file, csv and tsv) and xlsx.c
 * (the xlsx writer) share: the sheet itself, and the helpers both use.
 */
#ifndef SHEET_PRIVATE_H
#define SHEET_PRIVATE_H

#include <locale.h>
#include <pthread.h>
#include <stdlib.h>

#include <xlsxwriter.h>

#include "crm.h"

enum sheet_format { FMT_XLSX, FMT_CSV, FMT_TSV };

#define CHUNKS 4 /* xlsx chunks in flight at most: memory stays bounded */

/* xlsx rows on their way to the writer thread: n NUL-terminated values a
 * row (in xlsx an empty value is no cell, just as NULL). */
struct chunk {
	char *buf;
	size_t len, cap;
};

struct crm_sheet {
	enum sheet_format fmt;
	char *path;          /* the final name; NULL for stdout */
	char *tmp;           /* the file being written; NULL once renamed */
	FILE *f;             /* csv and tsv: the temporary file or stdout */
	int failed;          /* the status of a failed write: never committed */
	size_t n;            /* columns; 0 until the header */
	enum crm_cell *kinds;
	unsigned long rows;
	char *buf;           /* scratch for a value that must change */
	size_t cap;
	/* xlsx only */
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *date, *datetime;
	char *tmpdir;        /* libxlsxwriter's scratch files go here */
	unsigned *width;     /* each column's width, in characters */
	locale_t c_locale;   /* "12.5" reads the same in a Russian locale */
	/* xlsx: the writer thread; the fields under lock are marked (L) */
	pthread_t writer;
	int writing;         /* the thread runs: it must be joined */
	pthread_mutex_t lock;
	pthread_cond_t more, room; /* a chunk for the writer; room for the caller */
	struct chunk chunk[CHUNKS];
	unsigned long given, taken; /* (L) chunks handed over; chunks written */
	int closing, stop;   /* (L) no more chunks; drop the ones not written */
	int wstatus;         /* (L) the writer's failure... */
	char wmessage[4096]; /* (L) ...and its message */
	unsigned long written; /* the writer's: rows in the sheet so far */
};

/* The file's name for messages. Inline, like the next, so that neither
 * sheet.c nor xlsx.c calls into the other for them. */
static inline const char *crm_sheet_where(const struct crm_sheet *s)
{
	return s->path ? s->path : "standard output";
}

/* Room for len bytes and a NUL in s->buf (the scratch for a value that
 * must change). */
static inline int crm_sheet_reserve(struct crm_sheet *s, size_t len)
{
	char *p;

	if (len < s->cap)
		return 0;
	if (!(p = realloc(s->buf, len + 1)))
		return crm_error_set(CRM_SOFTWARE, "out of memory");
	s->buf = p;
	s->cap = len + 1;
	return 0;
}

/* xlsx.c: the writer's life, called by sheet.c's API. init: before
 * anything else (the lock of the writer thread), free: always, whatever
 * was reached. open: the workbook and its sheet named after title. header:
 * the header row, then the writer thread starts. row: a row handed to the
 * thread. finish: the thread ended after the last row, the workbook
 * written to s->tmp. */
void crm_xlsx_init(struct crm_sheet *s);
int crm_xlsx_open(struct crm_sheet *s, const char *title);
int crm_xlsx_header(struct crm_sheet *s, const char *const *names);
int crm_xlsx_row(struct crm_sheet *s, const char *const *values);
int crm_xlsx_finish(struct crm_sheet *s);
void crm_xlsx_free(struct crm_sheet *s);

#endif
