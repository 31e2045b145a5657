package io.consortium.operator.pairing;

import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.spec.ConditionStatus;
import io.consortium.operator.api.v1alpha1.spec.Flow;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.PairingRole;
import io.consortium.operator.mesh.protocol.messages.NodeMetadata;
import io.consortium.operator.mesh.protocol.messages.NodeSet;
import io.consortium.operator.mesh.protocol.messages.AdvertisedNode;
import io.consortium.operator.mesh.protocol.messages.Inventory;
import io.consortium.operator.mesh.protocol.messages.InventoryDigest;
import io.consortium.operator.mesh.protocol.messages.InventoryEntry;
import io.consortium.operator.mesh.protocol.messages.ShareAck;
import io.consortium.operator.mesh.protocol.messages.ShareDecision;
import io.consortium.operator.mesh.protocol.messages.ShareOffer;
import io.consortium.operator.mesh.protocol.messages.ShareRevoke;
import io.consortium.operator.status.EventRecorder;
import java.util.function.Supplier;
import io.consortium.operator.api.v1alpha1.spec.PairingState;
import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.identity.LocalIdentity;
import io.consortium.operator.mesh.protocol.messages.CertificateUpdate;
import io.consortium.operator.mesh.protocol.messages.KeyRollover;
import io.consortium.operator.mesh.protocol.messages.KeyRolloverAck;
import io.consortium.operator.identity.Invitation;
import io.consortium.operator.identity.InvitationException;
import io.consortium.operator.identity.Invitations;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.mesh.LinkConnection;
import io.consortium.operator.mesh.LinkFailure;
import io.consortium.operator.mesh.LinkHandler;
import io.consortium.operator.mesh.LinkTransfers;
import io.consortium.operator.mesh.LogBudget;
import io.consortium.operator.mesh.MeshTransport;
import io.consortium.operator.mesh.protocol.PeerText;
import io.consortium.operator.mesh.TransferLimits;
import io.consortium.operator.mesh.TransferSpool;
import io.consortium.operator.mesh.protocol.Backoff;
import io.consortium.operator.mesh.protocol.Envelope;
import io.consortium.operator.mesh.protocol.EnvelopeCodec;
import io.consortium.operator.mesh.protocol.MessageType;
import io.consortium.operator.mesh.protocol.Messages;
import io.consortium.operator.mesh.protocol.ProtocolError;
import io.consortium.operator.mesh.protocol.ProtocolException;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.mesh.protocol.SpillBuffer;
import io.consortium.operator.mesh.protocol.TransferManifest;
import io.consortium.operator.mesh.protocol.ReplayWindow;
import io.consortium.operator.mesh.protocol.SendSequence;
import io.consortium.operator.mesh.protocol.SequenceNumber;
import io.consortium.operator.mesh.protocol.SignedEnvelope;
import io.consortium.operator.mesh.protocol.messages.ErrorMessage;
import io.consortium.operator.mesh.protocol.messages.Hello;
import io.consortium.operator.mesh.protocol.messages.PairingRevoked;
import io.consortium.operator.mesh.protocol.messages.Redeem;
import io.consortium.operator.mesh.protocol.messages.RedeemResult;
import io.consortium.operator.mesh.protocol.messages.RedemptionRefusal;
import io.consortium.operator.api.v1alpha1.spec.PeerIdentity;
import io.consortium.operator.api.v1alpha1.spec.RefusedRedemption;
import io.consortium.operator.status.Conditions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions over the peer link, one per connected pairing. The invitee dials and opens with
 * REDEEM (first time) or HELLO; the inviter answers on its listener. Every frame is a signed
 * envelope checked against the key the TLS handshake proved, and replays are dropped and counted.
 * Whatever changes a pairing's status goes through the {@link PairingDirectory}; the reconciler
 * is told by {@code changed} and shows {@link #state(String)}.
 */
public final class PeerSessions implements LinkHandler, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PeerSessions.class);
  private static final int MAX_REFUSED_KEPT = 20;
  /** The close reason of a link on which a PAIRING_REVOKED was received and recorded. */
  private static final String REVOCATION_ACKNOWLEDGED = "acknowledged revocation";
  /** The condition on a pairing that says whether the peer's session epochs went only up. */
  public static final String EPOCHS_IN_ORDER = "EpochsInOrder";
  public static final String EPOCH_RESYNCHRONISED = "EpochResynchronised";

  private final PairingDirectory directory;
  private final RemoteNodes remoteNodes;
  private final Supplier<List<NodeMetadata>> localNodes;
  private final EventRecorder events;
  /** This instance's key and certificate as they change over time (renewal, rollover). */
  private final LocalIdentity identity;
  private final String instanceName;
  private final MeshTransport transport;
  private final Clock clock;
  private final long frameLimit;
  private final long maxShareSize;
  private final TransferLimits transferLimits;
  /** Where large payloads are spooled on both sides: swept when this replica starts leading and when it stops. */
  private final TransferSpool spool;
  private final SessionEpochs epochs;
  private final Consumer<String> changed;
  private final Counter replaysDropped;

  private final Counter framesRefused;
  private final Counter fullInventoriesSent;
  private final Counter peerErrors;
  private final Counter peerLinesWithheld;
  private final Counter epochResyncs;
  /**
   * Lines carrying the words of peers without a session (anyone can open a connection): one budget
   * for all of them, since a flood comes over many connections. A session's peer has its link's own.
   */
  private final LogBudget beforeSessionLog = new LogBudget(20, Duration.ofSeconds(3));
  /** Whether this replica led at some point: only then is the spool its to sweep when it stops. */
  private volatile boolean led;
  /** Link inboxes and share lanes: their tasks wait on the API server, so more of them than cores. */
  private final java.util.concurrent.ExecutorService workers = Executors.newFixedThreadPool(8, r -> {
    Thread t = new Thread(r, "peer-sessions-worker");
    t.setDaemon(true);
    return t;
  });
  /** Signature checks of received frames, any link's, in parallel; they never wait on anything. */
  private final java.util.concurrent.ExecutorService verifiers = Executors.newFixedThreadPool(
      Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
        Thread t = new Thread(r, "peer-frame-verifier");
        t.setDaemon(true);
        return t;
      });
  /**
   * Share messages run in lanes by share UID once their link's inbox has checked them in order: one
   * share's messages stay in order, different shares' run at once (a receiver's create need not wait
   * for another share's).
   */
  private static final int SHARE_LANES = 16;
  private final SerialExecutor[] shareLanes = java.util.stream.Stream.generate(() -> new SerialExecutor(workers))
      .limit(SHARE_LANES).toArray(SerialExecutor[]::new);
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "peer-sessions");
    t.setDaemon(true);
    return t;
  });

  /** Sessions by link, and the pairing each established session belongs to. */
  private final Map<LinkConnection, Session> byLink = new ConcurrentHashMap<>();
  private final Map<String, Session> byPairing = new ConcurrentHashMap<>();
  private final Map<String, LinkState> states = new ConcurrentHashMap<>();
  private final Map<String, Dialer> dialers = new ConcurrentHashMap<>();
  /** Pairings whose peer was told they are revoked: their deletion need not wait. */
  private final java.util.Set<String> revocationDelivered = ConcurrentHashMap.newKeySet();
  /** Peers whose pairing was deleted without telling them, by instance ID: told when they dial again. */
  private final Map<String, String> untoldPeers = new ConcurrentHashMap<>();
  private volatile boolean closed;
  /** Only the leader replica runs the link; a standby refuses links so that peers retry the leader. */
  private volatile boolean leading;

  public PeerSessions(PairingDirectory directory, LocalIdentity identity, String instanceName,
      MeshTransport transport, TransferLimits transferLimits, TransferSpool spool, SessionEpochs epochs, Clock clock,
      MeterRegistry metrics, Consumer<String> changed, RemoteNodes remoteNodes, Supplier<List<NodeMetadata>> localNodes,
      EventRecorder events) {
    this.transferLimits = transferLimits;
    this.maxShareSize = transferLimits.maxShareSize();
    this.spool = spool;
    this.epochs = epochs;
    this.remoteNodes = remoteNodes;
    this.localNodes = localNodes;
    this.events = events;
    this.directory = directory;
    this.identity = identity;
    this.instanceName = instanceName;
    this.transport = transport;
    this.frameLimit = transferLimits.frameLimit();
    this.clock = clock;
    this.changed = changed;
    this.replaysDropped = Counter.builder("consortium_link_replayed_frames_dropped_total")
        .description("Frames dropped because their (epoch, seq) was not newer than the last accepted").register(metrics);
    this.framesRefused = Counter.builder("consortium_link_frames_refused_total")
        .description("Frames refused: bad signature, wrong sender, malformed, unknown type").register(metrics);
    this.fullInventoriesSent = Counter.builder("consortium_link_full_inventories_sent_total")
        .description("Full inventories sent at a (re)connect because the two sides' digests differed").register(metrics);
    this.peerErrors = Counter.builder("consortium_link_peer_errors_received_total")
        .description("ERROR messages received from peers (each logged within the link's log budget)").register(metrics);
    this.peerLinesWithheld = Counter.builder("consortium_link_peer_log_lines_withheld_total")
        .description("Log lines carrying a peer's words not written because the link was over its log budget")
        .register(metrics);
    this.epochResyncs = Counter.builder("consortium_link_epoch_resyncs_total")
        .description("Sessions opened with an epoch not newer than the peer's last one (condition EpochsInOrder)")
        .register(metrics);
    this.linkIdentity = new LinkIdentity(identity, directory, events, clock, metrics, instanceName, changed,
        () -> byPairing.values().stream().filter(s -> s.established).toList(), byLink::values);
  }

  /** Renewal and rollover as the link sees them. */
  public LinkIdentity linkIdentity() {
    return linkIdentity;
  }

  private final LinkIdentity linkIdentity;

  /** One session: a link, whose it is, and both directions' sequence state. */
  private final class Session implements LinkIdentity.Link {
    final LinkConnection link;
    /** The key this side made the link with: it signs every frame of the session, even after a rollover. */
    final InstanceIdentity local = identity.get();
    /** Frames of one link are handled in order, off the I/O thread: they lead to API calls. */
    final SerialExecutor inbox = new SerialExecutor(workers);
    volatile String pairing;
    /** This side's epoch and sequence for the session: the epoch is taken when the first frame goes out. */
    private SendSequence sending;
    final ReplayWindow receiving = new ReplayWindow();
    volatile boolean established;
    /** The epoch of the peer's HELLO that opened the session, once it did. */
    volatile Long peerEpoch;
    volatile PairingRole role;
    volatile Flow flow;
    /** Chunked payloads being received, and those complete but not yet claimed by their offer. */
    final LinkTransfers transfers = new LinkTransfers(spool, transferLimits);
    /** Refusals shown on the pairing: each at first, then within a budget, so that a flood is not a write per frame. */
    final LogBudget refusalsShown = LogBudget.perLink();
    /** The last node set sent, so that an unchanged set is not sent again. */
    volatile List<NodeMetadata> nodesSent;
    /** The pairing whose revocation this link carried: told once the peer closes it acknowledging. */
    volatile String revocationSent;

    Session(LinkConnection link) {
      this.link = link;
    }

    @Override
    public String pairing() {
      return pairing;
    }

    @Override
    public LinkConnection connection() {
      return link;
    }

    @Override
    public InstanceIdentity local() {
      return local;
    }

    @Override
    public boolean established() {
      return established;
    }

    @Override
    public void later(Runnable task) {
      inbox.execute(task);
    }

    /**
     * The session's sending sequence; its epoch is a new one of this instance's, persisted first.
     *
     * @throws IllegalStateException when the epoch cannot be persisted (the API server is away)
     */
    synchronized SendSequence sending() {
      if (sending == null) {
        sending = new SendSequence(epochs.next());
      }
      return sending;
    }

    /** The budget for lines carrying this peer's words. */
    LogBudget logBudget() {
      return established || link.dialled() ? link.logBudget() : beforeSessionLog;
    }

    @Override
    public void send(Record body) {
      SequenceNumber position = sending().next();
      Envelope envelope = Messages.envelope(body, local.instanceId(), link.peerInstanceId(), position, clock);
      link.sendText(EnvelopeCodec.sign(envelope, local));
    }
  }

  /** The link state of a pairing, for its status. */
  public Optional<LinkState> state(String pairing) {
    return Optional.ofNullable(states.get(pairing));
  }


  // ---- the invitee side: dialling --------------------------------------------------------------

  /**
   * Keeps a link to the inviter of an invitee pairing: dials now, and again with backoff whenever
   * the link drops, until {@link #disconnect} or a refusal that retrying cannot fix.
   */
  public void keepLinked(String pairing, URI url, String pinnedInstanceId, Redeem redeem) {
    // Only the leader's reconciler calls this, so it is not gated on leadership here: the leader
    // callback may run after the first reconcile.
    if (closed || byPairing.containsKey(pairing) || dialers.containsKey(pairing)) {
      return;
    }
    LinkState state = states.get(pairing);
    if (state != null && state.gaveUp()) {
      return;
    }
    Dialer dialer = new Dialer(pairing, url, pinnedInstanceId, redeem);
    if (dialers.putIfAbsent(pairing, dialer) == null) {
      dialer.dialNow();
    }
  }

  /** Closes a pairing's link and stops redialling it (Suspended, or the pairing is going). */
  public void disconnect(String pairing, String reason) {
    Dialer dialer = dialers.remove(pairing);
    if (dialer != null) {
      dialer.stopped = true;
    }
    Session session = byPairing.remove(pairing);
    if (session != null) {
      session.link.close(reason);
    }
    states.remove(pairing);
  }

  /**
   * Tells the peer the pairing is revoked, then closes the link for good. True when the peer has been
   * told, now or before; false when it had no link.
   */
  public boolean revoke(String pairing, String reason) {
    Session session = byPairing.get(pairing);
    if (session != null && session.link.isOpen()) {
      session.send(new PairingRevoked(reason));
      revocationDelivered.add(pairing);
    }
    Dialer telling = dialers.get(pairing);
    if (telling == null || telling.revocation == null) {
      disconnect(pairing, "pairing revoked: " + reason);
    } // else: it keeps dialling, with its backoff, to tell the peer
    remoteNodes.removeAll(pairing);
    linkIdentity.forget(pairing);
    return revocationDelivered.contains(pairing);
  }

  /**
   * The invitee of a pairing being deleted: dials the inviter, with backoff, only to tell it the
   * pairing is revoked. {@link #revoke} says true once it was told.
   */
  public void tellRevokedWhenReachable(String pairing, URI url, String pinnedInstanceId, String reason) {
    if (closed || revocationDelivered.contains(pairing) || dialers.containsKey(pairing)) {
      return;
    }
    Dialer dialer = new Dialer(pairing, url, pinnedInstanceId, null);
    dialer.revocation = new PairingRevoked(reason);
    if (dialers.putIfAbsent(pairing, dialer) == null) {
      dialer.dialNow();
    }
  }

  /**
   * A deleted pairing is let go: its link state is dropped, so that a new pairing of the same name
   * starts clean. A peer that was not told ({@code untoldPeer} not null) is told if it dials again.
   */
  public void forget(String pairing, String untoldPeer, String reason) {
    disconnect(pairing, "pairing deleted");
    revocationDelivered.remove(pairing);
    linkIdentity.forget(pairing);
    if (untoldPeer != null) {
      untoldPeers.put(untoldPeer, reason);
    }
  }

  /** Forgets that a pairing gave up, so that a changed spec is tried again. */
  public void retry(String pairing) {
    LinkState state = states.get(pairing);
    if (state != null && state.gaveUp()) {
      states.remove(pairing);
    }
  }

  private final class Dialer {
    final String pairing;
    final URI url;
    final String pin;
    /** Sent to open the first session; null once the invitation was redeemed, then HELLO opens. */
    volatile Redeem redeem;
    /** Set when the pairing is being deleted: the link is dialled only to say this. */
    volatile PairingRevoked revocation;
    final Backoff backoff = new Backoff(new Random());
    volatile boolean stopped;

    Dialer(String pairing, URI url, String pin, Redeem redeem) {
      this.pairing = pairing;
      this.url = url;
      this.pin = pin;
      this.redeem = redeem;
    }

    void dialNow() {
      if (stopped || closed) {
        return;
      }
      transport.dial(url, linkIdentity.acceptedPins(pairing, pin), PeerSessions.this).whenComplete((link, failure) -> {
        if (failure != null) {
          Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
              ? failure.getCause() : failure;
          String reason = cause instanceof LinkFailure lf ? lf.reason() : "PeerUnreachable";
          if (LinkIdentity.PIN_ROLLED_WHILE_OFFLINE.equals(reason)) {
            // Retrying cannot help: the pinned key is retired, only a new invitation pairs again.
            dialers.remove(pairing, this);
            markDown(pairing, reason, cause.getMessage(), true);
            return;
          }
          markDown(pairing, reason, cause.getMessage(), false);
          redialLater();
          return;
        }
        Session session = byLink.get(link);
        if (session == null) {
          // The link closed before this callback ran (the peer refused it at once): try again later.
          redialLater();
          return;
        }
        session.pairing = pairing;
        if (stopped) {
          link.close("no longer wanted");
          return;
        }
        PairingRevoked revoking = revocation;
        Redeem redeeming = redeem;
        if (revoking != null) {
          // The inviter closes the link when it has recorded the revocation; see closed().
          session.pairing = null; // its closing is no news for the pairing's link state
          session.revocationSent = pairing;
        }
        // On the link's worker, in order with its frames: the session's epoch may need an API write.
        session.inbox.execute(() -> open(session, revoking, redeeming));
      });
    }

    /** Sends the first frame of a dialled link: the revocation it is for, a REDEEM, or HELLO. */
    private void open(Session session, PairingRevoked revoking, Redeem redeeming) {
      if (!session.link.isOpen()) {
        return;
      }
      try {
        if (revoking != null) {
          session.send(revoking);
        } else if (redeeming != null) {
          session.send(redeeming);
        } else {
          session.send(hello(session));
        }
      } catch (IllegalStateException e) {
        LOG.warn("Pairing {}: cannot open a session: {}", pairing, e.getMessage());
        session.link.close("SessionEpochUnavailable: " + e.getMessage());
      }
    }

    void redialLater() {
      if (stopped || closed) {
        dialers.remove(pairing, this);
        return;
      }
      Duration delay = backoff.nextDelay();
      LOG.debug("Pairing {}: dialling {} again in {} ms", pairing, url, delay.toMillis());
      scheduler.schedule(this::dialNow, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  // ---- both sides: frames ----------------------------------------------------------------------

  private volatile ShareInbox shares;

  /** Where share messages go; set once the share controllers exist. */
  public void setShareInbox(ShareInbox inbox) {
    this.shares = inbox;
  }

  /**
   * Sends a message to a pairing's peer if a session is up; false otherwise (the caller sends it
   * again when {@link ShareInbox#linkUp} says the link is back).
   */
  public boolean send(String pairing, Record body) {
    Session session = byPairing.get(pairing);
    if (session == null || !session.established || !session.link.isOpen()) {
      return false;
    }
    session.inbox.execute(() -> session.send(body));
    return true;
  }

  /**
   * Sends a share offer, its payload chunked over binary frames when one frame could not carry it.
   * Refuses (PayloadTooLarge, naming --max-share-size) before anything is sent when it is too large.
   * False when no session is up.
   */
  /**
   * Why an offer may not be sent at all: its payload is over --max-share-size (the same check
   * {@link #sendOffer} makes), so that the share can say so before anything is sent.
   */
  public java.util.Optional<ProtocolException> offerRefusal(ShareOffer offer, long payloadBytes) {
    if (payloadBytes > maxShareSize) {
      return java.util.Optional.of(new ProtocolException(ProtocolError.PayloadTooLarge, "share " + offer.shareName()
          + " carries " + payloadBytes + " bytes, more than --max-share-size (" + maxShareSize + " bytes)"));
    }
    return java.util.Optional.empty();
  }

  public boolean sendOffer(String pairing, ShareOffer offer) throws ProtocolException {
    // Serialized once; beyond a frame it goes to a spooled file and is read back chunk by chunk.
    SpillBuffer payload = new SpillBuffer(frameLimit, spool.directory());
    try (payload) {
      ProtocolJson.MAPPER.writeValue(payload, offer.payload());
    } catch (java.io.IOException e) {
      payload.delete();
      throw new IllegalStateException("cannot serialize a share payload", e);
    }
    if (payload.size() > maxShareSize) {
      payload.delete();
      throw new ProtocolException(ProtocolError.PayloadTooLarge, "share " + offer.shareName() + " carries "
          + payload.size() + " bytes, more than --max-share-size (" + maxShareSize + " bytes)");
    }
    Session session = byPairing.get(pairing);
    if (session == null || !session.established || !session.link.isOpen()) {
      payload.delete();
      return false;
    }
    // A JWS carries its payload base64url-encoded: a third larger, plus the envelope around it.
    boolean fits = payload.size() * 4L / 3 + 4096 <= frameLimit;
    session.inbox.execute(() -> {
      if (fits) {
        session.send(offer);
        return;
      }
      try {
        java.util.UUID id = session.transfers.send(session.link, payload, session::send);
        session.send(new ShareOffer(offer.kind(), offer.shareUid(), offer.shareName(), offer.revision(),
            offer.expiresAt(), ProtocolJson.MAPPER.createObjectNode(), id));
      } catch (java.io.IOException | ProtocolException | java.util.concurrent.ExecutionException
          | java.util.concurrent.TimeoutException e) {
        // The offer is sent again on the next visit or link-up.
        LOG.warn("Could not send share {} to {}: {}", offer.shareName(), pairing, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        payload.delete();
      }
    });
    return true;
  }

  /** Whether the side of this instance may send shares on the pairing (its flow). */
  public boolean maySend(String pairing) {
    Session session = byPairing.get(pairing);
    return session != null && session.role != null && Flows.maySend(session.role, session.flow);
  }

  public boolean leading() {
    return leading;
  }

  /** Set by leader election: only the leader talks to peers. */
  public void setLeading(boolean leading) {
    if (leading && !this.leading) {
      // What an earlier run left spooled is of no use: its links are gone, and origins resend whole.
      spool.sweep();
      // Epochs are reserved afresh, above whatever a previous leader reserved.
      epochs.forgetReservation();
      led = true;
    }
    this.leading = leading;
    if (!leading) {
      dialers.values().forEach(d -> d.stopped = true);
      dialers.clear();
      byPairing.values().forEach(s -> s.link.close("NotLeader: this replica stopped leading"));
    }
  }

  @Override
  public void onOpen(LinkConnection link) {
    if (!leading) {
      link.close("NotLeader: this replica does not run the link; retry");
      return;
    }
    byLink.put(link, new Session(link));
    if (!link.dialled()) {
      // The listener closes a dialler that does not speak first (--mesh-hello-timeout); this closes one whose
      // first frame, a minute later still, neither opened a session nor was refused, whatever held it up.
      long deadline = transport.listenerLimits().helloTimeout().plusMinutes(1).toMillis();
      scheduler.schedule(() -> {
        Session session = byLink.get(link);
        if (session != null && !session.established && session.revocationSent == null && link.isOpen()) {
          link.refuseBeforeSession("HelloTimeout", "no session opened within "
              + Duration.ofMillis(deadline).toSeconds() + " s of the WebSocket upgrade");
        }
      }, deadline, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void onText(LinkConnection link, String text) {
    Session session = byLink.get(link);
    if (session == null) {
      return;
    }
    // Signatures are checked on any free verifier, several frames at once; frames are handled in the
    // order they came.
    java.util.concurrent.CompletableFuture<Opened> opened =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> open(session, text), verifiers);
    session.inbox.execute(() -> handleText(session, text, opened.join()));
  }

  /** A received frame: its verified envelope, or why it was refused. */
  private record Opened(SignedEnvelope signed, ProtocolException refused) {}

  private Opened open(Session session, String text) {
    try {
      return new Opened(EnvelopeCodec.open(text, session.link.peerCertificate().getPublicKey(),
          session.local.instanceId(), frameLimit), null);
    } catch (ProtocolException refused) {
      return new Opened(null, refused);
    } catch (RuntimeException e) {
      return new Opened(null, new ProtocolException(ProtocolError.MalformedFrame, "the frame cannot be read: "
          + e.getClass().getSimpleName()));
    }
  }

  private void handleText(Session session, String text, Opened opened) {
    LinkConnection link = session.link;
    SignedEnvelope signed = opened.signed();
    if (signed == null) {
      ProtocolException refused = opened.refused();
      ProtocolException e = linkIdentity.forgedRollover(session, text, refused);
      framesRefused.increment();
      if (unauthenticated(session)) {
        refuseBeforeSession(session, e.error() + ": " + e.getMessage());
        return;
      }
      if (session.logBudget().allow()) {
        LOG.warn("Refused a frame from {}: {}", link, PeerText.safe(e.getMessage()));
      } else {
        peerLinesWithheld.increment();
      }
      refuse(session, e);
      return;
    }
    Envelope envelope = signed.envelope();
    if (!session.receiving.accept(envelope.epoch(), envelope.seq())) {
      replaysDropped.increment();
      if (session.logBudget().allow()) {
        LOG.warn("Dropped a replayed frame from {} ({}, {})", link, envelope.epoch(), envelope.seq());
      }
      return;
    }
    if (session.pairing != null) {
      touch(session.pairing);
    }
    try {
      dispatch(session, signed);
    } catch (ProtocolException e) {
      framesRefused.increment();
      refuse(session, e);
    } catch (RuntimeException e) {
      if (session.logBudget().allow()) {
        LOG.warn("Handling a {} from {} failed: {}", envelope.type(), link, PeerText.safe(e.getMessage()), e);
      } else {
        peerLinesWithheld.increment();
      }
      if (unauthenticated(session)) {
        session.link.close("could not open the session: " + e.getClass().getSimpleName());
      }
    }
  }

  private void dispatch(Session session, SignedEnvelope signed) throws ProtocolException {
    Envelope envelope = signed.envelope();
    MessageType type = envelope.type();
    if (!session.established) {
      if (!session.link.dialled() && type != MessageType.HELLO && type != MessageType.REDEEM
          && type != MessageType.PAIRING_REVOKED) {
        // Before a session only an opener is read: whatever else a stranger says is not even parsed.
        refuseBeforeSession(session, type + " before HELLO or REDEEM");
        return;
      }
      switch (type) {
        case HELLO -> onHello(session, Messages.body(envelope, Hello.class));
        case REDEEM -> onRedeem(session, Messages.body(envelope, Redeem.class));
        case REDEEM_RESULT -> onRedeemResult(session, Messages.body(envelope, RedeemResult.class));
        case PAIRING_REVOKED -> onPeerRevoked(session, Messages.body(envelope, PairingRevoked.class));
        case ERROR -> onError(session, Messages.body(envelope, ErrorMessage.class));
        default -> throw new ProtocolException(ProtocolError.MalformedFrame,
            "expected HELLO or REDEEM to open the session, got " + type);
      }
      return;
    }
    switch (type) {
      case PAIRING_REVOKED -> onPeerRevoked(session, Messages.body(envelope, PairingRevoked.class));
      case ERROR -> onError(session, Messages.body(envelope, ErrorMessage.class));
      case HELLO -> { } // a late answer to our HELLO
      case NODE_SET -> onNodeSet(session, Messages.body(envelope, NodeSet.class));
      case SHARE_OFFER -> onShareOffer(session, signed, Messages.body(envelope, ShareOffer.class));
      case TRANSFER_BEGIN -> session.transfers.begin(Messages.body(envelope, TransferManifest.class));
      case SHARE_ACK -> {
        ShareAck ack = Messages.body(envelope, ShareAck.class);
        inLane(session, ack.shareUid(), inbox -> inbox.acknowledged(session.pairing, ack));
      }
      case SHARE_DECISION -> {
        ShareDecision decision = Messages.body(envelope, ShareDecision.class);
        inLane(session, decision.shareUid(), inbox -> inbox.decided(session.pairing, decision));
      }
      case SHARE_REVOKE -> {
        ShareRevoke revoke = Messages.body(envelope, ShareRevoke.class);
        inLane(session, revoke.shareUid(), inbox -> inbox.revoked(session.pairing, revoke));
      }
      case SHARE_RESEND -> {
        var resend = Messages.body(envelope, io.consortium.operator.mesh.protocol.messages.ShareResend.class);
        inLane(session, resend.shareUid(), inbox -> inbox.resendRequested(session.pairing, resend));
      }
      case INVENTORY_DIGEST -> onInventoryDigest(session, Messages.body(envelope, InventoryDigest.class));
      case INVENTORY -> onInventory(session, Messages.body(envelope, Inventory.class));
      case CERTIFICATE_UPDATE -> linkIdentity.onCertificateUpdate(session, Messages.body(envelope, CertificateUpdate.class));
      case KEY_ROLLOVER -> linkIdentity.onKeyRollover(session, Messages.body(envelope, KeyRollover.class));
      case KEY_ROLLOVER_ACK -> linkIdentity.onKeyRolloverAck(session, Messages.body(envelope, KeyRolloverAck.class));
      default -> LOG.debug("{} from {} is not handled by this version", type, session.pairing);
    }
  }

  /** A listener's link on which no session opened yet: its peer is anyone who can make a key. */
  private static boolean unauthenticated(Session session) {
    return !session.established && !session.link.dialled();
  }

  /** Closes a listener's link whose dialler did not open a session as it must, and counts it. */
  private void refuseBeforeSession(Session session, String message) {
    session.link.refuseBeforeSession("FrameBeforeHello", PeerText.safe(message));
  }

  private void refuse(Session session, ProtocolException e) {
    if (session.pairing != null && session.refusalsShown.allow()) {
      // Shown on the pairing: a peer sending frames we refuse is something a person should see.
      String message = "refused a frame from the peer: " + PeerText.safe(e.getMessage());
      directory.update(session.pairing, s -> Conditions.set(s.conditions, "FramesAccepted", ConditionStatus.False,
          e.error().name(), message, s.observedGeneration, clock));
    }
    if (session.link.isOpen()) {
      try {
        session.send(ErrorMessage.of(e));
      } catch (RuntimeException ignored) {
        // the link is going anyway
      }
    }
    if (!session.established || e.error() == ProtocolError.WrongSender || e.error() == ProtocolError.TransferLimit) {
      session.link.close(e.error() + ": " + PeerText.safe(e.getMessage()));
    }
  }

  private Hello hello(Session session) {
    return new Hello(instanceName, session.local.instanceId(), linkIdentity.certificateOf(session).certificateThumbprint(),
        session.sending().epoch(),
        List.of(EnvelopeCodec.VERSION));
  }

  /** The inviter hears from a pinned peer, or the invitee hears the inviter's answer to its HELLO. */
  private void onHello(Session session, Hello hello) {
    String peer = session.link.peerInstanceId();
    if (session.link.dialled()) {
      establish(session, session.pairing, hello.epoch());
      return;
    }
    Optional<PeerPairing> pairing = directory.byPeer(peer);
    if (pairing.isEmpty()) {
      String untold = untoldPeers.remove(peer);
      if (untold != null) {
        // Its pairing was deleted while it was away: it learns now, and stops dialling.
        session.send(new PairingRevoked(untold));
        session.link.close("PeerRevoked");
        return;
      }
      session.link.refuseBeforeSession("PinMismatch", "no pairing of " + instanceName + " pins key " + peer);
      return;
    }
    String name = pairing.get().getMetadata().getName();
    PairingState state = PairingDirectory.state(pairing.get());
    boolean deleting = pairing.get().getMetadata().getDeletionTimestamp() != null;
    if (state == PairingState.Revoked || deleting) {
      session.revocationSent = name;
      session.send(new PairingRevoked(deleting ? "the pairing was deleted by " + instanceName
          : "the pairing was revoked by " + instanceName));
      // The invitee closes the link once it has recorded the revocation (see closed()); one that does not is closed.
      scheduler.schedule(() -> session.link.close("PeerRevoked"), 10, TimeUnit.SECONDS);
      return;
    }
    if (state == PairingState.Suspended) {
      session.link.close("PairingSuspended: " + instanceName + " suspended this pairing");
      return;
    }
    Session open = byPairing.get(name);
    Long openEpoch = open != null && open != session && open.established && open.link.isOpen() ? open.peerEpoch : null;
    if (SessionEpochs.judge(null, hello.epoch(), openEpoch) == SessionEpochs.Verdict.STALE) {
      // The peer's session open now is newer: this dialler is a stale one (an old replica of the peer).
      session.link.refuseBeforeSession("ReplayedSession", "epoch " + hello.epoch()
          + " is not newer than that of the peer's session open now (" + openEpoch + ")");
      return;
    }
    session.pairing = name;
    session.send(hello(session));
    establish(session, name, hello.epoch());
  }

  /** The inviter checks a redemption: its own invitation, unexpired, not used up, not revoked. */
  private void onRedeem(Session session, Redeem redeem) {
    String peer = session.link.peerInstanceId();
    String invitationId = PeerText.safe(redeem.invitationId(), 80);
    String inviteeName = PeerText.safe(redeem.inviteeName(), 100);
    Optional<PeerPairing> found = directory.byInvitation(redeem.invitationId());
    String address = String.valueOf(session.link.remoteAddress()).replaceFirst("^/", "");
    if (found.isEmpty()) {
      refuseRedemption(session, null, RedemptionRefusal.InvitationRevoked,
          "no pairing of " + instanceName + " issued invitation " + invitationId
              + ": it was revoked or deleted", address);
      return;
    }
    PeerPairing pairing = found.get();
    String name = pairing.getMetadata().getName();
    if (PairingDirectory.state(pairing) == PairingState.Revoked || pairing.getMetadata().getDeletionTimestamp() != null) {
      refuseRedemption(session, name, RedemptionRefusal.InvitationRevoked, "the invitation's pairing was revoked", address);
      return;
    }
    if (!Invitations.signedBy(redeem.invitation(), identity.get().keyPair().getPublic())) {
      refuseRedemption(session, name, RedemptionRefusal.BadSignature, "the invitation does not carry "
          + instanceName + "'s signature: it was changed after signing, or signed by another key", address);
      return;
    }
    Invitation invitation;
    try {
      invitation = Invitations.verify(redeem.invitation(), clock);
    } catch (InvitationException e) {
      RedemptionRefusal reason = e.reason() == InvitationException.Reason.InvitationExpired
          ? RedemptionRefusal.InvitationExpired : RedemptionRefusal.InvitationInvalid;
      refuseRedemption(session, name, reason, PeerText.safe(e.getMessage()), address);
      return;
    }
    if (!invitation.issuer().equals(session.local.instanceId()) || !invitation.id().equals(redeem.invitationId())) {
      refuseRedemption(session, name, RedemptionRefusal.InvitationInvalid,
          "the invitation was not issued by " + instanceName + " as " + invitationId, address);
      return;
    }
    Optional<PeerPairing> other = directory.standingWith(peer, name);
    if (other.isPresent()) {
      String otherName = other.get().getMetadata().getName();
      refuseRedemption(session, name, RedemptionRefusal.DuplicatePairing, inviteeName + " ("
          + peer.substring(0, 12) + "...) is already paired with " + instanceName + " as PeerPairing " + otherName
          + ": two pairings to one instance are refused; use " + otherName + ", or delete or revoke it first", address);
      return;
    }
    var status = pairing.getStatus();
    int used = status.invitation.redemptions == null ? 0 : status.invitation.redemptions;
    int allowed = status.invitation.maxRedemptions == null ? 1 : status.invitation.maxRedemptions;
    String boundPeer = status.peer == null ? null : status.peer.instanceId;
    if (boundPeer != null && !boundPeer.equals(peer)) {
      refuseRedemption(session, name, RedemptionRefusal.RedemptionsExhausted,
          "pairing " + name + " is already linked to another instance (" + boundPeer.substring(0, 12)
              + "...); each pairing links two instances: invite each partner with its own PeerPairing", address);
      return;
    }
    if (used >= allowed) {
      refuseRedemption(session, name, RedemptionRefusal.RedemptionsExhausted,
          "the invitation was redeemed " + used + " of " + allowed + " allowed time(s)", address);
      return;
    }
    Flow flow = invitation.flow();
    String thumbprintToRecord = InstanceIdentity.thumbprintOf(session.link.peerCertificate());
    // The pin is recorded before the answer goes out: an accepted redemption is never forgotten.
    directory.update(name, s -> {
      PeerIdentity identityOfPeer = new PeerIdentity();
      identityOfPeer.instanceId = peer;
      identityOfPeer.name = inviteeName;
      identityOfPeer.pin = "sha256/" + peer;
      identityOfPeer.certificateThumbprint = thumbprintToRecord;
      identityOfPeer.certificateNotAfter = session.link.peerCertificate().getNotAfter().toInstant().toString();
      s.peer = identityOfPeer;
      s.invitation.redemptions = used + 1;
    });
    untoldPeers.remove(peer); // paired again: nothing old to tell it
    session.pairing = name;
    session.send(RedeemResult.accepted(flow, instanceName));
    LOG.info("Pairing {}: {} redeemed invitation {} from {}", name, inviteeName, invitationId, address);
    establish(session, name, null);
  }

  private void refuseRedemption(Session session, String pairing, RedemptionRefusal reason, String message,
      String remoteAddress) {
    if (session.logBudget().allow()) {
      LOG.info("Refused a redemption from {}: {} ({})", remoteAddress, reason, message);
    } else {
      peerLinesWithheld.increment();
    }
    if (pairing != null) {
      directory.update(pairing, s -> {
        if (s.invitation == null) {
          return;
        }
        RefusedRedemption refused = new RefusedRedemption();
        refused.at = Conditions.now(clock);
        refused.remoteAddress = remoteAddress;
        refused.reason = reason.name();
        refused.message = message;
        s.invitation.refused.add(refused);
        while (s.invitation.refused.size() > MAX_REFUSED_KEPT) {
          s.invitation.refused.remove(0);
        }
        s.invitation.lastRefused = reason + " from " + remoteAddress;
      });
      directory.get(pairing).ifPresent(p -> events.record(p, EventRecorder.Type.Warning, "RedemptionRefused",
          reason + " from " + remoteAddress + ": " + message));
      changed.accept(pairing);
    }
    session.send(RedeemResult.refused(reason, message));
    session.link.refuseBeforeSession(reason.name(), message);
  }

  /** The invitee hears whether its redemption was accepted. */
  private void onRedeemResult(Session session, RedeemResult result) {
    String pairing = session.pairing;
    if (pairing == null) {
      session.link.close("unexpected REDEEM_RESULT");
      return;
    }
    if (!result.accepted()) {
      Dialer dialer = dialers.remove(pairing);
      if (dialer != null) {
        dialer.stopped = true;
      }
      markDown(pairing, result.reason().name(), PeerText.safe(result.message()), true);
      session.link.close("redemption refused");
      return;
    }
    Dialer dialer = dialers.get(pairing);
    if (dialer != null) {
      dialer.redeem = null;
    }
    directory.update(pairing, s -> {
      if (s.invitation != null) {
        s.invitation.redemptions = 1;
      }
      if (s.peer != null) {
        s.peer.certificateNotAfter = session.link.peerCertificate().getNotAfter().toInstant().toString();
        s.peer.certificateThumbprint = InstanceIdentity.thumbprintOf(session.link.peerCertificate());
      }
    });
    establish(session, pairing, null);
  }

  private void onPeerRevoked(Session session, PairingRevoked revoked) {
    String pairing = session.pairing != null ? session.pairing
        : directory.byPeer(session.link.peerInstanceId()).map(p -> p.getMetadata().getName()).orElse(null);
    if (pairing != null) {
      Dialer dialer = dialers.remove(pairing);
      if (dialer != null) {
        dialer.stopped = true;
      }
      byPairing.remove(pairing, session);
      String message = "the peer revoked the pairing: " + PeerText.safe(revoked.reason())
          + "; to pair again, exchange a new invitation";
      // Kept in status, not only in memory: a restarted operator must not dial a peer that revoked.
      directory.update(pairing, s -> {
        s.phase = PairingPhase.PeerRevoked;
        Conditions.set(s.conditions, "Connected", ConditionStatus.False, "PeerRevoked", message, s.observedGeneration, clock);
        Conditions.set(s.conditions, Conditions.READY, ConditionStatus.False, "PeerRevoked", message, s.observedGeneration,
            clock);
      });
      markDown(pairing, "PeerRevoked", message, true);
      remoteNodes.removeAll(pairing);
    }
    session.link.close(REVOCATION_ACKNOWLEDGED);
  }

  private void onError(Session session, ErrorMessage error) {
    peerErrors.increment();
    if (session.logBudget().allow()) {
      long withheld = session.logBudget().takeWithheld();
      LOG.warn("The peer of {} refused something we sent: {} {}{}", session.pairing, PeerText.safe(error.error(), 60),
          PeerText.safe(error.message()), withheld == 0 ? "" : " (" + withheld + " lines before it withheld)");
    } else {
      peerLinesWithheld.increment();
    }
  }

  private void establish(Session session, String pairing, Long peerEpoch) {
    session.established = true;
    Session previous = byPairing.put(pairing, session);
    if (previous != null && previous != session) {
      previous.link.close("replaced by a newer link");
    }
    Instant now = clock.instant();
    states.put(pairing, LinkState.connected(now));
    Dialer dialer = dialers.get(pairing);
    if (dialer != null) {
      dialer.backoff.reset();
    }
    session.peerEpoch = peerEpoch;
    session.link.sessionOpened();
    java.util.concurrent.atomic.AtomicReference<String> resynchronised = new java.util.concurrent.atomic.AtomicReference<>();
    try {
      directory.update(pairing, s -> {
        s.connectedSince = Conditions.now(clock);
        s.lastSeenAt = Conditions.now(clock);
        resynchronised.set(null);
        if (peerEpoch != null) {
          resynchronised.set(judgeEpoch(s, peerEpoch));
          s.peerEpoch = peerEpoch;
        }
        linkIdentity.onConnect(s, session);
        session.role = s.role;
        session.flow = s.flow;
      });
    } catch (RuntimeException e) {
      // Without its pairing's role and flow (the API server away, say) the session cannot work: the link
      // is closed, and the next dial opens it again.
      LOG.warn("Pairing {}: the session could not be recorded ({}); closing the link", pairing, e.getMessage());
      session.link.close("could not record the session: " + e.getClass().getSimpleName());
      return;
    }
    if (resynchronised.get() != null) {
      epochResyncs.increment();
      LOG.warn("Pairing {}: {}", pairing, resynchronised.get());
      directory.get(pairing).ifPresent(p -> events.record(p, EventRecorder.Type.Warning, EPOCH_RESYNCHRONISED,
          resynchronised.get()));
    }
    LOG.info("Pairing {} connected to {}", pairing, session.link);
    changed.accept(pairing);
    linkIdentity.sendOnConnect(session);
    sendNodes(session);
    ShareInbox inbox = shares;
    if (inbox != null) {
      inbox.linkUp(pairing);
    }
    // Resync: both sides state a digest of what lies between them; the full inventory follows only
    // where they differ (DESIGN.md, "The link").
    session.send(inventory(session).toDigest());
  }

  /**
   * Applies {@link SessionEpochs#judge} to the epoch a session opened with, against the last one the
   * pairing kept: an epoch that went back is taken (so that an honest peer that lost its counter, or a
   * wrong epoch seen before, locks nobody out) and shown on condition {@value #EPOCHS_IN_ORDER}.
   * Returns the message when it re-synchronised, else null.
   */
  private String judgeEpoch(io.consortium.operator.api.v1alpha1.PeerPairingStatus s, long epoch) {
    Long stored = s.peerEpoch;
    if (SessionEpochs.judge(stored, epoch, null) == SessionEpochs.Verdict.RESYNCHRONISED) {
      String message = "the peer opened a session with epoch " + epoch + ", not newer than the last one seen ("
          + stored + "), while no newer session of it was open: it lost its epoch counter (ConfigMap "
          + SessionEpochs.CONFIGMAP + "), an older version's clock went back, or an earlier session stated a wrong"
          + " epoch. The link re-synchronised on " + epoch + "; frames of earlier sessions are still refused within it."
          + " If this repeats, check that only one replica of the peer runs its link";
      Conditions.set(s.conditions, EPOCHS_IN_ORDER, ConditionStatus.False, EPOCH_RESYNCHRONISED, message,
          s.observedGeneration, clock);
      return message;
    }
    if (Conditions.find(s.conditions, EPOCHS_IN_ORDER).map(c -> c.status == ConditionStatus.False).orElse(false)) {
      Conditions.set(s.conditions, EPOCHS_IN_ORDER, ConditionStatus.True, "EpochAdvanced",
          "the peer's sessions are in order again: epoch " + epoch + " is newer than " + stored, s.observedGeneration,
          clock);
    }
    return null;
  }

  // ---- resync ----------------------------------------------------------------------------------

  private Inventory inventory(Session session) {
    Instant asOf = clock.instant();
    String local = identity.instanceId();
    String peer = session.link.peerInstanceId();
    ShareInbox inbox = shares;
    List<InventoryEntry> entries = inbox == null ? List.of() : inbox.inventory(session.pairing, local, peer);
    List<AdvertisedNode> nodes = new ArrayList<>(advertisedHere(session));
    remoteNodes.received(session.pairing).forEach(node -> nodes.add(new AdvertisedNode(peer, node.uid(), ProtocolJson.sha256(node))));
    return new Inventory(session.flow == null ? Flow.Bidirectional : session.flow, entries, nodes, asOf);
  }

  /** The nodes this side advertises on the session's pairing, as its inventory states them. */
  private List<AdvertisedNode> advertisedHere(Session session) {
    if (session.role == null || !Flows.maySend(session.role, session.flow)) {
      return List.of();
    }
    String local = identity.instanceId();
    return localNodes.get().stream().map(node -> new AdvertisedNode(local, node.uid(), ProtocolJson.sha256(node))).toList();
  }

  private void onInventoryDigest(Session session, InventoryDigest theirs) {
    Inventory mine = inventory(session);
    if (theirs.matches(mine)) {
      LOG.debug("Pairing {}: both sides agree on {} shares and {} nodes", session.pairing, mine.shares().size(),
          mine.nodes().size());
      return;
    }
    LOG.info("Pairing {}: the peer's view differs from ours ({} shares, {} nodes here; {} shares, {} nodes there);"
        + " sending our inventory", session.pairing, mine.shares().size(), mine.nodes().size(), theirs.shares(),
        theirs.nodes());
    session.send(mine);
    fullInventoriesSent.increment();
  }

  private void onInventory(Session session, Inventory theirs) {
    String local = identity.instanceId();
    // Node metadata: the origin's current set wins; ours is sent again if the peer holds another one.
    Set<AdvertisedNode> held = theirs.nodes().stream().filter(n -> n.origin().equals(local))
        .collect(java.util.stream.Collectors.toSet());
    if (!Set.copyOf(advertisedHere(session)).equals(held)) {
      session.nodesSent = null;
      sendNodes(session);
    }
    ShareInbox inbox = shares;
    if (inbox != null) {
      inbox.resync(session.pairing, local, session.link.peerInstanceId(), theirs);
    }
  }

  // ---- node metadata ---------------------------------------------------------------------------

  /** Sends this instance's advertised nodes to every connected peer the flow allows, if they changed. */
  public void advertiseNodes() {
    for (Session session : byPairing.values()) {
      session.inbox.execute(() -> sendNodes(session));
    }
  }

  /** The pairings this instance's nodes are advertised to right now. */
  public List<String> advertisedTo() {
    return byPairing.values().stream()
        .filter(s -> s.established && s.role != null && Flows.maySend(s.role, s.flow))
        .map(s -> s.pairing).sorted().toList();
  }

  private void sendNodes(Session session) {
    if (!session.established || session.role == null || !Flows.maySend(session.role, session.flow)
        || !session.link.isOpen()) {
      return;
    }
    List<NodeMetadata> nodes = localNodes.get();
    if (!nodes.equals(session.nodesSent)) {
      session.send(new NodeSet(nodes));
      session.nodesSent = nodes;
    }
  }

  /** A body read before the inbox is called, so that a malformed one is refused like any frame. */
  private interface ShareCall {
    void on(ShareInbox inbox) throws ProtocolException;
  }

  /**
   * Hands a checked share message to its share's lane. One whose session has ended by the time its turn
   * comes (its pairing revoked, say) is not acted on: the next session's resync compares what both sides hold.
   */
  private void inLane(Session session, String shareUid, ShareCall call) {
    ShareInbox inbox = shares;
    if (inbox == null) {
      return;
    }
    shareLanes[Math.floorMod(java.util.Objects.hashCode(shareUid), SHARE_LANES)].execute(() -> {
      if (!session.established || byPairing.get(session.pairing) != session) {
        return;
      }
      try {
        call.on(inbox);
      } catch (ProtocolException e) {
        framesRefused.increment();
        refuse(session, e);
      } catch (RuntimeException e) {
        if (session.logBudget().allow()) {
          LOG.warn("Handling a share message from {} failed: {}", session.pairing, PeerText.safe(e.getMessage()), e);
        } else {
          peerLinesWithheld.increment();
        }
      }
    });
  }

  private void onChunk(Session session, byte[] data) {
    try {
      session.transfers.chunk(data);
    } catch (ProtocolException e) {
      framesRefused.increment();
      refuse(session, e);
    } catch (java.io.IOException e) {
      LOG.warn("A chunk from {} could not be stored, its transfer is dropped: {}", session.pairing, e.getMessage());
    }
  }

  private void onShareOffer(Session session, SignedEnvelope signed, ShareOffer offer) throws ProtocolException {
    if (offer.transferId() != null) {
      ShareOffer announced = offer;
      try {
        offer = session.transfers.claim(offer.transferId(), "share " + PeerText.safe(offer.shareName(), 100),
            file -> new ShareOffer(announced.kind(), announced.shareUid(), announced.shareName(), announced.revision(),
                announced.expiresAt(), ProtocolJson.MAPPER.readTree(file.toFile()), null));
      } catch (java.io.IOException e) {
        throw new ProtocolException(ProtocolError.MalformedFrame, "the payload of share "
            + PeerText.safe(offer.shareName(), 100) + " is not JSON: " + e.getMessage());
      }
    }
    if (session.role == null || !Flows.mayReceive(session.role, session.flow)) {
      String message = "the peer offered share " + offer.shareName() + ", but this pairing's flow is " + session.flow;
      session.send(new ErrorMessage("FlowForbidden", message));
      directory.update(session.pairing, s -> Conditions.set(s.conditions, "FlowRespected", ConditionStatus.False,
          "FlowForbidden", message, s.observedGeneration, clock));
      return;
    }
    ShareOffer received = offer;
    inLane(session, offer.shareUid(), inbox -> inbox.offer(session.pairing, session.link.peerInstanceId(), signed,
        received));
  }

  private void onNodeSet(Session session, NodeSet set) {
    String pairing = session.pairing;
    if (session.role == null || !Flows.mayReceive(session.role, session.flow)) {
      String message = "the peer sent node metadata, but this pairing's flow is " + session.flow
          + ": only the " + (session.role == PairingRole.Inviter ? "inviter" : "invitee") + " advertises";
      LOG.warn("Pairing {}: {}", pairing, message);
      session.send(new ErrorMessage("FlowForbidden", message));
      directory.update(pairing, s -> Conditions.set(s.conditions, "FlowRespected", ConditionStatus.False,
          "FlowForbidden", message, s.observedGeneration, clock));
      directory.get(pairing).ifPresent(p -> events.record(p, EventRecorder.Type.Warning, "FlowForbidden", message));
      return;
    }
    remoteNodes.replace(pairing, session.link.peerInstanceId(), set.nodes());
  }

  private void touch(String pairing) {
    states.computeIfPresent(pairing, (p, s) -> s.seen(clock.instant()));
  }

  @Override
  public void onBinary(LinkConnection link, byte[] data) {
    Session session = byLink.get(link);
    if (session != null && unauthenticated(session)) {
      framesRefused.increment();
      session.inbox.execute(() -> refuseBeforeSession(session, "a binary frame before HELLO or REDEEM"));
      return;
    }
    if (session != null && session.pairing != null && session.established) {
      touch(session.pairing);
      // Hashing and storing chunks happens off the I/O thread, in order with the link's other frames.
      session.inbox.execute(() -> onChunk(session, data));
    }
  }

  @Override
  public void onClose(LinkConnection link, String reason) {
    Session session = byLink.remove(link);
    if (session == null) {
      return;
    }
    session.inbox.execute(() -> closed(session, reason));
  }

  private void closed(Session session, String reason) {
    // What a cut link left half received is dropped; the origin sends it again whole.
    session.transfers.close();
    String revoked = session.revocationSent;
    if (revoked != null && !closed) {
      Dialer dialer = dialers.get(revoked);
      if (reason.contains(REVOCATION_ACKNOWLEDGED)) {
        revocationDelivered.add(revoked);
        if (dialer != null && dialer.revocation != null) {
          dialer.stopped = true;
          dialers.remove(revoked, dialer);
        }
        changed.accept(revoked);
      } else if (dialer != null && dialer.revocation != null && session.link.dialled()) {
        dialer.redialLater();
      }
      return;
    }
    if (closed || session.pairing == null) {
      return;
    }
    String pairing = session.pairing;
    boolean wasCurrent = byPairing.remove(pairing, session);
    // A dialled link that closed before its session opened (the peer refused, or is not leading yet)
    // is a failed attempt like any other: it is shown and retried.
    boolean failedAttempt = session.link.dialled() && !session.established;
    if (!wasCurrent && !failedAttempt) {
      return;
    }
    LinkState state = states.get(pairing);
    if (state == null || !state.gaveUp()) {
      String why = reason.contains("PeerOffline") ? "PeerOffline" : failedAttempt ? "PeerRefused" : "LinkLost";
      markDown(pairing, why, reason, false);
    }
    Dialer dialer = dialers.get(pairing);
    if (dialer != null && session.link.dialled()) {
      dialer.redialLater();
    }
  }

  private void markDown(String pairing, String reason, String message, boolean permanent) {
    if (closed) {
      return;
    }
    Instant now = clock.instant();
    LinkState previous = states.get(pairing);
    states.put(pairing, previous == null
        ? new LinkState(false, now, null, reason, message, permanent)
        : previous.down(now, reason, message, permanent));
    if (previous != null && previous.connected()) {
      directory.update(pairing, s -> s.lastSeenAt = previous.lastSeenAt() == null ? null
          : previous.lastSeenAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    }
    changed.accept(pairing);
  }

  /** The PEM of this instance's certificate, for a REDEEM. */
  public String certificatePem() {
    return Pem.certificate(identity.get().certificate());
  }

  @Override
  public void close() {
    closed = true;
    dialers.values().forEach(d -> d.stopped = true);
    dialers.clear();
    byPairing.values().forEach(s -> s.link.close("operator stopping"));
    scheduler.shutdownNow();
    verifiers.shutdown();
    workers.shutdown();
    // The links' own cleanup may never run now that the workers stop: their transfers go here.
    byLink.values().forEach(s -> s.transfers.close());
    try {
      workers.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (led) {
      // Outgoing payloads whose sending never ran, and anything else this run spooled.
      spool.sweep();
    }
  }
}
