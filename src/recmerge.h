/* recmerge.h - several recordings read as one, merged by time.
 *
 * recording_merge (recording.h) makes one recording of several; the
 * functions here are what it does for each call of recording.h, which
 * is the only caller.  Records come out in the time order of the merged
 * clock (the earliest recording's, the others moved by how much later
 * they started), every pid and tid of the i-th recording marked with i
 * (REC_RUN_SHIFT, record.h).
 */
#ifndef COMPENDIUM_RECMERGE_H
#define COMPENDIUM_RECMERGE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct recording;
struct recmerge;

/* Merge recs[0..n) (taken, even on failure; names say what they are);
 * reads each one's start record first.  NULL with a sentence in why. */
struct recmerge *recmerge_new(struct recording **recs, char *const *names, size_t n,
			      char *why, size_t whylen);
int recmerge_next(struct recmerge *g, const void **rec, size_t *len, char *why, size_t whylen);
bool recmerge_ready(struct recmerge *g);
int recmerge_stream_fd(const struct recmerge *g);
bool recmerge_live(const struct recmerge *g);
size_t recmerge_torn(const struct recmerge *g);
uint32_t recmerge_version(const struct recmerge *g);
int recmerge_rewind(struct recmerge *g);
/* The recording (its index) the last record given out came from. */
unsigned recmerge_run(const struct recmerge *g);
/* Each recording's label: its host name, "#2"... added where two are alike. */
char *const *recmerge_labels(const struct recmerge *g, size_t *n);
void recmerge_free(struct recmerge *g);
#endif
