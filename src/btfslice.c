/* btfslice.c - cut the kernel's BTF down to what CO-RE relocations read.
 *
 * The types kept are those libbpf could take as candidates for one of the
 * object's types (the same name once a ___flavour suffix is cut, as
 * libbpf's bpf_core_essential_name_len cuts it), each whole with what it
 * holds by value, so that matching a field access path, its offset, size,
 * bit-field and existence read the same in the slice as in the kernel's
 * BTF.  A pointer's target is left out: libbpf only checks that both sides
 * are pointers.  Relocations by type identity or shape (type ids,
 * bpf_core_type_matches) would need more and are not used by our objects.
 * Nothing here prints.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "btfslice.h"
#include "hmap.h"
#include "kbtf.h"
#include "util.h"

struct slice {
	const struct kbtf *src;
	__u32 cnt;             /* types in src */
	struct btf *dst;
	__u32 *map;            /* src id -> dst id (0: not taken) */
	__u32 *order;          /* src ids in dst order (dst id i is order[i - 1]) */
	__u32 n;
	__u32 *stack;          /* taken types whose own references are still to take */
	__u32 depth;
};

/* libbpf's flavour separator: X___Y, X and Y not underscores. */
static int is_flavour_sep(const char *s)
{
	return s[0] != '_' && s[1] == '_' && s[2] == '_' && s[3] == '_' && s[4] != '_';
}

/* Length of name without its ___flavour suffix (bpf_core_essential_name_len). */
static size_t essential_len(const char *name)
{
	size_t n;

	if (!strstr(name, "___"))
		return strlen(name);   /* (most names: no separator to look for) */
	n = strlen(name);

	for (long i = (long)n - 5; i >= 0; i--)
		if (is_flavour_sep(name + i))
			return (size_t)i + 1;
	return n;
}

/* Can a type of this kind be the subject of a relocation? */
static int relocatable_kind(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_FUNC: case BTF_KIND_FUNC_PROTO: case BTF_KIND_VAR:
	case BTF_KIND_DATASEC: case BTF_KIND_DECL_TAG:
		return 0;
	default:
		return 1;
	}
}

/* Look name up in names by its essential part. */
static int named(const struct smap *names, const char *name)
{
	size_t e = essential_len(name);
	char buf[256];

	if (name[e] == '\0')
		return smap_get(names, name) != NULL;
	if (e >= sizeof(buf))
		return 0;   /* (no local name is that long) */
	memcpy(buf, name, e);
	buf[e] = '\0';
	return smap_get(names, buf) != NULL;
}

/* Put the essential names of the relocatable types of b in names. */
static void add_names(struct smap *names, const struct btf *b)
{
	__u32 cnt = btf__type_cnt(b);
	char buf[256];

	for (__u32 id = 1; id < cnt; id++) {
		const struct btf_type *t = btf__type_by_id(b, id);
		const char *name = btf__name_by_offset(b, t->name_off);
		size_t e;

		if (!name || !*name || !relocatable_kind(t))
			continue;
		e = essential_len(name);
		if (e >= sizeof(buf))
			continue;
		memcpy(buf, name, e);
		buf[e] = '\0';
		smap_put(names, buf, names);
	}
}

/* Give src type id a place in the slice (once), to copy after. */
static void take(struct slice *s, __u32 id)
{
	if (id == 0 || id >= s->cnt || s->map[id])
		return;
	s->order[s->n++] = id;
	s->map[id] = s->n;
	s->stack[s->depth++] = id;
}

/* Take what src type id holds by value. */
static void take_refs(struct slice *s, __u32 id)
{
	const struct btf_type *t = kbtf_type(s->src, id);
	const struct btf_member *m;

	switch (btf_kind(t)) {
	case BTF_KIND_TYPEDEF: case BTF_KIND_CONST: case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
		take(s, t->type);
		break;
	case BTF_KIND_ARRAY:
		take(s, btf_array(t)->type);
		take(s, btf_array(t)->index_type);
		break;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		m = btf_members(t);
		for (__u16 i = 0; i < btf_vlen(t); i++)
			take(s, m[i].type);
		break;
	default:
		break;   /* (a pointer's target is not kept) */
	}
}

/* The slice's id of src type id (0, void, for one not taken). */
static int ref_of(const struct slice *s, __u32 id)
{
	return id < s->cnt ? (int)s->map[id] : 0;
}

/* Copy a struct or union, its members pointing into the slice. */
static int copy_composite(struct slice *s, const struct btf_type *t, const char *name)
{
	const struct btf_member *m = btf_members(t);
	int id = btf_is_struct(t) ? btf__add_struct(s->dst, name, t->size)
				  : btf__add_union(s->dst, name, t->size);

	for (__u16 i = 0; i < btf_vlen(t) && id > 0; i++) {
		int err = btf__add_field(s->dst, kbtf_name(s->src, m[i].name_off),
					 ref_of(s, m[i].type), btf_member_bit_offset(t, i),
					 btf_member_bitfield_size(t, i));
		if (err < 0)
			return err;
	}
	return id;
}

/* Is slice type id (just made) the kernel's t byte for byte, but for
 * where its strings are? */
static int same_leaf(const struct slice *s, const struct btf_type *t, int id)
{
	const struct btf_type *d = btf__type_by_id(s->dst, (__u32)id);
	size_t vals = btf_is_enum(t) ? sizeof(struct btf_enum) :
		      btf_is_enum64(t) ? sizeof(struct btf_enum64) : 0;

	if (!d || d->info != t->info || d->size != t->size)
		return 0;
	if (btf_is_int(t))
		return *(const __u32 *)(d + 1) == *(const __u32 *)(t + 1);
	for (__u16 i = 0; vals && i < btf_vlen(t); i++)   /* (each value after its name) */
		if (memcmp((const char *)(d + 1) + i * vals + 4, (const char *)(t + 1) + i * vals + 4,
			   vals - 4))
			return 0;
	return 1;
}

