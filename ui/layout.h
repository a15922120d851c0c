/* layout.h - where each pane goes for a terminal size (no curses).
 *
 * Top to bottom: header, counters, swimlane (title + lanes), event list
 * (title + rows), output pane (title + lines), footer.  The focused pane
 * gets more room.  Mouse clicks are mapped back to panes with the same
 * numbers, so drawing and hit-testing cannot disagree.  Pure code.
 */
#ifndef COMPENDIUM_UI_LAYOUT_H
#define COMPENDIUM_UI_LAYOUT_H
#include <stddef.h>

enum pane { PANE_LANES, PANE_LIST, PANE_OUTPUT, PANE_MAX };

struct layout {
	int rows, cols;
	int counters_y, counters_h;
	int lanes_title, lanes_y, lanes_h;
	int list_title, list_y, list_h;
	int out_title, out_y, out_h;
	int footer_y;
	int label_w;             /* lane label column width */
	int axis_x, axis_w;      /* the swimlane's time axis columns */
	int pty_rows;            /* the output pane's height when focused */
	int table_y, table_h;    /* an analysis view's rows (it takes the swimlane's
				    and list's place: title, two note lines, header, rows) */
};

/* Lay out rows x cols with counter_lines of counters and nlanes lanes. */
void layout_compute(struct layout *l, int rows, int cols, int counter_lines, size_t nlanes,
		    enum pane focus);
/* The pane at screen row y, or PANE_MAX for none. */
enum pane layout_pane_at(const struct layout *l, int y);
#endif
