package io.consortium.operator.fabric;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A freshly made self-signed P-256 CA per test: certificate and key as PEM text. */
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
      return new TestPki(pem(cert), pem(keys.getPrivate()));
    } catch (Exception e) {
      throw new IllegalStateException("making a test CA failed", e);
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
