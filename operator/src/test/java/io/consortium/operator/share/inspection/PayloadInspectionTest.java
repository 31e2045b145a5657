package io.consortium.operator.share.inspection;

import static org.assertj.core.api.Assertions.assertThat;
import static io.consortium.operator.testing.TestArchives.gzip;
import static io.consortium.operator.testing.TestArchives.tar;
import static io.consortium.operator.testing.TestArchives.tarGz;
import static io.consortium.operator.testing.TestArchives.zip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.consortium.operator.fabric.TestPki;
import io.consortium.operator.fabric.chaincode.CcaasConnection;
import io.consortium.operator.fabric.chaincode.CcaasPackage;
import io.consortium.operator.fabric.chaincode.PackageLabel;
import io.consortium.operator.identity.SelfSignedCertificates;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.share.inspection.PayloadInspection.Finding;
import io.consortium.operator.share.inspection.PayloadInspection.Limits;
import io.consortium.operator.testing.TestArchives;
import io.consortium.operator.testing.TestArchives.Entry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import javax.security.auth.x500.X500Principal;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one scan for private key material and unsafe archives, on its own: every form a private key
 * takes, wherever it hides (JSON, base64, hex, archives inside archives), never a certificate, a
 * public key, a CSR or random bytes, and a bounded amount of work whatever it is handed.
 */
class PayloadInspectionTest {

  private static final KeyPair EC = SelfSignedCertificates.newEcKeyPair("secp256r1");
  private static final KeyPair RSA = generate("RSA", 2048);
  private static final KeyPair DSA = generate("DSA", 2048);
  private static final KeyPair ED25519 = generate("Ed25519", 0);
  private static final X509Certificate CERTIFICATE = SelfSignedCertificates.selfSigned(EC, "ca.org1.example.com",
      List.of(), Instant.now(), Duration.ofDays(30));

  private final PayloadInspection inspection = PayloadInspection.SHARES;

  // ---- every form of a private key -------------------------------------------------------------

  /** Each private key form, by name, as the bytes a person might paste into a share. */
  static Map<String, byte[]> privateKeyForms() throws Exception {
    Map<String, byte[]> forms = new LinkedHashMap<>();
    forms.put("PEM PKCS#8 EC", ascii(Pem.privateKey(EC.getPrivate())));
    forms.put("PEM PKCS#8 Ed25519", ascii(Pem.privateKey(ED25519.getPrivate())));
    forms.put("PEM SEC1 EC", ascii(legacyPem(EC)));
    forms.put("PEM PKCS#1 RSA", ascii(legacyPem(RSA)));
    forms.put("PEM DSA", ascii(legacyPem(DSA)));
    forms.put("PEM encrypted PKCS#8 (PBES2)", ascii(encryptedPkcs8Pem(EC, JcaPKCS8Generator.AES_256_CBC)));
    forms.put("PEM encrypted PKCS#8 (PKCS#12 PBE)", ascii(encryptedPkcs8Pem(RSA,
        PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC)));
    forms.put("PEM OpenSSH", ascii(pem("OPENSSH PRIVATE KEY", openSshKey())));
    forms.put("DER PKCS#8 RSA", RSA.getPrivate().getEncoded());
    forms.put("DER PKCS#8 Ed25519", ED25519.getPrivate().getEncoded());
    forms.put("DER PKCS#8 DSA", DSA.getPrivate().getEncoded());
    forms.put("DER SEC1 EC", pemBody(legacyPem(EC)));
    forms.put("DER PKCS#1 RSA", pemBody(legacyPem(RSA)));
    forms.put("DER DSA", pemBody(legacyPem(DSA)));
    forms.put("DER encrypted PKCS#8", pemBody(encryptedPkcs8Pem(EC, JcaPKCS8Generator.AES_256_CBC)));
    forms.put("OpenSSH binary", openSshKey());
    forms.put("PKCS#12 key store", pkcs12());
    return forms;
  }

  static List<String> formNames() throws Exception {
    return List.copyOf(privateKeyForms().keySet());
  }

