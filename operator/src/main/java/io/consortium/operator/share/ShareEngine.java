package io.consortium.operator.share;

import com.fasterxml.jackson.databind.JsonNode;
import io.consortium.operator.api.GoDuration;
import io.consortium.operator.api.Rfc3339;
import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.Share;
import io.consortium.operator.api.v1alpha1.ShareSpec;
import io.consortium.operator.api.v1alpha1.ShareStatus;
import io.consortium.operator.api.v1alpha1.spec.AcceptMode;
import io.consortium.operator.api.v1alpha1.spec.ConditionStatus;
import io.consortium.operator.api.v1alpha1.spec.DecisionResult;
import io.consortium.operator.api.v1alpha1.spec.Direction;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.PairingState;
import io.consortium.operator.api.v1alpha1.spec.RecipientStatus;
import io.consortium.operator.api.v1alpha1.spec.ShareOrigin;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.mesh.protocol.ProtocolException;
import io.consortium.operator.mesh.protocol.PeerText;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.mesh.protocol.SignedEnvelope;
import io.consortium.operator.mesh.protocol.messages.DecisionAttachment;
import io.consortium.operator.mesh.protocol.messages.DecisionOutcome;
import io.consortium.operator.mesh.protocol.messages.Inventory;
import io.consortium.operator.mesh.protocol.messages.InventoryEntry;
import io.consortium.operator.mesh.protocol.messages.ShareAck;
import io.consortium.operator.mesh.protocol.messages.ShareDecision;
import io.consortium.operator.mesh.protocol.messages.ShareOffer;
import io.consortium.operator.mesh.protocol.messages.ShareResend;
import io.consortium.operator.mesh.protocol.messages.ShareRevoke;
import io.consortium.operator.pairing.PairingDirectory;
import io.consortium.operator.pairing.PeerSessions;
import io.consortium.operator.pairing.RemoteNodes;
import io.consortium.operator.pairing.ShareInbox;
import io.consortium.operator.pki.Sha256;
import io.consortium.operator.share.ShareKind.InvalidShareSource;
import io.consortium.operator.share.ShareLifecycle.Cause;
import io.consortium.operator.share.inspection.PayloadInspection;
import io.consortium.operator.status.Conditions;
import io.consortium.operator.status.EventRecorder;
import io.consortium.operator.status.StatusWriter;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One share kind end to end, on both sides, the same for every kind: the origin offers each revision
 * to each recipient until it is acknowledged; the receiver creates or updates the incoming resource,
 * acknowledges, and sends the decision back; revocation and expiry reach both sides. Every phase moves
 * through {@link ShareLifecycle}; what differs between kinds is in its {@link ShareKind}.
 */
public final class ShareEngine<R extends Share<S, T>, S extends ShareSpec, T extends ShareStatus> implements ShareInbox {

  public static final String SHARE_UID_LABEL = "consortium.io/share-uid";
  public static final String FROM_LABEL = "consortium.io/from";
  public static final String DIRECTION_LABEL = "consortium.io/direction";
  /** Deletes an outgoing share without waiting for every recipient to be told. */
  public static final String FORCE_DELETE = "consortium.io/force-delete";
  /** Who decided, written by a person's tooling next to spec.decision; shown to the origin. */
  public static final String DECIDED_BY = "consortium.io/decided-by";

  /** Why a share ended with its pairing: such a share comes back (to be decided anew) over a new pairing. */
  public static final Set<String> PAIRING_ENDINGS = Set.of("PairingRevoked", "PairingDeleted", "PeerRevokedPairing");
  /** The revocation that is final: the origin took the share back. */
  public static final String REVOKED_BY_ORIGIN = "RevokedByOrigin";
  /** The longest text a peer may put into our status (who decided, say): more is cut. */
  private static final int PEER_TEXT_LIMIT = 256;

  private static final Logger LOG = LoggerFactory.getLogger(ShareEngine.class);

  /** Reasons a recipient cannot get the share until a person acts: shown as a condition of the share. */
  private static final Set<String> BLOCKED = Set.of("UnknownPairing", "PairingSuspended", "PairingRevoked",
      "FlowForbidden", "PayloadTooLarge");

  /** Incoming: False while the payload differs from what the origin sent (it is being restored). */
  public static final String PAYLOAD_INTACT = "PayloadIntact";

  /** How often the reconciler looks again at a share with undelivered recipients. */
  public static final Duration RESEND_EVERY = Duration.ofSeconds(15);

  private final ShareKind<R, S, T> kind;
  private final ShareContext context;
  private final PeerSessions sessions;
  private final PairingDirectory pairings;
  private final StatusWriter writer;
  private final EventRecorder events;
  private final Clock clock;
  /** Outgoing shares by UID, learnt as they are reconciled, so that an acknowledgement costs no list. */
  private final Map<String, String> outgoingNames = new ConcurrentHashMap<>();
  private final ShareSpecCheck<R, S, T> specCheck;
  private volatile Consumer<String> revisit = name -> { };

  public ShareEngine(ShareKind<R, S, T> kind, ShareContext context, PeerSessions sessions, PairingDirectory pairings) {
    this.kind = kind;
    this.context = context;
    this.sessions = sessions;
    this.pairings = pairings;
    this.writer = context.writer();
    this.events = context.events();
    this.clock = context.clock();
    this.specCheck = new ShareSpecCheck<>(kind, context);
  }

  public ShareKind<R, S, T> kind() {
    return kind;
  }

  /** How often a deleted share waiting to tell its recipients looks again: within --revoke-timeout. */
  public Duration revokeRecheck() {
    Duration every = Duration.ofSeconds(10);
    return context.revokeTimeout().compareTo(every) < 0 ? context.revokeTimeout() : every;
  }

  /** How often a share with undelivered recipients is offered again: soon enough to show DeliveryStalled. */
  public Duration recheckEvery() {
    return context.stuckAfter().compareTo(RESEND_EVERY) < 0 ? context.stuckAfter() : RESEND_EVERY;
  }

  /** Whether an outgoing share still has recipients waiting for delivery (the reconciler looks again later). */
  public static boolean awaitsDelivery(Share<?, ?> share) {
    if (share.getSpec().isOutgoing() && (share.getStatus() == null || share.getStatus().recipients.isEmpty())) {
      // The copy the reconciler was handed predates its first offer: look again, as for any Pending one.
      return true;
    }
    return share.getSpec().isOutgoing()
        && share.getStatus().recipients.stream().anyMatch(r -> r.phase == SharePhase.Pending
            || r.phase != SharePhase.Revoked && (share.getSpec().isRevoked() || !share.getSpec().to.contains(r.pairing)));
  }

  /** How to make the reconciler look at a share again (a link came up). */
  public void setRevisit(Consumer<String> revisit) {
    this.revisit = revisit;
  }

  // ---- reconcile -------------------------------------------------------------------------------

  /** A spec a real API server would refuse is shown once as Ready=False InvalidSpec and goes no further. */
  public boolean refusedAsInvalid(R share) {
    return specCheck.refuse(share);
  }

  public void reconcile(R share) {
    if (share.getSpec().isOutgoing()) {
      outgoingNames.put(share.getMetadata().getUid(), share.getMetadata().getName());
      reconcileOutgoing(share);
    } else {
      reconcileIncoming(share);
    }
  }

