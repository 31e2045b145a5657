package io.consortium.operator.controller;

import static io.consortium.operator.testing.Pairings.accept;
import static io.consortium.operator.testing.Pairings.awaitPhase;
import static io.consortium.operator.testing.Pairings.condition;
import static io.consortium.operator.testing.Pairings.invite;
import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.spec.Flow;
import io.consortium.operator.api.v1alpha1.spec.NodeType;
import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.mesh.protocol.EnvelopeCodec;
import io.consortium.operator.mesh.protocol.Messages;
import io.consortium.operator.mesh.protocol.SequenceNumber;
import io.consortium.operator.mesh.protocol.messages.Hello;
import io.consortium.operator.mesh.protocol.messages.NodeMetadata;
import io.consortium.operator.mesh.protocol.messages.NodeSet;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import io.consortium.operator.testing.RawPeer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames a well-behaved operator never sends, sent on purpose with Org2's real key: a replay, a
 * frame signed by another key, node metadata against the flow. Org1 drops or refuses each, counts
 * it, and says so.
 */
class LinkAbuseScenarioTest {

  @TempDir Path workdir;
  Org org1;
  Org org2;
  RawPeer org2Raw;

  @BeforeEach
  void pairThenTakeOverOrg2sKey() throws Exception {
    org1 = Org.cluster("org1", workdir).startOperator();
    org2 = Org.cluster("org2", workdir).startOperator();
    accept(org2, "org1", invite(org1, "org2", invite -> invite.flow = Flow.InviterToInvitee));
    awaitPhase(org1, "org2", PairingPhase.Connected);
    org2.stopOperator();
    awaitPhase(org1, "org2", PairingPhase.Disconnected);
    org2Raw = new RawPeer(RawPeer.identityOf(org2)).dial(org1);
    org2Raw.send(new Hello("org2", org2Raw.identity().instanceId(), org2Raw.identity().certificateThumbprint(),
        org2Raw.epoch(), List.of(EnvelopeCodec.VERSION)));
    awaitPhase(org1, "org2", PairingPhase.Connected);
  }

  @AfterEach
  void stop() {
    org2Raw.close();
    org2.close();
    org1.close();
  }

  @Test
  void a_captured_frame_replayed_is_dropped_and_counted() throws Exception {
    String frame = org2Raw.sendHelloAgainFrame();
    double before = org1.metric("consortium_link_replayed_frames_dropped_total");

    org2Raw.sendFrame(frame);
    org2Raw.sendFrame(frame);

    Org.await("org1 to count the replays", Pairings.WAIT,
        () -> org1.metric("consortium_link_replayed_frames_dropped_total") >= before + 2);
    assertThat(Pairings.phase(org1, "org2")).as("the link survives a replay").isEqualTo(PairingPhase.Connected);
  }

  @Test
  void a_frame_signed_by_another_key_than_the_links_is_refused_and_counted() throws Exception {
    InstanceIdentity mallory;
    try (Org malloryOrg = Org.cluster("mallory", workdir).startOperator()) {
      mallory = RawPeer.identityOf(malloryOrg);
    }
    String forged = EnvelopeCodec.sign(Messages.envelope(new NodeSet(List.of()), mallory.instanceId(),
        org1.operator().identity().instanceId(), new SequenceNumber(org2Raw.epoch() + 1, 1), Clock.systemUTC()),
        mallory);
    double before = org1.metric("consortium_link_frames_refused_total");

    org2Raw.sendFrame(forged);

    Org.await("org1 to refuse it", Pairings.WAIT, () -> org1.metric("consortium_link_frames_refused_total") > before);
    String answer = org2Raw.received.poll(10, TimeUnit.SECONDS);
    while (answer != null && !answer.isEmpty() && !decodedPayload(answer).contains("\"ERROR\"")) {
      answer = org2Raw.received.poll(10, TimeUnit.SECONDS);
    }
    assertThat(answer).as("an ERROR comes back").isNotNull();
    assertThat(decodedPayload(answer)).contains("BadSignature");
  }

  @Test
  void a_malformed_frame_is_refused_with_a_condition_and_the_link_survives() throws Exception {
    org2Raw.sendFrame("this is not a signed envelope");

    Org.await("org1 to say it refused a frame", Pairings.WAIT,
        () -> condition(org1, "org2", "FramesAccepted").map(c -> "MalformedFrame".equals(c.reason)).orElse(false));
    assertThat(Pairings.phase(org1, "org2")).isEqualTo(PairingPhase.Connected);
    assertThat(org2Raw.closed.poll(1, TimeUnit.SECONDS)).as("the link stays up").isNull();
  }

  @Test
  void a_frame_over_the_frame_limit_closes_the_link_cleanly_and_says_why() {
    org2Raw.sendFrame("x".repeat(2 * 1024 * 1024));

    awaitPhase(org1, "org2", PairingPhase.Disconnected);
    assertThat(condition(org1, "org2", "Connected").orElseThrow().message).contains("FrameRejected");
  }

  @Test
  void node_metadata_from_the_invitee_against_flow_inviter_to_invitee_is_refused_with_flow_forbidden() {
    org2Raw.send(new NodeSet(List.of(new NodeMetadata("uid-1", "peer0", NodeType.FabricPeer, "Org2MSP", null,
        "peer0.org2.example.com:7051", null, null))));

    Org.await("org1 to refuse it", Pairings.WAIT,
        () -> condition(org1, "org2", "FlowRespected").map(c -> "FlowForbidden".equals(c.reason)).orElse(false));
    assertThat(org1.client().resources(io.consortium.operator.api.v1alpha1.ConsortiumNode.class).list().getItems())
        .as("nothing was synced").isEmpty();
    Org.await("an Event on org1's pairing", Pairings.WAIT, () -> org1.client().v1().events().list().getItems().stream()
        .anyMatch(e -> "FlowForbidden".equals(e.getReason())));
  }

  private static String decodedPayload(String compact) {
    String[] parts = compact.split("\\.");
    return new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8);
  }
}
