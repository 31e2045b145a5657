package io.consortium.operator.cli;

import io.consortium.operator.runtime.OperatorSettings;
import io.consortium.operator.runtime.OperatorRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code consortium-operator run}: the operator itself. Every flag has an environment twin for the chart. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the operator against the current kubeconfig or in-cluster configuration,",
      "or with --embedded against an API server started in this process."
    })
public final class RunCommand implements Callable<Integer> {

  @Option(names = "--namespace", defaultValue = "${env:CONSORTIUM_NAMESPACE}",
      description = "Namespace to watch and keep the identity in (env CONSORTIUM_NAMESPACE)."
          + " Default: the pod's namespace, else the kubeconfig's, else 'default'.")
  String namespace;

  @Option(names = "--instance-name", defaultValue = "${env:CONSORTIUM_INSTANCE_NAME}",
      description = "Name this organization shows its peers (env CONSORTIUM_INSTANCE_NAME). Default: the namespace.")
  String instanceName;

  @Option(names = "--mesh-port", defaultValue = "${env:CONSORTIUM_MESH_PORT:-8443}",
      description = "Port of the peer link's TLS listener (env CONSORTIUM_MESH_PORT); 0 picks a free one. Default: ${DEFAULT-VALUE}.")
  int meshPort;

  @Option(names = "--mesh-bind-address", defaultValue = "${env:CONSORTIUM_MESH_BIND_ADDRESS:-0.0.0.0}",
      description = "Address the peer link listens on (env CONSORTIUM_MESH_BIND_ADDRESS). Default: ${DEFAULT-VALUE}.")
  String meshBindAddress;

  @Option(names = "--external-url", defaultValue = "${env:CONSORTIUM_EXTERNAL_URL}",
      description = "wss://HOST:PORT at which peers reach this instance; written into invitations"
          + " (env CONSORTIUM_EXTERNAL_URL). Default: wss://localhost:<mesh-port>.")
  String externalUrl;

  @Option(names = "--max-share-size", defaultValue = "${env:CONSORTIUM_MAX_SHARE_SIZE:-64Mi}",
      converter = ByteSizeConverter.class,
      description = "Largest payload a share may carry (env CONSORTIUM_MAX_SHARE_SIZE). Default: ${DEFAULT-VALUE}.")
  long maxShareSize;

  @Option(names = "--frame-limit", defaultValue = "${env:CONSORTIUM_FRAME_LIMIT:-1Mi}",
      converter = ByteSizeConverter.class,
      description = "Largest WebSocket frame on the link; larger payloads are chunked (env CONSORTIUM_FRAME_LIMIT)."
          + " Default: ${DEFAULT-VALUE}.")
  long frameLimit;

  @Option(names = "--stuck-after", defaultValue = "${env:CONSORTIUM_STUCK_AFTER:-5m}",
      converter = DurationConverter.class,
      description = "A share not delivered this long while its link is up shows DeliveryStalled"
          + " (env CONSORTIUM_STUCK_AFTER). Default: ${DEFAULT-VALUE}.")
  Duration stuckAfter;

  @Option(names = "--revoke-timeout", defaultValue = "${env:CONSORTIUM_REVOKE_TIMEOUT:-10m}",
      converter = DurationConverter.class,
      description = "How long deleting a pairing waits to tell a peer that has no link,"
          + " before it lets the resource go and records that the peer was not told (env CONSORTIUM_REVOKE_TIMEOUT);"
          + " the annotation consortium.io/force-delete=true skips the wait. Default: ${DEFAULT-VALUE}.")
  Duration revokeTimeout;

  @Option(names = "--cert-validity", defaultValue = "${env:CONSORTIUM_CERT_VALIDITY:-8760h}",
      converter = DurationConverter.class,
      description = "How long a new or renewed instance certificate is valid (env CONSORTIUM_CERT_VALIDITY)."
          + " Default: ${DEFAULT-VALUE}.")
  Duration certValidity;

  @Option(names = "--cert-renew-before", defaultValue = "${env:CONSORTIUM_CERT_RENEW_BEFORE:-720h}",
      converter = DurationConverter.class,
      description = "Renew the instance certificate, over the same key, this long before it expires; links stay up"
          + " (env CONSORTIUM_CERT_RENEW_BEFORE). Default: ${DEFAULT-VALUE}.")
  Duration certRenewBefore;

