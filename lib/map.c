/*
 * map.c: a hash map from strings to small fixed-size records, for what a
 * long run looks up again and again (the party of a phone number, say) and
 * would otherwise ask SQLite for each time. Open addressing with linear
 * probing; entries are only ever added or all dropped at once.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crm-private.h"

struct slot {
	uint64_t hash;
	char *entry; /* the record (value_size bytes, aligned), then the key */
};

struct crm_map {
	struct slot *slots;
	size_t cap;   /* a power of two; 0 before the first entry */
	size_t count;
	size_t value_size;
};

/* FNV-1a: short keys, no adversary (keys are our own normalised values). */
static uint64_t hash_of(const char *key)
{
	uint64_t h = 14695981039346656037u;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211u;
	return h;
}

static const char *key_of(const struct crm_map *m, const char *entry)
{
	return entry + m->value_size;
}

struct crm_map *crm_map_new(size_t value_size)
{
	struct crm_map *m = calloc(1, sizeof *m);

	if (m) /* records stay aligned for any type when keys follow them */
		m->value_size = (value_size + sizeof(max_align_t) - 1) / sizeof(max_align_t) *
				sizeof(max_align_t);
	return m;
}

void *crm_map_get(struct crm_map *m, const char *key)
{
	uint64_t h = hash_of(key);
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = h & (m->cap - 1); m->slots[i].entry; i = (i + 1) & (m->cap - 1))
		if (m->slots[i].hash == h && strcmp(key_of(m, m->slots[i].entry), key) == 0)
			return m->slots[i].entry;
	return NULL;
}

static int grow(struct crm_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64, i, j;
	struct slot *slots = calloc(cap, sizeof *slots);

	if (!slots)
		return -1;
	for (i = 0; i < m->cap; i++) {
		if (!m->slots[i].entry)
			continue;
		for (j = m->slots[i].hash & (cap - 1); slots[j].entry; j = (j + 1) & (cap - 1))
			;
		slots[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

void *crm_map_put(struct crm_map *m, const char *key)
{
	char *entry = crm_map_get(m, key);
	size_t len = strlen(key) + 1, i;
	uint64_t h;

	if (entry)
		return entry;
	if (2 * (m->count + 1) > m->cap && grow(m) != 0)
		return NULL;
	if (!(entry = calloc(1, m->value_size + len)))
		return NULL;
	memcpy(entry + m->value_size, key, len);
	h = hash_of(key);
	for (i = h & (m->cap - 1); m->slots[i].entry; i = (i + 1) & (m->cap - 1))
		;
	m->slots[i].hash = h;
	m->slots[i].entry = entry;
	m->count++;
	return entry;
}

size_t crm_map_count(const struct crm_map *m)
{
	return m->count;
}

void crm_map_clear(struct crm_map *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->slots[i].entry);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
}

void crm_map_free(struct crm_map *m)
{
	if (m) {
		crm_map_clear(m);
		free(m);
	}
}
