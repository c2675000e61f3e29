/*
 * crm-lead: record requests and run them through routing, assignment and
 * qualification; find parties, merge doubles, read and add to the history.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* After the verbs' lines of the usage, which are in the verb table. */
static const char common_usage[] =
	"common options: [-d DB] [-H] [--columns A,B] [-n|--dry-run] [-k|--keep-going] [--key COL]\n"
	"                [-v|--verbose]\n";

/* Every option any verb takes; each verb reads the ones it knows. */
enum {
	O_CHANNEL = 1, O_NAME, O_COMPANY, O_PHONE, O_EMAIL, O_SUBJECT, O_BODY, O_RECEIVED,
	O_SOURCE_REF, O_DEPT, O_STATUS, O_ASSIGNEE, O_OLDER, O_SINCE, O_PARTY, O_TO, O_NEEDS,
	O_LEGAL, O_INN, O_KPP, O_ADDRESS, O_PAYMENT, O_TAGS, O_REASON, O_INTO, O_TEXT,
	O_REQUEST, O_FORCE, O_MINE, O_MAX
};
static const struct option options[] = {
	CLI_COMMON_OPTIONS,
	{ "channel", required_argument, NULL, CLI_OPT_BASE + O_CHANNEL },
	{ "name", required_argument, NULL, CLI_OPT_BASE + O_NAME },
	{ "company", required_argument, NULL, CLI_OPT_BASE + O_COMPANY },
	{ "phone", required_argument, NULL, CLI_OPT_BASE + O_PHONE },
	{ "email", required_argument, NULL, CLI_OPT_BASE + O_EMAIL },
	{ "subject", required_argument, NULL, CLI_OPT_BASE + O_SUBJECT },
	{ "body", required_argument, NULL, CLI_OPT_BASE + O_BODY },
	{ "received", required_argument, NULL, CLI_OPT_BASE + O_RECEIVED },
	{ "source-ref", required_argument, NULL, CLI_OPT_BASE + O_SOURCE_REF },
	{ "dept", required_argument, NULL, CLI_OPT_BASE + O_DEPT },
	{ "status", required_argument, NULL, CLI_OPT_BASE + O_STATUS },
	{ "assignee", required_argument, NULL, CLI_OPT_BASE + O_ASSIGNEE },
	{ "older", required_argument, NULL, CLI_OPT_BASE + O_OLDER },
	{ "since", required_argument, NULL, CLI_OPT_BASE + O_SINCE },
	{ "party", required_argument, NULL, CLI_OPT_BASE + O_PARTY },
	{ "to", required_argument, NULL, CLI_OPT_BASE + O_TO },
	{ "needs", required_argument, NULL, CLI_OPT_BASE + O_NEEDS },
	{ "legal-name", required_argument, NULL, CLI_OPT_BASE + O_LEGAL },
	{ "inn", required_argument, NULL, CLI_OPT_BASE + O_INN },
	{ "kpp", required_argument, NULL, CLI_OPT_BASE + O_KPP },
	{ "address", required_argument, NULL, CLI_OPT_BASE + O_ADDRESS },
	{ "payment", required_argument, NULL, CLI_OPT_BASE + O_PAYMENT },
	{ "tags", required_argument, NULL, CLI_OPT_BASE + O_TAGS },
	{ "reason", required_argument, NULL, CLI_OPT_BASE + O_REASON },
	{ "into", required_argument, NULL, CLI_OPT_BASE + O_INTO },
	{ "text", required_argument, NULL, CLI_OPT_BASE + O_TEXT },
	{ "request", required_argument, NULL, CLI_OPT_BASE + O_REQUEST },
	{ "force", no_argument, NULL, CLI_OPT_BASE + O_FORCE },
	{ "mine", no_argument, NULL, CLI_OPT_BASE + O_MINE },
	{ NULL, 0, NULL, 0 }
};

static int64_t id_opt(struct cli *c, int o, int *rc)
{
	int64_t id = 0;

	if (c->opt[o] && (*rc = cli_parse_id(c->opt[o], &id)))
		*rc = cli_fail(c, CRM_USAGE);
	return id;
}

/* ---- add */

