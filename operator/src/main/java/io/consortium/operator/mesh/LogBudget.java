package io.consortium.operator.mesh;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How many log lines one source (a link, the listener's refusals) may write: a burst, then one per
 * refill interval. A line over the budget is not written; the caller counts it instead, so that a
 * flood fills a metric, not the log. Thread-safe.
 */
public final class LogBudget {

  /** Per link: 20 lines at once, then one every 3 seconds. */
  public static LogBudget perLink() {
    return new LogBudget(20, Duration.ofSeconds(3));
  }

  private final int burst;
  private final long refillNanos;
  private final LongSupplier nanoTime;
  private double tokens;
  private long refilledAt;
  private long withheld;

  public LogBudget(int burst, Duration refill) {
    this(burst, refill, System::nanoTime);
  }

  LogBudget(int burst, Duration refill, LongSupplier nanoTime) {
    if (burst < 1 || refill.isNegative() || refill.isZero()) {
      throw new IllegalArgumentException("a log budget needs a burst of 1 or more and a positive refill interval");
    }
    this.burst = burst;
    this.refillNanos = refill.toNanos();
    this.tokens = burst;
    this.nanoTime = nanoTime;
    this.refilledAt = nanoTime.getAsLong();
  }

  /** True when a line may be written now; false when it is over the budget (and is counted as withheld). */
  public synchronized boolean allow() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (double) (now - refilledAt) / refillNanos);
    refilledAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    withheld++;
    return false;
  }

  /** Lines withheld since the last call, for a line that says how many were not written. */
  public synchronized long takeWithheld() {
    long n = withheld;
    withheld = 0;
    return n;
  }
}
