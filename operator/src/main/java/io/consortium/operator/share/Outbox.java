package io.consortium.operator.share;

import com.fasterxml.jackson.databind.JsonNode;
import io.consortium.operator.api.GoDuration;
import io.consortium.operator.api.Rfc3339;
import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.Share;
import io.consortium.operator.api.v1alpha1.ShareSpec;
import io.consortium.operator.api.v1alpha1.ShareStatus;
import io.consortium.operator.api.v1alpha1.spec.ConditionStatus;
import io.consortium.operator.api.v1alpha1.spec.DecisionResult;
import io.consortium.operator.api.v1alpha1.spec.Direction;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.PairingState;
import io.consortium.operator.api.v1alpha1.spec.RecipientStatus;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.mesh.protocol.PeerText;
import io.consortium.operator.mesh.protocol.ProtocolException;
import io.consortium.operator.mesh.protocol.ProtocolJson;
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
import io.consortium.operator.pki.Sha256;
import io.consortium.operator.share.ShareEngine.Effects;
import io.consortium.operator.share.ShareEngine.Plan;
import io.consortium.operator.share.ShareFacts.Acknowledged;
import io.consortium.operator.share.ShareFacts.Decided;
import io.consortium.operator.share.ShareFacts.Fact;
import io.consortium.operator.share.ShareFacts.MissingOnReceiver;
import io.consortium.operator.share.ShareFacts.PairingEnded;
import io.consortium.operator.share.ShareKind.InvalidShareSource;
import io.consortium.operator.share.ShareLifecycle.Cause;
import io.consortium.operator.share.inspection.PayloadInspection;
import io.consortium.operator.status.Conditions;
import io.consortium.operator.status.EventRecorder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The origin's side of a share kind: each revision is offered to each recipient until it is
 * acknowledged, decisions and confirmations come back as facts, revocation and expiry reach every
 * recipient, and deleting a share tells every recipient with a link at once (the others learn at their
 * next resync, which lists what the origin still has).
 */
final class Outbox<R extends Share<S, T>, S extends ShareSpec, T extends ShareStatus> {

  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

  /** Reasons a recipient cannot get the share until a person acts: shown as a condition of the share. */
  private static final Set<String> BLOCKED = Set.of("UnknownPairing", "PairingSuspended", "PairingRevoked",
      "FlowForbidden", "PayloadTooLarge");
  /** How long a first offer may go unanswered before the status says it was offered (the ack usually comes first). */
  static final Duration ACK_WAIT = Duration.ofSeconds(3);
  private static boolean blocked(String reason) {
    return reason != null && BLOCKED.contains(reason);
  }

  /** The longest text a peer may put into our status (who decided, say): more is cut. */
  private static final int PEER_TEXT_LIMIT = 256;

  /** An offer written to a link and not yet answered: not sent again while that link stays up. */
  private record InFlight(long revision, Instant sentAt) {}

  private final ShareEngine<R, S, T> engine;
  private final ShareKind<R, S, T> kind;
  private final PeerSessions sessions;
  private final PairingDirectory pairings;
  private final Clock clock;
  /** Offers in flight by share name and pairing. */
  private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();

  Outbox(ShareEngine<R, S, T> engine) {
    this.engine = engine;
    this.kind = engine.kind();
    this.sessions = engine.sessions();
    this.pairings = engine.pairings();
    this.clock = engine.clock();
  }

  // ---- reconcile -------------------------------------------------------------------------------

