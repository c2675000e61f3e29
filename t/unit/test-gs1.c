/*
 * test-gs1.c: unit tests of lib/gs1.c, barcodes as scanners send them:
 * check digits of EAN-8, UPC-A, EAN-13 and GTIN-14 and their GTIN-14
 * form; the GS1 scanner vectors of the corpus (the .txt with GS spelled
 * "\x1D", the .bin with real GS bytes) field by field; then expiry day 00
 * in leap and common years, GS1's 50-year window, lots too long or with
 * bad characters, GS at the end, AIs in either order, counts, the
 * human-readable "(01)..." form, unknown AIs and non-GS1 symbologies.
 * Fixtures: $CRM_SRCDIR/t/fixtures/gs1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crm.h"
#include "tap.h"

#define GS "\x1d"
#define GTIN "0109506000134352" /* (01) with GS1's own example GTIN */

static char fixdir[1024];

/* What a scan should give; error set: it should fail with that message. */
struct want {
	const char *gtin, *lot, *serial, *expiry, *produced;
	long count;
	const char *symbology, *error;
};

/* The corpus vectors as the .txt file spells them, with what they hold. */
static const struct {
	const char *vector;
	struct want w;
} corpus[] = {
	{ "]C1011231231231233310ABC123\\x1D99TESTING",
	  { "12312312312333", "ABC123", "", "", "", 0, "GS1-128", NULL } },
	{ "]C10112312312312333235XYZ",
	  { "12312312312333", "", "", "", "", 0, "GS1-128", NULL } },
	{ "]C10112312312312333235XYZ\\x1D10ABC",
	  { "12312312312333", "ABC", "", "", "", 0, "GS1-128", NULL } },
	{ "]e0011231231231233310ABC123\\x1D1199122598TESTING\\x1D97XYZ",
	  { "12312312312333", "ABC123", "", "", "1999-12-25", 0, "GS1 DataBar", NULL } },
	{ "]E02112345678900", { "02112345678900", "", "", "", "", 0, "EAN-13", NULL } },
	{ "]E02112345678901",
	  { .error = "bad check digit 1 in \"2112345678901\": expected 0" } },
	{ "]E402345673", { "00000002345673", "", "", "", "", 0, "EAN-8", NULL } },
	{ "]E402345674", { .error = "bad check digit 4 in \"02345674\": expected 3" } },
	{ "]d2011231231231233310ABC123\\x1D99TESTING",
	  { "12312312312333", "ABC123", "", "", "", 0, "GS1 DataMatrix", NULL } },
	{ "]Q3011231231231233310ABC123\\x1D99TESTING",
	  { "12312312312333", "ABC123", "", "", "", 0, "GS1 QR", NULL } },
};

#define NCORPUS (sizeof corpus / sizeof corpus[0])

/* ---- helpers */

static const char *fixture(const char *name)
{
	static char path[2048];

	snprintf(path, sizeof path, "%s/%s", fixdir, name);
	return path;
}

static const char *label(const char *what, const char *text)
{
	static char buf[512];
	char shown[256];
	size_t i, o = 0;

	/* GS would be invisible in the TAP output */
	for (i = 0; text[i] && o + 5 < sizeof shown; i++) {
		if (text[i] == '\x1d') {
			memcpy(shown + o, "<GS>", 4);
			o += 4;
		} else if (text[i] == '\r' || text[i] == '\n') {
			memcpy(shown + o, text[i] == '\r' ? "\\r" : "\\n", 2);
			o += 2;
		} else {
			shown[o++] = text[i];
		}
	}
	shown[o] = '\0';
	snprintf(buf, sizeof buf, "%s: %s", shown, what);
	return buf;
}

static void is_num(long got, long want, const char *name)
{
	tap_ok(got == want, name);
	if (got != want)
		printf("# got:  %ld\n# want: %ld\n", got, want);
}

/* "\x1D" spelled out in a vector as the byte itself. */
static void unescape(const char *s, char *out, size_t size)
{
	size_t o = 0;

	while (*s && o + 1 < size) {
		if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
			char hex[3] = { s[2], s[3], '\0' };

			out[o++] = (char)strtol(hex, NULL, 16);
			s += 4;
		} else {
			out[o++] = *s++;
		}
	}
	out[o] = '\0';
}

