/* outbuf.c - scrollback of the traced program's terminal output.
 *
 * A tiny terminal-output interpreter: enough to show what a program printed
 * as lines, not a terminal emulator.  It must never pass an escape sequence
 * or other control byte through to the screen, since the program's output
 * is drawn inside our own UI.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "outbuf.h"
#include "util.h"

#define LINE_MAX_BYTES 2048

enum { ESC_NONE, ESC_START, ESC_CSI, ESC_STRING, ESC_STRING_END };

/* Keep at most max finished lines. */
void outbuf_init(struct outbuf *o, size_t max)
{
	memset(o, 0, sizeof(*o));
	o->max = max ? max : 1;
	o->ring = xcalloc(o->max, sizeof(*o->ring));
	strbuf_init(&o->cur, 128);
}

/* Free every kept line. */
void outbuf_release(struct outbuf *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->ring[(o->first + i) % o->max]);
	free(o->ring);
	strbuf_release(&o->cur);
	memset(o, 0, sizeof(*o));
}

/* Finish the current line and keep it. */
static void newline(struct outbuf *o)
{
	char *line = strbuf_detach(&o->cur, NULL);

	if (o->n == o->max) {
		free(o->ring[o->first]);
		o->ring[o->first] = line;
		o->first = (o->first + 1) % o->max;
	} else {
		o->ring[(o->first + o->n++) % o->max] = line;
	}
	o->cr = false;
}

/* Remove the last character (a whole UTF-8 sequence). */
static void backspace(struct outbuf *o)
{
	size_t len = o->cur.len;

	while (len > 0 && ((unsigned char)o->cur.buf[len - 1] & 0xc0) == 0x80)
		len--;
	if (len > 0)
		len--;
	strbuf_setlen(&o->cur, len);
}

/* Feed one byte inside an escape sequence; returns true when it was consumed. */
static bool escape_byte(struct outbuf *o, unsigned char c)
{
	switch (o->esc) {
	case ESC_START:
		o->esc = c == '[' ? ESC_CSI : (c == ']' || c == 'P' || c == '_' || c == '^') ?
			 ESC_STRING : ESC_NONE;
		return true;
	case ESC_CSI:
		if (c >= 0x40 && c <= 0x7e)
			o->esc = ESC_NONE;
		return true;
	case ESC_STRING:
		if (c == 7)
			o->esc = ESC_NONE;
		else if (c == 27)
			o->esc = ESC_STRING_END;
		return true;
	case ESC_STRING_END:
		o->esc = c == '\\' ? ESC_NONE : ESC_STRING;
		return true;
	default:
		return false;
	}
}

/* Take one printable byte (or a byte of a UTF-8 sequence). */
static void text_byte(struct outbuf *o, unsigned char c)
{
	if (o->cr) {
		strbuf_reset(&o->cur);
		o->cr = false;
	}
	if (o->cur.len >= LINE_MAX_BYTES && (c & 0xc0) != 0x80)
		newline(o);
	strbuf_addch(&o->cur, c);
}

/* Take one control byte. */
static void control_byte(struct outbuf *o, unsigned char c)
{
	switch (c) {
	case '\n': newline(o); break;
	case '\r': o->cr = true; break;
	case '\b': backspace(o); break;
	case 27: o->esc = ESC_START; break;
	case '\t':
		do
			text_byte(o, ' ');
		while (o->cur.len % 8);
		break;
	default: break;
	}
}

/* Take n bytes of terminal output. */
void outbuf_add(struct outbuf *o, const char *buf, size_t n)
{
	o->bytes += n;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (escape_byte(o, c))
			continue;
		if (c < 0x20 || c == 0x7f)
			control_byte(o, c);
		else
			text_byte(o, c);
	}
}

/* Add a line of our own (not the program's): after the current line. */
void outbuf_note(struct outbuf *o, const char *text)
{
	if (o->cur.len > 0)
		newline(o);
	strbuf_addstr(&o->cur, text);
	newline(o);
}

/* Lines available, counting an unfinished last line. */
size_t outbuf_count(const struct outbuf *o)
{
	return o->n + (o->cur.len > 0);
}

/* Line i (0 = oldest kept). */
const char *outbuf_line(const struct outbuf *o, size_t i)
{
	if (i < o->n)
		return o->ring[(o->first + i) % o->max];
	return i == o->n ? o->cur.buf : "";
}
