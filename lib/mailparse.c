/*
 * mailparse.c: who wrote to us and what they want, from one decoded
 * message. Three parsers, picked per message by crm-mailrules(5): "form"
 * reads the labelled lines that website forms send (the sender is the site,
 * the customer is in the body and Reply-To), "jivo" reads JivoSite chat
 * transcripts and offline messages, and "free" reads a letter a person
 * wrote: the sender from Reply-To or From, a phone number from the
 * signature, the company from the signature or the mail domain, the text
 * without the quoted reply and the signature. Values are kept as written;
 * the caller normalises them, but a phone or an address that would not
 * normalise is dropped here rather than handed on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crm.h"

#ifndef CRM_DATADIR
#define CRM_DATADIR "/usr/local/share/crm"
#endif

#define COUNTRY "7"     /* the phones of a letter are read as Russian ones */
#define SIG_TAIL 6      /* lines read as a signature when nothing marks one */
#define SPEAKER_MAX 80  /* bytes of a chat line's speaker name */
#define CONTEXT 64      /* bytes before a number read for what it is */
#define SIG_LINE 200    /* a longer line is no signature line */

enum field { F_NONE, F_NAME, F_PHONE, F_EMAIL, F_COMPANY, F_TEXT, F_PAGE,
	     F_FROM, F_STOP, F_VISITOR /* a chat speaker who is the visitor */ };

/* A label as written in a form, folded; a space stands for any run of
 * spaces, or none ("эл. почта" also matches "Эл.почта"). */
struct label {
	const char *word;
	enum field field;
};

static const struct label form_labels[] = {
	{ "имя", F_NAME }, { "ваше имя", F_NAME }, { "фио", F_NAME },
	{ "ф.и.о.", F_NAME }, { "ф.и.о", F_NAME }, { "контактное лицо", F_NAME },
	{ "имя и фамилия", F_NAME }, { "как к вам обращаться", F_NAME },
	{ "автор", F_NAME }, { "name", F_NAME }, { "your name", F_NAME },
	{ "full name", F_NAME }, { "contact name", F_NAME },
	{ "телефон", F_PHONE }, { "тел.", F_PHONE }, { "тел", F_PHONE },
	{ "моб.", F_PHONE }, { "моб", F_PHONE }, { "ваш телефон", F_PHONE },
	{ "контактный телефон", F_PHONE }, { "номер телефона", F_PHONE },
	{ "мобильный телефон", F_PHONE }, { "телефон для связи", F_PHONE },
	{ "phone", F_PHONE }, { "your phone", F_PHONE },
	{ "phone number", F_PHONE }, { "tel", F_PHONE }, { "tel.", F_PHONE },
	{ "telephone", F_PHONE }, { "mobile", F_PHONE },
	{ "e-mail", F_EMAIL }, { "email", F_EMAIL }, { "e-mail автора", F_EMAIL },
	{ "ваш e-mail", F_EMAIL }, { "ваш email", F_EMAIL }, { "почта", F_EMAIL },
	{ "эл. почта", F_EMAIL }, { "электронная почта", F_EMAIL },
	{ "адрес электронной почты", F_EMAIL }, { "your e-mail", F_EMAIL },
	{ "your email", F_EMAIL }, { "e-mail address", F_EMAIL },
	{ "email address", F_EMAIL },
	{ "компания", F_COMPANY }, { "организация", F_COMPANY },
	{ "название компании", F_COMPANY }, { "название организации", F_COMPANY },
	{ "company", F_COMPANY }, { "company name", F_COMPANY },
	{ "organization", F_COMPANY }, { "organisation", F_COMPANY },
	{ "сообщение", F_TEXT }, { "ваше сообщение", F_TEXT },
	{ "текст сообщения", F_TEXT }, { "комментарий", F_TEXT },
	{ "вопрос", F_TEXT }, { "ваш вопрос", F_TEXT }, { "текст", F_TEXT },
	{ "message", F_TEXT }, { "your message", F_TEXT },
	{ "message body", F_TEXT }, { "comment", F_TEXT }, { "comments", F_TEXT },
	{ "question", F_TEXT },
	{ "страница", F_PAGE }, { "page", F_PAGE }, { "url", F_PAGE },
	{ "источник", F_PAGE }, { "отправлено со страницы", F_PAGE },
	{ "адрес страницы", F_PAGE }, { "страница отправки", F_PAGE },
	{ "page url", F_PAGE }, { "sent from page", F_PAGE },
	{ "from", F_FROM }, { "от", F_FROM },
	/* known labels that hold nothing we keep: they end a message */
	{ "subject", F_STOP }, { "тема", F_STOP }, { "request details", F_STOP },
	{ "детали запроса", F_STOP }, { "form", F_STOP }, { "форма", F_STOP },
	{ "form name", F_STOP }, { "название формы", F_STOP },
	{ "block id", F_STOP }, { "transaction id", F_STOP }, { "date", F_STOP },
	{ "дата", F_STOP }, { "время", F_STOP }, { "time", F_STOP },
	{ "ip", F_STOP }, { "ip-адрес", F_STOP }, { "user-agent", F_STOP },
	{ "referer", F_STOP }, { "referrer", F_STOP }, { "город", F_STOP },
	{ "city", F_STOP }, { "согласие", F_STOP }, { "consent", F_STOP },
	{ "utm_source", F_STOP }, { "utm_medium", F_STOP },
	{ "utm_campaign", F_STOP },
};

/* JivoSite's own words come first: there "Источник" is the traffic source. */
static const struct label jivo_labels[] = {
	{ "посетитель", F_NAME }, { "имя посетителя", F_NAME },
	{ "visitor", F_NAME }, { "visitor name", F_NAME }, { "клиент", F_NAME },
	{ "источник", F_STOP }, { "source", F_STOP }, { "страна", F_STOP },
	{ "country", F_STOP }, { "браузер", F_STOP }, { "browser", F_STOP },
	{ "ос", F_STOP }, { "os", F_STOP }, { "устройство", F_STOP },
	{ "device", F_STOP }, { "рекламная кампания", F_STOP },
	{ "поисковый запрос", F_STOP }, { "search query", F_STOP },
	{ "оператор", F_STOP }, { "operator", F_STOP }, { "agent", F_STOP },
	{ "длительность", F_STOP }, { "duration", F_STOP },
};

struct table {
	const struct label *l;
	size_t n;
};

#define TABLE(a) { a, sizeof a / sizeof a[0] }

/* One line of the text, as written and folded (same offsets). */
struct line {
	const char *s, *f;
	size_t n;   /* bytes, without the line end */
	int skip;   /* free: a quoted or attribution line, not the letter's */
};

struct doc {
	char *fold;
	struct line *l;
	size_t n;
};

struct buf {
	char *s;
	size_t n, cap;
	int oom;
};

static int oom(void)
{
	return crm_error_set(CRM_SOFTWARE, "out of memory");
}

/* ---- lines */

