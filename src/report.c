/* report.c - the --report sink: one self-contained offline HTML file.
 *
 * The page is ui/report/report.html with its style and script inlined
 * (embedded at build time, see report_ui.h) and the trace as one JSON data
 * block: a few column arrays of small integers (time deltas, lane, event
 * "combo", and a stream of only the non-zero fields: durations among them,
 * memory addresses as deltas) and a table of interned strings that share
 * directories with the string before them, which keeps a million events
 * near 20 bytes each.  The
 * Content-Security-Policy is default-src 'none' plus the SHA-256 of the
 * exact inline script and style, computed here.  This file must never put a
 * traced byte into the page except through json_str(JSON_HTML_SAFE), and
 * never leave events out without saying so in the data.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fbuf.h"
#include "json.h"
#include "report.h"
#include "report_ui.h"
#include "report_views.h"
#include "stackfmt.h"
#include "sha256.h"
#include "summary.h"
#include "strbuf.h"
#include "sysent.h"
#include "timeline.h"
#include "util.h"

#define TIME_UNIT_NS 1000       /* event times and durations are written in us */
#define LIST_MAX 100            /* files and connections listed in the summary */
#define ARGV_MAX 32             /* arguments listed per process */

/* Which fields of a stored event the "x" stream carries (non-zero ones). */
enum {
	X_FD = 1 << 0, X_VAL = 1 << 1, X_ADDR = 1 << 2,
	X_STR = 1 << 3, X_STR2 = 1 << 4, X_DUR = 1 << 5,
};

struct rw {
	struct fbuf out;
	const struct model *m;
	const struct store *s;
	struct timeline lanes;
	const char *filter;       /* the --filter expression the events matched, or NULL */
	uint32_t *order;          /* kept events, in time order (NULL: all, in store order) */
	size_t n, total;
	uint64_t left_out[CAT_MAX];
	struct imap str_ids;      /* store string id -> report id + 1 */
	uint32_t *strs;           /* report id -> store string id */
	size_t nstrs;
	struct imap combo_ids;    /* combo key -> combo index + 1 */
	uint64_t *combos;         /* combo index -> key */
	size_t ncombos;
	uint64_t mem_addr;        /* address of the last memory event written */
	const struct stackkeep *stacks;   /* --stack: stored events' stacks, or NULL */
};

/* Append a signed decimal number followed by sep (0: nothing). */
static void put_num(struct strbuf *sb, int64_t v, char sep)
{
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	if (sep)
		*--p = sep;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	strbuf_add(sb, p, (size_t)(buf + sizeof(buf) - p));
}

/* Is this event part of the process tree (never thinned out)? */
static bool structural(const struct sevent *e)
{
	return evdesc_of(e->type)->tree;
}

/* Store index of the i-th kept event. */
static uint32_t kept(const struct rw *w, size_t i)
{
	return w->order ? w->order[i] : (uint32_t)i;
}

/* Bresenham over n candidates of which want are kept: keep candidate j
 * when floor((j+1)*want/n) steps up. */
static bool take(size_t *seen, size_t want, size_t n)
{
	bool k = (*seen + 1) * want / n > *seen * want / n;

	(*seen)++;
	return k;
}

/* Keep at most max events (0: all): every process event first, the others
 * spread evenly over the trace, the rest counted as left out; then put
 * the kept ones in time order.  It holds only the kept events' indices
 * (none when it keeps all and the store is in time order), so the store's
 * older events can stay on disk. */
