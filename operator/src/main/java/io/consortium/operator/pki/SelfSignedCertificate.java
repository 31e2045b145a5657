package io.consortium.operator.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Makes EC key pairs and self-signed X.509 certificates (subject O=consortium-operator, CN=the name given). */
public final class SelfSignedCertificate {

  /** What a certificate is for; its extensions follow from it. */
  public enum Profile {
    /** A certificate authority: CA:TRUE and keyCertSign, cRLSign, digitalSignature (as Fabric's CAs have them). */
    CA,
    /** Both ends of a TLS link: CA:FALSE, digitalSignature, serverAuth and clientAuth. */
    TLS_ENDPOINT
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private SelfSignedCertificate() {}

  /** A new key pair on the named curve ({@code secp256r1} is P-256, {@code secp384r1} is P-384). */
  public static KeyPair newEcKeyPair(String curve) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(curve), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an EC key on " + curve, e);
    }
  }

  /**
   * A self-signed certificate for the key pair, with a subject key identifier.
   *
   * @param dnsNames subject alternative names (DNS names or IP addresses; may be empty)
   * @param extra further non-critical extensions, by OID, each value carried in an OCTET STRING
   */
  public static X509Certificate issue(KeyPair keyPair, String commonName, Instant notBefore, Duration validity,
      Profile profile, List<String> dnsNames, Map<String, byte[]> extra) {
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, "consortium-operator")
        .addRDN(BCStyle.CN, commonName)
        .build();
    BigInteger serial = new BigInteger(128, RANDOM).setBit(127);
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          subject, serial, Date.from(notBefore), Date.from(notBefore.plus(validity)), subject, keyPair.getPublic());
      if (profile == Profile.CA) {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
      } else {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false,
            new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      }
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          extensions.createSubjectKeyIdentifier(keyPair.getPublic()));
      for (Map.Entry<String, byte[]> extension : extra.entrySet()) {
        builder.addExtension(new ASN1ObjectIdentifier(extension.getKey()), false, new DEROctetString(extension.getValue()));
      }
      if (!dnsNames.isEmpty()) {
        List<GeneralName> names = new ArrayList<>();
        for (String name : dnsNames) {
          names.add(new GeneralName(isIpAddress(name) ? GeneralName.iPAddress : GeneralName.dNSName, name));
        }
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      String algorithm = keyPair.getPublic().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(keyPair.getPrivate())));
    } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
      throw new IllegalStateException("cannot make a self-signed certificate for " + commonName, e);
    }
  }

  private static boolean isIpAddress(String name) {
    return name.matches("[0-9.]+") || name.contains(":");
  }
}
