/*
 * cli.c: the options, messages and batch loop every crm command shares, so
 * that each command file only parses its own options and calls libcrm.
 * A batch runs in one transaction; its output is held back until it commits,
 * so a failed batch prints no rows for changes that never happened.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

void cli_init(struct cli *c, const char *prog, const char *notes)
{
	memset(c, 0, sizeof *c);
	c->prog = prog;
	c->notes = notes;
	c->header = 1;
	c->key = "id";
}

/* s, its later lines indented under "usage: " as its first is. */
static void put_lines(FILE *f, const char *s)
{
	for (; *s; s++) {
		fputc(*s, f);
		if (*s == '\n')
			fputs("       ", f);
	}
}

/* The usage: each verb's lines from the verb table, then the notes. */
static void print_usage(const struct cli *c, FILE *f)
{
	const struct cli_verb *v;
	int first = 1;

	for (v = c->verbs; v && v->name; v++) {
		if (!v->usage)
			continue; /* named in another entry's line */
		if (v->usage[0] == '|' && !first)
			fputc(' ', f);
		else
			fputs(first ? "usage: " : "\n       ", f);
		put_lines(f, v->usage);
		first = 0;
	}
	if (!first)
		fputc('\n', f);
	if (c->notes)
		fputs(c->notes, f);
}

int cli_usage(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		fprintf(stderr, "%s: ", c->prog);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	print_usage(c, stderr);
	return CRM_USAGE;
}

int cli_common(struct cli *c, int opt, const char *arg)
{
	switch (opt) {
	case 'd':
		c->db_path = arg;
		return 1;
	case 'H':
		c->header = 0;
		return 1;
	case 'C':
		c->columns = arg;
		return 1;
	case 'n':
		c->dry_run = 1;
		return 1;
	case 'k':
		c->keep_going = 1;
		return 1;
	case 'K':
		c->key = arg;
		return 1;
	case 'v':
		c->verbose = 1;
		return 1;
	case 'h':
		print_usage(c, stdout);
		printf("See %s(1) for the details.\n", c->prog);
		exit(0);
	case 'V':
		printf("%s (crm) %s\n", c->prog, PACKAGE_VERSION);
		exit(0);
	}
	return 0;
}

int cli_fail(struct cli *c, int rc)
{
	if (rc != CRM_OK)
		fprintf(stderr, "%s: %s\n", c->prog, crm_error_message());
	return rc;
}

int cli_open(struct cli *c, int create)
{
	int rc = crm_db_open(c->db_path, create ? CRM_DB_CREATE : 0, &c->db);

	return rc ? cli_fail(c, rc) : CRM_OK;
}

int cli_row(void *arg, size_t n, const char *const *names, const char *const *values)
{
	struct cli *c = arg;
	int rc;

	if (!c->out && (rc = crm_tsv_writer_new(c->mem ? c->mem : stdout, c->columns, c->header,
						&c->out)))
		return rc;
	c->wrote = 1;
	return crm_tsv_writer_row(c->out, n, names, values);
}

int cli_finish(struct cli *c, int rc)
{
	int wrc;

	/* An empty result still shows its chosen columns, but a failure shows
	 * nothing: a pipe must not read a header as a valid empty list. */
	if (!c->out && !c->wrote && c->columns && c->header &&
	    (rc == CRM_OK || rc == CRM_NOMATCH) &&
	    crm_tsv_writer_new(stdout, c->columns, c->header, &c->out))
		rc = rc ? rc : cli_fail(c, CRM_USAGE);
	if (c->out) {
		wrc = crm_tsv_writer_free(c->out);
		c->out = NULL;
		if (wrc && !rc)
			rc = cli_fail(c, wrc);
	}
	crm_db_close(c->db);
	c->db = NULL;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: cannot write output: %s\n", c->prog, strerror(errno));
		rc = rc ? rc : CRM_IOERR;
	}
	return rc;
}

