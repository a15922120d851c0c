/* lines.h - the --batch sink: plain lines as things happen, then FINAL. */
#ifndef COMPENDIUM_LINES_H
#define COMPENDIUM_LINES_H
#include <stdbool.h>
#include <stdio.h>

#include "model.h"

enum {
	LINES_ALL = 1 << 0,      /* no noise filter */
	LINES_VERBOSE = 1 << 1,  /* also raw syscalls, failures, closes */
	LINES_PIDS = 1 << 2,     /* name the process on every line (--filter may hide forks) */
};

struct lines;

/* A sink writing to out (not owned). */
struct lines *lines_new(FILE *out, unsigned flags);
void lines_free(struct lines *l);
/* Observer for model_set_observer(); ctx is the struct lines. */
void lines_event(void *ctx, const struct event *ev);
/* Print any pending grouped line, then the FINAL block. */
void lines_final(struct lines *l, const struct model *m);
/* Print any pending grouped line. */
void lines_flush(struct lines *l);
#endif
