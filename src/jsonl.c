/* jsonl.c - the --json sink.
 *
 * Writes JSON Lines: one object per model event, then exactly one summary
 * object whose field names other tools read, so they never change meaning.
 * Every string goes through json_str, so any bytes a tracee produced come
 * out as valid JSON.  It reads the model; it never decodes a syscall.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "fmt.h"
#include "json.h"
#include "jsonl.h"
#include "sysent.h"
#include "util.h"

struct jsonl {
	FILE *out;
	struct strbuf sb;
};

struct jsonl *jsonl_new(FILE *out)
{
	struct jsonl *j = xcalloc(1, sizeof(*j));

	j->out = out;
	strbuf_init(&j->sb, 512);
	return j;
}

void jsonl_free(struct jsonl *j)
{
	if (!j)
		return;
	strbuf_release(&j->sb);
	free(j);
}

/* ,"key":"value" (or null). */
static void kv_str(struct strbuf *sb, const char *key, const char *val)
{
	strbuf_addf(sb, ",\"%s\":", key);
	json_cstr(sb, val);
}

/* ,"key":number. */
static void kv_u64(struct strbuf *sb, const char *key, uint64_t v)
{
	strbuf_addf(sb, ",\"%s\":%" PRIu64, key, v);
}

void jsonl_exit(struct strbuf *sb, int status)
{
	if (status < 0) {
		strbuf_addstr(sb, "{\"code\":null,\"signal\":null}");
	} else if (WIFSIGNALED(status)) {
		strbuf_addf(sb, "{\"code\":%d,\"signal\":", 128 + WTERMSIG(status));
		json_cstr(sb, fmt_signame(WTERMSIG(status)));
		strbuf_addch(sb, '}');
	} else {
		strbuf_addf(sb, "{\"code\":%d,\"signal\":null}", WEXITSTATUS(status));
	}
}

/* ["a","b",...] */
static void str_array(struct strbuf *sb, char *const *v)
{
	strbuf_addch(sb, '[');
	for (size_t i = 0; v && v[i]; i++) {
		if (i)
			strbuf_addch(sb, ',');
		json_cstr(sb, v[i]);
	}
	strbuf_addch(sb, ']');
}

/* "r", "w", "rw" or "" for FM_* bits. */
static const char *mode_text(int mode)
{
	static const char *const t[] = { "", "r", "w", "rw" };

	return t[mode & 3];
}

/* Fields describing what an fd refers to, with a prefix ("", "in_", "out_"). */
static void obj_fields(struct strbuf *sb, const char *pre, const struct fobj *o)
{
	char key[32];

	snprintf(key, sizeof(key), "%skind", pre);
	kv_str(sb, key, o ? model_kind_name(o->kind) : "unknown");
	if (!o)
		return;
	if (o->local || o->remote) {
		snprintf(key, sizeof(key), "%slocal", pre);
		kv_str(sb, key, o->local);
		snprintf(key, sizeof(key), "%sremote", pre);
		kv_str(sb, key, o->remote);
	} else {
		snprintf(key, sizeof(key), "%spath", pre);
		kv_str(sb, key, o->path);
	}
}

/* ,"error":"ENOENT" when ret is an error. */
static void error_field(struct strbuf *sb, int64_t ret)
{
	if (ret < 0 && ret >= -4095)
		kv_str(sb, "error", fmt_errno_name((int)-ret));
}

/* "private|anon" style text of mmap flags. */
static void mmap_flags(struct strbuf *sb, uint64_t f)
{
	strbuf_addstr(sb, ",\"flags\":\"");
	strbuf_addstr(sb, (f & MAP_SHARED) ? "shared" : "private");
	if (f & MAP_ANONYMOUS)
		strbuf_addstr(sb, "|anon");
	if (f & MAP_FIXED)
		strbuf_addstr(sb, "|fixed");
	if (f & MAP_STACK)
		strbuf_addstr(sb, "|stack");
	strbuf_addch(sb, '"');
}

