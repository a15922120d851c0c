/* fuzz_fdtable.c - libFuzzer harness for fd tables driven by input bytes.
 *
 * The input is a program: each opcode byte picks (low nibble) open, dup,
 * close, close_range, keep, copy, ref, unref, install or a lookup on one of
 * four table slots (high nibble), with fd numbers that are mostly small,
 * sometimes around FDTABLE_DENSE (where the array hands over to the map),
 * and can be any int32 (tracees choose them).  A shadow model kept here with plain arrays says
 * what every table must hold; after each step every shadow fd must map to
 * the right object, each object's refs must equal the fds that point at it,
 * and at the end every table is released so LeakSanitizer sees any leak.
 * It must never reach into a table except through fdtable.h.
 */
#include "config.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdtable.h"

#define NSLOT 4
#define MAX_OPS 512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ent {
	int fd;
	unsigned obj;
};

/* What one table must hold. */
struct stab {
	int refs;
	size_t n, cap;
	struct ent *e;
};

struct slot {
	struct fdtable *t;
	struct stab *s;
};

/* The input being read and the state it drives. */
struct run {
	const uint8_t *d;
	size_t n, i;
	struct slot slot[NSLOT];
	struct fobj **obj;     /* object id -> object (valid while referenced) */
	size_t nobj;
};

/* Report a broken promise, then crash. */
static void fail(const char *what, int fd)
{
	fprintf(stderr, "fuzz_fdtable: %s (fd %d)\n", what, fd);
	abort();
}

/* Next input byte (0 past the end). */
static uint8_t next(struct run *r)
{
	return r->i < r->n ? r->d[r->i++] : 0;
}

/* An fd number: mostly small, sometimes spread out or next to
 * FDTABLE_DENSE, sometimes any int32. */
static int next_fd(struct run *r)
{
	uint8_t b = next(r);
	uint32_t v = 0;

	if (b < 0x80)
		return b;
	if (b < 0xa0)
		return 128 + (b & 0x1f) * 64;
	if (b < 0xc0)
		return FDTABLE_DENSE - 16 + (b & 0x1f);
	for (int k = 0; k < 4; k++)
		v = v << 8 | next(r);
	return (int)v;
}

/* Index of fd in a shadow table, or -1. */
static long sfind(const struct stab *s, int fd)
{
	for (size_t k = 0; k < s->n; k++)
		if (s->e[k].fd == fd)
			return (long)k;
	return -1;
}

/* Shadow: fd now refers to object id. */
static void sset(struct stab *s, int fd, unsigned id)
{
	long k = sfind(s, fd);

	if (k >= 0) {
		s->e[k].obj = id;
		return;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->e = realloc(s->e, s->cap * sizeof(*s->e));
	}
	s->e[s->n++] = (struct ent){ fd, id };
}

/* Shadow: fd closed. */
static void sdel(struct stab *s, int fd)
{
	long k = sfind(s, fd);

	if (k >= 0)
		s->e[k] = s->e[--s->n];
}

/* The slot's table, created empty on first use. */
static struct slot *use_slot(struct run *r, unsigned i)
{
	struct slot *sl = &r->slot[i % NSLOT];

	if (!sl->t) {
		sl->t = fdtable_new();
		sl->s = calloc(1, sizeof(*sl->s));
		sl->s->refs = 1;
	}
	return sl;
}

/* Drop a slot's reference (table and shadow). */
static void drop_slot(struct slot *sl)
{
	if (!sl->t)
		return;
	fdtable_unref(sl->t);
	if (--sl->s->refs == 0) {
		free(sl->s->e);
		free(sl->s);
	}
	sl->t = NULL;
	sl->s = NULL;
}

/* Is the shadow table s held by a slot before index i (count it once)? */
static bool seen_before(const struct run *r, int i, const struct stab *s)
{
	for (int k = 0; k < i; k++)
		if (r->slot[k].s == s)
			return true;
	return false;
}

/* Every shadow fd maps to its object; tables agree on refs and counts. */
static void check_tables(const struct run *r)
{
	for (int i = 0; i < NSLOT; i++) {
		const struct slot *sl = &r->slot[i];
		char path[32];

		if (!sl->t)
			continue;
		if (sl->t->refs != sl->s->refs)
			fail("table refs differ from the tasks sharing it", -1);
		for (size_t k = 0; k < sl->s->n; k++) {
			const struct ent *e = &sl->s->e[k];
			snprintf(path, sizeof(path), "o%u", e->obj);
			if (fdtable_get(sl->t, e->fd) != r->obj[e->obj])
				fail("fd refers to the wrong object", e->fd);
			if (strcmp(fdtable_path(sl->t, e->fd), path) != 0)
				fail("fd has the wrong path", e->fd);
		}
		if (sl->t->cap > FDTABLE_DENSE)
			fail("the array grew past FDTABLE_DENSE", sl->t->cap);
		if (fdtable_count(sl->t) != (int)sl->s->n)
			fail("fdtable_count differs from the open fds", (int)sl->s->n);
	}
}

/* Each live object's refs equals the fds (over distinct tables) naming it. */
static void check_refs(const struct run *r)
{
	int *want = calloc(r->nobj + 1, sizeof(*want));

	for (int i = 0; i < NSLOT; i++) {
		const struct stab *s = r->slot[i].s;
		if (!s || seen_before(r, i, s))
			continue;
		for (size_t k = 0; k < s->n; k++)
			want[s->e[k].obj]++;
	}
	for (size_t id = 0; id < r->nobj; id++)
		if (want[id] && r->obj[id]->refs != want[id])
			fail("object refs differ from the fds naming it", (int)id);
	free(want);
}

