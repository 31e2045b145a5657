package io.consortium.operator.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Fills in an OpenAPI schema's defaults, as the API server does before it validates. */
public final class SchemaDefaults {

  private SchemaDefaults() {}

  /** A copy of {@code value} with the schema's defaults filled in where fields are absent. */
  public static JsonNode apply(JsonNode schema, JsonNode value) {
    if (value == null || value.isNull()) {
      return value;
    }
    if (value.isObject()) {
      ObjectNode out = ((ObjectNode) value).deepCopy();
      schema.path("properties").fields().forEachRemaining(p -> {
        JsonNode present = out.get(p.getKey());
        if (present == null && p.getValue().has("default")) {
          out.set(p.getKey(), p.getValue().get("default").deepCopy());
        } else if (present != null) {
          out.set(p.getKey(), apply(p.getValue(), present));
        }
      });
      if (schema.path("additionalProperties").isObject()) {
        value.fields().forEachRemaining(e -> {
          if (!schema.path("properties").has(e.getKey())) {
            out.set(e.getKey(), apply(schema.get("additionalProperties"), e.getValue()));
          }
        });
      }
      return out;
    }
    if (value.isArray() && schema.has("items")) {
      var out = JsonNodeFactory.instance.arrayNode();
      value.forEach(item -> out.add(apply(schema.get("items"), item)));
      return out;
    }
    return value;
  }
}
