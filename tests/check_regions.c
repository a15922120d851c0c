/*
 * check_regions.c - Check suite for src/regions.c.
 *
 * States what a fault at an address and a time is attributed to: regions
 * made by mmap, split by munmap, replaced by MAP_FIXED, moved and resized by
 * mremap (DONTUNMAP too), the brk heap growing and shrinking, everything
 * replaced by execve, and /proc/PID/maps snapshots (kinds, the main stack
 * growing down into its gap, but not without limit), and which mapping a
 * region is (its id, whole range, protection and the time it was made:
 * pieces of one mapping share them, a new mapping at a reused address does
 * not, mremap keeps the mapping).  Faults sampled before
 * an unmap the set already saw must still find the old region.  Also: fork
 * copies, bounded history, and hostile maps text that must never crash.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "regions.h"

#define PG 4096ull
#define SEC 1000000000ull
#define RW (PROT_READ | PROT_WRITE)

/* Name of the region at addr at ts, or "-" for none. */
static const char *at(struct regions *rs, uint64_t addr, uint64_t ts)
{
	struct region *r = regions_lookup(rs, addr, ts);

	return r ? r->name : "-";
}

START_TEST(mmap_region_covers_its_pages_only)
{
	struct regions *rs = regions_new();

	regions_map(rs, 0x10000, 3 * PG - 100, RK_ANON, 0, RW, "[anon]", 10);
	ck_assert_str_eq(at(rs, 0x10000, 20), "[anon]");
	ck_assert_str_eq(at(rs, 0x10000 + 3 * PG - 1, 20), "[anon]");   /* length rounds up */
	ck_assert_str_eq(at(rs, 0x10000 + 3 * PG, 20), "-");
	ck_assert_str_eq(at(rs, 0xffff, 20), "-");
	ck_assert_int_eq(regions_lookup(rs, 0x10000, 20)->kind, RK_ANON);
	regions_free(rs);
}
END_TEST

