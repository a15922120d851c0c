/*
 * unit.h - what the unit suites share: building records and feeding them to
 * a model the way the tracer does (each record checked with rec_validate
 * first, so a suite can never feed the model what a real run could not),
 * the records most suites start from, and a blank stored event.
 *
 * Records are built one at a time in unit_rb: unit_begin (or rec_begin on
 * &unit_rb), fill the fixed part, rec_blob(&unit_rb, ...) for the strings,
 * then unit_feed.
 */
#ifndef COMPENDIUM_TESTS_UNIT_H
#define COMPENDIUM_TESTS_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "record.h"

/* The record being built. */
extern struct recbuf unit_rb;

/* rec_begin in unit_rb: a record of type by tid of process tgid at ts. */
void *unit_begin(enum rec_type type, uint64_t ts, int tid, int tgid, size_t fixed);

/* Seal the record in unit_rb, check that it validates, give it to m. */
void unit_feed(struct model *m);

/* REC_START at ts of process pid (traced by pid 1) running argv, argv_len
 * bytes of NUL-terminated strings (none when argv_len is 0). */
void unit_start(struct model *m, uint64_t ts, int pid, const char *argv, size_t argv_len);

/* REC_NEWTASK at ts: parent (a process leader) made child, a thread of its
 * process when thread, else a forked process. */
void unit_newtask(struct model *m, uint64_t ts, int parent, int child, bool thread);

/* REC_EXIT at ts of tid of process tgid (its leader when tid == tgid). */
void unit_exit(struct model *m, uint64_t ts, int tid, int tgid);

/* REC_SCHED at ts: tid of process tgid got a CPU after waiting 20 us. */
void unit_sched(struct model *m, uint64_t ts, int tid, int tgid);

/* An event of type by tid of process pid at ts with nothing else set: no
 * fd (-1), no system call number (-1). */
struct event unit_event(enum ev_type type, int pid, int tid, uint64_t ts);

#endif /* COMPENDIUM_TESTS_UNIT_H */
