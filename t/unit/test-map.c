/*
 * test-map.c: unit tests of lib/map.c, the hash map the call intake keeps
 * what it has learnt in: records come back by key, stay where they are as
 * the map grows, start zeroed, and are all gone after a clear; freeing it
 * gives all its memory back.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "crm-private.h"
#include "tap.h"

struct rec {
	int64_t a, b;
};

/* The bytes malloc has handed out and not had back, by glibc's count,
 * which also holds the few freed chunks its per-thread cache keeps (at most
 * 7 of each small size). Under ASan, whose malloc glibc does not see, it
 * never changes: there LeakSanitizer checks. */
static size_t in_use(void)
{
	return mallinfo2().uordblks;
}

/* A map of 10,000 records (its slots grown many times), freed, leaves
 * no more behind than malloc's cache keeps: one record is never freed
 * alone, so a leak would be all 10,000 of them, or the slots. */
static int frees_all(void)
{
	size_t before = in_use(), full;
	struct crm_map *m = crm_map_new(sizeof(struct rec));
	char key[32];
	int i;

	for (i = 0; m && i < 10000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		if (!crm_map_put(m, key))
			return 0;
	}
	full = in_use();
	crm_map_free(m);
	if (in_use() > before + 4096)
		printf("# %zu bytes before, %zu full, %zu after the free\n", before, full,
		       in_use());
	return in_use() <= before + 4096;
}

int main(void)
{
	struct crm_map *m = crm_map_new(sizeof(struct rec));
	struct rec *first, *r;
	char key[32];
	int i, found = 0, right = 0, zero = 1;

	tap_ok(m != NULL, "a map is made");
	tap_ok(crm_map_get(m, "+74951234567") == NULL, "an empty map has nothing");
	first = crm_map_put(m, "+74951234567");
	tap_ok(first && first->a == 0 && first->b == 0, "a new record starts zeroed");
	first->a = 42;
	tap_ok(crm_map_put(m, "+74951234567") == first, "put of a known key gives its record");
	tap_ok(crm_map_get(m, "+74951234568") == NULL, "a key one digit off is another key");
	tap_ok(crm_map_get(m, "") == NULL, "the empty key is not there");
	r = crm_map_put(m, "");
	tap_ok(r && crm_map_get(m, "") == r, "the empty key is a key like another");

	/* 100,000 keys: many grows; every record keeps its place and value. */
	for (i = 0; i < 100000; i++) {
		snprintf(key, sizeof key, "%d", i);
		if (!(r = crm_map_put(m, key)))
			break;
		zero &= r->a == 0 && r->b == 0;
		r->a = i, r->b = -i;
	}
	tap_ok(i == 100000 && zero, "100,000 keys go in, each new record zeroed");
	tap_ok(crm_map_count(m) == 100002, "the count is every distinct key");
	for (i = 0; i < 100000; i++) {
		snprintf(key, sizeof key, "%d", i);
		if ((r = crm_map_get(m, key))) {
			found++;
			right += r->a == i && r->b == -i;
		}
	}
	tap_ok(found == 100000 && right == 100000, "all 100,000 come back with their values");
	tap_ok(crm_map_get(m, "+74951234567") == first && first->a == 42,
	       "the first record stayed where it was through the grows");
	tap_ok(crm_map_get(m, "100000") == NULL, "a key never put is not found");

	crm_map_clear(m);
	tap_ok(crm_map_count(m) == 0 && crm_map_get(m, "5") == NULL &&
		       crm_map_get(m, "+74951234567") == NULL,
	       "a clear forgets everything");
	r = crm_map_put(m, "5");
	tap_ok(r && r->a == 0 && crm_map_count(m) == 1, "a cleared map takes keys again, zeroed");
	crm_map_free(m);
	crm_map_free(NULL); /* a crash here leaves the plan unprinted: the run fails */
	tap_ok(frees_all(), "freeing a map gives back all its memory");
	return tap_done();
}
