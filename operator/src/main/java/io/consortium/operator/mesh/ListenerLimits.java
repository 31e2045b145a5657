package io.consortium.operator.mesh;

import java.time.Duration;

/**
 * What the listener allows a connection that has not opened a session yet (no HELLO or REDEEM
 * accepted): anyone can open one, so each is bounded in time and in number.
 *
 * @param headerTimeout from the TCP accept, the TLS handshake and the HTTP upgrade request must be
 *     complete within this (--mesh-header-timeout); a slow sender of headers is closed
 * @param helloTimeout from the upgrade, the first frame (HELLO or REDEEM) must arrive within this
 *     (--mesh-hello-timeout)
 * @param maxPending connections without a session at once, from everywhere (--mesh-max-pending);
 *     links with a session do not count
 * @param maxPendingPerAddress of those, from one remote address (--mesh-max-pending-per-address)
 */
public record ListenerLimits(Duration headerTimeout, Duration helloTimeout, int maxPending, int maxPendingPerAddress) {

  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_HELLO_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_PENDING = 256;
  public static final int DEFAULT_MAX_PENDING_PER_ADDRESS = 16;

  public static final ListenerLimits DEFAULT = new ListenerLimits(DEFAULT_HEADER_TIMEOUT, DEFAULT_HELLO_TIMEOUT,
      DEFAULT_MAX_PENDING, DEFAULT_MAX_PENDING_PER_ADDRESS);

  public ListenerLimits {
    if (headerTimeout == null || headerTimeout.isNegative() || headerTimeout.isZero()) {
      throw new IllegalArgumentException("--mesh-header-timeout must be a positive duration such as 10s, got "
          + headerTimeout);
    }
    if (helloTimeout == null || helloTimeout.isNegative() || helloTimeout.isZero()) {
      throw new IllegalArgumentException("--mesh-hello-timeout must be a positive duration such as 10s, got "
          + helloTimeout);
    }
    if (maxPending < 1) {
      throw new IllegalArgumentException("--mesh-max-pending must be 1 or more, got " + maxPending);
    }
    if (maxPendingPerAddress < 1 || maxPendingPerAddress > maxPending) {
      throw new IllegalArgumentException("--mesh-max-pending-per-address must be between 1 and --mesh-max-pending ("
          + maxPending + "), got " + maxPendingPerAddress);
    }
  }
}
