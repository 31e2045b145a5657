package io.consortium.operator.controller;

import static io.consortium.operator.testing.Pairings.accept;
import static io.consortium.operator.testing.Pairings.awaitPhase;
import static io.consortium.operator.testing.Pairings.invite;
import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.ConsortiumNode;
import io.consortium.operator.api.v1alpha1.ConsortiumNodeSpec;
import io.consortium.operator.api.v1alpha1.spec.Flow;
import io.consortium.operator.api.v1alpha1.spec.NodeType;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.PairingState;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nodes each organization advertises appear, read-only, on its partners' clusters as the flow allows. */
class NodeMetadataScenarioTest {

  /** A real secp256k1 public key: an enode whose node ID is not on the curve is refused. */
  private static final String ENODE = enode();

  private static String enode() {
    try {
      java.math.BigInteger publicKey = org.web3j.crypto.Keys.createEcKeyPair().getPublicKey();
      return "enode://" + org.web3j.utils.Numeric.toHexStringNoPrefixZeroPadded(publicKey, 128) + "@10.0.0.2:30303";
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

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
  void org1s_peer_and_org2s_besu_node_appear_on_the_other_side_and_follow_their_origin() {
    advertise(org1, "peer0", NodeType.FabricPeer, "Org1MSP", null, "peer0.org1.example.com:7051");
    advertise(org2, "validator0", NodeType.BesuNode, null, ENODE, "10.0.0.2:30303");
    accept(org2, "org1", invite(org1, "org2"));
    awaitPhase(org1, "org2", PairingPhase.Connected);

    ConsortiumNode atOrg2 = awaitNode(org2, "org1-peer0");
    assertThat(atOrg2.getSpec().origin.pairing).isEqualTo("org1");
    assertThat(atOrg2.getSpec().origin.instanceId).isEqualTo(org1.operator().identity().instanceId());
    assertThat(atOrg2.getSpec().mspId).isEqualTo("Org1MSP");
    assertThat(atOrg2.getSpec().endpoint).isEqualTo("peer0.org1.example.com:7051");
    assertThat(atOrg2.getMetadata().getLabels()).containsEntry("consortium.io/from", "org1")
        .containsEntry("consortium.io/direction", "incoming");
    Org.await("org2's copy to show its origin", Pairings.WAIT, () -> {
      ConsortiumNode n = node(org2, "org1-peer0");
      return n != null && n.getStatus() != null && "org1".equals(n.getStatus().origin);
    });
    ConsortiumNode atOrg1 = awaitNode(org1, "org2-validator0");
    assertThat(atOrg1.getSpec().enode).isEqualTo(ENODE);
    // Advertised before the pairing existed: its status follows the link, without a change of the node.
    Org.await("org1's peer0 to say it is advertised to org2", Pairings.WAIT, () -> {
      ConsortiumNode n = node(org1, "peer0");
      return n.getStatus() != null && n.getStatus().advertisedTo != null && n.getStatus().advertisedTo.contains("org2");
    });

    org1.client().resources(ConsortiumNode.class).withName("peer0").patch(
        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        "{\"spec\":{\"endpoint\":\"peer0.org1.example.com:9051\"}}");
    Org.await("org2's copy to follow the new endpoint", Pairings.WAIT,
        () -> "peer0.org1.example.com:9051".equals(node(org2, "org1-peer0").getSpec().endpoint));

    org1.client().resource(node(org1, "peer0")).delete();
    Org.await("org2's copy to go with it", Pairings.WAIT, () -> node(org2, "org1-peer0") == null);
  }

  @Test
  void with_flow_inviter_to_invitee_only_the_inviters_nodes_travel() {
    advertise(org1, "orderer0", NodeType.FabricOrderer, "OrdererMSP", null, "orderer0.example.com:7050");
    advertise(org2, "peer0", NodeType.FabricPeer, "Org2MSP", null, "peer0.org2.example.com:7051");
    accept(org2, "org1", invite(org1, "org2", invite -> invite.flow = Flow.InviterToInvitee));
    awaitPhase(org1, "org2", PairingPhase.Connected);

    awaitNode(org2, "org1-orderer0");
    assertThat(node(org1, "org2-peer0")).as("org2 only observes").isNull();
  }

  @Test
  void revoking_the_pairing_removes_the_nodes_it_brought() {
    advertise(org1, "peer0", NodeType.FabricPeer, "Org1MSP", null, "peer0.org1.example.com:7051");
    accept(org2, "org1", invite(org1, "org2"));
    awaitNode(org2, "org1-peer0");

    Pairings.setState(org1, "org2", PairingState.Revoked);

    awaitPhase(org2, "org1", PairingPhase.PeerRevoked);
    Org.await("org2's copy of org1's peer to go", Pairings.WAIT, () -> node(org2, "org1-peer0") == null);
  }

  @Test
  void a_node_with_an_enode_that_is_no_public_key_is_refused_with_a_reason_and_never_sent() {
    advertise(org2, "broken", NodeType.BesuNode, null, "enode://" + "ab".repeat(64) + "@10.0.0.9:30303", "10.0.0.9:30303");
    accept(org2, "org1", invite(org1, "org2"));
    awaitPhase(org1, "org2", PairingPhase.Connected);

    Org.await("org2's node to say why it is refused", Pairings.WAIT, () -> {
      ConsortiumNode n = node(org2, "broken");
      return n.getStatus() != null && n.getStatus().conditions.stream()
          .anyMatch(c -> "InvalidNode".equals(c.reason) && c.message.contains("spec.enode"));
    });
    assertThat(node(org1, "org2-broken")).isNull();
  }

  private static void advertise(Org org, String name, NodeType type, String mspId, String enode, String endpoint) {
    ConsortiumNode node = new ConsortiumNode();
    node.getMetadata().setName(name);
    node.setSpec(new ConsortiumNodeSpec());
    node.getSpec().type = type;
    node.getSpec().mspId = mspId;
    node.getSpec().enode = enode;
    node.getSpec().endpoint = endpoint;
    node.getSpec().advertise = true;
    org.client().resource(node).create();
  }

  private static ConsortiumNode awaitNode(Org org, String name) {
    Org.await(name + " on " + org.name(), Pairings.WAIT, () -> node(org, name) != null);
    return node(org, name);
  }

  private static ConsortiumNode node(Org org, String name) {
    return org.client().resources(ConsortiumNode.class).withName(name).get();
  }
}
