/*
 * crm-stock: the warehouse: items and barcodes, receipts with lots and
 * expiry, shipments, transfers, counts and write-offs, balances, and
 * oldest-first (FEFO) reservations for orders; scanning by barcode.
 */
#include <string.h>

#include "cli.h"

/* After the verbs' lines of the usage, which are in the verb table. */
static const char common_usage[] =
	"common options: [-d DB] [-H] [--columns A,B] [-n|--dry-run]\n";

enum { O_NAME = 1, O_UNIT, O_PRICE, O_SUPPLY, O_CERT, O_SHELF, O_TRACKED, O_BARCODE, O_ITEM,
       O_LOT, O_QTY, O_EXPIRES, O_PRODUCED, O_WAREHOUSE, O_DOC, O_REASON, O_REF, O_TO, O_AT,
       O_WITHIN, O_KIND, O_SINCE, O_BYLOT, O_PLANNED, O_PROGRESS, O_STATUS, O_SUPPLIER,
       O_ORDER, O_EXPECTED, O_INN, O_PHONE, O_EMAIL };
static const struct option options[] = {
	CLI_COMMON_OPTIONS,
	{ "name", required_argument, NULL, CLI_OPT_BASE + O_NAME },
	{ "unit", required_argument, NULL, CLI_OPT_BASE + O_UNIT },
	{ "price", required_argument, NULL, CLI_OPT_BASE + O_PRICE },
	{ "supply", required_argument, NULL, CLI_OPT_BASE + O_SUPPLY },
	{ "certifiable", required_argument, NULL, CLI_OPT_BASE + O_CERT },
	{ "shelf-life", required_argument, NULL, CLI_OPT_BASE + O_SHELF },
	{ "lot-tracked", required_argument, NULL, CLI_OPT_BASE + O_TRACKED },
	{ "barcode", required_argument, NULL, CLI_OPT_BASE + O_BARCODE },
	{ "item", required_argument, NULL, CLI_OPT_BASE + O_ITEM },
	{ "lot", required_argument, NULL, CLI_OPT_BASE + O_LOT },
	{ "by-lot", no_argument, NULL, CLI_OPT_BASE + O_BYLOT },
	{ "qty", required_argument, NULL, CLI_OPT_BASE + O_QTY },
	{ "expires", required_argument, NULL, CLI_OPT_BASE + O_EXPIRES },
	{ "produced", required_argument, NULL, CLI_OPT_BASE + O_PRODUCED },
	{ "warehouse", required_argument, NULL, CLI_OPT_BASE + O_WAREHOUSE },
	{ "doc", required_argument, NULL, CLI_OPT_BASE + O_DOC },
	{ "reason", required_argument, NULL, CLI_OPT_BASE + O_REASON },
	{ "ref", required_argument, NULL, CLI_OPT_BASE + O_REF },
	{ "to", required_argument, NULL, CLI_OPT_BASE + O_TO },
	{ "at", required_argument, NULL, CLI_OPT_BASE + O_AT },
	{ "within", required_argument, NULL, CLI_OPT_BASE + O_WITHIN },
	{ "kind", required_argument, NULL, CLI_OPT_BASE + O_KIND },
	{ "since", required_argument, NULL, CLI_OPT_BASE + O_SINCE },
	{ "planned", required_argument, NULL, CLI_OPT_BASE + O_PLANNED },
	{ "progress", required_argument, NULL, CLI_OPT_BASE + O_PROGRESS },
	{ "status", required_argument, NULL, CLI_OPT_BASE + O_STATUS },
	{ "supplier", required_argument, NULL, CLI_OPT_BASE + O_SUPPLIER },
	{ "order", required_argument, NULL, CLI_OPT_BASE + O_ORDER },
	{ "expected", required_argument, NULL, CLI_OPT_BASE + O_EXPECTED },
	{ "inn", required_argument, NULL, CLI_OPT_BASE + O_INN },
	{ "phone", required_argument, NULL, CLI_OPT_BASE + O_PHONE },
	{ "email", required_argument, NULL, CLI_OPT_BASE + O_EMAIL },
	{ NULL, 0, NULL, 0 }
};

/* ---- items and warehouses */

