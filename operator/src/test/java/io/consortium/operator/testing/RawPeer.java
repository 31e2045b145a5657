package io.consortium.operator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.consortium.operator.identity.IdentityStore;
import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.mesh.LinkConnection;
import io.consortium.operator.mesh.LinkHandler;
import io.consortium.operator.mesh.LinkTiming;
import io.consortium.operator.mesh.MeshTransport;
import io.consortium.operator.mesh.protocol.EnvelopeCodec;
import io.consortium.operator.mesh.protocol.MessageType;
import io.consortium.operator.mesh.protocol.Messages;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.mesh.protocol.SendSequence;
import io.fabric8.kubernetes.api.model.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A peer under the test's control, with an organization's real identity (read from its cluster, as
 * an attacker who stole it, or a capture, would have it), or with a key of its own that no pairing
 * pins ({@link #unpaired}): it sends exactly the frames the test says.
 */
public final class RawPeer implements LinkHandler, AutoCloseable {

  public final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  public final BlockingQueue<String> closed = new LinkedBlockingQueue<>();
  private final InstanceIdentity identity;
  private final MeshTransport transport;
  private final SendSequence sequence;
  private LinkConnection link;

  public RawPeer(InstanceIdentity identity) {
    this(identity, System.currentTimeMillis());
  }

  /** A peer whose frames carry {@code epoch} (what an operator before persisted epochs sent: its clock). */
  public RawPeer(InstanceIdentity identity, long epoch) {
    this.identity = identity;
    this.sequence = new SendSequence(epoch);
    this.transport = new MeshTransport(identity, 1 << 20, LinkTiming.DEFAULT);
  }

  /** A stranger: a fresh self-signed key and certificate, pinned by nobody. */
  public static RawPeer unpaired(String name) {
    java.security.KeyPair keyPair = io.consortium.operator.identity.SelfSignedCertificates.newEcKeyPair("secp256r1");
    X509Certificate certificate = io.consortium.operator.identity.SelfSignedCertificates.selfSigned(keyPair, name,
        java.util.List.of(name), java.time.Instant.now().minusSeconds(60), java.time.Duration.ofDays(1));
    return new RawPeer(new InstanceIdentity(keyPair, certificate));
  }

  /** The identity an organization's operator keeps in its Secret. */
  public static InstanceIdentity identityOf(Org org) {
    Secret secret = org.client().secrets().withName("consortium-identity").get();
    String key = new String(Base64.getDecoder().decode(secret.getData().get(IdentityStore.PRIVATE_KEY)), StandardCharsets.UTF_8);
    String cert = new String(Base64.getDecoder().decode(secret.getData().get(IdentityStore.CERTIFICATE)), StandardCharsets.UTF_8);
    X509Certificate certificate = Pem.readCertificates(cert).get(0);
    return new InstanceIdentity(new KeyPair(certificate.getPublicKey(), Pem.readPrivateKey(key)), certificate);
  }

  public RawPeer dial(Org target) throws Exception {
    // A replica that does not lead yet closes every link as NotLeader, whatever it carries.
    Org.await(target.name() + " leads", Pairings.WAIT, () -> target.operator().leading());
    link = transport.dial(URI.create("wss://127.0.0.1:" + target.operator().meshPort()),
        target.operator().identity().instanceId(), this).get(10, TimeUnit.SECONDS);
    return this;
  }

  /** Signs a message as this peer and sends it; returns the frame, for replaying it. */
  public String send(Record body) {
    String frame = EnvelopeCodec.sign(Messages.envelope(body, identity.instanceId(), link.peerInstanceId(),
        sequence.next(), Clock.systemUTC()), identity);
    link.sendText(frame).join();
    return frame;
  }

  /** Signs a message as this peer and sends it, whether or not the other side already closed the link. */
  public void sendQuietly(Record body) {
    sendFrame(EnvelopeCodec.sign(Messages.envelope(body, identity.instanceId(), link.peerInstanceId(),
        sequence.next(), Clock.systemUTC()), identity));
  }

  /** Signs a message with another key than the link's, claiming to be from that key's instance. */
  public void sendSignedBy(InstanceIdentity signer, Record body) {
    sendFrame(EnvelopeCodec.sign(Messages.envelope(body, signer.instanceId(), link.peerInstanceId(),
        sequence.next(), Clock.systemUTC()), signer));
  }

  /** A second HELLO within the session: harmless, and a frame to capture and replay. */
  public String sendHelloAgainFrame() {
    return send(new io.consortium.operator.mesh.protocol.messages.Hello("raw", identity.instanceId(),
        identity.certificateThumbprint(), sequence.epoch(), java.util.List.of(EnvelopeCodec.VERSION)));
  }

  /** A HELLO opening a session with {@code epoch}. */
  public String sendHello(String name, long epoch) {
    return send(new io.consortium.operator.mesh.protocol.messages.Hello(name, identity.instanceId(),
        identity.certificateThumbprint(), epoch, java.util.List.of(EnvelopeCodec.VERSION)));
  }

  /** A binary frame as it is (a chunk, or anything). */
  public void sendBinary(byte[] data) {
    link.sendBinary(data).exceptionally(e -> null).join();
  }

  /** Waits for the other side to close the link; returns the reason this side heard, or fails. */
  public String awaitClosed(java.time.Duration timeout) throws InterruptedException {
    String reason = closed.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (reason == null) {
      throw new AssertionError("the link was still open after " + timeout);
    }
    return reason;
  }

  public boolean isOpen() {
    return link != null && link.isOpen();
  }

  /** Sends a frame as it is; a peer that closes the link on it (as it should on some) is not an error here. */
  public void sendFrame(String frame) {
    link.sendText(frame).exceptionally(e -> null).join();
  }

  /**
   * The body of the next message of {@code type} this peer receives that {@code matching} accepts;
   * the frames before it are read and dropped.
   */
  public JsonNode awaitMessage(MessageType type, Predicate<JsonNode> matching, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String frame = received.poll(100, TimeUnit.MILLISECONDS);
      if (frame == null || frame.isEmpty()) {
        continue;
      }
      JsonNode envelope = envelopeOf(frame);
      if (type.name().equals(envelope.path("type").asText()) && matching.test(envelope.path("body"))) {
        return envelope.path("body");
      }
    }
    throw new AssertionError("no " + type + " as expected within " + timeout);
  }

  /** The envelope a frame carries (its JWS payload), read without checking the signature: the test trusts it. */
  public static JsonNode envelopeOf(String frame) {
    String[] parts = frame.split("\\.");
    try {
      return ProtocolJson.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
    } catch (java.io.IOException | RuntimeException e) {
      throw new AssertionError("not a signed envelope: " + frame, e);
    }
  }

  public InstanceIdentity identity() {
    return identity;
  }

  public long epoch() {
    return sequence.epoch();
  }

  @Override
  public void onOpen(LinkConnection link) {}

  @Override
  public void onText(LinkConnection link, String text) {
    received.add(text);
  }

  @Override
  public void onBinary(LinkConnection link, byte[] data) {}

  @Override
  public void onClose(LinkConnection link, String reason) {
    closed.add(reason);
  }

  @Override
  public void close() {
    transport.close();
  }
}
