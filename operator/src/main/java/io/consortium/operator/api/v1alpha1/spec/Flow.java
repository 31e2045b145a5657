package io.consortium.operator.api.v1alpha1.spec;

/**
 * Which way shares and node metadata may travel on a pairing. Named explicitly because "one-way"
 * means opposite things in the documents this product started from.
 */
public enum Flow {
  Bidirectional,
  InviterToInvitee,
  InviteeToInviter
}
