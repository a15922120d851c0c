/* regions.h - which region of an address space an address fell in, and when.
 *
 * One struct regions describes one process's address space as the model
 * learned it: mmap, munmap, mremap and brk results, and /proc/PID/maps
 * snapshots taken at exec or attach.  Fault samples arrive later than the
 * system calls around them, so a region that is unmapped is kept for a while
 * with the time it died, and a lookup asks "what was at this address at time
 * ts".  Pure code: no system calls, no printing, no clocks.
 */
#ifndef COMPENDIUM_REGIONS_H
#define COMPENDIUM_REGIONS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REGION_PAGE 4096u

enum region_kind {
	RK_UNKNOWN = 0,
	RK_HEAP,         /* the brk heap */
	RK_STACK,        /* the main stack, or a thread stack (MAP_STACK) */
	RK_ANON,         /* anonymous mapping */
	RK_FILE,         /* file-backed mapping; name is the path */
	RK_SPECIAL,      /* [vdso], [vvar] and other kernel-provided mappings */
	RK_MAX
};

enum {
	REGION_GROWSDOWN = 1 << 0,   /* faults just below it are the region growing */
};

/* One mapped (or formerly mapped) range; plain data owned by its set.  A
 * mapping cut in pieces (a partial munmap, a MAP_FIXED over part of it)
 * leaves pieces with the same id and map range: they are one mapping. */
struct region {
	uint64_t start, end;   /* [start, end), page aligned */
	uint64_t dead_ts;      /* 0 while mapped; else when it was unmapped */
	uint64_t id;           /* the mapping it belongs to: unique in its set and
				  the set's fork copies, never reused */
	uint64_t map_start, map_end;   /* the whole mapping as made (or remapped) */
	uint64_t made_ts;      /* when it was mapped (for one found in a maps
				  snapshot: the snapshot's time) */
	int prot;              /* PROT_* it was mapped with, or -1 if not known */
	uint8_t kind;          /* enum region_kind */
	uint8_t flags;         /* REGION_* */
	char *name;            /* "[heap]", "[stack]", "[anon]", a path...; owned */
	void *user;            /* for the set's owner; NULL in a fresh copy */
};

struct regions;   /* opaque */

struct regions *regions_new(void);
void regions_free(struct regions *rs);
/* A fork's copy: the same mapped regions, user pointers cleared, no history. */
struct regions *regions_copy(const struct regions *rs);

/* Map [start, start+len) with protection prot (PROT_*, -1: not known) at
 * ts, a new mapping replacing whatever was mapped there. */
void regions_map(struct regions *rs, uint64_t start, uint64_t len, enum region_kind kind,
		 unsigned flags, int prot, const char *name, uint64_t ts);
/* Unmap [start, start+len) at ts. */
void regions_unmap(struct regions *rs, uint64_t start, uint64_t len, uint64_t ts);
/* mremap: old range moves (or grows, or shrinks) to the new one, the same
 * mapping with a new range; keep_old for MREMAP_DONTUNMAP. */
void regions_remap(struct regions *rs, uint64_t old, uint64_t old_len, uint64_t new_addr,
		   uint64_t new_len, bool keep_old, uint64_t ts);
/* A brk result: the first one seen places the heap, later ones grow or shrink it. */
void regions_brk(struct regions *rs, uint64_t brk, uint64_t ts);
/* The whole address space was replaced (execve) at ts. */
void regions_exec(struct regions *rs, uint64_t ts);
/* Map every line of /proc/PID/maps text at ts; returns lines used or -EINVAL. */
int regions_load_maps(struct regions *rs, const char *text, size_t len, uint64_t ts);

/* The region addr was in at time ts, or NULL.  A main stack grows down to
 * meet a fault below it, so the set may change. */
struct region *regions_lookup(struct regions *rs, uint64_t addr, uint64_t ts);

/* Mapped regions now, in address order (valid until the next change). */
const struct region *regions_live(const struct regions *rs, size_t *n);
/* Unmapped regions still remembered. */
size_t regions_dead_count(const struct regions *rs);
/* "heap", "stack", "anon", "file", "special", "unknown". */
const char *regions_kind_name(int kind);
#endif
