package io.consortium.operator.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consortium.operator.api.v1alpha1.spec.PublicKeyMaterial;
import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.identity.SelfSignedCertificates;
import io.consortium.operator.mesh.protocol.PrivateKeyScanner;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.junit.jupiter.api.Test;

/** What a KeyShare sends, from every kind of source: public material only, and the same fingerprint. */
class PublicMaterialTest {

  private final KeyPair ec = SelfSignedCertificates.newEcKeyPair("secp256r1");
  private final X509Certificate certificate = SelfSignedCertificates.selfSigned(ec, "Admin@org1.example.com",
      List.of(), Instant.now(), Duration.ofDays(30));

  @Test
  void org1s_admin_certificate_shares_the_certificate_and_its_public_key() {
    PublicKeyMaterial material = PublicMaterial.fromPem(Pem.certificate(certificate), "test");

    assertThat(material.certificate).contains("BEGIN CERTIFICATE");
    assertThat(material.publicKey).contains("BEGIN PUBLIC KEY");
    assertThat(material.algorithm).isEqualTo("EC");
    assertThat(material.curve).isEqualTo("P-256");
    assertThat(material.keySize).isEqualTo(256);
    assertThat(material.fingerprint).isEqualTo(InstanceIdentity.instanceIdOf(ec.getPublic()));
  }

  @Test
  void a_private_key_of_any_usual_encoding_gives_its_public_half_and_never_itself() throws Exception {
    KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    String ecPkcs8 = Pem.privateKey(ec.getPrivate());
    String rsaPkcs8 = Pem.privateKey(rsa.getPrivate());
    String ecSec1 = sec1(ec, true);
    String ecSec1WithoutPublicPoint = sec1(ec, false);
    String rsaPkcs1 = writeLegacy(rsa);
    PrivateKeyScanner scanner = PrivateKeyScanner.of(List.of(ec.getPrivate(), rsa.getPrivate()));

    for (String source : List.of(ecPkcs8, ecSec1, ecSec1WithoutPublicPoint)) {
      PublicKeyMaterial material = PublicMaterial.fromPem(source, "test");
      assertThat(material.fingerprint).isEqualTo(InstanceIdentity.instanceIdOf(ec.getPublic()));
      assertThat(scanner.containsAny(Serialization.asJson(material).getBytes(StandardCharsets.UTF_8))).isFalse();
    }
    for (String source : List.of(rsaPkcs8, rsaPkcs1)) {
      PublicKeyMaterial material = PublicMaterial.fromPem(source, "test");
      assertThat(material.algorithm).isEqualTo("RSA");
      assertThat(material.keySize).isEqualTo(2048);
      assertThat(material.fingerprint).isEqualTo(InstanceIdentity.instanceIdOf(rsa.getPublic()));
      assertThat(scanner.containsAny(Serialization.asJson(material).getBytes(StandardCharsets.UTF_8))).isFalse();
    }
  }

  @Test
  void a_tls_pair_secret_shares_the_certificate_not_the_key() {
    PublicKeyMaterial material = PublicMaterial.fromSecret("org1-tls",
        Map.of("tls.key", Pem.privateKey(ec.getPrivate()), "tls.crt", Pem.certificate(certificate)), null);

    assertThat(material.certificate).isNotNull();
    assertThat(Serialization.asJson(material)).doesNotContain("PRIVATE KEY");
  }

  @Test
  void a_source_that_cannot_be_reduced_to_public_material_is_refused_with_the_reason() throws Exception {
    assertThatThrownBy(() -> PublicMaterial.fromSecret("db", Map.of("password", "hunter2"), null))
        .hasMessageContaining("none of the keys").hasMessageContaining("spec.source.key");
    assertThatThrownBy(() -> PublicMaterial.fromSecret("db", Map.of("password", "hunter2"), "password"))
        .hasMessageContaining("nothing public can be derived");
    assertThatThrownBy(() -> PublicMaterial.fromSecret("db", Map.of(), "tls.crt")).hasMessageContaining("no key 'tls.crt'");

    StringWriter encrypted = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(encrypted)) {
      writer.writeObject(new JcaPKCS8Generator(ec.getPrivate(),
          new JceOpenSSLPKCS8EncryptorBuilder(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC)
              .setPassword("secret".toCharArray()).build()));
    }
    assertThatThrownBy(() -> PublicMaterial.fromPem(encrypted.toString(), "Secret k key 'key.pem'"))
        .hasMessageContaining("encrypted private key");
  }

  @Test
  void a_generated_key_keeps_its_private_half_apart_from_what_is_shared() {
    PublicMaterial.Generated generated = PublicMaterial.generate("P-384", "org1-signing", Instant.now(), false);

    assertThat(generated.privateKeyPem()).contains("PRIVATE KEY");
    assertThat(generated.material().curve).isEqualTo("P-384");
    assertThat(generated.material().certificate).contains("BEGIN CERTIFICATE");
    assertThat(Serialization.asJson(generated.material())).doesNotContain("PRIVATE KEY");
    assertThat(PublicMaterial.fromPem(generated.privateKeyPem(), "test").fingerprint)
        .isEqualTo(generated.material().fingerprint);
    assertThatThrownBy(() -> PublicMaterial.generate("P-521", "x", Instant.now(), false)).hasMessageContaining("P-256 or P-384");
  }

  /** "EC PRIVATE KEY" as openssl writes it (named curve, with or without the public point). */
  private static String sec1(KeyPair pair, boolean withPublicPoint) throws Exception {
    java.security.interfaces.ECPrivateKey key = (java.security.interfaces.ECPrivateKey) pair.getPrivate();
    var parameters = new org.bouncycastle.asn1.x9.X962Parameters(org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1);
    org.bouncycastle.asn1.sec.ECPrivateKey sec1;
    if (withPublicPoint) {
      byte[] point = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded())
          .getPublicKeyData().getBytes();
      sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, key.getS(),
          new org.bouncycastle.asn1.DERBitString(point), parameters);
    } else {
      sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, key.getS(), parameters);
    }
    StringWriter out = new StringWriter();
    try (org.bouncycastle.util.io.pem.PemWriter writer = new org.bouncycastle.util.io.pem.PemWriter(out)) {
      writer.writeObject(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1.getEncoded()));
    }
    return out.toString();
  }

  /** The traditional OpenSSL encoding of RSA: PKCS#1. */
  private static String writeLegacy(KeyPair pair) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(pair);
    }
    return out.toString();
  }
}
