package io.consortium.operator.mesh.protocol;

import io.consortium.operator.pki.Sha256;
import io.consortium.operator.api.ByteSize;
import java.io.IOException;
import java.security.MessageDigest;

/**
 * The receiving side of one chunked transfer: takes chunks in order, writes them to a
 * {@link ChunkSink} and feeds the SHA-256 as they come, and on the last chunk compares digest and
 * size to the signed manifest. A mismatch discards the partial payload.
 *
 * <p>Chunks must arrive in order. After a reconnect the sender may resend chunks the receiver
 * already has: those are ignored (idempotent), so each byte is written once. A chunk beyond the next
 * expected one means chunks were lost: it is refused (ChunkGap) and nothing changes, so the sender
 * can resume from {@link #nextExpectedIndex()}.
 *
 * <p>Hashing and writing cost as much as the link itself: call {@link #accept} from a worker
 * thread, never the I/O event loop. Thread-safe; chunks of one transfer are taken one at a time.
 * Resumption covers link cuts: the digest state lives in memory, so a restarted receiver starts
 * the transfer again with a new reassembler.
 */
public final class Reassembler<T> {

  /** What a chunk did. */
  public enum Progress {
    /** Written; more to come. */
    ACCEPTED,
    /** Already had it (a resend after a reconnect); ignored. */
    DUPLICATE,
    /** The last chunk: digest and size match; {@link #result()} holds the payload. */
    COMPLETE
  }

  private final TransferManifest manifest;
  private final ChunkSink<T> sink;
  private final MessageDigest digest = TransferManifest.newDigest();
  private int nextExpected;
  private T result;
  private ProtocolException failure;

  /**
   * @throws ProtocolException PayloadTooLarge over this instance's {@code maxShareSize},
   *     FrameTooLarge when the manifest's chunks would not fit this instance's {@code frameLimit}
   */
  public Reassembler(TransferManifest manifest, ChunkSink<T> sink, long frameLimit, long maxShareSize)
      throws ProtocolException {
    TransferManifest.checkShareSize(manifest.totalSize(), maxShareSize);
    if (ChunkFrame.HEADER_SIZE + (long) manifest.chunkSize() > frameLimit) {
      throw new ProtocolException(ProtocolError.FrameTooLarge, "transfer " + manifest.transferId()
          + " announces chunks of " + manifest.chunkSize() + " bytes, which do not fit this instance's frame limit of "
          + frameLimit + " bytes (" + ByteSize.format(frameLimit) + ", --frame-limit)");
    }
    this.manifest = manifest;
    this.sink = sink;
  }

  public TransferManifest manifest() {
    return manifest;
  }

  /** The index of the chunk wanted next: what TRANSFER_STATUS reports after a reconnect. */
  public synchronized int nextExpectedIndex() {
    return nextExpected;
  }

  public synchronized boolean isComplete() {
    return result != null;
  }

  /** The payload, once the last chunk checked out. */
  public synchronized T result() {
    if (result == null) {
      throw new IllegalStateException("transfer " + manifest.transferId() + " is not complete: "
          + nextExpected + " of " + manifest.chunkCount() + " chunks received");
    }
    return result;
  }

  public synchronized Progress accept(ChunkFrame chunk) throws IOException, ProtocolException {
    if (failure != null) {
      throw failure;
    }
    if (!manifest.transferId().equals(chunk.transferId())) {
      throw new ProtocolException(ProtocolError.UnknownTransfer, "a chunk of transfer " + chunk.transferId()
          + " was given to transfer " + manifest.transferId());
    }
    int index = chunk.index();
    if (index >= manifest.chunkCount()) {
      throw new ProtocolException(ProtocolError.MalformedFrame, "transfer " + manifest.transferId() + " has "
          + manifest.chunkCount() + " chunks; a chunk with index " + index + " cannot belong to it");
    }
    if (index < nextExpected) {
      return Progress.DUPLICATE;
    }
    if (index > nextExpected) {
      throw new ProtocolException(ProtocolError.ChunkGap, "transfer " + manifest.transferId() + " received chunk "
          + index + " while it expects chunk " + nextExpected + ": chunks were lost; resume from " + nextExpected);
    }
    int expectedLength = manifest.chunkLength(index);
    if (chunk.data().remaining() != expectedLength) {
      throw new ProtocolException(ProtocolError.MalformedFrame, "chunk " + index + " of transfer "
          + manifest.transferId() + " has " + chunk.data().remaining() + " bytes; its manifest says " + expectedLength);
    }
    digest.update(chunk.data().duplicate());
    sink.write(chunk.data().duplicate());
    nextExpected++;
    if (nextExpected < manifest.chunkCount()) {
      return Progress.ACCEPTED;
    }
    String actual = Sha256.hex(digest);
    if (!actual.equals(manifest.sha256()) || sink.size() != manifest.totalSize()) {
      failure = new ProtocolException(ProtocolError.ChecksumMismatch, "transfer " + manifest.transferId()
          + " arrived with SHA-256 " + actual + " and " + sink.size() + " bytes; its signed manifest says "
          + manifest.sha256() + " and " + manifest.totalSize() + " bytes: the partial payload was discarded");
      sink.discard();
      throw failure;
    }
    result = sink.finish();
    return Progress.COMPLETE;
  }

  /** Gives up the transfer (pairing gone, share revoked) and drops what was received. */
  public synchronized void abandon() throws IOException {
    if (result == null) {
      sink.discard();
    }
  }
}
