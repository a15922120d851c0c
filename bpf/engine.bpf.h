/* engine.bpf.h - the kernel engine's part of ioacct.bpf.c: everything else
 * the model needs, so a command runs with no ptrace and no seccomp filter.
 *
 * Included once by ioacct.bpf.c, after its helpers (the ring, fd_file,
 * file_kind, put_path, call_fill).  Nothing here runs unless the loader set
 * engine (src/ebpf_ioacct.c), and the programs of its own (ke_*) are loaded
 * only then.  The engine's tasks are those in kalive: the command, put there
 * by user space before it may exec, and every task a task there makes.
 *   - sched_process_fork: IOACCT_TASK, with the clone flags read from the
 *     parent's system call registers (as ptrace's events would give them);
 *   - sched_process_exec: IOACCT_EXEC, with the program's path, its argv
 *     and the fds open after close-on-exec;
 *   - sched_process_exit: IOACCT_EXIT (a process's leader is reported when
 *     its last thread ends, as wait reports it; one killed by another
 *     thread's exec is not reported at all, as under ptrace);
 *   - signal_deliver, and signal_generate for a signal dropped as ignored
 *     (which a tracer sees delivered): IOACCT_SIGNAL, never SIGKILL;
 *   - at the exit of the fd calls ioacct.bpf.c does not take itself (dup,
 *     fcntl's F_DUPFD, sockets, the *msg calls, sendfile and splice, the
 *     other calls that make fds): the call (IOACCT_CALL or IOACCT_CALLX)
 *     after what its fds are (IOACCT_FD), sockets' addresses from the
 *     kernel's own struct sock, as getsockname and getpeername give them.
 */
#ifndef COMPENDIUM_ENGINE_BPF_H
#define COMPENDIUM_ENGINE_BPF_H

/* (engine, whether the loader made this the kernel engine: ioacct.bpf.c) */
const volatile bool engine_keeps_tasks = false;   /* no latency.bpf.c to keep tasks */

/* tid -> every task the engine reports. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, TASKS_MAX);
	__type(key, __u32);
	__type(value, struct ioacct_task_state);
} kalive SEC(".maps");

/* Every system call of the engine's processes, counted (user space reads
 * them as they grow; a process's go out whole, and away, when it ends). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, IOACCT_STATS_MAX);
	__type(key, struct ioacct_stat_key);
	__type(value, struct ioacct_stat);
} kstats SEC(".maps");

/* tp_btf programs: each of the engine's tasks' own copy of its kalive
 * entry (see ke_task).  Not made for the raw_tp ones (src/ebpf_ioacct.c). */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct ioacct_task_state);
} kstate SEC(".maps");

/* Which call numbers each process has counters for (tgid -> bits). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, TASKS_MAX);
	__type(key, __u32);
	__type(value, struct ioacct_nr_bits);
} kstat_nrs SEC(".maps");

/* Processes that made an io_uring (tgid -> 1): its operations may open
 * fds without a system call the engine sees; or that received fds the
 * engine did not describe (more than ke_scm_rights looks at, or in a
 * recvmmsg's later messages): they are described at their first use. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, TASKS_MAX);
	__type(key, __u32);
	__type(value, __u32);
} kuring SEC(".maps");

/* Processes whose fatal signal was reported (tgid -> 1). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, TASKS_MAX);
	__type(key, __u32);
	__type(value, __u32);
} kfatal SEC(".maps");

/* UDP sockets made and not yet bound or connected ((tgid << 32 | fd) -> 1):
 * the first sendto or sendmsg to an address binds one to a port of the
 * kernel's choice, and the socket is described again after it.  A stale
 * entry (the fd closed and made anew) costs only a needless description. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} kunbound SEC(".maps");

/* The argv[0] of the exec a task is in (from its entry, for an
 * IOACCT_SCRIPT: the new program's memory no longer has it). */
struct ke_argv0 {
	__u32 len;               /* with its NUL; 0: not read */
	char s[IOACCT_ARGV0_MAX];
};
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct ke_argv0);
} kargv0 SEC(".maps");

/* Where an IOACCT_EXEC or IOACCT_FD is put together. */
struct engine_scratch {
	union {
		struct ioacct_exec exec;
		struct ioacct_script script;
		struct ioacct_execenv env;
		struct ioacct_fd fd;
		struct ioacct_callx callx;
		struct ioacct_data data;
	} h;
	char data[2 * IOACCT_PATH_MAX + IOACCT_ARGV_MAX];
	/* A recvfrom's, sendmsg's or recvmsg's peer argument, as ke_peer_arg
	 * found it (here, not on sys_exit's stack, which has no room left),
	 * and whether ke_send_addr found it a DNS server's (port 53). */
	__u64 peer_at, peer_len, peer_a1;
	__u64 args[6];   /* the arguments of the call ke_call_sent sends */
	__s32 peer_fd;
	__u32 peer_dns;
	__u32 compat;    /* that call is an i386 one (its structs' layout) */
	__u32 pad;
	__u64 ctl[2];    /* a recvmsg's msg_control and msg_controllen (ke_scm_rights) */
};

/* Where the bytes after header h of the scratch space go (a sample is its
 * header, then its bytes). */
#define KE_DATA(es, m) ((char *)(es) + sizeof((es)->h.m))

/* One per CPU, indexed by its number (a per-CPU value cannot be this
 * large): the loader sets max_entries to the number of possible CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct engine_scratch);
} engine_scratch SEC(".maps");

enum {
	NR_ioctl = 16, NR_socket = 41, NR_connect = 42, NR_accept = 43, NR_sendmsg = 46, NR_recvmsg = 47,
	NR_bind = 49, NR_socketpair = 53, NR_clone = 56, NR_fork = 57, NR_vfork = 58,
	NR_dup = 32, NR_fcntl = 72, NR_sendfile = 40, NR_accept4 = 288, NR_splice = 275,
	NR_tee = 276, NR_recvmmsg = 299, NR_sendmmsg = 307, NR_copy_file_range = 326,
	NR_clone3 = 435, NR_io_uring_enter = 426, NR_io_uring_setup = 425, NR_rename = 82, NR_rmdir = 84,
	NR_unlink = 87, NR_unlinkat = 263, NR_renameat = 264, NR_renameat2 = 316, NR_unshare = 272,
	NR_restart_syscall = 219,
};

#define KE_SIGKILL 9
#define KE_SIGCHLD 17
#define KE_CLONE_VM 0x100
#define KE_CLONE_FS 0x200
#define KE_CLONE_FILES 0x400
#define KE_CLONE_SIGHAND 0x800
#define KE_CLONE_VFORK 0x4000
#define KE_CLONE_THREAD 0x10000
#define KE_CSIGNAL 0xff
#define KE_NT_FORK 0
#define KE_NT_VFORK 1
#define KE_NT_CLONE 2
#define KE_FDW_NEW 0
#define KE_FDW_UPDATE 1
#define KE_FDW_FOUND 2          /* open without a call seen (FDW_INHERITED) */
#define KE_THREAD_SIZE 16384      /* x86_64 kernel stacks; the user registers end it */
#define KE_SIGNAL_GROUP_EXIT 4
#define KE_EINPROGRESS 115
#define KE_MSG_FASTOPEN 0x20000000   /* a send that connects (TCP Fast Open) */
#define KE_ADDR_MAX 128
#define KE_CMSG_MAX 256         /* control bytes of a recvmsg looked at */

static __always_inline struct engine_scratch *engine_sc(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&engine_scratch, &cpu);
}

/* Send the first size bytes of the scratch space. */
static __always_inline void ke_output(struct engine_scratch *es, __u64 size)
{
	if (size > sizeof(*es))
		size = sizeof(*es);
	if (bpf_ringbuf_output(&ioevents, es, size, io_wake()))
		drop(DROP_RINGBUF);
}

/* Is tid one of the engine's tasks? */
static __always_inline bool ke_alive(__u32 tid)
{
	return engine && bpf_map_lookup_elem(&kalive, &tid);
}

/* ---- tasks ---- */

/* Take task tid of process tgid into the engine's set (a set already
 * full leaves it untraced, and counts so). */
static __always_inline void ke_take(__u32 tid, __u32 tgid)
{
	struct ioacct_task_state st = { .tgid = tgid };

	if (bpf_map_update_elem(&kalive, &tid, &st, BPF_ANY))
		drop(DROP_MAPFULL);
}

/* ---- system call counts ---- */

/* The current task's state, or NULL when it is none of the engine's tasks.
 * The tp_btf programs keep a copy of a task's kalive entry with the task
 * itself (kstate), made at the first call that finds it there, and use
 * that from then on: the calls after it need no hash lookup to find their
 * task (in a profile of find | xargs cat, hash lookups, most of them cache
 * misses, were a quarter of what the engine's programs cost; these were
 * two of a call's three or four).  A task leaves
 * kalive only when it ends (or its tid goes to the leader at an exec,
 * the same task still traced), so the copy never outlives its entry. */
