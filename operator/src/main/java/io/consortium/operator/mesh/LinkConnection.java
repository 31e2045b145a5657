package io.consortium.operator.mesh;

import java.net.SocketAddress;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;

/**
 * One established WebSocket link over mutual TLS. Moves text frames (signed envelopes) and binary
 * frames (payload chunks); what they mean is the protocol layer's business.
 */
public interface LinkConnection {

  /** The instance ID of the key the peer proved in the TLS handshake. */
  String peerInstanceId();

  X509Certificate peerCertificate();

  SocketAddress remoteAddress();

  /** True on the side that dialled. */
  boolean dialled();

  CompletableFuture<Void> sendText(String text);

  CompletableFuture<Void> sendBinary(byte[] data);

  /** Closes with a WebSocket close frame carrying the reason (shown to the peer and in its logs). */
  void close(String reason);

  /**
   * Closes a link on which the dialler did not open a session as it must (a frame other than HELLO or
   * REDEEM first, a binary frame): on the listener's side it is counted in
   * {@code consortium_link_connections_refused_total} under {@code reason}.
   */
  void refuseBeforeSession(String reason, String message);

  /** The link now carries a session: on the listener's side it stops counting against the caps for links without one. */
  void sessionOpened();

  /** How many lines carrying this link's peer's words may be logged: a flood is counted, not logged. */
  LogBudget logBudget();

  boolean isOpen();
}
