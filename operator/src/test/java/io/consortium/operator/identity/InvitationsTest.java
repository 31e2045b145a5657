package io.consortium.operator.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.consortium.operator.api.v1alpha1.spec.Flow;
import io.consortium.operator.identity.InvitationException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class InvitationsTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private final InstanceIdentity org1 = newIdentity("org1");
  private final InstanceIdentity mallory = newIdentity("mallory");

  static InstanceIdentity newIdentity(String name) {
    KeyPair keyPair = SelfSignedCertificates.newEcKeyPair("secp256r1");
    return new InstanceIdentity(keyPair, SelfSignedCertificates.selfSigned(keyPair, name, List.of("localhost"),
        NOW.minusSeconds(60), Duration.ofDays(365)));
  }

  private Invitation invitationFrom(InstanceIdentity inviter, Duration lifetime) {
    return new Invitation(inviter.instanceId(), "org1", "wss://org1.example.com:8443", inviter.certificateThumbprint(),
        "jti-1", NOW, NOW.plus(lifetime), Flow.InviterToInvitee, 2);
  }

  @Test
  void org2_reads_back_what_org1_signed_and_pins_org1s_key() throws Exception {
    String jws = Invitations.issue(org1, invitationFrom(org1, Duration.ofHours(24)));

    Invitation read = Invitations.verify(jws, CLOCK);

    assertThat(read.issuer()).isEqualTo(org1.instanceId()).hasSize(64).matches("[0-9a-f]{64}");
    assertThat(read.url()).isEqualTo("wss://org1.example.com:8443");
    assertThat(read.flow()).isEqualTo(Flow.InviterToInvitee);
    assertThat(read.maxRedemptions()).isEqualTo(2);
    assertThat(read.id()).isEqualTo("jti-1");
    assertThat(read.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(24)));
    assertThat(read.certificateThumbprint()).isEqualTo(org1.certificateThumbprint());
  }

  @Test
  void an_expired_invitation_is_refused_as_expired() {
    String jws = Invitations.issue(org1, invitationFrom(org1, Duration.ofHours(1)));
    Clock later = Clock.fixed(NOW.plus(Duration.ofHours(1)), ZoneOffset.UTC);

    assertThatThrownBy(() -> Invitations.verify(jws, later))
        .isInstanceOfSatisfying(InvitationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.InvitationExpired))
        .hasMessageContaining("expired");
  }

  @Test
  void a_tampered_payload_is_refused_because_the_signature_no_longer_verifies() {
    String jws = Invitations.issue(org1, invitationFrom(org1, Duration.ofHours(24)));
    String[] parts = jws.split("\\.");
    String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8)
        .replace("\"maxRedemptions\":2", "\"maxRedemptions\":99");
    String tampered = parts[0] + "." + Base64URL.encode(payload) + "." + parts[2];

    assertInvalid(tampered, "signature does not verify");
  }

  @Test
  void an_invitation_signed_by_another_key_than_the_one_it_carries_is_refused() throws Exception {
    // Mallory copies Org1's header (with Org1's certificate) and claims, and signs with her key.
    String genuine = Invitations.issue(org1, invitationFrom(org1, Duration.ofHours(24)));
    SignedJWT copy = SignedJWT.parse(genuine);
    SignedJWT forged = new SignedJWT(copy.getHeader(), copy.getJWTClaimsSet());
    forged.sign(new ECDSASigner((ECPrivateKey) mallory.keyPair().getPrivate()));

    assertInvalid(forged.serialize(), "signature does not verify");
  }

  @Test
  void an_invitation_whose_issuer_is_not_the_signing_key_is_refused() {
    // Mallory signs with her own key and certificate but claims to be Org1.
    Invitation claim = new Invitation(org1.instanceId(), "org1", "wss://mallory.example.com:8443",
        mallory.certificateThumbprint(), "jti-2", NOW, NOW.plusSeconds(3600), Flow.Bidirectional, 1);
    String jws = Invitations.issue(mallory, claim);
    // issue() always writes the signer's own ID; rewrite the claim to Org1's and re-sign with Mallory's key.
    String forged = resign(jws, mallory, org1.instanceId());

    assertInvalid(forged, "is not the key that signed it");
  }

  @Test
  void alg_none_and_hs256_are_refused() throws Exception {
    JWTClaimsSet claims = SignedJWT.parse(Invitations.issue(org1, invitationFrom(org1, Duration.ofHours(24))))
        .getJWTClaimsSet();
    String none = new PlainJWT(claims).serialize();
    SignedJWT hs256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(Invitations.TYPE).build(), claims);
    hs256.sign(new MACSigner(new byte[32]));

    assertInvalid(none, "not a compact JWS");
    assertInvalid(hs256.serialize(), "only ES256 is accepted");
  }

  @Test
  void garbage_is_refused_with_a_reason() {
    assertInvalid("not-a-jws", "not a compact JWS");
  }

  /** One claim of a genuine invitation replaced (null: removed), signed again by the inviter itself. */
  record Malformed(String claim, Object value, String says) {
    @Override
    public String toString() {
      return claim + " = " + (value instanceof String text ? "\"" + text + "\"" : value);
    }
  }

  static List<Malformed> malformedClaims() {
    return List.of(
        new Malformed("x5t#S256", 1, "'x5t#S256' claim is not a non-empty string"),
        new Malformed("x5t#S256", null, "no 'x5t#S256' claim"),
        new Malformed("name", List.of(1), "'name' claim is not a non-empty string"),
        new Malformed("name", null, "no 'name' claim"),
        new Malformed("name", "org1\nFAKE audit line", "'name' claim is longer than 253 characters or holds control"),
        new Malformed("name", "o".repeat(254), "'name' claim is longer than 253"),
        new Malformed("url", 5, "'url' claim is not a non-empty string"),
        new Malformed("url", "https://org1.example.com:8443", "is not a wss:// URL"),
        new Malformed("url", "wss:// org1", "url claim is not a URL"),
        new Malformed("flow", "Sideways", "flow 'Sideways' is not one of"),
        new Malformed("flow", true, "'flow' claim is not a non-empty string"),
        new Malformed("bidirectional", "yes", "bidirectional claim (yes)"),
        new Malformed("bidirectional", true, "agrees with its flow InviterToInvitee"),
        new Malformed("maxRedemptions", 4294967297L, "'maxRedemptions' claim 4294967297 is not a whole number from 1 to 1000"),
        new Malformed("maxRedemptions", 2.5, "'maxRedemptions' claim 2.5 is not a whole number"),
        new Malformed("maxRedemptions", "3", "'maxRedemptions' claim is not a number"),
        new Malformed("maxRedemptions", 0, "'maxRedemptions' claim 0 is not a whole number from 1 to 1000"),
        new Malformed("maxRedemptions", 1001, "'maxRedemptions' claim 1001"),
        new Malformed("maxRedemptions", null, "no 'maxRedemptions' claim"),
        new Malformed("jti", 7, "claims cannot be read"),
        new Malformed("exp", "tomorrow", "claims cannot be read"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedClaims")
  void a_malformed_claim_is_refused_as_invitation_invalid_naming_the_claim(Malformed malformed) throws Exception {
    SignedJWT genuine = SignedJWT.parse(Invitations.issue(org1, invitationFrom(org1, Duration.ofHours(24))));
    JWTClaimsSet claims = new JWTClaimsSet.Builder(genuine.getJWTClaimsSet())
        .claim(malformed.claim(), malformed.value()).build();
    SignedJWT resigned = new SignedJWT(genuine.getHeader(), claims);
    resigned.sign(new ECDSASigner((ECPrivateKey) org1.keyPair().getPrivate()));

    assertInvalid(resigned.serialize(), malformed.says());
  }

  private static String resign(String jws, InstanceIdentity signer, String issuer) {
    try {
      SignedJWT parsed = SignedJWT.parse(jws);
      JWTClaimsSet claims = new JWTClaimsSet.Builder(parsed.getJWTClaimsSet()).issuer(issuer).build();
      SignedJWT forged = new SignedJWT(parsed.getHeader(), claims);
      forged.sign(new ECDSASigner((ECPrivateKey) signer.keyPair().getPrivate()));
      return forged.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertInvalid(String jws, String why) {
    assertThatThrownBy(() -> Invitations.verify(jws, CLOCK))
        .isInstanceOfSatisfying(InvitationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.InvitationInvalid))
        .hasMessageContaining(why);
  }
}
