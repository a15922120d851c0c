/*
 * check_record.c - Check suite for src/record.c.
 *
 * Covers building records with rec_begin/rec_blob/rec_finish (8-aligned
 * lengths, zeroed padding, blobs capped at REC_MAX) and rec_validate: every
 * record type built the normal way is accepted, and a record is rejected
 * when the buffer is shorter than a header, its length is not aligned, runs
 * past the buffer or past REC_MAX, its type is unknown, its fixed payload
 * does not fit, any blob length it announces reaches past its end, or a
 * histogram claims more than 64 slots.  A
 * property test then mutates valid records 200,000 times: rec_validate must
 * never read outside the buffer it is given (every candidate is copied to an
 * exact-size heap block, so ASan sees any overread) and every record it
 * accepts must hold all the blobs it announces.  Also rec_path_cut (a
 * path longer than REC_PATH_MAX keeps the mark and its last whole
 * components) and src/recording.c's reading of a version 2 file, whose
 * REC_FDs have no dev.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record.h"
#include "recording.h"

#define HDR sizeof(struct rec_hdr)
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char filler[] = "0123456789abcdefghijklmnopqrstuvwxyz/usr/bin/true";

/* Length of the last record build() made, before rec_finish padded it. */
static size_t last_unpadded;

/* Fixed payload size of each type, as record.h defines the formats. */
static size_t fixed_of(unsigned type)
{
	switch (type) {
	case REC_START: return sizeof(struct rec_start);
	case REC_SYSCALL: return sizeof(struct rec_syscall);
	case REC_FD: return sizeof(struct rec_fd);
	case REC_NEWTASK: return sizeof(struct rec_newtask);
	case REC_EXEC: return sizeof(struct rec_exec);
	case REC_FDSET: return 0;
	case REC_EXIT: return sizeof(struct rec_exit);
	case REC_SIGNAL: return sizeof(struct rec_signal);
	case REC_END: return sizeof(struct rec_end);
	case REC_NOTE: return sizeof(struct rec_note);
	case REC_SCHED: return sizeof(struct rec_sched);
	case REC_BLOCK: return sizeof(struct rec_block);
	case REC_FAULT: return sizeof(struct rec_fault);
	case REC_LOST: return sizeof(struct rec_lost);
	case REC_HIST: return sizeof(struct rec_hist);
	case REC_MAPS: return sizeof(struct rec_maps);
	case REC_IO: return sizeof(struct rec_io);
	case REC_SYSSTAT: return sizeof(struct rec_sysstat);
	case REC_STACK: return sizeof(struct rec_stack);
	case REC_OUTPUT: return sizeof(struct rec_output);
	case REC_EXECINFO: return sizeof(struct rec_execinfo);
	case REC_DATA: return sizeof(struct rec_data);
	default: return 0;
	}
}

/* Build a valid record of type whose blobs have odd sizes based on k;
 * returns its length. */
