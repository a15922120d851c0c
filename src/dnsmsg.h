/* dnsmsg.h - names for addresses: DNS replies and hosts files a program read.
 *
 * Both inputs are untrusted bytes copied out of a traced program (a reply
 * may be cut at the capture bound, forged or hostile): the parsers never
 * read outside [p, p + len), follow at most a bounded number of compression
 * pointers and CNAMEs, and never allocate.  Pure code.
 */
#ifndef COMPENDIUM_DNSMSG_H
#define COMPENDIUM_DNSMSG_H
#include <stddef.h>
#include <stdint.h>

#define DNSMSG_NAME_MAX 256        /* a name's text with its NUL */

/* One name for one address: family AF_INET (4 bytes at addr) or AF_INET6
 * (16 bytes); name is lower-case text without the final dot. */
typedef void dnsmsg_fn(void *ctx, const char *name, int family, const uint8_t *addr);

/* Call fn for every A and AAAA record of reply p[0..len) that answers its
 * question (owned by the question's name, or by a name a CNAME chain from
 * it reaches), with the question's name: the name the program asked for.
 * Returns how many, or -EINVAL when p is no reply with one question. */
int dnsmsg_answers(const uint8_t *p, size_t len, dnsmsg_fn *fn, void *ctx);
/* Call fn for every address line of hosts-file text p[0..len) with the
 * line's first name (its canonical one); returns how many. */
int dnsmsg_hosts(const char *p, size_t len, dnsmsg_fn *fn, void *ctx);
#endif
