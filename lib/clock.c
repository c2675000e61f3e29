/*
 * clock.c: the clock and the spelling of time. Times are stored and printed
 * as UTC ISO 8601 ("2026-11-26T14:57:01Z"); people type dates, local-looking
 * times with offsets, and durations such as "3d". CRM_NOW fixes "now" so
 * that tests and replays give the same answers every run.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crm.h"

/* The years that fit "YYYY": 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59Z. */
#define TIME_MIN (-62167219200LL)
#define TIME_MAX 253402300799LL

#define TIME_FORMS "YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM]"
#define DURATION_FORMS "a duration such as 45s, 90m, 12h, 3d, 2w or 1d12h"

int crm_clock_now(time_t *out)
{
	const char *env = getenv("CRM_NOW");
	time_t t;

	/* An empty CRM_NOW counts as unset, like an empty TZ. */
	if (env && *env) {
		if (crm_time_parse(env, out) != 0)
			return crm_error_set(CRM_CONFIG, "CRM_NOW \"%s\": not a time",
					     env);
		return 0;
	}
	t = time(NULL);
	if (t == (time_t)-1)
		return crm_error_set(CRM_SOFTWARE, "time: %s", strerror(errno));
	*out = t;
	return 0;
}

/* Write v as exactly width decimal digits. */
static char *put_digits(char *p, int v, int width)
{
	int i;

	for (i = width - 1; i >= 0; i--) {
		p[i] = '0' + v % 10;
		v /= 10;
	}
	return p + width;
}

/*
 * Times beyond the years 0000..9999 do not fit the format; they are clamped
 * to its ends (crm_time_or_ago and _ahead refuse to make them).
 */
void crm_time_format(time_t t, char buf[CRM_TIME_LEN])
{
	struct tm tm;
	char *p = buf;

	if ((long long)t < TIME_MIN)
		t = (time_t)TIME_MIN;
	if ((long long)t > TIME_MAX)
		t = (time_t)TIME_MAX;
	gmtime_r(&t, &tm);
	p = put_digits(p, tm.tm_year + 1900, 4);
	*p++ = '-';
	p = put_digits(p, tm.tm_mon + 1, 2);
	*p++ = '-';
	p = put_digits(p, tm.tm_mday, 2);
	*p++ = 'T';
	p = put_digits(p, tm.tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_min, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_sec, 2);
	*p++ = 'Z';
	*p = '\0';
}

int crm_time_now(char buf[CRM_TIME_LEN])
{
	static time_t last = -1;
	static char text[CRM_TIME_LEN];
	time_t t;
	int rc = crm_clock_now(&t);

	if (rc != CRM_OK)
		return rc;
	if (t != last) { /* a batch asks many times a second */
		crm_time_format(t, text);
		last = t;
	}
	memcpy(buf, text, CRM_TIME_LEN);
	return CRM_OK;
}

/* Read exactly n ASCII digits (not isdigit(): it follows the locale). */
static int get_digits(const char **p, int n, int *v)
{
	const char *s = *p;
	int i, x = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	*p = s + n;
	*v = x;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* "Z", "+03:00", "+0300" or nothing (UTC); *off in seconds east of UTC. */
static int get_zone(const char **p, int *off)
{
	const char *s = *p;
	int sign, h, m;

	*off = 0;
	if (*s == 'Z') {
		*p = s + 1;
		return 0;
	}
	if (*s != '+' && *s != '-')
		return 0;
	sign = *s++ == '-' ? -1 : 1;
	if (get_digits(&s, 2, &h))
		return -1;
	if (*s == ':')
		s++;
	if (get_digits(&s, 2, &m) || h > 23 || m > 59)
		return -1;
	*off = sign * (h * 3600 + m * 60);
	*p = s;
	return 0;
}

/* "HH:MM[:SS[.fff]]" after the date; the fraction is dropped. */
static int get_clock(const char **p, struct tm *tm)
{
	const char *s = *p;

	if (get_digits(&s, 2, &tm->tm_hour) || *s++ != ':' ||
	    get_digits(&s, 2, &tm->tm_min))
		return -1;
	if (*s == ':') {
		s++;
		if (get_digits(&s, 2, &tm->tm_sec))
			return -1;
		if (*s == '.') {
			if (*++s < '0' || *s > '9')
				return -1;
			while (*s >= '0' && *s <= '9')
				s++;
		}
	}
	if (tm->tm_hour > 23 || tm->tm_min > 59 || tm->tm_sec > 60)
		return -1;
	*p = s;
	return 0;
}

static int parse_time(const char *s, time_t *out)
{
	struct tm tm;
	int year, off = 0;

	memset(&tm, 0, sizeof tm);
	if (get_digits(&s, 4, &year) || *s++ != '-' ||
	    get_digits(&s, 2, &tm.tm_mon) || *s++ != '-' ||
	    get_digits(&s, 2, &tm.tm_mday))
		return -1;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > days_in_month(year, tm.tm_mon))
		return -1;
	/* A zone only makes sense after a clock time. */
	if (*s == 'T' || *s == ' ') {
		s++;
		if (get_clock(&s, &tm) || get_zone(&s, &off))
			return -1;
	}
	if (*s != '\0')
		return -1;
	tm.tm_year = year - 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm) - off;
	return 0;
}

