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
 * The noise bit is the default noise filter's (noise.c).  Pure:
 * it must never make a system call, print, or keep a pointer into an event
 * that is only valid during the observer callback.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "noise.h"
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
	free(s->chunks);
	free(s->strs);
	free(s->hashes);
	free(s->table);
	strbuf_release(&s->scratch);
	free(s);
}

/* Number of events stored. */
size_t store_count(const struct store *s)
{
	return s->count;
}

/* Event i (0 <= i < count); the pointer stays valid until store_free. */
const struct sevent *store_get(const struct store *s, size_t i)
{
	return &s->chunks[i >> CHUNK_SHIFT][i & (CHUNK_EVENTS - 1)];
}

/* The duration codes of chunk c (after its events). */
static uint32_t *chunk_durs(const struct store *s, size_t c)
{
	return (uint32_t *)(void *)(s->chunks[c] + CHUNK_EVENTS);
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
	return store_dur_decode(chunk_durs(s, i >> CHUNK_SHIFT)[i & (CHUNK_EVENTS - 1)]);
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
	}
	chunk_durs(s, c)[s->count & (CHUNK_EVENTS - 1)] = store_dur_encode(ns);
	s->count++;
	return memset(&s->chunks[c][(s->count - 1) & (CHUNK_EVENTS - 1)], 0, sizeof(struct sevent));
}

/* Category of an event type for an fd kind. */
enum ev_cat store_category(enum ev_type type, int kind)
{
	switch (type) {
	case EV_EXEC: case EV_FORK: case EV_THREAD: case EV_EXIT: case EV_SIGNAL:
		return CAT_PROC;
	case EV_CONNECT: case EV_ACCEPT: case EV_SEND: case EV_RECV:
		return CAT_NET;
	case EV_SENDFILE: case EV_COPY_FILE_RANGE: case EV_SPLICE: case EV_TEE:
		return CAT_IO;
	case EV_MMAP: case EV_MUNMAP: case EV_MREMAP: case EV_BRK: case EV_FAULT:
		return CAT_MEM;
	case EV_SCHED: case EV_BLOCK:
		return CAT_LAT;
	case EV_SYSCALL:
		return CAT_OTHER;
	default:
		break;
	}
	if (kind >= FDK_UNIX && kind <= FDK_SOCK)
		return CAT_NET;
	if (kind == FDK_PIPE || kind == FDK_ANON)
		return CAT_IO;
	return CAT_FILE;
}

/* "file", "net", "mem", "io", "proc", "lat", "other". */
const char *store_cat_name(enum ev_cat cat)
{
	static const char *const names[CAT_MAX] = {
		[CAT_FILE] = "file", [CAT_NET] = "net", [CAT_MEM] = "mem", [CAT_IO] = "io",
		[CAT_PROC] = "proc", [CAT_LAT] = "lat", [CAT_OTHER] = "other",
	};

	return (unsigned)cat < CAT_MAX ? names[cat] : "other";
}


/* The peer of a connect/accept, as lines.c chooses it. */
static const char *conn_peer(const struct event *ev)
{
	if (ev->conn)
		return ev->conn->remote;
	if (ev->type == EV_CONNECT && ev->addr_text)
		return ev->addr_text;
	return ev->obj ? ev->obj->remote : NULL;
}

/* Is this event hidden by the default noise filter? */
static bool is_noise(const struct event *ev)
{
	switch (ev->type) {
	case EV_EXEC: case EV_FORK: case EV_THREAD: case EV_EXIT: case EV_SIGNAL:
		return false;
	case EV_OPEN:
		return noise_path(ev->path);
	case EV_CONNECT: case EV_ACCEPT:
		return noise_addr(conn_peer(ev));
	case EV_MMAP:
		return ev->obj && noise_obj(ev->obj);
	case EV_SENDFILE: case EV_COPY_FILE_RANGE: case EV_SPLICE: case EV_TEE:
		return noise_obj(ev->obj) && noise_obj(ev->obj2);
	default:
		return noise_obj(ev->obj);
	}
}

