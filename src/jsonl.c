/* jsonl.c - the --json sink.
 *
 * Writes JSON Lines: one object per model event, then exactly one summary
 * object whose field names other tools read, so they never change meaning.
 * The members of an event's object are its type's (evdesc.c); every string
 * goes through json_str, so any bytes a tracee produced come out as valid
 * JSON.  It reads the model; it never decodes a syscall.
 */
#include "config.h"

#include <stdlib.h>

#include "evform.h"
#include "json.h"
#include "jsonl.h"
#include "stackfmt.h"
#include "summary.h"
#include "util.h"

struct jsonl {
	FILE *out;
	struct strbuf sb;
};

struct jsonl *jsonl_new(FILE *out)
{
	struct jsonl *j = xcalloc(1, sizeof(*j));

	j->out = out;
	strbuf_init(&j->sb, 512);
	return j;
}

void jsonl_free(struct jsonl *j)
{
	if (!j)
		return;
	strbuf_release(&j->sb);
	free(j);
}

void jsonl_event(void *ctx, const struct event *ev)
{
	struct jsonl *j = ctx;
	struct strbuf *sb = &j->sb;

	strbuf_reset(sb);
	strbuf_addstr(sb, "{\"t\":");
	strbuf_addfixed(sb, ev->ts, 9, 6);
	strbuf_addstr(sb, ",\"pid\":");
	strbuf_addi(sb, rec_pid_local(ev->pid));
	strbuf_addstr(sb, ",\"tid\":");
	strbuf_addi(sb, rec_pid_local(ev->tid));
	strbuf_addch(sb, ',');
	if (ev->host) {
		strbuf_addstr(sb, "\"hostname\":");
		json_cstr(sb, ev->host);
		strbuf_addch(sb, ',');
	}
	strbuf_addstr(sb, "\"type\":\"");
	strbuf_addstr(sb, evdesc_name(ev->type));
	strbuf_addch(sb, '"');
	evform_json(sb, ev);
	if (ev->stack)
		stackfmt_json(sb, ev->stack);
	strbuf_addstr(sb, "}\n");
	fwrite(sb->buf, 1, sb->len, j->out);
}

void jsonl_summary(struct jsonl *j, const struct model *m)
{
	static const struct summary_opts opts = { .flags = SUMMARY_TYPE | SUMMARY_PROC_LATENCY };
	struct fbuf out;

	fbuf_init(&out, j->out);
	summary_write(&out, m, &opts);
	strbuf_addch(&out.sb, '\n');
	fbuf_release(&out);
	fflush(j->out);
}
