/*
 * test-mailparse.c: unit tests for mailparse.c and mailrules.c: every
 * sample message of t/fixtures/mail (website forms, JivoSite transcripts,
 * letters) read through lib/mime.c, picked by the built-in rules and
 * parsed, each extracted field checked exactly; then the rules files
 * themselves (order, the user's file first, bad lines by number, Cyrillic
 * without regard to case) in temporary directories.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crm.h"
#include "tap.h"

static char tmp[256]; /* a temporary directory for rules files */

/* ---- helpers */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (s = malloc(n + 1)) != NULL) {
		*len = fread(s, 1, n, f);
		s[*len] = '\0';
	}
	fclose(f);
	return s;
}

static struct crm_message *load(const char *rel)
{
	const char *src = getenv("CRM_SRCDIR");
	struct crm_message *m = NULL;
	char path[1024], *raw;
	size_t len = 0;

	snprintf(path, sizeof path, "%s/t/fixtures/mail/%s", src ? src : ".", rel);
	raw = slurp(path, &len);
	if (!raw) {
		printf("# cannot read %s\n", path);
		return NULL;
	}
	if (crm_message_parse(raw, len, &m) != 0) {
		printf("# %s: %s\n", path, crm_error_message());
		m = NULL;
	}
	free(raw);
	return m;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) == EOF || fclose(f) != 0)
		printf("# cannot write %s: %s\n", path, strerror(errno));
}

struct want {
	const char *name, *phone, *email, *company, *text, *page;
};

static void is_field(const char *file, const char *field, const char *got,
		     const char *want)
{
	char name[256];

	snprintf(name, sizeof name, "%s: %s", file, field);
	tap_is(got, want, name);
}

static void check_sender(const char *file, const struct crm_sender *s,
			 const struct want *w)
{
	is_field(file, "name", s->name, w->name);
	is_field(file, "phone", s->phone, w->phone);
	is_field(file, "email", s->email, w->email);
	is_field(file, "company", s->company, w->company);
	is_field(file, "text", s->text, w->text);
	is_field(file, "page", s->page, w->page);
}

/* The fixture is picked for parser by the rules and parses to w. */
static void fixture(const struct crm_mailrules *rules, const char *file,
		    const char *parser, const struct want *w)
{
	struct crm_message *m = load(file);
	struct crm_sender s;
	char name[256];
	int rc;

	snprintf(name, sizeof name, "%s: parsed by mime", file);
	tap_ok(m != NULL, name);
	if (!m)
		return;
	snprintf(name, sizeof name, "%s: the built-in rules pick %s", file, parser);
	tap_is(rules ? crm_mailrules_match(rules, m) : NULL, parser, name);
	rc = crm_sender_read(parser, m, &s);
	snprintf(name, sizeof name, "%s: %s parser succeeds", file, parser);
	tap_ok(rc == 0, name);
	if (rc == 0)
		check_sender(file, &s, w);
	crm_sender_clear(&s);
	crm_message_free(m);
}

/* A message made by hand (no mime): text and the sender's addresses. */
static void fake(struct crm_message *m, const char *from_name,
		 const char *from_addr, const char *reply_name,
		 const char *reply_addr, const char *text)
{
	memset(m, 0, sizeof *m);
	m->from_name = (char *)from_name;
	m->from_addr = (char *)from_addr;
	m->reply_to_name = (char *)reply_name;
	m->reply_to_addr = (char *)reply_addr;
	m->text = (char *)text;
}

static void parse_fake(const char *what, const char *parser,
		       const struct crm_message *m, const struct want *w)
{
	struct crm_sender s;
	int rc = crm_sender_read(parser, m, &s);
	char name[256];

	snprintf(name, sizeof name, "%s: parses", what);
	tap_ok(rc == 0, name);
	if (rc == 0)
		check_sender(what, &s, w);
	crm_sender_clear(&s);
}

/* ---- the fixtures */

static void test_forms(const struct crm_mailrules *r)
{
	fixture(r, "forms/tilda.eml", "form", &(struct want){
		"Ольга Смирнова", "+7 (921) 555-12-34",
		"o.smirnova@vodokanal-spb.ru", NULL,
		"Нужен консольный насос К 100-65-200 с двигателем 30 кВт, 2 шт. "
		"Пришлите, пожалуйста, КП с доставкой до Санкт-Петербурга.",
		"https://nasos-prom.ru/konsolnye" });
	fixture(r, "forms/cf7.eml", "form", &(struct want){
		"Андрей Ковалёв", "8 (831) 412-33-10",
		"a.kovalev@stroymontazh-nn.ru", NULL,
		"Добрый день!\n"
		"Подберите, пожалуйста, винтовой компрессор для покрасочного "
		"цеха: 2,5 м3/мин, 8 бар, с осушителем.\n"
		"Мой телефон 8 (831) 412-33-10, звоните после 10:00.",
		"https://kompressor-pro.ru" });
	fixture(r, "forms/bitrix.eml", "form", &(struct want){
		"Петренко Игорь Васильевич", "8-928-765-43-21",
		"petrenko@agrokombinat.ru", NULL,
		"Добрый день! Интересует насос КМ 80-50-200 для полива, 3 шт.\n"
		"Прошу выставить счёт на ООО «Агрокомбинат Южный».",
		NULL });
	/* Reply-To is the site's own address: no e-mail */
	fixture(r, "forms/callback.eml", "form", &(struct want){
		"Виктор", "8 (912) 300-40-50", NULL, NULL, NULL,
		"https://kompressor-pro.ru/vintovye/" });
	/* no e-mail field: the customer is in Reply-To */
	fixture(r, "forms/wordpress-reply-to.eml", "form", &(struct want){
		"Марина Кузнецова", "+7 912 345 67 89",
		"m.kuznetsova@gk-stroyinvest.ru", "ГК «СтройИнвест»",
		"Нужна циркуляционная установка для ИТП, расход 25 м3/ч, "
		"напор 32 м.\nПрошу перезвонить до обеда.",
		"https://teplo-nasos.ru/cirkulyacionnye/" });
	fixture(r, "forms/elementor-en.eml", "form", &(struct want){
		"Thomas Becker", NULL, "t.becker@becker-anlagenbau.de",
		"Becker Anlagenbau GmbH",
		"We are looking for 4 submersible drainage pumps, 15 m3/h at "
		"12 m head,\nfor a construction site near Hamburg. Please send "
		"a quotation incl. delivery.",
		"https://pumps-europe.eu/contact/" });
}

