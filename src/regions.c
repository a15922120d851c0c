/* regions.c - address-space regions over time, for attributing page faults.
 *
 * Mapped regions live in an array sorted by address (they never overlap);
 * unmapped pieces move to a history array in order of death, so a fault
 * sampled before an munmap or execve that the model has already seen still
 * finds the region it really hit.  History is bounded by age and count.
 * Pure code: it must never make a system call, print or read a clock.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "regions.h"
#include "util.h"

#define HISTORY_NS (5ull * 1000000000ull)   /* faults are never this late */
#define HISTORY_SOFT 1024                    /* prune old history beyond this */
#define HISTORY_HARD 4096                    /* and never keep more than this */
#define STACK_GROWTH_MAX (1ull << 30)        /* a main stack never grows further */
#define ADDR_TOP (~(uint64_t)(REGION_PAGE - 1))

struct regvec {
	struct region *v;
	size_t n, cap;
};

struct regions {
	struct regvec live;   /* mapped now: sorted by start, disjoint */
	struct regvec dead;   /* unmapped: in order of dead_ts */
	bool heap_known;
	uint64_t heap_start, heap_end;
	uint64_t last_id;     /* of the newest mapping (fork copies go on from it) */
};

/* Round down to a page. */
static uint64_t page_down(uint64_t a)
{
	return a & ~(uint64_t)(REGION_PAGE - 1);
}

/* Round up to a page, saturating at the top of the address space. */
static uint64_t page_up(uint64_t a)
{
	return a > ADDR_TOP ? ADDR_TOP : page_down(a + REGION_PAGE - 1);
}

/* End of [start, start+len) rounded to pages, saturating. */
static uint64_t range_end(uint64_t start, uint64_t len)
{
	return len > ADDR_TOP - start ? ADDR_TOP : page_up(start + len);
}

/* Make room for one more element. */
static void vec_reserve(struct regvec *v)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 16;
		v->v = xreallocarray(v->v, v->cap, sizeof(*v->v));
	}
}

/* Insert r at index i. */
static void vec_insert(struct regvec *v, size_t i, const struct region *r)
{
	vec_reserve(v);
	memmove(v->v + i + 1, v->v + i, (v->n - i) * sizeof(*v->v));
	v->v[i] = *r;
	v->n++;
}

/* Remove the element at index i (its name is not freed). */
static void vec_remove(struct regvec *v, size_t i)
{
	memmove(v->v + i, v->v + i + 1, (v->n - i - 1) * sizeof(*v->v));
	v->n--;
}

/* Free every name and the array. */
static void vec_release(struct regvec *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i].name);
	free(v->v);
	*v = (struct regvec){ 0 };
}

