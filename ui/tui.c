/* tui.c - the interactive UI's loop: poll, ingest, handle input, redraw.
 *
 * One thread (the caller's) polls the terminal, what the record pump waits
 * for, the program's pty, the signalfd and a resize pipe, and wakes for a
 * timer.  It never blocks on the tracer: the pump feeds records in bounded
 * batches, commands go through tracer_command(), and the screen is redrawn at most
 * about 30 times a second and only when something changed.  Whatever way
 * it ends (normally, by a fatal signal, or out of memory) the terminal is
 * given back in a sane state.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "app.h"
#include "keys.h"
#include "pump.h"
#include "query.h"
#include "replay.h"
#include "screen.h"
#include "sites.h"
#include "stackkeep.h"
#include "termcheck.h"
#include "tracer.h"
#include "tui.h"
#include "util.h"

#define FRAME_NS (33 * 1000000ull)
#define TICK_NS (250 * 1000000ull)
#define DRAIN_NS (15 * 1000000ull)

/* The poll set: ours, then what the pump waits for. */
enum { FD_TTY, FD_SIG, FD_WINCH, FD_PTY, FD_PUMP, FD_MAX = FD_PUMP + PUMP_MAX_FDS };

struct loop {
	struct app a;
	const struct tui_args *args;
	unsigned pending;        /* APP_CH_* not yet acted on */
	uint64_t last_draw, next_tick;
	unsigned ticks;
	bool pty_open;
	bool record_said;        /* the footer said the recording stopped */
	uint64_t ended_wall;     /* when tracing (or the replay) ended, this machine's clock */
	int rows, cols;
};

static int winch_pipe[2] = { -1, -1 };
static volatile sig_atomic_t screen_active;
static const int fatal_sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
static struct sigaction old_fatal[sizeof(fatal_sigs) / sizeof(fatal_sigs[0])], old_winch;

/* SIGWINCH (any thread): wake the loop through the pipe. */
static void on_winch(int sig)
{
	int saved = errno;

	if (write(winch_pipe[1], "w", 1) < 0)
		(void)sig;
	errno = saved;
}

/* A fatal signal: give the terminal back, then die of the same signal. */
static void on_fatal(int sig)
{
	screen_restore_raw();
	raise(sig);
}

/* Out of memory: give the terminal back before util aborts. */
static void on_oom(void)
{
	screen_restore_raw();
}

/* exit() while the UI is up (main's die()): give the terminal back. */
static void on_exit_restore(void)
{
	if (screen_active)
		screen_restore_raw();
}

/* Install the resize and fatal-signal handlers. */
static int handlers_install(void)
{
	struct sigaction sa;

	if (pipe2(winch_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_winch;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGWINCH, &sa, &old_winch);
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (size_t i = 0; i < sizeof(fatal_sigs) / sizeof(fatal_sigs[0]); i++)
		sigaction(fatal_sigs[i], &sa, &old_fatal[i]);
	util_set_fatal_hook(on_oom);
	return 0;
}

/* Put the previous handlers back. */
static void handlers_remove(void)
{
	util_set_fatal_hook(NULL);
	for (size_t i = 0; i < sizeof(fatal_sigs) / sizeof(fatal_sigs[0]); i++)
		sigaction(fatal_sigs[i], &old_fatal[i], NULL);
	sigaction(SIGWINCH, &old_winch, NULL);
	close(winch_pipe[0]);
	close(winch_pipe[1]);
	winch_pipe[0] = winch_pipe[1] = -1;
}

/* The model's observer: every event goes into the store. */
static void forward(void *ctx, const struct event *ev)
{
	struct app *a = ctx;
	size_t idx = store_count(a->store);

	store_add(a->store, ev);
	if (ev->stack && a->stacks && store_count(a->store) > idx &&
	    (!a->stack_filter || query_event(a->stack_filter, ev))) {
		if (!a->sites)
			a->sites = sites_new();
		stackkeep_put(a->stacks, idx, ev->stack);
		sites_add(a->sites, ev);
	}
}

/* Open the pty pair the program will run on (0 or a negative errno). */
int tui_open_pty(int *master, int *slave)
{
	char name[128];
	struct winsize ws;
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), s, err;

	if (m < 0)
		return -errno;
	if (grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, name, sizeof(name)) != 0)
		goto fail;
	s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0)
		goto fail;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 10) {
		ws.ws_row = (unsigned short)(ws.ws_row / 3);
		ioctl(m, TIOCSWINSZ, &ws);
	}
	*master = m;
	*slave = s;
	return 0;
