package io.consortium.operator.controller;

import static io.consortium.operator.testing.Pairings.accept;
import static io.consortium.operator.testing.Pairings.awaitPhase;
import static io.consortium.operator.testing.Pairings.condition;
import static io.consortium.operator.testing.Pairings.invite;
import static io.consortium.operator.testing.Pairings.pairing;
import static io.consortium.operator.testing.Pairings.phase;
import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.ConsortiumNode;
import io.consortium.operator.api.v1alpha1.ConsortiumNodeSpec;
import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.spec.KeyGeneration;
import io.consortium.operator.api.v1alpha1.spec.NodeType;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.PairingState;
import io.consortium.operator.api.v1alpha1.spec.RecipientStatus;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.mesh.protocol.messages.Redeem;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import io.consortium.operator.testing.RawPeer;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Org1 and Org2 pair, part, and pair again: day two of a pairing, each org on its own cluster. */
class RePairingScenarioTest {

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
  void org1_revokes_then_both_pair_again_with_a_new_invitation_and_shares_flow_without_duplicates() {
    accept(org2, "org1", invite(org1, "org2"));
    awaitPhase(org1, "org2", PairingPhase.Connected);
    share(org1, "ca", "org2");
    awaitIncoming(org2, "org1-ca");
    decide(org2, "org1-ca", "Accept");
    awaitRecipient(org1, "ca", "org2", SharePhase.Accepted);
    String caUid = org1.client().resources(KeyShare.class).withName("ca").get().getMetadata().getUid();

    Pairings.setState(org1, "org2", PairingState.Revoked);
    awaitPhase(org1, "org2", PairingPhase.Revoked);
    awaitPhase(org2, "org1", PairingPhase.PeerRevoked);
    // What travelled on the pairing ends with it, on both sides; org2 keeps what it accepted.
    awaitRecipient(org1, "ca", "org2", SharePhase.Revoked);
    assertThat(recipient(org1, "ca", "org2").reason).isEqualTo("PairingRevoked");
    awaitIncomingPhase(org2, "org1-ca", SharePhase.Revoked);
    assertThat(incoming(org2, "org1-ca").getStatus().revocationReason).isEqualTo("PeerRevokedPairing");
    assertThat(org2.client().configMaps().withName("org1-ca-public-key").get()).as("accepted material kept").isNotNull();

    // A new invitation; the revoked pairings stay on both sides for the record.
    accept(org2, "org1-renewed", invite(org1, "org2-renewed"));

    awaitPhase(org1, "org2-renewed", PairingPhase.Connected);
    awaitPhase(org2, "org1-renewed", PairingPhase.Connected);
    assertThat(pairing(org1, "org2-renewed").getStatus().peer.instanceId)
        .isEqualTo(org2.operator().identity().instanceId());
    assertThat(phase(org1, "org2")).isEqualTo(PairingPhase.Revoked);
    assertThat(phase(org2, "org1")).isEqualTo(PairingPhase.PeerRevoked);

    // Org2's operator restarts and says HELLO: org1 finds the new pairing, not the revoked one.
    org2.stopOperator();
    awaitPhase(org1, "org2-renewed", PairingPhase.Disconnected);
    org2.startOperator();
    awaitPhase(org1, "org2-renewed", PairingPhase.Connected);
    awaitPhase(org2, "org1-renewed", PairingPhase.Connected);

    // Shares flow again: a new one, and the old one offered over the new pairing.
    share(org1, "tls", "org2-renewed");
    awaitIncoming(org2, "org1-renewed-tls");
    // A JSON patch: the embedded server's merge patch appends to a list instead of replacing it, which
    // made spec.to [org2, org2, org2-renewed] (InvalidSpec: each pairing once).
    org1.client().resources(KeyShare.class).withName("ca").patch(PatchContext.of(PatchType.JSON),
        "[{\"op\":\"replace\",\"path\":\"/spec/to\",\"value\":[\"org2\",\"org2-renewed\"]}]");

    // The same copy comes back, to be decided again: trust in org1 was broken and made anew.
    awaitRecipient(org1, "ca", "org2-renewed", SharePhase.Delivered);
    awaitIncomingPhase(org2, "org1-ca", SharePhase.Pending);
    assertThat(incoming(org2, "org1-ca").getSpec().decision).as("the old decision is withdrawn").isNull();
    assertThat(recipient(org1, "ca", "org2").phase).as("the old pairing's entry stays revoked")
        .isEqualTo(SharePhase.Revoked);
    decide(org2, "org1-ca", "Accept");
    awaitRecipient(org1, "ca", "org2-renewed", SharePhase.Accepted);
    List<KeyShare> copies = org2.client().resources(KeyShare.class)
        .withLabel("consortium.io/share-uid", caUid).list().getItems();
    assertThat(copies).as("one copy of org1's ca on org2").singleElement()
        .satisfies(copy -> {
          assertThat(copy.getMetadata().getName()).isEqualTo("org1-ca");
          assertThat(copy.getMetadata().getLabels()).containsEntry("consortium.io/from", "org1-renewed");
          assertThat(copy.getSpec().from.pairing).isEqualTo("org1-renewed");
          assertThat(copy.getStatus().phase).isEqualTo(SharePhase.Accepted);
        });
    assertThat(org2.client().resources(KeyShare.class).list().getItems()).hasSize(2);
  }

