package io.consortium.operator.pairing;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's session epochs: each session it opens, dialling or answering, takes a new one,
 * strictly greater than every one it used before, across restarts and leader changes, whatever its
 * clock does.
 *
 * <p>The ConfigMap {@value #CONFIGMAP} keeps {@value #KEY}, the first epoch not handed out yet. A
 * replica reserves a block of {@value #BLOCK} epochs by raising it with an optimistic update (two
 * replicas never get the same block) before it uses any of them, so one write covers a thousand
 * sessions and a crash at most skips numbers. A ConfigMap rather than the identity Secret: it changes
 * on its own schedule, nothing in it is secret, and a Secret restored from a backup would take the
 * counter back with it.
 *
 * <p>A block starts at the stored value or at the wall clock in milliseconds, whichever is higher.
 * The clock is only a floor: it never makes an epoch smaller. It keeps an upgrade seamless (versions
 * before this one sent the clock itself, which peers keep as {@code status.peerEpoch}) and lets an
 * instance that lost the ConfigMap start above what its peers saw in the usual case; when it does
 * not, the peer re-synchronises (see {@link #judge}).
 */
public final class SessionEpochs {

  public static final String CONFIGMAP = "consortium-session-epoch";
  static final String KEY = "nextEpoch";
  static final long BLOCK = 1000;
  private static final int ATTEMPTS = 5;

  private static final Logger LOG = LoggerFactory.getLogger(SessionEpochs.class);

  /** How a peer's new session epoch compares with what this side saw of that peer. */
  public enum Verdict {
    /** Newer than any seen: the usual case. */
    NEWER,
    /**
     * Not newer than the last one seen, and no newer session of the peer is open: the peer lost its
     * counter, its clock went back (an older version), or a wrong epoch was seen before. The session
     * opens and the pairing says so.
     */
    RESYNCHRONISED,
    /** Not newer than the peer's session open right now: a stale dialler (an old replica); refused. */
    STALE
  }

  /**
   * The rule for a peer's HELLO. The link is mutual TLS with the pinned key, so only the holder of
   * the peer's key can open a session at all, whatever epoch it states: a recorded HELLO replayed by
   * anyone else cannot complete a handshake. The epoch orders the peer's own sessions, so that frames
   * of one are not taken in another (each session's replay window starts at its HELLO's epoch). So an
   * epoch that went back locks nobody out: it is accepted while no newer session of the peer is open,
   * and shown; only a HELLO older than the session open now is refused.
   *
   * @param stored the last epoch seen from this peer ({@code status.peerEpoch}), or null
   * @param offered the epoch of the new HELLO
   * @param open the epoch of the peer's session open right now on another link, or null
   */
  public static Verdict judge(Long stored, long offered, Long open) {
    if (open != null && offered <= open) {
      return Verdict.STALE;
    }
    return stored == null || offered > stored ? Verdict.NEWER : Verdict.RESYNCHRONISED;
  }

  private final KubernetesClient client;
  private final String namespace;
  private final Clock clock;
  /** The reserved block [next, end); empty when next == end. */
  private long next;
  private long end;

  public SessionEpochs(KubernetesClient client, String namespace, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.clock = clock;
  }

  /**
   * The epoch for a new session, persisted before it is handed out.
   *
   * @throws IllegalStateException when the API server does not take the reservation
   */
  public synchronized long next() {
    if (next >= end) {
      reserve();
    }
    return next++;
  }

  /**
   * Drops the block reserved but not used: a replica that becomes the leader reads the stored value
   * again, so that it starts above whatever the previous leader reserved in the meantime.
   */
  public synchronized void forgetReservation() {
    next = 0;
    end = 0;
  }

  private void reserve() {
    for (int attempt = 1; ; attempt++) {
      ConfigMap stored = client.configMaps().inNamespace(namespace).withName(CONFIGMAP).get();
      long start = Math.max(storedNext(stored), clock.millis());
      long reservedEnd = Math.addExact(start, BLOCK);
      try {
        if (stored == null) {
          client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
              .withNewMetadata().withName(CONFIGMAP).withNamespace(namespace)
              .addToLabels("app.kubernetes.io/managed-by", "consortium-operator")
              .addToLabels("app.kubernetes.io/component", "session-epoch")
              .endMetadata()
              .withData(Map.of(KEY, Long.toString(reservedEnd)))
              .build()).create();
        } else {
          // update() sends the resourceVersion read above: a replica that reserved in between makes it fail (409).
          stored.setData(new java.util.HashMap<>(stored.getData() == null ? Map.of() : stored.getData()));
          stored.getData().put(KEY, Long.toString(reservedEnd));
          client.configMaps().inNamespace(namespace).resource(stored).update();
        }
        next = start;
        end = reservedEnd;
        LOG.debug("Reserved session epochs {} to {}", start, reservedEnd - 1);
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409 && attempt < ATTEMPTS) {
          continue;
        }
        throw new IllegalStateException("cannot reserve session epochs in ConfigMap " + namespace + "/" + CONFIGMAP
            + ": " + e.getMessage(), e);
      }
    }
  }

  private long storedNext(ConfigMap stored) {
    String value = stored == null || stored.getData() == null ? null : stored.getData().get(KEY);
    if (value == null) {
      return 0;
    }
    try {
      long parsed = Long.parseLong(value.strip());
      if (parsed >= 0 && parsed <= Long.MAX_VALUE / 2) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // below
    }
    LOG.warn("ConfigMap {}/{} holds {}={}, not an epoch; starting from the clock", namespace, CONFIGMAP, KEY, value);
    return 0;
  }
}
