/* latency.bpf.c - scheduler and block I/O latency of the traced processes.
 *
 * Kernel half of --ebpf (the loader is src/ebpf_latency.c).  It keeps the
 * set of traced tasks itself (fork adds, exit removes), measures how long
 * each traced thread waits on a run queue (woken, new, or preempted while
 * runnable, until it is switched in) and how long each block request a
 * traced process submitted takes, sends the slow ones and every block
 * request to a ring buffer, and keeps a log2 histogram of all of them per
 * process, sent when the process ends.  Every map entry is deleted when its
 * task, process or request ends, so the maps never fill with stale state.
 * It only uses tracepoints: each handler is written once (TP_TWINS) as a
 * tp_btf program (preferred) and its raw_tp twin (fallback), reading kernel
 * memory with CO-RE reads only.  It must never drop silently: a full ring
 * buffer or map is counted, and so is a switch-in the kernel did not report
 * and that the task's own run_delay cannot make up for.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "latency.h"
#include "shared.bpf.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Set by the loader before load, from the kernel's BTF. */
const volatile __u64 sched_threshold_ns = 10000;
const volatile bool switch_has_prev_state = false;   /* 5.18+ */
const volatile bool rq_tp_has_queue = false;         /* before 5.11 */
const volatile bool has_io_start = false;            /* block_io_start: 6.5+ */

static const struct lat_proc_hist zero_hist;

struct lat_stamp {
	__u64 ts;
	__u64 run_delay;         /* the kernel's sched_info.run_delay then, or 0 */
	__u32 reason;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TASKS_MAX);
	__type(key, __u32);
	__type(value, struct lat_stamp);
} stamps SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, LAT_MAX_PROCS);
	__type(key, __u32);
	__type(value, struct lat_proc_hist);
} hists SEC(".maps");

/* A block request of a traced process, from when its owner is known to its
 * completion.  With block_io_start only those are kept; before it (6.5),
 * owner 0 marks one an untraced task inserted. */
struct lat_req {
	__u64 ts;                /* issue; 0 while inserted or requeued */
	__u64 done;              /* bytes completed so far */
	__u64 sector;
	__u32 tid, tgid;
	__u32 dev, write;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LAT_MAX_REQS);
	__type(key, __u64);
	__type(value, struct lat_req);
} reqs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, LAT_RINGBUF_BYTES);
} events SEC(".maps");

/* How to submit to events: the reader looks every LAT_READ_MS anyway, so
 * it is woken only once a quarter of the ring waits (a wake-up from the
 * scheduler's tracepoints costs an interrupt each). */
static __always_inline __u64 wake_flag(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= LAT_RINGBUF_BYTES / 4 ?
	       BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

/* Update a map, counting a full map as a drop. */
static __always_inline void put(void *map, const void *key, const void *val, __u64 flags)
{
	long err = bpf_map_update_elem(map, key, val, flags);

	if (err && err != -17 /* EEXIST */)
		drop(DROP_MAPFULL);
}

/* Histogram slot of a latency: the bit length of its microseconds. */
static __always_inline __u32 slot_of(__u64 ns)
{
	__u32 s = bit_length(ns / 1000);

	return s < LAT_SLOTS ? s : LAT_SLOTS - 1;
}

/* Count a latency in its process's histogram (if the process still has one). */
static __always_inline void hist_add(__u32 tgid, bool block, __u64 ns)
{
	struct lat_proc_hist *h = bpf_map_lookup_elem(&hists, &tgid);
	__u32 s = slot_of(ns);

	if (!h)
		return;
	barrier_var(s);   /* keep the mask: the verifier needs to see the bound */
	s &= LAT_SLOTS - 1;
	if (block)
		__sync_fetch_and_add(&h->block[s], 1);
	else
		__sync_fetch_and_add(&h->sched[s], 1);
}

/* Send one non-empty histogram of a process. */
static __always_inline void hist_send(__u32 tgid, __u32 kind, const __u64 *slots)
{
	struct lat_hist *e;
	__u64 any = 0;

	for (int i = 0; i < LAT_SLOTS; i++)
		any |= slots[i];
	if (!any)
		return;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		drop(DROP_RINGBUF);
		return;
	}
	e->kind = LAT_HIST;
	e->hist = kind;
	e->pid = (__s32)tgid;
	e->pad = 0;
	e->ts = bpf_ktime_get_ns();
	__builtin_memcpy(e->slots, slots, sizeof(e->slots));
	bpf_ringbuf_submit(e, wake_flag());
}

