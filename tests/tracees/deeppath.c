/* deeppath DEPTH
 *
 * Makes DEPTH nested directories of 200-character names in its cwd, one
 * mkdir and chdir at a time (level i is "%03d" then 197 times the letter
 * 'a' + i % 26), so the absolute path of the deepest one is longer than a
 * page and the kernel's readlink of /proc/PID/fd/N cannot give it.  Down
 * there, with names relative to the cwd or to a directory fd:
 *   open("secret_A.txt", O_CREAT|O_WRONLY|O_TRUNC)      write 4 bytes
 *   open(".", O_DIRECTORY) = dirfd
 *   openat(dirfd, "other_B.txt", O_CREAT|O_WRONLY|O_TRUNC) write 8 bytes
 *   open("secret_A.txt", O_RDONLY)                       read 4 bytes
 *   open("missing.txt", O_RDONLY)                         fails: ENOENT
 * Expected: secret_A.txt opened_for "rw", read 4, written 4; other_B.txt
 * opened_for "w", written 8; two files, never one. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sys/stat.h>

#include "tracee.h"

#define NAME_LEN 200

/* Create and enter level i. */
static void descend(int i)
{
	char name[NAME_LEN + 1];

	snprintf(name, sizeof(name), "%03d", i);
	memset(name + 3, 'a' + i % 26, NAME_LEN - 3);
	name[NAME_LEN] = '\0';
	if (mkdir(name, 0755) != 0 || chdir(name) != 0)
		die("mkdir/chdir level %d", i);
}

/* Write len bytes of c to a new file at dirfd/name. */
static void make_file(int dirfd, const char *name, char c, size_t len)
{
	char buf[16];
	int fd = openat(dirfd, name, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	if (fd < 0)
		die("create %s", name);
	memset(buf, c, len);
	write_all(fd, buf, len);
	if (close(fd) != 0)
		die("close");
}

int main(int argc, char **argv)
{
	char buf[16];
	int depth, dirfd, fd;
	ssize_t n;

	if (argc != 2 || (depth = atoi(argv[1])) <= 0)
		die("usage: deeppath DEPTH");
	for (int i = 0; i < depth; i++)
		descend(i);
	make_file(AT_FDCWD, "secret_A.txt", 'A', 4);
	dirfd = open(".", O_RDONLY | O_DIRECTORY);
	if (dirfd < 0)
		die("open .");
	make_file(dirfd, "other_B.txt", 'B', 8);
	if (close(dirfd) != 0)
		die("close");
	fd = open("secret_A.txt", O_RDONLY);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf))) != 4 || close(fd) != 0)
		die("read secret_A.txt back");
	if (open("missing.txt", O_RDONLY) >= 0 || errno != ENOENT)
		die("missing.txt: expected ENOENT");
	printf("deeppath: depth %d, wrote 4 + 8 bytes, read 4\n", depth);
	return 0;
}
