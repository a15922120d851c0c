/* evform.c - events in words and in JSON, as their descriptions say.
 *
 * A line is the pieces of the type's entry, each a literal and a field's
 * text; a --json object is its members, each a key and a field's JSON.
 * How a field reads follows from its kind (evdesc.h).  Every string a
 * traced program made goes through visible.h (text) or json_str (JSON):
 * nothing here may add one any other way.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "evform.h"
#include "fmt.h"
#include "json.h"
#include "visible.h"

#define CUT_MAX 512

/* What an fd refers to: "→ 10.0.0.1:80", its path, or its kind ("?": none
 * known); cut to a->cut bytes when set. */
static void obj_text(struct strbuf *sb, const struct evacc *a, unsigned f, bool in)
{
	bool second = f == EVF_OBJ2;
	const char *name = evacc_str(a, f);
	size_t cap = a->cut && a->cut < CUT_MAX ? a->cut : 0, n = 0;
	char buf[CUT_MAX];
	int kind;

	if (!name || !*name) {
		kind = evacc_kind(a, second);
		strbuf_addstr(sb, kind >= 0 ? model_kind_name(kind) : "?");
		return;
	}
	if (!evacc_peer(a, second) && a->fit > 0) {
		visible_fit_path(sb, name, a->fit, a->utf8);
		return;
	}
	if (evacc_peer(a, second) && cap) {
		n = (size_t)snprintf(buf, cap, "%s ", a->utf8 ? (in ? "←" : "→") : (in ? "<-" : "->"));
	} else if (evacc_peer(a, second)) {
		evdesc_field(in ? EVF_FROM : EVF_TO)->word(sb, a);
		strbuf_addch(sb, ' ');
	}
	if (cap) {
		visible_copy(buf + n, cap - n, name);
		strbuf_addstr(sb, buf);
	} else {
		visible_addstr(sb, name);
	}
}

/* A command line: " a b c". */
static void argv_text(struct strbuf *sb, const struct evacc *a)
{
	const char *line;

	if (a->ev) {
		for (char **v = a->ev->proc ? a->ev->proc->argv : NULL; v && *v; v++) {
			strbuf_addch(sb, ' ');
			visible_addstr(sb, *v);
		}
		if (a->ev->proc && a->ev->proc->argv_cut)
			strbuf_addstr(sb, " ...");
		return;
	}
	line = evacc_str(a, EVF_ARGV);
	if (line) {
		strbuf_addch(sb, ' ');
		visible_addstr(sb, line);
	}
}

/* Text of a field that is a number. */
static void num_text(struct strbuf *sb, const struct evacc *a, unsigned f)
{
	int64_t v = evacc_num(a, f);
	char b[48];

	switch (evdesc_field(f)->kind) {
	case EVK_U64: strbuf_addu(sb, (uint64_t)v); break;
	case EVK_FLAGS: strbuf_add(sb, "0x", 2); strbuf_addx(sb, (uint64_t)v); break;
	case EVK_HEX: strbuf_addx(sb, (uint64_t)v); break;
	case EVK_BYTES: strbuf_addstr(sb, fmt_bytes((uint64_t)v, b)); break;
	case EVK_NS: strbuf_addstr(sb, fmt_duration((uint64_t)v, b)); break;
	case EVK_WAIT: strbuf_addstr(sb, fmt_wait_status((int)v, b)); break;
	default: strbuf_addi(sb, v); break;
	}
}

/* The text of one field; none when it is empty. */
static void field_text(struct strbuf *sb, const struct evacc *a, unsigned f, bool in,
		       const char *none)
{
	const struct evfield *fd = evdesc_field(f);
	const char *s;
	char b[48];

	switch (fd->kind) {
	case EVK_NAME:
		s = fd->name(a, b);
		strbuf_addstr(sb, s ? s : none ? none : "");
		break;
	case EVK_STR:
		s = evacc_str(a, f);
		if (f == EVF_PATH && s && a->fit > 0)
			visible_fit_path(sb, s, a->fit, a->utf8);
		else
			visible_addstr(sb, s ? s : none);
		break;
	case EVK_ARGV: argv_text(sb, a); break;
	case EVK_OBJ: obj_text(sb, a, f, in); break;
	case EVK_WORD: fd->word(sb, a); break;
	default: num_text(sb, a, f); break;
	}
}

/* The text of field f alone, as the type's line shows it. */
void evform_field(struct strbuf *sb, const struct evacc *a, unsigned f)
{
	const struct evpiece *p = evdesc_of(evacc_type(a))->text;

	for (int i = 0; i < EVD_TEXT_MAX && (p[i].lit || p[i].f); i++)
		if (p[i].f == f && p[i].how != EVP_IF && p[i].how != EVP_PAREN) {
			field_text(sb, a, f, p[i].how == EVP_IN, p[i].none);
			return;
		}
	field_text(sb, a, f, false, NULL);
}

/* One piece of a line. */
static void piece(struct strbuf *sb, const struct evacc *a, const struct evpiece *p)
{
	const char *s;

	if (p->how == EVP_IF) {
		if (evacc_num(a, p->f))
			strbuf_addstr(sb, p->lit);
		return;
	}
	if (p->lit)
		strbuf_addstr(sb, p->lit);
	if (p->f == EVF_NONE)
		return;
	if (p->how != EVP_PAREN) {
		field_text(sb, a, p->f, p->how == EVP_IN, p->none);
		return;
	}
	s = evacc_str(a, p->f);
	if (s) {
		strbuf_addstr(sb, " (");
		visible_addstr(sb, s);
		strbuf_addch(sb, ')');
	}
}

