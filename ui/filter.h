/* filter.h - which stored events a view shows, and search over them.
 *
 * A filter is a text, a set of categories, a set of event types, a set of
 * processes and the noise switch.  The text (of the filter and of the
 * search) is an expression of the filter language (src/query.h): plain
 * words are case-insensitive text searches over the event's type, category
 * and fd kind names, its strings (path, peer, exe, argv) and its pid/tid,
 * as before; fields such as cat:net, comm:curl or bytes>1M narrow
 * further.  Answers are cached per interned string, so re-filtering a
 * million events stays fast.  Pure code.
 */
#ifndef COMPENDIUM_UI_FILTER_H
#define COMPENDIUM_UI_FILTER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "query.h"
#include "store.h"

#define TEXT_MAX 128

struct textmatch {
	char text[TEXT_MAX];
	size_t len;
	struct query *q;         /* text compiled; NULL when it is empty */
	size_t word_len;         /* text is one plain word of this length: highlight it */
	char rejected[TEXT_MAX]; /* the last text refused ("" if none), to edit again */
	size_t rejected_pos;     /* where it is wrong (byte offset) */
};

struct filter {
	struct textmatch text;
	bool hide_noise;
	uint32_t cats;           /* bit per enum ev_cat that is shown */
	uint32_t types;          /* bit per enum ev_type that is shown */
	bool pid_only;           /* pids lists the shown ones (else the hidden ones) */
	int *pids;
	size_t npids, pids_cap;
};

/* Set the text ("" matches everything); returns 0, or -1 with *err saying
 * where the expression is wrong: the text in force stays, and the refused
 * one is kept in rejected. */
int textmatch_parse(struct textmatch *t, const char *text, struct query_error *err);
/* The same, ignoring an invalid text. */
void textmatch_set(struct textmatch *t, const char *text);
/* Does the event match the text? */
bool textmatch_event(struct textmatch *t, const struct store *s, size_t i);
/* Case-insensitive find of t's text in hay when the text is one plain word
 * (what to highlight); returns the offset or -1. */
long textmatch_find(const struct textmatch *t, const char *hay);
void textmatch_release(struct textmatch *t);

/* Everything shown except noise. */
void filter_init(struct filter *f);
void filter_release(struct filter *f);
/* Back to filter_init's state. */
void filter_clear(struct filter *f);
/* Does the filter show this event? */
bool filter_match(struct filter *f, const struct store *s, size_t i);
/* Is process pid shown? */
bool filter_pid_shown(const struct filter *f, int pid);
/* Show or hide one process. */
void filter_toggle_pid(struct filter *f, int pid);
/* Show every process. */
void filter_all_pids(struct filter *f);
/* Show only process pid. */
void filter_only_pid(struct filter *f, int pid);
/* Anything hidden besides the default noise? */
bool filter_narrowed(const struct filter *f);
/* One-line description ("text \"x\", 2/7 categories, noise hidden"). */
void filter_describe(const struct filter *f, char *buf, size_t cap);
#endif
