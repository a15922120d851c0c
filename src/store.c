/* store.c - the compact event store every view reads.
 *
 * Events live in fixed-size chunks that are never moved once allocated, so a
 * pointer from store_get stays valid while more events arrive; only the small
 * array of chunk pointers grows.  Each chunk ends with the events' durations
 * as 32-bit floating codes (27-bit mantissa, 5-bit exponent of ns): 4 bytes
 * an event instead of the 8 a wider struct would cost, exact to the ns up to
 * 134 ms and without a ceiling any real call reaches.  Strings are interned
 * once in arena blocks (also never moved) and found again through an
 * open-addressing hash table.
 * Which fields an event keeps, and in which slot, its type's description
 * says (evdesc.c); the noise bit is the default noise filter's (noise.c).
 *
 * With a memory budget (store_set_budget), a full chunk that would take the
 * events kept in memory over it moves to a spill file (spill.c), oldest
 * first, byte for byte: chunk c lies at c * CHUNK_BYTES, so finding event i
 * on disk is arithmetic, not a search.  Chunks [0, nspilled) are on disk;
 * an event there is read back with the block of BLOCK_EVENTS around it
 * (its events and their durations: two reads of 12 KB and 1 KB) into a
 * cache of CACHE_BLOCKS blocks (least recently used goes), which the budget
 * counts too: a scan reads each block once, and a binary search (the
 * swimlane's, by time) pays a small read per probe, not a whole chunk.
 * Strings stay in memory: events on disk refer to them by id.
 * Pure but for the spill file: it must never print, and never keep a pointer
 * into an event that is only valid during the observer callback.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "noise.h"
#include "spill.h"
#include "store.h"
#include "strbuf.h"
#include "util.h"

#define CHUNK_SHIFT 12
#define CHUNK_EVENTS (1u << CHUNK_SHIFT)
#define ARENA_BYTES (64u << 10)
#define DUR_MANT_BITS 27
#define DUR_MANT_MAX ((1u << DUR_MANT_BITS) - 1)
#define DUR_EXP_MAX 31u
#define CHUNK_BYTES (CHUNK_EVENTS * (sizeof(struct sevent) + sizeof(uint32_t)))
#define BLOCK_SHIFT 8
#define BLOCK_EVENTS (1u << BLOCK_SHIFT)   /* events read back at a time */
#define CACHE_BLOCKS 64          /* blocks of spilled events kept after a read */

/* One read-back block of the cache. */
struct cached {
	size_t block;            /* which block (event index >> BLOCK_SHIFT; SIZE_MAX: none) */
	uint64_t used;           /* tick of the last hit */
	struct sevent ev[BLOCK_EVENTS];
	uint32_t dur[BLOCK_EVENTS];
};

/* What the budget moved to disk, and the read cache (changed by reads
 * through a const store, so it lives behind a pointer). */
struct spill {
	int fd;                  /* -1 until the first chunk moves out */
	int err;                 /* 0, or the -errno that stopped spilling */
	int read_err;            /* 0, or the -errno of the last failed read */
	size_t budget;           /* bytes of events kept in memory; 0: no limit */
	size_t nspilled;         /* chunks [0, nspilled) are on disk */
	size_t reads;            /* blocks read back so far */
	uint64_t tick;
	struct cached *last;     /* the block of the last read-back event */
	struct cached *cache;    /* CACHE_BLOCKS, allocated at the first read */
};

struct arena {
	struct arena *next;
	size_t used, cap;
	char data[];
};

struct store {
	struct sevent **chunks;
	size_t nchunks, chunk_cap;
	size_t count;
	const char **strs;       /* id -> text */
	uint32_t *hashes;        /* id -> hash of text */
	size_t nstrs, strs_cap, str_bytes;
	uint32_t *table;         /* hash slots holding id + 1, 0 when free */
	size_t table_cap;
	struct arena *arena;
	struct strbuf scratch;   /* argv lines */
	struct spill *sp;
};

/* FNV-1a of a string, never 0. */
static uint32_t hash_str(const char *s, size_t *len)
{
	uint32_t h = 2166136261u;
	const char *p = s;

	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	*len = (size_t)(p - s);
	return h ? h : 1;
}

/* Copy n bytes plus a NUL into the arena; the copy never moves. */
static const char *arena_copy(struct store *s, const char *str, size_t n)
{
	struct arena *a = s->arena;
	char *dst;

	if (!a || a->cap - a->used < n + 1) {
		size_t cap = n + 1 > ARENA_BYTES ? n + 1 : ARENA_BYTES;

		a = xmalloc(sizeof(*a) + cap);
		a->next = s->arena;
		a->used = 0;
		a->cap = cap;
		s->arena = a;
	}
	dst = a->data + a->used;
	memcpy(dst, str, n);
	dst[n] = '\0';
	a->used += n + 1;
	return dst;
}

