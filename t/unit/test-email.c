/*
 * test-email.c: unit tests for email.c: the wrappings addresses come in
 * (mailto:, angle brackets, a display name, stray spaces), lower-casing,
 * and the malformed addresses that must be refused with the raw value in
 * the message.
 */
#include <stdio.h>
#include <stdlib.h>
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

static void good(const char *raw, const char *want)
{
	char name[512], *out = (char *)"junk";
	int rc;

	rc = crm_email_normalize(raw, &out);
	snprintf(name, sizeof name, "\"%s\" is accepted", show(raw));
	tap_ok(rc == 0, name);
	if (rc != 0)
		printf("# %s\n", crm_error_message());
	snprintf(name, sizeof name, "\"%s\" gives %s", show(raw), want);
	tap_is(rc == 0 ? out : NULL, want, name);
	if (rc == 0)
		free(out);
}

/* raw is refused with CRM_DATAERR and the message `bad e-mail "raw": why`. */
static void bad(const char *raw, const char *why)
{
	char name[512], want[1024], *out = (char *)"junk";
	int rc;

	rc = crm_email_normalize(raw, &out);
	snprintf(name, sizeof name, "\"%s\" is refused", show(raw));
	tap_ok(rc == CRM_DATAERR, name);
	snprintf(name, sizeof name, "\"%s\": out is NULL", show(raw));
	tap_ok(out == NULL, name);
	/* a long value is quoted by its first 80 bytes (all ASCII here) */
	if (raw && strlen(raw) > 80)
		snprintf(want, sizeof want, "bad e-mail \"%.80s...\": %s", raw, why);
	else
		snprintf(want, sizeof want, "bad e-mail \"%s\": %s", raw ? raw : "",
			 why);
	snprintf(name, sizeof name, "\"%s\": message says %s", show(raw), why);
	tap_is(crm_error_message(), want, name);
	if (rc == 0)
		free(out);
}

static void test_spellings(void)
{
	good("ivan@example.ru", "ivan@example.ru");
	good("Ivan.Petrov@Example.RU", "ivan.petrov@example.ru");
	good("  ivan@example.ru \t\n", "ivan@example.ru");
	good("\xc2\xa0ivan@example.ru\xc2\xa0", "ivan@example.ru");
	good("mailto:ivan@example.ru", "ivan@example.ru");
	good("MAILTO:Ivan@Example.ru", "ivan@example.ru");
	good("MailTo:ivan@example.ru?subject=Hello", "ivan@example.ru");
	good("<ivan@example.ru>", "ivan@example.ru");
	good("<mailto:ivan@example.ru>", "ivan@example.ru");
	good("<mailto:Ivan@Example.ru?subject=Hi>", "ivan@example.ru");
	good("  <ivan@example.ru>  ", "ivan@example.ru");
	good("Ivan Petrov <Ivan@Example.ru>", "ivan@example.ru");
	good("\"Petrov, Ivan\" <ivan@example.ru>", "ivan@example.ru");
	good("Иван Петров <ivan@example.ru>", "ivan@example.ru");
	good("\"a<b\" <ivan@example.ru>", "ivan@example.ru");
	good("first.last+crm@sub.example.co.uk", "first.last+crm@sub.example.co.uk");
	good("o'brien_1-2@x-y.example.com", "o'brien_1-2@x-y.example.com");
	good("a@b.cd", "a@b.cd");
	good("ivan@почта.рф", "ivan@почта.рф");
	good("ivan@xn--80a1acny.xn--p1ai", "ivan@xn--80a1acny.xn--p1ai");
	good("ivan@123.example.ru", "ivan@123.example.ru");
	good("ivan@example.r2", "ivan@example.r2");
}

