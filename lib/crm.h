/*
 * crm.h: the public API of libcrm, the library under every crm-* command.
 *
 * Ownership, for the whole API: a function that hands back a char * or a
 * struct through an out-parameter gives it to the caller, who frees it with
 * free() or the matching crm_*_free(); a const char * that a function
 * returns belongs to the library and lives until the next call on the same
 * object (for crm_error_message(): until the next failing call).
 *
 * Every function that can fail returns an int status from enum crm_status
 * (0 is success) and, on failure, sets a message that crm_error_message()
 * returns (each thread has its own). The library never prints and never
 * exits. It is not thread-safe: one thread uses it (SQLite runs in
 * single-thread mode); an xlsx crm_sheet runs a thread of its own inside.
 */
#ifndef CRM_H
#define CRM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* ---- error.c: status codes (they are the commands' exit codes) and messages */

enum crm_status {
	CRM_OK = 0,
	CRM_NOMATCH = 1,      /* nothing matched (like grep) */
	CRM_USAGE = 64,       /* bad options or arguments */
	CRM_DATAERR = 65,     /* bad input data */
	CRM_NOINPUT = 66,     /* input (database, file) missing */
	CRM_UNAVAILABLE = 69, /* a service (mail server, PBX) is unavailable */
	CRM_SOFTWARE = 70,    /* internal error */
	CRM_IOERR = 74,       /* I/O error */
	CRM_TEMPFAIL = 75,    /* temporary failure (database busy): try again */
	CRM_NOPERM = 77,      /* not permitted for the acting user's role */
	CRM_CONFIG = 78       /* configuration error */
};

