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

  boolean isOpen();
}
