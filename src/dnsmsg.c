/* dnsmsg.c - names for addresses: DNS replies and hosts files a program read.
 *
 * The reply parser walks the message once to collect the CNAMEs of its
 * answer section, then once more for the A and AAAA records, keeping those
 * whose owner the question's name reaches.  Every read is checked against
 * the message's end; a name may take at most NAME_HOPS compression
 * pointers, a chain at most CNAME_MAX links.  Never allocates, never reads
 * outside the bytes given.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "dnsmsg.h"

#define HDR_LEN 12
#define NAME_HOPS 16          /* compression pointers one name may follow */
#define CNAME_MAX 16          /* CNAME records looked at, and chain links */
#define T_A 1
#define T_CNAME 5
#define T_AAAA 28
#define C_IN 1

struct rd {
	const uint8_t *p;
	size_t len;
};

/* Big-endian 16 bits at off (the caller checked off + 2 <= len). */
static unsigned be16(const uint8_t *p, size_t off)
{
	return (unsigned)p[off] << 8 | p[off + 1];
}

/* A label byte as it is shown: lower case; what could be mistaken for
 * punctuation of a peer's text, or is not printable, as '?'. */
static char name_char(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return (char)(c - 'A' + 'a');
	if (c <= 0x20 || c >= 0x7f || strchr(".():[]\"\\", c))
		return '?';
	return (char)c;
}

/* Decode the name at *off into out (DNSMSG_NAME_MAX bytes, no final dot;
 * the root is "."); *off moves past it where it is in the message.
 * Returns 0, or -EINVAL for a name that leaves the message, loops, or is
 * too long. */
static int name_read(const struct rd *m, size_t *off, char *out)
{
	size_t at = *off, n = 0;
	bool jumped = false;
	int hops = 0;

	for (;;) {
		unsigned l;

		if (at >= m->len)
			return -EINVAL;
		l = m->p[at];
		if ((l & 0xc0) == 0xc0) {
			if (at + 2 > m->len || ++hops > NAME_HOPS)
				return -EINVAL;
			if (!jumped)
				*off = at + 2;
			jumped = true;
			at = be16(m->p, at) & 0x3fff;
			continue;
		}
		if (l & 0xc0)
			return -EINVAL;   /* the extended label types: none in a reply */
		if (!l)
			break;
		if (at + 1 + l > m->len || n + l + 1 >= DNSMSG_NAME_MAX)
			return -EINVAL;
		if (n)
			out[n++] = '.';
		for (unsigned i = 0; i < l; i++)
			out[n++] = name_char(m->p[at + 1 + i]);
		at += 1 + l;
	}
	if (!jumped)
		*off = at + 1;
	if (!n)
		out[n++] = '.';
	out[n] = '\0';
	return 0;
}

/* One resource record's fixed part, after its owner name. */
struct rr {
	unsigned type, cls;
	size_t data, dlen;    /* rdata's offset and length */
};

/* Read the record at *off (its owner into owner) and move past it. */
static int rr_read(const struct rd *m, size_t *off, char *owner, struct rr *r)
{
	if (name_read(m, off, owner) < 0 || *off + 10 > m->len)
		return -EINVAL;
	r->type = be16(m->p, *off);
	r->cls = be16(m->p, *off + 2);
	r->dlen = be16(m->p, *off + 8);
	r->data = *off + 10;
	if (r->data + r->dlen > m->len)
		return -EINVAL;
	*off = r->data + r->dlen;
	return 0;
}

/* The names the question reaches: itself, then CNAME targets. */
struct chain {
	char names[CNAME_MAX + 1][DNSMSG_NAME_MAX];
	int n;
};

/* Is name one of the chain's? */
static bool chain_has(const struct chain *c, const char *name)
{
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->names[i], name) == 0)
			return true;
	return false;
}

/* Follow the CNAMEs of the answer section (count records from off) from
 * the question's name, however they are ordered. */
