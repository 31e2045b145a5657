package io.consortium.operator.mesh.protocol;

/**
 * A position in one direction of a link: the sender's session epoch, then the sequence number
 * within it. Ordered lexicographically, so a new epoch is newer than any seq of an older one.
 */
public record SequenceNumber(long epoch, long seq) implements Comparable<SequenceNumber> {

  public SequenceNumber {
    if (epoch < 0 || seq < 0) {
      throw new IllegalArgumentException("epoch and seq cannot be negative, got (" + epoch + ", " + seq + ")");
    }
  }

  @Override
  public int compareTo(SequenceNumber other) {
    int byEpoch = Long.compare(epoch, other.epoch);
    return byEpoch != 0 ? byEpoch : Long.compare(seq, other.seq);
  }

  public boolean isNewerThan(SequenceNumber other) {
    return compareTo(other) > 0;
  }

  @Override
  public String toString() {
    return "(" + epoch + ", " + seq + ")";
  }
}