  private void reconcileOutgoing(R share) {
    String name = share.getMetadata().getName();
    Long generation = share.getMetadata().getGeneration();
    JsonNode payload;
    try {
      payload = kind.payload(share);
      PayloadInspection.SHARES.check(payload);
      ObjectSize.requirePayloadFits(name, payload);
    } catch (InvalidShareSource e) {
      writer.update(kind.type(), name, kind::newStatus, fresh -> {
        T st = fresh.getStatus();
        st.direction = Direction.Outgoing;
        st.observedGeneration = generation;
        if (Conditions.set(st.conditions, Conditions.READY, ConditionStatus.False, e.reason(), e.getMessage(),
            generation, clock)) {
          events.record(fresh, EventRecorder.Type.Warning, e.reason(), e.getMessage());
        }
        st.summary = e.reason();
      });
      return;
    }
    Map<String, PeerPairing> known = new HashMap<>();
    for (PeerPairing pairing : pairings.seen()) {
      known.put(pairing.getMetadata().getName(), pairing);
    }
    Instant expiresAt = share.getSpec().expiresAt == null ? null : Rfc3339.parse(share.getSpec().expiresAt);
    String offered = offerDigest(payload, expiresAt);
    writer.update(kind.type(), name, kind::newStatus, fresh -> {
      T st = fresh.getStatus();
      st.direction = Direction.Outgoing;
      st.observedGeneration = generation;
      // A new revision only when what is offered changed: editing spec.to or spec.revoked is not one.
      if (st.revision == null || !offered.equals(st.payloadSha256)) {
        st.revision = generation;
        st.payloadSha256 = offered;
      }
      long revision = st.revision;
      ShareOffer offer = new ShareOffer(kind.kind(), fresh.getMetadata().getUid(), name, revision, expiresAt, payload,
          null);
      kind.describe(st, payload);
      st.peers = String.join(",", fresh.getSpec().to);
      boolean revoked = fresh.getSpec().isRevoked();
      boolean expired = expired(fresh.getSpec());
      withdrawFromRemoved(fresh, st);
      for (String to : fresh.getSpec().to) {
        RecipientStatus recipient = recipient(st, to);
        // The watch may not have seen a pairing made a moment ago: ask before calling it unknown.
        PeerPairing pairing = known.containsKey(to) ? known.get(to) : pairings.get(to).orElse(null);
        if (recipient.phase == SharePhase.Revoked) {
          if (revoked || !PAIRING_ENDINGS.contains(recipient.reason) || !live(pairing)) {
            continue;
          }
          // The share ended with its pairing; a pairing of that name is live again: offered anew.
          move(fresh, recipient, SharePhase.Pending, Cause.NEW_PAIRING, "NewPairing",
              "pairing " + to + " is live again; offering revision " + revision);
          recipient.revision = null;
          recipient.result = null;
          recipient.decidedBy = null;
          recipient.decidedAt = null;
        }
        if (revoked) {
          // Revoked once the recipient confirms (SHARE_ACK Revoked), not once sent: a revocation queued on a
          // link that goes down is lost, so it is sent again at every visit until confirmed.
          if (sessions.send(to, new ShareRevoke(kind.kind(), fresh.getMetadata().getUid()))) {
            note(recipient, "RevocationSent", "revoked; waiting for " + to + " to confirm");
          } else {
            note(recipient, "RevocationPending", "revoked; " + to + " is told when its link is up");
          }
          continue;
        }
        if (expired) {
          if (ShareLifecycle.allows(Direction.Outgoing, recipient.phase, SharePhase.Expired, Cause.EXPIRY)) {
            move(fresh, recipient, SharePhase.Expired, Cause.EXPIRY, "Expired", "spec.expiresAt passed before a decision");
          }
          continue;
        }
        if (recipient.revision != null && recipient.revision != revision
            && ShareLifecycle.allows(Direction.Outgoing, recipient.phase, SharePhase.Pending, Cause.NEW_REVISION)) {
          move(fresh, recipient, SharePhase.Pending, Cause.NEW_REVISION, "NewRevision", "revision " + revision + " to deliver");
          recipient.revision = null;
          recipient.result = null;
        }
        if (recipient.phase != SharePhase.Pending) {
          continue;
        }
        offer(fresh, st, recipient, pairing, offer, revision);
      }
      kind.recipientsReconciled(fresh, st);
      summarize(fresh, st, generation);
    });
  }

  /**
   * A recipient taken out of spec.to: what it received is revoked there (a person removing a peer from
   * the list means it should no longer have the share); one it never received is simply forgotten.
   */
  private void withdrawFromRemoved(R share, T st) {
    for (java.util.Iterator<RecipientStatus> it = st.recipients.iterator(); it.hasNext(); ) {
      RecipientStatus recipient = it.next();
      if (recipient.pairing == null || share.getSpec().to.contains(recipient.pairing)
          || recipient.phase == SharePhase.Revoked) {
        continue;
      }
      if (recipient.phase == SharePhase.Pending && recipient.revision == null) {
        it.remove();
      } else if (sessions.send(recipient.pairing, new ShareRevoke(kind.kind(), share.getMetadata().getUid()))) {
        note(recipient, "RevocationSent", "removed from spec.to; waiting for " + recipient.pairing + " to confirm");
      } else {
        note(recipient, "RevocationPending", "removed from spec.to; " + recipient.pairing
            + " is told when its link is up");
      }
    }
  }

  private void offer(R share, T st, RecipientStatus recipient, PeerPairing pairing, ShareOffer offer, long revision) {
    String to = recipient.pairing;
    if (pairing == null) {
      note(recipient, "UnknownPairing", "no PeerPairing named " + to + " in this namespace");
    } else if (PairingDirectory.state(pairing) != PairingState.Active) {
      note(recipient, "Pairing" + PairingDirectory.state(pairing), "pairing " + to + " is "
          + PairingDirectory.state(pairing) + "; the share waits until it is Active");
    } else if (sessions.state(to).map(link -> link.connected()).orElse(false) && !sessions.maySend(to)) {
      note(recipient, "FlowForbidden", "pairing " + to + "'s flow is " + pairing.getStatus().flow
          + ": this side may not send shares on it");
    } else {
      try {
        if (sessions.sendOffer(to, offer)) {
          if (!Long.valueOf(revision).equals(recipient.refusedRevision)) { // keep the receiver's last error in sight
            note(recipient, "Offered", "revision " + revision + " sent; waiting for the acknowledgement");
          }
        } else {
          // The link, not the pairing's status (written a moment later), says whether we can send now.
          PairingPhase phase = pairing.getStatus() == null ? null : pairing.getStatus().phase;
          note(recipient, "PeerNotConnected", "pairing " + to + " has no link right now"
              + (phase == null ? "" : " (" + phase + ")") + "; delivered when it has");
        }
      } catch (ProtocolException e) {
        note(recipient, e.error().name(), e.getMessage());
        if (Conditions.set(st.conditions, "PayloadAccepted", ConditionStatus.False, e.error().name(), e.getMessage(),
            share.getMetadata().getGeneration(), clock)) {
          events.record(share, EventRecorder.Type.Warning, e.error().name(), e.getMessage());
        }
      }
    }
  }