static size_t build(struct recbuf *b, unsigned type, unsigned k)
{
	size_t a = 1 + k % 7, c = 3 + k % 5, d = k % 4;
	void *p = rec_begin(b, (enum rec_type)type, 1000 + k, 100, 100, fixed_of(type));

	switch (type) {
	case REC_START: {
		struct rec_start *s = p;
		s->pid = 100;
		s->argv_len = (uint32_t)a;
		rec_blob(b, filler, a);
		break;
	}
	case REC_SYSCALL: {
		struct rec_syscall *s = p;
		s->nr = 0;
		s->ret = 5;
		s->addr_len = (uint16_t)a;
		s->path_len = (uint16_t)c;
		rec_blob(b, filler, a);
		rec_blob(b, filler, c);
		break;
	}
	case REC_FD: {
		struct rec_fd *f = p;
		f->fd = 3;
		f->path_len = (uint16_t)a;
		f->laddr_len = (uint16_t)c;
		f->raddr_len = (uint16_t)d;
		rec_blob(b, filler, a);
		rec_blob(b, filler, c);
		rec_blob(b, filler, d);
		break;
	}
	case REC_NEWTASK: {
		struct rec_newtask *n = p;
		n->child = 101;
		break;
	}
	case REC_STACK: {
		struct rec_stack *st = p;
		st->nframes = (uint16_t)(1 + k % 3);
		st->mods_len = (uint32_t)c;
		for (unsigned i = 0; i < st->nframes; i++)
			rec_blob(b, filler, sizeof(struct rec_frame));
		rec_blob(b, filler, c);
		break;
	}
	case REC_EXEC: {
		struct rec_exec *e = p;
		e->old_tid = 100;
		e->exe_len = (uint16_t)a;
		e->argv_len = (uint32_t)c;
		rec_blob(b, filler, a);
		rec_blob(b, filler, c);
		break;
	}
	case REC_EXECINFO: {
		struct rec_execinfo *x = p;
		x->cwd_len = (uint32_t)a;
		x->env_len = (uint32_t)c;
		rec_blob(b, filler, a);
		rec_blob(b, filler, c);
		break;
	}
	case REC_FDSET: {
		int32_t fds[5] = { 0, 1, 2, 7, 9 };
		rec_blob(b, fds, (k % 6) * sizeof(int32_t));
		break;
	}
	case REC_EXIT: {
		struct rec_exit *e = p;
		e->status = 0;
		e->leader = 1;
		break;
	}
	case REC_SIGNAL: {
		struct rec_signal *s = p;
		s->sig = 15;
		break;
	}
	case REC_END: {
		struct rec_end *e = p;
		e->stops = 12;
		break;
	}
	case REC_NOTE: {
		struct rec_note *n = p;
		n->kind = NOTE_WARN;
		n->text_len = (uint32_t)a;
		rec_blob(b, filler, a);
		break;
	}
	case REC_MAPS: {
		struct rec_maps *mp = p;
		mp->text_len = (uint32_t)c;
		rec_blob(b, filler, c);
		break;
	}
	case REC_OUTPUT: {
		struct rec_output *o = p;
		o->len = (uint32_t)a;
		o->dropped = k;
		rec_blob(b, filler, a);
		break;
	}
	case REC_DATA: {
		struct rec_data *dt = p;
		dt->kind = DATA_DNS;
		dt->len = dt->total = (uint32_t)c;
		rec_blob(b, filler, c);
		break;
	}
	case REC_SCHED: {
		struct rec_sched *s = p;
		s->delay_ns = 1000 + k;
		s->cpu = (int32_t)(k % 4);
		break;
	}
	case REC_BLOCK: {
		struct rec_block *bl = p;
		bl->lat_ns = 5000;
		bl->bytes = 4096;
		bl->write = k & 1;
		break;
	}
	case REC_FAULT: {
		struct rec_fault *f = p;
		f->addr = 0x7f0000001000;
		f->ip = 0x401000;
		break;
	}
	case REC_LOST: {
		struct rec_lost *l = p;
		l->source = LOST_BPF;
		l->count = k;
		break;
	}
	case REC_HIST: {
		static const uint64_t slots[64];
		struct rec_hist *hs = p;
		hs->kind = HIST_SCHED;
		hs->pid = 100;
		hs->nslots = (uint32_t)(k % 65);
		rec_blob(b, slots, hs->nslots * sizeof(uint64_t));
		break;
	}
	default:
		break;
	}
	last_unpadded = b->len;
	return rec_finish(b);
}

static size_t announced(unsigned type, const unsigned char *p);

/* rec_validate on an exact-size heap copy of buf[0..n), so ASan sees overreads. */
static int validate_exact(const void *buf, size_t n)
{
	void *p = malloc(n ? n : 1);
	int r;

	ck_assert_ptr_nonnull(p);
	if (n)
		memcpy(p, buf, n);
	r = rec_validate(p, n);
	free(p);
	return r;
}

/* The header of a recbuf. */
static struct rec_hdr *hdr_of(struct recbuf *b)
{
	return (struct rec_hdr *)b->buf;
}

START_TEST(every_type_builds_aligned_and_validates)
{
	static struct recbuf b;

	for (unsigned type = REC_START; type < REC_TYPE_MAX; type++) {
		for (unsigned k = 0; k < 16; k++) {
			size_t len;
			const unsigned char *bytes = (const unsigned char *)b.buf;

			memset(&b, 0xa5, sizeof(b));   /* stale bytes must not leak in */
			len = build(&b, type, k);
			ck_assert_uint_eq(len % REC_ALIGN, 0);
			ck_assert_uint_eq(len, b.len);
			ck_assert_uint_eq(hdr_of(&b)->len, len);
			ck_assert_uint_eq(hdr_of(&b)->type, type);
			ck_assert_uint_eq(hdr_of(&b)->ts, 1000 + k);
			ck_assert_int_eq(hdr_of(&b)->tid, 100);
			ck_assert_int_eq(hdr_of(&b)->tgid, 100);
			ck_assert_uint_eq(hdr_of(&b)->flags, 0);
			ck_assert_uint_ge(len, HDR + fixed_of(type));
			/* header, payload and blobs, then at most 7 zero bytes */
			ck_assert_uint_ge(last_unpadded, HDR + fixed_of(type));
			ck_assert_uint_eq(len, rec_align(last_unpadded));
			for (size_t i = last_unpadded; i < len; i++)
				ck_assert_uint_eq(bytes[i], 0);
			ck_assert_uint_eq(last_unpadded - HDR - fixed_of(type),
					  type == REC_FDSET ? (k % 6) * sizeof(int32_t)
							    : announced(type, bytes + HDR));
			ck_assert_msg(validate_exact(b.buf, len) == 0, "type %u k %u", type, k);
			/* a buffer holding more than the record is fine too */
			ck_assert_int_eq(rec_validate(b.buf, len + 64), 0);
		}
	}
}
END_TEST

