/*
 * gen-requests: print N realistic incoming requests as crm-tsv(5) for
 * `crm-lead add`, deterministic for a seed. Russian and Latin names,
 * companies, phone numbers in the spellings people use, e-mail addresses,
 * texts about pumps and compressors; about one record in ten (or the
 * percentage given) comes again from an earlier sender, with the phone
 * spelled differently or the e-mail in another case. Every other sender's
 * phone and e-mail are unique, so the number of parties is predictable.
 *
 * usage: gen-requests N [SEED [REPEAT_PERCENT]]
 * Only libc; build with `cc -O2 -o gen-requests gen-requests.c`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- a deterministic generator (splitmix64) */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static unsigned rnd(unsigned n)
{
	return (unsigned)((rnd64() >> 11) % n);
}

/* True with probability pct percent. */
static int chance(unsigned pct)
{
	return rnd(100) < pct;
}

#define PICK(a) ((a)[rnd(N_ELEMS(a))])

/* ---- word pools */

struct word {
	const char *ru, *lat;
};

/* Surnames in the masculine form; the feminine adds "а" (or "ая" for -ий). */
static const struct word surnames[] = {
	{ "Иванов", "ivanov" }, { "Смирнов", "smirnov" }, { "Кузнецов", "kuznetsov" },
	{ "Попов", "popov" }, { "Васильев", "vasiliev" }, { "Петров", "petrov" },
	{ "Соколов", "sokolov" }, { "Михайлов", "mikhailov" }, { "Новиков", "novikov" },
	{ "Фёдоров", "fedorov" }, { "Морозов", "morozov" }, { "Волков", "volkov" },
	{ "Алексеев", "alekseev" }, { "Лебедев", "lebedev" }, { "Семёнов", "semenov" },
	{ "Егоров", "egorov" }, { "Павлов", "pavlov" }, { "Козлов", "kozlov" },
	{ "Степанов", "stepanov" }, { "Николаев", "nikolaev" }, { "Орлов", "orlov" },
	{ "Андреев", "andreev" }, { "Макаров", "makarov" }, { "Никитин", "nikitin" },
	{ "Захаров", "zakharov" }, { "Зайцев", "zaitsev" }, { "Соловьёв", "soloviev" },
	{ "Борисов", "borisov" }, { "Яковлев", "yakovlev" }, { "Григорьев", "grigoriev" },
	{ "Романов", "romanov" }, { "Воробьёв", "vorobiev" }, { "Сергеев", "sergeev" },
	{ "Кузьмин", "kuzmin" }, { "Фролов", "frolov" }, { "Александров", "aleksandrov" },
	{ "Дмитриев", "dmitriev" }, { "Королёв", "korolev" }, { "Гусев", "gusev" },
	{ "Киселёв", "kiselev" }, { "Ильин", "ilyin" }, { "Максимов", "maksimov" },
	{ "Поляков", "polyakov" }, { "Сорокин", "sorokin" }, { "Виноградов", "vinogradov" },
	{ "Ковалёв", "kovalev" }, { "Белов", "belov" }, { "Медведев", "medvedev" },
	{ "Антонов", "antonov" }, { "Тарасов", "tarasov" }, { "Жуков", "zhukov" },
	{ "Баранов", "baranov" }, { "Филиппов", "filippov" }, { "Комаров", "komarov" },
	{ "Давыдов", "davydov" }, { "Беляев", "belyaev" }, { "Герасимов", "gerasimov" },
	{ "Богданов", "bogdanov" }, { "Осипов", "osipov" }, { "Сидоров", "sidorov" },
	{ "Матвеев", "matveev" }, { "Титов", "titov" }, { "Марков", "markov" },
	{ "Миронов", "mironov" }, { "Крылов", "krylov" }, { "Куликов", "kulikov" },
	{ "Карпов", "karpov" }, { "Власов", "vlasov" }, { "Мельников", "melnikov" },
	{ "Денисов", "denisov" }, { "Гаврилов", "gavrilov" }, { "Тихонов", "tikhonov" },
	{ "Казаков", "kazakov" }, { "Афанасьев", "afanasiev" }, { "Данилов", "danilov" },
	{ "Савельев", "saveliev" }, { "Тимофеев", "timofeev" }, { "Фомин", "fomin" },
	{ "Чернов", "chernov" }, { "Абрамов", "abramov" }, { "Мартынов", "martynov" },
	{ "Ефимов", "efimov" }, { "Федотов", "fedotov" }, { "Щербаков", "shcherbakov" },
	{ "Назаров", "nazarov" }, { "Калинин", "kalinin" }, { "Исаев", "isaev" },
	{ "Чернышёв", "chernyshev" }, { "Быков", "bykov" }, { "Маслов", "maslov" },
	{ "Родионов", "rodionov" }, { "Коновалов", "konovalov" }, { "Лазарев", "lazarev" },
	{ "Воронин", "voronin" }, { "Климов", "klimov" }, { "Филатов", "filatov" },
	{ "Пономарёв", "ponomarev" }, { "Голубев", "golubev" }, { "Кудрявцев", "kudryavtsev" },
	{ "Прохоров", "prokhorov" }, { "Наумов", "naumov" }, { "Потапов", "potapov" },
	{ "Журавлёв", "zhuravlev" }, { "Овчинников", "ovchinnikov" }, { "Трофимов", "trofimov" },
	{ "Леонов", "leonov" }, { "Соболев", "sobolev" }, { "Ермаков", "ermakov" },
	{ "Колесников", "kolesnikov" }, { "Гончаров", "goncharov" }, { "Емельянов", "emelyanov" },
	{ "Никифоров", "nikiforov" }, { "Грачёв", "grachev" }, { "Котов", "kotov" },
	{ "Гришин", "grishin" }, { "Ефремов", "efremov" }, { "Архипов", "arkhipov" },
	{ "Громов", "gromov" }, { "Кириллов", "kirillov" }, { "Малышев", "malyshev" },
	{ "Панов", "panov" }, { "Моисеев", "moiseev" }, { "Румянцев", "rumyantsev" },
	{ "Акимов", "akimov" }, { "Кондратьев", "kondratiev" }, { "Бирюков", "biryukov" },
	{ "Горбунов", "gorbunov" }, { "Анисимов", "anisimov" }, { "Ерёмин", "eremin" },
	{ "Тихомиров", "tikhomirov" }, { "Галкин", "galkin" }, { "Лукьянов", "lukyanov" },
	{ "Михеев", "mikheev" }, { "Скворцов", "skvortsov" }, { "Юдин", "yudin" },
	{ "Белоусов", "belousov" }, { "Нестеров", "nesterov" }, { "Симонов", "simonov" },
	{ "Прокофьев", "prokofiev" }, { "Харитонов", "kharitonov" }, { "Князев", "knyazev" },
	{ "Цветков", "tsvetkov" }, { "Левин", "levin" }, { "Митрофанов", "mitrofanov" },
	{ "Воронов", "voronov" }, { "Аксёнов", "aksenov" }, { "Софронов", "sofronov" },
	{ "Мальцев", "maltsev" }, { "Логинов", "loginov" }, { "Горшков", "gorshkov" },
	{ "Савин", "savin" }, { "Краснов", "krasnov" }, { "Майоров", "mayorov" },
	{ "Демидов", "demidov" }, { "Елисеев", "eliseev" }, { "Рыбаков", "rybakov" },
	{ "Сафонов", "safonov" }, { "Плотников", "plotnikov" }, { "Буров", "burov" },
	{ "Ершов", "ershov" }, { "Шестаков", "shestakov" }, { "Гордеев", "gordeev" },
	{ "Шубин", "shubin" }, { "Кулагин", "kulagin" }, { "Лаптев", "laptev" },
	{ "Сазонов", "sazonov" }, { "Хабибуллин", "khabibullin" }, { "Гарипов", "garipov" },
	{ "Зиннатуллин", "zinnatullin" }, { "Ахметов", "akhmetov" }, { "Шевченко", "shevchenko" },
	{ "Бондаренко", "bondarenko" }, { "Ткаченко", "tkachenko" }, { "Кравченко", "kravchenko" },
};