static void item_from_options(struct cli *c, const char *code, struct crm_item_in *in)
{
	memset(in, 0, sizeof *in);
	in->code = code;
	in->name = c->opt[O_NAME];
	in->unit = c->opt[O_UNIT];
	in->price = c->opt[O_PRICE];
	in->supply = c->opt[O_SUPPLY];
	in->certifiable = c->opt[O_CERT];
	in->shelf_life = c->opt[O_SHELF];
	in->lot_tracked = c->opt[O_TRACKED];
	in->barcodes = c->opt[O_BARCODE];
	in->supplier = c->opt[O_SUPPLIER];
}

static int item_add(struct cli *c, void *arg)
{
	int64_t id;

	return crm_item_add(c->db, arg, &id);
}

static int item_set(struct cli *c, void *arg)
{
	return crm_item_set(c->db, arg);
}

/* A record of "item import", by its column names. */
static int item_record(struct cli *c, struct crm_tsv_reader *r, const char *const *f, void *arg)
{
	struct crm_item_in in = {
		.code = cli_field(r, f, "code"), .name = cli_field(r, f, "name"),
		.unit = cli_field(r, f, "unit"), .price = cli_field(r, f, "price"),
		.supply = cli_field(r, f, "supply"), .certifiable = cli_field(r, f, "certifiable"),
		.shelf_life = cli_field(r, f, "shelf_life"), .lot_tracked = cli_field(r, f, "lot_tracked"),
		.barcodes = cli_field(r, f, "barcodes"), .supplier = cli_field(r, f, "supplier"),
	};

	return crm_item_import(c->db, &in);
}

static int do_item(struct cli *c, int argc, char **argv)
{
	struct crm_item_in in;

	if (argc == 1 && strcmp(argv[0], "list") == 0) {
		c->notxn = 1;
		return cli_fail(c, crm_item_list(c->db, cli_row, c));
	}
	if (argc == 2 && strcmp(argv[0], "show") == 0) {
		c->notxn = 1;
		return cli_fail(c, crm_item_show(c->db, argv[1], cli_row, c));
	}
	if (argc == 1 && strcmp(argv[0], "import") == 0)
		return cli_each_record(c, item_record, NULL);
	if (argc != 2 || (strcmp(argv[0], "add") && strcmp(argv[0], "set")))
		return cli_usage(c, "item add CODE, item set CODE, item list, item show CODE or item import");
	item_from_options(c, argv[1], &in);
	return cli_once(c, strcmp(argv[0], "add") == 0 ? item_add : item_set, &in);
}

static int warehouse_add(struct cli *c, void *arg)
{
	return crm_warehouse_add(c->db, arg, c->opt[O_NAME]);
}

static int do_warehouse(struct cli *c, int argc, char **argv)
{
	if (argc == 1 && strcmp(argv[0], "list") == 0) {
		c->notxn = 1;
		return cli_fail(c, crm_warehouse_list(c->db, cli_row, c));
	}
	if (argc == 2 && strcmp(argv[0], "add") == 0)
		return cli_once(c, warehouse_add, argv[1]);
	return cli_usage(c, "warehouse add CODE or warehouse list");
}

/* ---- moves */

static void move_from_options(struct cli *c, struct crm_stock_in *in)
{
	memset(in, 0, sizeof *in);
	in->item = c->opt[O_ITEM];
	in->lot = c->opt[O_LOT];
	in->qty = c->opt[O_QTY];
	in->warehouse = c->opt[O_WAREHOUSE];
	in->to = c->opt[O_TO];
	in->produced = c->opt[O_PRODUCED];
	in->expires = c->opt[O_EXPIRES];
	in->reason = c->opt[O_REASON];
	in->doc = c->opt[O_DOC];
}

/* A usage message unless option o was given, not empty. */
static int require_option(struct cli *c, int o, const char *what)
{
	if (c->opt[o] && *c->opt[o])
		return CRM_OK;
	return cli_usage(c, "%s", what);
}

typedef int move_fn(struct crm_db *db, const struct crm_stock_in *in, crm_row_fn *fn, void *arg);

struct move {
	move_fn *book;
};

static int move_one(struct cli *c, void *arg)
{
	const struct move *m = arg;
	struct crm_stock_in in;

	move_from_options(c, &in);
	return m->book(c->db, &in, cli_row, c);
}

