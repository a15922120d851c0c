/* fuzz_dnsmsg.c - libFuzzer harness for dnsmsg_answers and dnsmsg_hosts.
 *
 * The input is a DNS reply (or hosts-file text) as a traced program could
 * receive or read it, copied to a block of exactly its size, so ASan sees
 * any read past the end.  Checked promises: every name reported is
 * NUL-terminated within DNSMSG_NAME_MAX, has no byte that could pass for
 * a peer text's punctuation or a control character, the family is
 * AF_INET or AF_INET6; dnsmsg_answers returns -EINVAL or the number of
 * calls it made, never more than the answers the header announces;
 * dnsmsg_hosts returns the number of calls.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dnsmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Report a broken promise, then crash. */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_dnsmsg: %s\n", what);
	abort();
}

/* dnsmsg_fn: check one name and address; count it. */
static void check(void *ctx, const char *name, int family, const uint8_t *addr)
{
	size_t n = strnlen(name, DNSMSG_NAME_MAX);

	if (n == DNSMSG_NAME_MAX || !n)
		fail("name empty or not NUL-terminated within DNSMSG_NAME_MAX");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] <= 0x20 || (unsigned char)name[i] >= 0x7f ||
		    strchr("():[]\"\\", name[i]))
			fail("name has a control, space or punctuation byte");
	if (family != AF_INET && family != AF_INET6)
		fail("family is neither AF_INET nor AF_INET6");
	(void)addr[family == AF_INET ? 3 : 15];
	++*(int *)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	int calls = 0, r;

	memcpy(copy, data, size);
	r = dnsmsg_answers(copy, size, check, &calls);
	if (r != -EINVAL && r != calls)
		fail("dnsmsg_answers returned another count than its calls");
	if (r > 0 && (size < 8 || r > (copy[6] << 8 | copy[7])))
		fail("more answers than the header announces");
	calls = 0;
	if (dnsmsg_hosts((const char *)copy, size, check, &calls) != calls)
		fail("dnsmsg_hosts returned another count than its calls");
	free(copy);
	return 0;
}
