package io.consortium.operator.mesh.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinkHealthTest {

  private static final Instant START = Instant.parse("2026-11-23T12:00:00Z");
  private final MutableClock clock = new MutableClock(START);

  /** What the transport's timer does every second. */
  private static void tick(LinkHealth health) {
    if (health.shouldPing()) {
      health.pingSent();
    }
  }

  @Test
  void a_new_link_pings_at_once_and_then_every_10_seconds() {
    LinkHealth health = new LinkHealth(clock);

    assertThat(health.shouldPing()).isTrue();
    health.pingSent();
    clock.advance(Duration.ofMillis(9_999));
    assertThat(health.shouldPing()).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(health.shouldPing()).isTrue();
  }

  @Test
  void a_peer_that_answers_every_ping_stays_online() {
    LinkHealth health = new LinkHealth(clock);

    for (int second = 0; second < 300; second++) {
      tick(health);
      if (second % 10 == 1) {
        health.pongReceived();
      }
      clock.advance(Duration.ofSeconds(1));
      assertThat(health.isOffline()).isFalse();
    }
    assertThat(health.lastPongAt()).contains(START.plusSeconds(291));
  }

  @Test
  void a_peer_is_offline_after_three_missed_pongs_and_not_a_moment_before() {
    LinkHealth health = new LinkHealth(clock);
    health.pingSent();
    health.pongReceived();
    clock.advance(Duration.ofSeconds(10));

    // Pings at 10, 20 and 30 s go unanswered; the third is missed once its interval is over, at 40 s.
    List<Integer> offlineAt = new ArrayList<>();
    for (int second = 10; second <= 45; second++) {
      tick(health);
      if (health.isOffline()) {
        offlineAt.add(second);
      }
      clock.advance(Duration.ofSeconds(1));
    }

    assertThat(offlineAt).first().isEqualTo(40);
  }

  @Test
  void a_late_pong_brings_the_peer_back_before_the_limit() {
    LinkHealth health = new LinkHealth(clock);
    health.pingSent();
    clock.advance(Duration.ofSeconds(10));
    health.pingSent();
    clock.advance(Duration.ofSeconds(10));
    assertThat(health.missedPongs()).isEqualTo(2);

    health.pongReceived();

    assertThat(health.missedPongs()).isZero();
    assertThat(health.isOffline()).isFalse();
  }

  @Test
  void the_interval_and_limit_can_be_changed_but_not_to_nonsense() {
    LinkHealth strict = new LinkHealth(clock, Duration.ofSeconds(1), 1);
    strict.pingSent();
    clock.advance(Duration.ofSeconds(1));
    assertThat(strict.isOffline()).isTrue();

    assertThatThrownBy(() -> new LinkHealth(clock, Duration.ZERO, 3)).hasMessageContaining("must be positive");
    assertThatThrownBy(() -> new LinkHealth(clock, Duration.ofSeconds(10), 0)).hasMessageContaining("1 or more");
  }

}
