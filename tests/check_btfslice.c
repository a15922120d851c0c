/*
 * check_btfslice.c - Check suite for src/btfslice.c: the slice of a
 * kernel's BTF that CO-RE relocations read.
 *
 * A small "kernel" BTF is built by hand: a task struct holding a struct,
 * an array of structs, an anonymous union with a bit-field, a typedef'd
 * const and pointers, beside types nobody names.  The local BTF names the
 * task with a ___flavour suffix, as the BPF objects do.  The slice must
 * hold the task (and a flavoured kernel twin) with everything it holds by
 * value, members at the same bit offsets and sizes, pointers still
 * pointers (to void), and nothing else.
 */
#include "config.h"

#include <bpf/btf.h>
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btfslice.h"
#include "kbtf.h"

/* The id of the type named name of kind kind in b, or -1. */
static int find(const struct btf *b, const char *name, int kind)
{
	return btf__find_by_name_kind(b, name, (__u32)kind);
}

/* The kernel: task { int pid; struct inner in; struct elem arr[4];
 * union { u32 flags:3; u32 all; }; const_u32 c; struct files *files;
 * struct task *parent; }, plus struct files, struct unrelated, and
 * struct task___old (a flavoured twin). */
static struct btf *kernel_btf(void)
{
	struct btf *b = btf__new_empty();
	int i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int u32 = btf__add_int(b, "unsigned int", 4, 0);
	int files = btf__add_struct(b, "files", 8);
	int inner, elem, arr, un, cst, tdef, pfiles, task, ptask;

	btf__add_field(b, "count", i32, 0, 0);
	btf__add_field(b, "max", i32, 32, 0);
	inner = btf__add_struct(b, "inner", 8);
	btf__add_field(b, "a", u32, 0, 0);
	btf__add_field(b, "b", u32, 32, 0);
	elem = btf__add_struct(b, "elem", 4);
	btf__add_field(b, "v", i32, 0, 0);
	arr = btf__add_array(b, i32, elem, 4);
	un = btf__add_union(b, NULL, 4);
	btf__add_field(b, "flags", u32, 0, 3);
	btf__add_field(b, "all", u32, 0, 0);
	cst = btf__add_const(b, u32);
	tdef = btf__add_typedef(b, "const_u32", cst);
	pfiles = btf__add_ptr(b, files);
	ptask = btf__add_ptr(b, pfiles + 2);   /* (task's id, next) */
	task = btf__add_struct(b, "task", 56);
	ck_assert_int_eq(task, ptask + 1);
	btf__add_field(b, "pid", i32, 0, 0);
	btf__add_field(b, "in", inner, 32, 0);
	btf__add_field(b, "arr", arr, 96, 0);
	btf__add_field(b, NULL, un, 224, 0);
	btf__add_field(b, "c", tdef, 256, 0);
	btf__add_field(b, "files", pfiles, 320, 0);
	btf__add_field(b, "parent", ptask, 384, 0);
	btf__add_struct(b, "unrelated", 4);
	btf__add_field(b, "x", i32, 0, 0);
	btf__add_struct(b, "task___old", 4);
	btf__add_field(b, "pid", i32, 0, 0);
	return b;
}

/* The object: struct task___new { int pid; } (and an int). */
static struct btf *local_btf(void)
{
	struct btf *b = btf__new_empty();
	int i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);

	btf__add_struct(b, "task___new", 4);
	btf__add_field(b, "pid", i32, 0, 0);
	return b;
}

/* The slice of kernel_btf (read in place, as the loaders read the
 * kernel's) for local_btf. */
static struct btf *slice_of_both(struct btf **kernel, struct btf **local)
{
	const struct btf *l;
	struct kbtf k;
	struct btf *s;
	__u32 size;
	const void *raw;

	*kernel = kernel_btf();
	*local = local_btf();
	l = *local;
	raw = btf__raw_data(*kernel, &size);
	ck_assert_int_eq(kbtf_init(&k, raw, size), 0);
	s = btfslice_new(&k, &l, 1);
	kbtf_release(&k);
	return s;
}

START_TEST(named_types_and_what_they_hold_are_kept_and_nothing_else)
{
	struct btf *k, *l, *s = slice_of_both(&k, &l);

	ck_assert_ptr_nonnull(s);
	ck_assert_int_gt(find(s, "task", BTF_KIND_STRUCT), 0);
	ck_assert_int_gt(find(s, "task___old", BTF_KIND_STRUCT), 0);   /* (a candidate too) */
	ck_assert_int_gt(find(s, "inner", BTF_KIND_STRUCT), 0);
	ck_assert_int_gt(find(s, "elem", BTF_KIND_STRUCT), 0);
	ck_assert_int_gt(find(s, "const_u32", BTF_KIND_TYPEDEF), 0);
	ck_assert_int_gt(find(s, "unsigned int", BTF_KIND_INT), 0);
	ck_assert_int_lt(find(s, "files", BTF_KIND_STRUCT), 0);   /* only behind a pointer */
	ck_assert_int_lt(find(s, "unrelated", BTF_KIND_STRUCT), 0);
	btf__free(s);
	btf__free(l);
	btf__free(k);
}
END_TEST

