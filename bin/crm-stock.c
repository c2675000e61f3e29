/*
 * crm-stock: the warehouse: items and barcodes, receipts with lots and
 * expiry, shipments, transfers, counts and write-offs, balances, and
 * oldest-first (FEFO) reservations for orders; scanning by barcode.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* A record of "item import": an item added, or changed when its code is known. */
static int item_record(struct cli *c, struct crm_tsv_reader *r, const char *const *f, void *arg)
{
	struct crm_item_in in = {
		.code = cli_field(r, f, "code"), .name = cli_field(r, f, "name"),
		.unit = cli_field(r, f, "unit"), .price = cli_field(r, f, "price"),
		.supply = cli_field(r, f, "supply"), .certifiable = cli_field(r, f, "certifiable"),
		.shelf_life = cli_field(r, f, "shelf_life"), .lot_tracked = cli_field(r, f, "lot_tracked"),
		.barcodes = cli_field(r, f, "barcodes"),
	};
	int64_t id;

	if (!in.code)
		return crm_error_set(CRM_DATAERR, "no code (the column \"code\")");
	if (crm_item_find(c->db, in.code, &id) == CRM_OK)
		return crm_item_set(c->db, &in);
	return crm_item_add(c->db, &in, &id);
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

static int need(struct cli *c, int o, const char *what)
{
	if (c->opt[o] && *c->opt[o])
		return CRM_OK;
	return cli_usage(c, "%s", what);
}

enum { RECEIVE, PRODUCE, SHIP_OUT, WRITEOFF, TRANSFER, ADJUST };

static int move_one(struct cli *c, void *arg)
{
	struct crm_stock_in in;

	move_from_options(c, &in);
	switch (*(int *)arg) {
	case RECEIVE:
		return crm_stock_receive(c->db, &in, 0, cli_row, c);
	case PRODUCE:
		return crm_stock_receive(c->db, &in, 1, cli_row, c);
	case SHIP_OUT:
		return crm_stock_out(c->db, &in, "shipment", cli_row, c);
	case WRITEOFF:
		return crm_stock_out(c->db, &in, "writeoff", cli_row, c);
	case TRANSFER:
		return crm_stock_transfer(c->db, &in, cli_row, c);
	default:
		return crm_stock_adjust(c->db, &in, cli_row, c);
	}
}

static int run_move(struct cli *c, int argc, int kind)
{
	if (argc)
		return cli_usage(c, "this verb takes options, not arguments");
	if (need(c, O_ITEM, "--item is missing") || need(c, O_QTY, "--qty is missing"))
		return CRM_USAGE;
	return cli_once(c, move_one, &kind);
}

static int do_receive(struct cli *c, int argc, char **argv)
{
	return run_move(c, argc, RECEIVE);
}

static int do_produce(struct cli *c, int argc, char **argv)
{
	return run_move(c, argc, PRODUCE);
}

static int do_writeoff(struct cli *c, int argc, char **argv)
{
	return run_move(c, argc, WRITEOFF);
}

static int do_transfer(struct cli *c, int argc, char **argv)
{
	return run_move(c, argc, TRANSFER);
}

static int do_adjust(struct cli *c, int argc, char **argv)
{
	return run_move(c, argc, ADJUST);
}

/* ---- reservations */

static int ref_op(struct cli *c, void *arg)
{
	const char *verb = arg;
	const char *ref = c->opt[O_REF];

	if (!strcmp(verb, "reserve"))
		return crm_stock_reserve(c->db, ref, c->opt[O_ITEM], c->opt[O_QTY],
					 c->opt[O_WAREHOUSE], cli_row, c);
	if (!strcmp(verb, "release"))
		return crm_stock_release(c->db, ref, cli_row, c);
	return crm_stock_ship(c->db, ref, cli_row, c);
}

static int do_ship(struct cli *c, int argc, char **argv)
{
	if (!c->opt[O_REF])
		return run_move(c, argc, SHIP_OUT);
	if (argc)
		return cli_usage(c, "ship takes options, not arguments");
	return cli_once(c, ref_op, "ship");
}

static int do_reserve(struct cli *c, int argc, char **argv)
{
	if (argc || need(c, O_REF, "reserve needs --ref ORDER") || need(c, O_ITEM, "--item is missing") ||
	    need(c, O_QTY, "--qty is missing"))
		return CRM_USAGE;
	return cli_once(c, ref_op, "reserve");
}

static int do_release(struct cli *c, int argc, char **argv)
{
	if (argc || need(c, O_REF, "release needs --ref ORDER"))
		return CRM_USAGE;
	return cli_once(c, ref_op, "release");
}

static int do_pick(struct cli *c, int argc, char **argv)
{
	if (argc || need(c, O_REF, "pick needs --ref ORDER"))
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

static int expiring(struct cli *c, int expired)
{
	struct crm_stock_filter f = { .warehouse = c->opt[O_WAREHOUSE], .within = c->opt[O_WITHIN] };
	int rc = crm_stock_expiring(c->db, &f, expired, cli_row, c);

	return rc == CRM_NOMATCH ? rc : cli_fail(c, rc);
}

static int do_expiring(struct cli *c, int argc, char **argv)
{
	return argc ? cli_usage(c, "expiring takes no arguments") : expiring(c, 0);
}

static int do_expired(struct cli *c, int argc, char **argv)
{
	return argc ? cli_usage(c, "expired takes no arguments") : expiring(c, 1);
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

struct counted {
	int64_t item;
	char gtin[15], lot[21]; /* the first barcode scanned names it */
	int64_t qty;
};

static int scan_line(struct cli *c, const char *mode, const struct crm_scan *s, int64_t qty,
		     struct counted **counts, size_t *n)
{
	struct crm_stock_in in = { .item = s->gtin, .lot = s->lot[0] ? s->lot : NULL,
				   .warehouse = c->opt[O_WAREHOUSE], .doc = c->opt[O_REF],
				   .expires = s->expiry[0] ? s->expiry : NULL,
				   .produced = s->produced[0] ? s->produced : NULL };
	char q[32];
	size_t i;

	if (!strcmp(mode, "pick"))
		return crm_stock_pick_scan(c->db, c->opt[O_REF], s, qty, cli_row, c);
	if (!strcmp(mode, "receive")) {
		crm_qty_format(qty, q);
		in.qty = q;
		return crm_stock_receive(c->db, &in, 0, cli_row, c);
	}
	int64_t item;
	int rc;

	/* count: add up per item (whichever of its barcodes) and lot; apply at the end */
	if ((rc = crm_item_find(c->db, s->gtin, &item)))
		return rc;
	for (i = 0; i < *n; i++)
		if ((*counts)[i].item == item && !strcmp((*counts)[i].lot, s->lot))
			break;
	if (i == *n) {
		struct counted *more = realloc(*counts, (*n + 1) * sizeof **counts);

		if (!more)
			return crm_error_set(CRM_SOFTWARE, "out of memory");
		*counts = more;
		memset(&more[i], 0, sizeof more[i]);
		more[i].item = item;
		memcpy(more[i].gtin, s->gtin, sizeof more[i].gtin);
		memcpy(more[i].lot, s->lot, sizeof more[i].lot);
		(*n)++;
	}
	(*counts)[i].qty += qty;
	return CRM_OK;
}

static int apply_counts(struct cli *c, struct counted *counts, size_t n)
{
	struct crm_stock_in in;
	char q[32];
	size_t i;
	int rc = CRM_OK, r;

	for (i = 0; i < n; i++) {
		memset(&in, 0, sizeof in);
		in.item = counts[i].gtin;
		in.lot = counts[i].lot[0] ? counts[i].lot : NULL;
		in.warehouse = c->opt[O_WAREHOUSE];
		in.reason = "inventory count by scanner";
		in.doc = c->opt[O_REF];
		crm_qty_format(counts[i].qty, q);
		in.qty = q;
		if ((r = crm_db_begin(c->db)) == CRM_OK)
			r = crm_db_end(c->db, crm_stock_adjust(c->db, &in, cli_row, c), c->dry_run);
		if (r) {
			fprintf(stderr, "%s: count of %s lot %s: %s\n", c->prog, counts[i].gtin,
				in.lot ? in.lot : "-", crm_error_message());
			rc = rc ? rc : r;
		}
	}
	return rc;
}

/* One scan: parsed, then booked in a transaction of its own (counts are
 * only added up here). */
static int one_scan(struct cli *c, const char *mode, const char *text, int64_t qty,
		    struct counted **counts, size_t *n)
{
	struct crm_scan s;
	int rc;

	if ((rc = crm_scan_parse(text, &s)))
		return rc;
	if (!s.gtin[0])
		return crm_error_set(CRM_DATAERR, "no GTIN in the scan");
	if (s.count)
		qty = s.count * 1000;
	if (!strcmp(mode, "count"))
		return scan_line(c, mode, &s, qty, counts, n);
	if ((rc = crm_db_begin(c->db)))
		return rc;
	return crm_db_end(c->db, scan_line(c, mode, &s, qty, counts, n), c->dry_run);
}

static int do_scan(struct cli *c, int argc, char **argv)
{
	struct counted *counts = NULL;
	char *line = NULL;
	size_t cap = 0, n = 0;
	unsigned long no = 0;
	int64_t qty = 1000;
	int rc = CRM_OK, r;
	ssize_t len;

	if (argc != 1 || (strcmp(argv[0], "receive") && strcmp(argv[0], "pick") &&
			  strcmp(argv[0], "count")))
		return cli_usage(c, "scan receive, scan pick --ref ORDER or scan count");
	if (!strcmp(argv[0], "pick") && need(c, O_REF, "scan pick needs --ref ORDER"))
		return CRM_USAGE;
	if (c->opt[O_QTY] && (r = crm_qty_parse(c->opt[O_QTY], &qty)))
		return cli_fail(c, r);
	/* A scan ends at LF, CR LF, or a CR alone (scanners on a serial line). */
	while ((len = getdelim(&line, &cap, '\n', stdin)) >= 0) {
		char *scan, *save = NULL;
		int nul = strlen(line) != (size_t)len;

		for (scan = strtok_r(line, "\r\n", &save); scan || nul; scan = strtok_r(NULL, "\r\n", &save)) {
			no++;
			r = nul ? crm_error_set(CRM_DATAERR, "a NUL byte in the scan")
				: one_scan(c, argv[0], scan, qty, &counts, &n);
			if (r) { /* said on stderr with its line; scanning goes on */
				fprintf(stderr, "%s: line %lu: %s\n", c->prog, no, crm_error_message());
				rc = rc ? rc : r;
			}
			if (nul)
				break;
		}
	}
	free(line);
	if (c->dry_run)
		fprintf(stderr, "%s: dry run: nothing was written\n", c->prog);
	if (!strcmp(argv[0], "count") && (r = apply_counts(c, counts, n)) && !rc)
		rc = r;
	free(counts);
	return rc;
}

/* ---- production and supplier orders */

static void supply_from_options(struct cli *c, struct crm_supply_in *in)
{
	memset(in, 0, sizeof *in);
	in->item = c->opt[O_ITEM];
	in->qty = c->opt[O_QTY];
	in->date = c->opt[O_PLANNED] ? c->opt[O_PLANNED] : c->opt[O_EXPECTED];
	in->ref = c->opt[O_REF];
	in->progress = c->opt[O_PROGRESS];
	in->status = c->opt[O_STATUS];
	in->lot = c->opt[O_LOT];
	in->expires = c->opt[O_EXPIRES];
	in->produced = c->opt[O_PRODUCED];
	in->warehouse = c->opt[O_WAREHOUSE];
	/* A bad id stays 0, which the library refuses by name. */
	if (c->opt[O_SUPPLIER] && cli_parse_id(c->opt[O_SUPPLIER], &in->supplier))
		in->supplier = 0;
	if (c->opt[O_ORDER] && cli_parse_id(c->opt[O_ORDER], &in->order))
		in->order = 0;
}

struct supply_op {
	const char *what;
	int64_t id;
	struct crm_supply_in in;
};

static int supply_run(struct cli *c, void *arg)
{
	struct supply_op *op = arg;

	if (!strcmp(op->what, "production add"))
		return crm_production_add(c->db, &op->in, cli_row, c);
	if (!strcmp(op->what, "production set"))
		return crm_production_set(c->db, op->id, &op->in, cli_row, c);
	if (!strcmp(op->what, "production done"))
		return crm_production_done(c->db, op->id, &op->in, cli_row, c);
	if (!strcmp(op->what, "supplier-order add"))
		return crm_supplier_order_add(c->db, &op->in, cli_row, c);
	return crm_supplier_order_receive(c->db, op->id, &op->in, cli_row, c);
}

/* "VERB ID" or "VERB" alone, for production and supplier-order. */
static int supply_verb(struct cli *c, const char *noun, int argc, char **argv,
		       const char *with_id, const char *without_id)
{
	struct supply_op op;
	char what[64];
	int rc;

	if (argc < 1)
		return cli_usage(c, "%s needs a verb", noun);
	snprintf(what, sizeof what, "%s %s", noun, argv[0]);
	op.what = what;
	op.id = 0;
	supply_from_options(c, &op.in);
	if (strstr(with_id, argv[0]) && argc == 2) {
		if ((rc = cli_parse_id(argv[1], &op.id)))
			return cli_fail(c, CRM_USAGE);
	} else if (!strstr(without_id, argv[0]) || argc != 1) {
		return cli_usage(c, "see the usage of %s", noun);
	}
	return cli_once(c, supply_run, &op);
}

static int do_production(struct cli *c, int argc, char **argv)
{
	int rc;

	if (argc == 1 && !strcmp(argv[0], "list")) {
		c->notxn = 1;
		rc = crm_production_list(c->db, c->opt[O_STATUS], cli_row, c);
		return rc == CRM_NOMATCH ? rc : cli_fail(c, rc);
	}
	return supply_verb(c, "production", argc, argv, " set done ", " add ");
}

static int do_supplier_order(struct cli *c, int argc, char **argv)
{
	int rc;

	if (argc == 1 && !strcmp(argv[0], "list")) {
		c->notxn = 1;
		rc = crm_supplier_order_list(c->db, c->opt[O_STATUS], cli_row, c);
		return rc == CRM_NOMATCH ? rc : cli_fail(c, rc);
	}
	return supply_verb(c, "supplier-order", argc, argv, " receive ", " add ");
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
					O_TRACKED, O_BARCODE },
	  "crm-stock item add CODE --name N [--unit U] [--price P] [--supply stock|make|buy]\n"
	  "          [--certifiable yes|no] [--shelf-life DAYS] [--lot-tracked yes|no]\n"
	  "          [--barcode B[,B...]]\n"
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
