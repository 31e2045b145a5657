package io.consortium.operator.mesh;

/**
 * What one link may spool of chunked transfers.
 *
 * @param frameLimit --frame-limit: a chunk must fit one frame
 * @param maxShareSize --max-share-size: no payload is larger
 * @param maxTransfers --max-transfers-per-link: transfers under way, or complete but not yet claimed by
 *     their offer, at once on one link (an operator of this version sends one at a time)
 * @param maxSpooledBytes --max-spooled-per-link: bytes those transfers announce, together
 */
public record TransferLimits(long frameLimit, long maxShareSize, int maxTransfers, long maxSpooledBytes) {

  public static final int DEFAULT_MAX_TRANSFERS = 4;
  public static final long DEFAULT_MAX_SPOOLED_BYTES = 128L << 20;

  public TransferLimits {
    if (maxTransfers < 1) {
      throw new IllegalArgumentException("--max-transfers-per-link must be 1 or more, got " + maxTransfers);
    }
    if (maxSpooledBytes < maxShareSize) {
      throw new IllegalArgumentException("--max-spooled-per-link (" + maxSpooledBytes + " bytes) must be at least"
          + " --max-share-size (" + maxShareSize + " bytes), or a share of the largest size could never arrive");
    }
  }
}
