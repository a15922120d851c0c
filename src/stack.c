/* stack.c - unwind a traced thread's user stack with libdw (see stack.h).
 *
 * One dwfl per process, its modules reported from /proc/PID/maps and its
 * unwinder attached with our own thread callbacks: the registers are the
 * caller's, memory is read from the caller's copy when it holds the address
 * and from the live process (process_vm_readv) otherwise.  A pc found in no
 * module means the mappings changed since the dwfl was made: it is made
 * again once and the stack unwound again.  Never names a frame, never prints.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include <elfutils/libdwfl.h>

#include "hmap.h"
#include "stack.h"
#include "util.h"

/* One process's modules and unwinder. */
struct uproc {
	Dwfl *dwfl;
	pid_t pid;
	unsigned calm;                  /* captures left before a pc in no module
					   makes the dwfl again (code outside any
					   file, a JIT's, stays outside) */
	const struct stack_input *in;   /* during a capture: what is unwound */
};

struct stack_unwinder {
	struct imap procs;              /* pid -> struct uproc */
};

#define STACK_CALM 64

/* The pcs of one unwind. */
struct walk {
	uint64_t pc[REC_STACK_FRAMES];
	size_t n;
	bool cut;
};

static const Dwfl_Callbacks proc_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
};

/* dwfl thread callback: the one thread there is, the one being unwound. */
static pid_t next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	struct uproc *p = arg;

	if (*thread_argp)
		return 0;
	*thread_argp = p;
	return p->in->tid;
}

/* dwfl thread callback: any tid asked for is the one being unwound. */
static bool get_thread(Dwfl *dwfl, pid_t tid, void *arg, void **thread_argp)
{
	*thread_argp = arg;
	return true;
}

/* dwfl thread callback: 8 bytes at addr, from the copy or the process. */
static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	const struct uproc *p = arg;
	const struct stack_input *in = p->in;
	struct iovec local = { result, sizeof(*result) };
	struct iovec remote = { (void *)(uintptr_t)addr, sizeof(*result) };

	if (in->copy && addr >= in->copy_at && addr - in->copy_at + sizeof(*result) <= in->copy_len) {
		memcpy(result, (const char *)in->copy + (addr - in->copy_at), sizeof(*result));
		return true;
	}
	return process_vm_readv(in->pid, &local, 1, &remote, 1, 0) == (ssize_t)sizeof(*result);
}

/* dwfl thread callback: the registers the caller gave. */
static bool set_initial_registers(Dwfl_Thread *thread, void *thread_arg)
{
	const struct uproc *p = thread_arg;

	return dwfl_thread_state_registers(thread, 0, STACK_NREGS, (const Dwarf_Word *)p->in->regs);
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = next_thread,
	.get_thread = get_thread,
	.memory_read = memory_read,
	.set_initial_registers = set_initial_registers,
};

/* dwfl_getmodules callback: count one. */
static int count_mod(Dwfl_Module *m, void **userdata, const char *name, Dwarf_Addr start, void *arg)
{
	++*(size_t *)arg;
	return DWARF_CB_OK;
}

/* Report in's modules (the process is gone: its maps are empty). */
static void report_known(Dwfl *d, const struct stack_input *in)
{
	for (size_t i = 0; i < in->nmods; i++)
		dwfl_report_elf(d, in->mods[i].path, in->mods[i].path, -1, in->mods[i].base,
				in->mods[i].is_bias);
}

/* A dwfl of pid's modules as mapped now (else as in knows them), its
 * unwinder attached; NULL when there is no module dwfl can read. */
