package io.consortium.operator.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;

/**
 * What a public key is, read from the key itself: its algorithm, curve and size, and its
 * fingerprint, the lowercase hex SHA-256 of its DER SubjectPublicKeyInfo (an instance ID, a pin,
 * a KeyShare's fingerprint are all this).
 *
 * @param curve P-256, P-384, P-521 or secp256k1 for EC keys; null otherwise
 * @param pem the key as one canonical {@code PUBLIC KEY} block
 */
public record PublicKeyFacts(String algorithm, String curve, int keySize, String fingerprint, String pem) {

  public static PublicKeyFacts of(PublicKey key) {
    String fingerprint = fingerprint(key);
    String pem = Pem.publicKey(key);
    if (key instanceof ECPublicKey ec) {
      int size = ec.getParams().getCurve().getField().getFieldSize();
      String curve = switch (size) {
        // secp256k1 has a = 0; the NIST P-256 curve has a = -3 mod p.
        case 256 -> ec.getParams().getCurve().getA().equals(BigInteger.ZERO) ? "secp256k1" : "P-256";
        case 384 -> "P-384";
        case 521 -> "P-521";
        default -> "unknown";
      };
      return new PublicKeyFacts("EC", curve, size, fingerprint, pem);
    }
    if (key instanceof RSAPublicKey rsa) {
      return new PublicKeyFacts("RSA", null, rsa.getModulus().bitLength(), fingerprint, pem);
    }
    return new PublicKeyFacts(key.getAlgorithm(), null, 0, fingerprint, pem);
  }

  /** Lowercase hex SHA-256 of the key's DER SubjectPublicKeyInfo. */
  public static String fingerprint(PublicKey key) {
    return Sha256.hex(key.getEncoded());
  }

  /** The public key of a private key: from the CRT fields for RSA, by point multiplication for EC. */
  public static PublicKey publicKeyOf(PrivateKey key) throws GeneralSecurityException {
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
}