  Plan reconcile(R share, T st, List<Fact> facts, Effects effects) {
    String name = share.getMetadata().getName();
    Long generation = share.getMetadata().getGeneration();
    S spec = share.getSpec();
    st.direction = Direction.Outgoing;
    JsonNode payload;
    long payloadBytes;
    try {
      // Read against the status as last written: a kind may compare the source with what was sent at
      // the generation observed then.
      payload = kind.payload(share, st);
      PayloadInspection.SHARES.check(payload);
      payloadBytes = ObjectSize.requirePayloadFits(name, payload);
    } catch (InvalidShareSource e) {
      // status.observedGeneration stays the generation the offer was made from (the Ready condition
      // carries the generation this refusal is about).
      if (Conditions.set(st.conditions, Conditions.READY, ConditionStatus.False, e.reason(), e.getMessage(),
          generation, clock)) {
        effects.event(share, EventRecorder.Type.Warning, e.reason(), e.getMessage());
      }
      st.summary = e.reason();
      // What the link said waits until the source can be read again; the source (a Secret or ConfigMap,
      // which the operator does not watch) is looked at again until it can.
      return Plan.keepingFacts().dueIn(resendEvery());
    }
    st.observedGeneration = generation;
    Instant expiresAt = spec.expiresAt == null ? null : Rfc3339.parse(spec.expiresAt);
    String offered = offerDigest(payload, expiresAt);
    // A new revision only when what is offered changed: editing spec.to or spec.revoked is not one.
    if (st.revision == null || !offered.equals(st.payloadSha256)) {
      // Numbered after the generation, and always above the last revision: a source edited in place
      // (the generation unchanged) is new bytes under a new number, never under the old one.
      st.revision = st.revision == null ? generation : Math.max(generation, st.revision + 1);
      st.payloadSha256 = offered;
    }
    long revision = st.revision;
    kind.describe(st, payload);
    st.peers = String.join(",", spec.to);
    for (Fact fact : facts) {
      apply(share, st, fact, revision, effects);
    }
    boolean revoked = spec.isRevoked();
    boolean expired = expired(spec);
    withdrawFromRemoved(share, st, effects);
    Map<String, PeerPairing> known = new HashMap<>();
    for (PeerPairing pairing : pairings.seen()) {
      known.put(pairing.getMetadata().getName(), pairing);
    }
    ShareOffer offer = new ShareOffer(kind.kind(), share.getMetadata().getUid(), name, revision, expiresAt, payload,
        null);
    Plan plan = Plan.nothingDue();
    boolean allOfferedNow = !spec.to.isEmpty();
    Optional<ProtocolException> tooLarge = sessions.offerRefusal(offer, payloadBytes);
    if (tooLarge.isPresent()) {
      ProtocolException e = tooLarge.get();
      if (Conditions.set(st.conditions, "PayloadAccepted", ConditionStatus.False, e.error().name(), e.getMessage(),
          generation, clock)) {
        effects.event(share, EventRecorder.Type.Warning, e.error().name(), e.getMessage());
      }
    } else {
      Conditions.remove(st.conditions, "PayloadAccepted");
    }
    for (String to : spec.to) {
      RecipientStatus recipient = recipient(st, to);
      // The watch may not have seen a pairing made a moment ago: ask before calling it unknown.
      PeerPairing pairing = known.containsKey(to) ? known.get(to) : pairings.get(to).orElse(null);
      if (recipient.phase == SharePhase.Revoked) {
        if (revoked || !ShareEngine.endedWithPairing(recipient.reason) || !live(pairing)) {
          allOfferedNow = false;
          continue;
        }
        // The share ended with its pairing; a pairing of that name is live again: offered anew.
        move(share, recipient, SharePhase.Pending, Cause.NEW_PAIRING, "NewPairing",
            "pairing " + to + " is live again; offering revision " + revision, effects);
        recipient.revision = null;
        recipient.result = null;
        recipient.decidedBy = null;
        recipient.decidedAt = null;
      }
      if (revoked) {
        // Revoked once the recipient confirms (SHARE_ACK Revoked), not once sent: a revocation sent on a
        // link that goes down is lost, so it is sent again at every visit (and link-up) until confirmed.
        revoke(share, recipient, "revoked", effects);
        allOfferedNow = false;
        continue;
      }
      if (expired) {
        if (ShareLifecycle.allows(Direction.Outgoing, recipient.phase, SharePhase.Expired, Cause.EXPIRY)) {
          move(share, recipient, SharePhase.Expired, Cause.EXPIRY, "Expired", "spec.expiresAt passed before a decision",
              effects);
        }
        allOfferedNow = false;
        continue;
      }
      if (recipient.revision != null && recipient.revision != revision
          && ShareLifecycle.allows(Direction.Outgoing, recipient.phase, SharePhase.Pending, Cause.NEW_REVISION)) {
        move(share, recipient, SharePhase.Pending, Cause.NEW_REVISION, "NewRevision", "revision " + revision
            + " to deliver", effects);
        recipient.revision = null;
        recipient.result = null;
      }
      if (recipient.phase != SharePhase.Pending) {
        allOfferedNow = false;
        continue;
      }
      if (tooLarge.isPresent()) {
        note(recipient, tooLarge.get().error().name(), tooLarge.get().getMessage());
        allOfferedNow = false;
        plan = plan.dueIn(resendEvery());
        continue;
      }
      boolean sentNow = offer(share, st, recipient, pairing, offer, effects);
      allOfferedNow &= sentNow;
      InFlight flying = inFlight.get(key(name, to));
      if (flying != null) {
        // Unanswered for long on a link that stayed up: offered again (the safety net), and shown.
        plan = plan.dueIn(Duration.between(clock.instant(), flying.sentAt().plus(resendEvery())));
      } else if (!sentNow && !"PeerNotConnected".equals(recipient.reason)) {
        // Blocked or refused: looked at again (a link that comes up brings a visit of its own).
        plan = plan.dueIn(resendEvery());
      }
    }
    kind.recipientsReconciled(share, st);
    plan = summarize(share, st, generation, effects, plan);
    if (expiresAt != null && st.recipients.stream().anyMatch(r -> r.phase == SharePhase.Pending
        || r.phase == SharePhase.Delivered)) {
      plan = plan.dueIn(Duration.between(clock.instant(), expiresAt).plusSeconds(1));
    }
    if (share.getStatus() == null && facts.isEmpty() && allOfferedNow) {
      // A first offer to every recipient, just sent: their acknowledgements write the status (one write,
      // not two); if none comes soon, the next visit writes that it was offered.
      plan = plan.deferringWrite().dueIn(ACK_WAIT);
    }
    return plan;
  }

