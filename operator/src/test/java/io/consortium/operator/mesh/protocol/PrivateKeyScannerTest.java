package io.consortium.operator.mesh.protocol;

import static io.consortium.operator.mesh.protocol.TestIdentities.newIdentity;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.identity.SelfSignedCertificates;
import io.consortium.operator.mesh.protocol.messages.Redeem;
import io.consortium.operator.mesh.protocol.messages.ShareOffer;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.Test;

class PrivateKeyScannerTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);
  private static final InstanceIdentity ORG1 = newIdentity("org1");
  private static final InstanceIdentity ORG2 = newIdentity("org2");
  private static final KeyPair P256 = SelfSignedCertificates.newEcKeyPair("secp256r1");
  private static final KeyPair P384 = SelfSignedCertificates.newEcKeyPair("secp384r1");
  private static final KeyPair RSA = rsa();
  private static final KeyPair UNWATCHED = SelfSignedCertificates.newEcKeyPair("secp256r1");

  private final PrivateKeyScanner scanner = PrivateKeyScanner.of(Map.of(
      "org1 instance key", ORG1.keyPair().getPrivate(),
      "org1 admin (P-256)", P256.getPrivate(),
      "orderer (P-384)", P384.getPrivate(),
      "legacy CA (RSA)", RSA.getPrivate()));

  private static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Traditional OpenSSL PEM: "EC PRIVATE KEY" (SEC1) or "RSA PRIVATE KEY" (PKCS#1), as BouncyCastle writes a key pair. */
  private static String traditionalPem(KeyPair keyPair) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(keyPair);
    }
    return out.toString();
  }

  private static byte[] pemBody(String pem) {
    return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
  }

  private static byte[] scalar(KeyPair ec, int size) {
    return BigIntegers.asUnsignedByteArray(size, ((ECPrivateKey) ec.getPrivate()).getS());
  }

  private static byte[] embedded(byte[] inner) {
    byte[] prefix = new byte[777];
    byte[] suffix = new byte[333];
    new Random(1).nextBytes(prefix);
    new Random(2).nextBytes(suffix);
    return ByteBuffer.allocate(prefix.length + inner.length + suffix.length).put(prefix).put(inner).put(suffix).array();
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** A SHARE_OFFER frame, signed, as it would cross the wire, carrying {@code value} in its payload. */
  private static byte[] shareOfferCarrying(String value) {
    ObjectNode payload = JsonNodeFactory.instance.objectNode().put("material", value);
    ShareOffer offer = new ShareOffer("KeyShare", "uid-1", "leak", 1, null, payload, null);
    Envelope envelope = Messages.envelope(MessageType.SHARE_OFFER, ORG1.instanceId(), ORG2.instanceId(), 1, 1, offer, CLOCK);
    return ascii(EnvelopeCodec.sign(envelope, ORG1));
  }

  @Test
  void a_pkcs8_pem_in_a_share_payload_is_found_through_the_jws_and_the_json_escapes() {
    byte[] frame = shareOfferCarrying(Pem.privateKey(P256.getPrivate()));

    assertThat(scanner.scan(frame)).anySatisfy(finding -> {
      assertThat(finding.key()).isEqualTo("org1 admin (P-256)");
      assertThat(finding.form()).isEqualTo("PKCS#8 DER");
      assertThat(finding.rendering()).isEqualTo("base64");
      assertThat(finding.layer()).isEqualTo(1);
    });
  }

  @Test
  void the_instance_key_itself_is_found_if_it_is_ever_put_in_a_frame() {
    byte[] frame = shareOfferCarrying(Pem.privateKey(ORG1.keyPair().getPrivate()));

    assertThat(scanner.scan(frame)).extracting(PrivateKeyScanner.Finding::key).contains("org1 instance key");
  }

  @Test
  void pkcs8_der_is_found_inside_a_binary_chunk() throws Exception {
    byte[] frame = ChunkFrame.encode(UUID.randomUUID(), 0, ByteBuffer.wrap(embedded(P384.getPrivate().getEncoded()))).array();

    assertThat(scanner.scan(frame)).anySatisfy(finding -> {
      assertThat(finding.key()).isEqualTo("orderer (P-384)");
      assertThat(finding.form()).isEqualTo("PKCS#8 DER");
      assertThat(finding.rendering()).isEqualTo("binary");
    });
  }

  @Test
  void sec1_der_as_openssl_writes_it_is_found_raw_and_as_pem() throws Exception {
    String sec1Pem = traditionalPem(P256);
    assertThat(sec1Pem).startsWith("-----BEGIN EC PRIVATE KEY-----");

    assertThat(scanner.containsAny(embedded(pemBody(sec1Pem)))).isTrue();
    assertThat(scanner.containsAny(ascii("key: |\n" + sec1Pem.indent(2)))).isTrue();
    assertThat(scanner.containsAny(shareOfferCarrying(sec1Pem))).isTrue();
  }

  @Test
  void pkcs1_der_of_an_rsa_key_is_found_raw_and_as_pem() throws Exception {
    String pkcs1Pem = traditionalPem(RSA);
    assertThat(pkcs1Pem).startsWith("-----BEGIN RSA PRIVATE KEY-----");

    assertThat(scanner.scan(embedded(pemBody(pkcs1Pem))))
        .anySatisfy(finding -> assertThat(finding.form()).isEqualTo("PKCS#1 DER"));
    assertThat(scanner.scan(shareOfferCarrying(pkcs1Pem)))
        .anySatisfy(finding -> assertThat(finding.key()).isEqualTo("legacy CA (RSA)"));
  }

  @Test
  void the_bare_ec_scalar_is_found_at_its_curve_size_raw_hex_and_base64url() {
    byte[] p256Scalar = scalar(P256, 32);
    byte[] p384Scalar = scalar(P384, 48);

    assertThat(scanner.scan(embedded(p256Scalar)))
        .anySatisfy(finding -> assertThat(finding.form()).isEqualTo("EC scalar"));
    assertThat(scanner.scan(embedded(p384Scalar)))
        .anySatisfy(finding -> assertThat(finding.key()).isEqualTo("orderer (P-384)"));
    String hex = HexFormat.of().formatHex(p256Scalar).toUpperCase(Locale.ROOT);
    assertThat(scanner.scan(ascii("{\"d\":\"" + hex + "\"}")))
        .anySatisfy(finding -> assertThat(finding.rendering()).isEqualTo("hex"));
    // A JWK's "d" is the scalar in base64url.
    String jwkD = Base64.getUrlEncoder().withoutPadding().encodeToString(p256Scalar);
    assertThat(scanner.containsAny(ascii("{\"kty\":\"EC\",\"crv\":\"P-256\",\"d\":\"" + jwkD + "\"}"))).isTrue();
    assertThat(scanner.containsAny(shareOfferCarrying(jwkD))).isTrue();
  }

  @Test
  void a_key_inside_a_larger_base64_blob_is_found_at_every_alignment() {
    for (int offset = 0; offset < 3; offset++) {
      byte[] blob = new byte[offset + 600];
      new Random(offset).nextBytes(blob);
      byte[] key = P256.getPrivate().getEncoded();
      System.arraycopy(key, 0, blob, offset + 100, key.length);

      // Glued to a word, the blob does not decode as one token: the key must be found in the text itself.
      String glued = "secret";
      assertFoundWhole(glued + Base64.getEncoder().encodeToString(blob), "base64", offset);
      assertFoundWhole(glued + Base64.getUrlEncoder().encodeToString(blob), "base64url", offset);
      assertFoundWhole(glued + Base64.getMimeEncoder().encodeToString(blob), "base64", offset);
    }
  }

  private void assertFoundWhole(String text, String rendering, int offset) {
    assertThat(scanner.scan(ascii(text))).as("%s at offset %d", rendering, offset).anySatisfy(finding -> {
      assertThat(finding.form()).isEqualTo("PKCS#8 DER");
      // A stretch with neither '+' nor '/' reads the same in both alphabets and is reported as base64.
      assertThat(finding.rendering()).isIn(rendering, "base64");
      assertThat(finding.layer()).isZero();
    });
  }

  @Test
  void a_pem_file_sent_as_base64_inside_json_is_found_two_layers_down() {
    String pemAsBase64 = Base64.getEncoder().encodeToString(ascii(Pem.privateKey(RSA.getPrivate()).replace("\n", "\r\n")));

    assertThat(scanner.scan(shareOfferCarrying(pemAsBase64)))
        .anySatisfy(finding -> {
          assertThat(finding.key()).isEqualTo("legacy CA (RSA)");
          assertThat(finding.layer()).isEqualTo(2);
        });
  }

  @Test
  void public_keys_and_certificates_are_not_taken_for_private_keys() throws Exception {
    List<byte[]> publicMaterial = List.of(
        ascii(Pem.certificate(ORG1.certificate())),
        ascii(Pem.publicKey(P256.getPublic())),
        ascii(Pem.publicKey(RSA.getPublic())),
        embedded(P384.getPublic().getEncoded()),
        embedded(ORG1.certificate().getEncoded()),
        ascii(HexFormat.of().formatHex(P256.getPublic().getEncoded())),
        shareOfferCarrying(Pem.certificate(ORG1.certificate()) + Pem.publicKey(RSA.getPublic())),
        ascii(EnvelopeCodec.sign(Messages.envelope(MessageType.REDEEM, ORG1.instanceId(), ORG2.instanceId(), 1, 1,
            new Redeem("jti-1", "eyJhbGciOiJFUzI1NiJ9.e30.sig", "org1", Pem.certificate(ORG1.certificate())), CLOCK), ORG1)));

    for (byte[] frame : publicMaterial) {
      assertThat(scanner.scan(frame)).isEmpty();
    }
  }

  @Test
  void an_ordinary_signed_envelope_from_the_instance_key_holds_no_private_key() {
    assertThat(scanner.containsAny(shareOfferCarrying("just a certificate name"))).isFalse();
  }

  @Test
  void a_key_the_scanner_was_not_given_is_not_reported() {
    assertThat(scanner.containsAny(shareOfferCarrying(Pem.privateKey(UNWATCHED.getPrivate())))).isFalse();
    assertThat(PrivateKeyScanner.of(List.of(UNWATCHED.getPrivate()))
        .scan(shareOfferCarrying(Pem.privateKey(UNWATCHED.getPrivate()))))
        .extracting(PrivateKeyScanner.Finding::key).contains("key 1 (EC)");
  }

  @Test
  void a_private_key_read_back_from_pem_is_the_same_key_to_the_scanner() {
    PrivateKey reread = Pem.readPrivateKey(Pem.privateKey(P256.getPrivate()));
    PrivateKeyScanner rereadScanner = PrivateKeyScanner.of(List.of(reread));

    assertThat(rereadScanner.containsAny(embedded(scalar(P256, 32)))).isTrue();
  }
}
