/* mode_latency.c - scheduler and block I/O latency histograms (--ebpf).
 *
 * Rows are the log2 slots of the kernel's histograms for the shown process
 * (or all of them), each with its microsecond range, count and a bar.
 * Without --ebpf the note says how to get them.  This file must never draw.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "fmt.h"
#include "mode.h"

enum { C_KIND, C_RANGE, C_COUNT, C_PCT, C_BAR, C_N };

static const struct tcol cols[C_N] = {
	[C_KIND] = { "Latency", 8, false, true }, [C_RANGE] = { "Range", 17, false, false },
	[C_COUNT] = { "Count", 9, true, false }, [C_PCT] = { "%", 6, true, false },
	[C_BAR] = { "", 0, false, false },
};

static const char *const kind_name[] = { [HIST_SCHED] = "sched", [HIST_BLOCK] = "block" };

/* The rows of one histogram. */
static void add_hist(struct table *t, const struct lat_stats *s, enum hist_kind kind, int pid)
{
	uint64_t max = 0;

	if (!s || !s->hist_total)
		return;
	for (int i = 0; i < LAT_HIST_SLOTS; i++)
		max = s->hist[i] > max ? s->hist[i] : max;
	for (int i = 0; i < LAT_HIST_SLOTS; i++) {
		struct trow *r;

		if (!s->hist[i])
			continue;
		r = table_add(t, (uint64_t)kind << 8 | (unsigned)i);
		r->pid = pid;
		r->text = kind_name[kind];
		r->key[C_RANGE] = i;
		r->key[C_COUNT] = (double)s->hist[i];
		r->key[C_PCT] = 100.0 * (double)s->hist[i] / (double)s->hist_total;
		r->key[C_BAR] = (double)s->hist[i] / (double)max;
	}
}

/* Both histograms of pid (0: all). */
static void build(struct app *a, struct table *t, int pid)
{
	add_hist(t, model_latency(a->model, pid, HIST_SCHED), HIST_SCHED, pid);
	add_hist(t, model_latency(a->model, pid, HIST_BLOCK), HIST_BLOCK, pid);
}

/* "[8us, 16us)" for slot i: 2^(i-1) <= v < 2^i microseconds. */
static void range_text(int i, char *buf, size_t cap)
{
	char lo[24], hi[24];

	if (i == 0) {
		snprintf(buf, cap, "< 1us");
		return;
	}
	fmt_duration((uint64_t)1000 << (i - 1), lo);
	fmt_duration((uint64_t)1000 << i, hi);
	snprintf(buf, cap, "%s - %s", lo, hi);
}

/* Column c of row r. */
static void cell(const struct app *a, const struct trow *r, size_t c, char *buf, size_t cap)
{
	size_t w;

	(void)a;
	switch (c) {
	case C_KIND: snprintf(buf, cap, "%s", r->text); break;
	case C_RANGE: range_text((int)r->key[c], buf, cap); break;
	case C_COUNT: mode_count(r->key[c], buf, cap); break;
	case C_PCT: snprintf(buf, cap, "%.1f", r->key[c]); break;
	default:
		/* A bar as long as the count relative to the largest slot; the
		 * column is (cap - 1) / 4 wide (see mode.h). */
		w = cap > 4 ? (size_t)(r->key[C_BAR] * (double)((cap - 1) / 4) + 0.5) : 0;
		w = w ? w : 1;
		memset(buf, '#', w < cap ? w : cap - 1);
		buf[w < cap ? w : cap - 1] = '\0';
		break;
	}
}

/* One line per kind: count and percentiles; or how to turn it on. */
static void note(const struct app *a, int pid, char *buf, size_t cap)
{
	const struct lat_stats *s = model_latency(a->model, pid, HIST_SCHED);
	const struct lat_stats *b = model_latency(a->model, pid, HIST_BLOCK);
	char p50[24], p99[24], q50[24], q99[24];

	if (!s && !b) {
		snprintf(buf, cap, "No latency data%s: run with --ebpf (root, or CAP_BPF and "
			 "CAP_PERFMON).", pid ? " for this process" : "");
		return;
	}
	snprintf(buf, cap, "Sched delay: %llu waits, p50 %s, p99 %s.  Block I/O: %llu requests, "
		 "p50 %s, p99 %s.", (unsigned long long)(s ? s->count : 0),
		 fmt_duration_us(s ? model_lat_quantile_us(s, 0.5) : 0, p50),
		 fmt_duration_us(s ? model_lat_quantile_us(s, 0.99) : 0, p99),
		 (unsigned long long)(b ? b->count : 0),
		 fmt_duration_us(b ? model_lat_quantile_us(b, 0.5) : 0, q50),
		 fmt_duration_us(b ? model_lat_quantile_us(b, 0.99) : 0, q99));
}

const struct mode_ops mode_latency = {
	.name = "Latency", .enter = NULL, .cols = cols, .ncols = C_N, .sort = -1,
	.asc = false, .build = build, .cell = cell, .open = NULL, .note = note,
};
