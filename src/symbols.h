/* symbols.h - name the frames of a REC_STACK (--stack): function and
 * offset, module, and source file:line where debug information exists.
 *
 * The consumer's side of --stack (the producers only unwind, src/stack.h).
 * Each module is opened once, by the path and build id the record carries:
 * its .symtab or .dynsym, and its DWARF, from the file itself or a separate
 * debug file found by build id under /usr/lib/debug.  A module whose file
 * is gone or was replaced (another build id) is named by its debug file
 * when there is one, else frames in it show only module and offset.  One
 * thread only (the consumer's); nothing here prints.
 */
#ifndef COMPENDIUM_SYMBOLS_H
#define COMPENDIUM_SYMBOLS_H
#include <stddef.h>
#include <stdint.h>

#include "record.h"

/* One named frame; the strings live as long as the struct symbols. */
struct sym_frame {
	const char *func;     /* NULL: no symbol covers it */
	uint64_t offset;      /* from func's start; without func, addr in the module */
	const char *module;   /* the module's path, NULL when in none */
	const char *file;     /* source file, NULL without debug information */
	int line;             /* 0 without */
	uint64_t addr;        /* the record's address of the frame */
};

struct symbols;

struct symbols *symbols_new(void);
void symbols_free(struct symbols *s);
/* The consumer thread's own (made on first use, lives until exit). */
struct symbols *symbols_shared(void);
/* Name the frames of a REC_STACK payload (validated: st and the bytes that
 * follow it) into out, at most cap; returns how many frames were named. */
size_t symbols_name(struct symbols *s, const struct rec_stack *st, struct sym_frame *out, size_t cap);
/* The last component of a module path ("libc.so.6"), or "?" for NULL. */
const char *symbols_module_base(const char *module);
#endif