struct given {
	const char *ru, *lat, *patr_m, *patr_f;
};

static const struct given male[] = {
	{ "Александр", "aleksandr", "Александрович", "Александровна" },
	{ "Сергей", "sergey", "Сергеевич", "Сергеевна" },
	{ "Дмитрий", "dmitry", "Дмитриевич", "Дмитриевна" },
	{ "Андрей", "andrey", "Андреевич", "Андреевна" },
	{ "Алексей", "aleksey", "Алексеевич", "Алексеевна" },
	{ "Максим", "maksim", "Максимович", "Максимовна" },
	{ "Евгений", "evgeny", "Евгеньевич", "Евгеньевна" },
	{ "Иван", "ivan", "Иванович", "Ивановна" },
	{ "Михаил", "mikhail", "Михайлович", "Михайловна" },
	{ "Николай", "nikolay", "Николаевич", "Николаевна" },
	{ "Владимир", "vladimir", "Владимирович", "Владимировна" },
	{ "Павел", "pavel", "Павлович", "Павловна" },
	{ "Олег", "oleg", "Олегович", "Олеговна" },
	{ "Виктор", "viktor", "Викторович", "Викторовна" },
	{ "Юрий", "yury", "Юрьевич", "Юрьевна" },
	{ "Игорь", "igor", "Игоревич", "Игоревна" },
	{ "Роман", "roman", "Романович", "Романовна" },
	{ "Константин", "konstantin", "Константинович", "Константиновна" },
	{ "Вячеслав", "vyacheslav", "Вячеславович", "Вячеславовна" },
	{ "Геннадий", "gennady", "Геннадьевич", "Геннадьевна" },
	{ "Анатолий", "anatoly", "Анатольевич", "Анатольевна" },
	{ "Артём", "artem", "Артёмович", "Артёмовна" },
	{ "Денис", "denis", "Денисович", "Денисовна" },
	{ "Валерий", "valery", "Валерьевич", "Валерьевна" },
	{ "Ринат", "rinat", "Ринатович", "Ринатовна" },
	{ "Рустам", "rustam", "Рустамович", "Рустамовна" },
	{ "Илья", "ilya", "Ильич", "Ильинична" },
	{ "Пётр", "petr", "Петрович", "Петровна" },
	{ "Григорий", "grigory", "Григорьевич", "Григорьевна" },
	{ "Станислав", "stanislav", "Станиславович", "Станиславовна" },
};

