/*
 * mailrules.c: the rules of crm-mailrules(5) that pick a parser for each
 * incoming message ("form", "jivo" or "free", or "skip" for mail a machine
 * sent) from its headers and text.
 * A rule is "PARSER FIELD PATTERN": a POSIX extended regular expression
 * matched against a header, the decoded text, or nothing at all ("*").
 * Case is ignored by folding both the pattern and the text (ASCII and
 * Cyrillic) before matching, so that it does not depend on the locale.
 * The user's rules come before the built-in ones; the first match wins.
 * "label FIELD WORD|WORD..." lines name more labels of a form's (and a
 * JivoSite message's) fields for the parsers, looked at before their own.
 */
#include <errno.h>
#include <stdarg.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crm.h"

#ifndef CRM_DATADIR
#define CRM_DATADIR "/usr/local/share/crm"
#endif

enum kind { K_ANY, K_BODY, K_HEADER };

struct rule {
	const char *parser; /* one of parsers[] */
	enum kind kind;
	char *header;       /* K_HEADER: the header's name */
	char *text;         /* "FIELD PATTERN" as written, for the reason of a skip */
	regex_t re;
};

/* A label line's word, folded, and the field it names. */
struct label_rule {
	const char *field; /* one of label_fields[] */
	char *word;
};

struct crm_mailrules {
	struct rule *r;
	size_t n, cap;
	struct label_rule *l;
	size_t nl, capl;
};

static const char *const label_fields[] = { "name", "phone", "email", "company", "text",
					    "page", "ignore", "visitor" };

static const char *const parsers[] = { "form", "jivo", "free", "skip" };

static int oom(void)
{
	return crm_error_set(CRM_SOFTWARE, "out of memory");
}

/* s folded to lower case, except the character after each backslash
 * ("\S" stays "\S"); fold keeps every byte offset. */
static char *fold_pattern(const char *s)
{
	char *f = crm_utf8_fold(s);
	size_t i;

	for (i = 0; f && s[i]; i++) {
		if (s[i] == '\\' && s[i + 1]) {
			f[i + 1] = s[i + 1];
			i++;
		}
	}
	return f;
}

/* A header name: printable ASCII without ":" (RFC 5322 ftext). */
static int header_name_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < 33 || *s > 126 || *s == ':')
			return 0;
	return 1;
}

static const char *parser_name(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof parsers / sizeof *parsers; i++)
		if (strcmp(s, parsers[i]) == 0)
			return parsers[i];
	return NULL;
}

/* Cut the next word off *p (white space separated); NULL at the end. */
static char *next_word(char **p)
{
	char *w = *p + strspn(*p, " \t"), *e;

	if (!*w)
		return NULL;
	e = w + strcspn(w, " \t");
	*p = e + (*e ? 1 : 0);
	*e = '\0';
	return w;
}

