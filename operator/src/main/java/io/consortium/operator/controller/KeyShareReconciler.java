package io.consortium.operator.controller;

import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.share.ShareEngine;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import java.time.Clock;

/** KeyShare, both directions, through the common share engine. */
@ControllerConfiguration(name = "keyshare")
public final class KeyShareReconciler extends ShareReconciler<KeyShare> {

  public KeyShareReconciler(ShareEngine<KeyShare, ?, ?> engine, String namespace, Clock clock) {
    super(engine, namespace, clock);
  }
}
