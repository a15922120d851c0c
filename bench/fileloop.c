/* fileloop.c - what each call of cat's work on a file costs, in ns a file:
 * for every path read from stdin, open it, fstat, fadvise, mmap a 132 KiB
 * buffer, read it to the end (writing what it reads to /dev/null), close
 * and munmap, as cat does.
 *
 *     find /usr/include -type f | fileloop [ROUNDS]
 *
 * The list is read once and walked ROUNDS times (default 2).  Prints one
 * line per call, "open 3399" (ns a file, summed over the file's calls of
 * that kind), then the whole loop's.  Run it untraced and under
 * compendium-tui, interleaved (doc/performance.md).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { OPEN, FSTAT, FADVISE, MMAP, READ, WRITE, CLOSE, MUNMAP, NCALLS };

static const char *const names[NCALLS] = {
	"open", "fstat", "fadvise", "mmap", "read", "write", "close", "munmap",
};

enum { BUF = 128 << 10, MAPPED = BUF + (4 << 10) };

/* Now, in ns. */
static unsigned long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (unsigned long long)t.tv_sec * 1000000000ull + (unsigned long long)t.tv_nsec;
}

/* The paths on stdin, one a line; their number in *n. */
static char **read_list(size_t *n)
{
	char **v = NULL, *line = NULL;
	size_t cap = 0, len = 0;
	ssize_t got;

	*n = 0;
	while ((got = getline(&line, &len, stdin)) > 0) {
		if (line[got - 1] == '\n')
			line[got - 1] = '\0';
		if (*n == cap) {
			cap = cap ? 2 * cap : 1024;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				exit(1);
		}
		v[(*n)++] = strdup(line);
	}
	free(line);
	return v;
}

int main(int argc, char **argv)
{
	unsigned long long ns[NCALLS] = { 0 }, t, began;
	int rounds = argc > 1 ? atoi(argv[1]) : 2, out = open("/dev/null", O_WRONLY);
	size_t n, files = 0;
	char **paths = read_list(&n);

	if (rounds < 1 || !n || out < 0) {
		fprintf(stderr, "usage: find DIR -type f | fileloop [ROUNDS]\n");
		return 2;
	}
	began = now_ns();
	for (int r = 0; r < rounds; r++) {
		for (size_t i = 0; i < n; i++) {
			struct stat st;
			char *buf;
			ssize_t got;
			int fd;

			t = now_ns();
			fd = open(paths[i], O_RDONLY);
			ns[OPEN] += now_ns() - t;
			if (fd < 0)
				continue;
			files++;
			t = now_ns();
			fstat(fd, &st);
			ns[FSTAT] += now_ns() - t;
			t = now_ns();
			posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
			ns[FADVISE] += now_ns() - t;
			t = now_ns();
			buf = mmap(NULL, MAPPED, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			ns[MMAP] += now_ns() - t;
			if (buf == MAP_FAILED)
				return 1;
			do {
				t = now_ns();
				got = read(fd, buf, BUF);
				ns[READ] += now_ns() - t;
				if (got > 0) {
					t = now_ns();
					(void)!write(out, buf, (size_t)got);
					ns[WRITE] += now_ns() - t;
				}
			} while (got > 0);
			t = now_ns();
			close(fd);
			ns[CLOSE] += now_ns() - t;
			t = now_ns();
			munmap(buf, MAPPED);
			ns[MUNMAP] += now_ns() - t;
		}
	}
	t = now_ns() - began;
	for (int k = 0; k < NCALLS; k++)
		printf("%s %.0f\n", names[k], (double)ns[k] / (double)(files ? files : 1));
	printf("total %.0f\n", (double)t / (double)(files ? files : 1));
	return 0;
}
