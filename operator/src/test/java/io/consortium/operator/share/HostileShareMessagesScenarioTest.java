package io.consortium.operator.share;

import static io.consortium.operator.testing.Pairings.awaitPhase;
import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.spec.KeyGeneration;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.RecipientStatus;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.mesh.protocol.EnvelopeCodec;
import io.consortium.operator.mesh.protocol.messages.DecisionOutcome;
import io.consortium.operator.mesh.protocol.messages.Hello;
import io.consortium.operator.mesh.protocol.messages.ShareAck;
import io.consortium.operator.mesh.protocol.messages.ShareDecision;
import io.consortium.operator.mesh.protocol.messages.ShareResend;
import io.consortium.operator.mesh.protocol.messages.ShareRevoke;
import io.consortium.operator.testing.AuditLog;
import io.consortium.operator.testing.Consortium;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import io.consortium.operator.testing.RawPeer;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Org3's key in hostile hands (or Org3 turned hostile): it speaks to Org1 about shares that are not
 * its own. Org1 drops each such message, counts it and writes it to the audit log, changes nothing,
 * and keeps serving Org2, the honest recipient.
 */
class HostileShareMessagesScenarioTest {

  private static final String DROPPED = "consortium_share_messages_dropped_total";

  @TempDir Path workdir;
  Consortium consortium;
  Org org1;
  Org org2;
  RawPeer org3;
  AuditLog audit;
  String caUid;

  @BeforeEach
  void org1SharesItsCaWithOrg2OnlyThenOrg3sKeyIsTakenOver() throws Exception {
    consortium = Consortium.start(workdir);
    org1 = consortium.org1();
    org2 = consortium.org2();
    share(org1, "ca", "org2");
    Org.await("org1-ca on org2", Pairings.WAIT, () -> incoming(org2, "org1-ca") != null);
    awaitRecipient("ca", "org2", SharePhase.Delivered);
    caUid = org1.client().resources(KeyShare.class).withName("ca").get().getMetadata().getUid();

    consortium.org3().stopOperator();
    awaitPhase(org1, "org3", PairingPhase.Disconnected);
    org3 = new RawPeer(RawPeer.identityOf(consortium.org3())).dial(org1);
    org3.send(new Hello("org3", org3.identity().instanceId(), org3.identity().certificateThumbprint(), org3.epoch(),
        List.of(EnvelopeCodec.VERSION)));
    awaitPhase(org1, "org3", PairingPhase.Connected);
    audit = AuditLog.capture();
  }

  @AfterEach
  void stop() {
    audit.close();
    org3.close();
    consortium.close();
  }

  @Test
  void org3_accepting_the_ca_offered_only_to_org2_is_dropped_counted_and_audited() {
    org3.send(new ShareDecision("KeyShare", caUid, 1, DecisionOutcome.Accepted, "org3 (mallory)", Instant.now(), null));

    Org.await("org1 to count the decision it dropped", Pairings.WAIT,
        () -> org1.metric(DROPPED, "type=\"SHARE_DECISION\"", "reason=\"NotOffered\"") >= 1);
    assertThat(recipients("ca")).as("no entry for org3, and org2 still undecided")
        .extracting(r -> r.pairing + "=" + r.phase).containsExactly("org2=Delivered");
    assertThat(audit.lines()).anySatisfy(line -> assertThat(line)
        .contains("\"shareUid\":\"" + caUid + "\"").contains("\"peer\":\"org3\"")
        .contains("\"dropped\":\"SHARE_DECISION\"").contains("\"reason\":\"NotOffered\""));

    // Org2, the honest recipient, is served as before.
    decide(org2, "org1-ca", "Accept");
    awaitRecipient("ca", "org2", SharePhase.Accepted);
    assertThat(org1.client().resources(KeyShare.class).withName("ca").get().getStatus().summary).isEqualTo("Accepted");
  }

