/*
 * check_sockaddr.c - Check suite for src/sockaddr.c.
 *
 * Every address is copied into a heap block of exactly len bytes at an odd
 * address, so ASan catches any read past len and UBSan any misaligned
 * access.  Covers each family, every truncated length from 0 to the full
 * struct size, escaping of unix paths, output truncation, loopback and port.
 * It must never depend on the host's network configuration.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "sockaddr.h"

#define OUT_SIZE 512

/* Copy sa[0..len) to an exact-size, odd-aligned heap block; free via base. */
static unsigned char *exact_copy(const void *sa, size_t len, void **base)
{
	unsigned char *p = malloc(len + 1);

	ck_assert_ptr_nonnull(p);
	*base = p;
	if (len)
		memcpy(p + 1, sa, len);
	return p + 1;
}

/* sockaddr_format on an exact copy of sa[0..len); text goes to out. */
static int format_exact(const void *sa, size_t len, char *out)
{
	void *base;
	unsigned char *p = exact_copy(sa, len, &base);
	int fam = sockaddr_format(p, len, out, OUT_SIZE);

	free(base);
	return fam;
}

/* sockaddr_is_loopback on an exact copy of sa[0..len). */
static bool loopback_exact(const void *sa, size_t len)
{
	void *base;
	unsigned char *p = exact_copy(sa, len, &base);
	bool r = sockaddr_is_loopback(p, len);

	free(base);
	return r;
}

/* sockaddr_port on an exact copy of sa[0..len). */
static int port_exact(const void *sa, size_t len)
{
	void *base;
	unsigned char *p = exact_copy(sa, len, &base);
	int r = sockaddr_port(p, len);

	free(base);
	return r;
}

/* Assert that formatting sa[0..len) returns fam and the text want. */
static void expect(const void *sa, size_t len, int fam, const char *want)
{
	char out[OUT_SIZE];

	ck_assert_int_eq(format_exact(sa, len, out), fam);
	ck_assert_str_eq(out, want);
}

/* Build an AF_INET address from dotted text and port. */
static struct sockaddr_in make_in(const char *addr, unsigned port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	ck_assert_int_eq(inet_pton(AF_INET, addr, &sin.sin_addr), 1);
	return sin;
}

/* Build an AF_INET6 address from text, port and scope id. */
static struct sockaddr_in6 make_in6(const char *addr, unsigned port, unsigned scope)
{
	struct sockaddr_in6 sin6;

	memset(&sin6, 0, sizeof sin6);
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons((uint16_t)port);
	sin6.sin6_scope_id = scope;
	ck_assert_int_eq(inet_pton(AF_INET6, addr, &sin6.sin6_addr), 1);
	return sin6;
}

/* Build an AF_UNIX address holding n bytes of path; return its length. */
static size_t make_un(struct sockaddr_un *sun, const char *path, size_t n)
{
	memset(sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, n);
	return offsetof(struct sockaddr_un, sun_path) + n;
}

/* Assert out is NUL-terminated within OUT_SIZE and printable ASCII only. */
static void assert_printable(const char *out)
{
	size_t n = strnlen(out, OUT_SIZE);

	ck_assert_uint_lt(n, OUT_SIZE);
	for (size_t i = 0; i < n; i++)
		if (out[i] < 0x20 || out[i] > 0x7e)
			ck_abort_msg("non-printable byte at %zu", i);
}

/* Lengths that cannot hold a family return -1. */
START_TEST(test_too_short)
{
	unsigned char b[2] = { AF_INET, 0 };

	expect(b, 0, -1, "(too short)");
	expect(b, 1, -1, "(too short)");
	ck_assert_int_eq(sockaddr_format(NULL, 16, NULL, 0), -1);
}
END_TEST

