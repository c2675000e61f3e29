/*
 * crm-deal: the sale from equipment selection to service: make a deal from
 * a qualified request, put goods on it, move it through its stages (each
 * move checked), link its documents, record its payments, and read it:
 * one deal, the list, the pipeline.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* After the verbs' lines of the usage, which are in the verb table. */
static const char common_usage[] =
	"party fields (new, set): [--company C] [--name N] [--phone P] [--email E]\n"
	"    [--legal-name L] [--private] [--inn N] [--kpp N] [--address A] [--bank B]\n"
	"    [--bik N] [--account N] [--corr-account N]\n"
	"common options: [-d DB] [-H] [--columns A,B] [-n|--dry-run] [-k|--keep-going] [--key COL]\n";

enum { O_FROM_REQUEST = 1, O_PARTY, O_TITLE, O_NEEDS, O_AREA, O_EQUIPMENT, O_MEDIUM, O_DEPT,
       O_MANAGER, O_CLOSE_BY, O_VAT, O_COMPANY, O_NAME, O_PHONE, O_EMAIL, O_LEGAL, O_PRIVATE,
       O_INN, O_KPP, O_ADDRESS, O_BANK, O_BIK, O_ACCOUNT, O_CORR, O_WAYBILL, O_QTY, O_PRICE,
       O_DISCOUNT, O_STAGE, O_MINE, O_STALE, O_WAITING, O_BY, O_FORCE, O_REASON,
       O_LOST_REASON, O_NOTE, O_ACCEPTED, O_DECLINED, O_KIND, O_NUMBER, O_DATE, O_ITEM,
       O_FILE, O_REF, O_SUPPLIER };
static const struct option options[] = {
	CLI_COMMON_OPTIONS,
	{ "from-request", required_argument, NULL, CLI_OPT_BASE + O_FROM_REQUEST },
	{ "party", required_argument, NULL, CLI_OPT_BASE + O_PARTY },
	{ "title", required_argument, NULL, CLI_OPT_BASE + O_TITLE },
	{ "needs", required_argument, NULL, CLI_OPT_BASE + O_NEEDS },
	{ "area", required_argument, NULL, CLI_OPT_BASE + O_AREA },
	{ "equipment", required_argument, NULL, CLI_OPT_BASE + O_EQUIPMENT },
	{ "medium", required_argument, NULL, CLI_OPT_BASE + O_MEDIUM },
	{ "dept", required_argument, NULL, CLI_OPT_BASE + O_DEPT },
	{ "manager", required_argument, NULL, CLI_OPT_BASE + O_MANAGER },
	{ "close-by", required_argument, NULL, CLI_OPT_BASE + O_CLOSE_BY },
	{ "vat", required_argument, NULL, CLI_OPT_BASE + O_VAT },
	{ "company", required_argument, NULL, CLI_OPT_BASE + O_COMPANY },
	{ "name", required_argument, NULL, CLI_OPT_BASE + O_NAME },
	{ "phone", required_argument, NULL, CLI_OPT_BASE + O_PHONE },
	{ "email", required_argument, NULL, CLI_OPT_BASE + O_EMAIL },
	{ "legal-name", required_argument, NULL, CLI_OPT_BASE + O_LEGAL },
	{ "private", no_argument, NULL, CLI_OPT_BASE + O_PRIVATE },
	{ "inn", required_argument, NULL, CLI_OPT_BASE + O_INN },
	{ "kpp", required_argument, NULL, CLI_OPT_BASE + O_KPP },
	{ "address", required_argument, NULL, CLI_OPT_BASE + O_ADDRESS },
	{ "bank", required_argument, NULL, CLI_OPT_BASE + O_BANK },
	{ "bik", required_argument, NULL, CLI_OPT_BASE + O_BIK },
	{ "account", required_argument, NULL, CLI_OPT_BASE + O_ACCOUNT },
	{ "corr-account", required_argument, NULL, CLI_OPT_BASE + O_CORR },
	{ "waybill", required_argument, NULL, CLI_OPT_BASE + O_WAYBILL },
	{ "qty", required_argument, NULL, CLI_OPT_BASE + O_QTY },
	{ "price", required_argument, NULL, CLI_OPT_BASE + O_PRICE },
	{ "discount", required_argument, NULL, CLI_OPT_BASE + O_DISCOUNT },
	{ "stage", required_argument, NULL, CLI_OPT_BASE + O_STAGE },
	{ "mine", no_argument, NULL, CLI_OPT_BASE + O_MINE },
	{ "stale", required_argument, NULL, CLI_OPT_BASE + O_STALE },
	{ "waiting", required_argument, NULL, CLI_OPT_BASE + O_WAITING },
	{ "by", required_argument, NULL, CLI_OPT_BASE + O_BY },
	{ "force", no_argument, NULL, CLI_OPT_BASE + O_FORCE },
	{ "reason", required_argument, NULL, CLI_OPT_BASE + O_REASON },
	{ "lost-reason", required_argument, NULL, CLI_OPT_BASE + O_LOST_REASON },
	{ "note", required_argument, NULL, CLI_OPT_BASE + O_NOTE },
	{ "accepted", no_argument, NULL, CLI_OPT_BASE + O_ACCEPTED },
	{ "declined", no_argument, NULL, CLI_OPT_BASE + O_DECLINED },
	{ "kind", required_argument, NULL, CLI_OPT_BASE + O_KIND },
	{ "number", required_argument, NULL, CLI_OPT_BASE + O_NUMBER },
	{ "date", required_argument, NULL, CLI_OPT_BASE + O_DATE },
	{ "item", required_argument, NULL, CLI_OPT_BASE + O_ITEM },
	{ "file", required_argument, NULL, CLI_OPT_BASE + O_FILE },
	{ "ref", required_argument, NULL, CLI_OPT_BASE + O_REF },
	{ "supplier", required_argument, NULL, CLI_OPT_BASE + O_SUPPLIER },
	{ NULL, 0, NULL, 0 }
};

