package io.consortium.operator.pairing;

import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.PeerPairingStatus;
import io.consortium.operator.api.v1alpha1.spec.ConditionStatus;
import io.consortium.operator.api.v1alpha1.spec.KeyRolloverStatus;
import io.consortium.operator.api.v1alpha1.spec.LocalCertificate;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.PairingState;
import io.consortium.operator.identity.CertificateRenewal;
import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.identity.KeyRollovers;
import io.consortium.operator.identity.LocalIdentity;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.mesh.LinkConnection;
import io.consortium.operator.mesh.protocol.EnvelopeCodec;
import io.consortium.operator.mesh.protocol.MessageType;
import io.consortium.operator.mesh.protocol.ProtocolError;
import io.consortium.operator.mesh.protocol.ProtocolException;
import io.consortium.operator.mesh.protocol.messages.CertificateUpdate;
import io.consortium.operator.mesh.protocol.messages.KeyRollover;
import io.consortium.operator.mesh.protocol.messages.KeyRolloverAck;
import io.consortium.operator.status.Conditions;
import io.consortium.operator.status.EventRecorder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance identity over time, as the link carries it. Certificate renewal: each session opens
 * with a CERTIFICATE_UPDATE, and every peer on the renewed key hears of a renewal at once, so both
 * sides show each other's expiry without the link being made again. Key rollover: a KEY_ROLLOVER,
 * in an envelope signed by the old (pinned) key with a proof by the new key, goes to every peer;
 * a peer moves its pin only when both verify, keeps the old one as a previous pin until it is
 * retired, and acknowledges; anything else is InvalidRollover and the pin stays.
 *
 * <p>Sessions keep the key they were made with until they close, so a rollover never breaks a live
 * link; the roller closes the old-key links once it retires the old key, and they are made again
 * with the new one.
 */
public final class LinkIdentity {

  private static final Logger LOG = LoggerFactory.getLogger(LinkIdentity.class);
  /** The LinkFailure reason a dialler gives when the peer rolled the pinned key away while it was offline. */
  public static final String PIN_ROLLED_WHILE_OFFLINE = "PinRolledWhileOffline";
  /** Condition on the roller's pairing of a peer that did not follow its new key in time. */
  public static final String PEER_FOLLOWS_KEY = "PeerFollowsKey";

  /** One session as this class needs it. */
  interface Link {
    String pairing();

    LinkConnection connection();

    /** The key this side made the link with. */
    InstanceIdentity local();

    boolean established();

    void send(Record body);

    /** Runs a task in order with the session's frames. */
    void later(Runnable task);
  }

  private final LocalIdentity identity;
  private final PairingDirectory directory;
  private final EventRecorder events;
  private final Clock clock;
  private final MeterRegistry metrics;
  private final String instanceName;
  private final Consumer<String> changed;
  private final Supplier<Collection<? extends Link>> established;
  private final Supplier<Collection<? extends Link>> all;

  LinkIdentity(LocalIdentity identity, PairingDirectory directory, EventRecorder events, Clock clock,
      MeterRegistry metrics, String instanceName, Consumer<String> changed,
      Supplier<Collection<? extends Link>> established, Supplier<Collection<? extends Link>> all) {
    this.identity = identity;
    this.directory = directory;
    this.events = events;
    this.clock = clock;
    this.metrics = metrics;
    this.instanceName = instanceName;
    this.changed = changed;
    this.established = established;
    this.all = all;
  }

  private final Map<String, AtomicLong> peerCertificateExpiry = new ConcurrentHashMap<>();
  private volatile CertificateRenewal renewal = new CertificateRenewal(
      Duration.ofDays(365), Duration.ofDays(30));
  private volatile Runnable peerFollowedRollover = () -> { };

  /** How this instance renews its certificate (for the renewal time peers and status are shown). */
  public void setRenewal(CertificateRenewal renewal) {
    this.renewal = renewal;
  }

  /** Called when a peer acknowledged this instance's new key: the old one may be retired now. */
  public void onPeerFollowedRollover(Runnable listener) {
    this.peerFollowedRollover = listener;
  }

  /** The certificate of the key a session runs on: the renewed one if it was renewed since. */
  InstanceIdentity certificateOf(Link session) {
    InstanceIdentity now = identity.get();
    return now.instanceId().equals(session.local().instanceId()) ? now : session.local();
  }

