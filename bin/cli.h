/*
 * cli.h: what every crm command shares: the common options (--db,
 * --columns, --no-header, --dry-run, --keep-going, --key, --verbose),
 * messages in the form "crm-lead: line 3: ...", and the batch loop that
 * takes IDs from the arguments or records from stdin inside one transaction.
 */
#ifndef CLI_H
#define CLI_H

#include <getopt.h>

#include "crm.h"

#define CLI_OPT_BASE 256 /* getopt codes of a command's own options start here */
#define CLI_NOPT 48

struct cli_verb;

struct cli {
	const char *prog;
	const char *notes; /* printed after the verbs' usage: common options, sources */
	const struct cli_verb *verbs; /* the usage is built from their entries */
	const char *opt[CLI_NOPT]; /* the command's own options, by their enum */
	int notxn;      /* cli.c opens no transaction: see CLI_NOTXN */
	const char *db_path, *columns, *key;
	int header, dry_run, keep_going, verbose;
	struct crm_db *db;
	struct crm_tsv_writer *out;
	int wrote;      /* a writer was made: its header is out */
	char *buf;      /* output held back until the batch commits */
	size_t buflen;
	FILE *mem;
	unsigned long done, failed;
};

/* Long options every verb accepts; the short ones are "d:HC:nkK:hv". */
#define CLI_COMMON_OPTIONS \
	{ "db", required_argument, NULL, 'd' }, \
	{ "no-header", no_argument, NULL, 'H' }, \
	{ "columns", required_argument, NULL, 'C' }, \
	{ "dry-run", no_argument, NULL, 'n' }, \
	{ "keep-going", no_argument, NULL, 'k' }, \
	{ "key", required_argument, NULL, 'K' }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }
#define CLI_COMMON_SHORT "d:HC:nkK:hv"

/* A verb of a command: its function, the command's own options it takes
 * (a 0-terminated list of the command's enum values), how it opens the
 * database, and its usage, beside the options so that the two cannot drift
 * (as tmux does). The entry named "" runs when no verb is given (a command
 * without verbs has only that one). */
/* CLI_NOTXN: cli.c opens no transaction and output streams straight out:
 * the verb only reads, or the library brackets each unit of work with
 * crm_db_begin/crm_db_end (a message, a batch of calls, a scan). Without it the
 * whole run is one transaction, its output held back until it commits.
 * CLI_OPERANDS: the verb needs an operand; without one, the usage, before
 * any database is looked for. */
enum { CLI_BATCH = 0, CLI_NOTXN = 1, CLI_NODB = 2, CLI_CREATE = 4, CLI_NODRY = 8, CLI_OPERANDS = 16 };
struct cli_verb {
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv);
	int flags;
	int opts[32];
	/* The verb's lines of the usage as printed after "usage: ", without
	 * the final newline; the lines of all entries, in table order, make the
	 * usage. A usage that starts with "|" goes on the line before
	 * ("expiring ... | expired ..."); NULL: the verb is named in another
	 * entry's line ("receive|produce"). */
	const char *usage;
};

/* notes: what the usage says after the verbs' lines, each line ending in
 * a newline (the common options). */
void cli_init(struct cli *c, const char *prog, const char *notes);
/* Pick the verb, read the options, open the database, run, finish. */
int cli_main(struct cli *c, int argc, char **argv, const struct option *options,
	     const struct cli_verb *verbs);
/* Handle a common option: 1 if it was one, 0 if not; exits on -h/-V. */
int cli_common(struct cli *c, int opt, const char *arg);
/* Print the usage line and return CRM_USAGE; with a message first if fmt. */
int cli_usage(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print "prog: message" for the last failure and return rc. */
int cli_fail(struct cli *c, int rc);
/* The command's own option o as a number from 1 to max (0 when not given),
 * or -1 after a usage message naming --name. */
long cli_number(struct cli *c, int o, const char *name, long max);
/* Open the database (create: for crm-admin init) and the TSV writer. */
int cli_open(struct cli *c, int create);
/* Flush output, close everything, return the exit status. */
int cli_finish(struct cli *c, int rc);

/* The row sink that the library's list functions print through. */
int cli_row(void *arg, size_t n, const char *const *names, const char *const *values);

/* A handler for one record: an id, or a row of stdin's TSV. */
typedef int cli_id_fn(struct cli *c, int64_t id, void *arg);
typedef int cli_rec_fn(struct cli *c, struct crm_tsv_reader *r, const char *const *fields,
		       void *arg);
/* For each ID in argv (or, with none, in stdin's --key column, default id),
 * call fn inside one transaction; see crm(7) for --keep-going and --dry-run. */
int cli_each_id(struct cli *c, int argc, char **argv, cli_id_fn *fn, void *arg);
/* For each record of stdin's TSV, likewise. */
int cli_each_record(struct cli *c, cli_rec_fn *fn, void *arg);
/* Run fn once inside a transaction (for single writes from options). */
int cli_once(struct cli *c, int (*fn)(struct cli *c, void *arg), void *arg);

/* The person filter of a list, spelled --assignee USER in every command:
 * *out is assignee, else alias (the old spelling --alias_name, kept for
 * old scripts), else with mine the acting user, else NULL. Two of them at
 * once: the usage and CRM_USAGE. */
int cli_assignee(struct cli *c, const char *assignee, const char *alias,
		 const char *alias_name, int mine, const char **out);
/* The field named name of a record, or NULL when absent or empty. */
const char *cli_field(struct crm_tsv_reader *r, const char *const *fields, const char *name);
/* A positive integer id, or CRM_DATAERR naming it. */
int cli_parse_id(const char *s, int64_t *id);

#endif
