/* kengine.h - the kernel engine's producer thread (src/kengine.c), which
 * src/tracer.c runs instead of ptrace when tracer_opts.engine is set.
 * The functions are tracer.h's, for this engine.
 */
#ifndef COMPENDIUM_KENGINE_H
#define COMPENDIUM_KENGINE_H

#include <stdbool.h>

#include "tracer.h"

struct kengine;

struct kengine *kengine_new(const struct tracer_opts *o, struct evq *q);
int kengine_start(struct kengine *k);
void kengine_command(struct kengine *k, enum tracer_cmd cmd);
bool kengine_command_pending(struct kengine *k);
enum tracer_hold kengine_hold_kind(const struct kengine *k);
void kengine_join(struct kengine *k);
int kengine_root_status(const struct kengine *k);
void kengine_free(struct kengine *k);

#endif /* COMPENDIUM_KENGINE_H */