  /** The pins a dialler accepts: the pinned key, and the peer's previous key until it is retired. */
  Set<String> acceptedPins(String pairing, String pin) {
    var peer = directory.get(pairing).map(PeerPairing::getStatus).map(s -> s.peer).orElse(null);
    if (peer == null || peer.instanceId == null) {
      return Set.of(pin);
    }
    // The pin in status, not the one the dialler started with: after a rollover that one is retired.
    Set<String> pins = new HashSet<>();
    pins.add(peer.instanceId);
    if (peer.previousInstanceId != null && (peer.previousPinRetiresAt == null
        || clock.instant().isBefore(Instant.parse(peer.previousPinRetiresAt)))) {
      pins.add(peer.previousInstanceId);
    }
    return pins;
  }

  /** On connect: this side's certificate, the peer's as the handshake proved it, a previous pin no longer needed. */
  void onConnect(PeerPairingStatus s, Link session) {
    s.localCertificate = localCertificate(certificateOf(session));
    if (s.peer == null) {
      return;
    }
    X509Certificate peerCertificate = session.connection().peerCertificate();
    if (session.connection().peerInstanceId().equals(s.peer.instanceId)) {
      s.peer.certificateThumbprint = InstanceIdentity.thumbprintOf(peerCertificate);
      s.peer.certificateNotAfter = peerCertificate.getNotAfter().toInstant().toString();
      peerCertificateExpiry(session.pairing(), peerCertificate);
      // The peer made this link with its new key: it retired the previous one.
      s.peer.previousInstanceId = null;
      s.peer.previousPinRetiresAt = null;
    }
  }

  private LocalCertificate localCertificate(InstanceIdentity certified) {
    var local = new LocalCertificate();
    local.thumbprint = certified.certificateThumbprint();
    local.notAfter = certified.certificateNotAfter().toString();
    local.renewsAt = renewal.renewsAt(certified.certificate()).toString();
    return local;
  }

  private void peerCertificateExpiry(String pairing, X509Certificate certificate) {
    peerCertificateExpiry.computeIfAbsent(pairing, p -> {
      AtomicLong value = new AtomicLong();
      Gauge.builder("consortium_peer_certificate_expiry_seconds", value, AtomicLong::get)
          .description("When the peer's certificate expires, in seconds since the epoch")
          .tag("pairing", p).register(metrics);
      return value;
    }).set(certificate.getNotAfter().toInstant().getEpochSecond());
  }

  /** A pairing that is revoked or deleted has no peer certificate to watch any more. */
  void forget(String pairing) {
    if (peerCertificateExpiry.remove(pairing) != null) {
      var gauge = metrics.find("consortium_peer_certificate_expiry_seconds").tag("pairing", pairing).gauge();
      if (gauge != null) {
        metrics.remove(gauge);
      }
    }
  }

  /** What a session opens with after HELLO: this side's certificate, and a rollover the peer has not followed. */
  void sendOnConnect(Link session) {
    InstanceIdentity certified = certificateOf(session);
    session.send(new CertificateUpdate(Pem.certificate(certified.certificate()),
        renewal.renewsAt(certified.certificate())));
    identity.rollover().ifPresent(rollover -> {
      if (!rollover.next().instanceId().equals(session.local().instanceId())) {
        announce(session, rollover);
      }
    });
  }

  /** The certificate was renewed: every peer on the renewed key hears of it, every pairing shows it. */
  public void certificateRenewed() {
    InstanceIdentity now = identity.get();
    for (Link session : established.get()) {
      if (session.established() && session.local().instanceId().equals(now.instanceId())) {
        session.later(() -> session.send(new CertificateUpdate(Pem.certificate(now.certificate()),
            renewal.renewsAt(now.certificate()))));
      }
    }
    for (PeerPairing pairing : directory.all()) {
      directory.update(pairing.getMetadata().getName(), s -> s.localCertificate = localCertificate(now));
    }
  }

  /** A key rollover started: every connected peer is told now, the others when they connect. */
  public void announceRollover() {
    identity.rollover().ifPresent(rollover -> {
      for (Link session : established.get()) {
        if (session.established() && !rollover.next().instanceId().equals(session.local().instanceId())) {
          session.later(() -> announce(session, rollover));
        }
      }
    });
  }

