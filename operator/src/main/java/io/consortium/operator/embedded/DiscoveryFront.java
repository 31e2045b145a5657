package io.consortium.operator.embedded;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves what kubectl asks before it does anything (version, API discovery, OpenAPI) in front of the
 * store, which would answer {@code /api} and {@code /apis} with stored objects, and turns what kubectl
 * sends into what the store reads (protobuf bodies, strategic merge patches that are merge patches).
 * Custom resources are discovered from the CRDs stored in the server, so {@code kubectl get shares}
 * expands the category as a real API server does; lists asked for as a Table get the CRD's printer
 * columns through {@link TablePrinter}.
 */
final class DiscoveryFront extends Dispatcher {

  private static final Pattern GROUP_VERSION = Pattern.compile("^/apis/([^/]+)/([^/]+)$");
  private static final List<String> ALL_VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /** The Kubernetes version this server says it is: kubectl's version skew rules and the docs go by it. */
  static final String SERVER_VERSION = "v1.33.0";
  /** The API server's own limit on a request body (3 MiB); etcd's on an object is lower (see EmbeddedStore). */
  private static final int REQUEST_LIMIT = 3 * 1024 * 1024;
  private static final String OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

  private final EmbeddedStore store;
  private final Supplier<List<CustomResourceDefinition>> crds;
  private final ObjectMapper mapper = new ObjectMapper();
  private final TablePrinter tables;
  private final OpenApiDocuments openApi;
  private final RequestCounter requests;

