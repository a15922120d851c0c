/* fdinfo.h - what an fd of a traced process is, from /proc (src/fdinfo.c). */
#ifndef COMPENDIUM_FDINFO_H
#define COMPENDIUM_FDINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "record.h"

/* The fd kind of a socket of this domain and type (socket(2)'s arguments). */
uint8_t fdinfo_sock_kind(int domain, int type);

/* Build into rb (rec_begin: the caller finishes and sends it) the REC_FD of
 * fd of task tid in process tgid: its /proc link text path (plen bytes, as
 * long as records carry), kind_hint (0: find out; a socket()'s kind, whose
 * addresses are then not read), and its status flags (FDW_INHERITED). */
void fdinfo_record(struct recbuf *rb, uint64_t ts, pid_t tid, pid_t tgid, int fd,
		   enum rec_fd_why why, uint8_t kind_hint, const char *path, size_t plen,
		   uint32_t flags);

/* The same, of an fd that is the open file process at holds as at_fd (a
 * command forked with our fds, not exec'd yet, is described from our own
 * /proc: at is us).  path: at_fd's link text. */
void fdinfo_record_at(struct recbuf *rb, uint64_t ts, pid_t tid, pid_t tgid, int fd,
		      enum rec_fd_why why, const char *path, size_t plen, uint32_t flags,
		      pid_t at, int at_fd);

/* When path (plen bytes) is the hosts file, build into rb the REC_DATA of
 * process tgid's own /etc/hosts, read through /proc/TGID/root (its mount
 * namespace's), which task tid opened as fd; true when it did. */
bool fdinfo_hosts_record(struct recbuf *rb, uint64_t ts, pid_t tid, pid_t tgid, int fd,
			 const char *path, size_t plen);

#endif /* COMPENDIUM_FDINFO_H */
