/* sites.c - the "opened from" ranking (see sites.h). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evdesc.h"
#include "hmap.h"
#include "sites.h"
#include "symbols.h"
#include "util.h"

struct sites {
	struct smap by_key;   /* "pid\0call\0object\0site" flattened -> struct site_row */
	struct site_row **rows;
	size_t n, cap;
};

struct sites *sites_new(void)
{
	return xcalloc(1, sizeof(struct sites));
}

void sites_free(struct sites *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free((char *)s->rows[i]->object);
		free((char *)s->rows[i]->site);
		free(s->rows[i]);
	}
	free(s->rows);
	smap_release(&s->by_key);
	free(s);
}

/* The frame a call site is: the first outside the innermost frame's module. */
static const struct sym_frame *site_frame(const struct sym_frame *f, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (!f[0].module || !f[i].module || strcmp(f[i].module, f[0].module) != 0)
			return &f[i];
	return n ? &f[0] : NULL;
}

void sites_name(char *buf, size_t cap, const struct rec_stack *st)
{
	struct sym_frame f[REC_STACK_FRAMES];
	size_t n = symbols_name(symbols_shared(), st, f, REC_STACK_FRAMES);
	const struct sym_frame *s = site_frame(f, n);
	const char *mod = s ? symbols_module_base(s->module) : "?";

	if (!s)
		snprintf(buf, cap, "?");
	else if (s->func && s->file)
		snprintf(buf, cap, "%s+0x%" PRIx64 " (%s:%d) in %s", s->func, s->offset,
			 symbols_module_base(s->file), s->line, mod);
	else if (s->func)
		snprintf(buf, cap, "%s+0x%" PRIx64 " in %s", s->func, s->offset, mod);
	else
		snprintf(buf, cap, "%s+0x%" PRIx64, mod, s->offset);
}

/* What ev opened or reached, or NULL when it is not counted. */
static const char *object_of(const struct event *ev)
{
	if (ev->type == EV_OPEN)
		return ev->ret >= 0 ? ev->path : NULL;
	if (ev->type == EV_CONNECT || ev->type == EV_ACCEPT)
		return ev->conn ? ev->conn->remote : ev->addr_text;
	return NULL;
}

void sites_add(struct sites *s, const struct event *ev)
{
	const char *obj = ev->stack ? object_of(ev) : NULL;
	char site[512], key[8192];
	struct site_row *r;

	if (!obj)
		return;
	sites_name(site, sizeof(site), ev->stack);
	snprintf(key, sizeof(key), "%d %s %s\n%s", ev->pid, evdesc_name(ev->type), site, obj);
	r = smap_get(&s->by_key, key);
	if (!r) {
		r = xcalloc(1, sizeof(*r));
		r->object = xstrdup(obj);
		r->site = xstrdup(site);
		r->call = evdesc_name(ev->type);
		r->pid = ev->pid;
		smap_put(&s->by_key, key, r);
		if (s->n == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 64;
			s->rows = xreallocarray(s->rows, s->cap, sizeof(*s->rows));
		}
		s->rows[s->n++] = r;
	}
	r->count++;
}

struct site_row *const *sites_rows(const struct sites *s, size_t *n)
{
	*n = s ? s->n : 0;
	return s ? s->rows : NULL;
}
