/* colocate.c - keep the ptrace tracer on the CPU of the task it serves
 * (see colocate.h for why and how). */
#define _GNU_SOURCE
#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "colocate.h"
#include "procfs.h"
#include "util.h"

#define DOG_LOOK_NS 5000000ull      /* the watchdog looks this often while resumes come */
#define DOG_REST_NS 50000000ull     /* ... and this often when none came since its last look */
#define REST_MIN_NS 20000000ull     /* the first rest after the watchdog stepped in */
#define REST_MAX_NS 1000000000ull   /* rests double up to this while it keeps stepping in */
#define FORGIVE_NS 2000000000ull    /* a step-in this long after the last starts over */

struct colocate {
	pid_t tid;                 /* the tracer thread */
	int policy;                /* its scheduling policy and parameters before */
	struct sched_param prm;
	cpu_set_t home;            /* its affinity before */
	int cpu;                   /* the one CPU it is bound to now; -1: home */
	bool lent;                 /* SCHED_IDLE now, for a resume */
	atomic_uint resumes;       /* odd while lent: resumes begun and ended */
	atomic_bool rescued;       /* the watchdog put the tracer back */
	uint64_t rest_until;       /* no lending or moving before this (0: none) */
	uint64_t rest_ns, last_rescue;
	pthread_t dog;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool quit;                 /* (mu) the watchdog is to end */
	int probe;                 /* (mu) 1: the watchdog may lift the tracer out of
				      SCHED_IDLE, -1: it may not, 0: not known yet */
};

/* The watchdog: first whether leaving SCHED_IDLE is allowed (tried on
 * itself), then, for as long as the tracer runs, a look every few ms: a
 * tracer lent to the same resume since the last look has waited behind
 * other work on its CPU, so it gets its policy and its CPUs back. */
static void *watchdog(void *arg)
{
	struct colocate *c = arg;
	struct sched_param idle = { 0 };
	unsigned seen = 0;
	struct timespec at;
	bool ok;

	util_name_thread("ct-colocate");
	ok = sched_setscheduler(0, SCHED_IDLE, &idle) == 0 &&
	     sched_setscheduler(0, c->policy, &c->prm) == 0;
	pthread_mutex_lock(&c->mu);
	c->probe = ok ? 1 : -1;
	pthread_cond_broadcast(&c->cv);
	while (ok && !c->quit) {
		unsigned now = atomic_load(&c->resumes);
		uint64_t ns = now != seen ? DOG_LOOK_NS : DOG_REST_NS;

		if ((now & 1) && now == seen) {
			sched_setscheduler(c->tid, c->policy, &c->prm);
			sched_setaffinity(c->tid, sizeof(c->home), &c->home);
			atomic_store(&c->rescued, true);
		}
		seen = now;
		clock_gettime(CLOCK_MONOTONIC, &at);
		at.tv_nsec += (long)ns;
		at.tv_sec += at.tv_nsec / 1000000000;
		at.tv_nsec %= 1000000000;
		while (!c->quit && pthread_cond_timedwait(&c->cv, &c->mu, &at) == 0)
			;
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

struct colocate *colocate_new(void)
{
	struct colocate *c;
	pthread_condattr_t ca;
	sigset_t all, was;
	int probe, policy = sched_getscheduler(0);
	cpu_set_t home;

	if ((policy != SCHED_OTHER && policy != SCHED_BATCH) ||
	    sched_getaffinity(0, sizeof(home), &home) < 0 || CPU_COUNT(&home) < 2)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	c->tid = (pid_t)syscall(SYS_gettid);
	c->policy = policy;
	sched_getparam(0, &c->prm);
	c->home = home;
	c->cpu = -1;
	pthread_mutex_init(&c->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cv, &ca);
	pthread_condattr_destroy(&ca);
	sigfillset(&all);   /* every signal stays with the threads that wait for them */
	pthread_sigmask(SIG_SETMASK, &all, &was);
	probe = pthread_create(&c->dog, NULL, watchdog, c) ? -1 : 0;
	pthread_sigmask(SIG_SETMASK, &was, NULL);
	if (probe == 0) {
		pthread_mutex_lock(&c->mu);
		while (!c->probe)
			pthread_cond_wait(&c->cv, &c->mu);
		probe = c->probe;
		pthread_mutex_unlock(&c->mu);
		if (probe < 0)
			pthread_join(c->dog, NULL);
	}
	if (probe < 0) {
		pthread_cond_destroy(&c->cv);
		pthread_mutex_destroy(&c->mu);
		free(c);
		return NULL;
	}
	return c;
}

/* True while the tracer is to leave things to the scheduler: for a while
 * after the watchdog last stepped in (which also unbound it). */
static bool resting(struct colocate *c)
{
	if (atomic_exchange(&c->rescued, false)) {
		uint64_t now = util_now_ns();

		c->rest_ns = c->rest_ns && now - c->last_rescue < FORGIVE_NS ?
			     (c->rest_ns * 2 < REST_MAX_NS ? c->rest_ns * 2 : REST_MAX_NS) : REST_MIN_NS;
		c->last_rescue = now;
		c->rest_until = now + c->rest_ns;
		c->cpu = -1;
	}
	if (!c->rest_until)
		return false;
	if (util_now_ns() < c->rest_until)
		return true;
	c->rest_until = 0;
	return false;
}

void colocate_lend(struct colocate *c)
{
	struct sched_param idle = { 0 };

	/* Unbound, an idle CPU would take the tracer while the task runs. */
	if (!c || resting(c) || c->cpu < 0)
		return;
	atomic_fetch_add(&c->resumes, 1);
	c->lent = sched_setscheduler(0, SCHED_IDLE, &idle) == 0;
	if (!c->lent)
		atomic_fetch_add(&c->resumes, 1);
}

void colocate_return(struct colocate *c)
{
	if (!c || !c->lent)
		return;
	c->lent = false;
	sched_setscheduler(0, c->policy, &c->prm);
	atomic_fetch_add(&c->resumes, 1);
}

void colocate_stopped(struct colocate *c, pid_t tid, bool waited)
{
	cpu_set_t one;
	int cpu;

	if (!c || !waited || resting(c))
		return;
	cpu = procfs_cpu(tid);
	if (cpu < 0 || cpu == c->cpu || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &c->home))
		return;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one) == 0)
		c->cpu = cpu;
}

void colocate_free(struct colocate *c)
{
	if (!c)
		return;
	/* Policy and CPUs back first: a task detached on the CPU the tracer is
	 * bound to runs on there, and the watchdog that would lift the tracer
	 * out from under it is about to go. */
	c->lent = false;
	sched_setscheduler(0, c->policy, &c->prm);
	sched_setaffinity(0, sizeof(c->home), &c->home);
	pthread_mutex_lock(&c->mu);
	c->quit = true;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->dog, NULL);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	free(c);
}