  /** One fact the link brought, applied to the status (idempotent; a fact that does not belong is dropped). */
  private void apply(R share, T st, Fact fact, long revision, Effects effects) {
    String name = share.getMetadata().getName();
    String pairing = fact.pairing();
    if (fact instanceof PairingEnded ended) {
      offeredTo(share, st, pairing).filter(r -> ShareLifecycle.allows(Direction.Outgoing, r.phase, SharePhase.Revoked,
          Cause.PAIRING_ENDED)).ifPresent(r -> move(share, r, SharePhase.Revoked, Cause.PAIRING_ENDED, ended.reason(),
              ended.message(), effects));
      inFlight.remove(key(name, pairing));
      return;
    }
    if (fact instanceof MissingOnReceiver) {
      find(st, pairing).filter(r -> ShareLifecycle.allows(Direction.Outgoing, r.phase, SharePhase.Pending,
          Cause.RESYNC)).ifPresent(r -> {
            move(share, r, SharePhase.Pending, Cause.RESYNC, "MissingOnReceiver",
                pairing + " no longer has the revision it acknowledged; delivering it again", effects);
            r.revision = null;
          });
      inFlight.remove(key(name, pairing));
      return;
    }
    Optional<RecipientStatus> offeredTo = offeredTo(share, st, pairing);
    if (fact instanceof Acknowledged ack) {
      String type = "SHARE_ACK";
      if (offeredTo.isEmpty()) {
        dropLater(effects, type, pairing, share, "NotOffered", "share " + name + " was not offered to " + pairing);
        return;
      }
      RecipientStatus recipient = offeredTo.get();
      if (!ack.refused() && ack.phase() != SharePhase.Pending && ack.phase() != SharePhase.Revoked) {
        dropLater(effects, type, pairing, share, "MalformedAck", "an acknowledgement that says " + ack.phase()
            + ": a receiver acknowledges with Pending or Revoked");
        return;
      }
      if (ack.phase() == SharePhase.Revoked && !ack.refused()) {
        if (ShareLifecycle.allows(Direction.Outgoing, recipient.phase, SharePhase.Revoked, Cause.REVOCATION)) {
          boolean removed = !share.getSpec().sendsTo(pairing);
          move(share, recipient, SharePhase.Revoked, Cause.REVOCATION, removed ? "RemovedFromRecipients"
              : ShareEngine.REVOKED_BY_ORIGIN, (removed ? "removed from spec.to" : "revoked")
              + "; the recipient confirmed", effects);
        }
        return;
      }
      if (ack.refused()) {
        if (ack.revision() != revision) {
          dropLater(effects, type, pairing, share, "StaleRevision", "a refusal of revision " + ack.revision()
              + ", but the share is at revision " + revision);
          return;
        }
        inFlight.remove(key(name, pairing));
        if (recipient.phase == SharePhase.Pending) {
          if (!ack.refusalReason().equals(recipient.reason) || !Long.valueOf(ack.revision()).equals(recipient.refusedRevision)) {
            effects.event(share, EventRecorder.Type.Warning, ack.refusalReason(), pairing + ": " + ack.refusalMessage());
          }
          note(recipient, ack.refusalReason(), pairing + " could not store revision " + ack.revision() + ": "
              + ack.refusalMessage() + "; offered again every " + resendEvery().toSeconds() + " s");
          recipient.refusedRevision = ack.revision();
        }
        return;
      }
      if (ack.revision() > revision) {
        dropLater(effects, type, pairing, share, "UnknownRevision", "an acknowledgement of revision " + ack.revision()
            + ", but the share offers revision " + revision);
        return;
      }
      if (ack.revision() == revision) {
        inFlight.remove(key(name, pairing));
        if (recipient.phase == SharePhase.Pending) {
          move(share, recipient, SharePhase.Delivered, Cause.DELIVERY, "Delivered", "revision " + ack.revision()
              + " is on " + pairing + "'s cluster, waiting for its decision", effects);
          recipient.revision = ack.revision();
          recipient.refusedRevision = null;
        }
      }
      return;
    }
    if (fact instanceof Decided decision) {
      String type = "SHARE_DECISION";
      if (offeredTo.isEmpty() || offeredTo.get().phase == SharePhase.Revoked) {
        dropLater(effects, type, pairing, share, "NotOffered", "share " + name + " is not offered to " + pairing);
        return;
      }
      if (decision.revision() != revision) {
        dropLater(effects, type, pairing, share, "StaleRevision", "a decision on revision " + decision.revision()
            + ", but the share is at revision " + revision);
        return;
      }
      RecipientStatus recipient = offeredTo.get();
      inFlight.remove(key(name, pairing));
      if (recipient.phase == SharePhase.Pending) {
        move(share, recipient, SharePhase.Delivered, Cause.DELIVERY, "Delivered", "acknowledged with the decision",
            effects);
        recipient.revision = decision.revision();
      }
      SharePhase to = decision.outcome() == DecisionOutcome.Accepted ? SharePhase.Accepted : SharePhase.Rejected;
      if (ShareLifecycle.allows(Direction.Outgoing, recipient.phase, to, Cause.DECISION)) {
        String by = PeerText.safe(decision.decidedBy(), PEER_TEXT_LIMIT);
        move(share, recipient, to, Cause.DECISION, to.name(), to + " by " + by, effects);
        recipient.decidedBy = by;
        recipient.decidedAt = decision.decidedAt().toString();
        recipient.result = result(decision.result());
        kind.decisionArrived(share, st, recipient);
      }
    }
  }

