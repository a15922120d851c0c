/* noise.h - the default noise filter: what a person rarely wants to see.
 *
 * System paths (/proc, /sys, /dev), the dynamic linker and shared
 * libraries, locale data, anonymous inodes and local addresses are noise.
 * The --batch lines leave out events about them unless --all; the store
 * marks such events (SEV_NOISE) so that the TUI and the report can hide
 * them; the TUI's files and connections views hide such files and peers.
 * Pure code.
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
#endif