/* Type-specific fields of an event. */
static void event_fields(struct strbuf *sb, const struct event *ev)
{
	char buf[24];

	switch (ev->type) {
	case EV_EXEC:
		kv_str(sb, "exe", ev->path);
		strbuf_addstr(sb, ",\"argv\":");
		str_array(sb, ev->proc ? ev->proc->argv : NULL);
		break;
	case EV_FORK:
	case EV_THREAD:
		strbuf_addf(sb, ",\"child\":%d", ev->child);
		kv_str(sb, "syscall", ev->status == 0 ? "fork" : ev->status == 1 ? "vfork" : "clone");
		kv_u64(sb, "clone_flags", ev->flags);
		break;
	case EV_EXIT:
		strbuf_addstr(sb, ",\"exit\":");
		jsonl_exit(sb, ev->status);
		strbuf_addf(sb, ",\"thread\":%s", ev->thread ? "true" : "false");
		break;
	case EV_OPEN:
		kv_str(sb, "path", ev->path);
		strbuf_addf(sb, ",\"fd\":%d", ev->fd);
		kv_str(sb, "mode", mode_text(ev->obj ? ev->obj->mode : 0));
		if (ev->obj)
			kv_str(sb, "kind", model_kind_name(ev->obj->kind));
		error_field(sb, ev->ret);
		break;
	case EV_CLOSE:
		strbuf_addf(sb, ",\"fd\":%d", ev->fd);
		obj_fields(sb, "", ev->obj);
		break;
	case EV_CONNECT:
	case EV_ACCEPT:
		strbuf_addf(sb, ",\"fd\":%d", ev->fd);
		kv_str(sb, "proto", ev->obj ? model_kind_name(ev->obj->kind) : "unknown");
		kv_str(sb, "local", ev->conn ? ev->conn->local : ev->obj ? ev->obj->local : NULL);
		kv_str(sb, "remote", ev->conn ? ev->conn->remote : ev->addr_text);
		error_field(sb, ev->ret);
		break;
	case EV_READ: case EV_WRITE: case EV_SEND: case EV_RECV:
		strbuf_addf(sb, ",\"fd\":%d", ev->fd);
		kv_u64(sb, "bytes", ev->bytes);
		if (ev->calls)   /* counted in the kernel (--ebpf): no single syscall */
			kv_u64(sb, "calls", ev->calls);
		else
			kv_str(sb, "syscall", sysent_name(0, ev->nr));
		obj_fields(sb, "", ev->obj);
		break;
	case EV_SENDFILE: case EV_COPY_FILE_RANGE: case EV_SPLICE: case EV_TEE:
		strbuf_addf(sb, ",\"in_fd\":%d,\"out_fd\":%d", ev->fd, ev->fd2);
		kv_u64(sb, "bytes", ev->bytes);
		obj_fields(sb, "in_", ev->obj);
		obj_fields(sb, "out_", ev->obj2);
		break;
	case EV_MMAP:
		strbuf_addf(sb, ",\"addr\":\"0x%" PRIx64 "\"", ev->addr);
		kv_u64(sb, "len", ev->bytes);
		kv_str(sb, "prot", fmt_prot(ev->prot, buf));
		mmap_flags(sb, ev->flags);
		kv_str(sb, "path", ev->obj ? ev->obj->path : NULL);
		break;
	case EV_MUNMAP:
	case EV_MREMAP:
		strbuf_addf(sb, ",\"addr\":\"0x%" PRIx64 "\"", ev->addr);
		kv_u64(sb, "len", ev->bytes);
		break;
	case EV_BRK:
		strbuf_addf(sb, ",\"addr\":\"0x%" PRIx64 "\"", ev->addr);
		kv_u64(sb, "heap", ev->bytes);
		break;
	case EV_SIGNAL:
		kv_str(sb, "signal", fmt_signame(ev->status));
		break;
	case EV_FAULT:
		strbuf_addf(sb, ",\"addr\":\"0x%" PRIx64 "\",\"ip\":\"0x%" PRIx64 "\"", ev->addr, ev->ip);
		kv_str(sb, "region", ev->path);
		kv_str(sb, "region_kind", regions_kind_name(ev->region ? ev->region->kind : RK_UNKNOWN));
		if (ev->region)
			strbuf_addf(sb, ",\"region_start\":\"0x%" PRIx64 "\"", ev->region->start);
		else
			strbuf_addstr(sb, ",\"region_start\":null");
		break;
	case EV_SCHED:
		strbuf_addf(sb, ",\"delay_us\":%.3f,\"cpu\":%d", (double)ev->dur / 1e3, ev->cpu);
		kv_str(sb, "reason", ev->status == 2 ? "preempted" : ev->status == 1 ? "new" : "woken");
		break;
	case EV_BLOCK:
		strbuf_addf(sb, ",\"latency_us\":%.3f", (double)ev->dur / 1e3);
		kv_u64(sb, "bytes", ev->bytes);
		kv_str(sb, "op", ev->flags ? "write" : "read");
		strbuf_addf(sb, ",\"dev\":\"%u:%u\"", ev->dev >> 20, ev->dev & 0xfffff);
		kv_u64(sb, "sector", ev->addr);
		break;
	case EV_SYSCALL:
		kv_str(sb, "name", sysent_name(ev->flags == ARCH_I386, ev->nr));
		strbuf_addf(sb, ",\"nr\":%d,\"ret\":%" PRId64, ev->nr, ev->ret);
		kv_str(sb, "arch", ev->flags == ARCH_I386 ? "i386" : ev->flags == ARCH_X32 ? "x32" : "x86_64");
		error_field(sb, ev->ret);
		if (ev->dur)
			strbuf_addf(sb, ",\"dur_us\":%.3f", (double)ev->dur / 1e3);
		break;
	default:
		break;
	}
}