fail:
	err = -errno;
	close(m);
	return err ? err : -EIO;
}

/* Tell the program how big its terminal (our output pane) is. */
static void pty_resize(struct loop *l)
{
	struct winsize ws = { 0 };

	if (!l->pty_open)
		return;
	ws.ws_row = (unsigned short)(l->a.lay.pty_rows > 0 ? l->a.lay.pty_rows : 1);
	ws.ws_col = (unsigned short)(l->cols > 0 ? l->cols : 80);
	ioctl(l->args->pty_master, TIOCSWINSZ, &ws);
}

/* The recording could not be written: say so once in the footer. */
static void note_record_error(struct loop *l)
{
	int err = pump_record_error(l->args->pump);

	if (!err || l->record_said)
		return;
	l->record_said = true;
	snprintf(l->a.msg, sizeof(l->a.msg), "Cannot write the recording (%s): it stops here; "
		 "tracing goes on", strerror(-err));
	l->pending |= APP_CH_DRAW;
}

/* Feed the model what the pump has, for a bounded time. */
static void drain(struct loop *l)
{
	pump_drain(l->args->pump, DRAIN_NS);
	note_record_error(l);
	l->pending |= app_ingest(&l->a);
}

/* Notice the end: every queue closed and emptied, or the recording over. */
static void check_end(struct loop *l)
{
	struct replay *rp = l->a.replay;

	if (l->a.ended || pump_more(l->args->pump) || !pump_done(l->args->pump))
		return;
	l->a.ended = true;
	l->a.ctr.ended = true;
	l->a.end_ns = l->ended_wall = util_now_ns();
	l->a.tracee_stopped = false;
	if (rp)
		l->a.end_ns = rp->last_ts;
	if (rp && rp->why[0])
		snprintf(l->a.msg, sizeof(l->a.msg), "The recording is damaged: %.160s", rp->why);
	l->pending |= APP_CH_DRAW;
}

/* Timer work: rates, RSS, the elapsed clock. */
static void tick(struct loop *l, uint64_t now)
{
	if (now < l->next_tick)
		return;
	l->next_tick = now + TICK_NS;
	if (l->a.ended && l->ticks > 0 && l->ended_wall + TICK_NS < now)
		return;
	/* A replay's rates run on the recording's clock, and its pids are not
	 * processes of this machine: no RSS from /proc. */
	counters_sample(&l->a.ctr, l->a.model, l->a.replay ? l->a.now_ns : now);
	if (l->ticks++ % 2 == 0 && !l->a.replay)
		counters_read_rss(&l->a.ctr, l->a.model);
	l->pending |= APP_CH_DRAW;
}

/* Redraw if something changed and the last frame is old enough. */
static void maybe_draw(struct loop *l, uint64_t now)
{
	int rows, cols;

	if (l->pending & APP_CH_FILTER)
		app_refilter(&l->a);
	l->pending &= ~(unsigned)APP_CH_FILTER;
	if (!(l->pending & (APP_CH_DRAW | APP_CH_CLEAR | APP_CH_LAYOUT)) || now - l->last_draw < FRAME_NS)
		return;
	screen_size(&rows, &cols);
	l->rows = rows;
	l->cols = cols;
	app_layout(&l->a, rows, cols);
	if (l->pending & APP_CH_LAYOUT)
		pty_resize(l);
	if (l->pending & APP_CH_CLEAR)
		screen_invalidate();
	screen_draw(&l->a);
	l->last_draw = now;
	l->pending &= APP_CH_QUIT;
}