static __always_inline struct ioacct_task_state *ke_task(const bool btf)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct ioacct_task_state *t, *kept;
	struct task_struct *cur;

	if (!btf)
		return bpf_map_lookup_elem(&kalive, &tid);
	cur = bpf_get_current_task_btf();
	kept = bpf_task_storage_get(&kstate, cur, 0, 0);
	if (kept)
		return kept;
	t = bpf_map_lookup_elem(&kalive, &tid);
	if (!t)
		return 0;
	kept = bpf_task_storage_get(&kstate, cur, t, BPF_LOCAL_STORAGE_GET_F_CREATE);
	return kept ? kept : t;
}

/* A task enters system call nr: if it is one of the engine's, note when
 * and which; false when it is not. */
static __always_inline bool ke_enter(long nr, const bool btf)
{
	struct ioacct_task_state *t = ke_task(btf);

	if (!t)
		return false;
	t->entry_ts = bpf_ktime_get_ns();
	t->entry_nr = nr;
	return true;
}

/* The histogram slot of a duration of ns (see IOACCT_HIST_SLOTS). */
static __always_inline __u32 ke_hist_slot(__u64 ns)
{
	__u32 bits = bit_length(ns);   /* 7 for 64..127 ns: slot 1 */

	return bits < 7 ? 0 : bits - 6 >= IOACCT_HIST_SLOTS ? IOACCT_HIST_SLOTS - 1 : bits - 6;
}

/* Zeros a new counter and a new process's bits start from (globals, not
 * on ke_count's stack: with sys_exit's frame, the two must fit in 512 bytes). */
static const struct ioacct_stat ke_stat_zero = { 0 };
static const struct ioacct_nr_bits ke_bits_none = { 0 };

/* The counter of (tgid, nr), made (and noted in its process's bits) if new. */
static __always_inline struct ioacct_stat *ke_stat(__u32 tgid, __s32 nr)
{
	struct ioacct_stat_key k = { tgid, nr };
	struct ioacct_stat *s = bpf_map_lookup_elem(&kstats, &k);
	struct ioacct_nr_bits *b;

	if (s)
		return s;
	b = bpf_map_lookup_elem(&kstat_nrs, &tgid);
	if (!b) {
		bpf_map_update_elem(&kstat_nrs, &tgid, &ke_bits_none, BPF_NOEXIST);
		b = bpf_map_lookup_elem(&kstat_nrs, &tgid);
	}
	if (!b)
		return 0;
	/* (marked before the counter exists: the process's end never misses it) */
	__sync_fetch_and_or(&b->w[((__u32)nr / 64) & (IOACCT_NR_MAX / 64 - 1)], 1ull << ((__u32)nr % 64));
	bpf_map_update_elem(&kstats, &k, &ke_stat_zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&kstats, &k);
}

/* Send the figures of one call (ke_count's arguments) alone: the map of
 * counters is full. */
static __always_inline void ke_count_alone(long nr, long ret, __u32 tgid, __u64 began)
{
	struct ioacct_callstat *out = bpf_ringbuf_reserve(&ioevents, sizeof(*out), 0);
	__u64 now = bpf_ktime_get_ns();

	if (!out) {
		drop(DROP_RINGBUF);
		return;
	}
	out->kind = IOACCT_CALLSTAT;
	out->tgid = tgid;
	out->nr = (__s32)nr;
	out->failed = ret < 0 && ret >= -4095;
	out->timed = began != 0;
	out->dur = began ? now - began : 0;
	out->slot = (__u8)ke_hist_slot(out->dur);
	out->pad = 0;
	out->ts = now;
	bpf_ringbuf_submit(out, io_wake());
}

/* Task tgid's x86_64 system call nr, entered at began (0: not seen),
 * returned ret: count it, with its time and its slot in the call's
 * duration histogram (an i386 call as its x86_64 twin: sys_exit).
 * A global function, so the verifier checks it apart
 * from sys_exit's many paths (inline, it doubled sys_exit's
 * verification); returns 0. */
__noinline int ke_count(long nr, long ret, __u32 tgid, __u64 began)
{
	struct ioacct_stat *s;
	__u64 dur;

	if (nr < 0 || nr >= IOACCT_NR_MAX)
		return 0;
	if (ret == 0 && (nr == NR_clone || nr == NR_clone3 || nr == NR_fork || nr == NR_vfork))
		return 0;   /* the new task's own return from the call its parent made */
	s = ke_stat(tgid, (__s32)nr);
	if (!s) {
		ke_count_alone(nr, ret, tgid, began);
		return 0;
	}
	__sync_fetch_and_add(&s->calls, 1);
	if (ret < 0 && ret >= -4095)
		__sync_fetch_and_add(&s->errors, 1);
	if (!began)
		return 0;
	dur = bpf_ktime_get_ns() - began;
	__sync_fetch_and_add(&s->timed, 1);
	__sync_fetch_and_add(&s->total_ns, dur);
	__sync_fetch_and_add(&s->hist[ke_hist_slot(dur) & (IOACCT_HIST_SLOTS - 1)], 1);
	if (dur > s->max_ns)
		s->max_ns = dur;   /* (two CPUs at once may keep the smaller: a bound, not a sum) */
	return 0;
}

#define KE_JOBCTL_TRAP_FREEZE (1ul << 23)

/* Did the call that stopped with an ERESTART* code stop only because a
 * cgroup freezes its task (compendium-tui holding the program back), with
 * no signal to deliver?  The kernel then runs it again once thawed, unseen
 * by the program: one call, not a failed one and another.  A global
 * function (its reads would grow sys_exit's frame); returns 1 if so. */
__noinline int ke_freezer_restart(void)
{
	struct task_struct *cur = (struct task_struct *)bpf_get_current_task();
	unsigned long pending;

	if (!(BPF_CORE_READ(cur, jobctl) & KE_JOBCTL_TRAP_FREEZE))
		return 0;
	pending = BPF_CORE_READ(cur, pending.signal.sig[0]) |
		  BPF_CORE_READ(cur, signal, shared_pending.signal.sig[0]);
	return !(pending & ~BPF_CORE_READ(cur, blocked.sig[0]));
}

/* Task t's system call nr returned ret: count it once its program runs.
 * A call a signal interrupted (ERESTARTSYS and its kin) is counted as
 * strace -c counts it, a call that failed: a handler may make it end in
 * EINTR, and a call the kernel runs again is counted again.  One the
 * freezer interrupted is not: it runs again, as if never cut, or, cut
 * with ERESTART_RESTARTBLOCK (a sleep, a poll), goes on in
 * restart_syscall, which is counted as the call it goes on with. */
static __always_inline void ke_exit_call(struct ioacct_task_state *t, long nr, long ret)
{
	__u64 began = t->entry_ts;

	if (t->flags & IOACCT_TASK_PREEXEC)
		return;
	t->entry_ts = 0;
	if (ret <= -512 && ret >= -516 && ke_freezer_restart()) {
		if (ret == -516)
			t->restart_nr = nr + 1;
		return;
	}
	if (nr == NR_restart_syscall && t->restart_nr) {
		nr = t->restart_nr - 1;
		t->restart_nr = 0;
	}
	ke_count(nr, ret, t->tgid, began);
}

/* bpf_loop state of ke_stats_final. */
struct stats_end {
	__u32 tgid;
	__u32 pad;
	struct ioacct_nr_bits bits;
};

/* bpf_loop callback: send and forget counter nr of the process, if it has one. */
static long stat_final(__u32 nr, struct stats_end *e)
{
	struct ioacct_stat_key k = { e->tgid, (__s32)nr };
	struct ioacct_stat *s;
	struct ioacct_sysstat *out;

	if (!((e->bits.w[(nr / 64) & (IOACCT_NR_MAX / 64 - 1)] >> (nr % 64)) & 1))
		return 0;
	s = bpf_map_lookup_elem(&kstats, &k);
	if (!s)
		return 0;
	out = bpf_ringbuf_reserve(&ioevents, sizeof(*out), 0);
	if (out) {
		out->kind = IOACCT_SYSSTAT;
		out->tgid = e->tgid;
		out->nr = (__s32)nr;
		out->pad = 0;
		out->ts = bpf_ktime_get_ns();
		out->st = *s;
		bpf_ringbuf_submit(out, io_wake());
	} else {
		drop(DROP_RINGBUF);
	}
	bpf_map_delete_elem(&kstats, &k);
	return 0;
}

/* Send the last figures of process tgid's counters and forget them. */
static __always_inline void ke_stats_send(__u32 tgid)
{
	struct ioacct_nr_bits *b = bpf_map_lookup_elem(&kstat_nrs, &tgid);
	struct stats_end e = { .tgid = tgid };

	if (!b)
		return;
	e.bits = *b;
	bpf_map_delete_elem(&kstat_nrs, &tgid);
	bpf_loop(IOACCT_NR_MAX, stat_final, &e, 0);
}

