/*
 * crm-private.h: what the library's own files share and the commands never
 * see: the database handle, prepared-statement helpers, audit set-up.
 */
#ifndef CRM_PRIVATE_H
#define CRM_PRIVATE_H

#include <sqlite3.h>

#include "crm.h"

#define CRM_STMT_CACHE 64

struct crm_db {
	sqlite3 *h;
	char *path;
	int64_t user_id; /* the acting user, once looked up; 0 before */
	int role;
	/* Settings read once per transaction (nobody else can change them then). */
	char country[8];
	int64_t head;
	struct {
		const char *sql; /* the literal's address is the key */
		sqlite3_stmt *stmt;
	} cache[CRM_STMT_CACHE];
	int ncache;
};

/* Turn an SQLite result code into a crm status with a message. */
int crm_sql_error(struct crm_db *db, int rc);
/* A prepared statement for a string literal, cached and reset; NULL on error. */
sqlite3_stmt *crm_stmt(struct crm_db *db, const char *sql);
/* Run a statement that returns no rows. */
int crm_stmt_done(struct crm_db *db, sqlite3_stmt *st);
/* Step once: 1 for a row, 0 for done, or minus a crm status. */
int crm_stmt_row(struct crm_db *db, sqlite3_stmt *st);
/* Send every row of st to fn (column names as names); *n counts them. */
int crm_stmt_emit(struct crm_db *db, sqlite3_stmt *st, crm_row_fn *fn, void *arg,
		  unsigned long *n);
/* Run a cached statement that returns no rows with ids ?1 = a and ?2 = b
 * (b 0: not bound, for statements with one parameter). */
int crm_exec_ids(struct crm_db *db, const char *sql, int64_t a, int64_t b);
/* Run SQL text without parameters. */
int crm_exec(struct crm_db *db, const char *sql);
/* Bind text (NULL and "" bind NULL) and ids (0 binds NULL). */
int crm_bind_text(sqlite3_stmt *st, int i, const char *s);
int crm_bind_id(sqlite3_stmt *st, int i, int64_t id);
/* Now as an ISO string, honouring CRM_NOW. */
int crm_now(char buf[CRM_TIME_LEN]);
/* A single row's single integer; CRM_NOMATCH when no row. */
int crm_query_id(struct crm_db *db, sqlite3_stmt *st, int64_t *out);

/* user.c: the head of sales, who gets notices nobody else owns. */
int crm_user_head(struct crm_db *db, int64_t *id);

/* party.c: the pieces request intake builds a party from. */
int crm_party_create(struct crm_db *db, const char *kind, const char *name, int64_t dept,
		     int64_t *id);
int crm_contact_add(struct crm_db *db, int64_t party, const char *name, int64_t *id);
/* The same for a party known to have no contact of that name (a new one). */
int crm_contact_new(struct crm_db *db, int64_t party, const char *name, int64_t *id);
/* Attach a phone or e-mail to a party unless it is known already. */
int crm_point_add(struct crm_db *db, int64_t party, int64_t contact, const char *kind,
		  const char *value, const char *tail, const char *ext);
/* The default country calling code from the settings, into buf. */
int crm_country(struct crm_db *db, char buf[8]);
/* May the acting user work on a request assigned to assignee (managers: own only)? */
int crm_may_handle(struct crm_db *db, int64_t assignee, int64_t request, const char *action);

/* intake.c: a source's cursor (read and written inside the caller's
 * transaction), and its lock (a byte of the one file DB.lock beside the
 * database, held while fd is open; another holder: CRM_TEMPFAIL naming
 * crm-COMMAND). */
int crm_cursor_get(struct crm_db *db, const char *source, char *state, size_t size);
int crm_cursor_put(struct crm_db *db, const char *source, const char *state);
int crm_source_lock(struct crm_db *db, const char *command, const char *source, int *fd);

/* task.c: a task for a user id, not doubled while an equal one is open;
 * with duplicate NULL there is no such check (for a task that cannot have
 * a twin, like the notice of a request just recorded). */
int crm_task_insert(struct crm_db *db, const char *kind, int64_t assignee, const char *due,
		    const char *title, int64_t party, int64_t request, const char *origin,
		    int64_t *id, int *duplicate);

/* An open task of kind for party (with no request): its id, or CRM_NOMATCH. */
int crm_task_open(struct crm_db *db, const char *kind, int64_t party, int64_t *id);
/* The open notices of a request are done, by the system (done_by "system"),
 * but for those of user keep (0: all of them). */
int crm_task_close_notices(struct crm_db *db, int64_t request, int64_t keep);
/* The party's owner changed: its open callbacks go to the owner, if active. */
int crm_task_follow_owner(struct crm_db *db, int64_t party);

/* notify.c: who hears of a party. owner: its owner while active, else 0.
 * who: the owner, else the next active manager of its department, else the
 * head of sales. round_robin: the next active manager of department dept
 * (CRM_DATAERR when it has none). */
int crm_notify_owner(struct crm_db *db, int64_t party, int64_t *user);
int crm_notify_who(struct crm_db *db, int64_t party, int64_t *user);
int crm_notify_round_robin(struct crm_db *db, const char *dept, int64_t *user);

/* names.c: first and last name of a full name (either may come back NULL). */
int crm_name_split(const char *full, char **first, char **last);
/* segment.c: check a segment's fields (known kind, department, manager...). */
int crm_segment_check(struct crm_db *db, const struct crm_segment *s);

/* map.c: records of value_size bytes (zero when new) by string key. get:
 * NULL when absent; put: the key's record, made if new (NULL: out of
 * memory). A record lives until the map is cleared or freed. */
struct crm_map;
struct crm_map *crm_map_new(size_t value_size);
void *crm_map_get(struct crm_map *m, const char *key);
void *crm_map_put(struct crm_map *m, const char *key);
size_t crm_map_count(const struct crm_map *m);
void crm_map_clear(struct crm_map *m);
void crm_map_free(struct crm_map *m);

/* amount.c: the SQL functions crm_qty() and crm_money(). */
int crm_amount_register(struct crm_db *db);

/* stock.c: today as YYYY-MM-DD (CRM_NOW honoured); a date someone gave
 * (YYYY-MM-DD, or any time crm_time_parse reads) as YYYY-MM-DD, "" when s
 * is NULL or empty, CRM_DATAERR naming what it is; what is on hand of a lot
 * in a warehouse, and what of it is free (not reserved). */
int crm_date_today(char buf[11]);
int crm_date_parse(const char *what, const char *s, char out[11]);
int crm_stock_on_hand(struct crm_db *db, int64_t lot, int64_t warehouse, int64_t *on_hand,
		      int64_t *free);

/* fefo.c: reserve qty of one given lot for ref (goods made or bought for it). */
int crm_stock_reserve_lot(struct crm_db *db, const char *ref, int64_t item, int64_t lot,
			  int64_t warehouse, int64_t qty);

/* audit.c: the SQL functions crm_user() and crm_now(), and the triggers
 * that write every insert, update and delete to the audit table. */
int crm_audit_register(struct crm_db *db);
int crm_audit_install(struct crm_db *db);

/* The compiled-in migrations, NULL-terminated (lib/migrations.c). */
extern const char *const crm_migrations[];

#endif