  private void reconcileIncoming(R share) {
    String name = share.getMetadata().getName();
    Long generation = share.getMetadata().getGeneration();
    ShareOrigin from = share.getSpec().from;
    // What the origin signed is kept as it arrived: a local edit is found here and restored from the origin.
    boolean intact = intact(share.getSpec());
    Optional<R> written = writer.update(kind.type(), name, kind::newStatus, fresh -> {
      T st = fresh.getStatus();
      st.direction = Direction.Incoming;
      st.observedGeneration = generation;
      st.peers = from.pairing;
      kind.describe(st, kind.payloadOf(fresh.getSpec()));
      if (intact) {
        Conditions.remove(st.conditions, PAYLOAD_INTACT);
      } else if (Conditions.set(st.conditions, PAYLOAD_INTACT, ConditionStatus.False, "PayloadDrifted",
          "the payload was changed on this cluster and no longer matches what " + from.pairing + " sent (SHA-256 "
              + from.payloadSha256 + "); it is restored from the origin, and cannot be decided on until then",
          generation, clock)) {
        events.record(fresh, EventRecorder.Type.Warning, "PayloadDrifted", "the payload was changed on this cluster;"
            + " asking " + from.pairing + " to send revision " + from.revision + " again");
        Audit.transition(kind.kind(), name, from.pairing, String.valueOf(st.phase), String.valueOf(st.phase),
            "consortium-operator", "PayloadDrifted");
      }
      if (st.phase == null) {
        st.phase = SharePhase.Pending;
      } else if (st.revision != null && !st.revision.equals(from.revision)
          && ShareLifecycle.allows(Direction.Incoming, st.phase, SharePhase.Pending, Cause.NEW_REVISION)) {
        st.phase = SharePhase.Pending;
        st.decidedBy = null;
        st.decidedAt = null;
        st.decisionResult = null;
      }
      st.revision = from.revision;
      if (expired(fresh.getSpec()) && st.phase == SharePhase.Pending) {
        st.phase = ShareLifecycle.move(Direction.Incoming, st.phase, SharePhase.Expired, Cause.EXPIRY);
        events.record(fresh, EventRecorder.Type.Warning, "Expired", "spec.expiresAt passed before a decision");
        Audit.transition(kind.kind(), name, from.pairing, "Pending", "Expired", "consortium-operator", "Expired");
      }
      Boolean accepts = fresh.getSpec().decisionAccepts();
      if (accepts == null) {
        Conditions.remove(st.conditions, "DecisionAttached");
      }
      if (accepts != null && st.phase == SharePhase.Pending && intact) {
        decide(fresh, st, accepts, generation);
      } else if (accepts != null && st.phase == SharePhase.Expired) {
        Conditions.set(st.conditions, "DecisionFinal", ConditionStatus.True, "ShareExpired",
            "the share expired before the decision; the origin can send a new revision with a later spec.expiresAt",
            generation, clock);
      } else if (accepts != null && st.phase == SharePhase.Revoked && st.decidedAt == null) {
        Conditions.set(st.conditions, "DecisionFinal", ConditionStatus.True, "ShareRevoked",
            "the share was revoked (" + st.revocationReason + ") before a decision; nothing can be decided on it",
            generation, clock);
      } else if (accepts != null && (st.phase == SharePhase.Accepted || st.phase == SharePhase.Rejected)
          && (accepts != (st.phase == SharePhase.Accepted))) {
        Conditions.set(st.conditions, "DecisionFinal", ConditionStatus.True, "DecisionFinal",
            "this revision was already " + st.phase + "; a decision is final for a revision", generation, clock);
      }
      st.summary = st.phase.name();
      if (!intact) {
        Conditions.set(st.conditions, Conditions.READY, ConditionStatus.False, "PayloadDrifted",
            "the payload was changed on this cluster; waiting for " + from.pairing + " to send it again", generation, clock);
      } else if (st.phase == SharePhase.Revoked) {
        String why = st.revocationReason == null ? REVOKED_BY_ORIGIN : st.revocationReason;
        Conditions.set(st.conditions, Conditions.READY, ConditionStatus.False, why, REVOKED_BY_ORIGIN.equals(why)
            ? "the origin revoked the share; what was accepted is kept"
            : "pairing " + from.pairing + " ended (" + why + "); what was accepted is kept, and nothing more can be"
                + " decided", generation, clock);
      } else if (!Conditions.isFalse(st.conditions, "DecisionAttached")) {
        Conditions.set(st.conditions, Conditions.READY, st.phase == SharePhase.Pending ? ConditionStatus.False
            : ConditionStatus.True, st.phase.name(), st.phase == SharePhase.Pending
            ? "waiting for a decision: set spec.decision" : "the share is " + st.phase, generation, clock);
      }
    });
    if (!intact) {
      // Sent again at every visit (a link-up brings one) until the origin's copy has replaced ours.
      sessions.send(from.pairing, new ShareResend(kind.kind(), from.shareUid, from.revision));
      return;
    }
    written.ifPresent(this::afterIncomingDecision);
  }

  /** Whether the payload an incoming share holds is still the one received (shares from before this check count as intact). */
  private boolean intact(S spec) {
    return spec.from.payloadSha256 == null || spec.from.payloadSha256.equals(ProtocolJson.sha256(kind.payloadOf(spec)));
  }

  /** The receiver's decision: the phase moves only once what travels back with it could be made. */
  private void decide(R fresh, T st, boolean accepts, Long generation) {
    SharePhase to = accepts ? SharePhase.Accepted : SharePhase.Rejected;
    DecisionAttachment attachment;
    try {
      attachment = kind.attachment(fresh, accepts).orElse(null);
    } catch (InvalidShareSource e) {
      if (Conditions.set(st.conditions, "DecisionAttached", ConditionStatus.False, e.reason(), e.getMessage(),
          generation, clock)) {
        events.record(fresh, EventRecorder.Type.Warning, e.reason(), e.getMessage());
      }
      Conditions.set(st.conditions, Conditions.READY, ConditionStatus.False, e.reason(),
          "the decision is held: " + e.getMessage(), generation, clock);
      return;
    }
    Conditions.remove(st.conditions, "DecisionAttached");
    st.phase = ShareLifecycle.move(Direction.Incoming, st.phase, to, Cause.DECISION);
    st.decidedAt = Conditions.now(clock);
    st.decidedBy = decidedBy(fresh);
    st.decisionResult = result(attachment);
    events.record(fresh, EventRecorder.Type.Normal, to.name(), "decided by " + st.decidedBy);
    Audit.transition(kind.kind(), fresh.getMetadata().getName(), fresh.getSpec().from.pairing, "Pending", to.name(),
        st.decidedBy, null);
  }

  private void afterIncomingDecision(R share) {
    T st = share.getStatus();
    if (st.phase == SharePhase.Accepted) {
      kind.accepted(share);
    }
    if (st.phase == SharePhase.Accepted || st.phase == SharePhase.Rejected) {
      // Sent on every visit while decided: the origin ignores a decision it already has.
      ShareOrigin from = share.getSpec().from;
      sessions.send(from.pairing, new ShareDecision(kind.kind(), from.shareUid, from.revision,
          st.phase == SharePhase.Accepted ? DecisionOutcome.Accepted : DecisionOutcome.Rejected,
          st.decidedBy, Instant.parse(st.decidedAt), attachment(st.decisionResult)));
    }
  }

