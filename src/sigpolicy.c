/* sigpolicy.c - what Ctrl-C, SIGINT, SIGTERM and SIGHUP do to a trace.
 *
 * Pure decision plus one tracer command; it never signals a process
 * itself and never prints (the caller says what happened, its own way).
 */
#include "config.h"

#include <signal.h>
#include <sys/signalfd.h>

#include "sigpolicy.h"
#include "tracer.h"

/* What signo does now (see sigpolicy.h). */
enum sig_action sigpolicy_decide(struct sigpolicy *p, int signo, bool tracing)
{
	if (!tracing)
		return SIGACT_END;
	if (p->attached)
		return SIGACT_DETACH;
	if (signo == SIGINT && ++p->interrupts == 1)
		return SIGACT_FORWARD;
	return SIGACT_KILL;
}

/* Carry out act through the tracer. */
void sigpolicy_apply(struct tracer *t, enum sig_action act, bool delivered)
{
	if (!t)
		return;
	if (act == SIGACT_FORWARD && !delivered)
		tracer_command(t, TRACER_INTERRUPT);
	else if (act == SIGACT_KILL)
		tracer_command(t, TRACER_KILL);
	else if (act == SIGACT_DETACH)
		tracer_command(t, TRACER_DETACH);
}

/* A signal the kernel sent (a terminal's Ctrl-C) rather than a process. */
bool sigpolicy_from_terminal(const struct signalfd_siginfo *si)
{
	return si->ssi_code == SI_KERNEL;
}
