package io.consortium.operator.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.pki.Pem;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstanceIdentityTest {

  @Test
  void the_instance_id_is_the_sha256_of_the_public_key_so_a_renewed_certificate_keeps_it() throws Exception {
    KeyPair keyPair = SelfSignedCertificates.newEcKeyPair("secp256r1");
    X509Certificate first = SelfSignedCertificates.selfSigned(keyPair, "org1", List.of("org1.example.com"),
        Instant.parse("2026-01-01T00:00:00Z"), Duration.ofDays(365));
    X509Certificate renewed = SelfSignedCertificates.selfSigned(keyPair, "org1", List.of("org1.example.com"),
        Instant.parse("2026-12-01T00:00:00Z"), Duration.ofDays(365));

    InstanceIdentity before = new InstanceIdentity(keyPair, first);
    InstanceIdentity after = new InstanceIdentity(keyPair, renewed);

    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(keyPair.getPublic().getEncoded()));
    assertThat(before.instanceId()).isEqualTo(expected);
    assertThat(after.instanceId()).isEqualTo(before.instanceId());
    assertThat(after.certificateThumbprint()).isNotEqualTo(before.certificateThumbprint());
  }

  @Test
  void the_certificate_is_self_signed_ec_p256_for_both_ends_of_a_link() throws Exception {
    KeyPair keyPair = SelfSignedCertificates.newEcKeyPair("secp256r1");
    X509Certificate certificate = SelfSignedCertificates.selfSigned(keyPair, "org1", List.of("org1.example.com", "10.0.0.1"),
        Instant.now(), SelfSignedCertificates.INSTANCE_CERTIFICATE_VALIDITY);

    certificate.verify(keyPair.getPublic());
    assertThat(certificate.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(certificate.getSubjectX500Principal().getName()).contains("CN=org1");
    assertThat(certificate.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(certificate.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1)))).contains("org1.example.com", "10.0.0.1");
    assertThat(Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant()))
        .isEqualTo(Duration.ofDays(365));
  }

  @Test
  void pem_round_trips_the_key_and_certificate() {
    KeyPair keyPair = SelfSignedCertificates.newEcKeyPair("secp256r1");
    X509Certificate certificate = SelfSignedCertificates.selfSigned(keyPair, "org1", List.of(), Instant.now(), Duration.ofDays(1));

    assertThat(Pem.readPrivateKey(Pem.privateKey(keyPair.getPrivate())).getEncoded()).isEqualTo(keyPair.getPrivate().getEncoded());
    assertThat(Pem.readCertificates(Pem.certificate(certificate))).containsExactly(certificate);
  }
}
