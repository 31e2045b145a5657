package io.consortium.operator.mesh.protocol;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Decides when a PeerPairing's {@code status.lastSeenAt} is written: on every connect and
 * disconnect, and otherwise at most once a minute however much the link carries. API writes are
 * what a share's time goes into (DESIGN.md, performance): never one per message. Pure: the caller
 * keeps the time it last wrote and records it after writing.
 */
public final class LastSeenWriter {

  /** What happened on the link. */
  public enum LinkEvent {
    CONNECTED,
    DISCONNECTED,
    /** A message or pong from the peer. */
    SEEN
  }

  public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofMinutes(1);

  private final Clock clock;
  private final Duration minInterval;

  public LastSeenWriter(Clock clock, Duration minInterval) {
    if (minInterval.isNegative()) {
      throw new IllegalArgumentException("the lastSeenAt interval cannot be negative, got " + minInterval);
    }
    this.clock = clock;
    this.minInterval = minInterval;
  }

  public LastSeenWriter(Clock clock) {
    this(clock, DEFAULT_MIN_INTERVAL);
  }

  /**
   * @param lastWrittenAt when lastSeenAt was last written, or null if never
   * @return true when lastSeenAt should be written now
   */
  public boolean shouldWrite(LinkEvent event, Instant lastWrittenAt) {
    if (event != LinkEvent.SEEN || lastWrittenAt == null) {
      return true;
    }
    return !clock.instant().isBefore(lastWrittenAt.plus(minInterval));
  }

  /** The time to write: now. */
  public Instant now() {
    return clock.instant();
  }
}