static void request_from_options(struct cli *c, struct crm_request_in *in)
{
	memset(in, 0, sizeof *in);
	in->channel = c->opt[O_CHANNEL];
	in->name = c->opt[O_NAME];
	in->company = c->opt[O_COMPANY];
	in->phone = c->opt[O_PHONE];
	in->email = c->opt[O_EMAIL];
	in->subject = c->opt[O_SUBJECT];
	in->body = c->opt[O_BODY];
	in->received = c->opt[O_RECEIVED];
	in->source_ref = c->opt[O_SOURCE_REF];
	in->dept = c->opt[O_DEPT];
}

/* A batch of crm-lead add: the options, which are the defaults of each
 * record, and what the summary on stderr counts. */
struct adding {
	struct crm_request_in in;
	int one;        /* one request from the options: its own message, no summary */
	unsigned long duplicates, unreferenced;
};

static int add_one(struct cli *c, const struct crm_request_in *in, struct adding *a)
{
	static const char *const names[] = { "id", "party", "action", "task", "source_ref" };
	struct crm_request_out out;
	char req[24], party[24], task[24];
	const char *row[5];
	int dup, rc = crm_request_add(c->db, in, &out);

	if (rc)
		return rc;
	dup = strcmp(out.action, "duplicate") == 0;
	if (dup && (c->verbose || a->one))
		fprintf(stderr, "%s: source_ref \"%s\" is request %lld already: skipped\n", c->prog,
			in->source_ref, (long long)out.request);
	snprintf(req, sizeof req, "%lld", (long long)out.request);
	snprintf(party, sizeof party, "%lld", (long long)out.party);
	snprintf(task, sizeof task, "%lld", (long long)out.task);
	row[0] = req, row[1] = party, row[2] = out.action;
	row[3] = out.task ? task : NULL, row[4] = in->source_ref;
	if ((rc = cli_row(c, 5, names, row)))
		return rc;
	a->duplicates += dup;
	a->unreferenced += !in->source_ref || !*in->source_ref;
	return CRM_OK;
}

static int add_options(struct cli *c, void *arg)
{
	struct adding *a = arg;

	return add_one(c, &a->in, a);
}

/* One line each, after the batch, instead of a line per record. */
static void add_summary(struct cli *c, const struct adding *a)
{
	if (a->duplicates)
		fprintf(stderr, "%s: %lu record%s recorded before (the same source_ref): skipped%s\n",
			c->prog, a->duplicates, a->duplicates == 1 ? "" : "s",
			c->verbose ? "" : " (-v lists them)");
	if (a->unreferenced)
		fprintf(stderr, "%s: warning: %lu record%s had no source_ref: a re-run records %s again\n",
			c->prog, a->unreferenced, a->unreferenced == 1 ? "" : "s",
			a->unreferenced == 1 ? "it" : "them");
}

static int add_record(struct cli *c, struct crm_tsv_reader *r, const char *const *f, void *arg)
{
	struct adding *a = arg;
	struct crm_request_in in = a->in;
	const char *v;

#define FIELD(member, column) \
	if ((v = cli_field(r, f, column))) \
		in.member = v;
	FIELD(channel, "channel")
	FIELD(received, "received")
	FIELD(name, "name")
	FIELD(company, "company")
	FIELD(phone, "phone")
	FIELD(email, "email")
	FIELD(subject, "subject")
	FIELD(body, "body")
	FIELD(source_ref, "source_ref")
	FIELD(dept, "dept")
#undef FIELD
	return add_one(c, &in, a);
}

static int do_add(struct cli *c, int argc, char **argv)
{
	struct adding a = { .duplicates = 0 };
	struct crm_request_in *in = &a.in;
	int rc;

	if (argc)
		return cli_usage(c, "add takes no arguments");
	request_from_options(c, in);
	a.one = in->name || in->company || in->phone || in->email || in->subject || in->body;
	if (a.one)
		return cli_once(c, add_options, &a);
	rc = cli_each_record(c, add_record, &a);
	if (rc == CRM_OK || c->keep_going)
		add_summary(c, &a);
	return rc;
}

/* ---- reading */

