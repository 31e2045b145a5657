package io.consortium.operator.mesh.protocol.messages;

import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.mesh.protocol.PeerText;

/**
 * SHARE_ACK: the receiver stored a revision; the origin moves that recipient to {@code phase}
 * (Delivered) and stops resending it. With {@code error} the receiver could not store it: the
 * origin keeps the recipient Pending, shows the error, and tries again. {@code reason} names why
 * in one CamelCase word (PrivateKeyMaterial, PayloadMismatch...); a peer that sends none is taken
 * to say ReceiverRefused.
 */
public record ShareAck(String kind, String shareUid, long revision, SharePhase phase, String error, String reason) {

  /** What the origin shows when the receiver gave no (usable) reason. */
  public static final String RECEIVER_REFUSED = "ReceiverRefused";
  private static final int MAX_ERROR = 1000;

  /** The revision is stored. */
  public ShareAck(String kind, String shareUid, long revision, SharePhase phase) {
    this(kind, shareUid, revision, phase, null, null);
  }

  public ShareAck(String kind, String shareUid, long revision, SharePhase phase, String error) {
    this(kind, shareUid, revision, phase, error, null);
  }

  public static ShareAck refused(String kind, String shareUid, long revision, String error) {
    return new ShareAck(kind, shareUid, revision, SharePhase.Pending, error, null);
  }

  /** Refused for a reason the origin shows as it is, with the receiver's message. */
  public static ShareAck refused(String kind, String shareUid, long revision, String reason, String message) {
    return new ShareAck(kind, shareUid, revision, SharePhase.Pending, reason + ": " + message, reason);
  }

  public boolean stored() {
    return error == null;
  }

  /** The receiver's reason when it is one CamelCase word, else ReceiverRefused: a peer's text is not trusted. */
  public String refusalReason() {
    return reason != null && reason.matches("[A-Z][A-Za-z0-9]{0,63}") ? reason : RECEIVER_REFUSED;
  }

  /** The receiver's error, printable and bounded, fit for a status or an Event. */
  public String errorText() {
    return error == null ? null : PeerText.safe(error, MAX_ERROR);
  }

  public ShareAck {
    Required.identifier(kind, "SHARE_ACK", "kind");
    Required.identifier(shareUid, "SHARE_ACK", "shareUid");
    Required.revision(revision, "SHARE_ACK " + shareUid);
    Required.present(phase, "SHARE_ACK " + shareUid, "phase");
  }
}
