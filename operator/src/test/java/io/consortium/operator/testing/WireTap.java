package io.consortium.operator.testing;

import io.consortium.operator.pki.Pem;
import io.consortium.operator.mesh.FrameTap;
import io.consortium.operator.mesh.protocol.PrivateKeyScanner;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tap on every link frame of every scenario that uses {@link Org}: when an organization's cluster
 * goes, every frame seen since the first organization came up is searched for each private key
 * that cluster holds in its Secrets. A leak fails the test that made it.
 */
final class WireTap {

  private static final List<byte[]> FRAMES = new CopyOnWriteArrayList<>();
  private static final FrameTap TAP = (outbound, payload) -> FRAMES.add(payload);
  private static final AtomicInteger OPEN = new AtomicInteger();

  private WireTap() {}

  static void orgOpened() {
    if (OPEN.getAndIncrement() == 0) {
      FRAMES.clear();
      if (!FrameTap.INSTALLED.contains(TAP)) {
        FrameTap.INSTALLED.add(TAP);
      }
    }
  }

  /** Checks the frames against the private keys in {@code client}'s Secrets, then forgets them if none is open. */
  static void orgClosing(String org, KubernetesClient client) {
    try {
      List<PrivateKey> keys = privateKeysIn(client);
      if (!keys.isEmpty() && !FRAMES.isEmpty()) {
        PrivateKeyScanner scanner = PrivateKeyScanner.of(keys);
        for (byte[] frame : FRAMES) {
          var findings = scanner.scan(frame);
          if (!findings.isEmpty()) {
            throw new AssertionError("a private key held by " + org + " crossed a link: " + findings);
          }
        }
      }
    } finally {
      if (OPEN.decrementAndGet() == 0) {
        FRAMES.clear();
      }
    }
  }

  private static List<PrivateKey> privateKeysIn(KubernetesClient client) {
    List<PrivateKey> keys = new ArrayList<>();
    for (Secret secret : client.secrets().inAnyNamespace().list().getItems()) {
      if (secret.getData() == null) {
        continue;
      }
      for (String value : secret.getData().values()) {
        String text;
        try {
          text = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          continue;
        }
        if (text.contains("PRIVATE KEY")) {
          try {
            keys.add(Pem.readPrivateKey(text));
          } catch (IllegalArgumentException e) {
            // not a key this scanner can use (encrypted): nothing to look for
          }
        }
      }
    }
    return keys;
  }
}
