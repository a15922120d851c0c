/* scm_rights_race.c - a tracee that crashes the tracer through recvmsg.
 *
 *     cc -O1 -pthread -o scm_rights_race fuzz/crashes/scm_rights_race.c
 *     ./compendium-tui --json -o out.jsonl -- ./scm_rights_race   # SIGSEGV
 *
 * While the main thread sits in recvmsg, a second thread keeps rewriting
 * the msghdr and its control buffer with a SOL_SOCKET/SCM_RIGHTS header
 * whose cmsg_len (0) is below CMSG_LEN(0).  The tracer reads the buffer at
 * the syscall-exit stop and describe_scm_rights computes
 * (cmsg_len - CMSG_LEN(0)) / sizeof(int) fds: the subtraction wraps, and it
 * reads fd numbers far past t->blob until it faults.  Reproducer only: it
 * must never be built into the test suite as it is.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static unsigned char ctrl[64] __attribute__((aligned(8)));
static struct msghdr mh;
static volatile int stop;

/* Keep writing an SCM_RIGHTS header the kernel would never write. */
static void *scribble(void *arg)
{
	struct cmsghdr c = { .cmsg_len = 0, .cmsg_level = SOL_SOCKET, .cmsg_type = SCM_RIGHTS };

	(void)arg;
	while (!stop) {
		/* volatile stores: the compiler must not hoist them out of the loop */
		memcpy((void *)ctrl, &c, sizeof(c));
		*(void *volatile *)&mh.msg_control = ctrl;
		*(volatile size_t *)&mh.msg_controllen = sizeof(ctrl);
		__asm__ volatile("" ::: "memory");
	}
	return NULL;
}

int main(void)
{
	int sv[2];
	pthread_t th;
	char r[1];
	struct iovec iov = { r, 1 };

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
		return 1;
	pthread_create(&th, NULL, scribble, NULL);
	for (int i = 0; i < 2000; i++) {
		if (write(sv[0], "x", 1) != 1)
			return 1;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		recvmsg(sv[1], &mh, 0);
	}
	stop = 1;
	pthread_join(th, NULL);
	puts("done");
	return 0;
}
