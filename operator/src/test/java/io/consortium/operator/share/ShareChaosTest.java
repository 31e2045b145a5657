package io.consortium.operator.share;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.spec.RecipientStatus;
import io.consortium.operator.api.v1alpha1.spec.SecretKeyRef;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.identity.SelfSignedCertificates;
import io.consortium.operator.testing.Consortium;
import io.consortium.operator.testing.Org;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Org1 shares 200 keys with org2 and org3 while operators are stopped, killed and started again and
 * links are cut and restored, 20 times on a random schedule. Recipients accept, reject or leave shares
 * undecided; org1 revokes some. Once the weather clears, both sides of every share agree, and no
 * share is lost or delivered twice.
 *
 * <p>A stop is graceful (the operator gives its lease back and closes its links); a kill is kill -9:
 * the first operator the schedule stops is a process of its own and really gets SIGKILL, the others
 * are cut off from their API server and peers mid-flight before they are closed unheard (see
 * {@link Org#killOperator}). Every operator comes back in this JVM. Each disruption waits until the
 * consortium has recovered (every operator Ready, every link Connected) before its calm begins, so
 * the schedule means the same on a fast machine and a loaded one.
 *
 * <p>The schedule comes from a seed, printed at the start; replay a failure with
 * {@code -Dchaos.seed=<seed>} (the schedule is the same; the operators' own timing is not).
 */
class ShareChaosTest {

  private static final int SHARES = 200;
  private static final int DISRUPTIONS = 20;
  /** The sides must agree once nothing has changed for this long after the weather cleared... */
  private static final Duration STALL = Duration.ofMinutes(5);
  /** ...and in any case within this long. */
  private static final Duration SETTLE_LIMIT = Duration.ofMinutes(30);

  @TempDir Path workdir;

  /** What a recipient does with a share; REVOKED means org1 revokes the share once every recipient has it. */
  enum Fate { ACCEPT, REJECT, UNDECIDED, REVOKED }

  record Plan(String name, Map<String, Fate> recipients) {
    boolean revoked() {
      return recipients.values().iterator().next() == Fate.REVOKED;
    }
  }

  enum Kind { STOP, KILL, CUT }

  /** One step of the weather: an operator stopped or killed, or a link cut, for a while. */
  record Disruption(Kind kind, String org, long downMillis, long gapMillis) {
    @Override
    public String toString() {
      String what = switch (kind) {
        case STOP -> "stop operator of";
        case KILL -> "kill operator of";
        case CUT -> "cut link to";
      };
      return what + " " + org + " for " + downMillis + " ms, then " + gapMillis + " ms calm";
    }
  }

  @Test
  void every_share_ends_in_the_same_phase_on_both_sides_none_lost_none_duplicated_through_restarts_kills_and_cuts()
      throws Exception {
    long seed = Long.getLong("chaos.seed", new Random().nextLong());
    Random random = new Random(seed);
    List<Plan> plans = plans(random);
    List<Disruption> weather = weather(random);
    String killedForReal = weather.stream().filter(d -> d.kind() != Kind.CUT).findFirst().orElseThrow().org();
    System.out.println("ShareChaosTest seed " + seed + " (replay with -Dchaos.seed=" + seed + "); " + killedForReal
        + "'s operator runs as a process until it is killed; schedule: " + weather);

    try (Consortium consortium = Consortium.start(workdir, Set.of(killedForReal))) {
      Org org1 = consortium.org1();
      sourceSecret(org1);
      AtomicBoolean calm = new AtomicBoolean(false);
      AtomicReference<Throwable> driverFailure = new AtomicReference<>();
      Map<String, String> uids = new ConcurrentHashMap<>();
      Set<String> done = ConcurrentHashMap.newKeySet();

      Thread sharer = new Thread(() -> {
        try {
          Random pace = new Random(seed ^ 0x5ca1ab1eL);
          for (Plan plan : plans) {
            uids.put(plan.name(), create(org1, plan));
            Thread.sleep(pace.nextInt(200));
          }
          // People keep deciding (and org1 revoking) as shares arrive, whatever the weather.
          while (!calm.get() || done.size() < plans.size()) {
            act(consortium, plans, uids, done);
            Thread.sleep(200);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (Throwable e) {
          driverFailure.set(e);
        }
      }, "chaos-people");
      sharer.start();

      for (Disruption d : weather) {
        disrupt(consortium, d);
      }
      calm.set(true);
      long calmSince = System.nanoTime();
      System.out.println(LocalTime.now() + " chaos: the weather cleared; waiting for both sides of every share to agree");

      // Done when every share agrees; failed when nothing moves for STALL, or after SETTLE_LIMIT whatever moves.
      List<String> disagreements = disagreements(consortium, plans, uids);
      List<String> seen = disagreements;
      long changedAt = System.nanoTime();
      while (!disagreements.isEmpty() && driverFailure.get() == null
          && System.nanoTime() - changedAt < STALL.toNanos() && System.nanoTime() - calmSince < SETTLE_LIMIT.toNanos()) {
        Thread.sleep(500);
        disagreements = disagreements(consortium, plans, uids);
        if (!disagreements.equals(seen)) {
          seen = disagreements;
          changedAt = System.nanoTime();
        }
      }
      long settledMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - calmSince);
      sharer.interrupt();
      sharer.join(5000);
      assertThat(driverFailure.get()).as("seed " + seed).isNull();
      if (!disagreements.isEmpty()) {
        System.out.println("ShareChaosTest seed " + seed + ": " + disagreements.size() + " shares disagree "
            + settledMillis + " ms after the weather cleared:\n  " + String.join("\n  ", disagreements));
      }
      assertThat(disagreements).as("seed " + seed + ": shares whose two sides disagree " + settledMillis
          + " ms after the weather cleared, the last " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - changedAt)
          + " s without any change (" + disagreements.size() + ")").isEmpty();
      System.out.println(LocalTime.now() + " chaos: both sides of every share agree, " + settledMillis
          + " ms after the weather cleared");
      for (Org recipient : List.of(consortium.org2(), consortium.org3())) {
        Map<String, Long> perShare = recipient.client().resources(KeyShare.class).list().getItems().stream()
            .collect(Collectors.groupingBy(s -> s.getSpec().from.shareUid, Collectors.counting()));
        Map<String, Long> expected = new HashMap<>();
        for (Plan plan : plans) {
          if (plan.recipients().containsKey(recipient.name())) {
            expected.put(uids.get(plan.name()), 1L);
          }
        }
        assertThat(perShare).as("seed " + seed + ": incoming KeyShares on " + recipient.name()
            + " per share UID, each exactly once").isEqualTo(expected);
      }
    }
  }

  private static List<Plan> plans(Random random) {
    List<Plan> plans = new ArrayList<>();
    Fate[] decisions = {Fate.ACCEPT, Fate.REJECT, Fate.UNDECIDED};
    for (int i = 0; i < SHARES; i++) {
      int who = random.nextInt(3);
      List<String> to = who == 0 ? List.of("org2") : who == 1 ? List.of("org3") : List.of("org2", "org3");
      boolean revoked = random.nextInt(4) == 0;
      Map<String, Fate> recipients = new LinkedHashMap<>();
      for (String r : to) {
        recipients.put(r, revoked ? Fate.REVOKED : decisions[random.nextInt(decisions.length)]);
      }
      plans.add(new Plan("chaos-" + i, recipients));
    }
    return plans;
  }

  /** Cuts 40%, stops 30%, kills 30%; the first operator disruption is a kill (the real one, of a process). */
  private static List<Disruption> weather(Random random) {
    List<Disruption> weather = new ArrayList<>();
    String[] orgs = {"org1", "org2", "org3"};
    boolean killed = false;
    for (int i = 0; i < DISRUPTIONS; i++) {
      int roll = random.nextInt(10);
      Kind kind = roll < 4 ? Kind.CUT : roll < 7 ? Kind.STOP : Kind.KILL;
      if (kind != Kind.CUT && !killed) {
        kind = Kind.KILL;
        killed = true;
      }
      String org = kind == Kind.CUT ? orgs[1 + random.nextInt(2)] : orgs[random.nextInt(3)];
      weather.add(new Disruption(kind, org, 200 + random.nextInt(2500), random.nextInt(1500)));
    }
    if (!killed) {
      Disruption first = weather.get(0);
      weather.set(0, new Disruption(Kind.KILL, first.org(), first.downMillis(), first.gapMillis()));
    }
    return weather;
  }

  private static void disrupt(Consortium consortium, Disruption d) throws InterruptedException {
    // Timestamped, to line up with the operators' logs when a seed is replayed.
    System.out.println(LocalTime.now() + " chaos: " + d);
    Instant began = Instant.now();
    Org org = consortium.orgs().stream().filter(o -> o.name().equals(d.org())).findFirst().orElseThrow();
    switch (d.kind()) {
      case STOP -> {
        org.stopOperator();
        Thread.sleep(d.downMillis());
        org.startOperator();
      }
      case KILL -> {
        boolean process = org.runsAsProcess();
        consortium.kill(org);
        System.out.println(LocalTime.now() + " chaos: " + org.name() + "'s operator is dead ("
            + (process ? "SIGKILL to its process" : "cut off, then closed unheard") + ")");
        Thread.sleep(d.downMillis());
        org.startOperator();
      }
      case CUT -> {
        consortium.link(org.name()).cut();
        Thread.sleep(d.downMillis());
        consortium.link(org.name()).restore();
      }
    }
    // However slow the machine: the calm starts once every operator leads again and the links it broke
    // were made again (after a kill, the new operator first waits for the dead one's lease to expire).
    long since = System.nanoTime();
    for (Org each : consortium.orgs()) {
      Org.await(each.name() + "'s operator to be Ready", Org.START, each::ready);
    }
    consortium.awaitReconnected(org, began, Org.START);
    System.out.println(LocalTime.now() + " chaos: recovered after "
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since) + " ms");
    Thread.sleep(d.gapMillis());
  }

  /** What people do once shares arrive: recipients decide, org1 revokes what it planned to. */
  private static void act(Consortium consortium, List<Plan> plans, Map<String, String> uids, Set<String> done) {
    Map<String, Map<String, KeyShare>> incoming = new HashMap<>();
    for (Org recipient : List.of(consortium.org2(), consortium.org3())) {
      incoming.put(recipient.name(), byShareUid(recipient));
    }
    for (Plan plan : plans) {
      String uid = uids.get(plan.name());
      if (uid == null || done.contains(plan.name())) {
        continue;
      }
      boolean everyoneHasIt = plan.recipients().keySet().stream().allMatch(r -> incoming.get(r).containsKey(uid));
      if (plan.revoked()) {
        if (everyoneHasIt) {
          mergePatch(consortium.org1(), plan.name(), "{\"spec\":{\"revoked\":true}}");
          done.add(plan.name());
        }
        continue;
      }
      if (!everyoneHasIt) {
        continue;
      }
      for (Map.Entry<String, Fate> r : plan.recipients().entrySet()) {
        if (r.getValue() != Fate.UNDECIDED) {
          Org recipient = r.getKey().equals("org2") ? consortium.org2() : consortium.org3();
          mergePatch(recipient, incoming.get(r.getKey()).get(uid).getMetadata().getName(), "{\"spec\":{\"decision\":\""
              + (r.getValue() == Fate.ACCEPT ? "Accept" : "Reject") + "\"}}");
        }
      }
      done.add(plan.name());
    }
  }

  /** Every share whose two sides do not (yet) show the phase its plan leads to. */
  private static List<String> disagreements(Consortium consortium, List<Plan> plans, Map<String, String> uids) {
    Map<String, KeyShare> outgoing = consortium.org1().client().resources(KeyShare.class).list().getItems().stream()
        .collect(Collectors.toMap(s -> s.getMetadata().getName(), s -> s));
    Map<String, Map<String, KeyShare>> incoming = new HashMap<>();
    for (Org recipient : List.of(consortium.org2(), consortium.org3())) {
      incoming.put(recipient.name(), byShareUid(recipient));
    }
    List<String> disagreements = new ArrayList<>();
    for (Plan plan : plans) {
      String uid = uids.get(plan.name());
      KeyShare origin = outgoing.get(plan.name());
      for (Map.Entry<String, Fate> r : plan.recipients().entrySet()) {
        SharePhase atOrigin = switch (r.getValue()) {
          case ACCEPT -> SharePhase.Accepted;
          case REJECT -> SharePhase.Rejected;
          case UNDECIDED -> SharePhase.Delivered;
          case REVOKED -> SharePhase.Revoked;
        };
        SharePhase atRecipient = atOrigin == SharePhase.Delivered ? SharePhase.Pending : atOrigin;
        RecipientStatus entry = origin == null || origin.getStatus() == null ? null
            : origin.getStatus().recipients.stream().filter(e -> r.getKey().equals(e.pairing)).findFirst().orElse(null);
        KeyShare received = uid == null ? null : incoming.get(r.getKey()).get(uid);
        SharePhase there = received == null || received.getStatus() == null ? null : received.getStatus().phase;
        if (entry == null || entry.phase != atOrigin || there != atRecipient) {
          disagreements.add(plan.name() + " -> " + r.getKey() + ": planned " + r.getValue() + "; org1 shows "
              + (entry == null ? "no entry" : entry.phase + " (" + entry.reason + ": " + entry.message + ")")
              + ", " + r.getKey() + " shows " + (received == null ? "nothing" : String.valueOf(there)));
        }
      }
    }
    return disagreements;
  }

  private static Map<String, KeyShare> byShareUid(Org recipient) {
    Map<String, KeyShare> result = new HashMap<>();
    for (KeyShare share : recipient.client().resources(KeyShare.class).list().getItems()) {
      if (share.getSpec().from != null) {
        result.put(share.getSpec().from.shareUid, share);
      }
    }
    return result;
  }

  private static void mergePatch(Org org, String name, String patch) {
    try {
      org.client().resources(KeyShare.class).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    } catch (KubernetesClientException e) {
      throw new IllegalStateException("patching " + org.name() + "/" + name + " with " + patch + ": " + e.getMessage(), e);
    }
  }

  private static String create(Org org1, Plan plan) {
    KeyShare share = new KeyShare();
    share.getMetadata().setName(plan.name());
    share.setSpec(new KeyShareSpec());
    share.getSpec().to = List.copyOf(plan.recipients().keySet());
    share.getSpec().source = new SecretKeyRef("org1-admin", null);
    return org1.client().resource(share).create().getMetadata().getUid();
  }

  private static void sourceSecret(Org org1) {
    KeyPair key = SelfSignedCertificates.newEcKeyPair("secp256r1");
    String certificate = Pem.certificate(SelfSignedCertificates.selfSigned(key, "Admin@org1.example.com", List.of(),
        Instant.now(), Duration.ofDays(30)));
    org1.client().secrets().resource(new SecretBuilder().withNewMetadata().withName("org1-admin").endMetadata()
        .withData(Map.of("tls.crt", Base64.getEncoder().encodeToString(certificate.getBytes(StandardCharsets.UTF_8))))
        .build()).create();
  }
}
