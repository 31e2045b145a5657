package io.consortium.operator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizeTest {

  @Test
  void sizes_read_as_helm_values_and_flags_write_them() {
    assertThat(ByteSize.parse("64Mi")).isEqualTo(64L * 1024 * 1024);
    assertThat(ByteSize.parse("1MiB")).isEqualTo(1024L * 1024);
    assertThat(ByteSize.parse("512k")).isEqualTo(512_000L);
    assertThat(ByteSize.parse("4096")).isEqualTo(4096L);
    assertThat(ByteSize.parse("2Gi")).isEqualTo(2L * 1024 * 1024 * 1024);
    assertThat(ByteSize.format(64L * 1024 * 1024)).isEqualTo("64Mi");
    assertThat(ByteSize.format(1500)).isEqualTo("1500");
  }

  @Test
  void a_size_that_is_not_one_says_how_to_write_it() {
    assertThatThrownBy(() -> ByteSize.parse("lots")).hasMessageContaining("64Mi");
    assertThatThrownBy(() -> ByteSize.parse("-1Mi")).hasMessageContaining("not a size");
  }
}
