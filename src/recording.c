/* recording.c - records on disk.
 *
 * Header: 8 bytes magic, u32 version, u32 header length, u64 wall-clock
 * start (ns), 64 bytes host name, then the command (NUL-separated) padded
 * to 8 bytes.  Everything after the header is records.  The writer never
 * rewrites what it wrote, so a killed run leaves a readable file.  The
 * program's terminal output goes in as REC_OUTPUT records, up to a bound;
 * what is over it is counted and said, never silently left out.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "recmerge.h"
#include "record.h"
#include "recording.h"
#include "util.h"

struct file_header {
	char magic[8];
	uint32_t version;
	uint32_t header_len;
	uint64_t start_ns;
	char host[64];
};

/* Bytes of output per REC_OUTPUT, and how often a count of what was left
 * out is written while the bound holds output back (ns). */
#define OUTPUT_CHUNK 32768
#define DROP_NOTE_NS 1000000000ull

struct recording {
	FILE *f;
	uint32_t version;        /* of the file being read */
	size_t torn;
	uint64_t offset;
	uint64_t data_start;     /* where the records begin */
	bool seekable;           /* reading a file, not a pipe: it can be read again */
	bool follow;             /* ... which was being written when last looked at */
	uint64_t out_max;        /* writing: output bytes kept at most */
	uint64_t out_kept;       /* ... kept so far */
	uint64_t out_dropped;    /* ... left out and not yet said in a record */
	uint64_t out_last_ts;    /* when output last came */
	uint64_t drop_said_ts;   /* when a count of left-out bytes was last written */
	struct recbuf *out;      /* writing: a REC_OUTPUT being built */
	char host[64];           /* reading: the host it was made on */
	struct recmerge *merge;  /* several recordings read as one, or NULL */
	uint64_t buf[REC_MAX / 8];
};

static struct recording *recording_start(FILE *f, char *const *argv);

struct recording *recording_create(const char *path, char *const *argv)
{
	FILE *f = fopen(path, "wbxe");

	if (!f && errno == EEXIST)
		f = fopen(path, "wbe");
	return f ? recording_start(f, argv) : NULL;
}

struct recording *recording_create_fd(int fd, char *const *argv)
{
	FILE *f = fdopen(fd, "wb");

	if (!f) {
		int err = errno;

		close(fd);
		errno = err;
		return NULL;
	}
	return recording_start(f, argv);
}

/* Write the header (everything a reader needs comes first: the file is
 * never rewritten, so it can be a pipe) and take f. */
static struct recording *recording_start(FILE *f, char *const *argv)
{
	struct recording *r;
	struct file_header h = { .version = RECORDING_VERSION };
	struct timespec ts;
	size_t cmdlen = 0;
	static const char zeros[8];

	memcpy(h.magic, RECORDING_MAGIC, 8);
	clock_gettime(CLOCK_REALTIME, &ts);
	h.start_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	gethostname(h.host, sizeof(h.host) - 1);
	for (char *const *a = argv; a && *a; a++)
		cmdlen += strlen(*a) + 1;
	h.header_len = (uint32_t)(sizeof(h) + rec_align(cmdlen));
	fwrite(&h, sizeof(h), 1, f);
	for (char *const *a = argv; a && *a; a++)
		fwrite(*a, strlen(*a) + 1, 1, f);
	fwrite(zeros, rec_align(cmdlen) - cmdlen, 1, f);
	r = xcalloc(1, sizeof(*r));
	r->f = f;
	r->out_max = RECORDING_OUTPUT_MAX;
	r->out = xmalloc(sizeof(*r->out));
	return r;
}

void recording_set_output_max(struct recording *r, uint64_t bytes)
{
	r->out_max = bytes;
}

/* Append one REC_OUTPUT of n bytes (n <= OUTPUT_CHUNK) saying dropped
 * bytes were left out before them. */
