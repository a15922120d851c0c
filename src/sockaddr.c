/*
 * sockaddr.c - turn raw sockaddr bytes from a tracee into readable text.
 *
 * Formats AF_INET, AF_INET6, AF_UNIX, AF_NETLINK and AF_UNSPEC addresses and
 * answers loopback/port questions.  The bytes and their length come from
 * another process and are hostile: this file must never read beyond len,
 * never dereference sa with a struct type (it memcpy's into aligned locals),
 * never emit raw non-printable bytes and never overflow out.
 */
#include "config.h"

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "sockaddr.h"

/* Bytes that must be present before an address can be printed. */
#define INET_MIN_LEN (offsetof(struct sockaddr_in, sin_addr) + sizeof(struct in_addr))
#define INET6_MIN_LEN (offsetof(struct sockaddr_in6, sin6_scope_id))
#define UNIX_PATH_OFF (offsetof(struct sockaddr_un, sun_path))
#define NETLINK_MIN_LEN (sizeof(struct sockaddr_nl))
#define UNIX_PATH_MAX_LEN (sizeof(((struct sockaddr_un *)NULL)->sun_path))

/* A bounded, always NUL-terminated output buffer. */
struct text {
	char *buf;
	size_t len;
	size_t cap;
};

/* Append n bytes to t, dropping whatever does not fit. */
static void text_add(struct text *t, const char *s, size_t n)
{
	size_t room;

	if (t->cap == 0)
		return;
	room = t->cap - 1 - t->len;
	if (n > room)
		n = room;
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

/* Append NUL-terminated s to t. */
static void text_puts(struct text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

/* Append printf-formatted text to t, truncating if needed. */
__attribute__((format(printf, 2, 3)))
static void text_printf(struct text *t, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		text_add(t, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Append byte c, escaping backslash and anything not printable ASCII. */
static void text_put_safe(struct text *t, unsigned char c)
{
	if (c == '\\')
		text_add(t, "\\\\", 2);
	else if (c >= 0x20 && c < 0x7f)
		text_add(t, (const char *)&c, 1);
	else
		text_printf(t, "\\x%02x", c);
}

/* Read the family field, which needs no alignment. */
static int read_family(const void *sa)
{
	sa_family_t fam;

	memcpy(&fam, sa, sizeof fam);
	return fam;
}

/* Copy min(len, size) bytes of sa into a zeroed local of the given size. */
static void copy_in(void *dst, size_t size, const void *sa, size_t len)
{
	memset(dst, 0, size);
	memcpy(dst, sa, len < size ? len : size);
}

/* Format an AF_INET address as a.b.c.d:port. */
static void format_inet(struct text *t, const void *sa, size_t len)
{
	struct sockaddr_in sin;
	char addr[INET_ADDRSTRLEN];

	copy_in(&sin, sizeof sin, sa, len);
	inet_ntop(AF_INET, &sin.sin_addr, addr, sizeof addr);
	text_printf(t, "%s:%u", addr, (unsigned)ntohs(sin.sin_port));
}

/* Format an AF_INET6 address as [addr%scope]:port. */
static void format_inet6(struct text *t, const void *sa, size_t len)
{
	struct sockaddr_in6 sin6;
	char addr[INET6_ADDRSTRLEN];

	copy_in(&sin6, sizeof sin6, sa, len);
	inet_ntop(AF_INET6, &sin6.sin6_addr, addr, sizeof addr);
	text_printf(t, "[%s", addr);
	if (len >= sizeof sin6 && sin6.sin6_scope_id != 0)
		text_printf(t, "%%%u", (unsigned)sin6.sin6_scope_id);
	text_printf(t, "]:%u", (unsigned)ntohs(sin6.sin6_port));
}

/* Format an AF_UNIX address: path, @abstract or unnamed. */
static void format_unix(struct text *t, const void *sa, size_t len)
{
	const unsigned char *path = (const unsigned char *)sa + UNIX_PATH_OFF;
	size_t n = len - UNIX_PATH_OFF;

	if (n > UNIX_PATH_MAX_LEN)
		n = UNIX_PATH_MAX_LEN;
	if (n == 0) {
		text_puts(t, "unnamed");
		return;
	}
	if (path[0] == '\0')
		text_puts(t, "@");
	else
		n = strnlen((const char *)path, n);
	for (size_t i = path[0] == '\0' ? 1 : 0; i < n; i++)
		text_put_safe(t, path[i]);
}

/* Format an AF_NETLINK address as netlink:pid=N,groups=N. */
static void format_netlink(struct text *t, const void *sa, size_t len)
{
	struct sockaddr_nl snl;

	copy_in(&snl, sizeof snl, sa, len);
	text_printf(t, "netlink:pid=%u,groups=%u", (unsigned)snl.nl_pid,
		    (unsigned)snl.nl_groups);
}

/* Bytes family fam needs before it can be formatted (0: any length). */
static size_t min_len(int fam)
{
	switch (fam) {
	case AF_INET: return INET_MIN_LEN;
	case AF_INET6: return INET6_MIN_LEN;
	case AF_UNIX: return UNIX_PATH_OFF;
	case AF_NETLINK: return NETLINK_MIN_LEN;
	}
	return 0;
}

/* Format sa[0..len) (len already holds the family) for family fam. */
static void format_family(struct text *t, int fam, const void *sa, size_t len)
{
	if (len < min_len(fam)) {
		text_printf(t, "family %d (truncated)", fam);
		return;
	}
	switch (fam) {
	case AF_INET: format_inet(t, sa, len); break;
	case AF_INET6: format_inet6(t, sa, len); break;
	case AF_UNIX: format_unix(t, sa, len); break;
	case AF_NETLINK: format_netlink(t, sa, len); break;
	case AF_UNSPEC: text_puts(t, "unspec"); break;
	default: text_printf(t, "family %d", fam); break;
	}
}

/* Write a readable form of sa[0..len) to out; return the family or -1. */
int sockaddr_format(const void *sa, size_t len, char *out, size_t outlen)
{
	struct text t = { out, 0, outlen };
	int fam;

	if (outlen > 0)
		out[0] = '\0';
	if (sa == NULL || len < sizeof(sa_family_t)) {
		text_puts(&t, sa ? "(too short)" : "NULL");
		return -1;
	}
	fam = read_family(sa);
	format_family(&t, fam, sa, len);
	return fam;
}

/* Family of sa if len holds a printable address of family fam, else -1. */
static int family_if_complete(const void *sa, size_t len)
{
	int fam;

	if (sa == NULL || len < sizeof(sa_family_t))
		return -1;
	fam = read_family(sa);
	if ((fam != AF_INET && fam != AF_INET6) || len < min_len(fam))
		return -1;
	return fam;
}

/* True for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104. */
bool sockaddr_is_loopback(const void *sa, size_t len)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	const uint8_t *b = sin6.sin6_addr.s6_addr;

	switch (family_if_complete(sa, len)) {
	case AF_INET:
		copy_in(&sin, sizeof sin, sa, len);
		return (ntohl(sin.sin_addr.s_addr) >> 24) == 127;
	case AF_INET6:
		copy_in(&sin6, sizeof sin6, sa, len);
		return IN6_IS_ADDR_LOOPBACK(&sin6.sin6_addr) ||
		       (IN6_IS_ADDR_V4MAPPED(&sin6.sin6_addr) && b[12] == 127);
	}
	return false;
}

/* The AF_INET/AF_INET6 port in host order, or -1. */
int sockaddr_port(const void *sa, size_t len)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	switch (family_if_complete(sa, len)) {
	case AF_INET:
		copy_in(&sin, sizeof sin, sa, len);
		return ntohs(sin.sin_port);
	case AF_INET6:
		copy_in(&sin6, sizeof sin6, sa, len);
		return ntohs(sin6.sin6_port);
	}
	return -1;
}
