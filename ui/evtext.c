/* evtext.c - stored events described in words, for the list and details.
 *
 * Everything here formats what the store and the model already concluded:
 * a row is its type's description rendered from the stored fields (the
 * --batch line's wording, evdesc.c), the details are the fields the type
 * keeps, labelled by their descriptions.  It must never decode a system
 * call's arguments itself, and never print or draw.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "evform.h"
#include "evtext.h"
#include "fmt.h"
#include "visible.h"

/* "+1.234s" style time of ts (ns since start) into buf. */
const char *evtext_time(uint64_t ts, char buf[static 24])
{
	uint64_t ms = ts / 1000000;

	if (ms < 1000ull * 1000)
		snprintf(buf, 24, "+%" PRIu64 ".%03" PRIu64 "s", ms / 1000, ms % 1000);
	else
		snprintf(buf, 24, "+%" PRIu64 "s", ms / 1000);
	return buf;
}

/* One-line description of a stored event: its type's row (evdesc.c). */
void evtext_row(struct strbuf *sb, const struct store *s, const struct sevent *e, bool utf8)
{
	struct evacc a = { .s = s, .se = e, .utf8 = utf8 };

	evform_text(sb, &a, true);
}

/* The narrowest a path is cut to in a row. */
#define ROW_PATH_MIN 16

void evtext_row_fit(struct strbuf *sb, const struct store *s, const struct sevent *e, bool utf8,
		    int cols)
{
	struct evacc a = { .s = s, .se = e, .utf8 = utf8 };
	size_t start = sb->len;
	const char *name;
	int over, width;

	evform_text(sb, &a, true);
	over = visible_width(sb->buf + start) - cols;
	name = evacc_peer(&a, false) ? NULL : evacc_str(&a, EVF_OBJ);
	if (!name || !*name)
		name = evacc_str(&a, EVF_PATH);
	if (over <= 0 || !name || !*name)
		return;
	width = visible_width(name);
	if (width <= ROW_PATH_MIN)
		return;
	a.fit = width - over < ROW_PATH_MIN ? ROW_PATH_MIN : width - over;
	strbuf_setlen(sb, start);
	evform_text(sb, &a, true);
}

/* The model's process pid as it was at time ts (NULL if unknown). */
const struct proc *evtext_proc(const struct model *m, int pid, uint64_t ts)
{
	size_t n;
	struct proc *const *p = model_procs(m, &n);
	const struct proc *best = NULL;

	for (size_t i = 0; i < n; i++)
		if (p[i]->pid == pid && (!best || p[i]->start_ts <= ts))
			best = p[i];
	return best;
}

/* "Process:" lines: pid, parent, program and its argv. */
static void detail_proc(struct strbuf *sb, const struct model *m, const struct sevent *e)
{
	const struct proc *p = evtext_proc(m, e->pid, e->ts);
	char pb[FMT_PID_MAX];

	if (!p)
		return;
	strbuf_addstr(sb, "Program:  ");
	visible_addstr(sb, p->exe);
	strbuf_addstr(sb, "\nArgv:    ");
	for (char **a = p->argv; a && *a; a++) {
		strbuf_addch(sb, ' ');
		visible_addstr(sb, *a);
	}
	strbuf_addf(sb, "\nParent:   %s\nThreads:  %d (%d alive)\n",
		    fmt_pid(p->host, p->ppid, pb), p->threads, p->live);
	if (p->exited) {
		char w[48];
		strbuf_addf(sb, "Ended:    %s\n", fmt_wait_status(p->status, w));
	}
}

/* Totals of the file or connection an event is about. */
static void detail_object(struct strbuf *sb, const struct store *s, const struct model *m,
			  const struct sevent *e)
{
	const char *name = store_str(s, e->str);
	char a[24], b[24];
	size_t n;

	if (!*name)
		return;
	if (e->cat == CAT_NET) {
		struct conn *const *c = model_conns(m, &n);
		for (size_t i = n; i-- > 0;)
			if (c[i]->pid == e->pid && strcmp(c[i]->remote, name) == 0) {
				strbuf_addstr(sb, "Connection: ");
				visible_addstr(sb, c[i]->local);
				strbuf_addstr(sb, c[i]->accepted ? " <- " : " -> ");
				visible_addstr(sb, c[i]->remote);
				strbuf_addf(sb, " (sent %s, received %s)\n", fmt_bytes(c[i]->sent, a),
					    fmt_bytes(c[i]->received, b));
				return;
			}
	}
	struct fileagg *const *f = model_files(m, &n);
	for (size_t i = 0; i < n && e->kind == FDK_FILE; i++)
		if (strcmp(f[i]->path, name) == 0) {
			strbuf_addf(sb, "File totals: opened %u times, read %s, written %s\n",
				    f[i]->opens, fmt_bytes(f[i]->rd, a), fmt_bytes(f[i]->wr, b));
			return;
		}
}

/* "Peer:    /etc/hosts" of the field the type keeps in a string slot. */
static void detail_str(struct strbuf *sb, const struct store *s, const struct sevent *e,
		       unsigned f, uint32_t id)
{
	const char *label = evdesc_field(f)->label;

	if (!id)
		return;
	if (f == EVF_OBJ && (e->flags & SEV_PEER))
		label = evdesc_field(EVF_PEER)->label;
	strbuf_addf(sb, "%s ", label ? label : "Object:  ");
	visible_addstr(sb, store_str(s, id));
	strbuf_addch(sb, '\n');
}