  @Option(names = "--key-rollover-grace", defaultValue = "${env:CONSORTIUM_KEY_ROLLOVER_GRACE:-168h}",
      converter = DurationConverter.class,
      description = "After a key rollover, keep the old key for peers that have not followed yet, at most this long"
          + " (env CONSORTIUM_KEY_ROLLOVER_GRACE). Default: ${DEFAULT-VALUE}.")
  Duration keyRolloverGrace;

  @Option(names = "--mesh-header-timeout", defaultValue = "${env:CONSORTIUM_MESH_HEADER_TIMEOUT:-10s}",
      converter = DurationConverter.class,
      description = "A connection to the peer link must complete its TLS handshake and WebSocket upgrade request within"
          + " this, or it is closed (env CONSORTIUM_MESH_HEADER_TIMEOUT). Default: ${DEFAULT-VALUE}.")
  Duration meshHeaderTimeout;

  @Option(names = "--mesh-hello-timeout", defaultValue = "${env:CONSORTIUM_MESH_HELLO_TIMEOUT:-10s}",
      converter = DurationConverter.class,
      description = "After the WebSocket upgrade, the dialler's HELLO or REDEEM must arrive within this, or the"
          + " connection is closed (env CONSORTIUM_MESH_HELLO_TIMEOUT). Default: ${DEFAULT-VALUE}.")
  Duration meshHelloTimeout;

  @Option(names = "--mesh-max-pending", defaultValue = "${env:CONSORTIUM_MESH_MAX_PENDING:-256}",
      description = "Connections to the peer link without a session yet, at most, at once; more are refused"
          + " (env CONSORTIUM_MESH_MAX_PENDING). Default: ${DEFAULT-VALUE}.")
  int meshMaxPending;

  @Option(names = "--mesh-max-pending-per-address",
      defaultValue = "${env:CONSORTIUM_MESH_MAX_PENDING_PER_ADDRESS:-16}",
      description = "Of those, at most this many from one remote address (env CONSORTIUM_MESH_MAX_PENDING_PER_ADDRESS)."
          + " Default: ${DEFAULT-VALUE}.")
  int meshMaxPendingPerAddress;

  @Option(names = "--max-transfers-per-link", defaultValue = "${env:CONSORTIUM_MAX_TRANSFERS_PER_LINK:-4}",
      description = "Chunked transfers a peer may have under way at once on its link; one more closes the link"
          + " (env CONSORTIUM_MAX_TRANSFERS_PER_LINK). Default: ${DEFAULT-VALUE}.")
  int maxTransfersPerLink;

  @Option(names = "--max-spooled-per-link", defaultValue = "${env:CONSORTIUM_MAX_SPOOLED_PER_LINK:-128Mi}",
      converter = ByteSizeConverter.class,
      description = "Bytes a peer's transfers under way may announce together on its link; at least --max-share-size"
          + " (env CONSORTIUM_MAX_SPOOLED_PER_LINK). Default: ${DEFAULT-VALUE}.")
  long maxSpooledPerLink;

  @Option(names = "--transfer-dir", defaultValue = "${env:CONSORTIUM_TRANSFER_DIR}",
      description = "Directory, of this operator's own, where large payloads are spooled on their way; what a killed"
          + " operator left there is removed at start (env CONSORTIUM_TRANSFER_DIR)."
          + " Default: <java.io.tmpdir>/consortium-transfers/<namespace>.")
  Path transferDir;

  @Option(names = "--health-port", defaultValue = "${env:CONSORTIUM_HEALTH_PORT:-8080}",
      description = "Port of /healthz, /readyz and /metrics (env CONSORTIUM_HEALTH_PORT); 0 picks a free one."
          + " Default: ${DEFAULT-VALUE}.")
  int healthPort;

  @Option(names = "--identity-secret", defaultValue = "${env:CONSORTIUM_IDENTITY_SECRET:-consortium-identity}",
      description = "Secret holding this instance's key and certificate (env CONSORTIUM_IDENTITY_SECRET)."
          + " Default: ${DEFAULT-VALUE}.")
  String identitySecret;

