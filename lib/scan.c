/*
 * scan.c: what a barcode scanner types, booked in the stock ledger
 * (crm-stock scan). One scan a line, read by gs1.c; each scan is booked in
 * a transaction of its own, so a bad scan costs only itself and the
 * storekeeper scans on. Receiving books each scan as a receipt, picking
 * adds it to what is picked of an order, and counting adds the scans up
 * per item and lot and books each sum as an inventory count at the end.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "crm-private.h"

/* A sum of a count: one item (whichever of its barcodes) and lot. */
struct counted {
	int64_t item;
	char gtin[15], lot[21]; /* the first barcode scanned names it */
	int64_t qty;
};

struct scanning {
	struct crm_db *db;
	const struct crm_stock_scan_opts *o;
	crm_row_fn *fn;
	void *arg;
	int64_t qty;            /* what a scan without a (37) count stands for */
	struct counted *counts; /* a count's sums, booked at the end */
	size_t n;
	int rc;                 /* the first failure */
};

/* Book one scan of qty (thousandths). */
typedef int book_fn(struct scanning *sc, const struct crm_scan *s, int64_t qty);

/* A failure is said through o->failed and scanning goes on; the first
 * one's status is what the run returns. */
static void failed(struct scanning *sc, int rc)
{
	if (!sc->rc)
		sc->rc = rc;
	if (sc->o->failed)
		sc->o->failed(sc->o->failed_arg, rc);
}

static int receive_one(struct scanning *sc, const struct crm_scan *s, int64_t qty)
{
	struct crm_stock_in in = { .item = s->gtin, .lot = s->lot[0] ? s->lot : NULL,
				   .warehouse = sc->o->warehouse, .doc = sc->o->ref,
				   .expires = s->expiry[0] ? s->expiry : NULL,
				   .produced = s->produced[0] ? s->produced : NULL };
	char q[32];
	int rc;

	crm_qty_format(qty, q);
	in.qty = q;
	if ((rc = crm_db_begin(sc->db)))
		return rc;
	return crm_db_end(sc->db, crm_stock_receive(sc->db, &in, sc->fn, sc->arg), sc->o->dry_run);
}

static int pick_one(struct scanning *sc, const struct crm_scan *s, int64_t qty)
{
	int rc;

	if ((rc = crm_db_begin(sc->db)))
		return rc;
	return crm_db_end(sc->db, crm_stock_pick_scan(sc->db, sc->o->ref, s, qty, sc->fn, sc->arg),
			  sc->o->dry_run);
}

/* A count's scan is only added up (the item checked as it comes). */
static int count_one(struct scanning *sc, const struct crm_scan *s, int64_t qty)
{
	struct counted *more;
	int64_t item;
	size_t i;
	int rc;

	if ((rc = crm_item_find(sc->db, s->gtin, &item)))
		return rc;
	for (i = 0; i < sc->n; i++)
		if (sc->counts[i].item == item && !strcmp(sc->counts[i].lot, s->lot))
			break;
	if (i == sc->n) {
		if (!(more = realloc(sc->counts, (sc->n + 1) * sizeof *more)))
			return crm_error_set(CRM_SOFTWARE, "out of memory");
		sc->counts = more;
		memset(&more[i], 0, sizeof more[i]);
		more[i].item = item;
		memcpy(more[i].gtin, s->gtin, sizeof more[i].gtin);
		memcpy(more[i].lot, s->lot, sizeof more[i].lot);
		sc->n++;
	}
	sc->counts[i].qty += qty;
	return CRM_OK;
}

/* Each sum of a count as an adjustment, in a transaction of its own. */
static void book_counts(struct scanning *sc)
{
	struct crm_stock_in in;
	char q[32];
	size_t i;
	int rc;

	for (i = 0; i < sc->n; i++) {
		memset(&in, 0, sizeof in);
		in.item = sc->counts[i].gtin;
		in.lot = sc->counts[i].lot[0] ? sc->counts[i].lot : NULL;
		in.warehouse = sc->o->warehouse;
		in.reason = "inventory count by scanner";
		in.doc = sc->o->ref;
		crm_qty_format(sc->counts[i].qty, q);
		in.qty = q;
		if ((rc = crm_db_begin(sc->db)) == CRM_OK)
			rc = crm_db_end(sc->db, crm_stock_adjust(sc->db, &in, sc->fn, sc->arg),
					sc->o->dry_run);
		if (rc) {
			crm_error_prefix("count of %s lot %s", sc->counts[i].gtin, in.lot ? in.lot : "-");
			failed(sc, rc);
		}
	}
}

static int one_scan(struct scanning *sc, const char *text, book_fn *book)
{
	struct crm_scan s;
	int64_t qty = sc->qty;
	int rc;

	if ((rc = crm_scan_parse(text, &s)))
		return rc;
	if (!s.gtin[0])
		return crm_error_set(CRM_DATAERR, "no GTIN in the scan");
	if (s.count)
		qty = s.count * 1000; /* (37) counts units; quantities are thousandths */
	return book(sc, &s, qty);
}

/* Every scan of in, each to book; a failure names its line. A scan ends
 * at LF, CR LF, or a CR alone (scanners on a serial line). */
static void read_scans(struct scanning *sc, FILE *in, book_fn *book)
{
	unsigned long no = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc;

	while ((len = getdelim(&line, &cap, '\n', in)) >= 0) {
		char *scan, *save = NULL;
		int nul = strlen(line) != (size_t)len;

		for (scan = strtok_r(line, "\r\n", &save); scan || nul; scan = strtok_r(NULL, "\r\n", &save)) {
			no++;
			rc = nul ? crm_error_set(CRM_DATAERR, "a NUL byte in the scan")
				 : one_scan(sc, scan, book);
			if (rc) {
				crm_error_prefix("line %lu", no);
				failed(sc, rc);
			}
			if (nul)
				break;
		}
	}
	free(line);
}

/* A run of scans; fails (said through o->failed) on a bad o->qty. */
static int scan_start(struct scanning *sc, struct crm_db *db, const struct crm_stock_scan_opts *o,
		      crm_row_fn *fn, void *arg)
{
	int rc;

	memset(sc, 0, sizeof *sc);
	sc->db = db, sc->o = o, sc->fn = fn, sc->arg = arg;
	sc->qty = 1000; /* one unit */
	if (o->qty && (rc = crm_qty_parse(o->qty, &sc->qty)))
		failed(sc, rc);
	return sc->rc;
}

static int scan_each(struct crm_db *db, FILE *in, const struct crm_stock_scan_opts *o,
		     book_fn *book, crm_row_fn *fn, void *arg)
{
	struct scanning sc;

	if (scan_start(&sc, db, o, fn, arg) == CRM_OK)
		read_scans(&sc, in, book);
	return sc.rc;
}

int crm_stock_scan_receive(struct crm_db *db, FILE *in, const struct crm_stock_scan_opts *o,
			   crm_row_fn *fn, void *arg)
{
	return scan_each(db, in, o, receive_one, fn, arg);
}

int crm_stock_scan_pick(struct crm_db *db, FILE *in, const struct crm_stock_scan_opts *o,
			crm_row_fn *fn, void *arg)
{
	return scan_each(db, in, o, pick_one, fn, arg);
}

int crm_stock_scan_count(struct crm_db *db, FILE *in, const struct crm_stock_scan_opts *o,
			 crm_row_fn *fn, void *arg)
{
	struct scanning sc;

	if (scan_start(&sc, db, o, fn, arg) == CRM_OK) {
		read_scans(&sc, in, count_one);
		book_counts(&sc);
	}
	free(sc.counts);
	return sc.rc;
}
