/* noise.c - the default noise filter: what a person rarely wants to see.
 *
 * It is about what to show, not about what happened: the model never asks
 * it.  Pure code: looks at strings and events, nothing else.
 */
#include "config.h"

#include <string.h>

#include "evdesc.h"
#include "noise.h"

/* Is this path noise? */
bool noise_path(const char *p)
{
	const char *base;

	if (!p || !*p)
		return false;
	if (!strncmp(p, "/proc/", 6) || !strncmp(p, "/sys/", 5) || !strncmp(p, "/dev/", 5) ||
	    !strcmp(p, "/proc") || !strcmp(p, "/sys") || !strcmp(p, "/dev"))
		return true;
	if (strstr(p, "/ld.so"))
		return true;
	/* Locale and character-set data every C program loads. */
	if (!strncmp(p, "/usr/lib/locale/", 16) || !strncmp(p, "/usr/share/locale/", 18) ||
	    !strcmp(p, "/etc/locale.alias") || strstr(p, "/gconv/"))
		return true;
	base = strrchr(p, '/');
	base = base ? base + 1 : p;
	if (!strncmp(base, "ld-linux", 8))
		return true;
	size_t n = strlen(base);
	return (n > 3 && !strcmp(base + n - 3, ".so")) || strstr(base, ".so.") != NULL;
}

/* Is this address a local one?  (A peer shown by the name it was looked up
 * by is not, unless the name is localhost: the program asked for it.) */
bool noise_addr(const char *a)
{
	const char *named = a ? strstr(a, " (") : NULL;

	if (!a)
		return false;
	if (named && strstr(named, "):"))   /* "name (addr):port": looked up by name */
		return !strncmp(a, "localhost (", 11);
	return !strncmp(a, "127.", 4) || !strncmp(a, "[::1]", 5) || !strncmp(a, "[::ffff:127.", 12);
}

/* Are things done with the object behind an fd noise? */
bool noise_obj(const struct fobj *o)
{
	if (!o)
		return false;
	if (o->kind == FDK_ANON)
		return true;
	if (o->conn && o->conn->peer)   /* (with the name it was looked up by) */
		return noise_addr(o->conn->peer);
	if (o->remote)
		return noise_addr(o->remote);
	return noise_path(o->path);
}

/* Does the default noise filter hide this event from the --batch lines? */
bool noise_event(const struct event *ev)
{
	struct evacc a = { .ev = ev };

	switch (evdesc_of(ev->type)->noise) {
	case NOISE_OBJ: return noise_obj(ev->obj);
	case NOISE_BOTH: return noise_obj(ev->obj) && noise_obj(ev->obj2);
	case NOISE_PATH: case NOISE_REGION: return noise_path(ev->path);
	case NOISE_PEER: return noise_addr(evacc_str(&a, EVF_PEER));
	default: return false;
	}
}

/* Does the store mark it as noise? */
bool noise_stored(const struct event *ev)
{
	return evdesc_of(ev->type)->noise != NOISE_REGION && noise_event(ev);
}
