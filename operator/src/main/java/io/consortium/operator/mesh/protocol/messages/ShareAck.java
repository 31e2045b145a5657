package io.consortium.operator.mesh.protocol.messages;

import io.consortium.operator.api.v1alpha1.spec.SharePhase;

/**
 * SHARE_ACK: the receiver stored a revision; the origin moves that recipient to {@code phase}
 * (Delivered) and stops resending it. With {@code error} the receiver could not store it: the
 * origin keeps the recipient Pending, shows the error, and tries again.
 */
public record ShareAck(String kind, String shareUid, long revision, SharePhase phase, String error) {

  /** The revision is stored. */
  public ShareAck(String kind, String shareUid, long revision, SharePhase phase) {
    this(kind, shareUid, revision, phase, null);
  }

  public static ShareAck refused(String kind, String shareUid, long revision, String error) {
    return new ShareAck(kind, shareUid, revision, SharePhase.Pending, error);
  }

  public boolean stored() {
    return error == null;
  }

  public ShareAck {
    Required.identifier(kind, "SHARE_ACK", "kind");
    Required.identifier(shareUid, "SHARE_ACK", "shareUid");
    Required.revision(revision, "SHARE_ACK " + shareUid);
    Required.present(phase, "SHARE_ACK " + shareUid, "phase");
  }
}
