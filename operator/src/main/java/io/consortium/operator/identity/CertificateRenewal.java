package io.consortium.operator.identity;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * When and how the instance certificate is renewed: {@code renewBefore} its expiry, over the same
 * key, so that the instance ID and every pin on it stay. A certificate that carries a rollover's
 * rolled-from statement keeps it, so a peer that missed the rollover still learns of it.
 */
public record CertificateRenewal(Duration validity, Duration renewBefore) {

  /** How far back a new certificate's notBefore is put, for peers whose clocks run a little late. */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

  public CertificateRenewal {
    if (renewBefore.plus(CLOCK_SKEW).compareTo(validity) >= 0) {
      throw new IllegalArgumentException("--cert-renew-before (" + renewBefore + ") must be shorter than"
          + " --cert-validity (" + validity + ") by more than " + CLOCK_SKEW.toSeconds() + "s");
    }
  }

  public Instant renewsAt(X509Certificate certificate) {
    return certificate.getNotAfter().toInstant().minus(renewBefore);
  }

  public boolean isDue(X509Certificate certificate, Instant now) {
    return !now.isBefore(renewsAt(certificate));
  }

  /** A new certificate over the same key pair. */
  public InstanceIdentity renew(InstanceIdentity current, String instanceName, List<String> dnsNames, Instant now) {
    String rolledFrom = KeyRollovers.rolledFromStatementOf(current.certificate()).orElse(null);
    X509Certificate certificate = SelfSignedCertificates.selfSigned(current.keyPair(), instanceName, dnsNames,
        now.minus(CLOCK_SKEW), validity, rolledFrom);
    return new InstanceIdentity(current.keyPair(), certificate);
  }

  /** A new key pair and certificate to roll to from {@code old}, its certificate carrying the old key's statement. */
  public InstanceIdentity nextKey(InstanceIdentity old, String instanceName, List<String> dnsNames, Instant rolledAt) {
    var keyPair = SelfSignedCertificates.newEcKeyPair("secp256r1");
    String statement = KeyRollovers.rolledFromStatement(old, InstanceIdentity.instanceIdOf(keyPair.getPublic()), rolledAt);
    X509Certificate certificate = SelfSignedCertificates.selfSigned(keyPair, instanceName, dnsNames,
        rolledAt.minus(CLOCK_SKEW), validity, statement);
    return new InstanceIdentity(keyPair, certificate);
  }
}
