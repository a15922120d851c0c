/* counters.h - the live numbers: memory, I/O with rates, connections, tasks.
 *
 * Rates come from samples taken on the UI's timer (pure arithmetic, testable);
 * the resident set size of the traced tree is read from /proc/PID/statm of
 * the live processes here, on the UI thread, never in the model.  Every
 * figure is a field (a label and its value) that is shown whole or not at
 * all: when the width does not allow them all, the least important fields
 * are left out, in the header row as in the counter lines.
 */
#ifndef COMPENDIUM_UI_COUNTERS_H
#define COMPENDIUM_UI_COUNTERS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define RATE_SLOTS 9
#define COUNTER_LINES 4          /* the most counter lines under the header */
#define COUNTER_FIELDS 32        /* room for every counter field */
#define CFIELD_MAX 112

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

/* Groups of counter fields: a group's label goes before its first field on a line. */
enum cgroup { CG_MEMORY, CG_FILES, CG_NET, CG_TASKS, CG_SCHED, CG_BLOCK, CG_LATENCY, CG_FAULTS,
	      CG_NONE, CG_MAX };

/* One figure: a label and its value ("heap 132.0 KB"), shown whole or not at all. */
struct cfield {
	uint8_t group;           /* enum cgroup */
	uint8_t prio;            /* 0 the most important; the highest are left out first */
	char text[CFIELD_MAX];
};

/* What counters_line marks each byte of a line as. */
enum { CMARK_TEXT = ' ', CMARK_LABEL = 'L', CMARK_SEP = '|' };

/* Add a sample (value is a running total). */
void rate_push(struct rate *r, uint64_t now_ns, uint64_t value);
/* Per-second rate over the samples kept (0 with fewer than two). */
uint64_t rate_per_sec(const struct rate *r);

/* Take a rate sample of the model's I/O totals. */
void counters_sample(struct counters *c, const struct model *m, uint64_t now_ns);
/* Read the RSS of every live traced process (system calls; UI thread only). */
void counters_read_rss(struct counters *c, const struct model *m);
/* The counter fields, in display order; returns how many (at most max). */
size_t counters_fields(const struct counters *c, const struct model *m, struct cfield *f,
		       size_t max);
/* Place the n fields in at most max_lines lines of width columns, whole:
 * line[i] is the line of field i, or -1 when it is left out (the least
 * important first, until the rest fit).  Returns the number of lines used. */
size_t counters_place(const struct cfield *f, size_t n, int width, size_t max_lines, int *line);
/* The text of line k as placed (group labels, two spaces between fields of
 * a group, " | " between groups) into text, and what each byte is (CMARK_*)
 * into mark; both hold cap bytes and end with NUL.  Returns the length. */
size_t counters_line(const struct cfield *f, size_t n, const int *line, int k, char *text,
		     char *mark, size_t cap);

/* The header row's fields after the state: elapsed time, events (with how
 * many are in memory and on disk once on_disk of them are), drops and what
 * tracing cost the program (once it is known, at the end). */
size_t counters_header_fields(const struct model *m, uint64_t elapsed_ns, size_t events,
			      size_t on_disk, struct cfield *f, size_t max);
/* Lay out the header row of width columns: " command", two spaces, state,
 * and the fields that fit whole, right-aligned after two spaces each (the
 * least important left out first); shown[i] says which.  The command takes
 * what is left (it is cut, being no figure), or nothing (then no two spaces
 * before the state).  Returns its columns; *state_on is false when not even
 * the state fits. */
int counters_header_place(int width, const char *command, const char *state,
			  const struct cfield *f, size_t n, bool *shown, bool *state_on);
/* The right-hand text of the header: the shown fields, two spaces before
 * each and one after the last (empty when none is shown). */
void counters_header_right(const struct cfield *f, size_t n, const bool *shown, char *buf,
			   size_t cap);
/* Display columns of UTF-8 text without wide characters. */
int counters_width(const char *s);
#endif
