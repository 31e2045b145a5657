package io.consortium.operator.mesh.protocol;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The sending side of one link direction: hands out (epoch, seq) strictly increasing. The caller
 * gives it an epoch it has already persisted, bumped from the last session's, so a restarted
 * sender never reuses a number. Seq starts at 1. Thread-safe.
 */
public final class SendSequence {

  private final long epoch;
  private final AtomicLong seq = new AtomicLong();

  /** @param epoch this session's epoch, already persisted (see {@link #epochAfter(long)}) */
  public SendSequence(long epoch) {
    if (epoch < 0) {
      throw new IllegalArgumentException("a session epoch cannot be negative, got " + epoch);
    }
    this.epoch = epoch;
  }

  /** The epoch for a new session after one that used {@code previous}: persist it before sending. */
  public static long epochAfter(long previous) {
    return Math.addExact(previous, 1);
  }

  public long epoch() {
    return epoch;
  }

  public SequenceNumber next() {
    long next = seq.updateAndGet(current -> {
      if (current == Long.MAX_VALUE) {
        throw new IllegalStateException("epoch " + epoch + " has used every sequence number: start a new session");
      }
      return current + 1;
    });
    return new SequenceNumber(epoch, next);
  }
}
