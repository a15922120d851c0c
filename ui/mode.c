/* mode.c - the list of analysis views and what they share.
 *
 * A view's table is rebuilt only when something it is built from changed
 * (events, syscalls, the process selection, the sort, the noise switch),
 * and while tracing goes on at most every REBUILD_NS, so a frame of a view
 * costs its visible rows plus, now and then, one rebuild from the model's
 * aggregates.  This file must never draw.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "fmt.h"
#include "mode.h"
#include "store.h"
#include "sysstat.h"

/* While tracing goes on, a table is rebuilt at most this often (a big
 * table's rebuild then costs one frame in a few, not every frame). */
#define REBUILD_NS (200 * 1000000ull)

static const struct mode_ops *const modes[MODE_MAX] = {
	[MODE_SYSCALLS] = &mode_syscalls, [MODE_FILES] = &mode_files, [MODE_CONNS] = &mode_conns,
	[MODE_PROCS] = &mode_procs, [MODE_LATENCY] = &mode_latency, [MODE_SITES] = &mode_sites,
};

/* The operations of view id (NULL for MODE_EVENTS). */
const struct mode_ops *mode_get(enum mode_id id)
{
	return (unsigned)id < MODE_MAX ? modes[id] : NULL;
}

/* Set up the tables of every view. */
void mode_init(struct table tabs[MODE_MAX])
{
	for (int i = 0; i < MODE_MAX; i++)
		table_init(&tabs[i], modes[i] ? modes[i]->sort : -1, modes[i] ? modes[i]->asc : false);
}

/* Free every view's rows. */
void mode_release(struct table tabs[MODE_MAX])
{
	for (int i = 0; i < MODE_MAX; i++)
		table_release(&tabs[i]);
}

/* The process the views are narrowed to, or 0. */
int mode_pid(const struct app *a)
{
	const struct filter *f = &a->view.filter;

	return f->pid_only && f->npids == 1 ? f->pids[0] : 0;
}

/* Show every process again. */
void mode_all_pids(struct app *a)
{
	filter_all_pids(&a->view.filter);
}

/* Mix x into the hash h. */
static uint64_t mix(uint64_t h, uint64_t x)
{
	h ^= x + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h;
}

/* A fingerprint of everything a table is built from. */
static uint64_t build_key(const struct app *a, const struct table *t, int pid)
{
	struct sysstat_row sum;
	uint64_t h = 0;

	sysstat_total(model_sysstat(a->model), 0, &sum);
	h = mix(h, model_events(a->model));
	h = mix(h, sum.calls);
	h = mix(h, store_count(a->store));
	h = mix(h, (uint64_t)(uint32_t)pid);
	h = mix(h, (uint64_t)(int64_t)t->sort * 2 + t->asc);
	h = mix(h, a->view.filter.hide_noise);
	h = mix(h, model_ended(a->model));
	return h;
}

/* Rebuild the current view's table when what it shows has changed. */
void mode_refresh(struct app *a)
{
	const struct mode_ops *m = mode_get(a->mode);
	struct table *t = &a->tabs[a->mode];
	const struct trow *sel;
	uint64_t key, sel_id = 0;
	int pid = mode_pid(a);

	if (!m)
		return;
	objstat_update(&a->obj, a->store);
	key = build_key(a, t, pid);
	if (t->built && key == t->built_key)
		return;
	if (t->built && !a->ended && pid == t->built_pid && a->wall_ns - t->built_at < REBUILD_NS)
		return;
	sel = table_selected(t);
	if (sel)
		sel_id = sel->id;
	table_clear(t);
	m->build(a, t, pid);
	table_finish(t, m->cols, sel_id, sel != NULL);
	t->built_key = key;
	t->built_at = a->wall_ns;
	t->built_pid = pid;
}

/* Go to the event list, showing only the events of one object. */
unsigned mode_follow(struct app *a, const struct follow *f)
{
	a->view.follow = *f;
	a->view.follow.on = true;
	a->mode = MODE_EVENTS;
	a->focus = PANE_LIST;
	a->list.follow = false;
	a->list.sel = 0;
	a->list.top = 0;
	snprintf(a->msg, sizeof(a->msg), "Following %s (Esc shows everything again)", f->label);
	return APP_CH_FILTER | APP_CH_DRAW | APP_CH_LAYOUT;
}

unsigned mode_follow_text(struct app *a, const struct trow *r)
{
	struct follow f = { .pid = r->pid, .fd = -1, .t1 = UINT64_MAX };

	f.str = store_intern(a->store, r->text);
	snprintf(f.label, sizeof(f.label), "%s", r->text);
	return mode_follow(a, &f);
}

/* Bytes as fmt_bytes writes them. */
void mode_bytes(double v, char *buf, size_t cap)
{
	char b[24];

	snprintf(buf, cap, "%s", fmt_bytes((uint64_t)v, b));
}

/* A duration in ns ("-" for none). */
void mode_ns(double v, char *buf, size_t cap)
{
	char b[24];

	snprintf(buf, cap, "%s", v > 0 ? fmt_duration((uint64_t)v, b) : "-");
}

/* A count. */
void mode_count(double v, char *buf, size_t cap)
{
	snprintf(buf, cap, "%llu", (unsigned long long)v);
}