START_TEST(begin_zeroes_header_and_fixed_payload)
{
	static struct recbuf b;
	const unsigned char *p;

	memset(&b, 0xff, sizeof(b));
	p = rec_begin(&b, REC_SYSCALL, 7, 1, 2, sizeof(struct rec_syscall));
	ck_assert_ptr_eq(p, (const unsigned char *)b.buf + HDR);
	ck_assert_uint_eq(b.len, HDR + sizeof(struct rec_syscall));
	for (size_t i = 0; i < sizeof(struct rec_syscall); i++)
		ck_assert_uint_eq(p[i], 0);
	ck_assert_uint_eq(hdr_of(&b)->flags, 0);
	ck_assert_uint_eq(hdr_of(&b)->type, REC_SYSCALL);
	ck_assert_int_eq(hdr_of(&b)->tgid, 2);
}
END_TEST

START_TEST(found_task_is_a_thread_or_a_forked_process)
{
	static struct recbuf b;
	const struct rec_newtask *r = (const void *)((const char *)b.buf + HDR);

	rec_found_task(&b, 5, 10, 11, true);
	ck_assert_uint_eq(hdr_of(&b)->type, REC_NEWTASK);
	ck_assert_uint_eq(hdr_of(&b)->flags, NEWTASK_ATTACHED);
	ck_assert_int_eq(hdr_of(&b)->tid, 10);
	ck_assert_int_eq(hdr_of(&b)->tgid, 10);
	ck_assert_int_eq(r->child, 11);
	ck_assert_uint_eq(r->kind, NT_CLONE);
	ck_assert(r->flags & CLONE_THREAD);
	rec_found_task(&b, 6, 10, 12, false);
	ck_assert_int_eq(r->child, 12);
	ck_assert_uint_eq(r->kind, NT_FORK);
	ck_assert_uint_eq(r->flags, SIGCHLD);
	ck_assert_uint_eq(rec_finish(&b), b.len);
}
END_TEST

START_TEST(finish_pads_with_zeroes_to_the_alignment)
{
	static struct recbuf b;
	const unsigned char *bytes = (const unsigned char *)b.buf;
	struct rec_note *n;

	memset(&b, 0xff, sizeof(b));
	n = rec_begin(&b, REC_NOTE, 0, 1, 1, sizeof(*n));
	n->text_len = 3;
	ck_assert_uint_eq(rec_blob(&b, "abc", 3), 3);
	ck_assert_uint_eq(b.len, HDR + sizeof(*n) + 3);
	ck_assert_uint_eq(rec_finish(&b), HDR + sizeof(*n) + 8);
	ck_assert_mem_eq(bytes + HDR + sizeof(*n), "abc\0\0\0\0\0", 8);
	/* an already aligned record gains nothing */
	rec_begin(&b, REC_EXIT, 0, 1, 1, sizeof(struct rec_exit));
	ck_assert_uint_eq(rec_finish(&b), HDR + sizeof(struct rec_exit));
}
END_TEST

START_TEST(blob_is_capped_at_rec_max)
{
	static struct recbuf b;
	static char big[REC_MAX];
	struct rec_note *n;
	size_t first, second, len;

	memset(big, 'x', sizeof(big));
	n = rec_begin(&b, REC_NOTE, 0, 1, 1, sizeof(*n));
	first = rec_blob(&b, big, REC_MAX - 100);
	ck_assert_uint_eq(first, REC_MAX - 100);
	second = rec_blob(&b, big, 1000);
	ck_assert_uint_eq(second, 100 - HDR - sizeof(*n));
	ck_assert_uint_eq(rec_blob(&b, big, 5), 0);
	ck_assert_uint_eq(b.len, REC_MAX);
	n->text_len = (uint32_t)(first + second);
	len = rec_finish(&b);
	ck_assert_uint_eq(len, REC_MAX);
	ck_assert_int_eq(validate_exact(b.buf, len), 0);
	/* announcing what did not fit is caught */
	n->text_len++;
	ck_assert_int_eq(validate_exact(b.buf, len), -EINVAL);
}
END_TEST

START_TEST(rejects_buffer_shorter_than_a_header)
{
	static struct recbuf b;
	size_t len = build(&b, REC_EXIT, 0);

	ck_assert_int_eq(validate_exact(b.buf, len), 0);
	for (size_t n = 0; n < HDR; n++)
		ck_assert_msg(validate_exact(b.buf, n) == -EINVAL, "n %zu", n);
}
END_TEST

START_TEST(rejects_length_not_aligned)
{
	static struct recbuf b;

	for (unsigned type = REC_START; type < REC_TYPE_MAX; type++) {
		size_t len = build(&b, type, 3);

		for (unsigned d = 1; d < REC_ALIGN; d++) {
			hdr_of(&b)->len = (uint32_t)(len + d);
			ck_assert_int_eq(rec_validate(b.buf, sizeof(b.buf)), -EINVAL);
			hdr_of(&b)->len = (uint32_t)(len - d);
			ck_assert_int_eq(rec_validate(b.buf, sizeof(b.buf)), -EINVAL);
		}
	}
}
END_TEST

