/* termcheck.h - can the terminal draw the full-screen view at all? */
#ifndef COMPENDIUM_UI_TERMCHECK_H
#define COMPENDIUM_UI_TERMCHECK_H
#include <stddef.h>

/* 0 when a terminal of type term (the TERM value, NULL when unset) can
 * draw the full-screen view; else -ENOTTY with one sentence in why. */
int termcheck_run(const char *term, char *why, size_t cap);
#endif
