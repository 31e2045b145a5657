package io.consortium.operator.bench;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Config;
import io.consortium.operator.api.TolerantSerialization;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.spec.Decision;
import io.consortium.operator.api.v1alpha1.spec.KeyUsage;
import io.consortium.operator.api.v1alpha1.spec.PublicKeyMaterial;
import io.consortium.operator.api.v1alpha1.spec.ShareOrigin;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.embedded.EmbeddedApiServer;
import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.identity.SelfSignedCertificates;
import io.consortium.operator.mesh.LinkConnection;
import io.consortium.operator.mesh.LinkHandler;
import io.consortium.operator.mesh.LinkTiming;
import io.consortium.operator.mesh.MeshTransport;
import io.consortium.operator.mesh.protocol.Envelope;
import io.consortium.operator.mesh.protocol.EnvelopeCodec;
import io.consortium.operator.mesh.protocol.Messages;
import io.consortium.operator.mesh.protocol.ProtocolException;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.mesh.protocol.SendSequence;
import io.consortium.operator.mesh.protocol.SignedEnvelope;
import io.consortium.operator.mesh.protocol.messages.DecisionOutcome;
import io.consortium.operator.mesh.protocol.messages.ShareAck;
import io.consortium.operator.mesh.protocol.messages.ShareDecision;
import io.consortium.operator.mesh.protocol.messages.ShareOffer;
import io.consortium.operator.pairing.RemoteNodes;
import io.consortium.operator.pki.Pem;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor of the share path on this machine: the least work that carries a share from one
 * organization to another with the operator's parts, and nothing else. org1 is the origin, the
 * others receive; each is an {@link EmbeddedApiServer} (the operator's API servers), the links are
 * {@link MeshTransport} links (WebSocket over TLS 1.3, pinned keys) from org1 to each receiver, every
 * message a signed envelope ({@link EnvelopeCodec}: ES256 sign and verify, as the operator pays them).
 *
 * <p>Per delivery exactly 3 API writes, no reads: the receiver creates the incoming KeyShare and
 * writes its status, the origin writes its status when the acknowledgement arrives. The origin sees
 * new shares and its Secrets through informers (caches); each receiver sees decisions through an
 * informer. A decision costs 2 writes: the receiver's status and the origin's. Work of different
 * shares runs concurrently on {@value #WRITES_IN_FLIGHT} threads per organization (so at most that
 * many writes in flight per side); the origin's status writes of one share are serialised.
 *
 * <p>What it leaves out is what the operator adds: finalizers, Events, audit lines, re-derived and
 * checked material, accept policies, deduplication, replay windows, resync, rechecks.
 */
final class FloorPipeline implements AutoCloseable {

  /** API writes in flight per organization, as when the floor was first measured by hand. */
  static final int WRITES_IN_FLIGHT = 8;
  private static final String KIND = "KeyShare";
  private static final String ORIGIN = "org1";

  private final List<Org> orgs = new ArrayList<>();
  private final Clock clock = Clock.systemUTC();

  /** One organization of the floor: its API server, key, client, worker threads and informers. */
  private static final class Org implements AutoCloseable {
    final String name;
    final EmbeddedApiServer cluster;
    final KubernetesClient client;
    final InstanceIdentity identity;
    final ExecutorService workers;
    final MeshTransport transport;
    final List<SharedIndexInformer<?>> informers = new ArrayList<>();

    Org(String name) {
      this.name = name;
      this.cluster = EmbeddedApiServer.start(0);
      Config config = cluster.clientConfig(name);
      // It does the operators' part, and its requests are counted as theirs are.
      config.setUserAgent(ShareTimings.OPERATOR_AGENT + "/floor");
      this.client = new KubernetesClientBuilder().withConfig(config)
          .withKubernetesSerialization(TolerantSerialization.create()).build();
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
      var keys = SelfSignedCertificates.newEcKeyPair("secp256r1");
      this.identity = new InstanceIdentity(keys, SelfSignedCertificates.selfSigned(keys, name, List.of("localhost"),
          Instant.now().minusSeconds(60), Duration.ofDays(1)));
      AtomicInteger n = new AtomicInteger();
      this.workers = Executors.newFixedThreadPool(WRITES_IN_FLIGHT, r -> {
        Thread t = new Thread(r, "floor-" + name + "-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      this.transport = new MeshTransport(identity, 1 << 20, LinkTiming.DEFAULT);
    }

    @Override
    public void close() {
      informers.forEach(SharedIndexInformer::close);
      workers.shutdownNow();
      transport.close();
      client.close();
      cluster.close();
    }
  }

  /** The origin's view of one outgoing share: its name and each recipient's phase, written whole. */
  private static final class Outgoing {
    final String name;
    final long revision;
    final Map<String, SharePhase> phases = new LinkedHashMap<>();

    Outgoing(String name, long revision, List<String> to) {
      this.name = name;
      this.revision = revision;
      to.forEach(p -> phases.put(p, SharePhase.Pending));
    }
  }

  /** One link from the origin to a receiver: the origin's end, and each direction's sequence. */
  private record Link(LinkConnection connection, SendSequence fromOrigin, SendSequence toOrigin) {}

  private final Map<String, Link> links = new ConcurrentHashMap<>();
  /** The receivers' ends of their links, by receiver. */
  private final Map<String, LinkConnection> receiverEnds = new ConcurrentHashMap<>();
  private final Map<String, Outgoing> outgoing = new ConcurrentHashMap<>();
  /** Incoming shares whose decision was sent, by "org/uid": a decision goes once. */
  private final Set<String> decisionsSent = ConcurrentHashMap.newKeySet();
  private final AtomicLong failures = new AtomicLong();
  private volatile String lastFailure;

  private FloorPipeline() {}

  /** Starts org1 (the origin) and org2..org{count} (receivers), each linked to org1. */
  static FloorPipeline start(int count) {
    FloorPipeline floor = new FloorPipeline();
    try {
      for (int i = 1; i <= count; i++) {
        floor.orgs.add(new Org("org" + i));
      }
      floor.startOrigin(floor.orgs.get(0));
      for (Org receiver : floor.orgs.subList(1, count)) {
        floor.startReceiver(receiver);
      }
      return floor;
    } catch (RuntimeException e) {
      floor.close();
      throw e;
    } catch (Exception e) {
      floor.close();
      throw new IllegalStateException("the floor pipeline did not start: " + e.getMessage(), e);
    }
  }

  /** The organizations, for {@link ShareTimings}. */
  List<ShareTimings.Site> sites() {
    return orgs.stream().map(o -> new ShareTimings.Site(o.name, o.cluster)).toList();
  }

  /** Work that failed (a write refused, a frame that did not open): none in a sound run. */
  long failures() {
    return failures.get();
  }

  String lastFailure() {
    return lastFailure;
  }

  // ---- the origin ------------------------------------------------------------------------------

  private void startOrigin(Org origin) {
    SharedIndexInformer<Secret> secrets = origin.client.secrets().inNamespace(origin.name).inform();
    origin.informers.add(secrets);
    origin.informers.add(origin.client.resources(KeyShare.class).inNamespace(origin.name).inform(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(KeyShare share) {
            if (share.getSpec() != null && share.getSpec().to != null) {
              origin.workers.execute(() -> guarded(() -> offer(origin, secrets, share)));
            }
          }

          @Override
          public void onUpdate(KeyShare before, KeyShare share) {}

          @Override
          public void onDelete(KeyShare share, boolean finalStateUnknown) {}
        }, 0));
  }

  private void offer(Org origin, SharedIndexInformer<Secret> secrets, KeyShare share) {
    KeyShareSpec spec = share.getSpec();
    Secret source = secrets.getStore().getByKey(origin.name + "/" + spec.source.name);
    if (source == null) {
      throw new IllegalStateException("Secret " + spec.source.name + " is not in the origin's cache");
    }
    JsonNode payload = payload(source, spec);
    String uid = share.getMetadata().getUid();
    long revision = share.getMetadata().getGeneration() == null ? 1 : share.getMetadata().getGeneration();
    outgoing.put(uid, new Outgoing(share.getMetadata().getName(), revision, spec.to));
    for (String pairing : spec.to) {
      Link link = links.get(pairing);
      ShareOffer offer = new ShareOffer(KIND, uid, share.getMetadata().getName(), revision, null, payload, null);
      send(link.connection(), link.fromOrigin(), origin.identity, offer);
    }
  }

  /** What a KeyShare of a certificate carries: its public material, as the operator's KeyShare payload does. */
  private static JsonNode payload(Secret source, KeyShareSpec spec) {
    String pem = new String(Base64.getDecoder().decode(source.getData().get("tls.crt")), StandardCharsets.UTF_8);
    X509Certificate certificate = Pem.readCertificates(pem).get(0);
    PublicKeyMaterial material = new PublicKeyMaterial();
    material.certificate = pem;
    material.publicKey = Pem.publicKey(certificate.getPublicKey());
    material.algorithm = "EC";
    material.curve = "P-256";
    material.keySize = 256;
    material.fingerprint = InstanceIdentity.instanceIdOf(certificate.getPublicKey());
    ObjectNode payload = ProtocolJson.MAPPER.createObjectNode();
    payload.set("material", ProtocolJson.MAPPER.valueToTree(material));
    payload.put("usage", spec.usage == null ? null : spec.usage.name());
    payload.put("mspId", spec.mspId);
    return payload;
  }

  /** A frame from a receiver: an acknowledgement or a decision; the origin's status is written from its facts. */
  private void atOrigin(Org origin, String pairing, LinkConnection connection, String text) throws ProtocolException {
    SignedEnvelope signed = EnvelopeCodec.open(text, connection.peerCertificate().getPublicKey(),
        origin.identity.instanceId(), 1 << 20);
    Envelope envelope = signed.envelope();
    switch (envelope.type()) {
      case SHARE_ACK -> {
        ShareAck ack = Messages.body(envelope, ShareAck.class);
        record(origin, ack.shareUid(), pairing, SharePhase.Delivered);
      }
      case SHARE_DECISION -> {
        ShareDecision decision = Messages.body(envelope, ShareDecision.class);
        record(origin, decision.shareUid(), pairing,
            decision.decision() == DecisionOutcome.Accepted ? SharePhase.Accepted : SharePhase.Rejected);
      }
      default -> throw new IllegalStateException("the floor's origin got a " + envelope.type());
    }
  }

  private void record(Org origin, String uid, String pairing, SharePhase phase) {
    Outgoing share = outgoing.get(uid);
    if (share == null) {
      throw new IllegalStateException("an answer for share " + uid + ", which the origin never offered");
    }
    // One write per fact, carrying every recipient: two answers for one share never overwrite each other.
    synchronized (share) {
      share.phases.put(pairing, phase);
      ObjectNode status = ProtocolJson.MAPPER.createObjectNode();
      status.put("direction", "Outgoing");
      status.put("revision", share.revision);
      ArrayNode recipients = status.putArray("recipients");
      String now = clock.instant().toString();
      share.phases.forEach((to, p) -> {
        ObjectNode recipient = recipients.addObject();
        recipient.put("pairing", to);
        recipient.put("phase", p.name());
        recipient.put("revision", share.revision);
        recipient.put("lastTransitionTime", now);
      });
      patchStatus(origin, share.name, status);
    }
  }

  // ---- the receivers ---------------------------------------------------------------------------

  private void startReceiver(Org receiver) throws Exception {
    Org origin = orgs.get(0);
    int port = receiver.transport.listen("127.0.0.1", 0, new Handler() {
      @Override
      public void onOpen(LinkConnection connection) {
        receiverEnds.put(receiver.name, connection);
      }

      @Override
      public void onText(LinkConnection connection, String text) {
        receiver.workers.execute(() -> guarded(() -> atReceiver(receiver, origin, connection, text)));
      }
    });
    LinkConnection connection = origin.transport.dial(URI.create("wss://127.0.0.1:" + port),
        receiver.identity.instanceId(), new Handler() {
          @Override
          public void onText(LinkConnection link, String text) {
            origin.workers.execute(() -> guarded(() -> atOrigin(origin, receiver.name, link, text)));
          }
        }).get(30, TimeUnit.SECONDS);
    long epoch = System.currentTimeMillis();
    links.put(receiver.name, new Link(connection, new SendSequence(epoch), new SendSequence(epoch)));
    receiver.informers.add(receiver.client.resources(KeyShare.class).inNamespace(receiver.name).inform(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(KeyShare share) {}

          @Override
          public void onUpdate(KeyShare before, KeyShare share) {
            KeyShareSpec spec = share.getSpec();
            if (spec != null && spec.from != null && spec.decision != null
                && decisionsSent.add(receiver.name + "/" + spec.from.shareUid)) {
              receiver.workers.execute(() -> guarded(() -> decide(receiver, origin, share)));
            }
          }

          @Override
          public void onDelete(KeyShare share, boolean finalStateUnknown) {}
        }, 0));
  }

  private void atReceiver(Org receiver, Org origin, LinkConnection connection, String text) throws ProtocolException {
    if (!connection.peerInstanceId().equals(origin.identity.instanceId())) {
      throw new IllegalStateException("a link from an instance the receiver does not pin");
    }
    SignedEnvelope signed = EnvelopeCodec.open(text, origin.identity.keyPair().getPublic(),
        receiver.identity.instanceId(), 1 << 20);
    Envelope envelope = signed.envelope();
    if (envelope.type() != io.consortium.operator.mesh.protocol.MessageType.SHARE_OFFER) {
      throw new IllegalStateException("the floor's receiver got a " + envelope.type());
    }
    ShareOffer offer = Messages.body(envelope, ShareOffer.class);
    KeyShare incoming = new KeyShare();
    incoming.getMetadata().setName(RemoteNodes.localName(ORIGIN, offer.shareName()));
    incoming.getMetadata().setLabels(Map.of("consortium.io/direction", "incoming", "consortium.io/from", ORIGIN,
        "consortium.io/share-uid", offer.shareUid()));
    KeyShareSpec spec = new KeyShareSpec();
    spec.from = new ShareOrigin();
    spec.from.pairing = ORIGIN;
    spec.from.shareUid = offer.shareUid();
    spec.from.revision = offer.revision();
    spec.from.shareName = offer.shareName();
    spec.from.instanceId = envelope.from();
    spec.from.envelopeSha256 = signed.sha256();
    spec.from.signature = signed.signature();
    spec.from.sentAt = envelope.sentAt().toString();
    spec.material = ProtocolJson.MAPPER.convertValue(offer.payload().get("material"), PublicKeyMaterial.class);
    JsonNode usage = offer.payload().get("usage");
    spec.usage = usage == null || usage.isNull() ? null : KeyUsage.valueOf(usage.asText());
    incoming.setSpec(spec);
    receiver.client.resources(KeyShare.class).inNamespace(receiver.name).resource(incoming).create();
    Link link = links.get(receiver.name);
    send(connection, link.toOrigin(), receiver.identity,
        new ShareAck(KIND, offer.shareUid(), offer.revision(), SharePhase.Pending));
    ObjectNode status = ProtocolJson.MAPPER.createObjectNode();
    status.put("direction", "Incoming");
    status.put("phase", "Pending");
    status.put("revision", offer.revision());
    status.put("peers", ORIGIN);
    patchStatus(receiver, incoming.getMetadata().getName(), status);
  }

  private void decide(Org receiver, Org origin, KeyShare share) {
    KeyShareSpec spec = share.getSpec();
    boolean accepted = spec.decision == Decision.Accept;
    Instant now = clock.instant();
    send(receiverEnds.get(receiver.name), links.get(receiver.name).toOrigin(), receiver.identity, new ShareDecision(KIND, spec.from.shareUid,
        spec.from.revision, accepted ? DecisionOutcome.Accepted : DecisionOutcome.Rejected, receiver.name, now, null));
    ObjectNode status = ProtocolJson.MAPPER.createObjectNode();
    status.put("phase", accepted ? "Accepted" : "Rejected");
    status.put("decidedBy", receiver.name);
    status.put("decidedAt", now.toString());
    patchStatus(receiver, share.getMetadata().getName(), status);
  }

  // ---- both sides ------------------------------------------------------------------------------

  /** Signs {@code body} as {@code sender} and sends it; the envelope is addressed to the link's peer. */
  private void send(LinkConnection connection, SendSequence sequence, InstanceIdentity sender, Record body) {
    connection.sendText(EnvelopeCodec.sign(Messages.envelope(body, sender.instanceId(), connection.peerInstanceId(),
        sequence.next(), clock), sender));
  }

  /** One merge patch of the status subresource: one request, no read before it. */
  private static void patchStatus(Org org, String name, ObjectNode status) {
    KubernetesClient client = org.client;
    KeyShare target = new KeyShare();
    target.getMetadata().setName(name);
    target.getMetadata().setNamespace(org.name);
    ObjectNode patch = ProtocolJson.MAPPER.createObjectNode();
    patch.set("status", status);
    client.resources(KeyShare.class).inNamespace(org.name).resource(target).subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
  }

  private interface Work {
    void run() throws Exception;
  }

  private void guarded(Work work) {
    try {
      work.run();
    } catch (Exception e) {
      // The bench then waits for a share that never comes and says which; the cause is kept for it.
      failures.incrementAndGet();
      lastFailure = e.toString();
    }
  }

  /** A link handler that only reads text frames; the floor has no binary frames and nothing to do on open. */
  private abstract static class Handler implements LinkHandler {
    @Override
    public void onOpen(LinkConnection link) {
      // nothing to do when a link opens
    }

    @Override
    public void onBinary(LinkConnection link, byte[] data) {}

    @Override
    public void onClose(LinkConnection link, String reason) {}
  }

  @Override
  public void close() {
    for (int i = orgs.size() - 1; i >= 0; i--) {
      orgs.get(i).close();
    }
  }
}