/* "Value:" (or "Error:") and the address slot's line, as the type keeps them. */
static void detail_val(struct strbuf *sb, const struct sevent *e, const struct evdesc *d)
{
	const struct evfield *v = evdesc_field(d->slot[SLOT_VAL]);
	const struct evfield *a = evdesc_field(d->slot[SLOT_ADDR]);

	if (e->flags & SEV_FAILED)
		strbuf_addf(sb, "Error:    %s\n", fmt_errno_name((int)-e->val));
	else if (d->slot[SLOT_VAL] != EVF_NONE)
		strbuf_addf(sb, "Value:    %" PRId64 "%s\n", e->val, v->unit ? v->unit : "");
	if (d->slot[SLOT_ADDR] == EVF_NONE || !a->label)
		return;
	if (a->kind == EVK_INT)
		strbuf_addf(sb, "%s%d\n", a->label, (int)(int64_t)e->addr);
	else
		strbuf_addf(sb, "%s0x%" PRIx64 "\n", a->label, e->addr);
}

/* The raw fields every event has (and the call's duration, dur ns, when
 * it was measured), then those its type keeps. */
static void detail_fields(struct strbuf *sb, const struct store *s, const struct model *m,
			  const struct sevent *e, uint64_t dur)
{
	const struct evdesc *d = evdesc_of(e->type);
	const char *host = m ? model_pid_label(m, e->pid) : NULL;
	char t[24], pb[FMT_PID_MAX], tb[FMT_PID_MAX];

	strbuf_addf(sb, "Time:     %s\nProcess:  %s\nThread:   %s%s\nType:     %s (%s)\n",
		    evtext_time(e->ts, t), fmt_pid(host, e->pid, pb), fmt_pid(host, e->tid, tb),
		    e->tid != e->pid ? " (not the main thread)" : "", d->name, evdesc_cat_name(e->cat));
	if (dur && e->cat != CAT_LAT)
		strbuf_addf(sb, "Duration: %s (the call, entry to exit)\n", fmt_duration(dur, t));
	if (d->slot[SLOT_FD] == EVF_FD && e->fd >= 0)
		strbuf_addf(sb, "Fd:       %d (%s)\n", e->fd, model_kind_name(e->kind));
	detail_str(sb, s, e, d->slot[SLOT_STR], e->str);
	detail_str(sb, s, e, d->slot[SLOT_STR2], e->str2);
	detail_val(sb, e, d);
	if (e->flags & SEV_NOISE)
		strbuf_addstr(sb, "Noise:    yes (hidden by the default noise filter)\n");
}

/* "  + NAME=value" lines: how the environment differs from the parent's. */
static void detail_env(struct strbuf *sb, const struct execinfo *ei)
{
	if (ei->flags & EXECINFO_NO_ENV) {
		strbuf_addstr(sb, "Environment: not known (it could not be read)\n");
		return;
	}
	strbuf_addf(sb, "Environment: %zu variables%s", ei->nvars,
		    (ei->flags & EXECINFO_ENV_CUT) ? " (more were cut)" : "");
	if (!ei->has_parent) {
		strbuf_addstr(sb, "; its parent's is not known\n");
		return;
	}
	if (!ei->nchanges) {
		strbuf_addstr(sb, ", the same as its parent's\n");
		return;
	}
	strbuf_addf(sb, "; %zu differ from its parent's:\n", ei->nchanges);
	for (size_t i = 0; i < ei->nchanges; i++) {
		const struct envchange *c = &ei->changes[i];

		strbuf_addf(sb, "  %c ", c->op);
		visible_addstr(sb, c->var);
		if (c->old) {
			const char *eq = strchr(c->old, '=');
			strbuf_addstr(sb, "  (was ");
			visible_addstr(sb, eq ? eq + 1 : "");
			strbuf_addch(sb, ')');
		}
		strbuf_addch(sb, '\n');
	}
}

/* "  3  file  /etc/hosts" lines: the fds the program inherited. */
static void detail_fds(struct strbuf *sb, const struct execinfo *ei, bool utf8)
{
	if (!ei->fds_known) {
		strbuf_addstr(sb, "Inherited fds: not known yet\n");
		return;
	}
	strbuf_addf(sb, "Inherited fds: %zu\n", ei->nfds);
	for (size_t i = 0; i < ei->nfds; i++) {
		const struct execfd *f = &ei->fds[i];

		strbuf_addf(sb, "  %-3d %-5s ", f->fd, model_kind_name(f->kind));
		if (f->remote || f->local) {
			visible_addstr(sb, f->local ? f->local : "?");
			strbuf_addstr(sb, utf8 ? " → " : " -> ");
			visible_addstr(sb, f->remote ? f->remote : "?");
		} else {
			visible_addstr(sb, f->path ? f->path : "?");
		}
		strbuf_addch(sb, '\n');
	}
}

/* What an exec's program started with: directory, environment, fds. */
static void detail_exec(struct strbuf *sb, const struct model *m, const struct sevent *e, bool utf8)
{
	const struct execinfo *ei = model_execinfo(m, e->pid, e->ts);

	if (!ei || ei->ts != e->ts)
		return;
	strbuf_addstr(sb, "Directory: ");
	visible_addstr(sb, ei->cwd ? ei->cwd : "not known (it could not be read)");
	strbuf_addch(sb, '\n');
	detail_env(sb, ei);
	detail_fds(sb, ei, utf8);
}

void evtext_detail(struct strbuf *sb, const struct store *s, const struct model *m,
		   size_t idx, bool utf8)
{
	const struct sevent *e = store_get(s, idx);

	strbuf_addstr(sb, "Event:    ");
	evtext_row(sb, s, e, utf8);
	strbuf_addf(sb, "\nIndex:    #%zu\n", idx);
	detail_fields(sb, s, m, e, store_dur(s, idx));
	if (m) {
		detail_object(sb, s, m, e);
		detail_proc(sb, m, e);
		if (e->type == EV_EXEC)
			detail_exec(sb, m, e, utf8);
	}
}
