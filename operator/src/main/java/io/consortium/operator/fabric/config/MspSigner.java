package io.consortium.operator.fabric.config;

import com.google.protobuf.ByteString;
import io.consortium.operator.pki.Pem;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import org.hyperledger.fabric.protos.common.ConfigSignature;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;

/**
 * An organization's admin identity that signs locally: its MSP ID, its certificate and its EC
 * private key. The key never leaves this object; what travels is the ConfigSignature.
 */
public final class MspSigner {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String mspId;
  private final X509Certificate certificate;
  private final byte[] certificatePem;
  private final ECPrivateKey key;

  public MspSigner(String mspId, byte[] certificatePem, byte[] keyPem) {
    if (mspId == null || mspId.isBlank()) {
      throw new IllegalArgumentException("the MSP ID is empty");
    }
    this.mspId = mspId;
    this.certificate = Pem.oneCertificate(certificatePem, "the signer certificate");
    PrivateKey privateKey = Pem.readPrivateKey(keyPem, "the signer key");
    if (!(privateKey instanceof ECPrivateKey ec)) {
      throw new IllegalArgumentException("the signer key is " + privateKey.getAlgorithm() + "; Fabric MSP identities sign with EC keys");
    }
    if (!(certificate.getPublicKey() instanceof ECPublicKey pub)) {
      throw new IllegalArgumentException("the signer certificate has a " + certificate.getPublicKey().getAlgorithm() + " key, not an EC key");
    }
    this.key = ec;
    if (!pub.getParams().getOrder().equals(ec.getParams().getOrder())
        || !EcSignatures.verify(pub, new byte[] {1}, EcSignatures.sign(ec, new byte[] {1}))) {
      throw new IllegalArgumentException("the signer key does not belong to the signer certificate");
    }
    // Fabric carries the certificate as PEM; re-encoding makes the bytes independent of file layout.
    this.certificatePem = Pem.encode(certificate);
  }

  public String mspId() {
    return mspId;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** The serialized identity Fabric puts in signature headers: MSP ID and certificate PEM. */
  public SerializedIdentity identity() {
    return SerializedIdentity.newBuilder().setMspid(mspId).setIdBytes(ByteString.copyFrom(certificatePem)).build();
  }

  /** A fresh signature header: this identity as creator and a 24-byte random nonce. */
  public SignatureHeader newSignatureHeader() {
    byte[] nonce = new byte[24];
    RANDOM.nextBytes(nonce);
    return SignatureHeader.newBuilder()
        .setCreator(identity().toByteString())
        .setNonce(ByteString.copyFrom(nonce))
        .build();
  }

  /** Low-S ECDSA over SHA-256 of the bytes, DER-encoded, as Fabric's signers produce. */
  public byte[] sign(byte[] message) {
    return EcSignatures.sign(key, message);
  }

  /**
   * Signs the exact config update bytes as {@code peer channel signconfigtx} does: signature over
   * signature_header || config_update.
   */
  public ConfigSignature signConfigUpdate(ByteString configUpdate) {
    ByteString header = newSignatureHeader().toByteString();
    byte[] signature = sign(header.concat(configUpdate).toByteArray());
    return ConfigSignature.newBuilder().setSignatureHeader(header).setSignature(ByteString.copyFrom(signature)).build();
  }

  /** ECDSA helpers shared by signing and verifying. */
  static final class EcSignatures {
    private EcSignatures() {}

    static byte[] sign(ECPrivateKey key, byte[] message) {
      try {
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(key, RANDOM);
        s.update(message);
        return toLowS(s.sign(), key.getParams().getOrder());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
      }
    }

    static boolean verify(ECPublicKey key, byte[] message, byte[] der) {
      try {
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initVerify(key);
        s.update(message);
        return s.verify(der);
      } catch (GeneralSecurityException e) {
        return false;
      }
    }

    /** r and s of a DER signature, or null if it is not DER SEQUENCE{r, s}. */
    static BigInteger[] rs(byte[] der) {
      try {
        var seq = org.bouncycastle.asn1.ASN1Sequence.getInstance(der);
        if (seq.size() != 2 || !Arrays.equals(seq.getEncoded("DER"), der)) {
          return null;
        }
        return new BigInteger[] {
          org.bouncycastle.asn1.ASN1Integer.getInstance(seq.getObjectAt(0)).getValue(),
          org.bouncycastle.asn1.ASN1Integer.getInstance(seq.getObjectAt(1)).getValue()
        };
      } catch (Exception e) {
        return null;
      }
    }

    static byte[] der(BigInteger r, BigInteger s) {
      try {
        return new org.bouncycastle.asn1.DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
          new org.bouncycastle.asn1.ASN1Integer(r), new org.bouncycastle.asn1.ASN1Integer(s)
        }).getEncoded("DER");
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }

    static boolean isLowS(BigInteger s, BigInteger order) {
      return s.compareTo(order.shiftRight(1)) <= 0;
    }

    /** Fabric refuses s > n/2 (malleability): replace s by n - s. */
    static byte[] toLowS(byte[] der, BigInteger order) {
      BigInteger[] rs = rs(der);
      if (rs == null) {
        throw new IllegalStateException("the JCA signature is not DER");
      }
      if (isLowS(rs[1], order)) {
        return der;
      }
      return der(rs[0], order.subtract(rs[1]));
    }
  }

  static byte[] derOf(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}
