package io.consortium.operator.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The spec of a resource exactly as the API server stored it, for the versions the model could not
 * hold entirely: an enum value it has no constant for (read as null by {@link TolerantSerialization}),
 * or a value of the wrong type or size (the spec is then read as empty). Without it {@code flow: Sideways}
 * would look like no flow at all, and the default would be used. Kept by UID and resourceVersion, so
 * that the copies JOSDK makes of a resource (which lose what the model lost) find it too; a newer
 * version of the resource replaces it. Only resources that lost something are kept here.
 */
public final class StoredSpecs {

  /** More bad resources than anyone has: the oldest are forgotten past this. */
  private static final int LIMIT = 10_000;

  private record Stored(String resourceVersion, JsonNode spec) {}

  private static final Map<String, Stored> BY_RESOURCE = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Stored> eldest) {
      return size() > LIMIT;
    }
  };

  private StoredSpecs() {}

  /** The spec as stored, if the model lost part of this version of the resource. */
  public static Optional<JsonNode> of(HasMetadata resource) {
    Stored stored;
    synchronized (BY_RESOURCE) {
      stored = BY_RESOURCE.get(key(resource));
    }
    return stored != null && stored.resourceVersion().equals(version(resource)) ? Optional.of(stored.spec())
        : Optional.empty();
  }

  static void keep(HasMetadata resource, JsonNode spec) {
    synchronized (BY_RESOURCE) {
      BY_RESOURCE.put(key(resource), new Stored(version(resource), spec));
    }
  }

  /** A version the model holds entirely: what was kept for another version is stale. */
  static void heldEntirely(HasMetadata resource) {
    synchronized (BY_RESOURCE) {
      String key = key(resource);
      Stored stored = BY_RESOURCE.get(key);
      if (stored != null && !stored.resourceVersion().equals(version(resource))) {
        BY_RESOURCE.remove(key);
      }
    }
  }

  private static String key(HasMetadata resource) {
    var m = resource.getMetadata();
    return resource.getKind() + "/" + m.getNamespace() + "/" + m.getName() + "/" + m.getUid();
  }

  private static String version(HasMetadata resource) {
    return String.valueOf(resource.getMetadata().getResourceVersion());
  }
}