static int output_record(struct recording *r, uint64_t ts, uint16_t flags, const char *buf,
			 size_t n, uint64_t dropped)
{
	struct recbuf *b = r->out;
	struct rec_output *o = rec_begin(b, REC_OUTPUT, ts, 0, 0, sizeof(*o));

	o->len = (uint32_t)n;
	o->dropped = dropped;
	((struct rec_hdr *)b->buf)->flags = flags;
	rec_blob(b, buf, n);
	return recording_append(r, b->buf, rec_finish(b));
}

int recording_output_begin(struct recording *r, uint64_t ts)
{
	return output_record(r, ts, OUTPUT_F_CAPTURED, "", 0, 0);
}

/* Over the bound: count n more bytes left out, and say so at most once
 * every DROP_NOTE_NS. */
static int output_drop(struct recording *r, uint64_t ts, size_t n)
{
	uint64_t dropped;

	r->out_dropped += n;
	if (ts < r->drop_said_ts + DROP_NOTE_NS)
		return 0;
	dropped = r->out_dropped;
	r->out_dropped = 0;
	r->drop_said_ts = ts;
	return output_record(r, ts, 0, "", 0, dropped);
}

int recording_output(struct recording *r, uint64_t ts, const char *buf, size_t n)
{
	uint64_t room = r->out_max > r->out_kept ? r->out_max - r->out_kept : 0;
	size_t keep = n < room ? n : (size_t)room;
	int err = 0;

	r->out_last_ts = ts;
	for (size_t at = 0; at < keep && !err; at += OUTPUT_CHUNK) {
		size_t part = keep - at < OUTPUT_CHUNK ? keep - at : OUTPUT_CHUNK;

		err = output_record(r, ts, 0, buf + at, part, 0);
		r->out_kept += part;
	}
	if (!err && keep < n)
		err = output_drop(r, ts, n - keep);
	return err;
}

int recording_append(struct recording *r, const void *rec, size_t len)
{
	errno = 0;
	if (fwrite(rec, 1, len, r->f) == len)
		return 0;
	return errno ? -errno : -EIO;
}

int recording_flush(struct recording *r)
{
	if (fflush(r->f) != 0)
		return -errno;
	return ferror(r->f) ? -EIO : 0;
}

/* Why a header of got bytes (the file's first bytes) cannot start a
 * replay, or NULL when it can; size is the whole file's length (UINT64_MAX
 * when unknown).  A file whose bytes all agree with a header but end
 * before the header does was cut, not made by something else. */
static const char *header_problem(const struct file_header *h, size_t got, uint64_t size,
				  char *why, size_t whylen, const char *path)
{
	size_t m = got < 8 ? got : 8;

	if (memcmp(h->magic, RECORDING_MAGIC, m) != 0) {
		snprintf(why, whylen, "%s is not a compendium-tui recording (made with --record)", path);
		return why;
	}
	if (got >= offsetof(struct file_header, header_len) &&
	    (h->version < RECORDING_OLDEST || h->version > RECORDING_VERSION)) {
		snprintf(why, whylen, "%s is a recording of format version %u, which this "
			 "compendium-tui cannot read; use a newer compendium-tui", path, h->version);
		return why;
	}
	if (got == sizeof(*h) && (h->header_len < sizeof(*h) || h->header_len > 1 << 20)) {
		snprintf(why, whylen, "%s has a damaged header", path);
		return why;
	}
	if (got < sizeof(*h) || size < h->header_len) {
		snprintf(why, whylen, "%s: recording is truncated (cut inside its header)", path);
		return why;
	}
	return NULL;
}

/* Whether another process has the file fd open for writing: a read
 * lease is refused (EAGAIN) exactly then.  When a lease cannot be asked
 * for at all (not the file's owner, a file system without them), false:
 * the file is read as it is. */
static bool being_written(int fd)
{
	if (fcntl(fd, F_SETLEASE, F_RDLCK) == 0) {
		fcntl(fd, F_SETLEASE, F_UNLCK);
		return false;
	}
	return errno == EAGAIN;
}

/* A file that another process is still writing: wait until it holds at
 * least want bytes (its header), or until its writer is gone. */
static void wait_for_bytes(int fd, uint64_t want)
{
	struct stat st;

	while (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size < want &&
	       being_written(fd))
		poll(NULL, 0, 20);
}

