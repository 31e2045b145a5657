package io.consortium.operator.controller;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consortium.operator.api.ResourceNames;
import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.PeerPairingStatus;
import io.consortium.operator.api.v1alpha1.spec.ConditionStatus;
import io.consortium.operator.api.v1alpha1.spec.Flow;
import io.consortium.operator.api.v1alpha1.spec.InvitationRequest;
import io.consortium.operator.api.v1alpha1.spec.InvitationStatus;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.PairingRole;
import io.consortium.operator.api.v1alpha1.spec.PairingState;
import io.consortium.operator.api.v1alpha1.spec.PeerIdentity;
import io.consortium.operator.api.v1alpha1.spec.SecretKeyRef;
import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.identity.Invitation;
import io.consortium.operator.identity.InvitationException;
import io.consortium.operator.identity.Invitations;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.mesh.protocol.messages.Redeem;
import io.consortium.operator.pairing.LinkState;
import io.consortium.operator.pairing.PairingDirectory;
import io.consortium.operator.pairing.PeerSessions;
import io.consortium.operator.pairing.ShareInbox;
import io.consortium.operator.api.GoDuration;
import io.consortium.operator.share.Audit;
import io.consortium.operator.status.Conditions;
import io.consortium.operator.status.EventRecorder;
import io.consortium.operator.status.InvalidSpec;
import io.consortium.operator.validation.SpecValidation;
import io.consortium.operator.validation.Violation;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * PeerPairing: the inviter writes a signed invitation into a Secret and answers redemptions on its
 * listener; the invitee checks the invitation, pins the inviter's key, dials and redeems. Status
 * shows the link as {@link PeerSessions} sees it; Suspended closes the link, Revoked (or deleting
 * the pairing) tells the peer and closes it for good.
 */
@ControllerConfiguration(name = "peerpairing")
public final class PeerPairingReconciler implements Reconciler<PeerPairing>, Cleaner<PeerPairing> {

  /** Key of the invitation in its Secret. */
  public static final String INVITATION_KEY = "invitation";
  /** Annotation on the invitation Secret: the pairing generation it was issued for. */
  static final String ISSUED_FOR_GENERATION = "consortium.io/issued-for-generation";
  /** Annotation on the invitation Secret: the instance ID (key) that signed it. */
  static final String ISSUED_BY = "consortium.io/issued-by";

  public static final String CONDITION_INVITATION = "InvitationValid";
  public static final String CONDITION_CONNECTED = "Connected";

  /** Deletes a pairing without waiting to tell a peer that has no link. */
  public static final String FORCE_DELETE = "consortium.io/force-delete";

  static final String DUPLICATE_PAIRING = "DuplicatePairing";
  /** How often a pairing refused as a duplicate looks whether the other one is still there. */
  static final Duration DUPLICATE_RECHECK = Duration.ofSeconds(10);

  /** How often a deletion that waits for its peer looks for the force-delete annotation. */
  static final Duration FORCE_DELETE_RECHECK = Duration.ofSeconds(5);

  /** One JSON line per pairing that went without its peer being told; the shares' audit logger. */

  /** How often a connected pairing's lastSeenAt is refreshed: at most once a minute (DESIGN.md). */
  static final Duration LAST_SEEN_INTERVAL = Duration.ofMinutes(1);

  private final KubernetesClient client;
  /** The identity in use now: it changes when the instance key is rolled. */
  private final Supplier<InstanceIdentity> identity;
  private final String instanceName;
  private final String externalUrl;
  private final PairingDirectory directory;
  private final PeerSessions sessions;
  private final EventRecorder events;
  private final Clock clock;
  private final Duration revokeTimeout;
  /** Told when a pairing ends, so that the shares that travelled on it end too. */
  private final ShareInbox shares;
  private final SimpleInboundEventSource<PeerPairing> linkEvents = new SimpleInboundEventSource<>("link-events");