static const struct word female[] = {
	{ "Елена", "elena" }, { "Ольга", "olga" }, { "Наталья", "natalia" },
	{ "Татьяна", "tatiana" }, { "Ирина", "irina" }, { "Светлана", "svetlana" },
	{ "Анна", "anna" }, { "Мария", "maria" }, { "Екатерина", "ekaterina" },
	{ "Юлия", "yulia" }, { "Марина", "marina" }, { "Галина", "galina" },
	{ "Людмила", "lyudmila" }, { "Наталия", "natalia" }, { "Оксана", "oksana" },
	{ "Анастасия", "anastasia" }, { "Валентина", "valentina" }, { "Дарья", "daria" },
	{ "Гульнара", "gulnara" }, { "Вера", "vera" }, { "Надежда", "nadezhda" },
	{ "Ксения", "ksenia" }, { "Алла", "alla" }, { "Лариса", "larisa" },
};

static const struct word latin_first[] = {
	{ "John", "john" }, { "Michael", "michael" }, { "David", "david" },
	{ "Peter", "peter" }, { "Thomas", "thomas" }, { "Hans", "hans" },
	{ "Klaus", "klaus" }, { "Stefan", "stefan" }, { "Marco", "marco" },
	{ "Luca", "luca" }, { "Pierre", "pierre" }, { "Jan", "jan" },
	{ "Lars", "lars" }, { "Mehmet", "mehmet" }, { "Wei", "wei" },
	{ "Anna", "anna" }, { "Sarah", "sarah" }, { "Julia", "julia" },
	{ "Emma", "emma" }, { "Laura", "laura" }, { "Aigerim", "aigerim" },
	{ "Nurlan", "nurlan" }, { "Timur", "timur" }, { "Giorgi", "giorgi" },
};

static const struct word latin_last[] = {
	{ "Smith", "smith" }, { "Brown", "brown" }, { "Miller", "miller" },
	{ "Müller", "mueller" }, { "Schmidt", "schmidt" }, { "Schneider", "schneider" },
	{ "Fischer", "fischer" }, { "Weber", "weber" }, { "Rossi", "rossi" },
	{ "Bianchi", "bianchi" }, { "Dubois", "dubois" }, { "Lefèvre", "lefevre" },
	{ "Kowalski", "kowalski" }, { "Nowak", "nowak" }, { "Jensen", "jensen" },
	{ "Andersson", "andersson" }, { "Yılmaz", "yilmaz" }, { "Zhang", "zhang" },
	{ "Wang", "wang" }, { "Novák", "novak" }, { "O'Brien", "obrien" },
	{ "Nazarbayev", "nazarbayev" }, { "Abdullaev", "abdullaev" }, { "Beridze", "beridze" },
};

