/* replay.c - playing a recording: pause, speed, seeking, and its clock.
 *
 * The clock is anchored at (pos, wall): at wall-clock time now the position
 * is pos + (now - wall) * speed, and every pause or speed change re-anchors
 * it, so neither ever jumps.  A seek sets the anchor: forward, the records
 * up to it simply become due; back, the file is read again from its start
 * and the caller starts its model afresh.  This file must never draw and
 * never touch the model: it only says which record is due.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "recording.h"
#include "replay.h"

static const unsigned speeds[] = { 1, 2, 10, 100, 0 };
#define NSPEEDS (sizeof(speeds) / sizeof(speeds[0]))

/* Start playing rec at speed (0: all at once). */
void replay_init(struct replay *r, struct recording *rec, unsigned speed)
{
	memset(r, 0, sizeof(*r));
	r->rec = rec;
	r->speed = speed;
	r->live = rec && recording_live(rec);
}

/* The playback position at wall-clock time now. */
uint64_t replay_position(const struct replay *r, uint64_t now)
{
	if (!r->started)
		return 0;
	if (r->to_end)
		return UINT64_MAX;
	if (r->paused)
		return r->pos;
	if (!r->speed)
		return UINT64_MAX;
	if (now <= r->wall)
		return r->pos;
	return r->pos + (now - r->wall) * r->speed;
}

/* Move the anchor to now (keeping the position). */
static void anchor(struct replay *r, uint64_t now)
{
	uint64_t pos = replay_position(r, now);

	/* Leaving "all at once": play on from the last record given out. */
	r->pos = pos == UINT64_MAX ? r->last_ts : pos;
	r->wall = now;
}

/* Pause or play at wall-clock time now. */
void replay_set_paused(struct replay *r, bool paused, uint64_t now)
{
	anchor(r, now);
	r->paused = paused;
}

/* The speed after cur one step up (dir 1) or down (-1) the list, where
 * "all" (0) ranks above every number and an odd --speed finds its place. */
static unsigned speed_next(unsigned cur, int dir)
{
	uint64_t rank = cur ? cur : UINT64_MAX;

	if (dir > 0) {
		for (size_t i = 0; i < NSPEEDS; i++)
			if ((speeds[i] ? speeds[i] : UINT64_MAX) > rank)
				return speeds[i];
		return cur;
	}
	for (size_t i = NSPEEDS; i-- > 0;)
		if ((speeds[i] ? speeds[i] : UINT64_MAX) < rank)
			return speeds[i];
	return cur;
}

/* Step the speed through 1, 2, 10, 100, all (dir 1) or back (-1). */
void replay_step_speed(struct replay *r, int dir, uint64_t now)
{
	anchor(r, now);
	r->speed = speed_next(r->speed, dir);
}

/* Text of the speed. */
const char *replay_speed_text(unsigned speed, char buf[static 16])
{
	if (!speed)
		snprintf(buf, 16, "all");
	else
		snprintf(buf, 16, "%ux", speed);
	return buf;
}

/* Parse --speed. */
long replay_parse_speed(const char *s)
{
	char *end;
	unsigned long v;

	if (!strcmp(s, "max") || !strcmp(s, "all"))
		return 0;
	v = strtoul(s, &end, 10);
	if (end == s || *end || v == 0 || v > 1000000 || *s == '-')
		return -1;
	return (long)v;
}

/* Read the next record into r->next (sets eof at the end or on damage). */
static void fetch(struct replay *r)
{
	int got;

	/* A stream with nothing to read yet: the caller polls its fd. */
	r->waiting = !recording_ready(r->rec);
	if (r->waiting)
		return;
	got = recording_next(r->rec, &r->next, &r->next_len, r->why, sizeof(r->why));

	if (got <= 0) {
		r->next = NULL;
		r->eof = true;
	}
	r->next_run = recording_run(r->rec);
	if (got > 0 && !r->started) {
		/* The first record starts the clock: playback begins with it
		 * (or at a seek asked for before it was known). */
		r->started = true;
		r->pos = r->first_ts = ((const struct rec_hdr *)r->next)->ts;
		if (r->seek_pending)
			r->pos = r->first_ts + r->seek_rel;
		r->seek_pending = false;
	}
}