static void test_jivo(const struct crm_mailrules *r)
{
	fixture(r, "jivo/offline.eml", "jivo", &(struct want){
		"Дмитрий", "+79031234567", "dmitry.orlov@bk.ru", NULL,
		"Добрый вечер. Есть ли в наличии дренажный насос Grundfos "
		"Unilift KP 350?\nНужен завтра утром, заберу сам.",
		"https://nasos-prom.ru/drenazhnye/unilift-kp-350" });
	/* the phone the visitor typed, not the one the operator gave */
	fixture(r, "jivo/transcript.eml", "jivo", &(struct want){
		"Сергей", "+7 343 210-55-66", "s.volkov@mehzavod.ru", NULL,
		"[14:02:11] Сергей: Здравствуйте! Нужен компрессор на 500 "
		"литров, 380 В.\n"
		"[14:02:40] Оператор Анна: Добрый день, Сергей! Для каких задач: "
		"покраска или пневмоинструмент?\n"
		"[14:03:25] Сергей: Пневмоинструмент в цеху, 4 поста.\n"
		"Давление до 10 бар.\n"
		"[14:04:02] Оператор Анна: Подойдёт Remeza СБ4/Ф-500.LB75. "
		"Оставьте телефон, инженер перезвонит. Наш номер 8 800 555-35-35.\n"
		"[14:05:10] Сергей: +7 343 210-55-66, спросить Сергея Волкова\n"
		"[14:05:30] Оператор Анна: Спасибо, передала инженеру.",
		"https://kompressor-pro.ru/porshnevye/remeza-sb4" });
	fixture(r, "jivo/transcript-en.eml", "jivo", &(struct want){
		"Maria Lopez", "+34 961 234 567", "maria.lopez@aguas-levante.es",
		NULL,
		"[09:15:02] Maria Lopez: Hello, do you ship booster sets to Spain?\n"
		"[09:15:40] Agent Tom: Hi Maria! Yes, delivery takes 10-14 days.\n"
		"[09:16:05] Maria Lopez: Great, please send a quote for 2 units, "
		"6 m3/h at 50 m.\n"
		"[09:16:30] Agent Tom: Sure, you will get it today.",
		"https://pumps-europe.eu/en/booster-sets" });
}

static void test_free(const struct crm_mailrules *r)
{
	/* INN, KPP, OGRN and bank details are no phones; the last phone is */
	fixture(r, "free/signature-1251.eml", "free", &(struct want){
		"Николай Степанов", "8-916-234-56-78",
		"n.stepanov@teploservice.ru", "ООО «ТеплоСервис»",
		"Добрый день!\n\n"
		"Просим подготовить коммерческое предложение на поставку:\n"
		"1. Насос Wilo IL 80/150-5,5/2 — 2 шт.\n"
		"2. Насос Grundfos TP 65-180/2 — 1 шт.\n"
		"Поставка до 15.12.2026, оплата по счёту 50/50.\n"
		"Реквизиты во вложении, ИНН 7725123456.",
		NULL });
	/* a public mail domain names no company; order numbers and dates
	 * are no phones */
	fixture(r, "free/gmail.eml", "free", &(struct want){
		"Алексей Морозов", "8 926 111-22-33",
		"alexey.morozov1985@gmail.com", NULL,
		"Здравствуйте.\n"
		"Подскажите, какой насос подойдёт для скважины 60 м, дебит 2 "
		"куба в час, дом 150 м2.\n"
		"Бюджет до 40 000 руб. Заказ № 100234 от 12.11.2026 у вас ещё "
		"не пришёл, кстати.\n"
		"Перезвоните мне, пожалуйста: 8 926 111-22-33\n\n"
		"Алексей",
		NULL });
	/* the quoted original (with our own phone) is not the customer's */
	fixture(r, "free/reply-quoted.eml", "free", &(struct want){
		"Елена Васильева", "+7 (812) 640-22-18",
		"e.vasilyeva@stroymash.su", "АО «Строймаш»",
		"Добрый день, Павел!\n\n"
		"Предложение получили, спасибо. Согласуем с руководством и "
		"вернёмся до пятницы.\n"
		"Уточните, пожалуйста, срок поставки по позиции 3.\n\n"
		"С уважением,\nЕлена Васильева\nАО «Строймаш»\n"
		"+7 (812) 640-22-18",
		NULL });
	fixture(r, "free/english.eml", "free", &(struct want){
		"James Whitfield", "+44 7700 900 123",
		"j.whitfield@nordicflow.co.uk", "Nordic Flow Systems Ltd.",
		"Hello,\n\n"
		"We are interested in your screw compressors for our plant in "
		"Riga.\n"
		"Could you send a quotation for two 37 kW units with dryers, "
		"delivery CIP Riga?\n\n"
		"Best regards,\nJames Whitfield\nProcurement Manager\n"
		"Nordic Flow Systems Ltd.\nTel: +44 20 7946 0321\n"
		"Mob: +44 7700 900 123",
		NULL });
	fixture(r, "free/outlook-original.eml", "free", &(struct want){
		"Сидоров Андрей", "8(3452)69-14-07", "sidorov.av@mail.ru",
		"ИП Сидоров А.В.",
		"Добрый день.\n"
		"Счёт оплатили сегодня, платёжка № 512 от 26.11.2026 во "
		"вложении.\n"
		"Когда можно забрать насосы со склада?\n\n"
		"ИП Сидоров А.В.\nт. 8(3452)69-14-07",
		NULL });
	fixture(r, "free/mobile.eml", "free", &(struct want){
		"Ирина", "89261234567", "irina.p@yandex.ru", NULL,
		"Добрый день! Нужна запчасть к компрессору Abac B6000/270 — "
		"обратный клапан. Есть в наличии? Мой номер 89261234567",
		NULL });
	/* no legal form in the signature: the company is the mail domain */
	fixture(r, "free/domain-koi8.eml", "free", &(struct want){
		"Ковалёв Пётр", "8 (4822) 55-66-77", "kovalev@vodokanal-tver.ru",
		"vodokanal-tver.ru",
		"Коллеги, добрый день.\n"
		"Пришлите, пожалуйста, паспорт и сертификат на насос СД 160/45, "
		"заводской номер 2211.",
		NULL });
}