void jsonl_event(void *ctx, const struct event *ev)
{
	struct jsonl *j = ctx;
	struct strbuf *sb = &j->sb;

	strbuf_reset(sb);
	strbuf_addf(sb, "{\"t\":%.6f,\"pid\":%d,\"tid\":%d,\"type\":\"%s\"",
		    (double)ev->ts / 1e9, ev->pid, ev->tid, model_event_name(ev->type));
	event_fields(sb, ev);
	strbuf_addstr(sb, "}\n");
	fwrite(sb->buf, 1, sb->len, j->out);
}

/* {"count":N,"p50_us":..,"p99_us":..,"max_us":..,"hist":[...]} or null. */
static void lat_json(struct strbuf *sb, const struct lat_stats *s, bool block)
{
	unsigned n = LAT_HIST_SLOTS;

	if (!s) {
		strbuf_addstr(sb, "null");
		return;
	}
	strbuf_addf(sb, "{\"count\":%" PRIu64 ",\"p50_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f",
		    s->count, model_lat_quantile_us(s, 0.5), model_lat_quantile_us(s, 0.99),
		    model_lat_max_us(s));
	if (block)
		kv_u64(sb, "bytes", s->bytes);
	while (n > 0 && !s->hist[n - 1])
		n--;
	strbuf_addstr(sb, ",\"hist\":[");
	for (unsigned i = 0; i < n; i++)
		strbuf_addf(sb, "%s%" PRIu64, i ? "," : "", s->hist[i]);
	strbuf_addstr(sb, "]}");
}

/* ,"latency":{"sched":...,"block":...} for pid (0: all); per process only when measured. */
static void latency_json(struct strbuf *sb, const struct model *m, int pid)
{
	const struct lat_stats *sched = model_latency(m, pid, HIST_SCHED);
	const struct lat_stats *block = model_latency(m, pid, HIST_BLOCK);

	if (pid && !sched && !block)
		return;
	strbuf_addstr(sb, ",\"latency\":{\"sched\":");
	lat_json(sb, sched, false);
	strbuf_addstr(sb, ",\"block\":");
	lat_json(sb, block, true);
	strbuf_addch(sb, '}');
}

/* "processes":[...] */
static void procs_json(struct strbuf *sb, const struct model *m)
{
	size_t n;
	struct proc *const *p = model_procs(m, &n);

	strbuf_addstr(sb, ",\"processes\":[");
	for (size_t i = 0; i < n; i++) {
		strbuf_addf(sb, "%s{\"pid\":%d,\"ppid\":%d", i ? "," : "", p[i]->pid, p[i]->ppid);
		kv_str(sb, "exe", p[i]->exe);
		strbuf_addstr(sb, ",\"argv\":");
		str_array(sb, p[i]->argv);
		strbuf_addf(sb, ",\"threads\":%d,\"exit\":", p[i]->threads);
		jsonl_exit(sb, p[i]->exited ? p[i]->status : -1);
		latency_json(sb, m, p[i]->pid);
		strbuf_addch(sb, '}');
	}
	strbuf_addch(sb, ']');
}

/* "files":[...] (regular files only). */
static void files_json(struct strbuf *sb, const struct model *m)
{
	size_t n;
	struct fileagg *const *f = model_files(m, &n);

	strbuf_addstr(sb, ",\"files\":[");
	for (size_t i = 0; i < n; i++) {
		strbuf_addstr(sb, i ? ",{\"path\":" : "{\"path\":");
		json_cstr(sb, f[i]->path);
		kv_str(sb, "opened_for", mode_text(f[i]->mode));
		kv_u64(sb, "read_bytes", f[i]->rd);
		kv_u64(sb, "written_bytes", f[i]->wr);
		strbuf_addch(sb, '}');
	}
	strbuf_addch(sb, ']');
}

/* "connections":[...] */
static void conns_json(struct strbuf *sb, const struct model *m)
{
	size_t n;
	struct conn *const *c = model_conns(m, &n);

	strbuf_addstr(sb, ",\"connections\":[");
	for (size_t i = 0; i < n; i++) {
		strbuf_addstr(sb, i ? ",{\"proto\":" : "{\"proto\":");
		json_cstr(sb, model_kind_name(c[i]->kind));
		kv_str(sb, "local", c[i]->local);
		kv_str(sb, "remote", c[i]->remote);
		kv_str(sb, "role", c[i]->accepted ? "accept" : "connect");
		kv_u64(sb, "sent_bytes", c[i]->sent);
		kv_u64(sb, "received_bytes", c[i]->received);
		strbuf_addf(sb, ",\"pid\":%d}", c[i]->pid);
	}
	strbuf_addch(sb, ']');
}