/* Index of the first mapped region that ends after addr. */
static size_t first_ending_after(const struct regvec *v, uint64_t addr)
{
	size_t lo = 0, hi = v->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v->v[mid].end > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Forget history that no late fault can need any more. */
static void prune(struct regions *rs, uint64_t now)
{
	struct regvec *d = &rs->dead;
	size_t drop = 0;

	if (d->n < HISTORY_SOFT)
		return;
	while (drop < d->n && d->v[drop].dead_ts + HISTORY_NS < now)
		drop++;
	if (d->n - drop >= HISTORY_HARD)
		drop = d->n - HISTORY_HARD / 2;
	for (size_t i = 0; i < drop; i++)
		free(d->v[i].name);
	memmove(d->v, d->v + drop, (d->n - drop) * sizeof(*d->v));
	d->n -= drop;
}

/* Move r (and its name) into history as unmapped at ts. */
static void bury(struct regions *rs, const struct region *r, uint64_t ts)
{
	struct regvec *d = &rs->dead;
	struct region g = *r;
	size_t i;

	prune(rs, ts);
	g.dead_ts = ts ? ts : 1;
	i = d->n;
	while (i > 0 && d->v[i - 1].dead_ts > g.dead_ts)
		i--;
	vec_insert(d, i, &g);
}

/* Bury the part [start, end) of r, which r overlaps. */
static void bury_part(struct regions *rs, const struct region *r, uint64_t start,
		      uint64_t end, uint64_t ts)
{
	struct region g = *r;

	g.start = start > r->start ? start : r->start;
	g.end = end < r->end ? end : r->end;
	g.name = xstrdup(r->name);
	bury(rs, &g, ts);
}

/* Remove [start, end) from the mapped regions, burying what was there. */
static void cut(struct regions *rs, uint64_t start, uint64_t end, uint64_t ts)
{
	struct regvec *v = &rs->live;
	size_t i = first_ending_after(v, start);

	while (i < v->n && v->v[i].start < end) {
		struct region *r = &v->v[i];

		if (r->start >= start && r->end <= end) {
			bury(rs, r, ts);
			vec_remove(v, i);
			continue;
		}
		bury_part(rs, r, start, end, ts);
		if (r->start < start && r->end > end) {
			struct region right = *r;
			right.start = end;
			right.name = xstrdup(r->name);
			v->v[i].end = start;
			vec_insert(v, i + 1, &right);
			return;
		}
		if (r->start < start) {
			r->end = start;
			i++;
		} else {
			r->start = end;
			return;
		}
	}
}

/* Put r into the mapped set (its range must be free). */
static void place(struct regions *rs, const struct region *r)
{
	vec_insert(&rs->live, first_ending_after(&rs->live, r->start), r);
}

struct regions *regions_new(void)
{
	return xcalloc(1, sizeof(struct regions));
}

void regions_free(struct regions *rs)
{
	if (!rs)
		return;
	vec_release(&rs->live);
	vec_release(&rs->dead);
	free(rs);
}

struct regions *regions_copy(const struct regions *rs)
{
	struct regions *c = regions_new();

	c->heap_known = rs->heap_known;
	c->heap_start = rs->heap_start;
	c->heap_end = rs->heap_end;
	c->last_id = rs->last_id;
	c->live.cap = c->live.n = rs->live.n;
	c->live.v = xcalloc(c->live.cap + 1, sizeof(*c->live.v));
	for (size_t i = 0; i < rs->live.n; i++) {
		c->live.v[i] = rs->live.v[i];
		c->live.v[i].name = xstrdup(rs->live.v[i].name);
		c->live.v[i].user = NULL;
	}
	return c;
}

/* Map a range with the attributes of tmpl (name copied); a tmpl of no
 * mapping yet (id 0) makes a new mapping of just this range. */
static void map_like(struct regions *rs, uint64_t start, uint64_t end,
		     const struct region *tmpl, uint64_t ts)
{
	struct region r = *tmpl;

	if (end <= start)
		return;
	cut(rs, start, end, ts);
	r.start = start;
	r.end = end;
	r.dead_ts = 0;
	r.name = xstrdup(tmpl->name ? tmpl->name : "[unknown]");
	if (!r.id) {
		r.id = ++rs->last_id;
		r.map_start = start;
		r.map_end = end;
		r.made_ts = ts;
	}
	place(rs, &r);
}

void regions_map(struct regions *rs, uint64_t start, uint64_t len, enum region_kind kind,
		 unsigned flags, int prot, const char *name, uint64_t ts)
{
	struct region t = { .kind = (uint8_t)kind, .flags = (uint8_t)flags, .prot = prot,
			    .name = (char *)name };

	start = page_down(start);
	map_like(rs, start, range_end(start, len), &t, ts);
}

void regions_unmap(struct regions *rs, uint64_t start, uint64_t len, uint64_t ts)
{
	start = page_down(start);
	cut(rs, start, range_end(start, len), ts);
}

/* The mapped region containing addr, or NULL. */
static struct region *find_live(struct regions *rs, uint64_t addr)
{
	size_t i = first_ending_after(&rs->live, addr);

	return i < rs->live.n && rs->live.v[i].start <= addr ? &rs->live.v[i] : NULL;
}

/* The mapping id now spans [start, end): every live piece says so. */
static void reshape(struct regions *rs, uint64_t id, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < rs->live.n; i++)
		if (rs->live.v[i].id == id) {
			rs->live.v[i].map_start = start;
			rs->live.v[i].map_end = end;
		}
}

