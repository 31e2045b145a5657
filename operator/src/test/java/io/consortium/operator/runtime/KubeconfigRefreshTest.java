package io.consortium.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import io.fabric8.kubernetes.client.utils.TokenRefreshInterceptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator started with {@code --kubeconfig}: what fabric8 does before each request once its
 * refresh interval has passed (the interceptor below is made with a last refresh long ago).
 */
class KubeconfigRefreshTest {

  @TempDir
  Path dir;

  @Test
  void a_kubeconfig_without_a_token_is_not_read_and_parsed_again_before_each_request() throws Exception {
    Path file = dir.resolve("kubeconfig");
    Files.writeString(file, kubeconfig(null));
    Config config = OperatorRuntime.clientConfig(OperatorSettings.builder().kubeconfig(file).build());

    // Had fabric8 read the file again, it would find this token and send it.
    Files.writeString(file, kubeconfig("written-later"));

    assertThat(authorizationSentAfterRefreshInterval(config)).isEmpty();
  }

  @Test
  void a_kubeconfig_with_a_token_keeps_fabric8s_refresh_so_a_rotated_token_is_used() throws Exception {
    Path file = dir.resolve("kubeconfig");
    Files.writeString(file, kubeconfig("first"));
    Config config = OperatorRuntime.clientConfig(OperatorSettings.builder().kubeconfig(file).build());

    Files.writeString(file, kubeconfig("rotated"));

    assertThat(authorizationSentAfterRefreshInterval(config)).containsExactly("Bearer rotated");
  }

  private static List<String> authorizationSentAfterRefreshInterval(Config config) {
    TokenRefreshInterceptor interceptor = new TokenRefreshInterceptor(config, Instant.EPOCH,
        c -> CompletableFuture.completedFuture(null));
    StandardHttpRequest.Builder request = new StandardHttpRequest.Builder();
    request.uri("https://127.0.0.1:6443/api/v1/namespaces/org1/configmaps");
    interceptor.before(request, request.build(), new Interceptor.RequestTags() {
      @Override
      public <T> T getTag(Class<T> type) {
        return null;
      }
    });
    return request.build().headers("Authorization");
  }

  private static String kubeconfig(String token) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster:
            server: https://127.0.0.1:6443
            insecure-skip-tls-verify: true
        users:
        - name: u
          user: %s
        contexts:
        - name: x
          context: {cluster: c, user: u, namespace: org1}
        current-context: x
        """.formatted(token == null ? "{}" : "{token: " + token + "}");
  }
}
