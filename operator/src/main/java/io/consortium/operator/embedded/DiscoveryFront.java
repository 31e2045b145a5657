package io.consortium.operator.embedded;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consortium.operator.api.ResourceNames;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves what kubectl asks before it does anything (version and API discovery) in front of the
 * fabric8 CRUD dispatcher, which would answer {@code /api} and {@code /apis} with stored objects.
 * Custom resources are discovered from the CRDs stored in the server, so {@code kubectl get shares}
 * expands the category as a real API server does; lists asked for as a Table get the CRD's
 * printer columns through {@link TablePrinter}.
 */
final class DiscoveryFront extends Dispatcher {

  private static final Pattern GROUP_VERSION = Pattern.compile("^/apis/([^/]+)/([^/]+)$");
  private static final List<String> ALL_VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  private final Dispatcher crud;
  private final Supplier<List<CustomResourceDefinition>> crds;
  private final ObjectMapper mapper = new ObjectMapper();
  private final TablePrinter tables;
  private final RequestCounter requests;

  DiscoveryFront(Dispatcher crud, Supplier<List<CustomResourceDefinition>> crds, RequestCounter requests) {
    this.crud = crud;
    this.crds = crds;
    this.tables = new TablePrinter(mapper);
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
    String contentType = request.getHeader("Content-Type");
    if (contentType != null && contentType.contains("protobuf")) {
      // kubectl create sends built-in kinds as protobuf, which the CRUD store cannot read (it would
      // hang); 415 makes client-go send JSON instead.
      return new MockResponse().setResponseCode(415).setHeader("Content-Type", "application/json")
          .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"UnsupportedMediaType\","
              + "\"message\":\"the embedded API server reads JSON only\",\"code\":415}");
    }
    if ("GET".equals(request.getMethod()) && bare.equals("/openapi/v3")) {
      return json(openApiPaths());
    }
    if ("GET".equals(request.getMethod()) && bare.startsWith("/openapi/v3/apis/")) {
      String[] gv = bare.substring("/openapi/v3/apis/".length()).split("/");
      if (gv.length == 2) {
        ObjectNode document = openApiDocument(gv[0], gv[1]);
        if (document != null) {
          return json(document);
        }
      }
    }
    if (bare.startsWith("/openapi/")) {
      // Only the custom resources' schemas are served (for kubectl explain); the CRUD store would
      // answer anything else with every stored object, which kubectl then tries to read as a schema.
      return new MockResponse().setResponseCode(404).setHeader("Content-Type", "application/json")
          .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\","
              + "\"message\":\"the embedded API server serves no OpenAPI document\",\"code\":404}");
    }
    if ("POST".equals(request.getMethod()) && bare.endsWith("/selfsubjectrulesreviews")) {
      return json(allowEverything(request));
    }
    if ("GET".equals(request.getMethod()) && query >= 0 && path.contains("fieldSelector=")
        && crud instanceof io.fabric8.mockwebserver.crud.CrudDispatcher store) {
      // kubectl describe finds a resource's Events by field selector, which the CRUD store ignores.
      return FieldSelectors.filter(store.handleGet(bare), path.substring(query + 1), mapper);
    }
    if ("POST".equals(request.getMethod())) {
      MockResponse refused = refuseInvalidName(request);
      if (refused != null) {
        return refused;
      }
    }
    // kubectl adds ?timeout=32s to everything; the CRUD dispatcher reads the query otherwise as it is.
    MockResponse response = crud.dispatch(request);
    String accept = request.getHeader("Accept");
    if ("GET".equals(request.getMethod()) && accept != null && accept.contains("as=Table") && response.code() == 200) {
      CustomResourceDefinition crd = crdFor(bare);
      if (crd != null) {
        return tables.toTable(response, crd);
      }
    }
    return response;
  }

  /**
   * A name a real API server refuses (not a DNS-1123 subdomain, e.g. with non-ASCII letters) is refused
   * here too: the CRUD store would keep it but could never find it again by name (it compares the
   * percent-encoded path with the name), so nothing could read, patch or delete it.
   */
  private MockResponse refuseInvalidName(RecordedRequest request) {
    String kind = null;
    String name = null;
    // Streamed, not read into a tree: a create can carry megabytes of ConfigMap data.
    try (JsonParser p = mapper.getFactory().createParser(request.getBody().getBytes())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("kind".equals(field) && value == JsonToken.VALUE_STRING) {
          kind = p.getText();
        } else if ("metadata".equals(field) && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (p.nextToken() == JsonToken.VALUE_STRING && "name".equals(key)) {
              name = p.getText();
            } else {
              p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (Exception e) {
      return null; // not ours to judge: the CRUD store answers
    }
    if (name == null || ResourceNames.isSubdomain(name)) {
      return null;
    }
    ObjectNode status = mapper.createObjectNode();
    status.put("kind", "Status").put("apiVersion", "v1").put("status", "Failure").put("reason", "Invalid")
        .put("code", 422).put("message", kind + " \"" + name + "\" is invalid: metadata.name: Invalid value: \""
            + name + "\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or"
            + " '.', and must start and end with an alphanumeric character (at most 253 characters)");
    return new MockResponse().setResponseCode(422).setHeader("Content-Type", "application/json")
        .setBody(status.toString());
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

  /** The OpenAPI v3 discovery document: one path per group/version of the stored CRDs. */
  private ObjectNode openApiPaths() {
    ObjectNode root = mapper.createObjectNode();
    ObjectNode paths = root.putObject("paths");
    for (CustomResourceDefinition crd : crds.get()) {
      for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
        String key = "apis/" + crd.getSpec().getGroup() + "/" + version.getName();
        paths.putObject(key).put("serverRelativeURL", "/openapi/v3/" + key);
      }
    }
    return root;
  }

  /** The OpenAPI v3 document of one group/version: each kind's schema, found by kubectl by its GVK. */
  private ObjectNode openApiDocument(String group, String version) {
    ObjectNode schemas = mapper.createObjectNode();
    ObjectNode paths = mapper.createObjectNode();
    for (CustomResourceDefinition crd : crds.get()) {
      if (!crd.getSpec().getGroup().equals(group)) {
        continue;
      }
      for (CustomResourceDefinitionVersion v : crd.getSpec().getVersions()) {
        if (!v.getName().equals(version) || v.getSchema() == null) {
          continue;
        }
        String kind = crd.getSpec().getNames().getKind();
        ObjectNode schema = mapper.valueToTree(v.getSchema().getOpenAPIV3Schema());
        ObjectNode properties = schema.withObject("/properties");
        properties.putObject("apiVersion").put("type", "string")
            .put("description", "APIVersion defines the versioned schema of this representation of an object.");
        properties.putObject("kind").put("type", "string")
            .put("description", "Kind is a string value representing the REST resource this object represents.");
        properties.putObject("metadata").put("type", "object")
            .put("description", "Standard object's metadata.");
        if (!schema.has("description")) {
          schema.put("description", kind + " of " + group + "/" + version + ".");
        }
        ObjectNode gvk = schema.putArray("x-kubernetes-group-version-kind").addObject();
        gvk.put("group", group);
        gvk.put("kind", kind);
        gvk.put("version", version);
        String[] reversed = group.split("\\.");
        StringBuilder name = new StringBuilder();
        for (int i = reversed.length - 1; i >= 0; i--) {
          name.append(reversed[i]).append('.');
        }
        String schemaName = name + version + "." + kind;
        schemas.set(schemaName, schema);
        // kubectl explain finds a resource's schema through the GET operation of its path.
        String plural = crd.getSpec().getNames().getPlural();
        ObjectNode get = paths.putObject("/apis/" + group + "/" + version + "/namespaces/{namespace}/" + plural + "/{name}")
            .putObject("get");
        get.put("x-kubernetes-action", "get");
        get.set("x-kubernetes-group-version-kind", gvk.deepCopy());
        get.putObject("responses").putObject("200").putObject("content").putObject("application/json")
            .putObject("schema").put("$ref", "#/components/schemas/" + schemaName);
      }
    }
    if (schemas.isEmpty()) {
      return null;
    }
    ObjectNode document = mapper.createObjectNode();
    document.put("openapi", "3.0.0");
    document.putObject("info").put("title", "Kubernetes").put("version", "v1.33.0");
    document.set("paths", paths);
    document.putObject("components").set("schemas", schemas);
    return document;
  }

  private ObjectNode version() {
    ObjectNode v = mapper.createObjectNode();
    v.put("major", "1");
    v.put("minor", "33");
    v.put("gitVersion", "v1.33.0-consortium-embedded");
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