START_TEST(rejects_length_beyond_the_buffer)
{
	static struct recbuf b;

	for (unsigned type = REC_START; type < REC_TYPE_MAX; type++) {
		size_t len = build(&b, type, 5);

		for (size_t n = HDR; n < len; n++)
			ck_assert_msg(validate_exact(b.buf, n) == -EINVAL, "type %u n %zu", type, n);
		ck_assert_int_eq(validate_exact(b.buf, len), 0);
	}
}
END_TEST

START_TEST(rejects_length_below_header_or_above_rec_max)
{
	static unsigned char big[REC_MAX + 64];
	struct rec_hdr h;

	memset(big, 0, sizeof(big));
	memset(&h, 0, sizeof(h));
	h.type = REC_FDSET;   /* no fixed payload: only the length can be wrong */
	for (uint32_t len = 0; len < HDR; len += REC_ALIGN) {
		h.len = len;
		memcpy(big, &h, sizeof(h));
		ck_assert_msg(rec_validate(big, sizeof(big)) == -EINVAL, "len %u", len);
	}
	h.len = HDR;
	memcpy(big, &h, sizeof(h));
	ck_assert_int_eq(rec_validate(big, sizeof(big)), 0);
	h.len = REC_MAX;
	memcpy(big, &h, sizeof(h));
	ck_assert_int_eq(rec_validate(big, sizeof(big)), 0);
	h.len = REC_MAX + REC_ALIGN;
	memcpy(big, &h, sizeof(h));
	ck_assert_int_eq(rec_validate(big, sizeof(big)), -EINVAL);
	h.len = UINT32_MAX & ~(uint32_t)(REC_ALIGN - 1);
	memcpy(big, &h, sizeof(h));
	ck_assert_int_eq(rec_validate(big, sizeof(big)), -EINVAL);
}
END_TEST

START_TEST(rejects_unknown_type)
{
	static struct recbuf b;
	const uint16_t bad[] = { 0, REC_TYPE_MAX, REC_TYPE_MAX + 1, 0x100, 0xffff };
	size_t len = build(&b, REC_SYSCALL, 0);

	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		hdr_of(&b)->type = bad[i];
		ck_assert_msg(validate_exact(b.buf, len) == -EINVAL, "type %u", bad[i]);
	}
}
END_TEST

START_TEST(rejects_fixed_payload_that_does_not_fit)
{
	static struct recbuf b;

	for (unsigned type = REC_START; type < REC_TYPE_MAX; type++) {
		size_t fixed = fixed_of(type);

		if (!fixed)
			continue;
		build(&b, type, 0);
		/* every aligned length short of header + fixed payload */
		for (size_t len = HDR; len < HDR + fixed; len += REC_ALIGN) {
			hdr_of(&b)->len = (uint32_t)len;
			ck_assert_msg(validate_exact(b.buf, len) == -EINVAL,
				      "type %u len %zu", type, len);
		}
	}
}
END_TEST

/* Build a record of type with no blobs and room extra blob bytes of zeroes;
 * returns a pointer to its fixed payload. */
static void *with_room(struct recbuf *b, unsigned type, size_t room)
{
	static const char zeros[64 * sizeof(uint64_t)];
	void *p = rec_begin(b, (enum rec_type)type, 0, 1, 1, fixed_of(type));

	rec_blob(b, zeros, room);
	rec_finish(b);
	return p;
}

START_TEST(rejects_syscall_blobs_past_the_end)
{
	static struct recbuf b;
	struct rec_syscall *s = with_room(&b, REC_SYSCALL, 16);
	size_t len = b.len;

	s->addr_len = 16;
	ck_assert_int_eq(validate_exact(b.buf, len), 0);
	s->addr_len = 17;
	ck_assert_int_eq(validate_exact(b.buf, len), -EINVAL);
	s->addr_len = 0;
	s->path_len = 16;
	ck_assert_int_eq(validate_exact(b.buf, len), 0);
	s->path_len = 17;
	ck_assert_int_eq(validate_exact(b.buf, len), -EINVAL);
	/* each fits alone, not together */
	s->addr_len = 9;
	s->path_len = 8;
	ck_assert_int_eq(validate_exact(b.buf, len), -EINVAL);
	s->addr_len = 0xffff;
	s->path_len = 0xffff;
	ck_assert_int_eq(validate_exact(b.buf, len), -EINVAL);
}
END_TEST