/* Double the hash table and re-insert every id. */
static void table_grow(struct store *s)
{
	size_t cap = s->table_cap ? s->table_cap * 2 : 1024;
	uint32_t *t = xcalloc(cap, sizeof(*t));

	for (size_t id = 0; id < s->nstrs; id++) {
		size_t i = s->hashes[id] & (cap - 1);

		while (t[i])
			i = (i + 1) & (cap - 1);
		t[i] = (uint32_t)id + 1;
	}
	free(s->table);
	s->table = t;
	s->table_cap = cap;
}

/* Append a new string id (the caller has checked it is new). */
static uint32_t str_append(struct store *s, const char *str, size_t n, uint32_t h)
{
	if (s->nstrs == s->strs_cap) {
		s->strs_cap = s->strs_cap ? s->strs_cap * 2 : 256;
		s->strs = xreallocarray(s->strs, s->strs_cap, sizeof(*s->strs));
		s->hashes = xreallocarray(s->hashes, s->strs_cap, sizeof(*s->hashes));
	}
	s->strs[s->nstrs] = arena_copy(s, str, n);
	s->hashes[s->nstrs] = h;
	s->str_bytes += n + 1;
	return (uint32_t)s->nstrs++;
}

/* Intern a string. */
uint32_t store_intern(struct store *s, const char *str)
{
	size_t n, i;
	uint32_t h, id;

	if (!str || !*str)
		return 0;
	h = hash_str(str, &n);
	if ((s->nstrs + 1) * 2 > s->table_cap)
		table_grow(s);
	for (i = h & (s->table_cap - 1); s->table[i]; i = (i + 1) & (s->table_cap - 1)) {
		id = s->table[i] - 1;
		if (s->hashes[id] == h && strcmp(s->strs[id], str) == 0)
			return id;
	}
	id = str_append(s, str, n, h);
	s->table[i] = id + 1;
	return id;
}

/* An empty store (string id 0 is ""). */
struct store *store_new(void)
{
	struct store *s = xcalloc(1, sizeof(*s));

	strbuf_init(&s->scratch, 256);
	s->sp = xcalloc(1, sizeof(*s->sp));
	s->sp->fd = -1;
	str_append(s, "", 0, 0);   /* id 0, never found by the table */
	table_grow(s);
	return s;
}

/* Free the store, its events and its strings. */
void store_free(struct store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nchunks; i++)
		free(s->chunks[i]);
	while (s->arena) {
		struct arena *next = s->arena->next;

		free(s->arena);
		s->arena = next;
	}
	free(s->sp->cache);
	if (s->sp->fd >= 0)
		close(s->sp->fd);
	free(s->sp);
	free(s->chunks);
	free(s->strs);
	free(s->hashes);
	free(s->table);
	strbuf_release(&s->scratch);
	free(s);
}

/* Forget every event and string; the budget stays. */
void store_reset(struct store *s)
{
	struct store *old = xmalloc(sizeof(*old)), *fresh = store_new();
	size_t budget = s->sp->budget;

	*old = *s;
	*s = *fresh;
	free(fresh);
	s->sp->budget = budget;
	store_free(old);
}

/* Number of events stored. */
size_t store_count(const struct store *s)
{
	return s->count;
}

/* The cache slot to load a block into: an empty one, else the least
 * recently used. */
static struct cached *cache_victim(struct spill *sp)
{
	struct cached *v = &sp->cache[0];

	for (size_t i = 0; i < CACHE_BLOCKS; i++) {
		if (sp->cache[i].block == SIZE_MAX)
			return &sp->cache[i];
		if (sp->cache[i].used < v->used)
			v = &sp->cache[i];
	}
	return v;
}

/* Read block b (in chunk c) from the spill file into v; zeros if it fails. */
static void block_read(struct spill *sp, struct cached *v, size_t b)
{
	size_t c = b >> (CHUNK_SHIFT - BLOCK_SHIFT), k = b & ((CHUNK_EVENTS >> BLOCK_SHIFT) - 1);
	off_t base = (off_t)(c * CHUNK_BYTES);
	off_t durs = base + (off_t)(CHUNK_EVENTS * sizeof(struct sevent));
	int err = spill_read(sp->fd, v->ev, sizeof(v->ev),
			     base + (off_t)(k * BLOCK_EVENTS * sizeof(struct sevent)));

	if (!err)
		err = spill_read(sp->fd, v->dur, sizeof(v->dur),
				 durs + (off_t)(k * BLOCK_EVENTS * sizeof(uint32_t)));
	if (err) {
		sp->read_err = err;
		memset(v->ev, 0, sizeof(v->ev));
		memset(v->dur, 0, sizeof(v->dur));
	}
	sp->reads++;
	v->block = b;
}

