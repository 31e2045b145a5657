package io.consortium.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {

  @Test
  void durations_as_kubernetes_users_write_them() {
    assertThat(GoDuration.parse("24h")).isEqualTo(Duration.ofHours(24));
    assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(GoDuration.parse("500ms")).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void anything_else_is_refused_with_an_example() {
    assertThatThrownBy(() -> GoDuration.parse("1 day")).hasMessageContaining("24h");
    assertThatThrownBy(() -> GoDuration.parse("h")).hasMessageContaining("not a duration");
    assertThatThrownBy(() -> GoDuration.parse("")).hasMessageContaining("empty");
  }
}
