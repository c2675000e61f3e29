/*
 * tap.h: a minimal Test Anything Protocol writer for the C unit tests,
 * read by automake's tap-driver.sh.
 */
#ifndef TAP_H
#define TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline void tap_ok(int cond, const char *name)
{
	++tap_n;
	if (!cond)
		++tap_failed;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, name);
}

/* Compare two strings (NULL-safe) and show both when they differ. */
static inline void tap_is(const char *got, const char *want, const char *name)
{
	int same = (got == NULL && want == NULL) ||
		   (got && want && strcmp(got, want) == 0);
	tap_ok(same, name);
	if (!same)
		printf("# got:  %s\n# want: %s\n", got ? got : "(null)",
		       want ? want : "(null)");
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
