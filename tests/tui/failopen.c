/* failopen [N]
 *
 * A tracee for the syscall summary view: it makes exactly N (default 7)
 * open(2) calls (the old syscall number 2, which the C library itself never
 * uses: it opens with openat) on a path that does not exist, so each fails
 * with ENOENT, then exits 0.  The view must show "open" with N calls and N
 * errors, and nothing else under that name.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 7;

	for (int i = 0; i < n; i++)
		if (syscall(SYS_open, "/nonexistent/compendium-failopen", O_RDONLY) >= 0)
			return 1;
	return 0;
}
