package io.consortium.operator.share;

import io.consortium.operator.api.v1alpha1.Share;
import io.consortium.operator.api.v1alpha1.ShareSpec;
import io.consortium.operator.api.v1alpha1.ShareStatus;
import io.consortium.operator.api.v1alpha1.spec.ConditionStatus;
import io.consortium.operator.api.v1alpha1.spec.Direction;
import io.consortium.operator.mesh.protocol.SignedEnvelope;
import io.consortium.operator.mesh.protocol.messages.Inventory;
import io.consortium.operator.mesh.protocol.messages.InventoryEntry;
import io.consortium.operator.mesh.protocol.messages.ShareAck;
import io.consortium.operator.mesh.protocol.messages.ShareDecision;
import io.consortium.operator.mesh.protocol.messages.ShareOffer;
import io.consortium.operator.mesh.protocol.messages.ShareResend;
import io.consortium.operator.mesh.protocol.messages.ShareRevoke;
import io.consortium.operator.pairing.PairingDirectory;
import io.consortium.operator.pairing.PeerSessions;
import io.consortium.operator.pairing.ShareInbox;
import io.consortium.operator.status.Conditions;
import io.consortium.operator.status.EventRecorder;
import io.consortium.operator.status.InvalidSpec;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One share kind end to end, on both sides, the same for every kind: the origin's side is the
 * {@link Outbox}, the receiver's the {@link Inbox}; what differs between kinds is in its
 * {@link ShareKind}, and every phase moves through {@link ShareLifecycle}.
 *
 * <p>A share's status has one writer: its reconcile. What the link hears about a share (an
 * acknowledgement, a decision, a revocation, a pairing that ended) is recorded as a fact
 * ({@link ShareFacts}) and asks for a reconcile; the reconcile aggregates the status once from the
 * share as the informer holds it and the facts, writes it once if it changed, and only then does what
 * the new status calls for (sends, Events, audit lines), so that a retried write repeats none of them.
 * Shares are read from the informer's cache, never listed from the API server on the way of a share.
 */
public final class ShareEngine<R extends Share<S, T>, S extends ShareSpec, T extends ShareStatus> implements ShareInbox {

  public static final String SHARE_UID_LABEL = "consortium.io/share-uid";
  public static final String FROM_LABEL = "consortium.io/from";
  public static final String DIRECTION_LABEL = "consortium.io/direction";
  /** Who decided, written by a person's tooling next to spec.decision; shown to the origin. */
  public static final String DECIDED_BY = "consortium.io/decided-by";

  /** Why a share ended with its pairing: such a share comes back (to be decided anew) over a new pairing. */
  public static final Set<String> PAIRING_ENDINGS = Set.of("PairingRevoked", "PairingDeleted", "PeerRevokedPairing");
  /** Whether a revocation reason says the share ended with its pairing (and may come back over a new one). */
  static boolean endedWithPairing(String reason) {
    return reason != null && PAIRING_ENDINGS.contains(reason);
  }

  /** The revocation that is final: the origin took the share back. */
  public static final String REVOKED_BY_ORIGIN = "RevokedByOrigin";
  /** Incoming: False while the payload differs from what the origin sent (it is being restored). */
  public static final String PAYLOAD_INTACT = "PayloadIntact";

  /** How often an offer that has had no answer, or a refusal, is offered again: the safety net under the link. */
  public static final Duration RESEND_EVERY = Duration.ofSeconds(15);

  private static final Logger LOG = LoggerFactory.getLogger(ShareEngine.class);

  /** Shares of one kind as the operator's informer holds them: no API request on the way of a share. */
  public interface ShareCache<R> {

    Optional<R> get(String name);

    List<R> list();

    /** Outgoing shares by their metadata.uid, incoming copies by the origin's share UID (spec.from.shareUid). */
    List<R> byShareUid(String shareUid);
  }

  /** How the reconcile's one status write is made (by the reconciler, which knows the framework's cache). */
  public interface StatusWrite<R> {
    void write(R share, ShareStatus status);
  }

  private final ShareKind<R, S, T> kind;
  private final ShareContext context;
  private final PeerSessions sessions;
  private final PairingDirectory pairings;
  private final ShareFacts facts = new ShareFacts();
  private final ShareSpecCheck<R, S, T> specCheck;
  private final Outbox<R, S, T> outbox;
  private final Inbox<R, S, T> inbox;
  private volatile ShareCache<R> cache;
  private volatile Consumer<String> revisit = name -> { };
  /** One instance, so that a share is noted once as the reader of each source. */
  private final Consumer<String> revisitOnSourceChange = name -> revisit.accept(name);

  public ShareEngine(ShareKind<R, S, T> kind, ShareContext context, PeerSessions sessions, PairingDirectory pairings) {
    this.kind = kind;
    this.context = context;
    this.sessions = sessions;
    this.pairings = pairings;
    this.specCheck = new ShareSpecCheck<>(context);
    this.outbox = new Outbox<>(this);
    this.inbox = new Inbox<>(this);
  }

  public ShareKind<R, S, T> kind() {
    return kind;
  }

