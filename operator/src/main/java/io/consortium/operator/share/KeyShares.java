package io.consortium.operator.share;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.KeyShareStatus;
import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.spec.AcceptMode;
import io.consortium.operator.api.v1alpha1.spec.ConditionStatus;
import io.consortium.operator.api.v1alpha1.spec.Decision;
import io.consortium.operator.api.v1alpha1.spec.Direction;
import io.consortium.operator.api.v1alpha1.spec.KeyUsage;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.PairingState;
import io.consortium.operator.api.v1alpha1.spec.PublicKeyMaterial;
import io.consortium.operator.api.v1alpha1.spec.RecipientStatus;
import io.consortium.operator.api.v1alpha1.spec.ShareOrigin;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.mesh.protocol.SignedEnvelope;
import io.consortium.operator.mesh.protocol.messages.DecisionOutcome;
import io.consortium.operator.mesh.protocol.messages.ShareAck;
import io.consortium.operator.mesh.protocol.messages.ShareDecision;
import io.consortium.operator.mesh.protocol.messages.ShareOffer;
import io.consortium.operator.mesh.protocol.messages.ShareRevoke;
import io.consortium.operator.pairing.PairingDirectory;
import io.consortium.operator.pairing.PeerSessions;
import io.consortium.operator.pairing.RemoteNodes;
import io.consortium.operator.pairing.ShareInbox;
import io.consortium.operator.share.ShareLifecycle.Cause;
import io.consortium.operator.status.Conditions;
import io.consortium.operator.status.EventRecorder;
import io.consortium.operator.status.StatusWriter;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KeyShare end to end, on both sides: the origin derives the public material and offers it to each
 * recipient; the receiver creates the incoming KeyShare, acknowledges it, and sends the decision
 * back; an accepted key lands in a ConfigMap. Every phase moves through {@link ShareLifecycle}.
 */
public final class KeyShares implements ShareInbox {

  public static final String KIND = "KeyShare";
  public static final String SHARE_UID_LABEL = "consortium.io/share-uid";
  public static final String FROM_LABEL = "consortium.io/from";
  public static final String DIRECTION_LABEL = "consortium.io/direction";
  /** Deletes an outgoing share without waiting for every recipient to be told. */
  public static final String FORCE_DELETE = "consortium.io/force-delete";

  private static final Logger LOG = LoggerFactory.getLogger(KeyShares.class);
  /** One JSON line per share transition, on its own logger so that it can be routed apart. */
  private static final Logger AUDIT = LoggerFactory.getLogger("consortium.audit");

  private final KubernetesClient client;
  private final String namespace;
  private final PeerSessions sessions;
  private final PairingDirectory pairings;
  private final StatusWriter writer;
  private final EventRecorder events;
  private final Clock clock;
  private volatile Consumer<String> revisit = name -> { };

  public KeyShares(KubernetesClient client, String namespace, PeerSessions sessions, PairingDirectory pairings,
      StatusWriter writer, EventRecorder events, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.sessions = sessions;
    this.pairings = pairings;
    this.writer = writer;
    this.events = events;
    this.clock = clock;
  }

  /**
   * Whether an outgoing share still has recipients waiting for delivery, or for a revocation they have
   * not confirmed (the reconciler looks again later).
   */
  public static boolean awaitsDelivery(KeyShare share) {
    return share.getSpec().isOutgoing() && share.getStatus() != null
        && share.getStatus().recipients.stream().anyMatch(r -> r.phase == SharePhase.Pending
            || share.getSpec().isRevoked() && r.phase != SharePhase.Revoked);
  }

  /** How to make the reconciler look at a KeyShare again (a link came up). */
  public void setRevisit(Consumer<String> revisit) {
    this.revisit = revisit;
  }

  // ---- reconcile -------------------------------------------------------------------------------

  public void reconcile(KeyShare share) {
    if (share.getSpec().isOutgoing()) {
      reconcileOutgoing(share);
    } else {
      reconcileIncoming(share);
    }
  }