  public PeerPairingReconciler(KubernetesClient client, Supplier<InstanceIdentity> identity, String instanceName,
      String externalUrl, PairingDirectory directory, PeerSessions sessions, EventRecorder events, Clock clock,
      Duration revokeTimeout, ShareInbox shares) {
    this.revokeTimeout = revokeTimeout;
    this.shares = shares;
    this.client = client;
    this.identity = identity;
    this.instanceName = instanceName;
    this.externalUrl = externalUrl;
    this.directory = directory;
    this.sessions = sessions;
    this.events = events;
    this.clock = clock;
  }

  /** Called by the link when a pairing's link changes: the reconciler shows it. */
  public void linkChanged(String namespace, String pairing) {
    linkEvents.propagateEvent(new ResourceID(pairing, namespace));
  }

  @Override
  public List<EventSource<?, PeerPairing>> prepareEventSources(EventSourceContext<PeerPairing> context) {
    return List.of(linkEvents);
  }

  @Override
  public UpdateControl<PeerPairing> reconcile(PeerPairing pairing, Context<PeerPairing> context) {
    String name = pairing.getMetadata().getName();
    Long generation = pairing.getMetadata().getGeneration();
    List<Violation> violations = SpecValidation.check(pairing);
    if (!violations.isEmpty()) {
      refuseInvalid(pairing, violations);
      return UpdateControl.noUpdate(); // a change of the resource brings it back
    }
    PairingState state = PairingDirectory.state(pairing);
    List<Runnable> afterWrite = new ArrayList<>();
    PeerPairingStatus written = directory.update(name, status -> {
      status.localInstanceId = identity.get().instanceId();
      status.observedGeneration = generation;
      if (pairing.getSpec().invite != null) {
        status.role = PairingRole.Inviter;
        reconcileInviter(pairing, status, state, afterWrite);
      } else {
        status.role = PairingRole.Invitee;
        reconcileInvitee(pairing, status, state, afterWrite);
      }
    }).orElse(null);
    afterWrite.forEach(Runnable::run);
    if (written != null && (written.phase == PairingPhase.Revoked || written.phase == PairingPhase.PeerRevoked)) {
      // Every visit, not only the first: a share that missed it (an operator stopped in between) ends now.
      boolean here = written.phase == PairingPhase.Revoked;
      shares.pairingEnded(name, here ? "PairingRevoked" : "PeerRevokedPairing", "pairing " + name + " was revoked"
          + (here ? " by " + instanceName : " by the peer"));
    }
    UpdateControl<PeerPairing> control = UpdateControl.noUpdate();
    Duration next = nextVisit(written);
    if (next != null) {
      control.rescheduleAfter(next);
    }
    return control;
  }

  @Override
  public DeleteControl cleanup(PeerPairing pairing, Context<PeerPairing> context) {
    // Deleting a pairing revokes it first: an unredeemed invitation is withdrawn so that it can never
    // be redeemed, and the peer is told. A peer without a link is waited for, but never for ever.
    String name = pairing.getMetadata().getName();
    if (pairing.getSpec().invite != null) {
      client.secrets().inNamespace(pairing.getMetadata().getNamespace()).withName(invitationSecretName(pairing)).delete();
    }
    // Nothing more travels on it: what was shared over it ends now, whether or not the peer hears of it.
    shares.pairingEnded(name, "PairingDeleted", "pairing " + name + " was deleted by " + instanceName);
    String reason = "the pairing was deleted by " + instanceName;
    PeerPairingStatus status = pairing.getStatus();
    if (sessions.revoke(name, reason) || !peerKnowsOf(status)) {
      sessions.forget(name, null, null);
      return DeleteControl.defaultDelete();
    }
    PeerIdentity peer = status.peer;
    Instant deadline = Instant.parse(pairing.getMetadata().getDeletionTimestamp()).plus(revokeTimeout);
    boolean force = pairing.getMetadata().getAnnotations() != null
        && "true".equals(pairing.getMetadata().getAnnotations().get(FORCE_DELETE));
    if (force || !clock.instant().isBefore(deadline)) {
      String why = force ? "it is annotated " + FORCE_DELETE + "=true"
          : "it had no link for --revoke-timeout (" + GoDuration.format(revokeTimeout) + ")";
      String message = peer.name + " (" + peer.instanceId + ") was not told that the pairing was deleted: " + why
          + "; it learns at its next connect";
      events.record(pairing, EventRecorder.Type.Warning, "PeerNotTold", message);
      Audit.write(auditLine(name, peer, status.phase, force ? "ForceDelete" : "RevokeTimeout", message));
      sessions.forget(name, peer.instanceId, reason);
      return DeleteControl.defaultDelete();
    }
    if (status.role == PairingRole.Invitee && peer.url != null) {
      sessions.tellRevokedWhenReachable(name, URI.create(peer.url), peer.instanceId, reason);
    }
    String waiting = "deleting: " + peer.name + " has no link and is not told yet; waiting until " + deadline
        + " (--revoke-timeout), or annotate " + FORCE_DELETE + "=true to delete without telling it";
    directory.update(name, s -> setReady(s, ConditionStatus.False, "RevocationPending", waiting,
        pairing.getMetadata().getGeneration()));
    // Looked at again at the deadline, and every few seconds before it: a force-delete annotation
    // added now changes no generation, so no event would bring us back.
    Duration untilDeadline = Duration.between(clock.instant(), deadline).plusMillis(100);
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(
        untilDeadline.compareTo(FORCE_DELETE_RECHECK) < 0 ? untilDeadline : FORCE_DELETE_RECHECK);
  }

