package io.consortium.operator.mesh.protocol;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When to ping a peer and when to call it offline, as clock arithmetic only: the transport asks
 * {@link #shouldPing()} on its timer, tells {@link #pingSent()} and {@link #pongReceived()}, and
 * closes the link when {@link #isOffline()}.
 *
 * <p>A pong is missed when a full ping interval passes after a ping without a pong; so with the
 * defaults (10 s, 3) a peer that stops answering right after a pong is offline 30 s after the
 * first unanswered ping. Thread-safe: the timer and the I/O thread both touch it.
 */
public final class LinkHealth {

  public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(10);
  public static final int DEFAULT_MISSED_PONG_LIMIT = 3;

  private final Clock clock;
  private final Duration pingInterval;
  private final int missedPongLimit;
  private Instant lastPingAt;
  private Instant lastPongAt;
  private int unanswered;

  public LinkHealth(Clock clock, Duration pingInterval, int missedPongLimit) {
    if (pingInterval.isNegative() || pingInterval.isZero()) {
      throw new IllegalArgumentException("the ping interval must be positive, got " + pingInterval);
    }
    if (missedPongLimit < 1) {
      throw new IllegalArgumentException("the missed-pong limit must be 1 or more, got " + missedPongLimit);
    }
    this.clock = clock;
    this.pingInterval = pingInterval;
    this.missedPongLimit = missedPongLimit;
  }

  /** Ping every 10 s, offline after 3 missed pongs. */
  public LinkHealth(Clock clock) {
    this(clock, DEFAULT_PING_INTERVAL, DEFAULT_MISSED_PONG_LIMIT);
  }

  /** True when no ping was sent yet or the last one is a full interval old. */
  public synchronized boolean shouldPing() {
    return lastPingAt == null || !clock.instant().isBefore(lastPingAt.plus(pingInterval));
  }

  public synchronized void pingSent() {
    lastPingAt = clock.instant();
    unanswered++;
  }

  /** Any pong answers every ping before it: the peer is alive now. */
  public synchronized void pongReceived() {
    lastPongAt = clock.instant();
    unanswered = 0;
  }

  /** Pings whose interval passed without a pong since the last pong. */
  public synchronized int missedPongs() {
    if (unanswered == 0) {
      return 0;
    }
    boolean lastStillPending = clock.instant().isBefore(lastPingAt.plus(pingInterval));
    return lastStillPending ? unanswered - 1 : unanswered;
  }

  public synchronized boolean isOffline() {
    return missedPongs() >= missedPongLimit;
  }

  public synchronized Optional<Instant> lastPongAt() {
    return Optional.ofNullable(lastPongAt);
  }
}
