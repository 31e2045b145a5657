package io.consortium.operator.fabric.pem;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM certificates as text that travels inside a shared package: checked to hold certificates
 * only (never a private key), and re-encoded canonically (64-column base64, LF line ends) so that
 * a CRLF checkout or a different editor does not change the package bytes.
 */
public final class PemCertificates {

  private static final Pattern PRIVATE_KEY = Pattern.compile("-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----");
  private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(64, new byte[] {'\n'});

  private PemCertificates() {}

  /** True when {@code text} holds a PEM private key of any kind (PKCS#8, EC, RSA, encrypted). */
  public static boolean containsPrivateKey(String text) {
    return text != null && PRIVATE_KEY.matcher(text).find();
  }

  /**
   * The canonical PEM of the certificates in {@code pem}.
   *
   * @param what names the value in messages, e.g. "root_cert"
   */
  public static String canonical(String pem, String what) {
    if (containsPrivateKey(pem)) {
      throw new IllegalArgumentException(
          what + " contains a PEM private key: a package meant to be shared must never carry one");
    }
    List<byte[]> certificates = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object object; (object = parser.readObject()) != null; ) {
        if (object instanceof X509CertificateHolder certificate) {
          certificates.add(certificate.getEncoded());
        } else if (object instanceof PEMKeyPair
            || object instanceof PrivateKeyInfo
            || object instanceof PEMEncryptedKeyPair
            || object instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new IllegalArgumentException(
              what + " contains a private key: a package meant to be shared must never carry one");
        } else {
          throw new IllegalArgumentException(
              what + " must hold PEM certificates only, found a " + object.getClass().getSimpleName());
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " is not valid PEM: " + e.getMessage());
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(what + " holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)");
    }
    StringBuilder out = new StringBuilder();
    for (byte[] der : certificates) {
      out.append("-----BEGIN CERTIFICATE-----\n")
          .append(BASE64.encodeToString(der))
          .append("\n-----END CERTIFICATE-----\n");
    }
    return out.toString();
  }
}
