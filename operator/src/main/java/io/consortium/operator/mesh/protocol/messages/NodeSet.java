package io.consortium.operator.mesh.protocol.messages;

import java.util.List;

/**
 * NODE_SET: every node the sender advertises on this pairing, the full set: a node missing from
 * it is gone, so no separate removal message can be lost.
 */
public record NodeSet(List<NodeMetadata> nodes) {

  public NodeSet {
    nodes = Required.list(nodes, "NODE_SET", "nodes");
  }
}
