/*
 * gen-cdr: a PBX's call log for the crm-callpull benchmark, deterministic
 * for a seed. It writes two files:
 *
 *  - PARTIES_TSV: PARTIES known callers as crm-tsv(5) for `crm-lead add`
 *    (channel call, a Russian name, sometimes a company, a phone in the
 *    spellings people type);
 *  - MASTER_CSV: N lines of Asterisk's cdr_csv Master.csv, 18 columns (the
 *    16 standard ones, uniqueid, userfield): strings quoted with doubled
 *    quotes, numbers bare, an unset answer time empty and unquoted. Starts
 *    in order, a few seconds apart (about three months for a million),
 *    uniqueids 1764147600.I for line I.
 *
 * The mix: about 88% incoming calls from the known numbers (half of them
 * from the most active tenth of the parties), spelled 8XXXXXXXXXX,
 * +7XXXXXXXXXX or 7XXXXXXXXXX; 5% from numbers never seen before (each a
 * first call); 5% internal (extension to extension); 2% outgoing (an
 * extension dialling a known number). Dispositions: about 75% ANSWERED, the
 * rest NO ANSWER, BUSY, CANCEL and FAILED. Incoming calls go to the company's
 * number +7 495 100-00-00, which the benchmark sets as own_numbers.
 *
 * On stdout it prints a summary, the actions crm-callpull should record
 * ("expect: new-lead N history N callback-task N ignored N"), the callback
 * tasks that should be open at the end ("open-callbacks: N") and the size
 * of the Master.csv ("bytes: N").
 *
 * usage: gen-cdr MASTER_CSV PARTIES_TSV N [SEED [PARTIES]]
 * Only libc; build with `cc -O2 -o gen-cdr gen-cdr.c`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define FIRST_CALL 1764147600L /* 2025-11-26 09:00:00 UTC */

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

#define PICK(a) ((a)[rnd(N_ELEMS(a))])

/* ---- word pools */

static const char *const surnames[] = {
	"Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов",
	"Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев",
	"Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев", "Орлов",
	"Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов",
	"Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов",
	"Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин", "Максимов", "Поляков",
	"Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов",
	"Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев", "Герасимов",
	"Хабибуллин", "Ахметов", "Шевченко", "Бондаренко", "Ткаченко", "Кравченко",
};

static const char *const given[] = {
	"Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Евгений",
	"Иван", "Михаил", "Николай", "Владимир", "Павел", "Олег", "Виктор", "Юрий",
	"Игорь", "Роман", "Константин", "Денис", "Ринат", "Рустам", "Илья", "Пётр",
};

static const char *const patronymics[] = {
	"Александрович", "Сергеевич", "Дмитриевич", "Андреевич", "Алексеевич",
	"Иванович", "Михайлович", "Николаевич", "Владимирович", "Петрович",
};

static const char *const companies[] = {
	"ООО «Гидромаш»", "АО «Промнасос»", "ООО «ТеплоСервис»", "ПАО «Энергомаш»",
	"ООО «СтройТехМонтаж»", "АО «Агрокомплекс»", "ООО «Нефтегазсервис»",
	"АО «Уралхиммаш»", "ООО «Сибирская насосная компания»", "ООО «Волгатехснаб»",
	"МУП «Водоканал»", "АО «Тепловые сети»", "ООО «Химпром»", "ООО «Пневмомаш»",
	"ГУП «Мосводоканалстрой»", "ООО «Аквасистемы»", "АО «Металлург»",
};

/* City and mobile codes: the ten digits are CODE + seven. */
static const char *const codes[] = {
	"495", "499", "812", "343", "383", "846", "863", "843", "831", "351",
	"903", "905", "906", "909", "910", "912", "915", "916", "917", "919",
	"920", "921", "925", "926", "929", "951", "960", "962", "977", "985",
};

/* ---- numbers */

/*
 * The ten national digits of number i: a code and seven digits. Distinct
 * numbers i (below 9,000,000) give distinct digits, so the known numbers
 * (0 .. PARTIES-1) and the new ones (PARTIES ..) never meet.
 */
static void digits10(unsigned i, char out[11])
{
	unsigned sub = 1000000 + (unsigned)(((uint64_t)i * 7919 + 1234567) % 9000000);

	snprintf(out, 11, "%s%07u", codes[i % N_ELEMS(codes)], sub);
}

/* As a PBX reports a caller: 8XXXXXXXXXX, +7XXXXXXXXXX or 7XXXXXXXXXX. */
static void pbx_spelling(unsigned i, char *out, size_t size)
{
	char d[11];
	unsigned r = rnd(10);

	digits10(i, d);
	snprintf(out, size, "%s%s", r < 5 ? "8" : r < 8 ? "+7" : "7", d);
}