/* The options every verb that changes a deal's party reads. */
#define PARTY_OPTS O_COMPANY, O_NAME, O_PHONE, O_EMAIL, O_LEGAL, O_PRIVATE, O_INN, O_KPP, \
	O_ADDRESS, O_BANK, O_BIK, O_ACCOUNT, O_CORR
#define DEAL_OPTS O_TITLE, O_NEEDS, O_AREA, O_EQUIPMENT, O_MEDIUM, O_DEPT, O_MANAGER, \
	O_CLOSE_BY, O_VAT

/* An id option: 0 when absent. */
static int id_opt(struct cli *c, int o, int64_t *id)
{
	*id = 0;
	return c->opt[o] && *c->opt[o] ? cli_parse_id(c->opt[o], id) : CRM_OK;
}

struct deal_opts {
	struct crm_deal_in in;
	struct crm_party_in party;
};

/* The deal's and its party's fields from the options; party_in only when
 * one of them is given. */
static void deal_from_options(struct cli *c, struct deal_opts *d)
{
	struct crm_party_in *p = &d->party;
	static const int party_opts[] = { PARTY_OPTS };
	size_t i;

	memset(d, 0, sizeof *d);
	d->in.title = c->opt[O_TITLE], d->in.needs = c->opt[O_NEEDS], d->in.area = c->opt[O_AREA];
	d->in.equipment = c->opt[O_EQUIPMENT], d->in.medium = c->opt[O_MEDIUM];
	d->in.dept = c->opt[O_DEPT], d->in.manager = c->opt[O_MANAGER];
	d->in.close_by = c->opt[O_CLOSE_BY], d->in.vat = c->opt[O_VAT];
	d->in.waybill = c->opt[O_WAYBILL];
	p->company = c->opt[O_COMPANY], p->name = c->opt[O_NAME], p->phone = c->opt[O_PHONE];
	p->email = c->opt[O_EMAIL], p->legal_name = c->opt[O_LEGAL], p->inn = c->opt[O_INN];
	p->kpp = c->opt[O_KPP], p->address = c->opt[O_ADDRESS], p->bank = c->opt[O_BANK];
	p->bik = c->opt[O_BIK], p->account = c->opt[O_ACCOUNT], p->corr_account = c->opt[O_CORR];
	p->is_private = !!c->opt[O_PRIVATE];
	for (i = 0; i < sizeof party_opts / sizeof *party_opts; i++)
		if (c->opt[party_opts[i]])
			d->in.party_in = p;
}

