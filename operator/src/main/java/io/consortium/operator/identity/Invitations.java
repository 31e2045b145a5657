package io.consortium.operator.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.consortium.operator.api.v1alpha1.spec.Flow;
import io.consortium.operator.identity.InvitationException.Reason;
import io.consortium.operator.pki.Pem;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Makes and checks invitations: compact JWS, ES256, signed by the inviter's instance key, with the
 * inviter's certificate in {@code x5c} so that the invitee can check the signature against the key
 * whose hash is the issuer (the pin), before it ever dials the inviter.
 */
public final class Invitations {

  /** The JOSE {@code typ} of an invitation, so that no other JWS of ours can pass for one. */
  public static final JOSEObjectType TYPE = new JOSEObjectType("consortium-invitation+jwt");

  private Invitations() {}

  public static String issue(InstanceIdentity inviter, Invitation invitation) {
    try {
      JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256)
          .type(TYPE)
          .x509CertChain(List.of(Base64.encode(inviter.certificate().getEncoded())))
          .build();
      JWTClaimsSet claims = new JWTClaimsSet.Builder()
          .issuer(inviter.instanceId())
          .jwtID(invitation.id())
          .issueTime(Date.from(invitation.issuedAt()))
          .expirationTime(Date.from(invitation.expiresAt()))
          .claim("name", invitation.issuerName())
          .claim("url", invitation.url())
          .claim("x5t#S256", inviter.certificateThumbprint())
          .claim("flow", invitation.flow().name())
          .claim("bidirectional", invitation.flow() == Flow.Bidirectional)
          .claim("maxRedemptions", invitation.maxRedemptions())
          .build();
      SignedJWT jwt = new SignedJWT(header, claims);
      jwt.sign(new ECDSASigner((ECPrivateKey) inviter.keyPair().getPrivate()));
      return jwt.serialize();
    } catch (JOSEException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot sign an invitation with the instance key", e);
    }
  }

  /**
   * Checks an invitation as the invitee does: ES256 only, the signature by the key in {@code x5c},
   * that key's hash equal to the issuer, the certificate thumbprint, and expiry.
   */
  public static Invitation verify(String compact, Clock clock) throws InvitationException {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(compact.strip());
    } catch (ParseException e) {
      throw invalid("it is not a compact JWS (" + e.getMessage() + ")");
    }
    JWSHeader header = jwt.getHeader();
    if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
      throw invalid("its algorithm is " + header.getAlgorithm() + "; only ES256 is accepted");
    }
    if (!TYPE.equals(header.getType())) {
      throw invalid("its type is " + header.getType() + ", not " + TYPE);
    }
    if (header.getX509CertChain() == null || header.getX509CertChain().isEmpty()) {
      throw invalid("it carries no certificate (x5c)");
    }
    X509Certificate certificate;
    try {
      certificate = Pem.certificate(header.getX509CertChain().get(0).decode(), "the x5c certificate");
    } catch (IllegalArgumentException e) {
      throw invalid("its certificate cannot be read (" + e.getMessage() + ")");
    }
    if (!(certificate.getPublicKey() instanceof ECPublicKey publicKey)) {
      throw invalid("its certificate does not hold an EC key");
    }
    try {
      if (!jwt.verify(new ECDSAVerifier(publicKey))) {
        throw invalid("its signature does not verify: it was changed after signing or signed by another key");
      }
    } catch (JOSEException e) {
      throw invalid("its signature cannot be checked (" + e.getMessage() + ")");
    }
    Map<String, Object> claims;
    JWTClaimsSet set;
    try {
      set = jwt.getJWTClaimsSet();
      claims = set.getClaims();
    } catch (ParseException e) {
      throw invalid("its claims are not JSON (" + e.getMessage() + ")");
    }
    String issuer = set.getIssuer();
    String pin = InstanceIdentity.instanceIdOf(publicKey);
    if (issuer == null || !issuer.equals(pin)) {
      throw invalid("its issuer " + issuer + " is not the key that signed it (" + pin + ")");
    }
    String thumbprint = (String) claims.get("x5t#S256");
    if (!InstanceIdentity.thumbprintOf(certificate).equals(thumbprint)) {
      throw invalid("its x5t#S256 does not match its certificate");
    }
    Date expiry = set.getExpirationTime();
    if (expiry == null) {
      throw invalid("it has no expiry (exp)");
    }
    Instant now = clock.instant();
    if (!now.isBefore(expiry.toInstant())) {
      throw new InvitationException(Reason.InvitationExpired,
          "the invitation expired at " + expiry.toInstant() + ": ask the inviter for a new one");
    }
    String url = stringClaim(claims, "url");
    if (!url.startsWith("wss://")) {
      throw invalid("its url '" + url + "' is not a wss:// URL");
    }
    Flow flow;
    try {
      flow = Flow.valueOf(stringClaim(claims, "flow"));
    } catch (IllegalArgumentException e) {
      throw invalid("its flow '" + claims.get("flow") + "' is not one of " + List.of(Flow.values()));
    }
    Object max = claims.get("maxRedemptions");
    if (!(max instanceof Number n) || n.intValue() < 1) {
      throw invalid("its maxRedemptions is missing or below 1");
    }
    if (set.getJWTID() == null || set.getJWTID().isBlank()) {
      throw invalid("it has no jti");
    }
    return new Invitation(issuer, (String) claims.get("name"), url, thumbprint, set.getJWTID(),
        set.getIssueTime() == null ? null : set.getIssueTime().toInstant(), expiry.toInstant(), flow, n.intValue());
  }

  /** Whether the invitation carries a valid ES256 signature by exactly this key (the inviter's own check). */
  public static boolean signedBy(String compact, java.security.PublicKey key) {
    try {
      SignedJWT jwt = SignedJWT.parse(compact.strip());
      return JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm()) && key instanceof ECPublicKey ec
          && jwt.verify(new ECDSAVerifier(ec));
    } catch (ParseException | JOSEException e) {
      return false;
    }
  }

  private static String stringClaim(Map<String, Object> claims, String name) throws InvitationException {
    if (!(claims.get(name) instanceof String value) || value.isBlank()) {
      throw invalid("it has no '" + name + "' claim");
    }
    return value;
  }

  private static InvitationException invalid(String why) {
    return new InvitationException(Reason.InvitationInvalid, "the invitation is not valid: " + why);
  }
}
