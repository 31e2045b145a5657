package io.consortium.operator.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.spec.RecipientStatus;
import io.consortium.operator.api.v1alpha1.spec.SecretKeyRef;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.demo.DemoConsortium;
import io.consortium.operator.embedded.EmbeddedApiServer;
import io.consortium.operator.embedded.RequestCounter;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.identity.SelfSignedCertificates;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The share figures on a running consortium (org1 paired with org2 and org3), through the
 * Kubernetes API only, as a person or GitOps would: KeyShares are created and decided with the
 * bench's own clients (User-Agent {@value #AGENT}, so the API servers count them apart from the
 * operators), and arrivals are timed by watches (informers), never by polling. The same code times
 * the operators ({@link DemoConsortium}) and the floor ({@link FloorPipeline}): only what answers
 * on the API servers differs.
 */
final class ShareTimings implements AutoCloseable {

  static final String AGENT = "consortium-bench";
  /** The operators' client (fabric8's default User-Agent); what the per-share figures count. */
  static final String OPERATOR_AGENT = "consortium-operator";
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** One organization as the bench sees it: its API server, where its namespace is its name. */
  record Site(String name, EmbeddedApiServer cluster) {}

  private final List<Site> orgs;
  private final List<KubernetesClient> clients = new ArrayList<>();
  private final List<SharedIndexInformer<KeyShare>> informers = new ArrayList<>();
  /** When something was first seen: "arrived/org2/<uid>", "delivered/org2/<uid>", "accepted/org2/<uid>". */
  private final Map<String, CompletableFuture<Long>> seen = new ConcurrentHashMap<>();
  /** The name of each incoming KeyShare, by "org2/<uid>". */
  private final Map<String, String> incomingNames = new ConcurrentHashMap<>();

  ShareTimings(DemoConsortium consortium) {
    this(consortium.organizations().stream().map(o -> new Site(o.name(), o.cluster())).toList());
  }

  ShareTimings(List<Site> sites) {
    this.orgs = sites;
    for (Site org : orgs) {
      Config config = org.cluster().clientConfig(org.name());
      config.setUserAgent(AGENT + "/1");
      KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
      clients.add(client);
      informers.add(client.resources(KeyShare.class).inNamespace(org.name()).inform(watcher(org.name()), 0));
    }
    KeyPair key = SelfSignedCertificates.newEcKeyPair("secp256r1");
    String certificate = Pem.certificate(SelfSignedCertificates.selfSigned(key, "Admin@org1.example.com", List.of(),
        Instant.now(), Duration.ofDays(30)));
    // Only the certificate: the shares measure the link and the API, not key handling.
    client(0).secrets().resource(new SecretBuilder().withNewMetadata().withName("bench-admin").endMetadata()
        .withData(Map.of("tls.crt", Base64.getEncoder().encodeToString(certificate.getBytes(StandardCharsets.UTF_8))))
        .build()).create();
  }

  private ResourceEventHandler<KeyShare> watcher(String org) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(KeyShare share) {
        look(org, share);
      }

      @Override
      public void onUpdate(KeyShare before, KeyShare share) {
        look(org, share);
      }

