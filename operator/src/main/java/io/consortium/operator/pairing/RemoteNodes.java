package io.consortium.operator.pairing;

import io.consortium.operator.api.ResourceNames;
import io.consortium.operator.api.v1alpha1.ConsortiumNode;
import io.consortium.operator.api.v1alpha1.ConsortiumNodeSpec;
import io.consortium.operator.api.v1alpha1.spec.NodeOrigin;
import io.consortium.operator.mesh.protocol.messages.NodeMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The read-only ConsortiumNodes synced in from peers: one per node a peer advertises, replaced as a
 * whole by each NODE_SET and removed when the pairing ends.
 */
public final class RemoteNodes {

  public static final String FROM_LABEL = "consortium.io/from";
  public static final String DIRECTION_LABEL = "consortium.io/direction";

  private final KubernetesClient client;
  private final String namespace;

  public RemoteNodes(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** Makes the nodes from {@code pairing} exactly {@code nodes}. */
  public synchronized void replace(String pairing, String peerInstanceId, List<NodeMetadata> nodes) {
    Set<String> wanted = new HashSet<>();
    for (NodeMetadata node : nodes) {
      String name = localName(pairing, node.name());
      wanted.add(name);
      ConsortiumNode desired = desired(pairing, peerInstanceId, node, name);
      ConsortiumNode existing = client.resources(ConsortiumNode.class).inNamespace(namespace).withName(name).get();
      if (existing == null) {
        client.resources(ConsortiumNode.class).inNamespace(namespace).resource(desired).create();
      } else if (!Objects.equals(Serialization.asJson(existing.getSpec()), Serialization.asJson(desired.getSpec()))) {
        existing.setSpec(desired.getSpec());
        client.resource(existing).update();
      }
    }
    for (ConsortiumNode stale : fromPairing(pairing)) {
      if (!wanted.contains(stale.getMetadata().getName())) {
        client.resource(stale).delete();
      }
    }
  }

  /** The nodes synced from a pairing, as the peer sent them. */
  public List<NodeMetadata> received(String pairing) {
    return fromPairing(pairing).stream().filter(n -> n.getSpec().origin != null).map(n -> new NodeMetadata(
        n.getSpec().origin.nodeUid, n.getSpec().origin.nodeName, n.getSpec().type, n.getSpec().mspId,
        n.getSpec().enode, n.getSpec().endpoint, n.getSpec().tlsCACert, n.getSpec().identityCert)).toList();
  }

  /** Removes every node synced from a pairing (it was revoked or deleted). */
  public synchronized void removeAll(String pairing) {
    for (ConsortiumNode node : fromPairing(pairing)) {
      client.resource(node).delete();
    }
  }

  private List<ConsortiumNode> fromPairing(String pairing) {
    return client.resources(ConsortiumNode.class).inNamespace(namespace).withLabel(FROM_LABEL, pairing).list().getItems();
  }

  /** The desired remote node: a pure function of what the peer sent. */
  static ConsortiumNode desired(String pairing, String peerInstanceId, NodeMetadata node, String name) {
    ConsortiumNode resource = new ConsortiumNode();
    resource.getMetadata().setName(name);
    resource.getMetadata().setLabels(Map.of(FROM_LABEL, pairing, DIRECTION_LABEL, "incoming",
        "app.kubernetes.io/managed-by", "consortium-operator"));
    ConsortiumNodeSpec spec = new ConsortiumNodeSpec();
    spec.type = node.type();
    spec.mspId = node.mspId();
    spec.enode = node.enode();
    spec.endpoint = node.endpoint();
    spec.tlsCACert = node.tlsCACert();
    spec.identityCert = node.identityCert();
    spec.origin = new NodeOrigin();
    spec.origin.pairing = pairing;
    spec.origin.nodeUid = node.uid();
    spec.origin.nodeName = node.name();
    spec.origin.instanceId = peerInstanceId;
    resource.setSpec(spec);
    return resource;
  }

  /**
   * The local name of something a peer sent over a pairing: {@code <pairing>-<name>}, made a valid
   * resource name whatever the peer sent (hashed when it is not one). Remote nodes and incoming shares
   * are named this way.
   */
  public static String localName(String pairing, String nodeName) {
    return ResourceNames.derived(pairing, "-" + nodeName);
  }
}
