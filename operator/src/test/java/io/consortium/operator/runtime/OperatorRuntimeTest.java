package io.consortium.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consortium.operator.identity.IdentityStore;
import io.consortium.operator.testing.Org;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorRuntimeTest {

  @TempDir Path workdir;

  @Test
  void org1_keeps_its_instance_id_when_its_operator_restarts_against_the_same_cluster() {
    try (Org org1 = Org.cluster("org1", workdir)) {
      String first = org1.startOperator().operator().identity().instanceId();
      org1.stopOperator();
      String second = org1.startOperator().operator().identity().instanceId();

      assertThat(second).isEqualTo(first).matches("[0-9a-f]{64}");
      Secret secret = org1.client().secrets().withName("consortium-identity").get();
      assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
      assertThat(secret.getData()).containsKeys("tls.key", "tls.crt");
      assertThat(secret.getMetadata().getAnnotations()).containsEntry(IdentityStore.INSTANCE_ID_ANNOTATION, first);
      ConfigMap published = org1.client().configMaps().withName(IdentityStore.INSTANCE_CONFIGMAP).get();
      assertThat(published.getData()).containsEntry("instanceId", first).containsEntry("instanceName", "org1")
          .containsKey("certificate.pem");
      assertThat(published.getData().get("certificate.pem")).doesNotContain("PRIVATE KEY");
      assertThat(org1.output()).contains("Instance ID: " + first);
    }
  }

  @Test
  void probes_and_metrics_answer_from_the_running_operator() throws Exception {
    try (Org org1 = Org.cluster("org1", workdir)) {
      org1.startOperator();
      int port = org1.operator().healthPort();
      HttpClient http = HttpClient.newHttpClient();

      Org.await("readiness", Duration.ofSeconds(20), () -> get(http, port, "/readyz").statusCode() == 200);
      assertThat(get(http, port, "/healthz").statusCode()).isEqualTo(200);
      HttpResponse<String> metrics = get(http, port, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("jvm_memory_used_bytes");

      assertThat(org1.client().leases().withName("consortium-operator-leader").get())
          .as("the leader lease was taken").isNotNull();
      org1.stopOperator();
      assertThat(org1.client().leases().withName("consortium-operator-leader").get())
          .as("a clean stop gives the lease up, so that a restart leads at once").isNull();
    }
  }

  @Test
  void an_unusable_identity_secret_stops_the_start_and_is_left_as_it_was() {
    try (Org org1 = Org.cluster("org1", workdir)) {
      Secret broken = new SecretBuilder().withNewMetadata().withName("consortium-identity").endMetadata()
          .withData(Map.of("tls.crt", "bm90IGEgY2VydA==")).build();
      org1.client().secrets().resource(broken).create();

      assertThatThrownBy(org1::startOperator)
          .hasMessageContaining("identity Secret org1/consortium-identity is unusable")
          .hasMessageContaining("no 'tls.key' key");
      assertThat(org1.client().secrets().withName("consortium-identity").get().getData())
          .containsOnlyKeys("tls.crt").containsEntry("tls.crt", "bm90IGEgY2VydA==");
    }
  }

  @Test
  void a_cluster_without_the_crds_is_named_with_what_to_install() {
    KubernetesMockServer bare = new KubernetesMockServer(false);
    bare.init();
    try (KubernetesClient client = bare.createClient()) {
      Path kubeconfig = workdir.resolve("bare.kubeconfig");
      java.nio.file.Files.writeString(kubeconfig, """
          apiVersion: v1
          kind: Config
          clusters: [{name: bare, cluster: {server: "%s"}}]
          users: [{name: bare, user: {}}]
          contexts: [{name: bare, context: {cluster: bare, user: bare, namespace: default}}]
          current-context: bare
          """.formatted(client.getConfiguration().getMasterUrl()));
      OperatorSettings settings = OperatorSettings.builder().meshBindAddress("127.0.0.1").meshPort(0)
          .healthPort(0).leaderElection(false).leaseName("lease").kubeconfig(kubeconfig).build();

      assertThatThrownBy(() -> OperatorRuntime.start(settings, System.out))
          .hasMessageContaining("peerpairings.consortium.io is not installed")
          .hasMessageContaining("kubectl apply -f crds/");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      bare.destroy();
    }
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
