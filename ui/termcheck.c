/* termcheck.c - can the terminal draw the full-screen view at all?
 *
 * Asked of terminfo before curses starts: a terminal type that is not set,
 * has no entry, or cannot address the cursor and clear the screen ("dumb",
 * hard-copy and generic types) would show a blank or garbled screen, so
 * main prints lines instead and says why.  It reads the terminal database
 * only: it never writes to the terminal.  (term.h's capability macros stay
 * in this file, away from the drawing code.)
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <term.h>
#include <unistd.h>

#include "termcheck.h"

/* A terminfo capability string that is really there. */
static bool has_str(const char *cap)
{
	char *v = tigetstr(cap);

	return v && v != (char *)-1;
}

/* Can a terminal of this type draw the full-screen view? */
int termcheck_run(const char *term, char *why, size_t cap)
{
	static const char tail[] = "printing lines (use --batch to choose this)";
	TERMINAL *was = cur_term;
	int err = 0, ok;

	if (!term || !*term) {
		snprintf(why, cap, "TERM is not set, so the terminal cannot show the full-screen "
			 "view; %s", tail);
		return -ENOTTY;
	}
	if (setupterm(term, STDOUT_FILENO, &err) != OK) {
		if (err == 1)
			snprintf(why, cap, "terminal '%s' cannot show the full-screen view; %s", term, tail);
		else
			snprintf(why, cap, "terminal '%s' is unknown here (no usable terminfo entry), so it "
				 "cannot show the full-screen view; %s", term, tail);
		set_curterm(was);
		return -ENOTTY;
	}
	/* Drawing needs cursor addressing and clearing; "dumb" has neither. */
	ok = has_str("cup") && has_str("clear") && tigetflag("hc") <= 0 && tigetflag("gn") <= 0;
	del_curterm(set_curterm(was));
	if (ok)
		return 0;
	snprintf(why, cap, "terminal '%s' cannot show the full-screen view; %s", term, tail);
	return -ENOTTY;
}
