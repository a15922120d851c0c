/* outbuf.h - scrollback of the traced program's terminal output.
 *
 * Bytes read from the pty master go in; lines of printable UTF-8 come out.
 * Escape sequences (colours, cursor movement, titles) are dropped, a
 * carriage return followed by more text overwrites the line (progress
 * bars), backspace erases, tabs expand.  The oldest lines are dropped past
 * a fixed limit.  Pure code.
 */
#ifndef COMPENDIUM_UI_OUTBUF_H
#define COMPENDIUM_UI_OUTBUF_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

struct outbuf {
	char **ring;             /* finished lines, oldest at first */
	size_t first, n, max;
	struct strbuf cur;       /* the line being written */
	int esc;                 /* escape-sequence parser state */
	bool cr;                 /* a carriage return waits for what follows */
	uint64_t bytes;          /* everything ever received */
};

/* Keep at most max finished lines. */
void outbuf_init(struct outbuf *o, size_t max);
void outbuf_release(struct outbuf *o);
/* Take n bytes of terminal output. */
void outbuf_add(struct outbuf *o, const char *buf, size_t n);
/* Add a line of our own (not the program's), after the current line. */
void outbuf_note(struct outbuf *o, const char *text);
/* Lines available, counting an unfinished last line. */
size_t outbuf_count(const struct outbuf *o);
/* Line i (0 = oldest kept). */
const char *outbuf_line(const struct outbuf *o, size_t i);
#endif
