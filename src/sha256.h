/* sha256.h - SHA-256 (FIPS 180-4) and its base64 text, for the report's
 * Content-Security-Policy hashes.  Pure code: no system calls, no I/O. */
#ifndef COMPENDIUM_SHA256_H
#define COMPENDIUM_SHA256_H
#include <stddef.h>
#include <stdint.h>

#define SHA256_BYTES 32
#define SHA256_B64_LEN 44          /* base64 text of a digest, without NUL */

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;                /* message bytes so far */
	unsigned char buf[64];
	size_t fill;                   /* bytes waiting in buf */
};

void sha256_init(struct sha256 *c);
/* Hash n more bytes of the message. */
void sha256_update(struct sha256 *c, const void *data, size_t n);
/* Finish and write the 32-byte digest; c must be re-initialised to reuse. */
void sha256_final(struct sha256 *c, unsigned char out[SHA256_BYTES]);
/* Digest of data[0..n) as padded base64 text, NUL-terminated; returns out. */
char *sha256_base64(const void *data, size_t n, char out[SHA256_B64_LEN + 1]);
#endif
