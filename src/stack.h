/* stack.h - unwind a traced thread's user stack into a REC_STACK (--stack).
 *
 * The producers' side of --stack: given the thread's registers and a way to
 * read its memory (the live process, and optionally a copy of the top of
 * its stack the kernel took), libdw's dwfl unwinds it over the modules'
 * .eh_frame/.debug_frame and the result is a record of raw addresses in
 * their modules' ELF files, with the modules' paths and build ids.  Nothing
 * here names a frame (src/symbols.h does that, on the consumer's side).
 * One thread uses an unwinder; it keeps one dwfl per process, made from
 * /proc/PID/maps, until stack_forget (exec, mappings changed, exit).
 */
#ifndef COMPENDIUM_STACK_H
#define COMPENDIUM_STACK_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "record.h"

/* x86_64 registers in DWARF order: rax rdx rcx rbx rsi rdi rbp rsp r8..r15 rip. */
#define STACK_NREGS 17

struct stack_unwinder;   /* opaque */

/* Which calls get a stack taken (the consumer then keeps those whose event
 * --stack's expression matches). */
enum stack_pick {
	STACK_OFF = 0,
	STACK_DEFAULT,           /* the default expression's calls: opens, connects,
				    accepts, execs, mmaps of 1 MiB or more, brk,
				    and every call that failed */
	STACK_ALL,               /* every call that makes a record */
};

/* The default expression of --stack (src/query.h's language). */
#define STACK_DEFAULT_EXPR \
	"type:open|type:connect|type:accept|type:exec|failed|(type:mmap bytes>=1M)|(type:brk bytes>0)"

/* Is a stack taken for call nr (x86_64 number) with args and result ret
 * under pick?  (An exec's is taken at its entry, ret 0.) */
bool stack_wanted(enum stack_pick pick, long nr, int64_t ret, const uint64_t *args);

/* A module of a process that may be gone: its file and where it was. */
struct stack_module {
	const char *path;
	uint64_t base;        /* the address of its first PT_LOAD, or (is_bias)
				 its load bias */
	bool is_bias;
};

/* What is unwound: the thread, its registers, and optionally a copy of its
 * memory at [copy_at, copy_at + copy_len) read before the live process,
 * and the modules to use when the process's maps cannot be read (or, with
 * known_first, instead of them: they may show a later program by now). */
struct stack_input {
	pid_t tid, pid;
	uint64_t regs[STACK_NREGS];
	const void *copy;
	uint64_t copy_at;
	size_t copy_len;
	uint16_t flags;       /* STACK_F_ENTRY or 0 */
	uint16_t nr;          /* the call it is for (x86_64 number) */
	const struct stack_module *mods;
	size_t nmods;
	bool known_first;
};

struct stack_unwinder *stack_new(void);
void stack_free(struct stack_unwinder *u);
/* Forget what is known of process pid's modules. */
void stack_forget(struct stack_unwinder *u, pid_t pid);
/* The DWARF-ordered registers of a ptrace GETREGS. */
void stack_regs_from_user(uint64_t out[STACK_NREGS], const struct user_regs_struct *r);
/* Unwind in and build its REC_STACK (stamped ts) in b.  0, or -errno when
 * not even the innermost frame could be read (b is then not a record). */
int stack_capture(struct stack_unwinder *u, const struct stack_input *in, uint64_t ts,
		  struct recbuf *b);
#endif
