package io.consortium.operator.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One kind's CRD as an API server applies it to a resource: defaults, then the OpenAPI schema, then
 * the CEL rules. Read from the CRD the build generated into the class path, so that what the operator
 * refuses and what a real cluster refuses come from the same file.
 *
 * <p>Unknown fields are not violations: a real API server prunes them (and this version may meet
 * fields of a newer one). Transition rules ({@code oldSelf}) run only when an old object is given.
 */
public final class CrdRules {

  private static final ObjectMapper YAML = new YAMLMapper();
  private static final Map<Class<?>, CrdRules> BY_TYPE = new ConcurrentHashMap<>();

  private final String kind;
  private final JsonNode openApiSchema;
  private final JsonSchema schema;

  private CrdRules(String kind, JsonNode openApiSchema) {
    this.kind = kind;
    this.openApiSchema = openApiSchema;
    this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(toJsonSchema(openApiSchema));
  }

  /** The rules of a kind of the model, from its generated CRD on the class path (read once). */
  public static CrdRules of(Class<? extends HasMetadata> type) {
    return BY_TYPE.computeIfAbsent(type, t -> {
      String file = "/META-INF/fabric8/" + HasMetadata.getFullResourceName(type) + "-v1.yml";
      try (InputStream in = CrdRules.class.getResourceAsStream(file)) {
        if (in == null) {
          throw new IllegalStateException("the CRD " + file + " is missing from the class path: build with mvn package");
        }
        return fromCrd(YAML.readTree(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the CRD " + file, e);
      }
    });
  }

  /** The rules of one CustomResourceDefinition (its first version's schema), as a tree. */
  public static CrdRules fromCrd(JsonNode crd) {
    return new CrdRules(crd.at("/spec/names/kind").asText(), crd.at("/spec/versions/0/schema/openAPIV3Schema"));
  }

  public String kind() {
    return kind;
  }

  /** The CRD's openAPIV3Schema. */
  public JsonNode openApiSchema() {
    return openApiSchema;
  }

  /**
   * What is wrong with a resource (a tree with {@code spec}, and whatever else it has), in field-path
   * order; empty when the API server would store it. {@code old} is the stored object for an update, or null.
   */
  public List<Violation> check(JsonNode resource, JsonNode old) {
    JsonNode value = SchemaDefaults.apply(openApiSchema, withoutNulls(resource));
    List<Violation> violations = new ArrayList<>();
    Set<String> refused = new HashSet<>();
    for (ValidationMessage m : schema.validate(value)) {
      Violation v = describe(m);
      if (violations.stream().noneMatch(v::equals)) {
        violations.add(v);
        refused.add(v.path());
      }
    }
    JsonNode oldValue = old == null ? null : SchemaDefaults.apply(openApiSchema, withoutNulls(old));
    for (CelRules.Failure f : CelRules.failures(openApiSchema, value, oldValue, "", refused)) {
      // A rule that could not even be evaluated met a value of the wrong shape, already named above.
      boolean shapeAlreadyNamed = f.outcome().startsWith("error") && refused.stream()
          .anyMatch(p -> f.path().isEmpty() || p.equals(f.path()) || p.startsWith(f.path() + ".") || p.startsWith(f.path() + "["));
      if (!shapeAlreadyNamed) {
        violations.add(new Violation(f.path().isEmpty() ? "<root>" : f.path(), f.message()));
      }
    }
    violations.sort(Comparator.comparing(Violation::path));
    return violations;
  }

  /**
   * The value as a real API server validates it: a field set to null is dropped first (none of our
   * schemas is nullable), as clients that serialize an unset status or field as null expect.
   */
  static JsonNode withoutNulls(JsonNode node) {
    if (node == null || !node.isContainerNode()) {
      return node;
    }
    JsonNode copy = node.deepCopy();
    dropNulls(copy);
    return copy;
  }

  private static void dropNulls(JsonNode node) {
    if (node.isObject()) {
      for (var it = node.fields(); it.hasNext(); ) {
        var field = it.next();
        if (field.getValue().isNull()) {
          it.remove();
        } else {
          dropNulls(field.getValue());
        }
      }
    } else if (node.isArray()) {
      node.forEach(CrdRules::dropNulls);
    }
  }

  // ---- messages --------------------------------------------------------------------------------

  /** A schema violation in the API server's words: the field path, the value and what is allowed. */
  private static Violation describe(ValidationMessage m) {
    String path = fieldPath(m.getInstanceLocation());
    JsonNode value = m.getInstanceNode();
    JsonNode rule = m.getSchemaNode();
    String message = switch (m.getType()) {
      case "required" -> {
        path = path.isEmpty() ? m.getProperty() : path + "." + m.getProperty();
        yield "Required value";
      }
      case "enum" -> "Unsupported value: " + value + ": supported values: "
          + join(rule, ", ");
      case "minimum" -> "Invalid value: " + value + ": must be greater than or equal to " + number(rule);
      case "maximum" -> "Invalid value: " + value + ": must be less than or equal to " + number(rule);
      case "minLength" -> "Invalid value: " + value + ": must be at least " + rule.asText() + " characters long";
      case "maxLength" -> "Too long: may not be longer than " + rule.asText() + " characters";
      case "minItems" -> "Invalid value: " + value + ": must have at least " + rule.asText() + " item(s)";
      case "maxItems" -> "Too many: " + value.size() + ": must have at most " + rule.asText() + " items";
      case "pattern" -> "Invalid value: " + value + ": must match '" + rule.asText() + "'";
      case "type" -> "Invalid value: " + shortened(value) + ": must be of type " + rule.asText();
      default -> m.getMessage().replaceFirst("^\\$[^:]*: ", "");
    };
    return new Violation(path.isEmpty() ? "<root>" : path, message);
  }

  /** 1, not the 1.0 the generator writes for a bound on an integer field. */
  private static String number(JsonNode bound) {
    double d = bound.asDouble();
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : bound.asText();
  }

  private static String join(JsonNode values, String separator) {
    List<String> out = new ArrayList<>();
    values.forEach(v -> out.add(v.toString()));
    return String.join(separator, out);
  }

  private static String shortened(JsonNode value) {
    String text = value == null ? "null" : value.toString();
    return text.length() > 60 ? text.substring(0, 57) + "..." : text;
  }

  /** {@code $.spec.to[0]} as Kubernetes writes it: {@code spec.to[0]}. */
  static String fieldPath(JsonNodePath location) {
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      if (element instanceof Integer index) {
        path.append('[').append(index).append(']');
      } else {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(element);
      }
    }
    return path.toString();
  }

  /**
   * The openAPIV3Schema as a draft-4 JSON schema: the x-kubernetes-* keywords mean nothing to a JSON
   * schema validator and are dropped; unknown fields stay allowed (the API server prunes them).
   */
  public static JsonNode toJsonSchema(JsonNode node) {
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
        field.getValue().fields().forEachRemaining(p -> properties.set(p.getKey(), toJsonSchema(p.getValue())));
      } else if (key.equals("items") || key.equals("additionalProperties")) {
        out.set(key, toJsonSchema(field.getValue()));
      } else {
        out.set(key, field.getValue());
      }
    }
    return out;
  }
}
