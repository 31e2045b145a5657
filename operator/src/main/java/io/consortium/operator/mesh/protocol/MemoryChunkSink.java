package io.consortium.operator.mesh.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Keeps a transfer in one array of the manifest's size, allocated up front, never copied: for
 * payloads small enough to hold in heap (the share engine's choice, by size).
 */
public final class MemoryChunkSink implements ChunkSink<byte[]> {

  private byte[] bytes;
  private int size;

  /** @param capacity the transfer's total size, at most about 2 GiB */
  public MemoryChunkSink(long capacity) {
    if (capacity < 0 || capacity > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a memory sink holds 0 to " + (Integer.MAX_VALUE - 8) + " bytes, not " + capacity);
    }
    this.bytes = new byte[(int) capacity];
  }

  @Override
  public synchronized void write(ByteBuffer data) throws IOException {
    if (bytes == null) {
      throw new IOException("the memory sink was discarded or finished");
    }
    int length = data.remaining();
    if (length > bytes.length - size) {
      throw new IOException("the memory sink holds " + bytes.length + " bytes; " + (size + (long) length) + " were written");
    }
    data.get(bytes, size, length);
    size += length;
  }

  @Override
  public synchronized long size() {
    return size;
  }

  @Override
  public synchronized byte[] finish() throws IOException {
    if (bytes == null) {
      throw new IOException("the memory sink was discarded or already finished");
    }
    if (size != bytes.length) {
      throw new IOException("the memory sink has " + size + " of its " + bytes.length + " bytes");
    }
    byte[] payload = bytes;
    bytes = null;
    return payload;
  }

  @Override
  public synchronized void discard() {
    bytes = null;
    size = 0;
  }
}
