/* maps.c - a process's address space from /proc/PID/maps, as REC_MAPS
 * records: whole lines only, as many records as the text needs.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "maps.h"
#include "util.h"

#define MAPS_CHUNK 32768         /* text per record at most */

/* Where maps_records builds its records. */
struct maps_state {
	struct recbuf rb;
	char text[MAPS_CHUNK];
	pid_t tid, tgid;
	uint64_t ts;
	rec_put_fn *put;
	void *ctx;
};

/* Send the whole lines among the first have bytes of the text (all of them
 * when last) as one REC_MAPS; returns the bytes left at its start. */
static size_t maps_chunk(struct maps_state *m, size_t have, bool last)
{
	const char *nl = last ? m->text + have : memrchr(m->text, '\n', have);
	size_t n = nl ? (size_t)(nl - m->text) + !last : have == sizeof(m->text) ? have : 0;
	struct rec_maps *r;

	if (!n)
		return have;
	r = rec_begin(&m->rb, REC_MAPS, m->ts, m->tid, m->tgid, sizeof(*r));
	r->text_len = (uint32_t)rec_blob(&m->rb, m->text, n);
	rec_finish(&m->rb);
	m->put(m->ctx, (const struct rec_hdr *)m->rb.buf);
	memmove(m->text, m->text + n, have - n);
	return have - n;
}

void maps_records(pid_t tid, pid_t tgid, uint64_t ts, rec_put_fn *put, void *ctx)
{
	struct maps_state *m = xcalloc(1, sizeof(*m));
	char path[64];
	size_t have = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)tgid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		*m = (struct maps_state){ .tid = tid, .tgid = tgid, .ts = ts, .put = put, .ctx = ctx };
		for (;;) {
			ssize_t n = read(fd, m->text + have, sizeof(m->text) - have);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			have = maps_chunk(m, have + (size_t)n, false);
		}
		maps_chunk(m, have, true);
		close(fd);
	}
	free(m);
}
