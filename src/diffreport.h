/* diffreport.h - --diff A B --report FILE: the comparison as one HTML page.
 *
 * A self-contained page with no script: a table per kind of thing compared
 * (totals, processes, files, connections, system calls), each row marked
 * only in A, only in B, changed or the same, with both runs' figures.
 */
#ifndef COMPENDIUM_DIFFREPORT_H
#define COMPENDIUM_DIFFREPORT_H
#include <stdbool.h>

struct diff;

/* Write the page of d to path (path[] names the recordings; all: also what
 * did not change).  0 or -errno. */
int diffreport_write(const struct diff *d, const char *const path[2], bool all,
		     const char *file);
#endif
