/* sites.h - where in the program files were opened and connections made
 * (--stack): the "opened from" ranking.
 *
 * Every open, connect and accept event that carries a stack adds one to
 * the count of (what it opened or reached, the call site), the call site
 * being the first frame outside the module of the innermost one (the
 * caller of the library's wrapper of the system call), named by
 * src/symbols.h.  Consumer thread only; nothing here prints.
 */
#ifndef COMPENDIUM_SITES_H
#define COMPENDIUM_SITES_H
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct site_row {
	const char *object;   /* the file's path or the connection's address */
	const char *site;     /* "func+0xOFF (file:line) in module", or "module+0xADDR" */
	const char *call;     /* "open", "connect" or "accept" */
	int pid;
	uint64_t count;
};

struct sites;

struct sites *sites_new(void);
void sites_free(struct sites *s);
/* Count ev (an event with a stack; others are left out). */
void sites_add(struct sites *s, const struct event *ev);
/* Every row so far, in order of appearance. */
struct site_row *const *sites_rows(const struct sites *s, size_t *n);
/* The call site of stack st, named into buf (cap bytes). */
void sites_name(char *buf, size_t cap, const struct rec_stack *st);
#endif
