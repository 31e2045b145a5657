package io.consortium.operator.controller;

import io.consortium.operator.api.v1alpha1.ChaincodeShare;
import io.consortium.operator.share.ShareEngine;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import java.time.Clock;

/** ChaincodeShare, both directions, through the common share engine. */
@ControllerConfiguration(name = "chaincodeshare")
public final class ChaincodeShareReconciler extends ShareReconciler<ChaincodeShare> {

  public ChaincodeShareReconciler(ShareEngine<ChaincodeShare, ?, ?> engine, String namespace, Clock clock) {
    super(engine, namespace, clock);
  }
}
