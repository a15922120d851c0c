/* idlefds [SLEEP_MS]
 *
 * Writes once to three fds, keeps them open and sleeps: the counts a
 * tracer shows live must not wait for the fds to be used again or closed.
 * It connects a TCP socket to its own loopback listener and accepts it
 * (never reading from the accepted end), makes a pipe, and opens
 * "idlefds.out" in the current directory for writing; then, one after
 * another, it write()s 14 bytes to the TCP socket, 7 bytes to the pipe's
 * write end and 5 bytes to the file.  It then prints one JSON line,
 * {"pid":P,"fds":{"tcp":A,"pipe":B,"file":C},"sleep_start_ns":S,"sleep_ms":M}
 * (S from CLOCK_MONOTONIC, the clock the tracer stamps records with),
 * flushes it, sleeps SLEEP_MS
 * (default 2000) with all of them still open, and exits 0, which closes them.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

#include "tracee.h"

/* A TCP connection to ourselves on 127.0.0.1: returns the connected end. */
static int tcp_self(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    int l = socket(AF_INET, SOCK_STREAM, 0), c;

    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) != 0 || listen(l, 1) != 0 ||
        getsockname(l, (struct sockaddr *)&a, &len) != 0)
        die("listen on 127.0.0.1");
    c = socket(AF_INET, SOCK_STREAM, 0);
    if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof a) != 0)
        die("connect to 127.0.0.1:%d", ntohs(a.sin_port));
    if (accept(l, NULL, NULL) < 0)
        die("accept");
    return c;
}

int main(int argc, char **argv)
{
    long ms = argc > 1 ? atol(argv[1]) : 2000;
    struct timespec now, nap = { ms / 1000, (ms % 1000) * 1000000L };
    int sock = tcp_self(), p[2], file;

    if (pipe(p) != 0)
        die("pipe");
    file = open("idlefds.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (file < 0)
        die("open idlefds.out");
    write_all(sock, "fourteen bytes", 14);
    write_all(p[1], "seven b", 7);
    write_all(file, "five\n", 5);
    clock_gettime(CLOCK_MONOTONIC, &now);
    printf("{\"pid\":%d,\"fds\":{\"tcp\":%d,\"pipe\":%d,\"file\":%d},"
           "\"sleep_start_ns\":%lld,\"sleep_ms\":%ld}\n", (int)getpid(), sock, p[1], file,
           (long long)now.tv_sec * 1000000000LL + now.tv_nsec, ms);
    fflush(stdout);
    while (nanosleep(&nap, &nap) != 0 && errno == EINTR)
        ;
    return 0;
}
