/* diffreport.c - --diff A B --report FILE: the comparison as one HTML page.
 *
 * The page has no script and its one inline style is allowed by its hash
 * (Content-Security-Policy default-src 'none'), so nothing in it can run.
 * Every name a traced program made goes through visible_add and then HTML
 * escaping: this file must never put a traced byte into the page otherwise.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "diff.h"
#include "diffreport.h"
#include "fbuf.h"
#include "fmt.h"
#include "sha256.h"
#include "strbuf.h"
#include "visible.h"

static const char style[] =
	"body{font:14px sans-serif;margin:1em}table{border-collapse:collapse;margin-bottom:1.5em}"
	"td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}td.n{text-align:right}"
	"tr.only_a{background:#fdd}tr.only_b{background:#dfd}tr.changed{background:#ffd}"
	"code{font:13px monospace}";

static const char *const titles[DIFF_KINDS] = {
	"Totals", "Processes (by program)", "Files", "Connections (by peer)", "System calls",
};

/* text, shown visibly and escaped for HTML. */
static void html_text(struct strbuf *sb, const char *text)
{
	struct strbuf v = STRBUF_INIT;

	visible_addstr(&v, text);
	for (const char *p = v.buf; p && *p; p++) {
		switch (*p) {
		case '&': strbuf_addstr(sb, "&amp;"); break;
		case '<': strbuf_addstr(sb, "&lt;"); break;
		case '>': strbuf_addstr(sb, "&gt;"); break;
		case '"': strbuf_addstr(sb, "&quot;"); break;
		case '\'': strbuf_addstr(sb, "&#39;"); break;
		default: strbuf_addch(sb, *p);
		}
	}
	strbuf_release(&v);
}

/* Figure i of row w on side s ("" when the row is not in that run). */
static void fig_cell(struct strbuf *sb, const struct diff_row *w, unsigned i, int s)
{
	strbuf_addstr(sb, "<td class=n>");
	if (w->in[s])
		diff_fig_text(sb, w, i, s);   /* (digits, a time or a status: nothing to escape) */
	strbuf_addstr(sb, "</td>");
}

/* "only_a", "only_b", "changed" or "same". */
static const char *row_state(const struct diff_row *w)
{
	if (w->in[0] != w->in[1])
		return w->in[0] ? "only_a" : "only_b";
	return w->changed ? "changed" : "same";
}

/* One row per figure: state, name, figure, A, B. */
static void row_html(struct strbuf *sb, const struct diff_row *w)
{
	unsigned n = diff_fig_count(w->kind, w->name);

	for (unsigned i = 0; i < n; i++) {
		strbuf_addf(sb, "<tr class=%s><td>%s</td><td><code>", row_state(w), row_state(w));
		html_text(sb, w->name);
		if (w->name_b) {
			strbuf_addstr(sb, "</code> (B: <code>");
			html_text(sb, w->name_b);
			strbuf_addch(sb, ')');
		}
		strbuf_addf(sb, "</code></td><td>%s</td>", diff_fig_name(w->kind, w->name, i));
		fig_cell(sb, w, i, 0);
		fig_cell(sb, w, i, 1);
		strbuf_addstr(sb, "</tr>\n");
	}
}

/* The table of kind (nothing when no row of it is shown). */
static void table_html(struct fbuf *out, const struct diff *d, enum diff_kind kind, bool all)
{
	size_t n;
	const struct diff_row *r = diff_rows(d, &n);
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		if (r[i].kind != kind || (!r[i].changed && !all))
			continue;
		if (!any)
			strbuf_addf(&out->sb, "<h2>%s</h2>\n<table><tr><th>state</th><th>name</th>"
				    "<th>figure</th><th>A</th><th>B</th></tr>\n", titles[kind]);
		any = true;
		row_html(&out->sb, &r[i]);
		fbuf_step(out);
	}
	if (any)
		strbuf_addstr(&out->sb, "</table>\n");
}

/* The page. */
static void page(struct fbuf *out, const struct diff *d, const char *const path[2], bool all)
{
	char hash[SHA256_B64_LEN + 1];

	sha256_base64(style, sizeof(style) - 1, hash);
	strbuf_addf(&out->sb, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
		    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		    "style-src 'sha256-%s'\">\n<title>compendium-tui diff</title>\n<style>%s</style>"
		    "</head><body>\n<h1>A: <code>", hash, style);
	html_text(&out->sb, path[0]);
	strbuf_addstr(&out->sb, "</code> against B: <code>");
	html_text(&out->sb, path[1]);
	strbuf_addf(&out->sb, "</code></h1>\n<p>%s</p>\n", diff_differs(d) ?
		    "The runs differ." : "The runs differ in nothing but times.");
	for (int k = 0; k < DIFF_KINDS; k++)
		table_html(out, d, (enum diff_kind)k, all);
	strbuf_addstr(&out->sb, "</body></html>\n");
}

/* Write the page of d to file. */
int diffreport_write(const struct diff *d, const char *const path[2], bool all,
		     const char *file)
{
	FILE *f = fopen(file, "w");
	struct fbuf out;
	int err;

	if (!f)
		return -errno;
	fbuf_init(&out, f);
	page(&out, d, path, all);
	err = fbuf_release(&out);
	if (fclose(f) != 0 && !err)
		err = -errno;
	return err;
}
