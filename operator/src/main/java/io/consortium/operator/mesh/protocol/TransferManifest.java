package io.consortium.operator.mesh.protocol;

import io.consortium.operator.pki.Sha256;
import io.consortium.operator.api.ByteSize;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.UUID;

/**
 * What a chunked transfer will deliver, sent signed (the body of TRANSFER_BEGIN) before its
 * chunks: the chunks themselves are bare binary frames on the mutually authenticated link, and the
 * SHA-256 here is what makes their content as trustworthy as a signed message.
 *
 * <p>Every chunk but the last is {@code chunkSize} bytes. An empty payload is one empty chunk, so
 * that every transfer ends with a last chunk on which the receiver checks the digest.
 *
 * @param sha256 lowercase hex SHA-256 of the whole payload
 */
public record TransferManifest(UUID transferId, long totalSize, int chunkSize, int chunkCount, String sha256) {

  public TransferManifest {
    if (transferId == null) {
      throw new IllegalArgumentException("a transfer manifest has no transferId");
    }
    if (totalSize < 0) {
      throw new IllegalArgumentException("transfer " + transferId + " has a negative size " + totalSize);
    }
    if (chunkSize < 1) {
      throw new IllegalArgumentException("transfer " + transferId + " has a chunk size below 1: " + chunkSize);
    }
    long expected = chunkCountFor(totalSize, chunkSize);
    if (chunkCount != expected) {
      throw new IllegalArgumentException("transfer " + transferId + " of " + totalSize + " bytes in chunks of "
          + chunkSize + " has " + expected + " chunks, not " + chunkCount);
    }
    if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("transfer " + transferId + "'s sha256 is not 64 lowercase hex digits: " + sha256);
    }
  }

  /** The chunks a payload of {@code totalSize} takes: at least one. */
  public static long chunkCountFor(long totalSize, int chunkSize) {
    return totalSize == 0 ? 1 : (totalSize + chunkSize - 1) / chunkSize;
  }

  /** The largest chunk that fits a binary frame under {@code frameLimit}. */
  public static int chunkSizeFor(long frameLimit) {
    long size = Math.min(frameLimit - ChunkFrame.HEADER_SIZE, Integer.MAX_VALUE - 64);
    if (size < 1) {
      throw new IllegalArgumentException("a frame limit of " + frameLimit + " bytes leaves no room for chunk data");
    }
    return (int) size;
  }

  /** The length of chunk {@code index}. */
  public int chunkLength(int index) {
    if (index < 0 || index >= chunkCount) {
      throw new IndexOutOfBoundsException("transfer " + transferId + " has chunks 0 to " + (chunkCount - 1) + ", not " + index);
    }
    return index < chunkCount - 1 ? chunkSize : (int) (totalSize - (long) chunkSize * (chunkCount - 1));
  }

  /**
   * Describes a payload by reading it once with a bounded buffer (size and SHA-256), refusing it
   * as soon as it grows past {@code maxShareSize}: nothing of it has been sent then.
   */
  public static TransferManifest describe(UUID transferId, InputStream payload, long frameLimit, long maxShareSize)
      throws IOException, ProtocolException {
    MessageDigest digest = newDigest();
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    int read;
    while ((read = payload.read(buffer)) != -1) {
      total += read;
      if (total > maxShareSize) {
        throw tooLarge("more than " + total, maxShareSize);
      }
      digest.update(buffer, 0, read);
    }
    int chunkSize = chunkSizeFor(frameLimit);
    return new TransferManifest(transferId, total, chunkSize, (int) chunkCountFor(total, chunkSize),
        Sha256.hex(digest));
  }

  /** Refuses a size over the limit, naming the flag and both sizes. */
  static void checkShareSize(long size, long maxShareSize) throws ProtocolException {
    if (size > maxShareSize) {
      throw tooLarge(String.valueOf(size), maxShareSize);
    }
  }

  private static ProtocolException tooLarge(String size, long maxShareSize) {
    return new ProtocolException(ProtocolError.PayloadTooLarge, "the payload is " + size + " bytes, over the "
        + maxShareSize + " bytes (" + ByteSize.format(maxShareSize) + ") that --max-share-size allows: "
        + "it was not sent; raise --max-share-size on both instances or share less");
  }

  static MessageDigest newDigest() {
    return Sha256.newDigest();
  }
}
