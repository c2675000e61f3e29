/*
 * test-phone.c: unit tests for phone.c: every spelling of a Russian number
 * that managers and web forms produce, extensions, other countries, and the
 * junk that must be refused with a message naming the raw value.
 */
#include <stdio.h>
#include <string.h>

#include "crm.h"
#include "tap.h"

/* raw fit for a test name: one line, control characters escaped. */
static const char *show(const char *raw)
{
	static char buf[512];
	size_t i = 0;

	if (!raw)
		return "(null)";
	for (; *raw && i + 5 < sizeof buf; raw++) {
		if ((unsigned char)*raw < 0x20)
			i += snprintf(buf + i, sizeof buf - i, "\\x%02x", *raw);
		else
			buf[i++] = *raw;
	}
	buf[i] = '\0';
	return buf;
}

/* raw with country gives e164 and ext; tail10 is checked too. */
static void good(const char *raw, const char *country, const char *e164,
		 const char *ext)
{
	struct crm_phone p;
	char name[256];
	size_t n = strlen(e164) - 1;
	int rc;

	memset(&p, 'x', sizeof p); /* garbage the function must overwrite */
	rc = crm_phone_normalize(raw, country, &p);
	snprintf(name, sizeof name, "\"%s\" (%s) is accepted", show(raw), country);
	tap_ok(rc == 0, name);
	if (rc != 0)
		printf("# %s\n", crm_error_message());
	snprintf(name, sizeof name, "\"%s\" (%s) gives %s", show(raw), country, e164);
	tap_is(rc == 0 ? p.e164 : NULL, e164, name);
	snprintf(name, sizeof name, "\"%s\" (%s) has extension \"%s\"",
		 show(raw), country, ext);
	tap_is(rc == 0 ? p.ext : NULL, ext, name);
	snprintf(name, sizeof name, "\"%s\" (%s) has tail10 %s", show(raw), country,
		 e164 + 1 + (n > 10 ? n - 10 : 0));
	tap_is(rc == 0 ? p.tail10 : NULL, e164 + 1 + (n > 10 ? n - 10 : 0), name);
}

/* raw with country fails with status and exactly message. */
static void bad(const char *raw, const char *country, int status,
		const char *message)
{
	struct crm_phone p;
	char name[256];
	int rc;

	memset(&p, 'x', sizeof p);
	rc = crm_phone_normalize(raw, country, &p);
	snprintf(name, sizeof name, "\"%s\" (%s) is refused with status %d",
		 show(raw), country ? country : "(null)", status);
	tap_ok(rc == status, name);
	snprintf(name, sizeof name, "\"%s\" (%s): message", show(raw),
		 country ? country : "(null)");
	tap_is(crm_error_message(), message, name);
	snprintf(name, sizeof name, "\"%s\" (%s): out is cleared",
		 show(raw), country ? country : "(null)");
	tap_ok(p.e164[0] == '\0' && p.tail10[0] == '\0' && p.ext[0] == '\0',
	       name);
}

static void test_russian(void)
{
	const char *e = "+74951234567";

	good("8 (495) 123-45-67", "7", e, "");
	good("+7 495 1234567", "7", e, "");
	good("84951234567", "7", e, "");
	good("74951234567", "7", e, "");
	good("4951234567", "7", e, "");
	good("8-495-123-45-67", "7", e, "");
	good("+7(495)123 45 67", "7", e, "");
	good("+74951234567", "7", e, "");
	good("8.495.123.45.67", "7", e, "");
	good("8/495/123-45-67", "7", e, "");
	good("  8 495 123 45 67\t\n", "7", e, "");
	good("8\xc2\xa0" "495\xc2\xa0" "123\xc2\xa0" "45\xc2\xa0" "67", "7", e, "");
	good("\xc2\xa0+7\xe2\x80\xaf" "495\xe2\x80\x89" "123\xe2\x80\x93"
	     "45\xe2\x80\x94" "67\xc2\xa0", "7", e, "");
	good("+7 (495) 123\xe2\x88\x92" "45\xe2\x88\x92" "67", "7", e, "");
	good("\xef\xbb\xbf" "8 495 123 45 67", "7", e, "");
	good("8 800 555-35-35", "7", "+78005553535", "");
	good("8 (916) 000-00-01", "7", "+79160000001", "");
	good("810 375 29 123-45-67", "7", "+375291234567", "");
	good("8-10-49-30-1234567", "7", "+49301234567", "");
	good("00 49 30 1234567", "7", "+49301234567", "");
	good("+375 29 123 45 67", "7", "+375291234567", "");
	good("375291234567", "7", "+375291234567", "");
}

