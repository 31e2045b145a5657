package io.consortium.operator.mesh.protocol.messages;

import io.consortium.operator.pki.Pem;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * REDEEM: the invitee redeems an invitation. It proves possession of the key in its certificate by
 * the envelope signature, which the inviter checks against that certificate's key; the inviter then
 * pins that key. The inviter cannot know the key before this message, so it opens the REDEEM frame
 * with the key of the TLS client certificate and then requires {@link #certificate()} to hold the
 * same key: the frame, the TLS session and the pin then all name one key.
 *
 * @param invitationId the invitation's {@code jti}
 * @param invitation the compact invitation JWS itself, as the inviter issued it
 * @param inviteeName the name the invitee gives itself
 * @param certificatePem the invitee's instance certificate, PEM
 */
public record Redeem(String invitationId, String invitation, String inviteeName, String certificatePem) {

  public Redeem {
    Required.text(invitationId, "REDEEM", "invitationId");
    Required.text(invitation, "REDEEM", "invitation");
    Required.text(inviteeName, "REDEEM", "inviteeName");
    Required.text(certificatePem, "REDEEM", "certificatePem");
  }

  /** The invitee's certificate; IllegalArgumentException if the PEM holds none. */
  public X509Certificate certificate() {
    List<X509Certificate> certificates = Pem.readCertificates(certificatePem);
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("the REDEEM from " + inviteeName + " carries no certificate in certificatePem");
    }
    return certificates.get(0);
  }
}
