/*
 * test-clock.c: unit tests of lib/clock.c: the time forms people type, the
 * ISO form we print, durations, CRM_NOW, and "a time or a duration".
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crm.h"
#include "tap.h"

#define NOW "2026-11-26T14:57:01Z"
#define NOW_T 1795705021

/* s parsed and printed again, or "error". */
static const char *iso(const char *s)
{
	static char buf[CRM_TIME_LEN];
	time_t t;

	if (crm_time_parse(s, &t) != 0)
		return "error";
	crm_time_format(t, buf);
	return buf;
}

static void test_accepted_forms(void)
{
	tap_is(iso("2026-11-26"), "2026-11-26T00:00:00Z", "a date is midnight UTC");
	tap_is(iso("2026-11-26 14:57"), "2026-11-26T14:57:00Z", "date and HH:MM");
	tap_is(iso("2026-11-26 14:57:01"), NOW, "date and HH:MM:SS with a space");
	tap_is(iso("2026-11-26T14:57:01"), NOW, "ISO without a zone is UTC");
	tap_is(iso("2026-11-26T14:57:01Z"), NOW, "ISO with Z");
	tap_is(iso("2026-11-26T14:57"), "2026-11-26T14:57:00Z", "ISO without seconds");
	tap_is(iso("2026-11-26T14:57:01.123Z"), NOW, "fractional seconds are dropped");
	tap_is(iso("2026-11-26T14:57:01.999999"), NOW,
	       "long fraction without a zone, not rounded up");
	tap_is(iso(NOW), NOW, "our own output reads back unchanged");
}

static void test_offsets(void)
{
	tap_is(iso("2026-11-26T17:57:01+03:00"), NOW, "offset +03:00 (Moscow)");
	tap_is(iso("2026-11-26T17:57:01+0300"), NOW, "offset +0300 without a colon");
	tap_is(iso("2026-11-26T09:57:01-05:00"), NOW, "negative offset -05:00");
	tap_is(iso("2026-11-26 20:27+05:30"), "2026-11-26T14:57:00Z",
	       "offset with minutes after HH:MM");
	tap_is(iso("2026-12-31T23:30:00-01:00"), "2027-01-01T00:30:00Z",
	       "an offset can move the date into the next year");
	tap_is(iso("2026-01-01T01:00:00+03:00"), "2025-12-31T22:00:00Z",
	       "an offset can move the date back a year");
	tap_is(iso("2026-11-26T14:57:01.5+03:00"), "2026-11-26T11:57:01Z",
	       "fraction then offset");
}

static void test_calendar(void)
{
	tap_is(iso("2024-02-29"), "2024-02-29T00:00:00Z", "leap day of a leap year");
	tap_is(iso("2000-02-29"), "2000-02-29T00:00:00Z", "2000 was a leap year");
	tap_is(iso("2023-02-29"), "error", "no 29 February in 2023");
	tap_is(iso("1900-02-29"), "error", "1900 was not a leap year");
	tap_is(iso("2026-04-31"), "error", "April has 30 days");
	tap_is(iso("2026-12-31"), "2026-12-31T00:00:00Z", "31 December");
	tap_is(iso("2026-13-01"), "error", "month 13");
	tap_is(iso("2026-00-10"), "error", "month 0");
	tap_is(iso("2026-11-00"), "error", "day 0");
	tap_is(iso("2026-11-26T24:00"), "error", "hour 24");
	tap_is(iso("2026-11-26T23:60"), "error", "minute 60");
	tap_is(iso("2026-11-26T23:59:61"), "error", "second 61");
	tap_is(iso("2016-12-31T23:59:60Z"), "2017-01-01T00:00:00Z",
	       "a leap second is taken as the next minute");
	tap_is(iso("1969-12-31T23:59:59Z"), "1969-12-31T23:59:59Z",
	       "one second before the epoch is not mistaken for an error");
}

