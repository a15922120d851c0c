/* symbols.c - name the frames of a REC_STACK with libdw (see symbols.h).
 *
 * Modules are cached by build id (by path when they have none), each in a
 * dwfl of its own reported at base 0, so a record's module addresses are
 * looked up as they are, whatever address the process had it at.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <elfutils/libdwfl.h>

#include "hmap.h"
#include "symbols.h"
#include "util.h"

/* One module file, opened. */
struct symmod {
	Dwfl *dwfl;
	Dwfl_Module *mod;     /* NULL: the file could not be read */
	Dwarf_Addr bias;
	char *path;           /* as recorded */
	struct imap names;    /* address -> struct sym_frame named there (libdw
				 looks a symbol up by scanning them all) */
};

struct symbols {
	struct smap mods;     /* build id in hex, or "/" + path -> struct symmod */
};

static const Dwfl_Callbacks offline_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

static struct symbols *shared;

struct symbols *symbols_new(void)
{
	return xcalloc(1, sizeof(struct symbols));
}

void symbols_free(struct symbols *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->mods.cap; i++) {
		struct symmod *m = s->mods.vals ? s->mods.vals[i] : NULL;
		if (!m)
			continue;
		if (m->dwfl)
			dwfl_end(m->dwfl);
		for (size_t j = 0; j < m->names.cap; j++)
			free(m->names.vals[j]);
		imap_release(&m->names);
		free(m->path);
		free(m);
	}
	smap_release(&s->mods);
	free(s);
}

struct symbols *symbols_shared(void)
{
	if (!shared)
		shared = symbols_new();
	return shared;
}

const char *symbols_module_base(const char *module)
{
	const char *slash;

	if (!module)
		return "?";
	slash = strrchr(module, '/');
	return slash ? slash + 1 : module;
}

/* Does module d's build id equal id[0..n)? */
static bool same_id(Dwfl_Module *d, const uint8_t *id, size_t n)
{
	const unsigned char *bits;
	GElf_Addr at;
	int len = dwfl_module_build_id(d, &bits, &at);

	return n == 0 || (len == (int)n && memcmp(bits, id, n) == 0);
}

/* Report file path in a fresh dwfl at base 0; NULL module when it cannot
 * be read or is not the build the record names. */
static void open_file(struct symmod *m, const char *path, const uint8_t *id, size_t n)
{
	struct stat st;

	/* (a recording names any path: never a FIFO or device to block on) */
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return;
	m->dwfl = dwfl_begin(&offline_callbacks);
	if (!m->dwfl)
		return;
	dwfl_report_begin(m->dwfl);
	m->mod = dwfl_report_elf(m->dwfl, path, path, -1, 0, false);
	dwfl_report_end(m->dwfl, NULL, NULL);
	if (m->mod && (!same_id(m->mod, id, n) || !dwfl_module_getelf(m->mod, &m->bias)))
		m->mod = NULL;
	if (!m->mod) {
		dwfl_end(m->dwfl);
		m->dwfl = NULL;
	}
}

/* The debug file of build id[0..n) under /usr/lib/debug/.build-id. */
static void debug_path(char *out, size_t cap, const uint8_t *id, size_t n)
{
	size_t at = (size_t)snprintf(out, cap, "/usr/lib/debug/.build-id/%02x/", id[0]);

	for (size_t i = 1; i < n && at + 3 < cap; i++)
		at += (size_t)snprintf(out + at, cap - at, "%02x", id[i]);
	snprintf(out + at, cap - at, ".debug");
}

/* Cache key of a module: its build id in hex, else "/" and its path. */
static void mod_key(char *out, size_t cap, const struct rec_stackmod *sm, const char *path)
{
	size_t at = 0;

	if (!sm->id_len) {
		snprintf(out, cap, "/%.*s", (int)sm->path_len, path);
		return;
	}
	for (size_t i = 0; i < sm->id_len && at + 3 < cap; i++)
		at += (size_t)snprintf(out + at, cap - at, "%02x", sm->build_id[i]);
}

/* The module a record's entry names, opened on first use. */
static struct symmod *mod_get(struct symbols *s, const struct rec_stackmod *sm, const char *path)
{
	char key[4200], dbg[128];
	struct symmod *m;

	mod_key(key, sizeof(key), sm, path);
	m = smap_get(&s->mods, key);
	if (m)
		return m;
	m = xcalloc(1, sizeof(*m));
	m->path = xmalloc((size_t)sm->path_len + 1);
	memcpy(m->path, path, sm->path_len);
	m->path[sm->path_len] = 0;
	if (m->path[0] == '/')
		open_file(m, m->path, sm->build_id, sm->id_len);
	if (!m->mod && sm->id_len >= 2) {
		debug_path(dbg, sizeof(dbg), sm->build_id, sm->id_len);
		open_file(m, dbg, sm->build_id, sm->id_len);
	}
	smap_put(&s->mods, key, m);
	return m;
}

/* Function, file and line of addr in module m into f. */
static void lookup(const struct symmod *m, struct sym_frame *f)
{
	GElf_Off off = 0;
	GElf_Sym sym;
	Dwarf_Addr a = f->addr + m->bias;
	Dwfl_Line *line;

	f->module = m->path;
	f->offset = f->addr;
	if (!m->mod)
		return;
	f->func = dwfl_module_addrinfo(m->mod, a, &off, &sym, NULL, NULL, NULL);
	if (f->func)
		f->offset = off;
	line = dwfl_module_getsrc(m->mod, a);
	if (line)
		f->file = dwfl_lineinfo(line, NULL, &f->line, NULL, NULL, NULL);
}

/* lookup, answered once per address of a module. */
static void name_in(struct symmod *m, struct sym_frame *f)
{
	struct sym_frame *known = imap_get(&m->names, f->addr);

	if (!known) {
		known = xmalloc(sizeof(*known));
		*known = *f;
		lookup(m, known);
		imap_put(&m->names, f->addr, known);
	}
	*f = *known;
}

size_t symbols_name(struct symbols *s, const struct rec_stack *st, struct sym_frame *out, size_t cap)
{
	const struct rec_frame *fr = (const struct rec_frame *)(st + 1);
	const char *p = (const char *)(fr + st->nframes), *end = p + st->mods_len;
	struct symmod *mods[REC_STACK_FRAMES] = { 0 };
	size_t nmods = 0, n = st->nframes < cap ? st->nframes : cap;

	while (nmods < st->nmods && nmods < REC_STACK_FRAMES &&
	       (size_t)(end - p) >= sizeof(struct rec_stackmod)) {
		struct rec_stackmod sm;
		memcpy(&sm, p, sizeof(sm));
		p += sizeof(sm);
		if (rec_align(sm.path_len) > (size_t)(end - p))
			break;
		mods[nmods++] = mod_get(s, &sm, p);
		p += rec_align(sm.path_len);
	}
	for (size_t i = 0; i < n; i++) {
		struct rec_frame f;
		memcpy(&f, &fr[i], sizeof(f));
		memset(&out[i], 0, sizeof(out[i]));
		out[i].addr = out[i].offset = f.addr;
		if (f.mod < nmods)
			name_in(mods[f.mod], &out[i]);
	}
	return n;
}