/* ---- parsers on hand-made messages */

static void test_form_labels(void)
{
	struct crm_message m;

	fake(&m, NULL, "noreply@site.ru", NULL, NULL,
	     "ВАШЕ ИМЯ : Иван Петров\n"
	     "Эл.почта - ivan@example.com\n"
	     "Тел.\t8 916 000-00-01\n"
	     "Организация: ЗАО «Ромашка»\n"
	     "Отправлено со страницы: https://site.ru/a\n");
	parse_fake("labels in any case, spacing and separator", "form", &m,
		   &(struct want){ "Иван Петров", "8 916 000-00-01",
				   "ivan@example.com", "ЗАО «Ромашка»", NULL,
				   "https://site.ru/a" });
	fake(&m, NULL, "noreply@site.ru", NULL, NULL,
	     "Имя\nАнна\nТелефон\n+7 495 000-00-02\nКомментарий\nНужен насос\n");
	parse_fake("label and value on lines of their own (HTML tables)",
		   "form", &m, &(struct want){ "Анна", "+7 495 000-00-02", NULL,
					       NULL, "Нужен насос", NULL });
	fake(&m, NULL, "noreply@site.ru", NULL, NULL,
	     "Имя: Олег\nТелефон: 12345\nE-mail: oleg at mail.ru\n"
	     "Телефон: 8 (800) 000-00-03\n");
	parse_fake("a phone or e-mail that does not normalise is dropped",
		   "form", &m, &(struct want){ "Олег", "8 (800) 000-00-03", NULL,
					       NULL, NULL, NULL });
	fake(&m, NULL, "wordpress@site.ru", "Site", "info@site.ru",
	     "Name: Bob\n");
	parse_fake("Reply-To of the site's own domain is not the customer",
		   "form", &m, &(struct want){ "Bob", NULL, NULL, NULL, NULL,
					       NULL });
	fake(&m, NULL, "wordpress@site.ru", "Bob Smith", "bob@smith.org",
	     "Message: hello\n");
	parse_fake("Reply-To gives the e-mail and a missing name", "form", &m,
		   &(struct want){ "Bob Smith", NULL, "bob@smith.org", NULL,
				   "hello", NULL });
	fake(&m, NULL, "robot@builder.io", NULL, NULL,
	     "Name: Ana\nhttps://site.es/contacto\n\n"
	     "Comment: call me at (+34 96) 123 4567\n");
	parse_fake("a phone in the message; a bare URL line is the page", "form",
		   &m, &(struct want){ "Ana", "(+34 96) 123 4567", NULL, NULL,
				       "call me at (+34 96) 123 4567",
				       "https://site.es/contacto" });
	fake(&m, NULL, "x@site.ru", NULL, NULL, NULL);
	parse_fake("a message without text", "form", &m,
		   &(struct want){ NULL, NULL, NULL, NULL, NULL, NULL });
}

/* Public mail domains come from share/crm/freemail and the user's file
 * (written by main() before the first letter is read). */
static void test_freemail(void)
{
	static const char *const pub[] = {
		"zohomail.com", "yahoo.co.jp", "yahoo.com.hk", "bigmir.net", "ua.fm",
		"foxmail.com", "hotmail.fr", "GMail.COM", "qq.com", "my-free.example",
	};
	struct crm_message m;
	char addr[128], what[256];
	size_t i;

	for (i = 0; i < sizeof pub / sizeof *pub; i++) {
		snprintf(addr, sizeof addr, "li.wei@%s", pub[i]);
		snprintf(what, sizeof what, "%s is public mail: no company", pub[i]);
		fake(&m, "Li Wei", addr, NULL, NULL, "Need a pump.\n");
		parse_fake(what, "free", &m,
			   &(struct want){ "Li Wei", NULL, addr, NULL, "Need a pump.", NULL });
	}
	fake(&m, "Li Wei", "li.wei@hengli-pumps.cn", NULL, NULL, "Need a pump.\n");
	parse_fake("a company's own domain is its name", "free", &m,
		   &(struct want){ "Li Wei", NULL, "li.wei@hengli-pumps.cn", "hengli-pumps.cn",
				   "Need a pump.", NULL });
}

/* A company in a copyright line of the signature, without its marks. */
static void copyright(const char *line, const char *company)
{
	struct crm_message m;
	char text[512], what[600];

	snprintf(text, sizeof text, "Please quote.\n-- \nTom\n%s\n", line);
	snprintf(what, sizeof what, "company from \"%s\"", line);
	fake(&m, "Tom", "tom@mail.ru", NULL, NULL, text);
	parse_fake(what, "free", &m,
		   &(struct want){ "Tom", NULL, "tom@mail.ru", company, "Please quote.", NULL });
}