  @ParameterizedTest
  @MethodSource("formNames")
  void a_private_key_is_found_raw_in_json_in_base64_in_hex_and_in_archives(String form) throws Exception {
    byte[] key = privateKeyForms().get(form);
    byte[] inRandomBytes = concat(random(1, 3001), key, random(2, 999));
    String base64 = Base64.getEncoder().encodeToString(key);

    assertPrivateKey(inspection.inspect(inRandomBytes), form + " among random bytes");
    assertPrivateKey(inspection.inspect(json("material", new String(key, StandardCharsets.ISO_8859_1))),
        form + " as a JSON string");
    assertPrivateKey(inspection.inspect(json("bytes", base64)), form + " in base64 in a JSON string");
    assertPrivateKey(inspection.inspect(json("bytes", Base64.getMimeEncoder().encodeToString(key))),
        form + " in MIME base64 (line breaks) in a JSON string");
    assertPrivateKey(inspection.inspect(json("bytes", Base64.getUrlEncoder().withoutPadding().encodeToString(key))),
        form + " in base64url");
    assertPrivateKey(inspection.inspect(json("hex", HexFormat.of().formatHex(key))), form + " in hex");
    assertPrivateKey(inspection.inspect(json("secret", Base64.getEncoder().encodeToString(
        ascii("apiVersion: v1\nkind: Secret\ndata:\n  key: " + base64 + "\n")))), form + " in a YAML text in base64");
    assertPrivateKey(inspection.inspect(tarGz(Map.of("src/keys/" + form.replace(' ', '_'), key))),
        form + " in a tar.gz");
    assertPrivateKey(inspection.inspect(zip(Map.of("key", key))), form + " in a zip");
    assertPrivateKey(inspection.inspect(json("pkg", Base64.getEncoder().encodeToString(chaincodePackageWith(
        Map.of("connection.json", ascii("{\"address\":\"cc:9999\"}"), "META-INF/" + form, key))))),
        form + " in the code.tar.gz of a chaincode package in a JSON string");
  }

  @Test
  void a_pem_private_key_in_escaped_json_bytes_and_in_a_kubernetes_secret_is_found() {
    String pem = Pem.privateKey(EC.getPrivate());
    byte[] jsonBytes = ascii(json("tls.key", pem).toString());
    assertThat(new String(jsonBytes, StandardCharsets.US_ASCII)).as("the PEM's line breaks are JSON escapes").contains("\\n");

    assertPrivateKey(inspection.inspect(jsonBytes), "a PEM block in JSON text");
    assertPrivateKey(inspection.inspect(json("data", Base64.getEncoder().encodeToString(ascii(pem)))),
        "a PEM block base64-encoded, as a Secret's data holds it");
  }

  @Test
  void jwk_private_keys_are_found_wherever_they_sit() throws Exception {
    String ec = new ECKeyGenerator(Curve.P_256).generate().toJSONString();
    String rsa = new RSAKeyGenerator(2048).generate().toJSONString();
    String oct = new OctetSequenceKeyGenerator(256).generate().toJSONString();

    for (String jwk : List.of(ec, rsa, oct)) {
      JsonNode object = ProtocolJson.MAPPER.readTree(jwk);
      ObjectNode payload = ProtocolJson.MAPPER.createObjectNode();
      payload.putObject("material").putArray("keys").add(object);
      assertPrivateKey(inspection.inspect(payload), "a JWK in a JWK set");
      assertPrivateKey(inspection.inspect(json("jwk", jwk)), "a JWK as a JSON string");
      assertPrivateKey(inspection.inspect(json("jwk", Base64.getEncoder().encodeToString(ascii(jwk)))),
          "a JWK in base64");
      assertPrivateKey(inspection.inspect(tarGz(Map.of("jwks.json", ascii("{\"keys\":[" + jwk + "]}")))),
          "a JWK file in a tar.gz");
    }
  }

  @Test
  void a_besu_genesis_that_carries_its_accounts_private_keys_is_refused() {
    String genesis = "{\"config\":{\"chainId\":2025},\"alloc\":{\"fe3b557e8fb62b89f4916b721be55ceb828dbd73\":{"
        + "\"privateKey\":\"8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63\","
        + "\"comment\":\"private key and this comment are ignored\",\"balance\":\"0xad78ebc5ac6200000\"}}}";

    assertPrivateKey(inspection.inspect(json("genesis", Base64.getEncoder().encodeToString(ascii(genesis)))),
        "a genesis.json with an account's privateKey");
    assertThat(inspection.inspect(ascii("{\"client_key\":\"{{.client_key}}\",\"address\":\"cc:9999\"}")))
        .as("a template in its place is no key").isEmpty();
  }

  // ---- no false positives ----------------------------------------------------------------------