void regions_remap(struct regions *rs, uint64_t old, uint64_t old_len, uint64_t new_addr,
		   uint64_t new_len, bool keep_old, uint64_t ts)
{
	const struct region *r = find_live(rs, page_down(old));
	struct region t = { .kind = RK_UNKNOWN, .prot = -1 };
	uint64_t old_end, new_end;

	old = page_down(old);
	new_addr = page_down(new_addr);
	old_end = range_end(old, old_len);
	new_end = range_end(new_addr, new_len);
	if (r)
		t = *r;   /* the moved part is the same mapping: kind, name, totals */
	t.name = xstrdup(r ? r->name : "[unknown]");
	if (keep_old && new_addr != old)
		t.id = 0;   /* MREMAP_DONTUNMAP: the old range stays, the new one is another */
	if (new_addr == old && new_end < old_end) {
		cut(rs, new_end, old_end, ts);
	} else if (new_addr == old) {
		map_like(rs, old_end, new_end, &t, ts);
	} else {
		if (!keep_old)
			cut(rs, old, old_end, ts);
		map_like(rs, new_addr, new_end, &t, ts);
	}
	if (t.id)
		reshape(rs, t.id, new_addr, new_end);
	free(t.name);
}

/* The heap region that ends where the heap ends now, or NULL. */
static struct region *heap_top(struct regions *rs)
{
	struct region *r;

	if (rs->heap_end <= rs->heap_start)
		return NULL;
	r = find_live(rs, rs->heap_end - 1);
	return r && r->kind == RK_HEAP && r->end == rs->heap_end ? r : NULL;
}

void regions_brk(struct regions *rs, uint64_t brk, uint64_t ts)
{
	uint64_t end = page_up(brk);
	struct region heap = { .kind = RK_HEAP, .prot = PROT_READ | PROT_WRITE,
			       .name = (char *)"[heap]" }, *top;

	if (!rs->heap_known || end < rs->heap_start) {
		rs->heap_known = true;
		rs->heap_start = rs->heap_end = end;
		return;
	}
	if (end < rs->heap_end) {
		cut(rs, end, rs->heap_end, ts);
	} else if (end > rs->heap_end) {
		cut(rs, rs->heap_end, end, ts);
		top = heap_top(rs);
		if (top)
			top->end = top->map_end = end;
		else
			map_like(rs, rs->heap_end, end, &heap, ts);
	}
	rs->heap_end = end;
}

void regions_exec(struct regions *rs, uint64_t ts)
{
	while (rs->live.n) {
		bury(rs, &rs->live.v[rs->live.n - 1], ts);
		rs->live.n--;
	}
	rs->heap_known = false;
	rs->heap_start = rs->heap_end = 0;
}

/* Parse a hex number at *p (before end); false if there is none. */
static bool hex(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	while (s < end && ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'))) {
		if (v >> 60)
			return false;
		v = v * 16 + (uint64_t)(*s <= '9' ? *s - '0' : *s - 'a' + 10);
		s++;
	}
	if (s == *p)
		return false;
	*p = s;
	*out = v;
	return true;
}

/* Skip one whitespace-separated field and the blanks after it. */
static const char *skip_field(const char *s, const char *end)
{
	while (s < end && *s != ' ')
		s++;
	while (s < end && *s == ' ')
		s++;
	return s;
}

