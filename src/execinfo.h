/* execinfo.h - what a new program started with, from /proc (src/execinfo.c). */
#ifndef COMPENDIUM_EXECINFO_H
#define COMPENDIUM_EXECINFO_H

#include <stdint.h>
#include <sys/types.h>

#include "record.h"

/* Build into rb (rec_begin: the caller finishes and sends it) the
 * REC_EXECINFO of process tgid, held at its exec at exec_ts: its working
 * directory and environment as /proc shows them. */
void execinfo_record(struct recbuf *rb, uint64_t exec_ts, pid_t tid, pid_t tgid);

#endif /* COMPENDIUM_EXECINFO_H */
