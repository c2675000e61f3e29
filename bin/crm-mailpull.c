/*
 * crm-mailpull: take new e-mail from maildirs, mbox files, POP3 and IMAP
 * mailboxes, exactly once, and turn each letter into a request (or history
 * of a known party), skipping auto-replies and keeping what cannot be read
 * in quarantine.
 */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"

/* After the usage's lines, which are in the verb table. */
static const char sources[] =
	"sources: maildir:PATH mbox:PATH imap[s]://USER@HOST[:PORT]/FOLDER pop3[s]://USER@HOST[:PORT]\n";

enum { O_LIMIT = 1, O_MOVE_TO, O_DELETE, O_STARTTLS, O_CAFILE, O_INSECURE, O_TIMEOUT,
       O_PASSFILE, O_PASSCMD, O_ACCOUNTS, O_RULES };
static const struct option options[] = {
	CLI_COMMON_OPTIONS,
	{ "limit", required_argument, NULL, CLI_OPT_BASE + O_LIMIT },
	{ "move-to", required_argument, NULL, CLI_OPT_BASE + O_MOVE_TO },
	{ "delete", no_argument, NULL, CLI_OPT_BASE + O_DELETE },
	{ "starttls", no_argument, NULL, CLI_OPT_BASE + O_STARTTLS },
	{ "cafile", required_argument, NULL, CLI_OPT_BASE + O_CAFILE },
	{ "insecure", no_argument, NULL, CLI_OPT_BASE + O_INSECURE },
	{ "timeout", required_argument, NULL, CLI_OPT_BASE + O_TIMEOUT },
	{ "passfile", required_argument, NULL, CLI_OPT_BASE + O_PASSFILE },
	{ "passcmd", required_argument, NULL, CLI_OPT_BASE + O_PASSCMD },
	{ "accounts", required_argument, NULL, CLI_OPT_BASE + O_ACCOUNTS },
	{ "rules", required_argument, NULL, CLI_OPT_BASE + O_RULES },
	{ NULL, 0, NULL, 0 }
};

static void progress(void *arg, unsigned long done, unsigned long total)
{
	struct cli *c = arg;

	fprintf(stderr, "\r%s: %lu/%lu", c->prog, done, total);
	if (done == total)
		fputc('\n', stderr);
}

static void warn(void *arg, const char *ref, const char *warning)
{
	struct cli *c = arg;

	fprintf(stderr, "%s: warning: %s: %s\n", c->prog, ref, warning);
}

static int run(struct cli *c, int argc, char **argv)
{
	struct crm_mail_opts o = { .dry_run = c->dry_run };
	struct crm_mail_stats stats;
	struct crm_mailrules *rules = NULL;
	const char *const *names;
	int i, rc, first = CRM_OK, quarantined = 0;
	size_t n;

	names = crm_mail_columns(&n);
	if ((rc = crm_tsv_columns_check(c->columns, n, names)))
		return cli_fail(c, rc); /* before any message is taken */
	if ((o.limit = cli_number(c, O_LIMIT, "limit", 1000000000L)) < 0 ||
	    (c->opt[O_TIMEOUT] && (o.timeout = (int)cli_number(c, O_TIMEOUT, "timeout", 3600)) < 0))
		return CRM_USAGE;
	if (c->opt[O_RULES] && (rc = crm_mailrules_load(c->opt[O_RULES], &rules)))
		return cli_fail(c, rc);
	o.rules = rules;
	o.accounts = c->opt[O_ACCOUNTS];
	o.passfile = c->opt[O_PASSFILE];
	o.passcmd = c->opt[O_PASSCMD];
	o.cafile = c->opt[O_CAFILE];
	o.move_to = c->opt[O_MOVE_TO];
	o.insecure = c->opt[O_INSECURE] != NULL;
	o.starttls = c->opt[O_STARTTLS] != NULL;
	o.delete_after = c->opt[O_DELETE] != NULL;
	o.warn = warn;
	o.warn_arg = c;
	if (isatty(STDERR_FILENO)) {
		o.progress = progress;
		o.progress_arg = c;
	}
	/* Each source on its own: one server down does not stop the others. */
	for (i = 0; i < argc; i++) {
		rc = crm_mail_pull_account(c->db, argv[i], &o, cli_row, c, &stats);
		quarantined += stats.quarantined;
		if (rc && !first)
			first = cli_fail(c, rc);
		else if (rc)
			cli_fail(c, rc);
	}
	crm_mailrules_free(rules);
	if (!first && quarantined) {
		fprintf(stderr, "%s: %d message%s put in quarantine (see the reason column)\n",
			c->prog, quarantined, quarantined == 1 ? "" : "s");
		first = CRM_DATAERR;
	}
	if (c->dry_run)
		fprintf(stderr, "%s: dry run: nothing was written or marked\n", c->prog);
	return first;
}

static const struct cli_verb verbs[] = {
	{ "", run, CLI_NOTXN | CLI_OPERANDS, { O_LIMIT, O_MOVE_TO, O_DELETE, O_STARTTLS, O_CAFILE, O_INSECURE,
			       O_TIMEOUT, O_PASSFILE, O_PASSCMD, O_ACCOUNTS, O_RULES },
	  "crm-mailpull [--dry-run] [--limit N] [--move-to FOLDER] [--delete] [--starttls]\n"
	  "             [--cafile FILE] [--insecure] [--timeout SEC] [--passfile FILE]\n"
	  "             [--passcmd CMD] [--accounts FILE] [--rules FILE] [-d DB] [-H]\n"
	  "             [--columns A,B] SOURCE|ACCOUNT..." },
	{ NULL, NULL, 0, { 0 }, NULL }
};

int main(int argc, char **argv)
{
	struct cli c;

	/* A server that hangs up must be an error to report, not a SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	cli_init(&c, "crm-mailpull", sources);
	return cli_main(&c, argc, argv, options, verbs);
}
