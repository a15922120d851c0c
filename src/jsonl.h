/* jsonl.h - the --json sink: one JSON object per event, then one summary.
 * JSON output is never noise-filtered. */
#ifndef COMPENDIUM_JSONL_H
#define COMPENDIUM_JSONL_H
#include <stdio.h>

#include "model.h"

struct jsonl;

/* A sink writing to out (not owned). */
struct jsonl *jsonl_new(FILE *out);
void jsonl_free(struct jsonl *j);
/* Observer for model_set_observer(); ctx is the struct jsonl. */
void jsonl_event(void *ctx, const struct event *ev);
/* Write the summary object (summary.h) for the finished model. */
void jsonl_summary(struct jsonl *j, const struct model *m);
#endif
