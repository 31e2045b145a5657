package io.consortium.operator.controller;

import static io.consortium.operator.testing.Pairings.accept;
import static io.consortium.operator.testing.Pairings.awaitPhase;
import static io.consortium.operator.testing.Pairings.condition;
import static io.consortium.operator.testing.Pairings.invite;
import static io.consortium.operator.testing.Pairings.pairing;
import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.PairingState;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import io.consortium.operator.testing.TcpProxy;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three organizations, each with its own cluster and operator, pair over real TLS links on loopback.
 */
class PairingLinkScenarioTest {

  @TempDir Path workdir;
  Org org1;
  Org org2;
  Org org3;

  @BeforeEach
  void start() {
    org1 = Org.cluster("org1", workdir).startOperator();
    org2 = Org.cluster("org2", workdir).startOperator();
    org3 = Org.cluster("org3", workdir).startOperator();
  }

  @AfterEach
  void stop() {
    org3.close();
    org2.close();
    org1.close();
  }

  @Test
  void org1_invites_org2_and_org3_and_all_links_come_up_and_survive_a_restart_of_org1() {
    accept(org2, "org1", invite(org1, "org2"));
    accept(org3, "org1", invite(org1, "org3"));

    awaitPhase(org2, "org1", PairingPhase.Connected);
    awaitPhase(org3, "org1", PairingPhase.Connected);
    awaitPhase(org1, "org2", PairingPhase.Connected);
    awaitPhase(org1, "org3", PairingPhase.Connected);

    PeerPairing atOrg1 = pairing(org1, "org2");
    assertThat(atOrg1.getStatus().peer.instanceId).isEqualTo(org2.operator().identity().instanceId());
    assertThat(atOrg1.getStatus().peer.name).isEqualTo("org2");
    assertThat(atOrg1.getStatus().invitation.redemptions).isEqualTo(1);
    assertThat(atOrg1.getStatus().lastSeenAt).isNotNull();
    PeerPairing atOrg2 = pairing(org2, "org1");
    assertThat(atOrg2.getStatus().peer.instanceId).isEqualTo(org1.operator().identity().instanceId());
    assertThat(atOrg2.getStatus().peer.certificateNotAfter).isNotNull();
    assertThat(condition(org2, "org1", "Connected").orElseThrow().reason).isEqualTo("LinkUp");

    org1.stopOperator();
    awaitPhase(org2, "org1", PairingPhase.Disconnected);
    org1.startOperator();

    awaitPhase(org2, "org1", PairingPhase.Connected);
    awaitPhase(org3, "org1", PairingPhase.Connected);
    awaitPhase(org1, "org2", PairingPhase.Connected);
    assertThat(pairing(org1, "org2").getStatus().invitation.redemptions).as("no second redemption").isEqualTo(1);
  }

  @Test
  void a_link_cut_by_the_network_comes_back_without_anyone_doing_anything() throws Exception {
    try (TcpProxy network = new TcpProxy(org1.operator().meshPort())) {
      String jws = invite(org1, "org2", invite -> invite.externalUrl = "wss://127.0.0.1:" + network.port());
      accept(org2, "org1", jws);
      awaitPhase(org2, "org1", PairingPhase.Connected);
      awaitPhase(org1, "org2", PairingPhase.Connected);

      network.cut();
      awaitPhase(org2, "org1", PairingPhase.Disconnected);
      awaitPhase(org1, "org2", PairingPhase.Disconnected);
      assertThat(condition(org2, "org1", "Connected").orElseThrow().status.name()).isEqualTo("False");

      network.restore();
      awaitPhase(org2, "org1", PairingPhase.Connected);
      awaitPhase(org1, "org2", PairingPhase.Connected);
    }
  }

  @Test
  void a_second_instance_cannot_redeem_an_invitation_already_used_up() {
    String jws = invite(org1, "org2");
    accept(org2, "org1", jws);
    awaitPhase(org1, "org2", PairingPhase.Connected);

    accept(org3, "org1", jws);

    awaitPhase(org3, "org1", PairingPhase.Failed);
    assertThat(condition(org3, "org1", "Connected").orElseThrow().reason).isEqualTo("RedemptionsExhausted");
    Org.await("org1 to record the refusal", Pairings.WAIT,
        () -> pairing(org1, "org2").getStatus().invitation.refused.stream()
            .anyMatch(r -> "RedemptionsExhausted".equals(r.reason) && r.remoteAddress != null));
    assertThat(pairing(org1, "org2").getStatus().peer.instanceId).isEqualTo(org2.operator().identity().instanceId());
  }