START_TEST(rejects_fd_blobs_past_the_end)
{
	static struct recbuf b;
	struct rec_fd *f = with_room(&b, REC_FD, 24);
	size_t len = b.len;

	f->path_len = 8;
	f->laddr_len = 8;
	f->raddr_len = 8;
	ck_assert_int_eq(validate_exact(b.buf, len), 0);
	f->path_len = 9;
	ck_assert_int_eq(validate_exact(b.buf, len), -EINVAL);
	f->path_len = 8;
	f->laddr_len = 9;
	ck_assert_int_eq(validate_exact(b.buf, len), -EINVAL);
	f->laddr_len = 8;
	f->raddr_len = 9;
	ck_assert_int_eq(validate_exact(b.buf, len), -EINVAL);
	f->path_len = 0;
	f->laddr_len = 0;
	f->raddr_len = 25;
	ck_assert_int_eq(validate_exact(b.buf, len), -EINVAL);
	f->raddr_len = 0;
	f->path_len = 0xffff;
	ck_assert_int_eq(validate_exact(b.buf, len), -EINVAL);
}
END_TEST

START_TEST(rejects_exec_blobs_past_the_end)
{
	static struct recbuf b;
	struct rec_exec *e = with_room(&b, REC_EXEC, 32);
	size_t len = b.len;

	e->exe_len = 10;
	e->argv_len = 22;
	ck_assert_int_eq(validate_exact(b.buf, len), 0);
	e->argv_len = 23;
	ck_assert_int_eq(validate_exact(b.buf, len), -EINVAL);
	e->argv_len = 0;
	e->exe_len = 33;
	ck_assert_int_eq(validate_exact(b.buf, len), -EINVAL);
	e->exe_len = 0;
	e->argv_len = UINT32_MAX;
	ck_assert_int_eq(validate_exact(b.buf, len), -EINVAL);
	e->exe_len = 0xffff;
	ck_assert_int_eq(validate_exact(b.buf, len), -EINVAL);
}
END_TEST

START_TEST(rejects_start_argv_past_the_end)
{
	static struct recbuf b;
	struct rec_start *s = with_room(&b, REC_START, 8);
	size_t len = b.len;

	s->argv_len = 8;
	ck_assert_int_eq(validate_exact(b.buf, len), 0);
	s->argv_len = 9;
	ck_assert_int_eq(validate_exact(b.buf, len), -EINVAL);
	s->argv_len = UINT32_MAX;
	ck_assert_int_eq(validate_exact(b.buf, len), -EINVAL);
}
END_TEST

START_TEST(rejects_note_text_past_the_end)
{
	static struct recbuf b;
	struct rec_note *n = with_room(&b, REC_NOTE, 0);
	size_t len = b.len;

	n->text_len = 0;
	ck_assert_int_eq(validate_exact(b.buf, len), 0);
	n->text_len = 1;
	ck_assert_int_eq(validate_exact(b.buf, len), -EINVAL);
	n->text_len = UINT32_MAX;
	ck_assert_int_eq(validate_exact(b.buf, len), -EINVAL);
}
END_TEST

START_TEST(rejects_hist_slots_past_the_end_or_over_64)
{
	static struct recbuf b;
	struct rec_hist *hs = with_room(&b, REC_HIST, 64 * sizeof(uint64_t));
	size_t len = b.len;

	hs->nslots = 64;
	ck_assert_int_eq(validate_exact(b.buf, len), 0);
	hs->nslots = 65;   /* more slots than a log2 histogram of u64 has */
	ck_assert_int_eq(validate_exact(b.buf, len), -EINVAL);
	hs->nslots = UINT32_MAX;
	ck_assert_int_eq(validate_exact(b.buf, len), -EINVAL);

	hs = with_room(&b, REC_HIST, 3 * sizeof(uint64_t));
	len = b.len;
	hs->nslots = 3;
	ck_assert_int_eq(validate_exact(b.buf, len), 0);
	hs->nslots = 4;
	ck_assert_int_eq(validate_exact(b.buf, len), -EINVAL);
}
END_TEST

START_TEST(fdset_of_any_count_validates)
{
	static struct recbuf b;
	int32_t fds[9] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };

	for (size_t n = 0; n <= 9; n++) {
		size_t len;

		rec_begin(&b, REC_FDSET, 0, 1, 1, 0);
		ck_assert_uint_eq(rec_blob(&b, fds, n * sizeof(int32_t)), n * sizeof(int32_t));
		len = rec_finish(&b);
		ck_assert_uint_eq(len, HDR + rec_align(n * sizeof(int32_t)));
		ck_assert_int_eq(validate_exact(b.buf, len), 0);
	}
}
END_TEST

/* ---- property test ---- */

static uint64_t rng_state;

/* xorshift64*: a small deterministic generator. */
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* The length fields of a type's fixed payload: where each is, its width,
 * and the blob bytes one unit of it announces.  The test's own account of
 * the record layout (src/record.h), for mutations and for what a record
 * announces. */
struct lenfield {
	size_t off, width, unit;
};