static void select_events(struct rw *w, size_t max)
{
	size_t nstruct = 0, seen[2] = { 0, 0 }, want[2], cand[2];

	w->total = w->n = store_count(w->s);
	if (!max || w->total <= max) {
		w->order = timeline_order(w->s);
		return;
	}
	for (size_t i = 0; i < w->total; i++)
		nstruct += structural(store_get(w->s, i));
	cand[1] = nstruct;
	cand[0] = w->total - nstruct;
	want[1] = nstruct < max ? nstruct : max;
	want[0] = max - want[1];
	w->order = xreallocarray(NULL, max, sizeof(*w->order));
	w->n = 0;
	for (size_t i = 0; i < w->total; i++) {
		const struct sevent *e = store_get(w->s, i);
		bool st = structural(e);

		if (take(&seen[st], want[st], cand[st]))
			w->order[w->n++] = (uint32_t)i;
		else
			w->left_out[e->cat < CAT_MAX ? e->cat : CAT_OTHER]++;
	}
	if (!timeline_in_order(w->s))
		timeline_sort(w->s, w->order, w->n);
}

/* "text" through the HTML-safe JSON escaper, or null. */
static void safe_str(struct strbuf *sb, const char *s)
{
	if (s)
		json_str(sb, s, strlen(s), JSON_HTML_SAFE);
	else
		strbuf_addstr(sb, "null");
}

/* "summary":{...}, the --json summary's fields with the file and connection
 * lists cut to their busiest LIST_MAX entries, argv to ARGV_MAX, and the
 * exit in the words every other output uses ("exit_text"). */
static void summary_json(struct rw *w)
{
	static const struct summary_opts opts = {
		.flags = SUMMARY_HTML | SUMMARY_EXIT_TEXT, .list_max = LIST_MAX, .argv_max = ARGV_MAX,
	};

	strbuf_addstr(&w->out.sb, "\"summary\":");
	summary_write(&w->out, w->m, &opts);
	strbuf_addch(&w->out.sb, ',');
}

/* "key":["a","b",...] of n names given by fn. */
static void name_list(struct strbuf *sb, const char *key, int n, const char *(*fn)(int))
{
	strbuf_addf(sb, "\"%s\":[", key);
	for (int i = 0; i < n; i++) {
		const char *s = fn(i);

		if (i)
			strbuf_addch(sb, ',');
		json_str(sb, s, strlen(s), JSON_HTML_SAFE);
	}
	strbuf_addstr(sb, "],");
}

/* Name of category i. */
static const char *cat_name(int i)
{
	return evdesc_cat_name((unsigned)i);
}

/* Name of event type i. */
static const char *type_name(int i)
{
	return evdesc_name((unsigned)i);
}

/* Name of fd kind i. */
static const char *kind_name(int i)
{
	return model_kind_name(i);
}

/* Compare two u64 for qsort. */
static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* "lat":{n,p50,p90,p99,max} in ns over every stored latency, or null. */
static void latency_json(struct strbuf *sb, const struct store *s)
{
	size_t n = store_count(s), k = 0, nlat = 0;
	uint64_t *v;

	for (size_t i = 0; i < n; i++)
		nlat += store_get(s, i)->cat == CAT_LAT;
	v = xreallocarray(NULL, nlat ? nlat : 1, sizeof(*v));
	for (size_t i = 0; i < n && k < nlat; i++)
		if (store_get(s, i)->cat == CAT_LAT)
			v[k++] = timeline_latency(store_get(s, i));
	if (!k) {
		strbuf_addstr(sb, "\"lat\":null,");
	} else {
		qsort(v, k, sizeof(*v), u64_cmp);
		strbuf_addf(sb, "\"lat\":{\"n\":%zu,\"p50\":%" PRIu64 ",\"p90\":%" PRIu64
			    ",\"p99\":%" PRIu64 ",\"max\":%" PRIu64 "},", k, v[k / 2],
			    v[k * 9 / 10], v[k * 99 / 100], v[k - 1]);
	}
	free(v);
}

/* Page faults stored, or null when there were none (sampling was off). */
static void faults_json(struct strbuf *sb, const struct store *s)
{
	size_t n = store_count(s), k = 0;

	for (size_t i = 0; i < n; i++)
		k += store_get(s, i)->type == EV_FAULT;
	if (k)
		strbuf_addf(sb, "\"faults\":%zu,", k);
	else
		strbuf_addstr(sb, "\"faults\":null,");
}