static const struct cli_verb *find_verb(const struct cli_verb *verbs, const char *name)
{
	for (; verbs->name; verbs++)
		if (strcmp(verbs->name, name) == 0)
			return verbs;
	return NULL;
}

static int takes(const struct cli_verb *v, int o)
{
	int i;

	for (i = 0; v->opts[i]; i++)
		if (v->opts[i] == o)
			return 1;
	return 0;
}

int cli_main(struct cli *c, int argc, char **argv, const struct option *options,
	     const struct cli_verb *verbs)
{
	const struct cli_verb *v, *def = find_verb(verbs, ""); /* def: runs without a verb */
	int o, i, rc;

	c->verbs = verbs;
	if (argc >= 2 && argv[1][0] != '-' && (v = find_verb(verbs, argv[1])) && *v->name) {
		argc--, argv++;
	} else if (def) {
		v = def;
	} else if (argc < 2) {
		return cli_usage(c, NULL);
	} else if (argv[1][0] == '-') {
		while ((o = getopt_long(argc, argv, "hV", options, NULL)) != -1)
			cli_common(c, o, optarg);
		return cli_usage(c, "a verb comes first");
	} else {
		return cli_usage(c, "unknown verb \"%s\"", argv[1]);
	}
	argv[0] = (char *)c->prog; /* getopt's messages name the command */
	for (;;) {
		i = -1; /* getopt_long sets it for a long option only */
		if ((o = getopt_long(argc, argv, CLI_COMMON_SHORT, options, &i)) == -1)
			break;
		/* What is stored must be readable back as crm-tsv(5): UTF-8 only. */
		if (optarg && !crm_utf8_valid(optarg, strlen(optarg)))
			return cli_fail(c, i >= 0 ? crm_error_set(CRM_DATAERR, "option --%s: invalid UTF-8",
								  options[i].name)
						  : crm_error_set(CRM_DATAERR, "option -%c: invalid UTF-8", o));
		/* Option values are text fields too (crm(7), LIMITS). */
		if (optarg && i >= 0 && crm_text_check(options[i].name, optarg, strlen(optarg))) {
			crm_error_prefix("option --%s", options[i].name);
			return cli_fail(c, CRM_DATAERR);
		}
		if (optarg && i < 0 && crm_text_check("value", optarg, strlen(optarg))) {
			crm_error_prefix("option -%c", o);
			return cli_fail(c, CRM_DATAERR);
		}
		if (o == 'n' && v->flags & CLI_NODRY)
			return cli_usage(c, "%s has no --dry-run", *v->name ? v->name : "this");
		if (cli_common(c, o, optarg))
			continue;
		if (o < CLI_OPT_BASE || o - CLI_OPT_BASE >= CLI_NOPT)
			return cli_usage(c, NULL);
		if (!takes(v, o - CLI_OPT_BASE)) {
			for (i = 0; options[i].name && options[i].val != o; i++)
				;
			return cli_usage(c, "%s takes no --%s", *v->name ? v->name : "this",
					 options[i].name);
		}
		c->opt[o - CLI_OPT_BASE] = optarg ? optarg : ""; /* flags: set, empty */
	}
	for (i = optind; i < argc; i++)
		if (!crm_utf8_valid(argv[i], strlen(argv[i])))
			return cli_fail(c, crm_error_set(CRM_DATAERR,
							 "argument %d after the verb: invalid UTF-8",
							 i - optind + 1));
	if (v->flags & CLI_OPERANDS && optind == argc)
		return cli_usage(c, "missing operand");
	c->notxn = v->flags & CLI_NOTXN;
	if (!(v->flags & CLI_NODB) && (rc = cli_open(c, v->flags & CLI_CREATE)))
		return cli_finish(c, rc);
	rc = v->run(c, argc - optind, argv + optind);
	return cli_finish(c, rc);
}

long cli_number(struct cli *c, int o, const char *name, long max)
{
	char *end;
	long v;

	if (!c->opt[o])
		return 0;
	v = strtol(c->opt[o], &end, 10);
	if (*end || end == c->opt[o] || v < 1 || v > max) {
		cli_usage(c, "--%s takes a number from 1 to %ld", name, max);
		return -1;
	}
	return v;
}