/* ---- new, set */

/* The deal's row as the list shows it. */
static int print_deal(struct cli *c, int64_t id)
{
	struct crm_deal_filter f = { .id = id };

	return crm_deal_list(c->db, &f, cli_row, c);
}

static int new_once(struct cli *c, void *arg)
{
	struct deal_opts *d = arg;
	int64_t id;
	int rc = crm_deal_new(c->db, &d->in, &id);

	return rc ? rc : print_deal(c, id);
}

static int do_new(struct cli *c, int argc, char **argv)
{
	struct deal_opts d;

	if (argc)
		return cli_usage(c, "new takes no arguments");
	deal_from_options(c, &d);
	if (id_opt(c, O_FROM_REQUEST, &d.in.request) || id_opt(c, O_PARTY, &d.in.party))
		return cli_fail(c, CRM_USAGE);
	if (!d.in.request == !d.in.party)
		return cli_usage(c, "new needs --from-request N or --party N");
	return cli_once(c, new_once, &d);
}

static int set_one(struct cli *c, int64_t id, void *arg)
{
	struct deal_opts *d = arg;
	int rc = crm_deal_set(c->db, id, &d->in);

	return rc ? rc : print_deal(c, id);
}

static int do_set(struct cli *c, int argc, char **argv)
{
	struct deal_opts d;

	deal_from_options(c, &d);
	return cli_each_id(c, argc, argv, set_one, &d);
}

/* ---- item add|set|rm ID ITEM */

static int item_once(struct cli *c, void *arg)
{
	char **argv = arg;
	struct crm_deal_line_in in = { argv[2], c->opt[O_QTY], c->opt[O_PRICE], c->opt[O_DISCOUNT] };
	int64_t deal;
	int rc;

	if ((rc = cli_parse_id(argv[1], &deal)))
		return rc;
	if (strcmp(argv[0], "add") == 0)
		rc = crm_deal_line_add(c->db, deal, &in);
	else if (strcmp(argv[0], "set") == 0)
		rc = crm_deal_line_set(c->db, deal, &in);
	else
		rc = crm_deal_line_rm(c->db, deal, argv[2]);
	return rc ? rc : crm_deal_lines(c->db, deal, cli_row, c);
}

static int do_item(struct cli *c, int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[0], "add") && strcmp(argv[0], "set") && strcmp(argv[0], "rm")))
		return cli_usage(c, "item add ID ITEM, item set ID ITEM or item rm ID ITEM");
	if (strcmp(argv[0], "add") == 0 && !c->opt[O_QTY])
		return cli_usage(c, "item add needs --qty");
	return cli_once(c, item_once, argv);
}

/* ---- reading */

static int do_list(struct cli *c, int argc, char **argv)
{
	struct crm_deal_filter f = { .stage = c->opt[O_STAGE], .dept = c->opt[O_DEPT],
				     .stale = c->opt[O_STALE], .waiting = c->opt[O_WAITING],
				     .manager = c->opt[O_MANAGER], .mine = !!c->opt[O_MINE] };
	int rc;

	if (argc)
		return cli_usage(c, "list takes no arguments");
	if (f.manager && f.mine)
		return cli_usage(c, "--manager and --mine do not go together");
	if (id_opt(c, O_PARTY, &f.party))
		return cli_fail(c, CRM_USAGE);
	rc = crm_deal_list(c->db, &f, cli_row, c);
	return rc == CRM_NOMATCH ? rc : cli_fail(c, rc);
}

static int show_one(struct cli *c, int64_t id, void *arg)
{
	return crm_deal_show(c->db, id, cli_row, c);
}

static int do_show(struct cli *c, int argc, char **argv)
{
	return cli_each_id(c, argc, argv, show_one, NULL);
}

static int history_one(struct cli *c, int64_t id, void *arg)
{
	return crm_deal_history(c->db, id, cli_row, c);
}

static int do_history(struct cli *c, int argc, char **argv)
{
	return cli_each_id(c, argc, argv, history_one, NULL);
}

static int do_pipeline(struct cli *c, int argc, char **argv)
{
	if (argc)
		return cli_usage(c, "pipeline takes no arguments");
	return cli_fail(c, crm_deal_pipeline(c->db, c->opt[O_BY], cli_row, c));
}

