package io.consortium.operator.controller;

import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.share.ShareEngine;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;

/** KeyShare, both directions, through the common share engine. */
// Every event, deletions too, and no finalizer: see ShareReconciler.
@ControllerConfiguration(name = "keyshare", triggerReconcilerOnAllEvents = true)
public final class KeyShareReconciler extends ShareReconciler<KeyShare> {

  public KeyShareReconciler(ShareEngine<KeyShare, ?, ?> engine, String namespace) {
    super(engine, namespace);
  }
}
