/*
 * account.c: named mail accounts, so that cron lines say "crm-mailpull
 * office" and no password ever stands on a command line. The file format
 * is crm-accounts(5); passwords come from a command (as mbsync's PassCmd)
 * or from a file only its owner can read.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "crm.h"

void crm_account_clear(struct crm_account *a)
{
	free(a->name);
	free(a->source);
	free(a->passcmd);
	free(a->passfile);
	free(a->cafile);
	free(a->move_to);
	memset(a, 0, sizeof *a);
}

static int yes_no(const char *file, unsigned long line, const char *key, const char *v, int *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "1") == 0)
		*out = 1;
	else if (strcmp(v, "no") == 0 || strcmp(v, "0") == 0)
		*out = 0;
	else
		return crm_error_set(CRM_CONFIG, "%s:%lu: %s takes yes or no, not \"%s\"", file,
				     line, key, v);
	return CRM_OK;
}

/* One "key value" line of an account. */
static int set_key(struct crm_account *a, const char *file, unsigned long line, const char *key,
		   const char *v)
{
	static const char *const strings[] = { "source", "passcmd", "passfile", "cafile",
					       "move-to" };
	char **slots[] = { &a->source, &a->passcmd, &a->passfile, &a->cafile, &a->move_to };
	char *end;
	size_t i;

	for (i = 0; i < sizeof strings / sizeof *strings; i++)
		if (strcmp(key, strings[i]) == 0) {
			free(*slots[i]);
			*slots[i] = strdup(v);
			return CRM_OK;
		}
	if (strcmp(key, "starttls") == 0)
		return yes_no(file, line, key, v, &a->starttls);
	if (strcmp(key, "insecure") == 0)
		return yes_no(file, line, key, v, &a->insecure);
	if (strcmp(key, "delete") == 0)
		return yes_no(file, line, key, v, &a->delete_after);
	if (strcmp(key, "timeout") == 0) {
		long t = strtol(v, &end, 10);

		if (*end || t < 1 || t > 3600)
			return crm_error_set(CRM_CONFIG, "%s:%lu: timeout is 1 to 3600 seconds", file,
					     line);
		a->timeout = (int)t;
		return CRM_OK;
	}
	return crm_error_set(CRM_CONFIG,
			     "%s:%lu: unknown key \"%s\" (source, passcmd, passfile, cafile, move-to, starttls, insecure, delete, timeout)",
			     file, line, key);
}

static void default_path(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg && *xdg)
		snprintf(buf, size, "%s/crm/accounts", xdg);
	else
		snprintf(buf, size, "%s/.config/crm/accounts", home ? home : ".");
}

int crm_account_load(const char *path, const char *name, struct crm_account *out)
{
	char def[PATH_MAX], *line = NULL, *key, *v;
	unsigned long n = 0;
	size_t cap = 0;
	int found = 0, in = 0, rc = CRM_OK;
	FILE *f;

	memset(out, 0, sizeof *out);
	if (!path)
		default_path(def, sizeof def), path = def;
	if (!(f = fopen(path, "r")))
		return crm_error_set(CRM_CONFIG, "cannot read accounts file %s: %s", path,
				     strerror(errno));
	while (rc == CRM_OK && getline(&line, &cap, f) > 0) {
		n++;
		key = line + strspn(line, " \t");
		key[strcspn(key, "\r\n")] = '\0';
		for (v = key + strlen(key); v > key && (v[-1] == ' ' || v[-1] == '\t'); v--)
			v[-1] = '\0';
		if (!*key || *key == '#')
			continue;
		v = key + strcspn(key, " \t");
		if (*v)
			*v++ = '\0';
		v += strspn(v, " \t");
		if (strcmp(key, "account") == 0) {
			in = strcmp(v, name) == 0;
			found |= in;
			if (in && !(out->name = strdup(v)))
				rc = crm_error_set(CRM_SOFTWARE, "out of memory");
		} else if (in) {
			rc = *v ? set_key(out, path, n, key, v)
				: crm_error_set(CRM_CONFIG, "%s:%lu: %s has no value", path, n, key);
		}
	}
	free(line);
	fclose(f);
	if (rc == CRM_OK && !found)
		rc = crm_error_set(CRM_CONFIG, "no account \"%s\" in %s", name, path);
	else if (rc == CRM_OK && !out->source)
		rc = crm_error_set(CRM_CONFIG, "account \"%s\" in %s has no source", name, path);
	if (rc)
		crm_account_clear(out);
	return rc;
}

/* The first line of a stream, without its end. */
static char *first_line(FILE *f)
{
	char *line = NULL;
	size_t cap = 0;

	if (getline(&line, &cap, f) < 0) {
		free(line);
		return strdup("");
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

static int from_command(const char *cmd, char **out)
{
	FILE *p = popen(cmd, "r");
	int status;

	if (!p)
		return crm_error_set(CRM_CONFIG, "passcmd: %s", strerror(errno));
	*out = first_line(p);
	while (fgetc(p) != EOF) /* let the command finish writing */
		;
	status = pclose(p);
	if (status != 0) {
		free(*out);
		*out = NULL;
		return crm_error_set(CRM_CONFIG, "passcmd \"%s\" failed (exit status %d)", cmd,
				     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
	return *out ? CRM_OK : crm_error_set(CRM_SOFTWARE, "out of memory");
}

static int from_file(const char *path, char **out)
{
	struct stat sb;
	FILE *f;

	if (!(f = fopen(path, "r")))
		return crm_error_set(CRM_CONFIG, "passfile %s: %s", path, strerror(errno));
	if (fstat(fileno(f), &sb) != 0 || (sb.st_mode & 077)) {
		fclose(f);
		return crm_error_set(CRM_CONFIG,
				     "passfile %s can be read by group or others: chmod 600 it", path);
	}
	*out = first_line(f);
	fclose(f);
	return *out ? CRM_OK : crm_error_set(CRM_SOFTWARE, "out of memory");
}

int crm_account_password(const struct crm_account *a, char **out)
{
	*out = NULL;
	if (a->passcmd)
		return from_command(a->passcmd, out);
	if (a->passfile)
		return from_file(a->passfile, out);
	return CRM_OK; /* maildir and mbox need none */
}