/* open: a new object at fd, refused exactly for negative fds. */
static void op_open(struct run *r, struct slot *sl)
{
	int fd = next_fd(r), flags = next(r) % 4;
	unsigned id = (unsigned)r->nobj;
	char path[32];
	struct fobj *o;

	snprintf(path, sizeof(path), "o%u", id);
	o = fdtable_open(sl->t, fd, next(r) % 16, path, flags == 3 ? O_RDWR : flags);
	if ((o != NULL) != (fd >= 0))
		fail("open refused a valid fd or took an invalid one", fd);
	if (!o)
		return;
	if (o->mode != fdtable_mode(flags == 3 ? O_RDWR : flags))
		fail("object mode differs from the open flags", fd);
	r->obj = realloc(r->obj, (r->nobj + 1) * sizeof(*r->obj));
	r->obj[r->nobj++] = o;
	sset(sl->s, fd, id);
}

/* dup: newfd refers to what oldfd does. */
static void op_dup(struct run *r, struct slot *sl)
{
	int oldfd = next_fd(r), newfd = next_fd(r);
	long k = sfind(sl->s, oldfd);

	if (fdtable_dup(sl->t, oldfd, newfd) != (k >= 0))
		fail("dup result differs from whether oldfd is open", oldfd);
	if (k >= 0 && oldfd != newfd && newfd >= 0)
		sset(sl->s, newfd, sl->s->e[k].obj);
}

/* close: true exactly when fd was open. */
static void op_close(struct run *r, struct slot *sl)
{
	int fd = next_fd(r);

	if (fdtable_close(sl->t, fd) != (sfind(sl->s, fd) >= 0))
		fail("close result differs from whether fd was open", fd);
	sdel(sl->s, fd);
}

/* close_range over any unsigned bounds. */
static void op_close_range(struct run *r, struct slot *sl)
{
	unsigned first = (unsigned)next_fd(r), last = (unsigned)next_fd(r);

	fdtable_close_range(sl->t, first, last);
	for (size_t k = 0; k < sl->s->n;) {
		unsigned fd = (unsigned)sl->s->e[k].fd;
		if (fd >= first && fd <= last)
			sl->s->e[k] = sl->s->e[--sl->s->n];
		else
			k++;
	}
}

/* keep: only the listed fds stay open (the REC_FDSET rule). */
static void op_keep(struct run *r, struct slot *sl)
{
	int32_t fds[8];
	int n = next(r) % 9;

	for (int k = 0; k < n; k++)
		fds[k] = next_fd(r);
	fdtable_keep(sl->t, fds, n);
	for (size_t k = 0; k < sl->s->n;) {
		bool keep = false;
		for (int j = 0; j < n && !keep; j++)
			keep = fds[j] == sl->s->e[k].fd;
		if (keep)
			k++;
		else
			sl->s->e[k] = sl->s->e[--sl->s->n];
	}
}

/* copy (fork) or ref (CLONE_FILES) the table of one slot into another. */
static void op_share(struct run *r, bool copy)
{
	struct slot *src = use_slot(r, next(r)), *dst = &r->slot[next(r) % NSLOT];
	struct fdtable *t;
	struct stab *s;

	if (copy) {
		t = fdtable_copy(src->t);
		s = calloc(1, sizeof(*s));
		s->refs = 1;
		s->n = s->cap = src->s->n;
		s->e = malloc((s->cap ? s->cap : 1) * sizeof(*s->e));
		if (s->n)
			memcpy(s->e, src->s->e, s->n * sizeof(*s->e));
	} else {
		t = fdtable_ref(src->t);
		s = src->s;
		s->refs++;
	}
	drop_slot(dst);
	dst->t = t;
	dst->s = s;
}

/* install: an object from any table lands at fd (SCM_RIGHTS, inheritance). */
static void op_install(struct run *r, struct slot *sl)
{
	struct slot *from = use_slot(r, next(r));
	int fd = next_fd(r), from_fd = next_fd(r);
	struct fobj *o = fdtable_get(from->t, from_fd);
	long k = sfind(from->s, from_fd);

	if ((o != NULL) != (k >= 0))
		fail("get differs from whether the fd is open", from_fd);
	if (!o)
		return;
	fdtable_install(sl->t, fd, o);
	if (fd >= 0)
		sset(sl->s, fd, from->s->e[k].obj);
}

/* Lookups of an arbitrary fd agree with the shadow. */
static void op_lookup(struct run *r, struct slot *sl)
{
	int fd = next_fd(r);
	bool open = sfind(sl->s, fd) >= 0;

	if ((fdtable_get(sl->t, fd) != NULL) != open || (fdtable_path(sl->t, fd) != NULL) != open)
		fail("lookup differs from whether fd is open", fd);
}

/* Run one operation. */
static void step(struct run *r)
{
	uint8_t op = next(r);
	struct slot *sl = use_slot(r, op >> 4);

	switch ((op & 0xf) % 10) {
	case 0: op_open(r, sl); break;
	case 1: op_dup(r, sl); break;
	case 2: op_close(r, sl); break;
	case 3: op_close_range(r, sl); break;
	case 4: op_keep(r, sl); break;
	case 5: op_share(r, true); break;
	case 6: op_share(r, false); break;
	case 7: drop_slot(sl); break;
	case 8: op_install(r, sl); break;
	default: op_lookup(r, sl); break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run r = { .d = data, .n = size };

	for (int ops = 0; r.i < r.n && ops < MAX_OPS; ops++) {
		step(&r);
		check_tables(&r);
		check_refs(&r);
	}
	check_tables(&r);
	for (int i = 0; i < NSLOT; i++)
		drop_slot(&r.slot[i]);
	free(r.obj);
	return 0;
}