/* Company names: Russian, with a Latin spelling for the domain. */
static const struct word company_ru[] = {
	{ "Гидромаш", "gidromash" }, { "Промнасос", "promnasos" },
	{ "ТеплоСервис", "teploservice" }, { "Водоканал-Инжиниринг", "vk-eng" },
	{ "Компрессорные технологии", "comptech" }, { "Энергомаш", "energomash" },
	{ "СтройТехМонтаж", "stm" }, { "Агрокомплекс", "agrokompleks" },
	{ "Нефтегазсервис", "ngs" }, { "Уралхиммаш", "uralhimmash" },
	{ "Сибирская насосная компания", "snk" }, { "Волгатехснаб", "vts" },
	{ "Термотехника", "termotech" }, { "ПромАвтоматика", "promavtomatika" },
	{ "Северсталь-Ремонт", "ssremont" }, { "Аквасистемы", "aquasys" },
	{ "ГазЭнергоСтрой", "gesstroy" }, { "Металлург", "metallurg" },
	{ "Кубаньводстрой", "kvs" }, { "Тепловые сети", "teploseti" },
	{ "Ремонтно-механический завод", "rmz" }, { "Химпром", "himprom" },
	{ "ДонБасНасос", "dbn" }, { "Пневмомаш", "pnevmomash" },
	{ "Ижсталь", "izhstal" }, { "Мосводоканалстрой", "mvks" },
	{ "Ромашка", "romashka" }, { "Вектор", "vektor" }, { "Альфа-Инжиниринг", "alfa-eng" },
	{ "Техноресурс", "tehnoresurs" }, { "Стройресурс", "stroyresurs" },
	{ "ЖКХ Сервис", "zhkh-servis" }, { "Молочный комбинат", "molkombinat" },
	{ "Пивоваренная компания", "pivko" }, { "Саратовский НПЗ", "snpz" },
};

static const char *const company_ru_form[] = {
	"ООО «%s»", "ООО «%s»", "ООО «%s»", "ООО «%s»", "АО «%s»", "ЗАО «%s»",
	"ПАО «%s»", "ООО «ТД %s»", "ООО «%s-М»", "АО «%s-Сервис»", "МУП «%s»",
	"ООО %s", "АО %s", "ГУП «%s»",
};

static const struct word company_lat[] = {
	{ "Pumpex", "pumpex" }, { "Nordic Flow", "nordicflow" }, { "Hydro Systems", "hydrosys" },
	{ "AirPower", "airpower" }, { "Baltic Engineering", "balteng" },
	{ "Kaspi Industrial", "kaspi-ind" }, { "Euro Compressors", "eurocomp" },
	{ "Steppe Water", "steppewater" }, { "Caucasus Energy", "caucenergy" },
	{ "Global Pumps Trading", "gpt" },
};

static const char *const company_lat_form[] = {
	"%s Ltd", "%s LLC", "%s GmbH", "%s LLP", "%s Inc.", "%s s.r.o.", "%s OÜ",
};

static const char *const free_mail[] = {
	"mail.ru", "mail.ru", "mail.ru", "yandex.ru", "yandex.ru", "ya.ru", "gmail.com",
	"gmail.com", "bk.ru", "inbox.ru", "list.ru", "rambler.ru", "yahoo.com",
};

static const char *const pumps[] = {
	"К 80-50-200", "К 100-65-250", "КМ 80-50-200", "КМ 100-80-160", "ЦНС 38-44",
	"ЦНС 60-132", "ЦНС 105-196", "1Д 315-71", "Д 500-63", "НШ 32", "ВК 2/26",
	"ГНОМ 25-20", "ГНОМ 10-10", "ЭЦВ 6-10-110", "ЭЦВ 8-25-100", "СД 80/18",
	"НМШ 5-25", "АХ 50-32-200", "Grundfos CR 10-4", "Grundfos NB 65-200",
	"Wilo TOP-S 40/10", "Wilo IL 80/170", "КСВ 200-130", "ЦМК 16-27", "ПДВ 25/20",
};

static const char *const compressors[] = {
	"ВКУ-7/8", "ВК-15", "СБ4/Ф-500.LB75", "Remeza СБ4/С-100", "ABAC B6000",
	"ПКС-5,25", "К-24", "4ВУ1-5/9", "ВВ-0,8/10", "Atlas Copco GA 30",
	"ЗИФ ПВ-10", "КТ-6", "ВП3-20/9", "NK-100",
};

static const char *const greetings[] = {
	"Добрый день!", "Здравствуйте!", "Здравствуйте.", "Добрый день.", "Уважаемые коллеги!",
	"Доброе утро!", "Good afternoon,",
};

