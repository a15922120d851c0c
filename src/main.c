/* main.c - compendium-tui: options, start the tracer, feed the model, report.
 *
 * main wires capture to the model and the model to a sink; it is the only
 * place that turns an error into a sentence for the person and an exit code.
 * It never calls ptrace (the tracer thread does) and never decodes records.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef HAVE_EBPF
#include "ebpf.h"
#endif
#include "diff.h"
#include "diffreport.h"
#include "diffview.h"
#include "evq.h"
#include "faults.h"
#include "fmt.h"
#include "freezer.h"
#include "jsonl.h"
#include "lines.h"
#include "model.h"
#include "output.h"
#include "procfs.h"
#include "pump.h"
#include "query.h"
#include "record.h"
#include "recording.h"
#include "report.h"
#include "sigpolicy.h"
#include "spill.h"
#include "stack.h"
#include "stackkeep.h"
#include "store.h"
#include "tracejson.h"
#include "tracer.h"
#include "replay.h"
#include "tui.h"
#include "util.h"
#include "visible.h"

#define QUEUE_BYTES (4u << 20)
#define EBPF_QUEUE_BYTES (4u << 20)
#define FAULT_QUEUE_BYTES (4u << 20)
/* Exit status when lines, JSON, the report, the trace or the recording
 * could not all be written (whatever the traced program's status was). */
#define EXIT_WRITE 125
/* Once told to stop, how long output that does not move is waited for. */
#define STALL_MS 250
/* The longest records are fed before signals and output are looked at. */
#define DRAIN_NS (15 * 1000000ull)
/* Lines and JSON go to the writer thread at most this often while records
 * keep coming (each handover wakes it), and at once when none come. */
#define OUT_FLUSH_MS 50

/* --engine: which tracer. */
enum engine {
	ENGINE_PTRACE,           /* ptrace and its seccomp filter */
	ENGINE_KERNEL,           /* the kernel engine, or one sentence and exit 1 */
	ENGINE_AUTO,             /* the kernel engine where it can run, else ptrace */
};
#define ENGINE_DEFAULT ENGINE_AUTO
#define MAX_MEMORY_DEFAULT ((size_t)256 << 20)   /* --max-memory */
#define MAX_MEMORY_MIN ((size_t)1 << 20)

struct opts {
	pid_t pid;
	const char *output;
	const char *record;     /* --record FILE */
	const char *replay;     /* --replay FILE */
	const char *replays[REC_RUNS_MAX];   /* --replay A B...: all of them */
	size_t nreplays;
	const char *diff[2];    /* --diff A B: the recordings compared */
	int record_fd;          /* --record -: where standard output was, else -1 */
	int replay_fd;          /* --replay -: where standard input was, else -1 */
	long speed;             /* --speed: replay speed in the UI (0: all at once) */
	bool speed_set;
	uint64_t replay_from;   /* --replay-from: ns after the recording's start */
	bool replay_from_set;
	const char *report;     /* --report FILE */
	const char *trace_json; /* --trace-json FILE */
	const char *filter;     /* --filter EXPR */
	const char *stack;      /* --stack[=EXPR]: its expression (NULL: no --stack) */
	bool stack_expr;        /* EXPR was given (else the default's) */
	unsigned max_report;    /* --max-report-events N (0: all) */
	size_t max_memory;      /* --max-memory SIZE: bytes of events kept in memory */
	bool json, all, verbose, no_seccomp, no_follow_cpu;
	bool batch, no_color, no_mouse, ebpf, faults;
	enum engine engine;     /* --engine, else COMPENDIUM_ENGINE */
	bool engine_set;        /* --engine was given */
	unsigned spin_us;
	unsigned sched_threshold_us;   /* --sched-threshold-us */
	char **argv;            /* command to run */
};

static const char usage_text[] =
	"Usage: compendium-tui [options] -- command [args...]\n"
	"       compendium-tui [options] -p PID\n"
	"       compendium-tui [options] --diff A.rec B.rec\n"
	"\n"
	"Show what a program and all its children do: files, network, memory,\n"
	"processes, I/O.\n"
	"\n"
	"Options:\n"
	"  -p, --pid PID       attach to every thread of a running process and of\n"
	"                      the processes it started; Ctrl-C detaches and\n"
	"                      leaves them running\n"
	"  -o, --output FILE   write lines (or JSON) to FILE instead of stderr\n"
	"      --record FILE   also save everything captured to FILE, to replay later;\n"
	"                      - is standard output (a pipe: lines only with --batch)\n"
	"      --replay FILE [FILE...]\n"
	"                      show a recording made with --record as if it were live;\n"
	"                      - is standard input (a pipe from --record -); several\n"
	"                      (from several hosts) play as one, merged by time\n"
	"      --diff A B      compare two recordings: programs, files, connections,\n"
	"                      system calls, memory, duration and exit status that\n"
	"                      differ (with --all, also what did not); exit 0 when\n"
	"                      only times differ, 1 when more does\n"
	"      --speed N|max   play a replay in the terminal UI at N times the speed\n"
	"                      it was recorded at, or all at once (max, the default)\n"
	"      --replay-from TIME  open a replay in the terminal UI paused at TIME after\n"
	"                      its start (2.5, +2.5s, 1500ms, 1m30s); p plays on\n"
	"      --batch         plain lines as things happen, then a FINAL summary\n"
	"      --json          JSON Lines: one object per event, then a summary\n"
	"      --report FILE   at the end, write a self-contained HTML report to FILE\n"
	"      --trace-json FILE  at the end, write the trace for ui.perfetto.dev or\n"
	"                      chrome://tracing (Trace Event Format) to FILE\n"
	"      --filter EXPR   only the events EXPR matches in the lines, JSON, report\n"
	"                      and trace (e.g. 'cat:net -failed', 'path:/etc/* | bytes>1M';\n"
	"                      see FILTER EXPRESSIONS in the manual); the totals stay whole\n"
	"      --stack[=EXPR]  show where in the program the events EXPR matches came\n"
	"                      from: the calling thread's stack, named (function,\n"
	"                      offset, module, file:line where debug information\n"
	"                      exists); without EXPR: opens, connects, accepts, execs,\n"
	"                      failed calls, mmaps of 1 MiB or more and heap growth\n"
	"      --max-report-events N  keep at most N events in the report (default\n"
	"                      2000000, 0 for all); the rest are thinned evenly over\n"
	"                      the trace and the report says what was left out\n"
	"      --max-memory SIZE  keep at most SIZE bytes of events in memory (K, M\n"
	"                      or G; default 256M); older events move to a file in\n"
	"                      $TMPDIR and come back when the list, a search, a\n"
	"                      filter, the report or the trace needs them\n"
	"      --no-color      no colours in the terminal UI (NO_COLOR=1 does the same)\n"
	"      --no-mouse      leave the mouse to the terminal in the UI\n"
	"  -v, --verbose       also show every raw system call, closes, and failed\n"
	"                      opens, deletes and renames\n"
	"      --all           turn off the noise filter (/proc, /sys, /dev, shared\n"
	"                      libraries, localhost connections)\n"
	"      --no-seccomp    stop on every system call instead of only the ones\n"
	"                      that matter (slower; for programs that use seccomp)\n"
	"      --spin-us N     poll for the next stop up to N microseconds before\n"
	"                      sleeping (default 50, adaptive; 0 turns it off)\n"
	"      --no-follow-cpu\n"
	"                      leave the ptrace tracer on whatever CPU the scheduler\n"
	"                      gives it, not on the CPU of the task it serves\n"
	"      --faults        sample page faults (perf events) and show where memory\n"
	"                      grows: heap, stack, anonymous and file mappings\n"
	"      --ebpf          also measure scheduler delay and block I/O latency in\n"
	"                      the kernel (root, or CAP_BPF and CAP_PERFMON)\n"
	"      --engine auto|kernel|ptrace\n"
	"                      trace from the kernel's tracepoints alone, with no\n"
	"                      stop (kernel: root, or CAP_BPF and CAP_PERFMON), with\n"
	"                      ptrace, or the kernel where it can run, else ptrace\n"
	"                      (auto, the default; COMPENDIUM_ENGINE sets another)\n"
	"      --sched-threshold-us N\n"
	"                      with --ebpf, show waits for a CPU of at least N\n"
	"                      microseconds as events (default 10; 0 shows all)\n"
	"  -h, --help          show this help\n"
	"  -V, --version       show the version\n";