  private void announce(Link session, LocalIdentity.Rollover rollover) {
    InstanceIdentity next = rollover.next();
    session.send(new KeyRollover(session.local().instanceId(), next.instanceId(), Pem.certificate(next.certificate()),
        rollover.startedAt(), rollover.retiresBy(),
        KeyRollovers.newKeyProof(next, session.local().instanceId(), rollover.startedAt())));
    directory.update(session.pairing(), s -> {
      if (s.keyRollover == null || !next.instanceId().equals(s.keyRollover.toInstanceId)) {
        s.keyRollover = new KeyRolloverStatus();
        s.keyRollover.toInstanceId = next.instanceId();
        s.keyRollover.oldKeyRetiresBy = rollover.retiresBy().toString();
      }
      s.keyRollover.announcedAt = Conditions.now(clock);
    });
  }

  /** Whether every pairing with a peer has acknowledged the new key (revoked ones are not waited for). */
  public boolean everyPeerFollowed(String newInstanceId) {
    return directory.all().stream()
        .filter(p -> p.getStatus() != null && p.getStatus().peer != null)
        .filter(p -> PairingDirectory.state(p) != PairingState.Revoked && p.getStatus().phase != PairingPhase.PeerRevoked)
        .allMatch(p -> p.getStatus().keyRollover != null && newInstanceId.equals(p.getStatus().keyRollover.toInstanceId)
            && p.getStatus().keyRollover.acknowledgedAt != null);
  }

  /** The old key is retired: links made with it close, and are made again with the new one. */
  public void oldKeyRetired() {
    String now = identity.instanceId();
    for (Link session : List.copyOf(all.get())) {
      if (!session.local().instanceId().equals(now)) {
        session.connection().close("KeyRolled: " + instanceName + " retired its old key; link again with key " + now);
      }
    }
    for (PeerPairing pairing : directory.all()) {
      var before = pairing.getStatus();
      boolean missed = before != null && before.peer != null && PairingDirectory.state(pairing) != PairingState.Revoked
          && before.phase != PairingPhase.PeerRevoked
          && (before.keyRollover == null || before.keyRollover.acknowledgedAt == null);
      String message = (before == null || before.peer == null ? "the peer" : before.peer.name)
          + " did not acknowledge key " + now + " before the old key was retired: it shows PinRolledWhileOffline"
          + " when it comes back; delete this pairing on both sides and pair again with a new invitation";
      directory.update(pairing.getMetadata().getName(), s -> {
        s.keyRollover = null;
        s.localInstanceId = now;
        if (missed) {
          Conditions.set(s.conditions, PEER_FOLLOWS_KEY, ConditionStatus.False, "PeerMissedKeyRollover", message,
              s.observedGeneration, clock);
        }
      });
      if (missed) {
        events.record(pairing, EventRecorder.Type.Warning, "PeerMissedKeyRollover", message);
      }
      // An unredeemed invitation signed by the old key is issued again by the reconciler.
      changed.accept(pairing.getMetadata().getName());
    }
  }

  /**
   * A frame that claims to be a KEY_ROLLOVER but is not signed by the pinned key is a forged
   * rollover: refused as InvalidRollover, the pin unchanged.
   */
  ProtocolException forgedRollover(Link session, String text, ProtocolException refused) {
    boolean signature = refused.error() == ProtocolError.BadSignature || refused.error() == ProtocolError.WrongSender;
    if (!signature || EnvelopeCodec.claimedType(text).orElse(null) != MessageType.KEY_ROLLOVER) {
      return refused;
    }
    return invalidRollover(session, "it is not signed by the pinned key " + session.connection().peerInstanceId()
        + " (" + refused.getMessage() + ")");
  }

  private ProtocolException invalidRollover(Link session, String why) {
    // The why may quote what the peer sent: escaped before it is an Event.
    String message = "a key rollover was refused: " + io.consortium.operator.mesh.protocol.PeerText.safe(why)
        + "; the pin stays on " + session.connection().peerInstanceId();
    if (session.pairing() != null) {
      directory.get(session.pairing()).ifPresent(p -> events.record(p, EventRecorder.Type.Warning,
          ProtocolError.InvalidRollover.name(), message));
    }
    return new ProtocolException(ProtocolError.InvalidRollover, message);
  }