static size_t lenfields(unsigned type, struct lenfield *out)
{
	size_t n = 0;

#define LF(T, F, U) (out[n].off = offsetof(T, F), out[n].width = sizeof(((T *)0)->F), \
		     out[n].unit = (U), n++)
	switch (type) {
	case REC_START: LF(struct rec_start, argv_len, 1); break;
	case REC_SYSCALL:
		LF(struct rec_syscall, addr_len, 1);
		LF(struct rec_syscall, path_len, 1);
		break;
	case REC_FD:
		LF(struct rec_fd, path_len, 1);
		LF(struct rec_fd, laddr_len, 1);
		LF(struct rec_fd, raddr_len, 1);
		break;
	case REC_EXEC: LF(struct rec_exec, exe_len, 1); LF(struct rec_exec, argv_len, 1); break;
	case REC_NOTE: LF(struct rec_note, text_len, 1); break;
	case REC_EXECINFO:
		LF(struct rec_execinfo, cwd_len, 1);
		LF(struct rec_execinfo, env_len, 1);
		break;
	case REC_HIST: LF(struct rec_hist, nslots, sizeof(uint64_t)); break;
	case REC_MAPS: LF(struct rec_maps, text_len, 1); break;
	case REC_OUTPUT: LF(struct rec_output, len, 1); break;
	case REC_DATA: LF(struct rec_data, len, 1); break;
	case REC_STACK:
		LF(struct rec_stack, nframes, sizeof(struct rec_frame));
		LF(struct rec_stack, mods_len, 1);
		break;
	default: break;
	}
#undef LF
	return n;
}