/* ,"start":"0x..","len":N,"prot":"rw-","made_s":S of a mapping's faults (nulls: none known). */
static void mapping_fields(struct strbuf *sb, const struct faultagg *a)
{
	char p[4];

	if (!a->mapped) {
		strbuf_addstr(sb, ",\"start\":null,\"len\":null,\"prot\":null,\"made_s\":null");
		return;
	}
	strbuf_addf(sb, ",\"start\":\"0x%" PRIx64 "\"", a->start);
	kv_u64(sb, "len", a->len);
	kv_str(sb, "prot", a->prot < 0 ? NULL : fmt_prot(a->prot, p));
	strbuf_addf(sb, ",\"made_s\":%.6f", (double)a->made / 1e9);
}

/* "faults":{"total":N,"lost":N,"by_region":[...]}: one entry per mapping. */
static void faults_json(struct strbuf *sb, const struct model *m)
{
	size_t n;
	struct faultagg *const *a = model_faults(m, &n);

	strbuf_addf(sb, ",\"faults\":{\"total\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"by_region\":[",
		    model_faults_total(m), model_faults_lost(m));
	for (size_t i = 0; i < n; i++) {
		strbuf_addstr(sb, i ? ",{\"region\":" : "{\"region\":");
		json_cstr(sb, a[i]->region);
		kv_str(sb, "kind", regions_kind_name(a[i]->kind));
		strbuf_addf(sb, ",\"pid\":%d", a[i]->pid);
		mapping_fields(sb, a[i]);
		kv_u64(sb, "count", a[i]->count);
		strbuf_addch(sb, '}');
	}
	strbuf_addstr(sb, "]}");
}

void jsonl_totals_to(struct strbuf *sb, const struct model *m)
{
	const struct io_totals *io = model_io(m);
	uint64_t stops, stopped;

	strbuf_addf(sb, ",\"io\":{\"file_read_bytes\":%" PRIu64 ",\"file_written_bytes\":%" PRIu64
		    ",\"net_sent_bytes\":%" PRIu64 ",\"net_received_bytes\":%" PRIu64
		    ",\"ipc_read_bytes\":%" PRIu64 ",\"ipc_written_bytes\":%" PRIu64 "}",
		    io->file_rd, io->file_wr, io->net_sent, io->net_recv, io->ipc_rd, io->ipc_wr);
	strbuf_addf(sb, ",\"memory\":{\"heap_bytes\":%" PRIu64 ",\"mmap_bytes\":%" PRIu64
		    ",\"mmap_regions\":%" PRIu64 "}",
		    model_heap_bytes(m), model_mmap_bytes(m), model_mmap_regions(m));
	model_tracer_cost(m, &stops, &stopped);
	strbuf_addf(sb, ",\"tracer\":{\"stops\":%" PRIu64 ",\"stopped_s\":%.6f}",
		    stops, (double)stopped / 1e9);
	latency_json(sb, m, 0);
	faults_json(sb, m);
	/* complete: false when a producer lost records, so the totals leave some out */
	strbuf_addf(sb, ",\"complete\":%s,\"events\":%" PRIu64 ",\"dropped\":%" PRIu64,
		    model_dropped(m) ? "false" : "true", model_events(m), model_dropped(m));
}

void jsonl_summary_to(struct strbuf *sb, const struct model *m)
{
	strbuf_addstr(sb, "{\"type\":\"summary\",\"command\":");
	str_array(sb, model_command(m));
	strbuf_addstr(sb, ",\"exit\":");
	jsonl_exit(sb, model_root_status(m));
	strbuf_addf(sb, ",\"duration_s\":%.6f", (double)model_duration(m) / 1e9);
	procs_json(sb, m);
	files_json(sb, m);
	conns_json(sb, m);
	strbuf_addstr(sb, ",\"notes\":");
	str_array(sb, (char *const *)model_notes(m));
	jsonl_totals_to(sb, m);
	strbuf_addch(sb, '}');
}

void jsonl_summary(struct jsonl *j, const struct model *m)
{
	strbuf_reset(&j->sb);
	jsonl_summary_to(&j->sb, m);
	strbuf_addch(&j->sb, '\n');
	fwrite(j->sb.buf, 1, j->sb.len, j->out);
	fflush(j->out);
}
