package io.consortium.operator.api;

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
  void a_duration_is_shown_the_way_it_is_written() {
    assertThat(GoDuration.format(Duration.ofMinutes(10))).isEqualTo("10m");
    assertThat(GoDuration.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(GoDuration.format(Duration.ofMillis(4500))).isEqualTo("4s500ms");
    assertThat(GoDuration.format(Duration.ZERO)).isEqualTo("0s");
    assertThat(GoDuration.parse(GoDuration.format(Duration.ofSeconds(3725)))).isEqualTo(Duration.ofSeconds(3725));
  }

  @Test
  void anything_else_is_refused_with_an_example() {
    assertThatThrownBy(() -> GoDuration.parse("1 day")).hasMessageContaining("24h");
    assertThatThrownBy(() -> GoDuration.parse("h")).hasMessageContaining("not a duration");
    assertThatThrownBy(() -> GoDuration.parse("")).hasMessageContaining("empty");
  }

  @Test
  void a_duration_too_long_for_java_is_refused_not_thrown_as_an_overflow() {
    assertThatThrownBy(() -> GoDuration.parse("99999999999999999999h")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too long");
    assertThatThrownBy(() -> GoDuration.parse("9223372036854775807h")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too long");
  }

  @Test
  void the_crd_pattern_takes_what_parse_takes_within_cels_range() {
    assertThat("24h").matches(GoDuration.PATTERN);
    assertThat("1h30m15s500ms").matches(GoDuration.PATTERN);
    assertThat("99999999h").doesNotMatch(GoDuration.PATTERN); // beyond what CEL's duration() can hold
    assertThat("1d").doesNotMatch(GoDuration.PATTERN);
  }
}
