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
