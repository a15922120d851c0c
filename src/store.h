/* store.h - the compact event store every view reads.
 *
 * The model's observer appends each event here as a fixed-size struct
 * (no pointers: strings are interned ids), so a million events cost tens of
 * megabytes and any view can reach event i in O(1).  Under a memory budget
 * the oldest events move to an unlinked file in $TMPDIR and are read back
 * (a block of 256 at a time, 64 blocks cached) when something asks for
 * them; nothing is ever dropped.  No printing; the spill file is its only
 * system call.
 */
#ifndef COMPENDIUM_STORE_H
#define COMPENDIUM_STORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evdesc.h"
#include "model.h"

/* One stored event: 48 bytes.  Its duration lives beside it (store_dur),
 * 4 bytes more, so views that never draw durations do not pay for them. */
struct sevent {
	uint64_t ts;        /* ns since start */
	int32_t pid, tid;
	uint8_t type;       /* enum ev_type */
	uint8_t cat;        /* enum ev_cat (evdesc.h) */
	uint8_t kind;       /* enum fd_kind of the fd's object (FDK_UNKNOWN if none) */
	uint8_t flags;      /* SEV_* */
	/* The fields the type's description (evdesc.c) keeps in each slot: */
	int32_t fd;         /* fd; fork/thread: child; signal; syscall: nr;
			       mmap: prot << 24 | flags */
	int64_t val;        /* bytes moved or mapped; exit: wait status; failed: -errno */
	uint64_t addr;      /* address; open: flags; fork: clone flags; transfer:
			       out fd; syscall: arch */
	uint32_t str;       /* interned: path, peer address, or exe */
	uint32_t str2;      /* interned: second object (transfer target) or argv line */
};

enum {
	SEV_FAILED = 1 << 0,   /* the call failed; val is -errno */
	SEV_THREAD = 1 << 1,   /* exit of a thread, not a process */
	SEV_NOISE = 1 << 2,    /* the default noise filter hides it */
	SEV_PEER = 1 << 3,     /* str names the fd's object by its peer address */
	SEV_PEER2 = 1 << 4,    /* str2 names the second fd's object by its peer */
	SEV_UNREADABLE = 1 << 5,   /* a path or address argument could not be read */
};

/* The flags the HTML report's data carries. */
#define SEV_REPORTED (SEV_FAILED | SEV_THREAD | SEV_NOISE)

struct store;

struct store *store_new(void);
void store_free(struct store *s);
/* Forget every event and string (a replay seeking back); the budget stays. */
void store_reset(struct store *s);
/* Append an event (observer-compatible: ctx is the store). */
void store_add(void *ctx, const struct event *ev);
/* Number of events stored. */
size_t store_count(const struct store *s);
/* Event i (0 <= i < count).  The pointer stays valid until the next
 * store_add, or until 63 more blocks of events on disk have been read back
 * (events looked at together are safe); copy what must live longer. */
const struct sevent *store_get(const struct store *s, size_t i);
/* Duration of event i in ns (0: none measured): the system call's, from
 * entry to exit, for events a finished call made (the event's ts is its
 * end); the wait of a sched event; issue to completion of a block one.
 * Exact below 2^27 ns (134 ms), within one part in 2^26 above. */
uint64_t store_dur(const struct store *s, size_t i);
/* The 32-bit form store_dur decodes (exposed for tests). */
uint32_t store_dur_encode(uint64_t ns);
uint64_t store_dur_decode(uint32_t code);
/* Interned string by id (id 0 is ""). */
const char *store_str(const struct store *s, uint32_t id);
/* Intern a string; returns its id. */
uint32_t store_intern(struct store *s, const char *str);
/* Keep at most bytes of events in memory (0, the default: no limit); full
 * chunks of the oldest events go to the spill file, now and as more come. */
void store_set_budget(struct store *s, size_t bytes);
/* Bytes the events in memory take (with the read-back cache). */
size_t store_mem_bytes(const struct store *s);
/* Events kept in the spill file (the first store_spilled() events). */
size_t store_spilled(const struct store *s);
/* 0, or the -errno that stopped spilling (from then on every new event
 * stays in memory, beyond the budget) or failed a read back. */
int store_spill_error(const struct store *s);
/* Blocks of 256 events read back from the spill file so far (for tests). */
size_t store_spill_reads(const struct store *s);
/* Number of interned strings and their total bytes (for memory reports). */
size_t store_strings(const struct store *s, size_t *bytes);
#endif
