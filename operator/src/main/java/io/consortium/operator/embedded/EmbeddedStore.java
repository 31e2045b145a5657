package io.consortium.operator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fabric8 CRUD store with what a real API server adds around its storage: every write passes the
 * {@link Admission} checks (refused with 422, nothing stored), failures say which object they are about,
 * lists carry their kind and the current resource version, and, with a {@link DataDirectory}, every
 * change is kept on disk and resource versions go on from where they were.
 *
 * <p>The checks run in {@link #processEvent}, which the CRUD handlers call under the store's write lock
 * with the object exactly as it would be stored, after a merge or JSON patch is applied: what is checked
 * is what is stored, without a race.
 */
final class EmbeddedStore extends KubernetesCrudDispatcher {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
  /** etcd's default --max-request-bytes: a real API server cannot store a larger object. */
  static final int ETCD_REQUEST_LIMIT = 1536 * 1024;

  /** A write refused by an admission check, carried out of the CRUD handler to the answer. */
  private static final class Refused extends RuntimeException {
    private final transient MockResponse response;

    Refused(MockResponse response) {
      super(null, null, false, false);
      this.response = response;
    }
  }

  private final List<Admission> admissions;
  private final DataDirectory data;
  private final AtomicLong resourceVersion;
  /** The kind of each custom resource ("consortium.io/keyshares" -> "KeyShare"), from the CRDs stored. */
  private final Map<String, String> customKinds = new ConcurrentHashMap<>();
  /** The CRD of each custom resource, as stored, for the checks that read its schema and rules. */
  private final Map<String, JsonNode> customResources = new ConcurrentHashMap<>();
  /** Every stored object by collection and name, kept only with a data directory. */
  private final Map<String, DataDirectory.StoredObject> objects = new ConcurrentHashMap<>();
  private boolean restoring;

  EmbeddedStore(List<Admission> admissions, boolean customResourceRules, DataDirectory data) {
    super(new ArrayList<>());
    List<Admission> all = new ArrayList<>(admissions);
    if (customResourceRules) {
      all.add(new CustomResourceRules(this::crd));
    }
    this.admissions = List.copyOf(all);
    this.data = data;
    DataDirectory.Stored stored = data == null ? new DataDirectory.Stored(0, List.of()) : data.load();
    this.resourceVersion = new AtomicLong(stored.resourceVersion());
    if (data != null) {
      restore(stored.objects());
      data.startWriting(objects::values);
    }
  }

  /** Puts the stored objects back as they were, CRDs first (they make their resources known), then namespaces. */
  private void restore(List<DataDirectory.StoredObject> stored) {
    restoring = true;
    try {
      stored.stream().sorted(Comparator.comparingInt(o -> o.collection().equals(CRDS) ? 0
              : o.collection().endsWith("/namespaces") ? 1 : 2))
          .forEach(o -> processEvent(o.collection(), getKey(o.collection()), null, null, o.json()));
    } finally {
      restoring = false;
    }
  }

  @Override
  public long requestResourceVersion() {
    long version = resourceVersion.incrementAndGet();
    if (data != null) {
      data.reserveResourceVersion(version);
    }
    return version;
  }

  long currentResourceVersion() {
    return resourceVersion.get();
  }

  @Override
  public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
      GenericKubernetesResource resource, String newState) {
    String existing = oldAttributes == null ? null : map.get(oldAttributes);
    ApiPath target = ApiPath.parse(path);
    if (newState != null && !restoring) {
      if (newState.length() > ETCD_REQUEST_LIMIT / 4
          && newState.getBytes(StandardCharsets.UTF_8).length > ETCD_REQUEST_LIMIT) {
        throw new Refused(ApiStatus.internalError("etcdserver: request is too large"));
      }
      admit(target, existing, newState);
    }
    super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
    if (target.isResource() && target.collection().equals(CRDS)) {
      rememberKind(newState == null ? existing : newState, newState == null);
    }
    if (data != null && target.isResource()) {
      if (existing != null) {
        objects.remove(key(target, existing));
      }
      if (newState != null) {
        String key = key(target, newState);
        objects.put(key, new DataDirectory.StoredObject(key.substring(0, key.lastIndexOf('/')), newState));
      }
      if (!restoring) {
        data.changed();
      }
    }
  }

  private void rememberKind(String crdJson, boolean deleted) {
    JsonNode spec = read(crdJson).path("spec");
    String key = spec.path("group").asText() + "/" + spec.path("names").path("plural").asText();
    if (deleted) {
      customKinds.remove(key);
      customResources.remove(key);
    } else {
      customKinds.put(key, spec.path("names").path("kind").asText());
      customResources.put(key, read(crdJson));
    }
  }

  /** The stored CRD of a custom resource, or null for a resource that is not one. */
  JsonNode crd(String group, String plural) {
    return group == null ? null : customResources.get(group + "/" + plural);
  }

  /** The kind stored at {@code path}'s resource: Secret, KeyShare; null for a resource this server does not know. */
  String kindOf(ApiPath path) {
    String custom = customKinds.get(path.group() + "/" + path.plural());
    return custom != null ? custom : BuiltinResources.kindOf(path.apiVersion(), path.plural());
  }

  private void admit(ApiPath target, String existing, String newState) {
    JsonNode updated = read(newState);
    JsonNode old = existing == null ? null : read(existing);
    List<Admission.FieldError> errors = new ArrayList<>();
    for (Admission admission : admissions) {
      errors.addAll(admission.check(target, old, updated));
    }
    if (!errors.isEmpty()) {
      String kind = updated.path("kind").asText(kindOf(target));
      throw new Refused(ApiStatus.invalid(kind, target.group(), updated.path("metadata").path("name").asText(), errors));
    }
  }

  /** {@code collection/name}: the collection from the object's own apiVersion and namespace. */
  private static String key(ApiPath target, String json) {
    JsonNode object = read(json);
    JsonNode metadata = object.path("metadata");
    String apiVersion = object.path("apiVersion").asText(target.apiVersion());
    String namespace = metadata.path("namespace").asText("");
    return (apiVersion.contains("/") ? "/apis/" : "/api/") + apiVersion
        + (namespace.isEmpty() ? "" : "/namespaces/" + namespace) + "/" + target.plural() + "/"
        + metadata.path("name").asText();
  }

  @Override
  public MockResponse handleCreate(RecordedRequest request) {
    ApiPath path = ApiPath.parse(request.getPath());
    String name = read(new String(request.getBody().getBytes(), StandardCharsets.UTF_8)).path("metadata").path("name")
        .asText("");
    MockResponse response = refusedOr(() -> super.handleCreate(request));
    if (response.code() == 409 && path.isResource()) {
      return ApiStatus.alreadyExists(path, name);
    }
    return response;
  }

  @Override
  public MockResponse handleUpdate(RecordedRequest request) {
    return afterWrite(ApiPath.parse(request.getPath()), refusedOr(() -> super.handleUpdate(request)));
  }

  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    return afterWrite(ApiPath.parse(request.getPath()), refusedOr(() -> super.handlePatch(request)));
  }

  @Override
  public MockResponse handleDelete(String path) {
    ApiPath target = ApiPath.parse(path);
    MockResponse response = super.handleDelete(path);
    return response.code() == 404 && target.name() != null ? ApiStatus.notFound(target) : response;
  }

  @Override
  public MockResponse handleGet(String path) {
    ApiPath target = ApiPath.parse(path);
    MockResponse response = super.handleGet(path);
    if (!target.isResource() || target.isWatch()) {
      return response;
    }
    if (response.code() == 404 && target.name() != null) {
      return ApiStatus.notFound(target);
    }
    if (response.code() == 200 && target.name() == null) {
      return asTypedList(target, response);
    }
    return response;
  }

  /** A list as a real server answers it: {@code SecretList}, with the resource version of the store now. */
  private MockResponse asTypedList(ApiPath target, MockResponse response) {
    JsonNode body = read(response.getBody().readUtf8());
    if (body instanceof ObjectNode list && list.has("items")) {
      String kind = kindOf(target);
      if (kind != null) {
        list.put("kind", kind + "List");
        list.put("apiVersion", target.apiVersion());
      }
      list.withObject("/metadata").put("resourceVersion", String.valueOf(resourceVersion.get()));
      return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
          .setBody(list.toString());
    }
    return new MockResponse().setResponseCode(response.code()).setHeader("Content-Type", "application/json")
        .setBody(body.toString());
  }

  private static MockResponse afterWrite(ApiPath path, MockResponse response) {
    if (response.code() == 404 && path.name() != null) {
      return ApiStatus.notFound(path);
    }
    if (response.code() == 409 && path.name() != null) {
      return ApiStatus.conflict(path, path.name());
    }
    return response;
  }

  private static MockResponse refusedOr(java.util.function.Supplier<MockResponse> write) {
    try {
      return write.get();
    } catch (Refused refused) {
      return refused.response;
    }
  }

  /** The store's objects written to disk now (with a data directory); for a stop and for tests. */
  void flush() {
    if (data != null) {
      data.flush();
    }
  }

  /**
   * A JSON merge patch as RFC 7386 (and a real API server) applies it: a list replaces the list, null
   * removes the field. The CRUD store's own merge (Jackson's readerForUpdating) appends to lists and
   * stores nulls.
   */
  @Override
  public JsonNode merge(JsonNode base, String patch) throws KubernetesCrudDispatcherException {
    JsonNode parsed;
    try {
      parsed = MAPPER.readTree(patch);
    } catch (IOException e) {
      throw new KubernetesCrudDispatcherException(e.getMessage(), 422);
    }
    return mergePatch(base.deepCopy(), parsed);
  }

  static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result = target != null && target.isObject() ? (ObjectNode) target : MAPPER.createObjectNode();
    patch.fields().forEachRemaining(field -> {
      if (field.getValue().isNull()) {
        result.remove(field.getKey());
      } else {
        result.set(field.getKey(), mergePatch(result.get(field.getKey()), field.getValue()));
      }
    });
    return result;
  }

  private static JsonNode read(String json) {
    try {
      JsonNode node = MAPPER.readTree(json);
      return node == null ? MAPPER.createObjectNode() : node;
    } catch (IOException e) {
      return MAPPER.createObjectNode();
    }
  }
}