static void test_free_layout(void)
{
	struct crm_message m;

	fake(&m, "Ivan", "ivan@example.com", NULL, NULL,
	     "Чт, 26 нояб. 2026 г. в 10:00, Менеджер <m@our.ru>:\n"
	     "> Какой расход?\n"
	     "10 м3/ч.\n"
	     "> А напор?\n"
	     "30 м.\n");
	parse_fake("a bottom-posted reply keeps the answers", "free", &m,
		   &(struct want){ "Ivan", NULL, "ivan@example.com", "example.com",
				   "10 м3/ч.\n30 м.", NULL });
	fake(&m, "Ivan", "ivan@Example.COM", "Ivan P.", "ivan.p@Teplo-Pro.RU",
	     "Нужен насос.\n\nSent from my iPhone\n\n"
	     "On 26 Nov 2026, at 10:00, Sales <s@our.ru> wrote:\n"
	     "> Тел. 8 495 000-00-04\n");
	parse_fake("Reply-To first; Sent from my iPhone ends the letter", "free",
		   &m, &(struct want){ "Ivan P.", NULL, "ivan.p@Teplo-Pro.RU",
				       "teplo-pro.ru", "Нужен насос.", NULL });
	fake(&m, "\"ivan@mail.ru\"", "ivan@mail.ru", NULL, NULL,
	     "Цена 3 500 000 руб., счёт 40702810000000000001.\n"
	     "Дата 2026-11-26 10:00, ИНН 770123456789, КПП 770101001.\n"
	     "Заказ 8 916 000-00-05.\n"
	     "Сайт https://x.ru/id/89160000006 и 89160000007@mail.ru\n");
	parse_fake("sums, dates, tax numbers, orders, URLs: no phone", "free",
		   &m, &(struct want){ NULL, NULL, "ivan@mail.ru", NULL,
				       "Цена 3 500 000 руб., счёт "
				       "40702810000000000001.\n"
				       "Дата 2026-11-26 10:00, ИНН 770123456789, "
				       "КПП 770101001.\n"
				       "Заказ 8 916 000-00-05.\n"
				       "Сайт https://x.ru/id/89160000006 и "
				       "89160000007@mail.ru", NULL });
	fake(&m, "John", "john@acme.com", NULL, NULL,
	     "Hi.\n\nRegards,\nJohn\nAcme Pumps, Inc.\n"
	     "Tel.: +1 212 555 0100, fax: +1 212 555 0101\n");
	parse_fake("a company with a comma; a fax only when nothing else",
		   "free", &m, &(struct want){ "John", "+1 212 555 0100",
					       "john@acme.com", "Acme Pumps, Inc.",
					       "Hi.\n\nRegards,\nJohn\n"
					       "Acme Pumps, Inc.\n"
					       "Tel.: +1 212 555 0100, fax: "
					       "+1 212 555 0101", NULL });
	fake(&m, "Пётр", "petr@zavod.ru", NULL, NULL,
	     "Тел.: 8 (495) 000-00-08 доб. 123\n"
	     "р/с 40702810000000000001 в ПАО «Банк»\n");
	parse_fake("an extension stays with its number; no bank as company",
		   "free", &m, &(struct want){ "Пётр", "8 (495) 000-00-08 доб. 123",
					       "petr@zavod.ru", "zavod.ru",
					       "Тел.: 8 (495) 000-00-08 доб. 123\n"
					       "р/с 40702810000000000001 в ПАО "
					       "«Банк»", NULL });
}

static void test_jivo_chat(void)
{
	struct crm_message m;

	fake(&m, "Jivo", "no-reply@jivo.ru", NULL, NULL,
	     "Имя: Гость 4411\n"
	     "Page: https://site.ru/nasosy\n"
	     "\n"
	     "[26.11.2026 10:00:01] Посетитель: мой e-mail ivan.petrov@mail.ru,\n"
	     "тел 8 (916) 111-22-33\n"
	     "[26.11.2026 10:00:10] Оператор: наш телефон 8 800 000-00-00, "
	     "пишите sales@our.ru\n"
	     "-----\n"
	     "Сообщение: не текст\n");
	parse_fake("the visitor's typed phone and e-mail, not the operator's",
		   "jivo", &m, &(struct want){
			"Гость 4411", "8 (916) 111-22-33", "ivan.petrov@mail.ru",
			NULL,
			"[26.11.2026 10:00:01] Посетитель: мой e-mail "
			"ivan.petrov@mail.ru,\n"
			"тел 8 (916) 111-22-33\n"
			"[26.11.2026 10:00:10] Оператор: наш телефон 8 800 "
			"000-00-00, пишите sales@our.ru",
			"https://site.ru/nasosy" });
	fake(&m, "Jivo", "no-reply@jivo.ru", NULL, NULL,
	     "Имя: Олег\nТелефон: +7 903 000-00-09\n"
	     "[10:00:01] Олег: звоните 8 916 000-00-10\n");
	parse_fake("the phone of the details wins over the conversation", "jivo",
		   &m, &(struct want){ "Олег", "+7 903 000-00-09", NULL, NULL,
				       "[10:00:01] Олег: звоните 8 916 000-00-10",
				       NULL });
}

static void test_unknown_parser(void)
{
	struct crm_message m;
	struct crm_sender s;

	fake(&m, NULL, "a@b.ru", NULL, NULL, "x");
	tap_ok(crm_sender_read("html", &m, &s) == CRM_USAGE,
	       "an unknown parser is a usage error");
	tap_is(crm_error_message(),
	       "unknown mail parser \"html\" (form, jivo or free)",
	       "the message names the parsers");
	tap_ok(!s.name && !s.phone && !s.email && !s.company && !s.text && !s.page,
	       "the sender stays empty");
}

/* ---- rules files */

static void setenv_or(const char *k, const char *v)
{
	if (v)
		setenv(k, v, 1);
	else
		unsetenv(k);
}

static struct crm_message *msg(struct crm_message *m, const char *subject,
			       const char *from, const char *text)
{
	static struct crm_header h[3];

	memset(m, 0, sizeof *m);
	h[0].name = (char *)"Subject";
	h[0].value = (char *)subject;
	h[1].name = (char *)"FROM";
	h[1].value = (char *)from;
	h[2].name = (char *)"Received";
	h[2].value = (char *)"from mx.example.net";
	m->headers = h;
	m->nheaders = 3;
	m->text = (char *)text;
	return m;
}

