package io.consortium.operator.mesh.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void reconnect_delays_grow_exponentially_under_a_60_second_cap_with_full_jitter() {
    Backoff backoff = new Backoff(new Random(1));
    List<Duration> ceilings = new ArrayList<>();

    for (int attempt = 0; attempt < 12; attempt++) {
      Duration ceiling = backoff.ceiling();
      ceilings.add(ceiling);
      Duration delay = backoff.nextDelay();
      assertThat(delay).isBetween(Duration.ZERO, ceiling);
    }

    assertThat(ceilings).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
        Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(16), Duration.ofSeconds(32),
        Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(60),
        Duration.ofSeconds(60));
    assertThat(backoff.attempts()).isEqualTo(12);
  }

  @Test
  void the_same_seed_gives_the_same_delays_so_reconnect_tests_are_deterministic() {
    Backoff one = new Backoff(new Random(42));
    Backoff two = new Backoff(new Random(42));

    for (int i = 0; i < 20; i++) {
      assertThat(one.nextDelay()).isEqualTo(two.nextDelay());
    }
  }

  @Test
  void jitter_spreads_instances_cut_off_together_across_the_whole_window() {
    // Full jitter: over many draws at the cap, delays land in every tenth of [0, 60 s].
    Backoff backoff = new Backoff(new Random(7));
    for (int i = 0; i < 8; i++) {
      backoff.nextDelay();
    }
    boolean[] tenths = new boolean[10];
    for (int i = 0; i < 1_000; i++) {
      long millis = backoff.nextDelay().toMillis();
      tenths[(int) Math.min(9, millis / 6_000)] = true;
    }

    for (boolean tenth : tenths) {
      assertThat(tenth).isTrue();
    }
  }

  @Test
  void a_successful_connect_resets_the_backoff_to_the_base() {
    Backoff backoff = new Backoff(new Random(3));
    for (int i = 0; i < 10; i++) {
      backoff.nextDelay();
    }
    assertThat(backoff.ceiling()).isEqualTo(Duration.ofSeconds(60));

    backoff.reset();

    assertThat(backoff.attempts()).isZero();
    assertThat(backoff.ceiling()).isEqualTo(Duration.ofMillis(500));
    assertThat(backoff.nextDelay()).isLessThanOrEqualTo(Duration.ofMillis(500));
  }

  @Test
  void a_backoff_keeps_its_cap_after_very_many_attempts() {
    Backoff backoff = new Backoff(new Random(5));
    for (int i = 0; i < 200; i++) {
      assertThat(backoff.nextDelay()).isLessThanOrEqualTo(Duration.ofSeconds(60));
    }
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new Random()))
        .hasMessageContaining("base <= cap");
  }
}
