package io.consortium.operator.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CRDs' CEL rules (x-kubernetes-validations) compiled and evaluated as the API server does, as
 * far as standard CEL goes (Kubernetes' own library functions are not available, and the rules do not
 * use them). {@code self} and {@code oldSelf} are dynamic. Programs are compiled once per rule text.
 */
public final class CelRules {

  /** A rule that did not hold (or could not be evaluated) at a place in the object. */
  public record Failure(String path, String rule, String message, String outcome) {}

  private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar("self", SimpleType.DYN)
      .addVar("oldSelf", SimpleType.DYN)
      .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
  private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();

  private CelRules() {}

  public static CelAbstractSyntaxTree compile(String rule) throws CelValidationException {
    return COMPILER.compile(rule).getAst();
  }

  /** Evaluates one rule; oldSelf is null for a create, when Kubernetes skips transition rules. */
  public static Object evaluate(String rule, JsonNode self, JsonNode oldSelf) throws Exception {
    CelRuntime.Program program = PROGRAMS.get(rule);
    if (program == null) {
      program = RUNTIME.createProgram(compile(rule));
      PROGRAMS.put(rule, program);
    }
    Map<String, Object> vars = new HashMap<>();
    vars.put("self", toCelValue(self));
    if (oldSelf != null) {
      vars.put("oldSelf", toCelValue(oldSelf));
    }
    return program.eval(vars);
  }

  /**
   * Evaluates every rule of a schema on a value (defaults already filled in), walking the schema like
   * the API server: a rule runs where its object exists; a transition rule only when the old object
   * exists there too. Rules at the paths in {@code skip} (whose value the schema already refused) are
   * not run, so that one bad value gives one message. Paths are Kubernetes field paths under {@code prefix}.
   */
  public static List<Failure> failures(JsonNode schema, JsonNode value, JsonNode old, String prefix, Set<String> skip) {
    List<Failure> failures = new ArrayList<>();
    walk(schema, value, old, prefix, skip, failures);
    return failures;
  }

  private static void walk(JsonNode schema, JsonNode value, JsonNode old, String path, Set<String> skip,
      List<Failure> failures) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return;
    }
    if (!skip.contains(path)) {
      for (JsonNode ruleNode : schema.path("x-kubernetes-validations")) {
        String rule = ruleNode.path("rule").asText();
        if (rule.contains("oldSelf") && (old == null || old.isMissingNode() || old.isNull())) {
          continue;
        }
        String message = ruleNode.path("message").asText("failed rule: " + rule);
        try {
          Object result = evaluate(rule, value, old);
          if (!Boolean.TRUE.equals(result)) {
            failures.add(new Failure(path, rule, message, String.valueOf(result)));
          }
        } catch (Exception e) {
          failures.add(new Failure(path, rule, message, "error " + e.getMessage()));
        }
      }
    }
    if (value.isObject()) {
      schema.path("properties").fields().forEachRemaining(p -> walk(p.getValue(), value.get(p.getKey()),
          old == null ? null : old.get(p.getKey()), path.isEmpty() ? p.getKey() : path + "." + p.getKey(), skip,
          failures));
    } else if (value.isArray() && schema.has("items")) {
      // Items of plain lists have no correlated old value (only map-type lists are correlated).
      for (int i = 0; i < value.size(); i++) {
        walk(schema.get("items"), value.get(i), null, path + "[" + i + "]", skip, failures);
      }
    }
  }

  /** A JSON value as CEL-Java takes it: maps, lists, Long, Double, String, Boolean. */
  public static Object toCelValue(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(e -> map.put(e.getKey(), toCelValue(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(toCelValue(item)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    if (node.isNull()) {
      return NullValue.NULL_VALUE;
    }
    return node.asText();
  }
}