START_TEST(members_keep_their_offsets_sizes_and_bit_fields)
{
	struct btf *k, *l, *s = slice_of_both(&k, &l);
	const struct btf_type *kt = btf__type_by_id(k, find(k, "task", BTF_KIND_STRUCT));
	const struct btf_type *st = btf__type_by_id(s, find(s, "task", BTF_KIND_STRUCT));
	const struct btf_type *u;

	ck_assert_int_eq(st->size, kt->size);
	ck_assert_int_eq(btf_vlen(st), btf_vlen(kt));
	for (int i = 0; i < btf_vlen(kt); i++) {
		const struct btf_member *km = btf_members(kt) + i, *sm = btf_members(st) + i;
		ck_assert_str_eq(btf__name_by_offset(s, sm->name_off),
				 btf__name_by_offset(k, km->name_off));
		ck_assert_int_eq(btf_member_bit_offset(st, i), btf_member_bit_offset(kt, i));
		ck_assert_int_eq(btf__resolve_size(s, sm->type), btf__resolve_size(k, km->type));
		ck_assert_int_eq(btf_kind(btf__type_by_id(s, sm->type)),
				 btf_kind(btf__type_by_id(k, km->type)));
	}
	u = btf__type_by_id(s, btf_members(st)[3].type);   /* the anonymous union */
	ck_assert(btf_is_union(u));
	ck_assert_int_eq(btf_member_bitfield_size(u, 0), 3);
	ck_assert_int_eq(btf_array(btf__type_by_id(s, btf_members(st)[2].type))->nelems, 4);
	btf__free(s);
	btf__free(l);
	btf__free(k);
}
END_TEST

START_TEST(pointers_stay_pointers_to_void)
{
	struct btf *k, *l, *s = slice_of_both(&k, &l);
	const struct btf_type *st = btf__type_by_id(s, find(s, "task", BTF_KIND_STRUCT));
	const struct btf_type *p = btf__type_by_id(s, btf_members(st)[5].type);

	ck_assert(btf_is_ptr(p));
	ck_assert_int_eq(p->type, 0);
	ck_assert(btf_is_ptr(btf__type_by_id(s, btf_members(st)[6].type)));
	btf__free(s);
	btf__free(l);
	btf__free(k);
}
END_TEST

START_TEST(the_slice_reads_back_from_its_raw_form)
{
	struct btf *k, *l, *s = slice_of_both(&k, &l), *back;
	__u32 size;
	const void *raw = btf__raw_data(s, &size);

	back = btf__new(raw, size);
	ck_assert_ptr_nonnull(back);
	ck_assert_int_eq(btf__type_cnt(back), btf__type_cnt(s));
	ck_assert_int_eq(find(back, "task", BTF_KIND_STRUCT), find(s, "task", BTF_KIND_STRUCT));
	btf__free(back);
	btf__free(s);
	btf__free(l);
	btf__free(k);
}
END_TEST

/* A kernel whose struct leaves holds one type of each kind the slice
 * copies whole (a signed and an unsigned enum, an enum64, a float, a bool,
 * a union's forward declaration behind a typedef), and the object naming
 * it; its slice as *slice, the kernel read in place from raw (a copy the
 * caller may damage first, with damage). */
static struct btf *leaves_slice(struct btf **kernel, void (*damage)(char *raw))
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty(), *s;
	int i32 = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	int e1 = btf__add_enum(k, "sgn", 4), e2, e3, f, b, fw, td;
	const struct btf *lp = l;
	struct kbtf kb;
	__u32 size;
	const void *raw;
	char *copy;

	btf__add_enum_value(k, "NEG", -5);
	btf__add_enum_value(k, "POS", 7);
	e2 = btf__add_enum(k, "uns", 4);
	btf__add_enum_value(k, "HIGH", 0xfffffff0u);
	e3 = btf__add_enum64(k, "wide", 8, true);
	btf__add_enum64_value(k, "W", 0x8000000000000001ull);
	f = btf__add_float(k, "double", 8);
	b = btf__add_int(k, "_Bool", 1, BTF_INT_BOOL);
	fw = btf__add_fwd(k, "later", BTF_FWD_UNION);
	td = btf__add_typedef(k, "later_t", fw);
	btf__add_struct(k, "leaves", 40);
	btf__add_field(k, "a", e1, 0, 0);
	btf__add_field(k, "b", e2, 32, 0);
	btf__add_field(k, "c", e3, 64, 0);
	btf__add_field(k, "d", f, 128, 0);
	btf__add_field(k, "e", b, 192, 0);
	btf__add_field(k, "f", td, 256, 0);
	btf__add_field(k, "g", i32, 288, 0);
	btf__add_struct(l, "leaves", 4);
	btf__add_field(l, "a", btf__add_int(l, "int", 4, BTF_INT_SIGNED), 0, 0);
	raw = btf__raw_data(k, &size);
	copy = malloc(size);
	memcpy(copy, raw, size);
	if (damage)
		damage(copy);
	ck_assert_int_eq(kbtf_init(&kb, copy, size), 0);
	s = btfslice_new(&kb, &lp, 1);
	kbtf_release(&kb);
	free(copy);
	btf__free(l);
	*kernel = k;
	return s;
}