  private void reconcileOutgoing(KeyShare share) {
    String name = share.getMetadata().getName();
    Long generation = share.getMetadata().getGeneration();
    PublicKeyMaterial material;
    try {
      material = material(share);
    } catch (IllegalArgumentException e) {
      writer.update(KeyShare.class, name, KeyShareStatus::new, fresh -> {
        KeyShareStatus st = fresh.getStatus();
        st.direction = Direction.Outgoing;
        st.observedGeneration = generation;
        if (Conditions.set(st.conditions, Conditions.READY, ConditionStatus.False, "SourceInvalid", e.getMessage(),
            generation, clock)) {
          events.record(fresh, EventRecorder.Type.Warning, "SourceInvalid", e.getMessage());
        }
        st.summary = "SourceInvalid";
      });
      return;
    }
    Map<String, PeerPairing> known = new HashMap<>();
    for (PeerPairing pairing : pairings.all()) {
      known.put(pairing.getMetadata().getName(), pairing);
    }
    ShareOffer offer = new ShareOffer(KIND, share.getMetadata().getUid(), name, generation,
        share.getSpec().expiresAt == null ? null : Instant.parse(share.getSpec().expiresAt), payload(share, material),
        null);
    writer.update(KeyShare.class, name, KeyShareStatus::new, fresh -> {
      KeyShareStatus st = fresh.getStatus();
      st.direction = Direction.Outgoing;
      st.observedGeneration = generation;
      st.revision = generation;
      st.algorithm = material.algorithm;
      st.curve = material.curve;
      st.keySize = material.keySize;
      st.fingerprint = material.fingerprint;
      st.peers = String.join(",", fresh.getSpec().to);
      boolean revoked = fresh.getSpec().isRevoked();
      boolean expired = fresh.getSpec().expiresAt != null && !clock.instant().isBefore(Instant.parse(fresh.getSpec().expiresAt));
      for (String to : fresh.getSpec().to) {
        RecipientStatus recipient = recipient(st, to);
        if (recipient.phase == SharePhase.Revoked) {
          continue;
        }
        PeerPairing pairing = known.get(to);
        if (revoked) {
          // Revoked once the recipient confirms (SHARE_ACK Revoked), not once sent: a revocation queued on a
          // link that goes down is lost, so it is sent again at every visit until confirmed.
          if (sessions.send(to, new ShareRevoke(fresh.getMetadata().getUid()))) {
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
        if (recipient.revision != null && !recipient.revision.equals(generation)
            && ShareLifecycle.allows(Direction.Outgoing, recipient.phase, SharePhase.Pending, Cause.NEW_REVISION)) {
          move(fresh, recipient, SharePhase.Pending, Cause.NEW_REVISION, "NewRevision", "revision " + generation + " to deliver");
          recipient.revision = null;
        }
        if (recipient.phase != SharePhase.Pending) {
          continue;
        }
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
              note(recipient, "Offered", "revision " + generation + " sent; waiting for the acknowledgement");
            } else {
              // The link, not the pairing's status (written a moment later), says whether we can send now.
              PairingPhase phase = pairing.getStatus() == null ? null : pairing.getStatus().phase;
              note(recipient, "PeerNotConnected", "pairing " + to + " has no link right now"
                  + (phase == null ? "" : " (" + phase + ")") + "; delivered when it has");
            }
          } catch (io.consortium.operator.mesh.protocol.ProtocolException e) {
            note(recipient, e.error().name(), e.getMessage());
            if (Conditions.set(st.conditions, "PayloadAccepted", ConditionStatus.False, e.error().name(), e.getMessage(),
                generation, clock)) {
              events.record(fresh, EventRecorder.Type.Warning, e.error().name(), e.getMessage());
            }
          }
        }
      }
      summarize(st, generation);
    });
  }

  private void reconcileIncoming(KeyShare share) {
    String name = share.getMetadata().getName();
    Long generation = share.getMetadata().getGeneration();
    ShareOrigin from = share.getSpec().from;
    Optional<KeyShare> written = writer.update(KeyShare.class, name, KeyShareStatus::new, fresh -> {
      KeyShareStatus st = fresh.getStatus();
      st.direction = Direction.Incoming;
      st.observedGeneration = generation;
      st.peers = from.pairing;
      PublicKeyMaterial material = fresh.getSpec().material;
      if (material != null) {
        st.algorithm = material.algorithm;
        st.curve = material.curve;
        st.keySize = material.keySize;
        st.fingerprint = material.fingerprint;
      }
      if (st.phase == null) {
        st.phase = SharePhase.Pending;
      } else if (st.revision != null && !st.revision.equals(from.revision)
          && ShareLifecycle.allows(Direction.Incoming, st.phase, SharePhase.Pending, Cause.NEW_REVISION)) {
        st.phase = SharePhase.Pending;
        st.decidedBy = null;
        st.decidedAt = null;
      }
      st.revision = from.revision;
      boolean expired = fresh.getSpec().expiresAt != null
          && !clock.instant().isBefore(Instant.parse(fresh.getSpec().expiresAt));
      if (expired && st.phase == SharePhase.Pending) {
        st.phase = ShareLifecycle.move(Direction.Incoming, st.phase, SharePhase.Expired, Cause.EXPIRY);
        events.record(fresh, EventRecorder.Type.Warning, "Expired", "spec.expiresAt passed before a decision");
      }
      Boolean accepts = fresh.getSpec().decisionAccepts();
      if (accepts != null && st.phase == SharePhase.Pending) {
        SharePhase to = accepts ? SharePhase.Accepted : SharePhase.Rejected;
        st.phase = ShareLifecycle.move(Direction.Incoming, st.phase, to, Cause.DECISION);
        st.decidedAt = Conditions.now(clock);
        st.decidedBy = decidedBy(fresh);
        events.record(fresh, EventRecorder.Type.Normal, to.name(), "decided by " + st.decidedBy);
        AUDIT.info("{}", audit(KIND, name, from.pairing, "Pending", to.name(), st.decidedBy));
      } else if (accepts != null && st.phase == SharePhase.Expired) {
        Conditions.set(st.conditions, "DecisionFinal", ConditionStatus.True, "ShareExpired",
            "the share expired before the decision; the origin can send a new revision with a later spec.expiresAt",
            generation, clock);
      } else if (accepts != null && (st.phase == SharePhase.Accepted || st.phase == SharePhase.Rejected)
          && (accepts != (st.phase == SharePhase.Accepted))) {
        Conditions.set(st.conditions, "DecisionFinal", ConditionStatus.True, "DecisionFinal",
            "this revision was already " + st.phase + "; a decision is final for a revision", generation, clock);
      }
      st.summary = st.phase.name();
      Conditions.set(st.conditions, Conditions.READY, st.phase == SharePhase.Pending ? ConditionStatus.False
          : ConditionStatus.True, st.phase.name(), st.phase == SharePhase.Pending
          ? "waiting for a decision: set spec.decision to Accept or Reject" : "the share is " + st.phase, generation, clock);
    });
    written.ifPresent(this::afterIncomingDecision);
  }

  private void afterIncomingDecision(KeyShare share) {
    KeyShareStatus st = share.getStatus();
    if (st.phase == SharePhase.Accepted && share.getSpec().material != null && st.configMapName == null) {
      String configMap = share.getMetadata().getName() + "-public-key";
      Map<String, String> data = new LinkedHashMap<>();
      if (share.getSpec().material.certificate != null) {
        data.put("certificate.pem", share.getSpec().material.certificate);
      }
      data.put("public-key.pem", share.getSpec().material.publicKey);
      data.put("fingerprint", share.getSpec().material.fingerprint);
      if (share.getSpec().mspId != null) {
        data.put("mspId", share.getSpec().mspId);
      }
      if (share.getSpec().usage != null) {
        data.put("usage", share.getSpec().usage.name());
      }
      data.put("from", share.getSpec().from.pairing);
      client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
          .withNewMetadata().withName(configMap).withNamespace(namespace)
          .addToLabels(FROM_LABEL, share.getSpec().from.pairing)
          .addToLabels("app.kubernetes.io/managed-by", "consortium-operator")
          .endMetadata().withData(data).build()).createOr(NonDeletingOperation::update);
      writer.update(KeyShare.class, share.getMetadata().getName(), KeyShareStatus::new,
          fresh -> fresh.getStatus().configMapName = configMap);
    }
    if (st.phase == SharePhase.Accepted || st.phase == SharePhase.Rejected) {
      // Sent on every visit while decided: the origin ignores a decision it already has.
      sessions.send(share.getSpec().from.pairing, new ShareDecision(share.getSpec().from.shareUid,
          share.getSpec().from.revision, st.phase == SharePhase.Accepted ? DecisionOutcome.Accepted : DecisionOutcome.Rejected,
          st.decidedBy, Instant.parse(st.decidedAt), null));
    }
  }

  /**
   * Before an outgoing share goes: tells every recipient it is revoked. True when all were told (or
   * the {@code consortium.io/force-delete} annotation says not to wait); false while some peer has no link.
   */
  public boolean revokeBeforeDelete(KeyShare share) {
    if (!share.getSpec().isOutgoing()) {
      return true;
    }
    boolean force = share.getMetadata().getAnnotations() != null
        && "true".equals(share.getMetadata().getAnnotations().get(FORCE_DELETE));
    List<String> untold = new java.util.ArrayList<>();
    for (String to : share.getSpec().to) {
      RecipientStatus recipient = share.getStatus() == null ? null : share.getStatus().recipients.stream()
          .filter(r -> to.equals(r.pairing)).findFirst().orElse(null);
      if (recipient == null || recipient.phase == SharePhase.Revoked || recipient.phase == SharePhase.Pending
          && recipient.revision == null && !"Offered".equals(recipient.reason)) {
        continue; // never delivered: nothing to take back
      }
      if (!sessions.send(to, new ShareRevoke(share.getMetadata().getUid()))) {
        untold.add(to);
      }
    }
    if (untold.isEmpty()) {
      return true;
    }
    String message = "deleting: " + String.join(", ", untold) + " not told of the revocation yet (no link);"
        + " waiting, or annotate " + FORCE_DELETE + "=true to delete without telling them";
    if (force) {
      events.record(share, EventRecorder.Type.Warning, "RevocationNotDelivered", "deleted without telling "
          + String.join(", ", untold) + " (" + FORCE_DELETE + ")");
      return true;
    }
    writer.update(KeyShare.class, share.getMetadata().getName(), KeyShareStatus::new, fresh ->
        Conditions.set(fresh.getStatus().conditions, Conditions.READY, ConditionStatus.False, "RevocationPending",
            message, fresh.getMetadata().getGeneration(), clock));
    return false;
  }

  // ---- the link --------------------------------------------------------------------------------

  @Override
  public void offer(String pairing, String peerInstanceId, SignedEnvelope envelope, ShareOffer offer) {
    if (!KIND.equals(offer.kind())) {
      LOG.warn("Pairing {} offered a {}, which this version does not receive yet", pairing, offer.kind());
      return;
    }
    Optional<KeyShare> existing = incoming(pairing, offer.shareUid());
    JsonNode payload = offer.payload();
    PublicKeyMaterial material = ProtocolJson.MAPPER.convertValue(payload.get("material"), PublicKeyMaterial.class);
    if (existing.isEmpty()) {
      KeyShare share = new KeyShare();
      share.getMetadata().setName(RemoteNodes.localName(pairing, offer.shareName()));
      share.getMetadata().setLabels(Map.of(DIRECTION_LABEL, "incoming", FROM_LABEL, pairing,
          SHARE_UID_LABEL, offer.shareUid()));
      share.setSpec(incomingSpec(pairing, peerInstanceId, envelope, offer, material, payload));
      PeerPairing owner = pairings.get(pairing).orElse(null);
      if (owner != null && owner.getSpec().acceptPolicy != null
          && owner.getSpec().acceptPolicy.modeFor(KIND) == AcceptMode.Auto) {
        share.getSpec().decision = Decision.Accept;
      }
      client.resources(KeyShare.class).inNamespace(namespace).resource(share).create();
      AUDIT.info("{}", audit(KIND, share.getMetadata().getName(), pairing, null, "Pending", "peer:" + pairing));
    } else if (existing.get().getSpec().from.revision < offer.revision()) {
      KeyShare share = existing.get();
      boolean payloadChanged = !ProtocolJson.MAPPER.valueToTree(share.getSpec().material)
          .equals(ProtocolJson.MAPPER.valueToTree(material));
      KeyShareSpec spec = incomingSpec(pairing, peerInstanceId, envelope, offer, material, payload);
      spec.decision = payloadChanged ? null : share.getSpec().decision;
      share.setSpec(spec);
      client.resource(share).update();
    }
    sessions.send(pairing, new ShareAck(offer.shareUid(), offer.revision(), SharePhase.Pending));
  }

  @Override
  public void acknowledged(String pairing, ShareAck ack) {
    outgoing(ack.shareUid()).ifPresent(share -> writer.update(KeyShare.class, share.getMetadata().getName(),
        KeyShareStatus::new, fresh -> {
          RecipientStatus recipient = recipient(fresh.getStatus(), pairing);
          if (ack.phase() == SharePhase.Revoked) {
            if (ShareLifecycle.allows(Direction.Outgoing, recipient.phase, SharePhase.Revoked, Cause.REVOCATION)) {
              move(fresh, recipient, SharePhase.Revoked, Cause.REVOCATION, "RevokedByOrigin",
                  "revoked; the recipient confirmed");
            }
          } else if (ack.revision() == fresh.getMetadata().getGeneration() && recipient.phase == SharePhase.Pending) {
            move(fresh, recipient, SharePhase.Delivered, Cause.DELIVERY, "Delivered", "revision " + ack.revision()
                + " is on " + pairing + "'s cluster, waiting for its decision");
            recipient.revision = ack.revision();
          }
          summarize(fresh.getStatus(), fresh.getMetadata().getGeneration());
        }));
  }

  @Override
  public void decided(String pairing, ShareDecision decision) {
    outgoing(decision.shareUid()).ifPresent(share -> writer.update(KeyShare.class, share.getMetadata().getName(),
        KeyShareStatus::new, fresh -> {
          RecipientStatus recipient = recipient(fresh.getStatus(), pairing);
          if (decision.revision() != fresh.getMetadata().getGeneration()) {
            return;
          }
          if (recipient.phase == SharePhase.Pending) {
            move(fresh, recipient, SharePhase.Delivered, Cause.DELIVERY, "Delivered", "acknowledged with the decision");
            recipient.revision = decision.revision();
          }
          SharePhase to = decision.decision() == DecisionOutcome.Accepted ? SharePhase.Accepted : SharePhase.Rejected;
          if (ShareLifecycle.allows(Direction.Outgoing, recipient.phase, to, Cause.DECISION)) {
            move(fresh, recipient, to, Cause.DECISION, to.name(), to + " by " + decision.decidedBy());
            recipient.decidedBy = decision.decidedBy();
            recipient.decidedAt = decision.decidedAt().toString();
          }
          summarize(fresh.getStatus(), fresh.getMetadata().getGeneration());
        }));
  }

  @Override
  public void revoked(String pairing, ShareRevoke revoke) {
    Optional<KeyShare> existing = incoming(pairing, revoke.shareUid());
    existing.ifPresent(share -> writer.update(KeyShare.class, share.getMetadata().getName(),
        KeyShareStatus::new, fresh -> {
          KeyShareStatus st = fresh.getStatus();
          SharePhase from = st.phase == null ? SharePhase.Pending : st.phase;
          if (ShareLifecycle.allows(Direction.Incoming, from, SharePhase.Revoked, Cause.REVOCATION)) {
            st.phase = SharePhase.Revoked;
            st.summary = "Revoked";
            Conditions.set(st.conditions, Conditions.READY, ConditionStatus.False, "RevokedByOrigin",
                "the origin revoked the share; what was accepted is kept", fresh.getMetadata().getGeneration(), clock);
            events.record(fresh, EventRecorder.Type.Warning, "RevokedByOrigin", "revoked by the origin on " + pairing);
            AUDIT.info("{}", audit(KIND, fresh.getMetadata().getName(), pairing, from.name(), "Revoked", "peer:" + pairing));
          }
        }));
    // Confirmed once written (or when there was nothing here to revoke), so that the origin stops sending it.
    sessions.send(pairing, new ShareAck(revoke.shareUid(), existing.map(s -> s.getSpec().from.revision).orElse(1L),
        SharePhase.Revoked));
  }

  @Override
  public void linkUp(String pairing) {
    for (KeyShare share : client.resources(KeyShare.class).inNamespace(namespace).list().getItems()) {
      boolean outgoingToIt = share.getSpec().to != null && share.getSpec().to.contains(pairing);
      boolean incomingFromIt = share.getSpec().from != null && pairing.equals(share.getSpec().from.pairing);
      if (outgoingToIt || incomingFromIt) {
        revisit.accept(share.getMetadata().getName());
      }
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private PublicKeyMaterial material(KeyShare share) {
    KeyShareSpec spec = share.getSpec();
    if (spec.source != null) {
      Secret secret = client.secrets().inNamespace(namespace).withName(spec.source.name).get();
      if (secret == null) {
        throw new IllegalArgumentException("Secret " + spec.source.name + " (spec.source) does not exist");
      }
      Map<String, String> decoded = new HashMap<>();
      if (secret.getData() != null) {
        secret.getData().forEach((k, v) -> decoded.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
      }
      if (secret.getStringData() != null) {
        decoded.putAll(secret.getStringData());
      }
      return PublicMaterial.fromSecret(spec.source.name, decoded, spec.source.key);
    }
    String secretName = spec.generate.secretName != null ? spec.generate.secretName : share.getMetadata().getName() + "-key";
    Secret existing = client.secrets().inNamespace(namespace).withName(secretName).get();
    if (existing != null && existing.getData() != null && existing.getData().containsKey("tls.crt")) {
      return PublicMaterial.fromPem(new String(Base64.getDecoder().decode(existing.getData().get("tls.crt")),
          StandardCharsets.UTF_8), "Secret " + secretName);
    }
    String curve = spec.generate.curve == null ? "P-256" : spec.generate.curve == io.consortium.operator.api.v1alpha1.spec.KeyGeneration.Curve.P384 ? "P-384" : "P-256";
    PublicMaterial.Generated generated = PublicMaterial.generate(curve,
        spec.generate.commonName != null ? spec.generate.commonName : share.getMetadata().getName(), clock.instant());
    client.secrets().inNamespace(namespace).resource(new SecretBuilder()
        .withNewMetadata().withName(secretName).withNamespace(namespace)
        .addToLabels("app.kubernetes.io/managed-by", "consortium-operator")
        .addToLabels("consortium.io/keyshare", share.getMetadata().getName()).endMetadata()
        .withType("kubernetes.io/tls")
        .withData(Map.of("tls.key", base64(generated.privateKeyPem()), "tls.crt", base64(generated.material().certificate)))
        .build()).create();
    writer.update(KeyShare.class, share.getMetadata().getName(), KeyShareStatus::new,
        fresh -> fresh.getStatus().generatedSecretName = secretName);
    return generated.material();
  }

  private static JsonNode payload(KeyShare share, PublicKeyMaterial material) {
    ObjectNode payload = ProtocolJson.MAPPER.createObjectNode();
    payload.set("material", ProtocolJson.MAPPER.valueToTree(material));
    if (share.getSpec().usage != null) {
      payload.put("usage", share.getSpec().usage.name());
    }
    if (share.getSpec().mspId != null) {
      payload.put("mspId", share.getSpec().mspId);
    }
    return payload;
  }

  private static KeyShareSpec incomingSpec(String pairing, String peerInstanceId, SignedEnvelope envelope,
      ShareOffer offer, PublicKeyMaterial material, JsonNode payload) {
    KeyShareSpec spec = new KeyShareSpec();
    spec.from = new ShareOrigin();
    spec.from.pairing = pairing;
    spec.from.shareUid = offer.shareUid();
    spec.from.shareName = offer.shareName();
    spec.from.revision = offer.revision();
    spec.from.instanceId = peerInstanceId;
    spec.from.envelopeSha256 = envelope.sha256();
    spec.from.signature = envelope.signature();
    spec.from.sentAt = envelope.envelope().sentAt().toString();
    spec.material = material;
    spec.expiresAt = offer.expiresAt() == null ? null : offer.expiresAt().toString();
    if (payload.hasNonNull("usage")) {
      spec.usage = KeyUsage.valueOf(payload.get("usage").asText());
    }
    if (payload.hasNonNull("mspId")) {
      spec.mspId = payload.get("mspId").asText();
    }
    return spec;
  }

  private Optional<KeyShare> incoming(String pairing, String shareUid) {
    return client.resources(KeyShare.class).inNamespace(namespace).withLabel(SHARE_UID_LABEL, shareUid)
        .withLabel(FROM_LABEL, pairing).list().getItems().stream().findFirst();
  }

  private Optional<KeyShare> outgoing(String shareUid) {
    return client.resources(KeyShare.class).inNamespace(namespace).list().getItems().stream()
        .filter(s -> s.getSpec().isOutgoing() && shareUid.equals(s.getMetadata().getUid())).findFirst();
  }

  private static RecipientStatus recipient(KeyShareStatus status, String pairing) {
    for (RecipientStatus recipient : status.recipients) {
      if (pairing.equals(recipient.pairing)) {
        return recipient;
      }
    }
    RecipientStatus recipient = new RecipientStatus(pairing, SharePhase.Pending);
    status.recipients.add(recipient);
    return recipient;
  }

  private void move(KeyShare share, RecipientStatus recipient, SharePhase to, Cause cause, String reason, String message) {
    SharePhase from = recipient.phase;
    recipient.phase = ShareLifecycle.move(Direction.Outgoing, from, to, cause);
    recipient.reason = reason;
    recipient.message = message;
    recipient.lastTransitionTime = Conditions.now(clock);
    events.record(share, to == SharePhase.Rejected || to == SharePhase.Expired ? EventRecorder.Type.Warning
        : EventRecorder.Type.Normal, reason, recipient.pairing + ": " + from + " -> " + to + " (" + message + ")");
    AUDIT.info("{}", audit(KIND, share.getMetadata().getName(), recipient.pairing, from.name(), to.name(),
        cause == Cause.DECISION ? recipient.pairing : "consortium-operator", reason));
  }

  private static void note(RecipientStatus recipient, String reason, String message) {
    recipient.reason = reason;
    recipient.message = message;
  }

  /** Reasons a recipient cannot get the share until a person acts: shown as a condition of the share. */
  private static final java.util.Set<String> BLOCKED = java.util.Set.of("UnknownPairing", "PairingSuspended",
      "PairingRevoked", "FlowForbidden", "PayloadTooLarge");

  private void summarize(KeyShareStatus st, Long generation) {
    for (Iterator<RecipientStatus> it = st.recipients.iterator(); it.hasNext(); ) {
      if (it.next().pairing == null) {
        it.remove();
      }
    }
    List<String> blocked = st.recipients.stream().filter(r -> r.phase == SharePhase.Pending && BLOCKED.contains(r.reason))
        .map(r -> r.pairing + ": " + r.message).toList();
    Conditions.set(st.conditions, "RecipientsReachable", blocked.isEmpty() ? ConditionStatus.True : ConditionStatus.False,
        blocked.isEmpty() ? "AllReachable" : st.recipients.stream().filter(r -> BLOCKED.contains(r.reason))
            .map(r -> r.reason).findFirst().orElse("Blocked"),
        blocked.isEmpty() ? "every recipient can be delivered to" : String.join("; ", blocked), generation, clock);
    st.summary = ShareLifecycle.summarize(st.recipients);
    boolean allDecided = st.recipients.stream().allMatch(r -> r.phase == SharePhase.Accepted
        || r.phase == SharePhase.Rejected || r.phase == SharePhase.Revoked || r.phase == SharePhase.Expired);
    Conditions.set(st.conditions, Conditions.READY, allDecided ? ConditionStatus.True : ConditionStatus.False,
        allDecided ? "AllDecided" : "WaitingForRecipients", st.summary, generation, clock);
  }

  private static String decidedBy(KeyShare share) {
    Map<String, String> annotations = share.getMetadata().getAnnotations();
    String by = annotations == null ? null : annotations.get("consortium.io/decided-by");
    return by != null ? by : "a user of " + share.getMetadata().getNamespace();
  }

  /** One structured audit line: time, actor, kind, share, peer, from-phase, to-phase. */
  static String audit(String kind, String share, String peer, String from, String to, String actor) {
    return audit(kind, share, peer, from, to, actor, null);
  }

  static String audit(String kind, String share, String peer, String from, String to, String actor, String reason) {
    ObjectNode line = ProtocolJson.MAPPER.createObjectNode();
    line.put("time", Instant.now().toString());
    line.put("kind", kind);
    line.put("share", share);
    line.put("peer", peer);
    line.put("from", from);
    line.put("to", to);
    line.put("actor", actor);
    if (reason != null) {
      line.put("reason", reason);
    }
    return line.toString();
  }


  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
