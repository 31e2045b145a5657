package io.consortium.operator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import io.consortium.operator.embedded.Admission.FieldError;
import io.consortium.operator.validation.CrdRules;
import io.consortium.operator.validation.Violation;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Custom resources checked as a real API server checks them: against their CRD's OpenAPI schema
 * (types, required fields, enums, ranges, patterns, lengths) and its CEL rules, transition rules with
 * {@code oldSelf} included, on create and on every update of the resource, the operator's own too.
 * The rules are the operator's own ({@link CrdRules}), read from the CRD stored in this server.
 *
 * <p>A write of the status alone leaves the spec as it was, and what did not change is not checked
 * again (Kubernetes' validation ratcheting): only the operator writes status, and the schema leaves
 * status free.
 */
final class CustomResourceRules implements Admission {

  /** The stored CRD (as JSON) of a group and plural, or null for a resource that is not a custom one. */
  private final BiFunction<String, String, JsonNode> crds;
  /** Compiled rules by the CRD they came from: a CRD replaced by another version is compiled again. */
  private final Map<JsonNode, CrdRules> compiled = new ConcurrentHashMap<>();

  CustomResourceRules(BiFunction<String, String, JsonNode> crds) {
    this.crds = crds;
  }

  @Override
  public List<FieldError> check(ApiPath resource, JsonNode old, JsonNode updated) {
    JsonNode crd = crds.apply(resource.group(), resource.plural());
    if (crd == null || old != null && old.path("spec").equals(updated.path("spec"))) {
      return List.of();
    }
    CrdRules rules = compiled.computeIfAbsent(crd, CrdRules::fromCrd);
    List<Violation> violations = rules.check(updated, old);
    return violations.stream().map(v -> new FieldError(v.path(), "FieldValueInvalid", v.message())).toList();
  }
}