  /** How to make the reconciler look at a share again (a fact arrived, a link came up). */
  public void setRevisit(Consumer<String> revisit) {
    this.revisit = revisit;
  }

  /** Where shares of this kind are read from: the reconciler's informer cache, once it exists. */
  public void setCache(ShareCache<R> cache) {
    this.cache = cache;
  }

  // ---- reconcile -------------------------------------------------------------------------------

  /**
   * Looks at one share: aggregates its status from the share and the facts recorded about it, writes
   * it once if it changed, then does what the new status calls for. Returns when to look again if
   * nothing happens before (empty: nothing is due).
   */
  public Optional<Duration> reconcile(R share, StatusWrite<R> write) {
    String name = share.getMetadata().getName();
    List<ShareFacts.Fact> pending = facts.pending(name);
    T before = share.getStatus();
    T status = before == null ? kind.newStatus() : copy(before);
    Effects effects = new Effects();
    Plan[] planned = new Plan[1];
    List<String> invalid = specCheck.violations(share);
    // The Secrets and ConfigMaps read meanwhile are this share's: a change to one brings it back here.
    SourceCache.readingAs(new SourceCache.Reader(revisitOnSourceChange, name), () -> {
      if (!invalid.isEmpty()) {
        planned[0] = refuseAsInvalid(share, status, invalid, effects);
      } else if (share.getSpec().isOutgoing()) {
        planned[0] = outbox.reconcile(share, status, pending, effects);
      } else {
        planned[0] = inbox.reconcile(share, status, pending, effects);
      }
    });
    Plan plan = planned[0];
    if (!plan.deferWrite() && !Objects.equals(json(before), json(status))) {
      write.write(share, status);
    }
    effects.run();
    if (!plan.keepFacts()) {
      facts.written(name, pending);
    }
    return plan.next();
  }

  /** The share is gone from the cluster (deleted, no finalizer held it): tells whom it concerns, forgets it. */
  public void deleted(R share) {
    facts.forget(share.getMetadata().getName());
    if (share.getSpec().isOutgoing()) {
      outbox.deleted(share);
    }
  }

  /** A spec a real API server would refuse: shown once as Ready=False InvalidSpec, and nothing else is done. */
  private Plan refuseAsInvalid(R share, T status, List<String> violations, Effects effects) {
    String message = String.join("; ", violations);
    Long generation = share.getMetadata().getGeneration();
    status.direction = share.getSpec().isOutgoing() ? Direction.Outgoing : Direction.Incoming;
    status.observedGeneration = generation;
    status.summary = InvalidSpec.REASON;
    if (Conditions.set(status.conditions, Conditions.READY, ConditionStatus.False, InvalidSpec.REASON, message,
        generation, context.clock())) {
      effects.event(share, EventRecorder.Type.Warning, InvalidSpec.REASON, message);
    }
    // Facts wait: what the link said still holds once the resource is fixed.
    return Plan.keepingFacts();
  }

  // ---- the link --------------------------------------------------------------------------------

  @Override
  public void offer(String pairing, String peerInstanceId, SignedEnvelope envelope, ShareOffer offer) {
    inbox.offer(pairing, peerInstanceId, envelope, offer);
  }

  @Override
  public void acknowledged(String pairing, ShareAck ack) {
    outbox.acknowledged(pairing, ack);
  }

  @Override
  public void decided(String pairing, ShareDecision decision) {
    outbox.decided(pairing, decision);
  }

  @Override
  public void revoked(String pairing, ShareRevoke revoke) {
    inbox.revoked(pairing, revoke);
  }

  @Override
  public void resendRequested(String pairing, ShareResend resend) {
    outbox.resendRequested(pairing, resend);
  }

  @Override
  public void pairingEnded(String pairing, String reason, String message) {
    for (R share : shares()) {
      boolean concerned = share.getSpec().isOutgoing()
          ? share.getSpec().sendsTo(pairing) || share.getStatus() != null && share.getStatus().recipients.stream()
              .anyMatch(r -> pairing.equals(r.pairing) && r.phase != io.consortium.operator.api.v1alpha1.spec.SharePhase.Revoked)
          : pairing.equals(share.getSpec().from.pairing) && (share.getStatus() == null
              || share.getStatus().phase != io.consortium.operator.api.v1alpha1.spec.SharePhase.Revoked);
      if (concerned) {
        record(share.getMetadata().getName(), new ShareFacts.PairingEnded(pairing, reason, message));
      }
    }
  }

  @Override
  public void linkUp(String pairing) {
    outbox.linkUp(pairing);
    for (R share : shares()) {
      boolean outgoingToIt = share.getSpec().isOutgoing() && share.getSpec().sendsTo(pairing);
      boolean incomingFromIt = !share.getSpec().isOutgoing() && pairing.equals(share.getSpec().from.pairing);
      if (incomingFromIt) {
        // A decision sent while the link was down is sent again.
        record(share.getMetadata().getName(), new ShareFacts.LinkUp(pairing));
      } else if (outgoingToIt) {
        revisit(share.getMetadata().getName());
      }
    }
  }

