package io.consortium.operator.share;

import com.fasterxml.jackson.databind.JsonNode;
import io.consortium.operator.api.ResourceNames;
import io.consortium.operator.api.Rfc3339;
import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.Share;
import io.consortium.operator.api.v1alpha1.ShareSpec;
import io.consortium.operator.api.v1alpha1.ShareStatus;
import io.consortium.operator.api.v1alpha1.spec.AcceptMode;
import io.consortium.operator.api.v1alpha1.spec.ConditionStatus;
import io.consortium.operator.api.v1alpha1.spec.DecisionResult;
import io.consortium.operator.api.v1alpha1.spec.Direction;
import io.consortium.operator.api.v1alpha1.spec.ShareOrigin;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.mesh.protocol.PeerText;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.mesh.protocol.SignedEnvelope;
import io.consortium.operator.mesh.protocol.messages.DecisionAttachment;
import io.consortium.operator.mesh.protocol.messages.DecisionOutcome;
import io.consortium.operator.mesh.protocol.messages.InventoryEntry;
import io.consortium.operator.mesh.protocol.messages.ShareAck;
import io.consortium.operator.mesh.protocol.messages.ShareDecision;
import io.consortium.operator.mesh.protocol.messages.ShareOffer;
import io.consortium.operator.mesh.protocol.messages.ShareResend;
import io.consortium.operator.mesh.protocol.messages.ShareRevoke;
import io.consortium.operator.pairing.PairingDirectory;
import io.consortium.operator.pairing.PeerSessions;
import io.consortium.operator.pairing.RemoteNodes;
import io.consortium.operator.share.ShareEngine.Effects;
import io.consortium.operator.share.ShareEngine.Plan;
import io.consortium.operator.share.ShareFacts.Fact;
import io.consortium.operator.share.ShareFacts.LinkUp;
import io.consortium.operator.share.ShareFacts.PairingEnded;
import io.consortium.operator.share.ShareFacts.Reoffered;
import io.consortium.operator.share.ShareFacts.RevokedByOrigin;
import io.consortium.operator.share.ShareKind.InvalidShareSource;
import io.consortium.operator.share.ShareLifecycle.Cause;
import io.consortium.operator.share.inspection.PayloadInspection;
import io.consortium.operator.status.Conditions;
import io.consortium.operator.status.EventRecorder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiver's side of a share kind: an offer is checked and stored as the incoming resource and
 * acknowledged; the incoming resource's status follows the decision a person (or an accept policy)
 * writes, the origin's revocation and the end of the pairing; the decision travels back with what it
 * carries; a payload changed on this cluster is restored from the origin.
 */
final class Inbox<R extends Share<S, T>, S extends ShareSpec, T extends ShareStatus> {