static int doc_open(struct doc *d, const char *text)
{
	const char *p, *e;
	size_t cap = 1;

	memset(d, 0, sizeof *d);
	if (!text)
		text = "";
	for (p = text; *p; p++)
		cap += *p == '\n';
	d->fold = crm_utf8_fold(text);
	d->l = calloc(cap, sizeof *d->l);
	if (!d->fold || !d->l) {
		free(d->fold);
		free(d->l);
		return oom();
	}
	for (p = text;; p = e + 1) {
		struct line *l = &d->l[d->n++];

		e = strchr(p, '\n');
		l->s = p;
		l->f = d->fold + (p - text);
		l->n = e ? (size_t)(e - p) : strlen(p);
		if (l->n > 0 && p[l->n - 1] == '\r')
			l->n--;
		if (!e)
			break;
	}
	return 0;
}

static void doc_close(struct doc *d)
{
	free(d->fold);
	free(d->l);
}

static void buf_add(struct buf *b, const char *s, size_t n)
{
	char *p;
	size_t cap;

	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 256;
		while (cap < b->n + n + 1)
			cap *= 2;
		p = realloc(b->s, cap);
		if (!p) {
			b->oom = 1;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

/* ---- characters */

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A space inside a line: ASCII space or NBSP; the length, or 0. */
static size_t space_at(const char *s, size_t n)
{
	if (n >= 1 && s[0] == ' ')
		return 1;
	if (n >= 2 && (unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0)
		return 2;
	return 0;
}

/* Spaces, NBSP and tabs at s. */
static size_t blanks(const char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		if (s[i] == '\t')
			k = 1;
		else if ((k = space_at(s + i, n - i)) == 0)
			break;
		i += k;
	}
	return i;
}

static int is_blank(const struct line *l)
{
	return blanks(l->s, l->n) == l->n;
}

/* A Cyrillic letter (U+0400-U+04FF) at s. */
static int is_cyr(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];

	return n >= 2 && (c == 0xd0 || c == 0xd1 || c == 0xd2 || c == 0xd3) &&
	       ((unsigned char)s[1] & 0xc0) == 0x80;
}

/* Whether the character just before s[i] is a letter (ASCII or Cyrillic). */
static int letter_before(const char *s, size_t i)
{
	if (i == 0)
		return 0;
	if (is_alpha((unsigned char)s[i - 1]))
		return 1;
	return i >= 2 && is_cyr(s + i - 2, 2);
}

static int letter_at(const char *s, size_t n)
{
	return n > 0 && (is_alpha((unsigned char)s[0]) || is_cyr(s, n));
}

/* The folded line starts (after blanks) with word. */
static int starts_with(const struct line *l, const char *word)
{
	size_t i = blanks(l->f, l->n), k = strlen(word);

	return l->n - i >= k && memcmp(l->f + i, word, k) == 0;
}

/* The folded n bytes at f hold word. */
static const char *find(const char *f, size_t n, const char *word)
{
	size_t k = strlen(word), i;

	for (i = 0; k <= n && i <= n - k; i++)
		if (memcmp(f + i, word, k) == 0)
			return f + i;
	return NULL;
}

/* The last place word starts a word in the first n bytes of f, or -1. */
static long last_word(const char *f, size_t n, const char *word)
{
	size_t k = strlen(word), i;
	long at = -1;

	for (i = 0; k <= n && i <= n - k; i++)
		if (memcmp(f + i, word, k) == 0 && !letter_before(f, i))
			at = (long)i;
	return at;
}

/* The line trimmed is made of two or more of "-", "=", "_" or "*". */
static int is_rule(const struct line *l)
{
	size_t i = blanks(l->s, l->n), n = l->n, k = 0;

	while (n > i && (l->s[n - 1] == ' ' || l->s[n - 1] == '\t'))
		n--;
	for (; i < n; i++, k++)
		if (!strchr("-=_*", l->s[i]))
			return 0;
	return k >= 2;
}

/* ---- values */

/* Set *dst (unless set already) to the n bytes at s, trimmed; NULL if empty. */
static int set_value(char **dst, const char *s, size_t n)
{
	char *c, *t;

	if (*dst)
		return 0;
	c = strndup(s, n);
	if (!c)
		return oom();
	t = crm_strtrim(c);
	free(c);
	if (!t)
		return oom();
	if (!*t)
		free(t);
	else
		*dst = t;
	return 0;
}

/* Set *dst from what b gathered, and free b. */
static int buf_to_value(struct buf *b, char **dst)
{
	int rc;

	if (b->oom) {
		free(b->s);
		return oom();
	}
	rc = b->s ? set_value(dst, b->s, b->n) : 0;
	free(b->s);
	return rc;
}

static int phone_ok(const char *s, size_t n)
{
	struct crm_phone p;
	char *c = strndup(s, n);
	int ok;

	if (!c)
		return 0;
	ok = crm_phone_normalize(c, COUNTRY, &p) == 0;
	free(c);
	return ok;
}

static int email_ok(const char *s, size_t n)
{
	char *c = strndup(s, n), *e = NULL;
	int ok;

	if (!c)
		return 0;
	ok = crm_email_normalize(c, &e) == 0;
	free(c);
	free(e);
	return ok;
}

/* Set a phone or an address only when it would normalise. */
static int set_checked(char **dst, const char *s, size_t n,
		       int (*ok)(const char *, size_t))
{
	char *t;
	int rc;

	if (*dst)
		return 0;
	t = NULL;
	rc = set_value(&t, s, n);
	if (rc != 0 || !t)
		return rc;
	if (ok(t, strlen(t)))
		*dst = t;
	else
		free(t);
	return 0;
}

/* A display name, unless it is only an address or quotes. */
static int set_name(char **dst, const char *s)
{
	size_t n;

	if (!s || *dst || strchr(s, '@'))
		return 0;
	n = strlen(s);
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s++;
		n -= 2;
	}
	return set_value(dst, s, n);
}

/* ---- labelled lines */

/* How much of f (n bytes) the folded label word takes, or 0. */
static size_t match_word(const char *f, size_t n, const char *word)
{
	size_t i = 0, k;

	for (; *word; word++) {
		if (*word == ' ') {
			while ((k = space_at(f + i, n - i)) != 0)
				i += k;
			continue;
		}
		if (i >= n || f[i] != *word)
			return 0;
		i++;
	}
	return i;
}

/* The separator after a label: ":", "-", a tab, an en or em dash. */
static size_t separator(const char *f, size_t n)
{
	if (n >= 1 && (f[0] == ':' || f[0] == '-' || f[0] == '\t'))
		return 1;
	if (n >= 3 && (unsigned char)f[0] == 0xe2 && (unsigned char)f[1] == 0x80 &&
	    ((unsigned char)f[2] == 0x93 || (unsigned char)f[2] == 0x94))
		return 3;
	return 0;
}

/* The field of a labelled line and where its value starts, or F_NONE.
 * A label alone on its line is one too (HTML tables put the value below). */
static enum field match_label(const struct line *l, const struct table *t,
			      size_t nt, size_t *value)
{
	size_t start = blanks(l->f, l->n), i, j, k, sep;

	for (j = 0; j < nt; j++) {
		for (k = 0; k < t[j].n; k++) {
			if (t[j].l[k].field == F_VISITOR)
				continue;
			i = start;
			i += match_word(l->f + i, l->n - i, t[j].l[k].word);
			if (i == start)
				continue;
			while ((sep = space_at(l->f + i, l->n - i)) != 0)
				i += sep;
			if (i < l->n && l->f[i] == '*')
				i++;
			sep = separator(l->f + i, l->n - i);
			if (sep == 0 && i + blanks(l->f + i, l->n - i) < l->n)
				continue;
			i += sep;
			*value = i + blanks(l->f + i, l->n - i);
			return t[j].l[k].field;
		}
	}
	return F_NONE;
}