  @Override
  public List<InventoryEntry> inventory(String pairing, String localInstanceId, String peerInstanceId) {
    List<InventoryEntry> entries = new ArrayList<>();
    for (R share : shares()) {
      (share.getSpec().isOutgoing() ? outbox.inventoryEntry(share, pairing, localInstanceId)
          : inbox.inventoryEntry(share, pairing, peerInstanceId)).ifPresent(entries::add);
    }
    return entries;
  }

  @Override
  public void resync(String pairing, String localInstanceId, String peerInstanceId, Inventory theirs) {
    java.util.Map<String, InventoryEntry> listed = new java.util.HashMap<>();
    for (InventoryEntry entry : theirs.shares()) {
      if (kind.kind().equals(entry.kind())) {
        listed.put(entry.origin() + "/" + entry.shareUid(), entry);
      }
    }
    for (R share : shares()) {
      if (share.getSpec().isOutgoing()) {
        outbox.resync(share, pairing, listed.get(localInstanceId + "/" + share.getMetadata().getUid()));
      } else if (pairing.equals(share.getSpec().from.pairing)) {
        inbox.resync(share, pairing, listed.get(peerInstanceId + "/" + share.getSpec().from.shareUid), theirs.asOf());
      }
    }
  }

  // ---- what the two sides share ----------------------------------------------------------------

  ShareContext context() {
    return context;
  }

  PeerSessions sessions() {
    return sessions;
  }

  PairingDirectory pairings() {
    return pairings;
  }

  Clock clock() {
    return context.clock();
  }

  /** Keeps a fact about a share and asks for its reconcile. */
  void record(String name, ShareFacts.Fact fact) {
    facts.record(name, fact);
    revisit(name);
  }

  void revisit(String name) {
    revisit.accept(name);
  }

  /** Every share of this kind in the namespace, from the cache (an API list before the cache exists). */
  List<R> shares() {
    ShareCache<R> c = cache;
    return c != null ? c.list()
        : context.client().resources(kind.type()).inNamespace(context.namespace()).list().getItems();
  }

  Optional<R> share(String name) {
    ShareCache<R> c = cache;
    return c != null ? c.get(name)
        : Optional.ofNullable(context.client().resources(kind.type()).inNamespace(context.namespace()).withName(name).get());
  }

  /** Outgoing shares with this UID and incoming copies of an origin's share with this UID. */
  List<R> byShareUid(String shareUid) {
    ShareCache<R> c = cache;
    if (c != null) {
      return c.byShareUid(shareUid);
    }
    return shares().stream().filter(s -> shareUid.equals(s.getSpec().isOutgoing() ? s.getMetadata().getUid()
        : s.getSpec().from.shareUid)).toList();
  }

  /**
   * A per-share message that does not belong (not from a pairing the share was offered to, not for
   * its revision): nothing changes; it is counted, logged and audited.
   */
  void drop(String type, String pairing, String shareUid, String reason, String message) {
    Counter.builder("consortium_share_messages_dropped_total")
        .description("Per-share messages dropped: from a pairing the share was not offered to, or not for its revision")
        .tag("kind", kind.kind()).tag("type", type).tag("reason", reason)
        .register(context.metrics()).increment();
    LOG.warn("Pairing {}: dropped {} about {} {}: {} ({})", pairing, type, kind.kind(), shareUid, message, reason);
    Audit.dropped(kind.kind(), type, pairing, shareUid, reason, message);
  }

  private T copy(T status) {
    return context.client().getKubernetesSerialization().clone(status);
  }

  private String json(Object status) {
    return status == null ? null : context.client().getKubernetesSerialization().asJson(status);
  }

  /** What a reconcile does once its status is written: sends, Events, audit lines. */
  final class Effects {
    private final List<Runnable> actions = new ArrayList<>();

    void add(Runnable action) {
      actions.add(action);
    }

    void event(io.fabric8.kubernetes.api.model.HasMetadata about, EventRecorder.Type type, String reason,
        String message) {
      actions.add(() -> context.events().record(about, type, reason, message));
    }

    void run() {
      for (Runnable action : actions) {
        try {
          action.run();
        } catch (RuntimeException e) {
          LOG.warn("{}: an action after the status write failed: {}", kind.kind(), e.getMessage(), e);
        }
      }
    }
  }

  /**
   * What a reconcile decided beyond the status: when to look again, whether the write may wait for the
   * news that is on its way (an offer just sent), and whether the facts it saw must stay for later.
   */
  record Plan(Optional<Duration> next, boolean deferWrite, boolean keepFacts) {

    static Plan nothingDue() {
      return new Plan(Optional.empty(), false, false);
    }

    static Plan keepingFacts() {
      return new Plan(Optional.empty(), false, true);
    }

    /** The sooner of this plan's next visit and {@code in}. */
    Plan dueIn(Duration in) {
      Duration at = in.isNegative() ? Duration.ZERO : in;
      return new Plan(Optional.of(next.filter(n -> n.compareTo(at) <= 0).orElse(at)), deferWrite, keepFacts);
    }

    Plan deferringWrite() {
      return new Plan(next, true, keepFacts);
    }

    Plan keepingTheFacts() {
      return new Plan(next, deferWrite, true);
    }
  }
}
