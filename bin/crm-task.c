/*
 * crm-task: tasks for people: add (to a user, round-robin to a
 * department's managers, or to the party's owner), list, close, hand over.
 * Notices about new requests are tasks of kind "notice".
 */
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* After the verbs' lines of the usage, which are in the verb table. */
static const char common_usage[] =
	"common options: [-d DB] [-H] [--columns A,B] [-n|--dry-run] [-k|--keep-going] [--key COL]\n";

enum { O_KIND = 1, O_TO, O_DUE, O_TITLE, O_PARTY, O_REQUEST, O_MINE, O_OVERDUE, O_STATUS,
       O_NOPARTY, O_ASSIGNEE };
static const struct option options[] = {
	CLI_COMMON_OPTIONS,
	{ "kind", required_argument, NULL, CLI_OPT_BASE + O_KIND },
	{ "to", required_argument, NULL, CLI_OPT_BASE + O_TO },
	{ "due", required_argument, NULL, CLI_OPT_BASE + O_DUE },
	{ "title", required_argument, NULL, CLI_OPT_BASE + O_TITLE },
	{ "party", required_argument, NULL, CLI_OPT_BASE + O_PARTY },
	{ "request", required_argument, NULL, CLI_OPT_BASE + O_REQUEST },
	{ "mine", no_argument, NULL, CLI_OPT_BASE + O_MINE },
	{ "overdue", no_argument, NULL, CLI_OPT_BASE + O_OVERDUE },
	{ "status", required_argument, NULL, CLI_OPT_BASE + O_STATUS },
	{ "no-party", no_argument, NULL, CLI_OPT_BASE + O_NOPARTY },
	{ "assignee", required_argument, NULL, CLI_OPT_BASE + O_ASSIGNEE },
	{ NULL, 0, NULL, 0 }
};

/* An id option or column: 0 when absent. */
static int get_id(const char *s, int64_t *id)
{
	*id = 0;
	return s && *s ? cli_parse_id(s, id) : CRM_OK;
}

static int add_one(struct cli *c, const struct crm_task_in *in)
{
	int64_t task;
	int dup = 0, rc = crm_task_add(c->db, in, &task, &dup);

	if (rc)
		return rc;
	if (dup)
		fprintf(stderr, "%s: party %lld has an open %s task already: task %lld\n", c->prog,
			(long long)in->party, in->kind, (long long)task);
	return crm_task_show(c->db, task, cli_row, c);
}

static int add_options(struct cli *c, void *arg)
{
	return add_one(c, arg);
}

/* A record of a list of parties or requests becomes a task: its party is the
 * "party" column, else the --key column (default id); its to, due and title
 * columns, where present, beat the options, which are the defaults. A list
 * with a "manager" column (crm-export's calls and contacts) goes by default
 * to each party's owner. */
static int add_record(struct cli *c, struct crm_tsv_reader *r, const char *const *f, void *arg)
{
	struct crm_task_in in = *(const struct crm_task_in *)arg;
	const char *party = cli_field(r, f, "party"), *v;
	int rc;

	if (!party)
		party = cli_field(r, f, c->key);
	if (!party)
		return crm_error_set(CRM_DATAERR, "no party (columns \"party\" or \"%s\")", c->key);
	if ((rc = get_id(party, &in.party)) || (rc = get_id(cli_field(r, f, "request"), &in.request)))
		return rc;
	if ((v = cli_field(r, f, "to")))
		in.to = v;
	else if (!in.to && crm_tsv_column(r, "manager") >= 0)
		in.to = "owner";
	if ((v = cli_field(r, f, "due")))
		in.due = v;
	if ((v = cli_field(r, f, "title")))
		in.title = v;
	return add_one(c, &in);
}

static int do_add(struct cli *c, int argc, char **argv)
{
	struct crm_task_in in = { .kind = c->opt[O_KIND], .to = c->opt[O_TO],
				  .due = c->opt[O_DUE], .title = c->opt[O_TITLE] };
	int rc;

	if (argc)
		return cli_usage(c, "add takes no arguments");
	if (!in.kind)
		return cli_usage(c, "add needs --kind");
	if ((rc = get_id(c->opt[O_PARTY], &in.party)) ||
	    (rc = get_id(c->opt[O_REQUEST], &in.request)))
		return cli_fail(c, CRM_USAGE);
	if (c->opt[O_NOPARTY] && (in.party || in.request))
		return cli_usage(c, "--no-party goes without --party and --request");
	/* Not a terminal: records, even none (an empty pipe is an error, not
	 * a task of no party). */
	if (in.party || in.request || c->opt[O_NOPARTY] || isatty(STDIN_FILENO))
		return cli_once(c, add_options, &in);
	return cli_each_record(c, add_record, &in);
}

static int do_list(struct cli *c, int argc, char **argv)
{
	struct crm_task_filter f = { .kind = c->opt[O_KIND], .status = c->opt[O_STATUS],
				     .overdue = !!c->opt[O_OVERDUE] };
	int rc;

	if (argc)
		return cli_usage(c, "list takes no arguments");
	/* --to is the target of add and reassign; in a list, the old --assignee. */
	if (cli_assignee(c, c->opt[O_ASSIGNEE], c->opt[O_TO], "to", !!c->opt[O_MINE], &f.to))
		return CRM_USAGE;
	if ((rc = get_id(c->opt[O_PARTY], &f.party)) ||
	    (rc = get_id(c->opt[O_REQUEST], &f.request)))
		return cli_fail(c, CRM_USAGE);
	rc = crm_task_list(c->db, &f, cli_row, c);
	return rc == CRM_NOMATCH ? rc : cli_fail(c, rc);
}

static int done_one(struct cli *c, int64_t id, void *arg)
{
	return crm_task_done(c->db, id, cli_row, c);
}

static int do_done(struct cli *c, int argc, char **argv)
{
	return cli_each_id(c, argc, argv, done_one, NULL);
}

static int reassign_one(struct cli *c, int64_t id, void *arg)
{
	return crm_task_reassign(c->db, id, c->opt[O_TO], cli_row, c);
}

static int do_reassign(struct cli *c, int argc, char **argv)
{
	if (!c->opt[O_TO] || !*c->opt[O_TO])
		return cli_usage(c, "reassign needs --to");
	return cli_each_id(c, argc, argv, reassign_one, NULL);
}

static const struct cli_verb verbs[] = {
	{ "add", do_add, CLI_BATCH, { O_KIND, O_TO, O_DUE, O_TITLE, O_PARTY, O_REQUEST, O_NOPARTY },
	  "crm-task add --kind K [--to USER|dept:NAME|owner] [--due T|DUR] [--title T]\n"
	  "             [--party ID] [--request ID] [--no-party]" },
	{ "list", do_list, CLI_NOTXN, { O_ASSIGNEE, O_MINE, O_OVERDUE, O_KIND, O_TO, O_STATUS,
				O_PARTY, O_REQUEST },
	  "crm-task list [--assignee USER|dept:NAME|--mine] [--overdue] [--kind K]\n"
	  "              [--status open|done|all] [--party ID] [--request ID]" },
	{ "done", do_done, CLI_BATCH, { 0 },
	  "crm-task done [ID...]" },
	{ "reassign", do_reassign, CLI_BATCH, { O_TO },
	  "crm-task reassign --to USER|dept:NAME|owner [ID...]" },
	{ NULL, NULL, 0, { 0 }, NULL }
};

int main(int argc, char **argv)
{
	struct cli c;

	cli_init(&c, "crm-task", common_usage);
	return cli_main(&c, argc, argv, options, verbs);
}