static int run_move(struct cli *c, int argc, move_fn *book)
{
	struct move m = { book };

	if (argc)
		return cli_usage(c, "this verb takes options, not arguments");
	if (require_option(c, O_ITEM, "--item is missing") ||
	    require_option(c, O_QTY, "--qty is missing"))
		return CRM_USAGE;
	return cli_once(c, move_one, &m);
}

static int do_receive(struct cli *c, int argc, char **argv)
{
	return run_move(c, argc, crm_stock_receive);
}

static int do_produce(struct cli *c, int argc, char **argv)
{
	return run_move(c, argc, crm_stock_produce);
}

static int do_writeoff(struct cli *c, int argc, char **argv)
{
	return run_move(c, argc, crm_stock_writeoff);
}

static int do_transfer(struct cli *c, int argc, char **argv)
{
	return run_move(c, argc, crm_stock_transfer);
}

static int do_adjust(struct cli *c, int argc, char **argv)
{
	return run_move(c, argc, crm_stock_adjust);
}

/* ---- reservations */

static int reserve_for_ref(struct cli *c, void *arg)
{
	return crm_stock_reserve(c->db, c->opt[O_REF], c->opt[O_ITEM], c->opt[O_QTY],
				 c->opt[O_WAREHOUSE], cli_row, c);
}

static int release_ref(struct cli *c, void *arg)
{
	return crm_stock_release(c->db, c->opt[O_REF], cli_row, c);
}

static int ship_ref(struct cli *c, void *arg)
{
	return crm_stock_ship_reserved(c->db, c->opt[O_REF], cli_row, c);
}

static int do_ship(struct cli *c, int argc, char **argv)
{
	if (!c->opt[O_REF])
		return run_move(c, argc, crm_stock_ship_unreserved);
	if (argc)
		return cli_usage(c, "ship takes options, not arguments");
	return cli_once(c, ship_ref, NULL);
}

static int do_reserve(struct cli *c, int argc, char **argv)
{
	if (argc || require_option(c, O_REF, "reserve needs --ref ORDER") || require_option(c, O_ITEM, "--item is missing") ||
	    require_option(c, O_QTY, "--qty is missing"))
		return CRM_USAGE;
	return cli_once(c, reserve_for_ref, NULL);
}

static int do_release(struct cli *c, int argc, char **argv)
{
	if (argc || require_option(c, O_REF, "release needs --ref ORDER"))
		return CRM_USAGE;
	return cli_once(c, release_ref, NULL);
}

static int do_pick(struct cli *c, int argc, char **argv)
{
	if (argc || require_option(c, O_REF, "pick needs --ref ORDER"))
		return CRM_USAGE;
	return cli_fail(c, crm_stock_picklist(c->db, c->opt[O_REF], cli_row, c));
}

/* ---- reading */

static int do_balance(struct cli *c, int argc, char **argv)
{
	struct crm_stock_filter f = { .warehouse = c->opt[O_WAREHOUSE], .at = c->opt[O_AT],
				      .by_lot = !!c->opt[O_BYLOT] };
	int rc;

	if (argc > 1)
		return cli_usage(c, "balance takes at most one ITEM");
	f.item = argc ? argv[0] : c->opt[O_ITEM];
	rc = crm_stock_balance(c->db, &f, cli_row, c);
	return rc == CRM_NOMATCH ? rc : cli_fail(c, rc);
}

static int lots(struct cli *c, int (*list)(struct crm_db *, const struct crm_stock_filter *,
					     crm_row_fn *, void *))
{
	struct crm_stock_filter f = { .warehouse = c->opt[O_WAREHOUSE], .within = c->opt[O_WITHIN] };
	int rc = list(c->db, &f, cli_row, c);

	return rc == CRM_NOMATCH ? rc : cli_fail(c, rc);
}

static int do_expiring(struct cli *c, int argc, char **argv)
{
	return argc ? cli_usage(c, "expiring takes no arguments") : lots(c, crm_stock_expiring);
}

static int do_expired(struct cli *c, int argc, char **argv)
{
	return argc ? cli_usage(c, "expired takes no arguments") : lots(c, crm_stock_expired);
}

static int do_moves(struct cli *c, int argc, char **argv)
{
	struct crm_stock_filter f = { .item = c->opt[O_ITEM], .warehouse = c->opt[O_WAREHOUSE],
				      .kind = c->opt[O_KIND], .since = c->opt[O_SINCE],
				      .doc = c->opt[O_DOC] };
	int rc;

	if (argc)
		return cli_usage(c, "moves takes no arguments");
	rc = crm_stock_moves(c->db, &f, cli_row, c);
	return rc == CRM_NOMATCH ? rc : cli_fail(c, rc);
}

