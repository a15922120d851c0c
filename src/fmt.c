/*
 * fmt.c - human formatting helpers used by the line printer.
 *
 * Turns byte counts, mmap protection bits, durations, signal numbers, wait
 * statuses and errno values into short text.  Everything here must stay
 * allocation-free and never return NULL; unknown signal and errno values
 * are rendered into a thread-local buffer.  Tables are written out here
 * rather than taken from strerrorname_np/sigabbrev_np so output does not
 * depend on libc.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "fmt.h"
#include "record.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *const byte_units[] = { "B", "KB", "MB", "GB", "TB", "PB", "EB" };

/* round(n / 2^shift * 10), without overflow for any n and shift <= 60. */
static uint64_t scaled_tenths(uint64_t n, unsigned shift)
{
	uint64_t unit = UINT64_C(1) << shift;

	return (n >> shift) * 10 + (((n & (unit - 1)) * 10 + unit / 2) >> shift);
}

/* "0 B", "517 B", "1.0 KB", "1.5 KB", "8.5 MB" ... (1024-based); returns buf. */
/* Append the decimal digits of u at p; returns the end. */
static char *put_u(char *p, uint64_t u)
{
	char d[20];
	int n = 0;

	do {
		d[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (n)
		*p++ = d[--n];
	return p;
}

const char *fmt_bytes(uint64_t n, char buf[static 24])
{
	unsigned u = 0;
	uint64_t tenths;
	char *p;

	if (n >= 1024) {
		u = 1;
		while (u + 1 < ARRAY_LEN(byte_units) && n >> (10 * (u + 1)) != 0)
			u++;
		tenths = scaled_tenths(n, 10 * u);
		if (tenths >= 10240 && u + 1 < ARRAY_LEN(byte_units))
			tenths = scaled_tenths(n, 10 * ++u);
		p = put_u(buf, tenths / 10);
		*p++ = '.';
		*p++ = (char)('0' + tenths % 10);
	} else {
		p = put_u(buf, n);
	}
	*p++ = ' ';
	strcpy(p, byte_units[u]);   /* (the longest: "1023.9 KB") */
	return buf;
}

/* "rwx"-style text for PROT_READ/WRITE/EXEC bits ("---" for none); returns buf. */
const char *fmt_prot(int prot, char buf[static 4])
{
	buf[0] = (prot & PROT_READ) ? 'r' : '-';
	buf[1] = (prot & PROT_WRITE) ? 'w' : '-';
	buf[2] = (prot & PROT_EXEC) ? 'x' : '-';
	buf[3] = '\0';
	return buf;
}

/* ns in unit with one decimal below 10 units, whole units above; returns buf. */
static const char *scaled_duration(char *buf, uint64_t ns, uint64_t unit,
				   const char *suffix)
{
	uint64_t tenths = (ns * 10 + unit / 2) / unit;

	if (tenths < 100)
		snprintf(buf, 24, "%u.%u%s", (unsigned)(tenths / 10),
			 (unsigned)(tenths % 10), suffix);
	else
		snprintf(buf, 24, "%" PRIu64 "%s", (ns + unit / 2) / unit, suffix);
	return buf;
}

/* "1m40s", "3h07m" or "12d05h" for s >= 100 seconds; returns buf. */
static const char *long_duration(char *buf, uint64_t s)
{
	uint64_t m = (s + 30) / 60, h = (s + 1800) / 3600;

	if (s < 3600)
		snprintf(buf, 24, "%um%02us", (unsigned)(s / 60), (unsigned)(s % 60));
	else if (m < 100 * 60)
		snprintf(buf, 24, "%uh%02um", (unsigned)(m / 60), (unsigned)(m % 60));
	else
		snprintf(buf, 24, "%" PRIu64 "d%02uh", h / 24, (unsigned)(h % 24));
	return buf;
}

/* "950ns", "4.5us", "120us", "1.2ms", "3.40s", "2m05s", "3h07m"; returns buf. */
const char *fmt_duration(uint64_t ns, char buf[static 24])
{
	uint64_t cs;

	if (ns < 1000) {
		snprintf(buf, 24, "%uns", (unsigned)ns);
		return buf;
	}
	if (ns < UINT64_C(999500))
		return scaled_duration(buf, ns, 1000, "us");
	if (ns < UINT64_C(999500000))
		return scaled_duration(buf, ns, 1000000, "ms");
	if (ns < UINT64_C(99995000000)) {
		cs = (ns + 5000000) / 10000000;
		snprintf(buf, 24, "%u.%02us", (unsigned)(cs / 100), (unsigned)(cs % 100));
		return buf;
	}
	return long_duration(buf, ns / 1000000000 + (ns % 1000000000 >= 500000000));
}

/* Signal names indexed by number; 32..64 follow strace's SIGRT_N naming. */
static const char *const signal_names[] = {
	[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL", [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE", [SIGKILL] = "SIGKILL",
	[SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
	[SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",
	[SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP", [SIGTTIN] = "SIGTTIN",
	[SIGTTOU] = "SIGTTOU", [SIGURG] = "SIGURG", [SIGXCPU] = "SIGXCPU",
	[SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
	[SIGWINCH] = "SIGWINCH", [SIGIO] = "SIGIO", [SIGPWR] = "SIGPWR",
	[SIGSYS] = "SIGSYS",
	[32] = "SIGRTMIN", "SIGRT_1", "SIGRT_2", "SIGRT_3", "SIGRT_4",
	"SIGRT_5", "SIGRT_6", "SIGRT_7", "SIGRT_8", "SIGRT_9", "SIGRT_10",
	"SIGRT_11", "SIGRT_12", "SIGRT_13", "SIGRT_14", "SIGRT_15", "SIGRT_16",
	"SIGRT_17", "SIGRT_18", "SIGRT_19", "SIGRT_20", "SIGRT_21", "SIGRT_22",
	"SIGRT_23", "SIGRT_24", "SIGRT_25", "SIGRT_26", "SIGRT_27", "SIGRT_28",
	"SIGRT_29", "SIGRT_30", "SIGRT_31", "SIGRT_32",
};

/* Render prefix and n into a thread-local buffer (for unknown values). */
static const char *unknown_name(const char *prefix, int n)
{
	static __thread char buf[24];

	snprintf(buf, sizeof buf, "%s%d", prefix, n);
	return buf;
}

/* "SIGKILL", "SIGRTMIN", "SIGRT_3" ...; "SIG<n>" for unknown; never NULL. */
const char *fmt_signame(int sig)
{
	if (sig > 0 && (unsigned)sig < ARRAY_LEN(signal_names) && signal_names[sig])
		return signal_names[sig];
	return unknown_name("SIG", sig);
}

/* "exit 0", "killed by SIGTERM", "killed by SIGSEGV (core dumped)"; returns buf. */
const char *fmt_wait_status(int status, char buf[static 48])
{
	if (status < 0)
		snprintf(buf, 48, "unknown");
	else if (WIFSIGNALED(status))
		snprintf(buf, 48, "killed by %s%s", fmt_signame(WTERMSIG(status)),
			 WCOREDUMP(status) ? " (core dumped)" : "");
	else if (WIFEXITED(status))
		snprintf(buf, 48, "exit %d", WEXITSTATUS(status));
	else
		snprintf(buf, 48, "wait status 0x%x", (unsigned)status);
	return buf;
}

/* Userspace-visible errno names from asm-generic/errno{,-base}.h. */
static const char *const errno_names[] = {
	[EPERM] = "EPERM",
	[ENOENT] = "ENOENT",
	[ESRCH] = "ESRCH",
	[EINTR] = "EINTR",
	[EIO] = "EIO",
	[ENXIO] = "ENXIO",
	[E2BIG] = "E2BIG",
	[ENOEXEC] = "ENOEXEC",
	[EBADF] = "EBADF",
	[ECHILD] = "ECHILD",
	[EAGAIN] = "EAGAIN",
	[ENOMEM] = "ENOMEM",
	[EACCES] = "EACCES",
	[EFAULT] = "EFAULT",
	[ENOTBLK] = "ENOTBLK",
	[EBUSY] = "EBUSY",
	[EEXIST] = "EEXIST",
	[EXDEV] = "EXDEV",
	[ENODEV] = "ENODEV",
	[ENOTDIR] = "ENOTDIR",
	[EISDIR] = "EISDIR",
	[EINVAL] = "EINVAL",
	[ENFILE] = "ENFILE",
	[EMFILE] = "EMFILE",
	[ENOTTY] = "ENOTTY",
	[ETXTBSY] = "ETXTBSY",
	[EFBIG] = "EFBIG",
	[ENOSPC] = "ENOSPC",
	[ESPIPE] = "ESPIPE",
	[EROFS] = "EROFS",
	[EMLINK] = "EMLINK",
	[EPIPE] = "EPIPE",
	[EDOM] = "EDOM",
	[ERANGE] = "ERANGE",
	[EDEADLK] = "EDEADLK",
	[ENAMETOOLONG] = "ENAMETOOLONG",
	[ENOLCK] = "ENOLCK",
	[ENOSYS] = "ENOSYS",
	[ENOTEMPTY] = "ENOTEMPTY",
	[ELOOP] = "ELOOP",
	[ENOMSG] = "ENOMSG",
	[EIDRM] = "EIDRM",
	[ECHRNG] = "ECHRNG",
	[EL2NSYNC] = "EL2NSYNC",
	[EL3HLT] = "EL3HLT",
	[EL3RST] = "EL3RST",
	[ELNRNG] = "ELNRNG",
	[EUNATCH] = "EUNATCH",
	[ENOCSI] = "ENOCSI",
	[EL2HLT] = "EL2HLT",
	[EBADE] = "EBADE",
	[EBADR] = "EBADR",
	[EXFULL] = "EXFULL",
	[ENOANO] = "ENOANO",
	[EBADRQC] = "EBADRQC",
	[EBADSLT] = "EBADSLT",
	[EBFONT] = "EBFONT",
	[ENOSTR] = "ENOSTR",
	[ENODATA] = "ENODATA",
	[ETIME] = "ETIME",
	[ENOSR] = "ENOSR",
	[ENONET] = "ENONET",
	[ENOPKG] = "ENOPKG",
	[EREMOTE] = "EREMOTE",
	[ENOLINK] = "ENOLINK",
	[EADV] = "EADV",
	[ESRMNT] = "ESRMNT",
	[ECOMM] = "ECOMM",
	[EPROTO] = "EPROTO",
	[EMULTIHOP] = "EMULTIHOP",
	[EDOTDOT] = "EDOTDOT",
	[EBADMSG] = "EBADMSG",
	[EOVERFLOW] = "EOVERFLOW",
	[ENOTUNIQ] = "ENOTUNIQ",
	[EBADFD] = "EBADFD",
	[EREMCHG] = "EREMCHG",
	[ELIBACC] = "ELIBACC",
	[ELIBBAD] = "ELIBBAD",
	[ELIBSCN] = "ELIBSCN",
	[ELIBMAX] = "ELIBMAX",
	[ELIBEXEC] = "ELIBEXEC",
	[EILSEQ] = "EILSEQ",
	[ERESTART] = "ERESTART",
	[ESTRPIPE] = "ESTRPIPE",
	[EUSERS] = "EUSERS",
	[ENOTSOCK] = "ENOTSOCK",
	[EDESTADDRREQ] = "EDESTADDRREQ",
	[EMSGSIZE] = "EMSGSIZE",
	[EPROTOTYPE] = "EPROTOTYPE",
	[ENOPROTOOPT] = "ENOPROTOOPT",
	[EPROTONOSUPPORT] = "EPROTONOSUPPORT",
	[ESOCKTNOSUPPORT] = "ESOCKTNOSUPPORT",
	[EOPNOTSUPP] = "EOPNOTSUPP",
	[EPFNOSUPPORT] = "EPFNOSUPPORT",
	[EAFNOSUPPORT] = "EAFNOSUPPORT",
	[EADDRINUSE] = "EADDRINUSE",
	[EADDRNOTAVAIL] = "EADDRNOTAVAIL",
	[ENETDOWN] = "ENETDOWN",
	[ENETUNREACH] = "ENETUNREACH",
	[ENETRESET] = "ENETRESET",
	[ECONNABORTED] = "ECONNABORTED",
	[ECONNRESET] = "ECONNRESET",
	[ENOBUFS] = "ENOBUFS",
	[EISCONN] = "EISCONN",
	[ENOTCONN] = "ENOTCONN",
	[ESHUTDOWN] = "ESHUTDOWN",
	[ETOOMANYREFS] = "ETOOMANYREFS",
	[ETIMEDOUT] = "ETIMEDOUT",
	[ECONNREFUSED] = "ECONNREFUSED",
	[EHOSTDOWN] = "EHOSTDOWN",
	[EHOSTUNREACH] = "EHOSTUNREACH",
	[EALREADY] = "EALREADY",
	[EINPROGRESS] = "EINPROGRESS",
	[ESTALE] = "ESTALE",
	[EUCLEAN] = "EUCLEAN",
	[ENOTNAM] = "ENOTNAM",
	[ENAVAIL] = "ENAVAIL",
	[EISNAM] = "EISNAM",
	[EREMOTEIO] = "EREMOTEIO",
	[EDQUOT] = "EDQUOT",
	[ENOMEDIUM] = "ENOMEDIUM",
	[EMEDIUMTYPE] = "EMEDIUMTYPE",
	[ECANCELED] = "ECANCELED",
	[ENOKEY] = "ENOKEY",
	[EKEYEXPIRED] = "EKEYEXPIRED",
	[EKEYREVOKED] = "EKEYREVOKED",
	[EKEYREJECTED] = "EKEYREJECTED",
	[EOWNERDEAD] = "EOWNERDEAD",
	[ENOTRECOVERABLE] = "ENOTRECOVERABLE",
	[ERFKILL] = "ERFKILL",
	[EHWPOISON] = "EHWPOISON",
};

/* First kernel-internal errno (include/linux/errno.h); tracers see these. */
#define KERNEL_ERRNO_BASE 512

/* Kernel-internal errno names, indexed from KERNEL_ERRNO_BASE. */
static const char *const kernel_errno_names[] = {
	"ERESTARTSYS", "ERESTARTNOINTR", "ERESTARTNOHAND", "ENOIOCTLCMD",
	"ERESTART_RESTARTBLOCK", "EPROBE_DEFER", "EOPENSTALE", "ENOPARAM",
	NULL, "EBADHANDLE", "ENOTSYNC", "EBADCOOKIE", "ENOTSUPP", "ETOOSMALL",
	"ESERVERFAULT", "EBADTYPE", "EJUKEBOX", "EIOCBQUEUED",
	"ERECALLCONFLICT", "ENOGRACE",
};

/* Table entry for a positive errno, or NULL. */
static const char *errno_lookup(unsigned e)
{
	if (e < ARRAY_LEN(errno_names))
		return errno_names[e];
	if (e >= KERNEL_ERRNO_BASE &&
	    e - KERNEL_ERRNO_BASE < ARRAY_LEN(kernel_errno_names))
		return kernel_errno_names[e - KERNEL_ERRNO_BASE];
	return NULL;
}

/* "ENOENT", "ERESTARTSYS" ... for err or -err; "E<n>" if unknown; never NULL. */
const char *fmt_errno_name(int err)
{
	int e = (err < 0 && err != INT_MIN) ? -err : err;
	const char *name = e > 0 ? errno_lookup((unsigned)e) : NULL;

	return name ? name : unknown_name("E", e);
}

const char *fmt_duration_us(double us, char buf[static 24])
{
	double ns = us * 1e3;

	/* Clamp: a histogram or a hostile recording can hold any value. */
	if (!(ns > 0))
		ns = 0;
	if (ns >= 18446744073709549568.0)
		ns = 18446744073709549568.0;
	return fmt_duration((uint64_t)ns, buf);
}

const char *fmt_pid(const char *host, int pid, char buf[static FMT_PID_MAX])
{
	if (host)
		snprintf(buf, FMT_PID_MAX, "%.80s:%d", host, rec_pid_local(pid));
	else
		snprintf(buf, FMT_PID_MAX, "%d", pid);
	return buf;
}