/* Type si of s is type ki of k but for where its strings are: kind,
 * flags, size, an int's encoding, an enum's values and their names. */
static void same_leaf(const struct btf *k, int ki, const struct btf *s, int si)
{
	const struct btf_type *kt = btf__type_by_id(k, (__u32)ki), *st = btf__type_by_id(s, (__u32)si);

	ck_assert_uint_eq(st->info, kt->info);
	ck_assert_uint_eq(st->size, kt->size);
	if (btf_is_int(kt))
		ck_assert_uint_eq(*(const __u32 *)(st + 1), *(const __u32 *)(kt + 1));
	for (__u16 v = 0; v < btf_vlen(kt); v++) {
		if (btf_is_enum(kt)) {
			ck_assert_uint_eq(btf_enum(st)[v].val, btf_enum(kt)[v].val);
			ck_assert_str_eq(btf__name_by_offset(s, btf_enum(st)[v].name_off),
					 btf__name_by_offset(k, btf_enum(kt)[v].name_off));
		} else {
			ck_assert_uint_eq(btf_enum64_value(btf_enum64(st) + v),
					  btf_enum64_value(btf_enum64(kt) + v));
			ck_assert_str_eq(btf__name_by_offset(s, btf_enum64(st)[v].name_off),
					 btf__name_by_offset(k, btf_enum64(kt)[v].name_off));
		}
	}
}

START_TEST(ints_enums_floats_and_forwards_are_copied_byte_for_byte)
{
	static const struct { const char *name; int kind; } leaves[] = {
		{ "sgn", BTF_KIND_ENUM }, { "uns", BTF_KIND_ENUM }, { "wide", BTF_KIND_ENUM64 },
		{ "double", BTF_KIND_FLOAT }, { "_Bool", BTF_KIND_INT }, { "later", BTF_KIND_FWD },
		{ "int", BTF_KIND_INT },
	};
	struct btf *k, *s = leaves_slice(&k, NULL);

	ck_assert_ptr_nonnull(s);
	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		int si = find(s, leaves[i].name, leaves[i].kind);

		ck_assert_msg(si > 0, "%s not in the slice", leaves[i].name);
		same_leaf(k, find(k, leaves[i].name, leaves[i].kind), s, si);
	}
	ck_assert(btf_kflag(btf__type_by_id(s, find(s, "sgn", BTF_KIND_ENUM))));
	ck_assert(!btf_kflag(btf__type_by_id(s, find(s, "uns", BTF_KIND_ENUM))));
	ck_assert(btf_kflag(btf__type_by_id(s, find(s, "later", BTF_KIND_FWD))));   /* a union's */
	btf__free(s);
	btf__free(k);
}
END_TEST

/* An int of 12 bits in 2 bytes' room, which libbpf's writer cannot make. */
static void narrow_int(char *raw)
{
	const struct btf_header *h = (const struct btf_header *)raw;
	char *t = raw + h->hdr_len + h->type_off;   /* the first type: int */

	*(__u32 *)(t + sizeof(struct btf_type)) = (BTF_INT_SIGNED << 24) | 12;
}

START_TEST(a_type_the_writer_would_change_is_refused)
{
	struct btf *k, *s = leaves_slice(&k, narrow_int);

	ck_assert_ptr_null(s);
	ck_assert_int_eq(errno, EINVAL);
	btf__free(k);
}
END_TEST

/* The suite. */
static Suite *btfslice_suite(void)
{
	Suite *s = suite_create("btfslice");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, named_types_and_what_they_hold_are_kept_and_nothing_else);
	tcase_add_test(tc, members_keep_their_offsets_sizes_and_bit_fields);
	tcase_add_test(tc, pointers_stay_pointers_to_void);
	tcase_add_test(tc, the_slice_reads_back_from_its_raw_form);
	tcase_add_test(tc, ints_enums_floats_and_forwards_are_copied_byte_for_byte);
	tcase_add_test(tc, a_type_the_writer_would_change_is_refused);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite; exit status is non-zero on any failure. */
int main(void)
{
	SRunner *sr = srunner_create(btfslice_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