/* As a manager types it into the CRM. */
static void typed_spelling(unsigned i, char *out, size_t size)
{
	char d[11];

	digits10(i, d);
	switch (rnd(4)) {
	case 0:
		snprintf(out, size, "8 (%.3s) %.3s-%.2s-%.2s", d, d + 3, d + 6, d + 8);
		break;
	case 1:
		snprintf(out, size, "+7 %.3s %.3s-%.2s-%.2s", d, d + 3, d + 6, d + 8);
		break;
	case 2:
		snprintf(out, size, "8%s", d);
		break;
	default:
		snprintf(out, size, "+7-%.3s-%.3s-%.2s-%.2s", d, d + 3, d + 6, d + 8);
		break;
	}
}

/* ---- the known parties */

static int write_parties(const char *path, unsigned parties)
{
	FILE *f = fopen(path, "w");
	char phone[40], when[32];
	time_t t = FIRST_CALL - 90L * 86400;
	unsigned i;

	if (!f) {
		perror(path);
		return -1;
	}
	fputs("channel\treceived\tname\tcompany\tphone\temail\tsubject\tbody\tsource_ref\n", f);
	for (i = 0; i < parties; i++) {
		t += 1 + rnd(300);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
		typed_spelling(i, phone, sizeof phone);
		fprintf(f, "call\t%s\t%s %s %s\t%s\t%s\t\tВходящий звонок\t\tbench-party-%u\n", when,
			PICK(surnames), PICK(given), PICK(patronymics),
			rnd(10) < 6 ? PICK(companies) : "", phone, i);
	}
	if (fclose(f) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

/* ---- Master.csv */

static const char *const dispositions[] = { "NO ANSWER", "BUSY", "CANCEL", "FAILED" };

/* 75% ANSWERED; the rest mostly NO ANSWER. */
static const char *pick_disposition(void)
{
	unsigned r = rnd(100);

	if (r < 75)
		return "ANSWERED";
	if (r < 88)
		return dispositions[0];
	if (r < 94)
		return dispositions[1];
	if (r < 98)
		return dispositions[2];
	return dispositions[3];
}

static void stamp(time_t t, char *out, size_t size)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, size, "%Y-%m-%d %H:%M:%S", &tm);
}

