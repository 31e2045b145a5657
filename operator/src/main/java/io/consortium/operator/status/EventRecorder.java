package io.consortium.operator.status;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.consortium.operator.api.ResourceNames;

/** Writes Kubernetes Events on our resources, so that {@code kubectl describe} tells what happened. */
public final class EventRecorder {

  /** Events of normal operation and events that need a person. */
  public enum Type {
    Normal,
    Warning
  }

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final String COMPONENT = "consortium-operator";

  private final KubernetesClient client;
  private final Clock clock;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void record(HasMetadata about, Type type, String reason, String message) {
    String namespace = about.getMetadata().getNamespace();
    String now = Conditions.now(clock);
    var event = new EventBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(ResourceNames.derived(about.getMetadata().getName(),
            "." + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT)))
        .endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder()
            .withApiVersion(about.getApiVersion())
            .withKind(about.getKind())
            .withName(about.getMetadata().getName())
            .withNamespace(namespace)
            .withUid(about.getMetadata().getUid())
            .withResourceVersion(about.getMetadata().getResourceVersion())
            .build())
        .withType(type.name())
        .withReason(reason)
        .withMessage(message)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .withNewSource(COMPONENT, null)
        .withReportingComponent(COMPONENT)
        .build();
    try {
      client.v1().events().inNamespace(namespace).resource(event).create();
    } catch (KubernetesClientException e) {
      // An Event is a courtesy: losing one must never fail a reconcile.
      LOG.warn("Could not record event {} on {}/{}: {}", reason, about.getKind(), about.getMetadata().getName(), e.getMessage());
    }
  }
}
