package io.consortium.operator.share;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.spec.KeyUsage;
import io.consortium.operator.api.v1alpha1.spec.SecretKeyRef;
import io.consortium.operator.api.v1alpha1.spec.SharePhase;
import io.consortium.operator.embedded.RequestCounter;
import io.consortium.operator.identity.SelfSignedCertificates;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.runtime.OperatorRuntime;
import io.consortium.operator.testing.Consortium;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Org1 shares keys with Org2: what delivering them costs the two API servers, counted request by
 * request at each (a count, never a time). The floor of a delivery is 3 writes: Org2 creates its copy
 * and writes its status, Org1 writes its status once Org2 acknowledged.
 */
class WritesPerShareScenarioTest {

  private static final int SHARES = 10;
  private static final String OPERATOR = OperatorRuntime.USER_AGENT.substring(0, OperatorRuntime.USER_AGENT.indexOf('/'));

  @TempDir Path workdir;
  Consortium consortium;
  Org org1;
  Org org2;

  @BeforeEach
  void consortium() {
    consortium = Consortium.start(workdir);
    org1 = consortium.org1();
    org2 = consortium.org2();
    KeyPair key = SelfSignedCertificates.newEcKeyPair("secp256r1");
    String certificate = Pem.certificate(SelfSignedCertificates.selfSigned(key, "Admin@org1.example.com", List.of(),
        Instant.now(), Duration.ofDays(30)));
    org1.client().secrets().resource(new SecretBuilder().withNewMetadata().withName("org1-admin").endMetadata()
        .withData(Map.of("tls.crt", Base64.getEncoder().encodeToString(certificate.getBytes(StandardCharsets.UTF_8))))
        .build()).create();
  }

  @AfterEach
  void stop() {
    consortium.close();
  }

  @Test
  void delivering_a_share_costs_org1_and_org2_three_api_writes_together() {
    Map<RequestCounter.Key, Long> org1Before = org1.cluster().requests().snapshot();
    Map<RequestCounter.Key, Long> org2Before = org2.cluster().requests().snapshot();

    for (int i = 0; i < SHARES; i++) {
      KeyShare share = new KeyShare();
      share.getMetadata().setName("admin-key-" + i);
      share.setSpec(new KeyShareSpec());
      share.getSpec().to = List.of("org2");
      share.getSpec().source = new SecretKeyRef("org1-admin", null);
      share.getSpec().usage = KeyUsage.Admin;
      share.getSpec().mspId = "Org1MSP";
      org1.client().resource(share).create();
    }
    Org.await("org1 to see every share Delivered and org2 every copy's status", Pairings.WAIT, () ->
        org1.client().resources(KeyShare.class).list().getItems().stream().filter(s -> s.getStatus() != null
            && s.getStatus().recipients.stream().anyMatch(r -> r.phase == SharePhase.Delivered)).count() == SHARES
        && org2.client().resources(KeyShare.class).list().getItems().stream()
            .filter(s -> s.getStatus() != null && s.getStatus().phase == SharePhase.Pending).count() == SHARES);

    Map<String, Long> org1Writes = writes(org1.cluster().requests().snapshot(), org1Before);
    Map<String, Long> org2Writes = writes(org2.cluster().requests().snapshot(), org2Before);
    String all = "org1 " + org1Writes + ", org2 " + org2Writes;
    assertThat(count(org1Writes, "keyshares") + count(org2Writes, "keyshares"))
        .as("writes of shares for %d shares (%s)", SHARES, all).isLessThanOrEqualTo(3L * SHARES);
    assertThat(count(org1Writes, "") + count(org2Writes, "") - count(org1Writes, "keyshares")
        - count(org2Writes, "keyshares")).as("no other write (an Event, a pairing's status) comes with each share (%s)", all).isLessThan(SHARES);
  }

  private static long count(Map<String, Long> writes, String resource) {
    return writes.entrySet().stream().filter(e -> e.getKey().split(" ")[1].startsWith(resource))
        .mapToLong(Map.Entry::getValue).sum();
  }

  /** The operator's writes since {@code before}, by verb and resource; its lease renewals left out (the clock pays them). */
  private static Map<String, Long> writes(Map<RequestCounter.Key, Long> now, Map<RequestCounter.Key, Long> before) {
    Map<String, Long> writes = new TreeMap<>();
    now.forEach((key, count) -> {
      long since = count - before.getOrDefault(key, 0L);
      if (since > 0 && key.client().equals(OPERATOR) && key.isWrite() && !key.resource().startsWith("leases")) {
        writes.merge(key.verb() + " " + key.resource(), since, Long::sum);
      }
    });
    return writes;
  }
}
