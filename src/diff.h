/* diff.h - two recorded runs side by side: what one did that the other did not.
 *
 * Each recording is read into a model of its own, exactly as --replay does,
 * and the models' aggregates are compared: programs run (by executable),
 * files (by path), connections (by peer), system calls (by name), memory
 * peaks, the duration and the exit status.  Names that differ only in the
 * random part of a temporary name (mkstemp's XXXXXX, gcc's /tmp/ccXXXXXX.s)
 * are one row; pids never take part.  The comparison is pure; only
 * diff_load reads a file.
 */
#ifndef COMPENDIUM_DIFF_H
#define COMPENDIUM_DIFF_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fbuf.h"

struct model;

enum diff_kind { DIFF_TOTAL, DIFF_PROC, DIFF_FILE, DIFF_CONN, DIFF_SYSCALL, DIFF_KINDS };

#define DIFF_FIGS 3

/* One thing compared: its figures in run a (side 0) and run b (side 1). */
struct diff_row {
	enum diff_kind kind;
	char *name;              /* total's name, executable, path (run a's when
				    in both), "proto peer", syscall name */
	char *name_b;            /* a file matched by its random part: run b's
				    path; else NULL */
	bool in[2];              /* seen in run a, run b */
	int64_t fig[2][DIFF_FIGS];   /* figures by side, see diff_fig_name */
	unsigned changed;        /* bit i: figure i differs (or the row is in
				    one run only: every figure it has) */
};

struct diff;                     /* opaque */
struct diff_log;                 /* opaque: the events of one run, by row */

/* Events a diff_log keeps at most (the rest are left out). */
#define DIFF_LOG_MAX 1000000

struct diff_log *diff_log_new(void);
void diff_log_free(struct diff_log *l);
/* Call fn with the time (ns since start) and text of every event of the
 * row of kind named name in the run l holds, in order. */
void diff_log_each(const struct diff_log *l, enum diff_kind kind, const char *name,
		   void (*fn)(void *ctx, uint64_t ts, const char *text), void *ctx);

/* Read the recording at path into a new model (*out, the caller frees it
 * with model_free), its events' texts into log (NULL: not kept); 0, or -1
 * with one sentence in why. */
int diff_load(const char *path, struct model **out, struct diff_log *log, char *why,
	      size_t whylen);
/* Compare run a with run b; the models must outlive nothing (names are copied). */
struct diff *diff_new(const struct model *a, const struct model *b);
void diff_free(struct diff *d);
/* The rows in order: totals, processes, files, connections, syscalls. */
const struct diff_row *diff_rows(const struct diff *d, size_t *n);
/* How many figures a row of kind named row_name has, and the name of
 * figure i ("read_bytes"). */
unsigned diff_fig_count(enum diff_kind kind, const char *row_name);
const char *diff_fig_name(enum diff_kind kind, const char *row_name, unsigned i);
/* Is figure i of a row of kind a time (it differs between any two runs)? */
bool diff_fig_is_time(enum diff_kind kind, const char *row_name, unsigned i);
struct strbuf;
/* Figure i of row w on side s (0: A, 1: B), as a person reads it: a count,
 * a time, an open mode (r, w, rw) or an exit status. */
void diff_fig_text(struct strbuf *sb, const struct diff_row *w, unsigned i, int s);
/* Are a and b the same name but for the random part of a temporary name:
 * in one path component, a window of six letters or digits that follows a
 * non-empty prefix and ends the component or comes before a '.'? */
bool diff_same_but_random(const char *a, const char *b);
/* Does anything but a time differ? */
bool diff_differs(const struct diff *d);
/* Write the differences as lines ("- ", "+ ", "~ " and "a -> b"; with all,
 * also "  " for what did not change), labelled with the files' names. */
void diff_write_lines(struct fbuf *out, const struct diff *d, const char *const path[2], bool all);
/* Write the differences as one JSON object {"type":"diff",...} and a newline. */
void diff_write_json(struct fbuf *out, const struct diff *d, const char *const path[2], bool all);
#endif
