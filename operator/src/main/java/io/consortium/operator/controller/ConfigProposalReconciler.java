package io.consortium.operator.controller;

import io.consortium.operator.api.v1alpha1.ConfigProposal;
import io.consortium.operator.share.ShareEngine;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;

/** ConfigProposal, both directions, through the common share engine. */
// Every event, deletions too, and no finalizer: see ShareReconciler.
@ControllerConfiguration(name = "configproposal", triggerReconcilerOnAllEvents = true)
public final class ConfigProposalReconciler extends ShareReconciler<ConfigProposal> {

  public ConfigProposalReconciler(ShareEngine<ConfigProposal, ?, ?> engine, String namespace) {
    super(engine, namespace);
  }
}
