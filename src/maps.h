/* maps.h - a process's address space from /proc/PID/maps, as REC_MAPS
 * records (src/maps.c), for --faults to name the regions no system call
 * made; both engines send them after an exec and at attach. */
#ifndef COMPENDIUM_MAPS_H
#define COMPENDIUM_MAPS_H

#include <stdint.h>
#include <sys/types.h>

#include "record.h"

/* Read /proc/TGID/maps and give put(ctx) its whole lines as REC_MAPS
 * records of task tid of process tgid at ts (nothing if it is gone). */
void maps_records(pid_t tid, pid_t tgid, uint64_t ts, rec_put_fn *put, void *ctx);

#endif /* COMPENDIUM_MAPS_H */
