/* screen.h - the curses layer: terminal setup, input, and drawing the state.
 *
 * screen.c is the only file that draws with curses (termcheck.c includes
 * it too, but only asks terminfo whether the terminal can draw at all).
 * screen_draw renders a whole frame from struct app; it changes nothing but
 * scroll offsets that keep the selection on screen.  screen_restore_raw undoes
 * what curses did to the terminal using only async-signal-safe calls, for
 * fatal signals and out-of-memory.
 */
#ifndef COMPENDIUM_UI_SCREEN_H
#define COMPENDIUM_UI_SCREEN_H
#include <stdbool.h>
#include <stdio.h>

#include "app.h"

enum screen_input { IN_NONE, IN_KEY, IN_MOUSE };

/* Smaller than this, a frame is only a notice asking for a bigger terminal. */
#define SCREEN_MIN_COLS 40
#define SCREEN_MIN_ROWS 12

/* Start curses on our terminal (sets a->utf8, a->color, a->mouse); 0 or a
 * negative errno. */
int screen_open(struct app *a, bool no_color, bool no_mouse);
/* The same on any terminal type and streams (benchmarks draw to /dev/null). */
int screen_open_on(struct app *a, const char *term, FILE *out, FILE *in, bool no_color,
		   bool no_mouse);
/* Give the terminal back (normal exit). */
void screen_close(void);
/* Async-signal-safe terminal restore (fatal paths). */
void screen_restore_raw(void);
/* Current terminal size. */
void screen_size(int *rows, int *cols);
/* Pretend the terminal is rows x cols (benchmarks). */
void screen_set_size(int rows, int cols);
/* The terminal was resized: learn the new size. */
void screen_resized(void);
/* Repaint everything on the next frame (Ctrl-L). */
void screen_invalidate(void);
/* Read one input without waiting. */
enum screen_input screen_read(int *key, int *mx, int *my, enum mouse_kind *mk);
/* Draw a frame. */
void screen_draw(struct app *a);
#endif
