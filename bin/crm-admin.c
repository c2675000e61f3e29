/*
 * crm-admin: create the database, keep users, departments and settings,
 * back the file up while others work, and check it.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* After the verbs' lines of the usage, which are in the verb table. */
static const char common_usage[] =
	"common options: [-d DB] [-H] [--columns A,B] [-n|--dry-run]\n";

enum { O_ROLE = 1, O_NAME, O_DEPT, O_EMAIL, O_PHONE, O_ACTIVE, O_TITLE, O_HANDOVER, O_FROM,
       O_RATE };
static const struct option options[] = {
	CLI_COMMON_OPTIONS,
	{ "role", required_argument, NULL, CLI_OPT_BASE + O_ROLE },
	{ "name", required_argument, NULL, CLI_OPT_BASE + O_NAME },
	{ "dept", required_argument, NULL, CLI_OPT_BASE + O_DEPT },
	{ "email", required_argument, NULL, CLI_OPT_BASE + O_EMAIL },
	{ "phone", required_argument, NULL, CLI_OPT_BASE + O_PHONE },
	{ "active", required_argument, NULL, CLI_OPT_BASE + O_ACTIVE },
	{ "title", required_argument, NULL, CLI_OPT_BASE + O_TITLE },
	{ "handover", required_argument, NULL, CLI_OPT_BASE + O_HANDOVER },
	{ "from", required_argument, NULL, CLI_OPT_BASE + O_FROM },
	{ "rate", required_argument, NULL, CLI_OPT_BASE + O_RATE },
	{ NULL, 0, NULL, 0 }
};

static int init(struct cli *c, void *arg)
{
	static const char *const names[] = { "database", "admin", "schema" };
	char version[16];
	const char *row[3] = { crm_db_path(c->db), crm_user_login(), version };
	int rc = crm_user_bootstrap(c->db, crm_user_login());

	if (rc)
		return rc;
	snprintf(version, sizeof version, "%d", crm_db_version(c->db));
	return cli_row(c, 3, names, row);
}

static int do_init(struct cli *c, int argc, char **argv)
{
	if (argc)
		return cli_usage(c, "init takes no arguments");
	return cli_once(c, init, NULL);
}

/* ---- users */

static int user_add(struct cli *c, void *arg)
{
	return crm_user_add(c->db, arg, NULL);
}

/* user set, and when it deactivates: what the user leaves, or hands over. */
struct user_set {
	struct crm_user_in in;
	const char *handover;
	int leaving;
	struct crm_user_work w;
};

static int user_set(struct cli *c, void *arg)
{
	struct user_set *u = arg;
	int rc = crm_user_set(c->db, &u->in);

	if (rc || !u->leaving)
		return rc;
	if (u->handover)
		return crm_user_handover(c->db, u->in.login, u->handover, &u->w);
	return crm_user_work(c->db, u->in.login, &u->w);
}