/* Process tgid ended: send its counters' last figures and forget them
 * (and its io_uring mark); true when they are left in the map instead.
 * With the ring past its high water they are: thousands of processes
 * ending at once, tens of counters each, would overflow it, and the
 * reader takes them from the map when it comes to the process's end.
 * (Should its pid be taken again before that, its next fork sends them.) */
static __always_inline bool ke_stats_final(__u32 tgid)
{
	bpf_map_delete_elem(&kuring, &tgid);
	if (bpf_ringbuf_query(&ioevents, BPF_RB_AVAIL_DATA) >= IOACCT_HIGH_WATER)
		return bpf_map_lookup_elem(&kstat_nrs, &tgid) != 0;
	ke_stats_send(tgid);
	return false;
}

/* The user registers of task t (its system call's number and arguments). */
static __always_inline struct pt_regs *ke_user_regs(struct task_struct *t)
{
	char *stack = BPF_CORE_READ(t, stack);

	return (struct pt_regs *)(stack + KE_THREAD_SIZE) - 1;
}

/* The clone flags and exit signal of the call parent is making. */
static __always_inline __u64 ke_clone_flags(struct task_struct *parent, __u32 *exit_signal)
{
	struct pt_regs *regs = ke_user_regs(parent);
	long nr = BPF_CORE_READ(regs, orig_ax);
	__u64 flags = KE_SIGCHLD, args[5] = { 0 };

	if (nr == NR_vfork)
		flags = KE_CLONE_VM | KE_CLONE_VFORK | KE_SIGCHLD;
	else if (nr == NR_clone)
		flags = BPF_CORE_READ(regs, di);
	else if (nr == NR_clone3 &&
		 !bpf_probe_read_user(args, sizeof(args), (void *)BPF_CORE_READ(regs, di))) {
		*exit_signal = (__u32)args[4];
		return args[0];
	}
	*exit_signal = (__u32)(flags & KE_CSIGNAL);
	return flags;
}

/* A traced task made a task: report it (the kind ptrace's event would
 * have had) and take the child in. */
static __always_inline void ke_fork(struct task_struct *parent, struct task_struct *child)
{
	__u32 ptid = (__u32)BPF_CORE_READ(parent, pid), ctid, ctgid, sig = KE_SIGCHLD;
	struct ioacct_task *e;
	__u64 flags;

	if (!ke_alive(ptid))
		return;
	ctid = (__u32)BPF_CORE_READ(child, pid);
	ctgid = (__u32)BPF_CORE_READ(child, tgid);
	/* A process of this pid ended and left its counters, not taken yet:
	 * they go now, ahead of the new process. */
	if (ctgid == ctid && bpf_map_lookup_elem(&kstat_nrs, &ctgid))
		ke_stats_send(ctgid);
	/* The record's place in the ring is taken before the child is in the
	 * set: from then on another CPU may send a record about the child (a
	 * signal to its process group, say a terminal's SIGWINCH), and that
	 * one must come after the fork, or the child would first be seen as
	 * a process of no parent. */
	e = bpf_ringbuf_reserve(&ioevents, sizeof(*e), 0);
	if (e)
		e->ts = bpf_ktime_get_ns();
	else
		drop(DROP_RINGBUF);
	ke_take(ctid, ctgid);
	if (engine_keeps_tasks) {
		struct task_entry te = { .tgid = ctgid, .flags = TASK_F_TRACED };
		bpf_map_update_elem(&tasks, &ctid, &te, BPF_ANY);
	}
	if (!e)
		return;
	flags = ke_clone_flags(parent, &sig);
	if (ctgid == (__u32)BPF_CORE_READ(parent, tgid))
		flags |= KE_CLONE_THREAD;   /* (a clone the registers no longer show) */
	e->kind = IOACCT_TASK;
	e->tid = (__s32)ptid;
	e->tgid = (__s32)BPF_CORE_READ(parent, tgid);
	e->child = (__s32)ctid;
	e->child_tgid = (__s32)ctgid;
	e->flags = flags;
	e->nt_kind = (flags & KE_CLONE_VFORK) ? KE_NT_VFORK : sig != KE_SIGCHLD ? KE_NT_CLONE : KE_NT_FORK;
	bpf_ringbuf_submit(e, io_wake());
}

TP_TWINS(sched_process_fork, ke_fork, struct task_struct *parent, struct task_struct *child)
{
	ke_fork(parent, child);
	return 0;
}

/* The fds open in t after exec: fds 0..1023 of its bitmap. */
static __always_inline void ke_open_fds(struct task_struct *t, __u64 *words)
{
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	unsigned int n = BPF_CORE_READ(fdt, max_fds) / 64;
	unsigned long *bits = BPF_CORE_READ(fdt, open_fds);

	for (int i = 0; i < IOACCT_FDSET_WORDS; i++) {
		words[i] = 0;
		if ((unsigned int)i < n)
			bpf_probe_read_kernel(&words[i], sizeof(words[i]), &bits[i]);
	}
}

/* What a task that runs a new program starts with, sent before its exec
 * (IOACCT_EXECENV at ts): its working directory and environment. */
static __always_inline void ke_exec_env(struct task_struct *p, __u32 tid, __u32 tgid, __u64 ts)
{
	struct engine_scratch *es = engine_sc();
	struct open_scratch *sc = scratch();
	unsigned long e0, e1;
	__u32 off, len, elen;

	if (!es || !sc)
		return;
	es->h.env.kind = IOACCT_EXECENV;
	es->h.env.tid = (__s32)tid;
	es->h.env.tgid = (__s32)tgid;
	es->h.env.ts = ts;
	off = put_path(sc, PATH_END, BPF_CORE_READ(p, fs, pwd.mnt), BPF_CORE_READ(p, fs, pwd.dentry));
	len = PATH_END - off;
	if (len > IOACCT_PATH_MAX)
		len = 0;
	bpf_probe_read_kernel(KE_DATA(es, env), len, &sc->work[off & WORK_MASK]);
	e0 = BPF_CORE_READ(p, mm, env_start);
	e1 = BPF_CORE_READ(p, mm, env_end);
	elen = e1 > e0 ? (__u32)(e1 - e0) : 0;
	es->h.env.flags = elen > IOACCT_ENV_MAX;
	if (elen > IOACCT_ENV_MAX)
		elen = IOACCT_ENV_MAX;
	if (bpf_probe_read_user(KE_DATA(es, env) + (len & (2 * IOACCT_PATH_MAX - 1)), elen, (void *)e0))
		elen = 0;
	es->h.env.cwd_len = len;
	es->h.env.env_len = elen;
	ke_output(es, sizeof(es->h.env) + len + elen);
}

static const struct ke_argv0 ke_argv0_none = { 0 };

/* Task tid enters an exec whose argv is at argvp: keep its argv[0] (a
 * global function, checked once apart from sys_enter; returns 0). */
__noinline int ke_note_argv0(__u32 tid, __u64 argvp)
{
	struct ke_argv0 *v;
	__u64 p = 0;
	long n;

	if (bpf_map_update_elem(&kargv0, &tid, &ke_argv0_none, BPF_ANY))
		return 0;
	v = bpf_map_lookup_elem(&kargv0, &tid);
	if (!v)
		return 0;
	if (!argvp) {
		v->len = 1;   /* (no argv: the program gets an empty argv[0]) */
		return 0;
	}
	if (bpf_probe_read_user(&p, sizeof(p), (void *)argvp) || !p)
		return 0;
	n = bpf_probe_read_user_str(v->s, sizeof(v->s), (void *)p);
	v->len = n > 0 ? (__u32)n : 0;
	return 0;
}

/* The exec of old_tid ran an interpreter for the file it was given: send
 * the path it was given and its argv[0] (IOACCT_SCRIPT). */
static __always_inline void ke_script(struct engine_scratch *es, struct linux_binprm *bprm,
				      __u32 old_tid, __u32 tid, __u32 tgid, __u64 ts)
{
	struct ke_argv0 *v = bpf_map_lookup_elem(&kargv0, &old_tid);
	long n = bpf_probe_read_kernel_str(KE_DATA(es, script), IOACCT_PATH_MAX,
					   BPF_CORE_READ(bprm, filename));
	__u32 len = n > 0 ? (__u32)n : 0, alen = 0;

	es->h.script.kind = IOACCT_SCRIPT;
	es->h.script.tid = (__s32)tid;
	es->h.script.tgid = (__s32)tgid;
	es->h.script.ts = ts;
	es->h.script.name_len = len;
	if (v && v->len) {
		alen = v->len > IOACCT_ARGV0_MAX ? IOACCT_ARGV0_MAX : v->len;
		if (bpf_probe_read_kernel(KE_DATA(es, script) + (len & (2 * IOACCT_PATH_MAX - 1)),
					  alen & (IOACCT_ARGV0_MAX * 2 - 1), v->s))
			alen = 0;
	}
	es->h.script.argv0_len = alen;
	ke_output(es, sizeof(es->h.script) + len + alen);
}