int crm_time_parse(const char *s, time_t *out)
{
	if (parse_time(s, out) != 0)
		return crm_error_set(CRM_DATAERR, "bad time \"%s\": expected %s", s,
				     TIME_FORMS);
	return 0;
}

/* Seconds per unit, largest first: a compound duration keeps this order. */
static const struct {
	char unit;
	long long seconds;
} units[] = {
	{ 'w', 7 * 86400 }, { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 },
};

#define NUNITS (sizeof units / sizeof units[0])

/* Read a non-negative decimal number; -1 when there is none or it overflows. */
static int get_number(const char **p, long long *v)
{
	const char *s = *p;
	long long x = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (x > (LLONG_MAX - (*s - '0')) / 10)
			return -2;
		x = x * 10 + (*s - '0');
	}
	*p = s;
	*v = x;
	return 0;
}

/* Parse a duration; NULL on success, else why not. */
static const char *duration(const char *s, long long *out)
{
	long long total = 0, n;
	size_t i, next = 0; /* the first unit still allowed */
	int rc;

	if (*s == '\0')
		return "empty";
	if (*s == '-')
		return "must not be negative";
	rc = get_number(&s, &n);
	if (rc == 0 && *s == '\0') {
		*out = n; /* a bare number is seconds */
		return NULL;
	}
	for (;;) {
		if (rc == -2)
			return "too large";
		if (rc < 0)
			return "expected " DURATION_FORMS;
		for (i = next; i < NUNITS && units[i].unit != *s; i++)
			;
		if (i == NUNITS) {
			if (*s == '\0')
				return "a number without a unit";
			for (i = 0; i < NUNITS && units[i].unit != *s; i++)
				;
			if (i < NUNITS)
				return "units must go from the largest to the smallest, each once";
			return "unknown unit (expected s, m, h, d or w)";
		}
		if (n > (LLONG_MAX - total) / units[i].seconds)
			return "too large";
		total += n * units[i].seconds;
		next = i + 1;
		if (*++s == '\0')
			break;
		rc = get_number(&s, &n);
	}
	*out = total;
	return NULL;
}

int crm_duration_parse(const char *s, long long *seconds)
{
	const char *why = duration(s, seconds);

	if (why)
		return crm_error_set(CRM_DATAERR, "bad duration \"%s\": %s", s, why);
	return 0;
}

/* s as a time, or as a duration from now in the direction sign (-1 or 1). */
static int time_or_duration(const char *s, int sign, char buf[CRM_TIME_LEN])
{
	long long secs, now;
	const char *why;
	time_t t;
	int rc;

	if (parse_time(s, &t) == 0) {
		crm_time_format(t, buf);
		return 0;
	}
	why = duration(s, &secs);
	if (why)
		return crm_error_set(CRM_DATAERR,
				     "bad time or duration \"%s\": expected a time %s or %s",
				     s, TIME_FORMS, DURATION_FORMS);
	rc = crm_clock_now(&t);
	if (rc)
		return rc;
	now = t;
	if (sign < 0 ? secs > now - TIME_MIN : secs > TIME_MAX - now)
		return crm_error_set(CRM_DATAERR,
				     "bad duration \"%s\": goes beyond the years 0000-9999",
				     s);
	crm_time_format((time_t)(now + sign * secs), buf);
	return 0;
}

int crm_time_or_ago(const char *s, char buf[CRM_TIME_LEN])
{
	return time_or_duration(s, -1, buf);
}

int crm_time_or_ahead(const char *s, char buf[CRM_TIME_LEN])
{
	return time_or_duration(s, 1, buf);
}

int crm_date_today(char buf[11])
{
	char now[CRM_TIME_LEN];
	int rc = crm_time_now(now);

	if (rc == CRM_OK)
		snprintf(buf, 11, "%.10s", now);
	return rc;
}

int crm_date_parse(const char *what, const char *s, char out[11])
{
	char iso[CRM_TIME_LEN];
	time_t t;

	out[0] = '\0';
	if (!s || !*s)
		return CRM_OK;
	if (crm_time_parse(s, &t) != CRM_OK)
		return crm_error_set(CRM_DATAERR, "bad %s \"%s\": expected YYYY-MM-DD", what, s);
	crm_time_format(t, iso);
	snprintf(out, 11, "%.10s", iso);
	return CRM_OK;
}