/* Lines that end a form's message besides a label: rules, the signature
 * mark, the footers of Bitrix and Contact Form 7. */
static int form_footer(const struct line *l)
{
	return is_rule(l) ||
	       starts_with(l, "сообщение сгенерировано автоматически") ||
	       starts_with(l, "this e-mail was sent from") ||
	       starts_with(l, "это сообщение отправлено");
}

static int ends_text(const struct line *l, const struct table *t, size_t nt)
{
	size_t v;

	return match_label(l, t, nt, &v) != F_NONE || form_footer(l);
}

/* The value of a text label: the rest of its line and the lines after it
 * up to the next label or footer. *i moves to the last line taken. */
static int take_text(const struct doc *d, size_t *i, size_t off,
		     const struct table *t, size_t nt, char **dst)
{
	const struct line *l = &d->l[*i];
	struct buf b = { 0 };
	size_t j;

	buf_add(&b, l->s + off, l->n - off);
	for (j = *i + 1; j < d->n && !ends_text(&d->l[j], t, nt); j++) {
		buf_add(&b, "\n", 1);
		buf_add(&b, d->l[j].s, d->l[j].n);
	}
	*i = j - 1;
	return buf_to_value(&b, dst);
}

/* "NAME <EMAIL>", "EMAIL" or "NAME" after a From label. */
static int take_from(const char *s, size_t n, struct crm_sender *o)
{
	const char *lt = memchr(s, '<', n), *gt;
	char *name = NULL;
	int rc;

	if (!lt) {
		if (memchr(s, '@', n))
			return set_checked(&o->email, s, n, email_ok);
		return set_value(&o->name, s, n);
	}
	gt = memchr(lt, '>', n - (lt - s));
	if (!gt)
		return 0;
	rc = set_checked(&o->email, lt + 1, gt - lt - 1, email_ok);
	if (rc == 0)
		rc = set_value(&name, s, lt - s);
	if (rc == 0)
		rc = set_name(&o->name, name);
	free(name);
	return rc;
}

/* A label's value, or when its line holds none, the next line's (forms
 * made from HTML tables put the label and the value on lines of their own). */
static int take_value(const struct doc *d, size_t *i, size_t *off,
		      const struct table *t, size_t nt)
{
	const struct line *next;

	if (*off < d->l[*i].n || *i + 1 >= d->n)
		return 1;
	next = &d->l[*i + 1];
	if (is_blank(next) || ends_text(next, t, nt))
		return 0;
	++*i;
	*off = blanks(next->s, next->n);
	return 1;
}

static int take(const struct doc *d, size_t *i, enum field f, size_t off,
		const struct table *t, size_t nt, struct crm_sender *o)
{
	const struct line *l;

	if (f == F_TEXT)
		return take_text(d, i, off, t, nt, &o->text);
	if (f == F_NONE || f == F_STOP || !take_value(d, i, &off, t, nt))
		return 0;
	l = &d->l[*i];
	switch (f) {
	case F_NAME:
		return set_value(&o->name, l->s + off, l->n - off);
	case F_PHONE:
		return set_checked(&o->phone, l->s + off, l->n - off, phone_ok);
	case F_EMAIL:
		return set_checked(&o->email, l->s + off, l->n - off, email_ok);
	case F_COMPANY:
		return set_value(&o->company, l->s + off, l->n - off);
	case F_PAGE:
		return set_value(&o->page, l->s + off, l->n - off);
	case F_FROM:
		return take_from(l->s + off, l->n - off, o);
	default:
		return 0;
	}
}

/* Every labelled line of lines [from, to); a value never runs past to. */
static int read_labels(const struct doc *d, size_t from, size_t to,
		       const struct table *t, size_t nt, struct crm_sender *o)
{
	struct doc v = *d;
	size_t i, off;
	enum field f;
	int rc = 0;

	v.l += from;
	v.n = to - from;
	for (i = 0; i < v.n && rc == 0; i++) {
		f = match_label(&v.l[i], t, nt, &off);
		rc = take(&v, &i, f, off, t, nt, o);
	}
	return rc;
}

/* ---- finding phones and addresses in running text */

/* Words after which a number is not a phone: tax and company numbers,
 * bank details, orders, dates of documents. */
static const char *const not_phone[] = {
	"инн", "кпп", "огрн", "огрнип", "окпо", "оквэд", "бик", "р/с", "к/с",
	"р/сч", "к/сч", "расч", "корр", "счет", "счёт", "сч.", "снилс", "заказ",
	"договор", "паспорт", "№", "#", "order", "invoice", "account", "acc",
	"inn", "bic", "iban", "swift", "vat",
};
static const char *const is_phone[] = {
	"тел", "phone", "моб", "mob", "сот", "tel", "whatsapp", "viber",
	"telegram", "звоните", "call", "номер", "cell", "t:", "т:", "m:", "м:",
	"p:", "ph:", "ph.", "c:",
};
static const char *const is_fax[] = { "факс", "fax", "f:", "ф:", "f.", "ф." };

/* Words of a postal address: a number on their line that no phone label
 * names is a house, a suite, a ZIP code or a postcode. */
static const char *const address_words[] = {
	"ул.", "ул", "улица", "пр-т", "проспект", "пр.", "пер.", "переулок",
	"шоссе", "бульвар", "б-р", "наб.", "набережная", "пл.", "площадь", "д.",
	"дом", "корп.", "корпус", "стр.", "строение", "офис", "оф.", "кв.",
	"помещение", "пом.", "индекс", "мкр", "мкр.", "микрорайон", "а/я",
	"street", "st.", "str.", "avenue", "ave", "ave.", "blvd", "blvd.",
	"boulevard", "road", "rd.", "suite", "ste.", "floor", "fl.", "building",
	"bldg", "bldg.", "p.o. box", "po box", "zip", "postcode", "postal code",
	"drive", "dr.", "lane", "highway", "hwy",
};

/* The last place one of the words starts a word in f[0, n), or -1; *len
 * its length. */
static long last_of(const char *f, size_t n, const char *const *w, size_t nw, size_t *len)
{
	long at = -1, k;
	size_t i;

	for (i = 0; i < nw; i++)
		if ((k = last_word(f, n, w[i])) > at) {
			at = k;
			if (len)
				*len = strlen(w[i]);
		}
	return at;
}

/* A fax label that follows a phone label with only marks between
 * ("тел./факс:", "Tel/Fax") names a number that is both. */
static int both(const char *f, long ph, size_t len, long fax)
{
	long i;

	for (i = ph + (long)len; i < fax; i++)
		if (!strchr(" ./,-:\\&", f[i]))
			return 0;
	return 1;
}

enum { NOT_PHONE, PLAIN, FAX, LABELLED };

static int context_words(const char *f, size_t start)
{
	size_t len = 0, flen = 0;
	long bad = last_of(f, start, not_phone, sizeof not_phone / sizeof *not_phone, NULL);
	long good = last_of(f, start, is_phone, sizeof is_phone / sizeof *is_phone, &len);
	long fax = last_of(f, start, is_fax, sizeof is_fax / sizeof *is_fax, &flen);

	if (bad > good && bad > fax)
		return NOT_PHONE;
	if (fax > good)
		return good >= 0 && both(f, good, len, fax) ? LABELLED : FAX;
	return good >= 0 ? LABELLED : PLAIN;
}

