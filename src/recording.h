/* recording.h - records on disk: --record writes them, --replay reads them.
 *
 * A recording is a small header (magic, version, start time, host, command)
 * followed by the records exactly as the producers made them, appended as
 * tracing goes.  A reader never trusts a length: every record is validated,
 * and a torn last record (compendium-tui killed mid-write) is dropped.
 */
#ifndef COMPENDIUM_RECORDING_H
#define COMPENDIUM_RECORDING_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define RECORDING_MAGIC "CMPNDREC"
/* Version 2 added REC_IO; version 1 files are a subset and stay readable.
 * Version 3 added dev to struct rec_fd; older REC_FDs are read with dev 0.
 * Version 4 added the duration histogram to struct rec_sysstat; older
 * REC_SYSSTATs are read with an empty one.
 * Version 5 added REC_STACK (raw stacks and their modules' build ids, named
 * when the recording is read); older files have none. */
#define RECORDING_VERSION 5
#define RECORDING_OLDEST 1

struct recording;

/* Create path for writing; returns NULL with errno set. */
struct recording *recording_create(const char *path, char *const *argv);
/* Append one record; 0 or -errno. */
int recording_append(struct recording *r, const void *rec, size_t len);
/* Push what was appended to the file (call once per batch). 0 or -errno. */
int recording_flush(struct recording *r);

/* Open path for reading; NULL with a one-sentence reason in why. */
struct recording *recording_open(const char *path, char *why, size_t whylen);
/* Next record: 1 with rec and len set, 0 at the end, -1 when the file is corrupt
 * (why says where).  A torn last record counts as the end; see
 * recording_torn(). */
int recording_next(struct recording *r, const void **rec, size_t *len, char *why, size_t whylen);
/* Bytes of a torn last record that were dropped. */
size_t recording_torn(const struct recording *r);
/* Close a recording (either mode); 0 or -errno from the final write. */
int recording_close(struct recording *r);
#endif