  @Test
  void deleted_on_both_sides_and_made_again_under_other_names_the_pair_links_cleanly() {
    advertisePeer(org1, "peer0");
    accept(org2, "org1", invite(org1, "org2"));
    awaitPhase(org1, "org2", PairingPhase.Connected);
    Org.await("org1's peer on org2", Pairings.WAIT, () -> node(org2, "org1-peer0") != null);

    org2.client().resource(pairing(org2, "org1")).delete();
    Org.await("org2's pairing to go", Pairings.WAIT, () -> pairing(org2, "org1") == null);
    awaitPhase(org1, "org2", PairingPhase.PeerRevoked);
    org1.client().resource(pairing(org1, "org2")).delete();
    Org.await("org1's pairing to go", Pairings.WAIT, () -> pairing(org1, "org2") == null);

    // Org1 keeps its name for the partner; org2 picks another one.
    accept(org2, "org1-again", invite(org1, "org2"));

    awaitPhase(org1, "org2", PairingPhase.Connected);
    awaitPhase(org2, "org1-again", PairingPhase.Connected);
    assertThat(pairing(org1, "org2").getStatus().invitation.redemptions).isEqualTo(1);
    assertThat(pairing(org1, "org2").getStatus().invitation.refused).isEmpty();
    assertThat(pairing(org2, "org1-again").getStatus().peer.instanceId)
        .isEqualTo(org1.operator().identity().instanceId());
    Org.await("org1's peer on org2 under the new pairing", Pairings.WAIT,
        () -> node(org2, "org1-again-peer0") != null);
    assertThat(node(org2, "org1-again-peer0").getSpec().origin.pairing).isEqualTo("org1-again");
    assertThat(node(org2, "org1-peer0")).as("nothing left from the old pairing").isNull();
    assertThat(org2.client().resources(ConsortiumNode.class).list().getItems()).hasSize(1);
  }