/* Read the rest of a header (hlen bytes after the fixed part) and drop
 * it; the file may be a pipe, so it is read, not sought past. */
static int skip_header(FILE *f, size_t hlen)
{
	char junk[4096];

	while (hlen) {
		size_t part = hlen < sizeof(junk) ? hlen : sizeof(junk);

		if (fread(junk, 1, part, f) != part)
			return -1;
		hlen -= part;
	}
	return 0;
}

struct recording *recording_open(const char *path, char *why, size_t whylen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(why, whylen, "cannot open recording %s: %s", path, strerror(errno));
		return NULL;
	}
	return recording_open_fd(fd, path, why, whylen);
}

struct recording *recording_open_fd(int fd, const char *name, char *why, size_t whylen)
{
	struct file_header h = { 0 };
	struct recording *r;
	struct stat st;
	size_t got;
	FILE *f = fstat(fd, &st) == 0 ? fdopen(fd, "rb") : NULL;

	if (!f) {
		snprintf(why, whylen, "cannot read recording %s: %s", name, strerror(errno));
		close(fd);
		return NULL;
	}
	/* A stream is read as it comes: nothing may wait in a buffer while
	 * the reader is told there is no record yet. */
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		setvbuf(f, NULL, _IONBF, 0);
	wait_for_bytes(fd, sizeof(h));
	got = fread(&h, 1, sizeof(h), f);
	if (got == sizeof(h) && h.header_len <= 1 << 20)
		wait_for_bytes(fd, h.header_len);
	if (ferror(f) || fstat(fd, &st) != 0) {
		snprintf(why, whylen, "cannot read recording %s: %s", name, strerror(errno));
		goto fail;
	}
	if (header_problem(&h, got, S_ISREG(st.st_mode) ? (uint64_t)st.st_size : UINT64_MAX,
			   why, whylen, name))
		goto fail;
	if (skip_header(f, h.header_len - sizeof(h)) != 0) {
		snprintf(why, whylen, ferror(f) ? "cannot read recording %s: %s" :
			 "%s: recording is truncated (cut inside its header)", name, strerror(errno));
		goto fail;
	}
	r = xcalloc(1, sizeof(*r));
	r->f = f;
	r->version = h.version;
	memcpy(r->host, h.host, sizeof(r->host) - 1);
	r->offset = r->data_start = h.header_len;
	r->seekable = S_ISREG(st.st_mode) || S_ISBLK(st.st_mode);
	r->follow = S_ISREG(st.st_mode) && being_written(fileno(f));
	return r;
fail:
	fclose(f);
	return NULL;
}

/* A record of an older version in today's layout: grow zero bytes put in
 * at offset old of its payload (what follows moves up).  -EINVAL when it
 * is too short to be one. */
static int widen(struct rec_hdr *h, size_t old, size_t grow)
{
	char *p = (char *)(h + 1);

	if (h->len - sizeof(*h) < old || h->len + grow > REC_MAX)
		return -EINVAL;
	memmove(p + old + grow, p + old, h->len - sizeof(*h) - old);
	memset(p + old, 0, grow);
	h->len += (uint32_t)grow;
	return 0;
}

struct recording *recording_merge(struct recording **recs, char *const *names, size_t n,
				  char *why, size_t whylen)
{
	struct recmerge *g = recmerge_new(recs, names, n, why, whylen);
	struct recording *r;

	if (!g)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->merge = g;
	r->version = recmerge_version(g);
	return r;
}

unsigned recording_run(const struct recording *r)
{
	return r->merge ? recmerge_run(r->merge) : 0;
}

char *const *recording_labels(const struct recording *r, size_t *n)
{
	if (r->merge)
		return recmerge_labels(r->merge, n);
	*n = 0;
	return NULL;
}

