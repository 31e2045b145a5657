package io.consortium.operator.controller;

import io.consortium.operator.api.v1alpha1.ConfigProposal;
import io.consortium.operator.share.ShareEngine;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import java.time.Clock;

/** ConfigProposal, both directions, through the common share engine. */
@ControllerConfiguration(name = "configproposal")
public final class ConfigProposalReconciler extends ShareReconciler<ConfigProposal> {

  public ConfigProposalReconciler(ShareEngine<ConfigProposal, ?, ?> engine, String namespace, Clock clock) {
    super(engine, namespace, clock);
  }
}