/* A traced task runs a new program: its path, argv and open fds. */
static __always_inline void ke_exec(struct task_struct *p, __u32 old_tid, struct linux_binprm *bprm,
				    const bool btf)
{
	__u32 tid = (__u32)BPF_CORE_READ(p, pid), tgid = (__u32)BPF_CORE_READ(p, tgid);
	struct engine_scratch *es = engine_sc();
	struct open_scratch *sc = scratch();
	struct file *f = BPF_CORE_READ(bprm, file);
	unsigned long a0, a1;
	__u32 off, len, alen;
	__u64 ts;

	if (!es || !sc || !ke_alive(old_tid))
		return;
	if (old_tid == tid) {
		struct ioacct_task_state *t = bpf_map_lookup_elem(&kalive, &tid);
		if (t)
			t->flags = 0;   /* the command runs its program: count from here */
		if (btf && (t = bpf_task_storage_get(&kstate, p, 0, 0)))
			t->flags = 0;   /* (and its own copy, ke_task's) */
	} else {   /* a thread exec'd: it took the leader's tid */
		bpf_map_delete_elem(&kalive, &old_tid);
		ke_take(tid, tgid);
		if (engine_keeps_tasks) {
			struct task_entry te = { .tgid = tgid, .flags = TASK_F_TRACED };
			bpf_map_delete_elem(&tasks, &old_tid);
			bpf_map_update_elem(&tasks, &tid, &te, BPF_ANY);
		}
	}
	ts = bpf_ktime_get_ns();
	ke_exec_env(p, tid, tgid, ts);
	if (BPF_CORE_READ(bprm, interp) != BPF_CORE_READ(bprm, filename))
		ke_script(es, bprm, old_tid, tid, tgid, ts);
	bpf_map_delete_elem(&kargv0, &old_tid);
	es->h.exec.kind = IOACCT_EXEC;
	es->h.exec.tid = (__s32)tid;
	es->h.exec.tgid = (__s32)tgid;
	es->h.exec.old_tid = (__s32)old_tid;
	es->h.exec.ts = ts;
	off = put_path(sc, PATH_END, BPF_CORE_READ(f, f_path.mnt), BPF_CORE_READ(f, f_path.dentry));
	len = PATH_END - off;
	if (len > IOACCT_PATH_MAX)
		len = 0;
	bpf_probe_read_kernel(KE_DATA(es, exec), len, &sc->work[off & WORK_MASK]);
	a0 = BPF_CORE_READ(p, mm, arg_start);
	a1 = BPF_CORE_READ(p, mm, arg_end);
	alen = a1 > a0 ? (__u32)(a1 - a0) : 0;
	es->h.exec.truncated = alen > IOACCT_ARGV_MAX;
	if (alen > IOACCT_ARGV_MAX)
		alen = IOACCT_ARGV_MAX;
	if (bpf_probe_read_user(KE_DATA(es, exec) + (len & (2 * IOACCT_PATH_MAX - 1)), alen, (void *)a0))
		alen = 0;
	es->h.exec.exe_len = len;
	es->h.exec.argv_len = alen;
	ke_open_fds(p, es->h.exec.open_fds);
	ke_output(es, sizeof(es->h.exec) + len + alen);
}

TP_TWINS(sched_process_exec, ke_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	ke_exec(p, (__u32)old_pid, bprm, btf);
	return 0;
}

/* Take tid out of the engine's set. */
static __always_inline void ke_forget(__u32 tid)
{
	bpf_map_delete_elem(&kalive, &tid);
	if (engine_keeps_tasks)
		bpf_map_delete_elem(&tasks, &tid);
}

/* A task ends (called from ioacct.bpf.c's exit handler, after its counts
 * went out): report it, and its process if it was the last. */
static __always_inline void ke_exit(unsigned long long *ctx, struct task_struct *p)
{
	__u32 tid = (__u32)BPF_CORE_READ(p, pid), tgid = (__u32)BPF_CORE_READ(p, tgid);
	struct ioacct_exit *e;
	struct signal_struct *sig;
	bool dead, left = false;

	if (!ke_alive(tid))
		return;
	dead = group_dead(ctx, p);
	if (dead)
		left = ke_stats_final(tgid);   /* (its last call has returned: nothing more to count) */
	/* A leader before its threads is reported with the last; one an exec
	 * killed, never.  (Forgotten only once sent: user space ends when the
	 * set is empty.) */
	e = tid == tgid && !dead ? 0 : bpf_ringbuf_reserve(&ioevents, sizeof(*e), 0);
	if (!e) {
		if (tid != tgid || dead)
			drop(DROP_RINGBUF);
		ke_forget(tid);
		return;
	}
	sig = BPF_CORE_READ(p, signal);
	e->kind = IOACCT_EXIT;
	e->tid = (__s32)tid;
	e->tgid = (__s32)tgid;
	e->status = BPF_CORE_READ(p, exit_code);
	e->group_dead = dead;
	e->group_status = !dead ? 0 : (BPF_CORE_READ(sig, flags) & KE_SIGNAL_GROUP_EXIT) ?
			  BPF_CORE_READ(sig, group_exit_code) : BPF_CORE_READ(p, group_leader, exit_code);
	e->report_tid = 1;
	if (dead)
		bpf_map_delete_elem(&kfatal, &tgid);
	e->stats_left = left;
	e->ts = bpf_ktime_get_ns();
	bpf_ringbuf_submit(e, io_wake());
	ke_forget(tid);
}

/* ---- signals ---- */

/* A SIGKILL a thread of the current process dequeues: a fatal signal
 * the kernel turned into it at once (which a tracer would have seen
 * delivered, once per process), else a real SIGKILL (0: not reported). */
static __always_inline int ke_fatal(__u32 tgid)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct signal_struct *sig = BPF_CORE_READ(t, signal);
	int code = BPF_CORE_READ(sig, group_exit_code) & 0x7f;
	__u32 one = 1;

	if (!(BPF_CORE_READ(sig, flags) & KE_SIGNAL_GROUP_EXIT) || !code || code == KE_SIGKILL ||
	    bpf_map_update_elem(&kfatal, &tgid, &one, BPF_NOEXIST))
		return 0;
	return code;
}

/* Report signal sig reaching tid of tgid (info: the kernel's siginfo, or
 * its two special values 0 and 1, for a signal from user space or the kernel). */
static __always_inline void ke_signal(__u32 tid, __u32 tgid, int sig, struct kernel_siginfo *info)
{
	struct ioacct_signal *e;

	if (!ke_alive(tid) || (sig == KE_SIGKILL && !(sig = ke_fatal(tgid))))
		return;
	e = bpf_ringbuf_reserve(&ioevents, sizeof(*e), 0);
	if (!e) {
		drop(DROP_RINGBUF);
		return;
	}
	e->kind = IOACCT_SIGNAL;
	e->tid = (__s32)tid;
	e->tgid = (__s32)tgid;
	e->sig = sig;
	e->code = (unsigned long)info == 1 ? 0x80 /* SI_KERNEL */ : !info ? 0 /* SI_USER */ :
		  BPF_CORE_READ(info, si_code);
	e->pad = 0;
	e->ts = bpf_ktime_get_ns();
	bpf_ringbuf_submit(e, io_wake());
}

TP_TWINS(signal_deliver, ke_deliver, int sig, struct kernel_siginfo *info, void *ka)
{
	__u64 id = bpf_get_current_pid_tgid();

	ke_signal((__u32)id, (__u32)(id >> 32), sig, info);
	return 0;
}

/* A signal the kernel drops at once as ignored: a tracer would see it.
 * (Not one dropped because its process is already dying: neither would a
 * tracer, nor the process.) */
TP_TWINS(signal_generate, ke_generate, int sig, struct kernel_siginfo *info,
	 struct task_struct *task, int group, int result)
{
	if (result == 1 /* TRACE_SIGNAL_IGNORED */ &&
	    !(BPF_CORE_READ(task, signal, flags) & KE_SIGNAL_GROUP_EXIT))
		ke_signal((__u32)BPF_CORE_READ(task, pid), (__u32)BPF_CORE_READ(task, tgid), sig, info);
	return 0;
}

/* ---- fd calls ---- */

/* Put the local (remote) address of socket file f at out; its length, or
 * 0 where getsockname (getpeername) would fail or the family is another
 * than unix, inet, inet6 and netlink. */
