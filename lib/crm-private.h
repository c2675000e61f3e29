/*
 * crm-private.h: what the library's own files share and the commands never
 * see: the database handle, prepared-statement helpers, audit set-up.
 */
#ifndef CRM_PRIVATE_H
#define CRM_PRIVATE_H

#include <limits.h>
#include <sqlite3.h>
#include <sys/stat.h>

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
/* The first column of every row of st, ", " between, into buf (cut at
 * size): the known values a message lists. */
void crm_stmt_join(struct crm_db *db, sqlite3_stmt *st, char *buf, size_t size);
/* Run a cached statement that returns no rows with ids ?1 = a and ?2 = b
 * (b 0: not bound, for statements with one parameter). */
int crm_exec_ids(struct crm_db *db, const char *sql, int64_t a, int64_t b);
/* Run SQL text without parameters. */
int crm_exec(struct crm_db *db, const char *sql);
/* Bind text (NULL and "" bind NULL) and ids (0 binds NULL). */
int crm_bind_text(sqlite3_stmt *st, int i, const char *s);
int crm_bind_id(sqlite3_stmt *st, int i, int64_t id);
/* A single row's single integer; CRM_NOMATCH when no row. */
int crm_query_id(struct crm_db *db, sqlite3_stmt *st, int64_t *out);

/* actor.c: CRM_DATAERR naming login unless user is a manager or head, who
 * take requests and parties. */
int crm_user_takes_requests(struct crm_db *db, int64_t user, const char *login);

/* config.c: the default country calling code from the settings, into buf. */
int crm_country(struct crm_db *db, char buf[8]);

/* party.c: the pieces request intake builds a party from. */
int crm_party_create(struct crm_db *db, const char *kind, const char *name, int64_t dept,
		     int64_t *id);
int crm_contact_add(struct crm_db *db, int64_t party, const char *name, int64_t *id);
/* The same for a party known to have no contact of that name (a new one). */
int crm_contact_new(struct crm_db *db, int64_t party, const char *name, int64_t *id);
/* Attach a phone or e-mail to a party unless it is known already. */
int crm_point_add(struct crm_db *db, int64_t party, int64_t contact, const char *kind,
		  const char *value, const char *tail, const char *ext);

/* intake.c: a source's cursor (read and written inside the caller's
 * transaction), and its lock (a byte of the one file DB.lock beside the
 * database, held while fd is open; another holder: CRM_TEMPFAIL naming
 * crm-COMMAND). */
int crm_cursor_get(struct crm_db *db, const char *source, char *state, size_t size);
int crm_cursor_put(struct crm_db *db, const char *source, const char *state);
int crm_source_lock(struct crm_db *db, const char *command, const char *source, int *fd);
/* A log file read as it grows: one file to read from offset. */
struct crm_file_part {
	char path[PATH_MAX];
	struct stat sb;
	int64_t offset;
};
/* What of the file at path (also its source's name) to read now, in order
 * (*n parts, 1 or 2): when it was rotated since its cursor was saved, the
 * old file, found beside it by its inode, from the cursor on, and then path
 * from its start; else path from the cursor on (from its start when it was
 * cut short). A missing path: CRM_NOINPUT. */
int crm_file_parts(struct crm_db *db, const char *path, struct crm_file_part part[2], size_t *n);
/* The source's cursor: file f read up to offset. */
int crm_file_cursor_put(struct crm_db *db, const char *source, const struct crm_file_part *f,
			int64_t offset);
/* Keep len bytes of raw (NULL: none) that intake could not read, with the
 * reason, in the quarantine; *id (may be NULL) is the new row's. */
int crm_quarantine_add(struct crm_db *db, const char *source, const void *raw, size_t len,
		       const char *reason, int64_t *id);

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
/* The head of sales, who hears what nobody else owns: the head setting's
 * user while active, else the first active head, else the first admin
 * (CRM_CONFIG when there is none). */
int crm_notify_head(struct crm_db *db, int64_t *user);

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

/* stock.c: what is on hand of a lot in a warehouse, and what of it is free
 * (not reserved). */
