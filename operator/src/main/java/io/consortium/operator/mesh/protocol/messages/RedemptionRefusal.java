package io.consortium.operator.mesh.protocol.messages;

/** Why an inviter refused a redemption; the same words as the PeerPairing's refusedRedemptions. */
public enum RedemptionRefusal {
  InvitationExpired,
  RedemptionsExhausted,
  InvitationRevoked,
  InvitationInvalid
}
