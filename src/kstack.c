/* kstack.c - unwind the stacks the kernel copied (see kstack.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hmap.h"
#include "kstack.h"
#include "stack.h"
#include "util.h"

#include "../bpf/ioacct.h"

_Static_assert(IOACCT_STACK_NREGS == STACK_NREGS, "the kernel sends the registers stack.h reads");

/* A file a process mapped from its start (offset 0): a module, if ELF. */
struct kmap {
	char *path;
	uint64_t addr;
};

/* What is known of one process's modules. */
struct kproc {
	char *exe;
	bool elf_read;        /* exe_vaddr and interp were read from exe */
	uint64_t exe_vaddr;   /* lowest p_vaddr of its executable PT_LOADs */
	char *interp;         /* its PT_INTERP, NULL when none */
	struct kmap *maps;
	size_t n, cap;
};

struct kstack {
	struct stack_unwinder *unw;
	struct imap procs;    /* pid -> struct kproc */
	struct imap fds;      /* pid << 32 | fd -> path of what it opened last */
};

struct kstack *kstack_new(void)
{
	struct kstack *k = xcalloc(1, sizeof(*k));

	k->unw = stack_new();
	return k;
}

/* Forget the maps of p. */
static void kproc_clear(struct kproc *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->maps[i].path);
	p->n = 0;
}

static void kproc_free(struct kproc *p)
{
	if (!p)
		return;
	kproc_clear(p);
	free(p->maps);
	free(p->exe);
	free(p->interp);
	free(p);
}

void kstack_free(struct kstack *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->procs.cap; i++)
		kproc_free(k->procs.vals ? k->procs.vals[i] : NULL);
	for (size_t i = 0; i < k->fds.cap; i++)
		free(k->fds.vals ? k->fds.vals[i] : NULL);
	imap_release(&k->procs);
	imap_release(&k->fds);
	stack_free(k->unw);
	free(k);
}

/* The entry of pid, made when missing. */
static struct kproc *kproc_get(struct kstack *k, pid_t pid)
{
	struct kproc *p = imap_get(&k->procs, (uint64_t)pid);

	if (!p) {
		p = xcalloc(1, sizeof(*p));
		imap_put(&k->procs, (uint64_t)pid, p);
	}
	return p;
}

/* A copy of s[0..len) with a NUL. */
static char *copy_n(const char *s, size_t len)
{
	char *c = xmalloc(len + 1);

	memcpy(c, s, len);
	c[len] = 0;
	return c;
}

void kstack_exec(struct kstack *k, pid_t pid, const char *exe, size_t len)
{
	struct kproc *p = kproc_get(k, pid);

	kproc_clear(p);
	free(p->exe);
	free(p->interp);
	p->exe = copy_n(exe, len);
	p->interp = NULL;
	p->elf_read = false;
	stack_forget(k->unw, pid);
}

void kstack_opened(struct kstack *k, pid_t pid, int fd, const char *path, size_t len)
{
	uint64_t key = (uint64_t)(uint32_t)pid << 32 | (uint32_t)fd;

	free(imap_del(&k->fds, key));
	imap_put(&k->fds, key, copy_n(path, len));
}

/* Note a mapping of the file fd refers to, from its start, at addr. */
static void add_map(struct kstack *k, pid_t pid, int fd, uint64_t addr)
{
	const char *path = imap_get(&k->fds, (uint64_t)(uint32_t)pid << 32 | (uint32_t)fd);
	struct kproc *p;

	if (!path || path[0] != '/')
		return;
	p = kproc_get(k, pid);
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		p->maps = xreallocarray(p->maps, p->cap, sizeof(*p->maps));
	}
	p->maps[p->n].path = xstrdup(path);
	p->maps[p->n].addr = addr;
	p->n++;
}

/* Forget the mappings that started in [addr, addr + len). */
static void drop_maps(struct kstack *k, pid_t pid, uint64_t addr, uint64_t len)
{
	struct kproc *p = imap_get(&k->procs, (uint64_t)pid);
	size_t j = 0;

	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		if (p->maps[i].addr >= addr && p->maps[i].addr - addr < len)
			free(p->maps[i].path);
		else
			p->maps[j++] = p->maps[i];
	}
	p->n = j;
}

void kstack_mem_call(struct kstack *k, pid_t pid, long nr, const uint64_t *args, int64_t ret)
{
	if (ret < 0)
		return;
	if (nr == SYS_mmap && (int)args[4] >= 0 && !(args[3] & MAP_ANONYMOUS)) {
		if (args[5] == 0)
			add_map(k, pid, (int)args[4], (uint64_t)ret);
		if (args[2] & PROT_EXEC)
			stack_forget(k->unw, pid);
	} else if (nr == SYS_munmap || nr == SYS_mremap) {
		drop_maps(k, pid, args[0], args[1]);
		stack_forget(k->unw, pid);
	}
}