  /**
   * The recipient entry of a pairing the share is offered to: an entry made when it was offered, or
   * one made now for a pairing its spec.to names. Empty for any other pairing, whose messages about
   * the share are dropped.
   */
  private Optional<RecipientStatus> offeredTo(R share, ShareStatus st, String pairing) {
    Optional<RecipientStatus> entry = find(st, pairing);
    if (entry.isPresent() || !share.getSpec().sendsTo(pairing)) {
      return entry;
    }
    return Optional.of(recipient(st, pairing));
  }

  private void dropLater(Effects effects, String type, String pairing, R share, String reason, String message) {
    String uid = share.getMetadata().getUid();
    effects.add(() -> engine.drop(type, pairing, uid, reason, message));
  }

  /**
   * A recipient taken out of spec.to: what it received is revoked there (a person removing a peer from
   * the list means it should no longer have the share); one it never received is simply forgotten.
   */
  private void withdrawFromRemoved(R share, T st, Effects effects) {
    for (Iterator<RecipientStatus> it = st.recipients.iterator(); it.hasNext(); ) {
      RecipientStatus recipient = it.next();
      if (recipient.pairing == null || share.getSpec().sendsTo(recipient.pairing)
          || recipient.phase == SharePhase.Revoked) {
        continue;
      }
      if (recipient.phase == SharePhase.Pending && recipient.revision == null
          && !inFlight.containsKey(key(share.getMetadata().getName(), recipient.pairing))) {
        it.remove();
      } else {
        revoke(share, recipient, "removed from spec.to", effects);
      }
    }
  }