/* The line of the event a reads. */
void evform_text(struct strbuf *sb, const struct evacc *a, bool row)
{
	const struct evdesc *d = evdesc_of(evacc_type(a));
	const struct evpiece *p = row && (d->row[0].lit || d->row[0].f) ? d->row : d->text;

	for (int i = 0; i < EVD_TEXT_MAX && (p[i].lit || p[i].f); i++)
		piece(sb, a, &p[i]);
}

/* {"code":N,"signal":"SIGX"|null} for a wait status (-1: not ended). */
void evform_exit_json(struct strbuf *sb, int status)
{
	if (status < 0) {
		strbuf_addstr(sb, "{\"code\":null,\"signal\":null}");
	} else if (WIFSIGNALED(status)) {
		strbuf_addf(sb, "{\"code\":%d,\"signal\":", 128 + WTERMSIG(status));
		json_cstr(sb, fmt_signame(WTERMSIG(status)));
		strbuf_addch(sb, '}');
	} else {
		strbuf_addf(sb, "{\"code\":%d,\"signal\":null}", WEXITSTATUS(status));
	}
}

/* ,"key": (without printf: --json writes several for every event). */
static void put_key(struct strbuf *sb, const char *key)
{
	strbuf_add(sb, ",\"", 2);
	strbuf_addstr(sb, key);
	strbuf_add(sb, "\":", 2);
}

/* ,"key":"value" (or null). */
static void kv_str(struct strbuf *sb, const char *key, const char *val)
{
	put_key(sb, key);
	json_cstr(sb, val);
}

/* Members describing what an fd refers to, their keys after prefix pre. */
static void obj_json(struct strbuf *sb, const char *pre, const struct fobj *o)
{
	char key[32];

	snprintf(key, sizeof(key), "%skind", pre);
	kv_str(sb, key, o ? model_kind_name(o->kind) : "unknown");
	if (!o)
		return;
	if (o->local || o->remote) {
		snprintf(key, sizeof(key), "%slocal", pre);
		kv_str(sb, key, o->local);
		snprintf(key, sizeof(key), "%sremote", pre);
		kv_str(sb, key, o->remote);
	} else {
		snprintf(key, sizeof(key), "%spath", pre);
		kv_str(sb, key, o->path);
	}
}

/* ["a","b",...] */
static void str_array(struct strbuf *sb, char *const *v)
{
	strbuf_addch(sb, '[');
	for (size_t i = 0; v && v[i]; i++) {
		if (i)
			strbuf_addch(sb, ',');
		json_cstr(sb, v[i]);
	}
	strbuf_addch(sb, ']');
}

/* The JSON of a number field (nothing when unset and m says only set). */
static void num_json(struct strbuf *sb, const struct evacc *a, const struct evjson *m)
{
	int64_t v = evacc_num(a, m->f);

	if (!v && m->when == EVJ_SET)
		return;
	put_key(sb, m->key);
	switch (evdesc_field(m->f)->kind) {
	case EVK_U64: case EVK_FLAGS: case EVK_BYTES:
		strbuf_addu(sb, (uint64_t)v);
		break;
	case EVK_HEX: strbuf_add(sb, "\"0x", 3); strbuf_addx(sb, (uint64_t)v); strbuf_addch(sb, '"'); break;
	case EVK_NS:   /* microseconds, to the ns */
		if (v < 0)
			strbuf_addch(sb, '-');
		strbuf_addfixed(sb, v < 0 ? -(uint64_t)v : (uint64_t)v, 3, 3);
		break;
	case EVK_BOOL: strbuf_addstr(sb, v ? "true" : "false"); break;
	case EVK_WAIT: evform_exit_json(sb, (int)v); break;
	default: strbuf_addi(sb, v); break;
	}
}

/* The JSON of one member. */
static void member(struct strbuf *sb, const struct evacc *a, const struct evjson *m)
{
	const struct evfield *fd = evdesc_field(m->f);
	const char *s;
	char b[48];

	if (m->when == EVJ_UNCOUNTED && evacc_num(a, EVF_CALLS))
		return;
	switch (fd->kind) {
	case EVK_OBJ:
		obj_json(sb, m->key, m->f == EVF_OBJ2 ? a->ev->obj2 : a->ev->obj);
		return;
	case EVK_ARGV:
		put_key(sb, m->key);
		str_array(sb, a->ev->proc ? a->ev->proc->argv : NULL);
		if (a->ev->proc && a->ev->proc->argv_cut)
			strbuf_addstr(sb, ",\"argv_cut\":true");
		return;
	case EVK_NAME: case EVK_STR:
		s = fd->kind == EVK_NAME ? fd->name(a, b) : evacc_str(a, m->f);
		if (!s && m->when == EVJ_SET)
			return;
		kv_str(sb, m->key, s ? s : m->none);
		return;
	default:
		num_json(sb, a, m);
		return;
	}
}

/* The --json members of the model's event after its type. */
void evform_json(struct strbuf *sb, const struct event *ev)
{
	const struct evdesc *d = evdesc_of(ev->type);
	struct evacc a = { .ev = ev };

	for (int i = 0; i < EVD_JSON_MAX && d->json[i].f; i++)
		member(sb, &a, &d->json[i]);
}