  /** Whether the peer has a pairing with this instance that it should hear is gone. */
  private static boolean peerKnowsOf(PeerPairingStatus status) {
    if (status == null || status.peer == null || status.phase == PairingPhase.PeerRevoked) {
      return false;
    }
    // The inviter pins the peer when it redeems; the invitee pins the inviter before it is redeemed.
    return status.role == PairingRole.Inviter
        || status.invitation != null && status.invitation.redemptions != null && status.invitation.redemptions > 0;
  }

  /** One audit line, as the shares write them: the pairing went without its peer being told. */
  private ObjectNode auditLine(String pairing, PeerIdentity peer, PairingPhase from, String reason, String message) {
    ObjectNode line = ProtocolJson.MAPPER.createObjectNode();
    line.put("time", clock.instant().toString());
    line.put("kind", "PeerPairing");
    line.put("pairing", pairing);
    line.put("peer", peer.name);
    line.put("peerInstanceId", peer.instanceId);
    line.put("from", from == null ? null : from.name());
    line.put("to", "Deleted");
    line.put("actor", "consortium-operator");
    line.put("reason", reason);
    line.put("peerTold", false);
    line.put("message", message);
    return line;
  }

  /** Ready=False InvalidSpec with every field path, written once per generation, one Event; no link, no invitation. */
  private void refuseInvalid(PeerPairing pairing, List<Violation> violations) {
    String message = SpecValidation.message(violations);
    Long generation = pairing.getMetadata().getGeneration();
    PeerPairingStatus current = pairing.getStatus();
    if (current != null && InvalidSpec.shown(current.conditions, current.observedGeneration, message, generation)) {
      return;
    }
    AtomicBoolean changed = new AtomicBoolean();
    directory.update(pairing.getMetadata().getName(), status -> {
      status.observedGeneration = generation;
      status.phase = PairingPhase.Failed;
      changed.set(Conditions.set(status.conditions, Conditions.READY, ConditionStatus.False, InvalidSpec.REASON,
          message, generation, clock));
    });
    if (changed.get()) {
      events.record(pairing, EventRecorder.Type.Warning, InvalidSpec.REASON, message);
    }
  }

  // ---- inviter ---------------------------------------------------------------------------------