static int do_check(struct cli *c, int argc, char **argv)
{
	return argc ? cli_usage(c, "check takes no arguments")
		    : cli_fail(c, crm_stock_check(c->db, cli_row, c));
}

/* ---- scanning: one scan a line, each in its own transaction */

static void scan_failed(void *arg, int status)
{
	cli_fail(arg, status);
}

static int do_scan(struct cli *c, int argc, char **argv)
{
	static const struct {
		const char *mode;
		int (*run)(struct crm_db *, FILE *, const struct crm_stock_scan_opts *,
			   crm_row_fn *, void *);
	} modes[] = {
		{ "receive", crm_stock_scan_receive },
		{ "pick", crm_stock_scan_pick },
		{ "count", crm_stock_scan_count },
	};
	struct crm_stock_scan_opts o = { .ref = c->opt[O_REF], .warehouse = c->opt[O_WAREHOUSE],
					 .qty = c->opt[O_QTY], .dry_run = c->dry_run,
					 .failed = scan_failed, .failed_arg = c };
	size_t i;
	int rc;

	for (i = 0; argc == 1 && i < sizeof modes / sizeof *modes; i++)
		if (!strcmp(argv[0], modes[i].mode))
			break;
	if (argc != 1 || i == sizeof modes / sizeof *modes)
		return cli_usage(c, "scan receive, scan pick --ref ORDER or scan count");
	if (!strcmp(argv[0], "pick") && require_option(c, O_REF, "scan pick needs --ref ORDER"))
		return CRM_USAGE;
	rc = modes[i].run(c->db, stdin, &o, cli_row, c);
	if (c->dry_run)
		fprintf(stderr, "%s: dry run: nothing was written\n", c->prog);
	return rc;
}

/* ---- production and supplier orders */

static void delivery_from_options(struct cli *c, struct crm_delivery_in *in)
{
	memset(in, 0, sizeof *in);
	in->lot = c->opt[O_LOT];
	in->qty = c->opt[O_QTY];
	in->expires = c->opt[O_EXPIRES];
	in->produced = c->opt[O_PRODUCED];
	in->warehouse = c->opt[O_WAREHOUSE];
}

static int production_add(struct cli *c, void *arg)
{
	struct crm_production_in in = { .item = c->opt[O_ITEM], .qty = c->opt[O_QTY],
					.planned = c->opt[O_PLANNED], .ref = c->opt[O_REF] };

	return crm_production_add(c->db, &in, cli_row, c);
}

static int production_set(struct cli *c, void *arg)
{
	struct crm_production_change ch = { .progress = c->opt[O_PROGRESS],
					    .status = c->opt[O_STATUS],
					    .planned = c->opt[O_PLANNED] };

	return crm_production_set(c->db, *(int64_t *)arg, &ch, cli_row, c);
}

static int production_done(struct cli *c, void *arg)
{
	struct crm_delivery_in in;

	delivery_from_options(c, &in);
	return crm_production_arrived(c->db, *(int64_t *)arg, &in, cli_row, c);
}

static int supplier_order_add(struct cli *c, void *arg)
{
	struct crm_supplier_order_in in = { .item = c->opt[O_ITEM], .qty = c->opt[O_QTY],
					    .expected = c->opt[O_EXPECTED], .ref = c->opt[O_REF] };

	/* A bad id stays 0, which the library refuses by name. */
	if (c->opt[O_SUPPLIER] && cli_parse_id(c->opt[O_SUPPLIER], &in.supplier))
		in.supplier = 0;
	if (c->opt[O_ORDER] && cli_parse_id(c->opt[O_ORDER], &in.order))
		in.order = 0;
	return crm_supplier_order_add(c->db, &in, cli_row, c);
}

static int supplier_order_receive(struct cli *c, void *arg)
{
	struct crm_delivery_in in;

	delivery_from_options(c, &in);
	return crm_supplier_delivery(c->db, *(int64_t *)arg, c->opt[O_ITEM], &in, cli_row, c);
}

/* The verbs of production and supplier-order that write: "VERB ID" or "VERB" alone. */
struct supply_verb {
	const char *name;
	int (*run)(struct cli *c, void *id);
	int takes_id;
};

