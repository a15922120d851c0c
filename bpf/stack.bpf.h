/* stack.bpf.h - --stack in the kernel: copy a traced task's registers and
 * the top of its user stack into an IOACCT_STACK sample, just before the
 * sample of the call it belongs to; user space unwinds the copy
 * (src/kstack.c).  Included by ioacct.bpf.c after engine.bpf.h.  Nothing
 * here runs unless the loader set stack_pick: without --stack, a system
 * call pays one test of a constant.
 */
#ifndef COMPENDIUM_STACK_BPF_H
#define COMPENDIUM_STACK_BPF_H

/* 0: off; 1: the calls of --stack's default expression (and failed ones);
 * 2: every call a record is sent for (src/stack.h, enum stack_pick). */
const volatile __u32 stack_pick = 0;

#define STACK_PICK_ALL 2
#define STACK_AT_BASE 7          /* AT_BASE: where the interpreter is loaded */
#define STACK_AUXV_LONGS 24
#define STACK_NCHUNKS (IOACCT_STACK_BYTES / IOACCT_STACK_CHUNK)
#define NR_openat2 437

struct stack_scratch {
	struct ioacct_stack h;
	__u8 data[IOACCT_STACK_BYTES];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stack_scratch);
} stack_scratch SEC(".maps");

/* Is a record sent for call nr at its exit (by ioacct.bpf.c's own capture,
 * or by the kernel engine's)? */
static __always_inline bool stack_sent(long nr, struct pt_regs *regs, const bool btf)
{
	if (nr == NR_mmap || nr == NR_munmap || nr == NR_mremap || nr == NR_brk ||
	    nr == NR_open || nr == NR_openat || nr == NR_creat || nr == NR_pipe || nr == NR_pipe2)
		return true;
	return engine && ke_wanted(nr, regs, btf, false);
}

/* Does --stack take the stack of call nr that returned ret (as
 * stack_wanted in src/stack.c)? */
static __always_inline bool stack_picked(long nr, long ret, struct pt_regs *regs, const bool btf)
{
	if (stack_pick == STACK_PICK_ALL || ret < 0)
		return true;
	switch (nr) {
	case NR_open: case NR_openat: case NR_openat2: case NR_creat:
	case NR_connect: case NR_accept: case NR_accept4:
		return true;
	case NR_mmap:
		return REG(regs, si, btf) >= (1u << 20);
	case NR_brk:
		return REG(regs, di, btf) != 0;
	default:
		return false;
	}
}

/* bpf_loop callback: copy chunk i of the stack, or stop at the first that
 * cannot be read (past the top of the stack). */
static long stack_chunk(__u32 i, __u64 *at)
{
	__u32 zero = 0, off = (i * IOACCT_STACK_CHUNK) & (IOACCT_STACK_BYTES - 1);
	struct stack_scratch *s = bpf_map_lookup_elem(&stack_scratch, &zero);

	if (!s || i >= STACK_NCHUNKS ||
	    bpf_probe_read_user(&s->data[off], IOACCT_STACK_CHUNK, (void *)(*at + off)))
		return 1;
	s->h.len = off + IOACCT_STACK_CHUNK;
	return 0;
}

/* The interpreter's load address from the auxiliary vector of mm (0: none). */
static __always_inline __u64 stack_at_base(struct mm_struct *mm)
{
	unsigned long auxv[STACK_AUXV_LONGS];

	if (bpf_probe_read_kernel(auxv, sizeof(auxv), &mm->saved_auxv))
		return 0;
	for (int i = 0; i + 1 < STACK_AUXV_LONGS; i += 2)
		if (auxv[i] == STACK_AT_BASE)
			return auxv[i + 1];
	return 0;
}

/* The registers (DWARF order: ax dx cx bx si di bp sp r8..r15 ip) into h. */
static __always_inline void stack_regs(struct ioacct_stack *h, struct pt_regs *regs, const bool btf)
{
	h->regs[0] = REG(regs, ax, btf);
	h->regs[1] = REG(regs, dx, btf);
	h->regs[2] = REG(regs, cx, btf);
	h->regs[3] = REG(regs, bx, btf);
	h->regs[4] = REG(regs, si, btf);
	h->regs[5] = REG(regs, di, btf);
	h->regs[6] = REG(regs, bp, btf);
	h->regs[7] = REG(regs, sp, btf);
	h->regs[8] = REG(regs, r8, btf);
	h->regs[9] = REG(regs, r9, btf);
	h->regs[10] = REG(regs, r10, btf);
	h->regs[11] = REG(regs, r11, btf);
	h->regs[12] = REG(regs, r12, btf);
	h->regs[13] = REG(regs, r13, btf);
	h->regs[14] = REG(regs, r14, btf);
	h->regs[15] = REG(regs, r15, btf);
	h->regs[16] = REG(regs, ip, btf);
}

/* Send the current traced task's IOACCT_STACK for call nr (flags:
 * STACK_F_ENTRY or 0). */
static __always_inline void stack_take(struct pt_regs *regs, long nr, __u32 flags, const bool btf)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	__u32 zero = 0, tgid, len;
	struct stack_scratch *s;
	__u64 at;

	if (!traced_now(&tgid) || !(s = bpf_map_lookup_elem(&stack_scratch, &zero)))
		return;
	s->h.kind = IOACCT_STACK;
	s->h.tid = (__s32)bpf_get_current_pid_tgid();
	s->h.tgid = (__s32)tgid;
	s->h.flags = flags;
	s->h.ts = bpf_ktime_get_ns();
	s->h.nr = (__s32)nr;
	stack_regs(&s->h, regs, btf);
	at = s->h.regs[7] & ~(__u64)(IOACCT_STACK_CHUNK - 1);
	s->h.at = at;
	s->h.len = 0;
	s->h.start_code = mm ? BPF_CORE_READ(mm, start_code) : 0;
	s->h.at_base = mm ? stack_at_base(mm) : 0;
	bpf_loop(STACK_NCHUNKS, stack_chunk, &at, 0);
	len = s->h.len;
	barrier_var(len);
	if (len > IOACCT_STACK_BYTES)
		len = IOACCT_STACK_BYTES;
	if (bpf_ringbuf_output(&ioevents, s, sizeof(s->h) + len, io_wake()))
		drop(DROP_RINGBUF);
}

/* At a call's exit: its stack, when --stack takes it. */
static __always_inline void stack_exit(struct pt_regs *regs, long nr, long ret, const bool btf)
{
	if (!stack_pick || (ret <= -512 && ret >= -516) || in_compat(btf) ||
	    !stack_sent(nr, regs, btf) || !stack_picked(nr, ret, regs, btf))
		return;
	stack_take(regs, nr, 0, btf);
}

/* At a call's entry: an exec's stack is the old program's, so the kernel
 * engine takes it there. */
static __always_inline void stack_enter(struct pt_regs *regs, long nr, const bool btf)
{
	if (stack_pick && engine && (nr == NR_execve || nr == NR_execveat))
		stack_take(regs, nr, 2 /* STACK_F_ENTRY */, btf);
}

#endif /* COMPENDIUM_STACK_BPF_H */
