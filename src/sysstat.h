/* sysstat.h - per-syscall counts, errors and times, per process and in total.
 *
 * The strace -c of compendium-tui: the model feeds it every finished system
 * call it is told about (REC_SYSCALL), and the UI and the report read rows
 * back.  With the seccomp filter only the calls that trap are seen, so the
 * table covers those alone.  Pure code: no system calls, no clocks.
 */
#ifndef COMPENDIUM_SYSSTAT_H
#define COMPENDIUM_SYSSTAT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYSSTAT_NR_MAX 1024      /* numbers at or above this count as -1 (unknown) */
/* Slots of the call-duration histograms: slot 0 counts calls under 64 ns,
 * slot i 2^(i+5) <= ns < 2^(i+6), the last one everything from 2^36 ns on
 * (the kernel engine's and the recording's slots, struct rec_sysstat). */
#define SYSSTAT_HIST_SLOTS 32

/* Figures of one syscall number (or all of them: nr -1 in a total). */
struct sysstat_row {
	int nr;                  /* x86_64 number, -1 for unknown */
	uint64_t calls;
	uint64_t errors;         /* calls that returned -errno */
	uint64_t timed;          /* calls whose duration was measured */
	uint64_t total_ns;       /* sum of the measured durations */
	uint64_t max_ns;
};

struct sysstat;                  /* opaque */

struct sysstat *sysstat_new(void);
void sysstat_free(struct sysstat *s);
/* One finished call of process pid; dur_ns counts only when timed. */
void sysstat_add(struct sysstat *s, int pid, int nr, int64_t ret, bool timed, uint64_t dur_ns);
/* What the kernel counted of syscall nr of process pid since it last said:
 * r's figures (its nr is ignored) added to the call's row, and hist (the
 * timed calls by slot, NULL: none) to the call's histogram. */
void sysstat_add_counts(struct sysstat *s, int pid, int nr, const struct sysstat_row *r,
			const uint32_t hist[SYSSTAT_HIST_SLOTS]);
/* The histogram slot of a call that took ns. */
unsigned sysstat_slot(uint64_t ns);
/* Slot i's bounds in ns: lo <= ns < hi (the last slot's hi is its lo
 * doubled, a bound for the quantiles only). */
void sysstat_slot_bounds(unsigned i, uint64_t *lo, uint64_t *hi);
/* The duration histogram of syscall nr over every process (kept for all of
 * them together, not per process: a fork storm stays small), or NULL when
 * no call of it was timed. */
const uint64_t *sysstat_hist(const struct sysstat *s, int nr);
/* Quantile q (0..1) of nr's timed calls in ns, interpolated within its
 * slot and never above the longest call (0: none timed). */
uint64_t sysstat_quantile_ns(const struct sysstat *s, int nr, double q);
/* Rows of process pid (0: all processes) with calls > 0, ascending nr, into
 * out (room for cap); returns how many there are (may exceed cap). */
size_t sysstat_rows(const struct sysstat *s, int pid, struct sysstat_row *out, size_t cap);
/* The sum over every syscall of pid (0: all); nr is -1. */
void sysstat_total(const struct sysstat *s, int pid, struct sysstat_row *sum);
/* Average measured duration of a row in ns (0 when nothing was timed). */
uint64_t sysstat_avg_ns(const struct sysstat_row *r);
/* Did a process call it at all? Number of distinct syscalls of pid (0: all). */
size_t sysstat_count(const struct sysstat *s, int pid);
#endif