/* What the words before the number on its line say it is (the enum
 * above). Only the last CONTEXT bytes count: the word that names a number
 * stands close to it. */
static int phone_context(const char *f, size_t start)
{
	size_t from = start > CONTEXT ? start - CONTEXT : 0;

	while (from < start && ((unsigned char)f[from] & 0xc0) == 0x80)
		from++;
	return context_words(f + from, start - from);
}

/* The folded line holds a word of a postal address. */
static int address_line(const char *f, size_t n)
{
	size_t i, k, j;

	for (j = 0; j < sizeof address_words / sizeof *address_words; j++) {
		k = strlen(address_words[j]);
		for (i = 0; k <= n && i <= n - k; i++)
			if (memcmp(f + i, address_words[j], k) == 0 && !letter_before(f, i) &&
			    (address_words[j][k - 1] == '.' || !letter_at(f + i + k, n - i - k)))
				return 1;
	}
	return 0;
}

/* Digit groups shaped as a postal code: one or two groups, the first of
 * five or six digits ("46555-46555", "90210-1234", "119049"). */
static int zip_like(const char *s, size_t n)
{
	size_t i = 0, groups = 0, first = 0, len;

	if (n && (s[0] == '+' || s[0] == '('))
		return 0;
	while (i < n) {
		for (len = 0; i < n && is_digit((unsigned char)s[i]); i++)
			len++;
		if (len && groups++ == 0)
			first = len;
		while (i < n && !is_digit((unsigned char)s[i]))
			i++;
	}
	return groups <= 2 && (first == 5 || first == 6);
}

/* A number cannot start right after a digit, a letter or parts of URLs,
 * addresses and numbers ("р/с", "№", "id=12"). */
static int glued_before(const char *s, size_t i)
{
	unsigned char c;

	if (i == 0)
		return 0;
	c = (unsigned char)s[i - 1];
	if (is_digit(c) || is_alpha(c) || strchr("/\\_@#=&%+", c))
		return 1;
	if (c == '.' && i >= 2 && is_digit((unsigned char)s[i - 2]))
		return 1;
	if (i >= 3 && !memcmp(s + i - 3, "\xe2\x84\x96", 3)) /* № */
		return 1;
	return letter_before(s, i);
}

static int phone_start(const char *s, size_t n, size_t i)
{
	if (i >= n)
		return 0;
	if (!is_digit((unsigned char)s[i]) &&
	    !((s[i] == '+' || s[i] == '(') && i + 1 < n &&
	      is_digit((unsigned char)s[i + 1])))
		return 0;
	return !glued_before(s, i);
}

/* A slash that brackets an area code ("+38 /044/ 237 90 05"): an opening
 * one before two to five digits and a slash, or the closing one. */
static int code_slash(const char *s, size_t n, size_t i, int open)
{
	size_t d = 0;

	if (i >= n || s[i] != '/')
		return 0;
	if (open)
		return 1;
	while (i + 1 + d < n && is_digit((unsigned char)s[i + 1 + d]))
		d++;
	return d >= 2 && d <= 5 && i + 1 + d < n && s[i + 1 + d] == '/';
}

/* The bytes of the digits, spaces, dashes and brackets of a number at s. */
static size_t phone_run(const char *s, size_t n, size_t *end_digit)
{
	size_t i = 0, k;
	int open = 0;

	if (s[0] == '+')
		i++;
	*end_digit = 0;
	while (i < n) {
		if (is_digit((unsigned char)s[i])) {
			*end_digit = ++i;
		} else if (strchr("-()", s[i])) {
			i++;
		} else if (code_slash(s, n, i, open)) {
			open = !open;
			i++;
		} else if ((k = space_at(s + i, n - i)) != 0 &&
			   i + k < n && (is_digit((unsigned char)s[i + k]) ||
					 strchr("(-", s[i + k]) || code_slash(s, n, i + k, open))) {
			i += k;
		} else if (n - i >= 3 && !memcmp(s + i, "\xe2\x80\x93", 3)) {
			i += 3;
		} else {
			break;
		}
	}
	return i;
}

/* An extension after a number: ", доб. 123", " ext 12", " x12"; its length. */
static size_t phone_ext(const char *f, size_t n)
{
	static const char *const marks[] = { "доб", "ext", "вн.", "x" };
	size_t i = 0, k, j, d;

	if (i < n && f[i] == ',')
		i++;
	i += blanks(f + i, n - i);
	for (j = 0; j < sizeof marks / sizeof *marks; j++) {
		k = strlen(marks[j]);
		if (n - i < k || memcmp(f + i, marks[j], k) != 0)
			continue;
		k += i;
		if (k < n && f[k] == '.')
			k++;
		k += blanks(f + k, n - k);
		for (d = 0; k + d < n && d < 7 && is_digit((unsigned char)f[k + d]); d++)
			;
		if (d == 0 || d == 7)
			return 0;
		return k + d;
	}
	return 0;
}

/* "3 500 000 000": groups of three after the first, a sum not a phone. */
static int thousands(const char *s, size_t n)
{
	size_t i = 0, len, groups = 0;

	while (i < n && is_digit((unsigned char)s[i]))
		i++;
	while (i < n) {
		if (s[i] != ' ')
			return 0;
		for (len = 0, i++; i < n && is_digit((unsigned char)s[i]); i++)
			len++;
		if (len != 3)
			return 0;
		groups++;
	}
	return groups >= 2;
}

/* Whether the n bytes at s look like a Russian or an international phone:
 * "+" and 10 to 15 digits, 11 digits from 7 or 8, or 10 digits with
 * separators; Russian numbers start with 3, 4, 8 or 9 after the prefix. */
static int phone_shape(const char *s, size_t n)
{
	char d[16];
	size_t i, nd = 0;

	for (i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			continue;
		if (nd == 15)
			return 0;
		d[nd++] = s[i];
	}
	if (thousands(s, n))
		return 0;
	if (s[0] == '+')
		return nd >= 10;
	if (nd == 11 && (d[0] == '7' || d[0] == '8'))
		return strchr("3489", d[1]) != NULL;
	if (nd == 10 && nd != n)
		return strchr("3489", d[0]) != NULL;
	return 0;
}

/* What may follow a number: not an address, a URL or a word glued to it. */
static int glued_after(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	if (is_alpha((unsigned char)s[0]) || strchr("@/_=&", s[0]))
		return 1;
	if (s[0] == '.' && n > 1 && (is_digit((unsigned char)s[1]) ||
				     is_alpha((unsigned char)s[1])))
		return 1;
	return 0;
}

struct found {
	const char *s;
	size_t n;
};

/* The phones of one line: the last one a label names and the last one
 * without a label; faxes are never taken, nor numbers of an address. */
static void phones_in_line(const struct line *l, struct found *labelled,
			   struct found *plain)
{
	size_t i = 0, run, end, ext, open;
	int ctx, address = address_line(l->f, l->n);

