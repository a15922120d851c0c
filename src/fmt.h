/*
 * fmt.h - small human-readable formatting helpers for the line printer:
 * byte counts, mmap protections, durations, signal and errno names, and
 * the words for how a process ended.
 *
 * These must never return NULL, never allocate, and never write more than
 * the documented buffer size.  Names for unknown values come from a
 * thread-local buffer that the next call on the same thread overwrites.
 */
#ifndef COMPENDIUM_FMT_H
#define COMPENDIUM_FMT_H

#include <stdint.h>

/* "517 B", "1.5 KB", "8.5 MB" ... (1024-based, one decimal); returns buf. */
const char *fmt_bytes(uint64_t n, char buf[static 24]);

/* "rwx"-style text for PROT_READ/WRITE/EXEC bits ("---" for none); returns buf. */
const char *fmt_prot(int prot, char buf[static 4]);

/* "950ns", "4.5us", "120us", "1.2ms", "3.40s", "2m05s", "3h07m"; returns buf. */
const char *fmt_duration(uint64_t ns, char buf[static 24]);

/* fmt_duration of a time in microseconds given as a double (clamped). */
const char *fmt_duration_us(double us, char buf[static 24]);
/* "SIGKILL", "SIGRTMIN", "SIGRT_3" ...; "SIG<n>" for unknown; never NULL. */
const char *fmt_signame(int sig);

/* How a process ended, in the words every output uses: "exit 0",
 * "killed by SIGTERM", "killed by SIGSEGV (core dumped)"; "unknown" for a
 * negative status; returns buf. */
const char *fmt_wait_status(int status, char buf[static 48]);
/* A pid as a person knows it: "1234", or "web1:1234" for a process of
 * host web1 in a replay of several recordings (its pid as its host knew
 * it, record.h); returns buf. */
#define FMT_PID_MAX 96
const char *fmt_pid(const char *host, int pid, char buf[static FMT_PID_MAX]);

/* "ENOENT", "ERESTARTSYS" ... for err or -err; "E<n>" if unknown; never NULL. */
const char *fmt_errno_name(int err);

#endif /* COMPENDIUM_FMT_H */
