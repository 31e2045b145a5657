package io.consortium.operator.fabric.config;

import io.consortium.operator.pki.Pem;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * An organization made in a test: a root CA (optionally an intermediate CA below it), and
 * identities with NodeOU roles, the way cryptogen or a Fabric CA would issue them.
 */
final class TestOrg {
  private static final AtomicLong SERIAL = new AtomicLong(1000);

  final String mspId;
  final boolean nodeOus;
  final KeyPair caKey;
  final X509Certificate ca;
  final KeyPair issuerKey;
  final X509Certificate issuer;
  final Identity admin;

  record Identity(String mspId, X509Certificate certificate, KeyPair key) {
    byte[] certPem() {
      return Pem.encode(certificate);
    }

    /** The key as Fabric's keystore holds it: PKCS#8 "PRIVATE KEY". */
    byte[] keyPem() {
      return pkcs8(key.getPrivate());
    }

    MspSigner signer() {
      return new MspSigner(mspId, certPem(), keyPem());
    }
  }

  private TestOrg(String mspId, boolean nodeOus, boolean intermediate) {
    this.mspId = mspId;
    this.nodeOus = nodeOus;
    this.caKey = keyPair();
    this.ca = certificate("O=" + mspId + ",CN=ca." + mspId.toLowerCase(), caKey, null, caKey, true);
    if (intermediate) {
      this.issuerKey = keyPair();
      this.issuer = certificate("O=" + mspId + ",CN=ica." + mspId.toLowerCase(), issuerKey, ca, caKey, true);
    } else {
      this.issuerKey = caKey;
      this.issuer = ca;
    }
    this.admin = issue("Admin", nodeOus ? "admin" : "client");
  }

  /** An org whose admins are known by OU=admin (NodeOUs enabled). */
  static TestOrg withNodeOus(String mspId) {
    return new TestOrg(mspId, true, false);
  }

  /** An org whose admins are listed as admin certificates (NodeOUs disabled). */
  static TestOrg withAdminCerts(String mspId) {
    return new TestOrg(mspId, false, false);
  }

  /** An org whose identities are issued by an intermediate CA. */
  static TestOrg withIntermediate(String mspId) {
    return new TestOrg(mspId, true, true);
  }

  Identity issue(String name, String ou) {
    KeyPair key = keyPair();
    X509Certificate cert = certificate("O=" + mspId + ",OU=" + ou + ",CN=" + name + "@" + mspId.toLowerCase(), key, issuer, issuerKey, false);
    return new Identity(mspId, cert, key);
  }

  OrgDefinition definition() {
    return new OrgDefinition(mspId, List.of(ca), issuer == ca ? List.of() : List.of(issuer), List.of(ca), List.of(),
        nodeOus ? List.of() : List.of(admin.certificate()), nodeOus, nodeOus ? issuer : null,
        List.of(new OrgDefinition.HostPort("peer0." + mspId.toLowerCase() + ".example.com", 7051)), List.of());
  }

  static KeyPair keyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static X509Certificate certificate(String subject, KeyPair key, X509Certificate issuerCert, KeyPair issuerKey, boolean isCa) {
    try {
      X500Name issuerName = issuerCert == null ? new X500Name(subject) : X500Name.getInstance(issuerCert.getSubjectX500Principal().getEncoded());
      Date from = new Date(System.currentTimeMillis() - 3600_000L);
      Date to = new Date(System.currentTimeMillis() + 365L * 24 * 3600_000L);
      var b = new JcaX509v3CertificateBuilder(issuerName, BigInteger.valueOf(SERIAL.incrementAndGet()), from, to, new X500Name(subject), key.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(isCa ? KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature : KeyUsage.digitalSignature));
      var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes this org's public MSP folder (as Fabric lays it out) and its admin's cert and key. */
  void writeMaterial(java.nio.file.Path orgDir) throws java.io.IOException {
    java.nio.file.Path msp = orgDir.resolve("msp");
    java.nio.file.Files.createDirectories(msp.resolve("cacerts"));
    java.nio.file.Files.createDirectories(msp.resolve("tlscacerts"));
    java.nio.file.Files.write(msp.resolve("cacerts/ca.pem"), Pem.encode(ca));
    java.nio.file.Files.write(msp.resolve("tlscacerts/ca.pem"), Pem.encode(ca));
    if (issuer != ca) {
      java.nio.file.Files.createDirectories(msp.resolve("intermediatecerts"));
      java.nio.file.Files.write(msp.resolve("intermediatecerts/ica.pem"), Pem.encode(issuer));
    }
    if (nodeOus) {
      String c = issuer == ca ? "cacerts/ca.pem" : "intermediatecerts/ica.pem";
      java.nio.file.Files.writeString(msp.resolve("config.yaml"), String.join("\n",
          "NodeOUs:", "  Enable: true",
          "  ClientOUIdentifier: {Certificate: " + c + ", OrganizationalUnitIdentifier: client}",
          "  PeerOUIdentifier: {Certificate: " + c + ", OrganizationalUnitIdentifier: peer}",
          "  AdminOUIdentifier: {Certificate: " + c + ", OrganizationalUnitIdentifier: admin}",
          "  OrdererOUIdentifier: {Certificate: " + c + ", OrganizationalUnitIdentifier: orderer}", ""));
    } else {
      java.nio.file.Files.createDirectories(msp.resolve("admincerts"));
      java.nio.file.Files.write(msp.resolve("admincerts/admin.pem"), admin.certPem());
    }
    java.nio.file.Files.createDirectories(orgDir.resolve("admin"));
    java.nio.file.Files.write(orgDir.resolve("admin/cert.pem"), admin.certPem());
    java.nio.file.Files.write(orgDir.resolve("admin/key.pem"), admin.keyPem());
  }

  static byte[] pkcs8(java.security.PrivateKey key) {
    return ("-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n").getBytes(StandardCharsets.US_ASCII);
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
