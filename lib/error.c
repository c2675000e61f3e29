/*
 * error.c: the message of the last failure. Functions return a status and
 * leave the words here; the command decides what to print. Each thread has
 * its own message, so the xlsx writer thread of sheet.c cannot overwrite
 * the caller's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "crm.h"

static _Thread_local char message[4096];

int crm_error_set(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	return status;
}

void crm_error_prefix(const char *fmt, ...)
{
	char prefix[512], old[sizeof message];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, message, sizeof old);
	/* A message cut short is better than none. */
	if (snprintf(message, sizeof message, "%s: %s", prefix, old) < 0)
		message[0] = '\0';
}

const char *crm_error_message(void)
{
	return message[0] ? message : "unknown error";
}
