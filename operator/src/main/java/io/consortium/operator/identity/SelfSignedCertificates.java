package io.consortium.operator.identity;

import io.consortium.operator.pki.SelfSignedCertificate;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The instance's key pairs and its self-signed link certificate (made by {@link SelfSignedCertificate}). */
public final class SelfSignedCertificates {

  /** How long an instance certificate is valid. */
  public static final Duration INSTANCE_CERTIFICATE_VALIDITY = Duration.ofDays(365);

  private SelfSignedCertificates() {}

  /** A new key pair on the named curve ({@code secp256r1} is P-256, {@code secp384r1} is P-384). */
  public static KeyPair newEcKeyPair(String curve) {
    return SelfSignedCertificate.newEcKeyPair(curve);
  }

  /**
   * A self-signed certificate for a TLS endpoint that is both server and client of the link.
   *
   * @param commonName the subject CN, the instance name
   * @param dnsNames subject alternative names (may be empty); peers verify the key pin, not names
   */
  public static X509Certificate selfSigned(KeyPair keyPair, String commonName, List<String> dnsNames,
      Instant notBefore, Duration validity) {
    return selfSigned(keyPair, commonName, dnsNames, notBefore, validity, null);
  }

  /**
   * As above, carrying a key rollover's rolled-from statement (see {@link KeyRollovers}) when
   * {@code rolledFromStatement} is not null.
   */
  public static X509Certificate selfSigned(KeyPair keyPair, String commonName, List<String> dnsNames,
      Instant notBefore, Duration validity, String rolledFromStatement) {
    return SelfSignedCertificate.issue(keyPair, commonName, notBefore, validity,
        SelfSignedCertificate.Profile.TLS_ENDPOINT, dnsNames, rolledFromStatement == null ? Map.of()
            : Map.of(KeyRollovers.ROLLED_FROM_OID, rolledFromStatement.getBytes(StandardCharsets.US_ASCII)));
  }
}
