/* syscost.c - what one system call costs, in ns: getppid, a 1-byte read of
 * /dev/zero, a 512-byte write to /dev/null, an open and close of a file six
 * directories deep, an mmap and munmap of one page.
 *
 *     syscost [BATCHES]
 *
 * Each call runs in BATCHES batches (default 20) and the fastest batch
 * counts: on a machine others share, noise only ever adds time, so the
 * minimum is the figure that repeats.  Prints one line of name/ns pairs;
 * bench/syscost.py runs it untraced, traced and beside a tracer.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int rd_fd, wr_fd;
static char buf[512], path[64];

/* Now, in ns. */
static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static void call_getppid(void)
{
	getppid();
}

static void call_read(void)
{
	if (read(rd_fd, buf, 1) < 0)
		exit(1);
}

static void call_write(void)
{
	if (write(wr_fd, buf, sizeof(buf)) < 0)
		exit(1);
}

static void call_open(void)
{
	close(open(path, O_RDONLY));
}

static void call_mmap(void)
{
	munmap(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), 4096);
}

/* ns per call of f: the fastest of batches batches of n calls. */
static double best(void (*f)(void), int n, int batches)
{
	double min = 1e18;

	for (int b = 0; b < batches; b++) {
		double t = now_ns();
		for (int i = 0; i < n; i++)
			f();
		t = (now_ns() - t) / n;
		if (t < min)
			min = t;
	}
	return min;
}

/* Make the file six directories deep under /tmp. */
static void make_path(void)
{
	char dir[] = "/tmp/syscost.d/a/b/c/d";

	for (char *p = dir + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			mkdir(dir, 0755);
			*p = '/';
		}
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/f", dir);
	close(open(path, O_CREAT | O_WRONLY, 0644));
}

int main(int argc, char **argv)
{
	int batches = argc > 1 ? atoi(argv[1]) : 20;

	rd_fd = open("/dev/zero", O_RDONLY);
	wr_fd = open("/dev/null", O_WRONLY);
	if (rd_fd < 0 || wr_fd < 0 || batches < 1)
		return 2;
	make_path();
	printf("getppid %.0f read1 %.0f write512 %.0f open+close %.0f mmap+munmap %.0f\n",
	       best(call_getppid, 20000, batches), best(call_read, 20000, batches),
	       best(call_write, 20000, batches), best(call_open, 2000, batches),
	       best(call_mmap, 2000, batches));
	return 0;
}
