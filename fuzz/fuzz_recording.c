/* fuzz_recording.c - libFuzzer harness for reading --record files.
 *
 * The input is a whole recording file: it is written to a memfd and read
 * back through recording_open and recording_next exactly as --replay does,
 * each record going to a fresh model.  Checked promises: every record
 * handed out passed rec_validate and is as long as its header says; a
 * damaged file gives -1 with a reason; a torn tail is shorter than one
 * record; the reader never hands out more bytes than the file holds (a
 * REC_FD of a version 1 or 2 file comes out 8 bytes longer: it gets dev; a
 * REC_SYSSTAT of a version 3 file 128: it gets an empty histogram); a
 * REC_OUTPUT's bytes lie inside it; read again after recording_rewind (a
 * replay seeking back), the file gives the same records; sent through a
 * pipe (--replay -), it gives the same records, the same end and the same
 * torn bytes, and refuses to be read again; merged with itself
 * (--replay A A) it gives every record twice, the second time as another
 * host's, into a model of two hosts.  The model gets
 * an exact-size copy so ASan sees it read past a record.  It
 * must never touch the file system beyond its own memfd.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "model.h"
#include "record.h"
#include "recording.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;   /* keeps the reads below from being optimised out */

/* Report a broken promise, then crash. */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_recording: %s\n", what);
	abort();
}

/* A memfd holding data, or -1. */
static int memfd_with(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz_recording", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Check one record the reader handed out (of the run-th recording of a
 * merge), then give the model a copy. */
static void take(struct model *m, unsigned run, const void *rec, size_t len)
{
	struct rec_hdr h;
	void *copy;

	if (len < sizeof(h) || len > REC_MAX)
		fail("record length out of range");
	memcpy(&h, rec, sizeof(h));
	if (h.len != len || rec_validate(rec, len) != 0)
		fail("record handed out that rec_validate refuses");
	if (h.type == REC_OUTPUT) {
		struct rec_output o;

		memcpy(&o, (const char *)rec + sizeof(h), sizeof(o));
		if (sizeof(h) + sizeof(o) + o.len > len)
			fail("output bytes past the end of their record");
	}
	copy = malloc(len);
	memcpy(copy, rec, len);
	model_ingest_run(m, run, copy);
	free(copy);
}

/* Bytes of the file a record handed out took (version: the file's). */
static size_t file_bytes(const void *rec, size_t len, uint32_t version)
{
	struct rec_hdr h;

	memcpy(&h, rec, sizeof(h));
	if (version < 3 && h.type == REC_FD)
		return len - (sizeof(struct rec_fd) - offsetof(struct rec_fd, dev));
	if (version < 4 && h.type == REC_SYSSTAT)
		return len - sizeof(((struct rec_sysstat *)0)->hist);
	return len;
}

/* What reading a recording gave: records, the last recording_next's
 * answer, torn bytes; opened is false when it was refused. */
struct read_result {
	bool opened;
	size_t n, torn;
	int got;
};

/* The same bytes through a pipe, as --replay - reads them (inputs up to a
 * pipe's 64 KiB, written before reading). */
static void replay_piped(const uint8_t *data, size_t size, const struct read_result *want)
{
	char why[512] = "";
	struct recording *r;
	const void *rec;
	size_t len, n = 0;
	int fds[2], got;

	if (size > 65536 || pipe(fds) != 0)
		return;
	if (size && write(fds[1], data, size) != (ssize_t)size) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	close(fds[1]);
	r = recording_open_fd(fds[0], "standard input", why, sizeof(why));
	if (!r) {
		if (want->opened || !why[0])
			fail("a pipe refuses what the file opens, or without a reason");
		return;
	}
	if (!want->opened)
		fail("a pipe opens what the file refuses");
	while ((got = recording_next(r, &rec, &len, why, sizeof(why))) > 0)
		n++;
	if (n != want->n || got != want->got || recording_torn(r) != want->torn)
		fail("through a pipe, the recording gives other records");
	if (recording_rewind(r) != -ESPIPE)
		fail("a pipe read again");
	recording_close(r);
}

/* Read the whole recording of format version into a fresh model. */
static void replay(const char *path, size_t size, uint32_t version, struct read_result *res)
{
	char why[512];
	struct recording *r;
	struct model *m;
	const void *rec;
	size_t len, total = 0, n = 0, n2 = 0;
	int got, again;

	why[0] = '\0';
	r = recording_open(path, why, sizeof(why));
	if (!r) {
		if (!why[0] || !memchr(why, '\0', sizeof(why)))
			fail("open failed without a reason");
		return;
	}
	res->opened = true;
	m = model_new();
	while ((got = recording_next(r, &rec, &len, why, sizeof(why))) > 0) {
		total += file_bytes(rec, len, version);
		n++;
		take(m, 0, rec, len);
	}
	if (got < 0 && !why[0])
		fail("damaged recording without a reason");
	if (recording_torn(r) >= REC_MAX || total + recording_torn(r) > size)
		fail("more bytes handed out than the file holds");
	res->n = n;
	res->got = got;
	res->torn = recording_torn(r);
	if (recording_rewind(r) != 0)
		fail("a recording that opened cannot be read again");
	while ((again = recording_next(r, &rec, &len, why, sizeof(why))) > 0)
		n2++;
	if (n2 != n || again != got)
		fail("read again, the recording gives other records");
	sink += model_events(m) + model_live_tasks(m);
	model_free(m);
	recording_close(r);
}

/* The recording merged with itself (--replay A A): both or neither open;
 * merged, twice its records, the second time with the pids of a second
 * recording, ending as it ends; the model takes them as two hosts'. */
static void replay_merged(const char *path, const struct read_result *want)
{
	char why[512] = "", *names[2] = { (char *)"a", (char *)"b" };
	struct recording *parts[2], *r;
	struct model *m;
	const void *rec;
	size_t len, n = 0, nlabels;
	int got;

	if (!want->opened)
		return;
	parts[0] = recording_open(path, why, sizeof(why));
	parts[1] = recording_open(path, why, sizeof(why));
	if (!parts[0] || !parts[1])
		fail("a recording that opened once does not open again");
	r = recording_merge(parts, names, 2, why, sizeof(why));
	if (!r) {
		if (!why[0])
			fail("a merge refused without a reason");
		return;
	}
	m = model_new();
	model_set_runs(m, recording_labels(r, &nlabels), 2);
	while ((got = recording_next(r, &rec, &len, why, sizeof(why))) > 0) {
		take(m, recording_run(r), rec, len);
		n++;
	}
	if (n != 2 * want->n || got != want->got || (got < 0 && !why[0]))
		fail("merged with itself, the recording gives other records");
	sink += model_events(m) + nlabels;
	model_free(m);
	recording_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = memfd_with(data, size);
	uint32_t version = 0;
	struct read_result res = { 0 };

	if (fd < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (size >= 12)
		memcpy(&version, data + 8, sizeof(version));   /* after the magic */
	replay(path, size, version, &res);
	replay_merged(path, &res);
	close(fd);
	replay_piped(data, size, &res);
	return 0;
}