/* Parse text and compare every field with w (or the message with w->error). */
static void scan_is(const char *text, const struct want *w)
{
	struct crm_scan s;
	int rc;

	memset(&s, 'x', sizeof s);
	rc = crm_scan_parse(text, &s);
	if (w->error) {
		tap_ok(rc == CRM_DATAERR, label("refused as bad data", text));
		tap_is(crm_error_message(), w->error, label("message", text));
		tap_ok(s.gtin[0] == '\0' && s.symbology == NULL,
		       label("nothing left in the result", text));
		return;
	}
	tap_ok(rc == 0, label("parses", text));
	if (rc)
		printf("# %s\n", crm_error_message());
	tap_is(s.gtin, w->gtin, label("gtin", text));
	tap_is(s.lot, w->lot, label("lot", text));
	tap_is(s.serial, w->serial, label("serial", text));
	tap_is(s.expiry, w->expiry, label("expiry", text));
	tap_is(s.produced, w->produced, label("produced", text));
	is_num(s.count, w->count, label("count", text));
	tap_is(s.symbology, w->symbology, label("symbology", text));
}

/* Shorthands: a scan with only a GTIN and an expiry (or a lot), or a refusal. */
static void gtin_expiry(const char *text, const char *gtin, const char *expiry)
{
	struct want w = { gtin, "", "", expiry, "", 0, "GS1-128", NULL };

	scan_is(text, &w);
}

static void gtin_lot(const char *text, const char *sym, const char *lot)
{
	struct want w = { "09506000134352", lot, "", "", "", 0, sym, NULL };

	scan_is(text, &w);
}

static void refused(const char *text, const char *message)
{
	struct want w = { .error = message };

	scan_is(text, &w);
}

static void check_is(const char *code, const char *kind, const char *error)
{
	const char *k = NULL;
	int rc = crm_barcode_check(code, &k);

	if (error) {
		tap_ok(rc == CRM_DATAERR, label("refused", code));
		tap_is(crm_error_message(), error, label("message", code));
	} else {
		tap_ok(rc == 0, label("passes", code));
		tap_is(k, kind, label("kind", code));
	}
}

static void gtin14_is(const char *code, const char *want)
{
	char out[15] = "";

	tap_ok(crm_gtin14(code, out) == 0, label("has a GTIN-14 form", code));
	tap_is(out, want, label("as GTIN-14", code));
}

static int this_year(void)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	return tm.tm_year + 1900;
}

/* ---- check digits */

static void test_check_digits(void)
{
	const char *k = "unset";

	check_is("02345673", "EAN-8", NULL);
	check_is("036000291452", "UPC-A", NULL);
	check_is("4006381333931", "EAN-13", NULL);
	check_is("10614141000415", "GTIN-14", NULL);
	check_is("2112345678901", NULL, "bad check digit 1 in \"2112345678901\": expected 0");
	check_is("036000291453", NULL, "bad check digit 3 in \"036000291453\": expected 2");
	check_is("10614141000410", NULL, "bad check digit 0 in \"10614141000410\": expected 5");
	check_is("12345", NULL, "\"12345\": 5 digits, a barcode has 8, 12, 13 or 14");
	check_is("", NULL, "\"\": 0 digits, a barcode has 8, 12, 13 or 14");
	check_is("12a4", NULL, "\"12a4\": only digits");
	check_is("4006381333931 ", NULL, "\"4006381333931 \": only digits");
	tap_ok(crm_barcode_check("4006381333931", NULL) == 0, "a check without asking the kind");
	crm_barcode_check("12345", &k);
	tap_is(k, "unset", "a refused code leaves the kind alone");

	gtin14_is("036000291452", "00036000291452");
	gtin14_is("02345673", "00000002345673");
	gtin14_is("4006381333931", "04006381333931");
	gtin14_is("10614141000415", "10614141000415");
	tap_ok(crm_gtin14("4006381333932", (char[15]){ 0 }) == CRM_DATAERR,
	       "no GTIN-14 for a wrong check digit");
}

/* ---- the corpus */

static const struct want *corpus_want(const char *vector)
{
	size_t i;

	for (i = 0; i < NCORPUS; i++)
		if (strcmp(corpus[i].vector, vector) == 0)
			return &corpus[i].w;
	return NULL;
}

