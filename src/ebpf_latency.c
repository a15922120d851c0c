/* ebpf_latency.c - load bpf/latency.bpf.c and turn its samples into records.
 *
 * The only file that includes its generated skeleton.  open -> set rodata
 * (threshold, tracepoint shapes) -> load -> attach, with the tp_btf
 * programs and, if the kernel refuses them, the raw_tp twins.  Its ring is
 * read by src/ebpf.c's reader thread through ebpf_latency_read, which hands
 * every record to the sink and never drops one itself.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "ebpf_latency.h"
#include "ebpf_prog.h"
#include "record.h"
#include "util.h"

#include "../bpf/latency.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-qual"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include "latency.skel.h"
#pragma GCC diagnostic pop

struct ebpf_latency {
	struct latency_bpf *skel;
	struct ebpf_shape shape;
	unsigned threshold_us;
	const char *btf_path;         /* custom BTF (not owned), or NULL */
	bool raw;                     /* the raw_tp programs are the ones loaded */
	bool loaded;                  /* else only opened (its maps' definitions) */
	struct ring_buffer *rb;
	ebpf_sink_fn *sink;
	void *sink_ctx;
	bool refused;                 /* the sink took no more */
	struct recbuf rec;
};

/* Open the skeleton. */
static int open_skel(struct ebpf_latency *l)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = l->btf_path);
	struct latency_bpf *skel = latency_bpf__open_opts(&oo);

	if (!skel)
		return -errno;
	l->skel = skel;
	return 0;
}

/* Set the rodata of the open skeleton: threshold, tracepoint shapes. */
static void set_rodata(struct ebpf_latency *l)
{
	l->skel->rodata->sched_threshold_ns = (__u64)l->threshold_us * 1000;
	l->skel->rodata->switch_has_prev_state = l->shape.prev_state;
	l->skel->rodata->rq_tp_has_queue = l->shape.rq_queue;
	l->skel->rodata->has_io_start = l->shape.io_start;
}

struct ebpf_latency *ebpf_latency_open(unsigned threshold_us, const char *btf_path)
{
	struct ebpf_latency *l = xcalloc(1, sizeof(*l));
	int err;

	l->threshold_us = threshold_us;
	l->btf_path = btf_path;
	err = open_skel(l);
	if (err) {
		free(l);
		errno = -err;
		return NULL;
	}
	return l;
}

int ebpf_latency_make_shared(struct ebpf_latency *l, int *tasks_fd, int *drops_fd)
{
	*tasks_fd = ebpf_prog_map_like(l->skel->maps.tasks);
	if (*tasks_fd < 0)
		return *tasks_fd;
	*drops_fd = ebpf_prog_map_like(l->skel->maps.drops);
	return *drops_fd < 0 ? *drops_fd : 0;
}

/* Open (unless open already), load and attach one flavour of the programs;
 * a failed attempt leaves the object closed. */
static int load_flavour(struct ebpf_latency *l, bool raw, int tasks_fd, int drops_fd)
{
	int err = l->skel ? 0 : open_skel(l);

	if (err)
		return err;
	set_rodata(l);
	ebpf_prog_choose(l->skel->obj, raw, &l->shape);
	err = bpf_map__reuse_fd(l->skel->maps.tasks, tasks_fd);
	if (!err)
		err = bpf_map__reuse_fd(l->skel->maps.drops, drops_fd);
	if (!err)
		err = latency_bpf__load(l->skel);
	if (!err)
		err = latency_bpf__attach(l->skel);
	if (err) {
		latency_bpf__destroy(l->skel);
		l->skel = NULL;
	}
	l->raw = raw;
	l->loaded = !err;
	return err;
}

int ebpf_latency_load(struct ebpf_latency *l, const struct ebpf_shape *s, bool force_raw,
		      int tasks_fd, int drops_fd)
{
	int err;

	l->shape = *s;
	err = load_flavour(l, force_raw, tasks_fd, drops_fd);

	if (err && err != -EPERM && !force_raw)
		err = load_flavour(l, true, tasks_fd, drops_fd);
	return err;
}

bool ebpf_latency_raw(const struct ebpf_latency *l)
{
	return l->raw;
}