  @Option(names = "--leader-election", negatable = true,
      defaultValue = "${env:CONSORTIUM_LEADER_ELECTION:-true}", fallbackValue = "true",
      description = "Elect a leader on a Lease so that only one replica runs the controllers and the link"
          + " (env CONSORTIUM_LEADER_ELECTION). Default: ${DEFAULT-VALUE}.")
  boolean leaderElection;

  @Option(names = "--lease-name", defaultValue = "${env:CONSORTIUM_LEASE_NAME:-consortium-operator-leader}",
      description = "Name of the leader election Lease (env CONSORTIUM_LEASE_NAME). Default: ${DEFAULT-VALUE}.")
  String leaseName;

  @Option(names = "--kubeconfig", defaultValue = "${env:KUBECONFIG}",
      description = "Kubeconfig to use instead of the default one or the in-cluster configuration (env KUBECONFIG).")
  Path kubeconfig;

  @Option(names = "--embedded", defaultValue = "${env:CONSORTIUM_EMBEDDED:-false}",
      description = "Start an API server in this process (the fabric8 mock server with CRDs installed) and run"
          + " against it: for trying the operator without a cluster (env CONSORTIUM_EMBEDDED). It keeps everything"
          + " in memory unless --data-dir is given; ports not given are chosen free and printed.")
  boolean embedded;

  @Option(names = "--embedded-port", defaultValue = "${env:CONSORTIUM_EMBEDDED_PORT:-0}",
      description = "Port of the embedded API server; 0 picks a free one (env CONSORTIUM_EMBEDDED_PORT).")
  int embeddedPort;

  @Option(names = "--kubeconfig-out", defaultValue = "${env:CONSORTIUM_KUBECONFIG_OUT}",
      description = "With --embedded: where to write a kubeconfig for kubectl (env CONSORTIUM_KUBECONFIG_OUT).")
  Path kubeconfigOut;

  @Option(names = "--data-dir", defaultValue = "${env:CONSORTIUM_DATA_DIR}",
      description = "With --embedded: keep the embedded API server's objects (the instance identity, pairings and"
          + " shares among them) and its ports in this directory across restarts (env CONSORTIUM_DATA_DIR)."
          + " Default: none; everything is in memory and a restart starts empty, with a new identity.")
  Path dataDir;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    // In embedded mode a port not given is any free one (or the one kept in --data-dir), so that two
    // instances on one machine never collide on a default.
    if (embedded && !given("--mesh-port", "CONSORTIUM_MESH_PORT")) {
      meshPort = 0;
    }
    if (embedded && !given("--health-port", "CONSORTIUM_HEALTH_PORT")) {
      healthPort = 0;
    }
    OperatorSettings settings = OperatorSettings.builder()
        .namespace(namespace).instanceName(instanceName).meshBindAddress(meshBindAddress).meshPort(meshPort)
        .externalUrl(externalUrl).maxShareSize(maxShareSize).frameLimit(frameLimit).healthPort(healthPort)
        .identitySecretName(identitySecret).leaderElection(leaderElection).leaseName(leaseName)
        .kubeconfig(kubeconfig).embedded(embedded).embeddedPort(embeddedPort).kubeconfigOut(kubeconfigOut)
        .stuckAfter(stuckAfter).revokeTimeout(revokeTimeout).certValidity(certValidity)
        .certRenewBefore(certRenewBefore).keyRolloverGrace(keyRolloverGrace)
        .meshHeaderTimeout(meshHeaderTimeout).meshHelloTimeout(meshHelloTimeout).meshMaxPending(meshMaxPending)
        .meshMaxPendingPerAddress(meshMaxPendingPerAddress).maxTransfersPerLink(maxTransfersPerLink)
        .maxSpooledPerLink(maxSpooledPerLink).transferDir(transferDir)
        .dataDir(dataDir)
        .build();
    settings.validate();
    OperatorRuntime runtime = OperatorRuntime.start(settings, System.out);
    Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "shutdown"));
    // Keep running: the operator's own threads carry on; main() must not call System.exit.
    return -1;
  }

  private boolean given(String flag, String env) {
    return spec.commandLine().getParseResult().hasMatchedOption(flag) || System.getenv(env) != null;
  }
}
