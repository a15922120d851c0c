/* tracejson.h - the --trace-json sink: Chrome/Perfetto Trace Event Format.
 *
 * One JSON object {"traceEvents":[...]} that ui.perfetto.dev and
 * chrome://tracing open: process and thread names (M), thread lifetimes and
 * timed syscalls (X), events (i), heap and mmap counters (C), fork and clone
 * flows (s/f) and latencies as async spans (b/e); times in microseconds.
 */
#ifndef COMPENDIUM_TRACEJSON_H
#define COMPENDIUM_TRACEJSON_H
#include <stdio.h>

#include "model.h"
#include "stackkeep.h"
#include "store.h"

/* Write every stored event of s to path; returns 0 or -errno. */
int tracejson_write(const struct model *m, const struct store *s, const char *path);
/* Bytes tracejson_write needs besides the store for s: for events out of
 * time order, their sort. */
size_t tracejson_scratch(const struct store *s);
/* The same, to an open stream (not closed); returns 0 or -errno of the
 * first failed write. */
int tracejson_emit(const struct model *m, const struct store *s, FILE *f);
/* The same, events with a stack in stacks (--stack) get it as their
 * "stack" arg: one "func+0xOFF (file:line) in module" string a frame. */
int tracejson_write_stacks(const struct model *m, const struct store *s,
			   const struct stackkeep *stacks, const char *path);
int tracejson_emit_stacks(const struct model *m, const struct store *s,
			  const struct stackkeep *stacks, FILE *f);
#endif
