/*
 * gen-mail: fill a maildir's new/ with N realistic letters for the
 * crm-mailpull benchmark, deterministic for a seed. The letters are the
 * sample messages of t/fixtures/mail, used as templates in about the mix of
 * a sales inbox: a third website forms, a third free letters, a sixth chat
 * transcripts, the rest auto-replies, bounces and letters with attachments,
 * among them a few padded to 50-200 KB (a long quoted thread, or a scan
 * attached).
 *
 * Each letter is made unique: its Message-ID becomes <bench-I@bench.example>
 * (a template without one stays without, so its letters go by their content
 * hash), its Date moves a minute on per letter, and its sender's e-mail
 * address (a number after the local part) and phone number (the last seven
 * digits) are those of a new sender, or, for about one sender in ten, of an
 * earlier letter's (same template, another Message-ID and Date): that
 * sender writing again. Addresses and phones are rewritten in the header
 * lines and in the body, which is decoded first when it is a single base64
 * text part and otherwise changed only where the text stands as it is
 * (7bit, 8bit, and the unencoded runs of quoted-printable); every other
 * part is left byte for byte, so the MIME structure stays valid.
 *
 * usage: gen-mail TEMPLATE_DIR MAILDIR_NEW N [SEED [REPEAT_PERCENT]]
 * Prints what it made (counts by kind, sizes, the senders) on stdout, then
 * two lines for scripts: the actions crm-mailpull should report,
 * "expect: history N new-lead N skipped-autoreply N", and "bytes: N", the
 * letters' total size.
 * Only libc; build with `cc -O2 -o gen-mail gen-mail.c`.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- a deterministic generator (splitmix64), as in gen-requests.c */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned rnd(unsigned n)
{
	return (unsigned)((rnd64() >> 11) % n);
}

/* ---- growing buffers */

struct buf {
	char *p;
	size_t n, cap;
};

static void die(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "gen-mail: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	exit(70);
}

static void add(struct buf *b, const void *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		if (!(b->p = realloc(b->p, b->cap)))
			die("out of memory%s%s", "", "");
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void adds(struct buf *b, const char *s)
{
	add(b, s, strlen(s));
}

/* Every occurrence of from replaced by to; the count. */
static int replace_all(struct buf *b, const char *from, const char *to)
{
	struct buf out = { NULL, 0, 0 };
	size_t fl = strlen(from), i = 0;
	const char *hit;
	int n = 0;

	if (!b->n)
		return 0;
	while ((hit = strstr(b->p + i, from))) {
		add(&out, b->p + i, hit - (b->p + i));
		adds(&out, to);
		i = hit - b->p + fl;
		n++;
	}
	if (!n)
		return 0;
	add(&out, b->p + i, b->n - i);
	free(b->p);
	*b = out;
	return n;
}

/* ---- base64 */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64_encode(struct buf *out, const unsigned char *s, size_t n, const char *eol)
{
	size_t i;
	int col = 0;
	char q[4];

	for (i = 0; i < n; i += 3) {
		unsigned v = s[i] << 16 | (i + 1 < n ? s[i + 1] << 8 : 0) | (i + 2 < n ? s[i + 2] : 0);

		q[0] = b64[v >> 18 & 63];
		q[1] = b64[v >> 12 & 63];
		q[2] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? b64[v & 63] : '=';
		add(out, q, 4);
		if ((col += 4) == 76) {
			adds(out, eol);
			col = 0;
		}
	}
	if (col)
		adds(out, eol);
}

static void b64_decode(struct buf *out, const char *s, size_t n)
{
	unsigned v = 0;
	int bits = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *p = s[i] ? strchr(b64, s[i]) : NULL;

		if (!p)
			continue; /* line breaks, padding */
		v = v << 6 | (unsigned)(p - b64);
		if ((bits += 6) >= 8) {
			char c = (char)(v >> (bits -= 8) & 255);

			add(out, &c, 1);
		}
	}
}

/* ---- the templates */

enum kind { FORM, FREE, JIVO, AUTO, ATTACH, PADDED, NKINDS };
static const char *const kind_names[NKINDS] = {
	"website forms", "free letters", "chat transcripts", "auto-replies and bounces",
	"letters with attachments", "padded to 50-200 KB",
};
enum pad { NO_PAD, PAD_QUOTE, PAD_SCAN };

/*
 * weight: letters per 1000. vary: the sender's e-mail addresses (with '@')
 * and phones as the template spells them; each must be found, else the
 * template changed and this table needs the new spelling.
 */