	while (i < l->n) {
		if (!phone_start(l->s, l->n, i)) {
			i++;
			continue;
		}
		run = phone_run(l->s + i, l->n - i, &end);
		if (end == 0 || glued_after(l->s + i + run, l->n - i - run)) {
			i += run ? run : 1;
			continue;
		}
		ext = phone_ext(l->f + i + end, l->n - i - end);
		ctx = phone_shape(l->s + i, end) ? phone_context(l->f, i) : NOT_PHONE;
		if (ctx == PLAIN && ((address && l->s[i] != '+') || zip_like(l->s + i, end)))
			ctx = NOT_PHONE;
		/* "(+34 96) 123 4567": the bracket belongs to the number */
		open = l->s[i] == '+' && i > 0 && l->s[i - 1] == '(';
		if ((ctx == PLAIN || ctx == LABELLED) &&
		    phone_ok(l->s + i - open, end + ext + open)) {
			struct found *to = ctx == LABELLED ? labelled : plain;

			to->s = l->s + i - open;
			to->n = end + ext + open;
		}
		i += end + ext;
	}
}

/* The phone of the lines [from, to) not marked skip: the last one a label
 * names, else the last one. */
static int find_phone(const struct doc *d, size_t from, size_t to,
		      const int *pick, char **dst)
{
	struct found ph = { 0 }, plain = { 0 }, lp;
	size_t i;

	for (i = to; i-- > from && !ph.s;) {
		if (d->l[i].skip || (pick && !pick[i]))
			continue;
		lp.s = NULL;
		phones_in_line(&d->l[i], &ph, &lp);
		if (!plain.s)
			plain = lp;
	}
	if (ph.s)
		return set_value(dst, ph.s, ph.n);
	if (plain.s)
		return set_value(dst, plain.s, plain.n);
	return 0;
}

static int addr_char(int c, int domain)
{
	return is_digit(c) || is_alpha(c) || c == '.' || c == '-' ||
	       (!domain && (c == '_' || c == '+' || c == '%'));
}

/* The last address of the marked lines [from, to). */
static int find_email(const struct doc *d, size_t from, size_t to,
		      const int *pick, char **dst)
{
	const struct line *l;
	const char *a = NULL, *p;
	size_t i, b, e, an = 0;

	for (i = from; i < to; i++) {
		l = &d->l[i];
		if (pick && !pick[i])
			continue;
		for (p = l->s; (p = memchr(p, '@', l->n - (p - l->s))) != NULL; p++) {
			for (b = p - l->s; b > 0 && addr_char((unsigned char)l->s[b - 1], 0); b--)
				;
			for (e = p - l->s + 1; e < l->n && addr_char((unsigned char)l->s[e], 1); e++)
				;
			while (e > 0 && l->s[e - 1] == '.')
				e--;
			if (email_ok(l->s + b, e - b)) {
				a = l->s + b;
				an = e - b;
			}
		}
	}
	return a ? set_value(dst, a, an) : 0;
}

/* ---- form */

static const char *domain_of(const char *addr)
{
	const char *at = addr ? strrchr(addr, '@') : NULL;

	return at ? at + 1 : NULL;
}

/* Reply-To names the customer unless it is the site itself (the From
 * address, or another address of the From domain). */
static int form_reply_to(const struct crm_message *m, struct crm_sender *o)
{
	const char *rd = domain_of(m->reply_to_addr), *fd = domain_of(m->from_addr);
	int rc;

	if (o->email || !m->reply_to_addr)
		return 0;
	if (fd && rd && strcasecmp(fd, rd) == 0)
		return 0;
	rc = set_checked(&o->email, m->reply_to_addr, strlen(m->reply_to_addr),
			 email_ok);
	if (rc == 0 && o->email)
		rc = set_name(&o->name, m->reply_to_name);
	return rc;
}

/* The page when no label named it: the URL in brackets of a Contact Form 7
 * footer ("... contact form on SITE (URL)"), else a line that is a URL. */
static int form_page(const struct doc *d, struct crm_sender *o)
{
	const struct line *l;
	const char *p, *e;
	size_t i, k;

	for (i = 0; i < d->n && !o->page; i++) {
		l = &d->l[i];
		p = find(l->f, l->n, "(http");
		if (p && (find(l->f, l->n, "contact form") || find(l->f, l->n, "форм"))) {
			e = memchr(p, ')', l->n - (p - l->f));
			if (e)
				return set_value(&o->page, l->s + (p - l->f) + 1,
						 e - p - 1);
		}
	}
	for (i = 0; i < d->n && !o->page; i++) {
		l = &d->l[i];
		k = blanks(l->s, l->n);
		if ((starts_with(l, "http://") || starts_with(l, "https://")) &&
		    !memchr(l->s + k, ' ', l->n - k))
			return set_value(&o->page, l->s + k, l->n - k);
	}
	return 0;
}

/* A form without a phone field: the customer often writes it in the message. */
static int form_text_phone(struct crm_sender *o)
{
	struct doc t;
	int rc = doc_open(&t, o->text);

	if (rc == 0)
		rc = find_phone(&t, 0, t.n, NULL, &o->phone);
	doc_close(&t);
	return rc;
}

static int parse_form(const struct crm_message *m, const struct table *user,
		      struct crm_sender *o)
{
	const struct table t[] = { *user, TABLE(form_labels) };
	struct doc d;
	int rc = doc_open(&d, m->text);

	if (rc != 0)
		return rc;
	rc = read_labels(&d, 0, d.n, t, 2, o);
	if (rc == 0 && !o->phone && o->text)
		rc = form_text_phone(o);
	if (rc == 0 && !o->page)
		rc = form_page(&d, o);
	if (rc == 0)
		rc = form_reply_to(m, o);
	doc_close(&d);
	return rc;
}

/* ---- jivo */

/* "[12:01:05] Посетитель: ..." or "[26.11.2026 12:01] Анна: ...": where
 * the speaker's name starts and its length, or 0 for another line. */
static size_t chat_line(const struct line *l, size_t *who)
{
	size_t i = blanks(l->s, l->n), j, colon = 0;

	if (i >= l->n || l->s[i] != '[')
		return 0;
	for (j = i + 1; j < l->n && l->s[j] != ']'; j++) {
		if (l->s[j] == ':')
			colon = 1;
		else if (!is_digit((unsigned char)l->s[j]) && !strchr(".- ", l->s[j]))
			return 0;
	}
	if (j >= l->n || !colon)
		return 0;
	j++;
	j += blanks(l->s + j, l->n - j);
	*who = j;
	for (i = j; i < l->n && i - j < SPEAKER_MAX && l->s[i] != ':'; i++)
		;
	if (i >= l->n || l->s[i] != ':' || i == j)
		return 0;
	return i - j;
}

/* Whether a speaker is the visitor: "Посетитель", "Visitor", "Клиент",
 * "Гость", a speaker of the label lines, or the name given in the
 * visitor's details. */
static int is_visitor(const struct line *l, size_t who, size_t n,
		      const char *name, const struct table *user)
{
	static const char *const words[] = { "посетитель", "visitor", "клиент",
					     "client", "гость", "guest" };
	size_t i, k;

	for (i = 0; i < user->n; i++) {
		k = strlen(user->l[i].word);
		if (user->l[i].field == F_VISITOR && n >= k &&
		    memcmp(l->f + who, user->l[i].word, k) == 0)
			return 1;
	}
	for (i = 0; i < sizeof words / sizeof *words; i++) {
		k = strlen(words[i]);
		if (n >= k && memcmp(l->f + who, words[i], k) == 0)
			return 1;
	}
	return name && strlen(name) == n && memcmp(l->s + who, name, n) == 0;
}

