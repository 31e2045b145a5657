package io.consortium.operator.mesh.protocol;

/**
 * A frame, message or transfer refused by the protocol. The message is the one line a person
 * reads in the PeerPairing condition; {@link #error()} is its reason.
 */
public final class ProtocolException extends Exception {

  private final ProtocolError error;

  public ProtocolException(ProtocolError error, String message) {
    super(message);
    this.error = error;
  }

  public ProtocolException(ProtocolError error, String message, Throwable cause) {
    super(message, cause);
    this.error = error;
  }

  public ProtocolError error() {
    return error;
  }

  @Override
  public String toString() {
    return error + ": " + getMessage();
  }
}
