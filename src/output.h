/* output.h - where line and JSON output goes: a stdio stream whose bytes a
 * writer thread of its own writes to the file descriptor.
 *
 * Nothing but that thread ever waits for the reader (a pager, a FIFO, a
 * full disk), so the thread that consumes records and handles signals
 * never blocks on output.  Writes to the stream land in memory; the
 * consumer asks output_over() whether more than OUTPUT_BOUND bytes wait and
 * then stops producing until output_wake_fd() says the writer moved on.
 * The first write error is kept and everything after it is dropped.
 */
#ifndef COMPENDIUM_OUTPUT_H
#define COMPENDIUM_OUTPUT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Bytes waiting for the reader past which the producer should pause. */
#define OUTPUT_BOUND (256u << 10)

struct output;

/* Start writing to fd (closed by output_finish when own); NULL with errno set. */
struct output *output_new(int fd, bool own);
/* The stream to print to (fully buffered; never blocks on the reader). */
FILE *output_stream(struct output *o);
/* More than OUTPUT_BOUND bytes wait for the reader (any thread). */
bool output_over(const struct output *o);
/* Readable after the writer wrote something or failed, once armed with
 * output_arm (look again at what you wait for after arming, then poll);
 * output_ack clears it. */
int output_wake_fd(const struct output *o);
void output_arm(struct output *o);
void output_ack(struct output *o);
/* Bytes handed to the writer and not yet written (0 after an error). */
size_t output_pending(const struct output *o);
/* Bytes written so far. */
uint64_t output_written(const struct output *o);
/* The first write error as -errno, or 0. */
int output_error(const struct output *o);
/* Flush the stream into memory; true when nothing waits any more (all
 * written, or an error dropped the rest). */
bool output_done(struct output *o);
/* Stop: wait for the writer (after output_done said true), close the fd
 * when owned, free o, and return the first error (-errno) or 0; or, when
 * abandon is set, drop what waits and leave the writer where it is blocked
 * (the process is about to exit). */
int output_finish(struct output *o, bool abandon);
#endif