  @Test
  void certificates_public_keys_csrs_signatures_and_public_jwks_pass_in_every_encoding() throws Exception {
    String csr = pem("CERTIFICATE REQUEST", new JcaPKCS10CertificationRequestBuilder(
        new X500Principal("CN=peer0.org1.example.com"), EC.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(EC.getPrivate())).getEncoded());
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(EC.getPrivate());
    signer.update(ascii("a config update"));
    byte[] signature = signer.sign();
    TestPki ca = TestPki.selfSignedCa("tlsca.org2.example.com");
    List<byte[]> publicThings = List.of(ascii(Pem.certificate(CERTIFICATE)), CERTIFICATE.getEncoded(),
        ascii(ca.certificatePem() + ca.issueServerCertificate("peer0.org2.example.com").certificatePem()),
        ascii(Pem.publicKey(EC.getPublic())), EC.getPublic().getEncoded(), RSA.getPublic().getEncoded(),
        ascii(Pem.publicKey(RSA.getPublic())), DSA.getPublic().getEncoded(), ED25519.getPublic().getEncoded(),
        ascii(csr), pemBody(csr), signature,
        ascii(new ECKeyGenerator(Curve.P_256).generate().toPublicJWK().toJSONString()),
        ascii(new RSAKeyGenerator(2048).generate().toPublicJWK().toJSONString()),
        ascii("To share a key, never paste -----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY----- here."),
        CcaasPackage.build(new PackageLabel("basic_1.0"), new CcaasConnection("basic:9999", "10s", true, false,
            ca.certificatePem(), null, null)).bytes());

    for (byte[] thing : publicThings) {
      assertThat(inspection.inspect(thing)).as("raw").isEmpty();
      assertThat(inspection.inspect(json("value", Base64.getEncoder().encodeToString(thing)))).as("base64").isEmpty();
      assertThat(inspection.inspect(json("value", HexFormat.of().formatHex(thing)))).as("hex").isEmpty();
      assertThat(inspection.inspect(json("value", new String(thing, StandardCharsets.ISO_8859_1)))).as("text").isEmpty();
      assertThat(inspection.inspect(tarGz(Map.of("thing", thing)))).as("in a tar.gz").isEmpty();
      assertThat(inspection.inspect(zip(Map.of("thing", thing)))).as("in a zip").isEmpty();
    }
  }

  @Test
  void random_bytes_and_their_encodings_pass() throws Exception {
    for (int seed = 0; seed < 4; seed++) {
      byte[] noise = random(seed, 2 << 20);
      assertThat(inspection.inspect(noise)).as("2 MiB of random bytes, seed " + seed).isEmpty();
      assertThat(inspection.inspect(json("bytes", Base64.getEncoder().encodeToString(noise))))
          .as("the same in base64").isEmpty();
      assertThat(inspection.inspect(json("hex", HexFormat.of().formatHex(random(seed + 100, 256 << 10)))))
          .as("random hex").isEmpty();
      assertThat(inspection.inspect(gzip(noise))).as("random bytes gzipped").isEmpty();
    }
  }

  // ---- archives --------------------------------------------------------------------------------

  @Test
  void tar_entries_that_climb_out_link_or_are_devices_are_refused_as_unsafe() throws Exception {
    assertUnsafe(tar(entry("../../../../tmp/x", TarConstants.LF_NORMAL, null)), "climbs out");
    assertUnsafe(tar(entry("/etc/cron.d/evil", TarConstants.LF_NORMAL, null)), "absolute path");
    assertUnsafe(tar(entry("src/" + "deep/".repeat(30) + "../../../../../../../../../../../../../../../../../../"
        + "../../../../../../../../../../../../../../../x", TarConstants.LF_NORMAL, null)), "climbs out");
    assertUnsafe(tar(entry("link", TarConstants.LF_SYMLINK, "/etc/passwd")), "symbolic link");
    assertUnsafe(tar(entry("hard", TarConstants.LF_LINK, "src/main.go")), "hard link");
    assertUnsafe(tar(entry("dev", TarConstants.LF_CHR, null)), "device file");
    assertUnsafe(tar(entry("blk", TarConstants.LF_BLK, null)), "device file");
    assertUnsafe(tar(entry("fifo", TarConstants.LF_FIFO, null)), "FIFO");
    assertUnsafe(tar(entry("C:\\Windows\\evil.dll", TarConstants.LF_NORMAL, null)), "absolute path");
    assertUnsafe(tar(entry("src\\..\\..\\evil", TarConstants.LF_NORMAL, null)), "climbs out");
    assertUnsafe(chaincodePackageWith(Map.of("../../../../tmp/x", ascii("hello"))),
        "the code.tar.gz inside a chaincode package");
  }