int recording_next(struct recording *r, const void **rec, size_t *len, char *why, size_t whylen)
{
	struct rec_hdr *h = (struct rec_hdr *)r->buf;
	size_t got, rest;

	if (r->merge)
		return recmerge_next(r->merge, rec, len, why, whylen);
	got = fread(h, 1, sizeof(*h), r->f);
	if (got == 0)
		return 0;
	if (got < sizeof(*h)) {
		r->torn = got;
		return 0;
	}
	if (h->len < sizeof(*h) || h->len > REC_MAX || h->len % REC_ALIGN) {
		snprintf(why, whylen, "the recording is damaged at byte %llu (a record of impossible length)",
			 (unsigned long long)r->offset);
		return -1;
	}
	rest = h->len - sizeof(*h);
	got = fread(h + 1, 1, rest, r->f);
	if (got < rest) {
		r->torn = sizeof(*h) + got;
		return 0;
	}
	if ((r->version < 3 && h->type == REC_FD && widen(h, offsetof(struct rec_fd, dev),
			sizeof(struct rec_fd) - offsetof(struct rec_fd, dev)) < 0) ||
	    (r->version < 4 && h->type == REC_SYSSTAT && widen(h, offsetof(struct rec_sysstat, hist),
			sizeof(((struct rec_sysstat *)0)->hist)) < 0) ||
	    rec_validate(h, h->len) != 0) {
		snprintf(why, whylen, "the recording is damaged at byte %llu (an invalid record)",
			 (unsigned long long)r->offset);
		return -1;
	}
	r->offset += sizeof(*h) + rest;
	*rec = h;
	*len = h->len;
	return 1;
}

int recording_stream_fd(const struct recording *r)
{
	if (r->merge)
		return recmerge_stream_fd(r->merge);
	return r->seekable ? -1 : fileno(r->f);
}

/* A file being written: whether its next record is whole in it (or what
 * is there can never become one), else whether its writer is gone. */
static bool file_ready(struct recording *r)
{
	struct rec_hdr h;
	struct stat st;
	long at = ftell(r->f);
	uint64_t left;

	if (at < 0 || fstat(fileno(r->f), &st) != 0)
		return true;
	left = (uint64_t)st.st_size > (uint64_t)at ? (uint64_t)st.st_size - (uint64_t)at : 0;
	if (left >= sizeof(h) && pread(fileno(r->f), &h, sizeof(h), at) == sizeof(h) &&
	    (left >= h.len || h.len < sizeof(h) || h.len > REC_MAX))
		return true;
	r->follow = being_written(fileno(r->f));
	clearerr(r->f);   /* the end seen so far is not the end */
	return !r->follow;
}

bool recording_ready(struct recording *r)
{
	struct pollfd p;

	if (r->merge)
		return recmerge_ready(r->merge);
	p = (struct pollfd){ fileno(r->f), POLLIN, 0 };
	if (r->seekable)
		return !r->follow || file_ready(r);
	return poll(&p, 1, 0) != 0;
}

bool recording_live(const struct recording *r)
{
	if (r->merge)
		return recmerge_live(r->merge);
	return !r->seekable || r->follow;
}

size_t recording_torn(const struct recording *r)
{
	if (r->merge)
		return recmerge_torn(r->merge);
	return r->torn;
}

const char *recording_host(const struct recording *r)
{
	return r->host;
}

uint32_t recording_version(const struct recording *r)
{
	return r->version;
}

int recording_rewind(struct recording *r)
{
	if (r->merge)
		return recmerge_rewind(r->merge);
	if (!r->seekable)
		return -ESPIPE;
	if (fseek(r->f, (long)r->data_start, SEEK_SET) != 0)
		return -errno;
	r->offset = r->data_start;
	r->torn = 0;
	return 0;
}

int recording_close(struct recording *r)
{
	int err = 0;

	if (!r)
		return 0;
	if (r->merge) {
		recmerge_free(r->merge);
		free(r);
		return 0;
	}
	/* What the bound left out since the last count: said at the end. */
	if (r->out_dropped)
		err = output_record(r, r->out_last_ts, 0, "", 0, r->out_dropped);
	if (fclose(r->f) != 0 && !err)
		err = -errno;
	free(r->out);
	free(r);
	return err;
}