/* Load text as a rules file; the status and, on failure, the message. */
static int load_text(const char *text, struct crm_mailrules **r, char *path,
		     size_t size)
{
	snprintf(path, size, "%s/rules", tmp);
	write_file(path, text);
	return crm_mailrules_load(path, r);
}

/* The built-in skip rules: machines that carry no sign of their own. */
static void test_skip_rules(const struct crm_mailrules *r)
{
	struct crm_message *m = load("auto/ses-notification.eml"), n;
	const char *rule;

	tap_ok(m != NULL, "SES notification: parsed by mime");
	if (m) {
		tap_is(crm_mailrules_pick(r, m, &rule), "skip", "SES notification: skipped by the rules");
		tap_is(rule, "From @(sns\\.amazonaws\\.com|([a-z0-9-]+\\.)*amazonses\\.com)>?$",
		       "SES notification: the rule is told");
	}
	crm_message_free(m);
	tap_is(crm_mailrules_match(r, msg(&n, "Bounce", "MAILER-DAEMON@eu-west-1.amazonses.com", "")),
	       "skip", "SES: any amazonses.com sender");
	tap_is(crm_mailrules_match(r, msg(&n, "x", "a@b.ru",
					  "{\"notificationType\":\"Complaint\",\"complaint\":{}}\n")),
	       "skip", "SES: the JSON of a notification forwarded by hand");
	tap_is(crm_mailrules_match(r, msg(&n, "x", "Ivan <ivan@amazonses.com.evil.ru>", "")),
	       "free", "SES: not a look-alike domain");
	tap_is(crm_mailrules_pick(r, msg(&n, "Письмо", "a@b.ru", ""), &rule), "free",
	       "a letter is not skipped");
	tap_is(rule, "*", "the last rule is told too");
}

static void test_rules_match(void)
{
	struct crm_mailrules *r;
	struct crm_message m;
	char path[512];
	int rc;

	rc = load_text("\xef\xbb\xbf# comment\n\n   \t\n"
		       "jivo  Subject   ^диалог с ПОСЕТИТЕЛЕМ\r\n"
		       "form from @tilda\\.ws>?$\n"
		       "form BODY ^(Имя|Name): \n"
		       "jivo Received mx\\.example\n"
		       "free Subject ^\\S+$\n"
		       "  # indented comment\n",
		       &r, path, sizeof path);
	tap_ok(rc == 0, "a rules file with a BOM, comments, blank lines and CRLF loads");
	if (rc != 0) {
		printf("# %s\n", crm_error_message());
		return;
	}
	tap_is(crm_mailrules_match(r, msg(&m, "ДИАЛОГ С посетителем Иван",
					  "a@b.ru", "")),
	       "jivo", "Cyrillic matches regardless of case (pattern and subject)");
	tap_is(crm_mailrules_match(r, msg(&m, "Заявка", "Tilda <ROBOT@TILDA.WS>",
					  "")),
	       "form", "a header name in any case, its value in any case");
	tap_is(crm_mailrules_match(r, msg(&m, "Заявка с сайта", "a@b.ru",
					  "Привет\nИМЯ: Анна\n")),
	       "form", "body: ^ matches at the start of any line");
	tap_is(crm_mailrules_match(r, msg(&m, "Заявка с сайта", "a@b.ru",
					  "Привет ИМЯ: Анна\n")),
	       "jivo", "body: not in the middle of a line; a later rule matches");
	tap_is(crm_mailrules_match(r, msg(&m, "Диалог с посетителем",
					  "robot@tilda.ws", "Имя: x\n")),
	       "jivo", "the first matching rule wins");
	crm_mailrules_free(r);

	rc = load_text("free Subject ^\\S+$\nform Subject .\n", &r, path,
		       sizeof path);
	tap_ok(rc == 0, "escapes load");
	if (rc == 0) {
		tap_is(crm_mailrules_match(r, msg(&m, "ЗАЯВКА", "a@b.ru", "")),
		       "free", "an escape keeps its case (\\S is not folded to \\s)");
		tap_is(crm_mailrules_match(r, msg(&m, "две заявки", "a@b.ru", "")),
		       "form", "\\S does not match a space");
		crm_mailrules_free(r);
	}

	rc = load_text("form Subject zzz\nform * \n", &r, path, sizeof path);
	tap_ok(rc == 0, "a rule with * loads");
	if (rc == 0) {
		tap_is(crm_mailrules_match(r, msg(&m, "x", "a@b.ru", NULL)),
		       "form", "* matches every message");
		crm_mailrules_free(r);
	}

	rc = load_text("form Subject zzz\nform X-Nothing .\n", &r, path,
		       sizeof path);
	tap_ok(rc == 0, "rules that match nothing load");
	if (rc == 0) {
		tap_is(crm_mailrules_match(r, msg(&m, "x", "a@b.ru", "zzz")),
		       "free", "no rule matches: free");
		crm_mailrules_free(r);
	}
	rc = load_text("", &r, path, sizeof path);
	tap_ok(rc == 0, "an empty file loads");
	if (rc == 0) {
		tap_is(crm_mailrules_match(r, msg(&m, "Заявка", "a@b.ru", "Имя: x")),
		       "free", "an empty file: free");
		crm_mailrules_free(r);
	}
}