  @Test
  void zip_entries_that_climb_out_link_or_are_encrypted_are_refused_as_unsafe() throws Exception {
    assertUnsafe(zip(Map.of("../evil.sh", ascii("#!/bin/sh"))), "climbs out");
    assertUnsafe(zip(Map.of("/etc/evil", ascii("x"))), "absolute path");
    ByteArrayOutputStream symlink = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(symlink)) {
      ZipArchiveEntry entry = new ZipArchiveEntry("link");
      entry.setUnixMode(UnixStat.LINK_FLAG | 0777);
      out.putArchiveEntry(entry);
      out.write(ascii("/etc/passwd"));
      out.closeArchiveEntry();
    }
    assertUnsafe(symlink.toByteArray(), "symbolic link");
    // What zip tools write for a password-protected entry: the encryption flag in both of its headers.
    byte[] encrypted = zip(Map.of("secret.bin", random(7, 100)));
    encrypted[6] |= 1;
    for (int i = 0; i + 8 < encrypted.length; i++) {
      if (encrypted[i] == 'P' && encrypted[i + 1] == 'K' && encrypted[i + 2] == 1 && encrypted[i + 3] == 2) {
        encrypted[i + 8] |= 1;
      }
    }
    assertUnsafe(encrypted, "encrypted");
  }

  @Test
  void directories_and_regular_files_with_dots_in_their_names_are_fine() throws Exception {
    assertThat(inspection.inspect(tar(entry("src/", TarConstants.LF_DIR, null),
        entry("src/..hidden/file..txt", TarConstants.LF_NORMAL, null), entry("./main.go", TarConstants.LF_NORMAL, null))))
        .isEmpty();
  }

  // ---- bounded work ----------------------------------------------------------------------------

  @Test
  void a_compression_bomb_is_refused_after_reading_a_little_of_it() throws Exception {
    byte[] bomb = gzip(new byte[64 << 20]);
    assertThat(bomb.length).as("64 MiB of zeros, gzipped").isLessThan(128 << 10);

    Optional<Finding> finding = inspection.inspect(json("pkg", Base64.getEncoder().encodeToString(bomb)));

    assertThat(finding).get().extracting(Finding::reason).isEqualTo(PayloadInspection.UNSAFE_ARCHIVE);
    assertThat(finding.get().message()).contains("-fold");
    long expanded = Long.parseLong(finding.get().message().replaceAll(".*\\((\\d+) bytes from.*", "$1"));
    assertThat(expanded).as("stopped after a little over its first MiB").isLessThan(3 << 20);
  }

  @Test
  void the_total_expansion_and_the_nesting_are_bounded() throws Exception {
    PayloadInspection tight = new PayloadInspection(new Limits(8, 4, 4 << 20, 1_000_000, 1 << 20));
    byte[] text = ascii("chaincode source line that compresses a little but not much ".repeat(200_000));

    Optional<Finding> tooBig = tight.inspect(gzip(text));
    assertThat(tooBig).get().extracting(Finding::reason).isEqualTo(PayloadInspection.UNSAFE_ARCHIVE);
    assertThat(tooBig.get().message()).contains("expands to more than " + (4 << 20) + " bytes");

    byte[] nested = ascii("hello");
    for (int i = 0; i < 10; i++) {
      nested = i % 2 == 0 ? gzip(nested) : zip(Map.of("layer" + i, nested));
    }
    Optional<Finding> tooDeep = inspection.inspect(nested);
    assertThat(tooDeep).get().extracting(Finding::reason).isEqualTo(PayloadInspection.UNSAFE_ARCHIVE);
    assertThat(tooDeep.get().message()).contains("nests archives more than 8 deep");

    byte[] fine = ascii("hello");
    for (int i = 0; i < 4; i++) {
      fine = i % 2 == 0 ? gzip(fine) : zip(Map.of("layer" + i, fine));
    }
    assertThat(inspection.inspect(fine)).as("four layers are a normal package").isEmpty();
  }

  @Test
  void content_larger_than_a_window_is_read_whole_including_a_key_across_a_window_edge() throws Exception {
    PayloadInspection small = new PayloadInspection(new Limits(8, 4, 64 << 20, 200, 1 << 20));
    byte[] pem = ascii(Pem.privateKey(RSA.getPrivate()));
    byte[] big = random(9, 5 << 20);
    assertThat(small.inspect(big)).as("5 MiB of noise, read in 1 MiB windows").isEmpty();

    for (int offset : List.of((1 << 20) - 100, (1 << 20) - 40, 3 << 20)) {
      byte[] withKey = big.clone();
      System.arraycopy(pem, 0, withKey, offset, pem.length);
      assertPrivateKey(small.inspect(withKey), "a PEM key at offset " + offset);
      assertPrivateKey(small.inspect(tarGz(Map.of("big.bin", withKey))), "the same inside a tar.gz, offset " + offset);
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static void assertPrivateKey(Optional<Finding> finding, String what) {
    assertThat(finding).as(what + " is found").isPresent();
    assertThat(finding.get().reason()).as(what).isEqualTo(PayloadInspection.PRIVATE_KEY_MATERIAL);
    assertThat(finding.get().message()).as(what).contains("never leave");
  }

  private void assertUnsafe(byte[] archive, String why) throws IOException {
    Optional<Finding> finding = inspection.inspect(archive);
    assertThat(finding).as(why).isPresent();
    assertThat(finding.get().reason()).as(finding.get().message()).isEqualTo(PayloadInspection.UNSAFE_ARCHIVE);
    if (!why.startsWith("the code.tar.gz")) {
      assertThat(finding.get().message()).contains(why);
    }
    assertThat(inspection.inspect(json("pkg", Base64.getEncoder().encodeToString(gzip(archive)))))
        .as(why + ", gzipped in base64 in a payload").get().extracting(Finding::reason)
        .isEqualTo(PayloadInspection.UNSAFE_ARCHIVE);
  }

  static ObjectNode json(String field, String value) {
    ObjectNode node = ProtocolJson.MAPPER.createObjectNode();
    node.putObject("outer").put(field, value);
    return node;
  }

  static Entry entry(String name, byte type, String link) {
    return Entry.of(name, type, link);
  }

  static byte[] chaincodePackageWith(Map<String, byte[]> code) {
    return TestArchives.chaincodePackage("basic_1.0", code);
  }

  static byte[] random(long seed, int size) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static KeyPair generate(String algorithm, int size) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (size > 0) {
        generator.initialize(size);
      }
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The traditional OpenSSL PEM of a key pair: SEC1 for EC, PKCS#1 for RSA, OpenSSL's DSA form. */
  static String legacyPem(KeyPair pair) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(pair);
    }
    return out.toString();
  }

  static String encryptedPkcs8Pem(KeyPair pair, ASN1ObjectIdentifier algorithm) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(new JcaPKCS8Generator(pair.getPrivate(), new JceOpenSSLPKCS8EncryptorBuilder(algorithm)
          .setProvider(new BouncyCastleProvider()).setPassword("correct horse".toCharArray()).build()));
    }
    return out.toString();
  }

  static byte[] pemBody(String pem) throws IOException {
    try (PemReader reader = new PemReader(new java.io.StringReader(pem))) {
      return reader.readPemObject().getContent();
    }
  }

  static String pem(String type, byte[] der) throws IOException {
    StringWriter out = new StringWriter();
    try (org.bouncycastle.util.io.pem.PemWriter writer = new org.bouncycastle.util.io.pem.PemWriter(out)) {
      writer.writeObject(new PemObject(type, der));
    }
    return out.toString();
  }

  /** The openssh-key-v1 container of an unencrypted key, as ssh-keygen writes it (contents simplified). */
  static byte[] openSshKey() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII));
    for (String field : List.of("none", "none", "")) {
      sshString(out, ascii(field));
    }
    out.writeBytes(ByteBuffer.allocate(4).putInt(1).array());
    sshString(out, random(11, 51));
    sshString(out, random(12, 160));
    return out.toByteArray();
  }

  private static void sshString(ByteArrayOutputStream out, byte[] value) {
    out.writeBytes(ByteBuffer.allocate(4).putInt(value.length).array());
    out.writeBytes(value);
  }

  static byte[] pkcs12() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("org1-admin", EC.getPrivate(), "changeit".toCharArray(), new Certificate[] {CERTIFICATE});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.store(out, "changeit".toCharArray());
    return out.toByteArray();
  }
}
