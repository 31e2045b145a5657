package io.consortium.operator.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.PeerPairingSpec;
import io.consortium.operator.api.v1alpha1.spec.InvitationRequest;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.RecipientStatus;
import io.consortium.operator.api.v1alpha1.spec.SecretKeyRef;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.embedded.EmbeddedApiServer;
import io.consortium.operator.embedded.RequestCounter;
import io.consortium.operator.identity.SelfSignedCertificates;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.mesh.protocol.messages.ShareOffer;
import io.consortium.operator.pki.Pem;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One operator holding many pairings and many pending shares, measured alone: the real operator as a
 * child process ({@link OperatorProcess}, {@code run --kubeconfig}) against an embedded API server in
 * the bench's process, its pairings redeemed by {@link AcknowledgingPeer}s (real identities, real
 * invitations, real links, every offer verified and acknowledged, nothing decided). KeyShares are
 * created by the bench's client, each for one peer, until the operator holds 0, 1,000 (when fewer
 * than {@code shares}) and {@code shares} of them, all acknowledged and undecided. At each of those
 * stages: the operator's CPU time over an idle window, its RSS, its heap after a full GC, and new
 * shares timed one at a time.
 */
final class ScaleFootprint {

  /** The stage between none and all: the "1,000 pending shares". */
  static final int MIDDLE_STAGE = 1000;
  /** Shares created but not yet seen Delivered before a creator waits: holding, not a burst. */
  static final int UNDELIVERED_WINDOW = 200;
  /** Redemptions in flight at once: below the listener's cap on links without a session from one address. */
  private static final int REDEMPTIONS_AT_ONCE = 8;
  private static final String NAMESPACE = "scale";
  private static final Duration WAIT = Duration.ofSeconds(120);

  /** What to run; see {@code bench --help}. */
  record Options(int pairings, int shares, int samples, Duration idle, int creators, Duration deadline) {}

  private final OperatorProcess.Launcher launcher;
  private final Path workdir;
  private final Options options;
  private final PrintStream out;

  private final Map<String, CompletableFuture<Long>> offered = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Long>> delivered = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<PeerPairing>> invited = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Void>> connected = new ConcurrentHashMap<>();
  private final Set<String> deliveredHeld = ConcurrentHashMap.newKeySet();
  private final Semaphore undelivered = new Semaphore(UNDELIVERED_WINDOW);

  ScaleFootprint(OperatorProcess.Launcher launcher, Path workdir, Options options, PrintStream out) {
    this.launcher = launcher;
    this.workdir = workdir;
    this.options = options;
    this.out = out;
  }

  /** The stages: 0, {@value #MIDDLE_STAGE} when below {@code shares}, and {@code shares}. */
  static List<Integer> stages(int shares) {
    List<Integer> stages = new ArrayList<>(List.of(0));
    if (shares > MIDDLE_STAGE) {
      stages.add(MIDDLE_STAGE);
    }
    if (shares > 0) {
      stages.add(shares);
    }
    return stages;
  }

