/* layout.c - where each pane goes for a terminal size.
 *
 * Every height is at least one row at 80x24 and larger; smaller terminals
 * get what fits.  This file must never draw or look at events.
 */
#include "config.h"

#include <string.h>

#include "layout.h"

/* Clamp v into [lo, hi] (hi wins when lo > hi). */
static int clamp(int v, int lo, int hi)
{
	if (v < lo)
		v = lo;
	return v > hi ? hi : v;
}

/* Heights of the lanes, list and output panes sharing avail rows. */
static void split(struct layout *l, int avail, size_t nlanes, enum pane focus)
{
	int lanes_max = focus == PANE_LANES ? avail / 2 : avail / 4;
	int out = focus == PANE_OUTPUT ? avail / 2 : avail >= 30 ? 5 : 3;

	l->pty_rows = clamp(avail / 2, 1, avail);
	l->lanes_h = clamp((int)(nlanes < 1000 ? nlanes : 1000), 1, lanes_max < 2 ? 2 : lanes_max);
	l->out_h = clamp(out, 1, avail);
	l->list_h = avail - l->lanes_h - l->out_h;
	while (l->list_h < 3 && (l->lanes_h > 1 || l->out_h > 1)) {
		if (l->lanes_h > 1)
			l->lanes_h--;
		else
			l->out_h--;
		l->list_h++;
	}
	if (l->list_h < 1)
		l->list_h = 1;
}

void layout_compute(struct layout *l, int rows, int cols, int counter_lines, size_t nlanes,
		    enum pane focus)
{
	int avail;

	memset(l, 0, sizeof(*l));
	l->rows = rows;
	l->cols = cols;
	l->counters_y = 1;
	l->counters_h = clamp(counter_lines, 0, rows >= 24 ? 4 : rows >= 20 ? 2 : 1);
	avail = rows - 1 - l->counters_h - 3 - 1;
	split(l, avail < 3 ? 3 : avail, nlanes, focus);
	l->lanes_title = l->counters_y + l->counters_h;
	l->lanes_y = l->lanes_title + 1;
	l->list_title = l->lanes_y + l->lanes_h;
	l->list_y = l->list_title + 1;
	l->out_title = l->list_y + l->list_h;
	l->out_y = l->out_title + 1;
	l->footer_y = rows - 1;
	l->table_y = l->lanes_title + 4;
	l->table_h = l->out_title - l->table_y > 1 ? l->out_title - l->table_y : 1;
	l->label_w = clamp(cols / 5, 10, 22);
	l->axis_x = l->label_w + 1;
	l->axis_w = cols - l->axis_x - 1 > 1 ? cols - l->axis_x - 1 : 1;
}

/* The pane at screen row y, or PANE_MAX for none. */
enum pane layout_pane_at(const struct layout *l, int y)
{
	if (y >= l->lanes_title && y < l->list_title)
		return PANE_LANES;
	if (y >= l->list_title && y < l->out_title)
		return PANE_LIST;
	if (y >= l->out_title && y < l->footer_y)
		return PANE_OUTPUT;
	return PANE_MAX;
}
