/* sysstat.c - per-syscall counts, errors and times, per process and in total.
 *
 * Each process keeps a sorted array of the numbers it used; all processes
 * together have one more.  It must never make a system call or
 * look at anything but its arguments.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "sysstat.h"
#include "util.h"

/* The numbers one process used, ascending, so a row is a binary search away
 * and a process costs only the numbers it used (a fork storm stays small). */
struct sysset {
	struct sysstat_row *v;
	size_t n, cap;
};

struct sysstat {
	struct imap by_pid;      /* pid -> struct sysset */
	struct sysset all;
	/* nr + 1 -> its calls by duration (made on the first timed call) */
	uint64_t (*hist)[SYSSTAT_HIST_SLOTS];
};

/* An empty summary. */
struct sysstat *sysstat_new(void)
{
	return xcalloc(1, sizeof(struct sysstat));
}

/* Free the rows of one set (not the set). */
static void set_release(struct sysset *set)
{
	free(set->v);
}

/* Free the summary and every row. */
void sysstat_free(struct sysstat *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->by_pid.cap; i++)
		if (s->by_pid.vals[i]) {
			set_release(s->by_pid.vals[i]);
			free(s->by_pid.vals[i]);
		}
	imap_release(&s->by_pid);
	set_release(&s->all);
	free(s->hist);
	free(s);
}

