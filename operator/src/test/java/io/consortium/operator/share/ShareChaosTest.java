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
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Org1 shares 200 keys with org2 and org3 while operators are stopped and started again and links
 * are cut and restored, 20 times on a random schedule. Recipients accept, reject or leave shares
 * undecided; org1 revokes some. Once the weather clears, both sides of every share agree, and no
 * share is lost or delivered twice.
 *
 * <p>The schedule comes from a seed, printed at the start; replay a failure with
 * {@code -Dchaos.seed=<seed>} (the schedule is the same; the operators' own timing is not).
 */
class ShareChaosTest {

  private static final int SHARES = 200;
  private static final int DISRUPTIONS = 20;
  private static final Duration SETTLE = Duration.ofSeconds(120);

  @TempDir Path workdir;

  /** What a recipient does with a share; REVOKED means org1 revokes the share once every recipient has it. */
  enum Fate { ACCEPT, REJECT, UNDECIDED, REVOKED }

  record Plan(String name, Map<String, Fate> recipients) {
    boolean revoked() {
      return recipients.values().iterator().next() == Fate.REVOKED;
    }
  }

  /** One step of the weather: an operator stopped, or a link cut, for a while. */
  record Disruption(String what, String org, long downMillis, long gapMillis) {
    @Override
    public String toString() {
      return what + " " + org + " for " + downMillis + " ms, then " + gapMillis + " ms calm";
    }
  }

  @Test
  void every_share_ends_in_the_same_phase_on_both_sides_none_lost_none_duplicated_through_restarts_and_cuts()
      throws Exception {
    long seed = Long.getLong("chaos.seed", new Random().nextLong());
    Random random = new Random(seed);
    List<Plan> plans = plans(random);
    List<Disruption> weather = weather(random);
    System.out.println("ShareChaosTest seed " + seed + " (replay with -Dchaos.seed=" + seed + "); schedule: " + weather);

    try (Consortium consortium = Consortium.start(workdir)) {
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

      long deadline = System.nanoTime() + SETTLE.toNanos();
      List<String> disagreements = disagreements(consortium, plans, uids);
      while (!disagreements.isEmpty() && System.nanoTime() < deadline && driverFailure.get() == null) {
        Thread.sleep(500);
        disagreements = disagreements(consortium, plans, uids);
      }
      sharer.interrupt();
      sharer.join(5000);
      assertThat(driverFailure.get()).as("seed " + seed).isNull();
      assertThat(disagreements).as("seed " + seed + ": shares whose two sides disagree " + SETTLE.toSeconds()
          + " s after the last disruption (" + disagreements.size() + ")").isEmpty();
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

  private static List<Disruption> weather(Random random) {
    List<Disruption> weather = new ArrayList<>();
    String[] orgs = {"org1", "org2", "org3"};
    for (int i = 0; i < DISRUPTIONS; i++) {
      boolean restart = random.nextBoolean();
      String org = restart ? orgs[random.nextInt(3)] : orgs[1 + random.nextInt(2)];
      weather.add(new Disruption(restart ? "stop operator of" : "cut link to", org, 200 + random.nextInt(2500),
          random.nextInt(1500)));
    }
    return weather;
  }

  private static void disrupt(Consortium consortium, Disruption d) throws InterruptedException {
    // Timestamped, to line up with the operators' logs when a seed is replayed.
    System.out.println(java.time.LocalTime.now() + " chaos: " + d);
    if (d.what().startsWith("stop")) {
      Org org = consortium.orgs().stream().filter(o -> o.name().equals(d.org())).findFirst().orElseThrow();
      org.stopOperator();
      Thread.sleep(d.downMillis());
      org.startOperator();
    } else {
      consortium.link(d.org()).cut();
      Thread.sleep(d.downMillis());
      consortium.link(d.org()).restore();
    }
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
