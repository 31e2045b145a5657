package io.consortium.operator.status;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Changes a resource's status from its freshest version, serialized per resource: the reconciler
 * and the link never overwrite each other's news. A change that changes nothing is not written; a
 * write that lost a race (409) is redone on top of the winner.
 */
public final class StatusWriter {

  private final KubernetesClient client;
  private final String namespace;
  private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

  public StatusWriter(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** Applies {@code change} to the fresh resource (its status made first if absent) and writes the status. */
  public <S, R extends CustomResource<?, S>> Optional<R> update(Class<R> kind, String name, Supplier<S> newStatus,
      Consumer<R> change) {
    synchronized (locks.computeIfAbsent(kind.getSimpleName() + "/" + name, n -> new Object())) {
      for (int attempt = 1; ; attempt++) {
        R fresh = client.resources(kind).inNamespace(namespace).withName(name).get();
        if (fresh == null) {
          return Optional.empty();
        }
        if (fresh.getStatus() == null) {
          fresh.setStatus(newStatus.get());
        }
        String before = Serialization.asJson(fresh.getStatus());
        change.accept(fresh);
        if (Objects.equals(before, Serialization.asJson(fresh.getStatus()))) {
          return Optional.of(fresh);
        }
        try {
          // A PUT of the whole status at the version just read (see PairingDirectory for why not a patch).
          return Optional.of(client.resource(fresh).updateStatus());
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409 || attempt >= 5) {
            throw e;
          }
        }
      }
    }
  }
}
