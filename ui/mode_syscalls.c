/* mode_syscalls.c - the syscall summary view (strace -c, live).
 *
 * Rows come from the model's sysstat: one per syscall number the shown
 * processes made, with calls, errors and the measured times.  The cells
 * are formatted from the sort keys alone.  This file must never draw.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "app.h"
#include "mode.h"
#include "sysent.h"
#include "sysstat.h"
#include "util.h"

enum { C_NAME, C_CALLS, C_ERRORS, C_TOTAL, C_AVG, C_P50, C_P99, C_MAX, C_PCT, C_N };

static const struct tcol cols[C_N] = {
	[C_NAME] = { "Syscall", 0, false, true }, [C_CALLS] = { "Calls", 9, true, false },
	[C_ERRORS] = { "Errors", 8, true, false }, [C_TOTAL] = { "Total", 9, true, false },
	[C_AVG] = { "Avg", 9, true, false }, [C_P50] = { "p50", 9, true, false },
	[C_P99] = { "p99", 9, true, false }, [C_MAX] = { "Max", 9, true, false },
	[C_PCT] = { "%Time", 6, true, false },
};

/* The name of syscall nr ("?" when unknown). */
static const char *name_of(int nr)
{
	const char *n = nr >= 0 ? sysent_name(0, nr) : NULL;

	return n ? n : "?";
}

/* One row per syscall of pid. */
static void build(struct app *a, struct table *t, int pid)
{
	const struct sysstat *s = model_sysstat(a->model);
	size_t n = sysstat_count(s, pid);
	struct sysstat_row *rows = xcalloc(n ? n : 1, sizeof(*rows)), sum;

	sysstat_rows(s, pid, rows, n);
	sysstat_total(s, pid, &sum);
	for (size_t i = 0; i < n; i++) {
		struct trow *r = table_add(t, (uint64_t)(rows[i].nr + 1));

		r->pid = pid;
		r->text = name_of(rows[i].nr);
		r->key[C_CALLS] = (double)rows[i].calls;
		r->key[C_ERRORS] = (double)rows[i].errors;
		r->key[C_TOTAL] = (double)rows[i].total_ns;
		r->key[C_AVG] = (double)sysstat_avg_ns(&rows[i]);
		/* (the histograms are kept for all processes together) */
		r->key[C_P50] = pid ? -1 : (double)sysstat_quantile_ns(s, rows[i].nr, 0.5);
		r->key[C_P99] = pid ? -1 : (double)sysstat_quantile_ns(s, rows[i].nr, 0.99);
		r->key[C_MAX] = (double)rows[i].max_ns;
		r->key[C_PCT] = sum.total_ns ? 100.0 * (double)rows[i].total_ns / (double)sum.total_ns : 0;
	}
	free(rows);
}

/* Column c of row r. */
static void cell(const struct app *a, const struct trow *r, size_t c, char *buf, size_t cap)
{
	(void)a;
	switch (c) {
	case C_NAME: snprintf(buf, cap, "%s", r->text); break;
	case C_CALLS: case C_ERRORS: mode_count(r->key[c], buf, cap); break;
	case C_PCT: snprintf(buf, cap, "%.1f", r->key[c]); break;
	case C_P50: case C_P99:
		if (r->key[c] < 0) {
			snprintf(buf, cap, "-");
			break;
		}
		/* fall through */
	default: mode_ns(r->key[c], buf, cap); break;
	}
}

/* Totals and what the figures cover. */
static void note(const struct app *a, int pid, char *buf, size_t cap)
{
	struct sysstat_row sum;

	sysstat_total(model_sysstat(a->model), pid, &sum);
	if (model_kernel_engine(a->model)) {
		snprintf(buf, cap, "%llu calls, %llu errors, %llu timed.  The kernel engine counts "
			 "and times every call in the kernel (entry to exit); p50 and p99 are read "
			 "from each call's log2 histogram of every process.",
			 (unsigned long long)sum.calls, (unsigned long long)sum.errors,
			 (unsigned long long)sum.timed);
		return;
	}
	snprintf(buf, cap, "%llu calls, %llu errors, %llu timed.  Only calls the tracer stops on "
		 "count: with the seccomp filter (the default) those that matter to it; "
		 "--no-seccomp counts every call.  With --ebpf the kernel counts reads and "
		 "writes (see Files) and sends the mmap and open families untimed.  Time: entry to exit, "
		 "where the entry was seen; p50 and p99 from a log2 histogram of every process.",
		 (unsigned long long)sum.calls, (unsigned long long)sum.errors,
		 (unsigned long long)sum.timed);
}

const struct mode_ops mode_syscalls = {
	.name = "Syscalls", .enter = NULL, .cols = cols, .ncols = C_N, .sort = C_CALLS,
	.asc = false, .build = build, .cell = cell, .open = NULL, .note = note,
};
