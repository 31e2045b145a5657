package io.consortium.operator.identity;

/** An invitation that cannot be used, with the condition reason a PeerPairing shows for it. */
public final class InvitationException extends Exception {

  /** The reasons an invitation is refused, named as the PeerPairing condition names them. */
  public enum Reason {
    InvitationExpired,
    InvitationInvalid
  }

  private final Reason reason;

  public InvitationException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
