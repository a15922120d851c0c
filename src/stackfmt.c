/* stackfmt.c - write an event's stack for the sinks (see stackfmt.h). */
#include "config.h"

#include <inttypes.h>

#include "json.h"
#include "stackfmt.h"
#include "symbols.h"
#include "visible.h"

/* One frame as a JSON object. */
static void frame_json(struct strbuf *sb, const struct sym_frame *f)
{
	strbuf_addch(sb, '{');
	if (f->func) {
		strbuf_addstr(sb, "\"func\":");
		json_cstr(sb, f->func);
		strbuf_addch(sb, ',');
	}
	strbuf_addf(sb, "\"offset\":%" PRIu64 ",\"module\":", f->offset);
	if (f->module)
		json_cstr(sb, f->module);
	else
		strbuf_addstr(sb, "null");
	if (f->file) {
		strbuf_addstr(sb, ",\"file\":");
		json_cstr(sb, f->file);
		strbuf_addf(sb, ",\"line\":%d", f->line);
	}
	strbuf_addch(sb, '}');
}

void stackfmt_json(struct strbuf *sb, const struct rec_stack *st)
{
	struct sym_frame f[REC_STACK_FRAMES];
	size_t n = symbols_name(symbols_shared(), st, f, REC_STACK_FRAMES);

	strbuf_addstr(sb, ",\"stack\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addch(sb, ',');
		frame_json(sb, &f[i]);
	}
	strbuf_addch(sb, ']');
}

/* One frame as text: "func+0xOFF (file:line) module", or "0xADDR module". */
static void frame_text(struct strbuf *sb, const struct sym_frame *f)
{
	if (f->func) {
		visible_addstr(sb, f->func);
		strbuf_addf(sb, "+0x%" PRIx64, f->offset);
	} else {
		strbuf_addf(sb, "0x%" PRIx64, f->offset);
	}
	if (f->file) {
		strbuf_addstr(sb, " (");
		visible_addstr(sb, f->file);
		strbuf_addf(sb, ":%d)", f->line);
	}
	strbuf_addstr(sb, " in ");
	visible_addstr(sb, f->module ? f->module : "?");
}

void stackfmt_text(struct strbuf *sb, const struct rec_stack *st, const char *indent)
{
	struct sym_frame f[REC_STACK_FRAMES];
	size_t n = symbols_name(symbols_shared(), st, f, REC_STACK_FRAMES);

	for (size_t i = 0; i < n; i++) {
		strbuf_addstr(sb, indent);
		frame_text(sb, &f[i]);
		strbuf_addch(sb, '\n');
	}
}
