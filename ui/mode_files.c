/* mode_files.c - the top files view: bytes read and written, opens.
 *
 * For all processes the rows are the model's own file totals (the figures
 * of the summary and the report); for one process, the event store's
 * per-process totals (objstat).  Enter follows the file in the event list.
 * The noise switch hides the same paths it hides there.  This file must
 * never draw.
 */
#include "config.h"

#include <stdio.h>

#include "app.h"
#include "noise.h"
#include "mode.h"

enum { C_PATH, C_OPENS, C_READ, C_WRITTEN, C_TOTAL, C_N };

static const struct tcol cols[C_N] = {
	[C_PATH] = { "File", 0, false, true, true }, [C_OPENS] = { "Opens", 7, true, false },
	[C_READ] = { "Read", 10, true, false }, [C_WRITTEN] = { "Written", 10, true, false },
	[C_TOTAL] = { "Total", 10, true, false },
};

/* Add a row for path unless the noise switch hides it. */
static void add(struct app *a, struct table *t, uint64_t id, int pid, const char *path,
		uint64_t opens, uint64_t rd, uint64_t wr)
{
	struct trow *r;

	if (a->view.filter.hide_noise && noise_path(path))
		return;
	r = table_add(t, id);
	r->pid = pid;
	r->text = path;
	r->key[C_OPENS] = (double)opens;
	r->key[C_READ] = (double)rd;
	r->key[C_WRITTEN] = (double)wr;
	r->key[C_TOTAL] = (double)(rd + wr);
}

/* One row per file (of pid, or of everyone). */
static void build(struct app *a, struct table *t, int pid)
{
	size_t n;

	if (!pid) {
		struct fileagg *const *f = model_files(a->model, &n);

		for (size_t i = 0; i < n; i++)
			add(a, t, i, 0, f[i]->path, f[i]->opens, f[i]->rd, f[i]->wr);
		return;
	}
	for (size_t i = 0; i < a->obj.nfiles; i++) {
		const struct fstat *f = &a->obj.files[i];

		if (f->pid == pid)
			add(a, t, (uint64_t)1 << 40 | i, pid, store_str(a->store, f->path), f->opens,
			    f->rd, f->wr);
	}
}

/* Column c of row r. */
static void cell(const struct app *a, const struct trow *r, size_t c, char *buf, size_t cap)
{
	(void)a;
	if (c == C_PATH)
		snprintf(buf, cap, "%s", r->text);
	else if (c == C_OPENS)
		mode_count(r->key[c], buf, cap);
	else
		mode_bytes(r->key[c], buf, cap);
}

/* What the figures are. */
static void note(const struct app *a, int pid, char *buf, size_t cap)
{
	snprintf(buf, cap, "Regular files %s%s.  Enter: the events that touched the file.",
		 pid ? "this process used" : "every process used",
		 a->view.filter.hide_noise ? " (noise hidden: a shows it)" : "");
}

const struct mode_ops mode_files = {
	.name = "Files", .enter = "follow the file", .cols = cols, .ncols = C_N, .sort = C_TOTAL,
	.asc = false, .build = build, .cell = cell, .open = mode_follow_text, .note = note,
};
