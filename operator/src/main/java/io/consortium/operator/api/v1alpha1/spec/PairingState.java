package io.consortium.operator.api.v1alpha1.spec;

/** What the owner of a pairing wants of it. */
public enum PairingState {
  Active,
  Suspended,
  Revoked
}