static Dwfl *proc_dwfl(struct uproc *p, const struct stack_input *in)
{
	Dwfl *d = dwfl_begin(&proc_callbacks);
	size_t n = 0;

	if (!d)
		return NULL;
	dwfl_report_begin(d);
	if ((in->known_first && in->nmods) || dwfl_linux_proc_report(d, p->pid) != 0)
		dwfl_report_begin(d);   /* (nothing of it kept) */
	if (dwfl_report_end(d, NULL, NULL) == 0)
		dwfl_getmodules(d, count_mod, &n, 0);
	if (n == 0 && in->nmods) {
		dwfl_report_begin(d);
		report_known(d, in);
		dwfl_report_end(d, NULL, NULL);
	}
	if (!dwfl_attach_state(d, NULL, p->pid, &thread_callbacks, p)) {
		dwfl_end(d);
		return NULL;
	}
	return d;
}

struct stack_unwinder *stack_new(void)
{
	return xcalloc(1, sizeof(struct stack_unwinder));
}

/* End one process's dwfl and its entry. */
static void uproc_free(struct uproc *p)
{
	if (p && p->dwfl)
		dwfl_end(p->dwfl);
	free(p);
}

void stack_free(struct stack_unwinder *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->procs.cap; i++)
		uproc_free(u->procs.vals ? u->procs.vals[i] : NULL);
	imap_release(&u->procs);
	free(u);
}

void stack_forget(struct stack_unwinder *u, pid_t pid)
{
	uproc_free(imap_del(&u->procs, (uint64_t)pid));
}

void stack_regs_from_user(uint64_t out[STACK_NREGS], const struct user_regs_struct *r)
{
	const uint64_t v[STACK_NREGS] = {
		r->rax, r->rdx, r->rcx, r->rbx, r->rsi, r->rdi, r->rbp, r->rsp,
		r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15, r->rip,
	};

	memcpy(out, v, sizeof(v));
}

/* Frame callback: keep each frame's pc (a return address minus one, so that
 * it lies inside the call it returns from). */
static int on_frame(Dwfl_Frame *state, void *arg)
{
	struct walk *w = arg;
	Dwarf_Addr pc;
	bool activation;

	if (!dwfl_frame_pc(state, &pc, &activation) || pc == 0)
		return DWARF_CB_ABORT;
	if (w->n == REC_STACK_FRAMES) {
		w->cut = true;
		return DWARF_CB_ABORT;
	}
	w->pc[w->n++] = activation ? pc : pc - 1;
	return DWARF_CB_OK;
}

/* The process's entry, made when missing (fresh: its dwfl made again). */
static struct uproc *uproc_get(struct stack_unwinder *u, const struct stack_input *in, bool fresh)
{
	pid_t pid = in->pid;
	struct uproc *p = imap_get(&u->procs, (uint64_t)pid);

	if (p && fresh && p->dwfl) {
		dwfl_end(p->dwfl);
		p->dwfl = NULL;
	}
	if (!p) {
		p = xcalloc(1, sizeof(*p));
		p->pid = pid;
		imap_put(&u->procs, (uint64_t)pid, p);
	}
	if (!p->dwfl)
		p->dwfl = proc_dwfl(p, in);
	return p;
}

/* Does every pc lie in a module of d? */
static bool all_known(Dwfl *d, const struct walk *w)
{
	for (size_t i = 0; i < w->n; i++)
		if (!dwfl_addrmodule(d, w->pc[i]))
			return false;
	return true;
}

/* Unwind in with p's dwfl into w. */
static void unwind(struct uproc *p, const struct stack_input *in, struct walk *w)
{
	memset(w, 0, sizeof(*w));
	p->in = in;
	if (p->dwfl)
		dwfl_getthread_frames(p->dwfl, in->tid, on_frame, w);
	p->in = NULL;
}

/* Index of module m in the record's table, added (with its path and build
 * id) when new; the table is kept in mods[], bytes in b after the frames. */
static uint16_t mod_index(Dwfl_Module **mods, uint16_t *nmods, Dwfl_Module *m)
{
	for (uint16_t i = 0; i < *nmods; i++)
		if (mods[i] == m)
			return i;
	mods[*nmods] = m;
	return (*nmods)++;
}

