package io.consortium.operator.besu;

/**
 * A Besu node did not do what was asked, for a {@link Reason} a controller can act on and a
 * message a person can read. Never a stack trace to the user.
 */
public final class BesuNodeException extends RuntimeException {

  /** Why the node did not answer as asked. */
  public enum Reason {
    /** Nothing listens at the JSON-RPC address (node down, wrong port). */
    CONNECTION_REFUSED,
    /** The connection closed before an answer arrived. */
    CONNECTION_DROPPED,
    /** No answer in time. */
    TIMEOUT,
    /** The host name does not resolve. */
    UNKNOWN_HOST,
    /** Besu knows the method but its API group is off: add QBFT to --rpc-http-api (-32604). */
    METHOD_NOT_ENABLED,
    /** The node does not know the method at all (not Besu, or too old) (-32601). */
    METHOD_NOT_FOUND,
    /** Any other JSON-RPC error, with its code and message. */
    JSON_RPC_ERROR,
    /** An HTTP status other than 200, e.g. 401 when JSON-RPC authentication is on. */
    HTTP_ERROR,
    /** A 200 answer that is not the JSON-RPC response expected. */
    MALFORMED_RESPONSE
  }

  private final Reason reason;

  public BesuNodeException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