/* Kind and flags of a /proc/PID/maps path. */
static enum region_kind maps_kind(const char *name, size_t n, unsigned *flags)
{
	*flags = 0;
	if (n == 0 || (n > 6 && !memcmp(name, "[anon:", 6)) || (n > 12 && !memcmp(name, "[anon_shmem:", 12)))
		return RK_ANON;
	if (n == 6 && !memcmp(name, "[heap]", 6))
		return RK_HEAP;
	if (n == 7 && !memcmp(name, "[stack]", 7)) {
		*flags = REGION_GROWSDOWN;
		return RK_STACK;
	}
	if (n > 7 && !memcmp(name, "[stack:", 7))
		return RK_STACK;
	return name[0] == '[' ? RK_SPECIAL : RK_FILE;
}

/* PROT_* of a maps perms field ("rw-p"), -1 when it is not one. */
static int maps_prot(const char *s, const char *end)
{
	if (end - s < 3)
		return -1;
	return (s[0] == 'r' ? PROT_READ : 0) | (s[1] == 'w' ? PROT_WRITE : 0) |
	       (s[2] == 'x' ? PROT_EXEC : 0);
}

/* Map one maps line [s, end); false when it is malformed. */
static bool maps_line(struct regions *rs, const char *s, const char *end, uint64_t ts)
{
	uint64_t lo, hi;
	unsigned flags;
	enum region_kind kind;
	char *name;
	int prot;

	if (!hex(&s, end, &lo) || s >= end || *s++ != '-' || !hex(&s, end, &hi) || hi <= lo)
		return false;
	s = skip_field(s, end);   /* to the perms */
	prot = maps_prot(s, end);
	for (int i = 0; i < 4; i++)   /* "perms offset dev inode " */
		s = skip_field(s, end);
	kind = maps_kind(s, (size_t)(end - s), &flags);
	name = end > s ? xstrndup(s, (size_t)(end - s)) : xstrdup("[anon]");
	regions_map(rs, lo, hi - lo, kind, flags, prot, name, ts);
	if (kind == RK_HEAP) {
		rs->heap_known = true;
		rs->heap_start = page_down(lo);
		rs->heap_end = page_up(hi);
	}
	free(name);
	return true;
}

int regions_load_maps(struct regions *rs, const char *text, size_t len, uint64_t ts)
{
	const char *s = text, *end = text + len;
	int used = 0;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;

		if (e > s && maps_line(rs, s, e, ts))
			used++;
		s = nl ? nl + 1 : end;
	}
	return used || !len ? used : -EINVAL;
}

/* The earliest-dying remembered region that held addr after ts. */
static struct region *find_dead(struct regions *rs, uint64_t addr, uint64_t ts)
{
	struct region *best = NULL;

	for (size_t i = rs->dead.n; i-- > 0;) {
		struct region *d = &rs->dead.v[i];
		if (d->dead_ts <= ts)
			break;
		if (d->start <= addr && addr < d->end)
			best = d;
	}
	return best;
}

struct region *regions_lookup(struct regions *rs, uint64_t addr, uint64_t ts)
{
	struct region *r = find_dead(rs, addr, ts);
	size_t i;

	if (r)
		return r;
	i = first_ending_after(&rs->live, addr);
	if (i == rs->live.n)
		return NULL;
	r = &rs->live.v[i];
	if (r->start <= addr)
		return r;
	if ((r->flags & REGION_GROWSDOWN) && r->start - addr <= STACK_GROWTH_MAX) {
		r->start = r->map_start = page_down(addr);
		return r;
	}
	return NULL;
}

const struct region *regions_live(const struct regions *rs, size_t *n)
{
	*n = rs->live.n;
	return rs->live.v;
}

size_t regions_dead_count(const struct regions *rs)
{
	return rs->dead.n;
}

const char *regions_kind_name(int kind)
{
	static const char *const names[RK_MAX] = {
		[RK_UNKNOWN] = "unknown", [RK_HEAP] = "heap", [RK_STACK] = "stack",
		[RK_ANON] = "anon", [RK_FILE] = "file", [RK_SPECIAL] = "special",
	};

	return kind >= 0 && kind < RK_MAX ? names[kind] : "unknown";
}