/* Read a little-endian field of width bytes. */
static uint64_t load(const unsigned char *p, size_t width)
{
	uint64_t v = 0;

	for (size_t i = width; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

/* Blob bytes the fixed payload at p announces: its length fields, added up. */
static size_t announced(unsigned type, const unsigned char *p)
{
	struct lenfield lf[3];
	size_t n = lenfields(type, lf), total = 0;

	for (size_t i = 0; i < n; i++)
		total += (size_t)load(p + lf[i].off, lf[i].width) * lf[i].unit;
	return total;
}

/* Store v in a little-endian field of width bytes. */
static void store(unsigned char *p, size_t width, uint64_t v)
{
	for (size_t i = 0; i < width; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

START_TEST(random_mutations_never_pass_with_blobs_outside)
{
	static struct recbuf b;
	static unsigned char work[1024];
	const unsigned iterations = 200000;
	unsigned accepted = 0, rejected = 0;

	rng_state = 0x9e3779b97f4a7c15ull;
	for (unsigned it = 0; it < iterations; it++) {
		unsigned type = REC_START + (unsigned)(rnd() % (REC_TYPE_MAX - REC_START));
		size_t len = build(&b, type, (unsigned)(rnd() % 64));
		size_t n = len;
		unsigned muts = 1 + (unsigned)(rnd() % 3);
		struct lenfield lf[3];
		size_t nlf = lenfields(type, lf);
		unsigned char *p;
		int r;

		ck_assert_uint_le(len, sizeof(work));
		memcpy(work, b.buf, len);
		memset(work + len, 0, sizeof(work) - len);
		for (unsigned k = 0; k < muts; k++) {
			uint64_t v = rnd();

			switch (rnd() % 8) {
			case 0:   /* flip a bit anywhere in the record */
				work[v % len] ^= (unsigned char)(1u << (v >> 32) % 8);
				break;
			case 1:   /* random byte anywhere in the record */
				work[v % len] = (unsigned char)(v >> 40);
				break;
			case 2:   /* a small change to one announced length */
			case 3:
				if (nlf) {
					struct lenfield *f = &lf[(v >> 8) % nlf];
					store(work + HDR + f->off, f->width, v % 48);
				}
				break;
			case 4:   /* a wild announced length */
				if (nlf) {
					struct lenfield *f = &lf[(v >> 8) % nlf];
					store(work + HDR + f->off, f->width, v >> 16);
				}
				break;
			case 5: {   /* a new record length, usually aligned */
				uint32_t l = (uint32_t)((v >> 8) % (len + 64));
				if (v & 1)
					l &= ~(uint32_t)(REC_ALIGN - 1);
				store(work + offsetof(struct rec_hdr, len), 4, l);
				break;
			}
			case 6:   /* another type with the same bytes */
				store(work + offsetof(struct rec_hdr, type), 2, (v >> 8) % (REC_TYPE_MAX + 2));
				break;
			default:  /* a shorter or longer buffer */
				n = (size_t)((v >> 8) % (len + 48));
				break;
			}
		}
		/* the candidate lives in an exact-size heap block */
		p = malloc(n ? n : 1);
		ck_assert_ptr_nonnull(p);
		memcpy(p, work, n);
		r = rec_validate(p, n);
		if (r == 0) {
			struct rec_hdr h;
			size_t fixed;
			unsigned sum = 0;

			accepted++;
			ck_assert_uint_ge(n, HDR);
			memcpy(&h, p, sizeof(h));
			ck_assert_uint_ge(h.type, REC_START);
			ck_assert_uint_lt(h.type, REC_TYPE_MAX);
			ck_assert_uint_ge(h.len, HDR);
			ck_assert_uint_le(h.len, n);
			ck_assert_uint_le(h.len, REC_MAX);
			ck_assert_uint_eq(h.len % REC_ALIGN, 0);
			fixed = fixed_of(h.type);
			ck_assert_uint_le(HDR + fixed, h.len);
			ck_assert_msg(HDR + fixed + announced(h.type, p + HDR) <= h.len,
				      "iteration %u: type %u len %u announces %zu blob bytes",
				      it, h.type, h.len, announced(h.type, p + HDR));
			if (h.type == REC_HIST) {
				struct rec_hist hs;
				memcpy(&hs, p + HDR, sizeof(hs));
				ck_assert_uint_le(hs.nslots, 64);
			}
			/* read every announced blob byte: ASan would see one outside */
			for (size_t i = HDR + fixed; i < HDR + fixed + announced(h.type, p + HDR); i++)
				sum += p[i];
			(void)sum;
		} else {
			ck_assert_int_eq(r, -EINVAL);
			rejected++;
		}
		free(p);
	}
	/* both outcomes must really have been exercised */
	ck_assert_uint_gt(accepted, iterations / 20);
	ck_assert_uint_gt(rejected, iterations / 4);
}
END_TEST

START_TEST(a_path_up_to_rec_path_max_stays_whole)
{
	static char p[REC_PATH_MAX + REC_PATH_CUT_LEN];

	memset(p, 'x', REC_PATH_MAX);
	p[0] = '/';
	ck_assert_uint_eq(rec_path_cut(p, REC_PATH_MAX), REC_PATH_MAX);
	ck_assert_int_eq(p[0], '/');
	ck_assert_uint_eq(rec_path_cut(p, 1), 1);
}
END_TEST

START_TEST(a_longer_path_keeps_the_mark_and_its_last_whole_components)
{
	static char p[50 * 200 + 64];
	size_t len = 0, n;

	for (int i = 0; i < 50; i++) {   /* 50 components of 200 bytes, "/" included */
		p[len++] = '/';
		memset(p + len, 'a' + i % 26, 199);
		len += 199;
	}
	memcpy(p + len, "/secret_A.txt", 13);
	len += 13;
	n = rec_path_cut(p, len);
	/* 40 components and the name fit in REC_PATH_MAX (8013 bytes), 41 do not */
	ck_assert_uint_eq(n, REC_PATH_CUT_LEN + 40 * 200 + 13);
	ck_assert(memcmp(p, REC_PATH_CUT "/", REC_PATH_CUT_LEN + 1) == 0);
	ck_assert_int_eq(p[REC_PATH_CUT_LEN + 1], 'a' + 10);
	ck_assert(memcmp(p + n - 13, "/secret_A.txt", 13) == 0);
}
END_TEST

START_TEST(a_cut_can_keep_exactly_rec_path_max_bytes)
{
	static char p[REC_PATH_MAX + 2 + REC_PATH_CUT_LEN];
	size_t n;

	/* "/b" then a tail of exactly REC_PATH_MAX bytes that starts with "/" */
	memset(p, 'y', sizeof(p));
	memcpy(p, "/b/", 3);
	n = rec_path_cut(p, REC_PATH_MAX + 2);
	ck_assert_uint_eq(n, REC_PATH_CUT_LEN + REC_PATH_MAX);
	ck_assert(memcmp(p, REC_PATH_CUT "/yyy", REC_PATH_CUT_LEN + 4) == 0);
}
END_TEST

/* Write a recording of format version with the len bytes of one record. */
static void write_old_recording(const char *path, uint32_t version, const void *rec, size_t len)
{
	static char prog[] = "prog";
	char *const argv[] = { prog, NULL };
	struct recording *r = recording_create(path, argv);
	int fd;

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(recording_append(r, rec, len), 0);
	ck_assert_int_eq(recording_close(r), 0);
	fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, &version, sizeof(version), 8), sizeof(version));   /* after the magic */
	close(fd);
}

/* Write a recording holding one REC_FD as version 2 wrote it (no dev). */
static void write_v2_recording(const char *path)
{
	unsigned char rec[64] = { 0 };
	struct rec_hdr h = { .ts = 5, .len = sizeof(rec), .type = REC_FD, .tid = 7, .tgid = 7 };
	struct rec_fd f = { .fd = 3, .kind = FDK_FILE, .path_len = 9, .ino = 1234 };

	memcpy(rec, &h, sizeof(h));
	memcpy(rec + sizeof(h), &f, offsetof(struct rec_fd, dev));
	memcpy(rec + sizeof(h) + offsetof(struct rec_fd, dev), "/old/file", 9);
	write_old_recording(path, 2, rec, sizeof(rec));
}

START_TEST(a_version_2_recording_reads_its_fds_with_dev_zero)
{
	char path[] = "/tmp/check_record_v2_XXXXXX", why[256];
	int fd = mkstemp(path);
	const void *rec;
	struct rec_fd f;
	struct recording *r;
	size_t len;

	ck_assert_int_ge(fd, 0);
	close(fd);
	write_v2_recording(path);
	r = recording_open(path, why, sizeof(why));
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(recording_next(r, &rec, &len, why, sizeof(why)), 1);
	ck_assert_uint_eq(len, 72);
	ck_assert_int_eq(rec_validate(rec, len), 0);
	memcpy(&f, (const char *)rec + HDR, sizeof(f));
	ck_assert_int_eq(f.fd, 3);
	ck_assert_uint_eq(f.ino, 1234);
	ck_assert_uint_eq(f.dev, 0);
	ck_assert_uint_eq(f.path_len, 9);
	ck_assert(memcmp((const char *)rec + HDR + sizeof(f), "/old/file", 9) == 0);
	ck_assert_int_eq(recording_next(r, &rec, &len, why, sizeof(why)), 0);
	recording_close(r);
	unlink(path);
}
END_TEST

/* A version 3 REC_SYSSTAT (no histogram) reads with an empty one. */
START_TEST(a_version_3_recording_reads_its_call_counts_with_no_histogram)
{
	char path[] = "/tmp/check_record_v3_XXXXXX", why[256];
	size_t old = offsetof(struct rec_sysstat, hist), len;
	unsigned char rec[sizeof(struct rec_hdr) + offsetof(struct rec_sysstat, hist)] = { 0 };
	struct rec_hdr h = { .ts = 5, .len = sizeof(rec), .type = REC_SYSSTAT, .tid = 7, .tgid = 7 };
	struct rec_sysstat st = { .nr = 39, .calls = 12, .errors = 1, .timed = 12, .total_ns = 1200,
				  .max_ns = 300 };
	int fd = mkstemp(path);
	const void *got;
	struct recording *r;

	ck_assert_int_ge(fd, 0);
	close(fd);
	memcpy(rec, &h, sizeof(h));
	memcpy(rec + sizeof(h), &st, old);
	write_old_recording(path, 3, rec, sizeof(rec));
	r = recording_open(path, why, sizeof(why));
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(recording_next(r, &got, &len, why, sizeof(why)), 1);
	ck_assert_uint_eq(len, HDR + sizeof(st));
	ck_assert_int_eq(rec_validate(got, len), 0);
	memset(&st, 0xff, sizeof(st));
	memcpy(&st, (const char *)got + HDR, sizeof(st));
	ck_assert_int_eq(st.nr, 39);
	ck_assert_uint_eq(st.calls, 12);
	ck_assert_uint_eq(st.max_ns, 300);
	for (int i = 0; i < REC_SYSSTAT_SLOTS; i++)
		ck_assert_uint_eq(st.hist[i], 0);
	ck_assert_int_eq(recording_next(r, &got, &len, why, sizeof(why)), 0);
	recording_close(r);
	unlink(path);
}
END_TEST

/* The record test suite. */
static Suite *record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("core");
	TCase *prop = tcase_create("property");

	tcase_add_test(tc, every_type_builds_aligned_and_validates);
	tcase_add_test(tc, a_version_3_recording_reads_its_call_counts_with_no_histogram);
	tcase_add_test(tc, begin_zeroes_header_and_fixed_payload);
	tcase_add_test(tc, found_task_is_a_thread_or_a_forked_process);
	tcase_add_test(tc, finish_pads_with_zeroes_to_the_alignment);
	tcase_add_test(tc, blob_is_capped_at_rec_max);
	tcase_add_test(tc, rejects_buffer_shorter_than_a_header);
	tcase_add_test(tc, rejects_length_not_aligned);
	tcase_add_test(tc, rejects_length_beyond_the_buffer);
	tcase_add_test(tc, rejects_length_below_header_or_above_rec_max);
	tcase_add_test(tc, rejects_unknown_type);
	tcase_add_test(tc, rejects_fixed_payload_that_does_not_fit);
	tcase_add_test(tc, rejects_syscall_blobs_past_the_end);
	tcase_add_test(tc, rejects_fd_blobs_past_the_end);
	tcase_add_test(tc, rejects_exec_blobs_past_the_end);
	tcase_add_test(tc, rejects_start_argv_past_the_end);
	tcase_add_test(tc, rejects_note_text_past_the_end);
	tcase_add_test(tc, rejects_hist_slots_past_the_end_or_over_64);
	tcase_add_test(tc, fdset_of_any_count_validates);
	tcase_add_test(tc, a_path_up_to_rec_path_max_stays_whole);
	tcase_add_test(tc, a_longer_path_keeps_the_mark_and_its_last_whole_components);
	tcase_add_test(tc, a_cut_can_keep_exactly_rec_path_max_bytes);
	tcase_add_test(tc, a_version_2_recording_reads_its_fds_with_dev_zero);
	suite_add_tcase(s, tc);
	tcase_add_test(prop, random_mutations_never_pass_with_blobs_outside);
	tcase_set_timeout(prop, 120);
	suite_add_tcase(s, prop);
	return s;
}

/* Run the suite; exit status is non-zero on any failure. */
int main(void)
{
	SRunner *sr = srunner_create(record_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