struct tmpl {
	const char *file;
	enum kind kind;
	unsigned weight;
	enum pad pad;
	const char *boundary; /* PAD_SCAN: the outer multipart's */
	const char *vary[4];
};

static struct tmpl tmpls[] = {
	/* a third: forms from websites (the customer is in the body or Reply-To) */
	{ "forms/bitrix.eml", FORM, 45, 0, 0, { "petrenko@agrokombinat.ru", "8-928-765-43-21" } },
	{ "forms/callback.eml", FORM, 45, 0, 0, { "8 (912) 300-40-50" } },
	{ "forms/cf7.eml", FORM, 45, 0, 0, { "a.kovalev@stroymontazh-nn.ru", "8 (831) 412-33-10" } },
	{ "forms/elementor-en.eml", FORM, 35, 0, 0, { "t.becker@becker-anlagenbau.de" } },
	{ "forms/tilda.eml", FORM, 45, 0, 0, { "o.smirnova@vodokanal-spb.ru", "+7 (921) 555-12-34" } },
	{ "forms/wordpress-reply-to.eml", FORM, 45, 0, 0,
	  { "m.kuznetsova@gk-stroyinvest.ru", "+7 912 345 67 89" } },
	{ "html-only.eml", FORM, 42, 0, 0, { "olga.s@yandex.ru", "(903)&nbsp;111-22-33" } },
	{ "no-message-id.eml", FORM, 32, 0, 0, { "Pavel.Zaitsev@Yandex.RU", "+7 (926) 555-44-33" } },
	/* a third: letters people write */
	{ "free/domain-koi8.eml", FREE, 28, 0, 0, { "kovalev@vodokanal-tver.ru", "8 (4822) 55-66-77" } },
	{ "free/english.eml", FREE, 25, 0, 0,
	  { "j.whitfield@nordicflow.co.uk", "+44 20 7946 0321", "+44 7700 900 123" } },
	{ "free/gmail.eml", FREE, 30, 0, 0, { "alexey.morozov1985@gmail.com", "8 926 111-22-33" } },
	{ "free/mobile.eml", FREE, 30, 0, 0, { "irina.p@yandex.ru", "89261234567" } },
	{ "free/outlook-original.eml", FREE, 28, 0, 0, { "sidorov.av@mail.ru", "8(3452)69-14-07" } },
	{ "free/reply-quoted.eml", FREE, 30, 0, 0, { "e.vasilyeva@stroymash.su", "+7 (812) 640-22-18" } },
	{ "free/signature-1251.eml", FREE, 30, 0, 0,
	  { "n.stepanov@teploservice.ru", "+7 (495) 789-12-34", "8-916-234-56-78" } },
	{ "cp1251-8bit.eml", FREE, 28, 0, 0, { "S.Ivanova@StroyMontazh.RU", "+7 (495) 123-45-67" } },
	{ "iso8859-5-qp.eml", FREE, 22, 0, 0, { "buh@uralmash-snab.ru" } },
	{ "koi8r-b-subject.eml", FREE, 25, 0, 0, { "orlov@sevlinii.spb.ru", "8 (812) 555-01-23" } },
	{ "utf8-base64.eml", FREE, 30, 0, 0, { "A.Smirnov@Mail.Ru", "+7 916 700-12-34" } },
	{ "reply-references.eml", FREE, 27, 0, 0, { "I.Lebedev@VolgaTehSnab.ru", "+7 (8442) 25-17-90" } },
	/* a sixth: chat transcripts and offline messages */
	{ "jivo/offline.eml", JIVO, 60, 0, 0, { "dmitry.orlov@bk.ru", "+79031234567" } },
	{ "jivo/transcript-en.eml", JIVO, 42, 0, 0, { "maria.lopez@aguas-levante.es", "+34 961 234 567" } },
	{ "jivo/transcript.eml", JIVO, 65, 0, 0, { "s.volkov@mehzavod.ru", "+7 343 210-55-66" } },
	/* the rest */
	{ "autoreply-ru.eml", AUTO, 55, 0, 0, { "m.volkova@severstroi.ru" } },
	{ "bounce-delivery-status.eml", AUTO, 35, 0, 0, { NULL } },
	{ "alternative-attachments.eml", ATTACH, 30, 0, 0,
	  { "d.kuznetsov@tehnoprom-spb.ru", "+7 (812) 407-33-10" } },
	{ "base64-inline-and-attachment.eml", ATTACH, 16, 0, 0, { "test@example.com" } },
	{ "multipart-alternative-qp.eml", ATTACH, 10, 0, 0, { "Oneil.844@randtelekom.com.tr" } },
	{ "free/reply-quoted.eml", PADDED, 10, PAD_QUOTE, 0,
	  { "e.vasilyeva@stroymash.su", "+7 (812) 640-22-18" } },
	{ "alternative-attachments.eml", PADDED, 10, PAD_SCAN, "------------0FkLr3xWq8Yz1Tb5VnH2cJdA",
	  { "d.kuznetsov@tehnoprom-spb.ru", "+7 (812) 407-33-10" } },
};