/* A process ended: send its histograms and forget it. */
static __always_inline void hist_flush(__u32 tgid)
{
	struct lat_proc_hist *h = bpf_map_lookup_elem(&hists, &tgid);

	if (!h)
		return;
	hist_send(tgid, LAT_HIST_SCHED, h->sched);
	hist_send(tgid, LAT_HIST_BLOCK, h->block);
	bpf_map_delete_elem(&hists, &tgid);
}

/* Send a sched or block event. */
static __always_inline void event_send(__u32 kind, __u32 tid, __u32 tgid, __u32 aux, __u64 ts,
				       __u64 lat, __u64 bytes, __u64 sector, __u32 reason)
{
	struct lat_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		drop(DROP_RINGBUF);
		return;
	}
	e->kind = kind;
	e->tid = (__s32)tid;
	e->tgid = (__s32)tgid;
	e->aux = aux;
	e->ts = ts;
	e->lat_ns = lat;
	e->bytes = bytes;
	e->sector = sector;
	e->reason = reason;
	e->pad = 0;
	bpf_ringbuf_submit(e, wake_flag());
}

/* The kernel's own run-queue time of t so far (0 without CONFIG_SCHED_INFO). */
static __always_inline __u64 run_delay(struct task_struct *t)
{
	if (bpf_core_field_exists(t->sched_info))
		return BPF_CORE_READ(t, sched_info.run_delay);
	return 0;
}

/* A stamp is left on a task that is running: some kernels switch to a task
 * on a few paths without the sched_switch tracepoint.  The kernel's own
 * run_delay still grew by that wait, so report it from there; only without
 * it is the wait lost (and counted). */
static __always_inline void unseen_switch_in(struct task_struct *t, __u32 tid,
					     const struct lat_stamp *s)
{
	struct task_entry *task = traced(tid);
	__u64 rd = run_delay(t), delay;

	if (!task || !bpf_core_field_exists(t->sched_info) || rd < s->run_delay) {
		drop(DROP_UNSEEN);
		return;
	}
	delay = rd - s->run_delay;
	hist_add(task->tgid, false, delay);
	if (delay >= sched_threshold_ns)
		event_send(LAT_SCHED, tid, task->tgid, bpf_get_smp_processor_id(), s->ts + delay,
			   delay, 0, 0, s->reason);
}

/* ---- tasks: follow fork, exec and exit ---- */

/* A new task: traced if its parent is (or if a followed task started a process). */
TP_TWINS(sched_process_fork, fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptid = (__u32)BPF_CORE_READ(parent, pid);
	struct task_entry *p = bpf_map_lookup_elem(&tasks, &ptid);
	struct task_entry c;
	__u32 ctid, ctgid;

	if (!p)
		return 0;
	ctid = (__u32)BPF_CORE_READ(child, pid);
	ctgid = (__u32)BPF_CORE_READ(child, tgid);
	c.tgid = ctgid;
	c.flags = TASK_F_TRACED;
	if ((p->flags & TASK_F_FOLLOW) && ctgid == p->tgid)
		c.flags = TASK_F_FOLLOW;   /* another thread of the follower */
	put(&tasks, &ctid, &c, BPF_ANY);
	if (c.flags == TASK_F_TRACED && ctid == ctgid)
		put(&hists, &ctgid, &zero_hist, BPF_NOEXIST);
	return 0;
}

/* A non-leader exec'd and took the leader's tid: move its entries. */
TP_TWINS(sched_process_exec, exec, struct task_struct *p, pid_t old_pid)
{
	__u32 old_tid = (__u32)old_pid;
	__u32 tid = (__u32)BPF_CORE_READ(p, pid);
	struct task_entry *t, copy;

	if (tid == old_tid)
		return 0;
	t = bpf_map_lookup_elem(&tasks, &old_tid);
	if (!t)
		return 0;
	copy = *t;
	bpf_map_delete_elem(&tasks, &old_tid);
	bpf_map_delete_elem(&stamps, &old_tid);
	put(&tasks, &tid, &copy, BPF_ANY);
	return 0;
}

/* A task exits: forget it; the last one of a process flushes its histograms. */
TP_TWINS(sched_process_exit, exit, struct task_struct *p)
{
	__u32 tid = (__u32)BPF_CORE_READ(p, pid);
	struct task_entry *t = bpf_map_lookup_elem(&tasks, &tid);
	struct lat_stamp *s = bpf_map_lookup_elem(&stamps, &tid);
	__u32 tgid, flags;

	if (!t)
		return 0;
	if (s)   /* it is running, so its switch-in went unseen */
		unseen_switch_in(p, tid, s);
	tgid = t->tgid;
	flags = t->flags;
	bpf_map_delete_elem(&tasks, &tid);
	bpf_map_delete_elem(&stamps, &tid);
	if (!(flags & TASK_F_TRACED))
		return 0;
	if (group_dead(ctx, p))
		hist_flush(tgid);
	return 0;
}

