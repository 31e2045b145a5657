package io.consortium.operator.mesh.protocol;

import java.util.Optional;

/**
 * The receiving side of one link direction: accepts a message only if its (epoch, seq) is strictly
 * newer than the last one accepted, and counts what it drops. A sender bumps and persists its epoch
 * at every session, so after a restart its numbers are still newer; a replayed or reordered frame is
 * not. Thread-safe.
 */
public final class ReplayWindow {

  private SequenceNumber lastAccepted;
  private SequenceNumber lastDropped;
  private long dropped;

  /** A window that has accepted nothing yet: the first message is newer than nothing. */
  public ReplayWindow() {}

  /** A window that continues from a position accepted before (for example kept across a reconnect). */
  public ReplayWindow(SequenceNumber lastAccepted) {
    this.lastAccepted = lastAccepted;
  }

  /** True if the position is newer than every one accepted so far (and it is now the newest). */
  public synchronized boolean accept(long epoch, long seq) {
    SequenceNumber position = new SequenceNumber(epoch, seq);
    if (lastAccepted == null || position.isNewerThan(lastAccepted)) {
      lastAccepted = position;
      return true;
    }
    dropped++;
    lastDropped = position;
    return false;
  }

  public boolean accept(SequenceNumber position) {
    return accept(position.epoch(), position.seq());
  }

  /**
   * {@link #accept} for a handler that reports what it drops: a position not newer is counted and
   * refused with Replayed, naming the newest position accepted so far.
   */
  public synchronized void admit(SequenceNumber position) throws ProtocolException {
    SequenceNumber newest = lastAccepted;
    if (!accept(position)) {
      throw new ProtocolException(ProtocolError.Replayed, "a frame at " + position
          + " was dropped: the link already accepted " + newest + " and takes only newer (epoch, seq); "
          + dropped + " dropped so far");
    }
  }

  /** How many messages were dropped as not newer. */
  public synchronized long dropped() {
    return dropped;
  }

  /** The last dropped position, to show next to the count when someone asks why. */
  public synchronized Optional<SequenceNumber> lastDropped() {
    return Optional.ofNullable(lastDropped);
  }

  public synchronized Optional<SequenceNumber> lastAccepted() {
    return Optional.ofNullable(lastAccepted);
  }
}