static const char *plural(unsigned long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* "2 open requests, 1 open task and 3 parties" on stderr after the commit. */
static void say_left(struct cli *c, const struct user_set *u)
{
	const struct crm_user_work *w = &u->w;

	fprintf(stderr, "%s: %s is deactivated; %lu open %s, %lu open %s and %lu %s ", c->prog,
		u->in.login, w->requests, plural(w->requests, "request", "requests"), w->tasks,
		plural(w->tasks, "task", "tasks"), w->parties, plural(w->parties, "party", "parties"));
	if (u->handover)
		fprintf(stderr, "handed over to %s\n", u->handover);
	else if (w->requests || w->tasks || w->parties)
		fprintf(stderr, "left with them (--handover USER moves them)\n");
	else
		fprintf(stderr, "left with them\n");
}

static int do_user(struct cli *c, int argc, char **argv)
{
	struct crm_user_in in = { .name = c->opt[O_NAME], .role = c->opt[O_ROLE],
				  .dept = c->opt[O_DEPT], .email = c->opt[O_EMAIL],
				  .phone = c->opt[O_PHONE], .active = c->opt[O_ACTIVE] };
	struct user_set u = { .handover = c->opt[O_HANDOVER] };
	int rc;

	if (argc == 1 && strcmp(argv[0], "list") == 0) {
		c->notxn = 1;
		return cli_fail(c, crm_user_list(c->db, cli_row, c));
	}
	if (argc != 2 || (strcmp(argv[0], "add") && strcmp(argv[0], "set")))
		return cli_usage(c, "user add LOGIN, user set LOGIN or user list");
	in.login = argv[1];
	if (strcmp(argv[0], "add") == 0) {
		if (!in.role)
			return cli_usage(c, "user add needs --role");
		if (u.handover)
			return cli_usage(c, "--handover goes with user set");
		rc = cli_once(c, user_add, &in);
	} else {
		u.in = in;
		u.leaving = in.active && strcmp(in.active, "0") == 0;
		if (u.handover && !u.leaving)
			return cli_usage(c, "--handover goes with --active 0");
		if ((rc = cli_once(c, user_set, &u)) == CRM_OK && u.leaving)
			say_left(c, &u);
	}
	return rc;
}

/* ---- departments */

static int dept_add(struct cli *c, void *arg)
{
	return crm_dept_add(c->db, arg, c->opt[O_TITLE]);
}

static int do_dept(struct cli *c, int argc, char **argv)
{
	if (argc == 1 && strcmp(argv[0], "list") == 0) {
		c->notxn = 1;
		return cli_fail(c, crm_dept_list(c->db, cli_row, c));
	}
	if (argc != 2 || strcmp(argv[0], "add"))
		return cli_usage(c, "dept add NAME or dept list");
	return cli_once(c, dept_add, argv[1]);
}

/* ---- settings */

static int config_set(struct cli *c, void *arg)
{
	char **kv = arg;

	return crm_config_set(c->db, kv[0], kv[1]);
}

static int do_config(struct cli *c, int argc, char **argv)
{
	char *value = NULL;
	int rc;

	if (argc >= 1 && strcmp(argv[0], "get") == 0 && argc <= 2) {
		c->notxn = 1;
		if (argc == 1 && (rc = crm_user_require(c->db, CRM_ROLE_ANY, "reading settings")) == 0)
			rc = crm_config_list(c->db, cli_row, c);
		else if (argc == 2 &&
			 (rc = crm_user_require(c->db, CRM_ROLE_ANY, "reading settings")) == 0 &&
			 (rc = crm_config_get(c->db, argv[1], &value)) == 0)
			printf("%s\n", value);
		free(value);
		return cli_fail(c, rc);
	}
	if (argc == 3 && strcmp(argv[0], "set") == 0)
		return cli_once(c, config_set, argv + 1);
	return cli_usage(c, "config get [KEY] or config set KEY VALUE");
}

/* ---- the file */

static int do_backup(struct cli *c, int argc, char **argv)
{
	int rc;

	if (argc != 1)
		return cli_usage(c, "backup needs one FILE");
	if ((rc = crm_user_require(c->db, CRM_ROLE_ADMIN, "backup")) == 0)
		rc = crm_db_backup(c->db, argv[0]);
	return cli_fail(c, rc);
}

/* A sound database prints nothing, but its --columns are checked all the same. */
static int check_row(void *arg, size_t n, const char *const *names, const char *const *values)
{
	struct cli *c = arg;

	if (values)
		return cli_row(c, n, names, values);
	c->wrote = 1; /* not even the header */
	return crm_tsv_columns_check(c->columns, n, names);
}

static int do_check(struct cli *c, int argc, char **argv)
{
	int rc;

	if (argc)
		return cli_usage(c, "check takes no arguments");
	if ((rc = crm_user_require(c->db, CRM_ROLE_ADMIN, "check")) == 0)
		rc = crm_db_check(c->db, check_row, c);
	return cli_fail(c, rc);
}

/* ---- the lists deals take values from, and VAT rates */

static int choice_once(struct cli *c, void *arg)
{
	char **argv = arg;

	return strcmp(argv[0], "add") == 0 ? crm_choice_add(c->db, argv[1], argv[2])
					   : crm_choice_rm(c->db, argv[1], argv[2]);
}

static int do_choice(struct cli *c, int argc, char **argv)
{
	if ((argc == 1 || argc == 2) && strcmp(argv[0], "list") == 0) {
		c->notxn = 1;
		return cli_fail(c, crm_choice_list(c->db, argc == 2 ? argv[1] : NULL, cli_row, c));
	}
	if (argc != 3 || (strcmp(argv[0], "add") && strcmp(argv[0], "rm")))
		return cli_usage(c, "choice add LIST VALUE, choice rm LIST VALUE or choice list [LIST]");
	return cli_once(c, choice_once, argv);
}

static int vat_once(struct cli *c, void *arg)
{
	return crm_vat_rate_add(c->db, arg, c->opt[O_FROM], c->opt[O_RATE]);
}

static int do_vat(struct cli *c, int argc, char **argv)
{
	if (argc == 1 && strcmp(argv[0], "list") == 0) {
		c->notxn = 1;
		return cli_fail(c, crm_vat_rate_list(c->db, cli_row, c));
	}
	if (argc != 2 || strcmp(argv[0], "add"))
		return cli_usage(c, "vat add CODE --from DATE --rate R or vat list");
	if (!c->opt[O_FROM] || !c->opt[O_RATE])
		return cli_usage(c, "vat add needs --from and --rate");
	return cli_once(c, vat_once, argv[1]);
}

static const struct cli_verb verbs[] = {
	{ "init", do_init, CLI_CREATE | CLI_NODRY, { 0 },
	  "crm-admin init" },
	{ "user", do_user, CLI_BATCH, { O_ROLE, O_NAME, O_DEPT, O_EMAIL, O_PHONE, O_ACTIVE, O_HANDOVER },
	  "crm-admin user add LOGIN --role ROLE [--name N] [--dept D] [--email E] [--phone P]\n"
	  "crm-admin user set LOGIN [--role ROLE] [--name N] [--dept D] [--email E]\n"
	  "                   [--phone P] [--active 0|1] [--handover USER]\n"
	  "crm-admin user list" },
	{ "dept", do_dept, CLI_BATCH, { O_TITLE },
	  "crm-admin dept add NAME [--title T]\n"
	  "crm-admin dept list" },
	{ "config", do_config, CLI_BATCH, { 0 },
	  "crm-admin config get [KEY] | config set KEY VALUE" },
	{ "choice", do_choice, CLI_BATCH, { 0 },
	  "crm-admin choice add area|equipment|medium|lost VALUE\n"
	  "crm-admin choice rm area|equipment|medium|lost VALUE\n"
	  "crm-admin choice list [area|equipment|medium|lost]" },
	{ "vat", do_vat, CLI_BATCH, { O_FROM, O_RATE },
	  "crm-admin vat add CODE --from DATE --rate R%|none\n"
	  "crm-admin vat list" },
	{ "backup", do_backup, CLI_NOTXN | CLI_NODRY, { 0 },
	  "crm-admin backup FILE" },
	{ "check", do_check, CLI_NOTXN, { 0 },
	  "crm-admin check" },
	{ NULL, NULL, 0, { 0 }, NULL }
};

int main(int argc, char **argv)
{
	struct cli c;

	cli_init(&c, "crm-admin", common_usage);
	return cli_main(&c, argc, argv, options, verbs);
}
