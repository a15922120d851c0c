/* hmap.c - open-addressing hash maps with linear probing.
 *
 * Deletion shifts the probe chain back instead of leaving tombstones, so a
 * long-running trace with many short-lived tasks never degrades the maps.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "util.h"

/* Mix a 64-bit key (splitmix64 finaliser). */
static size_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return (size_t)x;
}

/* FNV-1a of a string. */
static size_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return mix(h);
}

void *imap_get(const struct imap *m, uint64_t key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = mix(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->vals[i])
			return NULL;
		if (m->keys[i] == key)
			return m->vals[i];
	}
}

/* Double an integer map. */
static void imap_grow(struct imap *m)
{
	struct imap old = *m;

	m->cap = old.cap ? old.cap * 2 : 16;
	m->n = 0;
	m->keys = xcalloc(m->cap, sizeof(*m->keys));
	m->vals = xcalloc(m->cap, sizeof(*m->vals));
	for (size_t i = 0; i < old.cap; i++)
		if (old.vals[i])
			imap_put(m, old.keys[i], old.vals[i]);
	free(old.keys);
	free(old.vals);
}

void imap_put(struct imap *m, uint64_t key, void *val)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap)
		imap_grow(m);
	for (i = mix(key) & (m->cap - 1); m->vals[i]; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			m->vals[i] = val;
			return;
		}
	}
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
}

void *imap_del(struct imap *m, uint64_t key)
{
	size_t i, j;
	void *v;

	if (!m->cap)
		return NULL;
	for (i = mix(key) & (m->cap - 1); m->vals[i]; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key)
			break;
	if (!m->vals[i])
		return NULL;
	v = m->vals[i];
	m->vals[i] = NULL;
	m->n--;
	for (j = (i + 1) & (m->cap - 1); m->vals[j]; j = (j + 1) & (m->cap - 1)) {
		size_t k = mix(m->keys[j]) & (m->cap - 1);
		/* Move j back to i unless its home lies cyclically in (i, j]. */
		if ((i <= j) ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		m->keys[i] = m->keys[j];
		m->vals[i] = m->vals[j];
		m->vals[j] = NULL;
		i = j;
	}
	return v;
}

void imap_clear(struct imap *m)
{
	if (m->cap)
		memset(m->vals, 0, m->cap * sizeof(*m->vals));
	m->n = 0;
}

void imap_release(struct imap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

void *smap_get(const struct smap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = str_hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->keys[i])
			return NULL;
		if (strcmp(m->keys[i], key) == 0)
			return m->vals[i];
	}
}

/* Insert an owned key without growing. */
static const char *smap_insert(struct smap *m, char *key, void *val)
{
	size_t i = str_hash(key) & (m->cap - 1);

	while (m->keys[i])
		i = (i + 1) & (m->cap - 1);
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
	return key;
}

/* Double a string map. */
static void smap_grow(struct smap *m)
{
	struct smap old = *m;

	m->cap = old.cap ? old.cap * 2 : 16;
	m->n = 0;
	m->keys = xcalloc(m->cap, sizeof(*m->keys));
	m->vals = xcalloc(m->cap, sizeof(*m->vals));
	for (size_t i = 0; i < old.cap; i++)
		if (old.keys[i])
			smap_insert(m, old.keys[i], old.vals[i]);
	free(old.keys);
	free(old.vals);
}

const char *smap_put(struct smap *m, const char *key, void *val)
{
	if ((m->n + 1) * 2 > m->cap)
		smap_grow(m);
	for (size_t i = str_hash(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1)) {
		if (strcmp(m->keys[i], key) == 0) {
			m->vals[i] = val;
			return m->keys[i];
		}
	}
	return smap_insert(m, xstrdup(key), val);
}

void smap_release(struct smap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}