static void chain_follow(const struct rd *m, size_t off, unsigned count, struct chain *c)
{
	char owner[DNSMSG_NAME_MAX], target[DNSMSG_NAME_MAX];
	bool grew = true;

	for (int round = 0; grew && round < CNAME_MAX && c->n <= CNAME_MAX; round++) {
		size_t at = off;
		grew = false;
		for (unsigned i = 0; i < count && c->n <= CNAME_MAX; i++) {
			struct rr r;
			size_t t;
			if (rr_read(m, &at, owner, &r) < 0)
				break;
			t = r.data;
			if (r.type != T_CNAME || r.cls != C_IN || !chain_has(c, owner) ||
			    name_read(m, &t, target) < 0 || t > r.data + r.dlen || chain_has(c, target))
				continue;
			strcpy(c->names[c->n++], target);
			grew = true;
		}
	}
}

int dnsmsg_answers(const uint8_t *p, size_t len, dnsmsg_fn *fn, void *ctx)
{
	struct rd m = { p, len };
	struct chain c = { .n = 1 };
	char owner[DNSMSG_NAME_MAX];
	size_t off = HDR_LEN;
	unsigned ancount;
	int found = 0;

	if (!p || len < HDR_LEN || !(p[2] & 0x80) || be16(p, 4) != 1)
		return -EINVAL;   /* not a reply, or not one question */
	if (name_read(&m, &off, c.names[0]) < 0 || off + 4 > len)
		return -EINVAL;
	off += 4;
	ancount = be16(p, 6);
	chain_follow(&m, off, ancount, &c);
	for (unsigned i = 0; i < ancount; i++) {
		struct rr r;
		if (rr_read(&m, &off, owner, &r) < 0)
			break;   /* cut at the capture bound: the records before count */
		if (r.cls != C_IN || !chain_has(&c, owner))
			continue;
		if (r.type == T_A && r.dlen == 4)
			fn(ctx, c.names[0], AF_INET, p + r.data);
		else if (r.type == T_AAAA && r.dlen == 16)
			fn(ctx, c.names[0], AF_INET6, p + r.data);
		else
			continue;
		found++;
	}
	return found;
}

/* The next whitespace-separated word of line [*at, end), stopping at a
 * comment; its length (0: none). */
static size_t word_next(const char *p, size_t *at, size_t end, size_t *start)
{
	size_t i = *at;

	while (i < end && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
		i++;
	*start = i;
	while (i < end && p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '#')
		i++;
	*at = i < end && p[i] == '#' ? end : i;
	return i - *start;
}

/* One hosts line [at, end): its address and first name to fn; 1 if it had them. */
static int hosts_line(const char *p, size_t at, size_t end, dnsmsg_fn *fn, void *ctx)
{
	char text[64], name[DNSMSG_NAME_MAX];
	uint8_t addr[16];
	size_t s, n = word_next(p, &at, end, &s), k;
	int fam;

	if (!n || n >= sizeof(text))
		return 0;
	memcpy(text, p + s, n);
	text[n] = '\0';
	fam = strchr(text, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(fam, text, addr) != 1)
		return 0;
	n = word_next(p, &at, end, &s);
	if (!n || n >= sizeof(name))
		return 0;
	for (k = 0; k < n; k++)
		name[k] = name_char((uint8_t)p[s + k]) == '?' && p[s + k] == '.' ? '.' :
			  name_char((uint8_t)p[s + k]);
	name[k] = '\0';
	fn(ctx, name, fam, addr);
	return 1;
}

int dnsmsg_hosts(const char *p, size_t len, dnsmsg_fn *fn, void *ctx)
{
	size_t at = 0;
	int found = 0;

	while (p && at < len) {
		const char *nl = memchr(p + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - p) : len;
		found += hosts_line(p, at, end, fn, ctx);
		at = end + 1;
	}
	return found;
}
