package io.consortium.operator.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles and evaluates the CRDs' CEL rules as the API server would, as far as standard CEL
 * goes: the mock server checks none of them, and a real API server refuses a CRD whose rule does
 * not compile. {@code self} and {@code oldSelf} are dynamic, so a misspelled field would compile;
 * {@link #unknownFields} checks every field a rule selects against the schema instead.
 */
final class CelRules {

  private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar("self", SimpleType.DYN)
      .addVar("oldSelf", SimpleType.DYN)
      .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
  private static final Map<String, CelRuntime.Program> PROGRAMS = new HashMap<>();

  private CelRules() {}

  static CelAbstractSyntaxTree compile(String rule) throws CelValidationException {
    return COMPILER.compile(rule).getAst();
  }

  /** Evaluates one rule; oldSelf is null for a create, when Kubernetes skips transition rules. */
  static Object evaluate(String rule, JsonNode self, JsonNode oldSelf) throws Exception {
    CelRuntime.Program program;
    synchronized (PROGRAMS) {
      program = PROGRAMS.get(rule);
      if (program == null) {
        program = RUNTIME.createProgram(compile(rule));
        PROGRAMS.put(rule, program);
      }
    }
    Map<String, Object> vars = new HashMap<>();
    vars.put("self", CrdSchema.toCelValue(self));
    if (oldSelf != null) {
      vars.put("oldSelf", CrdSchema.toCelValue(oldSelf));
    }
    return program.eval(vars);
  }

  /** Fields a rule selects on self/oldSelf that the schema at the rule's place does not have. */
  static List<String> unknownFields(CelAbstractSyntaxTree ast, JsonNode schemaAtRule) {
    List<String> unknown = new ArrayList<>();
    CelNavigableAst.fromAst(ast).getRoot().allNodes()
        .filter(n -> n.getKind() == CelExpr.ExprKind.Kind.SELECT)
        .forEach(n -> {
          Deque<String> chain = new ArrayDeque<>();
          CelExpr e = n.expr();
          while (e.exprKind().getKind() == CelExpr.ExprKind.Kind.SELECT) {
            chain.push(e.select().field());
            e = e.select().operand();
          }
          if (e.exprKind().getKind() != CelExpr.ExprKind.Kind.IDENT) {
            return;
          }
          String root = e.ident().name();
          if (!root.equals("self") && !root.equals("oldSelf")) {
            return;
          }
          JsonNode schema = schemaAtRule;
          StringBuilder path = new StringBuilder(root);
          for (String field : chain) {
            path.append('.').append(field);
            if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
                || schema.path("additionalProperties").isObject()) {
              return;
            }
            schema = schema.path("properties").path(field);
            if (schema.isMissingNode()) {
              unknown.add(path.toString());
              return;
            }
          }
        });
    return unknown;
  }

  /**
   * Evaluates every rule of a CRD on a resource, walking the schema like the API server: a rule
   * runs where its object exists; a transition rule only when the old object exists there too.
   * Returns "path: rule -> result" for every rule that did not return true.
   */
  static List<String> violations(CrdSchema crd, JsonNode resource, JsonNode oldResource) {
    List<String> violations = new ArrayList<>();
    walk(crd.openApiSchema, CrdSchema.withDefaults(crd.openApiSchema, resource),
        oldResource == null ? null : CrdSchema.withDefaults(crd.openApiSchema, oldResource), "", violations);
    return violations;
  }

  private static void walk(JsonNode schema, JsonNode value, JsonNode old, String path, List<String> violations) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return;
    }
    for (JsonNode ruleNode : schema.path("x-kubernetes-validations")) {
      String rule = ruleNode.path("rule").asText();
      if (rule.contains("oldSelf") && (old == null || old.isMissingNode() || old.isNull())) {
        continue;
      }
      try {
        Object result = evaluate(rule, value, old);
        if (!Boolean.TRUE.equals(result)) {
          violations.add((path.isEmpty() ? "<root>" : path) + ": " + rule + " -> " + result);
        }
      } catch (Exception e) {
        violations.add((path.isEmpty() ? "<root>" : path) + ": " + rule + " -> error " + e.getMessage());
      }
    }
    if (value.isObject()) {
      schema.path("properties").fields().forEachRemaining(p -> walk(p.getValue(), value.get(p.getKey()),
          old == null ? null : old.get(p.getKey()), path.isEmpty() ? p.getKey() : path + "." + p.getKey(), violations));
    } else if (value.isArray() && schema.has("items")) {
      // Items of plain lists have no correlated old value (only map-type lists are correlated).
      for (int i = 0; i < value.size(); i++) {
        walk(schema.get("items"), value.get(i), null, path + "[" + i + "]", violations);
      }
    }
  }
}
