package io.consortium.operator.runtime;

import io.consortium.operator.api.Kinds;
import io.consortium.operator.controller.ConsortiumNodeReconciler;
import io.consortium.operator.controller.ChaincodeShareReconciler;
import io.consortium.operator.controller.ConfigProposalReconciler;
import io.consortium.operator.controller.KeyShareReconciler;
import io.consortium.operator.controller.NetworkShareReconciler;
import io.consortium.operator.api.v1alpha1.ChaincodeShare;
import io.consortium.operator.api.v1alpha1.ConfigProposal;
import io.consortium.operator.api.v1alpha1.KeyShare;
import io.consortium.operator.api.v1alpha1.NetworkShare;
import io.consortium.operator.share.ShareContext;
import io.consortium.operator.share.ShareEngine;
import io.consortium.operator.share.ShareRouter;
import io.consortium.operator.share.SourceCache;
import io.consortium.operator.share.kinds.ChaincodeShareKind;
import io.consortium.operator.share.kinds.ConfigProposalKind;
import io.consortium.operator.share.kinds.KeyShareKind;
import io.consortium.operator.share.kinds.NetworkShareKind;
import io.consortium.operator.controller.PeerPairingReconciler;
import io.consortium.operator.pairing.RemoteNodes;
import io.consortium.operator.embedded.DataDirectory;
import io.consortium.operator.embedded.EmbeddedApiServer;
import io.consortium.operator.identity.IdentityStore;
import io.consortium.operator.identity.CertificateRenewal;
import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.identity.LocalIdentity;
import io.consortium.operator.mesh.LinkTiming;
import io.consortium.operator.mesh.MeshTransport;
import io.consortium.operator.mesh.TransferSpool;
import io.consortium.operator.pairing.SessionEpochs;
import io.consortium.operator.pairing.PairingDirectory;
import io.consortium.operator.pairing.PeerSessions;
import io.consortium.operator.status.EventRecorder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.consortium.operator.api.TolerantSerialization;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running operator: API client (or an embedded API server), instance identity, peer link
 * listener, controllers under leader election, and the health and metrics endpoints. Every step
 * that can fail for a reason a person can fix fails here, at start, with one line that says which.
 */
