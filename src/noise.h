/* noise.h - the default noise filter: what a person rarely wants to see.
 *
 * System paths (/proc, /sys, /dev), the dynamic linker and shared
 * libraries, locale data, anonymous inodes and local addresses are noise.
 * The --batch lines leave out events about them unless --all; the store
 * marks such events (SEV_NOISE) so that the TUI and the report can hide
 * them; the TUI's files and connections views hide such files and peers.
 * Which field of an event decides is part of its type's description
 * (enum evnoise in evdesc.h).  Pure code.
 */
#ifndef COMPENDIUM_NOISE_H
#define COMPENDIUM_NOISE_H
#include <stdbool.h>

#include "model.h"

/* Is this path / this address noise? */
bool noise_path(const char *path);
bool noise_addr(const char *addr);
/* Are things done with the object behind an fd noise? */
bool noise_obj(const struct fobj *o);
/* Does the default noise filter hide this event from the --batch lines? */
bool noise_event(const struct event *ev);
/* Does the store mark it as noise?  The same, except for page faults: the
 * lines hide faults in library mappings, the TUI and the report show them. */
bool noise_stored(const struct event *ev);
#endif
