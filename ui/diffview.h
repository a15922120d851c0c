/* diffview.h - --diff in the terminal: the rows that differ, sortable, and
 * the events of a row in each run (Enter).
 *
 * It reads a finished comparison (src/diff.h) and never changes it.
 */
#ifndef COMPENDIUM_UI_DIFFVIEW_H
#define COMPENDIUM_UI_DIFFVIEW_H
#include <stdbool.h>
#include <stddef.h>

struct diff;
struct diff_log;

/* Show d until q; log[0], log[1] hold each run's events (NULL: none
 * kept), path[] names the recordings.  0, or a negative errno when the
 * terminal cannot be used (why says so). */
int diffview_run(const struct diff *d, struct diff_log *const log[2], const char *const path[2],
		 bool all, bool no_color, char *why, size_t whylen);
#endif
