package io.consortium.operator.mesh.protocol.messages;

/** The outcome a SHARE_DECISION carries: Accept/Approve are Accepted, Reject is Rejected. */
public enum DecisionOutcome {
  Accepted,
  Rejected
}
