package io.consortium.operator.controller;

import io.consortium.operator.api.Rfc3339;
import io.consortium.operator.api.v1alpha1.Share;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.share.ShareEngine;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Every share kind, both directions: the work is in {@link ShareEngine}; this wires it to JOSDK. One
 * thin subclass per kind names the controller (JOSDK reads the resource type from it).
 */
public abstract class ShareReconciler<R extends Share<?, ?>> implements Reconciler<R>, Cleaner<R> {

  private final ShareEngine<R, ?, ?> engine;
  private final Clock clock;
  private final SimpleInboundEventSource<R> linkEvents;

  protected ShareReconciler(ShareEngine<R, ?, ?> engine, String namespace, Clock clock) {
    this.engine = engine;
    this.clock = clock;
    this.linkEvents = new SimpleInboundEventSource<>(engine.kind().kind().toLowerCase() + "-link-events");
    engine.setRevisit(name -> linkEvents.propagateEvent(new ResourceID(name, namespace)));
  }

  @Override
  public List<EventSource<?, R>> prepareEventSources(EventSourceContext<R> context) {
    return List.of(linkEvents);
  }

  @Override
  public DeleteControl cleanup(R share, Context<R> context) {
    if (share.getSpec().isOutgoing() && share.getSpec().to == null) {
      return DeleteControl.defaultDelete(); // an invalid share that names no recipient: nobody to tell
    }
    // An outgoing share is revoked at every recipient before it goes; a peer without a link is
    // waited for (consortium.io/force-delete skips the wait).
    return engine.revokeBeforeDelete(share) ? DeleteControl.defaultDelete()
        : DeleteControl.noFinalizerRemoval().rescheduleAfter(engine.revokeRecheck());
  }

  /**
   * An incoming share with a decision that has not gone through yet. Read from the copy this
   * reconcile started with, which predates the DecisionAttached condition the engine may write now
   * (and a status write brings no new reconcile), so a decision held on its first visit is retried too.
   */
  static boolean decisionPending(Share<?, ?> share) {
    return !share.getSpec().isOutgoing() && share.getSpec().decisionAccepts() != null
        && (share.getStatus() == null || share.getStatus().phase == null || share.getStatus().phase == SharePhase.Pending);
  }

  @Override
  public UpdateControl<R> reconcile(R share, Context<R> context) {
    if (engine.refusedAsInvalid(share)) {
      return UpdateControl.noUpdate(); // shown as InvalidSpec; a change of the resource brings it back
    }
    engine.reconcile(share);
    UpdateControl<R> control = UpdateControl.noUpdate();
    // A held decision (DecisionAttached=False) is one still Pending with spec.decision set: decisionPending.
    if (ShareEngine.awaitsDelivery(share) || decisionPending(share)) {
      // A link-up (or a change of the resource) normally brings us back; this is the safety net, so
      // nothing stays Pending unseen, and a decision held for a missing signer is tried again.
      control.rescheduleAfter(engine.recheckEvery());
    }
    if (share.getSpec().expiresAt != null) {
      Duration left = Duration.between(clock.instant(), Rfc3339.parse(share.getSpec().expiresAt));
      if (!left.isNegative() && (control.getScheduleDelay().isEmpty()
          || left.plusSeconds(1).toMillis() < control.getScheduleDelay().get())) {
        control.rescheduleAfter(left.plusSeconds(1));
      }
    }
    return control;
  }
}
