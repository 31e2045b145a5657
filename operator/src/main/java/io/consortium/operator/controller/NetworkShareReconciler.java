package io.consortium.operator.controller;

import io.consortium.operator.api.v1alpha1.NetworkShare;
import io.consortium.operator.share.ShareEngine;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;

/** NetworkShare, both directions, through the common share engine. */
// Every event, deletions too, and no finalizer: see ShareReconciler.
@ControllerConfiguration(name = "networkshare", triggerReconcilerOnAllEvents = true)
public final class NetworkShareReconciler extends ShareReconciler<NetworkShare> {

  public NetworkShareReconciler(ShareEngine<NetworkShare, ?, ?> engine, String namespace) {
    super(engine, namespace);
  }
}