static void test_extensions(void)
{
	const char *e = "+74951234567";

	good("8 495 123 45 67 доб. 123", "7", e, "123");
	good("+7 495 123-45-67 ext 12", "7", e, "12");
	good("+7 495 123-45-67 ext. 12", "7", e, "12");
	good("+7 495 123-45-67 x12", "7", e, "12");
	good("+7 495 123-45-67 #12", "7", e, "12");
	good("+7 495 123-45-67 доб 12", "7", e, "12");
	good("+7 495 123-45-67 вн. 12", "7", e, "12");
	good("+7 495 123-45-67 EXT. 12", "7", e, "12");
	good("+7 495 123-45-67 X 12", "7", e, "12");
	good("8 495 123 45 67 ДОБ. 123", "7", e, "123");
	good("8 495 123 45 67 Доб.123", "7", e, "123");
	good("8 495 123 45 67 ВН 5", "7", e, "5");
	good("84951234567доб.123", "7", e, "123");
	good("8 495 123 45 67 доб.\xc2\xa0" "123\xc2\xa0", "7", e, "123");
	good("8 495 123 45 67 x 123456789012345", "7", e, "123456789012345");
}

static void test_other_countries(void)
{
	good("030 1234567", "49", "+49301234567", "");
	good("0049 30 1234567", "49", "+49301234567", "");
	good("+49 (30) 1234567", "49", "+49301234567", "");
	good("49301234567", "49", "+49301234567", "");
	good("044 123 45 67", "380", "+380441234567", "");
	good("(0)44 123 45 67", "380", "+380441234567", "");
	good("+7 495 123 45 67", "380", "+74951234567", "");
	good("74951234567", "380", "+74951234567", "");
	/* a national number without a trunk prefix, as in the US */
	good("212 555 1234", "1", "+12125551234", "");
	good("1 212 555 1234", "1", "+12125551234", "");
	good("020 7946 0018 ext 7", "44", "+442079460018", "7");
	/* shortest and longest numbers */
	good("+1234 5678", "7", "+12345678", "");
	good("+123456789012345", "7", "+123456789012345", "");
}