START_TEST(munmap_of_the_middle_splits_and_remembers)
{
	struct regions *rs = regions_new();
	size_t n;
	const struct region *live;

	regions_map(rs, 0x100000, 10 * PG, RK_FILE, 0, RW, "/data/file", 10);
	regions_unmap(rs, 0x100000 + 4 * PG, 2 * PG, 100);
	live = regions_live(rs, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(live[0].start, 0x100000);
	ck_assert_uint_eq(live[0].end, 0x100000 + 4 * PG);
	ck_assert_uint_eq(live[1].start, 0x100000 + 6 * PG);
	ck_assert_str_eq(live[1].name, "/data/file");
	/* a fault sampled before the munmap still lands in the file */
	ck_assert_str_eq(at(rs, 0x100000 + 5 * PG, 50), "/data/file");
	ck_assert_uint_eq(regions_lookup(rs, 0x100000 + 5 * PG, 50)->dead_ts, 100);
	ck_assert_str_eq(at(rs, 0x100000 + 5 * PG, 150), "-");
	ck_assert_str_eq(at(rs, 0x100000 + 7 * PG, 150), "/data/file");
	regions_free(rs);
}
END_TEST

START_TEST(map_fixed_replaces_but_late_faults_see_the_old)
{
	struct regions *rs = regions_new();

	regions_map(rs, 0x200000, 8 * PG, RK_FILE, 0, RW, "/lib/a.so", 10);
	regions_map(rs, 0x200000 + 2 * PG, 2 * PG, RK_ANON, 0, RW, "[anon]", 200);
	ck_assert_str_eq(at(rs, 0x200000 + 2 * PG, 100), "/lib/a.so");
	ck_assert_str_eq(at(rs, 0x200000 + 2 * PG, 300), "[anon]");
	ck_assert_str_eq(at(rs, 0x200000 + 5 * PG, 300), "/lib/a.so");
	ck_assert_str_eq(at(rs, 0x200000 + 1 * PG, 300), "/lib/a.so");
	regions_free(rs);
}
END_TEST

START_TEST(address_reuse_picks_the_region_alive_at_the_time)
{
	struct regions *rs = regions_new();

	regions_map(rs, 0x300000, PG, RK_FILE, 0, RW, "/first", 10);
	regions_unmap(rs, 0x300000, PG, 20);
	regions_map(rs, 0x300000, PG, RK_FILE, 0, RW, "/second", 30);
	regions_unmap(rs, 0x300000, PG, 40);
	regions_map(rs, 0x300000, PG, RK_FILE, 0, RW, "/third", 50);
	ck_assert_str_eq(at(rs, 0x300000, 15), "/first");
	ck_assert_str_eq(at(rs, 0x300000, 35), "/second");
	ck_assert_str_eq(at(rs, 0x300000, 55), "/third");
	regions_free(rs);
}
END_TEST

START_TEST(adjacent_mappings_stay_distinct)
{
	struct regions *rs = regions_new();
	size_t n;

	regions_map(rs, 0x400000 + 4 * PG, 4 * PG, RK_ANON, 0, RW, "[anon]", 10);
	regions_map(rs, 0x400000, 4 * PG, RK_ANON, 0, RW, "[anon]", 20);
	regions_live(rs, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(regions_lookup(rs, 0x400000 + 3 * PG, 30)->start, 0x400000);
	ck_assert_uint_eq(regions_lookup(rs, 0x400000 + 4 * PG, 30)->start, 0x400000 + 4 * PG);
	regions_free(rs);
}
END_TEST

START_TEST(mremap_grows_moves_and_shrinks)
{
	struct regions *rs = regions_new();
	struct region *r;

	regions_map(rs, 0x500000, 4 * PG, RK_ANON, 0, RW, "[anon]", 10);
	r = regions_lookup(rs, 0x500000, 11);
	r->user = (void *)rs;
	/* grow in place */
	regions_remap(rs, 0x500000, 4 * PG, 0x500000, 6 * PG, false, 20);
	ck_assert_str_eq(at(rs, 0x500000 + 5 * PG, 30), "[anon]");
	ck_assert_ptr_eq(regions_lookup(rs, 0x500000 + 5 * PG, 30)->user, rs);
	/* move */
	regions_remap(rs, 0x500000, 6 * PG, 0x900000, 8 * PG, false, 40);
	ck_assert_str_eq(at(rs, 0x500000, 50), "-");
	ck_assert_str_eq(at(rs, 0x500000, 35), "[anon]");
	ck_assert_str_eq(at(rs, 0x900000 + 7 * PG, 50), "[anon]");
	ck_assert_ptr_eq(regions_lookup(rs, 0x900000, 50)->user, rs);
	/* shrink */
	regions_remap(rs, 0x900000, 8 * PG, 0x900000, 2 * PG, false, 60);
	ck_assert_str_eq(at(rs, 0x900000 + 3 * PG, 70), "-");
	ck_assert_str_eq(at(rs, 0x900000 + 1 * PG, 70), "[anon]");
	/* DONTUNMAP keeps the old range */
	regions_remap(rs, 0x900000, 2 * PG, 0xa00000, 2 * PG, true, 80);
	ck_assert_str_eq(at(rs, 0x900000, 90), "[anon]");
	ck_assert_str_eq(at(rs, 0xa00000, 90), "[anon]");
	/* an unknown source still gives the new range a region */
	regions_remap(rs, 0x7000000, PG, 0x7100000, PG, false, 100);
	ck_assert_int_eq(regions_lookup(rs, 0x7100000, 110)->kind, RK_UNKNOWN);
	regions_free(rs);
}
END_TEST

START_TEST(brk_heap_grows_as_one_region_and_shrinks)
{
	struct regions *rs = regions_new();
	size_t n;

	regions_brk(rs, 0x555000, 10);              /* the initial query */
	ck_assert_str_eq(at(rs, 0x555000, 20), "-");
	regions_brk(rs, 0x555000 + 33 * PG, 20);
	regions_brk(rs, 0x555000 + 66 * PG + 17, 30);
	regions_live(rs, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(at(rs, 0x555000, 40), "[heap]");
	ck_assert_str_eq(at(rs, 0x555000 + 66 * PG + 100, 40), "[heap]");   /* brk rounds up */
	ck_assert_int_eq(regions_lookup(rs, 0x555000, 40)->kind, RK_HEAP);
	regions_brk(rs, 0x555000 + 10 * PG, 50);
	ck_assert_str_eq(at(rs, 0x555000 + 20 * PG, 60), "-");
	ck_assert_str_eq(at(rs, 0x555000 + 20 * PG, 45), "[heap]");
	regions_brk(rs, 0x555000 + 12 * PG, 70);
	ck_assert_str_eq(at(rs, 0x555000 + 11 * PG, 80), "[heap]");
	regions_live(rs, &n);
	ck_assert_uint_eq(n, 1);
	regions_free(rs);
}
END_TEST

START_TEST(exec_buries_everything)
{
	struct regions *rs = regions_new();
	size_t n;

	regions_brk(rs, 0x555000, 1);
	regions_brk(rs, 0x555000 + 4 * PG, 2);
	regions_map(rs, 0x7f0000000000, PG, RK_FILE, 0, RW, "/bin/sh", 3);
	regions_exec(rs, 100);
	regions_live(rs, &n);
	ck_assert_uint_eq(n, 0);
	ck_assert_str_eq(at(rs, 0x7f0000000000, 50), "/bin/sh");
	ck_assert_str_eq(at(rs, 0x555000, 50), "[heap]");
	ck_assert_str_eq(at(rs, 0x7f0000000000, 150), "-");
	/* the new program's heap starts afresh */
	regions_brk(rs, 0x600000, 110);
	regions_brk(rs, 0x600000 + PG, 120);
	ck_assert_str_eq(at(rs, 0x600000, 130), "[heap]");
	ck_assert_str_eq(at(rs, 0x555000, 130), "-");
	regions_free(rs);
}
END_TEST

static const char maps_text[] =
	"5581c8a00000-5581c8a04000 r--p 00000000 fe:01 1311 /usr/bin/cat\n"
	"5581c8a04000-5581c8a09000 r-xp 00004000 fe:01 1311 /usr/bin/cat\n"
	"5581c8a0d000-5581c8a0e000 rw-p 0000c000 fe:01 1311 /usr/bin/cat\n"
	"5581c8a0e000-5581c8a0f000 rw-p 00000000 00:00 0 \n"
	"5581ca1c6000-5581ca1e7000 rw-p 00000000 00:00 0                          [heap]\n"
	"7f1e3c000000-7f1e3c021000 rw-p 00000000 00:00 0                          [anon:glibc.malloc]\n"
	"7f1e3d5a6000-7f1e3d5cc000 r--p 00000000 fe:01 2049                       /usr/lib/x86_64-linux-gnu/libc.so.6\n"
	"7f1e3d7a0000-7f1e3d7a2000 rw-p 00000000 00:00 0\n"
	"7f1e3d7c0000-7f1e3d7c1000 rw-s 00000000 00:05 7   /memfd:with spaces (deleted)\n"
	"7ffd5b3e1000-7ffd5b402000 rw-p 00000000 00:00 0                          [stack]\n"
	"7ffd5b5c4000-7ffd5b5c8000 r--p 00000000 00:00 0                          [vvar]\n"
	"7ffd5b5c8000-7ffd5b5ca000 r-xp 00000000 00:00 0                          [vdso]\n"
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n";

START_TEST(maps_snapshot_gives_kinds_and_names)
{
	struct regions *rs = regions_new();
	struct region *r;

	ck_assert_int_eq(regions_load_maps(rs, maps_text, strlen(maps_text), 10), 13);
	ck_assert_str_eq(at(rs, 0x5581c8a04100, 20), "/usr/bin/cat");
	ck_assert_int_eq(regions_lookup(rs, 0x5581c8a04100, 20)->kind, RK_FILE);
	ck_assert_str_eq(at(rs, 0x5581c8a0e000, 20), "[anon]");
	ck_assert_int_eq(regions_lookup(rs, 0x5581ca1c6000, 20)->kind, RK_HEAP);
	ck_assert_str_eq(at(rs, 0x7f1e3c000010, 20), "[anon:glibc.malloc]");
	ck_assert_int_eq(regions_lookup(rs, 0x7f1e3c000010, 20)->kind, RK_ANON);
	ck_assert_str_eq(at(rs, 0x7f1e3d7c0000, 20), "/memfd:with spaces (deleted)");
	ck_assert_int_eq(regions_lookup(rs, 0x7ffd5b5c8000, 20)->kind, RK_SPECIAL);
	ck_assert_str_eq(at(rs, 0x7ffd5b5c4000, 20), "[vvar]");
	ck_assert_str_eq(at(rs, 0xffffffffff600000, 20), "[vsyscall]");
	r = regions_lookup(rs, 0x7ffd5b400000, 20);
	ck_assert_int_eq(r->kind, RK_STACK);
	ck_assert_str_eq(r->name, "[stack]");
	/* the heap from the snapshot keeps growing with brk */
	regions_brk(rs, 0x5581ca1e7000 + 4 * PG, 30);
	ck_assert_str_eq(at(rs, 0x5581ca1e7000 + 3 * PG, 40), "[heap]");
	regions_free(rs);
}
END_TEST

START_TEST(main_stack_grows_down_into_its_gap_only)
{
	struct regions *rs = regions_new();
	struct region *r;

	regions_load_maps(rs, maps_text, strlen(maps_text), 10);
	r = regions_lookup(rs, 0x7ffd5b3e1000 - 40 * PG + 8, 20);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->name, "[stack]");
	ck_assert_uint_eq(r->start, 0x7ffd5b3e1000 - 40 * PG);
	ck_assert_str_eq(at(rs, 0x7ffd5b3e1000 - 20 * PG, 30), "[stack]");
	/* far below, past any stack limit: not the stack */
	ck_assert_str_eq(at(rs, 0x7ffd5b3e1000 - (2ull << 30), 30), "-");
	/* below another mapping: never the stack */
	ck_assert_str_eq(at(rs, 0x7f1e3d7a0000 - PG, 30), "-");
	/* a thread stack from mmap(MAP_STACK) does not grow */
	regions_map(rs, 0x7f0000100000, 16 * PG, RK_STACK, 0, RW, "[stack]", 40);
	ck_assert_str_eq(at(rs, 0x7f0000100000 - PG, 50), "-");
	regions_free(rs);
}
END_TEST

START_TEST(maps_malformed_lines_are_skipped)
{
	static const char bad[] =
		"zzzz-1000 rw-p 0 0 0\n"
		"2000-1000 rw-p 00000000 00:00 0\n"
		"1000\n"
		"\n"
		"1000-3000 rw-p 00000000 00:00 0 /ok\n"
		"10000000000000000-10000000000001000 rw-p 0 0 0\n"
		"4000-5000";
	struct regions *rs = regions_new();

	ck_assert_int_eq(regions_load_maps(rs, bad, sizeof(bad) - 1, 10), 2);
	ck_assert_str_eq(at(rs, 0x1000, 20), "/ok");
	ck_assert_str_eq(at(rs, 0x4000, 20), "[anon]");
	ck_assert_int_lt(regions_load_maps(rs, "garbage", 7, 30), 0);
	ck_assert_int_eq(regions_load_maps(rs, "", 0, 30), 0);
	regions_free(rs);
}
END_TEST

START_TEST(copy_has_the_same_map_but_no_history_or_user)
{
	struct regions *rs = regions_new(), *c;
	size_t n;

	regions_brk(rs, 0x555000, 1);
	regions_brk(rs, 0x555000 + 8 * PG, 2);
	regions_map(rs, 0x700000, 2 * PG, RK_ANON, 0, RW, "[anon]", 3);
	regions_unmap(rs, 0x700000, PG, 4);
	regions_lookup(rs, 0x555000, 5)->user = rs;
	c = regions_copy(rs);
	regions_live(c, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(regions_dead_count(c), 0);
	ck_assert_ptr_null(regions_lookup(c, 0x555000, 6)->user);
	regions_brk(c, 0x555000 + 9 * PG, 7);   /* the child's heap grows on its own */
	ck_assert_str_eq(at(c, 0x555000 + 8 * PG, 8), "[heap]");
	ck_assert_str_eq(at(rs, 0x555000 + 8 * PG, 8), "-");
	regions_free(rs);
	regions_free(c);
}
END_TEST

START_TEST(history_stays_bounded)
{
	struct regions *rs = regions_new();

	for (uint64_t i = 0; i < 20000; i++) {
		regions_map(rs, 0x100000 + (i % 7) * PG, PG, RK_ANON, 0, RW, "[anon]", 1 + i * 1000);
		regions_unmap(rs, 0x100000 + (i % 7) * PG, PG, 2 + i * 1000);
	}
	ck_assert_uint_le(regions_dead_count(rs), 4096);
	/* everything is within 5 s here, so only the count limit applied */
	ck_assert_uint_ge(regions_dead_count(rs), 1024);
	for (uint64_t i = 0; i < 2000; i++) {
		regions_map(rs, 0x100000, PG, RK_ANON, 0, RW, "[anon]", 100 * SEC + i);
		regions_unmap(rs, 0x100000, PG, 100 * SEC + i);
	}
	/* the old history expired by age: only the recent unmaps are left */
	ck_assert_uint_eq(regions_dead_count(rs), 2000);
	regions_free(rs);
}
END_TEST

START_TEST(hostile_ranges_do_not_crash)
{
	struct regions *rs = regions_new();
	char text[256];

	regions_map(rs, UINT64_MAX - 10, 100, RK_ANON, 0, RW, "[anon]", 1);
	regions_map(rs, 0, UINT64_MAX, RK_ANON, 0, RW, "[all]", 2);
	ck_assert_str_eq(at(rs, 0x1234, 3), "[all]");
	regions_unmap(rs, 0x1000, UINT64_MAX, 4);
	regions_remap(rs, 0, UINT64_MAX, 5 * PG, UINT64_MAX, false, 5);
	regions_brk(rs, UINT64_MAX, 6);
	regions_brk(rs, 0, 7);
	regions_brk(rs, UINT64_MAX - 1, 8);
	srand(7);
	for (int k = 0; k < 2000; k++) {
		for (size_t i = 0; i < sizeof(text); i++)
			text[i] = "0123456789abcdef- \n[]/x"[rand() % 23];
		regions_load_maps(rs, text, sizeof(text), 10 + (uint64_t)k);
		regions_lookup(rs, (uint64_t)rand() << 12, 5 + (uint64_t)k);
	}
	regions_free(rs);
}
END_TEST

START_TEST(a_mapping_keeps_its_identity_in_pieces_only)
{
	struct regions *rs = regions_new();
	struct region *a, *b, *c;
	uint64_t id;

	regions_map(rs, 0x100000, 10 * PG, RK_ANON, 0, RW, "[anon]", 10);
	a = regions_lookup(rs, 0x100000, 11);
	id = a->id;
	ck_assert_uint_ne(id, 0);
	ck_assert_int_eq(a->prot, RW);
	ck_assert_uint_eq(a->made_ts, 10);
	regions_unmap(rs, 0x100000 + 4 * PG, 2 * PG, 20);   /* two pieces of one mapping */
	a = regions_lookup(rs, 0x100000, 21);
	b = regions_lookup(rs, 0x100000 + 8 * PG, 21);
	ck_assert_ptr_ne(a, b);
	ck_assert_uint_eq(a->id, id);
	ck_assert_uint_eq(b->id, id);
	ck_assert_uint_eq(b->map_start, 0x100000);
	ck_assert_uint_eq(b->map_end, 0x100000 + 10 * PG);
	ck_assert_uint_eq(b->made_ts, 10);
	/* unmapped, then mapped again at the same address: another mapping */
	regions_unmap(rs, 0x100000, 10 * PG, 30);
	regions_map(rs, 0x100000, 10 * PG, RK_ANON, 0, PROT_READ, "[anon]", 40);
	c = regions_lookup(rs, 0x100000, 41);
	ck_assert_uint_ne(c->id, id);
	ck_assert_int_eq(c->prot, PROT_READ);
	ck_assert_uint_eq(c->made_ts, 40);
	ck_assert_uint_eq(regions_lookup(rs, 0x100000, 25)->id, id);   /* a late fault */
	/* the same range mapped right next to it is a third */
	regions_map(rs, 0x100000 + 10 * PG, PG, RK_ANON, 0, RW, "[anon]", 50);
	ck_assert_uint_ne(regions_lookup(rs, 0x100000 + 10 * PG, 51)->id, c->id);
	regions_free(rs);
}
END_TEST

START_TEST(mremap_keeps_the_mapping_with_its_new_range)
{
	struct regions *rs = regions_new();
	struct region *r;
	uint64_t id;

	regions_map(rs, 0x500000, 4 * PG, RK_ANON, 0, RW, "[anon]", 10);
	id = regions_lookup(rs, 0x500000, 11)->id;
	regions_remap(rs, 0x500000, 4 * PG, 0x500000, 8 * PG, false, 20);   /* grows in place */
	r = regions_lookup(rs, 0x500000 + 6 * PG, 21);
	ck_assert_uint_eq(r->id, id);
	ck_assert_uint_eq(r->map_end, 0x500000 + 8 * PG);
	ck_assert_uint_eq(regions_lookup(rs, 0x500000, 21)->map_end, 0x500000 + 8 * PG);
	regions_remap(rs, 0x500000, 8 * PG, 0x900000, 16 * PG, false, 30);  /* moves */
	r = regions_lookup(rs, 0x900000 + 15 * PG, 31);
	ck_assert_uint_eq(r->id, id);
	ck_assert_uint_eq(r->map_start, 0x900000);
	ck_assert_uint_eq(r->map_end, 0x900000 + 16 * PG);
	ck_assert_uint_eq(r->made_ts, 10);
	ck_assert_int_eq(r->prot, RW);
	regions_remap(rs, 0x900000, 16 * PG, 0xa00000, 16 * PG, true, 40);  /* DONTUNMAP */
	ck_assert_uint_eq(regions_lookup(rs, 0x900000, 41)->id, id);
	ck_assert_uint_ne(regions_lookup(rs, 0xa00000, 41)->id, id);
	regions_free(rs);
}
END_TEST

START_TEST(maps_and_brk_give_protection_and_ranges)
{
	struct regions *rs = regions_new();
	const char text[] = "5581c8a04000-5581c8a09000 r-xp 00004000 fe:01 1311 /usr/bin/cat\n"
			    "5581ca1c6000-5581ca1e7000 rw-p 00000000 00:00 0   [heap]\n"
			    "7ffd1e2a0000-7ffd1e2c1000 rw-p 00000000 00:00 0   [stack]\n";
	struct region *r;

	ck_assert_int_eq(regions_load_maps(rs, text, sizeof(text) - 1, 5), 3);
	r = regions_lookup(rs, 0x5581c8a04000, 6);
	ck_assert_int_eq(r->prot, PROT_READ | PROT_EXEC);
	ck_assert_uint_eq(r->made_ts, 5);
	r = regions_lookup(rs, 0x5581ca1c6000, 6);
	ck_assert_int_eq(r->prot, RW);
	regions_brk(rs, 0x5581ca1e7000 + 2 * PG, 7);                      /* the heap grows */
	r = regions_lookup(rs, 0x5581ca1e7000 + PG, 8);
	ck_assert_uint_eq(r->map_start, 0x5581ca1c6000);
	ck_assert_uint_eq(r->map_end, 0x5581ca1e7000 + 2 * PG);
	r = regions_lookup(rs, 0x7ffd1e2a0000 - 3 * PG, 9);                 /* and the stack */
	ck_assert_uint_eq(r->map_start, 0x7ffd1e2a0000 - 3 * PG);
	ck_assert_uint_eq(r->map_end, 0x7ffd1e2c1000);
	regions_free(rs);
}
END_TEST

START_TEST(kind_names)
{
	ck_assert_str_eq(regions_kind_name(RK_HEAP), "heap");
	ck_assert_str_eq(regions_kind_name(RK_FILE), "file");
	ck_assert_str_eq(regions_kind_name(-1), "unknown");
	ck_assert_str_eq(regions_kind_name(RK_MAX), "unknown");
}
END_TEST

/* The regions test suite. */
static Suite *regions_suite(void)
{
	Suite *s = suite_create("regions");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, mmap_region_covers_its_pages_only);
	tcase_add_test(tc, munmap_of_the_middle_splits_and_remembers);
	tcase_add_test(tc, map_fixed_replaces_but_late_faults_see_the_old);
	tcase_add_test(tc, address_reuse_picks_the_region_alive_at_the_time);
	tcase_add_test(tc, adjacent_mappings_stay_distinct);
	tcase_add_test(tc, mremap_grows_moves_and_shrinks);
	tcase_add_test(tc, brk_heap_grows_as_one_region_and_shrinks);
	tcase_add_test(tc, exec_buries_everything);
	tcase_add_test(tc, maps_snapshot_gives_kinds_and_names);
	tcase_add_test(tc, main_stack_grows_down_into_its_gap_only);
	tcase_add_test(tc, maps_malformed_lines_are_skipped);
	tcase_add_test(tc, copy_has_the_same_map_but_no_history_or_user);
	tcase_add_test(tc, history_stays_bounded);
	tcase_add_test(tc, hostile_ranges_do_not_crash);
	tcase_add_test(tc, a_mapping_keeps_its_identity_in_pieces_only);
	tcase_add_test(tc, mremap_keeps_the_mapping_with_its_new_range);
	tcase_add_test(tc, maps_and_brk_give_protection_and_ranges);
	tcase_add_test(tc, kind_names);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite; exit status is non-zero on any failure. */
int main(void)
{
	SRunner *sr = srunner_create(regions_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