/* Append module m's entry (struct rec_stackmod, path, padding) to b. */
static void put_mod(struct recbuf *b, Dwfl_Module *m)
{
	struct rec_stackmod sm;
	const unsigned char *id = NULL;
	GElf_Addr id_at;
	const char *name = dwfl_module_info(m, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	int n = dwfl_module_build_id(m, &id, &id_at);
	size_t plen = name ? strlen(name) : 0;
	static const char zero[REC_ALIGN];

	memset(&sm, 0, sizeof(sm));
	if (plen > 4096)
		plen = 4096;
	sm.path_len = (uint16_t)plen;
	if (n > 0 && id) {
		sm.id_len = (uint8_t)(n > REC_STACK_ID_MAX ? REC_STACK_ID_MAX : n);
		memcpy(sm.build_id, id, sm.id_len);
	}
	rec_blob(b, &sm, sizeof(sm));
	rec_blob(b, name, plen);
	rec_blob(b, zero, rec_align(plen) - plen);
}

/* Build the REC_STACK of w, its pcs made module addresses, in b. */
static void build(struct recbuf *b, Dwfl *d, const struct stack_input *in, const struct walk *w,
		  uint64_t ts)
{
	struct rec_stack *st = rec_begin(b, REC_STACK, ts, in->tid, in->pid, sizeof(*st));
	Dwfl_Module *mods[REC_STACK_FRAMES];
	uint16_t nmods = 0;
	size_t mods_at;

	for (size_t i = 0; i < w->n; i++) {
		struct rec_frame f = { .addr = w->pc[i], .mod = REC_STACK_NO_MOD };
		Dwfl_Module *m = d ? dwfl_addrmodule(d, w->pc[i]) : NULL;
		Dwarf_Addr bias;

		if (m && dwfl_module_getelf(m, &bias)) {
			f.addr = w->pc[i] - bias;
			f.mod = mod_index(mods, &nmods, m);
		}
		rec_blob(b, &f, sizeof(f));
	}
	mods_at = b->len;
	for (uint16_t i = 0; i < nmods; i++)
		put_mod(b, mods[i]);
	st = (struct rec_stack *)((struct rec_hdr *)b->buf + 1);
	st->nframes = (uint16_t)w->n;
	st->nmods = nmods;
	st->flags = (uint16_t)(in->flags | (w->cut ? STACK_F_CUT : 0));
	st->nr = in->nr;
	st->mods_len = (uint32_t)(b->len - mods_at);
	rec_finish(b);
}

int stack_capture(struct stack_unwinder *u, const struct stack_input *in, uint64_t ts,
		  struct recbuf *b)
{
	struct uproc *p = uproc_get(u, in, false);
	struct walk w;

	unwind(p, in, &w);
	if (!p->dwfl || !all_known(p->dwfl, &w)) {
		if (p->calm) {
			p->calm--;
		} else {   /* mapped anew since: look again */
			p = uproc_get(u, in, true);
			unwind(p, in, &w);
			if (!p->dwfl || !all_known(p->dwfl, &w))
				p->calm = STACK_CALM;
		}
	}
	if (w.n == 0) {
		/* Not even the innermost frame (no module dwfl can read): the pc alone. */
		w.pc[0] = in->regs[16];
		w.n = 1;
	}
	build(b, p->dwfl, in, &w, ts);
	return 0;
}

bool stack_wanted(enum stack_pick pick, long nr, int64_t ret, const uint64_t *args)
{
	if (pick == STACK_ALL || (pick == STACK_DEFAULT && ret < 0))
		return pick != STACK_OFF;
	if (pick != STACK_DEFAULT)
		return false;
	switch (nr) {
	case SYS_open: case SYS_openat: case SYS_openat2: case SYS_creat:
	case SYS_connect: case SYS_accept: case SYS_accept4:
	case SYS_execve: case SYS_execveat:
		return true;
	case SYS_mmap:
		return args[1] >= (1u << 20);
	case SYS_brk:
		return args[0] != 0;
	default:
		return false;
	}
}