/* Fields about the trace as a whole and what was left out. */
static void meta_json(struct rw *w)
{
	struct strbuf *sb = &w->out.sb;

	strbuf_addf(sb, "{\"v\":1,\"tool\":\"%s\",\"tu\":%d,\"duration\":%" PRIu64
		    ",\"total\":%zu,\"kept\":%zu,\"attached\":%s,\"left_out\":[",
		    PACKAGE_STRING, TIME_UNIT_NS, model_duration(w->m), w->total, w->n,
		    model_attached(w->m) ? "true" : "false");
	for (int c = 0; c < CAT_MAX; c++)
		put_num(sb, (int64_t)w->left_out[c], c + 1 < CAT_MAX ? ',' : 0);
	strbuf_addstr(sb, "],");
	name_list(sb, "cats", CAT_MAX, cat_name);
	name_list(sb, "types", EV_TYPE_MAX, type_name);
	name_list(sb, "kinds", FDK_MAX, kind_name);
	latency_json(sb, w->s);
	faults_json(sb, w->s);
	summary_json(w);
	if (w->filter) {
		strbuf_addstr(sb, "\"filter\":");
		safe_str(sb, w->filter);
		strbuf_addch(sb, ',');
	}
}

/* "lanes":{"pid":[...],"tid":[...]} in display order. */
static void lanes_json(struct rw *w)
{
	struct strbuf *sb = &w->out.sb;

	strbuf_addstr(sb, "\"lanes\":{\"pid\":[");
	for (size_t i = 0; i < w->lanes.n; i++)
		put_num(sb, w->lanes.v[i].pid, i + 1 < w->lanes.n ? ',' : 0);
	strbuf_addstr(sb, "],\"tid\":[");
	for (size_t i = 0; i < w->lanes.n; i++)
		put_num(sb, w->lanes.v[i].tid, i + 1 < w->lanes.n ? ',' : 0);
	strbuf_addstr(sb, "]},");
}

/* Duration in ns of stored event idx: its system call's, or its latency. */
static uint64_t event_dur(const struct rw *w, uint32_t idx)
{
	return store_dur(w->s, idx);
}

/* Which fields of stored event idx are non-zero (X_* bits). */
static unsigned field_mask(const struct rw *w, uint32_t idx)
{
	const struct sevent *e = store_get(w->s, idx);

	return (e->fd ? X_FD : 0) | (e->val ? X_VAL : 0) | (e->addr ? X_ADDR : 0) |
	       (e->str ? X_STR : 0) | (e->str2 ? X_STR2 : 0) | (event_dur(w, idx) ? X_DUR : 0);
}

/* Index of stored event idx's combo: type, category, kind, flags and field
 * mask, one byte each from the bottom of the key (combos_json reads them
 * back so). */
static uint32_t combo_of(struct rw *w, uint32_t idx)
{
	const struct sevent *e = store_get(w->s, idx);
	uint64_t key = (uint64_t)e->type | (uint64_t)e->cat << 8 | (uint64_t)e->kind << 16 |
		       (uint64_t)(e->flags & SEV_REPORTED) << 24 | (uint64_t)field_mask(w, idx) << 32;
	void *v = imap_get(&w->combo_ids, key + 1);

	if (v)
		return (uint32_t)((uintptr_t)v - 1);
	w->combos = xreallocarray(w->combos, w->ncombos + 1, sizeof(*w->combos));
	w->combos[w->ncombos] = key;
	imap_put(&w->combo_ids, key + 1, (void *)(uintptr_t)(w->ncombos + 1));
	return (uint32_t)w->ncombos++;
}

/* Report id of a store string id (assigned on first use). */
static uint32_t str_of(struct rw *w, uint32_t id)
{
	void *v = imap_get(&w->str_ids, (uint64_t)id + 1);

	if (v)
		return (uint32_t)((uintptr_t)v - 1);
	w->strs = xreallocarray(w->strs, w->nstrs + 1, sizeof(*w->strs));
	w->strs[w->nstrs] = id;
	imap_put(&w->str_ids, (uint64_t)id + 1, (void *)(uintptr_t)(w->nstrs + 1));
	return (uint32_t)w->nstrs++;
}

