/* exitcode: prints one line and exits with status 42. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    printf("exitcode: exiting with 42\n");
    exit(42);
}
