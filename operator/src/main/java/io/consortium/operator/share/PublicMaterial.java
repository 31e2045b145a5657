package io.consortium.operator.share;

import io.consortium.operator.api.v1alpha1.spec.PublicKeyMaterial;
import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.identity.Pem;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reduces whatever a KeyShare points at to the public material that may leave the cluster: a
 * certificate (chain) and its public key, a public key, or the public half of a private key. A
 * private key is read only to derive its public key and is never part of the result; a source that
 * holds no key material is refused.
 */
public final class PublicMaterial {

  /** The Secret keys tried, in order, when a KeyShare names none. Public material first. */
  public static final List<String> SECRET_KEYS = List.of("tls.crt", "ca.crt", "cert.pem", "certificate",
      "public.pem", "publicKey", "tls.key", "key.pem", "privateKey");

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
    List<Object> objects;
    try {
      objects = Pem.readAll(pem);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + " is not PEM: " + e.getMessage());
    }
    List<X509Certificate> certificates = Pem.readCertificates(pem);
    if (!certificates.isEmpty()) {
      StringBuilder chain = new StringBuilder();
      for (X509Certificate certificate : certificates) {
        chain.append(Pem.certificate(certificate));
      }
      return describe(certificates.get(0).getPublicKey(), chain.toString());
    }
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    for (Object object : objects) {
      try {
        if (object instanceof SubjectPublicKeyInfo info) {
          return describe(converter.getPublicKey(info), null);
        }
        if (object instanceof PEMKeyPair pair) {
          // A SEC1 key may leave its public point out: then it is derived like any private key.
          return describe(pair.getPublicKeyInfo() != null ? converter.getKeyPair(pair).getPublic()
              : publicOf(converter.getPrivateKey(pair.getPrivateKeyInfo())), null);
        }
        if (object instanceof PrivateKeyInfo info) {
          return describe(publicOf(converter.getPrivateKey(info)), null);
        }
        if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new IllegalArgumentException(where + " holds an encrypted private key: its public part cannot be"
              + " derived without the passphrase; share the certificate or public key instead");
        }
      } catch (java.io.IOException | GeneralSecurityException e) {
        throw new IllegalArgumentException(where + " holds a key that cannot be read: " + e.getMessage());
      }
    }
    throw new IllegalArgumentException(where + " holds no certificate, public key or private key, so nothing"
        + " public can be derived from it");
  }

  /** The public key of a private key: from the CRT fields for RSA, by point multiplication for EC. */
  static PublicKey publicOf(PrivateKey key) throws GeneralSecurityException {
    if (key instanceof RSAPrivateCrtKey rsa) {
      return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
    }
    if (key instanceof ECPrivateKey ec) {
      org.bouncycastle.math.ec.ECCurve curve = EC5Util.convertCurve(ec.getParams().getCurve());
      org.bouncycastle.math.ec.ECPoint g = EC5Util.convertPoint(curve, ec.getParams().getGenerator());
      org.bouncycastle.math.ec.ECPoint q = g.multiply(ec.getS()).normalize();
      ECPoint w = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
      return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, ec.getParams()));
    }
    throw new GeneralSecurityException("a " + key.getAlgorithm() + " private key is not supported (EC or RSA only)");
  }

  static PublicKeyMaterial describe(PublicKey key, String certificateChain) {
    PublicKeyMaterial material = new PublicKeyMaterial();
    material.certificate = certificateChain;
    material.publicKey = Pem.publicKey(key);
    material.fingerprint = InstanceIdentity.instanceIdOf(key);
    if (key instanceof ECPublicKey ec) {
      material.algorithm = "EC";
      material.keySize = ec.getParams().getCurve().getField().getFieldSize();
      material.curve = switch (material.keySize) {
        case 256 -> isSecp256k1(ec) ? "secp256k1" : "P-256";
        case 384 -> "P-384";
        case 521 -> "P-521";
        default -> "unknown";
      };
    } else if (key instanceof RSAPublicKey rsa) {
      material.algorithm = "RSA";
      material.keySize = rsa.getModulus().bitLength();
    } else {
      material.algorithm = key.getAlgorithm();
    }
    return material;
  }

  private static boolean isSecp256k1(ECPublicKey key) {
    // secp256k1 has a = 0; the NIST P-256 curve has a = -3 mod p.
    return key.getParams().getCurve().getA().equals(BigInteger.ZERO);
  }

  /** A key pair made for a KeyShare: the private half stays in a local Secret, the material is shared. */
  public record Generated(String privateKeyPem, PublicKeyMaterial material) {}

  /** Makes an EC key pair on P-256 or P-384 and a self-signed certificate for it. */
  public static Generated generate(String curveName, String commonName, java.time.Instant now) {
    String curve = switch (curveName) {
      case "P-256" -> "secp256r1";
      case "P-384" -> "secp384r1";
      default -> throw new IllegalArgumentException("spec.generate.curve must be P-256 or P-384, got " + curveName);
    };
    java.security.KeyPair pair = io.consortium.operator.identity.SelfSignedCertificates.newEcKeyPair(curve);
    X509Certificate certificate = io.consortium.operator.identity.SelfSignedCertificates.selfSigned(pair, commonName,
        List.of(), now.minusSeconds(60), java.time.Duration.ofDays(365));
    return new Generated(Pem.privateKey(pair.getPrivate()), describe(pair.getPublic(), Pem.certificate(certificate)));
  }
}
