/* stackfmt.h - an event's stack (--stack) as sinks show it: named by
 * src/symbols.h, written as --json's "stack" member or as the indented
 * frame lines under an event's line.  Every name goes through json_str or
 * visible.h: module paths and symbols come from the traced program. */
#ifndef COMPENDIUM_STACKFMT_H
#define COMPENDIUM_STACKFMT_H
#include "record.h"
#include "strbuf.h"

/* ,"stack":[{"func","offset","module","file","line"}...] innermost first
 * (func, file and line only where known). */
void stackfmt_json(struct strbuf *sb, const struct rec_stack *st);
/* One line per frame, indent first: "func+0xOFF (file:line) module". */
void stackfmt_text(struct strbuf *sb, const struct rec_stack *st, const char *indent);
#endif