  /**
   * Before an outgoing share goes: tells every recipient it is revoked. True when all were told (or
   * the {@code consortium.io/force-delete} annotation says not to wait); false while some peer has no link.
   */
  public boolean revokeBeforeDelete(R share) {
    if (!share.getSpec().isOutgoing()) {
      return true;
    }
    outgoingNames.remove(share.getMetadata().getUid());
    boolean force = share.getMetadata().getAnnotations() != null
        && "true".equals(share.getMetadata().getAnnotations().get(FORCE_DELETE));
    List<String> untold = new ArrayList<>();
    for (String to : share.getSpec().to) {
      RecipientStatus recipient = share.getStatus() == null ? null : share.getStatus().recipients.stream()
          .filter(r -> to.equals(r.pairing)).findFirst().orElse(null);
      if (recipient == null || recipient.phase == SharePhase.Revoked || recipient.phase == SharePhase.Pending
          && recipient.revision == null && !"Offered".equals(recipient.reason)) {
        continue; // never delivered: nothing to take back
      }
      if (!sessions.send(to, new ShareRevoke(kind.kind(), share.getMetadata().getUid()))) {
        untold.add(to);
      }
    }
    if (untold.isEmpty()) {
      return true;
    }
    String message = "deleting: " + String.join(", ", untold) + " not told of the revocation yet (no link);"
        + " waiting up to --revoke-timeout (" + GoDuration.format(context.revokeTimeout()) + "), or annotate " + FORCE_DELETE
        + "=true to delete without telling them";
    boolean timedOut = share.getMetadata().getDeletionTimestamp() != null && !Instant.parse(
        share.getMetadata().getDeletionTimestamp()).plus(context.revokeTimeout()).isAfter(clock.instant());
    if (force || timedOut) {
      // Never wait for ever on a peer that does not answer: it learns at its next resync.
      events.record(share, EventRecorder.Type.Warning, "RevocationNotDelivered", "deleted without telling "
          + String.join(", ", untold) + (force ? " (" + FORCE_DELETE + ")" : " (no link within --revoke-timeout "
          + GoDuration.format(context.revokeTimeout()) + ")") + "; they learn it when they next connect");
      for (String peer : untold) {
        Audit.transition(kind.kind(), share.getMetadata().getName(), peer, null, "Deleted", "consortium-operator",
            "RevocationNotDelivered");
      }
      return true;
    }
    writer.update(kind.type(), share.getMetadata().getName(), kind::newStatus, fresh ->
        Conditions.set(fresh.getStatus().conditions, Conditions.READY, ConditionStatus.False, "RevocationPending",
            message, fresh.getMetadata().getGeneration(), clock));
    return false;
  }

  // ---- the link --------------------------------------------------------------------------------

  @Override
  public void offer(String pairing, String peerInstanceId, SignedEnvelope envelope, ShareOffer offer) {
    // Found by its origin too: after a re-pairing the same share arrives over a pairing of another name.
    Optional<R> existing = incomingByOrigin(pairing, peerInstanceId, offer.shareUid());
    boolean reoffered = existing.map(ShareEngine::endedWithItsPairing).orElse(false);
    if (existing.isPresent() && !reoffered && existing.get().getSpec().from.revision >= offer.revision()) {
      R share = existing.get();
      if (share.getSpec().from.revision == offer.revision() && !intact(share.getSpec())) {
        restore(pairing, share, offer);
        return;
      }
      // A resend of what we have (the ack was lost): acknowledge again, change nothing but whose it is.
      if (!pairing.equals(share.getSpec().from.pairing)) {
        share.getSpec().from.pairing = pairing;
        share.getMetadata().getLabels().put(FROM_LABEL, pairing);
        context.client().resource(share).update();
      }
      sessions.send(pairing, new ShareAck(kind.kind(), offer.shareUid(), offer.revision(), SharePhase.Pending));
      return;
    }
    S spec = existing.map(Share::getSpec).orElseGet(kind::newSpec);
    JsonNode before = existing.isPresent() ? kind.payloadOf(spec) : null;
    if (!received(pairing, offer, spec)) {
      return;
    }
    spec.from = origin(pairing, peerInstanceId, envelope, offer);
    spec.from.payloadSha256 = ProtocolJson.sha256(kind.payloadOf(spec));
    spec.expiresAt = offer.expiresAt() == null ? null : offer.expiresAt().toString();
    PeerPairing owner = pairings.seen(pairing).orElse(null);
    boolean automatic = owner != null && owner.getSpec().acceptPolicy != null
        && owner.getSpec().acceptPolicy.modeFor(kind.kind()) == AcceptMode.Auto;
    R share;
    if (existing.isEmpty()) {
      share = kind.newResource();
      share.getMetadata().setName(RemoteNodes.localName(pairing, offer.shareName()));
      share.getMetadata().setLabels(Map.of(DIRECTION_LABEL, "incoming", FROM_LABEL, pairing,
          SHARE_UID_LABEL, offer.shareUid()));
      share.setSpec(spec);
      if (automatic) {
        kind.acceptAutomatically(spec);
        share.getMetadata().setAnnotations(Map.of(DECIDED_BY, "acceptPolicy of pairing " + pairing));
      }
      try {
        kind.stored(context.client().resources(kind.type()).inNamespace(context.namespace()).resource(share).create(),
            offer.payload());
      } catch (KubernetesClientException e) {
        refuse(pairing, offer, "creating " + kind.kind() + " " + share.getMetadata().getName() + " failed: "
            + apiError(e));
        return;
      }
      Audit.transition(kind.kind(), share.getMetadata().getName(), pairing, null, "Pending", "peer:" + pairing, null);
    } else {
      share = existing.get();
      if (reoffered || !before.equals(kind.payloadOf(spec))) {
        // A decision holds for what was decided on; a share that ended with its pairing is decided anew.
        kind.withdrawDecision(spec);
      }
      if (reoffered && automatic) {
        kind.acceptAutomatically(spec);
        Map<String, String> annotations = new HashMap<>();
        if (share.getMetadata().getAnnotations() != null) {
          annotations.putAll(share.getMetadata().getAnnotations());
        }
        annotations.put(DECIDED_BY, "acceptPolicy of pairing " + pairing);
        share.getMetadata().setAnnotations(annotations);
      }
      share.getMetadata().getLabels().put(FROM_LABEL, pairing);
      try {
        kind.stored(context.client().resource(share).update(), offer.payload());
      } catch (KubernetesClientException e) {
        refuse(pairing, offer, "updating " + kind.kind() + " " + share.getMetadata().getName() + " failed: "
            + apiError(e));
        return;
      }
      if (reoffered) {
        reopen(share, pairing);
      }
      Audit.transition(kind.kind(), share.getMetadata().getName(), pairing, null, "Revision " + offer.revision(),
          "peer:" + pairing, null);
    }
    sessions.send(pairing, new ShareAck(kind.kind(), offer.shareUid(), offer.revision(), SharePhase.Pending));
  }

  /** Reads an offer's payload into {@code spec}, or refuses it back to the origin (false) when it does not verify. */
  private boolean received(String pairing, ShareOffer offer, S spec) {
    try {
      PayloadInspection.SHARES.check(offer.payload());
      kind.receive(spec, offer.payload());
      return true;
    } catch (InvalidShareSource e) {
      LOG.warn("Pairing {} offered {} {} with a payload this instance cannot read: {}", pairing, kind.kind(),
          offer.shareName(), e.getMessage());
      pairings.get(pairing).ifPresent(p -> events.record(p, EventRecorder.Type.Warning, e.reason(),
          kind.kind() + " " + offer.shareName() + ": " + e.getMessage()));
      context.refused(kind.kind(), pairing, offer.shareName(), e.reason(), e.getMessage());
      refuse(pairing, offer, e.reason(), e.getMessage());
      return false;
    }
  }