int ebpf_latency_add_proc(struct ebpf_latency *l, pid_t pid)
{
	static const struct lat_proc_hist zero;
	__u32 key = (__u32)pid;

	if (!l->loaded)
		return 0;   /* nothing measured: no histogram */
	if (bpf_map__update_elem(l->skel->maps.hists, &key, sizeof(key), &zero, sizeof(zero),
				 BPF_NOEXIST) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* Hand the record in l->rec to the sink. */
static void send_rec(struct ebpf_latency *l)
{
	rec_finish(&l->rec);
	if (!l->refused && !l->sink(l->sink_ctx, (const struct rec_hdr *)l->rec.buf))
		l->refused = true;
}

/* REC_HIST for one process's histogram (nothing when empty). */
static void send_hist(struct ebpf_latency *l, uint64_t ts, int pid, uint32_t kind,
		      const __u64 *slots)
{
	struct rec_hist *h;
	uint64_t any = 0;

	for (int i = 0; i < LAT_SLOTS; i++)
		any |= slots[i];
	if (!any)
		return;
	h = rec_begin(&l->rec, REC_HIST, ts, pid, pid, sizeof(*h));
	h->kind = kind == LAT_HIST_SCHED ? HIST_SCHED : HIST_BLOCK;
	h->pid = pid;
	h->nslots = LAT_SLOTS;
	rec_blob(&l->rec, slots, LAT_SLOTS * sizeof(uint64_t));
	send_rec(l);
}

/* REC_SCHED or REC_BLOCK from a sample. */
static void send_event(struct ebpf_latency *l, const struct lat_event *e)
{
	if (e->kind == LAT_SCHED) {
		struct rec_sched *s = rec_begin(&l->rec, REC_SCHED, e->ts, e->tid, e->tgid, sizeof(*s));
		s->delay_ns = e->lat_ns;
		s->cpu = (int32_t)e->aux;
		s->reason = e->reason;
	} else {
		struct rec_block *b = rec_begin(&l->rec, REC_BLOCK, e->ts, e->tid, e->tgid, sizeof(*b));
		b->lat_ns = e->lat_ns;
		b->bytes = e->bytes;
		b->sector = e->sector;
		b->dev = e->aux;
		b->write = e->reason;
	}
	send_rec(l);
}

/* Ring-buffer callback: one sample. */
static int on_sample(void *ctx, void *data, size_t size)
{
	struct ebpf_latency *l = ctx;
	__u32 kind;

	if (size < sizeof(kind))
		return 0;
	memcpy(&kind, data, sizeof(kind));
	if ((kind == LAT_SCHED || kind == LAT_BLOCK) && size >= sizeof(struct lat_event)) {
		send_event(l, data);
	} else if (kind == LAT_HIST && size >= sizeof(struct lat_hist)) {
		const struct lat_hist *h = data;
		send_hist(l, h->ts, h->pid, h->hist, h->slots);
	}
	return l->refused ? -ECANCELED : 0;
}

int ebpf_latency_ring(struct ebpf_latency *l, ebpf_sink_fn *sink, void *ctx)
{
	l->sink = sink;
	l->sink_ctx = ctx;
	if (!l->loaded)
		return 0;   /* no ring to read */
	l->rb = ring_buffer__new(bpf_map__fd(l->skel->maps.events), on_sample, l, NULL);
	return l->rb ? 0 : -errno;
}

int ebpf_latency_ring_fd(const struct ebpf_latency *l)
{
	return l->rb ? ring_buffer__epoll_fd(l->rb) : -1;
}

void ebpf_latency_read(struct ebpf_latency *l)
{
	if (l->rb)
		ring_buffer__consume(l->rb);
}

void ebpf_latency_send_live(struct ebpf_latency *l)
{
	const struct bpf_map *m = l->loaded ? l->skel->maps.hists : NULL;
	struct lat_proc_hist h;
	__u32 key, next;
	void *prev = NULL;
	uint64_t now = util_now_ns();

	while (m && bpf_map__get_next_key(m, prev, &next, sizeof(next)) == 0) {
		key = next;
		prev = &key;
		if (bpf_map__lookup_elem(m, &key, sizeof(key), &h, sizeof(h), 0) < 0)
			continue;
		send_hist(l, now, (int)key, LAT_HIST_SCHED, h.sched);
		send_hist(l, now, (int)key, LAT_HIST_BLOCK, h.block);
	}
}

/* Entries of a map with a 4-byte key. */
static size_t count_entries(const struct bpf_map *m)
{
	__u32 key, next;
	void *prev = NULL;
	size_t n = 0;

	while (bpf_map__get_next_key(m, prev, &next, sizeof(next)) == 0) {
		key = next;
		prev = &key;
		n++;
	}
	return n;
}

void ebpf_latency_count(const struct ebpf_latency *l, size_t *procs, size_t *waiting)
{
	*procs = l->loaded ? count_entries(l->skel->maps.hists) : 0;
	*waiting = l->loaded ? count_entries(l->skel->maps.stamps) : 0;
}

void ebpf_latency_free(struct ebpf_latency *l)
{
	if (!l)
		return;
	ring_buffer__free(l->rb);
	latency_bpf__destroy(l->skel);
	free(l);
}