static void bad_rules(const char *text, int line, const char *reason)
{
	struct crm_mailrules *r = (struct crm_mailrules *)&r;
	char path[512], want[1024], name[512];
	int rc;

	rc = load_text(text, &r, path, sizeof path);
	snprintf(name, sizeof name, "line %d (%s) is refused with status 78",
		 line, reason);
	tap_ok(rc == CRM_CONFIG, name);
	snprintf(name, sizeof name, "line %d (%s): out is NULL", line, reason);
	tap_ok(r == NULL, name);
	snprintf(want, sizeof want, "%s:%d: %s", path, line, reason);
	snprintf(name, sizeof name, "line %d (%s): the message", line, reason);
	if (strncmp(reason, "bad pattern", 11) == 0) {
		/* regerror's words are the C library's: compare the start */
		tap_ok(strncmp(crm_error_message(), want, strlen(want)) == 0, name);
		printf("# %s\n", crm_error_message());
	} else {
		tap_is(crm_error_message(), want, name);
	}
	if (rc == 0)
		crm_mailrules_free(r);
}

static void test_rules_bad(void)
{
	bad_rules("# ok\nform Subject a\nforms Subject b\n", 3,
		  "unknown parser \"forms\" (form, jivo, free or skip)");
	bad_rules("form Subject (unclosed\n", 1, "bad pattern \"(unclosed\": ");
	bad_rules("\n\nform Subject   \n", 3, "no pattern after \"Subject\"");
	bad_rules("jivo\n", 1, "no field after \"jivo\"");
	bad_rules("form Sub:ject x\n", 1,
		  "bad field \"Sub:ject\": a header name, body or *");
	bad_rules("free * .*\n", 1, "field \"*\" takes no pattern");
	bad_rules("form Subject \xd0\n", 1, "not valid UTF-8 text");
}

static void mkdirs(const char *path)
{
	char p[512], *s;

	snprintf(p, sizeof p, "%s", path);
	for (s = p + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0700);
			*s = '/';
		}
	}
	mkdir(p, 0700);
}

static void test_rules_files(void)
{
	char data[512], conf[512], home[512], path[600], want[700];
	struct crm_mailrules *r;
	struct crm_message m;
	int rc;

	snprintf(data, sizeof data, "%s/share", tmp);
	snprintf(conf, sizeof conf, "%s/xdg/crm", tmp);
	snprintf(home, sizeof home, "%s/home/.config/crm", tmp);
	mkdirs(data);
	mkdirs(conf);
	mkdirs(home);
	setenv("CRM_DATADIR", data, 1);
	setenv("XDG_CONFIG_HOME", strcat(strcpy(path, tmp), "/xdg"), 1);
	setenv("HOME", strcat(strcpy(path, tmp), "/home"), 1);

	rc = crm_mailrules_load(NULL, &r);
	snprintf(want, sizeof want, "%s/mailrules: No such file or directory", data);
	tap_ok(rc == CRM_CONFIG, "a missing built-in file is a configuration error");
	tap_is(crm_error_message(), want, "the message names the built-in file");

	snprintf(path, sizeof path, "%s/mailrules", data);
	write_file(path, "form Subject заявка\n");
	rc = crm_mailrules_load(NULL, &r);
	tap_ok(rc == 0, "the built-in file alone loads (no user file)");
	if (rc == 0) {
		tap_is(crm_mailrules_match(r, msg(&m, "Заявка", "a@b.ru", "")),
		       "form", "the built-in rule matches");
		crm_mailrules_free(r);
	}

	snprintf(path, sizeof path, "%s/mailrules", conf);
	write_file(path, "# mine\njivo Subject ЗАЯВКА\n");
	rc = crm_mailrules_load(NULL, &r);
	tap_ok(rc == 0, "the user's file and the built-in file load");
	if (rc == 0) {
		tap_is(crm_mailrules_match(r, msg(&m, "Заявка", "a@b.ru", "")),
		       "jivo", "the user's rules come first");
		tap_is(crm_mailrules_match(r, msg(&m, "Письмо", "a@b.ru", "")),
		       "free", "neither matches: free");
		crm_mailrules_free(r);
	}

	write_file(path, "jivo Subject ЗАЯВКА\njivo Subject [\n");
	rc = crm_mailrules_load(NULL, &r);
	snprintf(want, sizeof want, "%s:2: bad pattern \"[\": ", path);
	tap_ok(rc == CRM_CONFIG, "a bad line in the user's file fails");
	tap_ok(strncmp(crm_error_message(), want, strlen(want)) == 0,
	       "the message names the user's file and line");

	unsetenv("XDG_CONFIG_HOME");
	snprintf(path, sizeof path, "%s/mailrules", home);
	write_file(path, "free Subject заявка\n");
	rc = crm_mailrules_load(NULL, &r);
	tap_ok(rc == 0, "without XDG_CONFIG_HOME the file is under ~/.config");
	if (rc == 0) {
		tap_is(crm_mailrules_match(r, msg(&m, "Заявка", "a@b.ru", "")),
		       "free", "~/.config/crm/mailrules comes first");
		crm_mailrules_free(r);
	}
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	rc = crm_mailrules_load(NULL, &r);
	tap_ok(rc == 0, "a relative XDG_CONFIG_HOME is ignored (the spec says so)");
	if (rc == 0) {
		tap_is(crm_mailrules_match(r, msg(&m, "Заявка", "a@b.ru", "")),
		       "free", "and ~/.config is used instead");
		crm_mailrules_free(r);
	}

	rc = crm_mailrules_load(strcat(strcpy(path, tmp), "/nope"), &r);
	tap_ok(rc == CRM_CONFIG, "a missing file given by name is a configuration error");
}

/* ---- main */

static void rm_tree(const char *dir)
{
	static const char *const files[] = {
		"rules", "share/mailrules", "xdg/crm/mailrules",
		"home/.config/crm/mailrules", "xdg/crm", "xdg", "share",
		"home/.config/crm", "home/.config", "home", "",
	};
	char p[600];
	size_t i;

	for (i = 0; i < sizeof files / sizeof *files; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, files[i]);
		if (remove(p) != 0 && errno != ENOENT)
			printf("# cannot remove %s: %s\n", p, strerror(errno));
	}
}

/* ---- label lines of the rules file */