/* Copy the fds of process from (keys from << 32 | fd) to process to. */
static void copy_fds(struct kstack *k, pid_t from, pid_t to)
{
	size_t cap = k->fds.cap;
	uint64_t *keys = xcalloc(cap + 1, sizeof(*keys));
	const char **paths = xcalloc(cap + 1, sizeof(*paths));
	size_t n = 0;

	for (size_t i = 0; i < cap; i++)   /* (collected first: putting may grow the map) */
		if (k->fds.vals[i] && k->fds.keys[i] >> 32 == (uint32_t)from) {
			keys[n] = k->fds.keys[i];
			paths[n++] = k->fds.vals[i];
		}
	for (size_t i = 0; i < n; i++)
		kstack_opened(k, to, (int)(uint32_t)keys[i], paths[i], strlen(paths[i]));
	free(keys);
	free(paths);
}

void kstack_fork(struct kstack *k, pid_t parent, pid_t child)
{
	struct kproc *p = imap_get(&k->procs, (uint64_t)parent), *c;

	if (!p || child == parent)
		return;
	kstack_gone(k, child);
	c = kproc_get(k, child);
	c->exe = p->exe ? xstrdup(p->exe) : NULL;
	c->interp = p->interp ? xstrdup(p->interp) : NULL;
	c->elf_read = p->elf_read;
	c->exe_vaddr = p->exe_vaddr;
	for (size_t i = 0; i < p->n; i++) {
		if (c->n == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 16;
			c->maps = xreallocarray(c->maps, c->cap, sizeof(*c->maps));
		}
		c->maps[c->n].path = xstrdup(p->maps[i].path);
		c->maps[c->n++].addr = p->maps[i].addr;
	}
	copy_fds(k, parent, child);
}

void kstack_gone(struct kstack *k, pid_t pid)
{
	uint64_t *keys = xcalloc(k->fds.cap + 1, sizeof(*keys));
	size_t n = 0;

	/* (collected first: a deletion moves the entries after it) */
	for (size_t i = 0; i < k->fds.cap; i++)
		if (k->fds.vals[i] && k->fds.keys[i] >> 32 == (uint32_t)pid)
			keys[n++] = k->fds.keys[i];
	for (size_t i = 0; i < n; i++)
		free(imap_del(&k->fds, keys[i]));
	free(keys);
	kproc_free(imap_del(&k->procs, (uint64_t)pid));
	stack_forget(k->unw, pid);
}

/* Read p's program: its lowest executable p_vaddr and its interpreter. */
static void read_exe(struct kproc *p)
{
	int fd = p->exe ? open(p->exe, O_RDONLY | O_CLOEXEC) : -1;
	Elf *e = fd >= 0 ? elf_begin(fd, ELF_C_READ, NULL) : NULL;
	size_t n = 0;

	p->elf_read = true;
	p->exe_vaddr = UINT64_MAX;
	if (e && elf_getphdrnum(e, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			GElf_Phdr ph;
			if (!gelf_getphdr(e, (int)i, &ph))
				continue;
			if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X) && ph.p_vaddr < p->exe_vaddr)
				p->exe_vaddr = ph.p_vaddr;
			if (ph.p_type == PT_INTERP && !p->interp && ph.p_filesz > 1 && ph.p_filesz < 4096) {
				char *s = xcalloc(1, ph.p_filesz + 1);
				if (pread(fd, s, ph.p_filesz, (off_t)ph.p_offset) == (ssize_t)ph.p_filesz)
					p->interp = s;
				else
					free(s);
			}
		}
	}
	if (e)
		elf_end(e);
	if (fd >= 0)
		close(fd);
}

/* The modules of the sample's process as followed, into mods (cap at least
 * 2 + its maps); how many. */
static size_t known_mods(struct kproc *p, const struct ioacct_stack *e, struct stack_module *mods)
{
	size_t n = 0;

	if (!p->elf_read)
		read_exe(p);
	if (p->exe && e->start_code && p->exe_vaddr != UINT64_MAX)
		mods[n++] = (struct stack_module){ p->exe, e->start_code - p->exe_vaddr, true };
	if (p->interp && e->at_base)
		mods[n++] = (struct stack_module){ p->interp, e->at_base, true };
	for (size_t i = 0; i < p->n; i++)
		mods[n++] = (struct stack_module){ p->maps[i].path, p->maps[i].addr, false };
	return n;
}

int kstack_record(struct kstack *k, const struct ioacct_stack *e, size_t size, struct recbuf *b)
{
	struct kproc *p = kproc_get(k, e->tgid);

	/* An exec's stack, of a program whose own exec was not seen: by now
	 * its maps show the new one (and the command's first exec's is ours). */
	if ((e->flags & STACK_F_ENTRY) && !p->exe)
		return -ENOENT;
	struct stack_module *mods = xcalloc(p->n + 2, sizeof(*mods));
	struct stack_input in = {
		.tid = e->tid, .pid = e->tgid, .copy = e + 1, .copy_at = e->at,
		.flags = (uint16_t)e->flags, .nr = (uint16_t)e->nr, .mods = mods,
	};
	int err;

	if (size < sizeof(*e)) {
		free(mods);
		return -EINVAL;
	}
	in.copy_len = e->len < size - sizeof(*e) ? e->len : size - sizeof(*e);
	memcpy(in.regs, e->regs, sizeof(in.regs));
	in.nmods = known_mods(p, e, mods);
	/* Followed since its exec: what it had mapped then, not what it has now. */
	in.known_first = p->exe != NULL;
	err = stack_capture(k->unw, &in, e->ts, b);
	free(mods);
	return err;
}
