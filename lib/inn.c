/*
 * inn.c: the Russian tax numbers of a party. An INN is 10 digits for an
 * organisation or 12 for a person or sole trader, and ends in check digits
 * (weighted sums modulo 11, modulo 10); a KPP, an organisation's reason
 * code, is 9 characters: 4 digits (the tax office), 2 digits or capital
 * Latin letters (the reason), 3 digits (a serial number). Bank details: a
 * BIK is 9 digits; a settlement and a correspondent account are 20 digits
 * whose control digit (the ninth) is checked against the BIK, as the Bank
 * of Russia prescribes: with the BIK's last three digits in front (for a
 * correspondent account, "0" and its fifth and sixth), the digits weighted
 * 7, 1, 3 in turn sum to a multiple of 10.
 */
#include <string.h>

#include "crm.h"

/* The check digit of the n digits at d under the weights w. */
static int check_digit(const char *d, const int *w, size_t n)
{
	long sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += (long)(d[i] - '0') * w[i];
	return (int)(sum % 11 % 10);
}

int crm_inn_check(const char *inn)
{
	static const int w10[] = { 2, 4, 10, 3, 5, 9, 4, 6, 8 };
	static const int w11[] = { 7, 2, 4, 10, 3, 5, 9, 4, 6, 8 };
	static const int w12[] = { 3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8 };
	size_t n = strspn(inn, "0123456789");

	if (inn[n] || (n != 10 && n != 12))
		return crm_error_set(CRM_DATAERR,
				     "bad INN \"%s\": expected 10 digits (an organisation) or 12 (a "
				     "person)", inn);
	if (n == 10 ? check_digit(inn, w10, 9) != inn[9] - '0'
		    : check_digit(inn, w11, 10) != inn[10] - '0' ||
			      check_digit(inn, w12, 11) != inn[11] - '0')
		return crm_error_set(CRM_DATAERR, "bad INN \"%s\": the check digit%s do%s not match "
				     "(a digit mistyped?)", inn, n == 10 ? "" : "s",
				     n == 10 ? "es" : "");
	return CRM_OK;
}

int crm_kpp_check(const char *kpp)
{
	static const char digits[] = "0123456789", reason[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

	if (strlen(kpp) != 9 || strspn(kpp, digits) < 4 || strspn(kpp + 4, reason) < 2 ||
	    strspn(kpp + 6, digits) != 3)
		return crm_error_set(CRM_DATAERR,
				     "bad KPP \"%s\": expected 9 characters, 4 digits, 2 digits or "
				     "capital Latin letters, 3 digits (such as 770101001)", kpp);
	return CRM_OK;
}

int crm_bik_check(const char *bik)
{
	if (strlen(bik) != 9 || strspn(bik, "0123456789") != 9)
		return crm_error_set(CRM_DATAERR, "bad BIK \"%s\": expected 9 digits (such as 044525225)",
				     bik);
	return CRM_OK;
}

/* Weighted 7, 1, 3 over the three-digit key and the 20-digit account. */
static int account_key_ok(const char key[3], const char *account)
{
	static const int w[3] = { 7, 1, 3 };
	long sum = 0;
	int i;

	for (i = 0; i < 3; i++)
		sum += (key[i] - '0') * w[i % 3];
	for (i = 0; i < 20; i++)
		sum += (account[i] - '0') * w[(i + 3) % 3];
	return sum % 10 == 0;
}

static int account_check(const char *what, const char *account, const char *bik, int corr)
{
	char key[3];

	if (strlen(account) != 20 || strspn(account, "0123456789") != 20)
		return crm_error_set(CRM_DATAERR, "bad %s \"%s\": expected 20 digits", what, account);
	if (!bik || crm_bik_check(bik) != CRM_OK)
		return CRM_OK; /* checked against the BIK once there is one */
	if (corr)
		key[0] = '0', key[1] = bik[4], key[2] = bik[5];
	else
		memcpy(key, bik + 6, 3);
	if (!account_key_ok(key, account))
		return crm_error_set(CRM_DATAERR, "bad %s \"%s\": its control digit does not match "
				     "BIK %s (a digit mistyped?)", what, account, bik);
	return CRM_OK;
}

int crm_account_check(const char *account, const char *bik)
{
	return account_check("account", account, bik, 0);
}

int crm_corr_account_check(const char *account, const char *bik)
{
	return account_check("correspondent account", account, bik, 1);
}