static void test_label_lines(void)
{
	char path[600];
	struct crm_mailrules *r = NULL;
	struct crm_message m;
	struct crm_sender s;
	const char *field, *w;
	int rc;

	snprintf(path, sizeof path, "%s/labels.rules", tmp);
	write_file(path, "# a new site\n"
			 "label name   Как к Вам обращаться?|Представьтесь\n"
			 "label phone  Номер для обратной связи\n"
			 "label e-mail Куда ответить\n"
			 "label text   Опишите задачу | Задача\n"
			 "label ignore Город доставки\n"
			 "label visitor Покупатель\n"
			 "form * \n");
	rc = crm_mailrules_load(path, &r);
	if (rc)
		printf("# %s\n", crm_error_message());
	tap_ok(rc == 0, "label lines load");
	if (rc)
		return;
	w = crm_mailrules_label(r, 0, &field);
	tap_is(w, "как к вам обращаться?", "a label is kept folded");
	tap_is(field, "name", "with its field");
	w = crm_mailrules_label(r, 5, &field);
	tap_is(w, "задача", "alternatives are split at | and trimmed");
	tap_is(field, "text", "e-mail is email; text is text");
	tap_ok(crm_mailrules_label(r, 8, &field) == NULL, "no more labels than written");

	fake(&m, "Сайт", "noreply@site.ru", NULL, NULL,
	     "ПРЕДСТАВЬТЕСЬ: Ольга Ким\nНомер для обратной связи: 8 (812) 600-10-20\n"
	     "Куда ответить - olga.kim@lenflow.ru\nОпишите задачу:\nНасос для ГВС,\n40 м3/ч.\n"
	     "Город доставки: Санкт-Петербург\n");
	rc = crm_sender_read_rules("form", r, &m, &s);
	tap_ok(rc == 0, "a form with the labels of label lines parses");
	if (rc == 0)
		check_sender("label lines (form)", &s, &(struct want){ "Ольга Ким",
			     "8 (812) 600-10-20", "olga.kim@lenflow.ru", NULL,
			     "Насос для ГВС,\n40 м3/ч.", NULL });
	crm_sender_clear(&s);
	rc = crm_sender_read("form", &m, &s);
	tap_ok(rc == 0 && !s.name && !s.email, "without the rules those labels are unknown");
	crm_sender_clear(&s);

	fake(&m, "Jivo", "no-reply@jivo.ru", NULL, NULL,
	     "Посетитель оставил сообщение.\n\nПредставьтесь: Ольга\n"
	     "Номер для обратной связи: +7 921 000-11-22\nEmail: olga@mail.ru\n"
	     "Задача: Нужен дренажный насос.\n");
	rc = crm_sender_read_rules("jivo", r, &m, &s);
	tap_ok(rc == 0, "a JivoSite message with the labels of label lines parses");
	if (rc == 0)
		check_sender("label lines (jivo)", &s, &(struct want){ "Ольга",
			     "+7 921 000-11-22", "olga@mail.ru", NULL,
			     "Нужен дренажный насос.", NULL });
	crm_sender_clear(&s);

	fake(&m, "Jivo", "no-reply@jivo.ru", NULL, NULL,
	     "Диалог с посетителем\n\n"
	     "[10:00:01] Оператор Анна: Здравствуйте! Наш телефон 8 800 555-35-35.\n"
	     "[10:00:30] Покупатель: Перезвоните мне: 8 926 111-22-33, ivan@zavod.ru\n"
	     "----\n");
	rc = crm_sender_read_rules("jivo", r, &m, &s);
	tap_ok(rc == 0 && s.phone && strcmp(s.phone, "8 926 111-22-33") == 0,
	       "a chat speaker of a visitor label line is the visitor");
	crm_sender_clear(&s);
	rc = crm_sender_read("jivo", &m, &s);
	tap_ok(rc == 0 && !s.phone, "without the rules that speaker is not the visitor");
	crm_sender_clear(&s);
	crm_mailrules_free(r);

	write_file(path, "label\n");
	tap_ok(crm_mailrules_load(path, &r) == CRM_CONFIG, "a label line without a field is refused");
	write_file(path, "label phone\n");
	tap_ok(crm_mailrules_load(path, &r) == CRM_CONFIG, "a label line without labels is refused");
	write_file(path, "label fax Факс\n");
	tap_ok(crm_mailrules_load(path, &r) == CRM_CONFIG, "an unknown label field is refused");
	tap_ok(strstr(crm_error_message(), "labels.rules:1: unknown label field \"fax\"") != NULL,
	       "naming the file, the line and the field");
}

/* ---- phones in signatures: labels first, never a fax, never an address */

/* The phone the free parser takes from a letter with this signature. */
static void sig_phone(const char *what, const char *sig, const char *want)
{
	struct crm_message m;
	struct crm_sender s;
	char text[2048], name[256];

	snprintf(text, sizeof text, "Добрый день. Прошу счёт на насос.\n\n%s", sig);
	fake(&m, "Sender", "sender@zavod.ru", NULL, NULL, text);
	snprintf(name, sizeof name, "signature phone: %s", what);
	if (crm_sender_read("free", &m, &s) != 0) {
		tap_ok(0, name);
		return;
	}
	tap_is(s.phone, want, name);
	crm_sender_clear(&s);
}

