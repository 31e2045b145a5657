package io.consortium.operator.fabric;

import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A freshly made P-256 certificate and key as PEM text (the key as PKCS#8 "PRIVATE KEY", as Fabric's
 * keystore holds it): a self-signed CA, or a server certificate it issued.
 */
public record TestPki(String certificatePem, String privateKeyPem) {

  public static TestPki selfSignedCa(String commonName) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = generator.generateKeyPair();
      X500Name name = new X500Name("CN=" + commonName + ",O=Test");
      Instant now = Instant.now();
      X509CertificateHolder cert =
          new JcaX509v3CertificateBuilder(
                  name, BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(1, ChronoUnit.DAYS)),
                  Date.from(now.plus(365, ChronoUnit.DAYS)), name, keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
              .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
      return new TestPki(pem(cert), pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
    } catch (Exception e) {
      throw new IllegalStateException("making a test CA failed", e);
    }
  }

  /**
   * A TLS server certificate for {@code dnsName} (its only subject alternative name) signed by this
   * CA, as a peer's TLS CA issues one.
   */
  public TestPki issueServerCertificate(String dnsName) {
    try {
      X509CertificateHolder ca;
      PrivateKeyInfo caKey;
      try (PEMParser certs = new PEMParser(new StringReader(certificatePem));
          PEMParser keys = new PEMParser(new StringReader(privateKeyPem))) {
        ca = (X509CertificateHolder) certs.readObject();
        caKey = (PrivateKeyInfo) keys.readObject();
      }
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = generator.generateKeyPair();
      Instant now = Instant.now();
      X509CertificateHolder cert =
          new JcaX509v3CertificateBuilder(
                  ca.getSubject(), BigInteger.valueOf(now.toEpochMilli() + 1), Date.from(now.minus(1, ChronoUnit.DAYS)),
                  Date.from(now.plus(365, ChronoUnit.DAYS)), new X500Name("CN=" + dnsName + ",O=Test"), keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)))
              .build(new JcaContentSignerBuilder("SHA256withECDSA").build(new JcaPEMKeyConverter().getPrivateKey(caKey)));
      return new TestPki(pem(cert), pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
    } catch (Exception e) {
      throw new IllegalStateException("issuing a test server certificate failed", e);
    }
  }

  private static String pem(Object object) throws java.io.IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }
}