/* One line of scan-vectors.txt: VALID|INVALID, the scan, a note. */
static void corpus_line(char *line)
{
	char *scan = strchr(line, '\t'), *note, bytes[512];
	const struct want *w;

	tap_ok(scan != NULL, "a vector line has a tab");
	if (!scan)
		return;
	*scan++ = '\0';
	note = strchr(scan, '\t');
	if (note)
		*note = '\0';
	w = corpus_want(scan);
	tap_ok(w != NULL, label("the test knows what this vector holds", scan));
	if (!w)
		return;
	tap_ok(strcmp(line, w->error ? "INVALID" : "VALID") == 0,
	       label("the file and the test agree it is valid or not", scan));
	unescape(scan, bytes, sizeof bytes);
	scan_is(bytes, w);
}

static void test_corpus_txt(void)
{
	char line[1024];
	FILE *f = fopen(fixture("scan-vectors.txt"), "r");
	size_t n = 0;

	tap_ok(f != NULL, "scan-vectors.txt opens");
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		corpus_line(line);
		n++;
	}
	fclose(f);
	is_num((long)n, (long)NCORPUS, "every vector of scan-vectors.txt was read");
}

/* A line of the .bin (real GS bytes) is one of the .txt vectors. */
static const struct want *bin_want(const char *line)
{
	char bytes[512];
	size_t i;

	for (i = 0; i < NCORPUS; i++) {
		unescape(corpus[i].vector, bytes, sizeof bytes);
		if (strcmp(bytes, line) == 0)
			return &corpus[i].w;
	}
	return NULL;
}

static void test_corpus_bin(void)
{
	char line[1024];
	FILE *f = fopen(fixture("scan-vectors.bin"), "rb");
	const struct want *w;
	size_t n = 0, gs = 0;

	tap_ok(f != NULL, "scan-vectors.bin opens");
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		char bare[1024];

		n++;
		gs += strchr(line, '\x1d') != NULL;
		memcpy(bare, line, sizeof bare);
		bare[strcspn(bare, "\n")] = '\0';
		w = bin_want(bare);
		tap_ok(w != NULL, label("a .bin line is a vector of the .txt", bare));
		/* parsed with its line end, as a scanner sends it */
		if (w)
			scan_is(line, w);
	}
	fclose(f);
	is_num((long)n, 4, "scan-vectors.bin has 4 scans");
	is_num((long)gs, 3, "3 of them carry real GS bytes");
}

/* ---- plain codes */

static void test_plain_codes(void)
{
	struct want upc = { "00036000291452", "", "", "", "", 0, NULL, NULL };
	struct want upc_e0 = { "00036000291452", "", "", "", "", 0, "UPC-A", NULL };
	struct want ean13 = { "04006381333931", "", "", "", "", 0, NULL, NULL };
	struct want ean8 = { "00000002345673", "", "", "", "", 0, NULL, NULL };
	struct want gtin = { "10614141000415", "", "", "", "", 0, NULL, NULL };

	scan_is("036000291452", &upc);
	scan_is("]E00036000291452", &upc_e0);
	scan_is("]E0036000291452", &upc_e0);
	scan_is("4006381333931", &ean13);
	scan_is("02345673", &ean8);
	scan_is("10614141000415", &gtin);
	scan_is("4006381333931\r\n", &ean13);
	refused("036000291453", "bad check digit 3 in \"036000291453\": expected 2");
	refused("12345", "\"12345\": 5 digits, a barcode has 8, 12, 13 or 14");
	refused("123456789012345",
		"\"123456789012345\": 15 digits, a barcode has 8, 12, 13 or 14");
	refused("]E44006381333931", "EAN-8 scan \"4006381333931\": 13 digits, expected 8");
	refused("]E002345673", "EAN-13 scan \"02345673\": 8 digits, expected 13");
	refused("]E0400638133393X", "\"400638133393X\": only digits");
}

/* ---- GS1 element strings */

static void test_expiry_day_00(void)
{
	const char *g = "09506000134352";

	gtin_expiry("]C1" GTIN "17240200", g, "2024-02-29");
	gtin_expiry("]C1" GTIN "17250200", g, "2025-02-28");
	gtin_expiry("]C1" GTIN "17000200", g, "2000-02-29");
	gtin_expiry("]C1" GTIN "17240400", g, "2024-04-30");
	gtin_expiry("]C1" GTIN "17241200", g, "2024-12-31");
	gtin_expiry("]C1" GTIN "17240229", g, "2024-02-29");
	gtin_expiry("]C1" GTIN "17201225", g, "2020-12-25");
	refused("]C1" GTIN "17250229", "(17) \"250229\": not a date: 2025-02 has 28 days");
	refused("]C1" GTIN "17240431", "(17) \"240431\": not a date: 2024-04 has 30 days");
	refused("]C1" GTIN "17241301", "(17) \"241301\": not a date: no month 13");
	refused("]C1" GTIN "17240015", "(17) \"240015\": not a date: no month 00");
	refused("]C1" GTIN "11240230", "(11) \"240230\": not a date: 2024-02 has 29 days");
	refused("]C1" GTIN "1524A230", "(15) \"24A230\": only digits");
}

