/* fbuf.h - text built in a strbuf and written to a stdio stream in pieces.
 *
 * Writers of big documents (the report, the Perfetto export, the summary)
 * append to b->sb and call fbuf_step after each row: once FBUF_PIECE bytes
 * wait they go to the stream, so no document is ever held whole in memory.
 * The first write error is kept; later writes still go to the stream.
 */
#ifndef COMPENDIUM_FBUF_H
#define COMPENDIUM_FBUF_H
#include <stdio.h>

#include "strbuf.h"

#define FBUF_PIECE (1u << 16)

struct fbuf {
	struct strbuf sb;
	FILE *f;                 /* not owned */
	int err;                 /* first write error, as -errno */
};

/* Start writing to f. */
void fbuf_init(struct fbuf *b, FILE *f);
/* Write out what waits (fbuf_flush), then free the buffer; returns b->err. */
int fbuf_release(struct fbuf *b);
/* Write out what waits once it is FBUF_PIECE bytes or more. */
void fbuf_step(struct fbuf *b);
/* Write out what waits. */
void fbuf_flush(struct fbuf *b);
#endif
