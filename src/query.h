/* query.h - the filter language of the TUI, --filter and the HTML report.
 *
 * An expression such as "cat:net -failed bytes>1M" or "comm:curl|comm:wget"
 * is parsed once into a compiled form, then tested against events.  Tests on
 * strings are answered once per interned string id and cached, so filtering
 * a million stored events costs table lookups.  ui/report/query.js implements the
 * same grammar for the report; tests/query_cases.txt holds the cases both
 * must pass.  Pure code: no system calls, no printing.
 *
 * Grammar (tightest first): a term; "-" before a term or group negates it;
 * "|" between terms means or; terms side by side (spaces) mean and;
 * parentheses group.  Terms: cat:C type:T pid:N tid:N comm:GLOB path:GLOB
 * host:GLOB port:N bytes<OP>SIZE lat<OP>DURATION failed, and plain words
 * (case-insensitive text search), "quoted" to keep spaces or special
 * characters.  OP is one of > >= < <= =.
 */
#ifndef COMPENDIUM_QUERY_H
#define COMPENDIUM_QUERY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "store.h"

#define QUERY_MAX_LEN 1024      /* longest expression, in bytes */

/* Why an expression is not valid: pos is the byte offset of the offending
 * character in the text (the length for "ended too early"). */
struct query_error {
	size_t pos;
	char msg[192];
};

struct query;                   /* opaque: the compiled expression and its caches */

/* Compile text (NULL or "" matches everything); NULL with *err filled when
 * text is not a valid expression. */
struct query *query_parse(const char *text, struct query_error *err);
void query_free(struct query *q);
/* Does the expression match everything (it has no terms)? */
bool query_empty(const struct query *q);
/* The first plain word that is not negated (for highlighting), or "". */
const char *query_word(const struct query *q);

/* What a test needs to know of an event besides its stored fields. */
struct query_extra {
	uint32_t exe;            /* interned id of the process's program (path or
				    name; 0: unknown, comm: never matches) */
	uint64_t dur;            /* the event's duration in ns (0: none measured) */
};

/* Does stored event e of s match?  comm: uses the program each process ran
 * last, as the exec and fork events of s tell it; lat: the time of latency
 * events only (their val).  The caches belong to one store: switching
 * stores starts them over. */
bool query_match(struct query *q, const struct store *s, const struct sevent *e);
/* The same for event i of s, whose duration (store_dur) lat: also uses. */
bool query_match_at(struct query *q, const struct store *s, size_t i);
/* The same with the program and duration given. */
bool query_match_with(struct query *q, const struct store *s, const struct sevent *e,
		      const struct query_extra *x);
/* Does an event straight from the model match (streaming output)?  It is
 * stored the way the store keeps it, in a small store of the query's own
 * that is started over now and then, so memory stays bounded. */
bool query_event(struct query *q, const struct event *ev);
#endif