/* What an fd's object is called: its peer for sockets, else its path. */
static const char *obj_name(const struct fobj *o)
{
	if (!o)
		return NULL;
	if (o->remote && *o->remote)
		return o->remote;
	return o->path;
}

/* The argv of a process as one space-separated line. */
static uint32_t argv_line(struct store *s, const struct proc *p)
{
	strbuf_reset(&s->scratch);
	for (char **a = p ? p->argv : NULL; a && *a; a++) {
		if (a != p->argv)
			strbuf_addch(&s->scratch, ' ');
		strbuf_addstr(&s->scratch, *a);
	}
	return store_intern(s, s->scratch.buf);
}

/* Fill the type-specific fields of a stored event. */
static void fill_fields(struct store *s, struct sevent *se, const struct event *ev)
{
	switch (ev->type) {
	case EV_EXEC:
		se->str = store_intern(s, ev->path);
		se->str2 = argv_line(s, ev->proc);
		break;
	case EV_FORK: case EV_THREAD:
		se->fd = ev->child;
		se->val = ev->status;          /* enum newtask_kind */
		se->addr = ev->flags;          /* clone flags */
		break;
	case EV_EXIT:
		se->val = ev->status;
		break;
	case EV_SIGNAL:
		se->fd = ev->status;
		break;
	case EV_OPEN:
		se->str = store_intern(s, ev->path);
		se->addr = ev->flags;
		break;
	case EV_CONNECT: case EV_ACCEPT:
		se->str = store_intern(s, conn_peer(ev));
		se->str2 = store_intern(s, ev->conn ? ev->conn->local : ev->obj ? ev->obj->local : NULL);
		break;
	case EV_SENDFILE: case EV_COPY_FILE_RANGE: case EV_SPLICE: case EV_TEE:
		se->str = store_intern(s, obj_name(ev->obj));
		se->str2 = store_intern(s, obj_name(ev->obj2));
		se->addr = (uint64_t)(int64_t)ev->fd2;
		break;
	case EV_MMAP:
		se->addr = ev->addr;
		se->fd = (int32_t)(((uint32_t)ev->prot & 0xff) << 24 | (ev->flags & 0xffffff));
		se->str = store_intern(s, obj_name(ev->obj));
		break;
	case EV_MUNMAP: case EV_MREMAP: case EV_BRK: case EV_FAULT:
		se->addr = ev->addr;
		break;
	case EV_SYSCALL:
		se->fd = ev->nr;
		se->val = ev->ret;
		se->addr = ev->flags;          /* enum rec_arch */
		se->str = store_intern(s, ev->path ? ev->path : ev->addr_text);
		break;
	default:
		se->str = store_intern(s, obj_name(ev->obj));
		break;
	}
}

/* Did the call fail (a connect in progress did not)? */
static bool ev_failed(const struct event *ev)
{
	if (ev->type == EV_SYSCALL || ev->type == EV_EXIT || ev->type == EV_SIGNAL)
		return ev->type == EV_SYSCALL && ev->ret < 0 && ev->ret >= -4095;
	return ev->ret < 0 && ev->ret >= -4095 && ev->ret != -115;
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
	se->cat = (uint8_t)store_category(ev->type, se->kind);
	se->fd = ev->fd;
	/* Latencies keep their time in val too (what the UI shows of them). */
	se->val = (int64_t)(ev->type == EV_SCHED || ev->type == EV_BLOCK ? ev->dur : ev->bytes);
	if (ev->thread)
		se->flags |= SEV_THREAD;
	if (is_noise(ev))
		se->flags |= SEV_NOISE;
	fill_fields(s, se, ev);
	if (ev_failed(ev)) {
		se->flags |= SEV_FAILED;
		se->val = ev->ret;
	}
}
