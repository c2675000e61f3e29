/*
 * html.c: HTML mail made readable text, for a message that has no plain
 * text part: tags dropped, with the line breaks that blocks, rows and <br>
 * make, the cells of a table row side by side, entities decoded, <head>,
 * <script>, <style> and comments left out, runs of blank lines squeezed.
 * And the charset a document names in its <meta>, for an HTML part whose
 * headers name none.
 */
#include <stdlib.h>
#include <string.h>

#include "mime-private.h"

#define SNIFF_LEN 2048 /* how far into HTML to look for a <meta> charset */

static const struct {
	const char *name;
	unsigned cp;
} entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
	{ "nbsp", ' ' }, { "laquo", 0xab }, { "raquo", 0xbb }, { "mdash", 0x2014 },
	{ "ndash", 0x2013 }, { "hellip", 0x2026 }, { "copy", 0xa9 }, { "reg", 0xae },
	{ "trade", 0x2122 }, { "euro", 0x20ac }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 },
	{ "ldquo", 0x201c }, { "rdquo", 0x201d }, { "bdquo", 0x201e }, { "bull", 0x2022 },
	{ "middot", 0xb7 }, { "times", 0xd7 }, { "deg", 0xb0 }, { "plusmn", 0xb1 },
	{ "sect", 0xa7 }, { "numero", 0x2116 }, { "shy", 0 },
};

struct html {
	struct crm_buf out;
	int space;       /* white space seen and not yet written */
	int pre;         /* inside <pre>: white space is kept */
	int head_closed; /* the document has a </head> */
};

static int at_line_start(const struct html *h)
{
	return h->out.len == 0 || h->out.s[h->out.len - 1] == '\n';
}

static void html_newline(struct html *h, int blank)
{
	if (!at_line_start(h))
		crm_buf_addc(&h->out, '\n');
	if (blank && h->out.len)
		crm_buf_addc(&h->out, '\n'); /* runs of blank lines are squeezed later */
	h->space = 0;
}

/* Write a pending space, unless the line has only begun. */
static void html_space(struct html *h)
{
	if (h->space && !at_line_start(h))
		crm_buf_addc(&h->out, ' ');
	h->space = 0;
}

/* "&...;" at s: decode it, or write the '&' as it is. */
static const char *html_entity(struct html *h, const char *s)
{
	unsigned long cp = 0;
	const char *p = s + 1;
	size_t i, n;
	int k, digits = 0;

	if (*p == '#') {
		int hex = p[1] == 'x' || p[1] == 'X';

		for (p += hex ? 2 : 1; digits < 8; p++, digits++) {
			k = hex ? hexval(*p) : (*p >= '0' && *p <= '9' ? *p - '0' : -1);
			if (k < 0)
				break;
			cp = cp * (hex ? 16 : 10) + k;
		}
		if (digits) {
			if (cp == 0xa0 && !h->pre) {
				h->space = 1; /* &#160; is &nbsp; */
			} else {
				html_space(h);
				crm_buf_cp(&h->out, cp >= 0x80 && cp < 0xa0 ? 0xfffd : cp);
			}
			return *p == ';' ? p + 1 : p;
		}
	} else {
		for (n = 0; (p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z'); n++)
			;
		for (i = 0; p[n] == ';' && i < sizeof entities / sizeof *entities; i++) {
			if (strlen(entities[i].name) != n || strncmp(p, entities[i].name, n))
				continue;
			if (entities[i].cp == ' ' && !h->pre) {
				h->space = 1;
			} else if (entities[i].cp) {
				html_space(h);
				crm_buf_cp(&h->out, entities[i].cp);
			}
			return p + n + 1;
		}
	}
	html_space(h);
	crm_buf_addc(&h->out, '&');
	return s + 1;
}

/* Past the '>' that ends a tag (quotes may hide one), or the end. */
static const char *tag_end(const char *s)
{
	char quote = 0;

	for (; *s; s++) {
		if (quote) {
			if (*s == quote)
				quote = 0;
		} else if (*s == '"' || *s == '\'') {
			quote = *s;
		} else if (*s == '>') {
			return s + 1;
		}
	}
	return s;
}

/* The first "</name" in s, in any case, or NULL. */
static const char *closing_tag(const char *s, const char *name)
{
	size_t n = strlen(name);

	for (; (s = strchr(s, '<')) != NULL; s++)
		if (s[1] == '/' && !ascii_ncasecmp(s + 2, name, n) &&
		    (s[2 + n] == '>' || is_wsp(s[2 + n]) || s[2 + n] == '\n' || s[2 + n] == '\r'))
			return s;
	return NULL;
}

/* Past "</name ...>", or the end when the element is never closed. */
static const char *skip_element(const char *s, const char *name)
{
	s = closing_tag(s, name);
	return s ? tag_end(s) : "";
}

static int tag_in(const char *tag, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(tag, *list))
			return 1;
	return 0;
}

static const char *const hidden_tags[] = { "script", "style", "title", "head", NULL };
static const char *const para_tags[] = { "p", "h1", "h2", "h3", "h4", "h5", "h6", "table",
					 "blockquote", "ul", "ol", "pre", NULL };
static const char *const line_tags[] = { "div", "tr", "li", "dt", "dd", "hr", "dl",
					 "section", "article", "header", "footer",
					 "address", "form", "center", "caption", NULL };

/* A tag at s: act on it and return what follows it. */
static const char *html_tag(struct html *h, const char *s)
{
	const char *p = s + 1;
	char tag[16];
	size_t n = 0;
	int closing = *p == '/';

	if (!strncmp(p, "!--", 3)) {
		p = strstr(p + 3, "-->");
		return p ? p + 3 : "";
	}
	if (*p == '!' || *p == '?')
		return tag_end(p);
	p += closing;
	while (n < sizeof tag - 1 && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
				      (n && *p >= '0' && *p <= '9')))
		tag[n++] = (char)ascii_lower((unsigned char)*p++);
	tag[n] = '\0';
	if (!n) { /* "a < b": a '<' that opens no tag */
		html_space(h);
		crm_buf_addc(&h->out, '<');
		return s + 1;
	}
	p = tag_end(p);
	/* <head> is hidden only when closed: some mail opens <body> inside it. */
	if (!closing && tag_in(tag, hidden_tags) && (strcmp(tag, "head") || h->head_closed))
		return skip_element(p, tag);
	if (!strcmp(tag, "br"))
		crm_buf_addc(&h->out, '\n'), h->space = 0;
	else if (tag_in(tag, para_tags))
		html_newline(h, 1);
	else if (tag_in(tag, line_tags))
		html_newline(h, 0);
	else if (!strcmp(tag, "td") || !strcmp(tag, "th"))
		h->space = 1; /* cells of a row stay on its line: "Имя: Ольга" */
	if (!strcmp(tag, "pre"))
		h->pre = !closing;
	return p;
}