/* Set once output was given up: standard error may be that stuck reader. */
static bool stderr_may_block;
/* While the lines or JSON go to stderr: their stream, so that what is said
 * meanwhile comes out in its place among them. */
static FILE *say_stream;

/* Print "compendium-tui: " and the sentence in one write to stderr (left
 * out when stderr may be a stuck reader and has no room now). */
static void __attribute__((format(printf, 1, 0))) vsay(const char *fmt, va_list ap)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf), "compendium-tui: ");
	struct pollfd p = { STDERR_FILENO, POLLOUT, 0 };

	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	n = n < (int)sizeof(buf) - 1 ? n : (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (say_stream) {
		fwrite(buf, 1, (size_t)n, say_stream);
		return;
	}
	if (stderr_may_block && poll(&p, 1, 0) != 1)
		return;
	if (write(STDERR_FILENO, buf, (size_t)n) < 0)
		return;   /* nowhere left to say it */
}

/* Print a one-sentence message on stderr. */
static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

/* Print a one-sentence error and exit with code. */
static void __attribute__((noreturn, format(printf, 2, 3))) die(int code, const char *fmt, ...)
{
	va_list ap;

	say_stream = NULL;   /* exit() will not wait for the writer */
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	exit(code);
}

/* Parse a pid argument or die. */
static pid_t parse_pid(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > INT_MAX)
		die(1, "--pid: '%s' is not a process id (a positive number, see ps)", s);
	return (pid_t)v;
}

/* Parse a bounded unsigned option value or die. */
static unsigned parse_uint(const char *opt, const char *s, unsigned max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v > max)
		die(2, "%s: '%s' is not a number from 0 to %u", opt, s, max);
	return (unsigned)v;
}

/* A byte count with an optional K, M or G (powers of 1024), at least 1M,
 * or die. */
static size_t parse_size(const char *opt, const char *s)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end && !end[1] && strchr("kKmMgG", *end))
		shift = *end == 'k' || *end == 'K' ? 10 : *end == 'm' || *end == 'M' ? 20 : 30;
	else if (*end)
		end = NULL;
	if (errno || !end || end == s || *s == '-' || v > (SIZE_MAX >> 1) >> shift ||
	    v << shift < MAX_MEMORY_MIN)
		die(2, "%s: '%s' is not a size of at least 1M (a number with K, M or G, "
		    "such as 256M)", opt, s);
	return (size_t)(v << shift);
}

enum { O_BATCH = 256, O_JSON, O_ALL, O_NOSECCOMP, O_NO_FOLLOW_CPU, O_SPIN, O_RECORD, O_REPLAY,
       O_NOCOLOR, O_NOMOUSE, O_EBPF, O_FAULTS, O_SCHED_THRESHOLD, O_REPORT, O_TRACE_JSON, O_MAX_REPORT, O_FILTER,
       O_MAX_MEMORY,
       O_SPEED, O_ENGINE, O_STACK, O_REPLAY_FROM, O_DIFF };

