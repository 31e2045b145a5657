package io.consortium.operator.mesh.protocol.messages;

/** Why an inviter refused a redemption; the same words as the PeerPairing's refusedRedemptions. */
public enum RedemptionRefusal {
  InvitationExpired,
  RedemptionsExhausted,
  InvitationRevoked,
  InvitationInvalid,
  /** The invitation is not signed by the inviter's key: changed after signing, or forged. */
  BadSignature,
  /** The redeeming instance is already paired with the inviter by another PeerPairing. */
  DuplicatePairing
}
