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
  private long frameLimit = 1L << 20;
  private long maxShareSize = 64L << 20;
  private Duration stuckAfter = OperatorSettings.DEFAULT_STUCK_AFTER;
  private Duration revokeTimeout = OperatorSettings.DEFAULT_REVOKE_TIMEOUT;
  private Duration certValidity = OperatorSettings.DEFAULT_CERT_VALIDITY;
  private Duration certRenewBefore = OperatorSettings.DEFAULT_CERT_RENEW_BEFORE;
  private Duration keyRolloverGrace = OperatorSettings.DEFAULT_KEY_ROLLOVER_GRACE;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();

  private Org(String name, EmbeddedApiServer cluster, Path kubeconfig) {
    this.name = name;
    this.cluster = cluster;
    this.kubeconfig = kubeconfig;
    this.client = cluster.newClient(name);
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
    this.frameLimit = frameLimit;
    this.maxShareSize = maxShareSize;
    return this;
  }

  /** The operator's --stuck-after, for the next start. */
  public Org withStuckAfter(Duration stuckAfter) {
    this.stuckAfter = stuckAfter;
    return this;
  }

  /** The operator's --revoke-timeout, for the next start. */
  public Org withRevokeTimeout(Duration revokeTimeout) {
    this.revokeTimeout = revokeTimeout;
    return this;
  }

  /** The operator's --cert-validity, --cert-renew-before and --key-rollover-grace, for the next start. */
  public Org withIdentityLifetimes(Duration certValidity, Duration certRenewBefore, Duration keyRolloverGrace) {
    this.certValidity = certValidity;
    this.certRenewBefore = certRenewBefore;
    this.keyRolloverGrace = keyRolloverGrace;
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
    OperatorSettings s = settings();
    return OperatorRuntime.start(new OperatorSettings(s.namespace(), s.instanceName(), s.meshBindAddress(), 0,
        s.externalUrl(), s.maxShareSize(), s.frameLimit(), 0, s.identitySecretName(), true, s.leaseName(),
        s.kubeconfig(), false, 0, null), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  public OperatorSettings settings() {
    return new OperatorSettings(name, name, "127.0.0.1", meshPort, null, maxShareSize, frameLimit, 0,
        "consortium-identity", true, "consortium-operator-leader", kubeconfig, false, 0, null)
        .withStuckAfter(stuckAfter).withRevokeTimeout(revokeTimeout)
        .withIdentityLifetimes(certValidity, certRenewBefore, keyRolloverGrace);
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

  public String output() {
    return output.toString(StandardCharsets.UTF_8);
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
