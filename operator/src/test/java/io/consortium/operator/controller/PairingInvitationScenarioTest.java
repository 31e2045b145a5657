package io.consortium.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.PeerPairingSpec;
import io.consortium.operator.api.v1alpha1.spec.Condition;
import io.consortium.operator.api.v1alpha1.spec.InvitationAcceptance;
import io.consortium.operator.api.v1alpha1.spec.InvitationRequest;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.PairingRole;
import io.consortium.operator.api.v1alpha1.spec.PairingState;
import io.consortium.operator.api.v1alpha1.spec.SecretKeyRef;
import io.consortium.operator.identity.Invitation;
import io.consortium.operator.identity.Invitations;
import io.consortium.operator.identity.SelfSignedCertificates;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import io.consortium.operator.status.Conditions;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import static io.consortium.operator.testing.Pairings.pairing;
import static io.consortium.operator.testing.Pairings.phase;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Org1 invites Org2: the invitation as each side's operator handles it, each on its own cluster. */
class PairingInvitationScenarioTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path workdir;
  Org org1;
  Org org2;

  @BeforeEach
  void start() {
    org1 = Org.cluster("org1", workdir).startOperator();
    org2 = Org.cluster("org2", workdir).startOperator();
  }

  @AfterEach
  void stop() {
    org2.close();
    org1.close();
  }

  @Test
  void org1_invites_org2_and_org2_verifies_the_invitation_and_pins_org1s_key() throws Exception {
    org1.client().resource(inviting("org2", "24h")).create();
    Org.await("org1's invitation", WAIT, () -> phase(org1, "org2") == PairingPhase.Invited);

    PeerPairing atOrg1 = pairing(org1, "org2");
    assertThat(atOrg1.getStatus().role).isEqualTo(PairingRole.Inviter);
    assertThat(atOrg1.getStatus().invitation.redemptions).isZero();
    assertThat(atOrg1.getStatus().invitation.maxRedemptions).isEqualTo(1);
    assertThat(atOrg1.getStatus().localInstanceId).isEqualTo(org1.operator().identity().instanceId());
    String jws = Pairings.invitation(org1, atOrg1.getStatus().invitation.secretName);
    Invitation invitation = Invitations.verify(jws, Clock.systemUTC());
    assertThat(invitation.issuer()).isEqualTo(org1.operator().identity().instanceId());
    assertThat(invitation.id()).isEqualTo(atOrg1.getStatus().invitation.id);

    handOver(jws, org2);
    org2.client().resource(accepting("org1")).create();
    // Checked, pinned and dialled: the link may already be up by the time we look.
    Org.await("org2 to check the invitation", WAIT, () -> phase(org2, "org1") == PairingPhase.Connecting
        || phase(org2, "org1") == PairingPhase.Connected);

    PeerPairing atOrg2 = pairing(org2, "org1");
    assertThat(atOrg2.getStatus().role).isEqualTo(PairingRole.Invitee);
    assertThat(atOrg2.getStatus().peer.instanceId).isEqualTo(org1.operator().identity().instanceId());
    assertThat(atOrg2.getStatus().peer.name).isEqualTo("org1");
    assertThat(atOrg2.getStatus().peer.url).startsWith("wss://");
    assertThat(condition(atOrg2, PeerPairingReconciler.CONDITION_INVITATION).reason).isEqualTo("InvitationVerified");
  }

  @Test
  void org2_refuses_a_tampered_invitation_and_says_which_check_failed() {
    org1.client().resource(inviting("org2", "24h")).create();
    Org.await("org1's invitation", WAIT, () -> phase(org1, "org2") == PairingPhase.Invited);
    String jws = Pairings.invitation(org1, "org2-invitation");
    String[] parts = jws.split("\\.");
    String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
        .replace("\"maxRedemptions\":1", "\"maxRedemptions\":50");
    handOver(parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8))
        + "." + parts[2], org2);

    org2.client().resource(accepting("org1")).create();
    Org.await("org2 to refuse it", WAIT, () -> phase(org2, "org1") == PairingPhase.Failed);

    Condition refused = condition(pairing(org2, "org1"), PeerPairingReconciler.CONDITION_INVITATION);
    assertThat(refused.reason).isEqualTo("InvitationInvalid");
    assertThat(refused.message).contains("signature does not verify");
    assertThat(pairing(org2, "org1").getStatus().peer).as("nothing was pinned").isNull();
    Org.await("an Event on org2's pairing", WAIT, () -> org2.client().v1().events().list().getItems().stream()
        .anyMatch(e -> "InvitationInvalid".equals(e.getReason()) && "org1".equals(e.getInvolvedObject().getName())));
  }

  @Test
  void org2_refuses_forged_invitations_each_with_invitation_invalid_and_makes_no_link() throws Exception {
    org1.client().resource(inviting("org2", "24h")).create();
    Org.await("org1's invitation", WAIT, () -> phase(org1, "org2") == PairingPhase.Invited);
    SignedJWT genuine = SignedJWT.parse(Pairings.invitation(org1, "org2-invitation"));
    KeyPair mallory = SelfSignedCertificates.newEcKeyPair("secp256r1");

    SignedJWT otherKey = new SignedJWT(genuine.getHeader(), genuine.getJWTClaimsSet());
    otherKey.sign(new ECDSASigner((ECPrivateKey) mallory.getPrivate()));
    String none = new PlainJWT(genuine.getJWTClaimsSet()).serialize();
    SignedJWT hs256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(Invitations.TYPE).build(),
        genuine.getJWTClaimsSet());
    hs256.sign(new MACSigner(new byte[32]));
    Map<String, String> forgeries = Map.of(
        "signed-by-another-key", otherKey.serialize(),
        "alg-none", none,
        "alg-hs256", hs256.serialize());

    for (Map.Entry<String, String> forgery : forgeries.entrySet()) {
      Secret secret = new SecretBuilder().withNewMetadata().withName(forgery.getKey()).endMetadata()
          .withData(Map.of("invitation",
              Base64.getEncoder().encodeToString(forgery.getValue().getBytes(StandardCharsets.UTF_8))))
          .build();
      org2.client().secrets().resource(secret).create();
      PeerPairing pairing = accepting(forgery.getKey());
      pairing.getSpec().accept.invitationSecretRef = new SecretKeyRef(forgery.getKey(), null);
      org2.client().resource(pairing).create();
    }

    for (String name : forgeries.keySet()) {
      Org.await("org2 to refuse " + name, WAIT, () -> phase(org2, name) == PairingPhase.Failed);
      assertThat(condition(pairing(org2, name), PeerPairingReconciler.CONDITION_INVITATION).reason)
          .as(name).isEqualTo("InvitationInvalid");
      assertThat(pairing(org2, name).getStatus().peer).as(name + ": nothing pinned").isNull();
    }
    assertThat(pairing(org1, "org2").getStatus().invitation.redemptions).as("no link was made").isZero();
  }

  @Test
  void an_invitation_that_expired_unredeemed_shows_invitation_expired_on_both_sides() {
    org1.client().resource(inviting("org2", "2s")).create();
    Org.await("org1's invitation", WAIT, () -> phase(org1, "org2") == PairingPhase.Invited);
    handOver(Pairings.invitation(org1, "org2-invitation"), org2);

    Org.await("org1 to mark it expired", WAIT, () -> phase(org1, "org2") == PairingPhase.Failed);
    assertThat(condition(pairing(org1, "org2"), PeerPairingReconciler.CONDITION_INVITATION).reason)
        .isEqualTo("InvitationExpired");

    org2.client().resource(accepting("org1")).create();
    Org.await("org2 to refuse it", WAIT, () -> phase(org2, "org1") == PairingPhase.Failed);
    assertThat(condition(pairing(org2, "org1"), PeerPairingReconciler.CONDITION_INVITATION).reason)
        .isEqualTo("InvitationExpired");
  }

  @Test
  void revoking_an_unredeemed_invitation_withdraws_it() {
    org1.client().resource(inviting("org2", "24h")).create();
    Org.await("org1's invitation", WAIT, () -> phase(org1, "org2") == PairingPhase.Invited);

    Pairings.setState(org1, "org2", PairingState.Revoked);

    Org.await("the pairing to be revoked", WAIT, () -> phase(org1, "org2") == PairingPhase.Revoked);
    assertThat(org1.client().secrets().withName("org2-invitation").get()).isNull();
  }

  static PeerPairing inviting(String name, String expiresIn) {
    PeerPairing pairing = new PeerPairing();
    pairing.getMetadata().setName(name);
    pairing.setSpec(new PeerPairingSpec());
    pairing.getSpec().invite = new InvitationRequest();
    pairing.getSpec().invite.expiresIn = expiresIn;
    return pairing;
  }

  static PeerPairing accepting(String name) {
    PeerPairing pairing = new PeerPairing();
    pairing.getMetadata().setName(name);
    pairing.setSpec(new PeerPairingSpec());
    pairing.getSpec().accept = new InvitationAcceptance();
    pairing.getSpec().accept.invitationSecretRef = new SecretKeyRef("invitation-from-org1", null);
    return pairing;
  }

  /** What a person does between the two clusters: copy the invitation into a Secret on the other side. */
  private static void handOver(String jws, Org to) {
    Secret secret = new SecretBuilder().withNewMetadata().withName("invitation-from-org1").endMetadata()
        .withData(Map.of("invitation", Base64.getEncoder().encodeToString(jws.getBytes(StandardCharsets.UTF_8))))
        .build();
    to.client().secrets().resource(secret).create();
  }




  private static Condition condition(PeerPairing pairing, String type) {
    return Conditions.find(pairing.getStatus().conditions, type).orElseThrow();
  }
}