struct chat {
	size_t from, to; /* the conversation's lines */
	int *visitor;    /* per line of the document: said by the visitor */
};

/* Find the conversation: from its first chat line up to a rule or the end. */
static int chat_find(const struct doc *d, struct chat *c)
{
	size_t i, who;

	c->from = c->to = d->n;
	c->visitor = calloc(d->n, sizeof *c->visitor);
	if (!c->visitor)
		return oom();
	for (i = 0; i < d->n; i++) {
		if (chat_line(&d->l[i], &who)) {
			c->from = i;
			break;
		}
	}
	for (c->to = c->from; c->to < d->n && !is_rule(&d->l[c->to]); c->to++)
		;
	return 0;
}

/* Mark the lines the visitor wrote (a chat line and the lines under it). */
static void chat_mark(const struct doc *d, struct chat *c, const char *name,
		      const struct table *user)
{
	size_t i, who, n;
	int visitor = 0;

	for (i = c->from; i < c->to; i++) {
		n = chat_line(&d->l[i], &who);
		if (n)
			visitor = is_visitor(&d->l[i], who, n, name, user);
		c->visitor[i] = visitor;
	}
}

static int chat_text(const struct doc *d, const struct chat *c, char **dst)
{
	struct buf b = { 0 };
	size_t i;

	for (i = c->from; i < c->to; i++) {
		if (is_blank(&d->l[i]))
			continue;
		if (b.n)
			buf_add(&b, "\n", 1);
		buf_add(&b, d->l[i].s + blanks(d->l[i].s, d->l[i].n),
			d->l[i].n - blanks(d->l[i].s, d->l[i].n));
	}
	return buf_to_value(&b, dst);
}

static int parse_jivo(const struct crm_message *m, const struct table *user,
		      struct crm_sender *o)
{
	const struct table jivo_tables[] = { *user, TABLE(jivo_labels), TABLE(form_labels) };
	struct chat c = { 0 };
	struct doc d;
	int rc = doc_open(&d, m->text);

	if (rc != 0)
		return rc;
	rc = chat_find(&d, &c);
	if (rc == 0)
		rc = read_labels(&d, 0, c.from, jivo_tables, 3, o);
	if (rc == 0 && c.to < d.n)
		rc = read_labels(&d, c.to, d.n, jivo_tables, 3, o);
	if (rc == 0 && c.from < c.to) {
		free(o->text); /* the conversation, not an offline message field */
		o->text = NULL;
		rc = chat_text(&d, &c, &o->text);
		chat_mark(&d, &c, o->name, user);
	}
	if (rc == 0)
		rc = find_phone(&d, c.from, c.to, c.visitor, &o->phone);
	if (rc == 0)
		rc = find_email(&d, c.from, c.to, c.visitor, &o->email);
	free(c.visitor);
	doc_close(&d);
	return rc;
}

/* ---- free */

/*
 * Public mail services, whose domains name no company: the data file
 * CRM_DATADIR/freemail and the user's $XDG_CONFIG_HOME/crm/freemail, one
 * domain a line. They are read once, at the first letter that needs them,
 * and kept for the life of the process.
 */
static struct {
	char **d;
	size_t n, cap;
	int loaded;
} freemail;

static int freemail_add(const char *s, size_t n)
{
	char **d, *c;
	size_t i;

	if (freemail.n == freemail.cap) {
		size_t cap = freemail.cap ? freemail.cap * 2 : 256;

		if (!(d = realloc(freemail.d, cap * sizeof *d)))
			return oom();
		freemail.d = d;
		freemail.cap = cap;
	}
	if (!(c = strndup(s, n)))
		return oom();
	for (i = 0; i < n; i++)
		if (c[i] >= 'A' && c[i] <= 'Z')
			c[i] += 'a' - 'A';
	freemail.d[freemail.n++] = c;
	return 0;
}

/* Add the domains of file; a missing file is an error unless optional. */
static int freemail_read(const char *file, int optional)
{
	FILE *f = fopen(file, "r");
	char *line = NULL, *p;
	size_t cap = 0, n;
	int rc = 0;

	if (!f)
		return optional && errno == ENOENT ?
			       0 : crm_error_set(CRM_CONFIG, "%s: %s", file, strerror(errno));
	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		n = strcspn(p, " \t\r\n#");
		if (n && *p != '#')
			rc = freemail_add(p, n);
	}
	if (rc == 0 && ferror(f))
		rc = crm_error_set(CRM_CONFIG, "%s: %s", file, strerror(errno));
	free(line);
	fclose(f);
	return rc;
}

static int freemail_load(void)
{
	const char *dir = getenv("CRM_DATADIR"), *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char *file = NULL;
	int rc;

	if (freemail.loaded)
		return 0;
	if (asprintf(&file, "%s/freemail", dir && *dir ? dir : CRM_DATADIR) < 0)
		return oom();
	rc = freemail_read(file, 0);
	free(file);
	file = NULL;
	if (rc == 0 && xdg && xdg[0] == '/' && asprintf(&file, "%s/crm/freemail", xdg) < 0)
		rc = oom();
	else if (rc == 0 && !(xdg && xdg[0] == '/') && home && *home &&
		 asprintf(&file, "%s/.config/crm/freemail", home) < 0)
		rc = oom();
	if (rc == 0 && file)
		rc = freemail_read(file, 1);
	free(file);
	freemail.loaded = rc == 0;
	return rc;
}

/* *yes: dom is a public mail service's domain. */
static int public_domain(const char *dom, int *yes)
{
	size_t i;
	int rc = freemail_load();

	*yes = 0;
	for (i = 0; rc == 0 && !*yes && i < freemail.n; i++)
		*yes = strcasecmp(dom, freemail.d[i]) == 0;
	return rc;
}

/* A line where the quoted original starts. */
static int quote_start(const struct doc *d, size_t i)
{
	const struct line *l = &d->l[i];
	size_t j;

	if (starts_with(l, "-") &&
	    (find(l->f, l->n, "original message") ||
	     find(l->f, l->n, "исходное сообщение") ||
	     find(l->f, l->n, "оригинальное сообщение")))
		return 1;
	if (starts_with(l, "sent from my") || starts_with(l, "отправлено с ") ||
	    starts_with(l, "отправлено из ") || starts_with(l, "get outlook for"))
		return 1;
	/* an Outlook header block: "From: ..." then "Sent: ..." */
	if (starts_with(l, "from:") || starts_with(l, "от:") ||
	    (is_rule(l) && starts_with(l, "___"))) {
		for (j = i + 1; j < d->n && j <= i + 3; j++)
			if (starts_with(&d->l[j], "sent:") ||
			    starts_with(&d->l[j], "отправлено:") ||
			    starts_with(&d->l[j], "from:") ||
			    starts_with(&d->l[j], "от:"))
				return 1;
	}
	return 0;
}

static int ends_colon(const struct line *l)
{
	size_t n = l->n;

	while (n > 0 && (l->s[n - 1] == ' ' || l->s[n - 1] == '\t'))
		n--;
	return n > 0 && l->s[n - 1] == ':';
}

