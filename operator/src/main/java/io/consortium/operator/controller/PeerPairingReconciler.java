package io.consortium.operator.controller;

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
import io.consortium.operator.status.Conditions;
import io.consortium.operator.status.EventRecorder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * PeerPairing, first steps: the inviter writes a signed invitation into a Secret; the invitee checks
 * the invitation it was given and pins the inviter's key. Dialing the inviter over the peer link
 * comes with the mesh.
 */
@ControllerConfiguration(name = "peerpairing")
public final class PeerPairingReconciler implements Reconciler<PeerPairing> {

  /** Key of the invitation in its Secret. */
  public static final String INVITATION_KEY = "invitation";
  /** Annotation on the invitation Secret: the pairing generation it was issued for. */
  static final String ISSUED_FOR_GENERATION = "consortium.io/issued-for-generation";

  public static final String CONDITION_INVITATION = "InvitationValid";
  public static final String CONDITION_CONNECTED = "Connected";

  private final KubernetesClient client;
  private final InstanceIdentity identity;
  private final String instanceName;
  private final String externalUrl;
  private final EventRecorder events;
  private final Clock clock;

  public PeerPairingReconciler(KubernetesClient client, InstanceIdentity identity, String instanceName,
      String externalUrl, EventRecorder events, Clock clock) {
    this.client = client;
    this.identity = identity;
    this.instanceName = instanceName;
    this.externalUrl = externalUrl;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public UpdateControl<PeerPairing> reconcile(PeerPairing pairing, Context<PeerPairing> context) {
    PeerPairingStatus status = pairing.getStatus() == null ? new PeerPairingStatus() : pairing.getStatus();
    pairing.setStatus(status);
    status.localInstanceId = identity.instanceId();
    status.observedGeneration = pairing.getMetadata().getGeneration();
    PairingState state = pairing.getSpec().state == null ? PairingState.Active : pairing.getSpec().state;
    if (pairing.getSpec().invite != null) {
      status.role = PairingRole.Inviter;
      reconcileInvitation(pairing, status, state);
    } else {
      status.role = PairingRole.Invitee;
      reconcileAcceptance(pairing, status, state);
    }
    UpdateControl<PeerPairing> control = UpdateControl.patchStatus(pairing);
    // Come back when an unredeemed invitation expires, so that the status says so without a person asking.
    if (status.role == PairingRole.Inviter && status.phase == PairingPhase.Invited && status.invitation != null) {
      Duration untilExpiry = Duration.between(clock.instant(), Instant.parse(status.invitation.expiresAt));
      if (!untilExpiry.isNegative()) {
        control.rescheduleAfter(untilExpiry.plusSeconds(1));
      }
    }
    return control;
  }

  private void reconcileInvitation(PeerPairing pairing, PeerPairingStatus status, PairingState state) {
    InvitationRequest request = pairing.getSpec().invite;
    String secretName = request.secretName != null ? request.secretName : pairing.getMetadata().getName() + "-invitation";
    String namespace = pairing.getMetadata().getNamespace();
    Long generation = pairing.getMetadata().getGeneration();
    if (state == PairingState.Revoked) {
      // An unredeemed invitation of a revoked pairing must never be redeemable again.
      client.secrets().inNamespace(namespace).withName(secretName).delete();
      status.phase = PairingPhase.Revoked;
      set(status, CONDITION_INVITATION, ConditionStatus.False, "PairingRevoked",
          "the pairing was revoked; its invitation was withdrawn", generation);
      setReady(status, ConditionStatus.False, "PairingRevoked", "the pairing was revoked", generation);
      return;
    }
    Secret existing = client.secrets().inNamespace(namespace).withName(secretName).get();
    boolean current = existing != null
        && status.invitation != null
        && Objects.equals(String.valueOf(generation), annotation(existing, ISSUED_FOR_GENERATION))
        && existing.getData() != null && existing.getData().containsKey(INVITATION_KEY);
    if (!current) {
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
        return;
      }
      Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      Flow flow = request.flow == null ? Flow.Bidirectional : request.flow;
      int maxRedemptions = request.maxRedemptions == null ? 1 : request.maxRedemptions;
      String url = request.externalUrl != null ? request.externalUrl : externalUrl;
      Invitation invitation = new Invitation(identity.instanceId(), instanceName, url,
          identity.certificateThumbprint(), UUID.randomUUID().toString(), now, now.plus(lifetime), flow, maxRedemptions);
      String jws = Invitations.issue(identity, invitation);
      Secret secret = new SecretBuilder()
          .withNewMetadata()
          .withName(secretName)
          .withNamespace(namespace)
          .addToLabels("app.kubernetes.io/managed-by", "consortium-operator")
          .addToLabels("consortium.io/pairing", pairing.getMetadata().getName())
          .addToAnnotations(ISSUED_FOR_GENERATION, String.valueOf(generation))
          .addToAnnotations("consortium.io/invitation-id", invitation.id())
          .addToAnnotations("consortium.io/expires-at", invitation.expiresAt().toString())
          .withOwnerReferences(Owners.reference(pairing))
          .endMetadata()
          .withType("Opaque")
          .withData(Map.of(INVITATION_KEY,
              Base64.getEncoder().encodeToString(jws.getBytes(StandardCharsets.UTF_8))))
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
    }
    Instant expiresAt = Instant.parse(status.invitation.expiresAt);
    boolean redeemed = status.invitation.redemptions != null && status.invitation.redemptions > 0;
    if (!redeemed && !clock.instant().isBefore(expiresAt)) {
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
    status.phase = state == PairingState.Suspended ? PairingPhase.Suspended : PairingPhase.Invited;
    set(status, CONDITION_INVITATION, ConditionStatus.True, "InvitationIssued",
        "hand Secret " + status.invitation.secretName + " to the invitee; it can be redeemed "
            + status.invitation.maxRedemptions + " time(s) until " + status.invitation.expiresAt, generation);
    setReady(status, ConditionStatus.False, "WaitingForRedemption",
        "waiting for the invitee to redeem the invitation", generation);
  }

  private void reconcileAcceptance(PeerPairing pairing, PeerPairingStatus status, PairingState state) {
    Long generation = pairing.getMetadata().getGeneration();
    SecretKeyRef ref = pairing.getSpec().accept.invitationSecretRef;
    String key = ref.key == null ? INVITATION_KEY : ref.key;
    Secret secret = client.secrets().inNamespace(pairing.getMetadata().getNamespace()).withName(ref.name).get();
    String compact = secret == null || secret.getData() == null ? null : secret.getData().get(key);
    if (compact == null) {
      fail(pairing, status, "InvitationInvalid", secret == null
          ? "Secret " + ref.name + " (spec.accept.invitationSecretRef) does not exist"
          : "Secret " + ref.name + " has no key '" + key + "'", generation);
      return;
    }
    Invitation invitation;
    try {
      invitation = Invitations.verify(new String(Base64.getDecoder().decode(compact), StandardCharsets.UTF_8), clock);
    } catch (InvitationException e) {
      fail(pairing, status, e.reason().name(), e.getMessage(), generation);
      return;
    } catch (IllegalArgumentException e) {
      fail(pairing, status, "InvitationInvalid", "Secret " + ref.name + " key '" + key + "' is not base64", generation);
      return;
    }
    if (invitation.issuer().equals(identity.instanceId())) {
      fail(pairing, status, "InvitationInvalid", "the invitation was issued by this very instance", generation);
      return;
    }
    PeerIdentity peer = status.peer == null ? new PeerIdentity() : status.peer;
    peer.instanceId = invitation.issuer();
    peer.name = invitation.issuerName();
    peer.url = invitation.url();
    peer.pin = "sha256/" + invitation.issuer();
    peer.certificateThumbprint = invitation.certificateThumbprint();
    status.peer = peer;
    status.flow = invitation.flow();
    InvitationStatus invitationStatus = new InvitationStatus();
    invitationStatus.id = invitation.id();
    invitationStatus.expiresAt = invitation.expiresAt().toString();
    invitationStatus.maxRedemptions = invitation.maxRedemptions();
    status.invitation = invitationStatus;
    if (set(status, CONDITION_INVITATION, ConditionStatus.True, "InvitationVerified",
        "signed by " + invitation.issuer() + " (" + invitation.issuerName() + "), valid until " + invitation.expiresAt(),
        generation)) {
      events.record(pairing, EventRecorder.Type.Normal, "InvitationVerified",
          "invitation from " + invitation.issuerName() + " verified; inviter key pinned");
    }
    status.phase = switch (state) {
      case Suspended -> PairingPhase.Suspended;
      case Revoked -> PairingPhase.Revoked;
      case Active -> PairingPhase.Connecting;
    };
    set(status, CONDITION_CONNECTED, ConditionStatus.Unknown, "LinkNotStarted",
        "the invitation is valid and the inviter's key is pinned; this build does not run the peer link yet, so "
            + invitation.url() + " is not dialled", generation);
    setReady(status, ConditionStatus.False, "LinkNotStarted", "the peer link is not running", generation);
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

  private static String annotation(Secret secret, String name) {
    return secret.getMetadata().getAnnotations() == null ? null : secret.getMetadata().getAnnotations().get(name);
  }
}