public final class OperatorRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorRuntime.class);
  /** How the operator's requests are told apart from others' (audit logs, the embedded server's counts). */
  public static final String USER_AGENT = "consortium-operator/"
      + java.util.Objects.requireNonNullElse(OperatorRuntime.class.getPackage().getImplementationVersion(), "dev");

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final String namespace;
  /** Set once the controllers are registered; the health server, started before, reads it. */
  private volatile Operator operator;
  private LocalIdentity identity;
  private IdentityUpkeep upkeep;
  private KubernetesClient client;
  private HealthServer health;
  private PrometheusMeterRegistry registry;
  private PortReservation meshReservation;
  private MeshTransport mesh;
  private PeerSessions sessions;
  private int meshPort;
  private volatile boolean closed;
  private String leaderIdentity;
  private String leaseName;

  private OperatorRuntime(String namespace) {
    this.namespace = namespace;
  }

  public static OperatorRuntime start(OperatorSettings settings, PrintStream out) {
    settings.validate();
    OperatorRuntime runtime = null;
    try {
      runtime = connect(settings, out);
      runtime.run(settings, out);
      return runtime;
    } catch (RuntimeException e) {
      if (runtime != null) {
        runtime.close();
      }
      throw e;
    }
  }

  /**
   * Binds every port first, so that one in use fails at once and names its flag, before anything slow
   * happens and before a kubeconfig is written: the health server, the peer link's port (held until the
   * link listens on it), and in embedded mode the API server. Then the client.
   */
  private static OperatorRuntime connect(OperatorSettings settings, PrintStream out) {
    DataDirectory data = settings.embedded() && settings.dataDir() != null ? DataDirectory.open(settings.dataDir())
        : null;
    String namespace = settings.embedded() ? (settings.namespace() == null ? "default" : settings.namespace()) : null;
    Config config = settings.embedded() ? null : clientConfig(settings);
    if (!settings.embedded()) {
      namespace = settings.namespace() != null ? settings.namespace()
          : config.getNamespace() != null ? config.getNamespace() : "default";
    }
    OperatorRuntime runtime = new OperatorRuntime(namespace);
    try {
      runtime.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      runtime.health = HealthServer.start(port(data, "health-port", settings.healthPort()),
          runtime::liveness, runtime::readiness, runtime.registry);
      runtime.resources.add(runtime.health);
      runtime.meshReservation = PortReservation.bind(settings.meshBindAddress(),
          port(data, "mesh-port", settings.meshPort()), "mesh", "--mesh-port");
      runtime.resources.add(runtime.meshReservation);
      if (!settings.embedded()) {
        runtime.client = new KubernetesClientBuilder().withConfig(config)
            .withKubernetesSerialization(TolerantSerialization.create()).build();
        return runtime;
      }
      EmbeddedApiServer server = EmbeddedApiServer.start(port(data, "embedded-port", settings.embeddedPort()), data);
      runtime.resources.add(server);
      if (data != null) {
        data.rememberPort("health-port", runtime.health.port());
        data.rememberPort("mesh-port", runtime.meshReservation.port());
        data.rememberPort("embedded-port", server.port());
      }
      Config embeddedConfig = server.clientConfig(namespace);
      embeddedConfig.setUserAgent(USER_AGENT);
      runtime.client = new KubernetesClientBuilder().withConfig(embeddedConfig)
          .withKubernetesSerialization(TolerantSerialization.create()).build();
      if (!"default".equals(namespace)) {
        runtime.client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
            .build()).createOr(NonDeletingOperation::update);
      }
      out.println("Embedded API server listening on " + server.url() + (data == null
          ? "; it keeps everything in memory: a restart starts empty, with a new instance identity"
          + " (keep it with --data-dir DIR)"
          : "; its objects are kept in " + data.path() + " across restarts"));
      out.println("Ports: embedded API " + server.port() + ", peer link " + runtime.meshReservation.port()
          + ", health " + runtime.health.port());
      if (settings.kubeconfigOut() != null) {
        server.writeKubeconfig(settings.kubeconfigOut(), "consortium-embedded", namespace);
        out.println("Wrote kubeconfig " + settings.kubeconfigOut().toAbsolutePath());
        out.println("Try: kubectl --kubeconfig " + settings.kubeconfigOut() + " get crd,shares,secrets");
      }
      return runtime;
    } catch (RuntimeException e) {
      runtime.close();
      if (data != null) {
        // The API server closes it when it stops; this is for a start that failed before or while starting it.
        data.close();
      }
      throw e;
    }
  }

  /**
   * The port to bind: the one given; with a data directory and none given (0), the one this instance
   * listened on before, which its invitations and kubeconfig name; else 0, any free one.
   */
  private static int port(DataDirectory data, String name, int given) {
    if (given != 0 || data == null) {
      return given;
    }
    return data.port(name).orElse(0);
  }

  static Config clientConfig(OperatorSettings settings) {
    try {
      Config config;
      if (settings.kubeconfig() != null) {
        String text = Files.readString(settings.kubeconfig());
        config = Config.fromKubeconfig(null, text, settings.kubeconfig().toString());
      } else {
        config = Config.autoConfigure(null);
      }
      // So that an API server's audit log (and the embedded server's request counts) tell the operator apart.
      config.setUserAgent(USER_AGENT);
      withoutTokenlessRefresh(config);
      return config;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read kubeconfig " + settings.kubeconfig() + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot use kubeconfig " + settings.kubeconfig() + ": " + e.getMessage());
    }
  }

  /**
   * fabric8 reads and parses the kubeconfig again before every request once a minute has passed
   * without finding a token there (its refresh only counts one that found a token): with a kubeconfig
   * that signs in by client certificate, that was a sixth of the operator's CPU. Such a configuration
   * has no token to refresh, so it gets a token provider that has none, which ends the re-reading. A
   * configuration with a token (a service account's, an exec plugin's) or an auth provider keeps
   * fabric8's refresh.
   */
  static void withoutTokenlessRefresh(Config config) {
    if (config.getOauthToken() == null && config.getAutoOAuthToken() == null && config.getOauthTokenProvider() == null
        && config.getAuthProvider() == null && config.getUsername() == null) {
      config.setOauthTokenProvider(() -> null);
    }
  }

  private void run(OperatorSettings settings, PrintStream out) {
    resources.add(client);
    requireApiServerAndCrds();

    Clock clock = Clock.systemUTC();
    String instanceName = settings.instanceName() != null ? settings.instanceName() : namespace;
    String externalHost = settings.externalHost();
    IdentityStore store = new IdentityStore(client, namespace, settings.identitySecretName(), clock);
    store.loadOrCreate(instanceName, List.of(externalHost), settings.certValidity());
    IdentityStore.Stored stored = store.load();
    identity = new LocalIdentity(stored.current(), stored.rollover());
    CertificateRenewal renewal = new CertificateRenewal(settings.certValidity(), settings.certRenewBefore());
    LOG.info("Instance {} has ID {}", instanceName, identity.instanceId());

    mesh = new MeshTransport(identity, settings.frameLimit(), LinkTiming.DEFAULT, settings.listenerLimits(), registry);
    resources.add(mesh);
    TransferSpool spool = new TransferSpool(settings.transferDir() != null ? settings.transferDir()
        : TransferSpool.defaultDirectory(namespace));
    PairingDirectory directory = new PairingDirectory(client, namespace);
    resources.add(directory::close);
    AtomicReference<PeerPairingReconciler> pairings = new AtomicReference<>();
    AtomicReference<ConsortiumNodeReconciler> nodes = new AtomicReference<>();
    EventRecorder events = new EventRecorder(client, clock);
    resources.add(events);
    sessions = new PeerSessions(directory, identity, instanceName, mesh, settings.transferLimits(), spool,
        new SessionEpochs(client, namespace, clock), clock, registry,
        pairing -> {
          PeerPairingReconciler reconciler = pairings.get();
          if (reconciler != null) {
            reconciler.linkChanged(namespace, pairing);
          }
          ConsortiumNodeReconciler nodeReconciler = nodes.get();
          if (nodeReconciler != null) {
            nodeReconciler.linkChanged(client, namespace);
          }
        },
        new RemoteNodes(client, namespace), () -> ConsortiumNodeReconciler.advertised(client, namespace), events);
    resources.add(sessions);
    sessions.linkIdentity().setRenewal(renewal);
    sessions.setLeading(!settings.leaderElection());
    // The port was held since the start; the link's listener takes it over now.
    meshReservation.close();
    meshPort = mesh.listen(settings.meshBindAddress(), meshReservation.port(), sessions);
    // With --mesh-port 0 the port is known only now.
    String externalUrl = settings.externalUrl() != null && !settings.externalUrl().isBlank()
        ? settings.externalUrl() : "wss://" + defaultExternalHost(settings.meshBindAddress()) + ":" + meshPort;
    Runnable publish = () -> store.publish(identity, instanceName, externalUrl,
        renewal.renewsAt(identity.get().certificate()));
    publish.run();
    upkeep = new IdentityUpkeep(client, namespace, store, identity, renewal, settings.keyRolloverGrace(), instanceName,
        List.of(externalHost), sessions.linkIdentity(), publish, clock, registry);
    resources.add(upkeep);
    upkeep.start();
    upkeep.setLeading(!settings.leaderElection());
    out.println("Instance ID: " + identity.instanceId() + " (kubectl get configmap "
        + IdentityStore.INSTANCE_CONFIGMAP + " -n " + namespace + ")");

    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);

    operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withCloseClientOnStop(false)
          // The same settings against a real cluster and the mock server (see TESTING.md): the mock
          // server answers server-side apply with 415, and what ships is what is tested.
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .withMetrics(MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry).build())
          .withReconciliationTerminationTimeout(Duration.ofSeconds(10));
      if (settings.leaderElection()) {
        o.withLeaderElectionConfiguration(leaderElection(settings));
      }
    });
    SourceCache sources = SourceCache.watching(client, namespace);
    resources.add(sources);
    ShareContext shareContext = new ShareContext(client, namespace, events, clock,
        settings.stuckAfter(), instanceName, registry, sources);
    ShareEngine<KeyShare, ?, ?> keyShares = new ShareEngine<>(new KeyShareKind(shareContext), shareContext, sessions,
        directory);
    ShareEngine<NetworkShare, ?, ?> networkShares = new ShareEngine<>(new NetworkShareKind(shareContext), shareContext,
        sessions, directory);
    ShareEngine<ChaincodeShare, ?, ?> chaincodeShares = new ShareEngine<>(new ChaincodeShareKind(shareContext),
        shareContext, sessions, directory);
    ShareEngine<ConfigProposal, ?, ?> proposals = new ShareEngine<>(new ConfigProposalKind(shareContext), shareContext,
        sessions, directory);
    ShareRouter shares = new ShareRouter(List.of(keyShares, networkShares, chaincodeShares, proposals));
    sessions.setShareInbox(shares);
    pairings.set(new PeerPairingReconciler(client, identity, instanceName, externalUrl, directory, sessions, events,
        clock, settings.revokeTimeout(), shares));
    operator.register(pairings.get(), c -> c.settingNamespace(namespace));
    nodes.set(new ConsortiumNodeReconciler(sessions, events, clock));
    operator.register(nodes.get(), c -> c.settingNamespace(namespace));
    operator.register(new KeyShareReconciler(keyShares, namespace), c -> c.settingNamespace(namespace));
    operator.register(new NetworkShareReconciler(networkShares, namespace), c -> c.settingNamespace(namespace));
    operator.register(new ChaincodeShareReconciler(chaincodeShares, namespace),
        c -> c.settingNamespace(namespace));
    operator.register(new ConfigProposalReconciler(proposals, namespace), c -> c.settingNamespace(namespace));

    operator.start();
    out.println("consortium-operator is running in namespace " + namespace + " (health on :" + health.port()
        + "/healthz, /readyz, /metrics; peer link on :" + meshPort + ")");
    out.flush();
  }

  /** Without --external-url: the address the link listens on when it is a specific one, else localhost. */
  private static String defaultExternalHost(String bindAddress) {
    return bindAddress == null || bindAddress.equals("0.0.0.0") || bindAddress.equals("::") ? "localhost" : bindAddress;
  }

  /**
   * JOSDK exits the JVM when leadership is lost; doing that from inside a shutdown hook deadlocks the
   * JVM (SIGTERM would never end the pod), so we exit ourselves, only when the lease is lost while running.
   */
  private LeaderElectionConfiguration leaderElection(OperatorSettings settings) {
    leaderIdentity = leaderIdentity();
    leaseName = settings.leaseName();
    LeaderCallbacks callbacks = new LeaderCallbacks(
        () -> {
          LOG.info("Leading: this replica runs the controllers and the peer link");
          sessions.setLeading(true);
          upkeep.setLeading(true);
        },
        () -> {
          sessions.setLeading(false);
          upkeep.setLeading(false);
          if (!closed) {
            LOG.error("Lost the leader lease {}; exiting so that a new leader takes over", settings.leaseName());
            Thread exit = new Thread(() -> System.exit(1), "lost-lease-exit");
            exit.start();
          }
        },
        leader -> LOG.info("Leader is {}", leader));
    return new LeaderElectionConfiguration(settings.leaseName(), namespace,
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, leaderIdentity, callbacks, false);
  }

  /**
   * Who holds the lease: the pod's name, or outside Kubernetes the host name with a random suffix,
   * so that two processes (or two runtimes in one test JVM) never both think they lead.
   */
  private static String leaderIdentity() {
    String pod = System.getenv("POD_NAME");
    if (pod != null && !pod.isBlank()) {
      return pod;
    }
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "consortium-operator";
    }
    return host + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Gives the lease up on a clean stop, so that a restarted operator (or the standby) leads at once
   * instead of waiting for it to expire; JOSDK does not release it.
   */
  private void releaseLease() {
    if (leaseName == null || leaderIdentity == null) {
      return;
    }
    try {
      var lease = client.leases().inNamespace(namespace).withName(leaseName).get();
      if (lease != null && lease.getSpec() != null && leaderIdentity.equals(lease.getSpec().getHolderIdentity())) {
        client.resource(lease).delete();
      }
    } catch (RuntimeException e) {
      LOG.warn("Could not release the leader lease {}: {}; a new leader waits until it expires. The operator's Role"
          + " must allow delete on leases (coordination.k8s.io), as the chart's and the bundle's do", leaseName,
          e.getMessage());
    }
  }

  /** Fails with one line when the API server cannot be reached or the CRDs are missing. */
  private void requireApiServerAndCrds() {
    String server = client.getConfiguration().getMasterUrl();
    for (Class<? extends HasMetadata> kind : Kinds.ALL) {
      try {
        client.resources(kind).inNamespace(namespace).list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(1L).build());
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          throw new IllegalStateException("the CRD " + HasMetadata.getFullResourceName(kind) + " is not installed in "
              + server + ": install the Helm chart, or kubectl apply -f crds/");
        }
        if (e.getCode() == 401 || e.getCode() == 403) {
          throw new IllegalStateException("the API server at " + server + " refused to list "
              + HasMetadata.getFullResourceName(kind) + " in namespace " + namespace + " (HTTP " + e.getCode()
              + "): check the operator's RBAC");
        }
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        throw new IllegalStateException("cannot reach the Kubernetes API at " + server + ": "
            + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()));
      }
    }
  }

  private HealthServer.Verdict liveness() {
    if (closed) {
      return new HealthServer.Verdict(false, "stopping");
    }
    if (operator == null) {
      return new HealthServer.Verdict(true, "starting");
    }
    RuntimeInfo info = operator.getRuntimeInfo();
    if (info.isStarted() && !info.allEventSourcesAreHealthy()) {
      return new HealthServer.Verdict(false, "unhealthy event sources: " + info.unhealthyEventSources().keySet());
    }
    return new HealthServer.Verdict(true, info.isStarted() ? "running" : "starting");
  }

  private HealthServer.Verdict readiness() {
    if (closed) {
      return new HealthServer.Verdict(false, "stopping");
    }
    if (operator == null) {
      return new HealthServer.Verdict(false, "starting");
    }
    RuntimeInfo info = operator.getRuntimeInfo();
    if (!info.isStarted()) {
      return new HealthServer.Verdict(false, "controllers not started (waiting for the leader lease?)");
    }
    if (!info.allEventSourcesAreHealthy()) {
      return new HealthServer.Verdict(false, "unhealthy event sources: " + info.unhealthyEventSources().keySet());
    }
    return new HealthServer.Verdict(true, "ready");
  }

  /** The identity links are made with now. */
  public InstanceIdentity identity() {
    return identity.get();
  }

  /** The identity over time: the key in use and a key rollover under way. */
  public LocalIdentity localIdentity() {
    return identity;
  }

  public KubernetesClient client() {
    return client;
  }

  public String namespace() {
    return namespace;
  }

  public int healthPort() {
    return health.port();
  }

  public int meshPort() {
    return meshPort;
  }

  /** Whether this replica runs the peer link now (without leader election, from the start). */
  public boolean leading() {
    return sessions.leading();
  }


  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (operator != null) {
      try {
        operator.stop();
      } catch (RuntimeException e) {
        LOG.warn("Stopping the controllers: {}", e.getMessage());
      }
      // Never hold up a stop for it: against an API server that is itself going away the call hangs.
      try {
        // On a daemon thread of its own: one left hanging must never keep the JVM from exiting.
        java.util.concurrent.CompletableFuture<Void> released = new java.util.concurrent.CompletableFuture<>();
        Thread release = new Thread(() -> {
          releaseLease();
          released.complete(null);
        }, "release-lease");
        release.setDaemon(true);
        release.start();
        released.get(3, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("The leader lease {} was not released within 3 s ({}); a new leader waits until it expires",
            leaseName, e.toString());
      }
    }
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        LOG.warn("Closing {}: {}", resources.get(i).getClass().getSimpleName(), e.getMessage());
      }
    }
  }
}
