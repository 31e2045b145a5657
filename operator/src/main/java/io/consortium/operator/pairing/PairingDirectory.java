package io.consortium.operator.pairing;

import io.consortium.operator.api.v1alpha1.PeerPairing;
import io.consortium.operator.api.v1alpha1.PeerPairingStatus;
import io.consortium.operator.api.v1alpha1.spec.PairingPhase;
import io.consortium.operator.api.v1alpha1.spec.PairingState;
import io.consortium.operator.status.StatusWriter;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The PeerPairings of this instance, as the link needs them: found by the peer key they pin or the
 * invitation they issued, and their status changed in one place. Every status write reads the
 * resource fresh and is serialized per pairing, so the reconciler and the link never overwrite
 * each other's news; a write that changes nothing is not sent.
 */
public final class PairingDirectory {

  private final KubernetesClient client;
  private final String namespace;
  private final StatusWriter writer;
  private SharedIndexInformer<PeerPairing> informer;

  public PairingDirectory(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
    this.writer = new StatusWriter(client, namespace);
  }

  public List<PeerPairing> all() {
    return client.resources(PeerPairing.class).inNamespace(namespace).list().getItems();
  }

  /**
   * The pairings as a watch last saw them, for the share path (one API request less per share on each
   * side). Not for redemptions and pins, which must see what was written a moment ago.
   */
  public synchronized List<PeerPairing> seen() {
    return watched().getStore().list();
  }

  /** A pairing as last seen, or fresh from the API server when the watch has not seen it yet. */
  public Optional<PeerPairing> seen(String name) {
    PeerPairing cached;
    synchronized (this) {
      cached = watched().getStore().getByKey(namespace + "/" + name);
    }
    return cached != null ? Optional.of(cached) : get(name);
  }

  private SharedIndexInformer<PeerPairing> watched() {
    if (informer == null) {
      informer = client.resources(PeerPairing.class).inNamespace(namespace).inform();
    }
    return informer;
  }

  /** Stops the watch. */
  public synchronized void close() {
    if (informer != null) {
      informer.close();
      informer = null;
    }
  }

  public Optional<PeerPairing> get(String name) {
    return Optional.ofNullable(client.resources(PeerPairing.class).inNamespace(namespace).withName(name).get());
  }

  /**
   * The pairing that pins this peer key, if any: the standing one first, else a revoked or deleted
   * one (the peer must be told); a peer's previous key counts during its key rollover, until it links
   * with the new one.
   */
  public Optional<PeerPairing> byPeer(String instanceId) {
    return pinning(instanceId).stream().min(Comparator.comparing(p -> stands(p) ? 0 : 1));
  }

  /** Another standing pairing (not {@code except}) that pins this instance: a pairing would duplicate it. */
  public Optional<PeerPairing> standingWith(String instanceId, String except) {
    return pinning(instanceId).stream()
        .filter(p -> !p.getMetadata().getName().equals(except) && stands(p))
        .findFirst();
  }

  private List<PeerPairing> pinning(String instanceId) {
    return all().stream()
        .filter(p -> p.getStatus() != null && p.getStatus().peer != null
            && (instanceId.equals(p.getStatus().peer.instanceId)
                || instanceId.equals(p.getStatus().peer.previousInstanceId) && stillAccepted(p.getStatus().peer)))
        .toList();
  }

  /**
   * Whether a pairing still links its two instances: not revoked by either side, not being deleted,
   * not failed before it ever linked. Only a standing pairing makes a second one a duplicate.
   */
  public static boolean stands(PeerPairing pairing) {
    if (pairing.getMetadata().getDeletionTimestamp() != null || state(pairing) == PairingState.Revoked) {
      return false;
    }
    PairingPhase phase = pairing.getStatus() == null ? null : pairing.getStatus().phase;
    return phase != PairingPhase.PeerRevoked && phase != PairingPhase.Revoked && phase != PairingPhase.Failed;
  }

  private static boolean stillAccepted(io.consortium.operator.api.v1alpha1.spec.PeerIdentity peer) {
    return peer.previousPinRetiresAt == null || java.time.Instant.now().isBefore(java.time.Instant.parse(peer.previousPinRetiresAt));
  }

  /** The inviting pairing that issued this invitation, if it still exists. */
  public Optional<PeerPairing> byInvitation(String invitationId) {
    return all().stream()
        .filter(p -> p.getSpec().invite != null && p.getStatus() != null && p.getStatus().invitation != null
            && invitationId.equals(p.getStatus().invitation.id))
        .findFirst();
  }


  /**
   * Changes a pairing's status from its freshest version. Returns the status as written, or empty
   * when the pairing is gone.
   */
  public Optional<PeerPairingStatus> update(String name, Consumer<PeerPairingStatus> change) {
    return writer.update(PeerPairing.class, name, PeerPairingStatus::new, p -> change.accept(p.getStatus()))
        .map(PeerPairing::getStatus);
  }

  public static PairingState state(PeerPairing pairing) {
    return pairing.getSpec().state == null ? PairingState.Active : pairing.getSpec().state;
  }
}
