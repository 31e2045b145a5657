package io.consortium.operator.pki;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;

/**
 * What a certificate says of itself, read from its DER: subject, issuer, validity, basic
 * constraints and key usage, and the key it certifies.
 *
 * @param subject RFC 2253, most specific first ("CN=ca.org1.example.com, O=org1")
 * @param ca basicConstraints CA:TRUE
 * @param pathLength basicConstraints pathLenConstraint of a CA, null when unlimited or not a CA
 * @param keyUsage the key usage bits set, in X.509's names (digitalSignature, keyCertSign, cRLSign...);
 *     empty when the certificate has no keyUsage extension
 * @param subjectKeyId hex of the subjectKeyIdentifier extension, or null
 * @param sha256 lowercase hex SHA-256 of the certificate's DER
 */
public record CertificateFacts(String subject, String issuer, Instant notBefore, Instant notAfter, boolean ca,
    Integer pathLength, List<String> keyUsage, String subjectKeyId, String sha256, PublicKeyFacts key) {

  /** X.509's names of the keyUsage bits, in bit order. */
  private static final String[] KEY_USAGE = {"digitalSignature", "nonRepudiation", "keyEncipherment",
      "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"};

  /** Where a certificate stands at an instant. */
  public enum Validity { VALID, EXPIRED, NOT_YET_VALID }

  public CertificateFacts {
    keyUsage = List.copyOf(keyUsage);
  }

  public static CertificateFacts of(X509Certificate certificate) {
    int basicConstraints = certificate.getBasicConstraints();
    List<String> usage = new ArrayList<>();
    boolean[] bits = certificate.getKeyUsage();
    if (bits != null) {
      for (int i = 0; i < bits.length && i < KEY_USAGE.length; i++) {
        if (bits[i]) {
          usage.add(KEY_USAGE[i]);
        }
      }
    }
    byte[] ski = certificate.getExtensionValue("2.5.29.14");
    String subjectKeyId = null;
    if (ski != null) {
      subjectKeyId = HexFormat.of().formatHex(SubjectKeyIdentifier.getInstance(
          ASN1OctetString.getInstance(ski).getOctets()).getKeyIdentifier());
    }
    String sha256;
    try {
      sha256 = Sha256.hex(certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("the certificate cannot be encoded: " + e.getMessage());
    }
    return new CertificateFacts(name(certificate.getSubjectX500Principal()), name(certificate.getIssuerX500Principal()),
        certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(), basicConstraints >= 0,
        basicConstraints >= 0 && basicConstraints != Integer.MAX_VALUE ? basicConstraints : null, usage, subjectKeyId,
        sha256, PublicKeyFacts.of(certificate.getPublicKey()));
  }

  /** A CA that may sign certificates: basicConstraints CA:TRUE and the keyCertSign key usage. */
  public boolean signsCertificates() {
    return ca && keyUsage.contains("keyCertSign");
  }

  public Validity validityAt(Instant now) {
    return now.isAfter(notAfter) ? Validity.EXPIRED : now.isBefore(notBefore) ? Validity.NOT_YET_VALID : Validity.VALID;
  }

  /** "CA:TRUE" or "CA:FALSE", with the key usage, as openssl x509 -text shows them. */
  public String constraints() {
    return (ca ? "CA:TRUE" + (pathLength == null ? "" : ", pathlen:" + pathLength) : "CA:FALSE") + "; keyUsage "
        + (keyUsage.isEmpty() ? "absent" : String.join(", ", keyUsage));
  }

  /** RFC 2253, with a space after each comma, the way people read a DN. */
  public static String name(X500Principal principal) {
    return principal.getName(X500Principal.RFC2253).replace(",", ", ");
  }
}
