package io.consortium.operator.controller;

import io.consortium.operator.api.v1alpha1.NetworkShare;
import io.consortium.operator.share.ShareEngine;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import java.time.Clock;

/** NetworkShare, both directions, through the common share engine. */
@ControllerConfiguration(name = "networkshare")
public final class NetworkShareReconciler extends ShareReconciler<NetworkShare> {

  public NetworkShareReconciler(ShareEngine<NetworkShare, ?, ?> engine, String namespace, Clock clock) {
    super(engine, namespace, clock);
  }
}
