package io.consortium.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.KeyShareSpec;
import io.consortium.operator.api.v1alpha1.spec.KeyGeneration;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The embedded API server counts what each client asked of it, writes and reads apart. */
class RequestCounterTest {

  @Test
  void requests_are_counted_by_client_verb_and_resource() {
    try (EmbeddedApiServer cluster = EmbeddedApiServer.start(0)) {
      Config config = cluster.clientConfig("default");
      config.setUserAgent("org1-admin/1.0");
      try (KubernetesClient admin = new KubernetesClientBuilder().withConfig(config).build()) {
        KeyShare share = new KeyShare();
        share.getMetadata().setName("admin-cert");
        share.setSpec(new KeyShareSpec());
        share.getSpec().to = List.of("org2");
        share.getSpec().generate = new KeyGeneration();
        admin.resource(share).create();
        admin.resources(KeyShare.class).withName("admin-cert").get();
        admin.resources(KeyShare.class).list();
        admin.resources(KeyShare.class).withName("admin-cert").editStatus(s -> s);
        admin.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata().build()).create();
      }
      Map<RequestCounter.Key, Long> counts = cluster.requests().snapshot();

      assertThat(counts).containsEntry(new RequestCounter.Key("org1-admin", "create", "keyshares"), 1L)
          .containsEntry(new RequestCounter.Key("org1-admin", "list", "keyshares"), 1L)
          .containsEntry(new RequestCounter.Key("org1-admin", "create", "configmaps"), 1L)
          .containsKey(new RequestCounter.Key("org1-admin", "get", "keyshares"));
      assertThat(counts.keySet().stream().filter(k -> k.client().equals("org1-admin") && k.resource().equals("keyshares/status")))
          .as("a status write is told apart from a spec write").allMatch(RequestCounter.Key::isWrite).isNotEmpty();
      assertThat(new RequestCounter.Key("x", "watch", "keyshares").isWrite()).isFalse();
    }
  }

  @Test
  void a_path_is_reduced_to_its_resource_and_subresource() {
    assertThat(RequestCounter.key("PUT", "/apis/consortium.io/v1alpha1/namespaces/org1/keyshares/a/status", "fabric8/7"))
        .isEqualTo(new RequestCounter.Key("fabric8", "update", "keyshares/status"));
    assertThat(RequestCounter.key("GET", "/api/v1/namespaces/org1/events?watch=true&resourceVersion=3", null))
        .isEqualTo(new RequestCounter.Key("unknown", "watch", "events"));
    assertThat(RequestCounter.key("GET", "/api/v1/namespaces/org1", "kubectl/v1.33"))
        .isEqualTo(new RequestCounter.Key("kubectl", "get", "namespaces"));
    assertThat(RequestCounter.key("POST", "/apis/coordination.k8s.io/v1/namespaces/org1/leases", "x"))
        .isEqualTo(new RequestCounter.Key("x", "create", "leases"));
  }
}