static __always_inline __u32 ke_sock_addr(struct file *f, bool remote, char *out)
{
	struct socket *so = BPF_CORE_READ(f, private_data);
	struct sock *sk = BPF_CORE_READ(so, sk);
	unsigned int family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u16 port;

	__builtin_memset(out, 0, 28);
	if (family == 1 /* AF_UNIX */) {
		struct unix_address *ua;
		int n;
		if (remote) {
			sk = BPF_CORE_READ((struct unix_sock *)sk, peer);
			if (!sk)
				return 0;
		}
		ua = BPF_CORE_READ((struct unix_sock *)sk, addr);
		*(__u16 *)out = 1;
		if (!ua)
			return 2;
		n = BPF_CORE_READ(ua, len);
		if (n < 2 || n > 110)
			return 2;
		bpf_probe_read_kernel(out, n & (KE_ADDR_MAX - 1), (void *)ua->name);
		return (__u32)n;
	}
	if (family == 16 /* AF_NETLINK */) {
		/* struct sockaddr_nl: the port and groups, or the peer's */
		struct netlink_sock *nl = (struct netlink_sock *)sk;
		__u32 *o = (__u32 *)(out + 4);
		unsigned long *groups, g0 = 0;
		*(__u16 *)out = 16;
		if (remote) {
			__u32 g = BPF_CORE_READ(nl, dst_group);
			o[0] = BPF_CORE_READ(nl, dst_portid);
			o[1] = g ? 1u << ((g - 1) & 31) : 0;
		} else {
			o[0] = BPF_CORE_READ(nl, portid);
			groups = BPF_CORE_READ(nl, groups);
			if (groups)
				bpf_probe_read_kernel(&g0, sizeof(g0), groups);
			o[1] = (__u32)g0;
		}
		return 12;
	}
	if (family != 2 && family != 10)
		return 0;
	if (remote) {
		unsigned char st = BPF_CORE_READ(sk, __sk_common.skc_state);
		port = BPF_CORE_READ(sk, __sk_common.skc_dport);
		if (!port || st == 2 /* SYN_SENT */ || st == 7 /* CLOSE */)
			return 0;
	} else {
		/* getsockname's: a connection reset keeps it (skc_num is 0 then) */
		port = BPF_CORE_READ((struct inet_sock *)sk, inet_sport);
	}
	*(__u16 *)out = (__u16)family;
	*(__u16 *)(out + 2) = port;
	if (family == 2) {
		__be32 a = remote ? BPF_CORE_READ(sk, __sk_common.skc_daddr) :
				    BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		*(__be32 *)(out + 4) = a;
		return 16;
	}
	if (remote)
		bpf_core_read(out + 8, 16, &sk->__sk_common.skc_v6_daddr);
	else
		bpf_core_read(out + 8, 16, &sk->__sk_common.skc_v6_rcv_saddr);
	return 28;
}

/* Send what fd of the current task is (an IOACCT_FD), as the tracer's
 * describe_fd would: a file's path and inode, an anonymous inode's name,
 * and with addrs a socket's two addresses.  A global function, so the
 * verifier checks it once rather than at each of its calls (inlined,
 * they made sys_exit's verification three times as long); returns 0. */
__noinline int ke_send_fd(__u32 tgid, int fd, __u32 why, bool addrs)
{
	struct engine_scratch *es = engine_sc();
	struct open_scratch *sc = scratch();
	struct file *f = fd_file(fd);
	__u32 len = 0, off, kind, l = 0, r = 0;
	__u64 ino = 0;

	if (!es || !sc || !f)
		return 0;
	kind = file_kind(f, &ino);
	es->h.fd.kind = IOACCT_FD;
	es->h.fd.tid = (__s32)bpf_get_current_pid_tgid();
	es->h.fd.tgid = (__s32)tgid;
	es->h.fd.fd = fd;
	es->h.fd.ts = bpf_ktime_get_ns();
	es->h.fd.fd_kind = kind;
	es->h.fd.why = why;
	es->h.fd.ino = ino;   /* (a pipe's and a socket's too: they are named by it) */
	es->h.fd.dev = 0;
	if (kind == IOACCT_FDK_ANON) {
		struct qstr q = BPF_CORE_READ(f, f_path.dentry, d_name);
		long n = bpf_probe_read_kernel_str(KE_DATA(es, fd), NAME_MAX_B + 1, q.name);
		len = n > 1 ? (__u32)n - 1 : 0;
	} else if (kind < IOACCT_FDK_PIPE || kind > IOACCT_FDK_SOCK) {
		off = put_path(sc, PATH_END, BPF_CORE_READ(f, f_path.mnt), BPF_CORE_READ(f, f_path.dentry));
		len = PATH_END - off;
		if (len > IOACCT_PATH_MAX)
			len = 0;
		bpf_probe_read_kernel(KE_DATA(es, fd), len, &sc->work[off & WORK_MASK]);
		es->h.fd.dev = BPF_CORE_READ(f, f_inode, i_sb, s_dev);
	} else if (addrs && kind >= IOACCT_FDK_UNIX) {
		l = ke_sock_addr(f, false, KE_DATA(es, fd));
		r = ke_sock_addr(f, true, KE_DATA(es, fd) + (l & (KE_ADDR_MAX - 1)));
	}
	es->h.fd.path_len = (__u16)len;
	es->h.fd.laddr_len = (__u16)l;
	es->h.fd.raddr_len = (__u16)r;
	es->h.fd.pad = 0;
	ke_output(es, sizeof(es->h.fd) + len + l + r);
	return 0;
}

/* The first read or write on fd of process tgid was counted: when the
 * process has an io_uring, whose operations open fds unseen (an
 * IORING_OP_OPENAT or ACCEPT), or got fds the engine did not describe
 * (kuring), say what the fd is.  A global function
 * (ioacct.bpf.c calls it); returns 0. */
__noinline int ke_found_fd(__u32 tgid, int fd)
{
	if (engine && bpf_map_lookup_elem(&kuring, &tgid))
		ke_send_fd(tgid, fd, KE_FDW_FOUND, true);
	return 0;
}

/* Finish and send the IOACCT_CALLX whose call part is filled in in this
 * CPU's scratch space: aux, and an address argument (addr_len bytes at
 * uaddr, at most KE_ADDR_MAX) when it has one (and note whether it is a DNS
 * server's).  A global function: the verifier checks it once, not once
 * for every way ke_call reaches it; returns 0. */
__noinline int ke_send_addr(__u64 aux, __u64 uaddr, __u64 addr_len)
{
	struct engine_scratch *es = engine_sc();
	unsigned char *a;
	__u32 n = 0;

	if (!es)
		return 0;
	es->h.callx.flags = 0;
	if (addr_len) {
		n = (__u32)addr_len;
		barrier_var(n);
		if (n > KE_ADDR_MAX)
			n = KE_ADDR_MAX;
		if (!uaddr || bpf_probe_read_user(KE_DATA(es, callx), n, (void *)uaddr)) {
			n = 0;
			es->h.callx.flags = IOACCT_UNREADABLE;
		}
	}
	es->h.callx.aux = aux;
	es->h.callx.addr_len = (__u16)n;
	es->h.callx.path_len = 0;
	ke_output(es, sizeof(es->h.callx) + n);
	a = (unsigned char *)KE_DATA(es, callx);
	es->peer_dns = n >= 4 && (a[0] == 2 || a[0] == 10) && a[1] == 0 && a[2] == 0 && a[3] == 53;
	return 0;
}

/* The call part of an IOACCT_CALLX of the current task's call in this
 * CPU's scratch space, with the arguments ke_call kept there. */
static __always_inline void ke_callx_fill(struct engine_scratch *es, __u32 tgid, long nr, long ret)
{
	call_head(&es->h.callx.call, IOACCT_CALLX, tgid, nr, ret);
	for (int i = 0; i < 6; i++)
		es->h.callx.call.args[i] = es->args[i];
}

/* ---- fds whose reads name peers ---- */

/* What a watched fd is: its struct file then, and what its reads are
 * (IOACCT_HOSTS: the hosts file; IOACCT_DNS: a socket connected to port 53). */
struct ke_watched {
	__u64 file;
	__u32 what;
	__u32 pad;
};

/* (process, fd) -> what is watched there (how many: kwatched; a read
 * looks only while there is one). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct ioacct_fd_key);
	__type(value, struct ke_watched);
} kwatch SEC(".maps");

/* Watch fd of process tgid for what (0: forget it).  A global function;
 * returns 0. */
__noinline int ke_watch(__u32 tgid, int fd, __u32 what)
{
	struct ioacct_fd_key k = { .tgid = tgid, .fd = fd };
	struct ke_watched w = { .what = what };

	if (fd < 0)
		return 0;
	if (!what) {
		if (kwatched && !bpf_map_delete_elem(&kwatch, &k))
			__sync_fetch_and_add(&kwatched, -1);
		return 0;
	}
	w.file = (__u64)fd_file(fd);
	if (!bpf_map_update_elem(&kwatch, &k, &w, BPF_NOEXIST))
		__sync_fetch_and_add(&kwatched, 1);
	return 0;
}

/* Task of process tgid opened path (len bytes) as fd: watch it when it is
 * the hosts file (the process may be gone before user space could read
 * the file through /proc/PID/root), else forget an earlier fd there.  A
 * global function; returns 0. */