/* ---- scheduler latency ---- */

/* Task state at a switch: the tracepoint's argument since 5.18, else the task's. */
static __always_inline __u64 prev_state(unsigned long long *ctx, struct task_struct *prev)
{
	struct task_struct___o *old = (void *)prev;

	if (switch_has_prev_state)
		return ctx[3];
	if (bpf_core_field_exists(prev->__state))
		return BPF_CORE_READ(prev, __state);
	return (__u64)BPF_CORE_READ(old, state);
}

/* A traced task became runnable; an earlier stamp (preempted, still queued)
 * wins, and a task woken while still on its CPU is not waiting at all. */
static __always_inline int on_wakeup(struct task_struct *p, __u32 reason)
{
	__u32 tid = (__u32)BPF_CORE_READ(p, pid);
	struct lat_stamp s = { .reason = reason };

	if (!traced(tid) || BPF_CORE_READ(p, on_cpu))
		return 0;
	s.ts = bpf_ktime_get_ns();
	s.run_delay = run_delay(p);
	put(&stamps, &tid, &s, BPF_NOEXIST);
	return 0;
}

/* A traced task was woken. */
TP_TWINS(sched_wakeup, wakeup, struct task_struct *p)
{
	return on_wakeup(p, LAT_WOKEN);
}

/* A traced task was woken for the first time. */
TP_TWINS(sched_wakeup_new, wakeup_new, struct task_struct *p)
{
	return on_wakeup(p, LAT_WOKEN_NEW);
}

/* Context switch: stamp a preempted prev, measure next's wait.  Most switches
 * on the machine involve no traced task: they cost two lookups, no clock. */
TP_TWINS(sched_switch, switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u32 ptid = (__u32)BPF_CORE_READ(prev, pid);
	__u32 ntid = (__u32)BPF_CORE_READ(next, pid);
	__u64 now = 0, delay;
	struct lat_stamp *s, st = { .reason = LAT_PREEMPTED };
	struct task_entry *t;
	__u32 reason;

	if (traced(ptid)) {
		now = st.ts = bpf_ktime_get_ns();
		st.run_delay = run_delay(prev);
		/* A running task has no stamp, unless its switch-in went unreported. */
		s = bpf_map_lookup_elem(&stamps, &ptid);
		if (s)
			unseen_switch_in(prev, ptid, s);
		if (preempt || prev_state(ctx, prev) == 0 /* TASK_RUNNING */)
			put(&stamps, &ptid, &st, BPF_ANY);
		else
			bpf_map_delete_elem(&stamps, &ptid);
	}
	if (!ntid)
		return 0;
	s = bpf_map_lookup_elem(&stamps, &ntid);
	if (!s)
		return 0;
	if (!now)
		now = bpf_ktime_get_ns();
	delay = now - s->ts;
	reason = s->reason;
	bpf_map_delete_elem(&stamps, &ntid);
	t = traced(ntid);
	if (!t)
		return 0;
	hist_add(t->tgid, false, delay);
	if (delay >= sched_threshold_ns)
		event_send(LAT_SCHED, ntid, t->tgid, bpf_get_smp_processor_id(), now, delay, 0, 0,
			   reason);
	return 0;
}

/* ---- block I/O latency ---- */

/* Only reads and writes move data we attribute (REQ_OP_READ 0, REQ_OP_WRITE 1). */
static __always_inline bool rq_is_rw(struct request *rq)
{
	return (BPF_CORE_READ(rq, cmd_flags) & 0xff) <= 1;
}

/* The request a block tracepoint is about (older kernels pass the queue first). */
static __always_inline struct request *rq_arg(unsigned long long *ctx)
{
	return (struct request *)(rq_tp_has_queue ? ctx[1] : ctx[0]);
}

/* MKDEV-style number of the request's disk. */
static __always_inline __u32 rq_dev(struct request *rq)
{
	struct request___old *old = (void *)rq;
	struct gendisk *d;

	if (bpf_core_field_exists(rq->q->disk))
		d = BPF_CORE_READ(rq, q, disk);
	else
		d = BPF_CORE_READ(old, rq_disk);
	if (!d)
		return 0;
	return ((__u32)BPF_CORE_READ(d, major) << 20) | (__u32)BPF_CORE_READ(d, first_minor);
}

/* The traced process the current task belongs to, or NULL: a thread the
 * fork tracepoint never saw (an io_uring worker) counts by its process. */