  @Test
  void org3_acknowledging_or_asking_again_for_the_ca_it_was_never_offered_is_dropped() {
    org3.send(new ShareAck("KeyShare", caUid, 1, SharePhase.Pending));
    org3.send(new ShareAck("KeyShare", caUid, 1, SharePhase.Revoked));
    org3.send(new ShareResend("KeyShare", caUid, 1));

    Org.await("org1 to drop all three", Pairings.WAIT,
        () -> org1.metric(DROPPED, "type=\"SHARE_ACK\"", "reason=\"NotOffered\"") >= 2
            && org1.metric(DROPPED, "type=\"SHARE_RESEND\"", "reason=\"NotOffered\"") >= 1);
    assertThat(recipients("ca")).extracting(r -> r.pairing + "=" + r.phase).containsExactly("org2=Delivered");
    assertThat(org3.received).as("nothing of the ca was sent to org3")
        .noneMatch(frame -> frame.contains("SHARE_OFFER"));
  }

  @Test
  void a_decision_of_org3_on_its_own_share_counts_only_for_the_revision_it_was_offered() throws Exception {
    share(org1, "tls", "org3");
    awaitRecipient("tls", "org3", SharePhase.Pending);
    String tlsUid = org1.client().resources(KeyShare.class).withName("tls").get().getMetadata().getUid();

    org3.send(new ShareDecision("KeyShare", tlsUid, 7, DecisionOutcome.Accepted, "org3", Instant.now(), null));
    Org.await("org1 to drop a decision on a revision it never offered", Pairings.WAIT,
        () -> org1.metric(DROPPED, "type=\"SHARE_DECISION\"", "reason=\"StaleRevision\"") >= 1);
    assertThat(recipients("tls")).extracting(r -> r.phase).containsExactly(SharePhase.Pending);

    org3.send(new ShareDecision("KeyShare", tlsUid, 1, DecisionOutcome.Rejected, "org3", Instant.now(), null));
    awaitRecipient("tls", "org3", SharePhase.Rejected);
  }

  @Test
  void org3_revoking_the_key_org1_received_from_org2_is_dropped_and_the_copy_stays() {
    share(org2, "peer-tls", "org1");
    Org.await("org2-peer-tls on org1", Pairings.WAIT, () -> incoming(org1, "org2-peer-tls") != null
        && incoming(org1, "org2-peer-tls").getStatus() != null);
    String uid = incoming(org1, "org2-peer-tls").getSpec().from.shareUid;

    org3.send(new ShareRevoke("KeyShare", uid));

    Org.await("org1 to drop the revocation", Pairings.WAIT,
        () -> org1.metric(DROPPED, "type=\"SHARE_REVOKE\"", "reason=\"NotOffered\"") >= 1);
    assertThat(incoming(org1, "org2-peer-tls").getStatus().phase).isEqualTo(SharePhase.Pending);
    decide(org1, "org2-peer-tls", "Accept");
    Org.await("org2 to hear org1 accepted", Pairings.WAIT, () -> {
      KeyShare sent = org2.client().resources(KeyShare.class).withName("peer-tls").get();
      return sent.getStatus() != null && "Accepted".equals(sent.getStatus().summary);
    });
  }

  private List<RecipientStatus> recipients(String share) {
    return org1.client().resources(KeyShare.class).withName(share).get().getStatus().recipients;
  }

  private void awaitRecipient(String share, String pairing, SharePhase phase) {
    Org.await(share + " to be " + phase + " for " + pairing, Pairings.WAIT, () -> {
      KeyShare s = org1.client().resources(KeyShare.class).withName(share).get();
      return s != null && s.getStatus() != null
          && s.getStatus().recipients.stream().anyMatch(r -> pairing.equals(r.pairing) && r.phase == phase);
    });
  }

  static void share(Org org, String name, String... to) {
    KeyShare share = new KeyShare();
    share.getMetadata().setName(name);
    share.setSpec(new KeyShareSpec());
    share.getSpec().to = List.of(to);
    share.getSpec().generate = new KeyGeneration();
    org.client().resource(share).create();
  }

  static KeyShare incoming(Org org, String name) {
    return org.client().resources(KeyShare.class).withName(name).get();
  }

  static void decide(Org org, String name, String decision) {
    org.client().resources(KeyShare.class).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"decision\":\"" + decision + "\"}}");
  }
}