  void onCertificateUpdate(Link session, CertificateUpdate update) throws ProtocolException {
    X509Certificate certificate;
    try {
      certificate = Pem.readCertificates(update.certificate()).get(0);
      certificate.checkValidity(java.util.Date.from(clock.instant()));
    } catch (RuntimeException | java.security.cert.CertificateException e) {
      throw new ProtocolException(ProtocolError.InvalidCertificate, "the peer's certificate update cannot be used: "
          + e.getMessage());
    }
    String key = InstanceIdentity.instanceIdOf(certificate.getPublicKey());
    if (!key.equals(session.connection().peerInstanceId())) {
      throw new ProtocolException(ProtocolError.InvalidCertificate, "the peer's certificate update holds key " + key
          + ", not the key of the link " + session.connection().peerInstanceId() + ": a new key comes only by a key rollover");
    }
    directory.update(session.pairing(), s -> {
      if (s.peer != null && key.equals(s.peer.instanceId)) {
        s.peer.certificateThumbprint = InstanceIdentity.thumbprintOf(certificate);
        s.peer.certificateNotAfter = certificate.getNotAfter().toInstant().toString();
        s.peer.certificateRenewsAt = update.renewsAt().toString();
      }
    });
    peerCertificateExpiry(session.pairing(), certificate);
  }

  void onKeyRollover(Link session, KeyRollover rollover) throws ProtocolException {
    String linkKey = session.connection().peerInstanceId();
    PeerPairing pairing = directory.get(session.pairing()).orElse(null);
    if (pairing == null || pairing.getStatus() == null || pairing.getStatus().peer == null) {
      return;
    }
    var peer = pairing.getStatus().peer;
    if (rollover.newInstanceId().equals(peer.instanceId) && rollover.oldInstanceId().equals(peer.previousInstanceId)) {
      session.send(new KeyRolloverAck(rollover.newInstanceId()));
      return;
    }
    if (!linkKey.equals(peer.instanceId)) {
      throw invalidRollover(session, "the link's key " + linkKey + " is not the pinned key " + peer.instanceId);
    }
    KeyRollovers.Rolled rolled;
    try {
      rolled = KeyRollovers.verify(linkKey, rollover.oldInstanceId(),
          rollover.newInstanceId(), rollover.certificate(), rollover.rolledAt(), rollover.newKeyProof(), clock.instant());
    } catch (IllegalArgumentException e) {
      throw invalidRollover(session, e.getMessage());
    }
    X509Certificate certificate = rolled.newCertificate();
    directory.update(session.pairing(), s -> {
      s.peer.previousInstanceId = rolled.oldInstanceId();
      s.peer.previousPinRetiresAt = rollover.oldKeyRetiresBy().toString();
      s.peer.instanceId = rolled.newInstanceId();
      s.peer.pin = "sha256/" + rolled.newInstanceId();
      s.peer.keyRolledAt = rolled.rolledAt().toString();
      s.peer.certificateThumbprint = InstanceIdentity.thumbprintOf(certificate);
      s.peer.certificateNotAfter = certificate.getNotAfter().toInstant().toString();
    });
    events.record(pairing, EventRecorder.Type.Normal, "PeerKeyRolled", peer.name + " rolled its key from "
        + rolled.oldInstanceId() + " to " + rolled.newInstanceId() + "; the old pin is accepted until "
        + rollover.oldKeyRetiresBy());
    LOG.info("Pairing {}: the peer rolled its key to {}", session.pairing(), rolled.newInstanceId());
    session.send(new KeyRolloverAck(rolled.newInstanceId()));
  }

  void onKeyRolloverAck(Link session, KeyRolloverAck ack) {
    LocalIdentity.Rollover rollover = identity.rollover().orElse(null);
    if (rollover == null || !rollover.next().instanceId().equals(ack.newInstanceId())) {
      return;
    }
    directory.update(session.pairing(), s -> {
      if (s.keyRollover != null && ack.newInstanceId().equals(s.keyRollover.toInstanceId)
          && s.keyRollover.acknowledgedAt == null) {
        s.keyRollover.acknowledgedAt = Conditions.now(clock);
      }
    });
    LOG.info("Pairing {}: the peer pins the new key {}", session.pairing(), ack.newInstanceId());
    peerFollowedRollover.run();
  }
}
