/* filter.h - which stored events a view shows, and text search over them.
 *
 * A filter is a text, a set of categories, a set of event types, a set of
 * processes and the noise switch.  Text matching is case-insensitive and
 * looks at the event's type and category names, its strings (path, peer,
 * exe, argv) and its pid/tid; each interned string is tested once and the
 * answer cached, so re-filtering a million events stays fast.  Pure code.
 */
#ifndef COMPENDIUM_UI_FILTER_H
#define COMPENDIUM_UI_FILTER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define TEXT_MAX 128

struct textmatch {
	char text[TEXT_MAX];
	size_t len;
	long num;                /* the text as a pid, or -1 */
	uint8_t *cache;          /* per string id: 0 untested, 1 match, 2 no match */
	size_t cache_n;
	uint32_t type_hits;      /* bit per enum ev_type whose name matches */
	uint32_t cat_hits;       /* bit per enum ev_cat whose name matches */
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

/* Set the text ("" matches everything). */
void textmatch_set(struct textmatch *t, const char *text);
/* Does the event match the text? */
bool textmatch_event(struct textmatch *t, const struct store *s, const struct sevent *e);
/* Case-insensitive find of t's text in hay; returns the offset or -1. */
long textmatch_find(const struct textmatch *t, const char *hay);
void textmatch_release(struct textmatch *t);

/* Everything shown except noise. */
void filter_init(struct filter *f);
void filter_release(struct filter *f);
/* Back to filter_init's state. */
void filter_clear(struct filter *f);
/* Does the filter show this event? */
bool filter_match(struct filter *f, const struct store *s, const struct sevent *e);
/* Is process pid shown? */
bool filter_pid_shown(const struct filter *f, int pid);
/* Show or hide one process. */
void filter_toggle_pid(struct filter *f, int pid);
/* Show only process pid. */
void filter_only_pid(struct filter *f, int pid);
/* Anything hidden besides the default noise? */
bool filter_narrowed(const struct filter *f);
/* One-line description ("text \"x\", 2/7 categories, noise hidden"). */
void filter_describe(const struct filter *f, char *buf, size_t cap);
#endif