/* Read every pending key or click. */
static void read_input(struct loop *l)
{
	int key, x, y;
	enum mouse_kind mk;
	enum screen_input in;

	while ((in = screen_read(&key, &x, &y, &mk)) != IN_NONE) {
		if (in == IN_MOUSE)
			l->pending |= app_mouse(&l->a, x, y, mk);
		else if (key == KEYC_RESIZE)
			l->pending |= APP_CH_CLEAR | APP_CH_LAYOUT | APP_CH_DRAW;
		else
			l->pending |= app_key(&l->a, key);
	}
}

/* Signals main routes to us: SIGINT like Ctrl-C, the others end tracing. */
static void read_signals(struct loop *l)
{
	struct signalfd_siginfo si;

	while (read(l->args->sig_fd, &si, sizeof(si)) == sizeof(si))
		l->pending |= si.ssi_signo == SIGINT ? app_interrupt(&l->a) : app_terminate(&l->a);
}

/* The program wrote to its terminal. */
static void read_pty(struct loop *l)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(l->args->pty_master, buf, sizeof(buf))) > 0) {
		outbuf_add(&l->a.out, buf, (size_t)n);
		pump_output(l->args->pump, util_now_ns(), buf, (size_t)n);
		l->pending |= APP_CH_DRAW;
		if ((size_t)n < sizeof(buf))
			return;
	}
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		l->pty_open = false;   /* EIO: every slave is closed */
}

/* The terminal was resized. */
static void on_resize(struct loop *l)
{
	char c[64];

	while (read(winch_pipe[0], c, sizeof(c)) > 0)
		;
	screen_resized();
	l->pending |= APP_CH_CLEAR | APP_CH_LAYOUT | APP_CH_DRAW;
}

/* How long poll may sleep, in ms. */
static int poll_timeout(const struct loop *l, uint64_t now)
{
	uint64_t until = l->next_tick;

	if (pump_more(l->args->pump))
		return 0;
	if (l->pending & (APP_CH_DRAW | APP_CH_CLEAR | APP_CH_LAYOUT | APP_CH_FILTER))
		until = l->last_draw + FRAME_NS < until ? l->last_draw + FRAME_NS : until;
	if (l->a.ended && !l->pending)
		return -1;
	if (l->a.tracer && tracer_command_pending(l->a.tracer))
		until = now + 100000000ull < until ? now + 100000000ull : until;
	return until <= now ? 0 : (int)((until - now + 999999) / 1000000);
}

/* The shorter of two poll timeouts (-1: none). */
static int shorter(int a, int b)
{
	return a < 0 || (b >= 0 && b < a) ? b : a;
}

/* Sleep until something happens, then handle it. */
static void wait_and_handle(struct loop *l, uint64_t now)
{
	struct pollfd p[FD_MAX] = {
		[FD_TTY] = { STDIN_FILENO, POLLIN, 0 },
		[FD_SIG] = { l->args->sig_fd, POLLIN, 0 },
		[FD_WINCH] = { winch_pipe[0], POLLIN, 0 },
		[FD_PTY] = { l->pty_open ? l->args->pty_master : -1, POLLIN, 0 },
	};
	size_t n = FD_PUMP;
	int timeout = poll_timeout(l, now), records;

	if (!l->a.ended) {
		records = pump_prepare_wait(l->args->pump, now, p, &n);
		/* A playing replay wakes at least every frame, so the clock moves. */
		if (l->a.replay && records > (int)(FRAME_NS / 1000000))
			records = (int)(FRAME_NS / 1000000);
		timeout = shorter(timeout, records);
	}
	if (poll(p, (nfds_t)n, timeout) < 0 && errno != EINTR)
		p[FD_TTY].revents = 0;
	if (!l->a.ended)
		pump_finish_wait(l->args->pump);
	if (p[FD_TTY].revents)
		read_input(l);
	if (p[FD_SIG].revents)
		read_signals(l);
	if (p[FD_WINCH].revents)
		on_resize(l);
	if (p[FD_PTY].revents)
		read_pty(l);
}