/* AF_INET addresses print as a.b.c.d:port from 8 bytes on. */
START_TEST(test_inet)
{
	struct sockaddr_in sin = make_in("93.184.216.34", 443);

	expect(&sin, sizeof sin, AF_INET, "93.184.216.34:443");
	expect(&sin, 8, AF_INET, "93.184.216.34:443");
	sin = make_in("0.0.0.0", 0);
	expect(&sin, sizeof sin, AF_INET, "0.0.0.0:0");
	sin = make_in("255.255.255.255", 65535);
	expect(&sin, sizeof sin, AF_INET, "255.255.255.255:65535");
}
END_TEST

/* Every AF_INET length from 0 to the full size is safe. */
START_TEST(test_inet_truncated)
{
	struct sockaddr_in sin = make_in("10.1.2.3", 80);

	for (size_t len = 0; len <= sizeof sin; len++) {
		char out[OUT_SIZE];
		int fam = format_exact(&sin, len, out);

		assert_printable(out);
		if (len < 2)
			ck_assert_int_eq(fam, -1);
		else if (len < 8)
			ck_assert_str_eq(out, "family 2 (truncated)");
		else
			ck_assert_str_eq(out, "10.1.2.3:80");
		ck_assert_int_eq(fam, len < 2 ? -1 : AF_INET);
		ck_assert_int_eq(port_exact(&sin, len), len < 8 ? -1 : 80);
	}
}
END_TEST

/* AF_INET6 addresses, v4-mapped, scope ids and the RFC 2133 size. */
START_TEST(test_inet6)
{
	struct sockaddr_in6 s6 = make_in6("2001:db8::1", 443, 0);

	expect(&s6, sizeof s6, AF_INET6, "[2001:db8::1]:443");
	s6 = make_in6("::ffff:1.2.3.4", 80, 0);
	expect(&s6, sizeof s6, AF_INET6, "[::ffff:1.2.3.4]:80");
	s6 = make_in6("fe80::1", 80, 2);
	expect(&s6, sizeof s6, AF_INET6, "[fe80::1%2]:80");
	expect(&s6, sizeof s6 - 4, AF_INET6, "[fe80::1]:80");	/* RFC 2133 size */
	s6 = make_in6("::", 0, 0);
	expect(&s6, sizeof s6, AF_INET6, "[::]:0");
	s6 = make_in6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535, 4294967295u);
	expect(&s6, sizeof s6, AF_INET6,
	       "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%4294967295]:65535");
}
END_TEST

/* Every AF_INET6 length from 0 to the full size is safe. */
START_TEST(test_inet6_truncated)
{
	struct sockaddr_in6 s6 = make_in6("fe80::1", 8080, 3);

	for (size_t len = 0; len <= sizeof s6; len++) {
		char out[OUT_SIZE];
		int fam = format_exact(&s6, len, out);

		assert_printable(out);
		ck_assert_int_eq(fam, len < 2 ? -1 : AF_INET6);
		if (len >= 2 && len < 24)
			ck_assert_str_eq(out, "family 10 (truncated)");
		else if (len >= 24 && len < sizeof s6)
			ck_assert_str_eq(out, "[fe80::1]:8080");
		ck_assert_int_eq(port_exact(&s6, len), len < 24 ? -1 : 8080);
		ck_assert(!loopback_exact(&s6, len));
	}
	expect(&s6, sizeof s6, AF_INET6, "[fe80::1%3]:8080");
}
END_TEST

/* Pathnames stop at NUL or len and escape unsafe bytes. */
START_TEST(test_unix_path)
{
	struct sockaddr_un sun;
	size_t len = make_un(&sun, "/run/x.sock", 12);	/* with the NUL */

	expect(&sun, len, AF_UNIX, "/run/x.sock");
	expect(&sun, len - 1, AF_UNIX, "/run/x.sock");	/* without it */
	expect(&sun, sizeof sun, AF_UNIX, "/run/x.sock");	/* padded */
	expect(&sun, len - 6, AF_UNIX, "/run/x");		/* cut short */
	len = make_un(&sun, "/tmp/a\x1b[2J\xff\\b", 13);
	expect(&sun, len, AF_UNIX, "/tmp/a\\x1b[2J\\xff\\\\b");
}
END_TEST

