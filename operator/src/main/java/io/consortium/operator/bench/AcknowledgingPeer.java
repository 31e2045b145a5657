package io.consortium.operator.bench;

import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.identity.Invitation;
import io.consortium.operator.identity.InvitationException;
import io.consortium.operator.identity.Invitations;
import io.consortium.operator.identity.SelfSignedCertificates;
import io.consortium.operator.mesh.LinkConnection;
import io.consortium.operator.mesh.LinkHandler;
import io.consortium.operator.mesh.LinkTiming;
import io.consortium.operator.mesh.MeshTransport;
import io.consortium.operator.mesh.protocol.Envelope;
import io.consortium.operator.mesh.protocol.EnvelopeCodec;
import io.consortium.operator.mesh.protocol.Messages;
import io.consortium.operator.mesh.protocol.ProtocolException;
import io.consortium.operator.mesh.protocol.SendSequence;
import io.consortium.operator.mesh.protocol.messages.Hello;
import io.consortium.operator.mesh.protocol.messages.Redeem;
import io.consortium.operator.mesh.protocol.messages.RedeemResult;
import io.consortium.operator.mesh.protocol.messages.ShareAck;
import io.consortium.operator.mesh.protocol.messages.ShareOffer;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.pki.Pem;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A peer that costs the measured operator what a real peer costs it, and the bench little: a real
 * identity (its own key and self-signed certificate), a real invitation checked and redeemed over a
 * real link ({@link MeshTransport}: TLS 1.3, the inviter's key pinned from the invitation), every
 * frame a signed envelope, and every SHARE_OFFER verified and acknowledged ({@code SHARE_ACK}
 * Pending: stored, undecided). It stores nothing and decides nothing, so the shares it holds stay
 * pending on the operator. When the link drops it dials again and opens with HELLO, as an invitee does.
 * Frames are handled on the link's own I/O thread: each peer has its own.
 */
final class AcknowledgingPeer implements LinkHandler, AutoCloseable {

  private static final Clock CLOCK = Clock.systemUTC();

  private final String name;
  private final InstanceIdentity identity;
  private final MeshTransport transport;
  private final Consumer<ShareOffer> offered;
  private final ScheduledExecutorService redial;
  private final AtomicLong offers = new AtomicLong();
  private final AtomicLong reconnects = new AtomicLong();
  private final AtomicLong refusedFrames = new AtomicLong();
  private final CompletableFuture<Void> redeemed = new CompletableFuture<>();
  /** Epochs only go up: each new session takes the next one. */
  private final AtomicLong epochs = new AtomicLong(System.currentTimeMillis());
  private volatile Invitation invitation;
  private volatile Session session;
  private volatile boolean closed;

  /** One session: its link and this side's sending sequence. */
  private record Session(LinkConnection link, SendSequence sending) {}

  /**
   * @param offered told of every offer once its envelope verified (on the link's thread: do not block)
   * @param redial where redials are scheduled (shared by every peer)
   */
  AcknowledgingPeer(String name, Consumer<ShareOffer> offered, ScheduledExecutorService redial) {
    this.name = name;
    var keys = SelfSignedCertificates.newEcKeyPair("secp256r1");
    this.identity = new InstanceIdentity(keys, SelfSignedCertificates.selfSigned(keys, name, List.of(name),
        Instant.now().minusSeconds(60), Duration.ofDays(1)));
    this.transport = new MeshTransport(identity, 1 << 20, LinkTiming.DEFAULT);
    this.offered = offered;
    this.redial = redial;
  }

  /** A scheduler for the redials of many peers. */
  static ScheduledExecutorService redialScheduler() {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bench-peer-redial");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Checks the invitation as an invitee does (signature, issuer, expiry), dials its URL pinning its
   * issuer and sends REDEEM; completes when the inviter accepts, fails when it refuses.
   */
  CompletableFuture<Void> redeem(String compact) {
    try {
      invitation = Invitations.verify(compact, CLOCK);
    } catch (InvitationException e) {
      return CompletableFuture.failedFuture(e);
    }
    Redeem redeem = new Redeem(invitation.id(), compact, name, Pem.certificate(identity.certificate()));
    dial(redeem);
    return redeemed;
  }

  private void dial(Redeem redeem) {
    if (closed) {
      return;
    }
    transport.dial(URI.create(invitation.url()), invitation.issuer(), this).whenComplete((link, failure) -> {
      if (failure != null) {
        if (redeem != null) {
          redeemed.completeExceptionally(failure);
        } else {
          redialLater();
        }
        return;
      }
      Session opened = new Session(link, new SendSequence(epochs.incrementAndGet()));
      session = opened;
      if (redeem != null) {
        send(opened, redeem);
      } else {
        send(opened, new Hello(name, identity.instanceId(), identity.certificateThumbprint(), opened.sending().epoch(),
            List.of(EnvelopeCodec.VERSION)));
      }
    });
  }

  private void redialLater() {
    if (!closed) {
      reconnects.incrementAndGet();
      redial.schedule(() -> dial(null), 1, TimeUnit.SECONDS);
    }
  }

  private void send(Session to, Record body) {
    to.link().sendText(EnvelopeCodec.sign(Messages.envelope(body, identity.instanceId(), to.link().peerInstanceId(),
        to.sending().next(), CLOCK), identity));
  }

  @Override
  public void onOpen(LinkConnection link) {}

  @Override
  public void onText(LinkConnection link, String text) {
    Session current = session;
    if (current == null || current.link() != link) {
      return;
    }
    Envelope envelope;
    try {
      // The key the TLS handshake proved is the pinned one: the frame must be signed by it.
      envelope = EnvelopeCodec.open(text, link.peerCertificate().getPublicKey(), identity.instanceId(), 1 << 20)
          .envelope();
      switch (envelope.type()) {
        case REDEEM_RESULT -> {
          RedeemResult result = Messages.body(envelope, RedeemResult.class);
          if (result.accepted()) {
            redeemed.complete(null);
          } else {
            redeemed.completeExceptionally(new IllegalStateException(name + "'s redemption was refused: "
                + result.reason() + ": " + result.message()));
          }
        }
        case SHARE_OFFER -> {
          ShareOffer offer = Messages.body(envelope, ShareOffer.class);
          offers.incrementAndGet();
          send(current, new ShareAck(offer.kind(), offer.shareUid(), offer.revision(), SharePhase.Pending));
          offered.accept(offer);
        }
        default -> {
          // HELLO, INVENTORY_DIGEST, NODE_SET, ...: nothing this peer keeps needs them.
        }
      }
    } catch (ProtocolException | RuntimeException e) {
      refusedFrames.incrementAndGet();
    }
  }

  @Override
  public void onBinary(LinkConnection link, byte[] data) {}

  @Override
  public void onClose(LinkConnection link, String reason) {
    Session current = session;
    if (current != null && current.link() == link && redeemed.isDone() && !redeemed.isCompletedExceptionally()) {
      redialLater();
    } else if (!redeemed.isDone()) {
      redeemed.completeExceptionally(new IllegalStateException(name + "'s link closed before the redemption was"
          + " answered: " + reason));
    }
  }

  /** SHARE_OFFERs received and acknowledged, resends included. */
  long offers() {
    return offers.get();
  }

  /** Times the link dropped and this peer dialled again. */
  long reconnects() {
    return reconnects.get();
  }

  /** Frames that did not verify or read. */
  long refusedFrames() {
    return refusedFrames.get();
  }

  @Override
  public void close() {
    closed = true;
    Session current = session;
    if (current != null) {
      current.link().close("bench done");
    }
    transport.close();
  }
}
