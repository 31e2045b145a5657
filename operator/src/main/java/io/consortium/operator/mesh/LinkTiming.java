package io.consortium.operator.mesh;

import java.time.Duration;

/**
 * Health timing of a link: a WebSocket ping every {@code pingInterval}; the peer is offline after
 * {@code missedPongLimit} pings without any answer.
 */
public record LinkTiming(Duration pingInterval, int missedPongLimit, Duration handshakeTimeout) {

  /** DESIGN.md's values: ping every 10 s, offline after 3 missed pongs. */
  public static final LinkTiming DEFAULT = new LinkTiming(Duration.ofSeconds(10), 3, Duration.ofSeconds(10));
}
