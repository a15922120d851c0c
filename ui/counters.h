/* counters.h - the live numbers: memory, I/O with rates, connections, tasks.
 *
 * Rates come from samples taken on the UI's timer (pure arithmetic, testable);
 * the resident set size of the traced tree is read from /proc/PID/statm of
 * the live processes here, on the UI thread, never in the model.
 */
#ifndef COMPENDIUM_UI_COUNTERS_H
#define COMPENDIUM_UI_COUNTERS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define RATE_SLOTS 9
#define COUNTER_CELLS 4

/* Recent (time, value) samples of a growing total. */
struct rate {
	uint64_t t[RATE_SLOTS], v[RATE_SLOTS];
	size_t n, head;
};

struct counters {
	struct rate file_rd, file_wr, net_tx, net_rx;
	uint64_t rss;            /* bytes, live processes of the traced tree */
	size_t rss_procs;        /* how many statm files were read */
	bool rss_last;           /* nothing alive: rss is the last value seen */
	bool ended;              /* tracing ended: totals without rates */
	bool no_rss;             /* a replay: no process here to measure */
};

#define COUNTER_CELL 160

/* Add a sample (value is a running total). */
void rate_push(struct rate *r, uint64_t now_ns, uint64_t value);
/* Per-second rate over the samples kept (0 with fewer than two). */
uint64_t rate_per_sec(const struct rate *r);

/* Take a rate sample of the model's I/O totals. */
void counters_sample(struct counters *c, const struct model *m, uint64_t now_ns);
/* Read the RSS of every live traced process (system calls; UI thread only). */
void counters_read_rss(struct counters *c, const struct model *m);
/* The counter cells to show, in order (wide: room for longer wording);
 * returns how many were written (0 when max is under COUNTER_CELLS). */
size_t counters_cells(const struct counters *c, const struct model *m, bool wide,
		      char cells[][COUNTER_CELL], size_t max);
/* Flow n cells into lines of at most width columns (three columns between
 * cells); line k gets the cells [starts[k], starts[k + 1]); starts has room
 * for max_lines + 1 entries.  Returns the number of lines. */
size_t counters_flow(char cells[][COUNTER_CELL], size_t n, int width, size_t *starts,
		     size_t max_lines);
#endif