  @Test
  void a_second_pairing_to_an_instance_already_paired_is_refused_as_duplicate_naming_the_other() throws Exception {
    accept(org2, "org1", invite(org1, "org2"));
    awaitPhase(org1, "org2", PairingPhase.Connected);
    awaitPhase(org2, "org1", PairingPhase.Connected);

    String second = invite(org1, "org2-second");
    accept(org2, "org1-second", second);

    // Org2 refuses it itself: it never dials.
    awaitPhase(org2, "org1-second", PairingPhase.Failed);
    var refused = condition(org2, "org1-second", PeerPairingReconciler.CONDITION_INVITATION).orElseThrow();
    assertThat(refused.reason).isEqualTo("DuplicatePairing");
    assertThat(refused.message).contains("as PeerPairing org1").contains("delete or revoke it");
    assertThat(pairing(org2, "org1-second").getStatus().peer).as("nothing pinned").isNull();
    Org.await("an Event on org2's second pairing", Pairings.WAIT, () -> org2.client().v1().events().list().getItems()
        .stream().anyMatch(e -> "DuplicatePairing".equals(e.getReason())
            && "org1-second".equals(e.getInvolvedObject().getName())));

    // Org1 refuses it too, should org2's key redeem it anyway.
    String invitationId = pairing(org1, "org2-second").getStatus().invitation.id;
    try (RawPeer org2Key = new RawPeer(RawPeer.identityOf(org2)).dial(org1)) {
      org2Key.send(new Redeem(invitationId, second, "org2", Pem.certificate(org2Key.identity().certificate())));
      assertThat(org2Key.closed.poll(20, TimeUnit.SECONDS)).contains("DuplicatePairing");
    }
    Org.await("org1 to record the refusal", Pairings.WAIT, () -> !pairing(org1, "org2-second").getStatus()
        .invitation.refused.isEmpty());
    PeerPairing secondAtOrg1 = pairing(org1, "org2-second");
    assertThat(secondAtOrg1.getStatus().invitation.refused).singleElement().satisfies(r -> {
      assertThat(r.reason).isEqualTo("DuplicatePairing");
      assertThat(r.message).contains("as PeerPairing org2");
      assertThat(r.remoteAddress).contains("127.0.0.1");
    });
    assertThat(secondAtOrg1.getStatus().invitation.redemptions).as("not used up").isZero();
    assertThat(secondAtOrg1.getStatus().peer).isNull();
    assertThat(secondAtOrg1.getStatus().phase).isEqualTo(PairingPhase.Invited);
    assertThat(phase(org1, "org2")).isEqualTo(PairingPhase.Connected);
    assertThat(phase(org2, "org1")).isEqualTo(PairingPhase.Connected);

    // Org2 gives up the first pairing: the second one, refused until now, goes ahead by itself.
    Pairings.setState(org2, "org1", PairingState.Revoked);
    awaitPhase(org1, "org2", PairingPhase.PeerRevoked);
    awaitPhase(org2, "org1-second", PairingPhase.Connected);
    awaitPhase(org1, "org2-second", PairingPhase.Connected);
    assertThat(pairing(org1, "org2-second").getStatus().invitation.redemptions).isEqualTo(1);
  }

  private static void advertisePeer(Org org, String name) {
    ConsortiumNode node = new ConsortiumNode();
    node.getMetadata().setName(name);
    node.setSpec(new ConsortiumNodeSpec());
    node.getSpec().type = NodeType.FabricPeer;
    node.getSpec().mspId = "Org1MSP";
    node.getSpec().endpoint = name + "." + org.name() + ".example.com:7051";
    node.getSpec().advertise = true;
    org.client().resource(node).create();
  }

  private static ConsortiumNode node(Org org, String name) {
    return org.client().resources(ConsortiumNode.class).withName(name).get();
  }

  private static void share(Org org, String name, String... to) {
    KeyShare share = new KeyShare();
    share.getMetadata().setName(name);
    share.setSpec(new KeyShareSpec());
    share.getSpec().to = List.of(to);
    share.getSpec().generate = new KeyGeneration();
    org.client().resource(share).create();
  }

  private static void decide(Org org, String name, String decision) {
    org.client().resources(KeyShare.class).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"decision\":\"" + decision + "\"}}");
  }

  private static void awaitIncoming(Org org, String name) {
    Org.await(name + " on " + org.name(), Pairings.WAIT,
        () -> org.client().resources(KeyShare.class).withName(name).get() != null);
  }

  private static KeyShare incoming(Org org, String name) {
    return org.client().resources(KeyShare.class).withName(name).get();
  }

  private static void awaitIncomingPhase(Org org, String name, SharePhase phase) {
    Org.await(name + " to be " + phase + " on " + org.name(), Pairings.WAIT, () -> {
      KeyShare share = incoming(org, name);
      return share != null && share.getStatus() != null && share.getStatus().phase == phase;
    });
  }

  private static RecipientStatus recipient(Org org, String share, String pairing) {
    return org.client().resources(KeyShare.class).withName(share).get().getStatus().recipients.stream()
        .filter(r -> pairing.equals(r.pairing)).findFirst().orElseThrow();
  }

  private static void awaitRecipient(Org org, String share, String pairing, SharePhase phase) {
    Org.await(share + " to be " + phase + " for " + pairing + " on " + org.name(), Pairings.WAIT, () -> {
      KeyShare s = org.client().resources(KeyShare.class).withName(share).get();
      return s != null && s.getStatus() != null && s.getStatus().recipients.stream()
          .anyMatch((RecipientStatus r) -> pairing.equals(r.pairing) && r.phase == phase);
    });
  }
}
