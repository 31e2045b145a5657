package io.consortium.operator.mesh.protocol.messages;

import io.consortium.operator.api.v1alpha1.spec.SharePhase;

/**
 * SHARE_ACK: the receiver stored a revision; the origin moves that recipient to {@code phase}
 * (Delivered) and stops resending it.
 */
public record ShareAck(String kind, String shareUid, long revision, SharePhase phase) {

  public ShareAck {
    Required.text(kind, "SHARE_ACK", "kind");
    Required.text(shareUid, "SHARE_ACK", "shareUid");
    Required.revision(revision, "SHARE_ACK " + shareUid);
    Required.present(phase, "SHARE_ACK " + shareUid, "phase");
  }
}
