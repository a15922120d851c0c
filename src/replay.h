/* replay.h - playing a recording: pause, speed, seeking, and its clock.
 *
 * The record pump (pump.h) asks which records are due at a wall-clock
 * time and feeds those to the model, exactly as it feeds live records; the
 * UI pauses and changes the speed.  Playback time runs on the recording's
 * own clock (rec_hdr.ts) scaled by the speed; "all" (speed 0) makes every
 * record due at once.  The clock is pure arithmetic on times given to it;
 * only replay_pull reads the file.
 */
#ifndef COMPENDIUM_REPLAY_H
#define COMPENDIUM_REPLAY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct recording;

struct replay {
	struct recording *rec;   /* not owned */
	unsigned speed;          /* 1, 2, 10, 100...; 0: everything at once */
	bool paused;
	bool started;            /* the first record was seen: the clock is anchored */
	bool eof;                /* no record left (or the file is damaged: why) */
	bool live;               /* read as it is written (a pipe, a file being written) */
	bool waiting;            /* ... and the next record has not come yet */
	bool to_end;             /* seeking to the end: every record is due */
	bool seek_pending;       /* a seek asked for before the first record */
	uint64_t seek_rel;       /* ... to this long after it (ns) */
	uint64_t fed_max_ts;     /* the latest time of a record given out */
	uint64_t pos;            /* playback position, recording clock (ns) */
	uint64_t wall;           /* wall-clock time (ns) when pos was last set */
	uint64_t last_ts;        /* time of the last record given out */
	uint64_t first_ts;       /* time of the first record (tracing began) */
	const void *next;        /* the record read but not yet due, or NULL */
	size_t next_len;
	unsigned next_run;       /* which recording of a merge it came from */
	unsigned run;            /* ... and the record replay_pull gave out last */
	char why[256];           /* what was wrong with the file, or "" */
};

/* Start playing rec at speed (0: all at once). */
void replay_init(struct replay *r, struct recording *rec, unsigned speed);
/* The playback position at wall-clock time now (recording clock, ns). */
uint64_t replay_position(const struct replay *r, uint64_t now);
/* Pause or play at wall-clock time now. */
void replay_set_paused(struct replay *r, bool paused, uint64_t now);
/* Step the speed through 1, 2, 10, 100, all (dir 1) or back (-1) at now. */
void replay_step_speed(struct replay *r, int dir, uint64_t now);
/* Text of the speed: "1x", "100x", "all". */
const char *replay_speed_text(unsigned speed, char buf[static 16]);
/* Parse --speed: a positive number or "max"/"all" (0); -1 when invalid. */
long replay_parse_speed(const char *s);
/* The next record due at now (read from the file), or NULL when none is
 * due yet or the recording is over (r->eof).  The pointer is valid until
 * the next call. */
const void *replay_pull(struct replay *r, uint64_t now, size_t *len);
/* The time the UI shows: the position, or the last record's time once over. */
uint64_t replay_now(const struct replay *r, uint64_t now);
/* Wall-clock ns until the next record is due (0: now; UINT64_MAX: never). */
uint64_t replay_wait_ns(const struct replay *r, uint64_t now);
/* Seek to rel ns after the first record and pause there: the records up
 * to that time are then due at once.  Returns 1 when records past it were
 * given out already: the file is read again from the start and the caller
 * must start its model afresh; 0 when not; -ESPIPE (nothing changed) when
 * that would be needed in a recording read from a pipe; -errno when the
 * file cannot be read again.  Before the first record, the seek waits for it. */
int replay_seek(struct replay *r, uint64_t rel, uint64_t now);
/* Seek to the end: every record left is due at once. */
void replay_seek_end(struct replay *r, uint64_t now);
/* Parse a time after the start of a recording: a number of seconds, or
 * numbers with units ns, us, ms, s, m ("2.5", "+2.5s", "1500ms", "1m30s").
 * 0 or -EINVAL. */
int replay_parse_time(const char *s, uint64_t *ns);
#endif
