package io.consortium.operator.mesh;

import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.identity.KeyRollovers;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.function.Predicate;
import javax.net.ssl.X509TrustManager;

/**
 * Trusts a peer by the hash of its public key, never by a CA: the pin is the peer's instance ID, so
 * a certificate renewed over the same key is still trusted.
 */
public final class PinningTrustManager implements X509TrustManager {

  private final Predicate<String> pinnedInstanceIds;
  private final Set<String> pins;

  /** @param pinnedInstanceIds answers whether an instance ID is pinned by some pairing right now */
  public PinningTrustManager(Predicate<String> pinnedInstanceIds) {
    this.pinnedInstanceIds = pinnedInstanceIds;
    this.pins = Set.of();
  }

  /**
   * Trusts exactly these pins. A certificate with another key that carries a rollover statement
   * signed by one of them is refused as PinRolledWhileOffline rather than PinMismatch: the peer
   * rolled its key and retired the pinned one while this instance was not there to follow.
   */
  public PinningTrustManager(Set<String> pins) {
    this.pinnedInstanceIds = pins::contains;
    this.pins = Set.copyOf(pins);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain);
  }

  private void check(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the peer presented no certificate");
    }
    X509Certificate leaf = chain[0];
    leaf.checkValidity();
    String instanceId = InstanceIdentity.instanceIdOf(leaf.getPublicKey());
    if (!pinnedInstanceIds.test(instanceId)) {
      for (String pin : pins) {
        var rolled = KeyRollovers.rolledFrom(leaf, pin);
        if (rolled.isPresent()) {
          throw new CertificateException("PinRolledWhileOffline: the peer rolled its key from " + pin + " to "
              + instanceId + " at " + rolled.get().rolledAt() + " and retired the pinned key before this instance"
              + " heard of it; ask the peer for a new invitation and accept it to pair again");
        }
      }
      throw new CertificateException("PinMismatch: the peer's key " + instanceId + " is not pinned by any pairing");
    }
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
