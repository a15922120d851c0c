/*
 * check_dnsmsg.c - Check suite for src/dnsmsg.c: names for addresses from
 * DNS replies and hosts files.
 *
 * Replies are real ones (tests/dnsserver.py's, and a recursive resolver's
 * shape with compression pointers inside rdata), then every cut of them and
 * hostile ones: pointer loops, pointers and labels out of the message,
 * records longer than what is left, queries, CNAME loops, odd bytes in
 * names.  Each message is copied into a heap block of exactly its length,
 * so ASan catches any read past its end.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dnsmsg.h"

/* myapi.test A: 127.0.0.1, 10.1.2.3 (tests/dnsserver.py's reply) */
static const uint8_t reply_a[] = {
	0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x05, 0x6d, 0x79, 0x61, 0x70, 0x69, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00,
	0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x3c, 0x00, 0x04, 0x7f, 0x00, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x04, 0x0a, 0x01, 0x02, 0x03,
};

/* myapi.test AAAA: ::1, 2001:db8::7 */
static const uint8_t reply_aaaa[] = {
	0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x05, 0x6d, 0x79, 0x61, 0x70, 0x69, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00,
	0x00, 0x1c, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x3c, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x1c,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x10, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07,
};

/* www.Example.COM CNAME edge.cdn.net CNAME e1.cdn.net A 192.0.2.10, .11 */
static const uint8_t reply_chain[] = {
	0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
	0x03, 0x77, 0x77, 0x77, 0x07, 0x45, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,
	0x03, 0x43, 0x4f, 0x4d, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00,
	0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x0e, 0x04, 0x65, 0x64,
	0x67, 0x65, 0x03, 0x63, 0x64, 0x6e, 0x03, 0x6e, 0x65, 0x74, 0x00, 0x04,
	0x65, 0x64, 0x67, 0x65, 0x03, 0x63, 0x64, 0x6e, 0x03, 0x6e, 0x65, 0x74,
	0x00, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x0c, 0x02,
	0x65, 0x31, 0x03, 0x63, 0x64, 0x6e, 0x03, 0x6e, 0x65, 0x74, 0x00, 0x02,
	0x65, 0x31, 0x03, 0x63, 0x64, 0x6e, 0x03, 0x6e, 0x65, 0x74, 0x00, 0x00,
	0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x04, 0xc0, 0x00, 0x02,
	0x0a, 0x02, 0x65, 0x31, 0x03, 0x63, 0x64, 0x6e, 0x03, 0x6e, 0x65, 0x74,
	0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x04, 0xc0,
	0x00, 0x02, 0x0b,
};

/* A recursive resolver's reply as dig shows it: www.github.com CNAME
 * github.com (rdata a pointer into the question), A 140.82.121.4, OPT */
static const uint8_t reply_github[] = {
	0xbe, 0xef, 0x81, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01,
	0x03, 0x77, 0x77, 0x77, 0x06, 0x67, 0x69, 0x74, 0x68, 0x75, 0x62, 0x03,
	0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x05,
	0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x02, 0xc0, 0x10, 0xc0, 0x10,
	0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x04, 0x8c, 0x52,
	0x79, 0x04, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00,
};

/* What the parser reported. */
struct got {
	int n;
	char name[8][DNSMSG_NAME_MAX];
	char addr[8][64];
};

/* dnsmsg_fn: keep name and address as text. */
static void keep(void *ctx, const char *name, int family, const uint8_t *addr)
{
	struct got *g = ctx;

	ck_assert_int_lt(g->n, 8);
	ck_assert_int_lt(strlen(name), DNSMSG_NAME_MAX);
	strcpy(g->name[g->n], name);
	ck_assert_ptr_nonnull(inet_ntop(family, addr, g->addr[g->n], sizeof(g->addr[0])));
	g->n++;
}

/* Parse p[0..len) from an exact-size heap copy. */
static int answers(const uint8_t *p, size_t len, struct got *g)
{
	uint8_t *c = malloc(len ? len : 1);
	int r;

	memcpy(c, p, len);
	memset(g, 0, sizeof(*g));
	r = dnsmsg_answers(c, len, keep, g);
	free(c);
	return r;
}

START_TEST(a_reply_names_its_addresses)
{
	struct got g;

	ck_assert_int_eq(answers(reply_a, sizeof(reply_a), &g), 2);
	ck_assert_str_eq(g.name[0], "myapi.test");
	ck_assert_str_eq(g.addr[0], "127.0.0.1");
	ck_assert_str_eq(g.name[1], "myapi.test");
	ck_assert_str_eq(g.addr[1], "10.1.2.3");
}
END_TEST

START_TEST(an_aaaa_reply_names_ipv6_addresses)
{
	struct got g;

	ck_assert_int_eq(answers(reply_aaaa, sizeof(reply_aaaa), &g), 2);
	ck_assert_str_eq(g.addr[0], "::1");
	ck_assert_str_eq(g.addr[1], "2001:db8::7");
	ck_assert_str_eq(g.name[1], "myapi.test");
}
END_TEST