static void test_signature_phones(void)
{
	sig_phone("a US street address and ZIP+5 are no phone",
		  "--\nJohn Miller\nPacific Pumps LLC\n"
		  "46555 Santa Monica Blvd, Suite 46555\nLos Angeles, CA 46555-46555\n",
		  NULL);
	sig_phone("the address, then T: and F: (Dubai)",
		  "Best regards,\nAhmed Al Mansouri\nGulf Flow Trading LLC\n"
		  "Office 1204, Bay Square 11, Business Bay, Dubai\n"
		  "T: +971 4 33 508 34\nF: +971 4 42 5359 61\n",
		  "+971 4 33 508 34");
	sig_phone("F: after T: on one line",
		  "Regards,\nPiotr\nT: +48 22 123 45 67  F: +48 22 123 45 68\n",
		  "+48 22 123 45 67");
	sig_phone("a fax alone is no phone",
		  "С уважением,\nОтдел снабжения\nФакс: (495) 123-45-67\n", NULL);
	sig_phone("Fax: last, Phone: before it",
		  "Thanks,\nMary Jones\nPhone: +44 20 7946 0958\nFax: +44 20 7946 0959\n",
		  "+44 20 7946 0958");
	sig_phone("тел./факс is a phone",
		  "С уважением,\nИ. Петров\nТел./факс: 8 (3452) 55-66-77\n",
		  "8 (3452) 55-66-77");
	sig_phone("Тел., then факс on the same line",
		  "С уважением,\nООО «Теплосервис»\nТел.: +7 (495) 123-45-67, факс: +7 (495) 123-45-68\n",
		  "+7 (495) 123-45-67");
	sig_phone("Russian address with индекс, ул., д. and a labelled phone",
		  "С уважением,\nСергей Иванов\nООО «Завод Насосов»\n"
		  "Адрес: 620014, г. Екатеринбург, ул. Малышева, д. 51, оф. 3401\n"
		  "Телефон: +7 (343) 355-12-34\n",
		  "+7 (343) 355-12-34");
	sig_phone("an address line's numbers without a label",
		  "С уважением,\nАнна\n"
		  "Почтовый адрес: 443080, г. Самара, Московское шоссе, д. 4, корп. 15, 4-й этаж\n",
		  NULL);
	sig_phone("a labelled mobile beats an unlabelled office number",
		  "С уважением,\nДмитрий\n8 (812) 600-11-22\nмоб. 8 921 900-11-22\n",
		  "8 921 900-11-22");
	sig_phone("Mobile: and WhatsApp:",
		  "Kind regards,\nLi Wei\nMobile/WhatsApp: +86 138 0013 8000\nFax: +86 21 5555 0000\n",
		  "+86 138 0013 8000");
	sig_phone("slashes around the area code",
		  "З повагою,\nОлег Коваль\nТОВ «Гідромаш»\nтел. +38 /044/ 237 90 05\n",
		  "+38 /044/ 237 90 05");
	sig_phone("Tel with an extension, Fax after",
		  "Regards,\nHans Becker\nTel +49 89 1234 5678 ext. 12\nFax +49 89 1234 5679\n",
		  "+49 89 1234 5678 ext. 12");
	sig_phone("an unlabelled number still counts",
		  "Иван Петров\n+7 916 123-45-67\n", "+7 916 123-45-67");
	sig_phone("a German street and postcode, then Tel.:",
		  "Mit freundlichen Grüßen\nKlaus Weber\nPumpen GmbH\nHauptstraße 12, 80331 München\n"
		  "Tel.: +49 89 998877 0\n",
		  "+49 89 998877 0");
	sig_phone("a Russian six-digit index alone on its line",
		  "С уважением,\nМ. Соколова\n119049, Москва\n", NULL);
	sig_phone("W: is the web site, M: the mobile",
		  "Regards,\nAnna Berg\nW: www.nordicflow.se\nM: +46 70 123 45 67\n"
		  "Box 1234, 111 22 Stockholm\n",
		  "+46 70 123 45 67");
	sig_phone("a phone on the address line with a label",
		  "С уважением,\nООО «Гидро»\n644010, г. Омск, ул. Ленина, д. 10, тел. (3812) 21-43-65\n",
		  "(3812) 21-43-65");
	sig_phone("ИНН and КПП on the line are no phone, the mobile is",
		  "С уважением,\nИП Сидоров А. В.\nИНН 550123456789\nСот. 8-913-600-70-80\n",
		  "8-913-600-70-80");
	sig_phone("P.O. Box and a US phone labelled P:",
		  "Regards,\nTom\nP.O. Box 12345, Houston, TX 77002-1234\nP: +1 713 555 0199\n",
		  "+1 713 555 0199");
}

int main(void)
{
	const char *src = getenv("CRM_SRCDIR"), *t = getenv("TMPDIR");
	struct crm_mailrules *rules = NULL;
	char dir[1024];

	snprintf(tmp, sizeof tmp, "%s/test-mailparse.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmp)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	/* the built-in rules of the source tree, and no user file */
	snprintf(dir, sizeof dir, "%s/share/crm", src ? src : ".");
	setenv("CRM_DATADIR", dir, 1);
	setenv_or("XDG_CONFIG_HOME", tmp);
	snprintf(dir, sizeof dir, "%s/crm", getenv("XDG_CONFIG_HOME"));
	mkdir(dir, 0700);
	strcat(dir, "/freemail");
	write_file(dir, "# the company's own\nmy-free.example\n\n");
	snprintf(dir, sizeof dir, "%s/share/crm", src ? src : ".");
	if (crm_mailrules_load(NULL, &rules) != 0)
		printf("# %s\n", crm_error_message());
	tap_ok(rules != NULL, "the built-in rules load");

	test_forms(rules);
	test_jivo(rules);
	test_free(rules);
	test_skip_rules(rules);
	crm_mailrules_free(rules);
	test_form_labels();
	test_free_layout();
	test_signature_phones();
	test_label_lines();
	test_freemail();
	copyright("\xc2\xa9" "2001 PROVANTAGE Corporation", "PROVANTAGE Corporation");
	copyright("Copyright (c) 1998-2026 Acme Pumps Inc. All rights reserved.", "Acme Pumps Inc.");
	copyright("\xc2\xa9 2010\xe2\x80\x93" "26, Nordic Flow Ltd", "Nordic Flow Ltd");
	copyright("(C) 2026 Hengli Pumps Co., Ltd.", "Hengli Pumps Co., Ltd.");
	copyright("1000 Pumps Ltd", "1000 Pumps Ltd");
	test_jivo_chat();
	test_unknown_parser();
	test_rules_match();
	test_rules_bad();
	test_rules_files();
	rm_tree(tmp);
	return tap_done();
}
