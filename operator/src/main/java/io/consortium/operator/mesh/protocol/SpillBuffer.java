package io.consortium.operator.mesh.protocol;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an outgoing payload is serialized: in memory while it is small enough for one frame, in a
 * temporary file beyond that, so that a large payload is read from disk chunk by chunk instead of
 * being held whole in the heap next to the tree it was written from.
 */
public final class SpillBuffer extends OutputStream {

  private final long inMemoryLimit;
  private final Path directory;
  private ByteArrayOutputStream memory = new ByteArrayOutputStream();
  private Path file;
  private OutputStream fileOut;
  private long size;

  public SpillBuffer(long inMemoryLimit, Path directory) {
    this.inMemoryLimit = inMemoryLimit;
    this.directory = directory;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (memory != null && size + len > inMemoryLimit) {
      file = Files.createTempFile(directory, "offer-", ".json");
      fileOut = Files.newOutputStream(file);
      memory.writeTo(fileOut);
      memory = null;
    }
    (memory != null ? memory : fileOut).write(b, off, len);
    size += len;
  }

  @Override
  public void close() throws IOException {
    if (fileOut != null) {
      fileOut.close();
    }
  }

  public long size() {
    return size;
  }

  /** The bytes, while they are in memory (a payload that fits one frame). */
  public byte[] bytes() {
    if (memory == null) {
      throw new IllegalStateException("the payload spilled to " + file + ": read it with open()");
    }
    return memory.toByteArray();
  }

  /** Reads the payload from its start, from memory or from the file; can be called more than once. */
  public InputStream open() throws IOException {
    return memory != null ? new ByteArrayInputStream(memory.toByteArray()) : Files.newInputStream(file);
  }

  /** Removes the file, if the payload spilled to one. */
  public void delete() {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // A temp file left behind is removed with the pod's emptyDir; nothing else depends on it.
      }
    }
  }
}