  private void revoke(R share, RecipientStatus recipient, String why, Effects effects) {
    String to = recipient.pairing;
    ShareRevoke revoke = new ShareRevoke(kind.kind(), share.getMetadata().getUid());
    if (connected(to)) {
      note(recipient, "RevocationSent", why + "; waiting for " + to + " to confirm");
      effects.add(() -> sessions.send(to, revoke));
    } else {
      note(recipient, "RevocationPending", why + "; " + to + " is told when its link is up");
    }
  }

  /** Offers the revision to one recipient if it can be, now; true when an offer goes out with this visit. */
  private boolean offer(R share, T st, RecipientStatus recipient, PeerPairing pairing, ShareOffer offer,
      Effects effects) {
    String to = recipient.pairing;
    String name = share.getMetadata().getName();
    if (pairing == null) {
      note(recipient, "UnknownPairing", "no PeerPairing named " + to + " in this namespace");
      return false;
    }
    if (PairingDirectory.state(pairing) != PairingState.Active) {
      note(recipient, "Pairing" + PairingDirectory.state(pairing), "pairing " + to + " is "
          + PairingDirectory.state(pairing) + "; the share waits until it is Active");
      return false;
    }
    if (connected(to) && !sessions.maySend(to)) {
      note(recipient, "FlowForbidden", "pairing " + to + "'s flow is " + pairing.getStatus().flow
          + ": this side may not send shares on it");
      return false;
    }
    if (!connected(to)) {
      // The link, not the pairing's status (written a moment later), says whether we can send now.
      PairingPhase phase = pairing.getStatus() == null ? null : pairing.getStatus().phase;
      note(recipient, "PeerNotConnected", "pairing " + to + " has no link right now"
          + (phase == null ? "" : " (" + phase + ")") + "; delivered when it has");
      return false;
    }
    InFlight flying = inFlight.get(key(name, to));
    if (flying != null && flying.revision() == offer.revision()
        && flying.sentAt().plus(resendEvery()).isAfter(clock.instant())) {
      return false; // on its way on this link; the acknowledgement will say
    }
    if (!Long.valueOf(offer.revision()).equals(recipient.refusedRevision)) { // keep the receiver's last error in sight
      note(recipient, "Offered", "revision " + offer.revision() + " sent; waiting for the acknowledgement");
    }
    inFlight.put(key(name, to), new InFlight(offer.revision(), clock.instant()));
    effects.add(() -> send(share, to, offer));
    return true;
  }

  private void send(R share, String to, ShareOffer offer) {
    try {
      if (!sessions.sendOffer(to, offer)) {
        // The link went down since this visit looked: its link-up offers it again.
        inFlight.remove(key(share.getMetadata().getName(), to));
      }
    } catch (ProtocolException e) {
      // Too large for this instance's own limit: shown on the next visit, which will not send it.
      inFlight.remove(key(share.getMetadata().getName(), to));
      LOG.warn("{} {}: not sent to {}: {}", kind.kind(), share.getMetadata().getName(), to, e.getMessage());
      engine.context().events().record(share, EventRecorder.Type.Warning, e.error().name(), e.getMessage());
    }
  }

