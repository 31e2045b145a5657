package io.consortium.operator.api.v1alpha1.spec;

/** Which side of the invitation this instance is. */
public enum PairingRole {
  Inviter,
  Invitee
}
