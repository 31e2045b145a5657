package io.consortium.operator.mesh;

/** A link that could not be made, with the condition reason a PeerPairing shows for it. */
public final class LinkFailure extends RuntimeException {

  private final String reason;

  public LinkFailure(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