static const char *const closings[] = {
	"С уважением,", "С уважением.", "Спасибо.", "Заранее спасибо!", "Жду ответа.",
	"Best regards,",
};

/* ---- output with crm-tsv(5) escaping */

static void put_field(const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\t': fputs("\\t", stdout); break;
		case '\n': fputs("\\n", stdout); break;
		case '\r': fputs("\\r", stdout); break;
		case '\\': fputs("\\\\", stdout); break;
		default: putchar_unlocked(*s);
		}
	}
}

/* ---- phones: 10 national digits, area code (3 or 4 digits) + subscriber */

struct code {
	const char *code;
	unsigned weight;
	unsigned next; /* how many numbers of this code are handed out */
};

/* No code is a prefix of another, so code + subscriber is unique. */
static struct code codes[] = {
	{ "495", 14, 0 }, { "499", 6, 0 }, { "812", 8, 0 }, { "343", 3, 0 },
	{ "383", 2, 0 }, { "846", 2, 0 }, { "861", 2, 0 }, { "863", 2, 0 },
	{ "843", 2, 0 }, { "342", 2, 0 }, { "831", 2, 0 }, { "351", 2, 0 },
	{ "473", 1, 0 }, { "4212", 1, 0 }, { "3452", 1, 0 }, { "8182", 1, 0 },
	{ "903", 4, 0 }, { "905", 3, 0 }, { "909", 3, 0 }, { "910", 3, 0 },
	{ "912", 4, 0 }, { "915", 3, 0 }, { "916", 5, 0 }, { "917", 3, 0 },
	{ "919", 3, 0 }, { "921", 3, 0 }, { "925", 4, 0 }, { "926", 5, 0 },
	{ "929", 2, 0 }, { "950", 2, 0 }, { "952", 2, 0 }, { "960", 2, 0 },
	{ "977", 3, 0 }, { "985", 3, 0 }, { "999", 3, 0 },
};

static unsigned code_weights;

static int pick_code(void)
{
	unsigned r = rnd(code_weights), i;

	for (i = 0; r >= codes[i].weight; i++)
		r -= codes[i].weight;
	return (int)i;
}

static int is_mobile(int c)
{
	return codes[c].code[0] == '9';
}

/* The k-th subscriber number of a code: a bijection onto 7 (or 6) digits
 * not starting with 0, so numbers look scattered but never repeat. */
static void subscriber(int c, unsigned k, char *out)
{
	unsigned long long b = 1234567ULL + 1000003ULL * (unsigned)c;

	if (strlen(codes[c].code) == 3)
		snprintf(out, 8, "%07llu", 1000000ULL + (7777777ULL * k + b) % 9000000ULL);
	else
		snprintf(out, 7, "%06llu", 100000ULL + (77777ULL * k + b) % 900000ULL);
}

enum { N_SPELLINGS = 11 };

/* Write the number (code c, subscriber s) in spelling n. */
static void spell_phone(int c, const char *s, int n, char *out, size_t size)
{
	const char *a = codes[c].code;

	if (strlen(s) == 7) {
		switch (n) {
		case 0: snprintf(out, size, "8 (%s) %.3s-%.2s-%.2s", a, s, s + 3, s + 5); break;
		case 1: snprintf(out, size, "+7 %s %s", a, s); break;
		case 2: snprintf(out, size, "8%s%s", a, s); break;
		case 3: snprintf(out, size, "+7-%s-%.3s-%.2s-%.2s", a, s, s + 3, s + 5); break;
		case 4: snprintf(out, size, "+7 (%s) %.3s-%.2s-%.2s", a, s, s + 3, s + 5); break;
		case 5: snprintf(out, size, "8-%s-%.3s-%.2s-%.2s", a, s, s + 3, s + 5); break;
		case 6: snprintf(out, size, "+7%s%s", a, s); break;
		case 7: snprintf(out, size, "8 %s %.3s %.2s %.2s", a, s, s + 3, s + 5); break;
		case 8: snprintf(out, size, "7 (%s) %s", a, s); break;
		case 9: snprintf(out, size, "8(%s)%.3s-%.4s", a, s, s + 3); break;
		default: snprintf(out, size, "+7 %s %.3s-%.4s", a, s, s + 3); break;
		}
	} else {
		switch (n % 6) {
		case 0: snprintf(out, size, "8 (%s) %.2s-%.2s-%.2s", a, s, s + 2, s + 4); break;
		case 1: snprintf(out, size, "+7 %s %s", a, s); break;
		case 2: snprintf(out, size, "8%s%s", a, s); break;
		case 3: snprintf(out, size, "+7 (%s) %.2s-%.2s-%.2s", a, s, s + 2, s + 4); break;
		case 4: snprintf(out, size, "8-%s-%.3s-%.3s", a, s, s + 3); break;
		default: snprintf(out, size, "+7%s%s", a, s); break;
		}
	}
}

