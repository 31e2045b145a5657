package io.consortium.operator.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One generated CRD's openAPIV3Schema, read the way an API server uses it: as a JSON schema for
 * what a resource may contain, with its defaults and its CEL rules (x-kubernetes-validations).
 */
final class CrdSchema {

  /** One CEL rule and where in the schema it sits ("spec", "spec.policy", "spec.orderers[]"). */
  record Rule(String kind, String path, String rule, String message) {
    boolean isTransition() {
      return rule.contains("oldSelf");
    }
  }

  final String kind;
  final String plural;
  final ObjectNode openApiSchema;

  private CrdSchema(String kind, String plural, ObjectNode openApiSchema) {
    this.kind = kind;
    this.plural = plural;
    this.openApiSchema = openApiSchema;
  }

  static List<CrdSchema> all() {
    List<CrdSchema> schemas = new ArrayList<>();
    for (ObjectNode crd : ProjectFiles.generatedCrdTrees()) {
      JsonNode version = crd.at("/spec/versions/0");
      schemas.add(new CrdSchema(crd.at("/spec/names/kind").asText(), crd.at("/spec/names/plural").asText(),
          (ObjectNode) version.at("/schema/openAPIV3Schema")));
    }
    return schemas;
  }

  static CrdSchema forKind(String kind) {
    return all().stream().filter(s -> s.kind.equals(kind)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no generated CRD for kind " + kind));
  }

  /** Schema violations of a resource: JSON schema validation of everything but metadata. */
  Set<ValidationMessage> validate(JsonNode resource) {
    JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(toJsonSchema(openApiSchema, true));
    return schema.validate(resource);
  }

  /**
   * The openAPIV3Schema as a draft-4 JSON schema. The x-kubernetes-* keywords mean nothing to a JSON
   * schema validator and are dropped. Where the API server would silently prune a field the schema
   * does not know (structural schemas), the converted schema refuses it instead, so that a typo in
   * a sample is an error here rather than a field that quietly disappears in a cluster.
   */
  static JsonNode toJsonSchema(JsonNode node, boolean root) {
    if (!node.isObject()) {
      return node;
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = field.getKey();
      if (key.startsWith("x-kubernetes-") || key.equals("nullable")) {
        continue;
      }
      if (key.equals("properties")) {
        ObjectNode properties = out.putObject("properties");
        field.getValue().fields().forEachRemaining(p -> properties.set(p.getKey(), toJsonSchema(p.getValue(), false)));
      } else if (key.equals("items") || key.equals("additionalProperties")) {
        out.set(key, toJsonSchema(field.getValue(), false));
      } else {
        out.set(key, field.getValue());
      }
    }
    boolean preservesUnknown = node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    if (!root && node.has("properties") && !node.has("additionalProperties") && !preservesUnknown) {
      out.put("additionalProperties", false);
    }
    return out;
  }

  /** Every CEL rule of this CRD with its place in the schema. */
  List<Rule> rules() {
    List<Rule> rules = new ArrayList<>();
    collectRules(openApiSchema, "", rules);
    return rules;
  }

  private void collectRules(JsonNode schema, String path, List<Rule> rules) {
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      rules.add(new Rule(kind, path.isEmpty() ? "<root>" : path, rule.path("rule").asText(), rule.path("message").asText()));
    }
    schema.path("properties").fields().forEachRemaining(
        p -> collectRules(p.getValue(), path.isEmpty() ? p.getKey() : path + "." + p.getKey(), rules));
    if (schema.has("items")) {
      collectRules(schema.get("items"), path + "[]", rules);
    }
    if (schema.path("additionalProperties").isObject()) {
      collectRules(schema.get("additionalProperties"), path + "{}", rules);
    }
  }

  /** The schema node at a rule's path. */
  JsonNode schemaAt(String path) {
    JsonNode node = openApiSchema;
    if (path.equals("<root>")) {
      return node;
    }
    for (String part : path.split("\\.")) {
      String name = part.replace("[]", "").replace("{}", "");
      node = node.path("properties").path(name);
      if (part.endsWith("[]")) {
        node = node.path("items");
      } else if (part.endsWith("{}")) {
        node = node.path("additionalProperties");
      }
    }
    if (node.isMissingNode()) {
      throw new IllegalArgumentException("no schema at " + path + " in " + kind);
    }
    return node;
  }

  /** A copy of a value with the schema's defaults filled in, as the API server does before validating. */
  static JsonNode withDefaults(JsonNode schema, JsonNode value) {
    return io.consortium.operator.validation.SchemaDefaults.apply(schema, value);
  }

  /** A JSON value as CEL-Java takes it: maps, lists, Long, Double, String, Boolean. */
  static Object toCelValue(JsonNode node) {
    return io.consortium.operator.validation.CelRules.toCelValue(node);
  }
}
