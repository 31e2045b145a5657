package io.consortium.operator.api.v1alpha1.spec;

/** An approving organization's decision on an incoming ConfigProposal. */
public enum ProposalDecision {
  Approve,
  Reject
}
