/* hostile_names: files and a socket whose names hold control characters.
 *
 * Usage: hostile_names DIR [ARG...]
 *
 * In DIR (made the working directory) it creates, writes 10 bytes to and
 * closes each of these files, by relative name, in this order:
 *
 *   "x\r+0.000s file  open /etc/hostname (read)"   (directories made first)
 *   "bs_abcdef\b\b\b\b\b\bXYZ"
 *   "nl_a\nb"
 *   "c1raw_\x9b" "31m"                             (a raw C1 byte: not UTF-8)
 *   "c1utf_\xc2\x9b" "31m"                         (U+009B in UTF-8)
 *   "bidi_\xe2\x80\xae" "txt.exe"                  (U+202E)
 *   "caf\xc3\xa9_\xe4\xb8\xad.txt"                 (printable UTF-8)
 *
 * then listens on the abstract unix socket "\0cmp\x1b[31m\n", connects to
 * it and sends 5 bytes.  ARG... are ignored (a test passes hostile argv).
 * Exits 0, or 99 if the environment breaks.
 */
#include <fcntl.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "tracee.h"

static const char *const names[] = {
	"x\r+0.000s file  open /etc/hostname (read)",
	"bs_abcdef\b\b\b\b\b\bXYZ",
	"nl_a\nb",
	"c1raw_\x9b" "31m",
	"c1utf_\xc2\x9b" "31m",
	"bidi_\xe2\x80\xae" "txt.exe",
	"caf\xc3\xa9_\xe4\xb8\xad.txt",
};

/* Create name, write 10 bytes to it and close it. */
static void touch(const char *name)
{
	int fd = open(name, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	if (fd < 0)
		die("open %s", name);
	write_all(fd, "0123456789", 10);
	close(fd);
}

/* Listen on an abstract unix name with controls in it, connect, send 5 bytes. */
static void abstract_socket(void)
{
	static const char name[] = "\0cmp\x1b[31m\n";
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + sizeof(name) - 1);
	int l = socket(AF_UNIX, SOCK_STREAM, 0), c = socket(AF_UNIX, SOCK_STREAM, 0);

	memcpy(sun.sun_path, name, sizeof(name) - 1);
	if (l < 0 || c < 0 || bind(l, (struct sockaddr *)&sun, len) < 0 || listen(l, 1) < 0)
		die("abstract listener");
	if (connect(c, (struct sockaddr *)&sun, len) < 0)
		die("connect");
	write_all(c, "hello", 5);
	close(c);
	close(l);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		die("usage: hostile_names DIR [ARG...]");
	if (chdir(argv[1]) < 0)
		die("chdir %s", argv[1]);
	if ((mkdir("x\r+0.000s file  open ", 0755) < 0 && errno != EEXIST) ||
	    (mkdir("x\r+0.000s file  open /etc", 0755) < 0 && errno != EEXIST))
		die("mkdir");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		touch(names[i]);
	abstract_socket();
	return 0;
}
