/* evdesc.h - one description of each event type, read by every sink.
 *
 * An event type is one entry of a table: its name and category, which of
 * its fields the store keeps (and in which slot of struct sevent), the
 * members of its --json object, how its line of text is made, and when the
 * default noise filter and the --batch lines leave it out.  A field (enum
 * evf) is described once as well: its name, its kind (how it reads as text
 * and as JSON) and its label in the TUI's details.  The store, the --json
 * writer, the --batch lines, the TUI and the Perfetto export read these
 * tables (evform.h renders them); none of them switches on the event type.
 * Adding an event type is one entry in evdesc.c plus the model code that
 * emits it.  evdesc.c holds the types, evfield.c the fields and how they
 * are read (struct evacc).  Pure code: no printing, no system calls.
 */
#ifndef COMPENDIUM_EVDESC_H
#define COMPENDIUM_EVDESC_H
#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "strbuf.h"

struct store;
struct sevent;

/* What a person would call the kind of thing an event is about. */
enum ev_cat {
	CAT_FILE,        /* open, close, and I/O on files, dirs, devices */
	CAT_NET,         /* connect, accept, send, recv on sockets */
	CAT_MEM,         /* mmap, munmap, mremap, brk, page faults */
	CAT_IO,          /* pipes, sendfile/splice/copy_file_range/tee */
	CAT_PROC,        /* exec, fork, thread, exit, signal */
	CAT_LAT,         /* scheduler and block I/O latency */
	CAT_OTHER,       /* raw syscalls (-v) */
	CAT_MAX
};

/* The fields of events.  Numbers first, then strings, then words that
 * exist only in text (see evdesc_field for each one's name and kind). */
enum evf {
	EVF_NONE,
	EVF_FD, EVF_FD2, EVF_CHILD, EVF_NEWTASK, EVF_CLONE, EVF_WAIT, EVF_THREAD,
	EVF_SIGNAL, EVF_BYTES, EVF_LEN, EVF_HEAP, EVF_CALLS, EVF_ADDR, EVF_OFLAGS,
	EVF_PROT, EVF_MFLAGS, EVF_PROT_FLAGS, EVF_NR, EVF_RET, EVF_ARCH, EVF_DUR,
	EVF_LATENCY, EVF_CPU, EVF_REASON, EVF_OP, EVF_DEV, EVF_SECTOR, EVF_IP,
	EVF_REGION_START, EVF_KIND, EVF_MODE, EVF_ERROR, EVF_SYSNAME, EVF_IO_SYSCALL,
	EVF_REGION_KIND, EVF_DIR, EVF_UNREADABLE,
	EVF_EXE, EVF_ARGV, EVF_PATH, EVF_SYSPATH, EVF_PEER, EVF_REMOTE, EVF_LOCAL,
	EVF_MAP_PATH, EVF_REGION, EVF_OBJ, EVF_OBJ2, EVF_PATH2, EVF_HOST, EVF_IO_PEER,
	EVF_TO, EVF_FROM, EVF_SUB, EVF_TYPE, EVF_BASENAME, EVF_CMDLINE, EVF_END,
	EVF_FAILED, EVF_OPEN_RESULT, EVF_SYSTEXT, EVF_RESULT, EVF_REGION_AT, EVF_STDIO,
	EVF_MAX
};

/* How a field reads as text and as JSON. */
enum evkind {
	EVK_INT,         /* a signed number */
	EVK_U64,         /* an unsigned number */
	EVK_FLAGS,       /* bits: a number in JSON, 0x.. in the details */
	EVK_HEX,         /* an address: 7f12.. in text, "0x7f12.." in JSON */
	EVK_BYTES,       /* a size: "4.0 KB" in text, a number in JSON */
	EVK_NS,          /* a time in ns: "1.2ms" in text, microseconds in JSON */
	EVK_BOOL,        /* true or false */
	EVK_WAIT,        /* a wait status: "exit 0" in text, {"code":0,...} in JSON */
	EVK_NAME,        /* a name the field's namer gives ("SIGTERM", "rw-"), or none */
	EVK_STR,         /* a string the traced program made: escaped in text */
	EVK_ARGV,        /* a command line: " a b" in text, ["a","b"] in JSON */
	EVK_OBJ,         /* what an fd is: "→ 10.0.0.1:80", a path or its kind */
	EVK_WORD,        /* text only, made by the field's own function */
};

/* The slots of a stored event (struct sevent) that hold fields. */
enum evslot { SLOT_FD, SLOT_VAL, SLOT_ADDR, SLOT_STR, SLOT_STR2, SLOT_MAX };

/* When the default noise filter hides an event. */
enum evnoise {
	NOISE_NONE,      /* never */
	NOISE_OBJ,       /* when the fd's object is noise (none: never) */
	NOISE_BOTH,      /* when both fds' objects are (transfers) */
	NOISE_PATH,      /* when its path is (open) */
	NOISE_PEER,      /* when its peer is a local address (connect, accept) */
	NOISE_REGION,    /* when its region is a noise path (faults; --batch only) */
};