/* The lines (0, 1 or 2) of an attribution such as "On ..., X wrote:",
 * "26.11.2026, 10:00, Иван <x@y.ru>:" or "... написал(а):". */
static size_t attribution(const struct doc *d, size_t i)
{
	const struct line *l = &d->l[i];
	int digit = 0;
	size_t k;

	if (ends_colon(l)) {
		if (find(l->f, l->n, "wrote") || find(l->f, l->n, "написал") ||
		    find(l->f, l->n, "пишет"))
			return 1;
		for (k = 0; k < l->n; k++)
			digit |= is_digit((unsigned char)l->s[k]);
		if (digit && memchr(l->s, '@', l->n))
			return 1;
		return 0;
	}
	if (i + 1 < d->n && (starts_with(l, "on ") || starts_with(l, "в ")) &&
	    ends_colon(&d->l[i + 1]) &&
	    (find(d->l[i + 1].f, d->l[i + 1].n, "wrote") ||
	     find(d->l[i + 1].f, d->l[i + 1].n, "написал")))
		return 2;
	return 0;
}

static int is_quoted(const struct line *l)
{
	size_t i = blanks(l->s, l->n);

	return i < l->n && l->s[i] == '>';
}

/* Where the letter ends (the quoted original starts); marks quoted lines
 * and an attribution above a bottom-posted reply as skip. */
static size_t letter_end(struct doc *d)
{
	size_t i, k;
	int text = 0;

	for (i = 0; i < d->n; i++) {
		if (is_quoted(&d->l[i])) {
			d->l[i].skip = 1;
			continue;
		}
		if (quote_start(d, i))
			return i;
		if ((k = attribution(d, i)) != 0) {
			if (text)
				return i;
			d->l[i].skip = 1;
			d->l[i + k - 1].skip = 1;
			i += k - 1;
			continue;
		}
		text |= !is_blank(&d->l[i]);
	}
	return d->n;
}

static int is_sig_mark(const struct line *l)
{
	return (l->n == 3 && !memcmp(l->s, "-- ", 3)) ||
	       (l->n == 2 && !memcmp(l->s, "--", 2));
}

/* The first line of the signature: the "-- " mark, else a closing phrase,
 * else the last few lines with text. */
static size_t sig_start(const struct doc *d, size_t end, int *marked)
{
	static const char *const closings[] = {
		"с уважением", "с наилучшими пожеланиями", "всего доброго",
		"всего хорошего", "спасибо", "best regards", "kind regards",
		"regards", "sincerely", "thanks", "thank you", "cheers",
		"yours", "благодарю",
	};
	size_t i, j, k = 0;

	*marked = 0;
	for (i = 0; i < end; i++) {
		if (is_sig_mark(&d->l[i])) {
			*marked = 1;
			return i;
		}
	}
	for (i = end; i-- > 0;)
		for (j = 0; j < sizeof closings / sizeof *closings; j++)
			if (!d->l[i].skip && starts_with(&d->l[i], closings[j]))
				return i;
	for (i = end; i-- > 0;) {
		if (!d->l[i].skip && !is_blank(&d->l[i]) && ++k == SIG_TAIL)
			return i;
	}
	return 0;
}

static int quote_open(const char *s, size_t n, size_t *len)
{
	static const char *const q[] = { "\xc2\xab", "\"", "\xe2\x80\x9c",
					 "\xe2\x80\x9e", "'" };
	size_t i;

	for (i = 0; i < sizeof q / sizeof *q; i++) {
		*len = strlen(q[i]);
		if (n >= *len && !memcmp(s, q[i], *len))
			return 1;
	}
	return 0;
}

/* The end of a quoted name that starts at s[0] (the opening quote). */
static size_t quote_close(const char *s, size_t n, size_t open)
{
	static const char *const q[] = { "\xc2\xbb", "\"", "\xe2\x80\x9d",
					 "\xe2\x80\x9c", "'" };
	size_t i, j, k;

	for (i = open; i < n; i++)
		for (j = 0; j < sizeof q / sizeof *q; j++) {
			k = strlen(q[j]);
			if (n - i >= k && !memcmp(s + i, q[j], k))
				return i + k;
		}
	return 0;
}

/* Legal forms written before the name ("ООО «Теплосервис»"). */
static const char *const prefix_forms[] = {
	"ООО", "ОАО", "ЗАО", "ПАО", "НАО", "АО", "ИП", "ФГУП", "ГУП", "МУП",
	"НПО", "НПП", "ТОО", "ЧУП", "ОДО",
	"Общество с ограниченной ответственностью", "Акционерное общество",
	"Индивидуальный предприниматель", "OOO", "JSC", "LLC",
};
/* Legal forms written after the name ("Acme Pumps Ltd."). */
static const char *const suffix_forms[] = {
	"LLC", "Ltd", "LTD", "Limited", "GmbH", "GMBH", "Inc", "INC", "Corp",
	"Corporation", "AG", "PLC", "LLP", "B.V.", "S.A.",
};

/* Where a whole word w stands in the line, or -1. */
static long word_at(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w), i;

	for (i = 0; k <= n && i + k <= n; i++)
		if (!memcmp(s + i, w, k) && !letter_before(s, i) &&
		    !letter_at(s + i + k, n - i - k))
			return (long)i;
	return -1;
}

static int seg_end(char c)
{
	return c == ',' || c == ';' || c == '|' || c == '(';
}

/* "ООО «Name»", or without quotes up to a comma or the line's end. */
static int company_prefix(const char *s, size_t n, size_t at, size_t k,
			  char **dst)
{
	size_t i = at + k, q, e;

	i += blanks(s + i, n - i);
	if (i >= n || (!letter_at(s + i, n - i) && !quote_open(s + i, n - i, &q)))
		return 0;
	if (quote_open(s + i, n - i, &q)) {
		e = quote_close(s, n, i + q);
		if (e)
			return set_value(dst, s + at, e - at);
	}
	for (e = i; e < n && !seg_end(s[e]); e++)
		;
	if (e - i < 2)
		return 0;
	return set_value(dst, s + at, e - at);
}

/* "Acme Pumps Ltd." from the start of its part of the line ("Acme, Inc."
 * keeps the part before the comma). */
static int company_suffix(const char *s, size_t n, size_t at, size_t k,
			  char **dst)
{
	size_t b = at, e = at + k, lead;

	if (e < n && s[e] == '.')
		e++;
	while (b > 0 && !seg_end(s[b - 1]))
		b--;
	lead = blanks(s + b, at - b);
	if (b + lead == at && b > 0) {
		b--;
		while (b > 0 && !seg_end(s[b - 1]))
			b--;
	}
	b += blanks(s + b, at - b);
	if (b == at)
		return 0;
	return set_value(dst, s + b, e - b);
}

