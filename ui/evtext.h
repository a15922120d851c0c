/* evtext.h - stored events described in words, for the list and details.
 *
 * A row says what the --batch line says ("connect tcp4 → 93.184.216.34:443"):
 * both are the type's text in evdesc.c, except where the type has a row of
 * its own there.  Every arrow has an ASCII spelling for a terminal that
 * cannot show UTF-8.  Every string a traced program
 * made is shown through visible.h, so no control character reaches the
 * screen.  Pure code: reads the store and the model, never draws.
 */
#ifndef COMPENDIUM_UI_EVTEXT_H
#define COMPENDIUM_UI_EVTEXT_H
#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "store.h"
#include "strbuf.h"

/* One-line description of event e ("open /etc/hosts (read)") into sb. */
void evtext_row(struct strbuf *sb, const struct store *s, const struct sevent *e, bool utf8);
/* evtext_row in at most cols columns where cutting the middle of the
 * event's path makes it fit (the rest is the caller's to cut). */
void evtext_row_fit(struct strbuf *sb, const struct store *s, const struct sevent *e, bool utf8,
		    int cols);
/* "+1.234s" style time of ts (ns since start) into buf. */
const char *evtext_time(uint64_t ts, char buf[static 24]);
/* Every field of store event idx, one "Name: value" per line, into sb;
 * adds the process's argv and the file's or connection's totals from m. */
void evtext_detail(struct strbuf *sb, const struct store *s, const struct model *m,
		   size_t idx, bool utf8);
/* The model's process pid as it was at time ts (NULL if unknown). */
const struct proc *evtext_proc(const struct model *m, int pid, uint64_t ts);
#endif
