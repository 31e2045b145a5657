package io.consortium.operator.share;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Locale;

/**
 * Kubernetes keeps each object in one etcd value, and etcd refuses a request over 1.5 MiB (with a raw
 * gRPC error, or 413 at the API server for more): the operator writes no object over 1 MiB, and says so,
 * with the size and the limit, when something would be ({@value #REASON}). Larger payloads need a store
 * outside the API server, which the operator does not have yet.
 */
public final class ObjectSize {

  /** The largest object the operator writes. */
  public static final long LIMIT = 1L << 20;
  /** What a share's payload may take of the objects that carry it, leaving room for their metadata and status. */
  public static final long PAYLOAD_LIMIT = LIMIT - (64L << 10);
  public static final String REASON = "ObjectTooLarge";

  private ObjectSize() {}

  /** The payload's size as it is kept (JSON, bytes in base64), or refused before anything is sent. */
  static long requirePayloadFits(String share, Object payload) throws ShareKind.InvalidShareSource {
    long size = jsonSize(payload);
    if (size > PAYLOAD_LIMIT) {
      throw new ShareKind.InvalidShareSource(REASON, "share " + share + " carries " + human(size)
          + " (bytes in base64, as they are kept); every organization keeps it in Kubernetes objects, which this"
          + " operator keeps under " + human(LIMIT) + ", " + human(PAYLOAD_LIMIT) + " of it for the payload: share"
          + " less (for chaincode, a CCaaS package is a few KiB)");
    }
    return size;
  }

  /** Refuses, as the API server would but naming the object, its size and the limit, an object over {@link #LIMIT}. */
  static void requireFits(String object, Object json) {
    long size = jsonSize(json);
    if (size > LIMIT) {
      String message = REASON + ": " + object + " would be " + human(size) + ", over the " + human(LIMIT)
          + " this operator keeps an object under (etcd refuses 1.5 MiB)";
      Status status = new StatusBuilder().withStatus("Failure").withCode(413).withReason(REASON).withMessage(message)
          .build();
      throw new KubernetesClientException(status);
    }
  }

  static long jsonSize(Object json) {
    try {
      return ProtocolJson.MAPPER.writeValueAsBytes(json).length;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot measure " + json.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  static String human(long bytes) {
    return bytes < 1024 ? bytes + " B" : bytes < (1 << 20) ? String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0)
        : String.format(Locale.ROOT, "%.2f MiB", bytes / (double) (1 << 20));
  }
}