/* Position of nr in set, or where it would go. */
static size_t set_pos(const struct sysset *set, int nr)
{
	size_t lo = 0, hi = set->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->v[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The row of nr in set, inserted (zeroed) on first use. */
static struct sysstat_row *set_row(struct sysset *set, int nr)
{
	size_t i = set_pos(set, nr);

	if (i < set->n && set->v[i].nr == nr)
		return &set->v[i];
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 8;
		set->v = xreallocarray(set->v, set->cap, sizeof(*set->v));
	}
	memmove(&set->v[i + 1], &set->v[i], (set->n - i) * sizeof(*set->v));
	set->n++;
	memset(&set->v[i], 0, sizeof(set->v[i]));
	set->v[i].nr = nr;
	return &set->v[i];
}

/* Count one call into a set. */
/* Add counted figures c to nr's row of set. */
static void set_add_counts(struct sysset *set, int nr, const struct sysstat_row *c)
{
	struct sysstat_row *r = set_row(set, nr);

	r->calls += c->calls;
	r->errors += c->errors;
	r->timed += c->timed;
	r->total_ns += c->total_ns;
	if (c->max_ns > r->max_ns)
		r->max_ns = c->max_ns;
}

static void set_add(struct sysset *set, int nr, bool failed, bool timed, uint64_t dur)
{
	struct sysstat_row *r = set_row(set, nr);

	r->calls++;
	r->errors += failed;
	if (!timed)
		return;
	r->timed++;
	r->total_ns += dur;
	if (dur > r->max_ns)
		r->max_ns = dur;
}

/* The set of process pid, made on first use. */
static struct sysset *set_of(struct sysstat *s, int pid)
{
	struct sysset *set = imap_get(&s->by_pid, (uint64_t)(uint32_t)pid);

	if (!set) {
		set = xcalloc(1, sizeof(*set));
		imap_put(&s->by_pid, (uint64_t)(uint32_t)pid, set);
	}
	return set;
}

unsigned sysstat_slot(uint64_t ns)
{
	unsigned lg = 0;

	while (lg < 63 && ns >> (lg + 1))
		lg++;
	/* lg = floor(log2(ns)) */
	return lg < 6 ? 0 : lg - 5 >= SYSSTAT_HIST_SLOTS ? SYSSTAT_HIST_SLOTS - 1 : lg - 5;
}

void sysstat_slot_bounds(unsigned i, uint64_t *lo, uint64_t *hi)
{
	*lo = i ? UINT64_C(1) << (i + 5) : 0;
	*hi = UINT64_C(1) << (i + 6);
}

/* The histogram of nr (-1..SYSSTAT_NR_MAX-1), made if need be. */
static uint64_t *hist_of(struct sysstat *s, int nr)
{
	if (!s->hist)
		s->hist = xcalloc(SYSSTAT_NR_MAX + 1, sizeof(*s->hist));
	return s->hist[nr + 1];
}

/* One finished call of process pid, counted for it and for all. */
void sysstat_add_counts(struct sysstat *s, int pid, int nr, const struct sysstat_row *r,
			const uint32_t hist[SYSSTAT_HIST_SLOTS])
{
	if (nr < -1 || nr >= SYSSTAT_NR_MAX)
		nr = -1;
	set_add_counts(&s->all, nr, r);
	set_add_counts(set_of(s, pid), nr, r);
	if (!hist || !r->timed)
		return;
	for (unsigned i = 0; i < SYSSTAT_HIST_SLOTS; i++)
		hist_of(s, nr)[i] += hist[i];
}

void sysstat_add(struct sysstat *s, int pid, int nr, int64_t ret, bool timed, uint64_t dur_ns)
{
	/* Only -4095..-1 are errors: larger "negative" values are addresses. */
	bool failed = ret < 0 && ret >= -4095;

	if (nr < -1 || nr >= SYSSTAT_NR_MAX)
		nr = -1;
	set_add(&s->all, nr, failed, timed, dur_ns);
	set_add(set_of(s, pid), nr, failed, timed, dur_ns);
	if (timed)
		hist_of(s, nr)[sysstat_slot(dur_ns)]++;
}

const uint64_t *sysstat_hist(const struct sysstat *s, int nr)
{
	if (!s->hist || nr < -1 || nr >= SYSSTAT_NR_MAX)
		return NULL;
	for (unsigned i = 0; i < SYSSTAT_HIST_SLOTS; i++)
		if (s->hist[nr + 1][i])
			return s->hist[nr + 1];
	return NULL;
}

uint64_t sysstat_quantile_ns(const struct sysstat *s, int nr, double q)
{
	const uint64_t *h = sysstat_hist(s, nr);
	const struct sysset *all = &s->all;
	uint64_t total = 0, cum = 0, lo, hi, max, v;
	size_t at = set_pos(all, nr);

	if (!h)
		return 0;
	max = at < all->n && all->v[at].nr == nr ? all->v[at].max_ns : 0;
	for (unsigned i = 0; i < SYSSTAT_HIST_SLOTS; i++)
		total += h[i];
	for (unsigned i = 0; i < SYSSTAT_HIST_SLOTS; i++) {
		if (!h[i] || (double)(cum + h[i]) < q * (double)total) {
			cum += h[i];
			continue;
		}
		sysstat_slot_bounds(i, &lo, &hi);
		v = lo + (uint64_t)((double)(hi - lo) * (q * (double)total - (double)cum) / (double)h[i]);
		return max && v > max ? max : v;
	}
	return max;
}

/* The set of pid (0: all), or NULL when pid made no call. */
static const struct sysset *set_find(const struct sysstat *s, int pid)
{
	return pid ? imap_get(&s->by_pid, (uint64_t)(uint32_t)pid) : &s->all;
}

/* Copy the rows of pid (0: all), ascending nr; returns how many there are. */
size_t sysstat_rows(const struct sysstat *s, int pid, struct sysstat_row *out, size_t cap)
{
	const struct sysset *set = set_find(s, pid);

	if (!set)
		return 0;
	if (cap && set->n)
		memcpy(out, set->v, (set->n < cap ? set->n : cap) * sizeof(*out));
	return set->n;
}

/* The sum over every syscall of pid (0: all). */
void sysstat_total(const struct sysstat *s, int pid, struct sysstat_row *sum)
{
	const struct sysset *set = set_find(s, pid);

	memset(sum, 0, sizeof(*sum));
	sum->nr = -1;
	for (size_t i = 0; set && i < set->n; i++) {
		const struct sysstat_row *r = &set->v[i];

		sum->calls += r->calls;
		sum->errors += r->errors;
		sum->timed += r->timed;
		sum->total_ns += r->total_ns;
		if (r->max_ns > sum->max_ns)
			sum->max_ns = r->max_ns;
	}
}

/* Average measured duration of a row, ns. */
uint64_t sysstat_avg_ns(const struct sysstat_row *r)
{
	return r->timed ? r->total_ns / r->timed : 0;
}

/* Number of distinct syscalls of pid (0: all). */
size_t sysstat_count(const struct sysstat *s, int pid)
{
	const struct sysset *set = set_find(s, pid);

	return set ? set->n : 0;
}