  /**
   * The origin sent again the revision whose local copy was edited: the payload is put back as the
   * origin signed it (checked against the digest taken when it first arrived); the decision stays.
   */
  private void restore(String pairing, R share, ShareOffer offer) {
    S spec = share.getSpec();
    S sent = kind.newSpec();
    if (!received(pairing, offer, sent)) {
      return;
    }
    if (!spec.from.payloadSha256.equals(ProtocolJson.sha256(kind.payloadOf(sent)))) {
      // An honest origin never changes a revision's payload: it makes a new revision.
      refuse(pairing, offer, "PayloadMismatch", "revision " + offer.revision() + " sent again differs from what was"
          + " received the first time (SHA-256 " + spec.from.payloadSha256 + "); send a new revision instead");
      return;
    }
    received(pairing, offer, spec);
    try {
      R restored = context.client().resource(share).update();
      kind.stored(restored, offer.payload());
      events.record(restored, EventRecorder.Type.Normal, "PayloadRestored", "the payload changed on this cluster was"
          + " restored as " + pairing + " sent revision " + offer.revision());
      Audit.transition(kind.kind(), share.getMetadata().getName(), pairing, null, "Restored", "consortium-operator",
          "PayloadRestored");
      revisit.accept(share.getMetadata().getName());
    } catch (KubernetesClientException e) {
      LOG.warn("Pairing {}: restoring {} {} failed: {}", pairing, kind.kind(), share.getMetadata().getName(), apiError(e));
    }
  }

  /** Incoming, Revoked because its pairing ended, offered again over a live pairing: Pending, to decide anew. */
  private void reopen(R share, String pairing) {
    writer.update(kind.type(), share.getMetadata().getName(), kind::newStatus, fresh -> {
      T st = fresh.getStatus();
      if (!endedWithItsPairing(fresh)) {
        return;
      }
      st.phase = ShareLifecycle.move(Direction.Incoming, st.phase, SharePhase.Pending, Cause.NEW_PAIRING);
      String ended = st.revocationReason;
      st.revocationReason = null;
      st.decidedBy = null;
      st.decidedAt = null;
      st.decisionResult = null;
      events.record(fresh, EventRecorder.Type.Normal, "Reoffered", "offered again over pairing " + pairing
          + " after the earlier pairing ended (" + ended + "); decide again");
      Audit.transition(kind.kind(), fresh.getMetadata().getName(), pairing, "Revoked", "Pending", "peer:" + pairing,
          "NewPairing");
    });
    // The status write brings no reconcile of its own; a decision made by policy must go through.
    revisit.accept(share.getMetadata().getName());
  }

  /** An incoming share Revoked because the pairing it came over ended, not because the origin took it back. */
  private static boolean endedWithItsPairing(Share<?, ?> share) {
    return share.getStatus() != null && share.getStatus().phase == SharePhase.Revoked
        && PAIRING_ENDINGS.contains(share.getStatus().revocationReason);
  }

  /** The receiver's cluster would not store the share: the origin is told why and tries again later. */
  private void refuse(String pairing, ShareOffer offer, String error) {
    refuse(pairing, offer, ShareAck.RECEIVER_REFUSED, error);
  }

  /** The share is refused for a reason the origin shows as it is. */
  private void refuse(String pairing, ShareOffer offer, String reason, String message) {
    LOG.warn("Pairing {}: {}: {}", pairing, reason, message);
    sessions.send(pairing, ShareAck.refused(kind.kind(), offer.shareUid(), offer.revision(), reason, message));
  }

  private static String apiError(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage() + " (HTTP " + e.getCode() + ")" : e.getMessage();
  }

  @Override
  public void acknowledged(String pairing, ShareAck ack) {
    Optional<String> name = outgoing(ack.shareUid());
    if (name.isEmpty()) {
      // A share deleted here since it was sent: nothing to record, and nothing a peer could abuse.
      return;
    }
    Refusal refusal = new Refusal();
    writer.update(kind.type(), name.get(), kind::newStatus, fresh -> {
      refusal.clear();
      RecipientStatus recipient = offeredTo(fresh, pairing).orElse(null);
      if (recipient == null) {
        refusal.set("NotOffered", "share " + fresh.getMetadata().getName() + " was not offered to " + pairing);
        return;
      }
      if (!ack.stored()) {
        if (ack.revision() != offeredRevision(fresh)) {
          refusal.set("StaleRevision", "a refusal of revision " + ack.revision() + ", but the share is at revision "
              + offeredRevision(fresh));
          return;
        }
        if (recipient.phase == SharePhase.Pending) {
          String reason = ack.refusalReason();
          if (!reason.equals(recipient.reason) || !Long.valueOf(ack.revision()).equals(recipient.refusedRevision)) {
            events.record(fresh, EventRecorder.Type.Warning, reason, pairing + ": " + ack.errorText());
          }
          note(recipient, reason, pairing + " could not store revision " + ack.revision() + ": "
              + ack.errorText() + "; offered again every " + recheckEvery().toSeconds() + " s");
          recipient.refusedRevision = ack.revision();
        }
        summarize(fresh, fresh.getStatus(), fresh.getMetadata().getGeneration());
        return;
      }
      if (ack.phase() == SharePhase.Revoked) {
        if (ShareLifecycle.allows(Direction.Outgoing, recipient.phase, SharePhase.Revoked, Cause.REVOCATION)) {
          boolean removed = !fresh.getSpec().to.contains(pairing);
          move(fresh, recipient, SharePhase.Revoked, Cause.REVOCATION, removed ? "RemovedFromRecipients"
              : REVOKED_BY_ORIGIN, (removed ? "removed from spec.to" : "revoked") + "; the recipient confirmed");
        }
      } else if (ack.phase() != SharePhase.Pending) {
        refusal.set("MalformedAck", "an acknowledgement that says " + ack.phase() + ": a receiver acknowledges with"
            + " Pending or Revoked");
        return;
      } else if (ack.revision() > offeredRevision(fresh)) {
        refusal.set("UnknownRevision", "an acknowledgement of revision " + ack.revision() + ", but the share offers"
            + " revision " + offeredRevision(fresh));
        return;
      } else if (ack.revision() == offeredRevision(fresh) && recipient.phase == SharePhase.Pending) {
        move(fresh, recipient, SharePhase.Delivered, Cause.DELIVERY, "Delivered", "revision " + ack.revision()
            + " is on " + pairing + "'s cluster, waiting for its decision");
        recipient.revision = ack.revision();
        recipient.refusedRevision = null;
      }
      summarize(fresh, fresh.getStatus(), fresh.getMetadata().getGeneration());
    });
    refusal.ifSet((reason, message) -> drop("SHARE_ACK", pairing, ack.shareUid(), reason, message));
  }

  @Override
  public void decided(String pairing, ShareDecision decision) {
    Optional<String> name = outgoing(decision.shareUid());
    if (name.isEmpty()) {
      drop("SHARE_DECISION", pairing, decision.shareUid(), "UnknownShare", "no outgoing " + kind.kind()
          + " has this UID");
      return;
    }
    Refusal refusal = new Refusal();
    writer.update(kind.type(), name.get(), kind::newStatus, fresh -> {
      refusal.clear();
      RecipientStatus recipient = offeredTo(fresh, pairing).orElse(null);
      if (recipient == null || recipient.phase == SharePhase.Revoked) {
        refusal.set("NotOffered", "share " + fresh.getMetadata().getName() + " is not offered to " + pairing);
        return;
      }
      if (decision.revision() != offeredRevision(fresh)) {
        refusal.set("StaleRevision", "a decision on revision " + decision.revision() + ", but the share is at revision "
            + offeredRevision(fresh));
        return;
      }
      if (recipient.phase == SharePhase.Pending) {
        move(fresh, recipient, SharePhase.Delivered, Cause.DELIVERY, "Delivered", "acknowledged with the decision");
        recipient.revision = decision.revision();
      }
      SharePhase to = decision.decision() == DecisionOutcome.Accepted ? SharePhase.Accepted : SharePhase.Rejected;
      if (ShareLifecycle.allows(Direction.Outgoing, recipient.phase, to, Cause.DECISION)) {
        String by = PeerText.safe(decision.decidedBy(), PEER_TEXT_LIMIT);
        move(fresh, recipient, to, Cause.DECISION, to.name(), to + " by " + by);
        recipient.decidedBy = by;
        recipient.decidedAt = decision.decidedAt().toString();
        recipient.result = result(decision.result());
        kind.decisionArrived(fresh, fresh.getStatus(), recipient);
      }
      summarize(fresh, fresh.getStatus(), fresh.getMetadata().getGeneration());
    });
    refusal.ifSet((reason, message) -> drop("SHARE_DECISION", pairing, decision.shareUid(), reason, message));
  }

