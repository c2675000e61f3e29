/*
 * crm-export: segments of customers to Excel, CSV (MailChimp) and TSV
 * (call lists for crm-task); named segments for cron; MailChimp's
 * unsubscribes back into the opt-out flags.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* After the verbs' lines of the usage, which are in the verb table. */
static const char common_usage[] =
	"common options: [-d DB] [-H] [--columns A,B]\n";

enum { O_PROFILE = 1, O_FORMAT, O_OUTPUT, O_SEGMENT, O_KIND, O_DEPT, O_MANAGER, O_TAG,
       O_SINCE, O_INACTIVE, O_HAS_EMAIL, O_HAS_PHONE, O_SOURCE, O_ASSIGNEE, O_MINE,
       O_WITH_JUNK };
static const struct option options[] = {
	CLI_COMMON_OPTIONS,
	{ "profile", required_argument, NULL, CLI_OPT_BASE + O_PROFILE },
	{ "format", required_argument, NULL, CLI_OPT_BASE + O_FORMAT },
	{ "output", required_argument, NULL, CLI_OPT_BASE + O_OUTPUT },
	{ "segment", required_argument, NULL, CLI_OPT_BASE + O_SEGMENT },
	{ "kind", required_argument, NULL, CLI_OPT_BASE + O_KIND },
	{ "dept", required_argument, NULL, CLI_OPT_BASE + O_DEPT },
	{ "assignee", required_argument, NULL, CLI_OPT_BASE + O_ASSIGNEE },
	{ "manager", required_argument, NULL, CLI_OPT_BASE + O_MANAGER }, /* the old --assignee */
	{ "mine", no_argument, NULL, CLI_OPT_BASE + O_MINE },
	{ "tag", required_argument, NULL, CLI_OPT_BASE + O_TAG },
	{ "since", required_argument, NULL, CLI_OPT_BASE + O_SINCE },
	{ "inactive", required_argument, NULL, CLI_OPT_BASE + O_INACTIVE },
	{ "has-email", no_argument, NULL, CLI_OPT_BASE + O_HAS_EMAIL },
	{ "has-phone", no_argument, NULL, CLI_OPT_BASE + O_HAS_PHONE },
	{ "source", required_argument, NULL, CLI_OPT_BASE + O_SOURCE },
	{ "with-junk", no_argument, NULL, CLI_OPT_BASE + O_WITH_JUNK },
	{ NULL, 0, NULL, 0 }
};


static int segment_from_options(struct cli *c, struct crm_segment *s)
{
	memset(s, 0, sizeof *s);
	s->kind = c->opt[O_KIND];
	s->dept = c->opt[O_DEPT];
	if (cli_assignee(c, c->opt[O_ASSIGNEE], c->opt[O_MANAGER], "manager", !!c->opt[O_MINE],
			 &s->manager))
		return CRM_USAGE;
	s->tag = c->opt[O_TAG];
	s->since = c->opt[O_SINCE];
	s->inactive = c->opt[O_INACTIVE];
	s->has_email = !!c->opt[O_HAS_EMAIL];
	s->has_phone = !!c->opt[O_HAS_PHONE];
	s->with_junk = !!c->opt[O_WITH_JUNK];
	return CRM_OK;
}

static int do_export(struct cli *c, int argc, char **argv)
{
	struct crm_segment given, s;
	unsigned long left_out = 0;
	int rc;

	if (argc)
		return cli_usage(c, "an export takes no arguments (did you mean --segment %s?)",
				 argv[0]);
	if (c->columns || !c->header)
		return cli_usage(c, "an export has the profile's columns; --columns and -H are for "
				    "segment list and unsubscribes");
	if (segment_from_options(c, &given))
		return CRM_USAGE; /* a usage error, said, before the saved segment is read */
	if ((rc = crm_segment_choose(c->db, c->opt[O_SEGMENT], &given, &s)))
		return cli_fail(c, rc);
	rc = crm_export_file(c->db, c->opt[O_PROFILE], c->opt[O_SEGMENT], &s, c->opt[O_FORMAT],
			     c->opt[O_OUTPUT], &left_out);
	crm_segment_clear(&s);
	if (left_out)
		fprintf(stderr, "%s: %lu invalid address%s left out\n", c->prog, left_out,
			left_out == 1 ? "" : "es");
	if (rc == CRM_NOMATCH) {
		fprintf(stderr, "%s: the segment is empty\n", c->prog);
		return rc;
	}
	return cli_fail(c, rc);
}

struct saving {
	const char *name;
	struct crm_segment s;
};

static int segment_save(struct cli *c, void *arg)
{
	struct saving *sv = arg;

	return crm_segment_save(c->db, sv->name, &sv->s);
}