/* The templates as read: the header, and the body (decoded when b64). */
static struct loaded {
	struct buf head, body;
	int b64;
	const char *eol;
} loaded[N_ELEMS(tmpls)];

static int has_sender(const struct tmpl *t)
{
	return t->kind != AUTO;
}

/* The value of header field name (case aside) in a header block, or NULL. */
static const char *field(const char *head, const char *name)
{
	size_t n = strlen(name);
	const char *l;

	for (l = head; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (strncasecmp(l, name, n) == 0 && l[n] == ':')
			return l + n + 1;
	return NULL;
}

static int field_has(const char *head, const char *name, const char *word)
{
	const char *v = field(head, name);
	char line[256];

	if (!v)
		return 0;
	snprintf(line, sizeof line, "%.*s", (int)strcspn(v, "\n"), v);
	for (char *c = line; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c += 'a' - 'A';
	return strstr(line, word) != NULL;
}

static void load(const char *dir, const struct tmpl *t, struct loaded *d)
{
	char path[4096], chunk[65536];
	struct buf raw = { NULL, 0, 0 };
	const char *sep;
	size_t n, h;
	FILE *f;
	int i;

	snprintf(path, sizeof path, "%s/%s", dir, t->file);
	if (!(f = fopen(path, "rb")))
		die("cannot read template %s%s", path, "");
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		add(&raw, chunk, n);
	fclose(f);
	if (!raw.n)
		die("empty template %s%s", path, "");
	sep = strstr(raw.p, "\n\r\n");
	if (!sep || (strstr(raw.p, "\n\n") && strstr(raw.p, "\n\n") < sep))
		sep = strstr(raw.p, "\n\n");
	if (!sep)
		die("%s: no end of the header%s", path, "");
	h = sep - raw.p + 1;
	add(&d->head, raw.p, h);
	d->eol = memchr(raw.p, '\r', h) ? "\r\n" : "\n";
	/* A single text part in base64: decoded here, encoded again per letter. */
	d->b64 = field_has(d->head.p, "Content-Transfer-Encoding", "base64") &&
		 !field_has(d->head.p, "Content-Type", "multipart");
	if (d->b64) {
		n = h + strlen(d->eol); /* past the blank line */
		add(&d->body, "", 0);
		b64_decode(&d->body, raw.p + n, raw.n - n);
	} else {
		add(&d->body, raw.p + h, raw.n - h);
	}
	free(raw.p);
	for (i = 0; i < 4 && t->vary[i]; i++)
		if (!strstr(d->head.p, t->vary[i]) && !strstr(d->body.p, t->vary[i]))
			die("template %s no longer holds \"%s\": update bench/gen-mail.c", path,
			    t->vary[i]);
	if (t->pad == PAD_SCAN) {
		snprintf(chunk, sizeof chunk, "\n--%s--", t->boundary);
		if (!strstr(d->body.p, chunk))
			die("template %s has no boundary \"%s\": update bench/gen-mail.c", path,
			    t->boundary);
	}
}

/* ---- one letter */

/* The sender k's version of a phone: its last seven digits, other signs kept. */
static void phone_of(const char *tmpl, unsigned long k, char *out, size_t size)
{
	unsigned long sub = (1234567UL + k * 7919UL) % 10000000UL; /* a bijection on k < 10^7 */
	size_t len = strlen(tmpl), i;
	int digits = 7;

	snprintf(out, size, "%s", tmpl);
	for (i = len; i-- > 0 && digits > 0;)
		if (out[i] >= '0' && out[i] <= '9') {
			out[i] = (char)('0' + sub % 10);
			sub /= 10;
			digits--;
		}
}

/* local@domain -> localK@domain */
static void email_of(const char *tmpl, unsigned long k, char *out, size_t size)
{
	const char *at = strchr(tmpl, '@');

	snprintf(out, size, "%.*s%lu%s", (int)(at - tmpl), tmpl, k, at);
}

static const char *const items[] = {
	"Насос Grundfos TP 65-180/2", "Насос Wilo IL 80/150-5,5/2", "Насос КМ 80-50-200",
	"Компрессор Remeza СБ4/Ф-500.LB75", "Задвижка 30с41нж Ду100", "Клапан обратный Ду80",
	"Шкаф управления ШУН-2-15", "Мембранный бак 300 л", "Фильтр сетчатый ФМФ Ду100",
	"Манометр ДМ 02-100 0-16 бар",
};

/* A long quoted thread: the earlier letters' specification lines. */
static void pad_quote(struct buf *b, const char *eol, size_t target)
{
	char line[512];
	unsigned n = 0;

	adds(b, eol);
	while (b->n < target) {
		if (n % 40 == 0)
			snprintf(line, sizeof line,
				 "> > Добрый день! Направляем уточнённую спецификацию (ред. %u) по объекту.%s",
				 n / 40 + 1, eol);
		else { /* one draw after another: the same letters from any compiler */
			const char *item = items[rnd(N_ELEMS(items))];
			unsigned count = 1 + rnd(12), from = 2 + rnd(4), to = 6 + rnd(6);
			unsigned price = 10000 + rnd(900000);

			snprintf(line, sizeof line,
				 "> > %u. %s — %u шт., поставка %u–%u недель, цена %u руб./шт. с НДС 20%%%s",
				 n % 40, item, count, from, to, price, eol);
		}
		adds(b, line);
		n++;
	}
}

/* A scanned page attached before the closing boundary. */
static void pad_scan(struct buf *b, const char *boundary, const char *eol, unsigned long i,
		     size_t target)
{
	struct buf part = { NULL, 0, 0 }, data = { NULL, 0, 0 };
	char close[256], line[512];
	size_t at, want = target > b->n + 600 ? (target - b->n - 600) / 4 * 3 : 3000;
	uint64_t r;

	snprintf(close, sizeof close, "\n--%s--", boundary);
	at = strstr(b->p, close) - b->p + 1;
	snprintf(line, sizeof line,
		 "--%s%sContent-Type: image/jpeg;%s name=\"scan-%lu.jpg\"%sContent-Disposition: attachment;%s"
		 " filename=\"scan-%lu.jpg\"%sContent-Transfer-Encoding: base64%s%s",
		 boundary, eol, eol, i, eol, eol, i, eol, eol, eol);
	adds(&part, line);
	add(&data, "\xff\xd8\xff\xe0\0\x10JFIF\0", 11);
	while (data.n < want) {
		r = rnd64();
		add(&data, &r, sizeof r);
	}
	b64_encode(&part, (unsigned char *)data.p, data.n, eol);
	add(&part, b->p + at, b->n - at);
	b->n = at;
	add(b, part.p, part.n);
	free(part.p);
	free(data.p);
}

static size_t write_letter(const char *outdir, const struct tmpl *t, const struct loaded *d,
			   unsigned long i, unsigned long k)
{
	struct buf out = { NULL, 0, 0 }, head = { NULL, 0, 0 }, body = { NULL, 0, 0 };
	char value[256], path[4096];
	const char *l, *next;
	time_t when = 1793599200 + (time_t)i * 60; /* from 2 Nov 2026 09:00 MSK, a letter a minute */
	struct tm tm;
	size_t size;
	FILE *f;
	int v;

	/* The header: a new Message-ID and Date, other lines as they are. */
	for (l = d->head.p; *l; l = next) {
		next = strchr(l, '\n');
		next = next ? next + 1 : l + strlen(l);
		if (strncasecmp(l, "Message-ID:", 11) == 0 || strncasecmp(l, "Date:", 5) == 0) {
			if (strncasecmp(l, "Date:", 5) == 0) {
				time_t msk = when + 3 * 3600;

				gmtime_r(&msk, &tm);
				strftime(value, sizeof value, "Date: %a, %d %b %Y %H:%M:%S +0300", &tm);
			} else {
				snprintf(value, sizeof value, "Message-ID: <bench-%lu@bench.example>", i);
			}
			adds(&head, value);
			adds(&head, d->eol);
			while (*next == ' ' || *next == '\t') { /* folded */
				const char *nl = strchr(next, '\n');

				next = nl ? nl + 1 : next + strlen(next);
			}
			continue;
		}
		add(&head, l, next - l);
	}
	add(&body, d->body.p, d->body.n);
	for (v = 0; v < 4 && t->vary[v]; v++) {
		if (strchr(t->vary[v], '@'))
			email_of(t->vary[v], k, value, sizeof value);
		else
			phone_of(t->vary[v], k, value, sizeof value);
		replace_all(&head, t->vary[v], value);
		replace_all(&body, t->vary[v], value);
	}
	if (t->pad == PAD_QUOTE)
		pad_quote(&body, d->eol, (50 + rnd(151)) * 1024 - head.n);
	else if (t->pad == PAD_SCAN)
		pad_scan(&body, t->boundary, d->eol, i, (50 + rnd(151)) * 1024 - head.n);
	add(&out, head.p, head.n);
	if (d->b64) {
		adds(&out, d->eol);
		b64_encode(&out, (unsigned char *)body.p, body.n, d->eol);
	} else {
		add(&out, body.p, body.n);
	}
	snprintf(path, sizeof path, "%s/%ld.M%luP1.bench.example", outdir, (long)when, i);
	if (!(f = fopen(path, "wb")) || fwrite(out.p, 1, out.n, f) != out.n || fclose(f) != 0)
		die("cannot write %s%s", path, "");
	size = out.n;
	free(out.p);
	free(head.p);
	free(body.p);
	return size;
}

int main(int argc, char **argv)
{
	unsigned long n, i, j, total_w = 0, *sender_of = NULL, *senders = NULL, nsenders = 0;
	unsigned long count[NKINDS] = { 0 }, fresh = 0, again = 0, automatic = 0;
	unsigned *tmpl_of = NULL, repeat_pct = 10;
	size_t size, bytes = 0, smallest = (size_t)-1, largest = 0;
	char *end;

	if (argc < 4 || argc > 6) {
		fprintf(stderr, "usage: gen-mail TEMPLATE_DIR MAILDIR_NEW N [SEED [REPEAT_PERCENT]]\n");
		return 64;
	}
	n = strtoul(argv[3], &end, 10);
	if (*end || n < 1 || n > 9999999) {
		fprintf(stderr, "gen-mail: N must be 1 to 9999999\n");
		return 64;
	}
	rng_state = argc > 4 ? strtoull(argv[4], NULL, 10) : 1;
	if (argc > 5)
		repeat_pct = (unsigned)strtoul(argv[5], NULL, 10);
	for (i = 0; i < N_ELEMS(tmpls); i++) {
		load(argv[1], &tmpls[i], &loaded[i]);
		total_w += tmpls[i].weight;
	}
	if (!(tmpl_of = calloc(n + 1, sizeof *tmpl_of)) ||
	    !(sender_of = calloc(n + 1, sizeof *sender_of)) ||
	    !(senders = calloc(n + 1, sizeof *senders)))
		die("out of memory%s%s", "", "");
	for (i = 1; i <= n; i++) {
		unsigned long w = rnd((unsigned)total_w), k = i;
		unsigned t = 0;

		while (w >= tmpls[t].weight)
			w -= tmpls[t++].weight;
		if (!has_sender(&tmpls[t])) {
			automatic++;
		} else if (nsenders > 0 && rnd(100) < repeat_pct) {
			j = senders[rnd((unsigned)nsenders)]; /* an earlier sender writes again */
			t = tmpl_of[j];
			k = sender_of[j];
			again++;
		} else {
			senders[nsenders++] = i;
			fresh++;
		}
		tmpl_of[i] = t;
		sender_of[i] = k;
		count[tmpls[t].kind]++;
		size = write_letter(argv[2], &tmpls[t], &loaded[t], i, k);
		bytes += size;
		smallest = size < smallest ? size : smallest;
		largest = size > largest ? size : largest;
	}
	printf("letters: %lu in %.1f MB, %.1f to %.1f KB (%.1f KB on average):", n, bytes / 1e6,
	       smallest / 1024.0, largest / 1024.0, bytes / 1024.0 / n);
	for (i = 0; i < NKINDS; i++)
		printf("%s %lu %s", i ? "," : "", count[i], kind_names[i]);
	printf("\nsenders: %lu new, %lu writing again (%.1f%%), %lu automatic letters without one\n",
	       fresh, again, fresh + again ? 100.0 * again / (fresh + again) : 0.0, automatic);
	printf("expect: history %lu new-lead %lu skipped-autoreply %lu\nbytes: %zu\n", again, fresh,
	       automatic, bytes);
	return 0;
}
