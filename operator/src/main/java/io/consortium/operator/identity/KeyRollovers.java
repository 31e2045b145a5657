package io.consortium.operator.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import io.consortium.operator.pki.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;

/**
 * The two signed statements of a key rollover.
 *
 * <ul>
 *   <li>The <b>new-key proof</b>, a JWS by the new key over (old ID, new ID, new certificate's
 *       thumbprint, time), carried in a KEY_ROLLOVER envelope that the old key signs: together they
 *       prove that the holder of the pinned key and the holder of the new key agree.</li>
 *   <li>The <b>rolled-from statement</b>, a JWS by the old key over (old ID, new ID, time) with the
 *       old public key in it, carried inside the new certificate (extension {@link #ROLLED_FROM_OID}).
 *       A peer that still pins the old key and meets the new certificate learns, provably, that the
 *       key was rolled while it was away, rather than meeting an unexplained impostor.</li>
 * </ul>
 */
public final class KeyRollovers {

  /** Extension holding the rolled-from statement (a UUID-based OID, X.667: nobody else's arc). */
  public static final String ROLLED_FROM_OID = "2.25.40306748666978579929113511666523079313";
  static final JOSEObjectType PROOF_TYPE = new JOSEObjectType("consortium-key-rollover+jws");
  static final JOSEObjectType ROLLED_FROM_TYPE = new JOSEObjectType("consortium-rolled-from+jws");
  private static final ObjectMapper JSON = new ObjectMapper();

  private KeyRollovers() {}

  /** What a verified rollover says. */
  public record Rolled(String oldInstanceId, String newInstanceId, Instant rolledAt, X509Certificate newCertificate) {}

  /** The new key's proof: signed by {@code next}, naming the key it replaces. */
  public static String newKeyProof(InstanceIdentity next, String oldInstanceId, Instant rolledAt) {
    ObjectNode claims = JSON.createObjectNode()
        .put("oldInstanceId", oldInstanceId)
        .put("newInstanceId", next.instanceId())
        .put("certificateThumbprint", next.certificateThumbprint())
        .put("rolledAt", rolledAt.toString());
    return sign(next, PROOF_TYPE, claims);
  }

  /** The old key's statement, for the new certificate's extension. */
  public static String rolledFromStatement(InstanceIdentity old, String newInstanceId, Instant rolledAt) {
    ObjectNode claims = JSON.createObjectNode()
        .put("oldInstanceId", old.instanceId())
        .put("newInstanceId", newInstanceId)
        .put("oldPublicKey", Base64.getEncoder().encodeToString(old.keyPair().getPublic().getEncoded()))
        .put("rolledAt", rolledAt.toString());
    return sign(old, ROLLED_FROM_TYPE, claims);
  }

  /**
   * Checks a rollover announced over a link pinned to {@code pinnedInstanceId} (the envelope around
   * it was already verified with that key): the announced old key is the pinned one, the new
   * certificate holds the announced new key, and that key signed the proof over exactly these values.
   *
   * @throws IllegalArgumentException with what is wrong, in words a person can act on
   */
  public static Rolled verify(String pinnedInstanceId, String oldInstanceId, String newInstanceId,
      String certificatePem, Instant rolledAt, String newKeyProof, Instant now) {
    if (!pinnedInstanceId.equals(oldInstanceId)) {
      throw new IllegalArgumentException("the rollover replaces key " + oldInstanceId + ", but the pinned key is "
          + pinnedInstanceId);
    }
    List<X509Certificate> certificates;
    try {
      certificates = Pem.readCertificates(certificatePem);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the rollover's certificate cannot be read: " + e.getMessage());
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("the rollover carries no certificate");
    }
    X509Certificate certificate = certificates.get(0);
    String certifiedId = InstanceIdentity.instanceIdOf(certificate.getPublicKey());
    if (!certifiedId.equals(newInstanceId)) {
      throw new IllegalArgumentException("the rollover announces key " + newInstanceId
          + " but its certificate holds key " + certifiedId);
    }
    if (newInstanceId.equals(oldInstanceId)) {
      throw new IllegalArgumentException("the rollover's new key is the old one");
    }
    try {
      certificate.checkValidity(java.util.Date.from(now));
    } catch (CertificateException e) {
      throw new IllegalArgumentException("the rollover's certificate is not valid now: " + e.getMessage());
    }
    JsonNode claims = verified(newKeyProof, PROOF_TYPE, certificate.getPublicKey(), "the new key's proof");
    if (!oldInstanceId.equals(claims.path("oldInstanceId").asText())
        || !newInstanceId.equals(claims.path("newInstanceId").asText())
        || !InstanceIdentity.thumbprintOf(certificate).equals(claims.path("certificateThumbprint").asText())
        || !rolledAt.toString().equals(claims.path("rolledAt").asText())) {
      throw new IllegalArgumentException("the new key's proof does not sign the announced keys, certificate and time");
    }
    return new Rolled(oldInstanceId, newInstanceId, rolledAt, certificate);
  }

