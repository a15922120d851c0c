/* mode_sites.c - where files were opened and connections made from
 * (--stack): one row per (file or address, call site), ranked by calls.
 *
 * The rows are src/sites.c's, counted from the events whose stack was
 * taken.  Enter follows the file or address in the event list.  This file
 * must never draw.
 */
#include "config.h"

#include <stdio.h>

#include "app.h"
#include "mode.h"
#include "noise.h"
#include "sites.h"

enum { C_OBJECT, C_CALL, C_CALLS, C_SITE, C_N };

static const struct tcol cols[C_N] = {
	[C_OBJECT] = { "File or address", 40, false, true, true }, [C_CALL] = { "Call", 8, false, false },
	[C_CALLS] = { "Calls", 7, true, false }, [C_SITE] = { "Called from", 0, false, false },
};

/* One row per (object, call site) of pid (0: everyone). */
static void build(struct app *a, struct table *t, int pid)
{
	size_t n;
	struct site_row *const *s = sites_rows(a->sites, &n);

	for (size_t i = 0; i < n; i++) {
		struct trow *r;
		if ((pid && s[i]->pid != pid) ||
		    (a->view.filter.hide_noise && noise_path(s[i]->object)))
			continue;
		r = table_add(t, i);
		r->pid = s[i]->pid;
		r->text = s[i]->object;
		r->key[C_CALLS] = (double)s[i]->count;
	}
}

/* Column c of row r. */
static void cell(const struct app *a, const struct trow *r, size_t c, char *buf, size_t cap)
{
	size_t n;
	struct site_row *const *s = sites_rows(a->sites, &n);
	const struct site_row *row = r->id < n ? s[r->id] : NULL;

	if (!row)
		snprintf(buf, cap, "?");
	else if (c == C_CALLS)
		mode_count(r->key[c], buf, cap);
	else if (c == C_CALL)
		snprintf(buf, cap, "%s", row->call);
	else if (c == C_OBJECT)
		snprintf(buf, cap, "%s", row->object);
	else
		snprintf(buf, cap, "%s", row->site);
}

/* What the figures are. */
static void note(const struct app *a, int pid, char *buf, size_t cap)
{
	if (!a->sites)
		snprintf(buf, cap, "No stacks: run with --stack to see where files are opened "
			 "and connections made from.");
	else
		snprintf(buf, cap, "Opens, connects, accepts %s by where the program made them.  "
			 "Enter: the events.", pid ? "of this process" : "of every process");
}

const struct mode_ops mode_sites = {
	.name = "Called from", .enter = "follow", .cols = cols, .ncols = C_N, .sort = C_CALLS,
	.asc = false, .build = build, .cell = cell, .open = mode_follow_text, .note = note,
};
