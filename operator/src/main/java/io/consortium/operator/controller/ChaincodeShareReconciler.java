package io.consortium.operator.controller;

import io.consortium.operator.api.v1alpha1.ChaincodeShare;
import io.consortium.operator.share.ShareEngine;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;

/** ChaincodeShare, both directions, through the common share engine. */
// Every event, deletions too, and no finalizer: see ShareReconciler.
@ControllerConfiguration(name = "chaincodeshare", triggerReconcilerOnAllEvents = true)
public final class ChaincodeShareReconciler extends ShareReconciler<ChaincodeShare> {

  public ChaincodeShareReconciler(ShareEngine<ChaincodeShare, ?, ?> engine, String namespace) {
    super(engine, namespace);
  }
}