/* --replay: the UI's clock is the recording's, at the playback position. */
static void replay_clock(struct loop *l, uint64_t now)
{
	struct replay *rp = l->a.replay;
	uint64_t shown = replay_now(rp, now);

	l->a.start_ns = rp->first_ts;
	l->a.now_ns = shown > rp->first_ts ? shown : rp->first_ts;
	/* A playing clock changes the header even when no record comes. */
	if (!rp->paused && rp->speed && !l->a.ended && now - l->last_draw >= FRAME_NS * 3)
		l->pending |= APP_CH_DRAW;
}

/* The loop: until the user quit and tracing has ended. */
static void run(struct loop *l)
{
	l->pending = APP_CH_DRAW | APP_CH_LAYOUT;
	for (;;) {
		uint64_t now = util_now_ns();

		l->a.now_ns = now;
		l->a.wall_ns = now;
		if (!l->a.ended)
			drain(l);
		check_end(l);
		if (l->a.replay)
			replay_clock(l, now);
		/* A replay has nothing to wait for: quitting is immediate. */
		if ((l->pending & APP_CH_QUIT) && (l->a.ended || l->a.replay))
			break;
		tick(l, now);
		maybe_draw(l, now);
		wait_and_handle(l, now);
		if (l->a.quitting)
			l->pending |= APP_CH_QUIT;
	}
	if (l->pty_open)
		read_pty(l);
}

/* A replayed REC_OUTPUT: into the output pane. */
static void on_output(void *ctx, const struct rec_hdr *h)
{
	struct loop *l = ctx;

	app_replay_output(&l->a, h);
	l->pending |= APP_CH_DRAW;
}

/* Wire the app to the arguments. */
static void setup(struct loop *l, const struct tui_args *args)
{
	memset(l, 0, sizeof(*l));
	l->args = args;
	app_init(&l->a, args->model, args->store);
	l->a.max_memory = args->max_memory;
	l->a.tracer = args->tracer;
	l->a.hold = args->tracer ? tracer_hold_kind(args->tracer) : TRACER_HOLD_PTRACE;
	l->a.replay = pump_replay(args->pump);
	l->a.stack_filter = args->stack_filter;
	l->a.stacks = args->stacks;
	l->a.ctr.no_rss = l->a.replay != NULL;
	l->a.sig.attached = args->attached;
	l->a.pty = args->pty_master;
	l->pty_open = args->pty_master >= 0;
	if (l->pty_open)
		fcntl(args->pty_master, F_SETFL, fcntl(args->pty_master, F_GETFL) | O_NONBLOCK);
	l->a.view.filter.hide_noise = !args->show_noise;
	l->a.start_ns = l->a.now_ns = util_now_ns();
	if (l->a.replay)
		pump_set_output(args->pump, on_output, l);
	else if (l->pty_open)
		pump_output_begin(args->pump);
	model_set_observer(args->model, forward, &l->a);
}

/* Can the terminal named by TERM draw the UI? */
int tui_check_terminal(char *why, size_t whylen)
{
	return termcheck_run(getenv("TERM"), why, whylen);
}

/* Run the UI until the user quits and tracing has ended. */
int tui_run(const struct tui_args *args)
{
	static int atexit_done;
	struct loop *l = xcalloc(1, sizeof(*l));
	int err;

	setup(l, args);
	err = handlers_install();
	if (!err && screen_open(&l->a, args->no_color, args->no_mouse) < 0) {
		handlers_remove();
		err = -ENOTTY;
	}
	if (err) {
		model_set_observer(args->model, NULL, NULL);
		app_release(&l->a);
		free(l);
		return err;
	}
	screen_active = 1;
	if (!atexit_done++)
		atexit(on_exit_restore);
	run(l);
	screen_active = 0;
	screen_close();
	handlers_remove();
	model_set_observer(args->model, NULL, NULL);
	app_release(&l->a);
	free(l);
	return 0;
}