static int company_in_line(const struct line *l, char **dst)
{
	size_t i;
	long at;
	int rc;

	if (l->n > SIG_LINE || find(l->f, l->n, "банк") || find(l->f, l->n, "bank") ||
	    find(l->f, l->n, "р/с") || find(l->f, l->n, "бик"))
		return 0;
	for (i = 0; i < sizeof prefix_forms / sizeof *prefix_forms && !*dst; i++) {
		at = word_at(l->s, l->n, prefix_forms[i]);
		if (at >= 0 && (rc = company_prefix(l->s, l->n, at,
						    strlen(prefix_forms[i]), dst)))
			return rc;
	}
	for (i = 0; i < sizeof suffix_forms / sizeof *suffix_forms && !*dst; i++) {
		at = word_at(l->s, l->n, suffix_forms[i]);
		if (at >= 0 && (rc = company_suffix(l->s, l->n, at,
						    strlen(suffix_forms[i]), dst)))
			return rc;
	}
	return 0;
}

/* The length of a copyright mark at s ("©", "(c)", "Copyright", "Copr."), or 0. */
static size_t copyright_mark(const char *s)
{
	static const char *const marks[] = { "\xc2\xa9", "(c)", "c)", "copyright", "copr." };
	size_t i, k;

	for (i = 0; i < sizeof marks / sizeof *marks; i++) {
		k = strlen(marks[i]);
		if (!strncasecmp(s, marks[i], k) && (k < 4 || !is_alpha(s[k])))
			return k;
	}
	return 0;
}

/* The length of a year or a span of years at s ("2001", "1998-2026",
 * "2001–26"), or 0. */
static size_t years(const char *s)
{
	size_t i = 0, k;

	while (i < 4 && is_digit(s[i]))
		i++;
	if (i != 4 || is_digit(s[i]))
		return 0;
	k = s[i] == '-' ? 1 : !strncmp(s + i, "\xe2\x80\x93", 3) || !strncmp(s + i, "\xe2\x80\x94", 3) ? 3 : 0;
	if (k && is_digit(s[i + k]) && is_digit(s[i + k + 1])) {
		i += k + 2;
		while (is_digit(s[i]) && i < 4 + k + 4)
			i++;
	}
	return i;
}

/* "©2001 PROVANTAGE Corporation" is PROVANTAGE Corporation: a company
 * taken from a copyright line loses the marks and years before it. */
static int strip_copyright(char **company)
{
	const char *s = *company;
	size_t k;
	int marked = 0;
	char *c = NULL;

	for (;; s += k) {
		s += blanks(s, strlen(s));
		if ((k = copyright_mark(s)) != 0)
			marked = 1;
		else if (!(k = years(s)) && !(*s == ',' || *s == '.'))
			break;
		else if (!k)
			k = 1;
	}
	if (!marked || !*s)
		return 0;
	if (set_value(&c, s, strlen(s)) != 0)
		return oom();
	free(*company);
	*company = c;
	return 0;
}

static int company_from(const struct doc *d, size_t from, size_t to,
			struct crm_sender *o)
{
	const char *dom;
	size_t i;
	char *p;
	int rc = 0, pub;

	for (i = from; i < to && rc == 0 && !o->company; i++)
		if (!d->l[i].skip)
			rc = company_in_line(&d->l[i], &o->company);
	if (rc == 0 && o->company)
		rc = strip_copyright(&o->company);
	dom = domain_of(o->email);
	if (rc == 0 && !o->company && dom && (rc = public_domain(dom, &pub)) == 0 && !pub) {
		rc = set_value(&o->company, dom, strlen(dom));
		for (p = o->company; rc == 0 && p && *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p += 'a' - 'A';
	}
	return rc;
}

/* The letter's own lines [0, to), without quoted ones. */
static int letter_text(const struct doc *d, size_t to, char **dst)
{
	struct buf b = { 0 };
	size_t i;

	for (i = 0; i < to; i++) {
		if (d->l[i].skip)
			continue;
		buf_add(&b, d->l[i].s, d->l[i].n);
		buf_add(&b, "\n", 1);
	}
	return buf_to_value(&b, dst);
}

static int free_sender(const struct crm_message *m, struct crm_sender *o)
{
	const char *addr = m->reply_to_addr ? m->reply_to_addr : m->from_addr;
	int rc = 0;

	if (addr)
		rc = set_checked(&o->email, addr, strlen(addr), email_ok);
	if (rc == 0 && m->reply_to_addr)
		rc = set_name(&o->name, m->reply_to_name);
	if (rc == 0)
		rc = set_name(&o->name, m->from_name);
	return rc;
}

static int parse_free(const struct crm_message *m, struct crm_sender *o)
{
	struct doc d;
	size_t end, sig;
	int marked, rc = doc_open(&d, m->text);

	if (rc != 0)
		return rc;
	end = letter_end(&d);
	sig = sig_start(&d, end, &marked);
	rc = free_sender(m, o);
	if (rc == 0)
		rc = find_phone(&d, 0, end, NULL, &o->phone);
	if (rc == 0)
		rc = company_from(&d, sig, end, o);
	if (rc == 0)
		rc = letter_text(&d, marked ? sig : end, &o->text);
	doc_close(&d);
	return rc;
}

/* ---- entry points */

void crm_sender_clear(struct crm_sender *s)
{
	if (!s)
		return;
	free(s->name);
	free(s->phone);
	free(s->email);
	free(s->company);
	free(s->text);
	free(s->page);
	memset(s, 0, sizeof *s);
}

/* The label lines of rules as a table (its words live as long as rules). */
static int user_labels(const struct crm_mailrules *rules, struct table *t)
{
	static const struct { const char *name; enum field f; } fields[] = {
		{ "name", F_NAME }, { "phone", F_PHONE }, { "email", F_EMAIL },
		{ "company", F_COMPANY }, { "text", F_TEXT }, { "page", F_PAGE },
		{ "ignore", F_STOP }, { "visitor", F_VISITOR },
	};
	struct label *l;
	const char *field;
	size_t n = 0, i, k;

	t->l = NULL, t->n = 0;
	while (crm_mailrules_label(rules, n, &field))
		n++;
	if (n == 0)
		return 0;
	if (!(l = calloc(n, sizeof *l)))
		return oom();
	for (i = 0; i < n; i++) {
		l[i].word = crm_mailrules_label(rules, i, &field);
		for (k = 0; k < sizeof fields / sizeof *fields; k++)
			if (strcmp(field, fields[k].name) == 0)
				l[i].field = fields[k].f;
	}
	t->l = l, t->n = n;
	return 0;
}

int crm_sender_read(const char *parser, const struct crm_message *m, struct crm_sender *out)
{
	return crm_sender_read_rules(parser, NULL, m, out);
}

int crm_sender_read_rules(const char *parser, const struct crm_mailrules *rules,
			  const struct crm_message *m, struct crm_sender *out)
{
	struct table user;
	int rc;

	memset(out, 0, sizeof *out);
	if (!m)
		return crm_error_set(CRM_USAGE, "no message to parse");
	if (parser && strcmp(parser, "free") == 0)
		rc = parse_free(m, out);
	else if (!parser || (strcmp(parser, "form") != 0 && strcmp(parser, "jivo") != 0))
		return crm_error_set(CRM_USAGE,
				     "unknown mail parser \"%s\" (form, jivo or free)",
				     parser ? parser : "");
	else if ((rc = user_labels(rules, &user)) == 0) {
		rc = strcmp(parser, "form") == 0 ? parse_form(m, &user, out)
						 : parse_jivo(m, &user, out);
		free((void *)user.l);
	}
	if (rc != 0)
		crm_sender_clear(out);
	return rc;
}
