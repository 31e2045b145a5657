package io.consortium.operator.api.v1alpha1.spec;

/**
 * The phases of DESIGN.md's share lifecycle. An outgoing share has one per recipient; an incoming
 * share has one. {@code Delivered} exists only on the outgoing side.
 */
public enum SharePhase {
  Pending,
  Delivered,
  Accepted,
  Rejected,
  Expired,
  Revoked
}