static __always_inline struct task_entry *traced_submitter(__u64 id)
{
	struct task_entry *t = traced((__u32)id);

	return t ? t : traced((__u32)(id >> 32));
}

/* Made from a bio (6.5+), in the submitting task's context, whoever issues
 * it later (a kworker may dispatch it): this is its owner.  A request of
 * another task forgets what an earlier use of the same request left. */
TP_TWINS(block_io_start, io_start, struct request *rq)
{
	__u64 key = (__u64)rq, id = bpf_get_current_pid_tgid();
	struct task_entry *t = traced_submitter(id);
	struct lat_req r = { 0 };

	if (!t || !rq_is_rw(rq)) {
		bpf_map_delete_elem(&reqs, &key);
		return 0;
	}
	r.tid = (__u32)id;
	r.tgid = t->tgid;
	put(&reqs, &key, &r, BPF_ANY);
	return 0;
}

/* Inserted into a queue, in the submitter's context: remember who it is
 * (before 6.5; with block_io_start this program is not loaded). */
TP_TWINS(block_rq_insert, insert)
{
	struct request *rq = rq_arg(ctx);
	__u64 key = (__u64)rq;
	__u64 id = bpf_get_current_pid_tgid();
	struct task_entry *t = traced_submitter(id);
	struct lat_req r = { 0 };

	if (!rq_is_rw(rq))
		return 0;
	if (t) {
		r.tid = (__u32)id;
		r.tgid = t->tgid;
	}
	/* An untraced insert is marked too, so whoever dispatches it is not blamed. */
	put(&reqs, &key, &r, BPF_ANY);
	return 0;
}

/* Requeued: it will be issued again; keep its owner. */
TP_TWINS(block_rq_requeue, requeue)
{
	__u64 key = (__u64)rq_arg(ctx);
	struct lat_req *r = bpf_map_lookup_elem(&reqs, &key);

	if (r)
		r->ts = 0;
	return 0;
}

/* Note the issue of r's request rq: the clock starts, and where it goes. */
static __always_inline void req_issued(struct lat_req *r, struct request *rq)
{
	r->ts = bpf_ktime_get_ns();
	r->sector = BPF_CORE_READ(rq, __sector);
	r->dev = rq_dev(rq);
	r->write = BPF_CORE_READ(rq, cmd_flags) & 1;
}

/* Issued to the device: start the clock. */
TP_TWINS(block_rq_issue, issue)
{
	struct request *rq = rq_arg(ctx);
	__u64 key = (__u64)rq, id;
	struct lat_req *r = bpf_map_lookup_elem(&reqs, &key), n = { 0 };
	struct task_entry *t;

	if (has_io_start) {   /* its owner was taken at the start, or it is not ours */
		if (r && !rq_is_rw(rq))
			bpf_map_delete_elem(&reqs, &key);   /* never started: what a request made
							       another way found of an earlier use */
		else if (r && !r->ts)
			req_issued(r, rq);
		return 0;
	}
	if (r && !r->tid) {
		bpf_map_delete_elem(&reqs, &key);
		return 0;
	}
	if (r && !r->ts) {
		req_issued(r, rq);
		return 0;
	}
	/* Issued directly (never inserted), in the submitter's context. */
	id = bpf_get_current_pid_tgid();
	t = traced_submitter(id);
	if (!t || !rq_is_rw(rq)) {
		if (r)
			bpf_map_delete_elem(&reqs, &key);   /* stale */
		return 0;
	}
	n.tid = (__u32)id;
	n.tgid = t->tgid;
	req_issued(&n, rq);
	put(&reqs, &key, &n, BPF_ANY);
	return 0;
}

/* Completed, perhaps only partly: report once all of it is done. */
TP_TWINS(block_rq_complete, complete, struct request *rq, blk_status_t error,
	 unsigned int nr_bytes)
{
	__u64 key = (__u64)rq, now, lat;
	struct lat_req *r = bpf_map_lookup_elem(&reqs, &key);

	if (!r)
		return 0;
	if (!r->ts) {
		bpf_map_delete_elem(&reqs, &key);   /* ended without being issued */
		return 0;
	}
	r->done += nr_bytes;
	if (nr_bytes < BPF_CORE_READ(rq, __data_len))
		return 0;
	now = bpf_ktime_get_ns();
	lat = now - r->ts;
	hist_add(r->tgid, true, lat);
	event_send(LAT_BLOCK, r->tid, r->tgid, r->dev, now, lat, r->done, r->sector, r->write);
	bpf_map_delete_elem(&reqs, &key);
	return 0;
}
