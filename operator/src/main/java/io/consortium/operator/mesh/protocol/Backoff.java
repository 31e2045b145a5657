package io.consortium.operator.mesh.protocol;

import java.time.Duration;
import java.util.Random;

/**
 * Reconnect delays: exponential with full jitter (a uniform delay between zero and
 * {@code min(cap, base * 2^attempt)}), so that instances cut off together do not all dial back at
 * the same moment. Reset on a successful connect. Thread-safe.
 */
public final class Backoff {

  public static final Duration DEFAULT_BASE = Duration.ofMillis(500);
  public static final Duration DEFAULT_CAP = Duration.ofSeconds(60);

  private final long baseMillis;
  private final long capMillis;
  private final Random random;
  private int attempt;

  public Backoff(Duration base, Duration cap, Random random) {
    if (base.toMillis() < 1 || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff needs 1 ms <= base <= cap, got base " + base + " and cap " + cap);
    }
    this.baseMillis = base.toMillis();
    this.capMillis = cap.toMillis();
    this.random = random;
  }

  /** Base 500 ms, cap 60 s. */
  public Backoff(Random random) {
    this(DEFAULT_BASE, DEFAULT_CAP, random);
  }

  /** The ceiling of the next delay: {@code min(cap, base * 2^attempt)}. */
  public synchronized Duration ceiling() {
    return Duration.ofMillis(ceilingMillis());
  }

  /** The delay before the next attempt; each call counts one more failed attempt. */
  public synchronized Duration nextDelay() {
    long ceiling = ceilingMillis();
    attempt++;
    return Duration.ofMillis(random.nextLong(ceiling + 1));
  }

  /** Failed attempts since the last success. */
  public synchronized int attempts() {
    return attempt;
  }

  /** The link is up: the next failure starts from the base again. */
  public synchronized void reset() {
    attempt = 0;
  }

  private long ceilingMillis() {
    // 2^attempt overflows long long before it matters: past the cap, stay at the cap.
    if (attempt >= 62 || baseMillis > (capMillis >> Math.min(attempt, 62))) {
      return capMillis;
    }
    return Math.min(capMillis, baseMillis << attempt);
  }
}