static int supply_verb(struct cli *c, const char *noun, const struct supply_verb *verbs, int argc,
		       char **argv)
{
	const struct supply_verb *v;
	int64_t id = 0;

	if (argc < 1)
		return cli_usage(c, "%s needs a verb", noun);
	for (v = verbs; v->name && strcmp(v->name, argv[0]); v++)
		;
	if (!v->name || argc != 1 + v->takes_id)
		return cli_usage(c, "see the usage of %s", noun);
	if (v->takes_id && cli_parse_id(argv[1], &id))
		return cli_fail(c, CRM_USAGE);
	return cli_once(c, v->run, &id);
}

static int do_production(struct cli *c, int argc, char **argv)
{
	static const struct supply_verb verbs[] = {
		{ "add", production_add, 0 },
		{ "set", production_set, 1 },
		{ "done", production_done, 1 },
		{ NULL, NULL, 0 }
	};
	int rc;

	if (argc == 1 && !strcmp(argv[0], "list")) {
		c->notxn = 1;
		rc = crm_production_list(c->db, c->opt[O_STATUS], cli_row, c);
		return rc == CRM_NOMATCH ? rc : cli_fail(c, rc);
	}
	return supply_verb(c, "production", verbs, argc, argv);
}

static int do_supplier_order(struct cli *c, int argc, char **argv)
{
	static const struct supply_verb verbs[] = {
		{ "add", supplier_order_add, 0 },
		{ "receive", supplier_order_receive, 1 },
		{ NULL, NULL, 0 }
	};
	int rc;

	if (argc == 1 && !strcmp(argv[0], "list")) {
		c->notxn = 1;
		rc = crm_supplier_order_list(c->db, c->opt[O_STATUS], cli_row, c);
		return rc == CRM_NOMATCH ? rc : cli_fail(c, rc);
	}
	return supply_verb(c, "supplier-order", verbs, argc, argv);
}

static int supplier_add(struct cli *c, void *arg)
{
	struct crm_party_in in = { .inn = c->opt[O_INN], .phone = c->opt[O_PHONE],
				   .email = c->opt[O_EMAIL] };
	static const char *const names[] = { "party", "name" };
	char id[24];
	const char *row[2] = { id, arg };
	int64_t party;
	int rc = crm_supplier_add(c->db, arg, &in, &party);

	if (rc)
		return rc;
	snprintf(id, sizeof id, "%lld", (long long)party);
	return cli_row(c, 2, names, row);
}

static int do_supplier(struct cli *c, int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[0], "add"))
		return cli_usage(c, "supplier add NAME");
	return cli_once(c, supplier_add, argv[1]);
}

