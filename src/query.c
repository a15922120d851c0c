/* query.c - the filter language of the TUI, --filter and the HTML report.
 *
 * A recursive-descent parser turns the text into a small tree of nodes in
 * one array; evaluation walks it with short-circuit and/or.  Every test on a
 * string (plain words, comm, path, host, port) keeps a byte per interned
 * string id (0 untested, 1 match, 2 no match), so each distinct string is
 * looked at once however many events refer to it.  ui/report/query.js must stay
 * the same language: change both, and tests/query_cases.txt, together.
 * This file must never print, never make a system call and never keep a
 * pointer into an event beyond a call.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "query.h"
#include "sysent.h"
#include "util.h"

#define MAX_NODES 256
#define MAX_DEPTH 64
#define OWN_EVENTS (1u << 16)   /* query_event's store starts over after this many */
#define NUM_LIMIT (1ull << 53)  /* sizes and durations stay exact in JavaScript too */

enum qop {
	Q_AND, Q_OR, Q_NOT, Q_WORD, Q_CAT, Q_TYPE, Q_PID, Q_TID, Q_COMM,
	Q_PATH, Q_HOST, Q_PORT, Q_BYTES, Q_LAT, Q_FAILED,
};

enum qcmp { C_GT, C_GE, C_LT, C_LE, C_EQ };

struct qnode {
	uint8_t op;              /* enum qop */
	uint8_t cmp;             /* enum qcmp of bytes and lat */
	int a, b;                /* children of and, or, not */
	int64_t num;             /* pid, tid, port, bytes, ns; a word as a number or -1 */
	uint32_t mask;           /* cat, type; word: types whose name holds it */
	uint32_t cats, kinds;    /* word: categories and fd kinds whose name holds it */
	char *str;               /* word, glob */
	size_t len;
	uint8_t *cache;          /* per string id: 0 untested, 1 match, 2 no match */
	size_t cache_n;
};

struct query {
	struct qnode *nodes;
	int n, root;             /* root -1: no terms */
	const char *word;        /* first plain word not negated, or "" */
	bool has_comm;
	const struct store *store;   /* the store the caches and exe ids are about */
	struct imap exe;         /* pid -> exe string id + 1 */
	size_t scanned;          /* events of store that exe has seen */
	int memo_pid;            /* the last pid looked up in exe (0: none), */
	uint32_t memo_exe;       /* and its answer: events come in runs of one process */
	struct store *own;       /* query_event's store */
};

struct parser {
	const char *s;
	size_t pos;
	int depth;
	bool negated;            /* inside a "-": words there do not highlight */
	struct query *q;
	struct query_error *err;
};

/* ---- text helpers, ASCII only so ui/report/query.js agrees byte for byte ---- */

