/*
 * sockaddr.h - decode raw socket address bytes copied out of a tracee.
 *
 * Both the length and the content are untrusted: these functions must
 * never read beyond len bytes, never assume any alignment of sa, and never
 * write more than outlen bytes (the text is always NUL-terminated when
 * outlen > 0, and truncated if it does not fit).
 */
#ifndef COMPENDIUM_SOCKADDR_H
#define COMPENDIUM_SOCKADDR_H

#include <stdbool.h>
#include <stddef.h>

/* Write a readable form of sa[0..len) to out; return the family or -1. */
int sockaddr_format(const void *sa, size_t len, char *out, size_t outlen);

/* True for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104. */
bool sockaddr_is_loopback(const void *sa, size_t len);

/* The AF_INET/AF_INET6 port in host order, or -1. */
int sockaddr_port(const void *sa, size_t len);

#endif /* COMPENDIUM_SOCKADDR_H */