/* The cached block holding spilled event i, read back if need be. */
static struct cached *cache_block(const struct store *s, size_t i)
{
	struct spill *sp = s->sp;
	size_t b = i >> BLOCK_SHIFT;
	struct cached *v = sp->last;

	if (v && v->block == b)
		return v;
	if (!sp->cache) {
		sp->cache = xmalloc(CACHE_BLOCKS * sizeof(*sp->cache));
		for (size_t k = 0; k < CACHE_BLOCKS; k++)
			sp->cache[k].block = SIZE_MAX;
	}
	for (v = NULL; !v;) {
		for (size_t k = 0; k < CACHE_BLOCKS && !v; k++)
			if (sp->cache[k].block == b)
				v = &sp->cache[k];
		if (!v)
			block_read(sp, v = cache_victim(sp), b);
	}
	v->used = ++sp->tick;
	sp->last = v;
	return v;
}

/* Is event i in the spill file? */
static bool spilled(const struct store *s, size_t i)
{
	return (i >> CHUNK_SHIFT) < s->sp->nspilled;
}

/* Event i (0 <= i < count). */
const struct sevent *store_get(const struct store *s, size_t i)
{
	if (spilled(s, i))
		return &cache_block(s, i)->ev[i & (BLOCK_EVENTS - 1)];
	return &s->chunks[i >> CHUNK_SHIFT][i & (CHUNK_EVENTS - 1)];
}

/* The duration codes after the events of a chunk. */
static uint32_t *chunk_durs(struct sevent *chunk)
{
	return (uint32_t *)(void *)(chunk + CHUNK_EVENTS);
}

/* ns as mantissa << exponent, the mantissa truncated to 27 bits. */
uint32_t store_dur_encode(uint64_t ns)
{
	uint32_t e = 0;

	while (ns >> e > DUR_MANT_MAX && e < DUR_EXP_MAX)
		e++;
	if (ns >> e > DUR_MANT_MAX)
		return DUR_EXP_MAX << DUR_MANT_BITS | DUR_MANT_MAX;   /* nine years: saturate */
	return e << DUR_MANT_BITS | (uint32_t)(ns >> e);
}

/* The ns a code stands for. */
uint64_t store_dur_decode(uint32_t code)
{
	return (uint64_t)(code & DUR_MANT_MAX) << (code >> DUR_MANT_BITS);
}

/* Duration of event i in ns (0: none measured). */
uint64_t store_dur(const struct store *s, size_t i)
{
	if (spilled(s, i))
		return store_dur_decode(cache_block(s, i)->dur[i & (BLOCK_EVENTS - 1)]);
	return store_dur_decode(chunk_durs(s->chunks[i >> CHUNK_SHIFT])[i & (CHUNK_EVENTS - 1)]);
}

/* Interned string by id (id 0 is ""). */
const char *store_str(const struct store *s, uint32_t id)
{
	return id < s->nstrs ? s->strs[id] : "";
}

/* Number of interned strings and their total bytes (for memory reports). */
size_t store_strings(const struct store *s, size_t *bytes)
{
	if (bytes)
		*bytes = s->str_bytes;
	return s->nstrs;
}

/* Bytes of events in memory: chunks not spilled and the read cache. */
size_t store_mem_bytes(const struct store *s)
{
	size_t n = (s->nchunks - s->sp->nspilled) * CHUNK_BYTES;

	return n + (s->sp->cache ? CACHE_BLOCKS * sizeof(*s->sp->cache) : 0);
}

/* Move the oldest chunk in memory (a full one) to the spill file; 0 or -errno. */
static int spill_oldest(struct store *s)
{
	struct spill *sp = s->sp;
	size_t c = sp->nspilled;
	int err;

	if (sp->fd < 0 && (sp->fd = spill_open(NULL)) < 0) {
		err = sp->fd;
		sp->fd = -1;
		return err;
	}
	err = spill_write(sp->fd, s->chunks[c], CHUNK_BYTES, (off_t)(c * CHUNK_BYTES));
	if (err)
		return err;
	free(s->chunks[c]);
	s->chunks[c] = NULL;
	sp->nspilled++;
	return 0;
}