/* Lower-case of an ASCII letter, anything else unchanged. */
static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Case-insensitive find of needle (length n) in hay. */
static bool has_ci(const char *hay, const char *needle, size_t n)
{
	if (!n)
		return true;
	for (const char *h = hay; *h; h++) {
		size_t i = 0;

		while (i < n && h[i] && lower((unsigned char)h[i]) == lower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return false;
}

/* Do a and b (length n, a NUL-terminated) match case-insensitively and whole? */
static bool same_ci(const char *a, const char *b, size_t n)
{
	size_t i = 0;

	for (; i < n && a[i]; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return false;
	return i == n && !a[i];
}

/* Does glob p (length pn: * any run, ? one byte) match all of s (length sn)? */
static bool glob(const char *p, size_t pn, const char *s, size_t sn, bool fold)
{
	size_t pi = 0, si = 0, star = SIZE_MAX, mark = 0;

	while (si < sn) {
		if (pi < pn && p[pi] == '*') {
			star = pi++;
			mark = si;
		} else if (pi < pn && (p[pi] == '?' || p[pi] == s[si] ||
			   (fold && lower((unsigned char)p[pi]) == lower((unsigned char)s[si])))) {
			pi++;
			si++;
		} else if (star != SIZE_MAX) {
			pi = star + 1;
			si = ++mark;
		} else {
			return false;
		}
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

/* The length of the name of a named peer's text ("name (1.2.3.4):80",
 * "name (::1):80"), 0 when it is not one. */
static size_t peer_name_len(const char *t)
{
	const char *open = strstr(t, " (");

	return open && open > t && strstr(open, "):") ? (size_t)(open - t) : 0;
}

/* Split a peer address ("1.2.3.4:80", "[::1]:80", "name (1.2.3.4):80", a
 * unix path) into the address part and the port (-1 when it has none). */
static void peer_split(const char *t, size_t *hoff, size_t *hlen, long *port)
{
	size_t n = strlen(t), colon = n, named = peer_name_len(t);
	const char *close = t[0] == '[' ? strchr(t, ']') : named ? strstr(t + named, "):") : NULL;

	*hoff = 0;
	*hlen = n;
	*port = -1;
	if (close && named) {
		*hoff = named + 2;
		*hlen = (size_t)(close - t) - *hoff;
		colon = (size_t)(close - t) + 1;
	} else if (close) {
		*hoff = 1;
		*hlen = (size_t)(close - t) - 1;
		colon = close[1] == ':' ? (size_t)(close - t) + 1 : n;
	} else if (strchr(t, ':') && strchr(t, ':') == strrchr(t, ':')) {
		colon = (size_t)(strchr(t, ':') - t);
	}
	if (colon >= n || colon + 1 == n || n - colon > 6)
		return;
	for (size_t i = colon + 1; i < n; i++)
		if (t[i] < '0' || t[i] > '9')
			return;
	*port = strtol(t + colon + 1, NULL, 10);
	if (!close)
		*hlen = colon;
}

/* ---- building ---- */

/* Record the first error at pos; returns -1 for the caller to pass up. */
static int __attribute__((format(printf, 3, 4))) fail(struct parser *p, size_t pos,
						       const char *fmt, ...)
{
	va_list ap;

	if (p->err->msg[0])
		return -1;
	p->err->pos = pos;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* A new node of op; its index, or -1 when there are too many. */
static int node_new(struct parser *p, enum qop op, size_t pos)
{
	struct query *q = p->q;

	if (q->n >= MAX_NODES)
		return fail(p, pos, "too many terms (at most %d)", MAX_NODES / 2);
	memset(&q->nodes[q->n], 0, sizeof(q->nodes[q->n]));
	q->nodes[q->n].op = (uint8_t)op;
	q->nodes[q->n].num = -1;
	return q->n++;
}

/* A node joining a and b with op (and, or). */
static int node_join(struct parser *p, enum qop op, int a, int b, size_t pos)
{
	int i;

	if (a < 0 || b < 0)
		return -1;
	i = node_new(p, op, pos);
	if (i >= 0) {
		p->q->nodes[i].a = a;
		p->q->nodes[i].b = b;
	}
	return i;
}

/* Does c end a term? */
static bool ends_term(char c)
{
	return c == '\0' || c == ' ' || c == '\t' || c == '|' || c == ')';
}

/* Step over spaces and tabs. */
static void skip_space(struct parser *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t')
		p->pos++;
}

/* Read a value or word: "quoted" or up to the end of the term.  Sets
 * *start and *len; returns 0 or -1. */
static int read_text(struct parser *p, size_t *start, size_t *len)
{
	const char *s = p->s;
	size_t at = p->pos;

	if (s[at] == '"') {
		const char *close = strchr(s + at + 1, '"');

		if (!close)
			return fail(p, at, "unterminated quote");
		*start = at + 1;
		*len = (size_t)(close - s) - at - 1;
		p->pos = (size_t)(close - s) + 1;
		if (!ends_term(s[p->pos]))
			return fail(p, p->pos, "unexpected '%c' after the closing quote", s[p->pos]);
		if (!*len)
			return fail(p, at, "nothing between the quotes");
		return 0;
	}
	while (!ends_term(s[p->pos]))
		p->pos++;
	*start = at;
	*len = p->pos - at;
	return 0;
}

/* A copy of len bytes of the text at start for node i. */
static void node_text(struct parser *p, int i, size_t start, size_t len)
{
	p->q->nodes[i].str = xstrndup(p->s + start, len);
	p->q->nodes[i].len = len;
}

/* Bit per name (of n, by fn) equal to the value, case-insensitively. */
static uint32_t name_mask(const char *v, size_t len, int n, const char *(*fn)(int))
{
	uint32_t m = 0;

	for (int i = 0; i < n; i++)
		if (same_ci(fn(i), v, len))
			m |= 1u << i;
	return m;
}

/* Bit per name (of n, by fn) that holds the word, case-insensitively. */
static uint32_t name_hits(const char *w, size_t len, int n, const char *(*fn)(int))
{
	uint32_t m = 0;

	for (int i = 0; i < n; i++)
		if (has_ci(fn(i), w, len))
			m |= 1u << i;
	return m;
}

static const char *cat_name(int i) { return evdesc_cat_name((enum ev_cat)i); }
static const char *type_name(int i) { return evdesc_name((enum ev_type)i); }
static const char *kind_name(int i) { return model_kind_name(i); }

/* The digits at start (length len) as a number up to max, or -1. */
static int64_t digits(const char *s, size_t len, int64_t max)
{
	int64_t v = 0;

	if (!len || len > 18)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

/* A plain word: case-insensitive text search. */
static int parse_word(struct parser *p)
{
	size_t start, len, at = p->pos;
	int i;
	struct qnode *n;

	if (read_text(p, &start, &len) < 0 || (i = node_new(p, Q_WORD, at)) < 0)
		return -1;
	node_text(p, i, start, len);
	n = &p->q->nodes[i];
	n->num = digits(n->str, len, INT32_MAX);
	n->mask = name_hits(n->str, len, EV_TYPE_MAX, type_name);
	n->cats = name_hits(n->str, len, CAT_MAX, cat_name);
	n->kinds = name_hits(n->str, len, FDK_MAX, kind_name) & ~(1u << FDK_UNKNOWN);
	if (!p->negated && !p->q->word[0])
		p->q->word = n->str;
	return i;
}

/* Units of sizes (1024-based, as sizes are printed) and of durations (ns). */
struct unit {
	const char *name;
	int64_t mult;
};

static const struct unit size_units[] = {
	{ "", 1 }, { "b", 1 }, { "k", 1 << 10 }, { "kb", 1 << 10 }, { "kib", 1 << 10 },
	{ "m", 1 << 20 }, { "mb", 1 << 20 }, { "mib", 1 << 20 },
	{ "g", 1 << 30 }, { "gb", 1 << 30 }, { "gib", 1 << 30 },
	{ "t", 1ll << 40 }, { "tb", 1ll << 40 }, { "tib", 1ll << 40 }, { NULL, 0 },
};

static const struct unit time_units[] = {
	{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 }, { NULL, 0 },
};

/* "1", "1.5", "10M", "2.25ms": a number with up to 3 decimals and a unit,
 * as an integer count of the smallest unit (the fraction rounded down). */
static int parse_amount(struct parser *p, const struct unit *units, bool is_time, int64_t *out)
{
	const char *s = p->s;
	size_t at = p->pos, ui;
	int64_t ip = 0, fp = 0, scale = 1, mult = -1;
	int nd = 0;

	if (s[p->pos] < '0' || s[p->pos] > '9')
		return fail(p, p->pos, "expected a number");
	for (; s[p->pos] >= '0' && s[p->pos] <= '9'; p->pos++, nd++)
		if (nd < 16)
			ip = ip * 10 + (s[p->pos] - '0');
	if (nd > 15)
		return fail(p, at, "number too large");
	if (s[p->pos] == '.') {
		size_t dot = p->pos++;

		if (s[p->pos] < '0' || s[p->pos] > '9')
			return fail(p, dot, "expected digits after '.'");
		for (nd = 0; s[p->pos] >= '0' && s[p->pos] <= '9'; p->pos++, nd++)
			if (nd < 3) {
				fp = fp * 10 + (s[p->pos] - '0');
				scale *= 10;
			}
		if (nd > 3)
			return fail(p, dot, "at most 3 decimals");
	}
	for (ui = p->pos; !ends_term(s[p->pos]); p->pos++)
		;
	for (const struct unit *u = units; u->name; u++)
		if (same_ci(u->name, s + ui, p->pos - ui))
			mult = u->mult;
	if (mult < 0 && ui == p->pos)
		return fail(p, ui, "missing time unit (ns, us, ms or s)");
	if (mult < 0)
		return fail(p, ui, "unknown %s unit '%.*s'", is_time ? "time" : "size",
			    (int)(p->pos - ui), s + ui);
	if (ip > (int64_t)(NUM_LIMIT / (uint64_t)mult) - 1)
		return fail(p, at, "number too large");
	*out = ip * mult + fp * mult / scale;
	return 0;
}

/* bytes<OP>SIZE or lat<OP>DURATION; p->pos is on the operator. */
static int parse_compare(struct parser *p, enum qop op, size_t at, const char *key)
{
	const char *s = p->s;
	int i, cmp;

	if (s[p->pos] == '>' || s[p->pos] == '<') {
		bool gt = s[p->pos] == '>';

		p->pos++;
		cmp = s[p->pos] == '=' ? (gt ? C_GE : C_LE) : (gt ? C_GT : C_LT);
		p->pos += s[p->pos] == '=';
	} else if (s[p->pos] == '=') {
		cmp = C_EQ;
		p->pos++;
	} else {
		return fail(p, p->pos, "expected >, >=, <, <= or = after '%s'", key);
	}
	if ((i = node_new(p, op, at)) < 0)
		return -1;
	p->q->nodes[i].cmp = (uint8_t)cmp;
	if (parse_amount(p, op == Q_LAT ? time_units : size_units, op == Q_LAT,
			 &p->q->nodes[i].num) < 0)
		return -1;
	return i;
}

/* The value of a key:value term; p->pos is just after the colon. */
static int parse_value(struct parser *p, enum qop op, size_t at, const char *key)
{
	size_t start, len, vpos = p->pos;
	int i;
	struct qnode *n;

	if (ends_term(p->s[p->pos]))
		return fail(p, p->pos, "missing value after '%s:'", key);
	if (read_text(p, &start, &len) < 0 || (i = node_new(p, op, at)) < 0)
		return -1;
	node_text(p, i, start, len);
	n = &p->q->nodes[i];
	switch (op) {
	case Q_CAT:
		n->mask = name_mask(n->str, len, CAT_MAX, cat_name);
		if (!n->mask)
			return fail(p, vpos, "unknown category '%s' (file, net, mem, io, proc, lat "
				    "or other)", n->str);
		break;
	case Q_TYPE:
		n->mask = name_mask(n->str, len, EV_TYPE_MAX, type_name);
		if (!n->mask)
			return fail(p, vpos, "unknown event type '%s'", n->str);
		break;
	case Q_PID: case Q_TID:
		n->num = digits(n->str, len, INT32_MAX);
		if (n->num <= 0)
			return fail(p, vpos, "'%s' is not a process id", n->str);
		break;
	case Q_PORT:
		n->num = digits(n->str, len, 65535);
		if (n->num < 0)
			return fail(p, vpos, "'%s' is not a port number (0 to 65535)", n->str);
		break;
	case Q_COMM:
		p->q->has_comm = true;
		break;
	default:
		break;
	}
	return i;
}

/* Field names and what they build. */
static const struct { const char *key; enum qop op; } fields[] = {
	{ "cat", Q_CAT }, { "type", Q_TYPE }, { "pid", Q_PID }, { "tid", Q_TID },
	{ "comm", Q_COMM }, { "path", Q_PATH }, { "host", Q_HOST }, { "port", Q_PORT },
	{ "bytes", Q_BYTES }, { "lat", Q_LAT }, { "failed", Q_FAILED },
};

/* A field term: letters, then ':' or a comparison.  p->pos is on the
 * character after the letters (klen of them, starting at at). */
static int parse_field(struct parser *p, size_t at, size_t klen)
{
	const char *key = NULL;
	enum qop op = Q_WORD;
	char c = p->s[p->pos];

	for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++)
		if (same_ci(fields[f].key, p->s + at, klen)) {
			key = fields[f].key;
			op = fields[f].op;
		}
	if (!key)
		return fail(p, at, "unknown field '%.*s' (put text in quotes to search for it)",
			    (int)klen, p->s + at);
	if (op == Q_FAILED)
		return fail(p, p->pos, "'failed' takes no value");
	if (op == Q_BYTES || op == Q_LAT)
		return parse_compare(p, op, at, key);
	if (c != ':')
		return fail(p, p->pos, "expected ':' after '%s'", key);
	p->pos++;
	return parse_value(p, op, at, key);
}

/* One term: field, "failed" or a plain word. */
static int parse_term(struct parser *p)
{
	const char *s = p->s;
	size_t at = p->pos, k = at;
	char c;

	if (s[at] == '"')
		return parse_word(p);
	while ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z'))
		k++;
	c = s[k];
	if (k > at && (c == ':' || c == '<' || c == '>' || c == '=')) {
		p->pos = k;
		return parse_field(p, at, k - at);
	}
	if (ends_term(c) && same_ci("failed", s + at, k - at)) {
		p->pos = k;
		return node_new(p, Q_FAILED, at);
	}
	return parse_word(p);
}

static int parse_conj(struct parser *p);

/* A group in parentheses, or a term. */
static int parse_atom(struct parser *p)
{
	size_t open = p->pos;
	int a;

	if (p->s[open] == ')')
		return fail(p, open, "unmatched ')'");
	if (p->s[open] == '|')
		return fail(p, open, "'|' needs a term before it");
	if (p->s[open] != '(')
		return parse_term(p);
	if (++p->depth > MAX_DEPTH)
		return fail(p, open, "too deeply nested (at most %d levels)", MAX_DEPTH);
	p->pos++;
	skip_space(p);
	if (p->s[p->pos] == ')')
		return fail(p, p->pos, "nothing between the parentheses");
	if (!p->s[p->pos])
		return fail(p, open, "unmatched '('");
	a = parse_conj(p);
	if (a < 0)
		return -1;
	if (p->s[p->pos] != ')')
		return fail(p, open, "unmatched '('");
	p->pos++;
	p->depth--;
	return a;
}

/* "-" term (negation), or an atom. */
static int parse_unary(struct parser *p)
{
	size_t minus = p->pos;
	bool was = p->negated;
	int a, i;

	if (p->s[minus] != '-')
		return parse_atom(p);
	p->pos++;
	if (ends_term(p->s[p->pos]))
		return fail(p, minus, "'-' needs a term right after it");
	if (++p->depth > MAX_DEPTH)
		return fail(p, minus, "too deeply nested (at most %d levels)", MAX_DEPTH);
	p->negated = true;
	a = parse_unary(p);
	p->negated = was;
	p->depth--;
	if (a < 0 || (i = node_new(p, Q_NOT, minus)) < 0)
		return -1;
	p->q->nodes[i].a = a;
	return i;
}

/* Terms joined by "|" (or binds tighter than the spaces of and). */
static int parse_disj(struct parser *p)
{
	int a = parse_unary(p);

	while (a >= 0) {
		size_t bar;

		skip_space(p);
		if (p->s[p->pos] != '|')
			break;
		bar = p->pos++;
		skip_space(p);
		if (ends_term(p->s[p->pos]))
			return fail(p, bar, "'|' needs a term after it");
		a = node_join(p, Q_OR, a, parse_unary(p), bar);
	}
	return a;
}

/* Or-groups side by side: and. */
static int parse_conj(struct parser *p)
{
	int a = parse_disj(p);

	while (a >= 0) {
		size_t at;

		skip_space(p);
		at = p->pos;
		if (!p->s[at] || p->s[at] == ')')
			break;
		a = node_join(p, Q_AND, a, parse_disj(p), at);
	}
	return a;
}

/* Compile text (NULL or "" matches everything). */
struct query *query_parse(const char *text, struct query_error *err)
{
	struct query *q = xcalloc(1, sizeof(*q));
	struct parser p = { .s = text ? text : "", .q = q, .err = err };

	memset(err, 0, sizeof(*err));
	q->nodes = xcalloc(MAX_NODES, sizeof(*q->nodes));
	q->root = -1;
	q->word = "";
	if (strlen(p.s) > QUERY_MAX_LEN) {
		fail(&p, QUERY_MAX_LEN, "expression too long (at most %d bytes)", QUERY_MAX_LEN);
		goto bad;
	}
	skip_space(&p);
	if (!p.s[p.pos])
		return q;
	q->root = parse_conj(&p);
	if (q->root >= 0 && p.s[p.pos] == ')')
		q->root = fail(&p, p.pos, "unmatched ')'");
	if (q->root >= 0)
		return q;
bad:
	query_free(q);
	return NULL;
}

/* Free the expression, its caches and its store. */
void query_free(struct query *q)
{
	if (!q)
		return;
	for (int i = 0; i < q->n; i++) {
		free(q->nodes[i].str);
		free(q->nodes[i].cache);
	}
	free(q->nodes);
	imap_release(&q->exe);
	store_free(q->own);
	free(q);
}

/* Does the expression match everything? */
bool query_empty(const struct query *q)
{
	return q->root < 0;
}

/* The first plain word not negated, or "". */
const char *query_word(const struct query *q)
{
	return q->word;
}

/* ---- evaluation ---- */

/* The uncached answer of string leaf n for text t. */
static bool str_test(const struct qnode *n, const char *t)
{
	size_t hoff, hlen;
	long port;
	const char *base;

	switch (n->op) {
	case Q_WORD:
		return has_ci(t, n->str, n->len);
	case Q_COMM:
		base = strrchr(t, '/');
		base = base ? base + 1 : t;
		return glob(n->str, n->len, base, strlen(base), false);
	case Q_PATH:
		return glob(n->str, n->len, t, strlen(t), false);
	case Q_HOST:   /* the address, or the name it was looked up by */
		peer_split(t, &hoff, &hlen, &port);
		return glob(n->str, n->len, t + hoff, hlen, true) ||
		       (peer_name_len(t) && glob(n->str, n->len, t, peer_name_len(t), true));
	case Q_PORT:
		peer_split(t, &hoff, &hlen, &port);
		return port == n->num;
	default:
		return false;
	}
}

/* Answer of string leaf n for interned string id (cached; id 0 never matches). */
static bool str_hit(struct qnode *n, const struct store *s, uint32_t id)
{
	if (!id)
		return false;
	if (id >= n->cache_n) {
		size_t cap = n->cache_n ? n->cache_n : 1024;

		while (cap <= id)
			cap *= 2;
		n->cache = xrealloc(n->cache, cap);
		memset(n->cache + n->cache_n, 0, cap - n->cache_n);
		n->cache_n = cap;
	}
	if (!n->cache[id])
		n->cache[id] = str_test(n, store_str(s, id)) ? 1 : 2;
	return n->cache[id] == 1;
}

/* Does a plain word match e: names, strings, pid, tid or a new task's id?
 * (The cheap tests on the event's own bytes come first.) */
static bool word_hit(struct qnode *n, const struct store *s, const struct sevent *e)
{
	if ((n->mask >> e->type & 1) | (n->cats >> e->cat & 1) |
	    (e->kind < FDK_MAX && (n->kinds >> e->kind & 1)))
		return true;
	if (n->num >= 0 && (n->num == e->pid || n->num == e->tid ||
	    ((e->type == EV_FORK || e->type == EV_THREAD) && n->num == e->fd)))
		return true;
	if (str_hit(n, s, e->str) || str_hit(n, s, e->str2))
		return true;
	if (e->type == EV_SYSCALL) {
		const char *name = sysent_name(e->addr == ARCH_I386, e->fd);

		return name && has_ci(name, n->str, n->len);
	}
	return false;
}

/* Types whose val is a byte count (moved, mapped or given back). */
static bool has_bytes(const struct sevent *e)
{
	switch (e->type) {
	case EV_READ: case EV_WRITE: case EV_SEND: case EV_RECV:
	case EV_SENDFILE: case EV_COPY_FILE_RANGE: case EV_SPLICE: case EV_TEE:
	case EV_MMAP: case EV_MUNMAP: case EV_MREMAP: case EV_BRK:
		return !(e->flags & SEV_FAILED);
	default:
		return false;
	}
}

/* Types that name a second file in str2: where copies go, a rename's new path. */
static bool has_path2(int type)
{
	return type == EV_SENDFILE || type == EV_COPY_FILE_RANGE || type == EV_SPLICE ||
	       type == EV_TEE || type == EV_RENAME;
}

/* v compared with the node's number. */
static bool compare(const struct qnode *n, int64_t v)
{
	switch (n->cmp) {
	case C_GT: return v > n->num;
	case C_GE: return v >= n->num;
	case C_LT: return v < n->num;
	case C_LE: return v <= n->num;
	default: return v == n->num;
	}
}

/* The time lat: compares: a latency event's own (val, exact), else the
 * measured duration, if any. */
static uint64_t lat_of(const struct sevent *e, const struct query_extra *x)
{
	if (e->cat == CAT_LAT && e->val > 0)
		return (uint64_t)e->val;
	return x->dur;
}

/* Value of node i for event e of s (x: its program and duration). */
static bool eval(struct query *q, int i, const struct store *s, const struct sevent *e,
		 const struct query_extra *x)
{
	struct qnode *n = &q->nodes[i];

	switch (n->op) {
	case Q_AND: return eval(q, n->a, s, e, x) && eval(q, n->b, s, e, x);
	case Q_OR: return eval(q, n->a, s, e, x) || eval(q, n->b, s, e, x);
	case Q_NOT: return !eval(q, n->a, s, e, x);
	case Q_WORD: return word_hit(n, s, e);
	case Q_CAT: return n->mask >> e->cat & 1;
	case Q_TYPE: return n->mask >> e->type & 1;
	case Q_PID: return e->pid == n->num;
	case Q_TID: return e->tid == n->num;
	case Q_COMM: return str_hit(n, s, x->exe);
	case Q_PATH:
		return e->cat != CAT_NET && (str_hit(n, s, e->str) ||
		       (has_path2(e->type) && str_hit(n, s, e->str2)));
	case Q_HOST: case Q_PORT: return e->cat == CAT_NET && str_hit(n, s, e->str);
	case Q_BYTES: return has_bytes(e) && compare(n, e->val);
	case Q_LAT: return lat_of(e, x) > 0 && compare(n, (int64_t)lat_of(e, x));
	case Q_FAILED: return e->flags & SEV_FAILED;
	default: return false;
	}
}

/* Forget every cached answer and program (the store changed). */
static void start_over(struct query *q, const struct store *s)
{
	for (int i = 0; i < q->n; i++)
		if (q->nodes[i].cache)
			memset(q->nodes[i].cache, 0, q->nodes[i].cache_n);
	imap_release(&q->exe);
	q->scanned = 0;
	q->memo_pid = 0;
	q->store = s;
}

/* Learn the programs from the exec and fork events stored since last time. */
static void track_exe(struct query *q, const struct store *s)
{
	size_t n = store_count(s);

	for (; q->scanned < n; q->scanned++) {
		const struct sevent *e = store_get(s, q->scanned);
		void *v;

		if (e->type == EV_EXEC && e->str)
			imap_put(&q->exe, (uint64_t)(uint32_t)e->pid, (void *)(uintptr_t)(e->str + 1));
		else if (e->type == EV_FORK && e->fd > 0 &&
			 (v = imap_get(&q->exe, (uint64_t)(uint32_t)e->pid)))
			imap_put(&q->exe, (uint64_t)(uint32_t)e->fd, v);
	}
}

/* The program of pid, as the exec and fork events of s tell it (0: unknown). */
static uint32_t exe_of(struct query *q, const struct store *s, int pid)
{
	uintptr_t v;

	if (!q->has_comm)
		return 0;
	if (q->scanned != store_count(s)) {
		track_exe(q, s);
		q->memo_pid = 0;
	}
	if (pid != q->memo_pid || !pid) {
		v = (uintptr_t)imap_get(&q->exe, (uint64_t)(uint32_t)pid);
		q->memo_pid = pid;
		q->memo_exe = v ? (uint32_t)v - 1 : 0;
	}
	return q->memo_exe;
}

/* Does e match, with its program and duration given? */
bool query_match_with(struct query *q, const struct store *s, const struct sevent *e,
		      const struct query_extra *x)
{
	if (q->root < 0)
		return true;
	if (s != q->store)
		start_over(q, s);
	return eval(q, q->root, s, e, x);
}

/* Does e match, with the program learnt from s? */
bool query_match(struct query *q, const struct store *s, const struct sevent *e)
{
	struct query_extra x = { 0 };
	struct sevent copy;

	if (q->root < 0)
		return true;
	copy = *e;   /* learning programs may read events back from disk */
	if (s != q->store)
		start_over(q, s);
	x.exe = exe_of(q, s, copy.pid);
	return eval(q, q->root, s, &copy, &x);
}

/* Does event i of s match, with its program and its duration? */
bool query_match_at(struct query *q, const struct store *s, size_t i)
{
	struct sevent e = *store_get(s, i);   /* a copy: see query_match */
	struct query_extra x = { 0 };

	if (q->root < 0)
		return true;
	if (s != q->store)
		start_over(q, s);
	x.exe = exe_of(q, s, e.pid);
	x.dur = store_dur(s, i);
	return eval(q, q->root, s, &e, &x);
}

/* A fresh store for query_event, carrying the programs over. */
static void own_renew(struct query *q)
{
	struct store *old = q->own, *s = store_new();
	struct imap exe = { 0 };

	for (size_t i = 0; old && i < q->exe.cap; i++)
		if (q->exe.vals[i]) {
			uint32_t id = (uint32_t)(uintptr_t)q->exe.vals[i] - 1;

			imap_put(&exe, q->exe.keys[i],
				 (void *)(uintptr_t)(store_intern(s, store_str(old, id)) + 1));
		}
	start_over(q, s);
	q->exe = exe;
	q->own = s;
	store_free(old);
}

/* Does an event straight from the model match? */
bool query_event(struct query *q, const struct event *ev)
{
	if (q->root < 0)
		return true;
	if (!q->own || store_count(q->own) >= OWN_EVENTS)
		own_renew(q);
	store_add(q->own, ev);
	return query_match_at(q, q->own, store_count(q->own) - 1);
}
