/* fdinfo.c - what an fd of a traced process is, learnt from /proc and from
 * a duplicate of it (pidfd_getfd), as a REC_FD.
 *
 * Used by both engines where the kernel did not say it itself: the ptrace
 * tracer for every fd, the kernel engine for the fds a command inherits.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fdinfo.h"

/* Kind of a socket from its domain and type. */
uint8_t fdinfo_sock_kind(int domain, int type)
{
	type &= 0xf;
	if (domain == AF_UNIX)
		return FDK_UNIX;
	if (domain == AF_INET && type == SOCK_STREAM)
		return FDK_TCP4;
	if (domain == AF_INET6 && type == SOCK_STREAM)
		return FDK_TCP6;
	if (domain == AF_INET && type == SOCK_DGRAM)
		return FDK_UDP4;
	if (domain == AF_INET6 && type == SOCK_DGRAM)
		return FDK_UDP6;
	return FDK_SOCK;
}

/* Duplicate fd of process tgid into our own table (pidfd_getfd). */
static int grab_fd(pid_t tgid, int fd)
{
	int pfd = (int)syscall(SYS_pidfd_open, tgid, 0);
	int dup;

	if (pfd < 0)
		return -errno;
	dup = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
	if (dup < 0)
		dup = -errno;
	close(pfd);
	return dup;
}

struct sockinfo {
	uint8_t kind;
	socklen_t llen, rlen;
	struct sockaddr_storage local, remote;
};

/* Learn a tracee socket's kind and addresses through a duplicate of it. */
static void sock_describe(pid_t tgid, int fd, struct sockinfo *si)
{
	int dup = grab_fd(tgid, fd), domain = 0, type = 0;
	socklen_t l = sizeof(int);

	si->llen = si->rlen = 0;
	if (dup < 0)
		return;
	if (getsockopt(dup, SOL_SOCKET, SO_DOMAIN, &domain, &l) == 0) {
		l = sizeof(int);
		getsockopt(dup, SOL_SOCKET, SO_TYPE, &type, &l);
		si->kind = fdinfo_sock_kind(domain, type);
	}
	si->llen = sizeof(si->local);
	if (getsockname(dup, (struct sockaddr *)&si->local, &si->llen) < 0)
		si->llen = 0;
	si->rlen = sizeof(si->remote);
	if (getpeername(dup, (struct sockaddr *)&si->remote, &si->rlen) < 0)
		si->rlen = 0;
	close(dup);
}

/* A device number as records carry it (the kernel's major << 20 | minor). */
static uint32_t rec_dev(dev_t d)
{
	return (uint32_t)(major(d) << 20 | minor(d));
}

/* Kind of a non-socket fd from its link text and stat (and its inode). */
static uint8_t link_kind(pid_t tid, int fd, const char *link, uint64_t *ino, uint32_t *dev)
{
	char p[64];
	struct stat st;

	if (strncmp(link, "pipe:", 5) == 0)
		return FDK_PIPE;
	if (strncmp(link, "anon_inode:", 11) == 0)
		return FDK_ANON;
	snprintf(p, sizeof(p), "/proc/%d/fd/%d", (int)tid, fd);
	if (stat(p, &st) < 0)
		return FDK_UNKNOWN;
	*ino = st.st_ino;
	*dev = rec_dev(st.st_dev);
	if (S_ISREG(st.st_mode))
		return FDK_FILE;
	if (S_ISDIR(st.st_mode))
		return FDK_DIR;
	if (S_ISCHR(st.st_mode))
		return FDK_CHR;
	if (S_ISBLK(st.st_mode))
		return FDK_BLK;
	if (S_ISFIFO(st.st_mode))
		return FDK_PIPE;
	return FDK_UNKNOWN;
}

/* Build into rb the REC_FD of fd of task tid (process tgid), whose
 * /proc link text is path (plen bytes), looked at as fd at_fd of task
 * at_tid in process at (the same open file). */
static void record_at(struct recbuf *rb, uint64_t ts, pid_t tid, pid_t tgid, int fd,
		      enum rec_fd_why why, uint8_t kind_hint, const char *path, size_t plen,
		      uint32_t flags, pid_t at_tid, pid_t at, int at_fd)
{
	struct rec_fd *r;
	struct sockinfo si = { 0 };
	uint64_t ino = 0;
	uint8_t kind = kind_hint;
	uint32_t dev = 0;

	if (!kind && plen >= 7 && strncmp(path, "socket:", 7) == 0) {
		sock_describe(at, at_fd, &si);
		kind = si.kind ? si.kind : FDK_SOCK;
	} else if (why == FDW_UPDATE || (kind >= FDK_UNIX && kind <= FDK_SOCK && why != FDW_NEW)) {
		sock_describe(at, at_fd, &si);
	} else if (!kind) {
		kind = link_kind(at_tid, at_fd, plen ? path : "", &ino, &dev);
	}
	r = rec_begin(rb, REC_FD, ts, tid, tgid, sizeof(*r));
	r->fd = fd;
	r->kind = kind;
	r->why = (uint8_t)why;
	r->flags = flags;
	r->ino = ino;
	r->dev = dev;
	r->path_len = (uint16_t)plen;
	r->laddr_len = (uint16_t)si.llen;
	r->raddr_len = (uint16_t)si.rlen;
	rec_blob(rb, path, plen);
	rec_blob(rb, &si.local, si.llen);
	rec_blob(rb, &si.remote, si.rlen);
}

void fdinfo_record(struct recbuf *rb, uint64_t ts, pid_t tid, pid_t tgid, int fd,
		   enum rec_fd_why why, uint8_t kind_hint, const char *path, size_t plen,
		   uint32_t flags)
{
	record_at(rb, ts, tid, tgid, fd, why, kind_hint, path, plen, flags, tid, tgid, fd);
}

void fdinfo_record_at(struct recbuf *rb, uint64_t ts, pid_t tid, pid_t tgid, int fd,
		      enum rec_fd_why why, const char *path, size_t plen, uint32_t flags,
		      pid_t at, int at_fd)
{
	record_at(rb, ts, tid, tgid, fd, why, 0, path, plen, flags, at, at, at_fd);
}

bool fdinfo_hosts_record(struct recbuf *rb, uint64_t ts, pid_t tid, pid_t tgid, int fd,
			 const char *path, size_t plen)
{
	static const char hosts[] = "/etc/hosts";
	char root[64], text[REC_DATA_HOSTS_MAX];
	struct rec_data *r;
	ssize_t n = 0, got;
	int f;

	if (plen != sizeof(hosts) - 1 || memcmp(path, hosts, plen) != 0)
		return false;
	snprintf(root, sizeof(root), "/proc/%d/root/etc/hosts", (int)tgid);
	f = open(root, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (f < 0)
		return false;
	while (n < (ssize_t)sizeof(text) && (got = read(f, text + n, sizeof(text) - (size_t)n)) > 0)
		n += got;
	close(f);
	r = rec_begin(rb, REC_DATA, ts, tid, tgid, sizeof(*r));
	r->fd = fd;
	r->kind = DATA_HOSTS;
	r->len = r->total = (uint32_t)n;
	rec_blob(rb, text, (size_t)n);
	return true;
}