  // ---- the link --------------------------------------------------------------------------------

  void acknowledged(String pairing, ShareAck ack) {
    // A share deleted here since it was sent: nothing to record, and nothing a peer could abuse.
    outgoing(ack.shareUid()).ifPresent(share -> engine.record(share.getMetadata().getName(), new Acknowledged(
        pairing, ack.revision(), ack.phase(), ack.stored() ? null : ack.refusalReason(),
        ack.stored() ? null : ack.errorText())));
  }

  void decided(String pairing, ShareDecision decision) {
    Optional<R> share = outgoing(decision.shareUid());
    if (share.isEmpty()) {
      engine.drop("SHARE_DECISION", pairing, decision.shareUid(), "UnknownShare", "no outgoing " + kind.kind()
          + " has this UID");
      return;
    }
    engine.record(share.get().getMetadata().getName(), new Decided(pairing, decision.revision(), decision.decision(),
        decision.decidedBy(), decision.decidedAt(), decision.result()));
  }

  void resendRequested(String pairing, ShareResend resend) {
    Optional<R> share = outgoing(resend.shareUid());
    RecipientStatus recipient = share.flatMap(s -> s.getStatus() == null ? Optional.empty()
        : find(s.getStatus(), pairing)).orElse(null);
    if (recipient == null || recipient.phase == SharePhase.Revoked || recipient.phase == SharePhase.Pending) {
      engine.drop("SHARE_RESEND", pairing, resend.shareUid(), "NotOffered", "no delivered share with this UID for "
          + pairing);
      return;
    }
    R outgoing = share.get();
    long revision = offeredRevision(outgoing);
    if (resend.revision() != revision) {
      engine.drop("SHARE_RESEND", pairing, resend.shareUid(), "StaleRevision", "revision " + resend.revision()
          + " asked for, the share offers revision " + revision);
      return;
    }
    // The same revision as the recipient has it: its phase here does not change.
    try {
      T scratch = engine.context().client().getKubernetesSerialization().clone(outgoing.getStatus());
      JsonNode payload = kind.payload(outgoing, scratch);
      sessions.sendOffer(pairing, new ShareOffer(kind.kind(), resend.shareUid(), outgoing.getMetadata().getName(),
          revision, outgoing.getSpec().expiresAt == null ? null : Rfc3339.parse(outgoing.getSpec().expiresAt), payload,
          null));
    } catch (InvalidShareSource | ProtocolException e) {
      LOG.warn("{} {}: cannot send revision {} again to {}: {}", kind.kind(), outgoing.getMetadata().getName(),
          revision, pairing, e.getMessage());
    }
  }

  /** A link came back: what was on its way over the old one is offered again. */
  void linkUp(String pairing) {
    inFlight.keySet().removeIf(k -> k.endsWith("/" + pairing));
  }

  /**
   * The share was deleted: every recipient with a link is told now; one without learns at its next
   * resync (the origin's inventory no longer lists the share), which is said on its pairing.
   */
  void deleted(R share) {
    String name = share.getMetadata().getName();
    inFlight.keySet().removeIf(k -> k.startsWith(name + "/"));
    if (share.getStatus() == null) {
      return;
    }
    for (RecipientStatus recipient : share.getStatus().recipients) {
      if (recipient.phase == SharePhase.Revoked || recipient.phase == SharePhase.Pending && recipient.revision == null
          && !"Offered".equals(recipient.reason)) {
        continue; // never delivered: nothing to take back
      }
      String to = recipient.pairing;
      if (sessions.send(to, new ShareRevoke(kind.kind(), share.getMetadata().getUid()))) {
        Audit.transition(kind.kind(), name, to, recipient.phase.name(), "Deleted", "consortium-operator", "RevocationSent");
      } else {
        Audit.transition(kind.kind(), name, to, recipient.phase.name(), "Deleted", "consortium-operator",
            "RevocationAtResync");
        pairings.seen(to).ifPresent(p -> engine.context().events().record(p, EventRecorder.Type.Normal,
            "RevocationAtResync", kind.kind() + " " + name + " was deleted while " + to + " had no link; it learns at"
                + " its next connect (the resync) that the share is gone"));
      }
    }
  }

