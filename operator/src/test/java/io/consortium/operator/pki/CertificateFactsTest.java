package io.consortium.operator.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.pki.CertificateFacts.Validity;
import io.consortium.operator.pki.SelfSignedCertificate.Profile;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a certificate says of itself, and the two kinds of certificate the operator makes. */
class CertificateFactsTest {

  private static final KeyPair KEY = SelfSignedCertificate.newEcKeyPair("secp384r1");
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void a_generated_ca_is_a_ca_that_signs_certificates_and_crls_with_a_subject_key_id() {
    CertificateFacts ca = CertificateFacts.of(issue(Profile.CA));

    assertThat(ca.ca()).isTrue();
    assertThat(ca.signsCertificates()).isTrue();
    assertThat(ca.keyUsage()).containsExactly("digitalSignature", "keyCertSign", "cRLSign");
    assertThat(ca.subjectKeyId()).hasSize(40);
    assertThat(ca.constraints()).isEqualTo("CA:TRUE; keyUsage digitalSignature, keyCertSign, cRLSign");
    assertThat(ca.subject()).isEqualTo("CN=org1-tls-ca, O=consortium-operator").isEqualTo(ca.issuer());
    assertThat(ca.key().curve()).isEqualTo("P-384");
    assertThat(ca.key().fingerprint()).isEqualTo(PublicKeyFacts.fingerprint(KEY.getPublic()));
  }

  @Test
  void a_link_certificate_signs_but_is_no_ca() {
    CertificateFacts leaf = CertificateFacts.of(issue(Profile.TLS_ENDPOINT));

    assertThat(leaf.ca()).isFalse();
    assertThat(leaf.signsCertificates()).isFalse();
    assertThat(leaf.keyUsage()).containsExactly("digitalSignature");
    assertThat(leaf.constraints()).startsWith("CA:FALSE");
  }

  @Test
  void validity_is_read_against_the_instant_given() {
    CertificateFacts facts = CertificateFacts.of(issue(Profile.CA));

    assertThat(facts.validityAt(START.minusSeconds(1))).isEqualTo(Validity.NOT_YET_VALID);
    assertThat(facts.validityAt(START.plus(Duration.ofDays(10)))).isEqualTo(Validity.VALID);
    assertThat(facts.validityAt(START.plus(Duration.ofDays(31)))).isEqualTo(Validity.EXPIRED);
    assertThat(facts.notAfter()).isEqualTo(START.plus(Duration.ofDays(30)));
  }

  private static X509Certificate issue(Profile profile) {
    return SelfSignedCertificate.issue(KEY, "org1-tls-ca", START, Duration.ofDays(30), profile, List.of(), Map.of());
  }
}