/* Trim each line's end and keep at most one blank line in a row. */
static char *squeeze_lines(const char *s, int *oom)
{
	struct crm_buf b = { 0 };
	size_t n, blank = 0;
	const char *nl;

	for (; *s; s = nl ? nl + 1 : s + strlen(s)) {
		nl = strchr(s, '\n');
		n = nl ? (size_t)(nl - s) : strlen(s);
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (!n) {
			blank++;
			continue;
		}
		if (b.len)
			crm_buf_adds(&b, blank ? "\n\n" : "\n");
		crm_buf_add(&b, s, n);
		blank = 0;
		if (!nl)
			break;
	}
	if (b.len)
		crm_buf_addc(&b, '\n');
	return crm_buf_take(&b, oom);
}

char *crm_html_text(const char *s, int *oom)
{
	struct html h;
	char *raw, *text;

	memset(&h, 0, sizeof h);
	h.head_closed = closing_tag(s, "head") != NULL;
	while (*s) {
		if (*s == '<') {
			s = html_tag(&h, s);
		} else if (*s == '&') {
			s = html_entity(&h, s);
		} else if (!h.pre && (is_wsp(*s) || *s == '\n' || *s == '\r' || *s == '\f')) {
			h.space = 1;
			s++;
		} else {
			html_space(&h);
			if (*s != '\r')
				crm_buf_addc(&h.out, *s);
			s++;
		}
	}
	if (!(raw = crm_buf_take(&h.out, oom)))
		return NULL;
	text = squeeze_lines(raw, oom);
	free(raw);
	return text;
}

void crm_html_charset(const char *s, size_t n, char *cs, size_t size)
{
	const char *p;
	size_t i = 0;

	cs[0] = '\0';
	if (n > SNIFF_LEN)
		n = SNIFF_LEN;
	for (p = s; p + 8 <= s + n; p++)
		if (!ascii_ncasecmp(p, "charset=", 8))
			break;
	if (p + 8 > s + n)
		return;
	p += 8;
	if (p < s + n && (*p == '"' || *p == '\''))
		p++;
	while (p + i < s + n && i < size - 1 &&
	       (is_bchar(p[i]) && p[i] != ' ' && p[i] != '\'' && p[i] != '/'))
		cs[i] = p[i], i++;
	cs[i] = '\0';
}
