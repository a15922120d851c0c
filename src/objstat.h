/* objstat.h - per-process, per-file and per-connection totals for the views.
 *
 * Built incrementally from the event store (objstat_update looks only at
 * events added since the last call), so the analysis views read aggregates
 * and never scan a million events per frame.  The model's own totals
 * (model_files, model_conns) cover all processes; these add what the model
 * does not keep: per-process file figures, event counts and I/O per
 * process, and each connection's lifetime from connect or accept to close.
 * The TUI's views and the report's sections (report_views.c) both read it.
 * Pure code.
 */
#ifndef COMPENDIUM_OBJSTAT_H
#define COMPENDIUM_OBJSTAT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmap.h"
#include "store.h"

/* One process. */
struct pstat {
	int pid;
	uint64_t events;
	uint64_t rd, wr;         /* bytes read and written, every kind of fd */
};

/* One file as one process used it. */
struct fstat {
	int pid;
	uint32_t path;           /* interned */
	uint32_t opens;
	uint64_t rd, wr;
};

/* One connection (a connect or accept), from its event to its close; or
 * one UDP flow (the datagrams a process sent to or received from one peer
 * by address), from its first datagram to its last. */
struct cstat {
	int pid, fd;
	uint8_t kind;            /* enum fd_kind */
	bool accepted, closed;
	bool flow;
	uint32_t peer, local;    /* interned */
	uint64_t start, end;     /* ns since start; end: close, or the last use */
	uint64_t sent, received;
};

struct objstat {
	size_t scanned;          /* store events looked at */
	struct imap pid_at;      /* pid -> index + 1 into procs */
	struct pstat *procs;
	size_t nprocs, procs_cap;
	struct imap file_at;     /* pid << 32 | path -> index + 1 into files */
	struct fstat *files;
	size_t nfiles, files_cap;
	struct imap conn_open;   /* pid << 32 | fd -> index + 1 of its open connection */
	struct imap flow_at;     /* pid << 32 | peer -> index + 1 of its UDP flow */
	struct cstat *conns;
	size_t nconns, conns_cap;
};

void objstat_init(struct objstat *o);
void objstat_release(struct objstat *o);
/* Take in the events added to s since the last call. */
void objstat_update(struct objstat *o, const struct store *s);
/* The figures of process pid, or NULL when it had no event. */
const struct pstat *objstat_proc(const struct objstat *o, int pid);
#endif
