package io.consortium.operator.share;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The Secrets and ConfigMaps that shares are made from, read from watches of the namespace instead of
 * one GET per reconcile. One the watch has not seen yet (made a moment ago) is read from the API
 * server. Whoever read a source is told when it changes, appears or goes, so that a share follows its
 * Secret or ConfigMap without polling.
 *
 * <p>ConfigMaps the operator writes itself (accepted material, received packages: up to 1 MiB each)
 * are left out of the watch; reading one of them costs a GET.
 */
public final class SourceCache implements AutoCloseable {

  /** Who reads a source, told when it changes: a share engine's revisit of one share. */
  public record Reader(Consumer<String> revisit, String share) {}

  private static final ThreadLocal<Reader> READING = new ThreadLocal<>();

  private final KubernetesClient client;
  private final String namespace;
  private final SharedIndexInformer<Secret> secrets;
  private final SharedIndexInformer<ConfigMap> configMaps;
  /** Readers by "Secret/name" or "ConfigMap/name", as they last read it. */
  private final Map<String, Set<Reader>> readers = new ConcurrentHashMap<>();

  private SourceCache(KubernetesClient client, String namespace, boolean watch) {
    this.client = client;
    this.namespace = namespace;
    if (watch) {
      this.secrets = client.secrets().inNamespace(namespace).inform(handler("Secret"));
      this.configMaps = client.configMaps().inNamespace(namespace)
          .withLabelSelector(ShareContext.MANAGED_BY + "!=consortium-operator").inform(handler("ConfigMap"));
    } else {
      this.secrets = null;
      this.configMaps = null;
    }
  }

  /** Sources from watches of {@code namespace}, started (and listed) now. */
  public static SourceCache watching(KubernetesClient client, String namespace) {
    return new SourceCache(client, namespace, true);
  }

  /** Sources read from the API server every time (tools and tests without a running operator). */
  public static SourceCache direct(KubernetesClient client, String namespace) {
    return new SourceCache(client, namespace, false);
  }

  /**
   * Runs {@code work} as {@code reader}: the sources it reads are noted as that reader's, and a later
   * change to one of them revisits it.
   */
  public static void readingAs(Reader reader, Runnable work) {
    Reader outer = READING.get();
    READING.set(reader);
    try {
      work.run();
    } finally {
      READING.set(outer);
    }
  }

  public Secret secret(String name) {
    noteReader("Secret/" + name);
    Secret cached = secrets == null ? null : secrets.getStore().getByKey(namespace + "/" + name);
    return cached != null ? cached : client.secrets().inNamespace(namespace).withName(name).get();
  }

  public ConfigMap configMap(String name) {
    noteReader("ConfigMap/" + name);
    ConfigMap cached = configMaps == null ? null : configMaps.getStore().getByKey(namespace + "/" + name);
    return cached != null ? cached : client.configMaps().inNamespace(namespace).withName(name).get();
  }

  private void noteReader(String source) {
    Reader reader = READING.get();
    if (reader != null) {
      readers.computeIfAbsent(source, k -> ConcurrentHashMap.newKeySet()).add(reader);
    }
  }

  private <T extends HasMetadata> ResourceEventHandler<T> handler(String kind) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        changed(kind + "/" + object.getMetadata().getName());
      }

      @Override
      public void onUpdate(T before, T after) {
        if (!before.getMetadata().getResourceVersion().equals(after.getMetadata().getResourceVersion())) {
          changed(kind + "/" + after.getMetadata().getName());
        }
      }

      @Override
      public void onDelete(T object, boolean finalStateUnknown) {
        changed(kind + "/" + object.getMetadata().getName());
      }
    };
  }

  private void changed(String source) {
    Set<Reader> of = readers.get(source);
    if (of != null) {
      // Each reads it again at its next reconcile, and notes itself again if it still does.
      readers.remove(source);
      of.forEach(reader -> reader.revisit().accept(reader.share()));
    }
  }

  @Override
  public void close() {
    if (secrets != null) {
      secrets.close();
    }
    if (configMaps != null) {
      configMaps.close();
    }
  }
}