  @Override
  public void revoked(String pairing, ShareRevoke revoke) {
    List<R> copies = copiesOf(revoke.shareUid());
    Optional<R> existing = copies.stream().filter(s -> pairing.equals(s.getSpec().from.pairing)).findFirst();
    if (existing.isEmpty() && !copies.isEmpty()) {
      // Another organization's share: this pairing may not take it back.
      drop("SHARE_REVOKE", pairing, revoke.shareUid(), "NotOffered", "the share with this UID came over another pairing");
      return;
    }
    existing.ifPresent(share -> writer.update(kind.type(), share.getMetadata().getName(),
        kind::newStatus, fresh -> {
          T st = fresh.getStatus();
          SharePhase from = st.phase == null ? SharePhase.Pending : st.phase;
          if (ShareLifecycle.allows(Direction.Incoming, from, SharePhase.Revoked, Cause.REVOCATION)) {
            st.phase = SharePhase.Revoked;
            st.summary = "Revoked";
            st.revocationReason = REVOKED_BY_ORIGIN;
            Conditions.set(st.conditions, Conditions.READY, ConditionStatus.False, REVOKED_BY_ORIGIN,
                "the origin revoked the share; what was accepted is kept", fresh.getMetadata().getGeneration(), clock);
            events.record(fresh, EventRecorder.Type.Warning, REVOKED_BY_ORIGIN, "revoked by the origin on " + pairing);
            Audit.transition(kind.kind(), fresh.getMetadata().getName(), pairing, from.name(), "Revoked",
                "peer:" + pairing, REVOKED_BY_ORIGIN);
          } else if (from == SharePhase.Revoked && !REVOKED_BY_ORIGIN.equals(st.revocationReason)) {
            // Ended with its pairing before, and now taken back by the origin too: that is final.
            st.revocationReason = REVOKED_BY_ORIGIN;
          }
        }));
    // Confirmed once written (or when there was nothing here to revoke), so that the origin stops sending it.
    sessions.send(pairing, new ShareAck(kind.kind(), revoke.shareUid(),
        existing.map(s -> s.getSpec().from.revision).orElse(1L), SharePhase.Revoked));
  }

  @Override
  public void resendRequested(String pairing, ShareResend resend) {
    Optional<R> share = outgoing(resend.shareUid())
        .map(name -> context.client().resources(kind.type()).inNamespace(context.namespace()).withName(name).get());
    RecipientStatus recipient = share.flatMap(s -> offeredTo(s, pairing)).orElse(null);
    if (recipient == null || recipient.phase == SharePhase.Revoked || recipient.phase == SharePhase.Pending) {
      drop("SHARE_RESEND", pairing, resend.shareUid(), "NotOffered", "no delivered share with this UID for " + pairing);
      return;
    }
    if (resend.revision() != offeredRevision(share.get())) {
      drop("SHARE_RESEND", pairing, resend.shareUid(), "StaleRevision", "revision " + resend.revision()
          + " asked for, the share offers revision " + offeredRevision(share.get()));
      return;
    }
    // The same revision as the recipient has it: its phase here does not change.
    try {
      JsonNode payload = kind.payload(share.get());
      sessions.sendOffer(pairing, new ShareOffer(kind.kind(), resend.shareUid(), share.get().getMetadata().getName(),
          resend.revision(), share.get().getSpec().expiresAt == null ? null
              : Instant.parse(share.get().getSpec().expiresAt), payload, null));
    } catch (InvalidShareSource | ProtocolException e) {
      LOG.warn("{} {}: cannot send revision {} again to {}: {}", kind.kind(), share.get().getMetadata().getName(),
          resend.revision(), pairing, e.getMessage());
    }
  }

  @Override
  public void pairingEnded(String pairing, String reason, String message) {
    for (R share : context.client().resources(kind.type()).inNamespace(context.namespace()).list().getItems()) {
      String name = share.getMetadata().getName();
      if (share.getSpec().isOutgoing()) {
        if (offeredTo(share, pairing).filter(r -> r.phase != SharePhase.Revoked).isPresent()) {
          writer.update(kind.type(), name, kind::newStatus, fresh -> offeredTo(fresh, pairing)
              .filter(r -> ShareLifecycle.allows(Direction.Outgoing, r.phase, SharePhase.Revoked, Cause.PAIRING_ENDED))
              .ifPresent(recipient -> {
                move(fresh, recipient, SharePhase.Revoked, Cause.PAIRING_ENDED, reason, message);
                summarize(fresh, fresh.getStatus(), fresh.getMetadata().getGeneration());
              }));
        }
      } else if (pairing.equals(share.getSpec().from.pairing) && (share.getStatus() == null
          || share.getStatus().phase != SharePhase.Revoked)) {
        writer.update(kind.type(), name, kind::newStatus, fresh -> {
          T st = fresh.getStatus();
          SharePhase from = st.phase == null ? SharePhase.Pending : st.phase;
          if (!ShareLifecycle.allows(Direction.Incoming, from, SharePhase.Revoked, Cause.PAIRING_ENDED)) {
            return;
          }
          st.phase = SharePhase.Revoked;
          st.summary = "Revoked";
          st.revocationReason = reason;
          Conditions.set(st.conditions, Conditions.READY, ConditionStatus.False, reason, message
              + "; what was accepted is kept, and nothing more can be decided", fresh.getMetadata().getGeneration(), clock);
          events.record(fresh, EventRecorder.Type.Warning, reason, message);
          Audit.transition(kind.kind(), name, pairing, from.name(), "Revoked", "consortium-operator", reason);
        });
      }
    }
  }

  @Override
  public void linkUp(String pairing) {
    for (R share : context.client().resources(kind.type()).inNamespace(context.namespace()).list().getItems()) {
      boolean outgoingToIt = share.getSpec().to != null && share.getSpec().to.contains(pairing);
      boolean incomingFromIt = share.getSpec().from != null && pairing.equals(share.getSpec().from.pairing);
      if (outgoingToIt || incomingFromIt) {
        revisit.accept(share.getMetadata().getName());
      }
    }
  }

  // ---- resync ----------------------------------------------------------------------------------

