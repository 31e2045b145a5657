package io.consortium.operator.api.v1alpha1.spec;

/** The kinds of node an organization runs. */
public enum NodeType {
  FabricPeer,
  FabricOrderer,
  BesuNode
}
