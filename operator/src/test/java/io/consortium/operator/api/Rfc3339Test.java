package io.consortium.operator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class Rfc3339Test {

  @Test
  void times_as_kubernetes_and_people_write_them() {
    assertThat(Rfc3339.parse("2026-12-31T23:59:59Z")).isEqualTo(Instant.parse("2026-12-31T23:59:59Z"));
    assertThat(Rfc3339.parse("2027-01-01T00:59:59+01:00")).isEqualTo(Instant.parse("2026-12-31T23:59:59Z"));
    assertThat(Rfc3339.parse("2026-12-31T23:59:59.5Z")).isEqualTo(Instant.parse("2026-12-31T23:59:59.500Z"));
    assertThat(Rfc3339.format(Instant.parse("2026-12-31T23:59:59.500Z"))).isEqualTo("2026-12-31T23:59:59Z");
  }

  @Test
  void the_crd_pattern_and_the_parser_agree() {
    for (String ok : new String[] {"2026-12-31T23:59:59Z", "2027-01-01T00:59:59+01:00", "2026-12-31T23:59:59.123456789Z"}) {
      assertThat(ok).matches(Rfc3339.PATTERN);
      Rfc3339.parse(ok);
    }
    for (String bad : new String[] {"yesterday", "2026-12-31", "2026-12-31 23:59:59Z", "2026-12-31T23:59:59"}) {
      assertThat(bad).doesNotMatch(Rfc3339.PATTERN);
      assertThatThrownBy(() -> Rfc3339.parse(bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("RFC 3339");
    }
  }
}