/* When the --batch lines leave it out without -v (bits). */
enum {
	QUIET_ALWAYS = 1 << 0,   /* always (raw syscalls, closes) */
	QUIET_FAILED = 1 << 1,   /* when the call failed */
	QUIET_THREAD = 1 << 2,   /* when about a thread, not a process */
};

/* How the --batch lines fold consecutive events into one line. */
enum evfold { FOLD_NONE, FOLD_IO, FOLD_FAULT, FOLD_LAT };

/* One piece of a line of text: lit, then the field's text (if any). */
struct evpiece {
	const char *lit;
	uint8_t f;               /* enum evf, EVF_NONE: literal only */
	uint8_t how;             /* EVP_* */
	const char *none;        /* shown when the field is empty (NULL: nothing) */
};

enum {
	EVP_IN = 1,              /* an object read from: "← peer" */
	EVP_IF = 2,              /* lit only, and only when the field is set */
	EVP_PAREN = 3,           /* " (text)" when the field is set */
};

/* One member of the --json object. */
struct evjson {
	const char *key;         /* for EVK_OBJ a prefix of its keys ("in_") */
	uint8_t f;               /* enum evf */
	uint8_t when;            /* EVJ_* */
	const char *none;        /* written as a string when the field is empty */
};

enum {
	EVJ_ALWAYS,              /* always (a missing string: none, else null) */
	EVJ_SET,                 /* only when set (non-zero, or a name) */
	EVJ_UNCOUNTED,           /* only for one call (not counted in the kernel) */
};

#define EVD_TEXT_MAX 10
#define EVD_JSON_MAX 8

/* One event type. */
struct evdesc {
	const char *name;                  /* "open": --json "type", lines, TUI */
	enum ev_cat cat;
	bool by_kind;                      /* cat is CAT_FILE unless the fd is a
					      socket (net) or pipe (io) */
	bool tree;                         /* part of the process tree */
	enum evnoise noise;
	unsigned quiet;                    /* QUIET_* */
	enum evfold fold;
	uint8_t slot[SLOT_MAX];            /* enum evf kept in each slot */
	struct evjson json[EVD_JSON_MAX];  /* --json members after type */
	struct evpiece text[EVD_TEXT_MAX]; /* its line (lines and the TUI) */
	struct evpiece row[EVD_TEXT_MAX];  /* the TUI's row where it differs */
};

struct evacc;

/* One field. */
struct evfield {
	const char *key;         /* its name (Perfetto args of a stored field) */
	enum evkind kind;
	const char *label;       /* TUI details: "Address:  " (NULL: not shown) */
	const char *unit;        /* TUI details: what a value means (" (bytes)") */
	/* EVK_NAME: the name of the field's value (NULL: none); buf has room for 48 */
	const char *(*name)(const struct evacc *a, char *buf);
	/* EVK_WORD: append the field's text */
	void (*word)(struct strbuf *sb, const struct evacc *a);
};

/* Reads the fields of one event, from the model's struct event or from a
 * stored one: the text of a field is made the same way from either. */
struct evacc {
	const struct event *ev;        /* the model's event, or NULL */
	const struct store *s;         /* else the store and its event */
	const struct sevent *se;
	struct strbuf *scratch;        /* for the argv line of an event (may be NULL) */
	unsigned cut;                  /* longest fd name shown in bytes (0: whole) */
	int fit;                       /* columns for an fd's path or a path
					  argument, cut in its middle (0: whole;
					  visible_fit_path) */
	bool utf8;                     /* arrows as → (else ->) */
};

/* The description of an event type (an empty "unknown" one for a bad type). */
const struct evdesc *evdesc_of(unsigned type);
/* "open", "connect"... ("unknown" for a bad type). */
const char *evdesc_name(unsigned type);
/* The description of a field. */
const struct evfield *evdesc_field(unsigned f);
/* Category of an event type for an fd kind. */
enum ev_cat evdesc_category(unsigned type, int kind);
/* "file", "net", "mem", "io", "proc", "lat", "other". */
const char *evdesc_cat_name(unsigned cat);
/* Did the call fail (a connect in progress did not; exits and signals never)? */
bool evdesc_failed(const struct event *ev);

/* Field f of the event a reads as a number (0 when it has none). */
int64_t evacc_num(const struct evacc *a, unsigned f);
/* Field f as a string (NULL when it has none).  The argv line of a model's
 * event is built in a->scratch. */
const char *evacc_str(const struct evacc *a, unsigned f);
/* The event's type. */
unsigned evacc_type(const struct evacc *a);
/* errno of a failed call (0: it did not fail), as evdesc_failed decides. */
int evacc_errno(const struct evacc *a);
/* The fd's object: kind (-1: none), whether its name is a peer address. */
int evacc_kind(const struct evacc *a, bool second);
bool evacc_peer(const struct evacc *a, bool second);
#endif
