package io.consortium.operator.share;

import static io.consortium.operator.share.HostileShareMessagesScenarioTest.decide;
import static io.consortium.operator.share.HostileShareMessagesScenarioTest.incoming;
import static io.consortium.operator.share.HostileShareMessagesScenarioTest.share;
import static io.consortium.operator.testing.Pairings.accept;
import static io.consortium.operator.testing.Pairings.awaitPhase;
import static io.consortium.operator.testing.Pairings.invite;
import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.PairingState;
import io.consortium.operator.api.v1alpha1.spec.RecipientStatus;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.status.Conditions;
import io.consortium.operator.testing.Consortium;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pairing that ends takes what travelled on it along: Org1's shares to Org2 are Revoked for Org2,
 * Org2's copies are Revoked (what it accepted kept) and can no longer be decided; Org3 sees nothing
 * of it. Paired again, the same shares come back to be decided anew.
 */
class PairingEndScenarioTest {

  private static final List<String> KEYS = IntStream.rangeClosed(1, 8).mapToObj(i -> "key" + i).toList();

  @TempDir Path workdir;
  Consortium consortium;
  Org org1;
  Org org2;
  Org org3;

  @BeforeEach
  void org1SharesEightKeysWithOrg2AndOneWithBoth() {
    consortium = Consortium.start(workdir);
    org1 = consortium.org1();
    org2 = consortium.org2();
    org3 = consortium.org3();
    KEYS.forEach(key -> share(org1, key, "org2"));
    share(org1, "ca", "org2", "org3");
    for (String key : KEYS) {
      Org.await("org1-" + key + " on org2", Pairings.WAIT, () -> incoming(org2, "org1-" + key) != null);
    }
    Org.await("org1-ca on org3", Pairings.WAIT, () -> incoming(org3, "org1-ca") != null);
    decide(org2, "org1-key1", "Accept");
    awaitRecipient("key1", "org2", SharePhase.Accepted);
  }

  @AfterEach
  void stop() {
    consortium.close();
  }

  @Test
  void org1_deletes_its_pairing_with_org2_and_every_share_between_them_ends_on_both_sides() {
    org1.client().resources(PeerPairing.class).withName("org2").delete();

    for (String key : KEYS) {
      awaitRecipient(key, "org2", SharePhase.Revoked);
      assertThat(recipient(key, "org2").reason).isEqualTo("PairingDeleted");
    }
    awaitRecipient("ca", "org2", SharePhase.Revoked);
    assertThat(recipient("ca", "org3").phase).as("org3 is not concerned").isIn(SharePhase.Pending, SharePhase.Delivered);
    awaitPhase(org2, "org1", PairingPhase.PeerRevoked);
    for (String key : KEYS) {
      awaitIncoming(org2, "org1-" + key, SharePhase.Revoked);
      assertThat(incoming(org2, "org1-" + key).getStatus().revocationReason).isEqualTo("PeerRevokedPairing");
    }
    assertThat(org2.client().configMaps().withName("org1-key1-public-key").get())
        .as("what org2 accepted is kept").isNotNull();
    assertThat(incoming(org3, "org1-ca").getStatus().phase).isEqualTo(SharePhase.Pending);

    // Nothing can be decided on a share whose pairing is gone.
    decide(org2, "org1-key2", "Accept");
    Org.await("org2 to say the share cannot be decided", Pairings.WAIT, () -> Conditions.find(
        incoming(org2, "org1-key2").getStatus().conditions, "DecisionFinal")
        .filter(c -> "ShareRevoked".equals(c.reason)).isPresent());
    KeyShare key2 = incoming(org2, "org1-key2");
    assertThat(key2.getStatus().phase).isEqualTo(SharePhase.Revoked);
    assertThat(key2.getStatus().decidedAt).isNull();
    assertThat(Conditions.find(key2.getStatus().conditions, Conditions.READY)).get()
        .satisfies(ready -> assertThat(ready.reason).isEqualTo("PeerRevokedPairing"));
    assertThat(org2.client().configMaps().withName("org1-key2-public-key").get()).isNull();
  }

  @Test
  void org2_revokes_its_pairing_and_the_reasons_say_who_ended_it() {
    Pairings.setState(org2, "org1", PairingState.Revoked);

    for (String key : KEYS) {
      awaitIncoming(org2, "org1-" + key, SharePhase.Revoked);
      assertThat(incoming(org2, "org1-" + key).getStatus().revocationReason).isEqualTo("PairingRevoked");
      awaitRecipient(key, "org2", SharePhase.Revoked);
      assertThat(recipient(key, "org2").reason).isEqualTo("PeerRevokedPairing");
    }
  }

  @Test
  void paired_again_under_the_same_names_the_shares_come_back_to_be_decided_anew() throws Exception {
    org1.client().resources(PeerPairing.class).withName("org2").delete();
    awaitPhase(org2, "org1", PairingPhase.PeerRevoked);
    org2.client().resources(PeerPairing.class).withName("org1").delete();
    Org.await("both pairings gone", Pairings.WAIT,
        () -> Pairings.pairing(org1, "org2") == null && Pairings.pairing(org2, "org1") == null);
    awaitRecipient("key1", "org2", SharePhase.Revoked);
    awaitIncoming(org2, "org1-key1", SharePhase.Revoked);

    accept(org2, "org1-again", invite(org1, "org2",
        invitation -> invitation.externalUrl = "wss://127.0.0.1:" + consortium.link("org2").port()));
    awaitPhase(org1, "org2", PairingPhase.Connected);

    for (String key : KEYS) {
      awaitRecipient(key, "org2", SharePhase.Delivered);
      awaitIncoming(org2, "org1-" + key, SharePhase.Pending);
      assertThat(incoming(org2, "org1-" + key).getSpec().from.pairing).isEqualTo("org1-again");
    }
    assertThat(incoming(org2, "org1-key1").getSpec().decision).as("decided anew").isNull();
    assertThat(org2.client().resources(KeyShare.class).list().getItems()).as("one copy per share")
        .hasSize(KEYS.size() + 1);
  }

  private RecipientStatus recipient(String share, String pairing) {
    return org1.client().resources(KeyShare.class).withName(share).get().getStatus().recipients.stream()
        .filter(r -> pairing.equals(r.pairing)).findFirst().orElseThrow();
  }

  private void awaitRecipient(String share, String pairing, SharePhase phase) {
    Org.await(share + " to be " + phase + " for " + pairing + " on org1", Pairings.WAIT, () -> {
      KeyShare s = org1.client().resources(KeyShare.class).withName(share).get();
      return s != null && s.getStatus() != null
          && s.getStatus().recipients.stream().anyMatch(r -> pairing.equals(r.pairing) && r.phase == phase);
    });
  }

  private static void awaitIncoming(Org org, String name, SharePhase phase) {
    Org.await(name + " to be " + phase + " on " + org.name(), Pairings.WAIT, () -> {
      KeyShare share = incoming(org, name);
      return share != null && share.getStatus() != null && share.getStatus().phase == phase;
    });
  }
}
