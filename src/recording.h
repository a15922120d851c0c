/* recording.h - records on disk: --record writes them, --replay reads them.
 *
 * A recording is a small header (magic, version, start time, host, command)
 * followed by the records exactly as the producers made them, appended as
 * tracing goes, never rewritten: what is known only at the end comes as
 * records, so the file can be a pipe.  A reader never trusts a length: every record is validated,
 * and a torn last record (compendium-tui killed mid-write) is dropped.
 */
#ifndef COMPENDIUM_RECORDING_H
#define COMPENDIUM_RECORDING_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define RECORDING_MAGIC "CMPNDREC"
/* Version 2 added REC_IO; version 1 files are a subset and stay readable.
 * Version 3 added dev to struct rec_fd; older REC_FDs are read with dev 0.
 * Version 4 added the duration histogram to struct rec_sysstat; older
 * REC_SYSSTATs are read with an empty one.
 * Version 5 added REC_STACK (raw stacks and their modules' build ids, named
 * when the recording is read); older files have none.
 * Version 6 added REC_OUTPUT (the program's terminal output) and
 * REC_EXECINFO (an exec's working directory and environment); older files
 * have none.
 */
#define RECORDING_VERSION 6
#define RECORDING_OLDEST 1
/* Bytes of the program's terminal output a recording keeps at most; what
 * comes after is counted in REC_OUTPUT records' dropped. */
#define RECORDING_OUTPUT_MAX (64ull << 20)

struct recording;

/* Create path for writing; returns NULL with errno set. */
struct recording *recording_create(const char *path, char *const *argv);
/* Write a recording to fd (taken, even on failure: a pipe, a FIFO,
 * standard output); returns NULL with errno set. */
struct recording *recording_create_fd(int fd, char *const *argv);
/* Append one record; 0 or -errno. */
int recording_append(struct recording *r, const void *rec, size_t len);
/* The program's terminal is captured from time ts on: write the
 * REC_OUTPUT marking it (OUTPUT_F_CAPTURED).  0 or -errno. */
int recording_output_begin(struct recording *r, uint64_t ts);
/* Append n bytes the program wrote to its terminal, read at ts, as
 * REC_OUTPUT records; past the output bound they are counted instead
 * (written as a count at most once a second, and at close).  0 or -errno. */
int recording_output(struct recording *r, uint64_t ts, const char *buf, size_t n);
/* Change the output bound (RECORDING_OUTPUT_MAX). */
void recording_set_output_max(struct recording *r, uint64_t bytes);
/* Push what was appended to the file (call once per batch). 0 or -errno. */
int recording_flush(struct recording *r);

/* Open path for reading; NULL with a one-sentence reason in why. */
struct recording *recording_open(const char *path, char *why, size_t whylen);
/* Read a recording from fd (taken, even on failure), which may be a pipe
 * (then it cannot be read again); name is what why calls it. */
struct recording *recording_open_fd(int fd, const char *name, char *why, size_t whylen);
/* Read recs[0..n) (taken, even on failure; names[i] is what why calls
 * recs[i]) as one recording, merged by time (src/recmerge.h); NULL with
 * a one-sentence reason in why. */
struct recording *recording_merge(struct recording **recs, char *const *names, size_t n,
				  char *why, size_t whylen);
/* Which of a merge's recordings the last record came from (0 for one). */
unsigned recording_run(const struct recording *r);
/* A merge's label for each of its recordings (*n of them), or NULL (*n 0). */
char *const *recording_labels(const struct recording *r, size_t *n);
/* Next record: 1 with rec and len set, 0 at the end, -1 when the file is corrupt
 * (why says where).  A torn last record counts as the end; see
 * recording_torn(). */
int recording_next(struct recording *r, const void **rec, size_t *len, char *why, size_t whylen);
/* The fd of a recording read from a pipe (to poll for more), else -1. */
int recording_stream_fd(const struct recording *r);
/* Whether recording_next can go on now: a finished file, a file being
 * written (another process has it open for writing) with its next record
 * whole in it, a stream with bytes (or its end) to read.  A file's writer
 * gone, its end is the end. */
bool recording_ready(struct recording *r);
/* Whether the recording is read as it is written: a stream, or a file
 * that was being written when last looked at. */
bool recording_live(const struct recording *r);
/* Bytes of a torn last record that were dropped. */
size_t recording_torn(const struct recording *r);
/* The host name a recording being read was made on ("" when unknown). */
const char *recording_host(const struct recording *r);
/* The format version of a recording being read. */
uint32_t recording_version(const struct recording *r);
/* Read again from the first record; 0, -ESPIPE for a pipe, or -errno. */
int recording_rewind(struct recording *r);
/* Close a recording (either mode); a count of output left out that was
 * not written yet is written first.  0 or -errno from the final write. */
int recording_close(struct recording *r);
#endif
