/* fuzz_sockaddr.c - libFuzzer harness for sockaddr_format, _port, _is_loopback.
 *
 * The input is a raw socket address as a tracee could hand it over, at an
 * odd address and ending exactly where the allocation ends, so ASan sees any
 * read past len.  Output buffers are allocated at their exact size.  Checked
 * promises: the text is NUL-terminated inside outlen, printable ASCII only,
 * a shorter buffer gets a prefix of the full text, the return value is the
 * family; AF_INET text, ports and loopback answers match a reading of the
 * bytes done here by offset, independently of src/sockaddr.c.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sockaddr.h"

#define FULL 512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Report a broken promise, then crash. */
static void fail(const char *what, const char *text)
{
	fprintf(stderr, "fuzz_sockaddr: %s: \"%s\"\n", what, text ? text : "");
	abort();
}

/* The family as the tracee wrote it (host order, like sa_family_t). */
static int family_of(const uint8_t *d, size_t n)
{
	uint16_t fam;

	if (n < sizeof(fam))
		return -1;
	memcpy(&fam, d, sizeof(fam));
	return fam;
}

/* Format into an exact-size buffer of outlen and check the text. */
static char *format_checked(const void *sa, size_t len, size_t outlen, int fam)
{
	char *out = outlen ? malloc(outlen) : NULL;
	int r = sockaddr_format(sa, len, out, outlen);

	if (r != fam)
		fail("return value is not the family", out);
	if (!outlen)
		return NULL;
	if (!memchr(out, '\0', outlen))
		fail("text not NUL-terminated inside outlen", NULL);
	for (const char *c = out; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			fail("non-printable byte in the text", out);
	return out;
}

/* Port and loopback answers read straight from the bytes. */
static void check_inet_answers(const uint8_t *d, size_t n, int fam)
{
	static const uint8_t v6_lo[16] = { [15] = 1 };
	static const uint8_t v4_mapped[12] = { [10] = 0xff, [11] = 0xff };
	int want_port = -1;
	bool want_lo = false;

	if (fam == AF_INET && n >= 8) {
		want_port = d[2] << 8 | d[3];
		want_lo = d[4] == 127;
	} else if (fam == AF_INET6 && n >= 24) {
		want_port = d[2] << 8 | d[3];
		want_lo = !memcmp(d + 8, v6_lo, 16) ||
			  (!memcmp(d + 8, v4_mapped, 12) && d[20] == 127);
	}
	if (sockaddr_port(d, n) != want_port)
		fail("sockaddr_port disagrees with the bytes", NULL);
	if (sockaddr_is_loopback(d, n) != want_lo)
		fail("sockaddr_is_loopback disagrees with the bytes", NULL);
}

/* AF_INET text must be a.b.c.d:port. */
static void check_inet_text(const uint8_t *d, size_t n, const char *text)
{
	char want[32];

	if (n < 8)
		return;
	snprintf(want, sizeof(want), "%u.%u.%u.%u:%u", d[4], d[5], d[6], d[7],
		 (unsigned)(d[2] << 8 | d[3]));
	if (strcmp(text, want) != 0)
		fail("AF_INET text differs from the bytes", text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t outlens[] = { 1, 2, 5, 17, 64 };
	uint8_t *raw = malloc(size + 1), *sa = raw + 1;   /* odd address, exact end */
	int fam = family_of(data, size);
	char *full, none = 'x';

	memcpy(sa, data, size);
	full = format_checked(sa, size, FULL, fam);
	for (size_t i = 0; i < sizeof(outlens) / sizeof(outlens[0]); i++) {
		char *part = format_checked(sa, size, outlens[i], fam);
		if (strncmp(full, part, strlen(part)) != 0)
			fail("truncated text is not a prefix of the full text", part);
		free(part);
	}
	if (sockaddr_format(sa, size, &none, 0) != fam || none != 'x')
		fail("outlen 0 wrote or returned wrong", NULL);
	if (fam == AF_INET)
		check_inet_text(sa, size, full);
	check_inet_answers(sa, size, fam);
	if (sockaddr_format(NULL, size, full, FULL) != -1 || sockaddr_port(NULL, size) != -1 ||
	    sockaddr_is_loopback(NULL, size))
		fail("NULL address not refused", full);
	free(full);
	free(raw);
	return 0;
}