START_TEST(a_cname_chain_gives_the_name_asked_for_in_lower_case)
{
	struct got g;

	ck_assert_int_eq(answers(reply_chain, sizeof(reply_chain), &g), 2);
	ck_assert_str_eq(g.name[0], "www.example.com");
	ck_assert_str_eq(g.addr[0], "192.0.2.10");
	ck_assert_str_eq(g.name[1], "www.example.com");
	ck_assert_str_eq(g.addr[1], "192.0.2.11");
}
END_TEST

START_TEST(pointers_inside_rdata_are_followed)
{
	struct got g;

	ck_assert_int_eq(answers(reply_github, sizeof(reply_github), &g), 1);
	ck_assert_str_eq(g.name[0], "www.github.com");
	ck_assert_str_eq(g.addr[0], "140.82.121.4");
}
END_TEST

/* Every cut of a reply: never more than the whole gives, never a read
 * outside it, and the records wholly inside the cut still count. */
static void check_cuts(const uint8_t *p, size_t len, int whole)
{
	struct got g;

	for (size_t n = 0; n < len; n++) {
		int r = answers(p, n, &g);
		ck_assert_int_le(r, whole);
		ck_assert(r >= 0 || r == -EINVAL);
	}
}

START_TEST(cut_replies_give_what_they_hold)
{
	struct got g;

	check_cuts(reply_a, sizeof(reply_a), 2);
	check_cuts(reply_aaaa, sizeof(reply_aaaa), 2);
	check_cuts(reply_chain, sizeof(reply_chain), 2);
	check_cuts(reply_github, sizeof(reply_github), 1);
	/* cut in the second A record: the first still names its address */
	ck_assert_int_eq(answers(reply_a, sizeof(reply_a) - 1, &g), 1);
	ck_assert_str_eq(g.addr[0], "127.0.0.1");
	ck_assert_int_eq(answers(reply_a, 12, &g), -EINVAL);
}
END_TEST

START_TEST(queries_and_other_question_counts_are_refused)
{
	uint8_t m[sizeof(reply_a)];
	struct got g;

	memcpy(m, reply_a, sizeof(m));
	m[2] &= 0x7f;   /* QR = 0: a query */
	ck_assert_int_eq(answers(m, sizeof(m), &g), -EINVAL);
	memcpy(m, reply_a, sizeof(m));
	m[5] = 2;       /* two questions */
	ck_assert_int_eq(answers(m, sizeof(m), &g), -EINVAL);
	m[5] = 0;
	ck_assert_int_eq(answers(m, sizeof(m), &g), -EINVAL);
	ck_assert_int_eq(dnsmsg_answers(NULL, 100, keep, &g), -EINVAL);
}
END_TEST

START_TEST(pointer_loops_and_wild_pointers_are_refused)
{
	uint8_t m[sizeof(reply_a)];
	struct got g;

	memcpy(m, reply_a, sizeof(m));
	m[12] = 0xc0;   /* the question's name points at itself */
	m[13] = 0x0c;
	ck_assert_int_eq(answers(m, sizeof(m), &g), -EINVAL);
	memcpy(m, reply_a, sizeof(m));
	m[12] = 63;     /* a label longer than the message */
	ck_assert_int_eq(answers(m, sizeof(m), &g), -EINVAL);
	memcpy(m, reply_a, sizeof(m));
	m[28] = 0xff;   /* the first answer's owner points past the end */
	m[29] = 0xff;
	ck_assert_int_eq(answers(m, sizeof(m), &g), 0);
	memcpy(m, reply_a, sizeof(m));
	m[28] = 0xc0;   /* the first answer's owner points at itself */
	m[29] = 28;
	ck_assert_int_eq(answers(m, sizeof(m), &g), 0);
	memcpy(m, reply_a, sizeof(m));
	m[28] = 0x40;   /* an extended label type */
	ck_assert_int_eq(answers(m, sizeof(m), &g), 0);
}
END_TEST

START_TEST(records_that_overrun_or_misfit_are_left_out)
{
	uint8_t m[sizeof(reply_a)];
	struct got g;

	memcpy(m, reply_a, sizeof(m));
	m[39] = 0xff;   /* the first A's rdlength runs past the end */
	ck_assert_int_eq(answers(m, sizeof(m), &g), 0);
	memcpy(m, reply_a, sizeof(m));
	m[7] = 9;       /* more answers announced than there are */
	ck_assert_int_eq(answers(m, sizeof(m), &g), 2);
	memcpy(m, reply_a, sizeof(m));
	m[33] = 3;      /* class CH, not IN */
	ck_assert_int_eq(answers(m, sizeof(m), &g), 1);
	ck_assert_str_eq(g.addr[0], "10.1.2.3");
}
END_TEST