static const struct option longopts[] = {
	{ "pid", required_argument, NULL, 'p' },
	{ "output", required_argument, NULL, 'o' },
	{ "batch", no_argument, NULL, O_BATCH },
	{ "json", no_argument, NULL, O_JSON },
	{ "verbose", no_argument, NULL, 'v' },
	{ "all", no_argument, NULL, O_ALL },
	{ "no-seccomp", no_argument, NULL, O_NOSECCOMP },
	{ "no-follow-cpu", no_argument, NULL, O_NO_FOLLOW_CPU },
	{ "spin-us", required_argument, NULL, O_SPIN },
	{ "record", required_argument, NULL, O_RECORD },
	{ "replay", required_argument, NULL, O_REPLAY },
	{ "diff", required_argument, NULL, O_DIFF },
	{ "speed", required_argument, NULL, O_SPEED },
	{ "replay-from", required_argument, NULL, O_REPLAY_FROM },
	{ "report", required_argument, NULL, O_REPORT },
	{ "trace-json", required_argument, NULL, O_TRACE_JSON },
	{ "filter", required_argument, NULL, O_FILTER },
	{ "stack", optional_argument, NULL, O_STACK },
	{ "max-report-events", required_argument, NULL, O_MAX_REPORT },
	{ "max-memory", required_argument, NULL, O_MAX_MEMORY },
	{ "no-color", no_argument, NULL, O_NOCOLOR },
	{ "no-mouse", no_argument, NULL, O_NOMOUSE },
	{ "ebpf", no_argument, NULL, O_EBPF },
	{ "faults", no_argument, NULL, O_FAULTS },
	{ "engine", required_argument, NULL, O_ENGINE },
	{ "sched-threshold-us", required_argument, NULL, O_SCHED_THRESHOLD },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* The engine named by arg, given as what (an option or a variable);
 * exits on a name that is none. */
static enum engine parse_engine(const char *what, const char *arg)
{
	if (strcmp(arg, "kernel") == 0)
		return ENGINE_KERNEL;
	if (strcmp(arg, "ptrace") == 0)
		return ENGINE_PTRACE;
	if (strcmp(arg, "auto") != 0)
		die(2, "%s: '%s' is not auto, kernel or ptrace", what, arg);
	return ENGINE_AUTO;
}

/* An option that takes a value, or exits on a bad one. */
static void parse_value(int c, const char *arg, struct opts *o)
{
	switch (c) {
	case 'p': o->pid = parse_pid(arg); break;
	case 'o': o->output = arg; break;
	case O_SPIN: o->spin_us = parse_uint("--spin-us", arg, 100000); break;
	case O_RECORD: o->record = arg; break;
	case O_REPLAY: o->replay = arg; break;
	case O_DIFF: o->diff[0] = arg; break;
	case O_SPEED:
		if ((o->speed = replay_parse_speed(arg)) < 0)
			die(2, "--speed: '%s' is not a positive number or max", arg);
		o->speed_set = true;
		break;
	case O_REPLAY_FROM:
		if (replay_parse_time(arg, &o->replay_from) < 0)
			die(2, "--replay-from: '%s' is not a time after the start (2.5, +2.5s, "
			    "1500ms, 1m30s)", arg);
		o->replay_from_set = true;
		break;
	case O_SCHED_THRESHOLD:
		o->sched_threshold_us = parse_uint("--sched-threshold-us", arg, 60000000);
		break;
	case O_REPORT: o->report = arg; break;
	case O_TRACE_JSON: o->trace_json = arg; break;
	case O_FILTER: o->filter = arg; break;
	case O_STACK:
		o->stack = arg ? arg : STACK_DEFAULT_EXPR;
		o->stack_expr = arg != NULL;
		break;
	case O_ENGINE:
		o->engine = parse_engine("--engine", arg);
		o->engine_set = true;
		break;
	case O_MAX_REPORT:
		o->max_report = parse_uint("--max-report-events", arg, UINT_MAX);
		break;
	case O_MAX_MEMORY: o->max_memory = parse_size("--max-memory", arg); break;
	}
}

/* One option (c from getopt_long) into o; exits on help, version or a mistake. */
static void parse_option(int c, char **argv, struct opts *o)
{
	switch (c) {
	case O_BATCH: o->batch = true; break;
	case O_NOCOLOR: o->no_color = true; break;
	case O_NOMOUSE: o->no_mouse = true; break;
	case O_JSON: o->json = true; break;
	case 'v': o->verbose = true; break;
	case O_ALL: o->all = true; break;
	case O_NOSECCOMP: o->no_seccomp = true; break;
	case O_NO_FOLLOW_CPU: o->no_follow_cpu = true; break;
	case O_EBPF: o->ebpf = true; break;
	case O_FAULTS: o->faults = true; break;
	case 'h': fputs(usage_text, stdout); exit(0);
	case 'V': puts(PACKAGE_STRING); exit(0);
	case ':':
		die(2, "option '%s' needs a value; see --help", argv[optind - 1]);
	case '?':
		if (optopt && optopt < 256)
			die(2, "unknown option '-%c'; see --help", optopt);
		die(2, "unknown option '%s'; see --help", argv[optind - 1]);
	default:
		parse_value(c, optarg, o);
	}
}

/* Options that do not go together; exits with the reason. */
static void check_args(const struct opts *o)
{
	if (o->speed_set && !o->replay)
		die(2, "--speed is for --replay: a traced program runs at its own pace");
	if (o->replay_from_set && !o->replay)
		die(2, "--replay-from is for --replay: a traced program runs at its own pace");
	if (o->replay && (o->pid || o->argv[0] || o->record))
		die(2, "--replay reads recordings; it takes no command, --pid or --record");
	for (size_t i = 0; i < o->nreplays && o->nreplays > 1; i++)
		if (!strcmp(o->replays[i], "-"))
			die(2, "--replay -: standard input can be the only recording; give the others "
			    "as files or FIFOs");
	if (o->pid && o->argv[0])
		die(2, "give either a command or --pid, not both; see --help");
	if (!o->pid && !o->argv[0] && !o->replay && !o->diff[0])
		die(2, "no command given; usage: compendium-tui [options] -- command [args...]");
	if (o->engine_set && o->engine == ENGINE_KERNEL && o->replay)
		die(2, "--engine is for tracing; --replay reads a recording");
	if (o->engine_set && o->engine == ENGINE_KERNEL && (o->verbose || o->no_seccomp))
		die(2, "--engine kernel has no system call stops to show: -v and --no-seccomp "
		    "are ptrace's");
}

/* --diff A B: nothing but options besides (dashdash: a "--" came, so what
 * follows is a command); exits when that is not so. */
static void check_diff_args(const struct opts *o, bool dashdash)
{
	if (dashdash && o->argv[0])
		die(2, "--diff compares two recordings; it takes no command after --");
	if (!o->diff[1])
		die(2, "--diff needs two recordings: compendium-tui --diff A.rec B.rec");
	if (o->argv[0])
		die(2, "--diff compares two recordings; '%s' is one argument too many", o->argv[0]);
	if (o->pid || o->record || o->replay || o->trace_json || o->filter ||
	    o->stack || o->engine_set || o->speed_set || o->replay_from_set)
		die(2, "--diff reads two recordings; it takes only -o, --batch, --json, --all and "
		    "--report");
}

/* Parse the command line into o; exits on bad usage. */
static void parse_args(int argc, char **argv, struct opts *o)
{
	const char *env;
	bool dashdash;
	int c;

	o->spin_us = 50;
	o->sched_threshold_us = 10;
	env = getenv("COMPENDIUM_ENGINE");
	o->engine = env && *env ? parse_engine("COMPENDIUM_ENGINE", env) : ENGINE_DEFAULT;
	o->max_report = REPORT_MAX_EVENTS_DEFAULT;
	o->max_memory = MAX_MEMORY_DEFAULT;
	opterr = 0;
	for (;;) {
		while ((c = getopt_long(argc, argv, "+:p:o:vhV", longopts, NULL)) != -1)
			parse_option(c, argv, o);
		dashdash = optind > 1 && !strcmp(argv[optind - 1], "--");
		if (optind >= argc || dashdash)
			break;
		/* --diff A B, --replay A B...: options may follow B too */
		if (o->diff[0] && !o->diff[1])
			o->diff[1] = argv[optind++];
		else if (o->replay && o->nreplays < REC_RUNS_MAX - 1)
			o->replays[++o->nreplays] = argv[optind++];
		else if (o->replay)
			die(2, "--replay shows at most %d recordings at once", REC_RUNS_MAX);
		else
			break;
	}
	if (o->replay)
		o->replays[0] = o->replay, o->nreplays++;
	o->argv = argv + optind;
	if (o->diff[0])
		check_diff_args(o, dashdash);
	check_args(o);
}

/* Find cmd like a shell does; dies with 127/126 like a shell would. */
static char *resolve_command(const char *cmd)
{
	const char *path = getenv("PATH");
	struct stat st;
	char buf[PATH_MAX];
	bool denied = false;

	if (strchr(cmd, '/')) {
		if (stat(cmd, &st) < 0)
			die(127, "%s: %s", cmd, strerror(errno));
		if (S_ISDIR(st.st_mode))
			die(126, "%s: is a directory, not a program", cmd);
		if (access(cmd, X_OK) < 0)
			die(126, "%s: %s", cmd, strerror(errno));
		return xstrdup(cmd);
	}
	if (!*cmd)
		die(127, "'': command not found");
	for (const char *p = path ? path : "/usr/local/bin:/usr/bin:/bin"; p; ) {
		const char *colon = strchr(p, ':');
		int len = colon ? (int)(colon - p) : (int)strlen(p);

		snprintf(buf, sizeof(buf), "%.*s/%s", len, len ? p : ".", cmd);
		p = colon ? colon + 1 : NULL;
		if (stat(buf, &st) < 0 || S_ISDIR(st.st_mode))
			continue;
		if (access(buf, X_OK) == 0)
			return xstrdup(buf);
		denied = true;
	}
	if (denied)
		die(126, "%s: permission denied (found, but not executable)", cmd);
	die(127, "%s: command not found", cmd);
}

/* Refuse pids we cannot or must not attach to, with the reason. */
static void check_pid(pid_t pid)
{
	long tracer = 0;

	if (pid == getpid())
		die(1, "cannot trace itself (pid %d is compendium-tui)", (int)pid);
	if (kill(pid, 0) < 0 && errno == ESRCH)
		die(1, "no process with pid %d (has it exited? check with ps)", (int)pid);
	if (procfs_state(pid) == 'Z')
		die(1, "pid %d has exited (it is a zombie waiting for its parent); nothing to trace",
		    (int)pid);
	if (procfs_is_kthread(pid) == 1)
		die(1, "pid %d is a kernel thread, which cannot be traced", (int)pid);
	if (procfs_status_field(pid, "TracerPid", &tracer) == 0 && tracer != 0)
		die(1, "pid %d is already being traced by pid %ld (a debugger or strace?); "
		    "detach that first", (int)pid, tracer);
}

/* Attach failure as a sentence. */
static void __attribute__((noreturn)) attach_failed(pid_t pid, int err)
{
	if (err == -EPERM)
		die(1, "cannot attach to pid %d: permission denied (run as root or as its owner; "
		    "see /proc/sys/kernel/yama/ptrace_scope)", (int)pid);
	if (err == -ESRCH)
		die(1, "cannot attach to pid %d: it exited", (int)pid);
	die(1, "cannot attach to pid %d: %s", (int)pid, strerror(-err));
}

struct run {
	struct opts o;
	struct evq *q;
	struct evq *fq;          /* the fault sampler's records (--faults), or NULL */
	struct faults *faults;
	struct evq *bq;          /* the eBPF reader's records (--ebpf), or NULL */
	struct ebpf *ebpf;
	bool kernel;             /* the kernel engine traces (--engine kernel or auto) */
	struct freezer *freezer; /* --ebpf, spawned command: holds it back, or NULL */
	struct tracer *tracer;   /* NULL for --replay */
	struct pump *pump;       /* records from the queues, or the replay, into the model */
	struct replay rp;        /* --replay: the recording being played */
	struct model *model;
	struct lines *lines;
	struct jsonl *json;
	FILE *out;               /* the lines or JSON: output_stream(outp) */
	int out_fd;              /* where they go: -o FILE, or stderr */
	struct output *outp;     /* the writer of out, once lines or JSON are printed */
	bool out_said;           /* its write error was told */
	bool ending;             /* told to kill or detach: nothing may hold records back */
	bool write_failed;       /* something could not be written: exit EXIT_WRITE */
	struct recording *rec;   /* --record */
	int rec_err;             /* its first write error (-errno): recording stopped */
	struct store *store;     /* every event: for the UI, --report, --trace-json */
	struct query *filter;    /* --filter: the events the sink and store get */
	struct query *stack;     /* --stack: the events whose stack is shown */
	struct stackkeep *stacks;   /* the stacks of stored events (UI, report, trace) */
	model_observer_fn *sink; /* the line or JSON printer, when not the UI */
	void *sink_ctx;
	bool tui;                /* interactive UI instead of lines */
	int pty_master;          /* the program's terminal in the UI, or -1 */
	int sig_fd;
	struct sigpolicy sig;    /* what SIGINT, SIGTERM and SIGHUP do */
};

/* The recording could not be written: note it (the exit status will
 * tell) and say so once, not over the UI; tracing goes on. */
static void check_recording(struct run *r)
{
	int err = r->pump ? pump_record_error(r->pump) : 0;

	if (!err || r->rec_err)
		return;
	r->rec_err = err;
	r->write_failed = true;
	if (!r->tui)
		say("cannot write recording %s: %s", r->o.record, strerror(-err));
}

/* The tracer closed its queue, so the tracees are gone: let the eBPF reader
 * send its last records (histograms, drops) and close its own queue. */
static void tracer_done(void *ctx)
{
#ifdef HAVE_EBPF
	struct run *r = ctx;

	ebpf_stop(r->ebpf);
#else
	(void)ctx;
#endif
}

/* At the end: sleep until the output moved on or a signal came, at most
 * timeout ms (not at all when, once the writer was asked for a wake,
 * nothing waits); false when neither came. */
static bool wait_output(struct run *r, int timeout)
{
	struct pollfd p[2] = { { r->sig_fd, POLLIN, 0 }, { output_wake_fd(r->outp), POLLIN, 0 } };
	uint64_t before = output_written(r->outp);
	int n;

	output_arm(r->outp);
	if (!output_pending(r->outp))
		return true;
	n = poll(p, 2, timeout);
	output_ack(r->outp);
	return n != 0 || output_written(r->outp) != before;
}

/* Sleep until the pump or a signal needs us (only a few ms when records
 * wait for the other queue of the merge, at most 100 ms while the tracer
 * has not taken a command). */
static void wait_any(struct run *r, int cap_ms)
{
	struct pollfd p[1 + PUMP_MAX_FDS] = { { r->sig_fd, POLLIN, 0 } };
	size_t n = 1;
	int timeout = pump_prepare_wait(r->pump, util_now_ns(), p, &n);

	if (r->tracer && tracer_command_pending(r->tracer) && (timeout < 0 || timeout > 100))
		timeout = 100;
	if (cap_ms >= 0 && (timeout < 0 || timeout > cap_ms))
		timeout = cap_ms;
	if (timeout != 0)
		poll(p, (nfds_t)n, timeout);
	pump_finish_wait(r->pump);
}

/* SIGINT, SIGTERM, SIGHUP: as sigpolicy decides; all but a forwarded
 * interrupt end tracing (or the replay). */
static void on_signal(struct run *r, const struct signalfd_siginfo *si)
{
	enum sig_action act = sigpolicy_decide(&r->sig, (int)si->ssi_signo, r->tracer != NULL);

	/* A terminal's Ctrl-C already went to the whole foreground group. */
	sigpolicy_apply(r->tracer, act, sigpolicy_from_terminal(si));
	if (act == SIGACT_FORWARD)
		return;
	r->ending = true;
	pump_release(r->pump);
}

/* Act on every signal that came. */
static void read_signals(struct run *r)
{
	struct signalfd_siginfo si;

	while (read(r->sig_fd, &si, sizeof(si)) == sizeof(si))
		on_signal(r, &si);
}

/* Say once, as soon as it is known, that the lines or JSON cannot be written. */
static void check_output(struct run *r)
{
	int err = r->outp ? output_error(r->outp) : 0;

	if (!err || r->out_said)
		return;
	r->out_said = true;
	r->write_failed = true;
	if (r->o.output)
		say("cannot write output file %s: %s", r->o.output, strerror(-err));
	else
		say("cannot write to standard error: %s", strerror(-err));
}

/* Feed the model until every source is over (a signal stops a replay
 * where it is), printing as it goes. */
static void consume(struct run *r)
{
	uint64_t flushed = 0;

	pump_hold_for(r->pump, r->outp);
	for (;;) {
		uint64_t now;
		int cap = -1;

		read_signals(r);
		if (r->ending && !r->tracer)
			break;
		now = util_now_ns();
		if (pump_drain(r->pump, DRAIN_NS) == 0 || now - flushed >= OUT_FLUSH_MS * 1000000ull) {
			fflush(r->out);   /* all that is known goes to the writer */
			flushed = now;
		} else {
			cap = OUT_FLUSH_MS - (int)((now - flushed) / 1000000);
		}
		check_output(r);
		check_recording(r);
		if (pump_done(r->pump))
			break;
		wait_any(r, cap);
	}
}

/* Observer: the printer gets the event, and the store too when kept. */
static void observe(void *ctx, const struct event *ev)
{
	struct run *r = ctx;

	struct event bare;

	if (r->filter && !query_event(r->filter, ev))
		return;
	if (ev->stack && r->stack && !query_event(r->stack, ev)) {
		bare = *ev;
		bare.stack = NULL;
		ev = &bare;
	}
	r->sink(r->sink_ctx, ev);
	if (r->store) {
		size_t idx = store_count(r->store);

		store_add(r->store, ev);
		if (ev->stack && store_count(r->store) > idx)
			stackkeep_put(r->stacks, idx, ev->stack);
	}
}

/* Print events with fn (lines or JSON), keeping them in the store too. */
static void set_sink(struct run *r, model_observer_fn *fn, void *ctx)
{
	r->sink = fn;
	r->sink_ctx = ctx;
	model_set_observer(r->model, observe, r);
}

/* Start the writer of the lines or JSON (after the signals are blocked,
 * so that its thread leaves them to the signalfd). */
static void start_output(struct run *r)
{
	r->outp = output_new(r->out_fd, r->out_fd != STDERR_FILENO);
	if (!r->outp)
		die(1, "cannot start writing the output: %s", strerror(errno));
	r->out = output_stream(r->outp);
	if (r->out_fd == STDERR_FILENO)
		say_stream = r->out;
}

/* The terminal cannot show the UI: say why, then print lines on stderr. */
static void lines_instead(struct run *r, const char *why)
{
	say("%s", why);
	r->tui = false;
	start_output(r);
	r->lines = lines_new(r->out, (r->o.all ? LINES_ALL : 0) | (r->o.verbose ? LINES_VERBOSE : 0));
	set_sink(r, lines_event, r->lines);
}

/* Open -o FILE (created or truncated), or take stderr; dies when it cannot. */
static int open_output(const char *path)
{
	int fd;

	if (!path)
		return STDERR_FILENO;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		die(1, "cannot write output file %s: %s", path, strerror(errno));
	return fd;
}

#ifdef HAVE_EBPF
/* Where libbpf's messages (the verifier's log) go: the file
 * COMPENDIUM_BPF_LOG names, or nowhere. */
static FILE *bpf_log(void)
{
	const char *path = getenv("COMPENDIUM_BPF_LOG");

	return path && *path ? fopen(path, "we") : NULL;
}

/* The freezer's members: the traced tasks in the kernel's set. */
static size_t traced_tasks(const void *ebpf, pid_t *tids, pid_t *tgids, size_t cap)
{
	return ebpf_traced_tasks(ebpf, tids, tgids, cap);
}

/* Load and start the BPF programs eo asks for; 0, or -errno with the
 * reason in why and nothing left behind. */
static int load_ebpf(struct run *r, struct ebpf_opts *eo, bool spawned, char *why, size_t len)
{
	int err;

	/* A spawned command is held back rather than records dropped; without
	 * cgroup2 it is not, and drops are counted and said. */
	if (spawned && freezer_new(&r->freezer) == 0)
		eo->freezer = r->freezer;
	r->bq = evq_new(EBPF_QUEUE_BYTES);
	err = ebpf_open(&r->ebpf, eo, r->bq, why, len);
	if (!err && r->freezer)
		freezer_members(r->freezer, traced_tasks, r->ebpf);
	if (!err && (err = ebpf_start(r->ebpf)) < 0)
		snprintf(why, len, "cannot start the BPF reader thread (%s)", strerror(-err));
	if (!err && eo->engine && (err = ebpf_io_error(r->ebpf)) < 0)
		snprintf(why, len, "its programs did not load (%s); it needs Linux 5.17 or later",
			 strerror(-err));
	if (err) {
		ebpf_free(r->ebpf);
		r->ebpf = NULL;
		evq_free(r->bq);
		r->bq = NULL;
		freezer_free(r->freezer);
		r->freezer = NULL;
	}
	return err;
}
#endif

/* The kernel engine can not run: with --engine auto say why in one
 * sentence and go on with ptrace; with --engine kernel, die. */
static bool engine_refused(bool fallback, const char *why)
{
	if (!fallback)
		die(1, "the kernel engine cannot run: %s", why);
	fprintf(stderr, "compendium-tui: tracing with ptrace, as the kernel engine cannot run "
		"here: %s.\n", why);
	return false;
}

/* --engine kernel or auto: load the kernel engine (and with --ebpf,
 * latency too) for the tracer thread to run; true if it runs. */
static bool open_engine(struct run *r, struct tracer_opts *to, bool fallback)
{
#ifdef HAVE_EBPF
	struct ebpf_opts eo = { .sched_threshold_us = r->o.sched_threshold_us, .io = true,
				.engine = true, .latency = r->o.ebpf, .log = bpf_log(),
				.stack = to->stack };
	char why[512];

	if (load_ebpf(r, &eo, !r->o.pid, why, sizeof(why)) < 0)
		return engine_refused(fallback, why);
	to->freezer = r->freezer;
	to->engine = r->ebpf;
	return true;
#else
	(void)r;
	(void)to;
	return engine_refused(fallback, "this build has no eBPF support (rebuild with clang, "
			      "bpftool, libbpf-dev and libelf-dev installed)");
#endif
}

/* --ebpf: load the programs before the tracer forks (so the command is
 * followed from its first instruction); on failure say why and go on.
 * The kernel captures the read/write, mmap and open families when the
 * seccomp filter can let them run free: a spawned command, without
 * --no-seccomp or -v. */
static void open_ebpf(struct run *r, struct tracer_opts *to)
{
#ifdef HAVE_EBPF
	struct ebpf_opts eo = { .sched_threshold_us = r->o.sched_threshold_us,
				.follow_self = r->o.pid == 0, .io = !to->attach_pid && !to->trace_all,
				.log = bpf_log(), .stack = to->stack };
	char why[512];
	int err;

	if (load_ebpf(r, &eo, !to->attach_pid, why, sizeof(why)) < 0) {
		fprintf(stderr, "compendium-tui: --ebpf is off: %s; tracing goes on without latency.\n", why);
		return;
	}
	to->freezer = r->freezer;
	if (!eo.io)
		return;
	err = ebpf_io_error(r->ebpf);
	if (err)
		fprintf(stderr, "compendium-tui: --ebpf cannot count reads and writes in the kernel "
			"(%s: it needs Linux 5.17 or later); they are traced with ptrace.\n",
			strerror(-err));
	else {
		to->io_drain = ebpf_io_drain;
		to->io_exec = ebpf_io_exec;
		to->io_fork = ebpf_io_fork;
		to->io_ctx = r->ebpf;
	}
#else
	(void)r;
	(void)to;
	fputs("compendium-tui: --ebpf is off: this build has no eBPF support (rebuild with clang, "
	      "bpftool, libbpf-dev and libelf-dev installed); tracing goes on without latency.\n",
	      stderr);
#endif
}

#ifdef HAVE_EBPF
/* procfs_take_fn: a process under the attached one into the kernel's
 * traced set (one gone meanwhile has nothing to follow). */
static void ebpf_take(void *ctx, pid_t pid, pid_t ppid)
{
	(void)ppid;
	ebpf_add_pid(ctx, pid);
}
#endif

/* --pid with --ebpf: put the attached process, and those under it (as the
 * tracer took them in), in the kernel's traced set. */
static void ebpf_follow_pid(struct run *r)
{
#ifdef HAVE_EBPF
	int err;

	if (!r->ebpf || !r->o.pid || r->kernel)
		return;   /* (the kernel engine took them in itself) */
	err = ebpf_add_pid(r->ebpf, r->o.pid);
	if (err)
		fprintf(stderr, "compendium-tui: --ebpf cannot follow pid %d (%s); latency will be "
			"missing for it.\n", (int)r->o.pid, strerror(-err));
	procfs_each_descendant(r->o.pid, getpid(), ebpf_take, r->ebpf);
#else
	(void)r;
#endif
}

/* procfs_take_fn: a process under the attached one sampled too. */
static void faults_take(void *ctx, pid_t pid, pid_t ppid)
{
	(void)ppid;
	faults_open_attach(ctx, pid);
}

/* --faults: the sampler, opened by the tracer's spawn hook before the exec
 * (so the program is sampled from its first instruction), or here per
 * thread with --pid.  Failing is one sentence, and tracing goes on. */
static void start_faults(struct run *r)
{
	char why[320];
	int err;

	if (r->o.pid) {
		faults_open_attach(r->faults, r->o.pid);
		procfs_each_descendant(r->o.pid, getpid(), faults_take, r->faults);
	}
	err = faults_start(r->faults);
	if (err)
		fprintf(stderr, "compendium-tui: --faults is off: %s.\n",
			faults_strerror(err, why, sizeof(why)));
}

/* Tracer hook: the command, seized and not yet exec'd, is told to the
 * freezer (held with the others) and joins the fault sampler. */
static void spawned(void *ctx, pid_t pid)
{
	struct run *r = ctx;

	if (r->freezer)
		freezer_add(r->freezer, pid);
	if (r->faults)
		faults_spawned(r->faults, pid);
}

/* Start tracing; dies with the right message and code on failure. */
static void start(struct run *r, const sigset_t *orig_mask)
{
	struct tracer_opts to = { .stdio_fd = -1 };
	char *exe = NULL;
	int err, slave = -1;

	if (r->o.pid) {
		check_pid(r->o.pid);
		to.attach_pid = r->o.pid;
	} else {
		exe = resolve_command(r->o.argv[0]);
		to.exe = exe;
		to.argv = r->o.argv;
	}
	to.trace_all = r->o.no_seccomp || r->o.verbose;
	to.verbose = r->o.verbose;
	to.child_mask = *orig_mask;
	to.spin_us = r->o.spin_us;
	to.follow_cpu = !r->o.no_follow_cpu;
	if (r->o.stack)
		to.stack = r->o.stack_expr ? STACK_ALL : STACK_DEFAULT;
	/* In the UI the program gets a pty of its own: it cannot scribble on the screen. */
	if (r->tui && !r->o.pid && tui_open_pty(&r->pty_master, &slave) == 0)
		to.stdio_fd = slave;
	if (r->o.engine != ENGINE_PTRACE && !to.trace_all)
		r->kernel = open_engine(r, &to, r->o.engine == ENGINE_AUTO);
	if (r->o.ebpf && !r->kernel)
		open_ebpf(r, &to);
	if (r->o.faults) {
		r->fq = evq_new(FAULT_QUEUE_BYTES);
		if (!r->fq)
			die(1, "cannot make the page-fault queue: %s", strerror(errno));
		r->faults = faults_new(r->fq);
		to.maps = true;
	}
	to.spawned = spawned;
	to.spawned_ctx = r;
	r->tracer = tracer_new(&to, r->q);
	err = tracer_start(r->tracer);
	if (slave >= 0)
		close(slave);
	if (err && r->o.pid)
		attach_failed(r->o.pid, err);
	if (err) {
		tracer_join(r->tracer);
		die(-err == ENOENT ? 127 : 126, "%s: %s", r->o.argv[0], strerror(-err));
	}
	ebpf_follow_pid(r);
	if (r->faults)
		start_faults(r);
	free(exe);
}

/* Exit code for the traced command's status, saying so when it was killed. */
static int exit_code(const struct run *r)
{
	int st = model_root_status(r->model);

	if (st < 0 && r->tracer)
		st = tracer_root_status(r->tracer);   /* (no exit record came: what wait said) */
	if (st < 0)
		return 0;
	if (WIFSIGNALED(st)) {
		char *const *cmd = model_command(r->model);
		char name[256], w[48];

		say("%s %s", cmd && cmd[0] ? visible_copy(name, sizeof(name), cmd[0]) : "process",
		    fmt_wait_status(st, w));
		return 128 + WTERMSIG(st);
	}
	return WEXITSTATUS(st);
}

/* The expression of option opt (--filter, --stack) compiled (NULL without
 * one); a mistake is shown with a caret under it, and exits 2. */
static struct query *compile_filter(const char *opt, const char *text)
{
	struct query_error err;
	struct query *q;
	size_t i;

	if (!text || (q = query_parse(text, &err)))
		return text ? q : NULL;
	fprintf(stderr, "compendium-tui: %s: %s\n  %s\n  ", opt, err.msg, text);
	/* Tabs stay tabs and a UTF-8 character takes one column, so the caret lines up. */
	for (i = 0; i < err.pos && text[i]; i++)
		if (((unsigned char)text[i] & 0xc0) != 0x80)
			fputc(text[i] == '\t' ? '\t' : ' ', stderr);
	fputs("^\n", stderr);
	exit(2);
}

/* Refuse an output file we could not write, before tracing for long. */
static void check_writable(const char *opt, const char *path)
{
	int fd = path ? open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666) : -1;

	if (path && fd < 0)
		die(1, "%s: cannot write %s: %s", opt, path, strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* Leave what the report and trace writers need out of the memory budget:
 * the store moves that much more of its events to disk first. */
static void make_room(struct run *r)
{
	size_t need = 0, t;

	if (r->o.report)
		need = report_scratch(r->store, r->o.max_report);
	if (r->o.trace_json && (t = tracejson_scratch(r->store)) > need)
		need = t;
	store_set_budget(r->store, r->o.max_memory > need ? r->o.max_memory - need : 1);
}

/* Write --report and --trace-json, saying what failed. */
static void write_exports(struct run *r)
{
	int err;

	if (r->o.report || r->o.trace_json)
		make_room(r);
	if (r->store && !r->tui && (err = store_spill_error(r->store)))
		say("cannot use the spill file in %s (%s): events stayed in memory, beyond "
		    "--max-memory", spill_dir(NULL), strerror(-err));
	if (r->o.report && (err = report_write_filtered(r->model, r->store, r->o.report,
							     r->o.max_report, r->o.filter,
							     r->stacks))) {
		say("cannot write report %s: %s", r->o.report, strerror(-err));
		r->write_failed = true;
	}
	if (r->o.trace_json && (err = tracejson_write_stacks(r->model, r->store, r->stacks,
								   r->o.trace_json))) {
		say("cannot write trace %s: %s", r->o.trace_json, strerror(-err));
		r->write_failed = true;
	}
}

/* Close --record, saying what could not be written (the UI's notice of a
 * failure went with the screen). */
static void finish_recording(struct run *r)
{
	int err = recording_close(r->rec);

	r->rec = NULL;
	if (err < 0 && !r->rec_err) {
		r->rec_err = err;
		r->write_failed = true;
		say("cannot write recording %s: %s", r->o.record, strerror(-err));
	} else if (r->rec_err && r->tui) {
		say("cannot write recording %s: %s", r->o.record, strerror(-r->rec_err));
	}
}

/* Wait until the lines or JSON are written; a signal, or output that stands
 * still for STALL_MS once tracing was told to stop, gives up the rest.
 * Then say what could not be written. */
static void finish_output(struct run *r)
{
	struct signalfd_siginfo si;
	bool abandon = false;
	size_t left;
	int err;

	if (!r->outp)
		return;
	while (!abandon && !output_done(r->outp)) {
		if (!wait_output(r, r->ending ? STALL_MS : -1))
			abandon = true;
		while (read(r->sig_fd, &si, sizeof(si)) == sizeof(si))
			abandon = true;
	}
	left = output_pending(r->outp);
	say_stream = NULL;
	stderr_may_block = abandon;
	err = output_finish(r->outp, abandon);
	r->outp = NULL;
	r->out = NULL;
	if (err && r->out_said)
		return;
	if (err && r->o.output)
		say("cannot write output file %s: %s", r->o.output, strerror(-err));
	else if (err)
		say("cannot write to standard error: %s", strerror(-err));
	else if (abandon && left)
		say("cannot write %s%s: its reader is not reading (%zu bytes left out)",
		    r->o.output ? "output file " : "to standard error", r->o.output ? r->o.output : "",
		    left);
	r->write_failed = r->write_failed || err || (abandon && left);
}

/* The interactive UI over the pump; when the terminal cannot be used,
 * -ENOTTY and lines are set up instead (the caller consumes). */
static int run_ui(struct run *r)
{
	struct tui_args ta = {
		.pump = r->pump, .tracer = r->tracer, .model = r->model, .store = r->store,
		.attached = r->o.pid != 0, .pty_master = r->pty_master, .sig_fd = r->sig_fd,
		.no_color = r->o.no_color, .no_mouse = r->o.no_mouse, .show_noise = r->o.all,
		.max_memory = r->o.max_memory,
		.stack_filter = r->stack, .stacks = r->stacks,
	};

	if (tui_run(&ta) == 0)
		return 0;
	lines_instead(r, "the terminal cannot show the full-screen view; printing lines "
		      "(use --batch to choose this)");
	return -ENOTTY;
}

/* Open the recordings --replay names: one, or several merged by time
 * (the model then labels each one's processes); dies with the reason. */
static struct recording *open_recordings(struct run *r, struct recording **parts)
{
	char why[512];
	struct recording *rec;
	char *const *labels;
	size_t n = r->o.nreplays, nlabels;

	for (size_t i = 0; i < n; i++) {
		parts[i] = i == 0 && r->o.replay_fd >= 0 ?
			recording_open_fd(r->o.replay_fd, r->o.replay, why, sizeof(why)) :
			recording_open(r->o.replays[i], why, sizeof(why));
		if (!parts[i])
			die(1, "%s", why);
	}
	if (n == 1)
		return parts[0];
	rec = recording_merge(parts, (char *const *)r->o.replays, n, why, sizeof(why));
	if (!rec)
		die(1, "%s", why);
	labels = recording_labels(rec, &nlabels);
	model_set_runs(r->model, labels, nlabels);
	return rec;
}

/* --replay: play the recordings in the UI at --speed, or into lines or
 * JSON all at once; a damaged recording ends with what was wrong. */
static void play_recording(struct run *r)
{
	struct recording *parts[REC_RUNS_MAX];
	struct recording *rec = open_recordings(r, parts);

	if (r->o.replay_from_set && !r->tui)
		die(2, "--replay-from is for the terminal UI: lines and JSON show the whole recording");
	replay_init(&r->rp, rec, r->tui ? (unsigned)r->o.speed : 0);
	if (r->o.replay_from_set)
		replay_seek(&r->rp, r->o.replay_from, 0);
	r->pump = pump_new_replay(r->model, &r->rp);
	if (!r->tui || run_ui(r) != 0) {
		replay_init(&r->rp, rec, 0);
		consume(r);
	}
	if (r->rp.why[0]) {
		finish_output(r);   /* the lines before the damage are out first */
		if (r->o.nreplays > 1)   /* (the merge says which one) */
			die(1, "%s", r->rp.why);
		die(1, "%s: %s", r->o.replay, r->rp.why);
	}
	for (size_t i = 0; i < r->o.nreplays; i++)
		if (recording_torn(parts[i]))
			say("%s ends in a record cut short (%zu bytes), left out", r->o.replays[i],
			    recording_torn(parts[i]));
	recording_close(rec);
}

/* Trace the command or the process: into the UI, or lines or JSON. */
static void trace_program(struct run *r, const sigset_t *orig)
{
	struct pump_live live = { .tracer_done = tracer_done, .tracer_done_ctx = r };

	if (r->o.record_fd >= 0)
		r->rec = recording_create_fd(r->o.record_fd, r->o.argv);
	else if (r->o.record)
		r->rec = recording_create(r->o.record, r->o.argv);
	if (r->o.record && !r->rec)
		die(1, "cannot write recording %s: %s", r->o.record, strerror(errno));
	start(r, orig);
	live.tracer_q = r->q;
	live.faults_q = r->fq;
	live.faults = r->faults;
	live.ebpf_q = r->bq;
	r->pump = pump_new_live(r->model, &live);
	pump_set_recording(r->pump, r->rec);
	if (!r->tui || run_ui(r) != 0)
		consume(r);
	check_recording(r);
	tracer_join(r->tracer);
	finish_recording(r);
}

/* Block the signals main and the UI read from a signalfd, and SIGCHLD
 * (the tracer waits for its children); orig gets the mask as it was. */
static void take_signals(struct run *r, sigset_t *orig)
{
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, orig);
	sigdelset(&block, SIGCHLD);
	r->sig_fd = signalfd(-1, &block, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* The UI, or lines or JSON; the store when something reads it later. */
static void choose_sink(struct run *r)
{
	char why[512];

	/* (--record -: the terminal is for whatever reads the stream) */
	r->tui = !r->o.batch && !r->o.json && !r->o.output && !r->o.filter && r->o.record_fd < 0 &&
		 isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	if (r->tui && tui_check_terminal(why, sizeof(why)) != 0) {
		say("%s", why);
		r->tui = false;
	}
	if (!r->tui)
		start_output(r);
	check_writable("--report", r->o.report);
	check_writable("--trace-json", r->o.trace_json);
	if (r->tui || r->o.report || r->o.trace_json) {
		r->store = store_new();
		store_set_budget(r->store, r->o.max_memory);
	}
	if (r->tui) {
		/* the UI appends every event to r->store itself */
	} else if (r->o.record_fd >= 0 && !r->o.batch && !r->o.json && !r->o.output) {
		/* the recording is the output: lines would only get in the way */
	} else if (r->o.json) {
		r->json = jsonl_new(r->out);
		set_sink(r, jsonl_event, r->json);
	} else {
		r->lines = lines_new(r->out, (r->o.all ? LINES_ALL : 0) |
				     (r->o.verbose ? LINES_VERBOSE : 0) | (r->filter ? LINES_PIDS : 0));
		set_sink(r, lines_event, r->lines);
	}
}

/* --diff --report FILE: the comparison as a page; exits when it cannot be written. */
static void write_diff_report(const struct opts *o, const struct diff *d)
{
	int err;

	if (o->report && (err = diffreport_write(d, o->diff, o->all, o->report)) < 0)
		die(2, "cannot write report %s: %s", o->report, strerror(-err));
}

/* --diff in the terminal UI: read both recordings with their events and
 * show the view; the exit status as compare_recordings's. */
static int view_comparison(const struct opts *o)
{
	struct diff_log *log[2] = { diff_log_new(), diff_log_new() };
	struct model *m[2] = { NULL, NULL };
	struct diff *d;
	char why[512];
	int code;

	for (int i = 0; i < 2; i++)
		if (diff_load(o->diff[i], &m[i], log[i], why, sizeof(why)) < 0)
			die(2, "%s", why);
	d = diff_new(m[0], m[1]);
	code = diff_differs(d) ? 1 : 0;
	write_diff_report(o, d);
	if (diffview_run(d, log, o->diff, o->all, o->no_color, why, sizeof(why)) < 0)
		die(2, "%s", why);
	diff_free(d);
	for (int i = 0; i < 2; i++) {
		model_free(m[i]);
		diff_log_free(log[i]);
	}
	return code;
}

/* --diff: read both recordings and write what differs; the exit status
 * (0: nothing but times differ, 1: more does, 2: a recording is unusable). */
static int compare_recordings(const struct opts *o)
{
	struct model *m[2] = { NULL, NULL };
	struct diff *d;
	struct fbuf out;
	FILE *f = stdout;
	char why[512];
	int code;

	if (!o->batch && !o->json && !o->output && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) &&
	    tui_check_terminal(why, sizeof(why)) == 0)
		return view_comparison(o);
	for (int i = 0; i < 2; i++)
		if (diff_load(o->diff[i], &m[i], NULL, why, sizeof(why)) < 0)
			die(2, "%s", why);
	if (o->output && !(f = fopen(o->output, "w")))
		die(2, "cannot write %s: %s", o->output, strerror(errno));
	d = diff_new(m[0], m[1]);
	write_diff_report(o, d);
	fbuf_init(&out, f);
	if (o->json)
		diff_write_json(&out, d, o->diff, o->all);
	else
		diff_write_lines(&out, d, o->diff, o->all);
	code = diff_differs(d) ? 1 : 0;
	if (fbuf_release(&out) < 0 || fflush(f) != 0 || (f != stdout && fclose(f) != 0))
		die(EXIT_WRITE, "cannot write %s: %s", o->output ? o->output : "the output",
		    strerror(errno));
	diff_free(d);
	model_free(m[0]);
	model_free(m[1]);
	return code;
}

/* --record - and --replay -: the recording moves off standard output
 * (which then goes to stderr, so that neither compendium-tui nor the
 * program writes into the stream) or off standard input (which then is
 * the terminal, for the keys, or nothing). */
static void take_streams(struct opts *o)
{
	int tty;

	o->record_fd = o->replay_fd = -1;
	if (o->record && !strcmp(o->record, "-")) {
		if (isatty(STDOUT_FILENO))
			die(2, "--record -: standard output is a terminal; pipe it into "
			    "compendium-tui --replay - or give a file");
		o->record_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
		if (o->record_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			die(1, "cannot take standard output for the recording: %s", strerror(errno));
		o->record = "to standard output";
	}
	if (o->replay && !strcmp(o->replay, "-")) {
		if (isatty(STDIN_FILENO))
			die(2, "--replay -: standard input is a terminal; pipe a recording into it "
			    "(compendium-tui --record - -- command | compendium-tui --replay -)");
		o->replay_fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
		if (o->replay_fd < 0)
			die(1, "cannot read the recording on standard input: %s", strerror(errno));
		tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
		if (tty < 0)
			tty = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (tty >= 0 && tty != STDIN_FILENO) {
			dup2(tty, STDIN_FILENO);
			close(tty);
		}
		o->replay = o->replays[0] = "standard input";
	}
}

/* Options, output, signals, queue, model and sink; dies on bad usage. */
static void init(struct run *r, int argc, char **argv, sigset_t *orig)
{
	parse_args(argc, argv, &r->o);
	if (r->o.diff[0])
		exit(compare_recordings(&r->o));
	take_streams(&r->o);
	r->out_fd = open_output(r->o.output);
	take_signals(r, orig);
	r->sig.attached = r->o.pid != 0;
	r->q = evq_new(QUEUE_BYTES);
	r->model = model_new();
	model_set_verbose(r->model, r->o.verbose);
	r->filter = compile_filter("--filter", r->o.filter);
	r->stack = compile_filter("--stack", r->o.stack);
	r->stacks = stackkeep_new();
	choose_sink(r);
}

/* The summary, the rest of the output and the exports; the exit status. */
static int finish(struct run *r)
{
	int code;

	if (r->json)
		jsonl_summary(r->json, r->model);
	else if (r->lines)
		lines_final(r->lines, r->model);
	finish_output(r);
	code = exit_code(r);
	write_exports(r);
	return r->write_failed ? EXIT_WRITE : code;
}

/* Give back everything the run holds. */
static void release(struct run *r)
{
	if (r->pty_master >= 0)
		close(r->pty_master);
	pump_free(r->pump);
	store_free(r->store);
	query_free(r->filter);
	query_free(r->stack);
	stackkeep_free(r->stacks);
	jsonl_free(r->json);
	lines_free(r->lines);
	model_free(r->model);
	tracer_free(r->tracer);
	faults_free(r->faults);
	evq_free(r->fq);
#ifdef HAVE_EBPF
	if (r->freezer)
		freezer_members(r->freezer, NULL, NULL);   /* (it lists r->ebpf's tasks) */
	ebpf_free(r->ebpf);
#endif
	freezer_free(r->freezer);
	evq_free(r->bq);
	evq_free(r->q);
	close(r->sig_fd);
}

int main(int argc, char **argv)
{
	struct run r = { .pty_master = -1 };
	sigset_t orig;
	int code;

	/* A fixed threshold: the store's event chunks (208 KB) are mapped and
	 * unmapped one by one, so those moved to disk give their memory back
	 * (glibc would otherwise raise it after the first free and keep them
	 * in the heap). */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	init(&r, argc, argv, &orig);
	if (r.o.replay)
		play_recording(&r);
	else
		trace_program(&r, &orig);
	code = finish(&r);
	release(&r);
	return code;
}
