/*
 * crm-callpull: take the PBX's call records (Asterisk Master.csv, MikoPBX's
 * cdr.db), each call once: unknown callers become leads, known ones get a
 * history entry and a notice to their manager, missed calls a callback task.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum { O_LAYOUT = 1, O_UTC, O_BATCH };
static const struct option options[] = {
	CLI_COMMON_OPTIONS,
	{ "layout", required_argument, NULL, CLI_OPT_BASE + O_LAYOUT },
	{ "utc", no_argument, NULL, CLI_OPT_BASE + O_UTC },
	{ "batch", required_argument, NULL, CLI_OPT_BASE + O_BATCH },
	{ NULL, 0, NULL, 0 }
};

static void progress(void *arg, unsigned long lines)
{
	fprintf(stderr, "\r%s: %lu calls", ((struct cli *)arg)->prog, lines);
}

static int run(struct cli *c, int argc, char **argv)
{
	struct crm_call_opts o = { .columns = c->opt[O_LAYOUT], .utc = !!c->opt[O_UTC],
				   .dry_run = c->dry_run };
	struct crm_call_stats st;
	unsigned long quarantined = 0;
	long batch = cli_number(c, O_BATCH, "batch", 200000);
	const char *const *names;
	char why[1024];
	size_t n;
	int i, rc, first = CRM_OK, tty = isatty(STDERR_FILENO);

	if (batch < 0)
		return CRM_USAGE;
	/* Before any call is recorded: a report that cannot be printed is
	 * a usage error, not calls taken in silence. */
	names = crm_call_columns(&n);
	if ((rc = crm_tsv_columns_check(c->columns, n, names))) {
		snprintf(why, sizeof why, "%s", crm_error_message());
		return cli_fail(c, crm_error_set(rc, "%s (the input's layout is --layout)", why));
	}
	o.batch = (size_t)batch;
	if (tty) {
		o.progress = progress;
		o.progress_arg = c;
	}
	for (i = 0; i < argc; i++) {
		o.source = argv[i];
		rc = crm_call_pull(c->db, &o, cli_row, c, &st);
		if (tty)
			fputc('\n', stderr);
		quarantined += st.quarantined;
		if (rc && !first)
			first = rc;
		if (rc)
			cli_fail(c, rc);
		else if (st.internal)
			fprintf(stderr, "%s: %s: %lu internal call%s set aside\n", c->prog, argv[i],
				st.internal, st.internal == 1 ? "" : "s");
	}
	if (!first && quarantined) {
		fprintf(stderr, "%s: %lu line%s put in quarantine (see the reason column)\n", c->prog,
			quarantined, quarantined == 1 ? "" : "s");
		first = CRM_DATAERR;
	}
	if (c->dry_run)
		fprintf(stderr, "%s: dry run: nothing was written\n", c->prog);
	return first;
}

static const struct cli_verb verbs[] = {
	{ "", run, CLI_NOTXN | CLI_OPERANDS, { O_LAYOUT, O_UTC, O_BATCH },
	  "crm-callpull [--dry-run] [--utc] [--layout LIST] [--batch N] [-d DB] [-H]\n"
	  "             [-C|--columns A,B] FILE|mikopbx:PATH|-..." },
	{ NULL, NULL, 0, { 0 }, NULL }
};

int main(int argc, char **argv)
{
	struct cli c;

	cli_init(&c, "crm-callpull", NULL); /* the usage is in the verb table */
	return cli_main(&c, argc, argv, options, verbs);
}