  DiscoveryFront(EmbeddedStore store, Supplier<List<CustomResourceDefinition>> crds, RequestCounter requests) {
    this.store = store;
    this.crds = crds;
    this.tables = new TablePrinter(mapper);
    this.openApi = new OpenApiDocuments(crds, mapper);
    this.requests = requests;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    requests.record(request.getMethod(), path, request.getHeader("User-Agent"));
    int query = path.indexOf('?');
    String bare = query < 0 ? path : path.substring(0, query);
    if ("GET".equals(request.getMethod())) {
      switch (bare) {
        case "/version" -> {
          return json(version());
        }
        case "/api" -> {
          return json(apiVersions());
        }
        case "/apis" -> {
          return json(apiGroups());
        }
        case "/api/v1" -> {
          return json(resourceList("v1", BuiltinResources.CORE));
        }
        default -> {
          Matcher m = GROUP_VERSION.matcher(bare);
          if (m.matches()) {
            return groupVersion(m.group(1), m.group(2));
          }
        }
      }
    }
    if ("GET".equals(request.getMethod()) && bare.equals("/openapi/v2")) {
      return new MockResponse().setResponseCode(200).setHeader("Content-Type", OPENAPI_V2_PROTOBUF)
          .setBody(openApi.v2Protobuf());
    }
    if ("GET".equals(request.getMethod()) && bare.equals("/openapi/v3")) {
      return json(openApi.v3Root());
    }
    if ("GET".equals(request.getMethod()) && bare.startsWith("/openapi/v3/apis/")) {
      String[] gv = bare.substring("/openapi/v3/apis/".length()).split("/");
      if (gv.length == 2) {
        ObjectNode document = openApi.v3GroupVersion(gv[0], gv[1]);
        if (document != null) {
          return json(document);
        }
      }
    }
    if (bare.startsWith("/openapi/")) {
      // Built-in kinds have no schema here; the CRUD store would answer with every stored object.
      return new MockResponse().setResponseCode(404).setHeader("Content-Type", "application/json")
          .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\","
              + "\"message\":\"the embedded API server has no OpenAPI document at " + bare + "\",\"code\":404}");
    }
    if ("POST".equals(request.getMethod()) && bare.endsWith("/selfsubjectrulesreviews")) {
      return json(allowEverything(request));
    }
    if ("GET".equals(request.getMethod()) && ApiPath.parse(path).isWatch() && request.getHeader("Upgrade") == null) {
      // The CRUD store streams a watch over WebSocket (as the fabric8 client asks for it), not over chunked
      // HTTP as client-go does; kubectl's informers then list again instead, kubectl get --watch stops here.
      return ApiStatus.badRequest("the embedded API server streams watches over WebSocket only, not over chunked"
          + " HTTP: kubectl get --watch and kubectl wait do not work against it");
    }
    RecordedRequest forwarded;
    try {
      forwarded = readableBody(request);
    } catch (Refusal refusal) {
      return refusal.response;
    }
    if ("GET".equals(request.getMethod()) && query >= 0 && path.contains("fieldSelector=")
        && !ApiPath.parse(path).isWatch()) {
      // kubectl describe finds a resource's Events by field selector, which the CRUD store ignores.
      return FieldSelectors.filter(store.handleGet(bare), path.substring(query + 1), mapper);
    }
    // kubectl adds ?timeout=32s to everything; the CRUD dispatcher reads the query otherwise as it is.
    MockResponse response = store.dispatch(forwarded);
    String accept = request.getHeader("Accept");
    if ("GET".equals(request.getMethod()) && accept != null && accept.contains("as=Table") && response.code() == 200) {
      CustomResourceDefinition crd = crdFor(bare);
      if (crd != null) {
        return tables.toTable(response, crd);
      }
    }
    // Without a Content-Type client-go decodes the answer as what it asked for, protobuf for built-in kinds.
    if (response.getWebSocketListener() == null && response.header("Content-Type") == null) {
      response.setHeader("Content-Type", "application/json");
    }
    return response;
  }

  /** A request body the store cannot read, answered as a real server answers it. */
  private static final class Refusal extends Exception {
    private final transient MockResponse response;

    Refusal(MockResponse response) {
      super(null, null, false, false);
      this.response = response;
    }
  }

  /**
   * The request with a body the CRUD store reads: protobuf (kubectl create sends built-in kinds that way)
   * turned into JSON; a strategic merge patch (kubectl apply sends one for built-in kinds) as the JSON
   * merge patch it equals when it has no list and no directive. Other bodies go as they came.
   */
  private RecordedRequest readableBody(RecordedRequest request) throws Refusal {
    if (request.getBody() != null && request.getBody().size() > REQUEST_LIMIT) {
      throw new Refusal(ApiStatus.requestEntityTooLarge("Request entity too large: limit is " + REQUEST_LIMIT));
    }
    String contentType = request.getHeader("Content-Type");
    if (contentType == null || request.getBody() == null || request.getBody().size() == 0) {
      return request;
    }
    if (KubernetesProtobuf.isProtobuf(contentType)) {
      try {
        String json = KubernetesProtobuf.toJson(request.getBody().getBytes()).toString();
        return withBody(request, "application/json", json);
      } catch (KubernetesProtobuf.Unreadable e) {
        throw new Refusal(ApiStatus.unsupportedMediaType(e.getMessage()));
      }
    }
    if ("PATCH".equals(request.getMethod()) && contentType.startsWith("application/strategic-merge-patch+json")) {
      String body = new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
      JsonNode patch;
      try {
        patch = mapper.readTree(body);
      } catch (java.io.IOException e) {
        throw new Refusal(ApiStatus.badRequest("the strategic merge patch is not JSON: " + e.getMessage()));
      }
      if (!equalsMergePatch(patch)) {
        throw new Refusal(ApiStatus.unsupportedMediaType("the embedded API server applies a strategic merge patch only"
            + " where it equals a JSON merge patch (no lists, no $ directives); use kubectl patch --type merge or"
            + " --type json"));
      }
      return withBody(request, "application/merge-patch+json", body);
    }
    if ("PATCH".equals(request.getMethod()) && contentType.startsWith("application/apply-patch")) {
      throw new Refusal(ApiStatus.unsupportedMediaType("the embedded API server does not do server-side apply;"
          + " use kubectl apply without --server-side, or kubectl patch --type merge"));
    }
    return request;
  }

  private static boolean equalsMergePatch(JsonNode node) {
    if (node.isArray()) {
      return false;
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (field.getKey().startsWith("$") || !equalsMergePatch(field.getValue())) {
          return false;
        }
      }
    }
    return true;
  }

  private static RecordedRequest withBody(RecordedRequest request, String contentType, String body) {
    Headers headers = request.getHeaders().newBuilder().set("Content-Type", contentType).build();
    return new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(), headers,
        new Buffer().writeUtf8(body));
  }

  private MockResponse groupVersion(String group, String version) {
    List<Map<String, Object>> resources = new ArrayList<>();
    for (CustomResourceDefinition crd : crds.get()) {
      if (crd.getSpec().getGroup().equals(group) && servesVersion(crd, version)) {
        resources.add(customResource(crd));
        resources.add(subresource(crd, "status"));
      }
    }
    List<Map<String, Object>> builtin = BuiltinResources.GROUPS.get(group + "/" + version);
    if (builtin != null) {
      resources.addAll(builtin);
    }
    if (resources.isEmpty()) {
      return new MockResponse().setResponseCode(404).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
          + "\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}");
    }
    return json(resourceList(group + "/" + version, resources));
  }

  private CustomResourceDefinition crdFor(String path) {
    // /apis/<group>/<version>[/namespaces/<ns>]/<plural>[/<name>]
    String[] parts = path.split("/");
    if (parts.length < 5 || !"apis".equals(parts[1])) {
      return null;
    }
    String group = parts[2];
    String plural = parts.length >= 7 && "namespaces".equals(parts[4]) ? parts[6] : parts[4];
    for (CustomResourceDefinition crd : crds.get()) {
      if (crd.getSpec().getGroup().equals(group) && crd.getSpec().getNames().getPlural().equals(plural)) {
        return crd;
      }
    }
    return null;
  }

  private static boolean servesVersion(CustomResourceDefinition crd, String version) {
    return crd.getSpec().getVersions().stream().anyMatch(v -> v.getName().equals(version) && Boolean.TRUE.equals(v.getServed()));
  }

  private static Map<String, Object> customResource(CustomResourceDefinition crd) {
    Map<String, Object> r = new LinkedHashMap<>();
    var names = crd.getSpec().getNames();
    r.put("name", names.getPlural());
    r.put("singularName", names.getSingular() == null ? "" : names.getSingular());
    r.put("namespaced", "Namespaced".equals(crd.getSpec().getScope()));
    r.put("kind", names.getKind());
    r.put("verbs", ALL_VERBS);
    if (names.getShortNames() != null && !names.getShortNames().isEmpty()) {
      r.put("shortNames", names.getShortNames());
    }
    if (names.getCategories() != null && !names.getCategories().isEmpty()) {
      r.put("categories", names.getCategories());
    }
    return r;
  }

  private static Map<String, Object> subresource(CustomResourceDefinition crd, String name) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", crd.getSpec().getNames().getPlural() + "/" + name);
    r.put("singularName", "");
    r.put("namespaced", "Namespaced".equals(crd.getSpec().getScope()));
    r.put("kind", crd.getSpec().getNames().getKind());
    r.put("verbs", List.of("get", "patch", "update"));
    return r;
  }

  /**
   * The embedded server has no RBAC, so every rule review (JOSDK's leader election asks one before
   * it starts) truthfully answers that everything is allowed.
   */
  private ObjectNode allowEverything(RecordedRequest request) {
    ObjectNode review = mapper.createObjectNode();
    review.put("kind", "SelfSubjectRulesReview");
    review.put("apiVersion", "authorization.k8s.io/v1");
    try {
      JsonNode asked = mapper.readTree(request.getUtf8Body());
      if (asked.has("spec")) {
        review.set("spec", asked.get("spec"));
      }
    } catch (java.io.IOException | RuntimeException e) {
      // An unreadable request still gets the (only) answer.
    }
    review.putObject("metadata");
    ObjectNode status = review.putObject("status");
    ObjectNode rule = status.putArray("resourceRules").addObject();
    rule.putArray("verbs").add("*");
    rule.putArray("apiGroups").add("*");
    rule.putArray("resources").add("*");
    ObjectNode nonResource = status.putArray("nonResourceRules").addObject();
    nonResource.putArray("verbs").add("*");
    nonResource.putArray("nonResourceURLs").add("*");
    status.put("incomplete", false);
    return review;
  }

  private ObjectNode version() {
    ObjectNode v = mapper.createObjectNode();
    v.put("major", "1");
    v.put("minor", SERVER_VERSION.split("\\.")[1]);
    v.put("gitVersion", SERVER_VERSION + "-consortium-embedded");
    v.put("platform", "linux/amd64");
    return v;
  }

  private ObjectNode apiVersions() {
    ObjectNode v = mapper.createObjectNode();
    v.put("kind", "APIVersions");
    v.putArray("versions").add("v1");
    ObjectNode address = v.putArray("serverAddressByClientCIDRs").addObject();
    address.put("clientCIDR", "0.0.0.0/0");
    address.put("serverAddress", "127.0.0.1");
    return v;
  }

  private ObjectNode apiGroups() {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (String groupVersion : BuiltinResources.GROUPS.keySet()) {
      String[] gv = groupVersion.split("/");
      groups.computeIfAbsent(gv[0], g -> new ArrayList<>()).add(gv[1]);
    }
    for (CustomResourceDefinition crd : crds.get()) {
      for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
        List<String> versions = groups.computeIfAbsent(crd.getSpec().getGroup(), g -> new ArrayList<>());
        if (Boolean.TRUE.equals(version.getServed()) && !versions.contains(version.getName())) {
          versions.add(version.getName());
        }
      }
    }
    ObjectNode list = mapper.createObjectNode();
    list.put("kind", "APIGroupList");
    list.put("apiVersion", "v1");
    ArrayNode array = list.putArray("groups");
    groups.forEach((group, versions) -> {
      ObjectNode g = array.addObject();
      g.put("name", group);
      ArrayNode vs = g.putArray("versions");
      for (String version : versions) {
        ObjectNode v = vs.addObject();
        v.put("groupVersion", group + "/" + version);
        v.put("version", version);
      }
      ObjectNode preferred = g.putObject("preferredVersion");
      preferred.put("groupVersion", group + "/" + versions.get(0));
      preferred.put("version", versions.get(0));
    });
    return list;
  }

  private ObjectNode resourceList(String groupVersion, List<Map<String, Object>> resources) {
    ObjectNode list = mapper.createObjectNode();
    list.put("kind", "APIResourceList");
    list.put("apiVersion", "v1");
    list.put("groupVersion", groupVersion);
    list.set("resources", mapper.valueToTree(resources));
    return list;
  }

  private static MockResponse json(JsonNode body) {
    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(body.toString());
  }
}
