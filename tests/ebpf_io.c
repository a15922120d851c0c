/* ebpf_io.c - run a command with only the in-kernel I/O counters watching.
 *
 * Usage: ebpf_io [--raw] -- COMMAND [ARGS...]
 * Runs COMMAND (stdin /dev/null, stdout and stderr pipes it drains and
 * discards, as tests/ebpf.py gives compendium-tui's own runs) with the eBPF
 * producer and its read/write counters (ebpf_opts.io), no ptrace at all,
 * and prints one JSON object: the six totals by class as compendium-tui's
 * summary "io" names them, what no class takes, the calls counted, and
 * how many counters were left in the kernel afterwards (must be 0).
 * Exit 0, or 77 when eBPF is unavailable here, 1 on any other failure.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ebpf.h"
#include "evq.h"

/* Start argv with stdin /dev/null and stdout/stderr into out[1]. */
static pid_t spawn(char **argv, int out[2])
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		dup2(null, 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		close(out[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(out[1]);
	return pid;
}

/* Discard whatever the command wrote so far; false at end of file. */
static bool drain_output(int fd)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	return n > 0 || (n < 0 && errno == EAGAIN);
}

/* Pop every queued record (the counters arrive as totals, not records). */
static void drain_queue(struct evq *q)
{
	while (evq_peek(q, NULL))
		evq_pop(q);
}

int main(int argc, char **argv)
{
	struct ebpf_opts o = { .sched_threshold_us = 1000000, .follow_self = true, .io = true };
	struct evq *q = evq_new(1u << 20);
	struct ebpf_stats st;
	struct ebpf_io io;
	struct ebpf *eb;
	char why[512];
	int out[2], status, a = 1;
	pid_t pid;
	bool open_out = true;

	if (a < argc && strcmp(argv[a], "--raw") == 0)
		o.force_raw_tp = true, a++;
	if (a >= argc || strcmp(argv[a], "--") != 0 || a + 1 >= argc) {
		fprintf(stderr, "usage: ebpf_io [--raw] -- COMMAND [ARGS...]\n");
		return 1;
	}
	if (ebpf_open(&eb, &o, q, why, sizeof(why)) < 0) {
		printf("SKIP: %s\n", why);
		return 77;
	}
	if (ebpf_start(eb) < 0 || pipe2(out, O_CLOEXEC) < 0)
		return 1;
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	pid = spawn(argv + a + 1, out);
	while (waitpid(pid, &status, WNOHANG) == 0 || open_out) {
		struct pollfd p = { out[0], POLLIN, 0 };
		poll(&p, 1, 20);
		open_out = open_out && drain_output(out[0]);
		drain_queue(q);
	}
	ebpf_stop(eb);
	while (!evq_closed(q)) {
		evq_wait(q, 100);
		drain_queue(q);
	}
	ebpf_read_io(eb, &io);
	ebpf_read_stats(eb, &st);
	printf("{\"io\":{\"file_read_bytes\":%" PRIu64 ",\"file_written_bytes\":%" PRIu64
	       ",\"net_sent_bytes\":%" PRIu64 ",\"net_received_bytes\":%" PRIu64
	       ",\"ipc_read_bytes\":%" PRIu64 ",\"ipc_written_bytes\":%" PRIu64 "},"
	       "\"other_read_bytes\":%" PRIu64 ",\"other_written_bytes\":%" PRIu64 ","
	       "\"calls\":%" PRIu64 ",\"counters\":%" PRIu64 ",\"left_in_kernel\":%zu,"
	       "\"lost\":%" PRIu64 ",\"raw_tp\":%s,\"exit\":%d}\n",
	       io.file_rd, io.file_wr, io.net_sent, io.net_recv, io.ipc_rd, io.ipc_wr,
	       io.other_rd, io.other_wr, io.calls, io.fds, st.io_fds, st.lost,
	       st.raw_tp ? "true" : "false", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	ebpf_free(eb);
	evq_free(q);
	close(out[0]);
	return 0;
}