START_TEST(answers_for_other_names_are_not_taken)
{
	/* Question a.test; answers: other.test A 1.1.1.1 (not asked for),
	 * CNAME loop a.test -> b.test -> a.test, b.test A 2.2.2.2. */
	static const uint8_t m[] = {
		0, 1, 0x81, 0x80, 0, 1, 0, 4, 0, 0, 0, 0,
		1, 'a', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1,
		5, 'o', 't', 'h', 'e', 'r', 0xc0, 14, 0, 1, 0, 1, 0, 0, 0, 9, 0, 4, 1, 1, 1, 1,
		0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 9, 0, 4, 1, 'b', 0xc0, 14,
		1, 'b', 0xc0, 14, 0, 5, 0, 1, 0, 0, 0, 9, 0, 2, 0xc0, 12,
		1, 'b', 0xc0, 14, 0, 1, 0, 1, 0, 0, 0, 9, 0, 4, 2, 2, 2, 2,
	};
	struct got g;

	ck_assert_int_eq(answers(m, sizeof(m), &g), 1);
	ck_assert_str_eq(g.name[0], "a.test");
	ck_assert_str_eq(g.addr[0], "2.2.2.2");
}
END_TEST

START_TEST(odd_bytes_in_names_are_shown_as_question_marks)
{
	static const uint8_t m[] = {
		0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
		4, 'a', '(', 0x1b, '.', 2, ' ', ':', 0, 0, 1, 0, 1,
		0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 9, 0, 4, 9, 9, 9, 9,
	};
	struct got g;

	ck_assert_int_eq(answers(m, sizeof(m), &g), 1);
	ck_assert_str_eq(g.name[0], "a???.??");
}
END_TEST

START_TEST(names_longer_than_dns_allows_are_refused)
{
	uint8_t m[12 + 5 * 64 + 1 + 4];
	size_t at = 12;
	struct got g;

	memset(m, 0, sizeof(m));
	m[2] = 0x81;
	m[5] = 1;
	for (int i = 0; i < 5; i++) {
		m[at] = 63;
		memset(m + at + 1, 'x', 63);
		at += 64;
	}
	ck_assert_int_eq(answers(m, sizeof(m), &g), -EINVAL);
}
END_TEST

/* Parse a hosts file's text. */
static int hosts(const char *text, struct got *g)
{
	size_t len = strlen(text);
	char *c = malloc(len ? len : 1);
	int r;

	memcpy(c, text, len);
	memset(g, 0, sizeof(*g));
	r = dnsmsg_hosts(c, len, keep, g);
	free(c);
	return r;
}

START_TEST(hosts_lines_give_their_first_name)
{
	struct got g;

	ck_assert_int_eq(hosts("# comment 1.2.3.4 no\n127.0.0.1\tlocalhost loopback\r\n"
			       "\n  ::1   ip6-localhost ip6-loopback # the same\n"
			       "127.0.0.2 MyHosts.Test\n999.1.1.1 bad\n10.0.0.1\n"
			       "10.0.0.2#x y\nfe80::1%eth0 scoped\n10.0.0.3 last", &g), 4);
	ck_assert_str_eq(g.addr[0], "127.0.0.1");
	ck_assert_str_eq(g.name[0], "localhost");
	ck_assert_str_eq(g.addr[1], "::1");
	ck_assert_str_eq(g.name[1], "ip6-localhost");
	ck_assert_str_eq(g.name[2], "myhosts.test");
	ck_assert_str_eq(g.addr[3], "10.0.0.3");
	ck_assert_str_eq(g.name[3], "last");
	ck_assert_int_eq(hosts("", &g), 0);
	ck_assert_int_eq(dnsmsg_hosts(NULL, 10, keep, &g), 0);
}
END_TEST

/* The suite. */
static Suite *dnsmsg_suite(void)
{
	Suite *s = suite_create("dnsmsg");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, a_reply_names_its_addresses);
	tcase_add_test(tc, an_aaaa_reply_names_ipv6_addresses);
	tcase_add_test(tc, a_cname_chain_gives_the_name_asked_for_in_lower_case);
	tcase_add_test(tc, pointers_inside_rdata_are_followed);
	tcase_add_test(tc, cut_replies_give_what_they_hold);
	tcase_add_test(tc, queries_and_other_question_counts_are_refused);
	tcase_add_test(tc, pointer_loops_and_wild_pointers_are_refused);
	tcase_add_test(tc, records_that_overrun_or_misfit_are_left_out);
	tcase_add_test(tc, answers_for_other_names_are_not_taken);
	tcase_add_test(tc, odd_bytes_in_names_are_shown_as_question_marks);
	tcase_add_test(tc, names_longer_than_dns_allows_are_refused);
	tcase_add_test(tc, hosts_lines_give_their_first_name);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite; exit status is non-zero on any failure. */
int main(void)
{
	SRunner *sr = srunner_create(dnsmsg_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
