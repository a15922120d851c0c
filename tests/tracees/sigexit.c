/* sigexit term|kill
 *
 * Writes one line with write(2), then terminates itself by a signal:
 *   term  raise(SIGTERM)           -> exit {"code":143,"signal":"SIGTERM"}
 *   kill  kill(getpid(), SIGKILL)  -> exit {"code":137,"signal":"SIGKILL"} */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>

#include "tracee.h"

int main(int argc, char **argv)
{
    static const char line[] = "sigexit: about to die\n";

    if (argc != 2 || (strcmp(argv[1], "term") != 0 && strcmp(argv[1], "kill") != 0))
        die("usage: sigexit term|kill");
    write_all(STDOUT_FILENO, line, sizeof line - 1);
    if (strcmp(argv[1], "term") == 0)
        raise(SIGTERM);
    else
        kill(getpid(), SIGKILL);
    die("still alive after signal");
}
