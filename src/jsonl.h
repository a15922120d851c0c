/* jsonl.h - the --json sink: one JSON object per event, then one summary.
 * JSON output is never noise-filtered. */
#ifndef COMPENDIUM_JSONL_H
#define COMPENDIUM_JSONL_H
#include <stdio.h>

#include "model.h"
#include "strbuf.h"

struct jsonl;

/* A sink writing to out (not owned). */
struct jsonl *jsonl_new(FILE *out);
void jsonl_free(struct jsonl *j);
/* Observer for model_set_observer(); ctx is the struct jsonl. */
void jsonl_event(void *ctx, const struct event *ev);
/* Write the summary object for the finished model. */
void jsonl_summary(struct jsonl *j, const struct model *m);
/* {"code":N,"signal":"SIGX"|null} for a wait status (-1: not ended). */
void jsonl_exit(struct strbuf *sb, int status);
/* The summary's totals: ,"io":..,"memory":..,"tracer":..,"latency":..,
 * "events":N,"dropped":N (the report embeds them too). */
void jsonl_totals_to(struct strbuf *sb, const struct model *m);
/* Append the summary object (no newline) to sb. */
void jsonl_summary_to(struct strbuf *sb, const struct model *m);
#endif
