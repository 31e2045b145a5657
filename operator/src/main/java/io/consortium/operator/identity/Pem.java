package io.consortium.operator.identity;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** PEM in and out, through BouncyCastle's parser and writer. */
public final class Pem {

  private Pem() {}

  /** PKCS#8 ("PRIVATE KEY") PEM of a private key. */
  public static String privateKey(PrivateKey key) {
    try {
      return write(new JcaPKCS8Generator(key, null));
    } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
      throw new IllegalStateException("cannot encode a private key as PKCS#8", e);
    }
  }

  public static String certificate(X509Certificate certificate) {
    return write(certificate);
  }

  public static String publicKey(java.security.PublicKey key) {
    return write(key);
  }

  /** The certificates in a PEM text, in order; an empty list when there are none. */
  public static List<X509Certificate> readCertificates(String pem) {
    List<X509Certificate> certificates = new ArrayList<>();
    for (Object object : readAll(pem)) {
      if (object instanceof X509CertificateHolder holder) {
        try {
          certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
        } catch (CertificateException e) {
          throw new IllegalArgumentException("a CERTIFICATE block is not a valid X.509 certificate: " + e.getMessage());
        }
      }
    }
    return certificates;
  }

  /** The first private key in a PEM text (PKCS#8, SEC1 "EC PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY"). */
  public static PrivateKey readPrivateKey(String pem) {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    for (Object object : readAll(pem)) {
      try {
        if (object instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (object instanceof PEMKeyPair pair) {
          KeyPair keyPair = converter.getKeyPair(pair);
          return keyPair.getPrivate();
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("the private key cannot be read: " + e.getMessage());
      }
    }
    throw new IllegalArgumentException("no private key found in the PEM text");
  }

  /** Every PEM object in a text, as BouncyCastle's parser reads them. */
  public static List<Object> readAll(String pem) {
    List<Object> objects = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem == null ? "" : pem))) {
      Object object;
      while ((object = parser.readObject()) != null) {
        objects.add(object);
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not valid PEM: " + e.getMessage());
    }
    return objects;
  }

  private static String write(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write PEM", e);
    }
    return out.toString();
  }
}