/* ---- stage ID... STAGE */

static int stage_one(struct cli *c, int64_t id, void *arg)
{
	int rc = crm_deal_move(c->db, id, arg);

	return rc ? rc : print_deal(c, id);
}

static int do_stage(struct cli *c, int argc, char **argv)
{
	struct crm_deal_move_in in = { .force = !!c->opt[O_FORCE], .reason = c->opt[O_REASON],
				       .lost_reason = c->opt[O_LOST_REASON], .note = c->opt[O_NOTE] };

	if (argc < 1)
		return cli_usage(c, "stage needs the stage to move to: stage [ID...] STAGE");
	in.stage = argv[argc - 1];
	/* Before reading ids from stdin: "stage 5" lacks its stage. */
	if (crm_deal_stage_check(in.stage))
		return cli_fail(c, CRM_USAGE);
	return cli_each_id(c, argc - 1, argv, stage_one, &in);
}

/* ---- order, ship */

static int order_one(struct cli *c, int64_t id, void *arg)
{
	return crm_deal_order(c->db, id, arg, cli_row, c);
}

static int do_order(struct cli *c, int argc, char **argv)
{
	struct crm_order_in in = { 0 };

	if (id_opt(c, O_SUPPLIER, &in.supplier))
		return cli_fail(c, CRM_USAGE);
	return cli_each_id(c, argc, argv, order_one, &in);
}

static int ship_one(struct cli *c, int64_t id, void *arg)
{
	return crm_deal_ship(c->db, id, c->opt[O_WAYBILL], cli_row, c);
}

static int do_ship(struct cli *c, int argc, char **argv)
{
	return cli_each_id(c, argc, argv, ship_one, NULL);
}

/* ---- service, doc, pay, balance */

static int service_one(struct cli *c, int64_t id, void *arg)
{
	int rc = crm_deal_service(c->db, id, !!c->opt[O_ACCEPTED], c->opt[O_NOTE]);

	return rc ? rc : print_deal(c, id);
}

static int do_service(struct cli *c, int argc, char **argv)
{
	if (!c->opt[O_ACCEPTED] == !c->opt[O_DECLINED])
		return cli_usage(c, "service needs --accepted or --declined");
	return cli_each_id(c, argc, argv, service_one, NULL);
}

static int doc_once(struct cli *c, void *arg)
{
	const char *deal_text = arg;
	struct crm_doc_in in = { c->opt[O_KIND], c->opt[O_NUMBER], c->opt[O_DATE], c->opt[O_ITEM],
				 c->opt[O_FILE] };
	int64_t deal, id;
	int rc;

	if ((rc = cli_parse_id(deal_text, &deal)) || (rc = crm_deal_doc_add(c->db, deal, &in, &id)))
		return rc;
	return crm_deal_doc_list(c->db, deal, cli_row, c);
}

static int do_doc(struct cli *c, int argc, char **argv)
{
	int64_t deal = 0;

	if (argc == 2 && strcmp(argv[0], "add") == 0) {
		if (!c->opt[O_KIND] || !c->opt[O_NUMBER])
			return cli_usage(c, "doc add needs --kind and --number");
		return cli_once(c, doc_once, argv[1]);
	}
	if ((argc == 1 || argc == 2) && strcmp(argv[0], "list") == 0) {
		if (argc == 2 && cli_parse_id(argv[1], &deal))
			return cli_fail(c, CRM_USAGE);
		c->notxn = 1;
		return cli_fail(c, crm_deal_doc_list(c->db, deal, cli_row, c));
	}
	return cli_usage(c, "doc add ID --kind K --number N or doc list [ID]");
}

static int pay_once(struct cli *c, void *arg)
{
	char **argv = arg;
	struct crm_pay_in in = { argv[1], c->opt[O_DATE], c->opt[O_REF], c->opt[O_REASON] };
	int64_t deal, id;
	int rc;

	if ((rc = cli_parse_id(argv[0], &deal)) || (rc = crm_deal_pay(c->db, deal, &in, &id)))
		return rc;
	return crm_deal_balance(c->db, deal, cli_row, c);
}

static int do_pay(struct cli *c, int argc, char **argv)
{
	if (argc != 2)
		return cli_usage(c, "pay ID AMOUNT");
	return cli_once(c, pay_once, argv);
}

