/*
 * csv-parse: the machine's own limit for the crm-callpull benchmark: parse
 * a CSV file with libcsv and nothing else (strict quoting, as crm-callpull
 * sets it), counting its records and fields. It prints
 * "records N fields N bytes N".
 *
 * usage: csv-parse FILE
 * Build with `cc -O2 -o csv-parse csv-parse.c -lcsv`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

struct counts {
	unsigned long long records, fields;
};

static void on_field(void *s, size_t len, void *data)
{
	(void)s, (void)len;
	((struct counts *)data)->fields++;
}

static void on_record(int c, void *data)
{
	(void)c;
	((struct counts *)data)->records++;
}

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	struct counts n = { 0, 0 };
	struct csv_parser p;
	unsigned long long bytes = 0;
	size_t got;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: csv-parse FILE\n");
		return 2;
	}
	if (!(f = fopen(argv[1], "rb"))) {
		perror(argv[1]);
		return 1;
	}
	if (csv_init(&p, CSV_STRICT) != 0) {
		fprintf(stderr, "csv-parse: csv_init failed\n");
		return 1;
	}
	while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
		bytes += got;
		if (csv_parse(&p, buf, got, on_field, on_record, &n) != got) {
			fprintf(stderr, "csv-parse: %s: %s (near byte %llu)\n", argv[1],
				csv_strerror(csv_error(&p)), bytes);
			return 1;
		}
	}
	if (ferror(f)) {
		perror(argv[1]);
		return 1;
	}
	csv_fini(&p, on_field, on_record, &n);
	csv_free(&p);
	fclose(f);
	printf("records %llu fields %llu bytes %llu\n", n.records, n.fields, bytes);
	return 0;
}