/* Time in units, rounded. */
static int64_t units(uint64_t ns)
{
	return (int64_t)((ns + TIME_UNIT_NS / 2) / TIME_UNIT_NS);
}

/* Open a column: ,"key":[ */
static void col_open(struct rw *w, const char *key)
{
	strbuf_addf(&w->out.sb, "\"%s\":[", key);
}

/* "t": time deltas in units. */
static void col_time(struct rw *w)
{
	int64_t prev = 0;

	col_open(w, "t");
	for (size_t i = 0; i < w->n; i++) {
		int64_t t = units(store_get(w->s, kept(w, i))->ts);

		put_num(&w->out.sb, t - prev, i + 1 < w->n ? ',' : 0);
		prev = t;
		fbuf_step(&w->out);
	}
	strbuf_addstr(&w->out.sb, "],");
}

/* "l": lane index of each event. */
static void col_lane(struct rw *w)
{
	col_open(w, "l");
	for (size_t i = 0; i < w->n; i++) {
		uint32_t idx = kept(w, i);
		size_t l = timeline_lane_of(&w->lanes, store_get(w->s, idx), idx);

		put_num(&w->out.sb, (long)l, i + 1 < w->n ? ',' : 0);
		fbuf_step(&w->out);
	}
	strbuf_addstr(&w->out.sb, "],");
}

/* "c": combo index of each event. */
static void col_combo(struct rw *w)
{
	col_open(w, "c");
	for (size_t i = 0; i < w->n; i++) {
		put_num(&w->out.sb, combo_of(w, kept(w, i)), i + 1 < w->n ? ',' : 0);
		fbuf_step(&w->out);
	}
	strbuf_addstr(&w->out.sb, "],");
}

/* Stored event idx's non-zero fields, in X_* bit order.  A memory event's
 * address is written as its distance from the previous memory event's,
 * since mappings and their unmappings cluster: a few digits, not fifteen. */
static void x_fields(struct rw *w, uint32_t idx, bool *first)
{
	const struct sevent *e = store_get(w->s, idx);
	uint64_t dur = event_dur(w, idx);
	int64_t v[6] = {
		e->fd, e->val, (int64_t)e->addr,
		e->str ? str_of(w, e->str) : 0, e->str2 ? str_of(w, e->str2) : 0,
		units(dur),
	};
	unsigned mask = field_mask(w, idx);

	if (dur && !v[5])
		v[5] = 1;          /* a measured duration never rounds to none */
	if (e->cat == CAT_MEM && e->addr) {
		v[2] = (int64_t)(e->addr - w->mem_addr);
		w->mem_addr = e->addr;
	}
	for (int b = 0; b < 6; b++) {
		if (!(mask & (1u << b)))
			continue;
		if (!*first)
			strbuf_addch(&w->out.sb, ',');
		*first = false;
		put_num(&w->out.sb, v[b], 0);
	}
}

/* "x": the stream of non-zero fields. */
static void col_fields(struct rw *w)
{
	bool first = true;

	col_open(w, "x");
	for (size_t i = 0; i < w->n; i++) {
		x_fields(w, kept(w, i), &first);
		fbuf_step(&w->out);
	}
	strbuf_addstr(&w->out.sb, "],");
}

/* "combo":{"type":[],"cat":[],"kind":[],"flags":[],"mask":[]} */
static void combos_json(struct rw *w)
{
	static const char *const keys[] = { "type", "cat", "kind", "flags", "mask" };
	struct strbuf *sb = &w->out.sb;

	strbuf_addstr(sb, "\"combo\":{");
	for (int k = 0; k < 5; k++) {
		strbuf_addf(sb, "%s\"%s\":[", k ? "," : "", keys[k]);
		for (size_t i = 0; i < w->ncombos; i++)
			put_num(sb, (int64_t)((w->combos[i] >> (8 * k)) & 0xff),
				i + 1 < w->ncombos ? ',' : 0);
		strbuf_addch(sb, ']');
	}
	strbuf_addstr(sb, "},");
}