  private void reconcileInviter(PeerPairing pairing, PeerPairingStatus status, PairingState state,
      List<Runnable> afterWrite) {
    Long generation = pairing.getMetadata().getGeneration();
    String name = pairing.getMetadata().getName();
    if (state == PairingState.Revoked) {
      afterWrite.add(() -> sessions.revoke(name, "revoked by " + instanceName));
      client.secrets().inNamespace(pairing.getMetadata().getNamespace()).withName(invitationSecretName(pairing)).delete();
      revoked(pairing, status, generation);
      return;
    }
    if (status.peer == null && !ensureInvitation(pairing, status)) {
      return;
    }
    if (linkHeldBack(name, status, state, generation, afterWrite)) {
      return;
    }
    if (status.peer == null) {
      Instant expiresAt = Instant.parse(status.invitation.expiresAt);
      if (!clock.instant().isBefore(expiresAt)) {
        status.phase = PairingPhase.Failed;
        if (set(status, CONDITION_INVITATION, ConditionStatus.False, "InvitationExpired",
            "the invitation expired at " + expiresAt + " without being redeemed; change spec.invite (for example"
                + " spec.invite.expiresIn) to issue a new one", generation)) {
          events.record(pairing, EventRecorder.Type.Warning, "InvitationExpired",
              "invitation " + status.invitation.id + " expired unredeemed");
        }
        setReady(status, ConditionStatus.False, "InvitationExpired", "issue a new invitation", generation);
        return;
      }
      status.phase = PairingPhase.Invited;
      set(status, CONDITION_INVITATION, ConditionStatus.True, "InvitationIssued",
          "hand Secret " + status.invitation.secretName + " to the invitee; it can be redeemed "
              + status.invitation.maxRedemptions + " time(s) until " + status.invitation.expiresAt, generation);
      set(status, CONDITION_CONNECTED, ConditionStatus.False, "WaitingForRedemption",
          "no instance has redeemed the invitation yet", generation);
      setReady(status, ConditionStatus.False, "WaitingForRedemption",
          "waiting for the invitee to redeem the invitation", generation);
      return;
    }
    set(status, CONDITION_INVITATION, ConditionStatus.True, "InvitationRedeemed",
        "redeemed by " + status.peer.name + " (" + status.peer.instanceId + ")", generation);
    showLink(pairing, status, generation, "waiting for " + status.peer.name + " to dial in");
  }

