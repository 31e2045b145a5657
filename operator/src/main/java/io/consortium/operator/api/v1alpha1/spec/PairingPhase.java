package io.consortium.operator.api.v1alpha1.spec;

/** Where a pairing stands. */
public enum PairingPhase {
  /** The inviter wrote its invitation and waits for a redemption. */
  Invited,
  /** The link is being (re)established. */
  Connecting,
  Connected,
  /** The link is down; it is retried with backoff. */
  Disconnected,
  Suspended,
  Revoked,
  /** The other side revoked the pairing. */
  PeerRevoked,
  /** A problem a person must fix; see the conditions. */
  Failed
}
