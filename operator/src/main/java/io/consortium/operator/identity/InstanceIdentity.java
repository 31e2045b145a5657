package io.consortium.operator.identity;

import io.consortium.operator.pki.PublicKeyFacts;
import io.consortium.operator.pki.Sha256;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;

/**
 * This instance's identity: an EC P-256 key pair and the self-signed certificate around its public
 * key. The instance ID is the hex SHA-256 of the DER SubjectPublicKeyInfo (the CCF convention), so
 * a certificate renewed over the same key keeps the same ID and every pin made on it.
 */
public record InstanceIdentity(KeyPair keyPair, X509Certificate certificate) {

  public InstanceIdentity {
    if (!java.util.Arrays.equals(certificate.getPublicKey().getEncoded(), keyPair.getPublic().getEncoded())) {
      throw new IllegalArgumentException("the certificate does not hold the identity's public key");
    }
  }

  /** The instance ID: lowercase hex SHA-256 of the DER SubjectPublicKeyInfo. */
  public String instanceId() {
    return instanceIdOf(keyPair.getPublic());
  }

  /** The instance ID of any public key; this is also the pin a peer keeps for it. */
  public static String instanceIdOf(PublicKey publicKey) {
    return PublicKeyFacts.fingerprint(publicKey);
  }

  /** {@code x5t#S256}: base64url SHA-256 of the certificate DER, as JOSE names it. */
  public String certificateThumbprint() {
    return thumbprintOf(certificate);
  }

  /** {@code x5t#S256} of any certificate: the thumbprint invitations carry and pairings show. */
  public static String thumbprintOf(X509Certificate certificate) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Sha256.digest(certificate.getEncoded()));
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode a certificate", e);
    }
  }

  public Instant certificateNotAfter() {
    return certificate.getNotAfter().toInstant();
  }
}
