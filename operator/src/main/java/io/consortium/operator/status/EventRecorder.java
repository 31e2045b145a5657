package io.consortium.operator.status;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.consortium.operator.api.ResourceNames;
import java.time.Clock;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kubernetes Events on our resources, so that {@code kubectl describe} tells what happened.
 * Events are written off the caller's path, by one thread with a bounded queue: a reconcile or a link
 * handler never waits for one, and a burst that outruns the API server drops the oldest it cannot keep
 * (counted, and logged once in a while) rather than holding memory or threads.
 */
public final class EventRecorder implements AutoCloseable {

  /** Events of normal operation and events that need a person. */
  public enum Type {
    Normal,
    Warning
  }

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final String COMPONENT = "consortium-operator";
  /** Events waiting to be written, at most. */
  private static final int QUEUE = 10_000;

  private final KubernetesClient client;
  private final Clock clock;
  private final AtomicLong dropped = new AtomicLong();
  private final ThreadPoolExecutor writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
      new ArrayBlockingQueue<>(QUEUE), r -> {
        Thread t = new Thread(r, "event-recorder");
        t.setDaemon(true);
        return t;
      }, new ThreadPoolExecutor.DiscardOldestPolicy() {
        @Override
        public void rejectedExecution(Runnable r, ThreadPoolExecutor executor) {
          if (dropped.incrementAndGet() % 1000 == 1) {
            LOG.warn("Events are written slower than they happen: {} dropped so far", dropped.get());
          }
          super.rejectedExecution(r, executor);
        }
      });

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Records an Event about {@code about}, soon; returns at once. */
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
      writer.execute(() -> {
        try {
          client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (KubernetesClientException e) {
          // An Event is a courtesy: losing one must never fail anything.
          LOG.warn("Could not record event {} on {}/{}: {}", reason, about.getKind(), about.getMetadata().getName(),
              e.getMessage());
        }
      });
    } catch (RejectedExecutionException e) {
      LOG.debug("Event {} not recorded: the recorder is closed", reason);
    }
  }

  /** Events recorded but not yet written, and those dropped because the queue was full. */
  public long backlog() {
    return writer.getQueue().size() + writer.getActiveCount();
  }

  public long dropped() {
    return dropped.get();
  }

  /** Writes what is queued (for a moment at most), then stops. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writer.shutdownNow();
  }
}
