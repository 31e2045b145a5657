package io.consortium.operator.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM in and out for the whole operator, through BouncyCastle's parser and writer: certificates,
 * public keys and private keys (PKCS#8, SEC1 {@code EC PRIVATE KEY}, PKCS#1 {@code RSA PRIVATE KEY}).
 * Everything written ends its lines with LF, the form Fabric carries in MSP configs and identities.
 * Errors are {@link IllegalArgumentException}s whose message starts with {@code what}, the name of
 * the input in the caller's words.
 */
public final class Pem {

  private static final Base64.Encoder BASE64_LINES = Base64.getMimeEncoder(64, new byte[] {'\n'});

  private Pem() {}

  // ---- writing ---------------------------------------------------------------------------------

  public static String certificate(X509Certificate certificate) {
    return write(certificate);
  }

  /** A chain (or bundle) of certificates, one block each, in order. */
  public static String certificates(List<X509Certificate> certificates) {
    StringBuilder out = new StringBuilder();
    certificates.forEach(c -> out.append(certificate(c)));
    return out.toString();
  }

  /** A SubjectPublicKeyInfo ({@code PUBLIC KEY}) block. */
  public static String publicKey(PublicKey key) {
    return write(key);
  }

  /** PKCS#8 ({@code PRIVATE KEY}) PEM of a private key. */
  public static String privateKey(PrivateKey key) {
    try {
      return write(new JcaPKCS8Generator(key, null));
    } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
      throw new IllegalStateException("cannot encode a private key as PKCS#8", e);
    }
  }

  /** PEM bytes of a certificate or key, as Fabric carries them in MSP configs and serialized identities. */
  public static byte[] encode(Object certificateOrKey) {
    return write(certificateOrKey).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The certificates of {@code pem} in canonical PEM (64-column base64, LF line ends), so that a
   * CRLF checkout or another editor does not change bytes that are hashed or shared; refuses a text
   * with a private key, with anything but certificates, or with none.
   */
  public static String canonicalCertificates(String pem, String what) {
    if (containsPrivateKey(pem)) {
      throw new IllegalArgumentException(what + " contains a PEM private key: a package meant to be shared must"
          + " never carry one");
    }
    StringBuilder out = new StringBuilder();
    for (X509Certificate certificate : certificates(pem.getBytes(StandardCharsets.UTF_8), what, true)) {
      try {
        out.append("-----BEGIN CERTIFICATE-----\n").append(BASE64_LINES.encodeToString(certificate.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      } catch (CertificateException e) {
        throw new IllegalStateException("cannot encode a certificate", e);
      }
    }
    return out.toString();
  }

  // ---- reading ---------------------------------------------------------------------------------

  /** Whether the text holds a PEM private key block of any kind (see {@link PrivateKeyPatterns}). */
  public static boolean containsPrivateKey(String text) {
    return text != null && PrivateKeyPatterns.inText(text).isPresent();
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

  /** The certificates in a PEM text, in order, whatever else it holds; an empty list when there are none. */
  public static List<X509Certificate> readCertificates(String pem) {
    List<X509Certificate> certificates = new ArrayList<>();
    for (Object object : readAll(pem)) {
      if (object instanceof X509CertificateHolder holder) {
        certificates.add(certificate(encoded(holder), "a CERTIFICATE block"));
      }
    }
    return certificates;
  }

  /** Every certificate in a PEM text; refuses a text with none, with a private key, or with other objects. */
  public static List<X509Certificate> certificates(byte[] pem, String what) {
    return certificates(pem, what, false);
  }

  private static List<X509Certificate> certificates(byte[] pem, String what, boolean shared) {
    List<Object> objects;
    try {
      objects = readAll(new String(pem, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " is not valid PEM: " + e.getMessage().replaceFirst("^not valid PEM: ", ""));
    }
    List<X509Certificate> out = new ArrayList<>();
    for (Object o : objects) {
      if (o instanceof X509CertificateHolder holder) {
        out.add(certificate(encoded(holder), what));
      } else if (isPrivateKey(o)) {
        throw new IllegalArgumentException(what + (shared ? " contains a private key: a package meant to be shared must"
            + " never carry one" : " holds a private key; only public certificates belong here"));
      } else {
        throw new IllegalArgumentException(what + (shared ? " must hold PEM certificates only, found a "
            : " holds a PEM object that is not a certificate: ") + o.getClass().getSimpleName());
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(what + " holds no PEM certificate"
          + (shared ? " (expected -----BEGIN CERTIFICATE-----)" : ""));
    }
    return out;
  }

  /** The single certificate of a PEM text. */
  public static X509Certificate oneCertificate(byte[] pem, String what) {
    List<X509Certificate> certificates = certificates(pem, what);
    if (certificates.size() != 1) {
      throw new IllegalArgumentException(what + " holds " + certificates.size() + " certificates; expected one");
    }
    return certificates.get(0);
  }

  /** A certificate from its DER bytes. */
  public static X509Certificate certificate(byte[] der, String what) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | ClassCastException e) {
      throw new IllegalArgumentException(what + " is not an X.509 certificate: " + e.getMessage());
    }
  }

  /** The revocation lists of a text (PEM or DER, one or several). */
  public static List<X509CRL> crls(byte[] pemOrDer, String what) {
    List<X509CRL> out = new ArrayList<>();
    try {
      for (var crl : CertificateFactory.getInstance("X.509").generateCRLs(new ByteArrayInputStream(pemOrDer))) {
        out.add((X509CRL) crl);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(what + " is not a CRL: " + e.getMessage());
    }
    return out;
  }

  /** The first unencrypted private key of a PEM text (PKCS#8, SEC1 or PKCS#1). */
  public static PrivateKey readPrivateKey(String pem) {
    return readPrivateKey(pem == null ? new byte[0] : pem.getBytes(StandardCharsets.UTF_8), "the PEM text");
  }

  /** As {@link #readPrivateKey(String)}, naming the input {@code what} in errors. */
  public static PrivateKey readPrivateKey(byte[] pem, String what) {
    List<Object> objects;
    try {
      objects = readAll(new String(pem, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " is " + e.getMessage());
    }
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    for (Object object : objects) {
      try {
        if (object instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (object instanceof PEMKeyPair pair) {
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
      } catch (IOException e) {
        throw new IllegalArgumentException(what + ": the private key cannot be read: " + e.getMessage());
      }
      if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
        throw new IllegalArgumentException(what + " holds an encrypted private key; give it unencrypted");
      }
    }
    throw new IllegalArgumentException(what + " holds no PEM private key");
  }

  /**
   * The one public key of a PEM text that must hold exactly one {@code PUBLIC KEY} block and nothing
   * else: what a peer sends as a public key is refused when it is (or holds) anything more.
   */
  public static PublicKey readPublicKey(String pem, String what) {
    List<Object> objects;
    try {
      objects = readAll(pem);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " is " + e.getMessage());
    }
    if (objects.size() != 1 || !(objects.get(0) instanceof SubjectPublicKeyInfo info)) {
      throw new IllegalArgumentException(what + " must be exactly one PUBLIC KEY block, found "
          + (objects.isEmpty() ? "none" : objects.stream().map(o -> o.getClass().getSimpleName()).toList()));
    }
    try {
      return new JcaPEMKeyConverter().getPublicKey(info);
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " holds a public key that cannot be read: " + e.getMessage());
    }
  }

  /** What a PEM text holds, reduced to public material: a certificate chain and its key, or a key alone. */
  public record PublicMaterial(List<X509Certificate> chain, PublicKey key, boolean derivedFromPrivateKey) {
    public PublicMaterial {
      chain = List.copyOf(chain);
    }
  }

  /**
   * The public material of PEM text holding certificates (the first one's key), a public key, or a
   * private key (EC or RSA: its public half is derived; the private key is not kept). Refuses an
   * encrypted private key and a text that holds none of these.
   */
  public static PublicMaterial readPublicMaterial(String pem, String where) {
    List<Object> objects;
    try {
      objects = readAll(pem);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + " is not PEM: " + e.getMessage());
    }
    List<X509Certificate> certificates = new ArrayList<>();
    for (Object object : objects) {
      if (object instanceof X509CertificateHolder holder) {
        certificates.add(certificate(encoded(holder), where));
      }
    }
    if (!certificates.isEmpty()) {
      return new PublicMaterial(certificates, certificates.get(0).getPublicKey(), false);
    }
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    for (Object object : objects) {
      try {
        if (object instanceof SubjectPublicKeyInfo info) {
          return new PublicMaterial(List.of(), converter.getPublicKey(info), false);
        }
        if (object instanceof PEMKeyPair pair) {
          // A SEC1 key may leave its public point out: then it is derived like any private key.
          return new PublicMaterial(List.of(), pair.getPublicKeyInfo() != null ? converter.getKeyPair(pair).getPublic()
              : PublicKeyFacts.publicKeyOf(converter.getPrivateKey(pair.getPrivateKeyInfo())), true);
        }
        if (object instanceof PrivateKeyInfo info) {
          return new PublicMaterial(List.of(), PublicKeyFacts.publicKeyOf(converter.getPrivateKey(info)), true);
        }
        if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new IllegalArgumentException(where + " holds an encrypted private key: its public part cannot be"
              + " derived without the passphrase; share the certificate or public key instead");
        }
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalArgumentException(where + " holds a key that cannot be read: " + e.getMessage());
      }
    }
    throw new IllegalArgumentException(where + " holds no certificate, public key or private key, so nothing"
        + " public can be derived from it");
  }

  private static boolean isPrivateKey(Object pemObject) {
    return pemObject instanceof PEMKeyPair || pemObject instanceof PrivateKeyInfo
        || pemObject instanceof PKCS8EncryptedPrivateKeyInfo || pemObject instanceof PEMEncryptedKeyPair;
  }

  private static byte[] encoded(X509CertificateHolder holder) {
    try {
      return holder.getEncoded();
    } catch (IOException e) {
      throw new IllegalArgumentException("a CERTIFICATE block cannot be encoded: " + e.getMessage());
    }
  }

  private static String write(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write PEM", e);
    }
    return out.toString().replace("\r\n", "\n");
  }
}
