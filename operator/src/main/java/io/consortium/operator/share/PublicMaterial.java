package io.consortium.operator.share;

import io.consortium.operator.api.v1alpha1.spec.CertificateStatus;
import io.consortium.operator.api.v1alpha1.spec.KeyUsage;
import io.consortium.operator.api.v1alpha1.spec.PublicKeyMaterial;
import io.consortium.operator.pki.CertificateFacts;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.pki.PublicKeyFacts;
import io.consortium.operator.pki.SelfSignedCertificate;
import io.consortium.operator.share.ShareKind.InvalidShareSource;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reduces whatever a KeyShare points at to the public material that may leave the cluster: a
 * certificate (chain) and its public key, a public key, or the public half of a private key. A
 * private key is read only to derive its public key and is never part of the result; a source that
 * holds no key material is refused. On the receiving side it reads what arrived again ({@link #derive})
 * and shows only what it read there.
 */
public final class PublicMaterial {

  /** The Secret keys tried, in order, when a KeyShare names none. Public material first. */
  public static final List<String> SECRET_KEYS = List.of("tls.crt", "ca.crt", "cert.pem", "certificate",
      "public.pem", "publicKey", "tls.key", "key.pem", "privateKey");

  /** What a receiver refuses when the material contradicts itself or the sender's claims about it. */
  public static final String PAYLOAD_MISMATCH = "PayloadMismatch";
  public static final String NOT_A_CA_CERTIFICATE = "NotACACertificate";
  public static final String CERTIFICATE_EXPIRED = "CertificateExpired";
  public static final String CERTIFICATE_NOT_YET_VALID = "CertificateNotYetValid";

  private PublicMaterial() {}

  /** From a Secret's decoded data: the named key, or the first of {@link #SECRET_KEYS} present. */
  public static PublicKeyMaterial fromSecret(String secretName, Map<String, String> decodedData, String key) {
    if (key != null) {
      String value = decodedData.get(key);
      if (value == null) {
        throw new IllegalArgumentException("Secret " + secretName + " has no key '" + key + "'");
      }
      return fromPem(value, "Secret " + secretName + " key '" + key + "'");
    }
    for (String candidate : SECRET_KEYS) {
      String value = decodedData.get(candidate);
      if (value != null) {
        return fromPem(value, "Secret " + secretName + " key '" + candidate + "'");
      }
    }
    throw new IllegalArgumentException("Secret " + secretName + " has none of the keys " + SECRET_KEYS
        + ": name the key with spec.source.key");
  }

  /** From PEM text holding certificates, a public key, or a private key (EC or RSA). */
  public static PublicKeyMaterial fromPem(String pem, String where) {
    Pem.PublicMaterial read = Pem.readPublicMaterial(pem, where);
    return describe(read.key(), read.chain().isEmpty() ? null : Pem.certificates(read.chain()));
  }

  static PublicKeyMaterial describe(PublicKey key, String certificateChain) {
    PublicKeyFacts facts = PublicKeyFacts.of(key);
    PublicKeyMaterial material = new PublicKeyMaterial();
    material.certificate = certificateChain;
    material.publicKey = facts.pem();
    material.fingerprint = facts.fingerprint();
    material.algorithm = facts.algorithm();
    material.curve = facts.curve();
    material.keySize = facts.keySize() == 0 ? null : facts.keySize();
    return material;
  }

  /** Public material as this side reads it: the key, and the certificate chain that came with it (maybe none). */
  public record Derived(PublicKey publicKey, PublicKeyFacts key, List<X509Certificate> chain,
      List<CertificateFacts> certificates) {
    public Derived {
      chain = List.copyOf(chain);
      certificates = List.copyOf(certificates);
    }

    /** The certificate of the key, the first of the chain. */
    public Optional<CertificateFacts> certificate() {
      return certificates.stream().findFirst();
    }

    /** The material in canonical PEM, re-encoded from what was read: never more than public material. */
    public PublicKeyMaterial material() {
      return describe(publicKey, chain.isEmpty() ? null : Pem.certificates(chain));
    }
  }

  /**
   * Reads public material again, whoever wrote it: {@code publicKey} must be exactly one PUBLIC KEY
   * block, {@code certificate} only certificates (a chain or a bundle), the first of which certifies
   * that key. Refuses ({@code PayloadInvalid}) what is not purely public or does not read, and
   * ({@code PayloadMismatch}) a certificate of another key.
   */
  public static Derived derive(PublicKeyMaterial material) throws InvalidShareSource {
    if (material == null || material.publicKey == null) {
      throw new InvalidShareSource("PayloadInvalid", "a KeyShare payload without public key material");
    }
    PublicKey key;
    List<X509Certificate> chain = List.of();
    try {
      key = Pem.readPublicKey(material.publicKey, "material.publicKey");
      if (material.certificate != null) {
        chain = Pem.certificates(material.certificate.getBytes(StandardCharsets.UTF_8), "material.certificate");
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidShareSource("PayloadInvalid", e.getMessage());
    }
    if (!chain.isEmpty() && !Arrays.equals(chain.get(0).getPublicKey().getEncoded(), key.getEncoded())) {
      throw new InvalidShareSource(PAYLOAD_MISMATCH, "material.certificate certifies the key with fingerprint "
          + PublicKeyFacts.fingerprint(chain.get(0).getPublicKey()) + ", but material.publicKey is the key with"
          + " fingerprint " + PublicKeyFacts.fingerprint(key));
    }
    List<CertificateFacts> facts = new ArrayList<>();
    chain.forEach(c -> facts.add(CertificateFacts.of(c)));
    return new Derived(key, PublicKeyFacts.of(key), chain, facts);
  }

  /** Refuses ({@code PayloadMismatch}) a sender's claims about the key that the key itself contradicts. */
  public static void checkClaims(PublicKeyMaterial claimed, Derived derived) throws InvalidShareSource {
    List<String> wrong = new ArrayList<>();
    PublicKeyFacts key = derived.key();
    if (claimed.fingerprint == null || !claimed.fingerprint.equalsIgnoreCase(key.fingerprint())) {
      wrong.add("fingerprint " + claimed.fingerprint + " (the key's is " + key.fingerprint() + ")");
    }
    if (claimed.algorithm != null && !claimed.algorithm.equals(key.algorithm())) {
      wrong.add("algorithm " + claimed.algorithm + " (the key is " + key.algorithm() + ")");
    }
    if (claimed.curve != null && !claimed.curve.equals(key.curve())) {
      wrong.add("curve " + claimed.curve + " (the key's is " + key.curve() + ")");
    }
    if (claimed.keySize != null && claimed.keySize != key.keySize()) {
      wrong.add("key size " + claimed.keySize + " (the key's is " + key.keySize() + ")");
    }
    if (!wrong.isEmpty()) {
      throw new InvalidShareSource(PAYLOAD_MISMATCH, "the sender claims " + String.join(", ", wrong)
          + "; nothing was stored");
    }
  }

  /**
   * A key shared as a certificate authority (CARoot, IntermediateCA, TLSCARoot) must come with a CA
   * certificate: basicConstraints CA:TRUE and the keyCertSign usage; refused with {@code NotACACertificate}.
   */
  public static void checkUsage(KeyUsage usage, Derived derived, String where) throws InvalidShareSource {
    if (usage == null || !usage.isCertificateAuthority()) {
      return;
    }
    Optional<CertificateFacts> certificate = derived.certificate();
    if (certificate.isEmpty()) {
      throw new InvalidShareSource(NOT_A_CA_CERTIFICATE, "usage " + usage + " is a certificate authority's, but "
          + where + " holds no certificate, only a key: share the CA certificate (CA:TRUE, keyCertSign)");
    }
    if (!certificate.get().signsCertificates()) {
      throw new InvalidShareSource(NOT_A_CA_CERTIFICATE, "usage " + usage + " is a certificate authority's, but the"
          + " certificate in " + where + " (" + certificate.get().subject() + ") is not a CA certificate: "
          + certificate.get().constraints() + "; a CA needs CA:TRUE and keyCertSign");
    }
  }

  /** The first certificate of the chain that is not valid at {@code now}, as a refusal with its reason. */
  public static Optional<InvalidShareSource> invalidAt(Derived derived, Instant now, String where) {
    for (CertificateFacts certificate : derived.certificates()) {
      switch (certificate.validityAt(now)) {
        case EXPIRED -> {
          return Optional.of(new InvalidShareSource(CERTIFICATE_EXPIRED, "the certificate " + certificate.subject()
              + " in " + where + " expired at " + certificate.notAfter()));
        }
        case NOT_YET_VALID -> {
          return Optional.of(new InvalidShareSource(CERTIFICATE_NOT_YET_VALID, "the certificate "
              + certificate.subject() + " in " + where + " is not valid before " + certificate.notBefore()));
        }
        default -> { }
      }
    }
    return Optional.empty();
  }

  /** The status view of the key's certificate. */
  public static CertificateStatus status(Derived derived) {
    return derived.certificate().map(c -> {
      CertificateStatus status = new CertificateStatus();
      status.subject = c.subject();
      status.issuer = c.issuer();
      status.notBefore = c.notBefore().toString();
      status.notAfter = c.notAfter().toString();
      status.basicConstraints = c.ca() ? "CA:TRUE" + (c.pathLength() == null ? "" : ", pathlen:" + c.pathLength())
          : "CA:FALSE";
      status.keyUsage = c.keyUsage().isEmpty() ? null : c.keyUsage();
      status.sha256 = c.sha256();
      status.chainLength = derived.certificates().size();
      return status;
    }).orElse(null);
  }

  /** A key pair made for a KeyShare: the private half stays in a local Secret, the material is shared. */
  public record Generated(String privateKeyPem, PublicKeyMaterial material) {}

  /**
   * Makes an EC key pair on P-256 or P-384 and a self-signed certificate for it: a CA certificate
   * (CA:TRUE, keyCertSign and cRLSign) when the key is to be a certificate authority, otherwise one
   * for signing and TLS (CA:FALSE, digitalSignature).
   */
  public static Generated generate(String curveName, String commonName, Instant now, boolean certificateAuthority) {
    String curve = switch (curveName) {
      case "P-256" -> "secp256r1";
      case "P-384" -> "secp384r1";
      default -> throw new IllegalArgumentException("spec.generate.curve must be P-256 or P-384, got " + curveName);
    };
    KeyPair pair = SelfSignedCertificate.newEcKeyPair(curve);
    X509Certificate certificate = SelfSignedCertificate.issue(pair, commonName, now.minusSeconds(60),
        Duration.ofDays(365), certificateAuthority ? SelfSignedCertificate.Profile.CA
            : SelfSignedCertificate.Profile.TLS_ENDPOINT, List.of(), Map.of());
    return new Generated(Pem.privateKey(pair.getPrivate()), describe(pair.getPublic(), Pem.certificate(certificate)));
  }
}