  @Test
  void the_invitation_of_a_revoked_pairing_can_no_longer_be_redeemed() {
    String jws = invite(org1, "org2");
    Pairings.setState(org1, "org2", PairingState.Revoked);
    awaitPhase(org1, "org2", PairingPhase.Revoked);

    accept(org2, "org1", jws);

    awaitPhase(org2, "org1", PairingPhase.Failed);
    assertThat(condition(org2, "org1", "Connected").orElseThrow().reason).isEqualTo("InvitationRevoked");
  }

  @Test
  void suspend_closes_the_link_until_active_again_and_revoke_tells_the_peer() {
    accept(org2, "org1", invite(org1, "org2"));
    awaitPhase(org1, "org2", PairingPhase.Connected);

    Pairings.setState(org2, "org1", PairingState.Suspended);
    awaitPhase(org2, "org1", PairingPhase.Suspended);
    awaitPhase(org1, "org2", PairingPhase.Disconnected);

    Pairings.setState(org2, "org1", PairingState.Active);
    awaitPhase(org2, "org1", PairingPhase.Connected);
    awaitPhase(org1, "org2", PairingPhase.Connected);

    Pairings.setState(org1, "org2", PairingState.Revoked);
    awaitPhase(org1, "org2", PairingPhase.Revoked);
    awaitPhase(org2, "org1", PairingPhase.PeerRevoked);
    assertThat(condition(org2, "org1", "Connected").orElseThrow().message).contains("revoked");

    // org2's operator restarts: it remembers that org1 revoked and does not dial again.
    org2.stopOperator();
    org2.startOperator();
    awaitPhase(org2, "org1", PairingPhase.PeerRevoked);
  }

  @Test
  void deleting_a_pairing_revokes_it_first_so_the_peer_knows() {
    accept(org3, "org1", invite(org1, "org3"));
    awaitPhase(org1, "org3", PairingPhase.Connected);

    org3.client().resource(pairing(org3, "org1")).delete();

    Org.await("org3's pairing to go", Pairings.WAIT, () -> pairing(org3, "org1") == null);
    awaitPhase(org1, "org3", PairingPhase.PeerRevoked);
  }

  @Test
  void only_the_leader_replica_runs_the_link_a_standby_refuses_peers() throws Exception {
    accept(org2, "org1", invite(org1, "org2"));
    awaitPhase(org1, "org2", PairingPhase.Connected);

    try (var standby = org1.startStandby();
        var org2Key = new io.consortium.operator.testing.RawPeer(io.consortium.operator.testing.RawPeer.identityOf(org2))) {
      var link = new io.consortium.operator.mesh.MeshTransport(org2Key.identity(), 1 << 20,
          io.consortium.operator.mesh.LinkTiming.DEFAULT);
      try {
        var closed = new java.util.concurrent.LinkedBlockingQueue<String>();
        var handler = new io.consortium.operator.mesh.LinkHandler() {
          public void onOpen(io.consortium.operator.mesh.LinkConnection l) {}
          public void onText(io.consortium.operator.mesh.LinkConnection l, String t) {}
          public void onBinary(io.consortium.operator.mesh.LinkConnection l, byte[] d) {}
          public void onClose(io.consortium.operator.mesh.LinkConnection l, String reason) {
            closed.add(reason);
          }
        };
        link.dial(java.net.URI.create("wss://127.0.0.1:" + standby.meshPort()),
            org1.operator().identity().instanceId(), handler).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(closed.poll(10, java.util.concurrent.TimeUnit.SECONDS)).contains("NotLeader");
      } finally {
        link.close();
      }
      assertThat(standby.identity().instanceId()).as("one identity per organization")
          .isEqualTo(org1.operator().identity().instanceId());
      assertThat(Pairings.phase(org1, "org2")).isEqualTo(PairingPhase.Connected);
    }
  }

  @Test
  void an_impostor_at_the_inviters_address_is_refused_as_pin_mismatch() {
    // Mallory (org3 here) sits at the address the invitation names: a man in the middle.
    String jws = invite(org1, "org2", invite -> invite.externalUrl = "wss://127.0.0.1:" + org3.operator().meshPort());
    accept(org2, "org1", jws);

    Org.await("org2 to refuse the impostor", Pairings.WAIT,
        () -> condition(org2, "org1", "Connected").map(c -> "PinMismatch".equals(c.reason)).orElse(false));
    assertThat(Pairings.phase(org2, "org1")).isEqualTo(PairingPhase.Connecting);
    assertThat(condition(org2, "org1", "Connected").orElseThrow().message).contains(org3.operator().identity().instanceId());
  }
}