/* Set the message of the last failure (printf-style) and return status. */
int crm_error_set(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prefix the current message with "prefix: " (to add a line or field name). */
void crm_error_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The message of this thread's last failure, never NULL. */
const char *crm_error_message(void);

/* ---- text.c: UTF-8 helpers */

/* 1 if the n bytes at s are valid UTF-8 (no overlongs, no surrogates). */
int crm_utf8_valid(const char *s, size_t n);
/* A newly allocated copy of s folded to lower case: ASCII and Cyrillic. */
char *crm_utf8_fold(const char *s);
/* The longest prefix of s of at most max bytes that ends on a character boundary. */
size_t crm_utf8_cut(const char *s, size_t max);
/* A newly allocated copy of s without leading and trailing white space. */
char *crm_strtrim(const char *s);

/* The sizes of text fields (crm(7), LIMITS), here and nowhere else: the
 * short fields (a name, company, subject, phone, e-mail, address, title...;
 * the list is in text.c) hold up to CRM_TEXT_MAX characters, every other
 * (a request's body, a note's text, a party's needs; a line of a PBX's call
 * log) up to CRM_LONG_TEXT_MAX bytes. */
#define CRM_TEXT_MAX 1000
#define CRM_LONG_TEXT_MAX (1024 * 1024)
/* Is the field called name (a column or option: "body", "source-ref") a long text? */
int crm_text_is_long(const char *name);
/* CRM_DATAERR when the n bytes at s are more than a field called name may
 * hold: "52428800 bytes, more than the 1 MB a body may hold". */
int crm_text_check(const char *name, const char *s, size_t n);

/* ---- phone.c: phone numbers to E.164 */

struct crm_phone {
	char e164[17];  /* "+74951234567" */
	char tail10[11]; /* the last ten digits, for matching local spellings */
	char ext[16];   /* extension ("доб. 123" gives "123"), or "" */
};
/* Normalise raw with the default country calling code (e.g. "7"). */
int crm_phone_normalize(const char *raw, const char *country, struct crm_phone *out);

/* ---- inn.c: Russian tax numbers and bank details */

/* CRM_DATAERR naming it unless inn is 10 or 12 digits with the right check
 * digits. */
int crm_inn_check(const char *inn);
/* CRM_DATAERR naming it unless kpp is 4 digits, 2 digits or capital Latin
 * letters, and 3 digits. */
int crm_kpp_check(const char *kpp);
/* CRM_DATAERR naming it unless bik is 9 digits. */
int crm_bik_check(const char *bik);
/* CRM_DATAERR naming it unless the account is 20 digits whose control digit
 * matches bik (not checked while bik is NULL or not a BIK). */
int crm_account_check(const char *account, const char *bik);
int crm_corr_account_check(const char *account, const char *bik);

/* ---- email.c: e-mail addresses */

/* Trim, drop <> and mailto:, lower-case, validate; *out is newly allocated. */
int crm_email_normalize(const char *raw, char **out);

/* ---- clock.c: time (UTC, ISO 8601) and durations */

#define CRM_TIME_LEN 21 /* "2026-11-26T14:57:01Z" and its NUL */

/* Now, or CRM_NOW when set (fails on a CRM_NOW it cannot read). */
int crm_clock_now(time_t *out);
/* Write t as "YYYY-MM-DDTHH:MM:SSZ" into buf. */
void crm_time_format(time_t t, char buf[CRM_TIME_LEN]);
/* Now (crm_clock_now) in that form. */
int crm_time_now(char buf[CRM_TIME_LEN]);
/* Read "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]", "...T...Z" or with an offset "+03:00". */
int crm_time_parse(const char *s, time_t *out);
/* Read a duration "90m", "12h", "3d", "2w", "45s" (a bare number is seconds). */
int crm_duration_parse(const char *s, long long *seconds);
/* A time or a duration back from now ("3d" = now - 3 days) into an ISO string. */
int crm_time_or_ago(const char *s, char buf[CRM_TIME_LEN]);
/* A time or a duration ahead of now ("3d" = now + 3 days) into an ISO string. */
int crm_time_or_ahead(const char *s, char buf[CRM_TIME_LEN]);
/* Today (UTC, honouring CRM_NOW) as YYYY-MM-DD. */
int crm_date_today(char buf[11]);
/* A date (any time crm_time_parse reads) as YYYY-MM-DD into out, "" for NULL
 * or ""; CRM_DATAERR naming what. */
int crm_date_parse(const char *what, const char *s, char out[11]);

/* ---- tsv.c: the crm-tsv(5) format */

/* Call-back that receives one output row; the library's list functions call
 * it. An empty result calls it once with values NULL, so that a header can
 * still be printed and the next command in a pipe sees an empty list. */
typedef int crm_row_fn(void *arg, size_t n, const char *const *names,
		       const char *const *values);

struct crm_tsv_reader;
/* Read the header line of in; fails on an empty input or a bad header. */
int crm_tsv_open(FILE *in, struct crm_tsv_reader **out);
/* Next record: 0 and fields set, CRM_NOMATCH at the end, or an error naming
 * the line. Fields are unescaped and live until the next call; NULL for an
 * empty field. A bad line is skipped: the next call reads the one after it. */
int crm_tsv_read(struct crm_tsv_reader *r, const char *const **fields);
/* The number of columns and their names. */
size_t crm_tsv_ncolumns(const struct crm_tsv_reader *r);
const char *const *crm_tsv_names(const struct crm_tsv_reader *r);
/* The index of the column called name, or -1. */
int crm_tsv_column(const struct crm_tsv_reader *r, const char *name);
/* The line number of the record last read (the header is line 1). */
unsigned long crm_tsv_line(const struct crm_tsv_reader *r);
void crm_tsv_close(struct crm_tsv_reader *r);

/* Write one field with crm-tsv(5) escapes (NULL writes an empty field). */
int crm_tsv_put_field(FILE *f, const char *s);
/* Write one line of n fields. */
int crm_tsv_put_row(FILE *f, size_t n, const char *const *fields);

/* A row sink for crm_row_fn: prints a header (unless suppressed) and the
 * chosen columns ("a,b,c", or NULL for all) of each row. */
struct crm_tsv_writer;
/* CRM_USAGE when columns has an empty name, or a name twice. */
int crm_tsv_writer_new(FILE *f, const char *columns, int header,
		       struct crm_tsv_writer **out);
crm_row_fn crm_tsv_writer_row;
/* CRM_USAGE naming the first of columns ("a,b,c"; NULL: all) that is not
 * among the n names, as the writer would on its first row; 0 if all are. */
int crm_tsv_columns_check(const char *columns, size_t n, const char *const *names);
/* The rows written so far. */
unsigned long crm_tsv_writer_count(const struct crm_tsv_writer *w);
/* Flush; fails with CRM_IOERR when the stream failed. */
int crm_tsv_writer_free(struct crm_tsv_writer *w);

/* ---- dbfile.c: the database file */

struct crm_db;
enum { CRM_DB_CREATE = 1 };
/* Open (or with CRM_DB_CREATE create) the file at path, NULL meaning
 * $CRM_DB or $XDG_DATA_HOME/crm/crm.db, and bring its schema up to date.
 * CRM_NOINPUT: no such file (without CRM_DB_CREATE); CRM_CONFIG: not a crm
 * database, or one newer than this crm. */
int crm_db_open(const char *path, int flags, struct crm_db **out);
void crm_db_close(struct crm_db *db);
/* The file name in use. */
const char *crm_db_path(const struct crm_db *db);
/* The schema version the file is at, and the one this library writes. */
int crm_db_version(struct crm_db *db);
int crm_db_latest_version(void);
/* Copy the database to path with SQLite's online backup (safe while others write). */
int crm_db_backup(struct crm_db *db, const char *path);
/* Integrity and foreign-key check; each problem goes to fn; CRM_DATAERR if any. */
int crm_db_check(struct crm_db *db, crm_row_fn *fn, void *arg);

/* ---- db.c: transactions */

/* A unit of work is bracketed by one pair: crm_db_begin (BEGIN IMMEDIATE;
 * CRM_TEMPFAIL when another writer holds the file past the busy timeout)
 * and crm_db_end, which commits when rc is CRM_OK and this is no dry run,
 * else rolls back; it returns rc, or the commit's own failure. */
int crm_db_begin(struct crm_db *db);
int crm_db_end(struct crm_db *db, int rc, int dry_run);
/* The same pair for one record inside a batch's transaction: a savepoint,
 * released when rc is CRM_OK, else rolled back to. */
int crm_db_savepoint(struct crm_db *db);
int crm_db_end_savepoint(struct crm_db *db, int rc);
/* The parts, for the batch loop that owns a transaction across records. */
int crm_db_commit(struct crm_db *db);
int crm_db_rollback(struct crm_db *db);
int crm_db_release(struct crm_db *db);
int crm_db_rollback_savepoint(struct crm_db *db);

/* ---- config.c: settings kept in the database */

/* Value of key (the default when unset); *out newly allocated. */
int crm_config_get(struct crm_db *db, const char *key, char **out);
/* Set a known key after checking its value. */
int crm_config_set(struct crm_db *db, const char *key, const char *value);
/* Every known key with its value and whether it is the default. */
int crm_config_list(struct crm_db *db, crm_row_fn *fn, void *arg);

/* ---- actor.c: who is acting, and roles */

enum crm_role {
	CRM_ROLE_ADMIN = 1 << 0,
	CRM_ROLE_HEAD = 1 << 1,
	CRM_ROLE_MANAGER = 1 << 2,
	CRM_ROLE_MARKETER = 1 << 3,
	CRM_ROLE_WAREHOUSE = 1 << 4
};
#define CRM_ROLE_ANY 0x1f

/* The acting user's login: CRM_USER, else the login name. */
const char *crm_user_login(void);
/* Fail with CRM_NOPERM unless the acting user is registered, active and has
 * one of the roles in mask; action names what was tried, for the message. */
int crm_user_require(struct crm_db *db, int mask, const char *action);
/* The acting user's id and role (after crm_user_require succeeded). */
int64_t crm_user_id(struct crm_db *db);
int crm_user_role(struct crm_db *db);
/* The role bit for a name ("head"), or 0; and the name of a role bit. */
int crm_role_parse(const char *name);
const char *crm_role_name(int role);
/* The id of an active user by login; CRM_DATAERR naming it when unknown
 * or deactivated. crm_user_any also finds deactivated users (for lists). */
int crm_user_find(struct crm_db *db, const char *login, int64_t *id);
int crm_user_any(struct crm_db *db, const char *login, int64_t *id);

/* ---- user.c: the users and departments an admin keeps */

struct crm_user_in {
	const char *login, *name, *role, *dept, *email, *phone, *active;
};
/* Add a user (needs the role admin): login and role required, the other
 * fields of in optional; CRM_DATAERR when the login is taken or a field is
 * not valid. */
int crm_user_add(struct crm_db *db, const struct crm_user_in *in, int64_t *id);
/* Change the fields of in that are not NULL. */
int crm_user_set(struct crm_db *db, const struct crm_user_in *in);
/* Every user, active or not, with role, department and contacts. */
int crm_user_list(struct crm_db *db, crm_row_fn *fn, void *arg);
/* A user's open requests (not junk or converted) and open tasks, and the
 * parties they own: what is left when they go. */
struct crm_user_work {
	unsigned long requests, tasks, parties;
};
int crm_user_work(struct crm_db *db, const char *login, struct crm_user_work *w);
/* Give login's open requests, open tasks and parties to the active user to
 * (a manager or head when there are requests or parties); *w says how many
 * moved. Needs the role admin. */
int crm_user_handover(struct crm_db *db, const char *login, const char *to,
		      struct crm_user_work *w);
/* Make the first admin when the database has no user yet. */
int crm_user_bootstrap(struct crm_db *db, const char *login);

/* Add a department (needs the role admin); CRM_DATAERR when the name is
 * taken or not a name (letters, digits, '.', '_', '-'). */
int crm_dept_add(struct crm_db *db, const char *name, const char *title);
/* Every department with its title. */
int crm_dept_list(struct crm_db *db, crm_row_fn *fn, void *arg);
/* The id of a department by name; CRM_DATAERR listing the known ones. */
int crm_dept_find(struct crm_db *db, const char *name, int64_t *id);

/* ---- party.c: parties, contacts, contact points, dedupe, merge */

/* Find a party by a normalised phone (exact, then last ten digits) or e-mail. */
int crm_party_by_phone(struct crm_db *db, const struct crm_phone *p, int64_t *party);
int crm_party_by_email(struct crm_db *db, const char *email, int64_t *party);

struct crm_party_filter {
	const char *phone, *email, *name; /* raw; name is a case-insensitive substring */
};
/* The parties matching every field of f that is set; CRM_NOMATCH when none
 * does. */
int crm_party_find(struct crm_db *db, const struct crm_party_filter *f,
		   crm_row_fn *fn, void *arg);

struct crm_party_in {
	const char *company, *name, *phone, *email, *needs, *legal_name, *inn,
		*kpp, *address, *payment, *tags;
	const char *bank, *bik, *account, *corr_account; /* bank details */
	int is_private; /* 1: a private person, no legal entity; 0: unchanged */
};
/* Fill the fields of in that are not NULL; add the phone and e-mail as contact points. */
int crm_party_update(struct crm_db *db, int64_t party, const struct crm_party_in *in);
/* Move everything of other into keep, then delete other. */
int crm_party_merge(struct crm_db *db, int64_t keep, int64_t other);
/* A party's owner (0 when none); CRM_DATAERR when there is no such party. */
int crm_party_owner(struct crm_db *db, int64_t party, int64_t *owner);

/* ---- request.c: requests (appeals) and their life */

struct crm_request_in {
	const char *channel, *source_ref, *received, *name, *company, *phone,
		*email, *subject, *body, *dept;
	const void *raw; /* the original bytes, kept as they came */
	size_t raw_len;
	int64_t party;   /* the party when already known (a reply in a thread we
			  * hold); 0: found by phone and e-mail, or a new lead */
};
struct crm_request_out {
	int64_t request, party, task;
	const char *action; /* "new-lead", "history", "duplicate" */
};
/* Record one request: dedupe its sender, link or create the party, notify. */
int crm_request_add(struct crm_db *db, const struct crm_request_in *in,
		    struct crm_request_out *out);

struct crm_request_filter {
	const char *status, *dept, *assignee, *channel;
	const char *older, *since; /* durations or times */
	int64_t party;
};
/* The requests matching every field of f that is set, oldest first;
 * CRM_NOMATCH when none does, CRM_DATAERR for an unknown status, department
 * or user. */
int crm_request_list(struct crm_db *db, const struct crm_request_filter *f,
		     crm_row_fn *fn, void *arg);
/* One request, its party, contacts and history as (section, key, value) rows. */
int crm_request_show(struct crm_db *db, int64_t id, crm_row_fn *fn, void *arg);
/* The party of a request; CRM_DATAERR when there is no such request. */
int crm_request_party(struct crm_db *db, int64_t id, int64_t *party);
/* Actions on one request; each prints its result row through fn. */
int crm_request_route(struct crm_db *db, int64_t id, const char *dept,
		      crm_row_fn *fn, void *arg);
/* assign: to an active manager or head; one of another department than the
 * request's only with force (the request moves there). The request's open
 * notices are done (by "system"), the assignee gets one; a party without an
 * owner gets the assignee, and its open callbacks go along. */
int crm_request_assign(struct crm_db *db, int64_t id, const char *login, int force,
		       crm_row_fn *fn, void *arg);
int crm_request_qualify(struct crm_db *db, int64_t id, const struct crm_party_in *in,
			crm_row_fn *fn, void *arg);
int crm_request_junk(struct crm_db *db, int64_t id, const char *reason,
		     crm_row_fn *fn, void *arg);

/* ---- interaction.c: a party's history and notes */

/* The correspondence history of a party, newest last; CRM_DATAERR when
 * there is no such party. */
int crm_party_history(struct crm_db *db, int64_t party, crm_row_fn *fn, void *arg);
/* Add a note to a party's history, about one of its requests when request
 * is not 0 (CRM_DATAERR when the request is another party's). */
int crm_party_note(struct crm_db *db, int64_t party, int64_t request,
		   const char *text, int64_t *id);

/* ---- deal.c: deals */

struct crm_deal_in {
	int64_t request, party; /* crm_deal_new: from a qualified request, or for a party */
	const char *title, *needs, *area, *equipment, *medium, *dept, *manager, *close_by;
	const char *vat;        /* a VAT code (crm_vat_rate_add); default "standard" */
	const char *waybill;    /* crm_deal_set: the waybill's number */
	const struct crm_party_in *party_in; /* the party's fields to fill in first, or NULL */
};
/* Make a deal at stage selection: from a qualified request (which becomes
 * converted, its lead party a client) or for a client. CRM_DATAERR naming
 * every missing fact at once: the needs, the legal entity's name (or that
 * the customer is a private person), a contact person with a phone or
 * e-mail. The manager is in->manager, else the party's active owner, else
 * the acting manager; a manager makes deals only for themselves. */
int crm_deal_new(struct crm_db *db, const struct crm_deal_in *in, int64_t *id);
/* Change the fields of in that are set (and the party's, in party_in). */
int crm_deal_set(struct crm_db *db, int64_t id, const struct crm_deal_in *in);
/* The ref of a deal's customer order in the stock tables: "DEAL-<id>". */
void crm_deal_ref(int64_t deal, char ref[32]);

/* ---- dealline.c: a deal's goods */

struct crm_deal_line_in {
	const char *item;     /* the item's code */
	const char *qty;      /* "2", "2.5" */
	const char *price;    /* per unit; NULL: the item's price */
	const char *discount; /* "5%" off the line, or an amount off it "150.00" */
};
/* Add a line of an item (CRM_DATAERR when the deal has one: change it with
 * set), change what in gives of one, or remove one. Only at selection or
 * proposal. */
int crm_deal_line_add(struct crm_db *db, int64_t deal, const struct crm_deal_line_in *in);
int crm_deal_line_set(struct crm_db *db, int64_t deal, const struct crm_deal_line_in *in);
int crm_deal_line_rm(struct crm_db *db, int64_t deal, const char *item);
/* The lines with their money: item, name, qty, unit, price, discount, rate,
 * net, vat, total. */
int crm_deal_lines(struct crm_db *db, int64_t deal, crm_row_fn *fn, void *arg);

/* ---- dealview.c: deals as people read them */

struct crm_deal_filter {
	const char *stage, *manager, *dept;
	const char *stale;   /* a duration: no change in that time */
	const char *waiting; /* payment (invoiced, not paid in full), goods (still being
			      * made, bought or reserved), documents (shipped, papers missing) */
	int mine;
	int64_t party, id;
};
/* The deals matching every field of f that is set, with their totals;
 * CRM_NOMATCH when none does. */
int crm_deal_list(struct crm_db *db, const struct crm_deal_filter *f, crm_row_fn *fn, void *arg);
/* One deal in full as (section, key, value) rows: the deal, the party and
 * its requisites, contacts, lines, totals, balance, the order's coverage,
 * documents, payments, open tasks, stages. */
int crm_deal_show(struct crm_db *db, int64_t id, crm_row_fn *fn, void *arg);
/* The stage moves of a deal, oldest first. */
int crm_deal_history(struct crm_db *db, int64_t id, crm_row_fn *fn, void *arg);
/* Count and total per stage (by NULL: every stage, 0 when it has none), or
 * per stage and manager or department (by "manager", "dept"). */
int crm_deal_pipeline(struct crm_db *db, const char *by, crm_row_fn *fn, void *arg);

/* ---- stage.c: a deal's stages and the checks on each move */

struct crm_deal_move_in {
	const char *stage;
	int force;          /* the head passes the checks, with a reason */
	const char *reason; /* why it was forced */
	const char *lost_reason, *note; /* lost: a reason from the list "lost", and words */
};
/* Move a deal: selection, proposal, invoiced, production, stock, shipped,
 * certification, commissioning, service, closed; lost from any open stage.
 * CRM_DATAERR naming every missing condition of the move at once;
 * CRM_NOPERM for a forced move by anyone but the head. */
int crm_deal_move(struct crm_db *db, int64_t deal, const struct crm_deal_move_in *in);
/* CRM_OK when stage names a stage, else CRM_USAGE listing the stages. */
int crm_deal_stage_check(const char *stage);
/* The service talk at stage service: accepted (the manager gets "sign the
 * service contract") or declined. */
int crm_deal_service(struct crm_db *db, int64_t deal, int accepted, const char *note);

/* ---- order.c: the customer order of a deal */

struct crm_order_in {
	int64_t supplier; /* for bought items that stock does not cover (0: each item's own) */
};
/* Make or adjust the deal's customer order: each line covered from free
 * stock first (FEFO), the rest by a production order (items made) or a
 * supplier order (items bought), under the ref DEAL-<id>; run again, it
 * adds what is missing and gives back what is no longer wanted. Prints the
 * order as item, ordered, reserved, shipped, production, supplier.
 * CRM_DATAERR naming an item stock does not cover and nobody makes or
 * sells, or a bought item without a supplier. */
int crm_deal_order(struct crm_db *db, int64_t deal, const struct crm_order_in *in,
		   crm_row_fn *fn, void *arg);
/* Ship what is reserved for the deal (crm-stock's roles: warehouse or
 * admin), record the waybill's number, print the order. */
int crm_deal_ship(struct crm_db *db, int64_t deal, const char *waybill, crm_row_fn *fn,
		  void *arg);

/* ---- document.c: a deal's papers */

struct crm_doc_in {
	const char *kind, *number, *date; /* date: YYYY-MM-DD, default today */
	const char *item;                 /* a certificate's item (code) */
	const char *file;                 /* an existing file, or NULL */
};
/* Link a document to a deal (CRM_NOINPUT when the file cannot be read). */
int crm_deal_doc_add(struct crm_db *db, int64_t deal, const struct crm_doc_in *in, int64_t *id);
/* The documents of a deal (0: of every deal). */
int crm_deal_doc_list(struct crm_db *db, int64_t deal, crm_row_fn *fn, void *arg);

/* ---- payment.c: payments and what is owed */

struct crm_pay_in {
	const char *amount;         /* "150000.00"; negative: a refund, with a reason */
	const char *date, *ref, *reason;
};
/* Record a payment; CRM_USAGE for a refund without its reason. */
int crm_deal_pay(struct crm_db *db, int64_t deal, const struct crm_pay_in *in, int64_t *id);
/* Invoiced (the total once the deal is invoiced), paid, owed, and what was
 * paid beyond the invoice (an advance), in kopecks. */
struct crm_deal_balance {
	int64_t invoiced, paid, owed, advance;
};
int crm_deal_balance_of(struct crm_db *db, int64_t deal, struct crm_deal_balance *b);
/* The same as one row: deal, invoiced, paid, owed, advance. */
int crm_deal_balance(struct crm_db *db, int64_t deal, crm_row_fn *fn, void *arg);
/* The same for every deal of a party; CRM_NOMATCH when it has none. */
int crm_deal_balance_party(struct crm_db *db, int64_t party, crm_row_fn *fn, void *arg);

/* ---- choice.c: the lists deals take values from, and VAT rates */

/* kind is area, equipment, medium or lost (a lost deal's reason); changing
 * a list needs the role admin, and a value taken off stays on the deals
 * that have it. CRM_DATAERR for a value already on, or not on, the list. */
int crm_choice_add(struct crm_db *db, const char *kind, const char *value);
int crm_choice_rm(struct crm_db *db, const char *kind, const char *value);
/* The values of kind (NULL: of every list) as kind, value. */
int crm_choice_list(struct crm_db *db, const char *kind, crm_row_fn *fn, void *arg);
/* CRM_DATAERR listing the values unless value (NULL, "": none) is on kind's list. */
int crm_choice_check(struct crm_db *db, const char *kind, const char *value);
/* A rate of code from the day starts (rate as crm_rate_parse reads it);
 * the same day again replaces it. Needs the role admin. */
int crm_vat_rate_add(struct crm_db *db, const char *code, const char *starts, const char *rate);
/* Every rate as code, from, rate. */
int crm_vat_rate_list(struct crm_db *db, crm_row_fn *fn, void *arg);
/* The rate of code in force on day (YYYY-MM-DD), -1 for without VAT;
 * CRM_DATAERR when none is. */
int crm_vat_rate_on(struct crm_db *db, const char *code, const char *day, int *rate);
/* CRM_DATAERR unless code has a rate. */
int crm_vat_code_check(struct crm_db *db, const char *code);

/* ---- task.c: tasks and notices */

struct crm_task_in {
	const char *kind, *to, *due, *title; /* to: a login, "dept:NAME" or "owner" */
	int64_t party, request;
	const char *origin;
};
/* Add a task; an open task of the same kind, party, request, title and due
 * time is not doubled: *duplicate is set and *id is the existing one.
 * "owner" is whoever hears of the party (notify.c); a task without a party
 * cannot go there (CRM_USAGE). */
int crm_task_add(struct crm_db *db, const struct crm_task_in *in, int64_t *id,
		 int *duplicate);

struct crm_task_filter {
	const char *kind, *to, *status; /* status: open (default), done, all */
	int mine, overdue;
	int64_t party, request;
};
/* The tasks matching every field of f that is set, soonest due first;
 * CRM_NOMATCH when none does. */
int crm_task_list(struct crm_db *db, const struct crm_task_filter *f,
		  crm_row_fn *fn, void *arg);
/* One task's id, kind, status, due, assignee, party, request and title. */
int crm_task_show(struct crm_db *db, int64_t id, crm_row_fn *fn, void *arg);
/* Close a task (its assignee, a head or an admin; else CRM_NOPERM); a task
 * done already stays as it was. Prints the task through fn. */
int crm_task_done(struct crm_db *db, int64_t id, crm_row_fn *fn, void *arg);
/* Give a task to to (as crm_task_in's to; needs head or admin) and print it. */
int crm_task_reassign(struct crm_db *db, int64_t id, const char *to,
		      crm_row_fn *fn, void *arg);

/* ---- mime.c: one e-mail message, decoded (libetpan and iconv) */

struct crm_header {
	char *name;  /* as written: "Reply-To" */
	char *value; /* unfolded, RFC 2047 words decoded to UTF-8 */
};
struct crm_attachment {
	char *name; /* decoded file name, or NULL */
	char *type; /* "application/pdf" */
	size_t size; /* decoded bytes */
};
struct crm_message {
	char *message_id;      /* without the angle brackets; NULL when missing */
	char *in_reply_to;     /* the first id, without brackets, or NULL */
	char *references;      /* the ids, space-separated, or NULL */
	char *from_name, *from_addr;         /* decoded; addr lower-case */
	char *reply_to_name, *reply_to_addr; /* or NULL */
	char *subject;         /* UTF-8, or NULL */
	char *date;            /* ISO 8601 UTC from the Date header, or NULL */
	char *text;            /* the body as UTF-8 text: text/plain, else HTML made readable */
	int html_only;         /* text came from HTML */
	char *warning;         /* what was read with a guess ("Date: no time zone, ..."), or NULL */
	struct crm_header *headers;
	size_t nheaders;
	struct crm_attachment *attachments;
	size_t nattachments;
};
/* Parse the raw bytes of a message. Fails with CRM_DATAERR only when nothing
 * usable can be got from them (no headers at all); a broken MIME structure
 * still gives the headers and whatever text can be found. */
int crm_message_parse(const char *raw, size_t len, struct crm_message **out);
void crm_message_free(struct crm_message *m);
/* The decoded value of the first header called name (any case), or NULL. */
const char *crm_message_header(const struct crm_message *m, const char *name);
/* A stable id for a message without a Message-ID: "sha256:<hex>" of its bytes. */
char *crm_message_hash_id(const char *raw, size_t len);

/* ---- autoreply.c: mail that machines write */

/* Why a message was sent by a machine (an auto-reply, a bounce, a mailing
 * list's bulk mail): a short reason such as "Auto-Submitted: auto-replied",
 * or NULL for a message a person wrote. */
const char *crm_message_automatic(const struct crm_message *m);

/* ---- mailparse.c and mailrules.c: who wrote to us, and what they want */

struct crm_sender {
	char *name, *phone, *email, *company, *text, *page; /* each may be NULL */
};
/* Pull the sender's details out of a message with a parser: "form" (a
 * website form: labelled lines), "jivo" (a JivoSite transcript or offline
 * message) or "free" (a letter: From/Reply-To, a phone in the signature,
 * the company from the signature or the domain). */
int crm_sender_read(const char *parser, const struct crm_message *m, struct crm_sender *out);
struct crm_mailrules;
/* The same, with the label lines of rules (may be NULL) looked at before
 * the parsers' own labels. */
int crm_sender_read_rules(const char *parser, const struct crm_mailrules *rules,
			  const struct crm_message *m, struct crm_sender *out);
void crm_sender_clear(struct crm_sender *s);

/* Load the rules of crm-mailrules(5) from path; NULL loads the built-in file
 * (CRM_DATADIR/mailrules) and then the user's ($XDG_CONFIG_HOME/crm/mailrules)
 * if it exists, whose rules come first. A bad line fails naming it. */
int crm_mailrules_load(const char *path, struct crm_mailrules **out);
/* The parser of the first rule that matches m ("free" when none does);
 * "skip" says a machine sent it, and it is no request. */
const char *crm_mailrules_match(const struct crm_mailrules *r, const struct crm_message *m);
/* The same, and *rule the matching rule's "FIELD PATTERN" as written (NULL
 * when none matched), which lives as long as r. */
const char *crm_mailrules_pick(const struct crm_mailrules *r, const struct crm_message *m,
			       const char **rule);
/* The i-th word of the rules' label lines, folded (NULL past the last),
 * and *field the field it names: name, phone, email, company, text, page,
 * ignore or visitor (a chat speaker); both live as long as r. */
const char *crm_mailrules_label(const struct crm_mailrules *r, size_t i, const char **field);
void crm_mailrules_free(struct crm_mailrules *r);

/* ---- mail.c: e-mail intake (crm-mailpull) */

struct crm_mail_opts {
	const char *source;   /* maildir:PATH, mbox:PATH, imap[s]://USER@HOST[:PORT]/FOLDER,
			       * pop3[s]://USER@HOST[:PORT] */
	const char *password; /* for IMAP and POP3 */
	/* crm_mail_pull_account: the accounts file (NULL: the default one), and
	 * where the password comes from, over the account's (both NULL: its own) */
	const char *accounts, *passfile, *passcmd;
	const char *cafile;   /* trust these CAs instead of the system's */
	int insecure;         /* do not check the server's certificate */
	int starttls;         /* imap:// and pop3://: switch to TLS before logging in */
	const char *move_to;  /* IMAP: move taken messages there instead of flagging \Seen */
	int delete_after;     /* POP3: delete taken messages (after their commit) */
	int dry_run;          /* parse and report; write and mark nothing */
	long limit;           /* at most this many messages (0: all) */
	int timeout;          /* seconds for connect and each command (crm_mail_pull_account:
			       * 0 is the account's, else 30) */
	struct crm_mailrules *rules; /* NULL: crm_mailrules_load(NULL) */
	void (*progress)(void *arg, unsigned long done, unsigned long total);
	void *progress_arg;
	/* A message taken with a guess (crm_message.warning): ref is its source
	 * ref; crm_mail_pull_account: a certificate not checked, ref the source. */
	void (*warn)(void *arg, const char *ref, const char *warning);
	void *warn_arg;
};
struct crm_mail_stats {
	unsigned long messages, quarantined;
};
/* The names of the columns crm_mail_pull reports (n of them), to check
 * --columns before anything is read. */
const char *const *crm_mail_columns(size_t *n);
/* Take every new message of the source, each in its own transaction, and
 * report each through fn (message_id, action, party, request, parser,
 * reason). Actions: new-lead, history, duplicate, skipped-autoreply,
 * quarantined. A second run on the same source at once: CRM_TEMPFAIL. */
int crm_mail_pull(struct crm_db *db, const struct crm_mail_opts *o, crm_row_fn *fn, void *arg,
		  struct crm_mail_stats *stats);
/* crm_mail_pull for name: a source, or the name of an account in
 * o->accounts (crm-accounts(5)). What o sets wins over the account: its
 * cafile and move_to, its flags that are set, a timeout not 0, a passfile
 * or passcmd; o->source is not looked at. A mailbox on a server gets its
 * password (passcmd, passfile) unless o has one; with insecure set, o->warn
 * hears that the server's certificate is not checked. An account that
 * cannot be read, or a password command that fails: CRM_CONFIG. */
int crm_mail_pull_account(struct crm_db *db, const char *name, const struct crm_mail_opts *o,
			  crm_row_fn *fn, void *arg, struct crm_mail_stats *stats);

/* ---- account.c: named mail accounts (crm-accounts(5)) */

struct crm_account {
	char *name, *source, *passcmd, *passfile, *cafile, *move_to;
	int insecure, starttls, delete_after, timeout;
};
/* Read the account called name from path (NULL: $XDG_CONFIG_HOME/crm/accounts). */
int crm_account_load(const char *path, const char *name, struct crm_account *out);
/* The account's password: the first line of passcmd's output, or of
 * passfile, which must not be readable by group or others (CRM_CONFIG). */
int crm_account_password(const struct crm_account *a, char **out);
void crm_account_clear(struct crm_account *a);

/* ---- cdr.c: call detail records of the PBX (Asterisk Master.csv, MikoPBX) */

struct crm_cdr {
	const char *uniqueid;    /* the call's id; for MikoPBX its linkedid; NULL when empty */
	const char *linkedid;    /* or NULL */
	const char *src, *dst;   /* numbers as the PBX wrote them */
	const char *did;         /* the line called, when the PBX records it, or NULL */
	const char *clid, *channel, *dstchannel, *dcontext, *lastapp;
	time_t start, answer, end; /* 0 when unset */
	long duration, billsec;
	const char *disposition; /* ANSWERED, NO ANSWER, BUSY, FAILED, CONGESTION, CANCEL, UNKNOWN */
	int channels;            /* 1: the layout has dstchannel (Master.csv, not MikoPBX) */
};
struct crm_cdr_reader;
/* Read Master.csv records from f, which is positioned at the start of a line.
 * columns: a comma-separated list of Asterisk column names, or NULL to
 * detect the layout from the number of fields (16, 18 = with uniqueid and
 * userfield, 21 = with peeraccount, linkedid and sequence). utc: the times
 * are UTC (Asterisk's usegmtime), else local time. */
int crm_cdr_open_csv(FILE *f, const char *columns, int utc, struct crm_cdr_reader **out);
/* Master.csv: the charset of label columns (clid, accountcode, lastdata,
 * amaflags, userfield, peeraccount) that are not valid UTF-8 (NULL or "":
 * CP1251); what it cannot read becomes U+FFFD, and rec->clid is UTF-8. The
 * other columns must be UTF-8. */
int crm_cdr_charset(struct crm_cdr_reader *r, const char *charset);
/* Master.csv: f will not grow (standard input: no cursor, no next run), so
 * at its end a last line without its newline is read as it is. */
void crm_cdr_final(struct crm_cdr_reader *r);
/* The next record: CRM_OK; CRM_NOMATCH at the end (a last line without its
 * newline is not read unless the input is final: the PBX is still writing
 * it); CRM_DATAERR for a line
 * that cannot be read, with a message naming the reason (the reader then
 * stands after that line). The record's strings live until the next call. */
int crm_cdr_next(struct crm_cdr_reader *r, struct crm_cdr *rec);
/* 1 when the next record can be read without waiting for the input (a file,
 * or a pipe with data or at its end), else 0; with wait, wait until it can. */
int crm_cdr_ready(struct crm_cdr_reader *r, int wait);
/* The line number (1-based) and raw text of the last line read or refused. */
unsigned long crm_cdr_line(const struct crm_cdr_reader *r);
const char *crm_cdr_raw(const struct crm_cdr_reader *r);
/* Bytes consumed from f so far (whole lines only); MikoPBX: the last id read. */
int64_t crm_cdr_position(const struct crm_cdr_reader *r);
void crm_cdr_close(struct crm_cdr_reader *r);

/* ---- mikopbx.c: MikoPBX's own call records */

/* Read MikoPBX's cdr_general table from the SQLite file at path, read-only:
 * rows with id > after_id; the legs of one call (one linkedid) become one
 * record. Its times are local unless utc. The reader is crm_cdr_next's and
 * the others' of cdr.c. */
int crm_cdr_open_mikopbx(const char *path, int64_t after_id, int utc,
			 struct crm_cdr_reader **out);

/* ---- call.c: phone-call intake (crm-callpull) */

struct crm_call_opts {
	const char *source;  /* a Master.csv file, "-" for in, or mikopbx:PATH (cdr.db) */
	FILE *in;            /* the stream for "-" (NULL: stdin) */
	const char *columns; /* the Master.csv layout, or NULL to detect it */
	int utc;             /* the PBX logs UTC, not local time */
	int dry_run;
	size_t batch;        /* lines a transaction (0: 50,000) */
	void (*progress)(void *arg, unsigned long lines);
	void *progress_arg;
};
struct crm_call_stats {
	unsigned long calls, internal, duplicates, legs, quarantined;
};
/* Take the new calls of the source, each once, and report each through fn
 * (uniqueid, start, direction, number, disposition, billsec, action, party,
 * request, task, reason). Actions: new-lead, history, callback-task,
 * ignored, duplicate, leg (another leg of a call taken: same linkedid),
 * quarantined. Another run on the same source at the
 * same time: CRM_TEMPFAIL. */
/* The names of the columns crm_call_pull reports (n of them), to check
 * --columns before anything is read. */
const char *const *crm_call_columns(size_t *n);
int crm_call_pull(struct crm_db *db, const struct crm_call_opts *o, crm_row_fn *fn, void *arg,
		  struct crm_call_stats *stats);

/* ---- sheet.c: export files: xlsx (written by xlsx.c), csv (libcsv quoting), tsv */

enum crm_cell { CRM_CELL_TEXT, CRM_CELL_NUMBER, CRM_CELL_DATE };
struct crm_sheet;
/* Start an export in format "xlsx", "csv" or "tsv" to path, written to a
 * temporary file beside it and renamed only by crm_sheet_close(commit), so a
 * failed export leaves nothing behind; path NULL writes to stdout (xlsx
 * through a temporary file). title names the xlsx sheet (cut to Excel's 31
 * characters, without []:*?/\). */
int crm_sheet_open(const char *format, const char *path, const char *title,
		   struct crm_sheet **out);
/* The format of an export to path: format when given, else by the file's
 * ending (.xlsx, .csv, in any case), else "tsv". */
const char *crm_sheet_format(const char *format, const char *path);
/* The column names and kinds, once, before the rows. TEXT is always text
 * (phones and codes keep their '+' and leading zeros); DATE takes ISO 8601
 * values and is a real date in xlsx. */
int crm_sheet_header(struct crm_sheet *s, size_t n, const char *const *names,
		     const enum crm_cell *kinds);
/* One row of n values (NULL: empty). A text that starts like a formula
 * (=, +, -, @, TAB, CR) is never one: a string cell in xlsx; in csv it gets
 * a leading apostrophe (OWASP), unless it is only a number or a phone.
 * xlsx copies the values and writes them in a thread of its own: a failure
 * there is returned by a later crm_sheet_row or by crm_sheet_close. */
int crm_sheet_row(struct crm_sheet *s, const char *const *values);
/* The rows taken so far. */
unsigned long crm_sheet_rows(const struct crm_sheet *s);
/* Finish: commit renames the file into place; otherwise it is removed.
 * Frees s in either case. */
int crm_sheet_close(struct crm_sheet *s, int commit);

/* ---- segment.c: named segments of parties for marketing */

struct crm_segment {
	const char *kind;     /* lead, client, partner or supplier */
	const char *dept;     /* department name */
	const char *manager;  /* the party's manager (login) */
	const char *tag;      /* one of the party's tags */
	const char *since;    /* created since: a time or a duration back */
	const char *inactive; /* no contact for this long: a duration */
	int has_email, has_phone;
	int with_junk;        /* also leads whose every request is junk (not saved) */
};
/* Save a segment under name, replacing one of that name; CRM_USAGE for a
 * name that is empty or longer than 64, CRM_DATAERR for an unknown kind,
 * department or manager, or a bad time or duration. */
int crm_segment_save(struct crm_db *db, const char *name, const struct crm_segment *s);
/* The segment saved under name into out, whose strings live until
 * crm_segment_clear; CRM_DATAERR when there is none. */
int crm_segment_load(struct crm_db *db, const char *name, struct crm_segment *out);
/* Free the strings of a segment that crm_segment_load or _choose filled in. */
void crm_segment_clear(struct crm_segment *s);
/* The segment an export runs on: the saved segment name (NULL: none), each
 * filter of given replacing the saved one of its kind (has_email and
 * has_phone add to it; with_junk is given's); its strings are copies, freed
 * by crm_segment_clear. CRM_DATAERR when there is no segment name. */
int crm_segment_choose(struct crm_db *db, const char *name, const struct crm_segment *given,
		       struct crm_segment *out);
/* Every saved segment, by name (none: the header alone, CRM_OK). */
int crm_segment_list(struct crm_db *db, crm_row_fn *fn, void *arg);
/* Delete the segment saved under name; CRM_DATAERR when there is none. */
int crm_segment_delete(struct crm_db *db, const char *name);

/* ---- export.c: a segment written out for marketing (crm-export) */

/* Export the segment with a profile: "contacts" (a row per party, all we
 * know), "mailchimp" (a row per e-mail address, opted-out ones never;
 * MailChimp's columns), "calls" (a row per phone number, for telemarketing);
 * another: CRM_USAGE. *left_out counts addresses or numbers dropped as
 * invalid. CRM_NOMATCH when the segment is empty (the header is written). */
int crm_export_segment(struct crm_db *db, const char *profile, const struct crm_segment *s,
		       struct crm_sheet *out, unsigned long *left_out);
/* The same into a file: path (NULL: stdout) in format (NULL: by path, see
 * crm_sheet_format), its xlsx sheet named "NAME - profile" after the saved
 * segment name, else by the profile (NULL: contacts). The file is in place
 * only when the export succeeds or the segment is empty (CRM_NOMATCH: a
 * file with the header alone); CRM_IOERR when it cannot be put there. */
int crm_export_file(struct crm_db *db, const char *profile, const char *name,
		    const struct crm_segment *s, const char *format, const char *path,
		    unsigned long *left_out);

/* ---- optout.c: opt-outs from MailChimp back into the contact points */

struct crm_optout_stats {
	unsigned long opted_out, already, unknown, invalid;
};
/* Mark as opted out the e-mail addresses of a MailChimp unsubscribed or
 * cleaned export (CSV with an "Email Address" column); source says where
 * the opt-out came from. Each address goes to fn (email, party, action:
 * opted-out, already, unknown, invalid) and is counted in *stats.
 * CRM_DATAERR for a file without that column, an empty one or bad CSV
 * (naming the line); CRM_IOERR when it cannot be read. */
int crm_optout_import(struct crm_db *db, FILE *csv, const char *source, crm_row_fn *fn,
		      void *arg, struct crm_optout_stats *stats);

/* ---- gs1.c: barcodes: check digits and GS1 element strings */

/* The kind of a plain code by its length and check digit: "EAN-8",
 * "UPC-A", "EAN-13" or "GTIN-14"; CRM_DATAERR naming the expected check
 * digit ('bad check digit 1 in "2112345678901": expected 0'), or a bad
 * length or character. */
int crm_barcode_check(const char *code, const char **kind);
/* The GTIN-14 form of an EAN-8, UPC-A, EAN-13 or GTIN-14 (zeros in front). */
int crm_gtin14(const char *code, char out[15]);

struct crm_scan {
	char gtin[15];     /* (01) or a plain EAN/UPC as GTIN-14; "" if none */
	char lot[21];      /* (10) */
	char serial[21];   /* (21) */
	char expiry[11];   /* (17) as YYYY-MM-DD, day 00 = the month's last day; "" if none */
	char produced[11]; /* (11) as YYYY-MM-DD */
	long count;        /* (37), or 0 */
	const char *symbology; /* "GS1-128", "GS1 DataBar", "GS1 DataMatrix", "GS1 QR",
				* "EAN-13", "EAN-8", "UPC-A", or NULL with no AIM prefix */
};
/* Read one scan as a scanner types it: a plain EAN/UPC/GTIN, or GS1 data
 * with or without an AIM prefix (]C1 ]e0 ]d2 ]Q3 ]E0 ]E4 ...), fields
 * separated by GS (0x1D) or, in the human-readable form, "(01)...(10)...".
 * Unknown AIs are skipped by their defined length when known, refused
 * otherwise; CRM_DATAERR says what is wrong. */
int crm_scan_parse(const char *text, struct crm_scan *out);

/* ---- amount.c: quantities (thousandths) and money (kopecks) as integers */

int crm_qty_parse(const char *s, int64_t *out);   /* "2.5" -> 2500 */
int crm_money_parse(const char *s, int64_t *out); /* "1234.50" -> 123450 */
void crm_qty_format(int64_t q, char buf[32]);      /* 2500 -> "2.5" */
void crm_money_format(int64_t m, char buf[32]);    /* 123450 -> "1234.50" */

/* ---- vat.c: the money of a deal's lines, VAT per line */

struct crm_vat_in {
	int64_t qty;       /* thousandths of a unit, > 0 */
	int64_t price;     /* kopecks per unit */
	int64_t discount;  /* kopecks off the line (when discount_pct is 0) */
	int discount_pct;  /* hundredths of a percent off the line */
	int rate;          /* hundredths of a percent (2200: 22%); -1: without VAT */
	int price_has_vat; /* the price includes VAT (the default) */
};
struct crm_vat_line {
	int64_t gross;     /* qty x price, rounded to the kopeck */
	int64_t discount;  /* what the discount takes off gross */
	int64_t net, vat, total; /* total = net + vat, what the customer pays */
};
/* One line, each amount rounded half away from zero; CRM_DATAERR when an
 * input is out of range, the discount exceeds the line or an amount does
 * not fit. */
int crm_vat_line(const struct crm_vat_in *in, struct crm_vat_line *out);
/* Add a line to a sum of lines (the only way a total is made). */
int crm_vat_add(struct crm_vat_line *sum, const struct crm_vat_line *line);
/* A rate: "22", "22%", "10.5%", or "none" (also "без НДС") for -1. */
int crm_rate_parse(const char *s, int *out);
void crm_rate_format(int rate, char buf[16]); /* 2200 -> "22%", -1 -> "none" */

/* ---- item.c: items, their barcodes, warehouses */

struct crm_item_in {
	const char *code, *name, *unit, *price, *supply, *certifiable, *shelf_life, *lot_tracked;
	const char *barcodes; /* comma-separated: each checked, added (never removed here) */
	const char *supplier; /* the id of the party (a supplier) that sells a bought item */
};
/* Add an item (a code and a name at least) and its barcodes; *id is its id.
 * CRM_DATAERR for a code known already, a bad field, or a barcode with a
 * bad check digit or of another item. */
int crm_item_add(struct crm_db *db, const struct crm_item_in *in, int64_t *id);
/* Change the fields of in that are not NULL, for the item with in->code. */
int crm_item_set(struct crm_db *db, const struct crm_item_in *in);
/* A record of an import: the item added, or changed (crm_item_set) when
 * its code is known; CRM_DATAERR without a code. */
int crm_item_import(struct crm_db *db, const struct crm_item_in *in);
/* Every item with its barcodes, by code (none: the header alone, CRM_OK). */
int crm_item_list(struct crm_db *db, crm_row_fn *fn, void *arg);
/* One item as (key, value) rows: its fields, barcodes, stock and open orders. */
int crm_item_show(struct crm_db *db, const char *code, crm_row_fn *fn, void *arg);
/* An item by its code or by one of its barcodes (any GTIN spelling);
 * CRM_DATAERR naming it when unknown (not CRM_NOMATCH). */
int crm_item_find(struct crm_db *db, const char *code, int64_t *id);
/* Add a warehouse (role admin); CRM_USAGE without a code, CRM_DATAERR for
 * a code known already. */
int crm_warehouse_add(struct crm_db *db, const char *code, const char *name);
/* Every warehouse, by code, with the default one marked. */
int crm_warehouse_list(struct crm_db *db, crm_row_fn *fn, void *arg);
/* A warehouse by code; NULL or "" is the default one; CRM_DATAERR when unknown. */
int crm_warehouse_find(struct crm_db *db, const char *code, int64_t *id);

/* ---- stock.c: the ledger: receipts, shipments, transfers, counts
 *
 * A move needs the role admin or warehouse, reading any role (else
 * CRM_NOPERM). Each move goes to fn as a row (fn NULL: none); a bad
 * quantity, date, item, lot or warehouse is CRM_DATAERR naming it. */

struct crm_stock_in {
	const char *item, *lot, *qty, *warehouse, *to;     /* to: transfer target */
	const char *produced, *expires, *reason, *doc;
};
/* Goods in: a receipt into a new or known lot (a known one must not give
 * another expiry); a new lot's expiry defaults to produced (or today) plus
 * the item's shelf life. crm_stock_produce: the same for goods made
 * in-house (a production move). */
int crm_stock_receive(struct crm_db *db, const struct crm_stock_in *in, crm_row_fn *fn,
		      void *arg);
int crm_stock_produce(struct crm_db *db, const struct crm_stock_in *in, crm_row_fn *fn,
		      void *arg);
/* Goods out of a lot without a reservation: shipped, or written off (with
 * in->reason, else CRM_USAGE); never more than is free (CRM_DATAERR). */
int crm_stock_ship_unreserved(struct crm_db *db, const struct crm_stock_in *in, crm_row_fn *fn,
			      void *arg);
int crm_stock_writeoff(struct crm_db *db, const struct crm_stock_in *in, crm_row_fn *fn,
		       void *arg);
/* Move goods of a lot to the warehouse in->to (another one, else
 * CRM_USAGE): two moves, out and in; never more than is free. */
int crm_stock_transfer(struct crm_db *db, const struct crm_stock_in *in, crm_row_fn *fn,
		       void *arg);
/* An inventory count: in->qty is what is there; the difference is a move
 * (none when the books are right); CRM_DATAERR when the count would leave
 * less than is reserved. */
int crm_stock_adjust(struct crm_db *db, const struct crm_stock_in *in, crm_row_fn *fn,
		     void *arg);
/* What the reading functions select; NULL fields select all. */
struct crm_stock_filter {
	const char *item, *warehouse, *at, *within, *since, *kind, *doc;
	int by_lot;
};
/* What is on hand, and reserved, per item and warehouse (per lot with
 * f->by_lot); at f->at (a time; a date means its end) summed from the
 * ledger instead. CRM_NOMATCH when there is no stock. */
int crm_stock_balance(struct crm_db *db, const struct crm_stock_filter *f, crm_row_fn *fn,
		      void *arg);
/* Lots with stock that expire within f->within (a duration; NULL: 30 days),
 * in f->warehouse or all; CRM_NOMATCH when none. crm_stock_expired: lots
 * with stock whose expiry is before today. */
int crm_stock_expiring(struct crm_db *db, const struct crm_stock_filter *f, crm_row_fn *fn,
		       void *arg);
int crm_stock_expired(struct crm_db *db, const struct crm_stock_filter *f, crm_row_fn *fn,
		      void *arg);
/* The ledger's moves in order, of f->item, f->warehouse, f->kind (receipt,
 * production, shipment, transfer, adjustment, writeoff; another is
 * CRM_DATAERR), since f->since (a time or a duration back) and with the
 * document f->doc; CRM_NOMATCH when none. */
int crm_stock_moves(struct crm_db *db, const struct crm_stock_filter *f, crm_row_fn *fn,
		    void *arg);
/* Balances equal to the ledger's sums; each difference to fn; CRM_DATAERR if any. */
int crm_stock_check(struct crm_db *db, crm_row_fn *fn, void *arg);

/* ---- fefo.c: reservations, oldest expiry first */

/* Reserve qty of item for ref from the lots that expire first (then the
 * earliest received, then the lowest id; lots without expiry last; expired
 * lots never), across as many lots as needed; not enough free: CRM_DATAERR
 * naming the free quantity, nothing reserved. The reservations of ref to
 * fn; CRM_USAGE without ref. */
int crm_stock_reserve(struct crm_db *db, const char *ref, const char *item, const char *qty,
		      const char *warehouse, crm_row_fn *fn, void *arg);
/* End the open reservations of ref, freeing their stock; the reservations
 * of ref to fn. CRM_DATAERR when nothing is reserved for ref. */
int crm_stock_release(struct crm_db *db, const char *ref, crm_row_fn *fn, void *arg);
/* The picking list of ref: item, lot, quantity, warehouse, picked;
 * CRM_NOMATCH when nothing is reserved for ref. */
int crm_stock_picklist(struct crm_db *db, const char *ref, crm_row_fn *fn, void *arg);
/* Ship exactly what is reserved for ref: a shipment move per reserved lot,
 * the reservations shipped; CRM_DATAERR when nothing is reserved. */
int crm_stock_ship_reserved(struct crm_db *db, const char *ref, crm_row_fn *fn, void *arg);
/* One scan while picking ref: the item and lot must be on its list (the
 * FEFO lot, not another); adds qty to what is picked. CRM_DATAERR for
 * another item or lot, or more than is left to pick. */
int crm_stock_pick_scan(struct crm_db *db, const char *ref, const struct crm_scan *s,
			int64_t qty, crm_row_fn *fn, void *arg);

/* ---- scan.c: what a barcode scanner types, booked (crm-stock scan) */

struct crm_stock_scan_opts {
	const char *ref;       /* pick: the order (required); else the moves' document */
	const char *warehouse; /* NULL: the default one */
	const char *qty;       /* what a scan without a (37) count stands for (NULL: 1) */
	int dry_run;           /* book each scan, then roll it back */
	/* Each failure, its message set ("line 3: ...", "count of GTIN lot L:
	 * ..."); scanning goes on after it. */
	void (*failed)(void *arg, int status);
	void *failed_arg;
};
/* Read scans from in, one a line (ended by LF, CR LF or a CR alone), each
 * read by crm_scan_parse and booked in a transaction of its own, its rows
 * to fn. receive: a receipt into the scan's lot, with its dates. pick: the
 * scan is picked for o->ref (crm_stock_pick_scan). count: the scans are
 * added up per item and lot, and at the end of in each sum is booked as an
 * inventory count (crm_stock_adjust), each in its own transaction. Each
 * returns CRM_OK, or the status of the first failure. */
int crm_stock_scan_receive(struct crm_db *db, FILE *in, const struct crm_stock_scan_opts *o,
			   crm_row_fn *fn, void *arg);
int crm_stock_scan_pick(struct crm_db *db, FILE *in, const struct crm_stock_scan_opts *o,
			crm_row_fn *fn, void *arg);
int crm_stock_scan_count(struct crm_db *db, FILE *in, const struct crm_stock_scan_opts *o,
			 crm_row_fn *fn, void *arg);

/* ---- supply.c: production orders and supplier orders
 *
 * Planning needs the role admin, head or warehouse, receiving admin or
 * warehouse (else CRM_NOPERM); a bad item, quantity or date, or an order
 * that is not there or not open, is CRM_DATAERR naming it. */

/* A production order: qty of item, planned for a date, made for ref (a
 * customer order, whose reservation the goods go to). */
struct crm_production_in {
	const char *item, *qty, *planned, *ref;
};
/* What changes of a production order: the fields not NULL. */
struct crm_production_change {
	const char *progress, *status, *planned;
};
/* Goods that arrive (made, or bought): into lot, with their dates; qty
 * NULL: what the order has left. */
struct crm_delivery_in {
	const char *lot, *qty, *expires, *produced, *warehouse;
};
/* A new production order; its row to fn. */
int crm_production_add(struct crm_db *db, const struct crm_production_in *in, crm_row_fn *fn,
		       void *arg);
/* Progress (0 to 100; more than 0 makes a planned order in_progress), status
 * (planned, in_progress, cancelled) or the planned date of an open order
 * (CRM_DATAERR for one done or cancelled). */
int crm_production_set(struct crm_db *db, int64_t id, const struct crm_production_change *in,
		       crm_row_fn *fn, void *arg);
/* Made: the goods go into the warehouse as a lot (a production move),
 * reserved for the order the production order serves; the order is done. */
int crm_production_done(struct crm_db *db, int64_t id, const struct crm_delivery_in *in,
			crm_row_fn *fn, void *arg);
/* Production orders of status (NULL: the open ones, planned and
 * in_progress; "all"), by planned date; CRM_NOMATCH when none. */
int crm_production_list(struct crm_db *db, const char *status, crm_row_fn *fn, void *arg);
/* A supplier (a party of kind supplier) named name, with the phone,
 * e-mail and tax numbers of in; its id to *id. CRM_USAGE without a name. */
int crm_supplier_add(struct crm_db *db, const char *name, const struct crm_party_in *in,
		     int64_t *id);
/* A line of qty of item: on a new order of supplier (a party of kind
 * supplier, else CRM_DATAERR), expected on a date, for ref (a customer
 * order); or, with order, one more line on that open order. */
struct crm_supplier_order_in {
	int64_t supplier, order;
	const char *item, *qty, *expected, *ref;
};
/* Add the line; the order's rows (one a line) to fn. */
int crm_supplier_order_add(struct crm_db *db, const struct crm_supplier_order_in *in,
			   crm_row_fn *fn, void *arg);
/* Supplier orders of status (NULL: open; received, cancelled, "all"), a row
 * a line, by expected date; CRM_NOMATCH when none. */
int crm_supplier_order_list(struct crm_db *db, const char *status, crm_row_fn *fn, void *arg);
/* Goods of item on order id arrive: a receipt into a lot, reserved for the
 * order's customer order; the order is received when all its lines are.
 * CRM_DATAERR when the order has none of item left to receive, or less
 * than in->qty. */
int crm_supplier_order_receive(struct crm_db *db, int64_t id, const char *item,
			       const struct crm_delivery_in *in, crm_row_fn *fn, void *arg);

/* ---- arrival.c: goods arrive for a customer order */

/* crm_production_done and crm_supplier_order_receive, and then: when the
 * goods were the last that a deal at production waited for (the order ref
 * DEAL-<id>), the deal moves to stock and its manager gets the task "Goods
 * for deal N are in stock: ship". */
int crm_production_arrived(struct crm_db *db, int64_t id, const struct crm_delivery_in *in,
			   crm_row_fn *fn, void *arg);
int crm_supplier_delivery(struct crm_db *db, int64_t id, const char *item,
			  const struct crm_delivery_in *in, crm_row_fn *fn, void *arg);
/* The check itself, for an order ref (another ref: nothing happens). */
int crm_deal_goods_arrived(struct crm_db *db, const char *ref);

#endif
