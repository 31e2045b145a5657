package io.consortium.operator.mesh.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a transfer to a temporary file through a FileChannel, so a large payload never sits in
 * heap: memory use is one chunk. {@link #finish()} hands the file to the consumer, who deletes it
 * when done; {@link #discard()} deletes it.
 */
public final class TempFileChunkSink implements ChunkSink<Path> {

  private final Path file;
  private FileChannel channel;
  private long size;

  /** Creates the file now, in {@code directory}, readable by this user only where the file system allows. */
  public TempFileChunkSink(Path directory) throws IOException {
    this.file = Files.createTempFile(directory, "transfer-", ".part");
    this.channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
  }

  public Path file() {
    return file;
  }

  @Override
  public synchronized void write(ByteBuffer data) throws IOException {
    if (channel == null) {
      throw new IOException("the transfer file " + file + " was discarded or finished");
    }
    while (data.hasRemaining()) {
      size += channel.write(data);
    }
  }

  @Override
  public synchronized long size() {
    return size;
  }

  @Override
  public synchronized Path finish() throws IOException {
    if (channel == null) {
      throw new IOException("the transfer file " + file + " was discarded or already finished");
    }
    channel.force(false);
    channel.close();
    channel = null;
    return file;
  }

  @Override
  public synchronized void discard() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
    Files.deleteIfExists(file);
    size = 0;
  }
}