  /** Writes the invitation Secret if the current generation has none; false when the spec is unusable. */
  private boolean ensureInvitation(PeerPairing pairing, PeerPairingStatus status) {
    InvitationRequest request = pairing.getSpec().invite;
    String secretName = invitationSecretName(pairing);
    String namespace = pairing.getMetadata().getNamespace();
    Long generation = pairing.getMetadata().getGeneration();
    Secret existing = client.secrets().inNamespace(namespace).withName(secretName).get();
    boolean current = existing != null && status.invitation != null
        && Objects.equals(String.valueOf(generation), annotation(existing, ISSUED_FOR_GENERATION))
        && existing.getData() != null && existing.getData().containsKey(INVITATION_KEY)
        // An invitation signed by a key since retired would pin a key nobody holds: issue it again.
        && (annotation(existing, ISSUED_BY) == null || identity.get().instanceId().equals(annotation(existing, ISSUED_BY)));
    if (current) {
      return true;
    }
    Duration lifetime;
    try {
      lifetime = GoDuration.parse(request.expiresIn == null ? "24h" : request.expiresIn);
    } catch (IllegalArgumentException e) {
      status.phase = PairingPhase.Failed;
      if (set(status, CONDITION_INVITATION, ConditionStatus.False, "InvitationInvalid",
          "spec.invite.expiresIn: " + e.getMessage(), generation)) {
        events.record(pairing, EventRecorder.Type.Warning, "InvitationInvalid", "spec.invite.expiresIn: " + e.getMessage());
      }
      setReady(status, ConditionStatus.False, "InvitationInvalid", "fix spec.invite.expiresIn", generation);
      return false;
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Flow flow = request.flow == null ? Flow.Bidirectional : request.flow;
    int maxRedemptions = request.maxRedemptions == null ? 1 : request.maxRedemptions;
    String url = request.externalUrl != null ? request.externalUrl : externalUrl;
    InstanceIdentity inviter = identity.get();
    Invitation invitation = new Invitation(inviter.instanceId(), instanceName, url,
        inviter.certificateThumbprint(), UUID.randomUUID().toString(), now, now.plus(lifetime), flow, maxRedemptions);
    String jws = Invitations.issue(inviter, invitation);
    Secret secret = new SecretBuilder()
        .withNewMetadata()
        .withName(secretName)
        .withNamespace(namespace)
        .addToLabels("app.kubernetes.io/managed-by", "consortium-operator")
        .addToLabels("consortium.io/pairing", ResourceNames.labelValue(pairing.getMetadata().getName()))
        .addToAnnotations(ISSUED_FOR_GENERATION, String.valueOf(generation))
        .addToAnnotations("consortium.io/invitation-id", invitation.id())
        .addToAnnotations(ISSUED_BY, invitation.issuer())
        .addToAnnotations("consortium.io/expires-at", invitation.expiresAt().toString())
        .withOwnerReferences(Owners.reference(pairing))
        .endMetadata()
        .withType("Opaque")
        .withData(Map.of(INVITATION_KEY, Base64.getEncoder().encodeToString(jws.getBytes(StandardCharsets.UTF_8))))
        .build();
    client.secrets().inNamespace(namespace).resource(secret).createOr(op -> op.update());
    InvitationStatus invitationStatus = new InvitationStatus();
    invitationStatus.secretName = secretName;
    invitationStatus.id = invitation.id();
    invitationStatus.expiresAt = invitation.expiresAt().toString();
    invitationStatus.redemptions = 0;
    invitationStatus.maxRedemptions = maxRedemptions;
    status.invitation = invitationStatus;
    status.flow = flow;
    events.record(pairing, EventRecorder.Type.Normal, "InvitationIssued",
        "invitation " + invitation.id() + " written to Secret " + secretName + ", valid until " + invitation.expiresAt());
    return true;
  }

  // ---- invitee ---------------------------------------------------------------------------------

  private void reconcileInvitee(PeerPairing pairing, PeerPairingStatus status, PairingState state,
      List<Runnable> afterWrite) {
    Long generation = pairing.getMetadata().getGeneration();
    String name = pairing.getMetadata().getName();
    if (state == PairingState.Revoked) {
      afterWrite.add(() -> sessions.revoke(name, "revoked by " + instanceName));
      revoked(pairing, status, generation);
      return;
    }
    boolean redeemed = status.invitation != null && status.invitation.redemptions != null
        && status.invitation.redemptions > 0 && status.peer != null;
    String compact = null;
    if (!redeemed) {
      compact = readInvitation(pairing, status);
      if (compact == null) {
        afterWrite.add(() -> sessions.disconnect(name, "no valid invitation"));
        return;
      }
    }
    if (linkHeldBack(name, status, state, generation, afterWrite)) {
      return;
    }
    Redeem redeem = redeemed ? null
        : new Redeem(status.invitation.id, compact, instanceName, sessions.certificatePem());
    URI url = URI.create(status.peer.url);
    String pin = status.peer.instanceId;
    afterWrite.add(() -> sessions.keepLinked(name, url, pin, redeem));
    showLink(pairing, status, generation, "dialling " + status.peer.url);
  }

  /** Reads and checks the invitation named in spec.accept; pins the inviter. Null when unusable. */
  private String readInvitation(PeerPairing pairing, PeerPairingStatus status) {
    Long generation = pairing.getMetadata().getGeneration();
    SecretKeyRef ref = pairing.getSpec().accept.invitationSecretRef;
    String key = ref.key == null ? INVITATION_KEY : ref.key;
    Secret secret = client.secrets().inNamespace(pairing.getMetadata().getNamespace()).withName(ref.name).get();
    String encoded = secret == null || secret.getData() == null ? null : secret.getData().get(key);
    if (encoded == null) {
      fail(pairing, status, "InvitationInvalid", secret == null
          ? "Secret " + ref.name + " (spec.accept.invitationSecretRef) does not exist"
          : "Secret " + ref.name + " has no key '" + key + "'", generation);
      return null;
    }
    String compact;
    Invitation invitation;
    try {
      compact = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8).strip();
      invitation = Invitations.verify(compact, clock);
    } catch (InvitationException e) {
      fail(pairing, status, e.reason().name(), e.getMessage(), generation);
      return null;
    } catch (IllegalArgumentException e) {
      fail(pairing, status, "InvitationInvalid", "Secret " + ref.name + " key '" + key + "' is not base64", generation);
      return null;
    }
    if (invitation.issuer().equals(identity.get().instanceId())) {
      fail(pairing, status, "InvitationInvalid", "the invitation was issued by this very instance", generation);
      return null;
    }
    var other = directory.standingWith(invitation.issuer(), pairing.getMetadata().getName());
    if (other.isPresent()) {
      String otherName = other.get().getMetadata().getName();
      fail(pairing, status, DUPLICATE_PAIRING, "this instance is already paired with " + invitation.issuerName()
          + " (" + invitation.issuer().substring(0, 12) + "...) as PeerPairing " + otherName + ": two pairings to one"
          + " instance are refused; use " + otherName + ", or delete or revoke it and this pairing goes ahead",
          generation);
      return null;
    }
    PeerIdentity peer = status.peer == null ? new PeerIdentity() : status.peer;
    peer.instanceId = invitation.issuer();
    peer.name = invitation.issuerName();
    peer.url = invitation.url();
    peer.pin = "sha256/" + invitation.issuer();
    peer.certificateThumbprint = invitation.certificateThumbprint();
    status.peer = peer;
    status.flow = invitation.flow();
    if (status.invitation == null || !invitation.id().equals(status.invitation.id)) {
      InvitationStatus invitationStatus = new InvitationStatus();
      invitationStatus.id = invitation.id();
      invitationStatus.redemptions = 0;
      status.invitation = invitationStatus;
      sessions.retry(pairing.getMetadata().getName());
    }
    status.invitation.expiresAt = invitation.expiresAt().toString();
    status.invitation.maxRedemptions = invitation.maxRedemptions();
    if (set(status, CONDITION_INVITATION, ConditionStatus.True, "InvitationVerified",
        "signed by " + invitation.issuer() + " (" + invitation.issuerName() + "), valid until " + invitation.expiresAt(),
        generation)) {
      events.record(pairing, EventRecorder.Type.Normal, "InvitationVerified",
          "invitation from " + invitation.issuerName() + " verified; inviter key pinned");
    }
    return compact;
  }