static int do_list(struct cli *c, int argc, char **argv)
{
	struct crm_request_filter f = {
		.status = c->opt[O_STATUS], .dept = c->opt[O_DEPT],
		.channel = c->opt[O_CHANNEL], .older = c->opt[O_OLDER], .since = c->opt[O_SINCE],
	};
	int rc = CRM_OK;

	if (argc)
		return cli_usage(c, "list takes no arguments");
	if (cli_assignee(c, c->opt[O_ASSIGNEE], NULL, NULL, !!c->opt[O_MINE], &f.assignee))
		return CRM_USAGE;
	f.party = id_opt(c, O_PARTY, &rc);
	if (rc)
		return rc;
	rc = crm_request_list(c->db, &f, cli_row, c);
	return rc == CRM_NOMATCH ? rc : cli_fail(c, rc);
}

static int show_one(struct cli *c, int64_t id, void *arg)
{
	return crm_request_show(c->db, id, cli_row, c);
}

static int do_show(struct cli *c, int argc, char **argv)
{
	return cli_each_id(c, argc, argv, show_one, NULL);
}

static int do_find(struct cli *c, int argc, char **argv)
{
	struct crm_party_filter f = { c->opt[O_PHONE], c->opt[O_EMAIL], c->opt[O_NAME] };
	int rc;

	if (argc)
		return cli_usage(c, "find takes no arguments");
	if (!f.phone && !f.email && !f.name)
		return cli_usage(c, "find needs --phone, --email or --name");
	rc = crm_party_find(c->db, &f, cli_row, c);
	return rc == CRM_NOMATCH ? rc : cli_fail(c, rc);
}

static int history_one(struct cli *c, int64_t id, void *arg)
{
	return crm_party_history(c->db, id, cli_row, c);
}

static int do_history(struct cli *c, int argc, char **argv)
{
	return cli_each_id(c, argc, argv, history_one, NULL);
}

/* ---- actions on requests */

static int route_one(struct cli *c, int64_t id, void *arg)
{
	return crm_request_route(c->db, id, c->opt[O_DEPT], cli_row, c);
}

static int do_route(struct cli *c, int argc, char **argv)
{
	if (!c->opt[O_DEPT])
		return cli_usage(c, "route needs --dept");
	return cli_each_id(c, argc, argv, route_one, NULL);
}

static int assign_one(struct cli *c, int64_t id, void *arg)
{
	return crm_request_assign(c->db, id, c->opt[O_TO], !!c->opt[O_FORCE], cli_row, c);
}

static int do_assign(struct cli *c, int argc, char **argv)
{
	if (!c->opt[O_TO])
		return cli_usage(c, "assign needs --to USER");
	return cli_each_id(c, argc, argv, assign_one, NULL);
}

static int qualify_one(struct cli *c, int64_t id, void *arg)
{
	return crm_request_qualify(c->db, id, arg, cli_row, c);
}

static int do_qualify(struct cli *c, int argc, char **argv)
{
	struct crm_party_in in = {
		.company = c->opt[O_COMPANY], .name = c->opt[O_NAME], .phone = c->opt[O_PHONE],
		.email = c->opt[O_EMAIL], .needs = c->opt[O_NEEDS], .legal_name = c->opt[O_LEGAL],
		.inn = c->opt[O_INN], .kpp = c->opt[O_KPP], .address = c->opt[O_ADDRESS],
		.payment = c->opt[O_PAYMENT], .tags = c->opt[O_TAGS],
	};

	return cli_each_id(c, argc, argv, qualify_one, &in);
}

static int junk_one(struct cli *c, int64_t id, void *arg)
{
	return crm_request_junk(c->db, id, c->opt[O_REASON], cli_row, c);
}

static int do_junk(struct cli *c, int argc, char **argv)
{
	if (!c->opt[O_REASON] || !*c->opt[O_REASON])
		return cli_usage(c, "junk needs --reason (spam, mistake, ...)");
	return cli_each_id(c, argc, argv, junk_one, NULL);
}

/* ---- actions on parties */

static int merge_one(struct cli *c, int64_t id, void *arg)
{
	static const char *const names[] = { "party", "merged_into" };
	int64_t keep = *(int64_t *)arg;
	char a[24], b[24];
	const char *row[2] = { a, b };
	int rc = crm_party_merge(c->db, keep, id);

	if (rc)
		return rc;
	snprintf(a, sizeof a, "%lld", (long long)id);
	snprintf(b, sizeof b, "%lld", (long long)keep);
	return cli_row(c, 2, names, row);
}