/* GS1 7.12: YY up to 49 years ahead is this century or the next, more
 * than 50 ahead is the one before, whatever year the test runs in. */
static void test_year_window(void)
{
	char text[64], want[16];
	int y = this_year(), ahead[] = { 0, 49, 50, 51, 99 }, i;

	for (i = 0; i < 5; i++) {
		int year = y + ahead[i] - (ahead[i] >= 51 ? 100 : 0);
		struct want w = { "09506000134352", "", "", "", want, 0, "GS1-128", NULL };

		snprintf(text, sizeof text, "]C1" GTIN "11%02d0315", (y + ahead[i]) % 100);
		snprintf(want, sizeof want, "%04d-03-15", year);
		scan_is(text, &w);
	}
}

static void test_lots(void)
{
	gtin_lot("]C1" GTIN "10ABCDEFGHIJKLMNOPQRST", "GS1-128", "ABCDEFGHIJKLMNOPQRST");
	refused("]C1" GTIN "10ABCDEFGHIJKLMNOPQRSTU",
		"(10) \"ABCDEFGHIJKLMNOPQRSTU\": 21 characters, at most 20");
	refused("]C1" GTIN "10AB C", "(10) \"AB C\": \" \" is not allowed in GS1 data");
	refused("]C1" GTIN "10AB#1", "(10) \"AB#1\": \"#\" is not allowed in GS1 data");
	refused("]C1" GTIN "10AB\xc3\xa9",
		"(10) \"AB\\xc3\\xa9\": \"\\xc3\" is not allowed in GS1 data");
	gtin_lot("]C1" GTIN "10!\"%&'()*+,-./:;<=>?", "GS1-128", "!\"%&'()*+,-./:;<=>?");
	refused("]C1" GTIN "10" GS "17201225", "(10) \"\": 0 characters, needs at least 1");
}

static void test_separators(void)
{
	gtin_lot("]C1" GTIN "10ABC123" GS, "GS1-128", "ABC123");
	gtin_lot("]C1" GTIN "10ABC123" GS "\r\n", "GS1-128", "ABC123");
	gtin_lot("]C1" GS GTIN "10ABC123", "GS1-128", "ABC123");
	gtin_lot(GS GTIN "10ABC123", NULL, "ABC123");
	gtin_lot("]d2" GTIN GS "10ABC123", "GS1 DataMatrix", "ABC123");
	gtin_lot(GTIN "10ABC123", NULL, "ABC123");
	gtin_lot(GTIN, NULL, "");
	refused("]C10109506000" GS "10ABC", "(01) \"09506000\": 8 characters, needs 14");
}

static void test_order(void)
{
	struct want w = { "09506000134352", "ABC123", "", "2020-12-25", "", 0, "GS1-128", NULL };

	scan_is("]C1" GTIN "17201225" "10ABC123", &w);
	scan_is("]C1" GTIN "10ABC123" GS "17201225", &w);
	scan_is("]C1" "10ABC123" GS "17201225" GTIN, &w);
	scan_is("]C1" "17201225" "10ABC123" GS GTIN, &w);
}