/* Add an enum's (or enum64's) values to the slice's last type: 0 or -errno. */
static int copy_values(struct slice *s, const struct btf_type *t)
{
	int err = 0;

	for (__u16 i = 0; i < btf_vlen(t) && !err; i++) {
		if (btf_is_enum(t)) {
			const struct btf_enum *v = btf_enum(t) + i;
			err = btf__add_enum_value(s->dst, kbtf_name(s->src, v->name_off),
						  btf_kflag(t) ? (__s64)v->val : (__s64)(__u32)v->val);
		} else {
			const struct btf_enum64 *v = btf_enum64(t) + i;
			err = btf__add_enum64_value(s->dst, kbtf_name(s->src, v->name_off),
						    btf_enum64_value(v));
		}
	}
	return err;
}

/* Copy an int, float, enum, enum64 or forward declaration: its new id, or
 * -errno (-EINVAL for one libbpf's writer would not make the same). */
static int copy_leaf(struct slice *s, const struct btf_type *t, const char *name)
{
	int id;

	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		id = btf__add_int(s->dst, name, t->size, btf_int_encoding(t));
		break;
	case BTF_KIND_FLOAT:
		id = btf__add_float(s->dst, name, t->size);
		break;
	case BTF_KIND_FWD:
		id = btf__add_fwd(s->dst, name, btf_kflag(t) ? BTF_FWD_UNION : BTF_FWD_STRUCT);
		break;
	case BTF_KIND_ENUM:
		id = btf__add_enum(s->dst, name, t->size);
		break;
	case BTF_KIND_ENUM64:
		id = btf__add_enum64(s->dst, name, t->size, btf_kflag(t));
		break;
	default:
		return -EINVAL;
	}
	if (id > 0 && (btf_is_enum(t) || btf_is_enum64(t))) {
		int err = copy_values(s, t);
		if (err < 0)
			return err;
	}
	return id > 0 && !same_leaf(s, t, id) ? -EINVAL : id;
}

/* Copy src type id into the slice; its new id, or -errno. */
static int copy_type(struct slice *s, __u32 id)
{
	const struct btf_type *t = kbtf_type(s->src, id);
	const char *name = kbtf_name(s->src, t->name_off);
	int ref = btf_is_mod(t) || btf_is_typedef(t) ? ref_of(s, t->type) : 0;

	switch (btf_kind(t)) {
	case BTF_KIND_PTR: return btf__add_ptr(s->dst, 0);
	case BTF_KIND_TYPEDEF: return btf__add_typedef(s->dst, name, ref);
	case BTF_KIND_CONST: return btf__add_const(s->dst, ref);
	case BTF_KIND_VOLATILE: return btf__add_volatile(s->dst, ref);
	case BTF_KIND_RESTRICT: return btf__add_restrict(s->dst, ref);
	case BTF_KIND_TYPE_TAG: return btf__add_type_tag(s->dst, name, ref);
	case BTF_KIND_ARRAY:
		return btf__add_array(s->dst, ref_of(s, btf_array(t)->index_type),
				      ref_of(s, btf_array(t)->type), btf_array(t)->nelems);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		return copy_composite(s, t, name);
	case BTF_KIND_FUNC_PROTO: case BTF_KIND_FUNC: case BTF_KIND_VAR:
	case BTF_KIND_DATASEC: case BTF_KIND_DECL_TAG:
		return -EINVAL;   /* never held by value, never taken */
	default:   /* int, float, enum, enum64, fwd: nothing they refer to */
		return copy_leaf(s, t, name);
	}
}

/* Take the candidates for names and what they hold, then copy them in
 * order (so each gets the id take gave it); 0 or -errno. */
static int fill(struct slice *s, const struct smap *names)
{
	for (__u32 id = 1; id < s->cnt; id++) {
		const struct btf_type *t = kbtf_type(s->src, id);

		if (t->name_off && relocatable_kind(t) && named(names, kbtf_name(s->src, t->name_off)))
			take(s, id);
		while (s->depth)
			take_refs(s, s->stack[--s->depth]);
	}
	for (__u32 i = 0; i < s->n; i++) {
		int got = copy_type(s, s->order[i]);
		if (got < 0)
			return got;
		if ((__u32)got != i + 1)
			return -EINVAL;
	}
	return 0;
}

struct btf *btfslice_new(const struct kbtf *kernel, const struct btf *const *local, int nlocal)
{
	__u32 cnt = kernel->cnt;
	struct slice s = { .src = kernel, .cnt = cnt };
	struct smap names = { 0 };
	int err = -ENOMEM;

	for (int i = 0; i < nlocal; i++)
		add_names(&names, local[i]);
	s.map = xcalloc(cnt, sizeof(*s.map));
	s.order = xcalloc(cnt, sizeof(*s.order));
	s.stack = xcalloc(cnt, sizeof(*s.stack));
	s.dst = btf__new_empty();
	if (s.dst)
		err = fill(&s, &names);
	smap_release(&names);
	free(s.map);
	free(s.order);
	free(s.stack);
	if (err) {
		btf__free(s.dst);
		errno = -err;
		return NULL;
	}
	return s.dst;
}

int btfslice_write(const struct btf *btf, int fd)
{
	__u32 size;
	const char *raw = btf__raw_data(btf, &size);

	if (!raw)
		return -ENOMEM;
	for (__u32 at = 0; at < size;) {
		ssize_t n = pwrite(fd, raw + at, size - at, at);
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		at += (__u32)n;
	}
	return 0;
}