static int segment_delete(struct cli *c, void *arg)
{
	return crm_segment_delete(c->db, arg);
}

static int do_segment(struct cli *c, int argc, char **argv)
{
	struct saving sv;

	if (argc == 1 && strcmp(argv[0], "list") == 0) {
		c->notxn = 1;
		return cli_fail(c, crm_segment_list(c->db, cli_row, c));
	}
	if (argc == 2 && strcmp(argv[0], "save") == 0) {
		sv.name = argv[1];
		return segment_from_options(c, &sv.s) ? CRM_USAGE : cli_once(c, segment_save, &sv);
	}
	if (argc == 2 && strcmp(argv[0], "delete") == 0)
		return cli_once(c, segment_delete, argv[1]);
	return cli_usage(c, "segment save NAME, segment list or segment delete NAME");
}

struct unsub {
	FILE *f;
	const char *source;
	struct crm_optout_stats stats;
};

static int unsubscribes(struct cli *c, void *arg)
{
	struct unsub *u = arg;

	return crm_optout_import(c->db, u->f, u->source, cli_row, c, &u->stats);
}

/* The CSV: FILE, or standard input for "-" or no operand (not a terminal). */
static int do_unsubscribes(struct cli *c, int argc, char **argv)
{
	struct unsub u;
	const char *file = argc ? argv[0] : "-";
	char source[512];
	int rc, in = strcmp(file, "-") == 0;

	if (argc > 1)
		return cli_usage(c, "unsubscribes reads one FILE (MailChimp's CSV export), or - for stdin");
	if (in && !argc && isatty(STDIN_FILENO))
		return cli_usage(c, "unsubscribes needs a FILE (MailChimp's CSV export), or the CSV on stdin");
	if (!(u.f = in ? stdin : fopen(file, "r")))
		return cli_fail(c, crm_error_set(errno == ENOENT ? CRM_NOINPUT : CRM_IOERR, "%s: %s",
						 file, strerror(errno)));
	snprintf(source, sizeof source, "%s",
		 c->opt[O_SOURCE] ? c->opt[O_SOURCE] : in ? "stdin" : file);
	u.source = source;
	rc = cli_once(c, unsubscribes, &u);
	if (!in)
		fclose(u.f);
	if (rc == CRM_OK)
		fprintf(stderr, "%s: %lu opted out, %lu already, %lu not known here, %lu invalid\n",
			c->prog, u.stats.opted_out, u.stats.already, u.stats.unknown, u.stats.invalid);
	return rc;
}

static const struct cli_verb verbs[] = {
	{ "", do_export, CLI_NOTXN | CLI_NODRY, { O_PROFILE, O_FORMAT, O_OUTPUT, O_SEGMENT, O_KIND,
						  O_DEPT, O_MANAGER, O_ASSIGNEE, O_MINE, O_TAG,
						  O_SINCE, O_INACTIVE, O_HAS_EMAIL, O_HAS_PHONE, O_WITH_JUNK },
	  "crm-export [--profile contacts|mailchimp|calls] [--format xlsx|csv|tsv] [-o FILE]\n"
	  "           [--segment NAME] [--kind K] [--dept D] [--assignee USER|--mine] [--tag T]\n"
	  "           [--since T] [--inactive DUR] [--has-email] [--has-phone] [--with-junk]" },
	{ "segment", do_segment, CLI_BATCH, { O_KIND, O_DEPT, O_MANAGER, O_ASSIGNEE, O_MINE, O_TAG,
					       O_SINCE, O_INACTIVE, O_HAS_EMAIL, O_HAS_PHONE },
	  "crm-export segment save NAME [--kind K] [--dept D] [--assignee USER|--mine] [--tag T]\n"
	  "           [--since T] [--inactive DUR] [--has-email] [--has-phone]\n"
	  "crm-export segment list | segment delete NAME" },
	{ "unsubscribes", do_unsubscribes, CLI_BATCH, { O_SOURCE },
	  "crm-export unsubscribes [--source S] [FILE | -]" },
	{ NULL, NULL, 0, { 0 }, NULL }
};

int main(int argc, char **argv)
{
	struct cli c;
	int i;

	/* "-o FILE" and "-oFILE" are --output; the common short options have no o. */
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "-o") == 0)
			argv[i] = "--output";
		else if (strncmp(argv[i], "-o", 2) == 0 && asprintf(&argv[i], "--output=%s", argv[i] + 2) < 0)
			return CRM_SOFTWARE;
	cli_init(&c, "crm-export", common_usage);
	return cli_main(&c, argc, argv, options, verbs);
}