int main(int argc, char **argv)
{
	unsigned long n, i, lines_in = 0, lines_new = 0, lines_internal = 0, lines_out = 0;
	unsigned long e_new = 0, e_history = 0, e_callback = 0, e_ignored = 0, open = 0;
	unsigned parties, fresh, who, ext, ext2, ring, bill;
	unsigned char *state; /* per number: 1 while a callback is open */
	char src[40], dst[40], clid[120], chan[48], dchan[48], app[16], data[64];
	char start[32], answer[32], end[32];
	const char *disp, *ctx, *name;
	time_t t = FIRST_CALL;
	long long bytes = 0;
	FILE *f;
	int kind, answered;

	if (argc < 4 || argc > 6) {
		fprintf(stderr, "usage: gen-cdr MASTER_CSV PARTIES_TSV N [SEED [PARTIES]]\n");
		return 2;
	}
	n = strtoul(argv[3], NULL, 10);
	rng_state = argc > 4 ? strtoull(argv[4], NULL, 10) : 1;
	parties = argc > 5 ? (unsigned)strtoul(argv[5], NULL, 10) : 20000;
	if (parties == 0 || parties + n / 10 + 1000 > 9000000) {
		fprintf(stderr, "gen-cdr: PARTIES must be 1 and N / 10 + PARTIES at most 8,999,000\n");
		return 2;
	}
	if (write_parties(argv[2], parties))
		return 1;
	if (!(state = calloc(parties + n / 10 + 1000, 1)) || !(f = fopen(argv[1], "w"))) {
		perror(argv[1]);
		return 1;
	}
	fresh = parties;
	for (i = 0; i < n; i++) {
		unsigned r = rnd(100);

		t += 1 + rnd(14);
		disp = pick_disposition();
		answered = strcmp(disp, "ANSWERED") == 0;
		ring = 2 + rnd(25);
		bill = answered ? 5 + rnd(rnd(10) < 8 ? 180 : 1200) : 0;
		ext = 101 + rnd(30);
		name = NULL;
		if (r < 88 || (r < 93 && fresh >= parties + n / 10 + 999))
			kind = 0; /* incoming, known: half from the busiest tenth */
		else if (r < 93)
			kind = 1; /* incoming, a number never seen */
		else if (r < 98)
			kind = 2; /* internal */
		else
			kind = 3; /* outgoing, to a known number */
		if (kind == 3 || kind == 0)
			who = rnd(2) ? rnd(parties / 10 ? parties / 10 : 1) : rnd(parties);
		else
			who = kind == 1 ? fresh++ : 0;
		switch (kind) {
		case 0:
		case 1:
			lines_in += kind == 0, lines_new += kind == 1;
			pbx_spelling(who, src, sizeof src);
			r = rnd(10);
			snprintf(dst, sizeof dst, "%s", r < 4 ? "74951000000" : r < 7 ? "84951000000" : "4951000000");
			if (rnd(3) == 0)
				name = PICK(surnames);
			snprintf(clid, sizeof clid, "\"\"%s\"\" <%s>", name ? name : src, src);
			ctx = "from-trunk";
			snprintf(chan, sizeof chan, "SIP/trunk-%08lx", 2 * i);
			if (rnd(4) == 0) {
				snprintf(dchan, sizeof dchan, "SIP/%u-%08lx", ext, 2 * i + 1);
				snprintf(app, sizeof app, "Queue");
				snprintf(data, sizeof data, "sales,t");
			} else {
				snprintf(dchan, sizeof dchan, "SIP/%u-%08lx", ext, 2 * i + 1);
				snprintf(app, sizeof app, "Dial");
				snprintf(data, sizeof data, "SIP/%u,30,tT", ext);
			}
			if (kind == 1 && answered)
				e_new++;
			else if (answered)
				e_history++;
			else
				e_callback++;
			if (answered && state[who])
				state[who] = 0, open--;
			else if (!answered && !state[who])
				state[who] = 1, open++;
			break;
		case 2:
			lines_internal++;
			ext2 = 101 + rnd(30);
			if (ext2 == ext)
				ext2 = ext == 130 ? 101 : ext + 1;
			snprintf(src, sizeof src, "%u", ext);
			snprintf(dst, sizeof dst, "%u", ext2);
			snprintf(clid, sizeof clid, "\"\"Менеджер %u\"\" <%u>", ext, ext);
			ctx = "from-internal";
			snprintf(chan, sizeof chan, "SIP/%u-%08lx", ext, 2 * i);
			snprintf(dchan, sizeof dchan, "SIP/%u-%08lx", ext2, 2 * i + 1);
			snprintf(app, sizeof app, "Dial");
			snprintf(data, sizeof data, "SIP/%u,60", ext2);
			e_ignored++;
			break;
		default:
			lines_out++;
			snprintf(src, sizeof src, "%u", ext);
			digits10(who, dst + 1);
			dst[0] = '8';
			snprintf(clid, sizeof clid, "\"\"Менеджер %u\"\" <%u>", ext, ext);
			ctx = "from-internal";
			snprintf(chan, sizeof chan, "SIP/%u-%08lx", ext, 2 * i);
			snprintf(dchan, sizeof dchan, "SIP/trunk-%08lx", 2 * i + 1);
			snprintf(app, sizeof app, "Dial");
			snprintf(data, sizeof data, "SIP/trunk/%s,60", dst);
			e_history++;
			if (answered && state[who])
				state[who] = 0, open--;
			break;
		}
		stamp(t, start, sizeof start);
		if (answered)
			stamp(t + ring, answer, sizeof answer);
		stamp(t + ring + bill, end, sizeof end);
		/* accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp,
		 * lastdata, start, answer, end, duration, billsec, disposition,
		 * amaflags, uniqueid, userfield */
		bytes += fprintf(f,
				 "\"\",\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",\"%s\","
				 "\"%s\",%s%s%s,\"%s\",%u,%u,\"%s\",\"DOCUMENTATION\","
				 "\"%ld.%lu\",\"%s\"\n",
				 src, dst, ctx, clid, chan, dchan, app, data, start,
				 answered ? "\"" : "", answered ? answer : "", answered ? "\"" : "",
				 end, ring + bill, bill, disp, FIRST_CALL, i,
				 rnd(50) == 0 ? "перезвонить" : "");
	}
	if (fclose(f) != 0) {
		perror(argv[1]);
		return 1;
	}
	free(state);
	printf("mix: %lu incoming from %u known numbers, %lu from new numbers, %lu internal, %lu outgoing\n",
	       lines_in, parties, lines_new, lines_internal, lines_out);
	printf("expect: new-lead %lu history %lu callback-task %lu ignored %lu\n", e_new, e_history,
	       e_callback, e_ignored);
	printf("open-callbacks: %lu\n", open);
	printf("bytes: %lld\n", bytes);
	return 0;
}
