/*
 * test-inn.c: unit tests for inn.c: INNs of real organisations and a
 * person's taken, one mistyped digit of each refused, wrong lengths and
 * letters refused; KPP formats.
 */
#include <string.h>

#include "crm.h"
#include "tap.h"

static void inn(const char *s, int want, const char *name)
{
	tap_ok((crm_inn_check(s) == CRM_OK) == want, name);
}

static void kpp(const char *s, int want, const char *name)
{
	tap_ok((crm_kpp_check(s) == CRM_OK) == want, name);
}

int main(void)
{
	inn("7707083893", 1, "INN: Sberbank, 10 digits");
	inn("7736050003", 1, "INN: Gazprom, 10 digits");
	inn("7830002293", 1, "INN: 10 digits, another region");
	inn("7701234560", 1, "INN: the README's example");
	inn("500100732259", 1, "INN: a person's, 12 digits");
	inn("7701234567", 0, "INN: the README's old example has a wrong check digit");
	inn("7707083894", 0, "INN: Sberbank with its last digit mistyped");
	inn("7707038893", 0, "INN: Sberbank with two digits swapped");
	inn("500100732258", 0, "INN: 12 digits, the last check digit wrong");
	inn("500100732269", 0, "INN: 12 digits, the first check digit wrong");
	inn("770708389", 0, "INN: 9 digits");
	inn("77070838931", 0, "INN: 11 digits");
	inn("77O7083893", 0, "INN: a letter O for a zero");
	inn("7707 083893", 0, "INN: a space inside");
	inn("", 0, "INN: empty");
	crm_inn_check("7701234567");
	tap_ok(strstr(crm_error_message(), "check digit") != NULL,
	       "INN: the message says it is the check digit");
	crm_inn_check("123");
	tap_ok(strstr(crm_error_message(), "10 digits") != NULL, "INN: the message says the lengths");

	kpp("770101001", 1, "KPP: 9 digits");
	kpp("7701AB001", 1, "KPP: a reason of capital Latin letters");
	kpp("77010100", 0, "KPP: 8 characters");
	kpp("7701010011", 0, "KPP: 10 characters");
	kpp("7701ab001", 0, "KPP: small letters");
	kpp("A70101001", 0, "KPP: a letter in the tax office");
	kpp("77010100X", 0, "KPP: a letter in the serial number");
	return tap_done();
}