/* ---- senders */

struct sender {
	int code;             /* -1: no phone */
	int spelling;
	char sub[8];
	char name[128];
	char company[128];
	char email[96];       /* "" if none */
	unsigned char latin;
};

static struct sender *senders;
static size_t nsenders;

static void make_name(struct sender *s, const char **lat_first, const char **lat_last)
{
	if (s->latin) {
		const struct word *f = &PICK(latin_first), *l = &PICK(latin_last);

		snprintf(s->name, sizeof s->name, "%s %s", f->ru, l->ru);
		*lat_first = f->lat, *lat_last = l->lat;
		return;
	}
	const struct word *sn = &PICK(surnames);
	int fem = chance(30);
	const struct given *g = &PICK(male);
	const struct word *fw = fem ? &PICK(female) : NULL;
	const char *first = fem ? fw->ru : g->ru;
	const char *patr = fem ? PICK(male).patr_f : g->patr_m;
	char sur[64];
	size_t n = strlen(sn->ru);

	/* Feminine surnames: -ов/-ев/-ин + а; -ко stays. */
	if (fem && n > 2 && strcmp(sn->ru + n - 2, "о") != 0)
		snprintf(sur, sizeof sur, "%sа", sn->ru);
	else
		snprintf(sur, sizeof sur, "%s", sn->ru);
	switch (rnd(10)) {
	case 0: case 1: case 2: case 3: case 4: /* Фамилия Имя Отчество */
		snprintf(s->name, sizeof s->name, "%s %s %s", sur, first, patr);
		break;
	case 5: case 6:
		snprintf(s->name, sizeof s->name, "%s %s", first, sur);
		break;
	case 7:
		snprintf(s->name, sizeof s->name, "%s %s", first, patr);
		break;
	case 8: /* Иванов И.И. */
		snprintf(s->name, sizeof s->name, "%s %.2s.%.2s.", sur, first, patr);
		break;
	default:
		snprintf(s->name, sizeof s->name, "%s", first);
	}
	*lat_first = fem ? fw->lat : g->lat;
	*lat_last = sn->lat;
}

static void make_sender(struct sender *s, size_t k, const char *channel)
{
	const char *lf, *ll, *domain = NULL;
	char dom[64];

	memset(s, 0, sizeof *s);
	s->latin = chance(8);
	make_name(s, &lf, &ll);
	if (chance(s->latin ? 80 : 55)) {
		if (s->latin || chance(8)) {
			const struct word *c = &PICK(company_lat);

			snprintf(s->company, sizeof s->company, PICK(company_lat_form), c->ru);
			snprintf(dom, sizeof dom, "%s.com", c->lat);
		} else {
			const struct word *c = &PICK(company_ru);

			snprintf(s->company, sizeof s->company, PICK(company_ru_form), c->ru);
			snprintf(dom, sizeof dom, "%s%s", c->lat, chance(85) ? ".ru" : ".su");
		}
		if (chance(70))
			domain = dom;
	}
	if (!domain)
		domain = PICK(free_mail);
	/* The number k keeps every address unique, as real mailboxes are. */
	switch (rnd(6)) {
	case 0: snprintf(s->email, sizeof s->email, "%.1s.%s%zu@%s", lf, ll, k, domain); break;
	case 1: snprintf(s->email, sizeof s->email, "%s.%s%zu@%s", lf, ll, k, domain); break;
	case 2: snprintf(s->email, sizeof s->email, "%s%zu@%s", ll, k, domain); break;
	case 3: snprintf(s->email, sizeof s->email, "%s_%s.%zu@%s", ll, lf, k, domain); break;
	case 4: snprintf(s->email, sizeof s->email, "%s-%zu@%s", lf, k, domain); break;
	default: snprintf(s->email, sizeof s->email, "zakaz%zu@%s", k, domain); break;
	}
	s->code = -1;
	/* Calls always have a number; mail has one in the signature about half the time. */
	if (strcmp(channel, "call") == 0 || (strcmp(channel, "web") == 0 && chance(90)) ||
	    chance(50)) {
		s->code = pick_code();
		subscriber(s->code, codes[s->code].next++, s->sub);
		s->spelling = (int)rnd(N_SPELLINGS);
	}
	if (strcmp(channel, "call") == 0 && chance(70))
		s->email[0] = '\0'; /* a caller rarely dictates an address */
	if (strcmp(channel, "call") == 0 && chance(40))
		s->name[0] = '\0'; /* caller ID only */
}

