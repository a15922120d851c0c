/* shared.bpf.h - what latency.bpf.c and ioacct.bpf.c both use: the map of
 * traced tasks and the drop counters (src/ebpf.c makes them and gives both
 * objects the same two, so both declare them alike), the tests on them, and
 * TP_TWINS, which writes a tracepoint handler once as its two programs.
 * Include it once, after vmlinux.h and the libbpf headers.
 */
#ifndef COMPENDIUM_SHARED_BPF_H
#define COMPENDIUM_SHARED_BPF_H

#include "shared.h"

/* A tracepoint handler written once, built as two programs: name_btf
 * (SEC "tp_btf/tp", preferred) and its raw_tp twin name_raw (SEC
 * "raw_tp/tp", for kernels that refuse tp_btf); the loader loads one of
 * the two.  The body follows, as after BPF_PROG, and sees ctx, the
 * tracepoint's arguments as args declares them (unpacked by BPF_PROG's own
 * ___bpf_ctx_cast) and btf: true in name_btf, where kernel pointers can be
 * read directly, false in name_raw, where they need a probe read.  btf is
 * a constant in each inlined copy, so each keeps only its own reads. */
#define TP_TWINS(tp, name, args...)						\
static __always_inline int name##_tp(const bool btf, unsigned long long *ctx, ##args); \
SEC("tp_btf/" #tp)								\
int name##_btf(unsigned long long *ctx)						\
{										\
	_Pragma("GCC diagnostic push")						\
	_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")			\
	return name##_tp(true, ___bpf_ctx_cast(args));				\
	_Pragma("GCC diagnostic pop")						\
}										\
SEC("raw_tp/" #tp)								\
int name##_raw(unsigned long long *ctx)						\
{										\
	_Pragma("GCC diagnostic push")						\
	_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")			\
	return name##_tp(false, ___bpf_ctx_cast(args));				\
	_Pragma("GCC diagnostic pop")						\
}										\
static __always_inline int name##_tp(const bool btf, unsigned long long *ctx, ##args)

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, TASKS_MAX);
	__type(key, __u32);
	__type(value, struct task_entry);
} tasks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DROP_MAX);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

/* Count one lost measurement. */
static __always_inline void drop(__u32 why)
{
	__u64 *n = bpf_map_lookup_elem(&drops, &why);

	if (n)
		(*n)++;
}

/* How many bits v takes (0 for 0): the histograms' log2 slots. */
static __always_inline __u32 bit_length(__u64 v)
{
	__u32 n = 0;

	if (v >> 32) { v >>= 32; n += 32; }
	if (v >> 16) { v >>= 16; n += 16; }
	if (v >> 8) { v >>= 8; n += 8; }
	if (v >> 4) { v >>= 4; n += 4; }
	if (v >> 2) { v >>= 2; n += 2; }
	if (v >> 1) { v >>= 1; n += 1; }
	return n + (__u32)v;
}

/* The tasks entry of a traced (not merely followed) tid, or NULL. */
static __always_inline struct task_entry *traced(__u32 tid)
{
	struct task_entry *t;

	if (!tid)
		return 0;
	t = bpf_map_lookup_elem(&tasks, &tid);
	return t && (t->flags & TASK_F_TRACED) ? t : 0;
}

/* The sched_process_exit event of kernels whose tracepoint passes
 * group_dead (6.16+): the event's record has the field exactly when the
 * tracepoint has the argument (one TRACE_EVENT makes both). */
struct trace_event_raw_sched_process_exit___gd {
	bool group_dead;
} __attribute__((preserve_access_index));

/* At sched_process_exit of p: is it the last thread of its process?  (A
 * CO-RE test: a constant once loaded, so older kernels' verifiers never see
 * the second argument read; no loader has to read the shape first.) */
static __always_inline bool group_dead(unsigned long long *ctx, struct task_struct *p)
{
	if (bpf_core_field_exists(struct trace_event_raw_sched_process_exit___gd, group_dead))
		return (bool)ctx[1];
	return BPF_CORE_READ(p, signal, live.counter) == 0;
}

#endif /* COMPENDIUM_SHARED_BPF_H */