  // ---- resync ----------------------------------------------------------------------------------

  /**
   * This side's entry for the share in the link's shared view: the origin's Delivered is the
   * receiver's Pending, and Revoked is left out on both sides.
   */
  Optional<InventoryEntry> inventoryEntry(R share, String pairing, String localInstanceId) {
    if (!share.getSpec().sendsTo(pairing) || share.getMetadata().getDeletionTimestamp() != null) {
      return Optional.empty();
    }
    SharePhase phase = share.getStatus() == null ? SharePhase.Pending : find(share.getStatus(), pairing)
        .map(r -> r.phase).orElse(SharePhase.Pending);
    if (phase == SharePhase.Revoked) {
      return Optional.empty();
    }
    return Optional.of(new InventoryEntry(localInstanceId, kind.kind(), share.getMetadata().getUid(),
        offeredRevision(share), phase == SharePhase.Delivered ? SharePhase.Pending : phase));
  }

  /** The receiver does not list what it acknowledged: it lost it, and it is delivered again. */
  void resync(R share, String pairing, InventoryEntry there) {
    if (!share.getSpec().sendsTo(pairing) || there != null || share.getStatus() == null) {
      return;
    }
    boolean delivered = find(share.getStatus(), pairing).map(r -> r.phase == SharePhase.Delivered).orElse(false);
    if (delivered) {
      engine.record(share.getMetadata().getName(), new MissingOnReceiver(pairing));
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private Optional<R> outgoing(String shareUid) {
    return engine.byShareUid(shareUid).stream().filter(s -> s.getSpec().isOutgoing()).findFirst();
  }

  /** The revision an outgoing share offers: the generation at which what it offers last changed. */
  static long offeredRevision(Share<?, ?> share) {
    return share.getStatus() != null && share.getStatus().revision != null ? share.getStatus().revision
        : share.getMetadata().getGeneration();
  }

  private boolean connected(String pairing) {
    return sessions.state(pairing).map(link -> link.connected()).orElse(false);
  }

  private Duration resendEvery() {
    Duration stuckAfter = engine.context().stuckAfter();
    return stuckAfter.compareTo(ShareEngine.RESEND_EVERY) < 0 ? stuckAfter : ShareEngine.RESEND_EVERY;
  }

  private boolean expired(ShareSpec spec) {
    return spec.expiresAt != null && !clock.instant().isBefore(Rfc3339.parse(spec.expiresAt));
  }

  /** A pairing shares can travel on: Active, not being deleted, not revoked by its peer. */
  private static boolean live(PeerPairing pairing) {
    return pairing != null && pairing.getMetadata().getDeletionTimestamp() == null
        && PairingDirectory.state(pairing) == PairingState.Active
        && (pairing.getStatus() == null || pairing.getStatus().phase != PairingPhase.PeerRevoked);
  }

  private static String key(String share, String pairing) {
    return share + "/" + pairing;
  }

  private static String offerDigest(JsonNode payload, Instant expiresAt) {
    MessageDigest sha256 = Sha256.newDigest();
    try {
      sha256.update(ProtocolJson.MAPPER.writeValueAsBytes(payload));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot digest an offer", e);
    }
    sha256.update(String.valueOf(expiresAt).getBytes(StandardCharsets.UTF_8));
    return Sha256.hex(sha256);
  }

  private static Optional<RecipientStatus> find(ShareStatus status, String pairing) {
    for (RecipientStatus recipient : status.recipients) {
      if (pairing.equals(recipient.pairing)) {
        return Optional.of(recipient);
      }
    }
    return Optional.empty();
  }

  private RecipientStatus recipient(ShareStatus status, String pairing) {
    return find(status, pairing).orElseGet(() -> {
      RecipientStatus recipient = new RecipientStatus(pairing, SharePhase.Pending);
      recipient.lastTransitionTime = Conditions.now(clock);
      status.recipients.add(recipient);
      return recipient;
    });
  }

  private void move(R share, RecipientStatus recipient, SharePhase to, Cause cause, String reason, String message,
      Effects effects) {
    SharePhase from = recipient.phase;
    recipient.phase = ShareLifecycle.move(Direction.Outgoing, from, to, cause);
    recipient.reason = reason;
    recipient.message = message;
    recipient.lastTransitionTime = Conditions.now(clock);
    String name = share.getMetadata().getName();
    String pairing = recipient.pairing;
    // A delivery is routine and shows in the status; what a person may need to act on is an Event too.
    if (to != SharePhase.Delivered) {
      effects.event(share, to == SharePhase.Rejected || to == SharePhase.Expired || to == SharePhase.Revoked
          && cause == Cause.PAIRING_ENDED ? EventRecorder.Type.Warning : EventRecorder.Type.Normal, reason,
          pairing + ": " + from + " -> " + to + " (" + message + ")");
    }
    String actor = cause == Cause.DECISION ? "peer:" + pairing : "consortium-operator";
    effects.add(() -> Audit.transition(kind.kind(), name, pairing, from.name(), to.name(), actor, reason));
  }

  private static void note(RecipientStatus recipient, String reason, String message) {
    recipient.reason = reason;
    recipient.message = message;
  }

  /** The share's conditions and summary from its recipients; when DeliveryStalled would next change. */
  private Plan summarize(R share, ShareStatus st, Long generation, Effects effects, Plan plan) {
    st.recipients.removeIf(r -> r.pairing == null);
    List<String> blocked = st.recipients.stream().filter(r -> r.phase == SharePhase.Pending && blocked(r.reason))
        .map(r -> r.pairing + ": " + r.message).toList();
    Conditions.set(st.conditions, "RecipientsReachable", blocked.isEmpty() ? ConditionStatus.True : ConditionStatus.False,
        blocked.isEmpty() ? "AllReachable" : st.recipients.stream().filter(r -> blocked(r.reason))
            .map(r -> r.reason).findFirst().orElse("Blocked"),
        blocked.isEmpty() ? "every recipient can be delivered to" : String.join("; ", blocked), generation, clock);
    Duration stuckAfter = engine.context().stuckAfter();
    List<String> stalled = new java.util.ArrayList<>();
    for (RecipientStatus r : st.recipients) {
      if (r.phase != SharePhase.Pending || r.lastTransitionTime == null || !connected(r.pairing)) {
        continue;
      }
      Instant stallsAt = Instant.parse(r.lastTransitionTime).plus(stuckAfter);
      if (stallsAt.isBefore(clock.instant())) {
        stalled.add(r.pairing + ": " + (r.message == null ? "no acknowledgement" : r.message));
      } else {
        plan = plan.dueIn(Duration.between(clock.instant(), stallsAt).plusSeconds(1));
      }
    }
    boolean stallChanged = Conditions.set(st.conditions, "DeliveryStalled", stalled.isEmpty() ? ConditionStatus.False
        : ConditionStatus.True, stalled.isEmpty() ? "Delivering" : "DeliveryStalled", stalled.isEmpty()
            ? "no recipient has waited longer than --stuck-after (" + GoDuration.format(stuckAfter) + ") with its link up"
            : "undelivered for longer than --stuck-after (" + GoDuration.format(stuckAfter) + ") while the link is up: "
            + String.join("; ", stalled), generation, clock);
    if (stallChanged && !stalled.isEmpty()) {
      effects.event(share, EventRecorder.Type.Warning, "DeliveryStalled", String.join("; ", stalled));
    }
    st.summary = ShareLifecycle.summarize(st.recipients);
    boolean allDecided = st.recipients.stream().allMatch(r -> r.phase == SharePhase.Accepted
        || r.phase == SharePhase.Rejected || r.phase == SharePhase.Revoked || r.phase == SharePhase.Expired);
    Conditions.set(st.conditions, Conditions.READY, allDecided ? ConditionStatus.True : ConditionStatus.False,
        allDecided ? "AllDecided" : "WaitingForRecipients", st.summary, generation, clock);
    return plan;
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
}
