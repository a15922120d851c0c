/* fbuf.c - text built in a strbuf and written to a stdio stream in pieces. */
#include "config.h"

#include <errno.h>

#include "fbuf.h"

/* Start writing to f. */
void fbuf_init(struct fbuf *b, FILE *f)
{
	strbuf_init(&b->sb, FBUF_PIECE + 4096);
	b->f = f;
	b->err = 0;
}

/* Write out what waits. */
void fbuf_flush(struct fbuf *b)
{
	if (b->sb.len && fwrite(b->sb.buf, 1, b->sb.len, b->f) != b->sb.len && !b->err)
		b->err = errno ? -errno : -EIO;
	strbuf_reset(&b->sb);
}

/* Write out what waits once it is FBUF_PIECE bytes or more. */
void fbuf_step(struct fbuf *b)
{
	if (b->sb.len >= FBUF_PIECE)
		fbuf_flush(b);
}

/* Write out what waits, then free the buffer; returns the first error. */
int fbuf_release(struct fbuf *b)
{
	fbuf_flush(b);
	strbuf_release(&b->sb);
	return b->err;
}
