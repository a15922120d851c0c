/* report.h - the --report sink: one self-contained, offline HTML file.
 *
 * The file holds the summary, a timeline and an event table.  Its script
 * and style are inline, allowed by hash in a Content-Security-Policy of
 * default-src 'none'; the events are a JSON data block of column arrays
 * that is never executed, and every traced string in it is HTML-safe.
 */
#ifndef COMPENDIUM_REPORT_H
#define COMPENDIUM_REPORT_H
#include <stddef.h>
#include <stdio.h>

#include "model.h"
#include "stackkeep.h"
#include "store.h"

/* Default for --max-report-events: a million events open in about a second. */
#define REPORT_MAX_EVENTS_DEFAULT 2000000

/* Write the report of m and s to path (created or truncated).  With more
 * than max_events stored events (0: no limit), every process start, fork,
 * thread and exit is kept and the rest are thinned evenly over the trace;
 * the report says how many of each category were left out.  Returns 0 or
 * -errno. */
int report_write(const struct model *m, const struct store *s, const char *path,
		 size_t max_events);
/* The same, for a store that holds only the events the --filter
 * expression filter matched (NULL: all); the report says so.  Events with
 * a stack in stacks (--stack; NULL: none) show it in their details. */
int report_write_filtered(const struct model *m, const struct store *s, const char *path,
			  size_t max_events, const char *filter, const struct stackkeep *stacks);
/* Bytes report_write needs besides the store for s and max_events: the
 * kept events' indices and, for events out of time order, their sort (the
 * caller leaves that much of its memory budget free). */
size_t report_scratch(const struct store *s, size_t max_events);
/* The same, to an open stream (not closed); returns 0 or -errno of the
 * first failed write. */
int report_emit(const struct model *m, const struct store *s, FILE *f, size_t max_events);
#endif