static void test_junk(void)
{
	bad("abc", "7", CRM_DATAERR,
	    "bad phone \"abc\": letters in a phone number");
	bad("", "7", CRM_DATAERR, "bad phone \"\": empty");
	bad(NULL, "7", CRM_DATAERR, "bad phone \"\": empty");
	bad(" \t ", "7", CRM_DATAERR, "bad phone \" \t \": empty");
	bad("123", "7", CRM_DATAERR, "bad phone \"123\": too short (3 digits)");
	bad("5", "7", CRM_DATAERR, "bad phone \"5\": too short (1 digit)");
	/* the count is of the digits given, not with the country code added */
	bad("123", "49", CRM_DATAERR, "bad phone \"123\": too short (3 digits)");
	bad("1234567", "49", CRM_DATAERR,
	    "bad phone \"1234567\": too short (7 digits)");
	bad("123-45-67", "7", CRM_DATAERR,
	    "bad phone \"123-45-67\": too short (7 digits)");
	bad("495 123 45 6", "7", CRM_DATAERR,
	    "bad phone \"495 123 45 6\": too short (9 digits)");
	bad("8 495 123 45 67 8", "7", CRM_DATAERR,
	    "bad phone \"8 495 123 45 67 8\": too long (12 digits)");
	bad("7 495 123 45 67 8", "7", CRM_DATAERR,
	    "bad phone \"7 495 123 45 67 8\": too long (12 digits)");
	bad("+1234567890123456", "7", CRM_DATAERR,
	    "bad phone \"+1234567890123456\": too long (16 digits)");
	bad("12345678901234567890123456789012345678901234567890", "7",
	    CRM_DATAERR,
	    "bad phone \"12345678901234567890123456789012345678901234567890\": "
	    "too long (50 digits)");
	bad("+7 123", "7", CRM_DATAERR, "bad phone \"+7 123\": too short (4 digits)");
	bad("00 123 4567", "7", CRM_DATAERR,
	    "bad phone \"00 123 4567\": too short (7 digits)");
	bad("8 495 CALL-NOW", "7", CRM_DATAERR,
	    "bad phone \"8 495 CALL-NOW\": letters in a phone number");
	bad("8 495 123 45 67 Иван", "7", CRM_DATAERR,
	    "bad phone \"8 495 123 45 67 Иван\": letters in a phone number");
	bad("8 495 123 45 67 доб. 12 Иван", "7", CRM_DATAERR,
	    "bad phone \"8 495 123 45 67 доб. 12 Иван\": letters in a phone number");
	bad("8 495 123 45 67; 8 495 765 43 21", "7", CRM_DATAERR,
	    "bad phone \"8 495 123 45 67; 8 495 765 43 21\": unexpected \";\"");
	bad("8 495 123*45*67", "7", CRM_DATAERR,
	    "bad phone \"8 495 123*45*67\": unexpected \"*\"");
	bad("8 495 123 45 67 \xe2\x98\x8e", "7", CRM_DATAERR,
	    "bad phone \"8 495 123 45 67 \xe2\x98\x8e\": unexpected \"\xe2\x98\x8e\"");
	bad("8 495\x01 123 45 67", "7", CRM_DATAERR,
	    "bad phone \"8 495\x01 123 45 67\": control character 0x01");
	bad("8 495 123 45 67 \xd0", "7", CRM_DATAERR,
	    "bad phone \"8 495 123 45 67 \xd0\": not valid UTF-8");
	bad("8 495 +123 45 67", "7", CRM_DATAERR,
	    "bad phone \"8 495 +123 45 67\": \"+\" in the middle");
	bad("++7 495 123 45 67", "7", CRM_DATAERR,
	    "bad phone \"++7 495 123 45 67\": \"+\" in the middle");
	bad("\xc2\xa0 \xc2\xa0", "7", CRM_DATAERR,
	    "bad phone \"\xc2\xa0 \xc2\xa0\": empty");
	bad("+", "7", CRM_DATAERR, "bad phone \"+\": no digits");
	bad("(-)", "7", CRM_DATAERR, "bad phone \"(-)\": no digits");
	bad("доб. 123", "7", CRM_DATAERR,
	    "bad phone \"доб. 123\": letters in a phone number");
	bad("#12", "7", CRM_DATAERR, "bad phone \"#12\": unexpected \"#\"");
	bad("8 495 123 45 67 доб.", "7", CRM_DATAERR,
	    "bad phone \"8 495 123 45 67 доб.\": no digits in the extension");
	bad("8 495 123 45 67 x 1234567890123456", "7", CRM_DATAERR,
	    "bad phone \"8 495 123 45 67 x 1234567890123456\": "
	    "extension too long (16 digits)");
	bad("8 495 123 45 67 x 1 # 2", "7", CRM_DATAERR,
	    "bad phone \"8 495 123 45 67 x 1 # 2\": unexpected \"#\"");
	bad("+0 495 123 45 67", "7", CRM_DATAERR,
	    "bad phone \"+0 495 123 45 67\": no country code starts with 0");
	bad("000 495 123 45 67", "49", CRM_DATAERR,
	    "bad phone \"000 495 123 45 67\": no country code starts with 0");
}

static void test_long_raw(void)
{
	char raw[300], want[400];

	/* a long value is quoted shortened, never split inside a character */
	memset(raw, 0, sizeof raw);
	strcpy(raw, "a");
	while (strlen(raw) + 2 < sizeof raw)
		strcat(raw, "ж");
	snprintf(want, sizeof want,
		 "bad phone \"%.79s...\": letters in a phone number", raw);
	bad(raw, "7", CRM_DATAERR, want);
}

static void test_country(void)
{
	bad("84951234567", "", CRM_CONFIG,
	    "bad country calling code \"\": not 1 to 3 digits");
	bad("84951234567", NULL, CRM_CONFIG,
	    "bad country calling code \"\": not 1 to 3 digits");
	bad("84951234567", "1234", CRM_CONFIG,
	    "bad country calling code \"1234\": not 1 to 3 digits");
	bad("84951234567", "+7", CRM_CONFIG,
	    "bad country calling code \"+7\": not 1 to 3 digits");
	bad("84951234567", "7a", CRM_CONFIG,
	    "bad country calling code \"7a\": not 1 to 3 digits");
	bad("84951234567", "07", CRM_CONFIG,
	    "bad country calling code \"07\": not 1 to 3 digits");
	good("84951234567", "7", "+74951234567", "");
	good("0 30 1234567", "1", "+1301234567", "");
	good("0 30 1234567", "998", "+998301234567", "");
}

int main(void)
{
	test_russian();
	test_extensions();
	test_other_countries();
	test_junk();
	test_long_raw();
	test_country();
	return tap_done();
}
