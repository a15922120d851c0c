/* filter.c - which stored events a view shows, and search over them.
 *
 * The text is compiled once by src/query.c, whose per-string caches make a
 * test cost a table lookup after the first time a string is seen, so a
 * filter change over a million events is a linear scan of small integers.
 * This file must never print, never make a system call and never keep
 * pointers into the store beyond a call.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "strbuf.h"
#include "util.h"

#define ALL_CATS ((1u << CAT_MAX) - 1)
#define ALL_TYPES ((1u << EV_TYPE_MAX) - 1)

/* Case-insensitive search for needle (length n) in hay; offset or -1. */
static long find_ci(const char *hay, const char *needle, size_t n)
{
	if (!n)
		return 0;
	for (const char *h = hay; *h; h++) {
		size_t i = 0;

		while (i < n && h[i] && tolower((unsigned char)h[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return h - hay;
	}
	return -1;
}

/* Set the text, or say where it is wrong and leave t as it was. */
int textmatch_parse(struct textmatch *t, const char *text, struct query_error *err)
{
	char buf[TEXT_MAX];
	struct query *q;

	snprintf(buf, sizeof(buf), "%s", text ? text : "");
	q = query_parse(buf, err);
	if (!q) {
		memcpy(t->rejected, buf, sizeof(buf));
		t->rejected_pos = err->pos;
		return -1;
	}
	t->rejected[0] = '\0';
	query_free(t->q);
	t->q = NULL;
	memcpy(t->text, buf, sizeof(buf));
	t->len = strlen(t->text);
	t->word_len = strcmp(query_word(q), t->text) == 0 ? t->len : 0;
	if (query_empty(q))
		query_free(q);
	else
		t->q = q;
	return 0;
}

/* Set the text, ignoring an invalid one. */
void textmatch_set(struct textmatch *t, const char *text)
{
	struct query_error err;

	textmatch_parse(t, text, &err);
}

/* Free the compiled text. */
void textmatch_release(struct textmatch *t)
{
	query_free(t->q);
	t->q = NULL;
}

/* Case-insensitive find of t's text in hay, when it is one plain word. */
long textmatch_find(const struct textmatch *t, const char *hay)
{
	return t->word_len ? find_ci(hay, t->text, t->word_len) : -1;
}

/* Does event i match the text? */
bool textmatch_event(struct textmatch *t, const struct store *s, size_t i)
{
	return !t->q || query_match_at(t->q, s, i);
}

/* Everything shown except noise. */
void filter_init(struct filter *f)
{
	memset(f, 0, sizeof(*f));
	textmatch_set(&f->text, "");
	f->hide_noise = true;
	f->cats = ALL_CATS;
	f->types = ALL_TYPES;
}

/* Free what the filter owns. */
void filter_release(struct filter *f)
{
	textmatch_release(&f->text);
	free(f->pids);
	f->pids = NULL;
	f->npids = f->pids_cap = 0;
}

/* Back to filter_init's state. */
void filter_clear(struct filter *f)
{
	textmatch_set(&f->text, "");
	f->hide_noise = true;
	f->cats = ALL_CATS;
	f->types = ALL_TYPES;
	filter_all_pids(f);
}

/* Show every process. */
void filter_all_pids(struct filter *f)
{
	f->pid_only = false;
	f->npids = 0;
}

/* Index of pid in the list, or -1. */
static long pid_pos(const struct filter *f, int pid)
{
	for (size_t i = 0; i < f->npids; i++)
		if (f->pids[i] == pid)
			return (long)i;
	return -1;
}

/* Is process pid shown? */
bool filter_pid_shown(const struct filter *f, int pid)
{
	if (!f->npids && !f->pid_only)
		return true;
	return (pid_pos(f, pid) >= 0) == f->pid_only;
}

/* Show or hide one process. */
void filter_toggle_pid(struct filter *f, int pid)
{
	long at = pid_pos(f, pid);

	if (at >= 0) {
		f->pids[at] = f->pids[--f->npids];
		return;
	}
	if (f->npids == f->pids_cap) {
		f->pids_cap = f->pids_cap ? f->pids_cap * 2 : 8;
		f->pids = xreallocarray(f->pids, f->pids_cap, sizeof(*f->pids));
	}
	f->pids[f->npids++] = pid;
}

/* Show only process pid. */
void filter_only_pid(struct filter *f, int pid)
{
	f->pid_only = true;
	f->npids = 0;
	filter_toggle_pid(f, pid);
}

/* Does the filter show event i? */
bool filter_match(struct filter *f, const struct store *s, size_t i)
{
	const struct sevent *e = store_get(s, i);

	if (f->hide_noise && (e->flags & SEV_NOISE))
		return false;
	if (!(f->cats >> e->cat & 1) || !(f->types >> e->type & 1))
		return false;
	if ((f->npids || f->pid_only) && !filter_pid_shown(f, e->pid))
		return false;
	return textmatch_event(&f->text, s, i);
}

/* Anything hidden besides the default noise? */
bool filter_narrowed(const struct filter *f)
{
	return f->text.len || f->cats != ALL_CATS || f->types != ALL_TYPES ||
	       f->npids || f->pid_only;
}

/* Number of set bits. */
static int bits(uint32_t x)
{
	return __builtin_popcount(x);
}

/* One-line description ("text \"x\", 2/7 categories, noise hidden"). */
void filter_describe(const struct filter *f, char *buf, size_t cap)
{
	struct strbuf sb = STRBUF_INIT;

	if (f->text.len)
		strbuf_addf(&sb, "text \"%s\"  ", f->text.text);
	if (f->cats != ALL_CATS)
		strbuf_addf(&sb, "%d/%d categories  ", bits(f->cats), CAT_MAX);
	if (f->types != ALL_TYPES)
		strbuf_addf(&sb, "%d/%d types  ", bits(f->types), EV_TYPE_MAX);
	if (f->pid_only)
		strbuf_addf(&sb, "%zu process%s only  ", f->npids, f->npids == 1 ? "" : "es");
	else if (f->npids)
		strbuf_addf(&sb, "%zu process%s hidden  ", f->npids, f->npids == 1 ? "" : "es");
	strbuf_addstr(&sb, f->hide_noise ? "noise hidden" : "noise shown");
	snprintf(buf, cap, "%s", sb.buf);
	strbuf_release(&sb);
}
