package io.consortium.operator.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * Compiles and evaluates the CRDs' CEL rules as the API server would, as far as standard CEL
 * goes: the mock server checks none of them, and a real API server refuses a CRD whose rule does
 * not compile. {@code self} and {@code oldSelf} are dynamic, so a misspelled field would compile;
 * {@link #unknownFields} checks every field a rule selects against the schema instead.
 */
final class CelRules {

  private CelRules() {}

  static CelAbstractSyntaxTree compile(String rule) throws CelValidationException {
    return io.consortium.operator.validation.CelRules.compile(rule);
  }

  /** Evaluates one rule; oldSelf is null for a create, when Kubernetes skips transition rules. */
  static Object evaluate(String rule, JsonNode self, JsonNode oldSelf) throws Exception {
    return io.consortium.operator.validation.CelRules.evaluate(rule, self, oldSelf);
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
          // A rule at the root may also select metadata.name and metadata.generateName (Kubernetes documents
          // exactly these), although the generated schema declares no metadata.
          List<String> fields = List.copyOf(chain);
          boolean atRoot = schemaAtRule.path("properties").has("spec");
          if (atRoot && fields.get(0).equals("metadata") && (fields.size() == 1
              || fields.size() == 2 && (fields.get(1).equals("name") || fields.get(1).equals("generateName")))) {
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
   * Evaluates every rule of a CRD on a resource, walking the schema like the API server (the operator's
   * own walk, in validation.CelRules): "path: rule -> result" for every rule that did not return true.
   */
  static List<String> violations(CrdSchema crd, JsonNode resource, JsonNode oldResource) {
    return io.consortium.operator.validation.CelRules.failures(crd.openApiSchema,
            CrdSchema.withDefaults(crd.openApiSchema, resource),
            oldResource == null ? null : CrdSchema.withDefaults(crd.openApiSchema, oldResource), "", Set.of())
        .stream().map(f -> (f.path().isEmpty() ? "<root>" : f.path()) + ": " + f.rule() + " -> " + f.outcome())
        .toList();
  }
}
