/* jsonl.c - the --json sink.
 *
 * Writes JSON Lines: one object per model event, then exactly one summary
 * object whose field names other tools read, so they never change meaning.
 * The members of an event's object are its type's (evdesc.c); every string
 * goes through json_str, so any bytes a tracee produced come out as valid
 * JSON.  It reads the model; it never decodes a syscall.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "evform.h"
#include "fmt.h"
#include "json.h"
#include "jsonl.h"
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

void jsonl_event(void *ctx, const struct event *ev)
{
	struct jsonl *j = ctx;
	struct strbuf *sb = &j->sb;

	strbuf_reset(sb);
	strbuf_addf(sb, "{\"t\":%.6f,\"pid\":%d,\"tid\":%d,\"type\":\"%s\"",
		    (double)ev->ts / 1e9, ev->pid, ev->tid, evdesc_name(ev->type));
	evform_json(sb, ev);
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