/* Bytes of b that a reader may take from a: the longest common prefix
 * that ends with '/' and is plain printable ASCII, so that its length in
 * bytes is its length in the page's decoded text too. */
static size_t shared_dir(const char *a, const char *b)
{
	size_t i = 0, dir = 0;

	while (a[i] && a[i] == b[i] && a[i] >= 0x20 && a[i] < 0x7f)
		if (a[i++] == '/')
			dir = i;
	return dir;
}

/* "sp":[...],"strs":[...] in report id order (id 0 is ""), HTML-safe:
 * string i is the first sp[i] characters of string i-1 followed by
 * strs[i] (paths used one after another share their directories). */
static void strs_json(struct rw *w)
{
	struct strbuf *sb = &w->out.sb;

	strbuf_addstr(sb, "\"sp\":[");
	for (size_t i = 0; i < w->nstrs; i++) {
		const char *s = store_str(w->s, w->strs[i]);

		put_num(sb, i ? (int64_t)shared_dir(store_str(w->s, w->strs[i - 1]), s) : 0,
			i + 1 < w->nstrs ? ',' : 0);
		fbuf_step(&w->out);
	}
	strbuf_addstr(sb, "],\"strs\":[");
	for (size_t i = 0; i < w->nstrs; i++) {
		const char *s = store_str(w->s, w->strs[i]);
		size_t k = i ? shared_dir(store_str(w->s, w->strs[i - 1]), s) : 0;

		if (i)
			strbuf_addch(sb, ',');
		json_str(sb, s + k, strlen(s) - k, JSON_HTML_SAFE);
		fbuf_step(&w->out);
	}
	strbuf_addstr(sb, "]}");
}

/* "sys":{"nr":"name"} for the raw syscalls kept ("i" prefix: i386). */
static void sysnames_json(struct rw *w)
{
	bool seen[2][1024] = { { false } };
	bool first = true;

	strbuf_addstr(&w->out.sb, "\"sys\":{");
	for (size_t i = 0; i < w->n; i++) {
		const struct sevent *e = store_get(w->s, kept(w, i));
		unsigned i386 = e->addr == ARCH_I386;
		const char *name;

		if (e->type != EV_SYSCALL || e->fd < 0 || e->fd >= 1024 || seen[i386][e->fd])
			continue;
		seen[i386][e->fd] = true;
		name = sysent_name(i386, e->fd);
		if (!name)
			continue;
		strbuf_addf(&w->out.sb, "%s\"%s%d\":\"%s\"", first ? "" : ",", i386 ? "i" : "", e->fd, name);
		first = false;
	}
	strbuf_addstr(&w->out.sb, "},");
}

/* "stk": {"i":["frame",...]} for the kept events i with a stack, each
 * frame as the lines print it. */
static void stacks_json(struct rw *w)
{
	struct strbuf text;
	bool first = true;

	strbuf_init(&text, 256);
	strbuf_addstr(&w->out.sb, "\"stk\":{");
	for (size_t i = 0; w->stacks && i < w->n; i++) {
		const struct rec_stack *st = stackkeep_get(w->stacks, kept(w, i));
		char *at, *nl;
		if (!st)
			continue;
		strbuf_reset(&text);
		stackfmt_text(&text, st, "");
		strbuf_addf(&w->out.sb, "%s\"%zu\":[", first ? "" : ",", i);
		first = false;
		for (at = text.buf; at && *at; at = nl ? nl + 1 : NULL) {
			nl = strchr(at, '\n');
			if (at != text.buf)
				strbuf_addch(&w->out.sb, ',');
			json_str(&w->out.sb, at, nl ? (size_t)(nl - at) : strlen(at), JSON_HTML_SAFE);
		}
		strbuf_addch(&w->out.sb, ']');
		fbuf_step(&w->out);
	}
	strbuf_addstr(&w->out.sb, "},");
	strbuf_release(&text);
}

