package io.consortium.operator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.mockwebserver.http.MockResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders custom resources as a {@code meta.k8s.io/v1} Table with the CRD's printer columns, as a real
 * API server does when kubectl asks for one; without it kubectl would show NAME and AGE only.
 */
final class TablePrinter {

  private final ObjectMapper mapper;
  private final Clock clock;

  TablePrinter(ObjectMapper mapper) {
    this(mapper, Clock.systemUTC());
  }

  TablePrinter(ObjectMapper mapper, Clock clock) {
    this.mapper = mapper;
    this.clock = clock;
  }

  MockResponse toTable(MockResponse original, CustomResourceDefinition crd) {
    JsonNode body;
    try {
      body = mapper.readTree(original.getBody().readUtf8());
    } catch (IOException | RuntimeException e) {
      return original;
    }
    List<JsonNode> items = new ArrayList<>();
    if (body.has("items")) {
      body.get("items").forEach(items::add);
    } else {
      items.add(body);
    }
    List<CustomResourceColumnDefinition> columns = crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns();
    ObjectNode table = render(items, columns == null ? List.of() : columns);
    JsonNode resourceVersion = body.path("metadata").path("resourceVersion");
    if (!resourceVersion.isMissingNode()) {
      table.putObject("metadata").set("resourceVersion", resourceVersion);
    }
    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(table.toString());
  }

  ObjectNode render(List<JsonNode> items, List<CustomResourceColumnDefinition> columns) {
    ObjectNode table = mapper.createObjectNode();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    ArrayNode definitions = table.putArray("columnDefinitions");
    ObjectNode name = definitions.addObject();
    name.put("name", "Name");
    name.put("type", "string");
    name.put("format", "name");
    name.put("description", "Name of the resource");
    name.put("priority", 0);
    for (CustomResourceColumnDefinition column : columns) {
      ObjectNode d = definitions.addObject();
      d.put("name", column.getName());
      d.put("type", column.getType());
      d.put("format", column.getFormat() == null ? "" : column.getFormat());
      d.put("description", column.getDescription() == null ? "" : column.getDescription());
      d.put("priority", column.getPriority() == null ? 0 : column.getPriority());
    }
    ArrayNode rows = table.putArray("rows");
    for (JsonNode item : items) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      cells.add(item.path("metadata").path("name").asText());
      for (CustomResourceColumnDefinition column : columns) {
        JsonNode value = at(item, column.getJsonPath());
        if (value == null || value.isNull()) {
          cells.addNull();
        } else if ("date".equals(column.getType())) {
          cells.add(age(value.asText()));
        } else if (value.isValueNode()) {
          cells.add(value);
        } else {
          cells.add(value.toString());
        }
      }
      ObjectNode object = row.putObject("object");
      object.put("kind", "PartialObjectMetadata");
      object.put("apiVersion", "meta.k8s.io/v1");
      object.set("metadata", item.path("metadata"));
    }
    return table;
  }

  /** The value at a simple JSONPath such as {@code .status.peer.name}, or null. */
  static JsonNode at(JsonNode item, String jsonPath) {
    JsonNode node = item;
    for (String part : jsonPath.replaceFirst("^\\.", "").split("\\.")) {
      if (node == null || part.isEmpty()) {
        return null;
      }
      node = node.get(part);
    }
    return node;
  }

  /** kubectl's way of showing a time as an age: 45s, 5m10s, 3h, 2d4h. */
  String age(String timestamp) {
    Instant then;
    try {
      then = Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return "<invalid>";
    }
    Duration d = Duration.between(then, clock.instant());
    if (d.isNegative()) {
      return "<invalid>";
    }
    long seconds = d.getSeconds();
    long minutes = seconds / 60;
    long hours = minutes / 60;
    long days = hours / 24;
    if (seconds < 120) {
      return seconds + "s";
    } else if (minutes < 10) {
      return minutes + "m" + (seconds % 60 == 0 ? "" : (seconds % 60) + "s");
    } else if (minutes < 180) {
      return minutes + "m";
    } else if (hours < 8) {
      return hours + "h" + (minutes % 60 == 0 ? "" : (minutes % 60) + "m");
    } else if (hours < 48) {
      return hours + "h";
    } else if (hours < 192) {
      return days + "d" + (hours % 24 == 0 ? "" : (hours % 24) + "h");
    } else if (days < 730) {
      return days + "d";
    }
    return (days / 365) + "y" + (days % 365 == 0 ? "" : (days % 365) + "d");
  }
}
