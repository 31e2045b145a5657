package io.consortium.operator.fabric.config;

import com.google.protobuf.ByteString;
import io.consortium.operator.pki.Pem;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.Map;
import org.hyperledger.fabric.protos.common.ConfigSignature;
import org.hyperledger.fabric.protos.common.ConfigUpdateEnvelope;
import org.hyperledger.fabric.protos.common.MSPRole;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;

/**
 * The check of one ConfigSignature against the exact config update bytes and the channel's MSPs:
 * signature, low-S, chain to the MSP's CAs, admin role. {@code failure} names the first check
 * that failed, or is null.
 */
public record SignatureCheck(String mspId, String subject, X509Certificate certificate, String failure) {

  public boolean valid() {
    return failure == null;
  }

  /** {@code <MSPID> <subject> valid} or {@code <MSPID> <subject> INVALID: <why>}. */
  public String line() {
    return (mspId.isEmpty() ? "?" : mspId) + " " + (subject.isEmpty() ? "?" : subject)
        + (valid() ? " valid" : " INVALID: " + failure);
  }

  /** Checks every signature of an envelope, in order. */
  public static java.util.List<SignatureCheck> all(ConfigUpdateEnvelope envelope, Map<String, ChannelMsp> msps) {
    return envelope.getSignaturesList().stream()
        .map(s -> of(s, envelope.getConfigUpdate(), msps))
        .toList();
  }

  public static SignatureCheck of(ConfigSignature signature, ByteString configUpdate, Map<String, ChannelMsp> msps) {
    return of(signature, configUpdate, msps, true);
  }

  /**
   * Checks one signature; with {@code requireAdmin} false, a valid member of its MSP passes (the
   * policy evaluation then decides what its role counts for).
   */
  public static SignatureCheck of(ConfigSignature signature, ByteString configUpdate, Map<String, ChannelMsp> msps,
      boolean requireAdmin) {
    SignatureCheck signed = signed(signature, configUpdate);
    if (!signed.valid()) {
      return signed;
    }
    String mspId = signed.mspId();
    X509Certificate certificate = signed.certificate();
    String subject = signed.subject();
    ChannelMsp msp = msps.get(mspId);
    if (msp == null) {
      return new SignatureCheck(mspId, subject, certificate, "MSP " + mspId + " is not defined in the channel config");
    }
    String invalid = msp.validate(certificate);
    if (invalid != null) {
      return new SignatureCheck(mspId, subject, certificate, invalid);
    }
    if (requireAdmin && !msp.hasRole(certificate, MSPRole.MSPRoleType.ADMIN)) {
      return new SignatureCheck(mspId, subject, certificate,
          "the signer is not an admin of " + mspId + (msp.nodeOusEnabled()
              ? " (neither OU admin nor in its admin certificates)" : " (not in its admin certificates)"));
    }
    return new SignatureCheck(mspId, subject, certificate, null);
  }

  /**
   * The checks that need no channel config: the header names a certificate with an EC key, and the
   * signature is low-S DER ECDSA over signature_header || config_update by that key. Whether the
   * certificate belongs to its MSP, and in which role, needs the channel's MSPs ({@link #of}).
   */
  public static SignatureCheck signed(ConfigSignature signature, ByteString configUpdate) {
    SignatureHeader header;
    SerializedIdentity creator;
    try {
      header = SignatureHeader.parseFrom(signature.getSignatureHeader());
      creator = SerializedIdentity.parseFrom(header.getCreator());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return new SignatureCheck("", "", null, "the signature header is not a SignatureHeader with a serialized identity");
    }
    String mspId = creator.getMspid();
    X509Certificate certificate;
    try {
      certificate = Pem.oneCertificate(creator.getIdBytes().toByteArray(), "the signer identity");
    } catch (IllegalArgumentException e) {
      return new SignatureCheck(mspId, "", null, e.getMessage());
    }
    String subject = ChannelMsp.subject(certificate);
    if (!(certificate.getPublicKey() instanceof ECPublicKey key)) {
      return new SignatureCheck(mspId, subject, certificate, "the signer certificate has no EC public key");
    }
    byte[] der = signature.getSignature().toByteArray();
    BigInteger[] rs = MspSigner.EcSignatures.rs(der);
    if (rs == null) {
      return new SignatureCheck(mspId, subject, certificate, "the signature is not a DER ECDSA signature");
    }
    if (!MspSigner.EcSignatures.isLowS(rs[1], key.getParams().getOrder())) {
      return new SignatureCheck(mspId, subject, certificate, "the signature has a high S value (Fabric accepts low-S only)");
    }
    byte[] signed = signature.getSignatureHeader().concat(configUpdate).toByteArray();
    if (!MspSigner.EcSignatures.verify(key, signed, der)) {
      return new SignatureCheck(mspId, subject, certificate,
          "the signature does not match the signature header and config update bytes");
    }
    return new SignatureCheck(mspId, subject, certificate, null);
  }
}
