/*
 * cdr-private.h: what the readers of call detail records share: the reader
 * itself (cdr.c reads Asterisk's Master.csv, mikopbx.c MikoPBX's database),
 * and the checks of times, durations and dispositions both make (cdr.c).
 */
#ifndef CRM_CDR_PRIVATE_H
#define CRM_CDR_PRIVATE_H

#include <iconv.h>
#include <stdio.h>
#include <time.h>

#include <csv.h>

#include "crm.h"

/* Asterisk's cdr_csv columns, in the order it writes them. */
enum col {
	C_ACCOUNTCODE, C_SRC, C_DST, C_DCONTEXT, C_CLID, C_CHANNEL,
	C_DSTCHANNEL, C_LASTAPP, C_LASTDATA, C_START, C_ANSWER, C_END,
	C_DURATION, C_BILLSEC, C_DISPOSITION, C_AMAFLAGS, C_UNIQUEID,
	C_USERFIELD, C_PEERACCOUNT, C_LINKEDID, C_SEQUENCE, NCOLS
};

struct cdr_field {
	size_t off, len; /* into text */
};

/* A record's reader: what both kinds keep, the functions of its kind, and
 * the state of Master.csv's reader; MikoPBX keeps its own in miko. */
struct crm_cdr_reader {
	int (*next)(struct crm_cdr_reader *r, struct crm_cdr *rec);
	void (*close)(struct crm_cdr_reader *r); /* frees what the kind holds */
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
	FILE *in;               /* NULL for MikoPBX */
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
	struct cdr_field *f;
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
	struct mikopbx *miko;
};

/* CRM_SOFTWARE, "out of memory". */
int crm_cdr_no_memory(void);
/* Grow the array *pp (a pointer to any pointer; *cap elements of size sz)
 * to hold need: 0, or -1 when memory ran out. */
int crm_cdr_grow(void *pp, size_t *cap, size_t need, size_t sz);
/* "YYYY-MM-DD HH:MM:SS" (frac: with an optional ".000" after it, dropped)
 * in local time or UTC as the reader says; an empty time is 0. -1 when it
 * is not a time. */
int crm_cdr_parse_time(struct crm_cdr_reader *r, const char *s, size_t len, int frac,
		       time_t *out);
/* A count of seconds: digits only, so "-5" and "" are refused (-1). */
int crm_cdr_parse_seconds(const char *s, size_t len, long *out);
/* Upper-case s in place; MikoPBX's "NOANSWER" is Asterisk's "NO ANSWER". */
const char *crm_cdr_disposition(char *s);
/* CRM_DATAERR: a bad value of column name in record n of where, quoted in
 * part. */
int crm_cdr_bad_value(const char *where, long long n, const char *name, const char *s,
		      size_t len, const char *why);

#endif
