/* stackkeep.h - the stacks (--stack) of stored events, by their index in
 * the store, for the views that show an event later (the UI's details).
 * Copies of the records' raw stacks; named when shown (src/symbols.h). */
#ifndef COMPENDIUM_STACKKEEP_H
#define COMPENDIUM_STACKKEEP_H
#include <stddef.h>

#include "record.h"

struct stackkeep;

struct stackkeep *stackkeep_new(void);
void stackkeep_free(struct stackkeep *k);
/* Forget every stack kept (a replay seeking back). */
void stackkeep_reset(struct stackkeep *k);
/* Keep a copy of st (a validated REC_STACK payload) for stored event idx. */
void stackkeep_put(struct stackkeep *k, size_t idx, const struct rec_stack *st);
/* The stack of stored event idx, or NULL. */
const struct rec_stack *stackkeep_get(const struct stackkeep *k, size_t idx);
#endif
