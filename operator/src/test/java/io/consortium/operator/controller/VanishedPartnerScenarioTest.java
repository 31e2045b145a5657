package io.consortium.operator.controller;

import static io.consortium.operator.testing.Pairings.accept;
import static io.consortium.operator.testing.Pairings.awaitPhase;
import static io.consortium.operator.testing.Pairings.invite;
import static io.consortium.operator.testing.Pairings.pairing;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.spec.KeyGeneration;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import io.consortium.operator.testing.Shares;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A partner that vanishes: deleting the pairing to it never hangs. It waits at most --revoke-timeout
 * to tell the peer, then goes, and the Event and the audit log say the peer was not told.
 */
class VanishedPartnerScenarioTest {

  private static final Duration SHORT_REVOKE_TIMEOUT = Duration.ofSeconds(4);

  @TempDir Path workdir;
  Org org1;
  Org org2;
  Org org3;
  final ListAppender<ILoggingEvent> audit = new ListAppender<>();

  @BeforeEach
  void listenToTheAuditLog() {
    Logger logger = (Logger) LoggerFactory.getLogger("consortium.audit");
    logger.setLevel(ch.qos.logback.classic.Level.INFO);
    audit.start();
    logger.addAppender(audit);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger("consortium.audit")).detachAppender(audit);
    for (Org org : new Org[] {org3, org2, org1}) {
      if (org != null) {
        org.close();
      }
    }
  }

  @Test
  void org3s_cluster_is_destroyed_and_deleting_org1s_pairing_to_it_ends_after_the_revoke_timeout() {
    org1 = Org.cluster("org1", workdir).withRevokeTimeout(SHORT_REVOKE_TIMEOUT).startOperator();
    org3 = Org.cluster("org3", workdir).startOperator();
    accept(org3, "org1", invite(org1, "org3"));
    awaitPhase(org1, "org3", PairingPhase.Connected);
    String org3Id = org3.operator().identity().instanceId();

    org3.close(); // its API server and its operator, for good
    org3 = null;
    org1.client().resources(PeerPairing.class).withName("org3").delete();
    Instant deletedAt = Instant.parse(pairing(org1, "org3").getMetadata().getDeletionTimestamp());

    Org.await("org1's pairing to org3 to go", Pairings.WAIT, () -> pairing(org1, "org3") == null);
    Org.await("the PeerNotTold Event", Pairings.WAIT, () -> event(org1, "org3", "PeerNotTold").isPresent());
    Event notTold = event(org1, "org3", "PeerNotTold").orElseThrow();
    assertThat(notTold.getType()).isEqualTo("Warning");
    assertThat(notTold.getMessage()).contains("org3 (" + org3Id + ") was not told")
        .contains("--revoke-timeout (4s)").contains("learns at its next connect");
    assertThat(Instant.parse(notTold.getFirstTimestamp())).as("it waited for the timeout")
        .isAfterOrEqualTo(deletedAt.plus(SHORT_REVOKE_TIMEOUT).minusSeconds(1));
    assertThat(auditLines()).anySatisfy(line -> assertThat(line)
        .contains("\"kind\":\"PeerPairing\"", "\"pairing\":\"org3\"", "\"peerInstanceId\":\"" + org3Id + "\"",
            "\"to\":\"Deleted\"", "\"reason\":\"RevokeTimeout\"", "\"peerTold\":false"));
  }

  @Test
  void org3s_cluster_is_destroyed_and_deleting_a_share_org1_sent_it_goes_at_once_with_an_event_saying_org3_learns_later() {
    org1 = Org.cluster("org1", workdir).startOperator();
    org3 = Org.cluster("org3", workdir).startOperator();
    accept(org3, "org1", invite(org1, "org3"));
    awaitPhase(org1, "org3", PairingPhase.Connected);
    KeyShare share = new KeyShare();
    share.getMetadata().setName("ca-root");
    share.setSpec(new KeyShareSpec());
    share.getSpec().to = List.of("org3");
    share.getSpec().generate = new KeyGeneration();
    org1.client().resource(share).create();
    Shares.awaitRecipient(org1, KeyShare.class, "ca-root", "org3", SharePhase.Delivered);

    org3.close(); // its API server and its operator, for good
    org3 = null;
    awaitPhase(org1, "org3", PairingPhase.Disconnected);
    org1.client().resources(KeyShare.class).withName("ca-root").delete();

    Org.await("org1's share to go without waiting for org3", Pairings.WAIT,
        () -> org1.client().resources(KeyShare.class).withName("ca-root").get() == null);
    Org.await("an Event on the pairing to org3", Pairings.WAIT, () -> event(org1, "org3", "RevocationAtResync").isPresent());
    assertThat(event(org1, "org3", "RevocationAtResync").orElseThrow().getMessage())
        .contains("KeyShare ca-root was deleted while org3 had no link").contains("learns at its next connect");
    assertThat(auditLines()).anySatisfy(line -> assertThat(line)
        .contains("\"kind\":\"KeyShare\"", "\"share\":\"ca-root\"", "\"peer\":\"org3\"", "\"to\":\"Deleted\"",
            "\"reason\":\"RevocationAtResync\""));
  }

  @Test
  void with_the_force_delete_annotation_the_pairing_to_a_destroyed_cluster_goes_without_waiting() {
    // The default --revoke-timeout of 10 minutes: only the annotation can make it go within the test.
    org1 = Org.cluster("org1", workdir).startOperator();
    org3 = Org.cluster("org3", workdir).startOperator();
    accept(org1, "org3", invite(org3, "org1")); // org1 is the invitee this time
    awaitPhase(org1, "org3", PairingPhase.Connected);

    org3.close();
    org3 = null;
    org1.client().resources(PeerPairing.class).withName("org3").delete();
    // The deletion waits for org3; the person who deleted it decides not to wait.
    org1.client().resources(PeerPairing.class).withName("org3").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"annotations\":{\"consortium.io/force-delete\":\"true\"}}}");

    Org.await("org1's pairing to org3 to go", Pairings.WAIT, () -> pairing(org1, "org3") == null);
    Org.await("the PeerNotTold Event", Pairings.WAIT, () -> event(org1, "org3", "PeerNotTold").isPresent());
    assertThat(event(org1, "org3", "PeerNotTold").orElseThrow().getMessage())
        .contains("was not told").contains("consortium.io/force-delete=true");
    assertThat(auditLines()).anySatisfy(line -> assertThat(line).contains("\"reason\":\"ForceDelete\""));
  }

  @Test
  void a_partner_back_within_the_timeout_is_told_and_the_deletion_completes() {
    org1 = Org.cluster("org1", workdir).startOperator();
    org2 = Org.cluster("org2", workdir).startOperator();
    accept(org2, "org1", invite(org1, "org2"));
    awaitPhase(org1, "org2", PairingPhase.Connected);

    org2.stopOperator(); // a restart of org2's operator; its cluster stays
    awaitPhase(org1, "org2", PairingPhase.Disconnected);
    org1.client().resources(PeerPairing.class).withName("org2").delete();
    org2.startOperator();

    Org.await("org1's pairing to org2 to go", Pairings.WAIT, () -> pairing(org1, "org2") == null);
    awaitPhase(org2, "org1", PairingPhase.PeerRevoked);
    assertThat(event(org1, "org2", "PeerNotTold")).as("org2 was told").isEmpty();
    assertThat(auditLines()).noneSatisfy(line -> assertThat(line).contains("\"pairing\":\"org2\""));
  }

  @Test
  void an_invitee_deleting_its_pairing_while_the_inviter_is_down_tells_it_when_it_is_back() {
    org1 = Org.cluster("org1", workdir).startOperator();
    org2 = Org.cluster("org2", workdir).startOperator();
    accept(org2, "org1", invite(org1, "org2"));
    awaitPhase(org2, "org1", PairingPhase.Connected);

    org1.stopOperator();
    awaitPhase(org2, "org1", PairingPhase.Disconnected);
    org2.client().resources(PeerPairing.class).withName("org1").delete();
    org1.startOperator();

    Org.await("org2's pairing to org1 to go", Duration.ofSeconds(90), () -> pairing(org2, "org1") == null);
    awaitPhase(org1, "org2", PairingPhase.PeerRevoked);
    assertThat(event(org2, "org1", "PeerNotTold")).as("org1 was told").isEmpty();
  }

  @Test
  void an_invitee_away_longer_than_the_timeout_learns_of_the_deletion_when_it_dials_again() {
    org1 = Org.cluster("org1", workdir).withRevokeTimeout(SHORT_REVOKE_TIMEOUT).startOperator();
    org2 = Org.cluster("org2", workdir).startOperator();
    accept(org2, "org1", invite(org1, "org2"));
    awaitPhase(org1, "org2", PairingPhase.Connected);

    org2.stopOperator();
    awaitPhase(org1, "org2", PairingPhase.Disconnected);
    org1.client().resources(PeerPairing.class).withName("org2").delete();
    Org.await("org1's pairing to org2 to go", Pairings.WAIT, () -> pairing(org1, "org2") == null);
    Org.await("the PeerNotTold Event", Pairings.WAIT, () -> event(org1, "org2", "PeerNotTold").isPresent());

    org2.startOperator();

    awaitPhase(org2, "org1", PairingPhase.PeerRevoked);
    assertThat(Pairings.condition(org2, "org1", "Connected").orElseThrow().message)
        .contains("the pairing was deleted by org1");
  }

  private static Optional<Event> event(Org org, String pairing, String reason) {
    List<Event> events = org.client().v1().events().list().getItems();
    return events.stream().filter(e -> reason.equals(e.getReason()) && pairing.equals(e.getInvolvedObject().getName()))
        .findFirst();
  }

  private List<String> auditLines() {
    return audit.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }
}
