/* hmap.h - small open-addressing hash maps: integer keys and string keys.
 * Values are pointers the caller owns; string keys are copied and owned. */
#ifndef COMPENDIUM_HMAP_H
#define COMPENDIUM_HMAP_H
#include <stddef.h>
#include <stdint.h>

struct imap {
	size_t cap, n;
	uint64_t *keys;
	void **vals;      /* NULL marks a free slot */
};

struct smap {
	size_t cap, n;
	char **keys;      /* NULL marks a free slot */
	void **vals;
};

/* Value for key, or NULL. */
void *imap_get(const struct imap *m, uint64_t key);
/* Set key to a non-NULL value (replacing any old one). */
void imap_put(struct imap *m, uint64_t key, void *val);
/* Remove key; returns its value or NULL. */
void *imap_del(struct imap *m, uint64_t key);
void imap_release(struct imap *m);
/* Remove every key, keeping the room (for a map rebuilt over and over). */
void imap_clear(struct imap *m);

void *smap_get(const struct smap *m, const char *key);
/* Set key (copied) to a non-NULL value; returns the map's copy of the key. */
const char *smap_put(struct smap *m, const char *key, void *val);
void smap_release(struct smap *m);
#endif
