/* tui.h - the interactive terminal UI: one entry point for main.
 *
 * How main uses it (spawn mode):
 *   1. tui_open_pty(&master, &slave) before tracer_start, and pass the slave
 *      as tracer_opts.stdio_fd so the program's stdin/stdout/stderr and
 *      controlling terminal are the pty, never our screen;
 *   2. tracer_start(), then close(slave) (the child has its own copy, and
 *      the master then sees end-of-file when the program and its children
 *      are gone);
 *   3. tui_run() with the record pump, tracer, model, a store, the master
 *      and the signalfd main already reads SIGINT/SIGTERM/SIGHUP from;
 *   4. tracer_join(), close(master), store_free(); print nothing else.
 * Should main exit() while the UI runs, an atexit handler gives the
 * terminal back first.
 * With --pid there is no pty (pty_master = -1).
 * --replay (a terminal, no --batch/--json/-o): a pump over a struct replay
 * of the open recording, and no tracer or pty; the pump feeds the
 * recording's records to the model as their time comes, and the UI's keys
 * pause it and change its speed.
 */
#ifndef COMPENDIUM_UI_TUI_H
#define COMPENDIUM_UI_TUI_H
#include <stdbool.h>
#include <stddef.h>

struct pump;
struct tracer;
struct model;
struct store;

struct query;

struct tui_args {
	struct pump *pump;       /* the records, live or replayed (consumer side is ours) */
	struct tracer *tracer;   /* for stop/continue/kill/detach */
	struct model *model;     /* the UI becomes its observer */
	struct store *store;     /* every event is appended here */
	size_t max_memory;       /* --max-memory: events and indices (0: no limit) */
	bool attached;           /* --pid: quitting and Ctrl-C detach */
	int pty_master;          /* the program's terminal, or -1 */
	int sig_fd;              /* signalfd of SIGINT/SIGTERM/SIGHUP, or -1 */
	bool no_color, no_mouse;
	bool show_noise;         /* --all: start with the noise filter off */
	struct query *stack_filter;   /* --stack=EXPR: the events whose stack is kept
					 (NULL: every stack that comes) */
	struct stackkeep *stacks;     /* where they are kept, by store index (not owned) */
};

/* Open a pseudo-terminal pair (both close-on-exec), sized like our terminal.
 * Returns 0 or a negative errno. */
int tui_open_pty(int *master, int *slave);
/* 0 when the terminal ($TERM) can draw the UI; else -ENOTTY and a sentence
 * for the person in why (main then prints lines instead). */
int tui_check_terminal(char *why, size_t whylen);
/* Run the UI until the user quits and the pump is done.
 * Returns 0, or -ENOTTY (before consuming anything) when the terminal
 * cannot be used, so main can fall back to line output. */
int tui_run(const struct tui_args *args);
#endif
