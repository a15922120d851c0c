/* stackfmt.c - write an event's stack for the sinks (see stackfmt.h).
 *
 * A program makes most of its calls from a few places, so the same stack
 * comes again and again: each one written is kept, by its raw bytes, and
 * written again as it was (a few thousand at most, then they start over).
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "util.h"

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

#define KEPT_MAX 4096

/* A stack written before: its raw bytes and what they became. */
struct kept {
	size_t len;
	void *raw;
	char *text;
};

/* Stacks written before, by the hash of their bytes and of how (json or text). */
static struct imap kept;

/* Forget every stack written before. */
static void kept_clear(void)
{
	for (size_t i = 0; i < kept.cap; i++) {
		struct kept *k = kept.vals ? kept.vals[i] : NULL;
		if (!k)
			continue;
		free(k->raw);
		free(k->text);
		free(k);
	}
	imap_release(&kept);
	memset(&kept, 0, sizeof(kept));
}

/* FNV-1a of n bytes at p, from h. */
static uint64_t hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 0x100000001b3ull;
	return h;
}

/* Bytes of a REC_STACK payload. */
static size_t stack_len(const struct rec_stack *st)
{
	return sizeof(*st) + (size_t)st->nframes * sizeof(struct rec_frame) + st->mods_len;
}

/* What st became when written in way (0: json, else text with indent), or NULL. */
static const char *kept_get(const struct rec_stack *st, const char *way, uint64_t *key)
{
	size_t n = stack_len(st);
	struct kept *k;

	*key = hash(hash(0xcbf29ce484222325ull, way, strlen(way) + 1), st, n);
	k = imap_get(&kept, *key);
	return k && k->len == n && memcmp(k->raw, st, n) == 0 ? k->text : NULL;
}

/* Keep what st became (text[0..len)) under key. */
static void kept_put(uint64_t key, const struct rec_stack *st, const char *text, size_t len)
{
	struct kept *k = xcalloc(1, sizeof(*k)), *old;

	if (kept.n >= KEPT_MAX)
		kept_clear();
	k->len = stack_len(st);
	k->raw = xmalloc(k->len);
	memcpy(k->raw, st, k->len);
	k->text = xmalloc(len + 1);
	memcpy(k->text, text, len);
	k->text[len] = 0;
	old = imap_del(&kept, key);
	if (old) {
		free(old->raw);
		free(old->text);
		free(old);
	}
	imap_put(&kept, key, k);
}

void stackfmt_json(struct strbuf *sb, const struct rec_stack *st)
{
	struct sym_frame f[REC_STACK_FRAMES];
	uint64_t key;
	const char *done = kept_get(st, "", &key);
	size_t n, at = sb->len;

	if (done) {
		strbuf_addstr(sb, done);
		return;
	}
	n = symbols_name(symbols_shared(), st, f, REC_STACK_FRAMES);
	strbuf_addstr(sb, ",\"stack\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addch(sb, ',');
		frame_json(sb, &f[i]);
	}
	strbuf_addch(sb, ']');
	kept_put(key, st, sb->buf + at, sb->len - at);
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
	uint64_t key;
	const char *done = kept_get(st, indent[0] ? indent : "\n", &key);
	size_t n, at = sb->len;

	if (done) {
		strbuf_addstr(sb, done);
		return;
	}
	n = symbols_name(symbols_shared(), st, f, REC_STACK_FRAMES);
	for (size_t i = 0; i < n; i++) {
		strbuf_addstr(sb, indent);
		frame_text(sb, &f[i]);
		strbuf_addch(sb, '\n');
	}
	kept_put(key, st, sb->buf + at, sb->len - at);
}
