/* sigpolicy.h - what Ctrl-C, SIGINT, SIGTERM and SIGHUP do to a trace.
 *
 * The one place that decides it, for the line and JSON printer (main.c)
 * and the terminal UI alike, as the manual's CTRL-C section says: the
 * first interrupt goes to the traced program and tracing goes on; the
 * second kills every traced process; SIGTERM and SIGHUP kill at once;
 * attached with --pid, any of them detaches and leaves the process
 * running; with nothing traced (a replay, or tracing over) they only end
 * the run.  Only the tracer signals traced processes: sigpolicy_apply
 * turns a decision into a tracer command.
 */
#ifndef COMPENDIUM_SIGPOLICY_H
#define COMPENDIUM_SIGPOLICY_H
#include <stdbool.h>

struct signalfd_siginfo;
struct tracer;

enum sig_action {
	SIGACT_END,        /* nothing is traced: just end (a replay, or tracing over) */
	SIGACT_FORWARD,    /* the first interrupt: the program gets it, tracing goes on */
	SIGACT_KILL,       /* kill every traced process; tracing ends */
	SIGACT_DETACH,     /* --pid: detach, the process runs on; tracing ends */
};

struct sigpolicy {
	bool attached;          /* --pid */
	unsigned interrupts;    /* interrupts seen while tracing (the first is forwarded) */
};

/* What signo (SIGINT for a Ctrl-C key too; SIGTERM, SIGHUP) does now;
 * tracing: a program is traced and has not ended. */
enum sig_action sigpolicy_decide(struct sigpolicy *p, int signo, bool tracing);
/* Carry out act through the tracer t (NULL: nothing to do); delivered: the
 * program already got its interrupt from a terminal (no SIGINT is sent). */
void sigpolicy_apply(struct tracer *t, enum sig_action act, bool delivered);
/* Did a terminal send si (a Ctrl-C typed there goes to its whole
 * foreground process group, the traced program included)? */
bool sigpolicy_from_terminal(const struct signalfd_siginfo *si);
#endif