/* The whole JSON data block. */
static void data_json(struct rw *w)
{
	str_of(w, 0);     /* id 0 is "" and stays report id 0 */
	meta_json(w);
	report_views_json(&w->out, w->m, w->s);
	lanes_json(w);
	col_time(w);
	col_lane(w);
	col_combo(w);
	col_fields(w);
	stacks_json(w);
	combos_json(w);
	sysnames_json(w);
	strs_json(w);
	fbuf_flush(&w->out);
}

/* Write the template from *pos up to marker, then step past the marker. */
static void template_to(struct rw *w, const char **pos, const char *marker)
{
	const char *at = strstr(*pos, marker);

	if (!at)
		at = *pos + strlen(*pos);
	strbuf_add(&w->out.sb, *pos, (size_t)(at - *pos));
	*pos = *at ? at + strlen(marker) : at;
}

/* The policy: nothing but the inline script and style, by their hashes. */
static void csp(struct strbuf *sb)
{
	char js[SHA256_B64_LEN + 1], css[SHA256_B64_LEN + 1];

	sha256_base64(report_ui_js, report_ui_js_len, js);
	sha256_base64(report_ui_css, report_ui_css_len, css);
	strbuf_addf(sb, "default-src 'none'; script-src 'sha256-%s'; style-src 'sha256-%s'; "
		    "base-uri 'none'; form-action 'none'", js, css);
}

/* The page: template with the policy, style, data and script filled in. */
static void page(struct rw *w)
{
	const char *pos = report_ui_html;

	template_to(w, &pos, "@CSP@");
	csp(&w->out.sb);
	template_to(w, &pos, "@CSS@");
	strbuf_add(&w->out.sb, report_ui_css, report_ui_css_len);
	template_to(w, &pos, "@DATA@");
	fbuf_flush(&w->out);
	data_json(w);
	template_to(w, &pos, "@JS@");
	strbuf_add(&w->out.sb, report_ui_js, report_ui_js_len);
	strbuf_addstr(&w->out.sb, pos);
	fbuf_flush(&w->out);
}

/* Bytes the writer needs besides the store. */
size_t report_scratch(const struct store *s, size_t max_events)
{
	size_t n = store_count(s), kept = max_events && max_events < n ? max_events : n;
	size_t order = timeline_in_order(s) ? (kept < n ? kept * sizeof(uint32_t) : 0) :
		       kept * (sizeof(uint32_t) + 16);

	return order;
}

/* Write the report to an open stream, saying which filter its events matched. */
static int emit(const struct model *m, const struct store *s, FILE *f, size_t max_events,
		const char *filter, const struct stackkeep *stacks)
{
	struct rw w = { .m = m, .s = s, .filter = filter, .stacks = stacks };
	int err;

	fbuf_init(&w.out, f);
	timeline_build(&w.lanes, m, s);
	select_events(&w, max_events);
	page(&w);
	timeline_release(&w.lanes);
	imap_release(&w.str_ids);
	imap_release(&w.combo_ids);
	free(w.strs);
	free(w.combos);
	free(w.order);
	err = fbuf_release(&w.out);
	if (!err && ferror(f))
		err = -EIO;
	return err;
}

/* Write the report to an open stream. */
int report_emit(const struct model *m, const struct store *s, FILE *f, size_t max_events)
{
	return emit(m, s, f, max_events, NULL, NULL);
}

/* Write the report to path (created or truncated). */
int report_write(const struct model *m, const struct store *s, const char *path,
		 size_t max_events)
{
	return report_write_filtered(m, s, path, max_events, NULL, NULL);
}

/* The same, saying which filter the events matched. */
int report_write_filtered(const struct model *m, const struct store *s, const char *path,
			  size_t max_events, const char *filter, const struct stackkeep *stacks)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f)
		return -errno;
	err = emit(m, s, f, max_events, filter, stacks);
	if (fflush(f) != 0 && !err)
		err = -errno;
	if (fclose(f) != 0 && !err)
		err = -errno;
	return err;
}