static int balance_one(struct cli *c, int64_t id, void *arg)
{
	return crm_deal_balance(c->db, id, cli_row, c);
}

static int do_balance(struct cli *c, int argc, char **argv)
{
	int64_t party;
	int rc;

	if (!c->opt[O_PARTY])
		return cli_each_id(c, argc, argv, balance_one, NULL);
	if (argc)
		return cli_usage(c, "balance takes deal ids or --party, not both");
	if (id_opt(c, O_PARTY, &party))
		return cli_fail(c, CRM_USAGE);
	rc = crm_deal_balance_party(c->db, party, cli_row, c);
	return rc == CRM_NOMATCH ? rc : cli_fail(c, rc);
}

static const struct cli_verb verbs[] = {
	{ "new", do_new, CLI_BATCH, { O_FROM_REQUEST, O_PARTY, DEAL_OPTS, PARTY_OPTS },
	  "crm-deal new --from-request N|--party N [--title T] [--needs T] [--area A]\n"
	  "             [--equipment E] [--medium M] [--dept D] [--manager USER]\n"
	  "             [--close-by DATE] [--vat CODE] [party fields]" },
	{ "set", do_set, CLI_BATCH, { DEAL_OPTS, O_WAYBILL, PARTY_OPTS },
	  "crm-deal set [--title T] [--needs T] [--area A] [--equipment E] [--medium M]\n"
	  "             [--dept D] [--manager USER] [--close-by DATE] [--vat CODE]\n"
	  "             [--waybill NO] [party fields] [ID...]" },
	{ "item", do_item, CLI_BATCH, { O_QTY, O_PRICE, O_DISCOUNT },
	  "crm-deal item add ID ITEM --qty Q [--price P] [--discount D|P%]\n"
	  "crm-deal item set ID ITEM [--qty Q] [--price P] [--discount D|P%]\n"
	  "crm-deal item rm ID ITEM" },
	{ "list", do_list, CLI_NOTXN, { O_STAGE, O_MANAGER, O_MINE, O_DEPT, O_PARTY, O_STALE,
				O_WAITING },
	  "crm-deal list [--stage S] [--manager USER|--mine] [--dept D] [--party ID]\n"
	  "              [--stale DUR] [--waiting payment|goods|documents]" },
	{ "show", do_show, CLI_NOTXN, { 0 },
	  "crm-deal show [ID...]" },
	{ "history", do_history, CLI_NOTXN, { 0 },
	  "crm-deal history [ID...]" },
	{ "pipeline", do_pipeline, CLI_NOTXN, { O_BY },
	  "crm-deal pipeline [--by manager|dept]" },
	{ "order", do_order, CLI_BATCH, { O_SUPPLIER },
	  "crm-deal order [--supplier N] [ID...]" },
	{ "ship", do_ship, CLI_BATCH, { O_WAYBILL },
	  "crm-deal ship [--waybill NO] [ID...]" },
	{ "stage", do_stage, CLI_BATCH, { O_FORCE, O_REASON, O_LOST_REASON, O_NOTE },
	  "crm-deal stage [--force --reason T] [--lost-reason R] [--note T] [ID...] STAGE" },
	{ "service", do_service, CLI_BATCH, { O_ACCEPTED, O_DECLINED, O_NOTE },
	  "crm-deal service --accepted|--declined [--note T] [ID...]" },
	{ "doc", do_doc, CLI_BATCH, { O_KIND, O_NUMBER, O_DATE, O_ITEM, O_FILE },
	  "crm-deal doc add ID --kind K --number N [--date D] [--item CODE] [--file PATH]\n"
	  "crm-deal doc list [ID]" },
	{ "pay", do_pay, CLI_BATCH, { O_DATE, O_REF, O_REASON },
	  "crm-deal pay ID AMOUNT [--date D] [--ref R] [--reason T]" },
	{ "balance", do_balance, CLI_NOTXN, { O_PARTY },
	  "crm-deal balance [ID...] | balance --party ID" },
	{ NULL, NULL, 0, { 0 }, NULL }
};

int main(int argc, char **argv)
{
	struct cli c;

	cli_init(&c, "crm-deal", common_usage);
	return cli_main(&c, argc, argv, options, verbs);
}
