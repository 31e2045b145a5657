package io.consortium.operator.runtime;

import io.consortium.operator.api.ByteSize;
import io.consortium.operator.mesh.ListenerLimits;
import io.consortium.operator.mesh.TransferLimits;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Everything {@code run} was told, checked once before anything starts. */
public record OperatorSettings(
    String namespace,
    String instanceName,
    String meshBindAddress,
    int meshPort,
    String externalUrl,
    long maxShareSize,
    long frameLimit,
    int healthPort,
    String identitySecretName,
    boolean leaderElection,
    String leaseName,
    Path kubeconfig,
    boolean embedded,
    int embeddedPort,
    Path kubeconfigOut,
    Duration stuckAfter,
    Duration revokeTimeout,
    Duration certValidity,
    Duration certRenewBefore,
    Duration keyRolloverGrace,
    Duration meshHeaderTimeout,
    Duration meshHelloTimeout,
    int meshMaxPending,
    int meshMaxPendingPerAddress,
    int maxTransfersPerLink,
    long maxSpooledPerLink,
    Path transferDir,
    Path dataDir) {

  /**
   * How long deleting a PeerPairing (or an outgoing share) waits to tell a peer without a link before
   * it lets the resource go; the peer learns at its next connect.
   */
  public static final Duration DEFAULT_REVOKE_TIMEOUT = Duration.ofMinutes(10);
  /** A share undelivered this long while its link is up shows DeliveryStalled (DESIGN.md's default). */
  public static final Duration DEFAULT_STUCK_AFTER = Duration.ofMinutes(5);
  /** A new instance certificate is valid this long (one year). */
  public static final Duration DEFAULT_CERT_VALIDITY = Duration.ofDays(365);
  /** Renewed this long before it expires (30 days). */
  public static final Duration DEFAULT_CERT_RENEW_BEFORE = Duration.ofDays(30);
  /** A rolled key's old pin is retired at the latest this long after the rollover (7 days). */
  public static final Duration DEFAULT_KEY_ROLLOVER_GRACE = Duration.ofDays(7);

  /** Settings with every flag at its default, as {@code run} has them with no flag given. */
  public static Builder builder() {
    return new Builder();
  }

  /** These settings, to change some of them. */
  public Builder toBuilder() {
    return new Builder().namespace(namespace).instanceName(instanceName).meshBindAddress(meshBindAddress)
        .meshPort(meshPort).externalUrl(externalUrl).maxShareSize(maxShareSize).frameLimit(frameLimit)
        .healthPort(healthPort).identitySecretName(identitySecretName).leaderElection(leaderElection)
        .leaseName(leaseName).kubeconfig(kubeconfig).embedded(embedded).embeddedPort(embeddedPort)
        .kubeconfigOut(kubeconfigOut).stuckAfter(stuckAfter).revokeTimeout(revokeTimeout).certValidity(certValidity)
        .certRenewBefore(certRenewBefore).keyRolloverGrace(keyRolloverGrace).meshHeaderTimeout(meshHeaderTimeout)
        .meshHelloTimeout(meshHelloTimeout).meshMaxPending(meshMaxPending)
        .meshMaxPendingPerAddress(meshMaxPendingPerAddress).maxTransfersPerLink(maxTransfersPerLink)
        .maxSpooledPerLink(maxSpooledPerLink).transferDir(transferDir)
        .dataDir(dataDir);
  }

  /** Named settings with the flags' defaults; {@link #build} checks nothing ({@link #validate} does). */
  public static final class Builder {
    private String namespace;
    private String instanceName;
    private String meshBindAddress = "0.0.0.0";
    private int meshPort = 8443;
    private String externalUrl;
    private long maxShareSize = 64L << 20;
    private long frameLimit = 1L << 20;
    private int healthPort = 8080;
    private String identitySecretName = "consortium-identity";
    private boolean leaderElection = true;
    private String leaseName = "consortium-operator-leader";
    private Path kubeconfig;
    private boolean embedded;
    private int embeddedPort;
    private Path kubeconfigOut;
    private Duration stuckAfter = DEFAULT_STUCK_AFTER;
    private Duration revokeTimeout = DEFAULT_REVOKE_TIMEOUT;
    private Duration certValidity = DEFAULT_CERT_VALIDITY;
    private Duration certRenewBefore = DEFAULT_CERT_RENEW_BEFORE;
    private Duration keyRolloverGrace = DEFAULT_KEY_ROLLOVER_GRACE;
    private Duration meshHeaderTimeout = ListenerLimits.DEFAULT_HEADER_TIMEOUT;
    private Duration meshHelloTimeout = ListenerLimits.DEFAULT_HELLO_TIMEOUT;
    private int meshMaxPending = ListenerLimits.DEFAULT_MAX_PENDING;
    private int meshMaxPendingPerAddress = ListenerLimits.DEFAULT_MAX_PENDING_PER_ADDRESS;
    private int maxTransfersPerLink = TransferLimits.DEFAULT_MAX_TRANSFERS;
    private long maxSpooledPerLink = TransferLimits.DEFAULT_MAX_SPOOLED_BYTES;
    private Path transferDir;
    private Path dataDir;

    private Builder() {}

    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    public Builder instanceName(String instanceName) {
      this.instanceName = instanceName;
      return this;
    }

    public Builder meshBindAddress(String meshBindAddress) {
      this.meshBindAddress = meshBindAddress;
      return this;
    }

    public Builder meshPort(int meshPort) {
      this.meshPort = meshPort;
      return this;
    }

    public Builder externalUrl(String externalUrl) {
      this.externalUrl = externalUrl;
      return this;
    }

    public Builder maxShareSize(long maxShareSize) {
      this.maxShareSize = maxShareSize;
      return this;
    }

    public Builder frameLimit(long frameLimit) {
      this.frameLimit = frameLimit;
      return this;
    }

    public Builder healthPort(int healthPort) {
      this.healthPort = healthPort;
      return this;
    }

    public Builder identitySecretName(String identitySecretName) {
      this.identitySecretName = identitySecretName;
      return this;
    }

    public Builder leaderElection(boolean leaderElection) {
      this.leaderElection = leaderElection;
      return this;
    }

    public Builder leaseName(String leaseName) {
      this.leaseName = leaseName;
      return this;
    }

    public Builder kubeconfig(Path kubeconfig) {
      this.kubeconfig = kubeconfig;
      return this;
    }

    public Builder embedded(boolean embedded) {
      this.embedded = embedded;
      return this;
    }

    public Builder embeddedPort(int embeddedPort) {
      this.embeddedPort = embeddedPort;
      return this;
    }

    public Builder kubeconfigOut(Path kubeconfigOut) {
      this.kubeconfigOut = kubeconfigOut;
      return this;
    }

    public Builder stuckAfter(Duration stuckAfter) {
      this.stuckAfter = stuckAfter;
      return this;
    }

    public Builder revokeTimeout(Duration revokeTimeout) {
      this.revokeTimeout = revokeTimeout;
      return this;
    }

    public Builder certValidity(Duration certValidity) {
      this.certValidity = certValidity;
      return this;
    }

    public Builder certRenewBefore(Duration certRenewBefore) {
      this.certRenewBefore = certRenewBefore;
      return this;
    }

    public Builder keyRolloverGrace(Duration keyRolloverGrace) {
      this.keyRolloverGrace = keyRolloverGrace;
      return this;
    }

    public Builder meshHeaderTimeout(Duration meshHeaderTimeout) {
      this.meshHeaderTimeout = meshHeaderTimeout;
      return this;
    }

    public Builder meshHelloTimeout(Duration meshHelloTimeout) {
      this.meshHelloTimeout = meshHelloTimeout;
      return this;
    }

    public Builder meshMaxPending(int meshMaxPending) {
      this.meshMaxPending = meshMaxPending;
      return this;
    }

    public Builder meshMaxPendingPerAddress(int meshMaxPendingPerAddress) {
      this.meshMaxPendingPerAddress = meshMaxPendingPerAddress;
      return this;
    }

    public Builder maxTransfersPerLink(int maxTransfersPerLink) {
      this.maxTransfersPerLink = maxTransfersPerLink;
      return this;
    }

    public Builder maxSpooledPerLink(long maxSpooledPerLink) {
      this.maxSpooledPerLink = maxSpooledPerLink;
      return this;
    }

    public Builder transferDir(Path transferDir) {
      this.transferDir = transferDir;
      return this;
    }

    /** With --embedded: where the embedded API server keeps its objects across restarts (null: in memory). */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    public OperatorSettings build() {
      return new OperatorSettings(namespace, instanceName, meshBindAddress, meshPort, externalUrl, maxShareSize,
          frameLimit, healthPort, identitySecretName, leaderElection, leaseName, kubeconfig, embedded, embeddedPort,
          kubeconfigOut, stuckAfter, revokeTimeout, certValidity, certRenewBefore, keyRolloverGrace, meshHeaderTimeout,
          meshHelloTimeout, meshMaxPending, meshMaxPendingPerAddress, maxTransfersPerLink, maxSpooledPerLink,
          transferDir, dataDir);
    }
  }

  /** Refuses settings that cannot work, with a message that names the flag. */
  public void validate() {
    requirePort("--mesh-port", meshPort, true);
    requirePort("--health-port", healthPort, true);
    requirePort("--embedded-port", embeddedPort, true);
    if (frameLimit < 16 * 1024) {
      throw new IllegalArgumentException("--frame-limit must be at least 16Ki, got " + ByteSize.format(frameLimit));
    }
    if (stuckAfter == null || stuckAfter.isNegative() || stuckAfter.isZero()) {
      throw new IllegalArgumentException("--stuck-after must be a positive duration such as 5m, got " + stuckAfter);
    }
    if (maxShareSize < 1) {
      throw new IllegalArgumentException("--max-share-size must be positive");
    }
    if (revokeTimeout == null || revokeTimeout.isNegative()) {
      throw new IllegalArgumentException("--revoke-timeout must be a duration of 0s or more, got " + revokeTimeout);
    }
    if (externalUrl != null && !externalUrl.isBlank()) {
      URI uri;
      try {
        uri = URI.create(externalUrl);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--external-url '" + externalUrl + "' is not a URL: " + e.getMessage());
      }
      if (!"wss".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException("--external-url must look like wss://HOST:PORT, got '" + externalUrl + "'");
      }
    }
    if (kubeconfig != null && !embedded && !Files.isReadable(kubeconfig)) {
      throw new IllegalArgumentException("cannot read kubeconfig " + kubeconfig + ": no such file or not readable");
    }
    if (kubeconfigOut != null && !embedded) {
      throw new IllegalArgumentException("--kubeconfig-out only goes with --embedded");
    }
    if (dataDir != null && !embedded) {
      throw new IllegalArgumentException("--data-dir only goes with --embedded: a real API server keeps its own objects");
    }
    if (certValidity.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new IllegalArgumentException("--cert-validity must be at least 1m, got " + certValidity);
    }
    if (certRenewBefore.isNegative() || certRenewBefore.isZero()) {
      throw new IllegalArgumentException("--cert-renew-before must be positive, got " + certRenewBefore);
    }
    // The same rule the renewal applies; refused here with the flag names, before anything starts.
    new io.consortium.operator.identity.CertificateRenewal(certValidity, certRenewBefore);
    if (keyRolloverGrace.isNegative() || keyRolloverGrace.isZero()) {
      throw new IllegalArgumentException("--key-rollover-grace must be positive, got " + keyRolloverGrace);
    }
    // The same checks the listener and the links apply; refused here, with the flag names, before anything starts.
    listenerLimits();
    if (maxSpooledPerLink < maxShareSize) {
      throw new IllegalArgumentException("--max-spooled-per-link (" + ByteSize.format(maxSpooledPerLink)
          + ") must be at least --max-share-size (" + ByteSize.format(maxShareSize)
          + "), or a share of the largest size could never arrive");
    }
    transferLimits();
    if (namespace != null && !namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      throw new IllegalArgumentException("--namespace '" + namespace + "' is not a valid namespace name");
    }
  }

  /** What the peer link's listener allows connections that have not opened a session. */
  public ListenerLimits listenerLimits() {
    return new ListenerLimits(meshHeaderTimeout, meshHelloTimeout, meshMaxPending, meshMaxPendingPerAddress);
  }

  /** What one link may spool of chunked transfers. */
  public TransferLimits transferLimits() {
    return new TransferLimits(frameLimit, maxShareSize, maxTransfersPerLink, maxSpooledPerLink);
  }

  /** The host peers dial, for the certificate's subject alternative name. */
  public String externalHost() {
    return externalUrl == null || externalUrl.isBlank() ? "localhost" : URI.create(externalUrl).getHost();
  }

  private static void requirePort(String flag, int port, boolean zeroAllowed) {
    if (port < (zeroAllowed ? 0 : 1) || port > 65535) {
      throw new IllegalArgumentException(flag + " must be a port number" + (zeroAllowed ? " (0 for any free one)" : "")
          + ", got " + port);
    }
  }
}