static const struct cli_verb verbs[] = {
	{ "item", do_item, CLI_BATCH, { O_NAME, O_UNIT, O_PRICE, O_SUPPLY, O_CERT, O_SHELF,
					O_TRACKED, O_BARCODE, O_SUPPLIER },
	  "crm-stock item add CODE --name N [--unit U] [--price P] [--supply stock|make|buy]\n"
	  "          [--certifiable yes|no] [--shelf-life DAYS] [--lot-tracked yes|no]\n"
	  "          [--barcode B[,B...]] [--supplier PARTY]\n"
	  "crm-stock item set CODE [the same options]\n"
	  "crm-stock item list | item show CODE | item import < items.tsv" },
	{ "warehouse", do_warehouse, CLI_BATCH, { O_NAME },
	  "crm-stock warehouse add CODE [--name N] | warehouse list" },
	{ "receive", do_receive, CLI_BATCH, { O_ITEM, O_LOT, O_QTY, O_EXPIRES, O_PRODUCED,
					      O_WAREHOUSE, O_DOC, O_REASON },
	  "crm-stock receive|produce --item I [--lot L] --qty Q [--expires D] [--produced D]\n"
	  "          [--warehouse W] [--doc D] [--reason R]" },
	{ "produce", do_produce, CLI_BATCH, { O_ITEM, O_LOT, O_QTY, O_EXPIRES, O_PRODUCED,
					      O_WAREHOUSE, O_DOC, O_REASON },
	  NULL }, /* in receive's line: receive|produce */
	{ "ship", do_ship, CLI_BATCH, { O_REF, O_ITEM, O_LOT, O_QTY, O_WAREHOUSE, O_DOC, O_REASON },
	  "crm-stock ship --ref ORDER | ship --item I [--lot L] --qty Q [--warehouse W]" },
	{ "transfer", do_transfer, CLI_BATCH, { O_ITEM, O_LOT, O_QTY, O_WAREHOUSE, O_TO, O_DOC,
						O_REASON },
	  "crm-stock transfer --item I [--lot L] --qty Q --warehouse W --to W2" },
	{ "adjust", do_adjust, CLI_BATCH, { O_ITEM, O_LOT, O_QTY, O_WAREHOUSE, O_REASON, O_DOC },
	  "crm-stock adjust --item I [--lot L] --qty COUNTED [--warehouse W] [--reason R]" },
	{ "writeoff", do_writeoff, CLI_BATCH, { O_ITEM, O_LOT, O_QTY, O_WAREHOUSE, O_REASON, O_DOC },
	  "crm-stock writeoff --item I [--lot L] --qty Q --reason R [--warehouse W]" },
	{ "balance", do_balance, CLI_NOTXN, { O_ITEM, O_BYLOT, O_WAREHOUSE, O_AT },
	  "crm-stock balance [ITEM] [--by-lot] [--warehouse W] [--at DATE]" },
	{ "expiring", do_expiring, CLI_NOTXN, { O_WITHIN, O_WAREHOUSE },
	  "crm-stock expiring [--within DUR]" },
	{ "expired", do_expired, CLI_NOTXN, { O_WAREHOUSE },
	  "| expired [--warehouse W]" },
	{ "moves", do_moves, CLI_NOTXN, { O_ITEM, O_WAREHOUSE, O_KIND, O_SINCE, O_DOC },
	  "crm-stock moves [--item I] [--warehouse W] [--kind K] [--since T] [--doc D]" },
	{ "reserve", do_reserve, CLI_BATCH, { O_REF, O_ITEM, O_QTY, O_WAREHOUSE },
	  "crm-stock reserve --ref ORDER --item I --qty Q [--warehouse W]" },
	{ "release", do_release, CLI_BATCH, { O_REF },
	  "crm-stock release --ref ORDER" },
	{ "pick", do_pick, CLI_NOTXN, { O_REF },
	  "| pick --ref ORDER" },
	{ "check", do_check, CLI_NOTXN, { 0 },
	  "| check" },
	{ "scan", do_scan, CLI_NOTXN, { O_REF, O_QTY, O_WAREHOUSE },
	  "crm-stock scan receive|pick|count [--ref ORDER] [--qty Q] [--warehouse W]" },
	{ "production", do_production, CLI_BATCH, { O_ITEM, O_QTY, O_PLANNED, O_REF, O_PROGRESS,
						    O_STATUS, O_LOT, O_EXPIRES, O_PRODUCED,
						    O_WAREHOUSE },
	  "crm-stock production add --item I --qty Q [--planned D] [--ref ORDER]\n"
	  "crm-stock production set ID [--progress P] [--status S] [--planned D]\n"
	  "crm-stock production done ID [--lot L] [--qty Q] [--expires D] [--produced D]\n"
	  "          [--warehouse W]\n"
	  "crm-stock production list [--status S|all]" },
	{ "supplier", do_supplier, CLI_BATCH, { O_INN, O_PHONE, O_EMAIL },
	  "crm-stock supplier add NAME [--inn N] [--phone P] [--email E]" },
	{ "supplier-order", do_supplier_order, CLI_BATCH, { O_SUPPLIER, O_ORDER, O_ITEM, O_QTY,
							    O_EXPECTED, O_REF, O_LOT, O_EXPIRES,
							    O_PRODUCED, O_WAREHOUSE, O_STATUS },
	  "crm-stock supplier-order add --supplier PARTY|--order ID --item I --qty Q\n"
	  "          [--expected D] [--ref ORDER]\n"
	  "crm-stock supplier-order receive ID --item I [--lot L] [--qty Q] [--expires D]\n"
	  "          [--produced D] [--warehouse W]\n"
	  "crm-stock supplier-order list [--status open|received|cancelled|all]" },
	{ NULL, NULL, 0, { 0 }, NULL }
};

int main(int argc, char **argv)
{
	struct cli c;

	cli_init(&c, "crm-stock", common_usage);
	return cli_main(&c, argc, argv, options, verbs);
}
