package io.consortium.operator.share;

import io.consortium.operator.status.EventRecorder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * What the share engine and the kinds work with: one namespace of one cluster.
 *
 * @param stuckAfter how long a recipient may stay undelivered while its link is up before the share
 *     shows DeliveryStalled ({@code --stuck-after})
 * @param instanceName this organization's name, as its peers see it: it is part of who decided
 * @param metrics where the share engine counts what it refuses
 * @param sources the Secrets and ConfigMaps shares are made from, from watches
 */
public record ShareContext(KubernetesClient client, String namespace, EventRecorder events,
    Clock clock, Duration stuckAfter, String instanceName, MeterRegistry metrics,
    SourceCache sources) {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  /** Offered shares this side refused to store, by kind and reason. */
  public static final String SHARES_REFUSED = "consortium_shares_refused_total";

  /**
   * The receiver refused a share a peer offered (its payload holds a private key, contradicts itself,
   * does not read...): counted by kind and reason, and a line in the audit log.
   */
  public void refused(String kind, String pairing, String shareName, String reason, String message) {
    Counter.builder(SHARES_REFUSED).description("Shares offered by a peer and refused before anything was stored")
        .tag("kind", kind).tag("reason", reason).register(metrics).increment();
    Audit.refused(kind, shareName, pairing, reason, message);
  }

  /** A Secret's entries decoded as text; {@code what} names the spec field for the error. */
  public Map<String, String> secretText(String name, String what) throws ShareKind.InvalidShareSource {
    Secret secret = sources.secret(name);
    if (secret == null) {
      throw new ShareKind.InvalidShareSource("SourceNotFound", "Secret " + name + " (" + what + ") does not exist");
    }
    Map<String, String> decoded = new HashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> decoded.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) {
      decoded.putAll(secret.getStringData());
    }
    return decoded;
  }

  /** One key of a ConfigMap, from binaryData or data; {@code what} names the spec field for the error. */
  public byte[] configMapBytes(String name, String key, String what) throws ShareKind.InvalidShareSource {
    ConfigMap map = sources.configMap(name);
    if (map == null) {
      throw new ShareKind.InvalidShareSource("SourceNotFound", "ConfigMap " + name + " (" + what + ") does not exist");
    }
    if (map.getBinaryData() != null && map.getBinaryData().containsKey(key)) {
      return Base64.getDecoder().decode(map.getBinaryData().get(key));
    }
    if (map.getData() != null && map.getData().containsKey(key)) {
      return map.getData().get(key).getBytes(StandardCharsets.UTF_8);
    }
    throw new ShareKind.InvalidShareSource("SourceNotFound", "ConfigMap " + name + " (" + what + ") has no key " + key
        + " in data or binaryData");
  }

  /**
   * Writes (creates or replaces) a ConfigMap owned by {@code owner}, so that it goes when the share goes.
   * Text entries go to data, bytes to binaryData.
   */
  public void writeOwnedConfigMap(HasMetadata owner, String name, Map<String, String> labels, Map<String, String> data,
      Map<String, byte[]> binary) {
    Map<String, String> binaryData = new HashMap<>();
    binary.forEach((k, v) -> binaryData.put(k, Base64.getEncoder().encodeToString(v)));
    ConfigMapBuilder map = new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .addToLabels(MANAGED_BY, "consortium-operator").addToLabels(labels)
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
            .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid()).build())
        .endMetadata().withData(data.isEmpty() ? null : data).withBinaryData(binaryData.isEmpty() ? null : binaryData);
    ConfigMap built = map.build();
    ObjectSize.requireFits("ConfigMap " + name, built);
    client.configMaps().inNamespace(namespace).resource(built).createOr(NonDeletingOperation::update);
  }
}
