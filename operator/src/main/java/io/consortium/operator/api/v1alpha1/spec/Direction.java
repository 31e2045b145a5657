package io.consortium.operator.api.v1alpha1.spec;

/** Which side of a share a resource is: sent from here, or received from a peer. */
public enum Direction {
  Outgoing,
  Incoming
}
