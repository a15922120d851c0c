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
 * r's figures (its nr is ignored) added to the call's row. */
void sysstat_add_counts(struct sysstat *s, int pid, int nr, const struct sysstat_row *r);
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
