package io.consortium.operator.share;

import static io.consortium.operator.testing.Pairings.accept;
import static io.consortium.operator.testing.Pairings.awaitPhase;
import static io.consortium.operator.testing.Pairings.invite;
import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.SecretKeyRef;
import io.consortium.operator.pki.Pem;
import io.consortium.operator.identity.SelfSignedCertificates;
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
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A payload larger than one frame travels in chunks; one larger than --max-share-size never leaves. */
class LargeShareScenarioTest {

  private static final long FRAME_LIMIT = 16 * 1024;

  @TempDir Path workdir;

  @Test
  void a_certificate_chain_larger_than_a_frame_arrives_whole_in_chunks() {
    try (Org org1 = Org.cluster("org1", workdir).withLimits(FRAME_LIMIT, 1 << 20).startOperator();
        Org org2 = Org.cluster("org2", workdir).withLimits(FRAME_LIMIT, 1 << 20).startOperator()) {
      pair(org1, org2);
      String chain = chainOf(60);
      assertThat(chain.length()).as("well over one 16 KiB frame").isGreaterThan(2 * (int) FRAME_LIMIT);
      shareChain(org1, chain);

      Org.await("the chain on org2", Pairings.WAIT,
          () -> org2.client().resources(KeyShare.class).withName("org1-bundle").get() != null);
      String received = org2.client().resources(KeyShare.class).withName("org1-bundle").get().getSpec().material.certificate;
      assertThat(received).isEqualTo(Pem.readCertificates(chain).stream().map(Pem::certificate).reduce("", String::concat));
      Org.await("org1 to see it acknowledged", Pairings.WAIT, () -> Optional.ofNullable(
          org1.client().resources(KeyShare.class).withName("bundle").get().getStatus())
          .map(s -> "Delivered".equals(s.summary)).orElse(false));
    }
  }

  @Test
  void a_link_cut_in_the_middle_of_a_chunked_share_completes_after_reconnect_exactly_once() throws Exception {
    try (Org org1 = Org.cluster("org1", workdir).withLimits(FRAME_LIMIT, 1 << 20).startOperator();
        Org org2 = Org.cluster("org2", workdir).withLimits(FRAME_LIMIT, 1 << 20).startOperator();
        io.consortium.operator.testing.TcpProxy network = new io.consortium.operator.testing.TcpProxy(
            org1.operator().meshPort())) {
      accept(org2, "org1", invite(org1, "org2", invite -> invite.externalUrl = "wss://127.0.0.1:" + network.port()));
      awaitPhase(org1, "org2", PairingPhase.Connected);
      String chain = chainOf(60);

      int linksBefore = network.connections();
      network.cutAfter(FRAME_LIMIT + FRAME_LIMIT / 2);
      shareChain(org1, chain);

      Org.await("the chain on org2 after the reconnect", Pairings.WAIT,
          () -> org2.client().resources(KeyShare.class).withName("org1-bundle").get() != null);
      assertThat(org2.client().resources(KeyShare.class).withName("org1-bundle").get().getSpec().material.certificate)
          .isEqualTo(Pem.readCertificates(chain).stream().map(Pem::certificate).reduce("", String::concat));
      Org.await("org1 to see it acknowledged", Pairings.WAIT, () -> Optional.ofNullable(
          org1.client().resources(KeyShare.class).withName("bundle").get().getStatus())
          .map(s -> "Delivered".equals(s.summary)).orElse(false));
      assertThat(org2.client().resources(KeyShare.class).list().getItems()).as("exactly once").hasSize(1);
      assertThat(network.connections()).as("the transfer was cut and a new link carried it").isGreaterThan(linksBefore);
      Org.await("no spooled payload left behind, on either side", Pairings.WAIT, () -> spooled(org1, org2).isEmpty());
    }
  }

  /** The payload files the links spool a large share to (SpillBuffer, TempFileChunkSink), in each org's --transfer-dir. */
  private static java.util.List<java.nio.file.Path> spooled(Org... orgs) {
    java.util.List<java.nio.file.Path> found = new java.util.ArrayList<>();
    for (Org org : orgs) {
      try (var files = java.nio.file.Files.list(org.transferDir())) {
        files.filter(p -> p.getFileName().toString().matches("(transfer-.*\\.part|offer-.*\\.json)")).forEach(found::add);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return found;
  }

  @Test
  void a_share_over_max_share_size_is_refused_before_it_is_sent_naming_the_flag() {
    try (Org org1 = Org.cluster("org1", workdir).withLimits(FRAME_LIMIT, 20 * 1024).startOperator();
        Org org2 = Org.cluster("org2", workdir).startOperator()) {
      pair(org1, org2);
      shareChain(org1, chainOf(60));

      Org.await("org1 to refuse it", Pairings.WAIT, () -> Optional.ofNullable(
          org1.client().resources(KeyShare.class).withName("bundle").get().getStatus())
          .map(s -> s.conditions.stream().anyMatch(c -> "PayloadTooLarge".equals(c.reason)
              && c.message.contains("--max-share-size"))).orElse(false));
      assertThat(org2.client().resources(KeyShare.class).list().getItems()).isEmpty();
    }
  }

  private static void pair(Org org1, Org org2) {
    accept(org2, "org1", invite(org1, "org2"));
    awaitPhase(org1, "org2", PairingPhase.Connected);
  }

  private static void shareChain(Org org1, String chain) {
    org1.client().secrets().resource(new SecretBuilder().withNewMetadata().withName("bundle").endMetadata()
        .withData(Map.of("ca.crt", Base64.getEncoder().encodeToString(chain.getBytes(StandardCharsets.UTF_8))))
        .build()).create();
    KeyShare share = new KeyShare();
    share.getMetadata().setName("bundle");
    share.setSpec(new KeyShareSpec());
    share.getSpec().to = List.of("org2");
    share.getSpec().source = new SecretKeyRef("bundle", null);
    org1.client().resource(share).create();
  }

  private static String chainOf(int certificates) {
    StringBuilder chain = new StringBuilder();
    for (int i = 0; i < certificates; i++) {
      KeyPair key = SelfSignedCertificates.newEcKeyPair("secp256r1");
      chain.append(Pem.certificate(SelfSignedCertificates.selfSigned(key, "ca" + i + ".example.com",
          List.of("ca" + i + ".example.com", "alt" + i + ".example.com"), Instant.now(), Duration.ofDays(1))));
    }
    return chain.toString();
  }
}