static void test_rejected(void)
{
	static const char *const bad[] = {
		"", "2026", "2026-1-5", "2026/11/26", "26.11.2026", "2026-11-26T",
		"2026-11-26T14", "2026-11-26T14:5", "2026-11-26 14:57:01 ",
		" 2026-11-26", "2026-11-26Z", "2026-11-26+03:00", "2026-11-26x",
		"2026-11-26T14:57:01+3:00", "2026-11-26T14:57:01+03",
		"2026-11-26T14:57:01+24:00", "2026-11-26T14:57:01+03:60",
		"2026-11-26T14:57:01.", "2026-11-26T14:57:01Zjunk",
		"2026-11-26t14:57:01", "２０２６-11-26", "tomorrow",
	};
	char name[128];
	size_t i;
	time_t t;
	int rc;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(name, sizeof name, "rejects \"%s\"", bad[i]);
		tap_ok(crm_time_parse(bad[i], &t) == CRM_DATAERR, name);
	}
	rc = crm_time_parse("2026-02-30", &t);
	tap_ok(rc == CRM_DATAERR, "a bad time is CRM_DATAERR");
	tap_is(crm_error_message(),
	       "bad time \"2026-02-30\": expected YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM]",
	       "the message quotes the input and shows the forms");
}

static void test_format(void)
{
	char buf[CRM_TIME_LEN];

	crm_time_format(0, buf);
	tap_is(buf, "1970-01-01T00:00:00Z", "the epoch");
	crm_time_format(NOW_T, buf);
	tap_is(buf, NOW, "a known time");
	tap_ok(strlen(buf) == CRM_TIME_LEN - 1, "CRM_TIME_LEN fits exactly");
	crm_time_format((time_t)1 << 40, buf);
	tap_is(buf, "9999-12-31T23:59:59Z", "a time past 9999 is clamped, not garbled");
	crm_time_format(-((time_t)1 << 40), buf);
	tap_is(buf, "0000-01-01T00:00:00Z", "a time before year 0 is clamped");
}

static void test_clock_now(void)
{
	time_t t = 0, before = time(NULL);
	int rc;

	unsetenv("CRM_NOW");
	rc = crm_clock_now(&t);
	tap_ok(rc == 0 && t >= before && t <= time(NULL), "without CRM_NOW: the real clock");
	setenv("CRM_NOW", "", 1);
	rc = crm_clock_now(&t);
	tap_ok(rc == 0 && t >= before && t <= time(NULL), "an empty CRM_NOW is unset");
	setenv("CRM_NOW", NOW, 1);
	rc = crm_clock_now(&t);
	tap_ok(rc == 0 && t == NOW_T, "CRM_NOW fixes the clock");
	setenv("CRM_NOW", "2026-11-26 17:57+03:00", 1);
	rc = crm_clock_now(&t);
	tap_ok(rc == 0 && t == NOW_T - 1, "CRM_NOW takes every time form");
	setenv("CRM_NOW", "yesterday", 1);
	rc = crm_clock_now(&t);
	tap_ok(rc == CRM_CONFIG, "an unreadable CRM_NOW is a configuration error");
	tap_is(crm_error_message(), "CRM_NOW \"yesterday\": not a time",
	       "and the message names CRM_NOW and its value");
	unsetenv("CRM_NOW");
}

/* The seconds of s, or -1 for an error. */
static long long dur(const char *s)
{
	long long n = -7;

	return crm_duration_parse(s, &n) == 0 ? n : -1;
}

static void test_durations(void)
{
	tap_ok(dur("45s") == 45, "45s");
	tap_ok(dur("90m") == 5400, "90m");
	tap_ok(dur("12h") == 43200, "12h");
	tap_ok(dur("3d") == 259200, "3d");
	tap_ok(dur("2w") == 1209600, "2w");
	tap_ok(dur("3600") == 3600, "a bare number is seconds");
	tap_ok(dur("0") == 0, "zero");
	tap_ok(dur("0d") == 0, "zero days");
	tap_ok(dur("1d12h") == 129600, "compound 1d12h");
	tap_ok(dur("1w2d3h4m5s") == 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5,
	       "every unit at once");
	tap_ok(dur("2h30m") == 9000, "compound 2h30m");
	tap_ok(dur("9223372036854775807") == 9223372036854775807LL,
	       "the largest bare number");
	tap_ok(dur("15250284452471w") == 15250284452471LL * 604800,
	       "the largest number of weeks");
}

