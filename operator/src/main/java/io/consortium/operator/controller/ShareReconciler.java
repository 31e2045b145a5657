package io.consortium.operator.controller;

import io.consortium.operator.api.v1alpha1.Share;
import io.consortium.operator.share.ShareEngine;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.ReconcilerUtils;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every share kind, both directions: the work is in {@link ShareEngine}; this wires it to JOSDK. One
 * thin subclass per kind names the controller (JOSDK reads the resource type from it).
 *
 * <p>The controller runs with {@code triggerReconcilerOnAllEvents} and no finalizer: nothing must
 * happen before a share is deleted (its recipients are told when it is gone, and one without a link
 * learns at its next resync), so no share pays a write for a finalizer. Status is written once per
 * reconcile, through JOSDK's cache, so the next reconcile sees it even before the informer does.
 */
public abstract class ShareReconciler<R extends Share<?, ?>> implements Reconciler<R> {

  /** The index of the primary cache that finds shares by their share UID (see {@link ShareEngine.ShareCache}). */
  static final String SHARE_UID_INDEX = "share-uid";

  private final ShareEngine<R, ?, ?> engine;
  private final String namespace;
  private final SimpleInboundEventSource<R> linkEvents;

  protected ShareReconciler(ShareEngine<R, ?, ?> engine, String namespace) {
    this.engine = engine;
    this.namespace = namespace;
    this.linkEvents = new SimpleInboundEventSource<>(engine.kind().kind().toLowerCase() + "-link-events");
    engine.setRevisit(name -> linkEvents.propagateEvent(new ResourceID(name, namespace)));
  }

  @Override
  public List<EventSource<?, R>> prepareEventSources(EventSourceContext<R> context) {
    IndexerResourceCache<R> cache = context.getPrimaryCache();
    cache.addIndexer(SHARE_UID_INDEX, share -> List.of(share.getSpec() == null ? "" : share.getSpec().isOutgoing()
        ? share.getMetadata().getUid() : share.getSpec().from == null ? "" : share.getSpec().from.shareUid));
    engine.setCache(new ShareEngine.ShareCache<>() {
      @Override
      public Optional<R> get(String name) {
        return cache.get(new ResourceID(name, namespace));
      }

      @Override
      public List<R> list() {
        return cache.list().toList();
      }

      @Override
      public List<R> byShareUid(String shareUid) {
        return cache.byIndex(SHARE_UID_INDEX, shareUid);
      }
    });
    return List.of(linkEvents);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public UpdateControl<R> reconcile(R share, Context<R> context) {
    if (context.isPrimaryResourceDeleted()) {
      engine.deleted(share);
      return UpdateControl.noUpdate();
    }
    if (share.getMetadata().getDeletionTimestamp() != null) {
      // Marked for deletion while an older version's finalizer held it: what deletion does, then let it go.
      engine.deleted(share);
      releaseLegacyFinalizer(share, context);
      return UpdateControl.noUpdate();
    }
    releaseLegacyFinalizer(share, context);
    Optional<Duration> next = engine.reconcile(share, (resource, status) ->
        PrimaryUpdateAndCacheUtils.mergePatchStatusAndCacheResource(resource, context, fresh -> {
          ((Share) fresh).setStatus(status);
          return fresh;
        }));
    UpdateControl<R> control = UpdateControl.noUpdate();
    next.ifPresent(control::rescheduleAfter);
    return control;
  }

  /** Shares made by an older version carry JOSDK's finalizer; this version needs none. */
  private static <R extends HasMetadata> void releaseLegacyFinalizer(R share, Context<R> context) {
    String legacy = ReconcilerUtils.getDefaultFinalizerName(share.getClass());
    if (share.getMetadata().getFinalizers() != null && share.getMetadata().getFinalizers().contains(legacy)) {
      PrimaryUpdateAndCacheUtils.removeFinalizer(context, legacy);
    }
  }
}