__noinline int ke_hosts_open(__u32 tgid, int fd, const char *path, __u32 len)
{
	__u64 head = 0;
	__u16 tail = 0;

	if (len == 10 && path && !bpf_probe_read_kernel(&head, 8, path) &&
	    !bpf_probe_read_kernel(&tail, 2, path + 8) &&
	    head == 0x736f682f6374652full /* "/etc/hos" */ && tail == 0x7374 /* "ts" */)
		return ke_watch(tgid, fd, IOACCT_HOSTS);
	return ke_watch(tgid, fd, 0);
}

/* A connect (ret) of the current process on fd (with the kernel engine,
 * or a traced task's under --ebpf): watch the socket when the kernel's own
 * socket says its peer is a DNS server's port (53), else forget the fd.
 * A global function; returns 0. */
__noinline int ke_watch_connect(int fd, long ret)
{
	struct file *f = fd_file(fd);
	struct socket *so;
	struct sock *sk;
	unsigned int family;
	__u32 tgid;
	bool dns;

	if (!engine && !traced_now(&tgid))
		return 0;
	tgid = (__u32)(bpf_get_current_pid_tgid() >> 32);
	if (!f)
		return 0;
	so = BPF_CORE_READ(f, private_data);
	sk = BPF_CORE_READ(so, sk);
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	dns = (ret == 0 || ret == -KE_EINPROGRESS) && (family == 2 || family == 10) &&
	      BPF_CORE_READ(sk, __sk_common.skc_dport) == 0x3500 /* 53, network order */;
	return ke_watch(tgid, fd, dns ? IOACCT_DNS : 0);
}

/* Send the first bytes a receiving call of the current task (nr, on fd)
 * got, ret in all, as an IOACCT_DATA about what (IOACCT_HOSTS: at most
 * IOACCT_HOSTS_MAX of them, IOACCT_DNS: IOACCT_DATA_MAX).  a1 is its
 * buffer, or a readv's or preadv's iovec array (the first iovec's bytes
 * are sent), or a recvmsg's struct msghdr; in an i386 call's (what has
 * KE_DATA_COMPAT) structs every field is 32 bits.  A global function;
 * returns 0. */
#define KE_DATA_COMPAT 0x80000000u
__noinline int ke_data_sample(long nr, int fd, __u64 a1, long ret, __u32 what)
{
	struct engine_scratch *es = engine_sc();
	bool compat = what & KE_DATA_COMPAT;
	__u32 n, max;
	__u64 *tmp;

	if (!es || ret <= 0)
		return 0;
	what &= ~KE_DATA_COMPAT;
	max = what == IOACCT_HOSTS ? IOACCT_HOSTS_MAX : IOACCT_DATA_MAX;
	n = ret > max ? max : (__u32)ret;
	tmp = (__u64 *)KE_DATA(es, data);   /* (the scratch space, not the stack) */
	tmp[2] = a1;
	if (nr == NR_recvmsg) {   /* msg_iov, at 16 (i386: 8) */
		tmp[2] = 0;
		if (bpf_probe_read_user(&tmp[2], compat ? 4 : 8, (void *)(a1 + (compat ? 8 : 16))))
			return 0;
	}
	if (nr == NR_recvmsg || nr == NR_readv || nr == NR_preadv || nr == NR_preadv2) {
		if (bpf_probe_read_user(tmp, compat ? 8 : 16, (void *)tmp[2]))
			return 0;
		if (compat) {   /* (iov_base, iov_len: two 32-bit fields) */
			tmp[1] = tmp[0] >> 32;
			tmp[0] &= 0xffffffff;
		}
		tmp[2] = tmp[0];
		if (tmp[1] < n)
			n = (__u32)tmp[1];
	}
	barrier_var(n);
	if (n > IOACCT_HOSTS_MAX || !n || bpf_probe_read_user(KE_DATA(es, data), n, (void *)tmp[2]))
		return 0;
	es->h.data.kind = IOACCT_DATA;
	es->h.data.tid = (__s32)bpf_get_current_pid_tgid();
	es->h.data.tgid = (__s32)(bpf_get_current_pid_tgid() >> 32);
	es->h.data.fd = fd;
	es->h.data.ts = bpf_ktime_get_ns();
	es->h.data.len = n;
	es->h.data.total = (__u32)ret;
	es->h.data.what = what;
	es->h.data.pad = 0;
	ke_output(es, sizeof(es->h.data) + n);
	return 0;
}

/* What fd of the current process is watched for (0: nothing; nothing
 * either when fd is another file now, and then it is forgotten).  A
 * global function. */
__noinline __u32 ke_watched(int fd)
{
	struct ioacct_fd_key k = { .tgid = (__u32)(bpf_get_current_pid_tgid() >> 32), .fd = fd };
	struct ke_watched *w = bpf_map_lookup_elem(&kwatch, &k);

	if (!w)
		return 0;
	if (w->file == (__u64)fd_file(fd))
		return w->what;
	if (!bpf_map_delete_elem(&kwatch, &k))
		__sync_fetch_and_add(&kwatched, -1);
	return 0;
}

/* A receiving call (nr, on fd, a1 its buffer or struct: ke_data_sample)
 * of the current task got ret bytes: when fd is watched, send the first
 * of them.  A global function; returns 0. */
__noinline int ke_watch_read(long nr, int fd, __u64 a1, long ret, int compat)
{
	__u32 what = ke_watched(fd);

	return what ? ke_data_sample(nr, fd, a1, ret, what | (compat ? KE_DATA_COMPAT : 0)) : 0;
}

/* The recvfrom or recvmsg (nr) ke_peer_arg looked at got ret bytes: when
 * they came from a DNS server (its address says port 53, or the socket is
 * one connected to it), send the first of them, which name the addresses
 * the program asked for.  (Not through ke_watch_read: one call less deep,
 * under ke_call_sent.)  A global function; returns 0. */
__noinline int ke_dns_reply(long nr, long ret)
{
	struct engine_scratch *es = engine_sc();
	__u32 what;

	if (!es)
		return 0;
	what = es->peer_dns ? IOACCT_DNS : kwatched ? ke_watched(es->peer_fd) : 0;
	if (!what)
		return 0;
	return ke_data_sample(nr, es->peer_fd, es->peer_a1, ret,
			      what | (es->compat ? KE_DATA_COMPAT : 0));
}

/* A close of fd by process tgid: forget what was watched there. */
static __always_inline void ke_watch_close(__u32 tgid, int fd)
{
	struct ioacct_fd_key k = { .tgid = tgid, .fd = fd };

	if (kwatched && !bpf_map_delete_elem(&kwatch, &k))
		__sync_fetch_and_add(&kwatched, -1);
}

/* The peer address argument of a recvfrom (r8, with its length at r9,
 * filled in by the kernel), sendmsg or recvmsg (msg_name and msg_namelen
 * of the struct msghdr at a1; an i386 call's, the scratch space's compat,
 * has 32-bit fields) on fd a0, into the scratch space's peer_at and
 * peer_len (0: none), for ke_call_sent and ke_dns_reply.  A global
 * function (its own stack frame); returns 0. */
__noinline int ke_peer_arg(long nr, __u64 a0, __u64 a1, __u64 r8, __u64 r9)
{
	struct engine_scratch *es = engine_sc();
	bool compat;

	if (!es)
		return 0;
	compat = es->compat;
	es->peer_fd = (__s32)a0;
	es->peer_a1 = a1;
	es->peer_at = nr == NR_recvfrom ? r8 : 0;
	es->peer_len = 0;
	es->peer_dns = 0;
	if (nr != NR_recvfrom && bpf_probe_read_user(&es->peer_at, compat ? 4 : 8, (void *)a1))
		es->peer_at = 0;
	if (bpf_probe_read_user(&es->peer_len, 4, (void *)(nr == NR_recvfrom ? r9 :
							    a1 + (compat ? 4 : 8))) ||
	    !es->peer_at)
		es->peer_len = 0;
	return 0;
}

/* Append to the IOACCT_CALLX in this CPU's scratch space the path
 * argument upath (dirfd: its base, AT_FDCWD for the cwd) made absolute as
 * the tracer makes it, after at bytes already there (a NUL first when
 * at > 0); returns the new length.  A global function: the verifier checks
 * it once, not once for each path of a rename. */
__noinline __u32 ke_add_path(__u32 at, int dirfd, __u64 upath)
{
	struct engine_scratch *es = engine_sc();
	struct open_scratch *sc = scratch();
	__u32 end, off, len;

	if (!es || !sc)
		return at;
	off = failed_path(sc, (const char *)upath, dirfd, &end, &es->h.callx.flags);
	len = end - off;
	if (len > IOACCT_PATH_MAX)
		len = IOACCT_PATH_MAX;
	if (at > IOACCT_PATH_MAX)
		return at;
	if (at)
		KE_DATA(es, callx)[at++] = 0;
	bpf_probe_read_kernel(KE_DATA(es, callx) + at, len, &sc->work[off & WORK_MASK]);
	return at + len;
}