  /**
   * This side's view of the shares of this kind between it and the pairing's peer, in the link's shared
   * view: the origin's Delivered is the receiver's Pending, and Revoked is left out on both sides (a
   * share the origin revoked is, for the receiver, a share the origin no longer has).
   */
  @Override
  public List<InventoryEntry> inventory(String pairing, String localInstanceId, String peerInstanceId) {
    List<InventoryEntry> entries = new ArrayList<>();
    for (R share : context.client().resources(kind.type()).inNamespace(context.namespace()).list().getItems()) {
      if (share.getSpec().isOutgoing()) {
        if (!share.getSpec().sendsTo(pairing) || share.getMetadata().getDeletionTimestamp() != null) {
          continue;
        }
        SharePhase phase = share.getStatus() == null ? SharePhase.Pending : share.getStatus().recipients.stream()
            .filter(r -> pairing.equals(r.pairing)).map(r -> r.phase).findFirst().orElse(SharePhase.Pending);
        if (phase != SharePhase.Revoked) {
          entries.add(new InventoryEntry(localInstanceId, kind.kind(), share.getMetadata().getUid(),
              offeredRevision(share), phase == SharePhase.Delivered ? SharePhase.Pending : phase));
        }
      } else if (pairing.equals(share.getSpec().from.pairing)) {
        SharePhase phase = share.getStatus() == null || share.getStatus().phase == null ? SharePhase.Pending
            : share.getStatus().phase;
        if (phase != SharePhase.Revoked) {
          entries.add(new InventoryEntry(peerInstanceId, kind.kind(), share.getSpec().from.shareUid,
              share.getSpec().from.revision, phase));
        }
      }
    }
    return entries;
  }