  /**
   * The rolled-from statement of a certificate, verified with the old public key it carries, if it
   * has one and that key's instance ID is {@code expectedOldInstanceId}.
   */
  public static Optional<Rolled> rolledFrom(X509Certificate certificate, String expectedOldInstanceId) {
    Optional<String> statement = rolledFromStatementOf(certificate);
    if (statement.isEmpty()) {
      return Optional.empty();
    }
    try {
      JWSObject jws = JWSObject.parse(statement.get());
      JsonNode unverified = JSON.readTree(jws.getPayload().toBytes());
      PublicKey oldKey = KeyFactory.getInstance("EC").generatePublic(
          new X509EncodedKeySpec(Base64.getDecoder().decode(unverified.path("oldPublicKey").asText())));
      if (!InstanceIdentity.instanceIdOf(oldKey).equals(expectedOldInstanceId)) {
        return Optional.empty();
      }
      JsonNode claims = verified(statement.get(), ROLLED_FROM_TYPE, oldKey, "the rolled-from statement");
      String newId = InstanceIdentity.instanceIdOf(certificate.getPublicKey());
      if (!expectedOldInstanceId.equals(claims.path("oldInstanceId").asText())
          || !newId.equals(claims.path("newInstanceId").asText())) {
        return Optional.empty();
      }
      return Optional.of(new Rolled(expectedOldInstanceId, newId, Instant.parse(claims.path("rolledAt").asText()),
          certificate));
    } catch (ParseException | IOException | GeneralSecurityException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The raw statement in a certificate's extension, to copy it into a renewed certificate. */
  public static Optional<String> rolledFromStatementOf(X509Certificate certificate) {
    byte[] extension = certificate.getExtensionValue(ROLLED_FROM_OID);
    if (extension == null) {
      return Optional.empty();
    }
    try {
      // getExtensionValue wraps the extension's value in one more OCTET STRING.
      byte[] inner = ASN1OctetString.getInstance(ASN1Primitive.fromByteArray(extension)).getOctets();
      return Optional.of(new String(ASN1OctetString.getInstance(ASN1Primitive.fromByteArray(inner)).getOctets(),
          StandardCharsets.US_ASCII));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String sign(InstanceIdentity signer, JOSEObjectType type, ObjectNode claims) {
    try {
      JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.ES256).type(type).build(),
          new Payload(JSON.writeValueAsBytes(claims)));
      jws.sign(new ECDSASigner((ECPrivateKey) signer.keyPair().getPrivate()));
      return jws.serialize();
    } catch (JOSEException | IOException e) {
      throw new IllegalStateException("cannot sign a key rollover statement", e);
    }
  }

  private static JsonNode verified(String compact, JOSEObjectType type, PublicKey key, String what) {
    try {
      JWSObject jws = JWSObject.parse(compact);
      if (!JWSAlgorithm.ES256.equals(jws.getHeader().getAlgorithm()) || !type.equals(jws.getHeader().getType())) {
        throw new IllegalArgumentException(what + " is not an ES256 " + type + " JWS");
      }
      if (!(key instanceof ECPublicKey ec) || !jws.verify(new ECDSAVerifier(ec))) {
        throw new IllegalArgumentException(what + " does not verify with the key it belongs to");
      }
      return JSON.readTree(jws.getPayload().toBytes());
    } catch (ParseException | JOSEException | IOException e) {
      throw new IllegalArgumentException(what + " cannot be read: " + e.getMessage());
    }
  }
}