static void test_other_fields(void)
{
	struct want serial = { "09506000134352", "L1", "SN-0042", "", "2024-05-01", 0,
			       "GS1 DataMatrix", NULL };
	struct want pallet = { "10614141000415", "", "", "", "", 24, "GS1-128", NULL };
	struct want var = { "09506000134352", "", "", "", "", 5, "GS1-128", NULL };
	struct want both = { "10614141000415", "", "", "", "", 24, "GS1-128", NULL };
	struct want skip = { "09506000134352", "X7", "", "", "", 0, "GS1-128", NULL };

	scan_is("]d2" GTIN "11240501" "21SN-0042" GS "10L1", &serial);
	scan_is("]C1" "00106141411234567897" "0210614141000415" "3724", &pallet);
	scan_is("]C1" GTIN "305", &var);
	scan_is("]C1" "0210614141000415" "3724" GS "3099", &both);
	/* AIs the scan does not keep are checked and stepped over */
	scan_is("]C1" GTIN "3103000500" "20" "07" "400PO-17" GS "4104012345678901" "10X7",
		&skip);
	refused("]C1" "00106141411234567898", "(00): bad check digit 8 in "
		"\"106141411234567898\": expected 7");
	refused("]C1" "0109506000134353", "(01): bad check digit 3 in "
		"\"09506000134353\": expected 2");
	refused("]C1" "0210614141000410" "3724", "(02): bad check digit 0 in "
		"\"10614141000410\": expected 5");
	refused("]C1" GTIN "37" GS, "(37) \"\": 0 characters, needs at least 1");
	refused("]C1" GTIN "371X", "(37) \"1X\": only digits");
	refused("]C1" GTIN "37000", "(37) \"000\": a count of zero");
	refused("]C1" GTIN "421123", "(421) \"123\": 3 characters, needs at least 4");
	refused("]C1" GTIN "42112A45", "(421) \"12A45\": the first 3 characters must be digits");
	gtin_lot("]C1" GTIN "421250" "08540" GS "10L2", "GS1-128", "L2");
	refused("]C1" GTIN "10A" GS "10B", "(10) twice, with different values");
	gtin_lot("]C1" GTIN "10A" GS "10A", "GS1-128", "A");
	refused("]C1" GTIN "0210614141000415", "(01) and (02) in one scan");
}

static void test_human_readable(void)
{
	struct want w = { "09506000134352", "ABC123", "", "2020-12-25", "", 0, NULL, NULL };
	struct want c1 = { "09506000134352", "ABC123", "", "2020-12-25", "", 0, "GS1-128", NULL };

	scan_is("(01)09506000134352(17)201225(10)ABC123", &w);
	scan_is("(10)ABC123(17)201225(01)09506000134352\n", &w);
	scan_is("]C1(01)09506000134352(17)201225(10)ABC123", &c1);
	refused("(01)09506000134352(17)2012(10)ABC123", "(17) \"2012\": 4 characters, needs 6");
	refused("(01)0950600013435(10)A", "(01) \"0950600013435\": 13 characters, needs 14");
	refused("(01)09506000134352(0100)A", "unknown AI (0100) at character 20");
	refused("(01)09506000134352(10ABC", "no \")\" after \"(10\" at character 20");
	refused("(01)09506000134352 (10)A", "(01) \"09506000134352 \": 15 characters, needs 14");
}

static void test_refused(void)
{
	refused("hello", "\"hello\": neither an EAN/UPC code nor GS1 data");
	refused("", "empty scan");
	refused("\r\n", "empty scan");
	refused("]C1", "no GS1 data after the symbology identifier");
	refused("]C0ABC123", "\"]C0\": Code 128 without GS1 data, not a product barcode");
	refused("]d1hello", "\"]d1\": Data Matrix without GS1 data, not a product barcode");
	refused("]Q1https://example.com/",
		"\"]Q1\": QR Code without GS1 data, not a product barcode");
	refused("]X94006381333931", "unknown symbology identifier \"]X9\"");
	refused("]E", "unknown symbology identifier \"]E\"");
	refused("]C1" GTIN "2300", "unknown AI (230) at character 20");
	refused("]C1" "0509506000134352", "unknown AI (05) at character 4");
	refused("]C1" GTIN "3106000500", "unknown AI (3106) at character 20");
	refused("]C1" GTIN "3196000500", "unknown AI (3196) at character 20");
	refused("]C1" GTIN "31", "incomplete AI (31) at character 20");
	refused("]C1" GTIN "x1", "expected an AI at character 20, found \"x1\"");
	refused("]C1" GTIN "10ABC" GS "hello", "expected an AI at character 26, found \"hello\"");
	refused("0109506000134352" "10" "ABC\x01",
		"(10) \"ABC\\x01\": \"\\x01\" is not allowed in GS1 data");
}

int main(void)
{
	const char *src = getenv("CRM_SRCDIR");

	snprintf(fixdir, sizeof fixdir, "%s/t/fixtures/gs1", src ? src : ".");
	test_check_digits();
	test_corpus_txt();
	test_corpus_bin();
	test_plain_codes();
	test_expiry_day_00();
	test_year_window();
	test_lots();
	test_separators();
	test_order();
	test_other_fields();
	test_human_readable();
	test_refused();
	return tap_done();
}
