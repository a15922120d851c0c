/* ebpf_api.c - the eBPF producer driven through its API, without ptrace.
 *
 * Usage: ebpf_api STORM    (STORM: the tests/tracees/ebpf_storm binary)
 * Exit 0 pass, 1 fail, 77 skipped (not root, or no usable eBPF here).
 *
 * Checks what only the loader's API can see: a missing BTF file gives
 * -ESRCH and a sentence naming BTF; the kernel engine's programs load in
 * each of their shapes (tp_btf or raw_tp, with or without latency and
 * stacks); and, with tp_btf and again with the
 * raw_tp fallback, a fork/thread storm (with a non-leader exec) is
 * followed in the kernel: every task it announces gets a "woken new"
 * REC_SCHED (threshold 0), every process sends its histogram when it ends,
 * the in-kernel I/O counters (drained as the tracer does) add up to the
 * bytes the storm wrote, and afterwards the kernel's task, histogram,
 * stamp and I/O maps hold nothing of it.  It reads the records itself; it
 * must never need a model.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ebpf.h"
#include "evq.h"
#include "record.h"
#include "stack.h"

#define MAX_IDS 65536

struct seen {
	bool new_tid[MAX_IDS];       /* a REC_SCHED with reason 1 (woken new) */
	bool any_tid[MAX_IDS];       /* any REC_SCHED */
	bool hist_pid[MAX_IDS];      /* a REC_HIST of kind HIST_SCHED */
	uint64_t sched, lost;
	uint64_t io_written, io_records;   /* REC_IO from the I/O ring */
};

static int failures;

/* Report a failed check. */
static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "FAIL: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	failures++;
}

/* Take one record into s. */
static void note(struct seen *s, const struct rec_hdr *h)
{
	if (h->type == REC_SCHED) {
		const struct rec_sched *r = rec_payload(h);
		s->sched++;
		if (h->tid > 0 && h->tid < MAX_IDS) {
			s->any_tid[h->tid] = true;
			s->new_tid[h->tid] |= r->reason == 1;
		}
	} else if (h->type == REC_HIST) {
		const struct rec_hist *r = rec_payload(h);
		if (r->kind == HIST_SCHED && r->pid > 0 && r->pid < MAX_IDS)
			s->hist_pid[r->pid] = true;
	} else if (h->type == REC_LOST) {
		const struct rec_lost *r = rec_payload(h);
		s->lost += r->count;
	}
}

/* Take every queued record. */
static void drain(struct evq *q, struct seen *s)
{
	const void *rec;
	size_t len;

	while ((rec = evq_peek(q, &len))) {
		if (rec_validate(rec, len) == 0)
			note(s, rec);
		evq_pop(q);
	}
}

/* Start STORM 6 6 with stdout to out; returns its pid. */
static pid_t spawn_storm(const char *storm, FILE *out)
{
	pid_t pid = fork();

	if (pid == 0) {
		char *argv[] = { (char *)storm, (char *)"6", (char *)"6", NULL };
		dup2(fileno(out), 1);
		execv(storm, argv);
		_exit(127);
	}
	return pid;
}

/* Every "task TID PID" line must show the task was followed: a measured wait
 * of its tid and a histogram of its process.  A task's first wait ("woken
 * new") may be missing only if the kernel ran it without reporting the
 * switch, and then the loader must have counted that as lost. */
static void check_tasks(FILE *out, const struct seen *s, uint64_t unseen)
{
	static bool any[MAX_IDS];
	char line[128], msg[128];
	int tid, pid, n = 0, no_new = 0;

	rewind(out);
	while (fgets(line, sizeof(line), out)) {
		if (sscanf(line, "task %d %d", &tid, &pid) != 2 || tid <= 0 || tid >= MAX_IDS ||
		    pid <= 0 || pid >= MAX_IDS)
			continue;
		n++;
		snprintf(msg, sizeof(msg), "tid %d (pid %d)", tid, pid);
		if (!s->any_tid[tid])
			fail("a task of the storm has no measured wait", msg);
		if (!s->new_tid[tid] && !any[tid]) {
			any[tid] = true;   /* the leaf announces the leader's tid again */
			no_new++;
		}
		if (!s->hist_pid[pid])
			fail("a process of the storm sent no histogram", msg);
	}
	memset(any, 0, sizeof(any));
	if (n < 2 * 6 + 6 * 6)
		fail("the storm announced too few tasks", NULL);
	if ((uint64_t)no_new > unseen)
		fail("first waits are missing and not counted as lost", NULL);
	if (no_new)
		printf("note: %d first waits unseen (the kernel skipped sched_switch; counted as lost)\n",
		       no_new);
}

/* rec_put_fn: a record drained from the I/O ring. */
static void put_io(void *ctx, const struct rec_hdr *h)
{
	struct seen *s = ctx;

	if (h->type == REC_IO) {
		const struct rec_io *r = rec_payload(h);
		s->io_written += r->wr;
		s->io_records++;
	}
}