/* The next record due at now, or NULL. */
const void *replay_pull(struct replay *r, uint64_t now, size_t *len)
{
	const void *rec;

	if (!r->next && !r->eof) {
		fetch(r);
		if (r->started && !r->wall)
			r->wall = now;
	}
	if (!r->next || ((const struct rec_hdr *)r->next)->ts > replay_position(r, now))
		return NULL;
	rec = r->next;
	*len = r->next_len;
	r->last_ts = ((const struct rec_hdr *)rec)->ts;
	r->run = r->next_run;
	if (r->last_ts > r->fed_max_ts)
		r->fed_max_ts = r->last_ts;
	r->next = NULL;
	return rec;
}

/* Wall-clock ns until the next record is due. */
uint64_t replay_wait_ns(const struct replay *r, uint64_t now)
{
	uint64_t pos = replay_position(r, now), ts;

	if ((r->eof && !r->next) || (r->waiting && !r->next))
		return UINT64_MAX;   /* (waiting: the stream's fd wakes the caller) */
	if (!r->next || r->to_end)
		return 0;
	ts = ((const struct rec_hdr *)r->next)->ts;
	if (r->paused)
		return ts <= pos ? 0 : UINT64_MAX;
	if (!r->speed)
		return 0;
	return ts <= pos ? 0 : (ts - pos + r->speed - 1) / r->speed;
}

/* The time the UI shows: the playback position, never past the last record
 * once the recording is over (recording clock, ns). */
uint64_t replay_now(const struct replay *r, uint64_t now)
{
	uint64_t pos = replay_position(r, now);

	if (r->eof && !r->next)
		return r->last_ts;
	return pos == UINT64_MAX ? r->last_ts : pos;
}

/* Read the file again from its first record, the clock at pos (paused). */
static int rewind_to(struct replay *r, uint64_t pos, uint64_t now)
{
	int err = recording_rewind(r->rec);

	if (err)
		return err;
	r->next = NULL;
	r->eof = false;
	r->why[0] = '\0';
	r->last_ts = r->fed_max_ts = 0;
	r->pos = pos;
	r->wall = now;
	return 1;
}

/* Seek to rel ns after the first record (paused there). */
int replay_seek(struct replay *r, uint64_t rel, uint64_t now)
{
	uint64_t pos = r->first_ts + rel < r->first_ts ? UINT64_MAX - 1 : r->first_ts + rel;

	/* A pipe cannot be read again: refused, the replay left as it was. */
	if (r->started && r->live && recording_stream_fd(r->rec) >= 0 && r->fed_max_ts > pos)
		return -ESPIPE;
	r->paused = true;
	r->to_end = false;
	if (!r->started) {
		r->seek_pending = true;
		r->seek_rel = rel;
		return 0;
	}
	if (r->fed_max_ts > pos)
		return rewind_to(r, pos, now);
	r->pos = pos;
	r->wall = now;
	return 0;
}

/* Seek to the end: every record left is due at once. */
void replay_seek_end(struct replay *r, uint64_t now)
{
	anchor(r, now);
	r->to_end = true;
}

/* Parse a time after the start ("2.5", "+2.5s", "1500ms", "1m30s"...). */
int replay_parse_time(const char *s, uint64_t *ns)
{
	static const struct { const char *unit; double mul; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "m", 60e9 }, { "", 1e9 },
	};
	double total = 0;
	bool any = false;

	s += *s == '+';
	while (*s) {
		char *end;
		double v = strtod(s, &end);
		size_t i;

		if (end == s || v < 0 || (!(*s >= '0' && *s <= '9') && *s != '.'))
			return -EINVAL;
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t ul = strlen(units[i].unit);

			if (!strncmp(end, units[i].unit, ul) &&
			    (ul == 0 ? !end[0] : !(end[ul] >= 'a' && end[ul] <= 'z')))
				break;
		}
		if (i == sizeof(units) / sizeof(units[0]))
			return -EINVAL;
		total += v * units[i].mul;
		s = end + strlen(units[i].unit);
		any = true;
	}
	if (!any || total > 1e18)
		return -EINVAL;
	*ns = (uint64_t)(total + 0.5);
	return 0;
}