/* The same address in another case: "Ivanov.A12@Mail.RU". */
static void recase(const char *in, char *out, size_t size)
{
	size_t i, n = strlen(in);
	int mode = (int)rnd(3);

	for (i = 0; i < n && i + 1 < size; i++) {
		char ch = in[i];

		if (ch >= 'a' && ch <= 'z' &&
		    (mode == 0 || (mode == 1 && (i == 0 || in[i - 1] == '.' || in[i - 1] == '@')) ||
		     (mode == 2 && strchr(in, '@') < in + i)))
			ch = (char)(ch - 'a' + 'A');
		out[i] = ch;
	}
	out[i] = '\0';
	if (strcmp(in, out) == 0 && out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
}

/* ---- texts */

static void make_text(const char *channel, const struct sender *s, const char *phone,
		      char *subject, size_t ssize, char *body, size_t bsize)
{
	int pump = chance(65);
	const char *model = pump ? PICK(pumps) : PICK(compressors);
	const char *what = pump ? "насос" : "компрессор";
	const char *What = pump ? "Насос" : "Компрессор";
	unsigned qty = 1 + rnd(chance(70) ? 3 : 20);
	char sig[512];

	if (strcmp(channel, "call") == 0) {
		static const char *const calls[] = {
			"Входящий звонок", "Пропущенный звонок", "Звонок с сайта", "Входящий звонок",
		};
		snprintf(subject, ssize, "%s", PICK(calls));
		if (chance(60))
			snprintf(body, bsize, "Интересуется: %s %s, %u шт. Просит перезвонить%s.",
				 what, model, qty, chance(50) ? " после обеда" : "");
		else
			body[0] = '\0';
		return;
	}
	switch (rnd(8)) {
	case 0: snprintf(subject, ssize, "Запрос КП на %s %s", what, model); break;
	case 1: snprintf(subject, ssize, "%s %s: цена и сроки поставки", What, model); break;
	case 2: snprintf(subject, ssize, "Заявка с сайта: %s", model); break;
	case 3: snprintf(subject, ssize, "Re: коммерческое предложение %s", model); break;
	case 4: snprintf(subject, ssize, "Запрос счёта"); break;
	case 5: snprintf(subject, ssize, "Подбор оборудования"); break;
	case 6: snprintf(subject, ssize, "Fwd: %s %s", What, model); break;
	default: snprintf(subject, ssize, "Ремонт %sа %s", what, model); break;
	}
	if (strcmp(channel, "web") == 0 && chance(50))
		snprintf(subject, ssize, "Заявка с сайта №%u", 10000 + rnd(90000));
	snprintf(sig, sizeof sig, "%s%s%s%s%s", s->name, *s->company ? "\n" : "", s->company,
		 *phone ? "\nтел. " : "", phone);
	switch (rnd(6)) {
	case 0:
		snprintf(body, bsize,
			 "%s\nПросим направить коммерческое предложение на %s %s, %u шт.\n"
			 "Срок поставки и условия оплаты укажите, пожалуйста.\n\n%s\n%s",
			 PICK(greetings), what, model, qty, PICK(closings), sig);
		break;
	case 1:
		snprintf(body, bsize,
			 "%s\nНужен %s %s или аналог. Параметры:\tQ=%u м3/ч\tH=%u м\n"
			 "Среда: %s, температура до %u °C.\n%s\n%s",
			 PICK(greetings), what, model, 5 + rnd(300), 10 + rnd(120),
			 chance(50) ? "вода" : "конденсат", 20 + rnd(100), PICK(closings), sig);
		break;
	case 2:
		snprintf(body, bsize, "Выставьте счёт на %s %s — %u шт. Реквизиты во вложении.\n%s",
			 model, chance(50) ? "с доставкой до Екатеринбурга" : "самовывоз", qty, sig);
		break;
	case 3:
		snprintf(body, bsize,
			 "%s\nУ нас вышел из строя %s %s (2014 г.в.). Можете ли отремонтировать "
			 "или предложить замену? Фото шильдика приложу.\n%s\n%s",
			 PICK(greetings), what, model, PICK(closings), sig);
		break;
	case 4:
		snprintf(body, bsize,
			 "Имя: %s\nТелефон: указан\nСообщение: интересует %s %s, есть ли на складе?",
			 *s->name ? s->name : "-", what, model);
		break;
	default:
		snprintf(body, bsize, "%s\nПрошу перезвонить по %s %s. Путь к файлу: C:\\Заявки\\%u.xlsx\n%s",
			 PICK(greetings), pump ? "насосу" : "компрессору", model,
			 100 + rnd(900), sig);
	}
}

/* ---- main */

int main(int argc, char **argv)
{
	static const char *const channels[] = { "mail", "mail", "mail", "mail", "call", "call",
						"call", "web", "web", "web" };
	unsigned long long n, seed = 1, repeat = 10, i;
	time_t t = 1736402400; /* 2025-01-09T06:00:00Z */
	static char outbuf[1 << 20];
	size_t c;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: gen-requests N [SEED [REPEAT_PERCENT]]\n");
		return 64;
	}
	n = strtoull(argv[1], NULL, 10);
	if (argc > 2)
		seed = strtoull(argv[2], NULL, 10);
	if (argc > 3)
		repeat = strtoull(argv[3], NULL, 10);
	if (repeat > 100) {
		fprintf(stderr, "gen-requests: REPEAT_PERCENT is 0 to 100\n");
		return 64;
	}
	rng_state = seed * 0x2545f4914f6cdd1dULL + 1;
	for (c = 0; c < N_ELEMS(codes); c++)
		code_weights += codes[c].weight;
	senders = malloc((n ? n : 1) * sizeof *senders);
	if (!senders) {
		perror("gen-requests");
		return 71;
	}
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	fputs("channel\treceived\tname\tcompany\tphone\temail\tsubject\tbody\tsource_ref\n", stdout);
	for (i = 0; i < n; i++) {
		const char *channel = channels[rnd(N_ELEMS(channels))];
		struct sender *s, view;
		char received[32], phone[64] = "", email[96] = "", ref[96];
		char subject[256], body[2048];
		struct tm tm;

		if (nsenders > 0 && chance((unsigned)repeat)) {
			/* An earlier sender again: the same phone spelled another way,
			 * or the same address in another case; the name as before. */
			s = &senders[rnd((unsigned)nsenders)];
			view = *s;
			if (s->code >= 0 && (!*s->email || chance(50))) {
				int sp = (s->spelling + 1 + (int)rnd(N_SPELLINGS - 1)) % N_SPELLINGS;

				spell_phone(s->code, s->sub, sp, phone, sizeof phone);
				channel = chance(60) ? "call" : "web";
				view.email[0] = '\0';
			} else if (*s->email) {
				recase(s->email, email, sizeof email);
				channel = "mail";
				view.code = -1;
			} else {
				/* Name and company only: a new party, as the library must assume. */
				view.code = -1;
			}
		} else {
			s = &senders[nsenders];
			make_sender(s, nsenders, channel);
			nsenders++;
			view = *s;
			if (s->code >= 0) {
				spell_phone(s->code, s->sub, s->spelling, phone, sizeof phone);
				if (!is_mobile(s->code) && strcmp(channel, "call") != 0 && chance(5))
					snprintf(phone + strlen(phone), sizeof phone - strlen(phone),
						 " доб. %u", 100 + rnd(900));
			}
			snprintf(email, sizeof email, "%s", s->email);
		}
		make_text(channel, &view, phone, subject, sizeof subject, body, sizeof body);
		t += 1 + rnd(90);
		gmtime_r(&t, &tm);
		strftime(received, sizeof received, "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (strcmp(channel, "mail") == 0)
			snprintf(ref, sizeof ref, "<%llx.%llu@%s>", (unsigned long long)rnd64(), i,
				 PICK(free_mail));
		else if (strcmp(channel, "call") == 0)
			snprintf(ref, sizeof ref, "%lld.%llu", (long long)t, i);
		else
			snprintf(ref, sizeof ref, "web-form-%llu", i + 1);

		fputs(channel, stdout);
		putchar_unlocked('\t');
		fputs(received, stdout);
		putchar_unlocked('\t');
		put_field(view.name);
		putchar_unlocked('\t');
		put_field(view.company);
		putchar_unlocked('\t');
		put_field(phone);
		putchar_unlocked('\t');
		put_field(email);
		putchar_unlocked('\t');
		put_field(subject);
		putchar_unlocked('\t');
		put_field(body);
		putchar_unlocked('\t');
		put_field(ref);
		putchar_unlocked('\n');
	}
	free(senders);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("gen-requests: stdout");
		return 74;
	}
	return 0;
}
