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
import io.consortium.operator.api.ResourceNames;
import io.consortium.operator.identity.InvitationException.Reason;
import io.consortium.operator.pki.Pem;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
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

  /** The most redemptions an invitation may allow: the same bound as spec.invite.maxRedemptions. */
  public static final int MAX_REDEMPTIONS = 1000;

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
    try {
      return verifyClaims(compact, clock);
    } catch (RuntimeException e) {
      // Whatever a crafted token makes a library throw is a refusal with a condition, never a stack trace.
      throw invalid("it cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static Invitation verifyClaims(String compact, Clock clock) throws InvitationException {
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
      throw invalid("its claims cannot be read (" + e.getMessage() + ")");
    }
    String issuer = set.getIssuer();
    String pin = InstanceIdentity.instanceIdOf(publicKey);
    if (issuer == null || !issuer.equals(pin)) {
      throw invalid("its issuer " + issuer + " is not the key that signed it (" + pin + ")");
    }
    String thumbprint = stringClaim(claims, "x5t#S256", 64);
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
    String url = stringClaim(claims, "url", 2048);
    try {
      URI parsed = new URI(url);
      if (!"wss".equals(parsed.getScheme()) || parsed.getHost() == null) {
        throw invalid("its url '" + shown(url) + "' is not a wss:// URL with a host");
      }
    } catch (URISyntaxException e) {
      throw invalid("its url claim is not a URL (" + e.getReason() + ")");
    }
    String flowName = stringClaim(claims, "flow", 32);
    Flow flow = Arrays.stream(Flow.values()).filter(f -> f.name().equals(flowName)).findFirst()
        .orElseThrow(() -> invalid("its flow '" + shown(flowName) + "' is not one of " + List.of(Flow.values())));
    Object bidirectional = claims.get("bidirectional");
    if (bidirectional != null && !(bidirectional instanceof Boolean b && b == (flow == Flow.Bidirectional))) {
      throw invalid("its bidirectional claim (" + shown(String.valueOf(bidirectional))
          + ") is not a boolean that agrees with its flow " + flow);
    }
    int maxRedemptions = intClaim(claims, "maxRedemptions", 1, MAX_REDEMPTIONS);
    String name = stringClaim(claims, "name", ResourceNames.SUBDOMAIN_MAX);
    if (set.getJWTID() == null || set.getJWTID().isBlank() || set.getJWTID().length() > 128) {
      throw invalid("it has no jti (or one longer than 128 characters)");
    }
    return new Invitation(issuer, name, url, thumbprint, set.getJWTID(),
        set.getIssueTime() == null ? null : set.getIssueTime().toInstant(), expiry.toInstant(), flow, maxRedemptions);
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

  /** A claim that must be a non-blank string without control characters, at most {@code max} long. */
  private static String stringClaim(Map<String, Object> claims, String name, int max) throws InvitationException {
    Object value = claims.get(name);
    if (value == null) {
      throw invalid("it has no '" + name + "' claim");
    }
    if (!(value instanceof String text) || text.isBlank()) {
      throw invalid("its '" + name + "' claim is not a non-empty string");
    }
    if (text.length() > max || text.chars().anyMatch(Character::isISOControl)) {
      throw invalid("its '" + name + "' claim is longer than " + max + " characters or holds control characters");
    }
    return text;
  }

  /**
   * A claim that must be a whole JSON number in [min, max]: 4294967297 is refused, not read as 1 (what
   * {@code intValue()} would make of it), and so are 2.5 and "3".
   */
  static int intClaim(Map<String, Object> claims, String name, int min, int max) throws InvitationException {
    Object value = claims.get(name);
    if (value == null) {
      throw invalid("it has no '" + name + "' claim");
    }
    BigDecimal number;
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      number = BigDecimal.valueOf(((Number) value).longValue());
    } else if (value instanceof BigInteger big) {
      number = new BigDecimal(big);
    } else if (value instanceof BigDecimal decimal) {
      number = decimal;
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw invalid("its '" + name + "' claim is not a whole number from " + min + " to " + max);
      }
      number = BigDecimal.valueOf(d);
    } else {
      throw invalid("its '" + name + "' claim is not a number (a whole number from " + min + " to " + max + ")");
    }
    if (number.stripTrailingZeros().scale() > 0 || number.compareTo(BigDecimal.valueOf(min)) < 0
        || number.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw invalid("its '" + name + "' claim " + number.toPlainString() + " is not a whole number from " + min
          + " to " + max);
    }
    return number.intValueExact();
  }

  /** A claim's value as a message may show it: one line, at most 80 characters. */
  private static String shown(String value) {
    String line = value.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    return line.length() > 80 ? line.substring(0, 77) + "..." : line;
  }

  private static InvitationException invalid(String why) {
    return new InvitationException(Reason.InvitationInvalid, "the invitation is not valid: " + why);
  }
}