/* Abstract names print as @name with NULs and controls escaped. */
START_TEST(test_unix_abstract)
{
	struct sockaddr_un sun;
	size_t len = make_un(&sun, "\0name", 5);

	expect(&sun, len, AF_UNIX, "@name");
	len = make_un(&sun, "\0a\0b\0", 5);
	expect(&sun, len, AF_UNIX, "@a\\x00b\\x00");
	len = make_un(&sun, "\0\x01\x7f\x80 ", 5);
	expect(&sun, len, AF_UNIX, "@\\x01\\x7f\\x80 ");
	len = make_un(&sun, "", 1);
	expect(&sun, len, AF_UNIX, "@");
}
END_TEST

/* Unnamed sockets, and paths capped at sun_path without a NUL. */
START_TEST(test_unix_unnamed_and_long)
{
	struct sockaddr_un sun;
	struct sockaddr_storage ss;
	char want[sizeof sun.sun_path + 1];
	size_t len = make_un(&sun, "", 0);

	expect(&sun, len, AF_UNIX, "unnamed");
	memset(want, 'p', sizeof want - 1);
	want[sizeof want - 1] = '\0';
	len = make_un(&sun, want, sizeof sun.sun_path);	/* no NUL at all */
	expect(&sun, len, AF_UNIX, want);
	memset(&ss, 'p', sizeof ss);
	ss.ss_family = AF_UNIX;
	expect(&ss, sizeof ss, AF_UNIX, want);	/* capped at sun_path */
	ck_assert_int_eq(port_exact(&sun, len), -1);
	ck_assert(!loopback_exact(&sun, len));
}
END_TEST

/* Every AF_UNIX length from 0 to the full size is safe. */
START_TEST(test_unix_truncated)
{
	struct sockaddr_un sun;
	size_t full = make_un(&sun, "\0abstract\x01", 10);

	for (size_t len = 0; len <= sizeof sun; len++) {
		char out[OUT_SIZE];
		int fam = format_exact(&sun, len, out);

		assert_printable(out);
		ck_assert_int_eq(fam, len < 2 ? -1 : AF_UNIX);
		if (len == 2)
			ck_assert_str_eq(out, "unnamed");
		else if (len == full)
			ck_assert_str_eq(out, "@abstract\\x01");
		else if (len > 2)
			ck_assert(out[0] == '@');
	}
}
END_TEST

/* AF_NETLINK prints pid and groups, or truncated when short. */
START_TEST(test_netlink)
{
	struct sockaddr_nl snl;

	memset(&snl, 0, sizeof snl);
	snl.nl_family = AF_NETLINK;
	snl.nl_pid = 1234;
	snl.nl_groups = 5;
	expect(&snl, sizeof snl, AF_NETLINK, "netlink:pid=1234,groups=5");
	for (size_t len = 2; len < sizeof snl; len++)
		expect(&snl, len, AF_NETLINK, "family 16 (truncated)");
	snl.nl_pid = 4294967295u;
	snl.nl_groups = 0;
	expect(&snl, sizeof snl, AF_NETLINK, "netlink:pid=4294967295,groups=0");
	ck_assert_int_eq(port_exact(&snl, sizeof snl), -1);
}
END_TEST

/* AF_UNSPEC and unknown families. */
START_TEST(test_other_families)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof ss);
	ss.ss_family = AF_UNSPEC;
	expect(&ss, 2, AF_UNSPEC, "unspec");
	expect(&ss, sizeof ss, AF_UNSPEC, "unspec");
	ss.ss_family = AF_PACKET;
	expect(&ss, sizeof ss, AF_PACKET, "family 17");
	expect(&ss, 2, AF_PACKET, "family 17");
	ss.ss_family = 65535;
	expect(&ss, 2, 65535, "family 65535");
}
END_TEST