static int do_merge(struct cli *c, int argc, char **argv)
{
	int64_t keep;
	int rc = CRM_OK;

	if (!c->opt[O_INTO])
		return cli_usage(c, "merge needs --into PARTY");
	keep = id_opt(c, O_INTO, &rc);
	return rc ? rc : cli_each_id(c, argc, argv, merge_one, &keep);
}

static int note_one(struct cli *c, int64_t id, void *arg)
{
	static const char *const names[] = { "id", "party" };
	int64_t note, request = *(int64_t *)arg;
	char a[24], b[24];
	const char *row[2] = { a, b };
	int rc = crm_party_note(c->db, id, request, c->opt[O_TEXT], &note);

	if (rc)
		return rc;
	snprintf(a, sizeof a, "%lld", (long long)note);
	snprintf(b, sizeof b, "%lld", (long long)id);
	return cli_row(c, 2, names, row);
}

static int do_note(struct cli *c, int argc, char **argv)
{
	int64_t request;
	int rc = CRM_OK;

	if (!c->opt[O_TEXT] || !*c->opt[O_TEXT])
		return cli_usage(c, "note needs --text");
	request = id_opt(c, O_REQUEST, &rc);
	return rc ? rc : cli_each_id(c, argc, argv, note_one, &request);
}

static const struct cli_verb verbs[] = {
	{ "add", do_add, CLI_BATCH, { O_CHANNEL, O_NAME, O_COMPANY, O_PHONE, O_EMAIL, O_SUBJECT, O_BODY,
			   O_RECEIVED, O_SOURCE_REF, O_DEPT },
	  "crm-lead add [--channel C] [--name N] [--company C] [--phone P] [--email E]\n"
	  "             [--subject S] [--body B] [--received T] [--source-ref R] [--dept D]" },
	{ "list", do_list, CLI_NOTXN, { O_STATUS, O_DEPT, O_ASSIGNEE, O_MINE, O_CHANNEL, O_OLDER, O_SINCE,
				O_PARTY },
	  "crm-lead list [--status S] [--dept D] [--assignee USER|--mine] [--channel C]\n"
	  "              [--older DUR] [--since T] [--party ID]" },
	{ "show", do_show, CLI_NOTXN, { 0 },
	  "crm-lead show ID..." },
	{ "find", do_find, CLI_NOTXN, { O_PHONE, O_EMAIL, O_NAME },
	  "crm-lead find [--phone P] [--email E] [--name TEXT]" },
	{ "route", do_route, CLI_BATCH, { O_DEPT },
	  "crm-lead route --dept D [ID...]" },
	{ "assign", do_assign, CLI_BATCH, { O_TO, O_FORCE },
	  "crm-lead assign --to USER [--force] [ID...]" },
	{ "qualify", do_qualify, CLI_BATCH, { O_COMPANY, O_NAME, O_PHONE, O_EMAIL, O_NEEDS, O_LEGAL, O_INN,
				   O_KPP, O_ADDRESS, O_PAYMENT, O_TAGS },
	  "crm-lead qualify [--company C] [--name N] [--phone P] [--email E] [--needs T]\n"
	  "                 [--legal-name L] [--inn N] [--kpp N] [--address A]\n"
	  "                 [--payment P] [--tags T] [ID...]" },
	{ "junk", do_junk, CLI_BATCH, { O_REASON },
	  "crm-lead junk --reason R [ID...]" },
	{ "merge", do_merge, CLI_BATCH, { O_INTO },
	  "crm-lead merge --into PARTY [PARTY...]" },
	{ "history", do_history, CLI_NOTXN, { 0 },
	  "crm-lead history [PARTY...]" },
	{ "note", do_note, CLI_BATCH, { O_TEXT, O_REQUEST },
	  "crm-lead note --text T [--request ID] [PARTY...]" },
	{ NULL, NULL, 0, { 0 }, NULL }
};

int main(int argc, char **argv)
{
	struct cli c;

	cli_init(&c, "crm-lead", common_usage);
	return cli_main(&c, argc, argv, options, verbs);
}
