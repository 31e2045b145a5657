package io.consortium.operator.fabric.chaincode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consortium.operator.fabric.TestPki;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CcaasPackageTest {

  private static final TestPki CA = TestPki.selfSignedCa("chaincode-tls-ca");
  private final TimeZone originalZone = TimeZone.getDefault();

  @TempDir Path dir;

  @AfterEach
  void restoreZone() {
    TimeZone.setDefault(originalZone);
  }

  @Test
  void twoOrgsBuildingTheSamePackageInOtherTimeZonesAndFileModesGetTheSameBytesAndId() throws Exception {
    Path org1Cert = dir.resolve("org1-ca.pem");
    Files.writeString(org1Cert, CA.certificatePem());
    Files.setPosixFilePermissions(org1Cert, PosixFilePermissions.fromString("rw-------"));
    // org2's copy went through a Windows checkout and has another mode: same certificate.
    Path org2Cert = dir.resolve("org2-ca.pem");
    Files.writeString(org2Cert, CA.certificatePem().replace("\n", "\r\n"));
    Files.setPosixFilePermissions(org2Cert, PosixFilePermissions.fromString("rwxr-xr-x"));

    TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
    CcaasPackage org1 = build(Files.readString(org1Cert));
    TimeZone.setDefault(TimeZone.getTimeZone("America/Los_Angeles"));
    CcaasPackage org2 = build(Files.readString(org2Cert));

    assertThat(org2.bytes()).isEqualTo(org1.bytes());
    assertThat(org2.id()).isEqualTo(org1.id());
    ChaincodePackage parsed = ChaincodePackage.read(new ByteArrayInputStream(org1.bytes()));
    assertThat(parsed.id()).isEqualTo(org1.id());
    assertThat(parsed.metadata().type()).isEqualTo("ccaas");
    assertThat(parsed.metadata().label().value()).isEqualTo("basic_1.0");
    assertThat(parsed.unexpectedEntries()).isEmpty();
    CcaasPackage received = CcaasPackage.read(new ByteArrayInputStream(org1.bytes()));
    assertThat(received.connection()).isEqualTo(org1.connection());
    assertThat(received.connection().address()).isEqualTo("{{.peername}}_basic:9999");
    assertThat(received.connection().rootCert()).isEqualTo(CA.certificatePem().replace("\r", ""));
  }

  @Test
  void thePackageCarriesNothingFromTheMachineThatBuiltIt() throws Exception {
    CcaasPackage pkg = build(CA.certificatePem());
    byte[] bytes = pkg.bytes();

    // gzip header: deflate, no flags, mtime 0, XFL 0, OS 255.
    assertThat(java.util.Arrays.copyOf(bytes, 10)).containsExactly(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff);
    List<TarArchiveEntry> entries = new ArrayList<>();
    byte[] code = null;
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(bytes)))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        entries.add(e);
        byte[] content = tar.readAllBytes();
        if (e.getName().equals("code.tar.gz")) {
          code = content;
        } else {
          assertThat(new String(content, StandardCharsets.UTF_8)).isEqualTo("{\"path\":\"\",\"type\":\"ccaas\",\"label\":\"basic_1.0\"}");
        }
      }
    }
    assertThat(entries).extracting(TarArchiveEntry::getName).containsExactly("metadata.json", "code.tar.gz");
    for (TarArchiveEntry e : entries) {
      assertThat(e.getModTime().getTime()).isZero();
      assertThat(e.getLongUserId()).isZero();
      assertThat(e.getLongGroupId()).isZero();
      assertThat(e.getUserName()).isEmpty();
      assertThat(e.getGroupName()).isEmpty();
      assertThat(e.getMode() & 07777).isEqualTo(0644);
    }
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(code)))) {
      TarArchiveEntry e = tar.getNextEntry();
      assertThat(e.getName()).isEqualTo("connection.json");
      assertThat(new String(tar.readAllBytes(), StandardCharsets.UTF_8))
          .startsWith("{\"address\":\"{{.peername}}_basic:9999\",\"dial_timeout\":\"10s\",\"tls_required\":true,\"client_auth_required\":false,\"root_cert\":\"-----BEGIN CERTIFICATE-----\\n");
      assertThat(tar.getNextEntry()).isNull();
    }
  }

  @Test
  void anotherAddressGivesAnotherPackageId() {
    CcaasPackage one = CcaasPackage.build(new PackageLabel("basic_1.0"), CcaasConnection.plain("basic.org1:9999", "10s"));
    CcaasPackage two = CcaasPackage.build(new PackageLabel("basic_1.0"), CcaasConnection.plain("basic.org1:9998", "10s"));

    assertThat(one.id()).isNotEqualTo(two.id());
    assertThat(one.id().label()).isEqualTo(two.id().label());
  }

  @Test
  void aClientKeyIsNeverPutIntoASharedPackage() {
    assertThatThrownBy(() -> new CcaasConnection("cc:9999", "10s", true, true, CA.certificatePem(), CA.certificatePem(), CA.privateKeyPem()))
        .hasMessageContaining("client_key must not carry key material");
  }

  @Test
  void aClientKeyTemplateThatEachPeerFillsInIsAccepted() throws Exception {
    CcaasPackage pkg = CcaasPackage.build(
        new PackageLabel("basic_1.0"),
        new CcaasConnection("cc:9999", "10s", true, true, CA.certificatePem(), "{{.client_cert}}", "{{.client_key}}"));

    assertThat(CcaasPackage.read(new ByteArrayInputStream(pkg.bytes())).connection().clientKey()).isEqualTo("{{.client_key}}");
  }

  @Test
  void aPrivateKeyInTheRootCertFileIsRefused() {
    assertThatThrownBy(() -> build(CA.certificatePem() + CA.privateKeyPem()))
        .hasMessageContaining("root_cert contains a PEM private key");
    assertThatThrownBy(() -> CcaasConnection.plain("cc:9999" + CA.privateKeyPem(), "10s"))
        .hasMessageContaining("address contains a PEM private key");
  }

  @Test
  void aReceivedPackageWhoseConnectionCarriesAKeyIsRefused() throws Exception {
    String json = "{\"address\":\"cc:9999\",\"dial_timeout\":\"10s\",\"tls_required\":true,\"client_key\":"
        + com.fasterxml.jackson.databind.node.TextNode.valueOf(CA.privateKeyPem()) + ",\"root_cert\":"
        + com.fasterxml.jackson.databind.node.TextNode.valueOf(CA.certificatePem()) + "}";
    byte[] code = StoredGzip.wrap(DeterministicTar.of(List.of(new DeterministicTar.File("connection.json", json.getBytes(StandardCharsets.UTF_8)))));
    byte[] pkg = StoredGzip.wrap(DeterministicTar.of(List.of(
        new DeterministicTar.File("metadata.json", CcaasPackage.metadataJson(new PackageLabel("leaky"))),
        new DeterministicTar.File("code.tar.gz", code))));

    assertThatThrownBy(() -> CcaasPackage.read(new ByteArrayInputStream(pkg)))
        .isInstanceOf(InvalidChaincodePackageException.class)
        .hasMessageContaining("connection.json: client_key must not carry key material");
  }

  @Test
  void tlsSettingsAPeerCouldNotUseAreRefused() {
    PackageLabel label = new PackageLabel("cc");
    assertThatThrownBy(() -> CcaasPackage.build(label, new CcaasConnection("cc:1", "1s", true, false, "", "", "")))
        .hasMessageContaining("tls_required needs root_cert");
    assertThatThrownBy(() -> CcaasPackage.build(label, new CcaasConnection("cc:1", "1s", false, true, "", "", "")))
        .hasMessageContaining("client_auth_required needs tls_required");
    assertThatThrownBy(() -> CcaasPackage.build(label, new CcaasConnection("cc:1", "1s", false, false, CA.certificatePem(), "", "")))
        .hasMessageContaining("tls_required is false");
  }

  @Test
  void badAddressesTimeoutsAndCertificatesAreRefusedByName() {
    assertThatThrownBy(() -> CcaasConnection.plain("", "10s")).hasMessageContaining("address of the chaincode server is empty");
    assertThatThrownBy(() -> CcaasConnection.plain("chaincode", "10s")).hasMessageContaining("'chaincode' is not host:port");
    assertThatThrownBy(() -> CcaasConnection.plain("cc:70000", "10s")).hasMessageContaining("port 70000");
    assertThatThrownBy(() -> CcaasConnection.plain("{{.peername:9999", "10s")).hasMessageContaining("'{{' without '}}'");
    assertThatThrownBy(() -> CcaasConnection.plain("cc:9999", "ten seconds")).hasMessageContaining("not a Go duration");
    assertThatThrownBy(() -> new CcaasConnection("cc:1", "1s", true, false, "not a certificate", "", ""))
        .hasMessageContaining("root_cert holds no PEM certificate");
    assertThat(CcaasConnection.plain("[::1]:9999", "1m30s").address()).isEqualTo("[::1]:9999");
  }

  @Test
  void aPackageIsNotCcaasWhenItsTypeIsAnotherOne() {
    byte[] pkg = StoredGzip.wrap(DeterministicTar.of(List.of(
        new DeterministicTar.File("metadata.json", "{\"type\":\"golang\",\"path\":\"x\",\"label\":\"go_1\"}".getBytes(StandardCharsets.UTF_8)),
        new DeterministicTar.File("code.tar.gz", StoredGzip.wrap(DeterministicTar.of(List.of()))))));

    assertThatThrownBy(() -> CcaasPackage.read(new ByteArrayInputStream(pkg)))
        .hasMessageContaining("metadata.json type is 'golang', not 'ccaas'");
  }

  private static CcaasPackage build(String rootCertPem) {
    return CcaasPackage.build(
        new PackageLabel("basic_1.0"),
        new CcaasConnection("{{.peername}}_basic:9999", null, true, false, rootCertPem, null, null));
  }
}
