package io.consortium.operator.controller;

import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.share.KeyShares;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** KeyShare, both directions: the work is in {@link KeyShares}; this wires it to JOSDK. */
@ControllerConfiguration(name = "keyshare")
public final class KeyShareReconciler implements Reconciler<KeyShare>, Cleaner<KeyShare> {

  static final Duration PENDING_RECHECK = Duration.ofSeconds(15);

  private final KeyShares keyShares;
  private final Clock clock;
  private final SimpleInboundEventSource<KeyShare> linkEvents = new SimpleInboundEventSource<>("keyshare-link-events");

  public KeyShareReconciler(KeyShares keyShares, String namespace, Clock clock) {
    this.keyShares = keyShares;
    this.clock = clock;
    keyShares.setRevisit(name -> linkEvents.propagateEvent(new ResourceID(name, namespace)));
  }

  @Override
  public List<EventSource<?, KeyShare>> prepareEventSources(EventSourceContext<KeyShare> context) {
    return List.of(linkEvents);
  }

  @Override
  public DeleteControl cleanup(KeyShare share, Context<KeyShare> context) {
    // An outgoing share is revoked at every recipient before it goes; a peer without a link is
    // waited for (consortium.io/force-delete skips the wait).
    return keyShares.revokeBeforeDelete(share) ? DeleteControl.defaultDelete()
        : DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(10));
  }

  @Override
  public UpdateControl<KeyShare> reconcile(KeyShare share, Context<KeyShare> context) {
    keyShares.reconcile(share);
    UpdateControl<KeyShare> control = UpdateControl.noUpdate();
    if (KeyShares.awaitsDelivery(share)) {
      // A link-up normally brings us back; this is the safety net, so nothing stays Pending unseen.
      control.rescheduleAfter(PENDING_RECHECK);
    }
    if (share.getSpec().expiresAt != null) {
      Duration left = Duration.between(clock.instant(), Instant.parse(share.getSpec().expiresAt));
      if (!left.isNegative() && (control.getScheduleDelay().isEmpty()
          || left.plusSeconds(1).toMillis() < control.getScheduleDelay().get())) {
        control.rescheduleAfter(left.plusSeconds(1));
      }
    }
    return control;
  }
}
