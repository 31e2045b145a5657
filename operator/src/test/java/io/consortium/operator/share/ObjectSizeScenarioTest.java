package io.consortium.operator.share;

import static io.consortium.operator.testing.Pairings.accept;
import static io.consortium.operator.testing.Pairings.awaitPhase;
import static io.consortium.operator.testing.Pairings.invite;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consortium.operator.api.v1alpha1.NetworkShare;
import io.consortium.operator.api.v1alpha1.spec.ConfigMapKeyRef;
import io.consortium.operator.api.v1alpha1.spec.Condition;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.status.Conditions;
import io.consortium.operator.testing.Org;
import io.consortium.operator.testing.Pairings;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Org1's chaincode package is too large for the objects every organization keeps it in: org1 says so
 * with a named reason, the size and the limit, and sends nothing, rather than org2's API server failing
 * with a raw etcd error on every retry.
 */
class ObjectSizeScenarioTest {

  @TempDir Path workdir;

  @Test
  void a_payload_too_large_to_keep_in_one_object_is_refused_at_the_origin_and_nothing_is_sent() {
    try (Org org1 = Org.cluster("org1", workdir).startOperator(); Org org2 = Org.cluster("org2", workdir).startOperator()) {
      accept(org2, "org1", invite(org1, "org2"));
      awaitPhase(org1, "org2", PairingPhase.Connected);
      // A valid package (so nothing but its size is wrong) whose code is a megabyte that does not compress.
      byte[] code = new byte[1_000_000];
      new SecureRandom().nextBytes(code);
      byte[] pkg = io.consortium.operator.testing.TestArchives.chaincodePackage("bigcc_1.0", Map.of("blob.bin", code));
      org1.client().configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("big-package").endMetadata()
          .withBinaryData(Map.of("package.tar.gz", Base64.getEncoder().encodeToString(pkg))).build()).create();
      io.consortium.operator.api.v1alpha1.ChaincodeShare share = new io.consortium.operator.api.v1alpha1.ChaincodeShare();
      share.getMetadata().setName("bigcc");
      share.setSpec(new io.consortium.operator.api.v1alpha1.ChaincodeShareSpec());
      share.getSpec().to = List.of("org2");
      share.getSpec().level = io.consortium.operator.api.v1alpha1.spec.ChaincodeLevel.Package;
      share.getSpec().definition = new io.consortium.operator.api.v1alpha1.spec.ChaincodeDefinition();
      share.getSpec().definition.name = "bigcc";
      share.getSpec().definition.version = "1.0";
      share.getSpec().definition.sequence = 1L;
      share.getSpec().definition.channelId = "mychannel";
      share.getSpec().packageSource = new io.consortium.operator.api.v1alpha1.spec.ChaincodePackageSource();
      share.getSpec().packageSource.label = "bigcc_1.0";
      share.getSpec().packageSource.configMapRef = new ConfigMapKeyRef("big-package", "package.tar.gz");
      org1.client().resource(share).create();

      Org.await("org1 to refuse it as too large", Pairings.WAIT, () -> ready(org1).map(c -> ObjectSize.REASON.equals(c.reason))
          .orElse(false));
      Condition ready = ready(org1).orElseThrow();
      assertThat(ready.status.name()).isEqualTo("False");
      assertThat(ready.message).contains("share bigcc carries 1.27 MiB").contains("under 1.00 MiB");
      assertThat(org2.client().resources(io.consortium.operator.api.v1alpha1.ChaincodeShare.class).list().getItems())
          .as("nothing was sent").isEmpty();
    }
  }

  @Test
  void the_operator_never_writes_a_config_map_over_one_mib_and_says_which_and_how_large() {
    try (Org org2 = Org.cluster("org2", workdir)) {
      var client = org2.client();
      java.time.Clock clock = java.time.Clock.systemUTC();
      ShareContext context = new ShareContext(client, "org2",
          new io.consortium.operator.status.EventRecorder(client, clock), clock, java.time.Duration.ofMinutes(5), "org2", new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
          SourceCache.direct(client, "org2"));
      NetworkShare owner = new NetworkShare();
      owner.getMetadata().setName("org1-bigchannel");
      owner.getMetadata().setUid("3a7c1e52-0000-4000-8000-000000000001");
      byte[] block = new byte[900_000];

      assertThatThrownBy(() -> context.writeOwnedConfigMap(owner, "org1-bigchannel-received", Map.of(), Map.of(),
          Map.of("config.block", block)))
          .isInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
          .hasMessageContaining("ObjectTooLarge: ConfigMap org1-bigchannel-received would be 1.14 MiB")
          .hasMessageContaining("1.00 MiB");
      assertThat(client.configMaps().withName("org1-bigchannel-received").get()).isNull();
    }
  }

  private static Optional<Condition> ready(Org org) {
    io.consortium.operator.api.v1alpha1.ChaincodeShare share = org.client()
        .resources(io.consortium.operator.api.v1alpha1.ChaincodeShare.class).withName("bigcc").get();
    return share == null || share.getStatus() == null ? Optional.empty()
        : Conditions.find(share.getStatus().conditions, Conditions.READY);
  }
}
