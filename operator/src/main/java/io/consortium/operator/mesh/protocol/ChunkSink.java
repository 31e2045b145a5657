package io.consortium.operator.mesh.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a {@link Reassembler} puts a transfer's bytes, in order. The sink holds the payload at
 * most once; the reassembler hashes as it writes, so nothing reads the payload back to check it.
 *
 * @param <T> what a complete transfer gives its consumer (bytes, a file)
 */
public interface ChunkSink<T> {

  /** Appends the remaining bytes of {@code data}. */
  void write(ByteBuffer data) throws IOException;

  /** Bytes written so far. */
  long size();

  /** Called once, after the last chunk checked out: hands over the payload. */
  T finish() throws IOException;

  /** Drops what was written (a failed or abandoned transfer); the sink is unusable after it. */
  void discard() throws IOException;
}