int cli_assignee(struct cli *c, const char *assignee, const char *alias,
		 const char *alias_name, int mine, const char **out)
{
	*out = NULL;
	if (assignee && alias)
		return cli_usage(c, "--%s is the old spelling of --assignee: give one", alias_name);
	if (!assignee)
		assignee = alias;
	if (assignee && mine)
		return cli_usage(c, "--mine is --assignee %s: give one", crm_user_login());
	*out = mine ? crm_user_login() : assignee;
	return CRM_OK;
}

int cli_parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v;

	errno = 0;
	v = s ? strtoll(s, &end, 10) : 0;
	if (!s || !*s || *end || errno || v <= 0)
		return crm_error_set(CRM_DATAERR, "bad id \"%s\": expected a positive number",
				     s ? s : "");
	*id = v;
	return CRM_OK;
}

const char *cli_field(struct crm_tsv_reader *r, const char *const *fields, const char *name)
{
	int i = crm_tsv_column(r, name);

	return i < 0 ? NULL : fields[i];
}

/* ---- the batch: one transaction, a savepoint per record with --keep-going */

struct batch {
	int first;        /* status of the first failure */
	int tty;
};

static int batch_begin(struct cli *c, struct batch *b)
{
	int rc;

	memset(b, 0, sizeof *b);
	b->tty = isatty(STDERR_FILENO);
	if (c->notxn)
		return CRM_OK; /* reads stream straight out, without a write lock */
	if ((rc = crm_db_begin(c->db)))
		return cli_fail(c, rc);
	if (!(c->mem = open_memstream(&c->buf, &c->buflen)))
		return cli_fail(c, crm_db_end(c->db, crm_error_set(CRM_SOFTWARE, "out of memory"), 0));
	return CRM_OK;
}

/* Before a record. */
static int batch_pre(struct cli *c)
{
	return c->keep_going && !c->notxn ? crm_db_savepoint(c->db) : CRM_OK;
}

/* After a record: 0 to go on, else the status to stop with. */
static int batch_post(struct cli *c, struct batch *b, const char *label, int rc)
{
	if (rc == CRM_OK) {
		c->done++;
		if (c->keep_going && !c->notxn && (rc = crm_db_release(c->db)))
			return cli_fail(c, rc);
		if (b->tty && c->done % 1000 == 0)
			fprintf(stderr, "\r%s: %lu done", c->prog, c->done);
		return CRM_OK;
	}
	if (b->tty && c->done >= 1000)
		fputc('\n', stderr);
	c->failed++;
	if (label)
		crm_error_prefix("%s", label);
	cli_fail(c, rc);
	if (!b->first)
		b->first = rc;
	if (!c->keep_going || rc == CRM_TEMPFAIL || rc == CRM_IOERR || rc == CRM_SOFTWARE)
		return rc;
	if (c->notxn)
		return CRM_OK;
	if ((rc = crm_db_rollback_savepoint(c->db)))
		return cli_fail(c, rc);
	return CRM_OK;
}

/* Commit (or roll back on failure or --dry-run) and release the held output. */
static int batch_end(struct cli *c, struct batch *b, int rc)
{
	int failed, keep;

	if (b->tty && c->done >= 1000)
		fprintf(stderr, "\r%s: %lu done\n", c->prog, c->done);
	if (c->notxn)
		return rc ? rc : b->first;
	failed = rc != CRM_OK;
	if (failed && !c->keep_going && c->done)
		fprintf(stderr, "%s: nothing was written (use --keep-going to keep the good records)\n",
			c->prog);
	if ((rc = crm_db_end(c->db, rc, c->dry_run)) && !failed)
		cli_fail(c, rc); /* the commit failed */
	keep = rc == CRM_OK || c->dry_run;
	if (c->out) {
		int wrc = crm_tsv_writer_free(c->out);

		c->out = NULL;
		if (wrc && !rc)
			rc = cli_fail(c, wrc);
	}
	fclose(c->mem);
	c->mem = NULL;
	if (keep && c->buflen)
		fwrite(c->buf, 1, c->buflen, stdout);
	free(c->buf);
	c->buf = NULL;
	if (c->dry_run && rc == CRM_OK)
		fprintf(stderr, "%s: dry run: nothing was written\n", c->prog);
	return rc ? rc : b->first;
}

