/* summary.h - the summary object: what a whole trace came to.
 *
 * One writer for the summary line of --json and the "summary" the HTML
 * report embeds: the command, how it ended, the duration, processes,
 * files, connections, notes and the totals (I/O, memory, tracer cost,
 * latency, page faults, whether anything was lost).  Other tools read
 * these field names: they never change meaning.  It goes out to an fbuf a
 * row at a time, so the summary of thousands of processes is never held
 * whole in memory.
 */
#ifndef COMPENDIUM_SUMMARY_H
#define COMPENDIUM_SUMMARY_H
#include <stddef.h>

#include "fbuf.h"
#include "model.h"
#include "strbuf.h"

enum {
	SUMMARY_TYPE = 1 << 0,       /* begin with "type":"summary" (a JSON line) */
	SUMMARY_HTML = 1 << 1,       /* strings \u-escape < > & (inside a page) */
	SUMMARY_EXIT_TEXT = 1 << 2,  /* "exit_text": how it ended, in words */
	SUMMARY_PROC_LATENCY = 1 << 3,   /* each process's "latency" */
};

struct summary_opts {
	unsigned flags;          /* SUMMARY_* */
	size_t list_max;         /* 0: every file and connection in order of
				    appearance; else the list_max that moved the
				    most bytes, most first, and "files_total",
				    "connections_total" */
	size_t argv_max;         /* arguments and notes listed (0: all); the rest
				    are counted in a last "... N more" */
};

/* Write the summary object of m (no newline) to out. */
void summary_write(struct fbuf *out, const struct model *m, const struct summary_opts *o);

enum {
	SUMMARY_LAT_SHORT = 1 << 0,  /* "p50" rather than "p50_us" */
	SUMMARY_LAT_BYTES = 1 << 1,  /* also "bytes" (block I/O) */
};

/* {"count":N,"p50_us":..,"p99_us":..,"max_us":..,"hist":[..]} of one latency. */
void summary_lat(struct strbuf *sb, const struct lat_stats *s, unsigned flags);
#endif