/* A delete or rename (nr), the call part of its IOACCT_CALLX filled in in
 * this CPU's scratch space (its arguments among it): the absolute form of
 * its path arguments, two separated by a NUL, and send it.  A global
 * function; returns 0. */
__noinline int ke_send_paths_filled(long nr)
{
	struct engine_scratch *es = engine_sc();
	bool at = nr == NR_unlinkat || nr == NR_renameat || nr == NR_renameat2;
	__u64 di, si, dx, r10;
	__u32 n;

	if (!es)
		return 0;
	di = es->h.callx.call.args[0];
	si = es->h.callx.call.args[1];
	dx = es->h.callx.call.args[2];
	r10 = es->h.callx.call.args[3];
	es->h.callx.aux = 0;
	es->h.callx.addr_len = 0;
	es->h.callx.flags = 0;
	n = ke_add_path(0, at ? (int)di : AT_FDCWD_, at ? si : di);
	if (nr == NR_rename)
		n = ke_add_path(n, AT_FDCWD_, si);
	else if (nr == NR_renameat || nr == NR_renameat2)
		n = ke_add_path(n, (int)dx, r10);
	barrier_var(n);
	if (n > 2 * IOACCT_PATH_MAX + 1)   /* (never: two paths and a NUL; told to the verifier) */
		n = 2 * IOACCT_PATH_MAX + 1;
	es->h.callx.path_len = (__u16)n;
	ke_output(es, sizeof(es->h.callx) + n);
	return 0;
}


/* Where a recvmsg's control bytes are looked at: the scratch space's far
 * end (describing an fd uses its start), with room to spare after. */
static __always_inline unsigned char *ke_cmsg_buf(struct engine_scratch *es)
{
	return (unsigned char *)es->data + sizeof(es->data) - 2 * KE_CMSG_MAX;
}

/* bpf_loop state of ke_scm_rights: the fds are at ke_cmsg_buf()[at...]. */
struct scm_walk {
	__u32 tgid, at;
};

static long scm_one(__u32 i, struct scm_walk *w)
{
	struct engine_scratch *es = engine_sc();
	__u32 p = w->at + i * 4;
	int fd;

	if (!es || p > KE_CMSG_MAX - 4)
		return 1;
	__builtin_memcpy(&fd, ke_cmsg_buf(es) + p, 4);
	ke_send_fd(w->tgid, fd, KE_FDW_NEW, false);
	return 0;
}

/* A process's mark in kuring (a global: no room on the stack where it is
 * set). */
static const __u32 ke_lazy_fds = 1;

/* The fds a recvmsg got with SCM_RIGHTS (msg: its struct msghdr),
 * described: those in the first two control messages of the first
 * KE_CMSG_MAX bytes; when there were more, the process is marked in
 * kuring, and the others are described at their first read or write.
 * An i386 call's (compat) has 32-bit fields: its msghdr's control and
 * length at 16 and 20, and control messages with 12-byte headers,
 * 4-byte aligned (x86_64: 32 and 40, 16 and 8). */
static __always_inline void ke_scm_rights(__u32 tgid, __u64 msg, const bool compat)
{
	struct engine_scratch *es = engine_sc();
	const __u32 hdr = compat ? 12 : 16, align = compat ? 3 : 7;
	struct scm_walk w = { tgid, 0 };
	unsigned char *c;
	__u32 n, at = 0;

	if (!es)
		return;
	/* (read into the scratch space: this frame is on sys_exit's deepest
	 * call chain, which has no room left) */
	es->ctl[0] = es->ctl[1] = 0;
	if (compat ? bpf_probe_read_user(&es->ctl[0], 4, (void *)(msg + 16)) ||
		     bpf_probe_read_user(&es->ctl[1], 4, (void *)(msg + 20)) :
		     bpf_probe_read_user(es->ctl, sizeof(es->ctl), (void *)(msg + 32)))
		return;
	if (!es->ctl[0])
		return;
	if (es->ctl[1] > KE_CMSG_MAX)   /* (the kernel set it to what it filled in) */
		bpf_map_update_elem(&kuring, &w.tgid, &ke_lazy_fds, BPF_ANY);
	c = ke_cmsg_buf(es);
	n = es->ctl[1] > KE_CMSG_MAX ? KE_CMSG_MAX : (__u32)es->ctl[1];
	barrier_var(n);
	if (n > KE_CMSG_MAX || bpf_probe_read_user(c, n, (void *)es->ctl[0]))
		return;
	for (int m = 0; m < 2; m++) {
		__u64 len = 0;
		int level = 0, type = 0;
		if (at + 16 > n || at > KE_CMSG_MAX - 16)
			return;
		__builtin_memcpy(&len, &c[at], 8);
		if (compat)
			len &= 0xffffffff;
		__builtin_memcpy(&level, &c[at + hdr - 8], 4);
		__builtin_memcpy(&type, &c[at + hdr - 4], 4);
		if (len < hdr)
			return;
		if (level == 1 /* SOL_SOCKET */ && type == 1 /* SCM_RIGHTS */) {
			w.at = at + hdr;   /* (those of its fds that were read) */
			bpf_loop((__u32)((at + len > n ? n - at : len) - hdr) / 4, scm_one, &w, 0);
			/* (ke_send_fd used the scratch space: c's bytes are intact) */
		}
		if (at + len > n)
			return;
		at += (__u32)((len + align) & ~(__u64)align);
	}
	if (at < es->ctl[1])   /* a third control message */
		bpf_map_update_elem(&kuring, &w.tgid, &ke_lazy_fds, BPF_ANY);
}

/* bpf_loop state of ke_mmsg_bytes. */
struct mmsg_sum {
	__u64 addr, total;
};

/* (the struct mmsghdr's size and its msg_len's offset are constants here,
 * one callback for each layout: in the state they would take stack the
 * raw_tp programs' deepest call chain has no room for) */
static __always_inline long mmsg_add(__u32 i, struct mmsg_sum *s, __u64 size, __u64 at)
{
	__u32 len = 0;

	if (bpf_probe_read_user(&len, sizeof(len), (void *)(s->addr + i * size + at)))
		return 1;
	s->total += len;
	return 0;
}

static long mmsg_one(__u32 i, struct mmsg_sum *s)
{
	return mmsg_add(i, s, 64, 56);
}

static long mmsg_one32(__u32 i, struct mmsg_sum *s)
{
	return mmsg_add(i, s, 32, 28);
}

/* Bytes moved by a sendmmsg/recvmmsg that handled n messages at addr
 * (struct mmsghdr: 56 bytes of msghdr, then msg_len; 64 in all; an i386
 * call's, compat, 28 and 32). */
static __always_inline __u64 ke_mmsg_bytes(__u64 addr, long n, bool compat)
{
	struct mmsg_sum s = { addr, 0 };

	if (compat)
		bpf_loop(n > 1024 ? 1024 : (__u32)n, mmsg_one32, &s, 0);
	else
		bpf_loop(n > 1024 ? 1024 : (__u32)n, mmsg_one, &s, 0);
	return s.total;
}

/* Is nr a call (besides ioacct.bpf.c's own) that returns a new fd? */
static __always_inline bool ke_returns_fd(long nr)
{
	switch (nr) {
	case 437: case 304: case 284: case 290: case 282: case 289: case 283: case 213:
	case 291: case 253: case 294: case 300: case 319: case 323: case 434: case 438:
	case 298: case 425: case 447: case 240: case 430: case 432: case 433: case 428:
	case 444:   /* openat2 ... landlock_create_ruleset, as the tracer's returns_fd */
		return true;
	default:
		return false;
	}
}

/* Is nr one the engine sends at its exit (those ioacct.bpf.c takes aside)?
 * (compat: an i386 call, nr its x86_64 twin's) */
static __always_inline bool ke_wanted(long nr, struct pt_regs *regs, const bool btf,
				      const bool compat)
{
	switch (nr) {
	case NR_dup: case NR_dup2: case NR_dup3: case NR_close_range: case NR_socket:
	case NR_socketpair: case NR_connect: case NR_bind: case NR_accept: case NR_accept4:
	case NR_sendmsg: case NR_recvmsg: case NR_sendmmsg: case NR_recvmmsg: case NR_sendfile:
	case NR_copy_file_range: case NR_splice: case NR_tee: case NR_io_uring_enter:
	case NR_unlink: case NR_rmdir: case NR_unlinkat: case NR_rename: case NR_renameat:
	case NR_renameat2:
		return true;
	case NR_fcntl: {
		long cmd = sys_arg(regs, 1, btf, compat);
		return cmd == 0 /* F_DUPFD */ || cmd == 1030 /* F_DUPFD_CLOEXEC */;
	}
	case NR_unshare:   /* of the fd table: the model splits its copy */
		return (sys_arg(regs, 0, btf, compat) & 0x400 /* CLONE_FILES */) != 0;
	case NR_ioctl: {   /* the commands that return an fd, as the tracer's fd_ioctls */
		__u32 cmd = (__u32)sys_arg(regs, 1, btf, compat);
		return cmd == 0x5441 /* TIOCGPTPEER */ || cmd == 0xb701 /* NS_GET_USERNS */ ||
		       cmd == 0xb702 /* NS_GET_PARENT */;
	}
	case NR_sendto: case NR_recvfrom:
		return sys_arg(regs, 4, btf, compat) != 0;   /* with an address (else counted) */
	default:
		return ke_returns_fd(nr);
	}
}