  // ---- both ------------------------------------------------------------------------------------

  /** Phase and conditions from what the link is doing. */
  private void showLink(PeerPairing pairing, PeerPairingStatus status, Long generation, String waiting) {
    String name = pairing.getMetadata().getName();
    LinkState link = sessions.state(name).orElse(null);
    PairingPhase before = status.phase;
    if (link != null && link.connected()) {
      status.phase = PairingPhase.Connected;
      set(status, CONDITION_CONNECTED, ConditionStatus.True, "LinkUp",
          "linked to " + status.peer.name + " since " + status.connectedSince, generation);
      setReady(status, ConditionStatus.True, "LinkUp", "the pairing is connected", generation);
      Instant seen = link.lastSeenAt();
      if (seen != null && (status.lastSeenAt == null
          || !Instant.parse(status.lastSeenAt).plus(LAST_SEEN_INTERVAL).isAfter(clock.instant()))) {
        status.lastSeenAt = seen.truncatedTo(ChronoUnit.SECONDS).toString();
      }
    } else if (link != null && link.gaveUp()) {
      if (PairingPhase.PeerRevoked.name().equals(link.problemReason())) {
        status.phase = PairingPhase.PeerRevoked;
      } else {
        status.phase = PairingPhase.Failed;
      }
      set(status, CONDITION_CONNECTED, ConditionStatus.False, link.problemReason(), link.problem(), generation);
      setReady(status, ConditionStatus.False, link.problemReason(), link.problem(), generation);
    } else {
      status.phase = status.connectedSince == null ? PairingPhase.Connecting : PairingPhase.Disconnected;
      String reason = link == null ? "NotConnected" : link.problemReason();
      String message = link == null ? waiting : link.problem() + (link.since() == null ? "" : " (since " + link.since()
          .truncatedTo(ChronoUnit.SECONDS) + "); retrying with backoff");
      set(status, CONDITION_CONNECTED, ConditionStatus.False, reason, message, generation);
      setReady(status, ConditionStatus.False, reason, message, generation);
    }
    if (before != status.phase && status.phase != null) {
      EventRecorder.Type type = status.phase == PairingPhase.Connected ? EventRecorder.Type.Normal : EventRecorder.Type.Warning;
      String reason = status.phase == PairingPhase.Connected ? "Connected"
          : Conditions.find(status.conditions, CONDITION_CONNECTED).map(c -> c.reason).orElse(status.phase.name());
      String message = Conditions.find(status.conditions, CONDITION_CONNECTED).map(c -> c.message).orElse("");
      if (status.phase != PairingPhase.Connecting || link != null) {
        events.record(pairing, type, reason, message);
      }
    }
  }