static int bad(const char *file, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* CRM_CONFIG with "FILE:LINE: reason". */
static int bad(const char *file, unsigned long line, const char *fmt, ...)
{
	char why[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	return crm_error_set(CRM_CONFIG, "%s:%lu: %s", file, line, why);
}

static int compile(struct rule *r, const char *pattern, const char *file,
		   unsigned long line)
{
	char *f = fold_pattern(pattern), why[256];
	int rc;

	if (!f)
		return oom();
	rc = regcomp(&r->re, f, REG_EXTENDED | REG_NOSUB | REG_NEWLINE);
	free(f);
	if (rc != 0) {
		regerror(rc, &r->re, why, sizeof why);
		return bad(file, line, "bad pattern \"%s\": %s", pattern, why);
	}
	return 0;
}

static int grow(struct crm_mailrules *rs)
{
	struct rule *r;
	size_t cap;

	if (rs->n < rs->cap)
		return 0;
	cap = rs->cap ? rs->cap * 2 : 16;
	r = realloc(rs->r, cap * sizeof *r);
	if (!r)
		return oom();
	rs->r = r;
	rs->cap = cap;
	return 0;
}

/* The field of a rule; the pattern is the rest of the line. */
static int parse_field(struct rule *r, const char *field, const char *file,
		       unsigned long line)
{
	r->header = NULL;
	if (strcmp(field, "*") == 0) {
		r->kind = K_ANY;
	} else if (strcasecmp(field, "body") == 0) {
		r->kind = K_BODY;
	} else if (header_name_ok(field)) {
		r->kind = K_HEADER;
		r->header = strdup(field);
		if (!r->header)
			return oom();
	} else {
		return bad(file, line,
			   "bad field \"%s\": a header name, body or *", field);
	}
	return 0;
}

static const char *label_field(const char *s)
{
	size_t i;

	if (strcmp(s, "e-mail") == 0)
		s = "email";
	for (i = 0; i < sizeof label_fields / sizeof *label_fields; i++)
		if (strcmp(s, label_fields[i]) == 0)
			return label_fields[i];
	return NULL;
}

static int add_label(struct crm_mailrules *rs, const char *field, const char *w, size_t n)
{
	struct label_rule *l;
	char *word;

	while (n > 0 && (w[n - 1] == ' ' || w[n - 1] == '\t'))
		n--;
	if (n == 0)
		return 0;
	if (rs->nl == rs->capl) {
		size_t cap = rs->capl ? rs->capl * 2 : 16;

		if (!(l = realloc(rs->l, cap * sizeof *l)))
			return oom();
		rs->l = l;
		rs->capl = cap;
	}
	if (!(word = strndup(w, n)))
		return oom();
	rs->l[rs->nl].word = crm_utf8_fold(word);
	free(word);
	if (!rs->l[rs->nl].word)
		return oom();
	rs->l[rs->nl++].field = field;
	return 0;
}

/* "label FIELD WORD|WORD...": the words are labels of FIELD. */
static int parse_label(struct crm_mailrules *rs, char *p, const char *file,
		       unsigned long line)
{
	char *name = next_word(&p), *w;
	const char *field = name ? label_field(name) : NULL;
	int rc = 0;
	size_t n;

	if (!name)
		return bad(file, line, "no field after \"label\"");
	if (!field)
		return bad(file, line, "unknown label field \"%s\" (name, phone, email,"
			   " company, text, page, ignore or visitor)", name);
	p += strspn(p, " \t");
	if (!*p)
		return bad(file, line, "no labels after \"%s\"", name);
	for (w = p; rc == 0 && *w; w += n + (w[n] == '|')) {
		w += strspn(w, " \t");
		n = strcspn(w, "|");
		rc = add_label(rs, field, w, n);
	}
	return rc;
}

const char *crm_mailrules_label(const struct crm_mailrules *rs, size_t i, const char **field)
{
	if (!rs || i >= rs->nl)
		return NULL;
	*field = rs->l[i].field;
	return rs->l[i].word;
}

/* One line of a file (without its line end): a rule, a label line, a
 * comment or blank. */
static int parse_line(struct crm_mailrules *rs, char *s, const char *file,
		      unsigned long line)
{
	char *p = s, *word, *field, *pattern, *end;
	struct rule r = { 0 };
	int rc;

	word = next_word(&p);
	if (!word || word[0] == '#')
		return 0;
	if (strcmp(word, "label") == 0)
		return parse_label(rs, p, file, line);
	r.parser = parser_name(word);
	if (!r.parser)
		return bad(file, line, "unknown parser \"%s\" (form, jivo, free or skip)",
			   word);
	field = next_word(&p);
	if (!field)
		return bad(file, line, "no field after \"%s\"", word);
	pattern = p + strspn(p, " \t");
	end = pattern + strlen(pattern);
	while (end > pattern && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (strcmp(field, "*") == 0 && *pattern)
		return bad(file, line, "field \"*\" takes no pattern");
	if (strcmp(field, "*") != 0 && !*pattern)
		return bad(file, line, "no pattern after \"%s\"", field);
	rc = grow(rs);
	if (rc == 0 && asprintf(&r.text, "%s%s%s", field, *pattern ? " " : "", pattern) < 0) {
		r.text = NULL;
		rc = oom();
	}
	if (rc == 0)
		rc = parse_field(&r, field, file, line);
	if (rc == 0 && r.kind != K_ANY)
		rc = compile(&r, pattern, file, line);
	if (rc != 0) {
		free(r.header);
		free(r.text);
		return rc;
	}
	rs->r[rs->n++] = r;
	return 0;
}

static int read_rules(struct crm_mailrules *rs, FILE *f, const char *file)
{
	unsigned long line = 0;
	char *s = NULL;
	size_t cap = 0, start;
	ssize_t n;
	int rc = 0;

	while (rc == 0 && (n = getline(&s, &cap, f)) >= 0) {
		line++;
		if (n > 0 && s[n - 1] == '\n')
			s[--n] = '\0';
		if (n > 0 && s[n - 1] == '\r')
			s[--n] = '\0';
		start = line == 1 && n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3) ? 3 : 0;
		if (memchr(s, '\0', n) || !crm_utf8_valid(s, n))
			rc = bad(file, line, "not valid UTF-8 text");
		else
			rc = parse_line(rs, s + start, file, line);
	}
	if (rc == 0 && ferror(f))
		rc = crm_error_set(CRM_CONFIG, "%s: %s", file, strerror(errno));
	free(s);
	return rc;
}

/* Add the rules of file; a missing file is an error unless optional. */
static int load_file(struct crm_mailrules *rs, const char *file, int optional)
{
	FILE *f = fopen(file, "r");
	int rc;

	if (!f) {
		if (optional && errno == ENOENT)
			return 0;
		return crm_error_set(CRM_CONFIG, "%s: %s", file, strerror(errno));
	}
	rc = read_rules(rs, f, file);
	fclose(f);
	return rc;
}

/* The user's file: $XDG_CONFIG_HOME/crm/mailrules, else under ~/.config;
 * NULL (and no error) when there is no home to look in. */
static int user_file(char **out)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n;

	*out = NULL;
	if (xdg && xdg[0] == '/')
		n = asprintf(out, "%s/crm/mailrules", xdg);
	else if (home && *home)
		n = asprintf(out, "%s/.config/crm/mailrules", home);
	else
		return 0;
	if (n < 0) {
		*out = NULL;
		return oom();
	}
	return 0;
}

static int builtin_file(char **out)
{
	const char *dir = getenv("CRM_DATADIR");

	if (!dir || !*dir)
		dir = CRM_DATADIR;
	if (asprintf(out, "%s/mailrules", dir) < 0) {
		*out = NULL;
		return oom();
	}
	return 0;
}

static int load_default(struct crm_mailrules *rs)
{
	char *user = NULL, *builtin = NULL;
	int rc;

	rc = user_file(&user);
	if (rc == 0 && user)
		rc = load_file(rs, user, 1);
	if (rc == 0)
		rc = builtin_file(&builtin);
	if (rc == 0)
		rc = load_file(rs, builtin, 0);
	free(user);
	free(builtin);
	return rc;
}

int crm_mailrules_load(const char *path, struct crm_mailrules **out)
{
	struct crm_mailrules *rs = calloc(1, sizeof *rs);
	int rc;

	*out = NULL;
	if (!rs)
		return oom();
	rc = path ? load_file(rs, path, 0) : load_default(rs);
	if (rc != 0) {
		crm_mailrules_free(rs);
		return rc;
	}
	*out = rs;
	return 0;
}

/* Whether the folded copy of s matches re. */
static int match_text(const regex_t *re, const char *s)
{
	char *f = crm_utf8_fold(s ? s : "");
	int hit;

	if (!f)
		return 0;
	hit = regexec(re, f, 0, NULL, 0) == 0;
	free(f);
	return hit;
}

/* Any header of that name matches. */
static int match_header(const struct rule *r, const struct crm_message *m)
{
	size_t i;

	for (i = 0; i < m->nheaders; i++)
		if (strcasecmp(m->headers[i].name, r->header) == 0 &&
		    match_text(&r->re, m->headers[i].value))
			return 1;
	return 0;
}

const char *crm_mailrules_match(const struct crm_mailrules *rs,
				const struct crm_message *m)
{
	return crm_mailrules_pick(rs, m, NULL);
}

const char *crm_mailrules_pick(const struct crm_mailrules *rs,
			       const struct crm_message *m, const char **rule)
{
	char *body = NULL;
	const char *hit = "free";
	size_t i;
	int yes;

	if (rule)
		*rule = NULL;
	for (i = 0; rs && m && i < rs->n; i++) {
		const struct rule *r = &rs->r[i];

		if (r->kind == K_ANY) {
			yes = 1;
		} else if (r->kind == K_HEADER) {
			yes = match_header(r, m);
		} else {
			if (!body)
				body = crm_utf8_fold(m->text ? m->text : "");
			yes = body && regexec(&r->re, body, 0, NULL, 0) == 0;
		}
		if (yes) {
			hit = r->parser;
			if (rule)
				*rule = r->text;
			break;
		}
	}
	free(body);
	return hit;
}

void crm_mailrules_free(struct crm_mailrules *rs)
{
	size_t i;

	if (!rs)
		return;
	for (i = 0; i < rs->n; i++) {
		if (rs->r[i].kind != K_ANY)
			regfree(&rs->r[i].re);
		free(rs->r[i].header);
		free(rs->r[i].text);
	}
	for (i = 0; i < rs->nl; i++)
		free(rs->l[i].word);
	free(rs->r);
	free(rs->l);
	free(rs);
}