int crm_stock_on_hand(struct crm_db *db, int64_t lot, int64_t warehouse, int64_t *on_hand,
		      int64_t *free);

/* supply.c, without the checks of who may: a production order of qty of
 * item for ref; a supplier order for ref (CRM_DATAERR unless supplier is
 * one), and a line of it. For the customer order a deal makes. */
int crm_production_insert(struct crm_db *db, int64_t item, int64_t qty, const char *planned,
			  const char *ref, int64_t *id);
int crm_supplier_order_new(struct crm_db *db, int64_t supplier, const char *expected,
			   const char *ref, int64_t *order);
int crm_supplier_line_add(struct crm_db *db, int64_t order, int64_t item, int64_t qty);

/* fefo.c: reserve for ref as much of want of item as is free, oldest
 * expiry first, across lots; what was reserved into *got (0 to want). */
int crm_stock_reserve_free(struct crm_db *db, const char *ref, int64_t item, int64_t want,
			   int64_t *got);
/* fefo.c: reserve qty of one given lot for ref (goods made or bought for it). */
int crm_stock_reserve_lot(struct crm_db *db, const char *ref, int64_t item, int64_t lot,
			  int64_t warehouse, int64_t qty);

/* sqlfunc.c: register the application's SQL functions on a connection. */
int crm_sqlfunc_register(struct crm_db *db);
/* audit.c: (re)build the triggers that write every insert, update and
 * delete to the audit table, inside the migration's transaction. */
int crm_audit_install(struct crm_db *db);

/* The compiled-in migrations, NULL-terminated (lib/migrations.c). */
extern const char *const crm_migrations[];

/* deal.c: what the deal modules need of one deal. access: CRM_NOPERM unless
 * the acting user may read it (write 0) or change it (write 1: a manager
 * only their own); CRM_DATAERR when there is no such deal. touch: the deal
 * changed now. log: a move of its stage, into its history. */
struct crm_deal_state {
	int64_t id, party, manager;
	char stage[16], invoiced[11], vat_code[33];
	int ordered;
};
int crm_deal_access(struct crm_db *db, int64_t id, int write, struct crm_deal_state *s);
int crm_deal_touch(struct crm_db *db, int64_t id);
int crm_deal_log(struct crm_db *db, int64_t id, const char *from, const char *to, int forced,
		 const char *reason);
/* stage.c: the stages in their order, NULL-terminated. */
extern const char *const crm_deal_stages[];
/* A task of kind deal about the deal, for user; origin says which of its
 * moves made it. */
int crm_deal_task(struct crm_db *db, int64_t deal, int64_t party, int64_t user,
		  const char *title, const char *origin);

/* dealline.c: the deal's VAT rate today (or on its invoice date) and
 * whether prices include it; each line with its money to fn (NULL: none),
 * in the order they were added, their sum into *sum. */
struct crm_deal_line {
	int64_t id;
	const char *code, *name, *unit;
	int certifiable;
	struct crm_vat_in in;
	struct crm_vat_line money;
};
int crm_deal_rate(struct crm_db *db, const struct crm_deal_state *s, int *rate,
		  int *price_has_vat);
int crm_deal_walk(struct crm_db *db, const struct crm_deal_state *s,
		  int (*fn)(void *arg, const struct crm_deal_line *l), void *arg,
		  struct crm_vat_line *sum);

/* payment.c: the sum of a deal's payments (refunds taken off). */
int crm_deal_paid(struct crm_db *db, int64_t deal, int64_t *paid);

/* order.c: make or adjust the order of a deal known to be open; print it. */
int crm_deal_order_make(struct crm_db *db, const struct crm_deal_state *s,
			const struct crm_order_in *in);
int crm_deal_order_show(struct crm_db *db, int64_t deal, crm_row_fn *fn, void *arg);
/* How many of the deal's lines are not reserved (or shipped) in full, and
 * how many not shipped in full (the view deal_cover). */
int crm_deal_short(struct crm_db *db, int64_t deal, unsigned long *short_reserved,
		   unsigned long *short_shipped);

#endif
