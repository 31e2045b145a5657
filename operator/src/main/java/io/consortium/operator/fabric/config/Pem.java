package io.consortium.operator.fabric.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** PEM certificates and keys as Fabric MSP folders hold them (parsing by BouncyCastle). */
public final class Pem {

  private Pem() {}

  /** Every certificate in a PEM text; refuses a text with none or with a private key. */
  public static List<X509Certificate> certificates(byte[] pem, String what) {
    List<X509Certificate> out = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.UTF_8)))) {
      Object o;
      while ((o = parser.readObject()) != null) {
        if (o instanceof org.bouncycastle.cert.X509CertificateHolder holder) {
          out.add(certificate(holder.getEncoded(), what));
        } else if (o instanceof PEMKeyPair || o instanceof PrivateKeyInfo
            || o instanceof org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo
            || o instanceof org.bouncycastle.openssl.PEMEncryptedKeyPair) {
          throw new IllegalArgumentException(what + " holds a private key; only public certificates belong here");
        } else {
          throw new IllegalArgumentException(what + " holds a PEM object that is not a certificate: " + o.getClass().getSimpleName());
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " is not valid PEM: " + e.getMessage());
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(what + " holds no PEM certificate");
    }
    return out;
  }

  public static X509Certificate certificate(byte[] der, String what) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new IllegalArgumentException(what + " is not an X.509 certificate: " + e.getMessage());
    }
  }

  /** The single certificate of a PEM text. */
  public static X509Certificate oneCertificate(byte[] pem, String what) {
    List<X509Certificate> certs = certificates(pem, what);
    if (certs.size() != 1) {
      throw new IllegalArgumentException(what + " holds " + certs.size() + " certificates; expected one");
    }
    return certs.get(0);
  }

  /** A private key in PEM (PKCS#8 "PRIVATE KEY" as Fabric writes it, or SEC1 "EC PRIVATE KEY"). */
  public static PrivateKey privateKey(byte[] pem, String what) {
    try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.UTF_8)))) {
      Object o = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (o == null) {
        throw new IllegalArgumentException(what + " holds no PEM private key");
      }
      throw new IllegalArgumentException(what + " is not an unencrypted private key (found " + o.getClass().getSimpleName() + ")");
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " is not valid PEM: " + e.getMessage());
    }
  }

  /** PEM text of a certificate, the form Fabric carries in MSP configs and serialized identities. */
  public static byte[] encode(Object certificateOrKey) {
    StringBuilder sb = new StringBuilder();
    try (var sw = new java.io.StringWriter(); JcaPEMWriter writer = new JcaPEMWriter(sw)) {
      writer.writeObject(certificateOrKey);
      writer.flush();
      sb.append(sw);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write PEM", e);
    }
    return sb.toString().replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** Lowercase hex SHA-256, as Fabric names bytes (config updates, certificates). */
  public static String sha256Hex(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
