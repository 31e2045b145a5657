package io.consortium.operator.mesh;

import io.consortium.operator.identity.InstanceIdentity;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Predicate;
import javax.net.ssl.X509TrustManager;

/**
 * Trusts a peer by the hash of its public key, never by a CA: the pin is the peer's instance ID, so
 * a certificate renewed over the same key is still trusted.
 */
public final class PinningTrustManager implements X509TrustManager {

  private final Predicate<String> pinnedInstanceIds;

  /** @param pinnedInstanceIds answers whether an instance ID is pinned by some pairing right now */
  public PinningTrustManager(Predicate<String> pinnedInstanceIds) {
    this.pinnedInstanceIds = pinnedInstanceIds;
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
      throw new CertificateException("PinMismatch: the peer's key " + instanceId + " is not pinned by any pairing");
    }
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
