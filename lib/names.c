/*
 * names.c: a person's full name split into first and last name, for
 * mailing lists. Russian names come in both orders ("Петров Иван
 * Сергеевич" and "Иван Петров"); the patronymic and the usual surname
 * endings tell which word is which. Latin names are taken in Western order.
 */
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

static int ends_with(const char *w, const char *const *ends)
{
	size_t n = strlen(w), k;

	for (; *ends; ends++) {
		k = strlen(*ends);
		if (n > k && strcmp(w + n - k, *ends) == 0)
			return 1;
	}
	return 0;
}

/* Compared folded (lower case), so "ИВАНОВИЧ" counts too. */
static int patronymic(const char *w)
{
	static const char *const ends[] = { "ович", "евич", "ьич", "овна", "евна", "ична",
					    "инична", NULL };
	return ends_with(w, ends);
}

static int surname(const char *w)
{
	static const char *const ends[] = { "ов", "ев", "ёв", "ин", "ын", "ова", "ева", "ёва",
					    "ина", "ына", "ский", "цкий", "ская", "цкая", "ко",
					    "ук", "юк", "енко", "ых", "их", NULL };
	return ends_with(w, ends);
}

static int cyrillic(const char *w)
{
	return (unsigned char)w[0] == 0xd0 || (unsigned char)w[0] == 0xd1;
}

/* Split s into at most 8 words (in place); the number found. */
static int words(char *s, char **w)
{
	int n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(s, " \t\r\n", &save); t && n < 8; t = strtok_r(NULL, " \t\r\n", &save))
		w[n++] = t;
	return n;
}

static int fold_is(int (*test)(const char *), const char *w)
{
	char *f = crm_utf8_fold(w);
	int r = f && test(f);

	free(f);
	return r;
}

int crm_name_split(const char *full, char **first, char **last)
{
	char *copy = full ? strdup(full) : NULL, *w[8];
	int n, fi = 0, la = -1;

	*first = *last = NULL;
	if (!copy)
		return full ? crm_error_set(CRM_SOFTWARE, "out of memory") : CRM_OK;
	n = words(copy, w);
	if (n >= 3 && cyrillic(w[0]) && fold_is(patronymic, w[2]))
		fi = 1, la = 0;         /* Фамилия Имя Отчество */
	else if (n >= 3 && cyrillic(w[0]) && fold_is(patronymic, w[1]))
		fi = 0, la = 2;         /* Имя Отчество Фамилия */
	else if (n == 2 && cyrillic(w[0]) && fold_is(surname, w[0]) && !fold_is(surname, w[1]))
		fi = 1, la = 0;         /* Петров Иван */
	else if (n >= 2)
		fi = 0, la = n - 1;     /* Western order: the last word is the surname */
	if (n > 0)
		*first = strdup(w[fi]);
	if (la >= 0)
		*last = strdup(w[la]);
	free(copy);
	return CRM_OK;
}
