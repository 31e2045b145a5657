package io.consortium.operator.runtime;

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
    Duration keyRolloverGrace) {

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

  /** With the defaults of the day-two timings. */
  public OperatorSettings(String namespace, String instanceName, String meshBindAddress, int meshPort,
      String externalUrl, long maxShareSize, long frameLimit, int healthPort, String identitySecretName,
      boolean leaderElection, String leaseName, Path kubeconfig, boolean embedded, int embeddedPort,
      Path kubeconfigOut) {
    this(namespace, instanceName, meshBindAddress, meshPort, externalUrl, maxShareSize, frameLimit, healthPort,
        identitySecretName, leaderElection, leaseName, kubeconfig, embedded, embeddedPort, kubeconfigOut,
        DEFAULT_STUCK_AFTER, DEFAULT_REVOKE_TIMEOUT, DEFAULT_CERT_VALIDITY, DEFAULT_CERT_RENEW_BEFORE,
        DEFAULT_KEY_ROLLOVER_GRACE);
  }

  /** The same settings with another {@code --stuck-after}. */
  public OperatorSettings withStuckAfter(Duration stuckAfter) {
    return new OperatorSettings(namespace, instanceName, meshBindAddress, meshPort, externalUrl, maxShareSize,
        frameLimit, healthPort, identitySecretName, leaderElection, leaseName, kubeconfig, embedded, embeddedPort,
        kubeconfigOut, stuckAfter, revokeTimeout, certValidity, certRenewBefore, keyRolloverGrace);
  }

  /** The same settings with another {@code --revoke-timeout}. */
  public OperatorSettings withRevokeTimeout(Duration revokeTimeout) {
    return new OperatorSettings(namespace, instanceName, meshBindAddress, meshPort, externalUrl, maxShareSize,
        frameLimit, healthPort, identitySecretName, leaderElection, leaseName, kubeconfig, embedded, embeddedPort,
        kubeconfigOut, stuckAfter, revokeTimeout, certValidity, certRenewBefore, keyRolloverGrace);
  }

  /** The same settings with other certificate and key lifetimes. */
  public OperatorSettings withIdentityLifetimes(Duration certValidity, Duration certRenewBefore,
      Duration keyRolloverGrace) {
    return new OperatorSettings(namespace, instanceName, meshBindAddress, meshPort, externalUrl, maxShareSize,
        frameLimit, healthPort, identitySecretName, leaderElection, leaseName, kubeconfig, embedded, embeddedPort,
        kubeconfigOut, stuckAfter, revokeTimeout, certValidity, certRenewBefore, keyRolloverGrace);
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
    if (namespace != null && !namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      throw new IllegalArgumentException("--namespace '" + namespace + "' is not a valid namespace name");
    }
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
