package io.consortium.operator.testing;

import io.consortium.operator.api.GoDuration;
import io.consortium.operator.cli.Main;
import io.consortium.operator.embedded.EmbeddedApiServer;
import io.consortium.operator.runtime.OperatorRuntime;
import io.consortium.operator.runtime.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One organization of a test consortium: its own API server (an embedded mock server that outlives
 * the operator, as a real cluster would) and an operator that can be stopped, killed and started
 * again, in this JVM or as a process of its own.
 */
public final class Org implements AutoCloseable {

  /** How long an operator may take to start, Ready included, on a loaded machine (a JVM start there takes minutes). */
  public static final Duration START = Duration.ofMinutes(10);
  private static final Pattern RUNNING = Pattern.compile("health on :(\\d+)/healthz.*peer link on :(\\d+)\\)");
  private static final HttpClient PROBE = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final String name;
  private final EmbeddedApiServer cluster;
  private final Path kubeconfig;
  private final KubernetesClient client;
  private OperatorRuntime operator;
  /** The in-JVM operator's network to its API server, new at each start: an abrupt kill cuts it. */
  private TcpProxy apiLink;
  private int starts;
  /** The operator when it runs as a process of its own (see {@link #startOperatorProcess}). */
  private Process process;
  private int processHealthPort;
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
    return cluster(name, workdir, EmbeddedApiServer.start(0));
  }

  /**
   * A cluster whose API server stores custom resources without checking them against the CRDs' schema
   * and rules (as one whose CRDs predate this version's): what the operator's own checks are for.
   */
  public static Org clusterWithoutCrdRules(String name, Path workdir) {
    return cluster(name, workdir, EmbeddedApiServer.startWithoutCrdRules(0));
  }

  private static Org cluster(String name, Path workdir, EmbeddedApiServer cluster) {
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

  /**
   * Starts (or restarts) this org's operator in this JVM against its cluster, through a kubeconfig as in
   * production. Its API requests go through a proxy of its own, which {@link #killOperator} cuts.
   */
  public Org startOperator() {
    requireStopped();
    starts++;
    try {
      apiLink = new TcpProxy(cluster.port());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // A file per start: fabric8 re-reads its kubeconfig, and a killed operator must never find the new proxy there.
    Path through = kubeconfig.resolveSibling(name + "-operator-" + starts + ".kubeconfig");
    try {
      Files.writeString(through, Files.readString(kubeconfig).replace(cluster.url(), "http://127.0.0.1:" + apiLink.port()));
      operator = OperatorRuntime.start(settings().toBuilder().kubeconfig(through).build(),
          new PrintStream(output, true, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      closeApiLink();
      throw e;
    }
    // A restarted operator listens where its invitations said, as it would with a fixed --mesh-port.
    meshPort = operator.meshPort();
    return this;
  }

  /**
   * Starts this org's operator as a process of its own ({@code java -cp <this class path> ... run} with
   * this org's flags and {@code POD_NAME}), as a pod runs it, so that it can be stopped with SIGTERM and
   * killed with SIGKILL. Returns once it runs; its output goes to {@link #output} and to stderr.
   */
  public Org startOperatorProcess() {
    requireStopped();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // A test's operator: less JIT and GC work on a busy machine.
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "run"));
    command.addAll(runFlags(settings()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("POD_NAME", name + "-operator");
    long spawned = System.nanoTime();
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    Process started = process;
    CompletableFuture<Matcher> running = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          output.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
          System.err.println("[" + name + " pid " + started.pid() + "] " + line);
          Matcher m = RUNNING.matcher(line);
          if (m.find()) {
            running.complete(m);
          }
        }
      } catch (IOException e) {
        // the process ended
      }
      running.completeExceptionally(new IllegalStateException("it ended with exit code " + exitCode(started)));
    }, name + "-operator-output");
    reader.setDaemon(true);
    reader.start();
    Matcher m;
    try {
      m = running.get(START.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      String why = e instanceof java.util.concurrent.TimeoutException ? "it did not say it runs within " + START
          : e.getCause() != null ? e.getCause().getMessage() : e.toString();
      started.destroyForcibly();
      process = null;
      throw new AssertionError(name + "'s operator process did not start: " + why + "; it printed:\n" + output());
    }
    processHealthPort = Integer.parseInt(m.group(1));
    meshPort = Integer.parseInt(m.group(2));
    System.out.println(name + "'s operator process " + started.pid() + " runs after "
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - spawned) + " ms");
    return this;
  }

  private static String exitCode(Process process) {
    try {
      return process.waitFor(10, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "(still running)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(unknown)";
    }
  }

  /** The {@code run} command line that gives a process these settings. */
  private static List<String> runFlags(OperatorSettings s) {
    List<String> flags = new ArrayList<>(List.of("--namespace", s.namespace(), "--instance-name", s.instanceName(),
        "--mesh-bind-address", s.meshBindAddress(), "--mesh-port", String.valueOf(s.meshPort()),
        "--health-port", String.valueOf(s.healthPort()), "--max-share-size", String.valueOf(s.maxShareSize()),
        "--frame-limit", String.valueOf(s.frameLimit()), "--identity-secret", s.identitySecretName(),
        s.leaderElection() ? "--leader-election" : "--no-leader-election", "--lease-name", s.leaseName(),
        "--kubeconfig", s.kubeconfig().toString(), "--stuck-after", GoDuration.format(s.stuckAfter()),
        "--revoke-timeout", GoDuration.format(s.revokeTimeout()), "--cert-validity", GoDuration.format(s.certValidity()),
        "--cert-renew-before", GoDuration.format(s.certRenewBefore()),
        "--key-rollover-grace", GoDuration.format(s.keyRolloverGrace())));
    if (s.externalUrl() != null) {
      flags.addAll(List.of("--external-url", s.externalUrl()));
    }
    return flags;
  }

  private void requireStopped() {
    if (operator != null || process != null) {
      throw new IllegalStateException(name + "'s operator is already running");
    }
  }

  /** A second replica of this org's operator on the same cluster, on other ports: it stands by. */
  public OperatorRuntime startStandby() {
    return OperatorRuntime.start(settings().toBuilder().meshPort(0).healthPort(0).build(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  public OperatorSettings settings() {
    return settings.meshPort(meshPort).build();
  }

  /** Stops the operator gracefully: closed in this JVM, or SIGTERM to its process (which then closes it). */
  public void stopOperator() {
    if (operator != null) {
      operator.close();
      operator = null;
      closeApiLink();
    }
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(START.toSeconds(), TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError(name + "'s operator process did not end within " + START + " of SIGTERM");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      } finally {
        process = null;
      }
    }
  }

  /**
   * Kills the operator as kill -9 would: nothing it would say on its way out (the lease given back, close
   * frames, a last status write) reaches anyone, and what it was doing is left half done. A process gets
   * SIGKILL. An operator in this JVM is first cut off: {@code cutLinks} drops its peer links (without a
   * WebSocket close frame) and its API proxy drops every connection, in-flight requests included; only
   * then is it closed, unheard, and its API proxy is never opened again.
   */
  public void killOperator(Runnable cutLinks) {
    if (process != null) {
      process.destroyForcibly();
      try {
        if (!process.waitFor(START.toSeconds(), TimeUnit.SECONDS)) {
          throw new AssertionError(name + "'s operator process outlived SIGKILL for " + START);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        process = null;
      }
    }
    if (operator != null) {
      apiLink.cut();
      cutLinks.run();
      operator.close();
      operator = null;
      closeApiLink();
    }
  }

  private void closeApiLink() {
    if (apiLink != null) {
      try {
        apiLink.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      apiLink = null;
    }
  }

  /** Whether the operator answers its readiness probe with 200 (it leads and its controllers run). */
  public boolean ready() {
    int port = operator != null ? operator.healthPort() : process != null ? processHealthPort : -1;
    if (port < 0) {
      return false;
    }
    try {
      HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
          .timeout(Duration.ofSeconds(10)).build();
      return PROBE.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Whether the operator runs as a process of its own. */
  public boolean runsAsProcess() {
    return process != null;
  }

  /** The port the operator's peer link listens on (the same after a restart). */
  public int meshPort() {
    return meshPort;
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

  /** This org's API server: what it was asked, and by whom. */
  public EmbeddedApiServer cluster() {
    return cluster;
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