  /** Runs the part, filling {@code node} as it goes: a part that fails keeps the stages it measured. */
  void run(ObjectNode node) throws Exception {
    long began = System.nanoTime();
    Files.createDirectories(workdir);
    Path kubeconfig = workdir.resolve("scale.kubeconfig");
    ScheduledExecutorService redial = AcknowledgingPeer.redialScheduler();
    ExecutorService creators = Executors.newFixedThreadPool(options.creators());
    List<AcknowledgingPeer> peers = new ArrayList<>();
    List<SharedIndexInformer<?>> informers = new ArrayList<>();
    try (EmbeddedApiServer cluster = EmbeddedApiServer.start(0)) {
      cluster.writeKubeconfig(kubeconfig, NAMESPACE, NAMESPACE);
      Config config = cluster.clientConfig(NAMESPACE);
      config.setUserAgent(ShareTimings.AGENT + "/1");
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata()
            .build()).create();
        createSourceSecret(client);
        informers.add(client.resources(PeerPairing.class).inNamespace(NAMESPACE).inform(pairingWatcher(), 0));
        informers.add(client.resources(KeyShare.class).inNamespace(NAMESPACE).inform(shareWatcher(), 0));
        List<String> args = List.of("run", "--kubeconfig", kubeconfig.toString(), "--namespace", NAMESPACE,
            "--instance-name", NAMESPACE, "--health-port", "0", "--mesh-port", "0", "--mesh-bind-address", "127.0.0.1");
        try (OperatorProcess operator = OperatorProcess.start(launcher, args)) {
          long ready = operator.awaitReady(OperatorProcess.START_LIMIT);
          node.put("measured", "one operator alone as a child process (" + launcher.description() + " "
              + String.join(" ", args) + ") against an embedded API server in the bench's process;"
              + " its pairings redeemed by light peers in the bench's process (real keys, real invitations, real TLS"
              + " links; every SHARE_OFFER verified and acknowledged Pending, nothing decided); KeyShares (a certificate"
              + " Secret) created by " + options.creators() + " concurrent clients, each for one peer in turn, at most "
              + UNDELIVERED_WINDOW + " not yet Delivered at a time. At each stage, once every share is Delivered: CPU"
              + " time of the process (all threads, /proc) over an idle window, VmRSS and VmHWM, the heap after a full"
              + " GC (jcmd GC.run, then the operator's own /metrics) and VmRSS after it, and new shares created one at"
              + " a time");
          node.put("pairings", options.pairings());
          node.put("shares", options.shares());
          node.put("creators", options.creators());
          node.put("undeliveredWindow", UNDELIVERED_WINDOW);
          node.put("startToReadyMs", (ready - operator.startedAt()) / 1_000_000);
          out.printf("  scale: operator Ready in %d ms; pairing %d peers%n", (ready - operator.startedAt()) / 1_000_000,
              options.pairings());
          long pairStart = System.nanoTime();
          pair(client, peers, redial);
          node.put("pairSeconds", round((System.nanoTime() - pairStart) / 1e9));
          ArrayNode stages = node.putArray("stages");
          long deadline = System.nanoTime() + options.deadline().toNanos();
          long createStart = System.nanoTime();
          int created = 0;
          int probes = 0;
          for (int target : stages(options.shares())) {
            out.printf("  scale: %d shares held (%d pairings)%n", target, options.pairings());
            created = createHeld(client, creators, created, target, deadline);
            boolean complete = awaitDelivered(target, deadline);
            ObjectNode stage = stages.addObject();
            stage.put("sharesHeld", target + probes);
            stage.put("sharesDelivered", deliveredHeld.size() + probes);
            stage.put("complete", complete);
            stage.put("reachedAfterSeconds", round((System.nanoTime() - createStart) / 1e9));
            stage.put("quietBeforeIdleWindow", quiesce(cluster));
            measure(stage, operator, cluster);
            stage.set("objectsHeld", objects(client));
            stage.set("apiServerGet", apiServerGet(client));
            if (!complete) {
              stage.put("incomplete", "the deadline (--scale-deadline " + options.deadline().toMinutes() + "m) passed"
                  + " with " + deliveredHeld.size() + " of " + target + " shares Delivered; later stages skipped");
              break;
            }
            stage.set("newShare", newShares(client, target, probes));
            probes += options.samples();
          }
          ObjectNode peerFigures = node.putObject("peers");
          peerFigures.put("offersReceived", peers.stream().mapToLong(AcknowledgingPeer::offers).sum());
          peerFigures.put("reconnects", peers.stream().mapToLong(AcknowledgingPeer::reconnects).sum());
          peerFigures.put("refusedFrames", peers.stream().mapToLong(AcknowledgingPeer::refusedFrames).sum());
          ratios(node);
        }
      }
    } finally {
      node.put("seconds", round((System.nanoTime() - began) / 1e9));
      creators.shutdownNow();
      informers.forEach(SharedIndexInformer::close);
      peers.forEach(AcknowledgingPeer::close);
      redial.shutdownNow();
    }
  }

  private static void createSourceSecret(KubernetesClient client) {
    KeyPair key = SelfSignedCertificates.newEcKeyPair("secp256r1");
    String certificate = Pem.certificate(SelfSignedCertificates.selfSigned(key, "Admin@scale.example.com", List.of(),
        Instant.now(), Duration.ofDays(30)));
    client.secrets().resource(new SecretBuilder().withNewMetadata().withName("bench-admin").endMetadata()
        .withData(Map.of("tls.crt", Base64.getEncoder().encodeToString(certificate.getBytes(StandardCharsets.UTF_8))))
        .build()).create();
  }

  private static String pairingName(int i) {
    return String.format("peer-%03d", i + 1);
  }

  /** Every pairing invited by the operator, redeemed by its peer, and Connected on the operator. */
  private void pair(KubernetesClient client, List<AcknowledgingPeer> peers, ScheduledExecutorService redial)
      throws Exception {
    for (int i = 0; i < options.pairings(); i++) {
      PeerPairing pairing = new PeerPairing();
      pairing.getMetadata().setName(pairingName(i));
      pairing.setSpec(new PeerPairingSpec());
      pairing.getSpec().invite = new InvitationRequest();
      client.resource(pairing).create();
    }
    // All the peers dial from one address: the listener admits --mesh-max-pending-per-address (16) links
    // without a session from it at once, so redemptions go a few at a time.
    Semaphore redeeming = new Semaphore(REDEMPTIONS_AT_ONCE);
    List<CompletableFuture<Void>> redemptions = new ArrayList<>();
    for (int i = 0; i < options.pairings(); i++) {
      String name = pairingName(i);
      PeerPairing pairing = await("pairing " + name + " to be Invited", future(invited, name));
      String jws = new String(Base64.getDecoder().decode(client.secrets()
          .withName(pairing.getStatus().invitation.secretName).get().getData().get("invitation")), StandardCharsets.UTF_8);
      AcknowledgingPeer peer = new AcknowledgingPeer(name, this::offered, redial);
      peers.add(peer);
      if (!redeeming.tryAcquire(WAIT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException("scale: " + REDEMPTIONS_AT_ONCE + " redemptions took over "
            + WAIT.toSeconds() + " s");
      }
      redemptions.add(peer.redeem(jws).whenComplete((ok, failure) -> redeeming.release()));
    }
    for (int i = 0; i < options.pairings(); i++) {
      await("peer " + pairingName(i) + " to redeem its invitation", redemptions.get(i));
      await("pairing " + pairingName(i) + " to be Connected", future(connected, pairingName(i)));
    }
  }

  private void offered(ShareOffer offer) {
    future(offered, offer.shareName()).complete(System.nanoTime());
  }

  /** Creates held shares up to {@code target}; returns how many exist. */
  private int createHeld(KubernetesClient client, ExecutorService creators, int created, int target, long deadline)
      throws Exception {
    List<Future<?>> creating = new ArrayList<>();
    for (int i = created; i < target; i++) {
      String name = String.format("held-%05d", i + 1);
      String to = pairingName(i % options.pairings());
      creating.add(creators.submit(() -> {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !undelivered.tryAcquire(left, TimeUnit.NANOSECONDS)) {
          return null; // past the deadline: the stage reports what was reached
        }
        createShare(client, name, to);
        return null;
      }));
    }
    for (Future<?> f : creating) {
      f.get();
    }
    return target;
  }

  private static void createShare(KubernetesClient client, String name, String to) {
    KeyShare share = new KeyShare();
    share.getMetadata().setName(name);
    share.setSpec(new KeyShareSpec());
    share.getSpec().to = List.of(to);
    share.getSpec().source = new SecretKeyRef("bench-admin", null);
    client.resource(share).create();
  }

  private boolean awaitDelivered(int target, long deadline) throws InterruptedException {
    while (deliveredHeld.size() < target) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(100);
    }
    return true;
  }

  /**
   * Waits up to 10 s for the operator's requests (leases aside) to stop for a second, so that the idle
   * window does not hold the tail of the work just done; false when they never stopped (it polls).
   */
  private static boolean quiesce(EmbeddedApiServer cluster) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    long last = operatorRequests(cluster.requests().snapshot());
    long quietSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      Thread.sleep(100);
      long now = operatorRequests(cluster.requests().snapshot());
      if (now != last) {
        last = now;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(1)) {
        return true;
      }
    }
    return false;
  }

  private static long operatorRequests(Map<RequestCounter.Key, Long> counts) {
    return counts.entrySet().stream().filter(e -> e.getKey().client().equals(ShareTimings.OPERATOR_AGENT)
        && !e.getKey().resource().startsWith("leases")).mapToLong(Map.Entry::getValue).sum();
  }

  /** The idle window, then RSS, then the heap after a full GC. */
  private void measure(ObjectNode stage, OperatorProcess operator, EmbeddedApiServer cluster) throws Exception {
    Map<RequestCounter.Key, Long> before = cluster.requests().snapshot();
    Duration cpuBefore = operator.cpuTime();
    long start = System.nanoTime();
    Thread.sleep(options.idle().toMillis());
    Duration cpu = operator.cpuTime().minus(cpuBefore);
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<RequestCounter.Key, Long> after = cluster.requests().snapshot();
    long requests = 0;
    long leases = 0;
    for (Map.Entry<RequestCounter.Key, Long> e : after.entrySet()) {
      if (!e.getKey().client().equals(ShareTimings.OPERATOR_AGENT)) {
        continue;
      }
      long n = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      if (e.getKey().resource().startsWith("leases")) {
        leases += n;
      } else {
        requests += n;
      }
    }
    stage.put("idleWindowSeconds", round(seconds));
    stage.put("idleCpuPercentOfCore", round(cpu.toNanos() / 1e9 / seconds * 100));
    stage.put("idleApiRequestsPerSecond", round(requests / seconds));
    stage.put("idleLeaseRequestsPerSecond", round(leases / seconds));
    stage.put("rssMiB", operator.rssKib() / 1024);
    stage.put("rssPeakMiB", operator.peakRssKib() / 1024);
    OperatorProcess.Heap heap = operator.heapAfterGc();
    stage.put("heapUsedAfterGcMiB", round(heap.usedBytes() / 1048576.0));
    stage.put("heapCommittedAfterGcMiB", round(heap.committedBytes() / 1048576.0));
    // Whether the JVM gives memory back after the collection depends on its flags: RSS before and after both tell.
    stage.put("rssAfterGcMiB", operator.rssKib() / 1024);
  }

  /** New shares, one at a time: create -> the peer has the verified offer; create -> the bench's watch sees Delivered. */
  private ObjectNode newShares(KubernetesClient client, int held, int probesBefore) {
    List<Long> toPeer = new ArrayList<>();
    List<Long> toDelivered = new ArrayList<>();
    for (int i = 0; i < options.samples(); i++) {
      String name = String.format("new-at-%05d-%02d", held, i + 1);
      String to = pairingName((probesBefore + i) % options.pairings());
      long start = System.nanoTime();
      createShare(client, name, to);
      toPeer.add(await("new share " + name + " to reach " + to, future(offered, name)) - start);
      toDelivered.add(await("new share " + name + " to be Delivered", future(delivered, name)) - start);
    }
    ObjectNode node = ProtocolJson.MAPPER.createObjectNode();
    ObjectNode offer = Distribution.ofNanos(toPeer).json();
    offer.put("measured", "create KeyShare (bench's client) -> the peer holds the offer, its signature verified");
    node.set("offerAtPeer", offer);
    ObjectNode done = Distribution.ofNanos(toDelivered).json();
    done.put("measured", "create KeyShare -> the bench's watch sees the recipient Delivered (the peer's"
        + " acknowledgement written by the operator)");
    node.set("delivered", done);
    return node;
  }

  /**
   * What one request costs the API server itself at this store size: GETs of one object by name by the
   * bench's client. The embedded (mock) API server scans its whole store on every request, so its cost
   * grows with what it holds; the new-share latency includes that, which is no cost of the operator's.
   */
  private static ObjectNode apiServerGet(KubernetesClient client) {
    List<Long> gets = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      long t = System.nanoTime();
      client.secrets().withName("bench-admin").get();
      gets.add(System.nanoTime() - t);
    }
    ObjectNode node = Distribution.ofNanos(gets).json();
    node.put("measured", "20 GETs of one Secret by name by the bench's client, one at a time: the API server's own"
        + " cost per request at this store size (the embedded mock server scans its whole store on each request)");
    return node;
  }

  /** Each stage's figures against the stage with no shares: what holding shares costs. */
  private static void ratios(ObjectNode node) {
    ArrayNode stages = (ArrayNode) node.get("stages");
    if (stages.size() < 2 || !stages.get(0).has("newShare")) {
      return;
    }
    var empty = stages.get(0);
    for (var stage : stages) {
      if (!stage.has("newShare")) {
        continue;
      }
      ((ObjectNode) stage).put("newShareDeliveredP50TimesEmpty", round(
          stage.at("/newShare/delivered/p50Ms").asDouble() / empty.at("/newShare/delivered/p50Ms").asDouble()));
      ((ObjectNode) stage).put("newShareOfferP50TimesEmpty", round(
          stage.at("/newShare/offerAtPeer/p50Ms").asDouble() / empty.at("/newShare/offerAtPeer/p50Ms").asDouble()));
      ((ObjectNode) stage).put("apiServerGetP50TimesEmpty", round(
          stage.at("/apiServerGet/p50Ms").asDouble() / empty.at("/apiServerGet/p50Ms").asDouble()));
    }
  }

  private static ObjectNode objects(KubernetesClient client) {
    ObjectNode node = ProtocolJson.MAPPER.createObjectNode();
    int keyShares = client.resources(KeyShare.class).inNamespace(NAMESPACE).list().getItems().size();
    int events = client.v1().events().inNamespace(NAMESPACE).list().getItems().size();
    node.put("keyShares", keyShares);
    node.put("events", events);
    node.put("total", keyShares + events + client.secrets().inNamespace(NAMESPACE).list().getItems().size()
        + client.configMaps().inNamespace(NAMESPACE).list().getItems().size()
        + client.resources(PeerPairing.class).inNamespace(NAMESPACE).list().getItems().size()
        + client.leases().inNamespace(NAMESPACE).list().getItems().size());
    return node;
  }

  private ResourceEventHandler<PeerPairing> pairingWatcher() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(PeerPairing pairing) {
        look(pairing);
      }

      @Override
      public void onUpdate(PeerPairing before, PeerPairing pairing) {
        look(pairing);
      }

      @Override
      public void onDelete(PeerPairing pairing, boolean finalStateUnknown) {}

      private void look(PeerPairing pairing) {
        var status = pairing.getStatus();
        if (status == null) {
          return;
        }
        String name = pairing.getMetadata().getName();
        if (status.invitation != null && status.invitation.secretName != null
            && (status.phase == PairingPhase.Invited || status.phase == PairingPhase.Connected)) {
          future(invited, name).complete(pairing);
        }
        if (status.phase == PairingPhase.Connected) {
          future(connected, name).complete(null);
        }
      }
    };
  }

  private ResourceEventHandler<KeyShare> shareWatcher() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(KeyShare share) {
        look(share);
      }

      @Override
      public void onUpdate(KeyShare before, KeyShare share) {
        look(share);
      }

      @Override
      public void onDelete(KeyShare share, boolean finalStateUnknown) {}

      private void look(KeyShare share) {
        if (share.getStatus() == null) {
          return;
        }
        for (RecipientStatus recipient : share.getStatus().recipients) {
          if (recipient.phase != null && recipient.phase != SharePhase.Pending) {
            String name = share.getMetadata().getName();
            if (future(delivered, name).complete(System.nanoTime()) && name.startsWith("held-")
                && deliveredHeld.add(name)) {
              undelivered.release();
            }
          }
        }
      }
    };
  }

  private static <T> CompletableFuture<T> future(Map<String, CompletableFuture<T>> map, String key) {
    return map.computeIfAbsent(key, k -> new CompletableFuture<>());
  }

  private static <T> T await(String what, CompletableFuture<T> future) {
    try {
      return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("scale: waited " + WAIT.toSeconds() + " s for " + what);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("scale: " + what + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + what);
    }
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
