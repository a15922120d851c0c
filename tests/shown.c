/*
 * shown.c - what compendium-tui shows for a given input, by its own code.
 *
 *     shown text  < STRINGS    each string as every output shows traced text
 *                              (visible_add: \xNN, \u{XXXX})
 *     shown path  < STRINGS    each path cut as records carry it
 *                              (rec_path_cut), then shown as text
 *     shown bytes N...         each byte count as the views write it
 *                              (fmt_bytes: "517 B", "1.5 KB")
 *
 * STRINGS are NUL-terminated, one after the other, and the answers come out
 * the same way (bytes: one a line).  The tests written in Python use it to
 * know what a run must show, instead of keeping copies of these rules; it
 * must never read or write anything else.  Exit status 2 on bad usage.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "record.h"
#include "strbuf.h"
#include "visible.h"

/* Read stdin whole into sb (NUL bytes included). */
static void read_all(struct strbuf *sb)
{
	char buf[65536];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		strbuf_add(sb, buf, n);
}

/* Write each NUL-terminated string of in as shown, cut first if paths. */
static void show_strings(const struct strbuf *in, int paths)
{
	struct strbuf out = STRBUF_INIT;
	char *cut = malloc(in->len + REC_PATH_CUT_LEN + 1);

	if (!cut)
		exit(1);
	for (size_t at = 0; at < in->len;) {
		const char *s = in->buf + at;
		size_t len = strnlen(s, in->len - at);

		memcpy(cut, s, len);
		if (paths)
			len = rec_path_cut(cut, len);
		strbuf_reset(&out);
		visible_add(&out, cut, len);
		fwrite(out.buf ? out.buf : "", 1, out.len, stdout);
		fputc('\0', stdout);
		at += strnlen(s, in->len - at) + 1;
	}
	free(cut);
	strbuf_release(&out);
}

int main(int argc, char **argv)
{
	struct strbuf in = STRBUF_INIT;
	char buf[24];

	if (argc >= 2 && strcmp(argv[1], "bytes") == 0) {
		for (int i = 2; i < argc; i++)
			printf("%s\n", fmt_bytes(strtoull(argv[i], NULL, 10), buf));
		return 0;
	}
	if (argc != 2 || (strcmp(argv[1], "text") != 0 && strcmp(argv[1], "path") != 0)) {
		fprintf(stderr, "usage: shown text|path < STRINGS, or shown bytes N...\n");
		return 2;
	}
	read_all(&in);
	show_strings(&in, strcmp(argv[1], "path") == 0);
	strbuf_release(&in);
	return fflush(stdout) == 0 ? 0 : 1;
}
