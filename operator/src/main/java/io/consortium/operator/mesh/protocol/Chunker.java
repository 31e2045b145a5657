package io.consortium.operator.mesh.protocol;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.NoSuchElementException;

/**
 * The sending side of a chunked transfer: reads a payload described by a {@link TransferManifest}
 * and makes its binary frames one at a time, on demand, so that at most one chunk is in memory
 * per pull (the caller pulls the next when the link is writable).
 *
 * <p>It starts at any chunk index: after a reconnect the receiver reports
 * {@link Reassembler#nextExpectedIndex()} in TRANSFER_STATUS and the sender resumes there, so every
 * chunk is written on the receiver exactly once. A seekable source skips by position, another by
 * reading and dropping.
 *
 * <p>A payload over {@code maxShareSize} is refused when the chunker is opened, before any frame.
 * A source that differs in length from its manifest fails the pull that finds it; the receiver's
 * SHA-256 check catches changed content.
 *
 * <p>Not thread-safe: one sender pulls from it. It reads on the caller's thread, so pull from a
 * worker when the source is a file, not from the I/O event loop.
 */
public final class Chunker implements Closeable {

  private final TransferManifest manifest;
  private final ReadableByteChannel source;
  private int nextIndex;

  private Chunker(TransferManifest manifest, ReadableByteChannel source, int startIndex) {
    this.manifest = manifest;
    this.source = source;
    this.nextIndex = startIndex;
  }

  /**
   * @param source the payload from its first byte
   * @param startIndex the first chunk to send: 0, or the receiver's next expected index
   * @throws ProtocolException PayloadTooLarge over {@code maxShareSize}, FrameTooLarge if the
   *     manifest's chunks do not fit {@code frameLimit}
   */
  public static Chunker open(TransferManifest manifest, ReadableByteChannel source, int startIndex,
      long frameLimit, long maxShareSize) throws IOException, ProtocolException {
    TransferManifest.checkShareSize(manifest.totalSize(), maxShareSize);
    EnvelopeCodec.checkFrameSize(ChunkFrame.HEADER_SIZE + (long) manifest.chunkSize(), frameLimit);
    if (startIndex < 0 || startIndex > manifest.chunkCount()) {
      throw new IllegalArgumentException("transfer " + manifest.transferId() + " has " + manifest.chunkCount()
          + " chunks; it cannot resume at " + startIndex);
    }
    long skip = Math.min((long) startIndex * manifest.chunkSize(), manifest.totalSize());
    if (source instanceof SeekableByteChannel seekable) {
      seekable.position(seekable.position() + skip);
    } else {
      drop(source, skip, manifest);
    }
    return new Chunker(manifest, source, startIndex);
  }

  public static Chunker open(TransferManifest manifest, InputStream source, int startIndex, long frameLimit,
      long maxShareSize) throws IOException, ProtocolException {
    return open(manifest, Channels.newChannel(source), startIndex, frameLimit, maxShareSize);
  }

  public TransferManifest manifest() {
    return manifest;
  }

  /** The index of the chunk the next pull makes. */
  public int nextIndex() {
    return nextIndex;
  }

  public boolean hasNext() {
    return nextIndex < manifest.chunkCount();
  }

  /** The next whole binary frame (header and data), flipped for reading. */
  public ByteBuffer next() throws IOException {
    if (!hasNext()) {
      throw new NoSuchElementException("transfer " + manifest.transferId() + " has no chunk after "
          + (manifest.chunkCount() - 1));
    }
    int index = nextIndex;
    int length = manifest.chunkLength(index);
    ByteBuffer frame = ByteBuffer.allocate(ChunkFrame.HEADER_SIZE + length);
    ChunkFrame.writeHeader(frame, manifest.transferId(), index, length);
    while (frame.hasRemaining()) {
      if (source.read(frame) == -1) {
        throw changed("it ended at byte " + ((long) index * manifest.chunkSize() + frame.position() - ChunkFrame.HEADER_SIZE));
      }
    }
    if (index == manifest.chunkCount() - 1 && source.read(ByteBuffer.allocate(1)) > 0) {
      throw changed("it is longer");
    }
    nextIndex++;
    return frame.flip();
  }

  @Override
  public void close() throws IOException {
    source.close();
  }

  private static void drop(ReadableByteChannel source, long bytes, TransferManifest manifest) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(64 * 1024, Math.max(1, bytes)));
    long left = bytes;
    while (left > 0) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), left));
      int read = source.read(buffer);
      if (read == -1) {
        throw new IOException("the payload of transfer " + manifest.transferId() + " ended before the resume point");
      }
      left -= read;
    }
  }

  private IOException changed(String how) {
    return new IOException("the payload of transfer " + manifest.transferId() + " changed since its manifest was made ("
        + how + " than its " + manifest.totalSize() + " bytes)");
  }
}
