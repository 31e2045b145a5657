package io.consortium.operator.mesh.protocol.messages;

import java.time.Instant;

/**
 * CERTIFICATE_UPDATE: the sender's current certificate (over the pinned key) and when it renews it
 * next. Sent when a session opens and after every renewal, so that the peer shows the right expiry
 * without the link being made again.
 *
 * @param certificate PEM of the sender's certificate
 */
public record CertificateUpdate(String certificate, Instant renewsAt) {

  public CertificateUpdate {
    Required.text(certificate, "CERTIFICATE_UPDATE", "certificate");
    Required.present(renewsAt, "CERTIFICATE_UPDATE", "renewsAt");
  }
}
