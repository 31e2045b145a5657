package io.consortium.operator.mesh.protocol.messages;

import io.consortium.operator.api.v1alpha1.spec.NodeType;

/**
 * One advertised node, as the ConsortiumNode spec describes it: public metadata only.
 *
 * @param uid the node's metadata.uid on its own cluster, stable across renames
 * @param endpoint HOST:PORT at which other organizations reach it
 */
public record NodeMetadata(String uid, String name, NodeType type, String mspId, String enode, String endpoint,
    String tlsCACert, String identityCert) {

  public NodeMetadata {
    Required.text(uid, "an advertised node", "uid");
    Required.text(name, "advertised node " + uid, "name");
    Required.present(type, "advertised node " + name, "type");
  }
}