/* The batch over the records of r, which it closes. */
static int each_reader(struct cli *c, struct crm_tsv_reader *r, cli_rec_fn *fn, void *arg)
{
	const char *const *fields;
	struct batch b;
	char label[32];
	int rc;

	if ((rc = batch_begin(c, &b))) {
		crm_tsv_close(r);
		return rc;
	}
	for (;;) {
		if ((rc = batch_pre(c)))
			break;
		rc = crm_tsv_read(r, &fields);
		if (rc == CRM_NOMATCH) {
			rc = c->keep_going && !c->notxn ? crm_db_release(c->db) : CRM_OK;
			break;
		}
		snprintf(label, sizeof label, "line %lu", crm_tsv_line(r));
		if (rc == CRM_OK)
			rc = fn(c, r, fields, arg);
		else
			label[0] = '\0'; /* the reader's message names the line */
		if ((rc = batch_post(c, &b, label[0] ? label : NULL, rc)))
			break;
	}
	crm_tsv_close(r);
	return batch_end(c, &b, rc);
}

int cli_each_record(struct cli *c, cli_rec_fn *fn, void *arg)
{
	struct crm_tsv_reader *r;
	int rc;

	if (isatty(STDIN_FILENO))
		return cli_usage(c, "expected records (TSV with a header line) on stdin");
	if ((rc = crm_tsv_open(stdin, &r)))
		return cli_fail(c, rc);
	return each_reader(c, r, fn, arg);
}

struct by_key {
	cli_id_fn *fn;
	void *arg;
	int col;
};

static int record_id(struct cli *c, struct crm_tsv_reader *r, const char *const *fields,
		     void *arg)
{
	struct by_key *k = arg;
	int64_t id;
	int rc;

	if ((rc = cli_parse_id(fields[k->col], &id)))
		return rc;
	return k->fn(c, id, k->arg);
}

int cli_each_id(struct cli *c, int argc, char **argv, cli_id_fn *fn, void *arg)
{
	struct batch b;
	int64_t id;
	int i, rc = CRM_OK;

	if (argc == 0) {
		struct by_key k = { fn, arg, -1 };
		struct crm_tsv_reader *r;

		if (isatty(STDIN_FILENO))
			return cli_usage(c, "give IDs, or records on stdin");
		/* Peek at the header to find the key column. */
		if ((rc = crm_tsv_open(stdin, &r)))
			return cli_fail(c, rc);
		k.col = crm_tsv_column(r, c->key);
		if (k.col < 0) {
			crm_tsv_close(r);
			return cli_fail(c, crm_error_set(CRM_DATAERR,
							 "line 1: no column \"%s\" in the input",
							 c->key));
		}
		return each_reader(c, r, record_id, &k);
	}
	if ((rc = batch_begin(c, &b)))
		return rc;
	for (i = 0; i < argc; i++) {
		if ((rc = batch_pre(c)))
			break;
		rc = cli_parse_id(argv[i], &id);
		if (rc == CRM_OK)
			rc = fn(c, id, arg);
		else
			rc = CRM_USAGE;
		if ((rc = batch_post(c, &b, NULL, rc)))
			break;
	}
	return batch_end(c, &b, rc);
}

int cli_once(struct cli *c, int (*fn)(struct cli *c, void *arg), void *arg)
{
	struct batch b;
	int rc;

	if ((rc = batch_begin(c, &b)))
		return rc;
	if ((rc = batch_pre(c)) == CRM_OK)
		rc = batch_post(c, &b, NULL, fn(c, arg));
	return batch_end(c, &b, rc);
}