  /** Suspended (this side closes the link) or revoked by the peer (it stays closed): no link to show. */
  private boolean linkHeldBack(String name, PeerPairingStatus status, PairingState state, Long generation,
      List<Runnable> afterWrite) {
    if (state == PairingState.Suspended) {
      afterWrite.add(() -> sessions.disconnect(name, "PairingSuspended: " + instanceName + " suspended the pairing"));
      suspended(status, generation);
      return true;
    }
    return status.phase == PairingPhase.PeerRevoked;
  }

  private void revoked(PeerPairing pairing, PeerPairingStatus status, Long generation) {
    if (status.phase != PairingPhase.Revoked) {
      events.record(pairing, EventRecorder.Type.Normal, "PairingRevoked",
          "the pairing was revoked; the peer is told if it is connected, and the invitation withdrawn");
    }
    status.phase = PairingPhase.Revoked;
    set(status, CONDITION_CONNECTED, ConditionStatus.False, "PairingRevoked", "the pairing was revoked", generation);
    setReady(status, ConditionStatus.False, "PairingRevoked", "the pairing was revoked", generation);
  }

  private void suspended(PeerPairingStatus status, Long generation) {
    status.phase = PairingPhase.Suspended;
    set(status, CONDITION_CONNECTED, ConditionStatus.False, "PairingSuspended",
        "the pairing is suspended: set spec.state to Active to link again", generation);
    setReady(status, ConditionStatus.False, "PairingSuspended", "the pairing is suspended", generation);
  }

  private Duration nextVisit(PeerPairingStatus status) {
    if (status == null) {
      return null;
    }
    if (status.phase == PairingPhase.Invited && status.invitation != null) {
      Duration untilExpiry = Duration.between(clock.instant(), Instant.parse(status.invitation.expiresAt));
      return untilExpiry.isNegative() ? null : untilExpiry.plusSeconds(1);
    }
    if (status.phase == PairingPhase.Connected) {
      return LAST_SEEN_INTERVAL;
    }
    if (status.phase == PairingPhase.Failed && Conditions.find(status.conditions, CONDITION_INVITATION)
        .filter(c -> DUPLICATE_PAIRING.equals(c.reason)).isPresent()) {
      return DUPLICATE_RECHECK; // goes ahead by itself once the other pairing is revoked or deleted
    }
    return null;
  }

  private void fail(PeerPairing pairing, PeerPairingStatus status, String reason, String message, Long generation) {
    status.phase = PairingPhase.Failed;
    if (set(status, CONDITION_INVITATION, ConditionStatus.False, reason, message, generation)) {
      events.record(pairing, EventRecorder.Type.Warning, reason, message);
    }
    setReady(status, ConditionStatus.False, reason, message, generation);
  }

  private boolean set(PeerPairingStatus status, String type, ConditionStatus value, String reason, String message,
      Long generation) {
    return Conditions.set(status.conditions, type, value, reason, message, generation, clock);
  }

  private void setReady(PeerPairingStatus status, ConditionStatus value, String reason, String message, Long generation) {
    Conditions.set(status.conditions, Conditions.READY, value, reason, message, generation, clock);
  }

  private static String invitationSecretName(PeerPairing pairing) {
    InvitationRequest request = pairing.getSpec().invite;
    return request != null && request.secretName != null ? request.secretName
        : ResourceNames.derived(pairing.getMetadata().getName(), "-invitation");
  }

  private static String annotation(Secret secret, String name) {
    return secret.getMetadata().getAnnotations() == null ? null : secret.getMetadata().getAnnotations().get(name);
  }
}
