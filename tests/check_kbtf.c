/*
 * check_kbtf.c - Check suite for src/kbtf.c: a kernel's BTF read in place.
 *
 * A BTF holding every kind is built with libbpf's writer; read in place
 * (from memory and from a file) every type must be the one libbpf reads,
 * with the same names, and each kind's extent must be walked right (the
 * types after it are found).  Damaged data (wrong magic, sections past
 * the end, a name past the strings, a kind it does not know, strings not
 * ended) is refused.  Where the running kernel's BTF is readable, it must
 * read as libbpf reads it, type for type.
 */
#include "config.h"

#include <bpf/btf.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kbtf.h"

/* A BTF with one type of each kind (and a few to point at). */
static struct btf *all_kinds(void)
{
	struct btf *b = btf__new_empty();
	int i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int s, e, proto, var;

	btf__add_ptr(b, i32);
	btf__add_array(b, i32, i32, 3);
	s = btf__add_struct(b, "s", 8);
	btf__add_field(b, "a", i32, 0, 0);
	btf__add_field(b, "b", i32, 32, 0);
	btf__add_union(b, "u", 4);
	btf__add_field(b, "x", i32, 0, 0);
	e = btf__add_enum(b, "e", 4);
	btf__add_enum_value(b, "E_NEG", -1);
	btf__add_enum_value(b, "E_ONE", 1);
	btf__add_fwd(b, "fw", BTF_FWD_UNION);
	btf__add_typedef(b, "td", s);
	btf__add_volatile(b, i32);
	btf__add_const(b, i32);
	btf__add_restrict(b, i32 + 1);
	proto = btf__add_func_proto(b, i32);
	btf__add_func_param(b, "p", i32);
	btf__add_func(b, "fn", BTF_FUNC_GLOBAL, proto);
	var = btf__add_var(b, "v", BTF_VAR_GLOBAL_ALLOCATED, i32);
	btf__add_datasec(b, ".data", 4);
	btf__add_datasec_var_info(b, var, 0, 4);
	btf__add_float(b, "double", 8);
	btf__add_decl_tag(b, "tag", s, -1);
	btf__add_type_tag(b, "tt", i32);
	btf__add_enum64(b, "e64", 8, false);
	btf__add_enum64_value(b, "BIG", 0x100000000ull);
	btf__add_int(b, "last", 2, 0);   /* (found only if every extent was right) */
	ck_assert_int_gt(e, 0);
	return b;
}

/* k reads as libbpf reads b: the same count, kinds, sizes and names. */
static void same_as_libbpf(const struct kbtf *k, const struct btf *b)
{
	ck_assert_uint_eq(k->cnt, btf__type_cnt(b));
	ck_assert_ptr_null(kbtf_type(k, 0));
	ck_assert_ptr_null(kbtf_type(k, k->cnt));
	for (__u32 id = 1; id < k->cnt; id++) {
		const struct btf_type *t = kbtf_type(k, id), *w = btf__type_by_id(b, id);

		ck_assert_uint_eq(t->info, w->info);
		ck_assert_uint_eq(t->size, w->size);
		ck_assert_str_eq(kbtf_name(k, t->name_off), btf__name_by_offset(b, w->name_off));
	}
}

/* A private copy of b's raw form (to damage), its size in *size. */
static char *raw_copy(const struct btf *b, __u32 *size)
{
	const void *raw = btf__raw_data(b, size);
	char *copy = malloc(*size);

	memcpy(copy, raw, *size);
	return copy;
}

START_TEST(every_kind_reads_as_libbpf_reads_it)
{
	struct btf *b = all_kinds();
	__u32 size;
	const void *raw = btf__raw_data(b, &size);
	struct kbtf k;

	ck_assert_int_eq(kbtf_init(&k, raw, size), 0);
	same_as_libbpf(&k, b);
	ck_assert_int_eq(kbtf_find(&k, "last", BTF_KIND_INT), (int)k.cnt - 1);
	ck_assert_int_eq(kbtf_find(&k, "td", BTF_KIND_TYPEDEF), btf__find_by_name_kind(b, "td", BTF_KIND_TYPEDEF));
	ck_assert_int_eq(kbtf_find(&k, "td", BTF_KIND_STRUCT), -ENOENT);
	ck_assert_str_eq(kbtf_name(&k, 0xffffff), "");
	kbtf_release(&k);
	btf__free(b);
}
END_TEST