static void test_limits(void)
{
	char local[80], label[80], raw[400], want[400], *out;

	memset(local, 'a', 64);
	local[64] = '\0';
	snprintf(raw, sizeof raw, "%s@example.ru", local);
	good(raw, raw);
	snprintf(raw, sizeof raw, "%sa@example.ru", local);
	bad(raw, "local part too long (65 bytes, at most 64)");

	memset(label, 'b', 63);
	label[63] = '\0';
	snprintf(raw, sizeof raw, "ivan@%s.ru", label);
	good(raw, raw);
	snprintf(raw, sizeof raw, "ivan@%sb.ru", label);
	bad(raw, "domain label too long (64 bytes, at most 63)");

	/* 64 + 1 + 3 * (63 + 1) + 2 = 259 bytes, every part within its limit */
	snprintf(raw, sizeof raw, "%s@%s.%s.%s.ru", local, label, label, label);
	bad(raw, "too long (259 bytes, at most 254)");
	/* 64 + 1 + 2 * (63 + 1) + 58 + 1 + 2 = 254 bytes: just fits */
	snprintf(raw, sizeof raw, "%s@%s.%s.%.58s.ru", local, label, label, label);
	tap_ok(strlen(raw) == 254, "the address of 254 bytes is 254 bytes");
	good(raw, raw);
	snprintf(raw, sizeof raw, "%s@%s.%s.%.59s.ru", local, label, label, label);
	bad(raw, "too long (255 bytes, at most 254)");
	/* a long value quoted in a message is cut on a character boundary */
	memset(raw, 0, sizeof raw);
	strcpy(raw, "a");
	while (strlen(raw) + 2 < 200)
		strcat(raw, "ж");
	snprintf(want, sizeof want, "bad e-mail \"%.79s...\": no @", raw);
	crm_email_normalize(raw, &out);
	tap_is(crm_error_message(), want, "a long raw value is quoted shortened");
}

static void test_junk(void)
{
	bad("", "empty");
	bad(NULL, "empty");
	bad("  \t ", "empty");
	bad("<>", "empty");
	bad("mailto:", "empty");
	bad("ivan", "no @");
	bad("ivan.example.ru", "no @");
	bad("x@", "no domain");
	bad("@example.ru", "nothing before the @");
	bad("a@b@example.ru", "two @");
	bad("ivan@@example.ru", "two @");
	bad("ivan petrov@example.ru", "space in the address");
	bad("ivan@example .ru", "space in the address");
	bad("ivan\xc2\xa0petrov@example.ru", "space in the address");
	bad("ivan\x01@example.ru", "control character in the address");
	bad("ivan\x7f@example.ru", "control character in the address");
	bad("ivan\xff@example.ru", "not valid UTF-8");
	bad("ivan@localhost", "no dot in the domain");
	bad(".ivan@example.ru", "dot at the start");
	bad("ivan.@example.ru", "dot before the @");
	bad("ivan..petrov@example.ru", "two dots in a row before the @");
	bad("iv,an@example.ru", "\",\" before the @");
	bad("iv;an@example.ru", "\";\" before the @");
	bad("iv:an@example.ru", "\":\" before the @");
	bad("iv\"an@example.ru", "\"\"\" before the @");
	bad("iv\\an@example.ru", "\"\\\" before the @");
	bad("iv(an)@example.ru", "\"(\" before the @");
	bad("iv[an]@example.ru", "\"[\" before the @");
	bad("ivan@.example.ru", "empty label in the domain");
	bad("ivan@example..ru", "empty label in the domain");
	bad("ivan@example.ru.", "empty label in the domain");
	bad("ivan@-example.ru", "domain label starts or ends with \"-\"");
	bad("ivan@example-.ru", "domain label starts or ends with \"-\"");
	bad("ivan@exa_mple.ru", "\"_\" in the domain");
	bad("ivan@example.ru>", "unbalanced < and >");
	bad("Ivan <ivan@example.ru", "unbalanced < and >");
	bad("<ivan@example.ru> x", "unbalanced < and >");
	bad("<ivan@example.ru>>", "unbalanced < and >");
	bad("ivan@[192.168.0.1]", "\"[\" in the domain");
	bad("ivan@192.168.0.1", "top-level domain is all digits");
	bad("ivan@example.123", "top-level domain is all digits");
	bad("Иван Петров", "space in the address");
	bad("ivan@example.ru, petr@example.ru", "space in the address");
	bad("ivan@example.ru,petr@example.ru", "two @");
}

int main(void)
{
	test_spellings();
	test_limits();
	test_junk();
	return tap_done();
}