/* The two fds a socketpair made, described. */
static __always_inline void ke_pair(__u32 tgid, __u64 uaddr)
{
	int fds[2];

	if (bpf_probe_read_user(fds, sizeof(fds), (void *)uaddr))
		return;
	ke_send_fd(tgid, fds[0], KE_FDW_NEW, false);
	ke_send_fd(tgid, fds[1], KE_FDW_NEW, false);
}

/* At the exit of one of the engine's calls (nr, returning ret) by a traced
 * task of process tgid: send what it did to fds (the new ones described, a
 * socketpair's two, the fd a connect, bind or Fast Open send (its flags in
 * the scratch's arguments) updated, those a recvmsg got)
 * and return its aux (the bytes a sendmmsg or recvmmsg moved, else 0).  x
 * is the argument the one it is needs: the address of a socketpair's fds
 * (r10), the fd of a connect or bind (di), the message(s) of a recvmsg,
 * sendmmsg or recvmmsg (si); compat: an i386 call's (its structs' layout).
 * A global function: the verifier checks it once, not once for every way
 * ke_call goes on. */
__noinline __u64 ke_call_fds(__u32 tgid, long nr, long ret, __u64 x, bool compat)
{
	struct engine_scratch *es;

	if (ret >= 0 && (ke_returns_fd(nr) || nr == NR_socket || nr == NR_ioctl))
		ke_send_fd(tgid, (int)ret, KE_FDW_NEW, nr == NR_socket);
	else if (ret >= 0 && (nr == NR_accept || nr == NR_accept4))
		ke_send_fd(tgid, (int)ret, KE_FDW_NEW, true);
	else if (ret == 0 && nr == NR_socketpair)
		ke_pair(tgid, x);
	else if ((ret == 0 || ret == -KE_EINPROGRESS) && (nr == NR_connect || nr == NR_bind))
		ke_send_fd(tgid, (int)x, KE_FDW_UPDATE, true);
	else if ((ret >= 0 || ret == -KE_EINPROGRESS) && (nr == NR_sendto || nr == NR_sendmsg) &&
		 (es = engine_sc()) && (es->args[nr == NR_sendto ? 3 : 2] & KE_MSG_FASTOPEN))
		ke_send_fd(tgid, (int)es->args[0], KE_FDW_UPDATE, true);   /* TCP Fast Open */
	else if (ret > 0 && nr == NR_sendmmsg)
		return ke_mmsg_bytes(x, ret, compat);
	/* (of a recvmmsg, the fds of its first message, the others' at their
	 * first read or write (kuring); ke_call_sent counts its bytes) */
	else if (ret > 0 && (nr == NR_recvmsg || nr == NR_recvmmsg) && compat)
		ke_scm_rights(tgid, x, true);   /* (one copy each: this frame must stay small) */
	else if (ret > 0 && (nr == NR_recvmsg || nr == NR_recvmmsg))
		ke_scm_rights(tgid, x, false);
	return 0;
}

/* Does the user's struct sockaddr at uaddr say AF_UNSPEC (a connect that
 * dissolves a datagram socket's association, and its binding)? */
static __always_inline bool ke_unspec(__u64 uaddr)
{
	__u16 family = 1;

	bpf_probe_read_user(&family, sizeof(family), (void *)uaddr);
	return family == 0;
}

/* Keep kunbound at the exit of call nr (returning ret, first arguments a0
 * and a1): a UDP socket made joins it; bound or connected, it leaves; at
 * its first send to an address, which bound it, it is described again
 * (its local address, before the call's record). */
static __always_inline void ke_unbound(__u32 tgid, long nr, long ret, __u64 a0, __u64 a1)
{
	__u64 key = (__u64)tgid << 32 | (__u32)(nr == NR_socket ? ret : (long)a0);
	__u8 one = 1;

	if (ret < 0)
		return;
	if (nr == NR_socket) {
		if ((a0 == 2 || a0 == 10) && (a1 & 0xf) == 2)   /* AF_INET(6), SOCK_DGRAM */
			bpf_map_update_elem(&kunbound, &key, &one, BPF_ANY);
	} else if (nr == NR_connect && ke_unspec(a1)) {
		bpf_map_update_elem(&kunbound, &key, &one, BPF_ANY);   /* dissolved: unbound again */
	} else if (nr == NR_bind || nr == NR_connect) {
		bpf_map_delete_elem(&kunbound, &key);
	} else if ((nr == NR_sendto || nr == NR_sendmsg || nr == NR_sendmmsg) &&
		   bpf_map_lookup_elem(&kunbound, &key)) {
		bpf_map_delete_elem(&kunbound, &key);
		ke_send_fd(tgid, (int)a0, KE_FDW_UPDATE, true);
	}
}

/* At the exit of one of the engine's calls by a traced task, its
 * arguments kept in this CPU's scratch space (ke_call): what its fds are,
 * then the call.  A global function: the verifier checks it once, not once
 * for each way sys_exit reaches it; returns 0. */
__noinline int ke_call_sent(long nr, long ret)
{
	struct engine_scratch *es = engine_sc();
	__u32 tgid = (__u32)(bpf_get_current_pid_tgid() >> 32);
	__u64 a0, a1, aux, uaddr = 0, ulen = 0;
	bool peer;

	if (!es)
		return 0;
	a0 = es->args[0];
	a1 = es->args[1];
	if ((ret >= 0 && nr == NR_io_uring_setup) || (ret > 1 && nr == NR_recvmmsg))
		bpf_map_update_elem(&kuring, &tgid, &ke_lazy_fds, BPF_ANY);
	ke_unbound(tgid, nr, ret, a0, a1);
	aux = ke_call_fds(tgid, nr, ret, nr == NR_socketpair ? es->args[3] :
			  nr == NR_connect || nr == NR_bind ? a0 : a1, es->compat);
	if (ret > 0 && nr == NR_recvmmsg)
		aux = ke_mmsg_bytes(a1, ret, es->compat);
	if (nr == NR_unlink || nr == NR_rmdir || nr == NR_unlinkat || nr == NR_rename ||
	    nr == NR_renameat || nr == NR_renameat2) {
		ke_callx_fill(es, tgid, nr, ret);
		ke_send_paths_filled(nr);
		return 0;
	}
	if (nr == NR_connect || nr == NR_bind) {
		uaddr = a1;
		ulen = es->args[2];
	} else if (nr == NR_sendto) {
		uaddr = es->args[4];
		ulen = es->args[5];
	}
	peer = ret >= 0 && (nr == NR_recvfrom || nr == NR_sendmsg || nr == NR_recvmsg);
	if (peer) {
		ke_peer_arg(nr, a0, a1, es->args[4], es->args[5]);
		uaddr = es->peer_at;
		ulen = es->peer_len;
	}
	ke_callx_fill(es, tgid, nr, ret);
	ke_send_addr(aux, uaddr, ulen);
	if (ret > 0 && (nr == NR_recvfrom || nr == NR_recvmsg))
		ke_dns_reply(nr, ret);
	else if (nr == NR_connect)
		ke_watch_connect((int)a0, ret);
	return 0;
}

/* At the exit of one of the engine's calls by a traced task: keep its
 * arguments and send it (ke_call_sent).  False when nr is none of them.
 * (compat: an i386 call, nr its x86_64 twin's.) */
static __always_inline bool ke_call(struct pt_regs *regs, long nr, long ret, const bool btf,
				    const bool compat)
{
	struct engine_scratch *es;
	__u32 tgid;

	if (!engine || !ke_wanted(nr, regs, btf, compat))
		return false;
	if ((ret <= -512 && ret >= -516) || !traced_now(&tgid) || !(es = engine_sc()))
		return true;
	for (int i = 0; i < 6; i++)
		es->args[i] = sys_arg(regs, i, btf, compat);
	es->compat = compat;
	ke_call_sent(nr, ret);
	return true;
}

/* ---- i386 calls (a 32-bit program's, or int $0x80 from a 64-bit one) ---- */

/* The x86_64 number of each i386 call that has one with the same meaning
 * and arguments (-1: none; set by the loader from src/sysent.c, the
 * table the ptrace engine translates with). */
const volatile __s16 ke_compat_nrs[IOACCT_NR_MAX];

/* The x86_64 number of i386 call nr, or -1. */
static __always_inline long ke_compat_nr(long nr)
{
	return nr >= 0 && nr < IOACCT_NR_MAX ? ke_compat_nrs[nr] : -1;
}

#endif /* COMPENDIUM_ENGINE_BPF_H */