  private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);
  /** The longest text of ours that reaches the origin in a decision (who decided): more is cut. */
  private static final int PEER_TEXT_LIMIT = 256;

  private final ShareEngine<R, S, T> engine;
  private final ShareKind<R, S, T> kind;
  private final ShareContext context;
  private final PeerSessions sessions;
  private final PairingDirectory pairings;
  private final Clock clock;

  Inbox(ShareEngine<R, S, T> engine) {
    this.engine = engine;
    this.kind = engine.kind();
    this.context = engine.context();
    this.sessions = engine.sessions();
    this.pairings = engine.pairings();
    this.clock = engine.clock();
  }

  // ---- reconcile -------------------------------------------------------------------------------

  Plan reconcile(R share, T st, List<Fact> facts, Effects effects) {
    String name = share.getMetadata().getName();
    Long generation = share.getMetadata().getGeneration();
    ShareOrigin from = share.getSpec().from;
    st.direction = Direction.Incoming;
    st.observedGeneration = generation;
    st.peers = from.pairing;
    kind.describe(st, kind.payloadOf(share.getSpec()));
    if (st.phase == null) {
      st.phase = SharePhase.Pending;
    } else if (st.revision != null && !st.revision.equals(from.revision)
        && ShareLifecycle.allows(Direction.Incoming, st.phase, SharePhase.Pending, Cause.NEW_REVISION)) {
      st.phase = SharePhase.Pending;
      clearDecision(st);
    }
    st.revision = from.revision;
    boolean sendDecision = false;
    for (Fact fact : facts) {
      sendDecision |= apply(share, st, fact, effects);
    }
    // What the origin signed is kept as it arrived: a local edit is found here and restored from the origin.
    boolean intact = intact(share.getSpec());
    if (intact) {
      Conditions.remove(st.conditions, ShareEngine.PAYLOAD_INTACT);
    } else {
      if (Conditions.set(st.conditions, ShareEngine.PAYLOAD_INTACT, ConditionStatus.False, "PayloadDrifted",
          "the payload was changed on this cluster and no longer matches what " + from.pairing + " sent (SHA-256 "
              + from.payloadSha256 + "); it is restored from the origin, and cannot be decided on until then",
          generation, clock)) {
        effects.event(share, EventRecorder.Type.Warning, "PayloadDrifted", "the payload was changed on this cluster;"
            + " asking " + from.pairing + " to send revision " + from.revision + " again");
        String phase = String.valueOf(st.phase);
        effects.add(() -> Audit.transition(kind.kind(), name, from.pairing, phase, phase, "consortium-operator",
            "PayloadDrifted"));
      }
      // Asked again at every visit (a link-up brings one) until the origin's copy has replaced ours.
      ShareResend resend = new ShareResend(kind.kind(), from.shareUid, from.revision);
      effects.add(() -> sessions.send(from.pairing, resend));
    }
    Plan plan = Plan.nothingDue();
    if (share.getSpec().expiresAt != null && st.phase == SharePhase.Pending) {
      Instant expiresAt = Rfc3339.parse(share.getSpec().expiresAt);
      if (!clock.instant().isBefore(expiresAt)) {
        st.phase = ShareLifecycle.move(Direction.Incoming, st.phase, SharePhase.Expired, Cause.EXPIRY);
        effects.event(share, EventRecorder.Type.Warning, "Expired", "spec.expiresAt passed before a decision");
        effects.add(() -> Audit.transition(kind.kind(), name, from.pairing, "Pending", "Expired", "consortium-operator",
            "Expired"));
      } else {
        plan = plan.dueIn(Duration.between(clock.instant(), expiresAt).plusSeconds(1));
      }
    }
    Boolean accepts = share.getSpec().decisionAccepts();
    if (accepts == null) {
      Conditions.remove(st.conditions, "DecisionAttached");
    }
    if (accepts != null && st.phase == SharePhase.Pending && intact) {
      sendDecision |= decide(share, st, accepts, generation, effects);
      if (st.phase == SharePhase.Pending) {
        // Held (its signer is missing, say): tried again, as a person may fix it without touching the share.
        plan = plan.dueIn(ShareEngine.RESEND_EVERY);
      }
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
    if (st.phase == SharePhase.Accepted && intact) {
      // Owned objects are written before the status that names them; writing them again changes nothing.
      kind.accepted(share, st);
    }
    if (sendDecision && (st.phase == SharePhase.Accepted || st.phase == SharePhase.Rejected)) {
      ShareDecision decision = new ShareDecision(kind.kind(), from.shareUid, from.revision,
          st.phase == SharePhase.Accepted ? DecisionOutcome.Accepted : DecisionOutcome.Rejected, st.decidedBy,
          Instant.parse(st.decidedAt), attachment(st.decisionResult));
      effects.add(() -> sessions.send(from.pairing, decision));
    }
    st.summary = st.phase.name();
    ready(share, st, intact, generation);
    return plan;
  }

  /** A fact from the link applied to the incoming share's status; true when the decision is to be sent (again). */
  private boolean apply(R share, T st, Fact fact, Effects effects) {
    String name = share.getMetadata().getName();
    String pairing = fact.pairing();
    SharePhase from = st.phase == null ? SharePhase.Pending : st.phase;
    if (fact instanceof LinkUp) {
      return true;
    }
    if (fact instanceof RevokedByOrigin) {
      if (ShareLifecycle.allows(Direction.Incoming, from, SharePhase.Revoked, Cause.REVOCATION)) {
        st.phase = SharePhase.Revoked;
        st.revocationReason = ShareEngine.REVOKED_BY_ORIGIN;
        effects.event(share, EventRecorder.Type.Warning, ShareEngine.REVOKED_BY_ORIGIN, "revoked by the origin on "
            + pairing);
        effects.add(() -> Audit.transition(kind.kind(), name, pairing, from.name(), "Revoked", "peer:" + pairing,
            ShareEngine.REVOKED_BY_ORIGIN));
      } else if (from == SharePhase.Revoked) {
        // Ended with its pairing before, and now taken back by the origin too: that is final.
        st.revocationReason = ShareEngine.REVOKED_BY_ORIGIN;
      }
      // Confirmed once written, so that the origin stops sending it.
      ShareAck confirmed = new ShareAck(kind.kind(), share.getSpec().from.shareUid, share.getSpec().from.revision,
          SharePhase.Revoked);
      effects.add(() -> sessions.send(pairing, confirmed));
      return false;
    }
    if (fact instanceof PairingEnded ended) {
      if (ShareLifecycle.allows(Direction.Incoming, from, SharePhase.Revoked, Cause.PAIRING_ENDED)) {
        st.phase = SharePhase.Revoked;
        st.revocationReason = ended.reason();
        effects.event(share, EventRecorder.Type.Warning, ended.reason(), ended.message());
        effects.add(() -> Audit.transition(kind.kind(), name, pairing, from.name(), "Revoked", "consortium-operator",
            ended.reason()));
      }
      return false;
    }
    if (fact instanceof Reoffered reoffered) {
      if (from == SharePhase.Revoked && ShareEngine.endedWithPairing(st.revocationReason)) {
        st.phase = ShareLifecycle.move(Direction.Incoming, from, SharePhase.Pending, Cause.NEW_PAIRING);
        st.revocationReason = null;
        clearDecision(st);
        effects.event(share, EventRecorder.Type.Normal, "Reoffered", "offered again over pairing " + pairing
            + " after the earlier pairing ended (" + reoffered.endedBecause() + "); decide again");
        effects.add(() -> Audit.transition(kind.kind(), name, pairing, "Revoked", "Pending", "peer:" + pairing,
            "NewPairing"));
      }
    }
    return false;
  }

  /** The receiver's decision: the phase moves only once what travels back with it could be made. */
  private boolean decide(R share, T st, boolean accepts, Long generation, Effects effects) {
    SharePhase to = accepts ? SharePhase.Accepted : SharePhase.Rejected;
    DecisionAttachment attachment;
    try {
      attachment = kind.attachment(share, accepts).orElse(null);
    } catch (InvalidShareSource e) {
      if (Conditions.set(st.conditions, "DecisionAttached", ConditionStatus.False, e.reason(), e.getMessage(),
          generation, clock)) {
        effects.event(share, EventRecorder.Type.Warning, e.reason(), e.getMessage());
      }
      Conditions.set(st.conditions, Conditions.READY, ConditionStatus.False, e.reason(),
          "the decision is held: " + e.getMessage(), generation, clock);
      return false;
    }
    Conditions.remove(st.conditions, "DecisionAttached");
    st.phase = ShareLifecycle.move(Direction.Incoming, st.phase, to, Cause.DECISION);
    st.decidedAt = Conditions.now(clock);
    st.decidedBy = decidedBy(share);
    st.decisionResult = result(attachment);
    String by = st.decidedBy;
    String name = share.getMetadata().getName();
    String pairing = share.getSpec().from.pairing;
    effects.event(share, EventRecorder.Type.Normal, to.name(), "decided by " + by);
    effects.add(() -> Audit.transition(kind.kind(), name, pairing, "Pending", to.name(), by, null));
    return true;
  }

  private void ready(R share, T st, boolean intact, Long generation) {
    String pairing = share.getSpec().from.pairing;
    if (!intact) {
      Conditions.set(st.conditions, Conditions.READY, ConditionStatus.False, "PayloadDrifted",
          "the payload was changed on this cluster; waiting for " + pairing + " to send it again", generation, clock);
    } else if (st.phase == SharePhase.Revoked) {
      String why = st.revocationReason == null ? ShareEngine.REVOKED_BY_ORIGIN : st.revocationReason;
      Conditions.set(st.conditions, Conditions.READY, ConditionStatus.False, why,
          ShareEngine.REVOKED_BY_ORIGIN.equals(why) ? "the origin revoked the share; what was accepted is kept"
              : "pairing " + pairing + " ended (" + why + "); what was accepted is kept, and nothing more can be"
                  + " decided", generation, clock);
    } else if (!Conditions.isFalse(st.conditions, "DecisionAttached")) {
      Conditions.set(st.conditions, Conditions.READY, st.phase == SharePhase.Pending ? ConditionStatus.False
          : ConditionStatus.True, st.phase.name(), st.phase == SharePhase.Pending
          ? "waiting for a decision: set spec.decision" : "the share is " + st.phase, generation, clock);
    }
  }

  // ---- the link --------------------------------------------------------------------------------

  void offer(String pairing, String peerInstanceId, SignedEnvelope envelope, ShareOffer offer) {
    // Found by its origin too: after a re-pairing the same share arrives over a pairing of another name.
    Optional<R> existing = incomingByOrigin(pairing, peerInstanceId, offer.shareUid());
    boolean reoffered = existing.map(Inbox::endedWithItsPairing).orElse(false);
    if (existing.isPresent() && !reoffered && existing.get().getSpec().from.revision >= offer.revision()) {
      R share = existing.get();
      if (share.getSpec().from.revision == offer.revision() && !intact(share.getSpec())) {
        restore(pairing, share, offer);
        return;
      }
      // A resend of what we have (the ack was lost): acknowledge again, change nothing but whose it is.
      if (!pairing.equals(share.getSpec().from.pairing)) {
        share.getSpec().from.pairing = pairing;
        share.getMetadata().getLabels().put(ShareEngine.FROM_LABEL, ResourceNames.labelValue(pairing));
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
    if (existing.isEmpty()) {
      R share = kind.newResource();
      share.getMetadata().setName(RemoteNodes.localName(pairing, offer.shareName()));
      share.getMetadata().setLabels(Map.of(ShareEngine.DIRECTION_LABEL, "incoming",
          ShareEngine.FROM_LABEL, ResourceNames.labelValue(pairing), ShareEngine.SHARE_UID_LABEL, offer.shareUid()));
      share.setSpec(spec);
      if (automatic) {
        kind.acceptAutomatically(spec);
        share.getMetadata().setAnnotations(Map.of(ShareEngine.DECIDED_BY, "acceptPolicy of pairing " + pairing));
      }
      try {
        kind.stored(context.client().resources(kind.type()).inNamespace(context.namespace()).resource(share).create(),
            offer.payload());
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409 && alreadyHere(share.getMetadata().getName(), offer)) {
          // The same offer again, before the informer showed the first copy: it is stored.
          sessions.send(pairing, new ShareAck(kind.kind(), offer.shareUid(), offer.revision(), SharePhase.Pending));
          return;
        }
        refuse(pairing, offer, ShareAck.RECEIVER_REFUSED, "creating " + kind.kind() + " "
            + share.getMetadata().getName() + " failed: " + apiError(e));
        return;
      }
      Audit.transition(kind.kind(), share.getMetadata().getName(), pairing, null, "Pending", "peer:" + pairing, null);
    } else {
      R share = existing.get();
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
        annotations.put(ShareEngine.DECIDED_BY, "acceptPolicy of pairing " + pairing);
        share.getMetadata().setAnnotations(annotations);
      }
      share.getMetadata().getLabels().put(ShareEngine.FROM_LABEL, ResourceNames.labelValue(pairing));
      try {
        kind.stored(context.client().resource(share).update(), offer.payload());
      } catch (KubernetesClientException e) {
        refuse(pairing, offer, ShareAck.RECEIVER_REFUSED, "updating " + kind.kind() + " "
            + share.getMetadata().getName() + " failed: " + apiError(e));
        return;
      }
      if (reoffered) {
        engine.record(share.getMetadata().getName(), new Reoffered(pairing, share.getStatus().revocationReason));
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
      pairings.get(pairing).ifPresent(p -> context.events().record(p, EventRecorder.Type.Warning, e.reason(),
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
      context.events().record(restored, EventRecorder.Type.Normal, "PayloadRestored", "the payload changed on this"
          + " cluster was restored as " + pairing + " sent revision " + offer.revision());
      Audit.transition(kind.kind(), share.getMetadata().getName(), pairing, null, "Restored", "consortium-operator",
          "PayloadRestored");
    } catch (KubernetesClientException e) {
      LOG.warn("Pairing {}: restoring {} {} failed: {}", pairing, kind.kind(), share.getMetadata().getName(), apiError(e));
    }
  }

  void revoked(String pairing, ShareRevoke revoke) {
    List<R> copies = copiesOf(revoke.shareUid());
    Optional<R> existing = copies.stream().filter(s -> pairing.equals(s.getSpec().from.pairing)).findFirst();
    if (existing.isEmpty() && !copies.isEmpty()) {
      // Another organization's share: this pairing may not take it back.
      engine.drop("SHARE_REVOKE", pairing, revoke.shareUid(), "NotOffered",
          "the share with this UID came over another pairing");
      return;
    }
    if (existing.isPresent() && !(existing.get().getStatus() != null
        && existing.get().getStatus().phase == SharePhase.Revoked
        && ShareEngine.REVOKED_BY_ORIGIN.equals(existing.get().getStatus().revocationReason))) {
      // Confirmed once the reconcile has written it (see apply).
      engine.record(existing.get().getMetadata().getName(), new RevokedByOrigin(pairing));
      return;
    }
    // Nothing here to revoke, or revoked already: confirmed now, so that the origin stops sending it.
    sessions.send(pairing, new ShareAck(kind.kind(), revoke.shareUid(),
        existing.map(s -> s.getSpec().from.revision).orElse(1L), SharePhase.Revoked));
  }

  // ---- resync ----------------------------------------------------------------------------------

  Optional<InventoryEntry> inventoryEntry(R share, String pairing, String peerInstanceId) {
    if (!pairing.equals(share.getSpec().from.pairing)) {
      return Optional.empty();
    }
    SharePhase phase = share.getStatus() == null || share.getStatus().phase == null ? SharePhase.Pending
        : share.getStatus().phase;
    if (phase == SharePhase.Revoked) {
      return Optional.empty();
    }
    return Optional.of(new InventoryEntry(peerInstanceId, kind.kind(), share.getSpec().from.shareUid,
        share.getSpec().from.revision, phase));
  }

  /**
   * As receiver: what the origin sent before its inventory but no longer lists is gone on the origin
   * (Revoked here, what was accepted kept); a decision the origin has not heard of is sent again.
   */
  void resync(R share, String pairing, InventoryEntry there, Instant theirAsOf) {
    ShareOrigin from = share.getSpec().from;
    SharePhase phase = share.getStatus() == null ? null : share.getStatus().phase;
    boolean sentBeforeTheirView = theirAsOf != null && from.sentAt != null && Instant.parse(from.sentAt).isBefore(theirAsOf);
    if (there == null && phase != SharePhase.Revoked && sentBeforeTheirView) {
      LOG.info("Pairing {}: {} {} is gone on the origin; marking it Revoked", pairing, kind.kind(),
          share.getMetadata().getName());
      engine.record(share.getMetadata().getName(), new RevokedByOrigin(pairing));
    } else if (there != null && there.phase() == SharePhase.Pending && there.revision() == from.revision
        && (phase == SharePhase.Accepted || phase == SharePhase.Rejected)) {
      engine.record(share.getMetadata().getName(), new LinkUp(pairing));
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** Whether the resource of that name already holds this revision of this share (read from the API server). */
  private boolean alreadyHere(String name, ShareOffer offer) {
    R stored = context.client().resources(kind.type()).inNamespace(context.namespace()).withName(name).get();
    return stored != null && stored.getSpec().from != null && offer.shareUid().equals(stored.getSpec().from.shareUid)
        && stored.getSpec().from.revision >= offer.revision();
  }

  /** Whether the payload an incoming share holds is still the one received (shares from before this check count as intact). */
  private boolean intact(S spec) {
    return spec.from.payloadSha256 == null || spec.from.payloadSha256.equals(ProtocolJson.sha256(kind.payloadOf(spec)));
  }

  /** An incoming share Revoked because the pairing it came over ended, not because the origin took it back. */
  private static boolean endedWithItsPairing(Share<?, ?> share) {
    return share.getStatus() != null && share.getStatus().phase == SharePhase.Revoked
        && ShareEngine.endedWithPairing(share.getStatus().revocationReason);
  }

  /** The share is refused back to the origin for a reason it shows as it is. */
  private void refuse(String pairing, ShareOffer offer, String reason, String message) {
    LOG.warn("Pairing {}: {}: {}", pairing, reason, message);
    sessions.send(pairing, ShareAck.refused(kind.kind(), offer.shareUid(), offer.revision(), reason, message));
  }

  private static String apiError(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage() + " (HTTP " + e.getCode() + ")" : e.getMessage();
  }

  /** Every incoming copy of a share UID, whichever pairing it came over. */
  private List<R> copiesOf(String shareUid) {
    return engine.byShareUid(shareUid).stream().filter(s -> s.getSpec().from != null).toList();
  }

  /** The incoming copy of a share, over this pairing or over an earlier pairing with the same peer. */
  private Optional<R> incomingByOrigin(String pairing, String peerInstanceId, String shareUid) {
    List<R> copies = copiesOf(shareUid);
    return copies.stream().filter(s -> pairing.equals(s.getSpec().from.pairing)).findFirst()
        .or(() -> copies.stream().filter(s -> peerInstanceId != null
            && peerInstanceId.equals(s.getSpec().from.instanceId)).findFirst());
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

  private static void clearDecision(ShareStatus st) {
    st.decidedBy = null;
    st.decidedAt = null;
    st.decisionResult = null;
  }

  /**
   * Who decided on an incoming share, as the origin will see it: this organization's name and the
   * person or tool. The tool is the {@code consortium.io/decided-by} annotation where tooling (or an
   * accept policy) wrote one, else the field manager that last set spec.decision, from managedFields
   * (kubectl-patch, kubectl-client-side-apply, a GitOps controller); never the namespace alone.
   */
  private String decidedBy(Share<?, ?> share) {
    Map<String, String> annotations = share.getMetadata().getAnnotations();
    String by = annotations == null ? null : annotations.get(ShareEngine.DECIDED_BY);
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