static void test_duration_errors(void)
{
	static const struct {
		const char *s, *why;
	} bad[] = {
		{ "", "empty" },
		{ "-3d", "must not be negative" },
		{ "3y", "unknown unit" },
		{ "3D", "unknown unit" },
		{ "3 d", "unknown unit" },
		{ "1d12", "a number without a unit" },
		{ "1m1h", "units must go from the largest" },
		{ "1h1h", "units must go from the largest" },
		{ "d", "expected a duration" },
		{ "+3d", "expected a duration" },
		{ "1dx", "expected a duration" },
		{ " 3d", "expected a duration" },
		{ "99999999999999999999", "too large" },
		{ "9223372036854775807m", "too large" },
		{ "15250284452472w", "too large" },
		{ "15250284452471w4d", "too large" },
	};
	char name[128], want[128];
	long long n;
	size_t i;
	int rc;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		rc = crm_duration_parse(bad[i].s, &n);
		snprintf(want, sizeof want, "bad duration \"%s\": %s", bad[i].s,
			 bad[i].why);
		snprintf(name, sizeof name, "rejects \"%s\": %s", bad[i].s, bad[i].why);
		tap_ok(rc == CRM_DATAERR &&
		       strncmp(crm_error_message(), want, strlen(want)) == 0, name);
		if (rc != CRM_DATAERR || strncmp(crm_error_message(), want, strlen(want)))
			printf("# got %d: %s\n", rc, crm_error_message());
	}
}

/* crm_time_or_ago (sign < 0) or _ahead of s, or "error". */
static const char *rel(const char *s, int sign)
{
	static char buf[CRM_TIME_LEN];
	int rc = sign < 0 ? crm_time_or_ago(s, buf) : crm_time_or_ahead(s, buf);

	return rc == 0 ? buf : "error";
}

static void test_time_or_duration(void)
{
	int rc;

	setenv("CRM_NOW", NOW, 1);
	tap_is(rel("3d", -1), "2026-11-23T14:57:01Z", "3d ago");
	tap_is(rel("90m", -1), "2026-11-26T13:27:01Z", "90m ago");
	tap_is(rel("1d12h", -1), "2026-11-25T02:57:01Z", "1d12h ago");
	tap_is(rel("3600", -1), "2026-11-26T13:57:01Z", "3600 seconds ago");
	tap_is(rel("0", -1), NOW, "0 ago is now");
	tap_is(rel("3d", 1), "2026-11-29T14:57:01Z", "3d ahead");
	tap_is(rel("1w", 1), "2026-12-03T14:57:01Z", "1w ahead");
	tap_is(rel("2026-01-01", -1), "2026-01-01T00:00:00Z", "a date is taken as it is");
	tap_is(rel("2026-01-01T10:00+03:00", 1), "2026-01-01T07:00:00Z",
	       "a time with an offset is taken as it is, in UTC");
	tap_is(rel("soon", -1), "error", "neither a time nor a duration");
	tap_ok(strstr(crm_error_message(), "YYYY-MM-DD") &&
	       strstr(crm_error_message(), "duration") &&
	       strstr(crm_error_message(), "\"soon\""),
	       "the message quotes the input and shows both forms");
	rc = crm_time_or_ahead("-3d", (char[CRM_TIME_LEN]){ 0 });
	tap_ok(rc == CRM_DATAERR, "a negative duration is refused");
	tap_is(rel("2026-02-30", -1), "error", "a bad date is not read as a duration");
	tap_is(rel("15250284452471w", 1), "error", "a result past 9999 is refused");
	tap_is(rel("15250284452471w", -1), "error", "a result before 0000 is refused");
	tap_is(rel("8000y", 1), "error", "unknown unit");

	setenv("CRM_NOW", "garbage", 1);
	tap_is(rel("2026-01-01", -1), "2026-01-01T00:00:00Z",
	       "a time does not need the clock");
	rc = crm_time_or_ago("3d", (char[CRM_TIME_LEN]){ 0 });
	tap_ok(rc == CRM_CONFIG, "a duration with a bad CRM_NOW fails as configuration");
	unsetenv("CRM_NOW");
}

int main(void)
{
	test_accepted_forms();
	test_offsets();
	test_calendar();
	test_rejected();
	test_format();
	test_clock_now();
	test_durations();
	test_duration_errors();
	test_time_or_duration();
	return tap_done();
}
