/* mode_conns.c - the top connections view: bytes each way and duration.
 *
 * Rows are the connections the event store saw made (connect) or taken
 * (accept), each followed on its (process, fd) until it is closed, and the
 * UDP flows (datagrams to or from one peer by address) (objstat).  Enter shows that connection's events from its connect or
 * accept to its close.  This file must never draw.
 */
#include "config.h"

#include <stdio.h>

#include "app.h"
#include "fmt.h"
#include "noise.h"
#include "mode.h"

enum { C_PEER, C_PROTO, C_PID, C_SENT, C_RECV, C_DUR, C_N };

static const struct tcol cols[C_N] = {
	[C_PEER] = { "Peer", 0, false, true }, [C_PROTO] = { "Proto", 10, false, false },
	[C_PID] = { "PID", 7, true, false }, [C_SENT] = { "Sent", 10, true, false },
	[C_RECV] = { "Received", 10, true, false }, [C_DUR] = { "Duration", 10, true, false },
};

/* One row per connection (of pid, or of everyone). */
static void build(struct app *a, struct table *t, int pid)
{
	for (size_t i = 0; i < a->obj.nconns; i++) {
		const struct cstat *c = &a->obj.conns[i];
		const char *peer = store_str(a->store, c->peer);
		struct trow *r;

		if ((pid && c->pid != pid) || (a->view.filter.hide_noise && noise_addr(peer)))
			continue;
		r = table_add(t, i);
		r->pid = c->pid;
		r->text = peer;
		r->key[C_PROTO] = c->kind * 3 + (c->flow ? 2 : c->accepted);
		r->key[C_PID] = c->pid;
		r->key[C_SENT] = (double)c->sent;
		r->key[C_RECV] = (double)c->received;
		r->key[C_DUR] = (double)(c->end - c->start);
	}
}

/* Column c of row r. */
static void cell(const struct app *a, const struct trow *r, size_t c, char *buf, size_t cap)
{
	char pb[FMT_PID_MAX];
	const struct cstat *cs = &a->obj.conns[r->id];

	switch (c) {
	case C_PEER: snprintf(buf, cap, "%s", r->text[0] ? r->text : "?"); break;
	case C_PROTO:
		snprintf(buf, cap, "%s %s", model_kind_name(cs->kind),
			 cs->flow ? "flow" : cs->accepted ? "in" : "out");
		break;
	case C_PID: fmt_pid(model_pid_label(a->model, cs->pid), cs->pid, pb);
		snprintf(buf, cap, "%s", pb);
		break;
	case C_DUR: mode_ns(r->key[c], buf, cap); break;
	default: mode_bytes(r->key[c], buf, cap); break;
	}
}

/* Enter: that connection's events, from connect or accept to close. */
static unsigned open_row(struct app *a, const struct trow *r)
{
	char pb[FMT_PID_MAX];
	const struct cstat *c = &a->obj.conns[r->id];
	struct follow f = { .pid = c->pid, .fd = c->fd, .t0 = c->start,
			    .t1 = c->closed ? c->end : UINT64_MAX };

	snprintf(f.label, sizeof(f.label), "connection %.100s (pid %s, fd %d)", r->text,
		 fmt_pid(model_pid_label(a->model, c->pid), c->pid, pb), c->fd);
	return mode_follow(a, &f);
}

/* What the figures are. */
static void note(const struct app *a, int pid, char *buf, size_t cap)
{
	(void)pid;
	snprintf(buf, cap, "Out: connect, in: accept, flow: UDP by address; peers by the name "
		 "looked up%s.  Duration: connect or accept to close (seen with -v or "
		 "--no-seccomp), else to the last use (a flow: its last datagram).  Enter: its events.",
		 a->view.filter.hide_noise ? "; localhost hidden (a shows it)" : "");
}

const struct mode_ops mode_conns = {
	.name = "Connections", .enter = "follow", .cols = cols, .ncols = C_N, .sort = C_SENT,
	.asc = false, .build = build, .cell = cell, .open = open_row, .note = note,
};