/* Spill full chunks until the events in memory and a full read cache fit
 * the budget (the chunk being filled always stays); a failure stops
 * spilling for good. */
static void trim(struct store *s)
{
	struct spill *sp = s->sp;
	size_t cache = CACHE_BLOCKS * sizeof(*sp->cache);

	while (sp->budget && !sp->err && s->nchunks - sp->nspilled > 1 &&
	       (s->nchunks - sp->nspilled) * CHUNK_BYTES + cache > sp->budget)
		sp->err = spill_oldest(s);
}

/* Keep at most bytes of events in memory (0: no limit). */
void store_set_budget(struct store *s, size_t bytes)
{
	s->sp->budget = bytes;
	trim(s);
}

/* Events kept in the spill file. */
size_t store_spilled(const struct store *s)
{
	return s->sp->nspilled * CHUNK_EVENTS;
}

/* 0, or the -errno that stopped spilling (events then stay in memory). */
int store_spill_error(const struct store *s)
{
	return s->sp->err ? s->sp->err : s->sp->read_err;
}

/* Blocks of events read back from the spill file so far. */
size_t store_spill_reads(const struct store *s)
{
	return s->sp->reads;
}

/* A zeroed slot at the end of the store, its duration set from ns. */
static struct sevent *slot_new(struct store *s, uint64_t ns)
{
	size_t c = s->count >> CHUNK_SHIFT;

	if (c == s->nchunks) {
		if (s->nchunks == s->chunk_cap) {
			s->chunk_cap = s->chunk_cap ? s->chunk_cap * 2 : 64;
			s->chunks = xreallocarray(s->chunks, s->chunk_cap, sizeof(*s->chunks));
		}
		s->chunks[s->nchunks++] = xmalloc(CHUNK_BYTES);
		trim(s);
	}
	chunk_durs(s->chunks[c])[s->count & (CHUNK_EVENTS - 1)] = store_dur_encode(ns);
	s->count++;
	return memset(&s->chunks[c][(s->count - 1) & (CHUNK_EVENTS - 1)], 0, sizeof(struct sevent));
}

/* Keep field f of the event in slot i of se.  A new task's id is kept as
 * the model knows it, like the event's own pid and tid (in a replay of
 * several recordings it carries its recording, record.h). */
static void fill_slot(struct store *s, struct sevent *se, unsigned i, unsigned f,
		      const struct evacc *a)
{
	switch (i) {
	case SLOT_FD: se->fd = f == EVF_CHILD ? a->ev->child : (int32_t)evacc_num(a, f); break;
	case SLOT_VAL: se->val = evacc_num(a, f); break;
	case SLOT_ADDR: se->addr = (uint64_t)evacc_num(a, f); break;
	case SLOT_STR: se->str = store_intern(s, evacc_str(a, f)); break;
	default: se->str2 = store_intern(s, evacc_str(a, f)); break;
	}
}

/* Fill the slots of a stored event with the fields its type keeps. */
static void fill_fields(struct store *s, struct sevent *se, const struct event *ev)
{
	const struct evdesc *d = evdesc_of(ev->type);
	struct evacc a = { .ev = ev, .scratch = &s->scratch };

	for (unsigned i = 0; i < SLOT_MAX; i++)
		fill_slot(s, se, i, d->slot[i], &a);
	if (d->slot[SLOT_STR] == EVF_OBJ && evacc_peer(&a, false))
		se->flags |= SEV_PEER;
	if (d->slot[SLOT_STR2] == EVF_OBJ2 && evacc_peer(&a, true))
		se->flags |= SEV_PEER2;
}

/* Append an event (observer-compatible: ctx is the store). */
void store_add(void *ctx, const struct event *ev)
{
	struct store *s = ctx;
	struct sevent *se = slot_new(s, ev->dur);

	se->ts = ev->ts;
	se->pid = ev->pid;
	se->tid = ev->tid;
	se->type = (uint8_t)ev->type;
	se->kind = ev->obj ? ev->obj->kind : FDK_UNKNOWN;
	se->cat = (uint8_t)evdesc_category(ev->type, se->kind);
	if (ev->thread)
		se->flags |= SEV_THREAD;
	if (ev->unreadable)
		se->flags |= SEV_UNREADABLE;
	if (noise_stored(ev))
		se->flags |= SEV_NOISE;
	fill_fields(s, se, ev);
	if (evdesc_failed(ev)) {
		se->flags |= SEV_FAILED;
		se->val = ev->ret;
	}
}
