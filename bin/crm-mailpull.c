/*
 * crm-mailpull: take new e-mail from maildirs, mbox files, POP3 and IMAP
 * mailboxes, exactly once, and turn each letter into a request (or history
 * of a known party), skipping auto-replies and keeping what cannot be read
 * in quarantine.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
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

/* Options given on the command line win over the account's. */
static int account_opts(struct cli *c, const char *arg, struct crm_account *a,
			struct crm_mail_opts *o)
{
	int rc = CRM_OK;

	memset(a, 0, sizeof *a);
	if (strchr(arg, ':')) /* a source, not an account name */
		a->source = strdup(arg);
	else if ((rc = crm_account_load(c->opt[O_ACCOUNTS], arg, a)))
		return rc;
	if (c->opt[O_PASSFILE] || c->opt[O_PASSCMD]) {
		free(a->passfile);
		free(a->passcmd);
		a->passfile = c->opt[O_PASSFILE] ? strdup(c->opt[O_PASSFILE]) : NULL;
		a->passcmd = c->opt[O_PASSCMD] ? strdup(c->opt[O_PASSCMD]) : NULL;
	}
	o->source = a->source;
	o->cafile = c->opt[O_CAFILE] ? c->opt[O_CAFILE] : a->cafile;
	o->move_to = c->opt[O_MOVE_TO] ? c->opt[O_MOVE_TO] : a->move_to;
	o->insecure = c->opt[O_INSECURE] || a->insecure;
	o->starttls = c->opt[O_STARTTLS] || a->starttls;
	o->delete_after = c->opt[O_DELETE] || a->delete_after;
	if (!c->opt[O_TIMEOUT] && a->timeout)
		o->timeout = a->timeout;
	return CRM_OK;
}

/* A mailbox on a server (needs a password; may have a certificate). */
static int remote(const char *source)
{
	return strncmp(source, "imap", 4) == 0 || strncmp(source, "pop3", 4) == 0;
}

static int pull_one(struct cli *c, const char *arg, const struct crm_mail_opts *base,
		    int *quarantined)
{
	struct crm_mail_opts o = *base; /* each source starts from the command line */
	struct crm_mail_stats stats;
	struct crm_account a;
	char *password = NULL;
	int rc;

	if ((rc = account_opts(c, arg, &a, &o)) == CRM_OK &&
	    (!remote(o.source) || (rc = crm_account_password(&a, &password)) == CRM_OK)) {
		o.password = password;
		if (o.insecure && remote(o.source))
			fprintf(stderr, "%s: warning: %s: the server's certificate is not checked\n",
				c->prog, o.source);
		rc = crm_mail_pull(c->db, &o, cli_row, c, &stats);
		*quarantined += stats.quarantined;
	}
	if (password)
		memset(password, 0, strlen(password));
	free(password);
	crm_account_clear(&a);
	return rc;
}

static int run(struct cli *c, int argc, char **argv)
{
	struct crm_mail_opts o = { .dry_run = c->dry_run, .timeout = 30 };
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
	o.warn = warn;
	o.warn_arg = c;
	if (isatty(STDERR_FILENO)) {
		o.progress = progress;
		o.progress_arg = c;
	}
	/* Each source on its own: one server down does not stop the others. */
	for (i = 0; i < argc; i++)
		if ((rc = pull_one(c, argv[i], &o, &quarantined)) && !first)
			first = cli_fail(c, rc);
		else if (rc)
			cli_fail(c, rc);
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