  /**
   * The peer's view differed: each side resolves what it is responsible for. As origin: what the
   * receiver acknowledged but no longer has is delivered again. As receiver: what the origin sent
   * before its inventory but no longer lists is gone on the origin (Revoked here, what was accepted
   * kept); a decision the origin has not heard of is sent again.
   */
  @Override
  public void resync(String pairing, String localInstanceId, String peerInstanceId, Inventory theirs) {
    Map<String, InventoryEntry> listed = new HashMap<>();
    for (InventoryEntry entry : theirs.shares()) {
      if (kind.kind().equals(entry.kind())) {
        listed.put(entry.origin() + "/" + entry.shareUid(), entry);
      }
    }
    for (R share : context.client().resources(kind.type()).inNamespace(context.namespace()).list().getItems()) {
      if (share.getSpec().isOutgoing() && share.getSpec().sendsTo(pairing)) {
        InventoryEntry there = listed.get(localInstanceId + "/" + share.getMetadata().getUid());
        boolean delivered = share.getStatus() != null && share.getStatus().recipients.stream()
            .anyMatch(r -> pairing.equals(r.pairing) && r.phase == SharePhase.Delivered);
        if (there == null && delivered) {
          writer.update(kind.type(), share.getMetadata().getName(), kind::newStatus, fresh -> {
            RecipientStatus recipient = recipient(fresh.getStatus(), pairing);
            if (ShareLifecycle.allows(Direction.Outgoing, recipient.phase, SharePhase.Pending, Cause.RESYNC)) {
              move(fresh, recipient, SharePhase.Pending, Cause.RESYNC, "MissingOnReceiver",
                  pairing + " no longer has the revision it acknowledged; delivering it again");
              recipient.revision = null;
            }
          });
          revisit.accept(share.getMetadata().getName());
        }
      } else if (!share.getSpec().isOutgoing() && pairing.equals(share.getSpec().from.pairing)) {
        ShareOrigin from = share.getSpec().from;
        InventoryEntry there = listed.get(peerInstanceId + "/" + from.shareUid);
        SharePhase phase = share.getStatus() == null ? null : share.getStatus().phase;
        boolean sentBeforeTheirView = theirs.asOf() != null && from.sentAt != null
            && Instant.parse(from.sentAt).isBefore(theirs.asOf());
        if (there == null && phase != SharePhase.Revoked && sentBeforeTheirView) {
          LOG.info("Pairing {}: {} {} is gone on the origin; marking it Revoked", pairing, kind.kind(),
              share.getMetadata().getName());
          revoked(pairing, new ShareRevoke(kind.kind(), from.shareUid));
        } else if (there != null && there.phase() == SharePhase.Pending && there.revision() == from.revision
            && (phase == SharePhase.Accepted || phase == SharePhase.Rejected)) {
          revisit.accept(share.getMetadata().getName());
        }
      }
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private boolean expired(ShareSpec spec) {
    return spec.expiresAt != null && !clock.instant().isBefore(Rfc3339.parse(spec.expiresAt));
  }

  private static ShareOrigin origin(String pairing, String peerInstanceId, SignedEnvelope envelope, ShareOffer offer) {
    ShareOrigin from = new ShareOrigin();
    from.pairing = pairing;
    from.shareUid = offer.shareUid();
    from.shareName = offer.shareName();
    from.revision = offer.revision();
    from.instanceId = peerInstanceId;
    from.envelopeSha256 = envelope.sha256();
    from.signature = envelope.signature();
    from.sentAt = envelope.envelope().sentAt().toString();
    return from;
  }

  /** Every incoming copy of a share UID, whichever pairing it came over (one request). */
  private List<R> copiesOf(String shareUid) {
    return context.client().resources(kind.type()).inNamespace(context.namespace())
        .withLabel(SHARE_UID_LABEL, shareUid).list().getItems().stream().filter(s -> s.getSpec().from != null).toList();
  }

  /** The incoming copy of a share, over this pairing or (one request) over an earlier pairing with the same peer. */
  private Optional<R> incomingByOrigin(String pairing, String peerInstanceId, String shareUid) {
    List<R> copies = copiesOf(shareUid);
    return copies.stream().filter(s -> pairing.equals(s.getSpec().from.pairing)).findFirst()
        .or(() -> copies.stream().filter(s -> peerInstanceId != null
            && peerInstanceId.equals(s.getSpec().from.instanceId)).findFirst());
  }

  private Optional<String> outgoing(String shareUid) {
    String known = outgoingNames.get(shareUid);
    if (known != null) {
      return Optional.of(known);
    }
    return context.client().resources(kind.type()).inNamespace(context.namespace()).list().getItems().stream()
        .filter(s -> s.getSpec().isOutgoing() && shareUid.equals(s.getMetadata().getUid()))
        .map(s -> s.getMetadata().getName()).findFirst();
  }

  /** The revision an outgoing share offers: the generation at which what it offers last changed. */
  private static long offeredRevision(Share<?, ?> share) {
    return share.getStatus() != null && share.getStatus().revision != null ? share.getStatus().revision
        : share.getMetadata().getGeneration();
  }

  private static String offerDigest(JsonNode payload, Instant expiresAt) {
    java.security.MessageDigest sha256 = Sha256.newDigest();
    try {
      sha256.update(ProtocolJson.MAPPER.writeValueAsBytes(payload));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot digest an offer", e);
    }
    sha256.update(String.valueOf(expiresAt).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return Sha256.hex(sha256);
  }

  /**
   * The recipient entry of a pairing the share is offered to: an entry made when it was offered, or
   * one made now for a pairing its spec.to names. Empty for any other pairing, whose messages about
   * the share are dropped.
   */
  private Optional<RecipientStatus> offeredTo(R share, String pairing) {
    ShareStatus status = share.getStatus();
    if (status != null) {
      for (RecipientStatus recipient : status.recipients) {
        if (pairing.equals(recipient.pairing)) {
          return Optional.of(recipient);
        }
      }
    }
    if (status == null || share.getSpec().to == null || !share.getSpec().to.contains(pairing)) {
      return Optional.empty();
    }
    return Optional.of(recipient(status, pairing));
  }

  /** Why a message about a share was dropped, decided inside a status update (which may run more than once). */
  private static final class Refusal {
    private String reason;
    private String message;

    void set(String reason, String message) {
      this.reason = reason;
      this.message = message;
    }

    void clear() {
      reason = null;
      message = null;
    }

    void ifSet(java.util.function.BiConsumer<String, String> action) {
      if (reason != null) {
        action.accept(reason, message);
      }
    }
  }

  /**
   * A per-share message that does not belong (not from a pairing the share was offered to, not for
   * its revision): nothing changes; it is counted, logged and audited.
   */
  private void drop(String type, String pairing, String shareUid, String reason, String message) {
    Counter.builder("consortium_share_messages_dropped_total")
        .description("Per-share messages dropped: from a pairing the share was not offered to, or not for its revision")
        .tag("kind", kind.kind()).tag("type", type).tag("reason", reason)
        .register(context.metrics()).increment();
    LOG.warn("Pairing {}: dropped {} about {} {}: {} ({})", pairing, type, kind.kind(), shareUid, message, reason);
    Audit.dropped(kind.kind(), type, pairing, shareUid, reason, message);
  }

  /** A pairing shares can travel on: Active, not being deleted, not revoked by its peer. */
  private static boolean live(PeerPairing pairing) {
    return pairing != null && pairing.getMetadata().getDeletionTimestamp() == null
        && PairingDirectory.state(pairing) == PairingState.Active
        && (pairing.getStatus() == null || pairing.getStatus().phase != PairingPhase.PeerRevoked);
  }

  private RecipientStatus recipient(ShareStatus status, String pairing) {
    for (RecipientStatus recipient : status.recipients) {
      if (pairing.equals(recipient.pairing)) {
        return recipient;
      }
    }
    RecipientStatus recipient = new RecipientStatus(pairing, SharePhase.Pending);
    recipient.lastTransitionTime = Conditions.now(clock);
    status.recipients.add(recipient);
    return recipient;
  }

  private void move(R share, RecipientStatus recipient, SharePhase to, Cause cause, String reason, String message) {
    SharePhase from = recipient.phase;
    recipient.phase = ShareLifecycle.move(Direction.Outgoing, from, to, cause);
    recipient.reason = reason;
    recipient.message = message;
    recipient.lastTransitionTime = Conditions.now(clock);
    events.record(share, to == SharePhase.Rejected || to == SharePhase.Expired ? EventRecorder.Type.Warning
        : EventRecorder.Type.Normal, reason, recipient.pairing + ": " + from + " -> " + to + " (" + message + ")");
    Audit.transition(kind.kind(), share.getMetadata().getName(), recipient.pairing, from.name(), to.name(),
        cause == Cause.DECISION ? "peer:" + recipient.pairing : "consortium-operator", reason);
  }

  private static void note(RecipientStatus recipient, String reason, String message) {
    recipient.reason = reason;
    recipient.message = message;
  }

  private void summarize(R share, ShareStatus st, Long generation) {
    st.recipients.removeIf(r -> r.pairing == null);
    List<String> blocked = st.recipients.stream().filter(r -> r.phase == SharePhase.Pending && BLOCKED.contains(r.reason))
        .map(r -> r.pairing + ": " + r.message).toList();
    Conditions.set(st.conditions, "RecipientsReachable", blocked.isEmpty() ? ConditionStatus.True : ConditionStatus.False,
        blocked.isEmpty() ? "AllReachable" : st.recipients.stream().filter(r -> BLOCKED.contains(r.reason))
            .map(r -> r.reason).findFirst().orElse("Blocked"),
        blocked.isEmpty() ? "every recipient can be delivered to" : String.join("; ", blocked), generation, clock);
    List<String> stalled = st.recipients.stream().filter(this::stalled)
        .map(r -> r.pairing + ": " + (r.message == null ? "no acknowledgement" : r.message)).toList();
    boolean stallChanged = Conditions.set(st.conditions, "DeliveryStalled", stalled.isEmpty() ? ConditionStatus.False : ConditionStatus.True,
        stalled.isEmpty() ? "Delivering" : "DeliveryStalled", stalled.isEmpty()
            ? "no recipient has waited longer than --stuck-after (" + GoDuration.format(context.stuckAfter()) + ") with its link up"
            : "undelivered for longer than --stuck-after (" + GoDuration.format(context.stuckAfter()) + ") while the link is up: "
            + String.join("; ", stalled), generation, clock);
    if (stallChanged && !stalled.isEmpty()) {
      events.record(share, EventRecorder.Type.Warning, "DeliveryStalled", String.join("; ", stalled));
    }
    st.summary = ShareLifecycle.summarize(st.recipients);
    boolean allDecided = st.recipients.stream().allMatch(r -> r.phase == SharePhase.Accepted
        || r.phase == SharePhase.Rejected || r.phase == SharePhase.Revoked || r.phase == SharePhase.Expired);
    Conditions.set(st.conditions, Conditions.READY, allDecided ? ConditionStatus.True : ConditionStatus.False,
        allDecided ? "AllDecided" : "WaitingForRecipients", st.summary, generation, clock);
  }

  /** Pending for longer than --stuck-after although its link is up: something a person must look at. */
  private boolean stalled(RecipientStatus recipient) {
    if (recipient.phase != SharePhase.Pending || recipient.lastTransitionTime == null
        || !sessions.state(recipient.pairing).map(link -> link.connected()).orElse(false)) {
      return false;
    }
    return Instant.parse(recipient.lastTransitionTime).plus(context.stuckAfter()).isBefore(clock.instant());
  }

  /**
   * Who decided on an incoming share, as the origin will see it: this organization's name and the
   * person or tool. The tool is the {@code consortium.io/decided-by} annotation where tooling (or an
   * accept policy) wrote one, else the field manager that last set spec.decision, from managedFields
   * (kubectl-patch, kubectl-client-side-apply, a GitOps controller); never the namespace alone.
   */
  private String decidedBy(Share<?, ?> share) {
    Map<String, String> annotations = share.getMetadata().getAnnotations();
    String by = annotations == null ? null : annotations.get(DECIDED_BY);
    if (by == null) {
      by = decisionManager(share).map(manager -> "field manager " + manager).orElse("a user the API server did not name");
    }
    return context.instanceName() + " (" + PeerText.safe(by, PEER_TEXT_LIMIT) + ")";
  }

  /** The field manager whose entry in managedFields owns spec.decision, the newest if several do. */
  static Optional<String> decisionManager(Share<?, ?> share) {
    List<ManagedFieldsEntry> entries = share.getMetadata().getManagedFields();
    if (entries == null) {
      return Optional.empty();
    }
    ManagedFieldsEntry newest = null;
    for (ManagedFieldsEntry entry : entries) {
      Object spec = entry.getFieldsV1() == null ? null : entry.getFieldsV1().getAdditionalProperties().get("f:spec");
      if (spec instanceof Map<?, ?> fields && fields.containsKey("f:decision") && entry.getManager() != null
          && (newest == null || String.valueOf(entry.getTime()).compareTo(String.valueOf(newest.getTime())) >= 0)) {
        newest = entry;
      }
    }
    return Optional.ofNullable(newest).map(ManagedFieldsEntry::getManager);
  }

  private static DecisionResult result(DecisionAttachment attachment) {
    if (attachment == null) {
      return null;
    }
    DecisionResult result = new DecisionResult();
    result.type = attachment.type();
    result.data = attachment.data();
    result.signer = attachment.signer();
    return result;
  }

  private static DecisionAttachment attachment(DecisionResult result) {
    return result == null ? null : new DecisionAttachment(result.type, result.data, result.signer);
  }
}
