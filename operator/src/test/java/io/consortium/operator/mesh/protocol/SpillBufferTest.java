package io.consortium.operator.mesh.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An outgoing payload stays in memory while it fits a frame and goes to disk beyond, read back unchanged. */
class SpillBufferTest {

  @TempDir Path directory;

  @Test
  void a_payload_that_fits_a_frame_stays_in_memory() throws Exception {
    SpillBuffer buffer = new SpillBuffer(1024, directory);
    try (buffer) {
      buffer.write(new byte[100]);
    }

    assertThat(buffer.bytes()).hasSize(100);
    try (var files = Files.list(directory)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void a_larger_payload_spills_to_a_file_reads_back_byte_for_byte_and_is_deleted_after() throws Exception {
    byte[] payload = new byte[10_000];
    new Random(7).nextBytes(payload);
    SpillBuffer buffer = new SpillBuffer(1024, directory);
    try (buffer) {
      for (int off = 0; off < payload.length; off += 300) {
        buffer.write(payload, off, Math.min(300, payload.length - off));
      }
    }

    assertThat(buffer.size()).isEqualTo(payload.length);
    assertThatThrownBy(buffer::bytes).hasMessageContaining("spilled");
    for (int read = 0; read < 2; read++) {
      try (InputStream in = buffer.open()) {
        assertThat(in.readAllBytes()).isEqualTo(payload);
      }
    }
    buffer.delete();
    try (var files = Files.list(directory)) {
      assertThat(files).isEmpty();
    }
  }
}