      @Override
      public void onDelete(KeyShare share, boolean unknownFinalStateUnknown) {}
    };
  }

  private void look(String org, KeyShare share) {
    long now = System.nanoTime();
    Map<String, String> labels = share.getMetadata().getLabels();
    if (labels != null && "incoming".equals(labels.get("consortium.io/direction"))) {
      String uid = share.getSpec().from.shareUid;
      incomingNames.putIfAbsent(org + "/" + uid, share.getMetadata().getName());
      event("arrived/" + org + "/" + uid).complete(now);
      return;
    }
    if (share.getStatus() == null) {
      return;
    }
    String uid = share.getMetadata().getUid();
    for (RecipientStatus recipient : share.getStatus().recipients) {
      if (recipient.phase != null && recipient.phase != SharePhase.Pending) {
        event("delivered/" + recipient.pairing + "/" + uid).complete(now);
      }
      if (recipient.phase == SharePhase.Accepted) {
        event("accepted/" + recipient.pairing + "/" + uid).complete(now);
      }
    }
  }

  private CompletableFuture<Long> event(String key) {
    return seen.computeIfAbsent(key, k -> new CompletableFuture<>());
  }

  private long await(String key) {
    try {
      return event(key).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("waited " + WAIT.toSeconds() + " s for " + key + ": the share never got there");
    } catch (Exception e) {
      throw new IllegalStateException("waiting for " + key + ": " + e, e);
    }
  }

  private KubernetesClient client(int org) {
    return clients.get(org);
  }

  /** Creates KeyShare {@code name} on org1 for {@code to}; its UID. */
  private String share(String name, List<String> to) {
    KeyShare share = new KeyShare();
    share.getMetadata().setName(name);
    share.setSpec(new KeyShareSpec());
    share.getSpec().to = to;
    share.getSpec().source = new SecretKeyRef("bench-admin", null);
    return client(0).resource(share).create().getMetadata().getUid();
  }

  /** Sequential figures: warm-up, then {@code count} shares one at a time, then a decision on each. */
  record Sequential(Distribution propagation, Distribution decision, ObjectNode requestsPerShare,
      ObjectNode requestsPerDecision, ObjectNode objectsAfter, com.fasterxml.jackson.databind.node.ArrayNode timeline) {}

  /** How many of the last shares of the sequential run are traced request by request for the breakdown. */
  private static final int TRACED = 50;

  Sequential sequential(int warmup, int count) {
    for (int i = 0; i < warmup; i++) {
      String uid = share("warmup-" + i, List.of("org2"));
      await("delivered/org2/" + uid);
      decide(uid, "Accept");
      await("accepted/org2/" + uid);
    }
    quiesce();
    Map<RequestCounter.Key, Long>[] before = counts();
    List<Long> propagation = new ArrayList<>();
    List<String> uids = new ArrayList<>();
    int traced = Math.min(TRACED, count);
    List<long[]> tracedShares = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (i == count - traced) {
        orgs.forEach(o -> o.cluster().requests().startTrace());
      }
      long start = System.nanoTime();
      String uid = share("share-" + i, List.of("org2"));
      long arrived = await("arrived/org2/" + uid);
      propagation.add(arrived - start);
      // One at a time: the next share goes once org1 has the acknowledgement of this one.
      long delivered = await("delivered/org2/" + uid);
      uids.add(uid);
      if (i >= count - traced) {
        tracedShares.add(new long[] {start, arrived, delivered});
      }
    }
    quiesce();
    List<List<RequestCounter.Traced>> traces = new ArrayList<>();
    orgs.forEach(o -> traces.add(o.cluster().requests().stopTrace()));
    Map<RequestCounter.Key, Long>[] delivered = counts();
    List<Long> decisions = new ArrayList<>();
    for (String uid : uids) {
      long start = System.nanoTime();
      decide(uid, "Accept");
      decisions.add(await("accepted/org2/" + uid) - start);
    }
    quiesce();
    Map<RequestCounter.Key, Long>[] decided = counts();
    return new Sequential(Distribution.ofNanos(propagation), Distribution.ofNanos(decisions),
        perShare(before, delivered, count, 0, 1), perShare(delivered, decided, count, 0, 1), objects(),
        timeline(tracedShares, traces));
  }

  /**
   * Where a share's time goes: every request the API servers received while one share travelled
   * (shares go one at a time, so each window holds one share's requests), as its offset from the
   * bench's create, median over the traced shares; with the two moments the bench's watches saw.
   */
  private com.fasterxml.jackson.databind.node.ArrayNode timeline(List<long[]> shares,
      List<List<RequestCounter.Traced>> traces) {
    Map<String, List<Long>> offsets = new java.util.LinkedHashMap<>();
    // The last share's window is as long as the others' (median): after it, what runs is no share's.
    List<Long> windows = new ArrayList<>();
    for (int j = 0; j + 1 < shares.size(); j++) {
      windows.add(shares.get(j + 1)[0] - shares.get(j)[0]);
    }
    long[] last = shares.get(shares.size() - 1);
    long lastEnd = windows.isEmpty() ? last[2] + 1 : last[0] + windows.stream().sorted().toList().get(windows.size() / 2);
    for (int j = 0; j < shares.size(); j++) {
      long start = shares.get(j)[0];
      long end = j + 1 < shares.size() ? shares.get(j + 1)[0] : Math.max(lastEnd, last[2] + 1);
      List<long[]> steps = new ArrayList<>();
      List<String> labels = new ArrayList<>();
      for (int k = 0; k < traces.size(); k++) {
        for (RequestCounter.Traced r : traces.get(k)) {
          if (r.nanoTime() < start || r.nanoTime() >= end || r.key().resource().startsWith("leases")) {
            continue;
          }
          steps.add(new long[] {r.nanoTime() - start, labels.size()});
          labels.add(orgs.get(k).name() + " " + r.key().verb() + " " + r.key().resource()
              + (r.key().client().equals(AGENT) ? " (bench)" : ""));
        }
      }
      steps.add(new long[] {shares.get(j)[1] - start, labels.size()});
      labels.add("org2: the bench's watch sees the incoming KeyShare");
      steps.add(new long[] {shares.get(j)[2] - start, labels.size()});
      labels.add("org1: the bench's watch sees org2 Delivered");
      steps.sort(java.util.Comparator.comparingLong(a -> a[0]));
      Map<String, Integer> seen = new java.util.HashMap<>();
      for (long[] step : steps) {
        String label = labels.get((int) step[1]);
        int n = seen.merge(label, 1, Integer::sum);
        offsets.computeIfAbsent(n == 1 ? label : label + " #" + n, l -> new ArrayList<>()).add(step[0]);
      }
    }
    List<Map.Entry<String, List<Long>>> ordered = new ArrayList<>(offsets.entrySet());
    ordered.sort(java.util.Comparator.comparingDouble(e -> Distribution.ofNanos(e.getValue()).p50()));
    com.fasterxml.jackson.databind.node.ArrayNode timeline = ProtocolJson.MAPPER.createArrayNode();
    for (Map.Entry<String, List<Long>> e : ordered) {
      ObjectNode step = timeline.addObject();
      step.put("step", e.getKey());
      step.put("medianOffsetMs", Distribution.ofNanos(e.getValue()).p50());
      step.put("inShares", e.getValue().size());
    }
    return timeline;
  }

  private void decide(String uid, String decision) {
    // org1 may hear the acknowledgement before the bench's watch on org2 shows the incoming share.
    await("arrived/org2/" + uid);
    String name = incomingNames.get("org2/" + uid);
    client(1).resources(KeyShare.class).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"decision\":\"" + decision + "\"}}");
  }

  /** The burst: {@code count} KeyShares created at once on org1 (8 creators), each for org2 and org3. */
  record Burst(int shares, double createSeconds, double ackSeconds, double sharesPerSecond, ObjectNode requestsPerShare,
      ObjectNode objectsAfter, Distribution listAll) {}

  Burst burst(int count, int creators) throws Exception {
    quiesce();
    Map<RequestCounter.Key, Long>[] before = counts();
    ExecutorService pool = Executors.newFixedThreadPool(creators);
    List<Future<String>> created = new ArrayList<>();
    long start = System.nanoTime();
    try {
      for (int i = 0; i < count; i++) {
        String name = "burst-" + i;
        created.add(pool.submit(() -> share(name, List.of("org2", "org3"))));
      }
      List<String> uids = new ArrayList<>();
      for (Future<String> f : created) {
        uids.add(f.get(5, TimeUnit.MINUTES));
      }
      long allCreated = System.nanoTime();
      long last = start;
      for (String uid : uids) {
        last = Math.max(last, await("delivered/org2/" + uid));
        last = Math.max(last, await("delivered/org3/" + uid));
      }
      quiesce();
      Map<RequestCounter.Key, Long>[] after = counts();
      double seconds = (last - start) / 1e9;
      // What the origin does first for each acknowledgement it hears: list every KeyShare of its namespace.
      List<Long> lists = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        long t = System.nanoTime();
        client(0).resources(KeyShare.class).inNamespace(orgs.get(0).name()).list();
        lists.add(System.nanoTime() - t);
      }
      return new Burst(count, (allCreated - start) / 1e9, seconds, count / seconds,
          perShare(before, after, count, 0, 1, 2), objects(), Distribution.ofNanos(lists));
    } finally {
      pool.shutdownNow();
    }
  }

  @SuppressWarnings("unchecked")
  private Map<RequestCounter.Key, Long>[] counts() {
    Map<RequestCounter.Key, Long>[] result = new Map[orgs.size()];
    for (int i = 0; i < orgs.size(); i++) {
      result[i] = orgs.get(i).cluster().requests().snapshot();
    }
    return result;
  }

  /**
   * Requests the operators made per share between two snapshots, on the origin (org1) and on the
   * receivers, writes and reads apart, by verb and resource. Lease renewals are left out: they
   * are paid by the clock, not by shares (shown apart, per second).
   */
  private static ObjectNode perShare(Map<RequestCounter.Key, Long>[] before, Map<RequestCounter.Key, Long>[] after,
      int shares, int origin, int... receivers) {
    ObjectNode node = ProtocolJson.MAPPER.createObjectNode();
    double originWrites = side(node.putObject("origin"), before[origin], after[origin], shares);
    double receiverWrites = 0;
    ObjectNode receiving = node.putObject("receivers");
    for (int r : receivers) {
      if (r == origin) {
        continue;
      }
      receiverWrites += side(receiving.putObject("org" + (r + 1)), before[r], after[r], shares);
    }
    node.put("shares", shares);
    node.put("writesAllSides", round(originWrites + receiverWrites));
    return node;
  }

  private static double side(ObjectNode node, Map<RequestCounter.Key, Long> before, Map<RequestCounter.Key, Long> after,
      int shares) {
    long writes = 0;
    long reads = 0;
    long watches = 0;
    long leases = 0;
    ObjectNode byRequest = ProtocolJson.MAPPER.createObjectNode();
    for (Map.Entry<RequestCounter.Key, Long> e : after.entrySet()) {
      RequestCounter.Key key = e.getKey();
      long n = e.getValue() - before.getOrDefault(key, 0L);
      if (n == 0 || !key.client().equals(OPERATOR_AGENT)) {
        continue;
      }
      if (key.resource().startsWith("leases")) {
        leases += n;
        continue;
      }
      if (key.isWatch()) {
        watches += n;
      } else if (key.isWrite()) {
        writes += n;
      } else {
        reads += n;
      }
      byRequest.put(key.verb() + " " + key.resource(), round((double) n / shares));
    }
    node.put("writes", round((double) writes / shares));
    node.put("reads", round((double) reads / shares));
    node.put("watchesOpened", watches);
    node.put("leaseRequestsLeftOut", leases);
    node.set("byRequest", byRequest);
    return (double) writes / shares;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** How many objects each API server holds (the mock server slows as its store grows). */
  ObjectNode objects() {
    ObjectNode node = ProtocolJson.MAPPER.createObjectNode();
    for (int i = 0; i < orgs.size(); i++) {
      KubernetesClient c = client(i);
      String ns = orgs.get(i).name();
      int keyShares = c.resources(KeyShare.class).inNamespace(ns).list().getItems().size();
      int events = c.v1().events().inNamespace(ns).list().getItems().size();
      int total = keyShares + events + c.secrets().inNamespace(ns).list().getItems().size()
          + c.configMaps().inNamespace(ns).list().getItems().size()
          + c.resources(PeerPairing.class).inNamespace(ns).list().getItems().size()
          + c.leases().inNamespace(ns).list().getItems().size();
      ObjectNode org = node.putObject(orgs.get(i).name());
      org.put("keyShares", keyShares);
      org.put("events", events);
      org.put("total", total);
    }
    return node;
  }

  /**
   * Waits until the operators' requests (leases aside) stop for a second: what a share sets off
   * after its acknowledgement (the receiver's status write, events) belongs to it.
   */
  private void quiesce() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    long last = operatorRequests();
    long quietSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      sleep(100);
      long now = operatorRequests();
      if (now != last) {
        last = now;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(1)) {
        return;
      }
    }
  }

  private long operatorRequests() {
    long total = 0;
    for (Site org : orgs) {
      for (Map.Entry<RequestCounter.Key, Long> e : org.cluster().requests().snapshot().entrySet()) {
        if (e.getKey().client().equals(OPERATOR_AGENT) && !e.getKey().resource().startsWith("leases")) {
          total += e.getValue();
        }
      }
    }
    return total;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    clients.forEach(KubernetesClient::close);
  }
}