/* Run the storm under the eBPF producer alone and check what the kernel saw. */
static void storm_case(const char *storm, bool raw)
{
	struct ebpf_opts o = { .sched_threshold_us = 0, .follow_self = true, .force_raw_tp = raw,
			       .io = true };
	struct seen *s = calloc(1, sizeof(*s));
	struct evq *q = evq_new(1u << 22);
	struct ebpf_stats st;
	struct ebpf *eb;
	char why[512];
	FILE *out = tmpfile();
	pid_t pid;
	int status = -1, err;

	err = ebpf_open(&eb, &o, q, why, sizeof(why));
	if (err) {
		printf("SKIP: eBPF unavailable: %s\n", why);
		exit(77);
	}
	if (ebpf_start(eb))
		fail("ebpf_start", NULL);
	if (ebpf_io_error(eb))
		fail("the in-kernel I/O counters did not load", strerror(-ebpf_io_error(eb)));
	pid = spawn_storm(storm, out);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		evq_wait(q, 20);
		drain(q, s);
		ebpf_io_drain(eb, put_io, s);
	}
	ebpf_io_drain(eb, put_io, s);
	ebpf_stop(eb);
	while (!evq_closed(q)) {
		evq_wait(q, 100);
		drain(q, s);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail("the storm did not exit 0", NULL);
	ebpf_read_stats(eb, &st);
	if (st.raw_tp != raw)
		fail(raw ? "raw_tp was asked for but not used" : "tp_btf was not used", NULL);
	if (st.traced_tasks || st.hist_procs || st.waiting_tasks || st.io_fds)
		fail("kernel maps not empty after the storm", NULL);
	fflush(out);
	if (s->io_written != (uint64_t)ftell(out))
		fail("the kernel's write counts differ from what the storm wrote", NULL);
	if (s->lost != st.lost)
		fail("REC_LOST does not add up to the kernel's drop counters", NULL);
	if (st.lost_ringbuf || st.lost_mapfull)
		fail("records were lost (ring buffer or map full)", NULL);
	check_tasks(out, s, st.lost_unseen);
	printf("%s: %" PRIu64 " sched records, %" PRIu64 " I/O records (%" PRIu64 " bytes written), "
	       "maps left: %zu tasks, %zu histograms, %zu stamps, %zu I/O counters\n",
	       raw ? "raw_tp" : "tp_btf", s->sched, s->io_records, s->io_written, st.traced_tasks,
	       st.hist_procs, st.waiting_tasks, st.io_fds);
	ebpf_free(eb);
	evq_free(q);
	fclose(out);
	free(s);
}

/* The kernel engine loads in every shape the loader may give it: its
 * tp_btf programs and the raw_tp twins of older kernels, with and
 * without --ebpf's latency programs and --stack's copies (each changes
 * what the verifier checks: a raw_tp program reads the registers into its
 * stack, and a call chain over 512 bytes of stack is refused). */
static void engine_loads_case(void)
{
	for (int shape = 0; shape < 8; shape++) {
		struct ebpf_opts o = { .io = true, .engine = true, .force_raw_tp = shape & 1,
				       .latency = shape & 2, .stack = shape & 4 ? STACK_ALL : STACK_OFF };
		struct evq *q = evq_new(1u << 20);
		struct ebpf *eb = NULL;
		char why[512] = "", what[128];
		int err = ebpf_open(&eb, &o, q, why, sizeof(why));

		snprintf(what, sizeof(what), "the kernel engine (%s%s%s) does not load",
			 o.force_raw_tp ? "raw_tp" : "tp_btf", o.latency ? ", latency" : "",
			 o.stack ? ", stacks" : "");
		if (!err && (err = ebpf_io_error(eb)) < 0)
			snprintf(why, sizeof(why), "its programs: %s", strerror(-err));
		if (err)
			fail(what, why);
		else
			printf("engine: %s%s%s loads\n", o.force_raw_tp ? "raw_tp" : "tp_btf",
			       o.latency ? ", latency" : "", o.stack ? ", stacks" : "");
		ebpf_free(eb);
		evq_free(q);
	}
}

/* A missing BTF file: -ESRCH and a sentence that says BTF. */
static void nobtf_case(void)
{
	struct ebpf_opts o = { .btf_path = "/nonexistent/vmlinux" };
	struct evq *q = evq_new(1u << 16);
	struct ebpf *eb = NULL;
	char why[512];
	int err = ebpf_open(&eb, &o, q, why, sizeof(why));

	if (err != -ESRCH || eb || !strstr(why, "BTF"))
		fail("missing BTF is not reported as such", why);
	else
		printf("no BTF: %s\n", why);
	evq_free(q);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: ebpf_api STORM\n");
		return 2;
	}
	if (geteuid() != 0) {
		printf("SKIP: needs root (BPF tracing programs)\n");
		return 77;
	}
	signal(SIGPIPE, SIG_IGN);
	nobtf_case();
	engine_loads_case();
	storm_case(argv[1], false);
	storm_case(argv[1], true);
	return failures ? 1 : 0;
}
