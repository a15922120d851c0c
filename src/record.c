/* record.c - building and validating records.
 *
 * Validation is the only defence the model has against a corrupt recording,
 * so it checks every length a record announces before anyone reads a blob.
 * It never trusts a length field and never allocates.
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>

#include "record.h"

/* Fixed payload size of each record type. */
static size_t fixed_size(unsigned type)
{
	switch (type) {
	case REC_START: return sizeof(struct rec_start);
	case REC_SYSCALL: return sizeof(struct rec_syscall);
	case REC_FD: return sizeof(struct rec_fd);
	case REC_NEWTASK: return sizeof(struct rec_newtask);
	case REC_EXEC: return sizeof(struct rec_exec);
	case REC_FDSET: return 0;
	case REC_EXIT: return sizeof(struct rec_exit);
	case REC_SIGNAL: return sizeof(struct rec_signal);
	case REC_END: return sizeof(struct rec_end);
	case REC_NOTE: return sizeof(struct rec_note);
	case REC_SCHED: return sizeof(struct rec_sched);
	case REC_BLOCK: return sizeof(struct rec_block);
	case REC_FAULT: return sizeof(struct rec_fault);
	case REC_LOST: return sizeof(struct rec_lost);
	case REC_HIST: return sizeof(struct rec_hist);
	case REC_MAPS: return sizeof(struct rec_maps);
	case REC_IO: return sizeof(struct rec_io);
	case REC_SYSSTAT: return sizeof(struct rec_sysstat);
	case REC_STACK: return sizeof(struct rec_stack);
	case REC_OUTPUT: return sizeof(struct rec_output);
	case REC_EXECINFO: return sizeof(struct rec_execinfo);
	case REC_DATA: return sizeof(struct rec_data);
	default: return (size_t)-1;
	}
}

/* Bytes of blobs the fixed payload announces. */
static size_t blob_size(unsigned type, const void *p)
{
	switch (type) {
	case REC_START: {
		const struct rec_start *s = p;
		return s->argv_len;
	}
	case REC_SYSCALL: {
		const struct rec_syscall *s = p;
		return (size_t)s->addr_len + s->path_len;
	}
	case REC_FD: {
		const struct rec_fd *f = p;
		return (size_t)f->path_len + f->laddr_len + f->raddr_len;
	}
	case REC_EXEC: {
		const struct rec_exec *e = p;
		return (size_t)e->exe_len + e->argv_len;
	}
	case REC_EXECINFO: {
		const struct rec_execinfo *x = p;
		return (size_t)x->cwd_len + x->env_len;
	}
	case REC_NOTE: {
		const struct rec_note *n = p;
		return n->text_len;
	}
	case REC_MAPS: {
		const struct rec_maps *mp = p;
		return mp->text_len;
	}
	case REC_STACK: {
		const struct rec_stack *st = p;
		return (size_t)st->nframes * sizeof(struct rec_frame) + st->mods_len;
	}
	case REC_OUTPUT: {
		const struct rec_output *o = p;
		return o->len;
	}
	case REC_DATA: {
		const struct rec_data *d = p;
		return d->len;
	}
	case REC_HIST: {
		const struct rec_hist *hs = p;
		return hs->nslots > 64 ? (size_t)-1 / 2 : (size_t)hs->nslots * sizeof(uint64_t);
	}
	default:
		return 0;
	}
}

/* Room for any record's fixed payload. */
union any_fixed {
	struct rec_start start;
	struct rec_syscall syscall;
	struct rec_fd fd;
	struct rec_newtask newtask;
	struct rec_exec exec;
	struct rec_exit exit;
	struct rec_signal signal;
	struct rec_end end;
	struct rec_note note;
	struct rec_sched sched;
	struct rec_block block;
	struct rec_fault fault;
	struct rec_lost lost;
	struct rec_hist hist;
	struct rec_maps maps;
	struct rec_io io;
	struct rec_sysstat sysstat;
	struct rec_stack stack;
	struct rec_output output;
	struct rec_execinfo execinfo;
	struct rec_data data;
};

int rec_validate(const void *buf, size_t n)
{
	struct rec_hdr h;
	size_t fixed, room;
	union any_fixed payload;

	if (n < sizeof(h))
		return -EINVAL;
	memcpy(&h, buf, sizeof(h));
	if (h.len < sizeof(h) || h.len > n || h.len > REC_MAX || h.len % REC_ALIGN)
		return -EINVAL;
	fixed = fixed_size(h.type);
	room = h.len - sizeof(h);
	if (fixed == (size_t)-1 || fixed > room)
		return -EINVAL;
	memcpy(&payload, (const char *)buf + sizeof(h), fixed);
	if (blob_size(h.type, &payload) > room - fixed)
		return -EINVAL;
	if (h.type == REC_FDSET && room % sizeof(int32_t))
		return -EINVAL;
	return 0;
}

void *rec_begin(struct recbuf *b, enum rec_type type, uint64_t ts, int tid, int tgid,
		size_t fixed)
{
	struct rec_hdr *h = (struct rec_hdr *)b->buf;

	memset(b->buf, 0, sizeof(*h) + rec_align(fixed));
	h->ts = ts;
	h->type = (uint16_t)type;
	h->tid = tid;
	h->tgid = tgid;
	b->len = sizeof(*h) + fixed;
	return h + 1;
}

size_t rec_blob(struct recbuf *b, const void *p, size_t n)
{
	size_t room = REC_MAX - b->len;

	if (n > room)
		n = room;
	memcpy((char *)b->buf + b->len, p, n);
	b->len += n;
	return n;
}

size_t rec_finish(struct recbuf *b)
{
	struct rec_hdr *h = (struct rec_hdr *)b->buf;
	size_t total = rec_align(b->len);

	memset((char *)b->buf + b->len, 0, total - b->len);
	h->len = (uint32_t)total;
	b->len = total;
	return total;
}

size_t rec_path_cut(char *p, size_t len)
{
	size_t from;

	if (len <= REC_PATH_MAX)
		return len;
	for (from = len - REC_PATH_MAX; from < len && p[from] != '/'; from++)
		;
	memmove(p + REC_PATH_CUT_LEN, p + from, len - from);
	memcpy(p, REC_PATH_CUT, REC_PATH_CUT_LEN);
	return REC_PATH_CUT_LEN + len - from;
}

void rec_found_task(struct recbuf *b, uint64_t ts, int parent, int child, bool thread)
{
	struct rec_newtask *r = rec_begin(b, REC_NEWTASK, ts, parent, parent, sizeof(*r));

	((struct rec_hdr *)b->buf)->flags = NEWTASK_ATTACHED;
	r->child = child;
	r->kind = thread ? NT_CLONE : NT_FORK;
	r->flags = thread ? CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD :
			    SIGCHLD;
}
