package io.consortium.operator.testing;

import io.consortium.operator.embedded.EmbeddedApiServer;
import io.consortium.operator.runtime.OperatorRuntime;
import io.consortium.operator.runtime.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One organization of a test consortium: its own API server (an embedded mock server that outlives
 * the operator, as a real cluster would) and an operator that can be stopped and started again.
 */
public final class Org implements AutoCloseable {

  private final String name;
  private final EmbeddedApiServer cluster;
  private final Path kubeconfig;
  private final KubernetesClient client;
  private OperatorRuntime operator;
  private int meshPort;
  /** The operator's flags for its next start: the defaults, on loopback, with free ports. */
  private final OperatorSettings.Builder settings;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();

  private Org(String name, EmbeddedApiServer cluster, Path kubeconfig) {
    this.name = name;
    this.cluster = cluster;
    this.kubeconfig = kubeconfig;
    this.client = cluster.newClient(name);
    // Each org spools its transfers in the test's directory, so that a test sees exactly its own files.
    this.settings = OperatorSettings.builder().namespace(name).instanceName(name).meshBindAddress("127.0.0.1")
        .meshPort(0).healthPort(0).kubeconfig(kubeconfig)
        .transferDir(kubeconfig.resolveSibling(name + "-transfers"));
  }

  /** A new cluster for {@code name} (its namespace is the org's name) with the CRDs installed; no operator yet. */
  public static Org cluster(String name, Path workdir) {
    EmbeddedApiServer cluster = EmbeddedApiServer.start(0);
    Path kubeconfig = workdir.resolve(name + ".kubeconfig");
    cluster.writeKubeconfig(kubeconfig, name, name);
    Org org = new Org(name, cluster, kubeconfig);
    WireTap.orgOpened();
    org.client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
        .withNewMetadata().withName(name).endMetadata().build()).create();
    return org;
  }

  /** The operator's --frame-limit and --max-share-size, for the next start. */
  public Org withLimits(long frameLimit, long maxShareSize) {
    settings.frameLimit(frameLimit).maxShareSize(maxShareSize);
    return this;
  }

  /** The operator's --stuck-after, for the next start. */
  public Org withStuckAfter(Duration stuckAfter) {
    settings.stuckAfter(stuckAfter);
    return this;
  }

  /** The operator's --revoke-timeout, for the next start. */
  public Org withRevokeTimeout(Duration revokeTimeout) {
    settings.revokeTimeout(revokeTimeout);
    return this;
  }

  /** The operator's --cert-validity, --cert-renew-before and --key-rollover-grace, for the next start. */
  public Org withIdentityLifetimes(Duration certValidity, Duration certRenewBefore, Duration keyRolloverGrace) {
    settings.certValidity(certValidity).certRenewBefore(certRenewBefore).keyRolloverGrace(keyRolloverGrace);
    return this;
  }

  /** Any other flag of the operator, for the next start. */
  public Org configure(java.util.function.Consumer<OperatorSettings.Builder> flags) {
    flags.accept(settings);
    return this;
  }

  /** Starts (or restarts) this org's operator against its cluster, through the kubeconfig as in production. */
  public Org startOperator() {
    operator = OperatorRuntime.start(settings(), new PrintStream(output, true, StandardCharsets.UTF_8));
    // A restarted operator listens where its invitations said, as it would with a fixed --mesh-port.
    meshPort = operator.meshPort();
    return this;
  }

  /** A second replica of this org's operator on the same cluster, on other ports: it stands by. */
  public OperatorRuntime startStandby() {
    return OperatorRuntime.start(settings().toBuilder().meshPort(0).healthPort(0).build(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  public OperatorSettings settings() {
    return settings.meshPort(meshPort).build();
  }

  public void stopOperator() {
    if (operator != null) {
      operator.close();
      operator = null;
    }
  }

  public String name() {
    return name;
  }

  public KubernetesClient client() {
    return client;
  }

  public OperatorRuntime operator() {
    return operator;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  /** The directory the operator spools large payloads in (--transfer-dir). */
  public Path transferDir() {
    return settings.build().transferDir();
  }

  public String output() {
    return output.toString(StandardCharsets.UTF_8);
  }

  /**
   * A value the operator's {@code /metrics} serves: the sum over the series of {@code name} whose
   * labels include every {@code label="value"} given (0 when there is none).
   */
  public double metric(String name, String... labels) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + operator.healthPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.Ee+-]+)$")
          .matcher(response.body());
      double sum = 0;
      while (line.find()) {
        String series = line.group(1) == null ? "" : line.group(1);
        if (java.util.Arrays.stream(labels).allMatch(series::contains)) {
          sum += Double.parseDouble(line.group(2));
        }
      }
      return sum;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted reading /metrics");
    }
  }

  /** Waits for a condition the operator is expected to bring about. */
  public static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what);
      }
    }
    throw new AssertionError("timed out after " + timeout + " waiting for " + what);
  }

  @Override
  public void close() {
    stopOperator();
    try {
      WireTap.orgClosing(name, client);
    } finally {
      client.close();
      cluster.close();
    }
  }
}
