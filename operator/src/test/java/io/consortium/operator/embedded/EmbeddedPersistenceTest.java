package io.consortium.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.spec.KeyGeneration;
import io.consortium.operator.api.v1alpha1.KeyShareStatus;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An embedded API server with a data directory keeps its objects across restarts, and a crash never costs the store. */
class EmbeddedPersistenceTest {

  @TempDir Path dir;

  @Test
  void objects_come_back_after_a_restart_with_their_uid_and_resource_versions_go_on_from_there() {
    String uid;
    long lastVersion;
    try (EmbeddedApiServer first = EmbeddedApiServer.start(0, DataDirectory.open(dir));
        KubernetesClient client = first.newClient("org1")) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("org1").endMetadata().build())
          .create();
      client.secrets().resource(new SecretBuilder().withNewMetadata().withName("consortium-identity").endMetadata()
          .withType("kubernetes.io/tls").withData(Map.of("tls.key", "a2V5", "tls.crt", "Y2VydA==")).build()).create();
      KeyShare share = new KeyShare();
      share.getMetadata().setName("org1-admin-cert");
      share.setSpec(new KeyShareSpec());
      share.getSpec().to = List.of("org2");
      share.getSpec().generate = new KeyGeneration();
      share = client.resource(share).create();
      share.setStatus(new KeyShareStatus());
      share.getStatus().summary = "Pending";
      share = client.resource(share).updateStatus();
      uid = share.getMetadata().getUid();
      lastVersion = Long.parseLong(share.getMetadata().getResourceVersion());
    }

    try (EmbeddedApiServer second = EmbeddedApiServer.start(0, DataDirectory.open(dir));
        KubernetesClient client = second.newClient("org1")) {
      KeyShare share = client.resources(KeyShare.class).withName("org1-admin-cert").get();
      assertThat(share.getMetadata().getUid()).isEqualTo(uid);
      assertThat(share.getStatus().summary).as("the status subresource too").isEqualTo("Pending");
      assertThat(client.secrets().withName("consortium-identity").get().getData()).containsEntry("tls.key", "a2V5");
      assertThat(client.namespaces().withName("org1").get()).isNotNull();

      ConfigMap created = client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("after")
          .endMetadata().build()).create();
      assertThat(Long.parseLong(created.getMetadata().getResourceVersion()))
          .as("a restarted server never hands out a resource version a client saw before").isGreaterThan(lastVersion);
    }
  }

  @Test
  void a_crash_before_the_last_snapshot_still_never_repeats_a_resource_version() throws Exception {
    Path copy = dir.resolveSibling(dir.getFileName() + "-as-after-a-crash");
    long lastVersion;
    try (EmbeddedApiServer server = EmbeddedApiServer.start(0, DataDirectory.open(dir));
        KubernetesClient client = server.newClient("default")) {
      server.flush();
      // What a kill -9 could leave: the files as they are now, while writes go on.
      copyFiles(dir, copy);
      ConfigMap last = null;
      for (int i = 0; i < 20; i++) {
        last = client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("c" + i).endMetadata()
            .build()).create();
      }
      lastVersion = Long.parseLong(last.getMetadata().getResourceVersion());
      Files.copy(dir.resolve(DataDirectory.RESOURCE_VERSION), copy.resolve(DataDirectory.RESOURCE_VERSION),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    try (EmbeddedApiServer restarted = EmbeddedApiServer.start(0, DataDirectory.open(copy));
        KubernetesClient client = restarted.newClient("default")) {
      assertThat(client.configMaps().withName("c19").get()).as("written after the snapshot: lost in the crash").isNull();
      ConfigMap next = client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("next")
          .endMetadata().build()).create();
      assertThat(Long.parseLong(next.getMetadata().getResourceVersion())).isGreaterThan(lastVersion);
    }
  }

  @Test
  void a_half_written_temporary_file_from_a_crash_is_ignored_and_the_store_is_read() throws Exception {
    try (EmbeddedApiServer server = EmbeddedApiServer.start(0, DataDirectory.open(dir));
        KubernetesClient client = server.newClient("default")) {
      client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("kept").endMetadata()
          .withData(Map.of("a", "1")).build()).create();
    }
    String whole = Files.readString(dir.resolve(DataDirectory.OBJECTS));
    Files.writeString(dir.resolve(DataDirectory.OBJECTS + ".tmp"), whole.substring(0, whole.length() / 2));

    try (EmbeddedApiServer restarted = EmbeddedApiServer.start(0, DataDirectory.open(dir));
        KubernetesClient client = restarted.newClient("default")) {
      assertThat(client.configMaps().withName("kept").get().getData()).containsEntry("a", "1");
      restarted.flush();
      assertThat(dir.resolve(DataDirectory.OBJECTS + ".tmp")).as("nothing half-written is left").doesNotExist();
    }
  }

  @Test
  void a_store_damaged_outside_the_operator_stops_the_start_and_is_left_as_it_is() throws Exception {
    try (EmbeddedApiServer server = EmbeddedApiServer.start(0, DataDirectory.open(dir))) {
      server.flush();
    }
    Path objects = dir.resolve(DataDirectory.OBJECTS);
    String whole = Files.readString(objects);
    Files.writeString(objects, whole.substring(0, whole.length() / 2), StandardCharsets.UTF_8);

    assertThatThrownBy(() -> EmbeddedApiServer.start(0, DataDirectory.open(dir)))
        .hasMessageContaining(objects.toString()).hasMessageContaining("cannot be read")
        .hasMessageContaining("restore it from a backup");
    assertThat(Files.readString(objects)).isEqualTo(whole.substring(0, whole.length() / 2));
    // The directory was let go: once repaired, it opens again.
    Files.writeString(objects, whole);
    EmbeddedApiServer.start(0, DataDirectory.open(dir)).close();
  }

  @Test
  void two_servers_never_share_a_data_directory() {
    try (DataDirectory first = DataDirectory.open(dir)) {
      assertThatThrownBy(() -> DataDirectory.open(dir)).hasMessageContaining(dir.toString())
          .hasMessageContaining("--data-dir");
    }
  }

  private static void copyFiles(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.filter(f -> !f.getFileName().toString().equals("lock")).toList()) {
        Files.copy(file, to.resolve(file.getFileName()));
      }
    }
  }
}