START_TEST(a_file_reads_as_its_bytes)
{
	struct btf *b = all_kinds();
	char path[] = "/tmp/check_kbtf.XXXXXX";
	int fd = mkstemp(path);
	__u32 size;
	const void *raw = btf__raw_data(b, &size);
	struct kbtf k;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, raw, size), (ssize_t)size);
	close(fd);
	ck_assert_int_eq(kbtf_open(&k, path), 0);
	ck_assert(k.mapped);
	same_as_libbpf(&k, b);
	kbtf_release(&k);
	ck_assert_int_eq(truncate(path, 0), 0);
	ck_assert_int_eq(kbtf_open(&k, path), -EINVAL);   /* empty */
	unlink(path);
	ck_assert_int_eq(kbtf_open(&k, path), -ENOENT);
	btf__free(b);
}
END_TEST

START_TEST(damaged_data_is_refused)
{
	struct btf *b = all_kinds();
	struct kbtf k;
	__u32 size;
	char *raw = raw_copy(b, &size);
	struct btf_header *h = (struct btf_header *)raw;
	struct btf_type *first = (struct btf_type *)(raw + h->hdr_len + h->type_off);

	ck_assert_int_eq(kbtf_init(&k, raw, size - 1), -EINVAL);   /* strings cut */
	kbtf_release(&k);
	h->magic ^= 1;
	ck_assert_int_eq(kbtf_init(&k, raw, size), -EINVAL);
	kbtf_release(&k);
	h->magic ^= 1;
	h->type_len += 4;   /* the last type runs into the strings */
	ck_assert_int_eq(kbtf_init(&k, raw, size), -EINVAL);
	kbtf_release(&k);
	h->type_len -= 4;
	first->name_off = h->str_len;   /* past the strings */
	ck_assert_int_eq(kbtf_init(&k, raw, size), -EINVAL);
	kbtf_release(&k);
	first->name_off = 1;
	first->info = (31u << 24);   /* no such kind */
	ck_assert_int_eq(kbtf_init(&k, raw, size), -EINVAL);
	kbtf_release(&k);
	first->info = ((__u32)BTF_KIND_INT << 24);
	raw[size - 1] = 'x';   /* the last string not ended */
	ck_assert_int_eq(kbtf_init(&k, raw, size), -EINVAL);
	kbtf_release(&k);
	raw[size - 1] = '\0';
	ck_assert_int_eq(kbtf_init(&k, raw, size), 0);   /* (whole again) */
	kbtf_release(&k);
	free(raw);
	btf__free(b);
}
END_TEST

START_TEST(the_running_kernels_btf_reads_as_libbpf_reads_it)
{
	struct btf *b;
	struct kbtf k;

	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		printf("check_kbtf: /sys/kernel/btf/vmlinux cannot be read here: the kernel's own "
		       "BTF is not compared\n");
		return;
	}
	b = btf__load_vmlinux_btf();
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(kbtf_open(&k, "/sys/kernel/btf/vmlinux"), 0);
	same_as_libbpf(&k, b);
	ck_assert_int_eq(kbtf_find(&k, "btf_trace_sys_exit", BTF_KIND_TYPEDEF),
			 btf__find_by_name_kind(b, "btf_trace_sys_exit", BTF_KIND_TYPEDEF));
	kbtf_release(&k);
	btf__free(b);
}
END_TEST

/* The suite. */
static Suite *kbtf_suite(void)
{
	Suite *s = suite_create("kbtf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, every_kind_reads_as_libbpf_reads_it);
	tcase_add_test(tc, a_file_reads_as_its_bytes);
	tcase_add_test(tc, damaged_data_is_refused);
	tcase_add_test(tc, the_running_kernels_btf_reads_as_libbpf_reads_it);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite; exit status is non-zero on any failure. */
int main(void)
{
	SRunner *sr = srunner_create(kbtf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
