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
#include <stdlib.h>
#include <string.h>

#include "btfslice.h"

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

/* The slice of kernel_btf for local_btf. */
static struct btf *slice_of_both(struct btf **kernel, struct btf **local)
{
	const struct btf *l;

	*kernel = kernel_btf();
	*local = local_btf();
	l = *local;
	return btfslice_new(*kernel, &l, 1);
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

/* The suite. */
static Suite *btfslice_suite(void)
{
	Suite *s = suite_create("btfslice");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, named_types_and_what_they_hold_are_kept_and_nothing_else);
	tcase_add_test(tc, members_keep_their_offsets_sizes_and_bit_fields);
	tcase_add_test(tc, pointers_stay_pointers_to_void);
	tcase_add_test(tc, the_slice_reads_back_from_its_raw_form);
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
