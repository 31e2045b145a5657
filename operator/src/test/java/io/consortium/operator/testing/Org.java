package io.consortium.operator.testing;

import io.consortium.operator.embedded.EmbeddedApiServer;
import io.consortium.operator.runtime.OperatorRuntime;
import io.consortium.operator.runtime.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

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
    this.settings = OperatorSettings.builder().namespace(name).instanceName(name).meshBindAddress("127.0.0.1")
        .meshPort(0).healthPort(0).kubeconfig(kubeconfig);
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

  /** This org's API server: what it was asked, and by whom. */
  public EmbeddedApiServer cluster() {
    return cluster;
  }

  public String output() {
    return output.toString(StandardCharsets.UTF_8);
  }

  /**
   * The sum of a metric's samples on this org's /metrics whose labels contain every one of
   * {@code labels} (such as {@code reason="NotOffered"}); 0 when there is none.
   */
  public double metric(String name, String... labels) {
    try {
      String body = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + operator.healthPort() + "/metrics")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      java.util.regex.Matcher sample = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(name)
          + "(\\{[^}]*\\})? ([0-9.Ee+-]+)$").matcher(body);
      double sum = 0;
      while (sample.find()) {
        String found = sample.group(1) == null ? "" : sample.group(1);
        if (java.util.Arrays.stream(labels).allMatch(found::contains)) {
          sum += Double.parseDouble(sample.group(2));
        }
      }
      return sum;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while reading " + name);
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