/* Output is cut to outlen and always NUL-terminated. */
START_TEST(test_output_truncation)
{
	struct sockaddr_in sin = make_in("93.184.216.34", 443);
	char out[8];

	memset(out, 'X', sizeof out);
	ck_assert_int_eq(sockaddr_format(&sin, sizeof sin, out, 5), AF_INET);
	ck_assert_str_eq(out, "93.1");
	ck_assert_int_eq(out[5], 'X');
	ck_assert_int_eq(sockaddr_format(&sin, sizeof sin, out, 1), AF_INET);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(sockaddr_format(&sin, sizeof sin, NULL, 0), AF_INET);
}
END_TEST

/* Loopback detection for IPv4, IPv6 and v4-mapped addresses. */
START_TEST(test_loopback)
{
	struct sockaddr_in sin = make_in("127.0.0.1", 1);
	struct sockaddr_in6 s6 = make_in6("::1", 1, 0);

	ck_assert(loopback_exact(&sin, sizeof sin));
	ck_assert(loopback_exact(&sin, 8));
	ck_assert(!loopback_exact(&sin, 7));
	sin = make_in("127.255.3.4", 1);
	ck_assert(loopback_exact(&sin, sizeof sin));
	sin = make_in("128.0.0.1", 1);
	ck_assert(!loopback_exact(&sin, sizeof sin));
	sin = make_in("10.127.0.1", 1);
	ck_assert(!loopback_exact(&sin, sizeof sin));
	ck_assert(loopback_exact(&s6, sizeof s6));
	s6 = make_in6("::ffff:127.0.0.5", 1, 0);
	ck_assert(loopback_exact(&s6, sizeof s6));
	s6 = make_in6("::ffff:10.0.0.1", 1, 0);
	ck_assert(!loopback_exact(&s6, sizeof s6));
	s6 = make_in6("::2", 1, 0);
	ck_assert(!loopback_exact(&s6, sizeof s6));
	s6 = make_in6("::127.0.0.1", 1, 0);	/* deprecated v4-compatible */
	ck_assert(!loopback_exact(&s6, sizeof s6));
	ck_assert(!sockaddr_is_loopback(NULL, 16));
	ck_assert(!loopback_exact(&sin, 0));
}
END_TEST

/* Ports for inet families; -1 otherwise. */
START_TEST(test_port)
{
	struct sockaddr_in sin = make_in("1.2.3.4", 65535);
	struct sockaddr_in6 s6 = make_in6("::1", 0, 0);
	unsigned char fam_only[2];

	ck_assert_int_eq(port_exact(&sin, sizeof sin), 65535);
	ck_assert_int_eq(port_exact(&s6, sizeof s6), 0);
	ck_assert_int_eq(port_exact(&sin, 1), -1);
	ck_assert_int_eq(sockaddr_port(NULL, 16), -1);
	memcpy(fam_only, &sin, 2);
	ck_assert_int_eq(port_exact(fam_only, 2), -1);
}
END_TEST

/* Build the sockaddr suite. */
static Suite *sockaddr_suite(void)
{
	Suite *s = suite_create("sockaddr");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_too_short);
	tcase_add_test(tc, test_inet);
	tcase_add_test(tc, test_inet_truncated);
	tcase_add_test(tc, test_inet6);
	tcase_add_test(tc, test_inet6_truncated);
	tcase_add_test(tc, test_unix_path);
	tcase_add_test(tc, test_unix_abstract);
	tcase_add_test(tc, test_unix_unnamed_and_long);
	tcase_add_test(tc, test_unix_truncated);
	tcase_add_test(tc, test_netlink);
	tcase_add_test(tc, test_other_families);
	tcase_add_test(tc, test_output_truncation);
	tcase_add_test(tc, test_loopback);
	tcase_add_test(tc, test_port);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite; exit status is non-zero on any failure. */
int main(void)
{
	SRunner *sr = srunner_create(sockaddr_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
