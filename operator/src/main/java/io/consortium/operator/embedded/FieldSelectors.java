package io.consortium.operator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Field selectors ({@code a.b=c}, {@code a.b==c}, {@code a.b!=c}, comma-joined) applied to a list response. */
final class FieldSelectors {

  private FieldSelectors() {}

  static MockResponse filter(MockResponse list, String query, ObjectMapper mapper) {
    if (list.code() != 200) {
      return list;
    }
    String selector = null;
    for (String param : query.split("&")) {
      if (param.startsWith("fieldSelector=")) {
        selector = URLDecoder.decode(param.substring("fieldSelector=".length()), StandardCharsets.UTF_8);
      }
    }
    JsonNode body;
    try {
      body = mapper.readTree(list.getBody().readUtf8());
    } catch (IOException e) {
      return list;
    }
    if (selector == null || !body.has("items")) {
      return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(body.toString());
    }
    ArrayNode kept = mapper.createArrayNode();
    for (JsonNode item : body.get("items")) {
      if (matches(item, selector)) {
        kept.add(item);
      }
    }
    ((ObjectNode) body).set("items", kept);
    // The CRUD store answers kind List; typed clients such as kubectl describe want EventList.
    if (!kept.isEmpty() && kept.get(0).has("kind")) {
      ((ObjectNode) body).put("kind", kept.get(0).get("kind").asText() + "List");
    }
    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(body.toString());
  }

  static boolean matches(JsonNode item, String selector) {
    for (String term : selector.split(",")) {
      boolean negated = term.contains("!=");
      String[] kv = term.split(negated ? "!=" : "==?", 2);
      if (kv.length != 2) {
        continue;
      }
      JsonNode value = TablePrinter.at(item, "." + kv[0].strip());
      String actual = value == null || value.isNull() ? "" : value.asText();
      if (actual.equals(kv[1].strip()) == negated) {
        return false;
      }
    }
    return true;
  }
}
