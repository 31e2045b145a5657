package io.consortium.operator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The OpenAPI documents of the custom resources, built from the CRDs stored in the server as a real
 * API server builds them, in the two forms kubectl reads:
 * <ul>
 *   <li>v3 ({@code /openapi/v3}, one JSON document per group/version): {@code kubectl explain} reads the
 *       schemas, and {@code kubectl apply} looks for each kind's PATCH operation to learn whether the
 *       server validates fields itself ({@code fieldValidation}) and which patch types it takes;</li>
 *   <li>v2 ({@code /openapi/v2}, only as protobuf: gnostic's openapi_v2.Document): kubectl validates what
 *       it applies against these definitions when the server does not validate fields itself.</li>
 * </ul>
 * The embedded server does not validate fields itself, so no PATCH operation offers {@code fieldValidation}
 * and kubectl validates client-side. Built-in kinds have no schema here: kubectl skips validating them.
 */
final class OpenApiDocuments {

  static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
  private static final String OWNER_REFERENCE = "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference";
  private static final String MANAGED_FIELDS = "io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry";
  /** The patch types the embedded server applies to a custom resource (server-side apply is not among them). */
  private static final List<String> PATCH_TYPES = List.of("application/json-patch+json", "application/merge-patch+json");

  private final Supplier<List<CustomResourceDefinition>> crds;
  private final ObjectMapper mapper;

  OpenApiDocuments(Supplier<List<CustomResourceDefinition>> crds, ObjectMapper mapper) {
    this.crds = crds;
    this.mapper = mapper;
  }

  /** {@code /openapi/v3}: one entry per group/version of the stored CRDs. */
  ObjectNode v3Root() {
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

  /** The v3 document of one group/version: each kind's schema and its get and patch operations; null if none. */
  ObjectNode v3GroupVersion(String group, String version) {
    ObjectNode schemas = mapper.createObjectNode();
    ObjectNode paths = mapper.createObjectNode();
    for (Map.Entry<CustomResourceDefinition, CustomResourceDefinitionVersion> served : served(group, version)) {
      CustomResourceDefinition crd = served.getKey();
      String kind = crd.getSpec().getNames().getKind();
      String schemaName = definitionName(group, version, kind);
      ObjectNode schema = kindSchema(crd, served.getValue(), "#/components/schemas/");
      schemas.set(schemaName, schema);
      ObjectNode gvk = gvk(group, version, kind);
      String plural = crd.getSpec().getNames().getPlural();
      String scope = "Namespaced".equals(crd.getSpec().getScope()) ? "/namespaces/{namespace}/" : "/";
      ObjectNode path = paths.putObject("/apis/" + group + "/" + version + scope + plural + "/{name}");
      // kubectl explain finds a resource's schema through the GET operation of its path.
      ObjectNode get = path.putObject("get");
      get.put("x-kubernetes-action", "get");
      get.set("x-kubernetes-group-version-kind", gvk.deepCopy());
      get.putObject("responses").putObject("200").putObject("content").putObject("application/json")
          .putObject("schema").put("$ref", "#/components/schemas/" + schemaName);
      // kubectl apply reads the PATCH operation: no fieldValidation parameter (it validates client-side)
      // and no strategic merge patch (it sends a JSON merge patch, as to any custom resource).
      ObjectNode patch = path.putObject("patch");
      patch.put("x-kubernetes-action", "patch");
      patch.set("x-kubernetes-group-version-kind", gvk.deepCopy());
      patch.putArray("parameters").addObject().put("name", "fieldManager").put("in", "query")
          .putObject("schema").put("type", "string");
      ObjectNode content = patch.putObject("requestBody").putObject("content");
      for (String type : PATCH_TYPES) {
        content.putObject(type).putObject("schema").put("type", "object");
      }
      patch.putObject("responses").putObject("200").putObject("content").putObject("application/json")
          .putObject("schema").put("$ref", "#/components/schemas/" + schemaName);
    }
    if (schemas.isEmpty()) {
      return null;
    }
    metadataSchemas("#/components/schemas/").fields().forEachRemaining(e -> schemas.set(e.getKey(), e.getValue()));
    ObjectNode document = mapper.createObjectNode();
    document.put("openapi", "3.0.0");
    document.putObject("info").put("title", "Kubernetes").put("version", DiscoveryFront.SERVER_VERSION);
    document.set("paths", paths);
    document.putObject("components").set("schemas", schemas);
    return document;
  }

  /** {@code /openapi/v2} as protobuf: the definitions of every stored CRD's kinds, with their GVK. */
  byte[] v2Protobuf() {
    ProtoWriter definitions = new ProtoWriter();
    metadataSchemas("#/definitions/").fields().forEachRemaining(e -> definitions.message(1,
        new ProtoWriter().string(1, e.getKey()).message(2, v2Schema(e.getValue()))));
    for (CustomResourceDefinition crd : crds.get()) {
      for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
        if (!Boolean.TRUE.equals(version.getServed()) || version.getSchema() == null) {
          continue;
        }
        String group = crd.getSpec().getGroup();
        String kind = crd.getSpec().getNames().getKind();
        ProtoWriter schema = v2Schema(kindSchema(crd, version, "#/definitions/"));
        definitions.message(1, new ProtoWriter().string(1, definitionName(group, version.getName(), kind))
            .message(2, schema));
      }
    }
    return new ProtoWriter()
        .string(1, "2.0")
        .message(2, new ProtoWriter().string(1, "Kubernetes").string(2, DiscoveryFront.SERVER_VERSION))
        .message(8, new ProtoWriter())
        .message(9, definitions)
        .toByteArray();
  }

  private List<Map.Entry<CustomResourceDefinition, CustomResourceDefinitionVersion>> served(String group,
      String version) {
    return crds.get().stream().filter(crd -> crd.getSpec().getGroup().equals(group))
        .flatMap(crd -> crd.getSpec().getVersions().stream()
            .filter(v -> v.getName().equals(version) && Boolean.TRUE.equals(v.getServed()) && v.getSchema() != null)
            .map(v -> Map.entry(crd, v)))
        .toList();
  }

  /** The CRD's schema with apiVersion, kind and metadata as the API server adds them, and its GVK. */
  private ObjectNode kindSchema(CustomResourceDefinition crd, CustomResourceDefinitionVersion version, String refs) {
    String group = crd.getSpec().getGroup();
    String kind = crd.getSpec().getNames().getKind();
    ObjectNode schema = mapper.valueToTree(version.getSchema().getOpenAPIV3Schema());
    ObjectNode properties = schema.withObject("/properties");
    properties.putObject("apiVersion").put("type", "string")
        .put("description", "APIVersion defines the versioned schema of this representation of an object.");
    properties.putObject("kind").put("type", "string")
        .put("description", "Kind is a string value representing the REST resource this object represents.");
    properties.putObject("metadata").put("description", "Standard object's metadata.")
        .put("$ref", refs + OBJECT_META);
    if (!schema.has("description")) {
      schema.put("description", kind + " of " + group + "/" + version.getName() + ".");
    }
    schema.putArray("x-kubernetes-group-version-kind").add(gvk(group, version.getName(), kind));
    return schema;
  }

  private ObjectNode gvk(String group, String version, String kind) {
    return mapper.createObjectNode().put("group", group).put("kind", kind).put("version", version);
  }

  /** io.consortium.v1alpha1.KeyShare: the group reversed, as Kubernetes names definitions. */
  static String definitionName(String group, String version, String kind) {
    String[] parts = group.split("\\.");
    StringBuilder name = new StringBuilder();
    for (int i = parts.length - 1; i >= 0; i--) {
      name.append(parts[i]).append('.');
    }
    return name + version + "." + kind;
  }

  /** ObjectMeta and what it refers to, so that kubectl also finds a misspelt metadata field. */
  private ObjectNode metadataSchemas(String refs) {
    ObjectNode schemas = mapper.createObjectNode();
    ObjectNode meta = schemas.putObject(OBJECT_META);
    meta.put("description", "ObjectMeta is metadata that all persisted resources must have.").put("type", "object");
    ObjectNode p = meta.putObject("properties");
    for (String field : List.of("name", "generateName", "namespace", "selfLink", "uid", "resourceVersion",
        "creationTimestamp", "deletionTimestamp")) {
      p.putObject(field).put("type", "string");
    }
    p.putObject("generation").put("type", "integer").put("format", "int64");
    p.putObject("deletionGracePeriodSeconds").put("type", "integer").put("format", "int64");
    for (String map : List.of("labels", "annotations")) {
      p.putObject(map).put("type", "object").putObject("additionalProperties").put("type", "string");
    }
    p.putObject("finalizers").put("type", "array").putObject("items").put("type", "string");
    p.putObject("ownerReferences").put("type", "array").putObject("items").put("$ref", refs + OWNER_REFERENCE);
    p.putObject("managedFields").put("type", "array").putObject("items").put("$ref", refs + MANAGED_FIELDS);

    ObjectNode owner = schemas.putObject(OWNER_REFERENCE);
    owner.put("type", "object").putArray("required").add("apiVersion").add("kind").add("name").add("uid");
    ObjectNode op = owner.putObject("properties");
    for (String field : List.of("apiVersion", "kind", "name", "uid")) {
      op.putObject(field).put("type", "string");
    }
    op.putObject("controller").put("type", "boolean");
    op.putObject("blockOwnerDeletion").put("type", "boolean");

    ObjectNode managed = schemas.putObject(MANAGED_FIELDS);
    ObjectNode mp = managed.put("type", "object").putObject("properties");
    for (String field : List.of("manager", "operation", "apiVersion", "time", "fieldsType", "subresource")) {
      mp.putObject(field).put("type", "string");
    }
    mp.putObject("fieldsV1").put("type", "object");
    return schemas;
  }

  /**
   * One schema as gnostic's openapi_v2.Schema, reduced as the API server reduces a CRD schema for v2
   * (apiextensions' ToStructuralOpenAPIV2): no junctors; a nullable or field-preserving node loses what
   * kubectl cannot read; an array without items loses its type.
   */
  private ProtoWriter v2Schema(JsonNode schema) {
    ProtoWriter out = new ProtoWriter();
    boolean untyped = schema.path("nullable").asBoolean(false);
    boolean opaque = untyped || schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    out.string(1, schema.path("$ref").asText(""));
    out.string(2, schema.path("format").asText(""));
    out.string(4, schema.path("description").asText(""));
    out.doubleValue(7, schema.path("maximum").asDouble(0));
    out.doubleValue(9, schema.path("minimum").asDouble(0));
    out.int64(11, schema.path("maxLength").asLong(0));
    out.int64(12, schema.path("minLength").asLong(0));
    out.string(13, schema.path("pattern").asText(""));
    out.int64(14, schema.path("maxItems").asLong(0));
    out.int64(15, schema.path("minItems").asLong(0));
    for (JsonNode required : schema.path("required")) {
      out.string(19, required.asText());
    }
    // Enum values and vendor extensions are YAML in gnostic's Any; JSON scalars are YAML.
    for (JsonNode value : schema.path("enum")) {
      out.message(20, new ProtoWriter().string(2, value.toString()));
    }
    JsonNode additional = schema.path("additionalProperties");
    if (additional.isObject() && !opaque) {
      out.message(21, new ProtoWriter().message(1, v2Schema(additional)));
    }
    String type = schema.path("type").asText("");
    boolean hasItems = schema.path("items").isObject() && !opaque;
    if (!type.isEmpty() && !untyped && !("array".equals(type) && !hasItems)) {
      out.message(22, new ProtoWriter().string(1, type));
    }
    if (hasItems) {
      out.message(23, new ProtoWriter().message(1, v2Schema(schema.get("items"))));
    }
    if (schema.path("properties").isObject() && !opaque) {
      ProtoWriter properties = new ProtoWriter();
      for (Iterator<Map.Entry<String, JsonNode>> it = schema.get("properties").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> property = it.next();
        properties.message(1, new ProtoWriter().string(1, property.getKey()).message(2, v2Schema(property.getValue())));
      }
      out.message(25, properties);
    }
    JsonNode gvks = schema.path("x-kubernetes-group-version-kind");
    if (gvks.isArray()) {
      StringBuilder yaml = new StringBuilder();
      for (JsonNode gvk : gvks) {
        yaml.append("- group: ").append(gvk.get("group")).append("\n  kind: ")
            .append(gvk.get("kind")).append("\n  version: ").append(gvk.get("version"))
            .append('\n');
      }
      out.message(31, new ProtoWriter().string(1, "x-kubernetes-group-version-kind")
          .message(2, new ProtoWriter().string(2, yaml.toString())));
    }
    return out;
  }
}
